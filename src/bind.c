/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The binder: the only part of hostdev that writes.  Moves whole IOMMU
 * groups to vfio-pci and back, transactionally.
 *
 * Per function, bind writes (relative to the sysroot's sys/):
 *   1. devices/.../driver_override    "vfio-pci"  (before unbind, so no
 *                                                  other driver grabs it)
 *   2. devices/.../driver/unbind      address     (when a driver is bound)
 *   3. bus/pci/drivers_probe          address
 *   4. re-read devices/.../driver and require vfio-pci (drivers_probe
 *      reports success even when nothing binds)
 * then waits for dev/vfio/<group>.  Restoring writes the recorded override
 * (or "\n" to clear it), unbinds vfio-pci, reprobes, and if the recorded
 * driver does not come back writes the address to its bind file; then
 * verifies.  Bridges keep their driver.
 *
 * Every change is preceded by a journal record (state.c) under an exclusive
 * lock, so a crash or kill at any point leaves enough to revert an
 * interrupted bind or finish an interrupted unbind: every entry point does
 * that first.  A failure rolls the transaction back in reverse order.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <time.h>

#include <libkmod.h>
#include <libudev.h>

#include "abi.h"
#include "state.h"

#define VFIO "vfio-pci"
#define VFIO_MODULE "vfio-pci"
#define PROBE_WAIT_MS 1000              /* a probe is synchronous; allow some slack */
#define LOCK_WAIT_MIN_MS 60000
#define DEFAULT_TIMEOUT_MS 10000
#define REFUSAL 1                       /* problem(): not an errno, becomes -EPERM */

struct fn {
        struct hd_dev *dev;
        const char *addr;
        const char *path;                       /* "devices/...", relative to sys */
        int group;
        char driver[NAME_MAX + 1];              /* now ("" none); simulated in a dry run */
        char override[NAME_MAX + 1];            /* now ("" none) */
        char snap_driver[NAME_MAX + 1];         /* before this transaction */
        char snap_override[NAME_MAX + 1];
        const char *sim_native;                 /* dry run: what a probe without override binds */
        bool touched;                           /* this transaction wrote to it */
        bool work;
        bool rec_new;
        enum hd__rec_state rec_prev;
};

struct job {
        struct hd_ctx *ctx;
        const struct hd_bind_opts *opts;
        struct hd_bind_opts defaults;           /* opts when the caller gave none */
        int rootfd, sysfd;
        bool dry;
        bool live;
        int timeout_ms;
        struct hd__state *st;
};

HD_EXPORT void hd_bind_opts_init(struct hd_bind_opts *o)
{
        memset(o, 0, sizeof(*o));
        o->size = sizeof(*o);
        o->timeout_ms = DEFAULT_TIMEOUT_MS;
}

/* ---------------------------------------------------------------- helpers */

int hd__bind_vreport(struct hd_ctx *ctx, const struct hd_bind_opts *opts, int err,
                     const char *fmt, va_list ap)
{
        char msg[1024];

        vsnprintf(msg, sizeof(msg), fmt, ap);
        if (opts->on_problem)
                opts->on_problem(opts->data, msg);
        else
                ERR(ctx, "%s", msg);
        return hd__error(ctx, err, "%s", msg);
}

/* Report a failure, ERR a negative errno, or REFUSAL: the judge or a VM says
 * no.  A refusal is the only source of -EPERM: a failed call's -EPERM is
 * reported as -EACCES.  Returns: the negative errno. */
static int problem(struct job *j, int err, const char *fmt, ...) _printf_(3, 4);
static int problem(struct job *j, int err, const char *fmt, ...)
{
        va_list ap;
        int r;

        if (err == -EPERM)
                err = -EACCES;
        else if (err == REFUSAL)
                err = -EPERM;
        va_start(ap, fmt);
        r = hd__bind_vreport(j->ctx, j->opts, err, fmt, ap);
        va_end(ap);
        return r;
}

static long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *or_none(const char *s) { return s && *s ? s : "none"; }
static const char *or_null(const char *s) { return s && *s ? s : NULL; }

static void fn_init(struct fn *f, struct hd_dev *d)
{
        memset(f, 0, sizeof(*f));
        f->dev = d;
        f->addr = d->address;
        f->path = d->path;
        f->group = d->iommu_group;
        f->sim_native = "";
}

/* What the binder has just read is the truth: let the scan's model (and so
 * the judge and the getters) say so too.  The old strings stay valid: they
 * live in the scan's memory until the next scan. */
static void publish(struct job *j, struct fn *f)
{
        struct hd__scan *scan = hd__ctx_scan(j->ctx);
        struct hd_dev *d = f->dev;
        char *s;

        if (!scan || j->dry)
                return;
        if (!streq_ptr(d->driver, or_null(f->driver))) {
                s = f->driver[0] ? hd__scan_strdup(scan, f->driver) : NULL;
                if (s || !f->driver[0])
                        d->driver = s;
        }
        if (d->detail_done && !streq_ptr(d->driver_override, or_null(f->override))) {
                s = f->override[0] ? hd__scan_strdup(scan, f->override) : NULL;
                if (s || !f->override[0])
                        d->driver_override = s;
        }
}

/* Re-read driver link and override from sysfs (never from the scan). */
static int fn_read(struct job *j, struct fn *f)
{
        char rel[PATH_MAX];
        int r;

        f->driver[0] = f->override[0] = '\0';
        if (snprintf(rel, sizeof(rel), "%s/driver", f->path) >= (int)sizeof(rel))
                return -ENAMETOOLONG;
        r = hd__readlink_base_at(j->sysfd, rel, f->driver, sizeof(f->driver));
        if (r < 0) {
                f->driver[0] = '\0';
                if (r != -ENOENT)
                        return problem(j, r, "%s: cannot read driver link: %s", f->addr,
                                       strerror(-r));
        }
        snprintf(rel, sizeof(rel), "%s/driver_override", f->path);
        r = hd__read_at(j->sysfd, rel, f->override, sizeof(f->override));
        if (r < 0) {
                f->override[0] = '\0';
                if (r != -ENOENT)
                        return problem(j, r, "%s: cannot read driver_override: %s", f->addr,
                                       strerror(-r));
        }
        if (streq(f->override, "(null)"))
                f->override[0] = '\0';
        publish(j, f);
        return 0;
}

/* Outside a dry run, the truth is in sysfs. */
static void fn_sync(struct job *j, struct fn *f)
{
        if (!j->dry)
                (void)fn_read(j, f);
}

static bool fn_on_vfio(const struct fn *f)
{
        return streq(f->driver, VFIO) && streq(f->override, VFIO);
}

static int do_write(struct job *j, const char *rel, const char *value)
{
        char disp[PATH_MAX + 8];

        if (j->opts->on_write)
                j->opts->on_write(j->opts->data, hd__sysfs_display(rel, disp, sizeof(disp)) ?: rel,
                                  value);
        DBG(j->ctx, "write %s <- %s", rel, streq(value, "\n") ? "\\n" : value);
        return j->dry ? 0 : hd__write_at(j->sysfd, rel, value);
}

/* A failed write's errno, saying what the non-blocking, no-follow open found. */
static const char *write_error(int r)
{
        switch (r) {
        case -ENXIO: return "not a sysfs attribute (a FIFO without a reader?)";
        case -ELOOP: return "a symbolic link; not followed";
        default: return strerror(-r);
        }
}

static int w_override(struct job *j, struct fn *f, const char *value)
{
        char rel[PATH_MAX];
        int r;

        snprintf(rel, sizeof(rel), "%s/driver_override", f->path);
        f->touched = true;
        r = do_write(j, rel, value);
        if (r < 0)
                return problem(j, r, "%s: writing '%s' to driver_override failed: %s", f->addr,
                               streq(value, "\n") ? "\\n" : value, write_error(r));
        if (j->dry)
                snprintf(f->override, sizeof(f->override), "%s", streq(value, "\n") ? "" : value);
        return 0;
}

static int w_unbind(struct job *j, struct fn *f)
{
        char rel[PATH_MAX];
        int r;

        snprintf(rel, sizeof(rel), "%s/driver/unbind", f->path);
        f->touched = true;
        r = do_write(j, rel, f->addr);
        if (r < 0)
                return problem(j, r, "%s: unbinding from %s failed: %s", f->addr, f->driver,
                               write_error(r));
        if (j->dry)
                f->driver[0] = '\0';
        return 0;
}

static int w_probe(struct job *j, struct fn *f)
{
        int r;

        f->touched = true;
        r = do_write(j, "bus/pci/drivers_probe", f->addr);
        if (r < 0)
                return problem(j, r, "%s: drivers_probe failed: %s", f->addr, write_error(r));
        if (j->dry && !f->driver[0])
                snprintf(f->driver, sizeof(f->driver), "%s",
                         f->override[0] ? f->override : f->sim_native);
        return 0;
}

static int w_bind(struct job *j, struct fn *f, const char *drv)
{
        char rel[PATH_MAX];
        int r;

        if (snprintf(rel, sizeof(rel), "bus/pci/drivers/%s/bind", drv) >= (int)sizeof(rel))
                return problem(j, -ENAMETOOLONG, "%s: driver name too long", f->addr);
        f->touched = true;
        r = do_write(j, rel, f->addr);
        if (r < 0)
                return problem(j, r, "%s: binding to %s failed: %s", f->addr, drv, write_error(r));
        if (j->dry)
                snprintf(f->driver, sizeof(f->driver), "%s", drv);
        return 0;
}

/* Poll the driver link until it names WANT ("" none), up to MS. */
static bool wait_driver(struct job *j, struct fn *f, const char *want, int ms)
{
        long long end = now_ms() + ms;

        for (;;) {
                fn_sync(j, f);
                if (streq(f->driver, want) || j->dry)
                        return streq(f->driver, want);
                if (now_ms() >= end)
                        return false;
                usleep(5000);
        }
}

/* ---------------------------------------------------------------- one function */

/* Returns: 1 changed, 0 already on vfio-pci, or a negative errno (reported). */
static int bind_fn(struct job *j, struct fn *f)
{
        int r;

        fn_sync(j, f);
        if (fn_on_vfio(f))
                return 0;
        if (!streq(f->override, VFIO)) {
                r = w_override(j, f, VFIO);
                if (r < 0)
                        return r;
        }
        fn_sync(j, f);
        if (f->driver[0] && !streq(f->driver, VFIO)) {
                r = w_unbind(j, f);
                if (r < 0)
                        return r;
        }
        fn_sync(j, f);
        if (!streq(f->driver, VFIO)) {
                r = w_probe(j, f);
                if (r < 0)
                        return r;
        }
        if (!wait_driver(j, f, VFIO, PROBE_WAIT_MS))
                return problem(j, -EIO, "%s: vfio-pci did not bind after drivers_probe (driver: %s)",
                               f->addr, or_none(f->driver));
        return 1;
}

/* Put F back to driver DRV and override OVR (NULL: none).
 * Returns: 1 changed, 0 nothing to do, or a negative errno (reported). */
static int restore_fn(struct job *j, struct fn *f, const char *drv, const char *ovr)
{
        const char *want_drv = drv ? drv : "", *want_ovr = ovr ? ovr : "";
        int r;

        fn_sync(j, f);
        if (streq(f->driver, want_drv) && streq(f->override, want_ovr))
                return 0;
        /* only ever take a device off vfio-pci: a host driver that is not the
         * recorded one was not put there by hostdev; touch nothing */
        if (f->driver[0] && !streq(f->driver, want_drv) && !streq(f->driver, VFIO))
                return problem(j, -EBUSY, "%s: on %s, not vfio-pci, although hostdev recorded %s: "
                               "left alone", f->addr, f->driver, or_none(want_drv));
        f->sim_native = want_drv;
        if (!streq(f->override, want_ovr)) {
                r = w_override(j, f, ovr ? ovr : "\n");
                if (r < 0)
                        return r;
        }
        fn_sync(j, f);
        if (f->driver[0] && !streq(f->driver, want_drv)) {
                if (!streq(f->driver, VFIO))    /* it changed under us */
                        return problem(j, -EBUSY, "%s: now on %s, not vfio-pci: left alone",
                                       f->addr, f->driver);
                r = w_unbind(j, f);
                if (r < 0)
                        return r;
        }
        fn_sync(j, f);
        if (*want_drv && !f->driver[0]) {
                r = w_probe(j, f);
                if (r < 0 || !wait_driver(j, f, want_drv, PROBE_WAIT_MS)) {
                        /* nothing, or the wrong driver, took it: ask the recorded one */
                        if (f->driver[0]) {
                                r = w_unbind(j, f);
                                if (r < 0)
                                        return r;
                        }
                        r = w_bind(j, f, want_drv);
                        if (r < 0)
                                return r;
                }
        }
        if (!wait_driver(j, f, want_drv, PROBE_WAIT_MS))
                return problem(j, -EIO, "%s: driver is %s after restoring, wanted %s", f->addr,
                               or_none(f->driver), or_none(want_drv));
        fn_sync(j, f);
        if (!streq(f->override, want_ovr))
                return problem(j, -EIO, "%s: driver_override is %s after restoring, wanted %s",
                               f->addr, or_none(f->override), or_none(want_ovr));
        return 1;
}

/* No record of the original driver: clear our override, leave vfio-pci and
 * let the kernel pick.  Returns: 1 changed, 0 nothing to do, or -errno. */
static int release_fn(struct job *j, struct fn *f)
{
        int r;

        fn_sync(j, f);
        if (!streq(f->driver, VFIO) && !streq(f->override, VFIO))
                return 0;
        if (streq(f->override, VFIO)) {
                r = w_override(j, f, "\n");
                if (r < 0)
                        return r;
        }
        fn_sync(j, f);
        if (streq(f->driver, VFIO)) {
                r = w_unbind(j, f);
                if (r < 0)
                        return r;
                r = w_probe(j, f);
                if (r < 0)
                        return r;
        }
        if (j->dry)
                return 1;
        fn_sync(j, f);
        if (streq(f->driver, VFIO))
                return problem(j, -EIO, "%s: still on vfio-pci after reprobe", f->addr);
        if (!f->driver[0])
                WARN(j->ctx, "%s: no record of its original driver and none took it", f->addr);
        else
                INFO(j->ctx, "%s: no record of its original driver; now on %s", f->addr, f->driver);
        return 1;
}

/* ---------------------------------------------------------------- journal recovery */

static int rec_fn(struct job *j, const struct hd__rec *rec, struct fn *f)
{
        struct hd_dev *d = hd_ctx_find_device(j->ctx, rec->address);

        if (!d || hd_dev_get_type(d) != HD_DEV_PCI)
                return -ENODEV;
        fn_init(f, d);
        return fn_read(j, f);
}

static int refuse_if_used(struct job *j, struct hd_dev *d);

/* Revert interrupted binds, finish interrupted unbinds.  Returns: number of
 * functions changed, or a negative errno (records that failed stay). */
static int recover(struct job *j)
{
        struct hd__state *st = j->st;
        bool dirty = false;
        int changed = 0, err = 0;

        /* nothing is taken from a VM (or from what cannot be told free) */
        for (size_t i = 0; i < st->n; i++) {
                struct hd_dev *d = hd_ctx_find_device(j->ctx, st->recs[i]->address);
                bool seen = false;
                int r;

                if (st->recs[i]->state == HD__REC_BOUND || !d)
                        continue;
                for (size_t k = 0; k < i && !seen; k++)
                        seen = st->recs[k]->state != HD__REC_BOUND &&
                               st->recs[k]->group == st->recs[i]->group;
                if (!seen && (r = refuse_if_used(j, d)) < 0)
                        return r;
        }
        for (size_t i = st->n; i-- > 0;) {
                struct hd__rec *rec = st->recs[i];
                struct fn f;
                int r;

                if (rec->state == HD__REC_BOUND)
                        continue;
                INFO(j->ctx, "%s: %s interrupted %s", rec->address,
                     rec->state == HD__REC_BINDING ? "reverting" : "finishing",
                     rec->state == HD__REC_BINDING ? "bind" : "unbind");
                r = rec_fn(j, rec, &f);
                if (r == -ENODEV) {
                        WARN(j->ctx, "%s: in the journal but gone from the host; forgotten",
                             rec->address);
                        hd__state_remove(st, rec->address);
                        dirty = true;
                        continue;
                }
                if (r >= 0)
                        r = restore_fn(j, &f, rec->driver, rec->override);
                if (r < 0) {
                        err = err ?: problem(j, r, "%s: cannot %s the interrupted %s; left in the journal",
                                             rec->address,
                                             rec->state == HD__REC_BINDING ? "revert" : "finish",
                                             rec->state == HD__REC_BINDING ? "bind" : "unbind");
                        continue;
                }
                changed += r;
                hd__state_remove(st, rec->address);
                dirty = true;
        }
        if (dirty) {
                int r = hd__state_save(j->ctx, st);
                if (r < 0)
                        return problem(j, r, "%s", hd_ctx_get_error(j->ctx));
        }
        return err < 0 ? err : changed;
}

/* ---------------------------------------------------------------- setup */

#define JOURNAL HD_STATE_DIR "/" HD_STATE_FILE
#define JOURNAL_HINT "inspect it, put the device back by hand if needed, then " \
                     "`hostdev restore --discard`"

static bool driver_exists(struct job *j, const char *name)
{
        char rel[128];

        snprintf(rel, sizeof(rel), "bus/pci/drivers/%s", name);
        return hd__exists_at(j->sysfd, rel);
}

/* One record against the tree and the device's live state.  Returns: 0 or
 * -EBADMSG (reported). */
static int check_rec(struct job *j, const struct hd__rec *rec)
{
        struct hd_dev *d = hd_ctx_find_device(j->ctx, rec->address);
        char rel[64];
        struct fn f;
        int r;

        snprintf(rel, sizeof(rel), "bus/pci/devices/%s", rec->address);
        /* a targeted scan (apply --device, persist, forget) holds only the
         * groups it concerns: a completed record of a function outside it is
         * neither checked nor touched by this job */
        if (!d && rec->state == HD__REC_BOUND && hd__exists_at(j->sysfd, rel))
                return 0;
        if (!d || hd_dev_get_type(d) != HD_DEV_PCI || !streq(d->address, rec->address) ||
            !hd__exists_at(j->sysfd, rel))
                return problem(j, -EBADMSG, JOURNAL ": %s is not a PCI device of this host "
                               "(unplugged?); " JOURNAL_HINT, rec->address);
        if (d->iommu_group != rec->group)
                return problem(j, -EBADMSG, JOURNAL ": %s is in IOMMU group %d, the journal "
                               "says %d: stale entry; " JOURNAL_HINT, rec->address, d->iommu_group,
                               rec->group);
        if (rec->driver && !driver_exists(j, rec->driver))
                return problem(j, -EBADMSG, JOURNAL ": %s: recorded driver %s is not loaded "
                               "(no bus/pci/drivers/%s): load it and try again, or "
                               JOURNAL_HINT, rec->address, rec->driver, rec->driver);
        fn_init(&f, d);
        r = fn_read(j, &f);
        if (r < 0)
                return r;
        /* hostdev moves a function between its recorded driver, none and
         * vfio-pci: anything else was not its doing */
        if (f.driver[0] && !streq(f.driver, VFIO) && !streq_ptr(rec->driver, f.driver))
                return problem(j, -EBADMSG, JOURNAL ": %s is on %s, but the journal says hostdev "
                               "took it from %s (%s): stale or forged entry, the device is left "
                               "alone; " JOURNAL_HINT, rec->address, f.driver, or_none(rec->driver),
                               hd__rec_state_to_string(rec->state));
        return 0;
}

/* The journal is input: every entry must fit the tree and the devices' live
 * state before anything is written.  Returns: 0 or -EBADMSG (reported). */
static int check_journal(struct job *j)
{
        for (size_t i = 0; i < j->st->n; i++) {
                int r = check_rec(j, j->st->recs[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int job_start(struct job *j, struct hd_ctx *ctx, const struct hd_bind_opts *opts)
{
        struct hd__root *root;
        int r;

        memset(j, 0, sizeof(*j));
        if (!opts) {
                hd_bind_opts_init(&j->defaults);
                opts = &j->defaults;
        }
        j->ctx = ctx;
        r = HD__OPTS_CHECK(ctx, opts, hd_bind_opts);
        if (r < 0)
                return r;
        j->opts = opts;
        j->dry = opts->dry_run;
        j->timeout_ms = opts->timeout_ms < 0 ? DEFAULT_TIMEOUT_MS : opts->timeout_ms;
        root = hd__ctx_root(ctx);
        j->rootfd = hd__root_fd(root);
        j->sysfd = hd__root_sysfd(root);
        j->live = hd__root_is_live(root);
        if (j->rootfd < 0 || j->sysfd < 0)
                return hd__error(ctx, -ENOTDIR, "%s: no sys/ below the sysroot", hd__root_path(root));
        if (!hd__ctx_scan(ctx)) {
                r = hd_ctx_scan(ctx);
                if (r < 0)
                        return r;
        }
        /* decide on facts read now, never on what an earlier judge cached:
         * open files, mounts, swaps, routes (driver links and the journal
         * are read below, fresh, by every verb) */
        hd__ctx_set_cache(ctx, HD__CACHE_JUDGE, NULL, NULL);
        r = hd__state_open(ctx, j->dry, LOCK_WAIT_MIN_MS + 3 * j->timeout_ms, &j->st);
        if (r < 0)
                return problem(j, r, "%s", hd_ctx_get_error(ctx));
        return check_journal(j);
}

static void job_end(struct job *j)
{
        j->st = hd__state_close(j->st);
        /* the host has changed (or may have): the next judge reads afresh */
        hd__ctx_set_cache(j->ctx, HD__CACHE_JUDGE, NULL, NULL);
}

static int check_pci(struct job *j, struct hd_dev *d)
{
        if (!d || hd_dev_get_type(d) != HD_DEV_PCI)
                return problem(j, -EINVAL, "%s: not a PCI function; only PCI functions go to vfio-pci",
                               d ? hd_dev_get_name(d) : "(null)");
        if (hd_dev_get_iommu_group(d) < 0)
                return problem(j, REFUSAL,
                               "%s: no IOMMU group (IOMMU off?); vfio-pci cannot take it",
                               d->address);
        if (hd_dev_is_pci_bridge(d))
                return problem(j, REFUSAL, "%s: a PCI bridge; bridges keep their driver", d->address);
        return 0;
}

/* The named devices are PCI functions with an IOMMU group; interrupted work
 * is reverted or finished first.  Returns: functions recover() changed, or
 * a negative errno (reported). */
static int job_ready(struct job *j, struct hd_dev *const *devs, size_t n)
{
        int r = 0;

        for (size_t i = 0; i < n && r >= 0; i++)
                r = check_pci(j, devs[i]);
        return r < 0 ? r : recover(j);
}

static int cmp_fn(const void *a, const void *b)
{
        const struct fn *x = a, *y = b;

        if (x->group != y->group)
                return x->group < y->group ? -1 : 1;
        return strcmp(x->addr, y->addr);
}

/* Every endpoint of the groups of DEVS, grouped, in address order. */
static int collect(struct job *j, struct hd_dev *const *devs, size_t n, struct fn **ret, size_t *nret)
{
        struct fn *fns = NULL;
        size_t nf = 0, cap = 0;

        for (size_t i = 0; i < n; i++) {
                int g = hd_dev_get_iommu_group(devs[i]);
                struct hd_dev *const *members;
                size_t nm = 0;
                bool seen = false;

                for (size_t k = 0; k < nf && !seen; k++)
                        seen = fns[k].group == g;
                if (seen)
                        continue;
                members = hd_ctx_get_iommu_group_devices(j->ctx, g, &nm);
                for (size_t m = 0; members && m < nm; m++) {
                        if (hd_dev_is_pci_bridge(members[m]))
                                continue;
                        if (nf == cap) {
                                struct fn *nfns;
                                cap = cap ? cap * 2 : 8;
                                nfns = realloc(fns, cap * sizeof(*fns));
                                if (!nfns) {
                                        free(fns);
                                        return problem(j, -ENOMEM, "out of memory");
                                }
                                fns = nfns;
                        }
                        fn_init(&fns[nf++], members[m]);
                }
        }
        if (nf)
                qsort(fns, nf, sizeof(*fns), cmp_fn);
        *ret = fns;
        *nret = nf;
        return 0;
}

static int parse_owner(struct job *j, const char *spec, uid_t *uid, gid_t *gid)
{
        char buf[256], *colon, *end;
        const char *user, *group;

        *uid = (uid_t)-1;
        *gid = (gid_t)-1;
        if (!spec)
                return 0;
        if (strlen(spec) >= sizeof(buf))
                return problem(j, -EINVAL, "owner '%s': too long", spec);
        strcpy(buf, spec);
        colon = strchr(buf, ':');
        if (colon)
                *colon = '\0';
        user = buf;
        group = colon ? colon + 1 : NULL;
        if (*user) {
                struct passwd *pw = getpwnam(user);
                unsigned long v;
                if (pw)
                        *uid = pw->pw_uid;
                else if (errno = 0, v = strtoul(user, &end, 10), !*end && !errno && v < (uid_t)-1)
                        *uid = (uid_t)v;
                else
                        return problem(j, -EINVAL, "owner: no such user '%s'", user);
        }
        if (group && *group) {
                struct group *gr = getgrnam(group);
                unsigned long v;
                if (gr)
                        *gid = gr->gr_gid;
                else if (errno = 0, v = strtoul(group, &end, 10), !*end && !errno && v < (gid_t)-1)
                        *gid = (gid_t)v;
                else
                        return problem(j, -EINVAL, "owner: no such group '%s'", group);
        }
        if (*uid == (uid_t)-1 && *gid == (gid_t)-1)
                return problem(j, -EINVAL, "owner '%s': want USER[:GROUP]", spec);
        return 0;
}

/* vfio-pci must be registered; on the live host, load it with libkmod. */
static int need_vfio_driver(struct job *j)
{
        struct kmod_ctx *kctx;
        struct kmod_list *list = NULL, *l;
        int r = 0;

        if (hd__exists_at(j->sysfd, "bus/pci/drivers/" VFIO))
                return 0;
        if (!j->live) {
                if (j->dry)
                        return 0;
                return problem(j, -ENOENT, "vfio-pci is not loaded under %s (no bus/pci/drivers/vfio-pci)",
                               hd__root_path(hd__ctx_root(j->ctx)));
        }
        if (j->dry) {
                INFO(j->ctx, "would load module " VFIO_MODULE);
                return 0;
        }
        kctx = kmod_new(NULL, NULL);
        if (!kctx)
                return problem(j, -ENOMEM, "cannot load " VFIO_MODULE ": libkmod failed");
        r = kmod_module_new_from_lookup(kctx, VFIO_MODULE, &list);
        if (r >= 0 && !list)
                r = -ENOENT;
        kmod_list_foreach(l, list) {
                struct kmod_module *m = kmod_module_get_module(l);
                int e = kmod_module_probe_insert_module(m, 0, NULL, NULL, NULL, NULL);
                kmod_module_unref(m);
                if (e < 0) {
                        r = e;
                        break;
                }
        }
        kmod_module_unref_list(list);
        kmod_unref(kctx);
        if (r < 0)
                return problem(j, r, "cannot load module " VFIO_MODULE ": %s", strerror(-r));
        for (long long end = now_ms() + 2000; now_ms() < end; usleep(10000))
                if (hd__exists_at(j->sysfd, "bus/pci/drivers/" VFIO))
                        return 0;
        return problem(j, -ENOENT, "module " VFIO_MODULE " loaded but no vfio-pci driver registered");
}

/* Wait for REL (dev/..., below the sysroot) until END by udev events on the
 * live host, then a moment more for udev's rules.  Returns: 0, -ETIMEDOUT,
 * or -ENOTSUP when udev cannot be watched (poll instead). */
static int wait_node_udev(struct job *j, const char *rel, long long end)
{
        struct udev *udev = udev_new();
        struct udev_monitor *mon = udev ? udev_monitor_new_from_netlink(udev, "udev") : NULL;
        long long seen_at = -1;
        char node[PATH_MAX];
        int r = -ENOTSUP;

        snprintf(node, sizeof(node), "/%s", rel);
        if (mon && udev_monitor_filter_add_match_subsystem_devtype(mon, "vfio", NULL) >= 0 &&
            udev_monitor_enable_receiving(mon) >= 0)
                for (r = -ETIMEDOUT;;) {
                        struct pollfd p = { .fd = udev_monitor_get_fd(mon), .events = POLLIN };
                        long long left = end - now_ms();
                        struct udev_device *ud;
                        bool ours;
                        if (hd__exists_at(j->rootfd, rel)) {
                                /* give udev a moment to finish its rules for it */
                                if (seen_at < 0)
                                        seen_at = now_ms();
                                else if (now_ms() - seen_at >= 1000) {
                                        r = 0;
                                        break;
                                }
                        }
                        if (left <= 0) {
                                r = hd__exists_at(j->rootfd, rel) ? 0 : -ETIMEDOUT;
                                break;
                        }
                        if (poll(&p, 1, left < 50 ? (int)left : 50) <= 0 ||
                            !(ud = udev_monitor_receive_device(mon)))
                                continue;
                        ours = streq_ptr(udev_device_get_devnode(ud), node);
                        udev_device_unref(ud);
                        if (ours && hd__exists_at(j->rootfd, rel)) {
                                r = 0;
                                break;
                        }
                }
        udev_monitor_unref(mon);
        udev_unref(udev);
        return r;
}

/* Poll for REL until END.  Returns: 0 or -ETIMEDOUT. */
static int wait_node_poll(struct job *j, const char *rel, long long end)
{
        while (now_ms() < end) {
                usleep(10000);
                if (hd__exists_at(j->rootfd, rel))
                        return 0;
        }
        return hd__exists_at(j->rootfd, rel) ? 0 : -ETIMEDOUT;
}

/* Wait for dev/vfio/GROUP below the sysroot: libudev on the live host, polling otherwise. */
static int wait_node(struct job *j, int group)
{
        char rel[64];
        long long end = now_ms() + j->timeout_ms;
        int r = -ENOTSUP;

        snprintf(rel, sizeof(rel), "dev/vfio/%d", group);
        if (j->dry || hd__exists_at(j->rootfd, rel))
                return 0;
        if (j->live)
                r = wait_node_udev(j, rel, end);
        if (r == -ENOTSUP)
                r = wait_node_poll(j, rel, end);
        if (r < 0)
                return problem(j, r, "/dev/vfio/%d did not appear within %d ms", group, j->timeout_ms);
        return 0;
}

/* Node REL (below the sysroot: "dev/vfio/N", "dev/vfio/devices/vfioN") to
 * the owner, when one was asked for.  Returns: 0 or -errno (reported). */
static int give_node(struct job *j, const char *rel, uid_t uid, gid_t gid)
{
        int r;

        if (j->dry || (uid == (uid_t)-1 && gid == (gid_t)-1))
                return 0;
        r = hd__chown_at(j->rootfd, rel, uid, gid);
        if (r < 0)
                return problem(j, r, "/%s: cannot change owner: %s", rel, strerror(-r));
        return 0;
}

static int chown_node(struct job *j, int group, uid_t uid, gid_t gid)
{
        char rel[64];

        snprintf(rel, sizeof(rel), "dev/vfio/%d", group);
        return give_node(j, rel, uid, gid);
}

/* ---------------------------------------------------------------- transactions */

/* Put every touched function back as it was before this transaction, newest
 * first, and its record as it was (forgetting those this transaction added).
 * UNBINDING: a function that was on vfio-pci goes back onto it whole, so the
 * group stays usable and recorded. */
static void rollback(struct job *j, struct fn *fns, size_t n, bool unbinding)
{
        for (size_t i = n; i-- > 0;) {
                struct fn *f = &fns[i];
                struct hd__rec *rec = hd__state_find(j->st, f->addr);
                bool to_vfio = unbinding && (streq(f->snap_driver, VFIO) ||
                                             streq(f->snap_override, VFIO));
                int r;

                if (!f->touched)
                        continue;
                r = to_vfio ? bind_fn(j, f)
                            : restore_fn(j, f, or_null(f->snap_driver), or_null(f->snap_override));
                if (r < 0) {
                        problem(j, r, "%s: rollback failed; `hostdev restore` will retry", f->addr);
                        continue;
                }
                if (r > 0)
                        INFO(j->ctx, "%s: rolled back to %s", f->addr,
                             to_vfio ? VFIO : or_none(f->snap_driver));
                if (rec && f->rec_new)
                        hd__state_remove(j->st, f->addr);
                else if (rec)
                        rec->state = f->rec_prev;
        }
        if (hd__state_save(j->ctx, j->st) < 0)
                problem(j, -EIO, "%s", hd_ctx_get_error(j->ctx));
}

static bool judge_refuses(struct job *j, struct hd_dev *d)
{
        struct hd_verdict *v = NULL;
        bool no = false;
        int r = hd_judge(j->ctx, d, HD_JUDGE_WRITE | (j->opts->force ? HD_JUDGE_FORCE : 0), &v);

        if (r < 0) {
                problem(j, r, "%s: cannot judge: %s", hd_dev_get_name(d), strerror(-r));
                return true;
        }
        for (size_t i = 0; i < hd_verdict_get_n_reasons(v); i++) {
                const char *code = NULL, *msg = NULL;
                enum hd_severity sev;
                if (hd_verdict_get_reason(v, i, &code, &sev, &msg) < 0 ||
                    sev != HD_SEVERITY_ERROR)
                        continue;
                /* the binder has just reverted it (recover()); a dry run
                 * has planned that, while the journal on disk still says so */
                if (streq_ptr(code, "interrupted"))
                        continue;
                problem(j, REFUSAL, "%s: %s (%s)", d->address, msg ? msg : "not eligible",
                        code ? code : "?");
                no = true;
        }
        hd_verdict_free(v);
        return no;
}

/* Read F's driver and override now and keep them as its state before this
 * transaction.  Returns: 0 or a negative errno (reported). */
static int fn_snapshot(struct job *j, struct fn *f)
{
        int r = fn_read(j, f);

        if (r < 0)
                return r;
        strcpy(f->snap_driver, f->driver);
        strcpy(f->snap_override, f->override);
        return 0;
}

/* What is recorded must read back as a valid journal.  Returns: 0 or -EINVAL (reported). */
static int fn_recordable(struct job *j, const struct fn *f)
{
        _cleanup_free_ char *d = NULL, *o = NULL;

        if ((!f->driver[0] || hd__driver_name_ok(f->driver)) &&
            (!f->override[0] || hd__driver_name_ok(f->override)))
                return 0;
        d = hd_escape(f->driver, HD_ESCAPE_TEXT);
        o = hd_escape(f->override, HD_ESCAPE_TEXT);
        return problem(j, -EINVAL, "%s: driver \"%s\" or driver_override \"%s\" is not a plain "
                       "driver name; hostdev will not record it", f->addr, d ? d : "?", o ? o : "?");
}

/* Journal the work functions that have a record as STATE; SAVE_PREV: keep
 * their former state for a rollback. */
static void journal_mark(struct job *j, struct fn *fns, size_t nf, enum hd__rec_state state,
                         bool save_prev)
{
        for (size_t i = 0; i < nf; i++) {
                struct hd__rec *rec = fns[i].work ? hd__state_find(j->st, fns[i].addr) : NULL;
                if (!rec)
                        continue;
                if (save_prev)
                        fns[i].rec_prev = rec->state;
                rec->state = state;
        }
}

/* Returns: 0 or a negative errno (reported). */
static int journal_save(struct job *j)
{
        int r = hd__state_save(j->ctx, j->st);

        return r < 0 ? problem(j, r, "%s", hd_ctx_get_error(j->ctx)) : 0;
}

/* Snapshot every function of the groups; mark those not yet on vfio-pci.
 * Returns: 1 some work, 0 none, or a negative errno (reported). */
static int plan_bind(struct job *j, struct fn *fns, size_t nf)
{
        bool any = false;

        for (size_t i = 0; i < nf; i++) {
                int r = fn_snapshot(j, &fns[i]);
                if (r >= 0)
                        r = fn_recordable(j, &fns[i]);
                if (r < 0)
                        return r;
                fns[i].work = !fn_on_vfio(&fns[i]);
                any |= fns[i].work;
        }
        return any;
}

/* Judge the named devices whose group needs work.  Returns: 0 or -EPERM (reported). */
static int judge_named(struct job *j, struct hd_dev *const *devs, size_t n, const struct fn *fns,
                       size_t nf)
{
        bool refused = false;

        for (size_t i = 0; i < n; i++) {
                bool work = false;
                for (size_t k = 0; k < nf; k++)
                        work |= fns[k].work && fns[k].group == devs[i]->iommu_group;
                if (work && judge_refuses(j, devs[i]))
                        refused = true;
        }
        return refused ? -EPERM : 0;
}

/* The journal first: what each function had, before any change.
 * Returns: 0 or a negative errno (reported). */
static int journal_binding(struct job *j, struct fn *fns, size_t nf)
{
        journal_mark(j, fns, nf, HD__REC_BINDING, true);
        for (size_t i = 0; i < nf; i++) {
                struct fn *f = &fns[i];
                int r;
                if (!f->work || hd__state_find(j->st, f->addr))
                        continue;
                r = hd__state_add(j->st, f->addr, f->group, or_null(f->snap_driver),
                                  or_null(f->snap_override), HD__REC_BINDING, NULL);
                if (r < 0)
                        return problem(j, r, "out of memory");
                f->rec_new = true;
        }
        return journal_save(j);
}

/* Tell opts->on_cdev about F's cdev NAME ("": none yet, a dry run). */
static void report_cdev(struct job *j, const struct fn *f, const char *name)
{
        char node[64];

        if (!j->opts->on_cdev)
                return;
        snprintf(node, sizeof(node), "/dev/vfio/devices/%s", name);
        j->opts->on_cdev(j->opts->data, f->addr, name[0] ? node : NULL);
}

/* A dry run's opts->iommufd: the cdev waits reported, not done (a function
 * not yet on vfio-pci has no cdev, so no number, yet). */
static void plan_cdevs(struct job *j, const struct fn *fns, size_t nf)
{
        for (size_t i = 0; i < nf; i++) {
                char cdev[32];
                if (hd_dev_get_vfio_cdev(fns[i].dev, cdev, sizeof(cdev)) < 0)
                        cdev[0] = '\0';
                report_cdev(j, &fns[i], cdev);
        }
}

/* F's cdev, there now: give it to the owner (as the group's node) and
 * report it.  Returns: 0 or -errno (reported). */
static int cdev_ready(struct job *j, const struct fn *f, uid_t uid, gid_t gid)
{
        char cdev[32], rel[64];
        int r = hd_dev_get_vfio_cdev(f->dev, cdev, sizeof(cdev));

        if (r < 0)
                return problem(j, r, "%s: vfio-dev: %s", f->addr, strerror(-r));
        snprintf(rel, sizeof(rel), "dev/vfio/devices/%s", cdev);
        r = give_node(j, rel, uid, gid);
        if (r < 0)
                return r;
        report_cdev(j, f, cdev);
        return 0;
}

/* opts->iommufd: wait for every function's vfio-dev cdev in sysfs and its
 * dev/vfio/devices/vfioN (iommufd.c), then give each to the owner.  Like the
 * group's node, nothing is journaled for it: the kernel removes the node
 * when vfio-pci lets the function go (unbind, rollback).
 * Returns: 0 or -errno (reported). */
static int wait_cdevs(struct job *j, const struct fn *fns, size_t nf, uid_t uid, gid_t gid)
{
        _cleanup_free_ struct hd_dev **devs = NULL;
        int r;

        if (!j->opts->iommufd || nf == 0)
                return 0;
        if (j->dry) {
                plan_cdevs(j, fns, nf);
                return 0;
        }
        devs = calloc(nf, sizeof(*devs));
        if (!devs)
                return problem(j, -ENOMEM, "out of memory");
        for (size_t i = 0; i < nf; i++)
                devs[i] = fns[i].dev;
        r = hd_iommufd_wait(j->ctx, devs, nf, j->timeout_ms > 0 ? j->timeout_ms : 1);
        if (r < 0)
                return problem(j, r, "%s", hd_ctx_get_error(j->ctx));
        for (size_t i = 0; i < nf && r >= 0; i++)
                r = cdev_ready(j, &fns[i], uid, gid);
        return r;
}

/* Wait for each group's node and give it to the owner; with opts->iommufd
 * also for the functions' cdevs.  Returns: 0 or -errno (reported). */
static int nodes_ready(struct job *j, const struct fn *fns, size_t nf, uid_t uid, gid_t gid)
{
        for (size_t i = 0; i < nf; i++) {
                int r;
                if (i > 0 && fns[i].group == fns[i - 1].group)
                        continue;
                r = wait_node(j, fns[i].group);
                if (r >= 0)
                        r = chown_node(j, fns[i].group, uid, gid);
                if (r < 0)
                        return r;
        }
        return wait_cdevs(j, fns, nf, uid, gid);
}

/* Move the planned functions to vfio-pci, journaled, rolled back on failure.
 * Returns: functions changed or a negative errno (reported). */
static int bind_planned(struct job *j, struct fn *fns, size_t nf, bool any, uid_t uid, gid_t gid)
{
        int r, changed = 0;

        if (any) {
                r = need_vfio_driver(j);
                if (r >= 0)
                        r = journal_binding(j, fns, nf);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < nf; i++) {
                        r = fns[i].work ? bind_fn(j, &fns[i]) : 0;
                        if (r < 0)
                                goto rollback;
                        changed += r;
                }
        }
        r = nodes_ready(j, fns, nf, uid, gid);
        if (r >= 0 && any) {
                journal_mark(j, fns, nf, HD__REC_BOUND, false);
                r = journal_save(j);
        }
        if (r >= 0)
                return changed;
rollback:
        rollback(j, fns, nf, false);
        /* the first problem's message stays the context's error */
        return r;
}

HD_EXPORT int hd_bind(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                      const struct hd_bind_opts *opts)
{
        _cleanup_free_ struct fn *fns = NULL;
        size_t nf = 0;
        uid_t uid;
        gid_t gid;
        struct job j;
        int r, any = 0;

        if (!ctx)
                return -EINVAL;
        if (!devs || n == 0)
                return hd__error(ctx, -EINVAL, "bind: no devices");
        r = job_start(&j, ctx, opts);
        if (r >= 0)
                r = parse_owner(&j, j.opts->owner, &uid, &gid);
        if (r >= 0)
                r = job_ready(&j, devs, n);
        if (r >= 0)
                r = collect(&j, devs, n, &fns, &nf);
        if (r >= 0)
                r = any = plan_bind(&j, fns, nf);
        if (r >= 0)
                r = judge_named(&j, devs, n, fns, nf);
        if (r >= 0)
                r = bind_planned(&j, fns, nf, any > 0, uid, gid);
        job_end(&j);
        return r;
}

enum use { USE_FREE, USE_HELD, USE_UNKNOWN };

/* Whether D's group is held open (or cannot be told not to be), judged on
 * facts read now; WHY gets the judge's message. */
static enum use judge_held(struct job *j, struct hd_dev *d, char *why, size_t size)
{
        struct hd_verdict *v = NULL;
        enum use use = USE_FREE;

        if (hd_judge(j->ctx, d, HD_JUDGE_WRITE, &v) < 0) {
                snprintf(why, size, "cannot judge it: %s", hd_ctx_get_error(j->ctx));
                return USE_UNKNOWN;
        }
        for (size_t i = 0; i < hd_verdict_get_n_reasons(v) && use != USE_HELD; i++) {
                const char *code = NULL, *msg = NULL;
                enum hd_severity sev;
                if (hd_verdict_get_reason(v, i, &code, &sev, &msg) < 0 || !code ||
                    sev != HD_SEVERITY_ERROR)
                        continue;
                if (streq(code, "held"))
                        use = USE_HELD;
                else if (streq(code, "unknown") && use == USE_FREE)
                        use = USE_UNKNOWN;
                else
                        continue;
                snprintf(why, size, "%s", msg ? msg : code);
        }
        hd_verdict_free(v);
        return use;
}

/* Refuse to take D's group off vfio-pci while it is (or may be) in use. */
static int refuse_if_used(struct job *j, struct hd_dev *d)
{
        char why[512];

        if (j->opts->force)
                return 0;
        switch (judge_held(j, d, why, sizeof(why))) {
        case USE_HELD:
                return problem(j, REFUSAL,
                               "%s: group %d is in use: %s; stop the VM first or use --force",
                               d->address, d->iommu_group, why);
        case USE_UNKNOWN:
                return problem(j, REFUSAL, "%s: cannot tell whether group %d is in use: %s",
                               d->address, d->iommu_group, why);
        default:
                return 0;
        }
}

/* Snapshot the group's functions; mark those to give back: the recorded
 * ones and, unless RECORDED_ONLY, any on vfio-pci.
 * Returns: 1 some work, 0 none, or a negative errno (reported). */
static int plan_unbind(struct job *j, struct fn *fns, size_t nf, bool recorded_only)
{
        bool any = false;

        for (size_t i = 0; i < nf; i++) {
                struct fn *f = &fns[i];
                int r = fn_snapshot(j, f);
                if (r < 0)
                        return r;
                f->work = hd__state_find(j->st, f->addr) ||
                          (!recorded_only && (streq(f->driver, VFIO) || streq(f->override, VFIO)));
                any |= f->work;
        }
        return any;
}

/* Give the group of FNS (all one group) back; NAMED is judged for use.
 * RECORDED_ONLY: leave functions hostdev has no record of alone.
 * Returns: changed or -errno. */
static int unbind_group(struct job *j, struct fn *fns, size_t nf, struct hd_dev *named,
                        bool recorded_only)
{
        int r = plan_unbind(j, fns, nf, recorded_only), changed = 0;

        if (r <= 0)
                return r;
        r = refuse_if_used(j, named);
        if (r < 0)
                return r;
        journal_mark(j, fns, nf, HD__REC_UNBINDING, true);
        r = journal_save(j);
        if (r < 0)
                return r;
        for (size_t i = 0; i < nf; i++) {
                struct fn *f = &fns[i];
                struct hd__rec *rec = f->work ? hd__state_find(j->st, f->addr) : NULL;
                if (!f->work)
                        continue;
                r = rec ? restore_fn(j, f, rec->driver, rec->override) : release_fn(j, f);
                if (r < 0) {
                        rollback(j, fns, nf, true);
                        return r;
                }
                changed += r;
        }
        for (size_t i = 0; i < nf; i++)
                if (fns[i].work)
                        hd__state_remove(j->st, fns[i].addr);
        r = journal_save(j);
        return r < 0 ? r : changed;
}

/* Give DEV's group back.  RECORDED_ONLY (restore --all): only the functions
 * in the journal; otherwise (unbind) also those on vfio-pci without a record. */
static int unbind_one(struct job *j, struct hd_dev *dev, bool recorded_only)
{
        _cleanup_free_ struct fn *fns = NULL;
        size_t nf = 0;
        int r = collect(j, &dev, 1, &fns, &nf);

        return r < 0 ? r : unbind_group(j, fns, nf, dev, recorded_only);
}

/* Keep the first error; count what changed. */
static void tally(int r, int *err, int *changed)
{
        if (r < 0)
                *err = *err ?: r;
        else
                *changed += r;
}

HD_EXPORT int hd_unbind(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                        const struct hd_bind_opts *opts)
{
        struct job j;
        int r, err = 0, changed = 0;

        if (!ctx)
                return -EINVAL;
        if (!devs || n == 0)
                return hd__error(ctx, -EINVAL, "unbind: no devices");
        r = job_start(&j, ctx, opts);
        if (r >= 0)
                r = job_ready(&j, devs, n);
        if (r < 0)
                goto out;
        for (size_t i = 0; i < n; i++) {
                bool dup = false;
                for (size_t k = 0; k < i; k++)
                        dup |= devs[k]->iommu_group == devs[i]->iommu_group;
                if (dup)
                        continue;
                tally(unbind_one(&j, devs[i], false), &err, &changed);
        }
        r = err < 0 ? err : changed;
out:
        job_end(&j);
        return r;
}

/* The journal's groups, each once, in journal order (malloc'd into *RET).
 * Returns: how many, or -ENOMEM (reported). */
static ssize_t journal_groups(struct job *j, int **ret)
{
        int *groups = calloc(j->st->n + 1, sizeof(*groups));
        size_t ng = 0;

        *ret = groups;
        if (!groups)
                return problem(j, -ENOMEM, "out of memory");
        for (size_t i = 0; i < j->st->n; i++) {
                bool seen = false;
                for (size_t k = 0; k < ng && !seen; k++)
                        seen = groups[k] == j->st->recs[i]->group;
                if (!seen)
                        groups[ng++] = j->st->recs[i]->group;
        }
        return (ssize_t)ng;
}

/* The first function of journal group GROUP still on the host; the records
 * of those gone are forgotten (a failure to save that into *ERR). */
static struct hd_dev *group_device(struct job *j, int group, int *err)
{
        struct hd_dev *d = NULL;

        for (size_t i = 0; i < j->st->n && !d; i++) {
                struct hd__rec *rec = j->st->recs[i];
                if (rec->group != group)
                        continue;
                d = hd_ctx_find_device(j->ctx, rec->address);
                if (d && (hd_dev_get_type(d) != HD_DEV_PCI || d->iommu_group < 0))
                        d = NULL;
                if (!d) {
                        WARN(j->ctx, "%s: in the journal but gone from the host; forgotten",
                             rec->address);
                        hd__state_remove(j->st, rec->address);
                        i--;
                        if (hd__state_save(j->ctx, j->st) < 0)
                                *err = *err ?: problem(j, -EIO, "%s", hd_ctx_get_error(j->ctx));
                }
        }
        return d;
}

HD_EXPORT int hd_restore_all(struct hd_ctx *ctx, const struct hd_bind_opts *opts)
{
        _cleanup_free_ int *groups = NULL;
        ssize_t ng = 0;
        struct job j;
        int r, err = 0, changed = 0;

        if (!ctx)
                return -EINVAL;
        r = job_start(&j, ctx, opts);
        if (r >= 0)
                r = job_ready(&j, NULL, 0);
        if (r < 0)
                goto out;
        changed = r;
        /* one group at a time, in journal order */
        ng = journal_groups(&j, &groups);
        if (ng < 0) {
                r = (int)ng;
                goto out;
        }
        for (ssize_t g = 0; g < ng; g++) {
                struct hd_dev *d = group_device(&j, groups[g], &err);
                if (d)
                        tally(unbind_one(&j, d, true), &err, &changed);
        }
        /* VF counts and mdevs after the binds: a VF goes back to its driver first */
        tally(hd__mdev_restore(ctx, j.st, opts, true), &err, &changed);
        r = err < 0 ? err : changed;
out:
        job_end(&j);
        return r;
}

HD_EXPORT int hd_recover(struct hd_ctx *ctx, const struct hd_bind_opts *opts)
{
        struct job j;
        int r;

        if (!ctx)
                return -EINVAL;
        r = job_start(&j, ctx, opts);
        if (r >= 0)
                r = job_ready(&j, NULL, 0);
        if (r >= 0) {
                int m = hd__mdev_restore(ctx, j.st, opts, false);
                r = m < 0 ? m : r + m;
        }
        job_end(&j);
        return r;
}
