/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply and status: the configuration against the host.
 *
 * apply works group by group over the current scan (full, or targeted for
 * one device):
 *   - a group with a selected function is "configured": unless every
 *     endpoint is on vfio-pci and hostdev's journal holds no interrupted
 *     change for it, it is bound through hd_bind();
 *   - a group hostdev's journal holds and nothing selects any more is given
 *     back through hd_unbind(), unless one of its functions sits on vfio-pci
 *     without a record (someone else bound it: left alone, with a warning);
 *   - every other function is not looked at.
 * Only the binder writes sysfs; here the journal is only read (unlocked:
 * the binder takes the lock and finishes interrupted work itself), and the
 * "before" and "after" drivers are read from sysfs, not from the scan.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sys/stat.h>

#include "abi.h"
#include "config.h"
#include "state.h"
#include "strbuf.h"

#define VFIO "vfio-pci"

struct hd_report {
        struct hd_report_item *items;
        size_t n, cap;
        struct hd__strv warnings;
        struct hd__strv strs;   /* every string the items point to */
        bool oom;
};

HD_EXPORT const char *hd_action_to_string(enum hd_action a)
{
        static const char *const names[] = { "none", "bind", "unbind", "sriov", "mdev" };
        return (unsigned)a < ELEMENTSOF(names) ? names[a] : "none";
}

HD_EXPORT void hd_apply_opts_init(struct hd_apply_opts *o)
{
        memset(o, 0, sizeof(*o));
        o->size = sizeof(*o);
        hd_bind_opts_init(&o->bind);
}

HD_EXPORT size_t hd_report_get_n_items(const struct hd_report *r) { return r ? r->n : 0; }

HD_EXPORT const struct hd_report_item *hd_report_get_item(const struct hd_report *r, size_t i)
{
        return r && i < r->n ? &r->items[i] : NULL;
}

HD_EXPORT size_t hd_report_get_n_warnings(const struct hd_report *r) { return r ? r->warnings.n : 0; }

HD_EXPORT const char *hd_report_get_warning(const struct hd_report *r, size_t i)
{
        return r && i < r->warnings.n ? r->warnings.v[i] : NULL;
}

HD_EXPORT struct hd_report *hd_report_free(struct hd_report *r)
{
        if (!r)
                return NULL;
        hd__strv_done(&r->strs);
        hd__strv_done(&r->warnings);
        free(r->items);
        free(r);
        return NULL;
}

/* A copy owned by the report ("" and NULL give NULL: none). */
static const char *keep(struct hd_report *r, const char *s)
{
        if (!s || !*s)
                return NULL;
        if (hd__strv_add(&r->strs, s) < 0) {
                r->oom = true;
                return NULL;
        }
        return r->strs.v[r->strs.n - 1];
}

/* A warning kept in the report (and logged). */
void hd__report_warn(struct hd_ctx *ctx, struct hd_report *r, const char *fmt, ...)
{
        struct hd__buf b = { 0 };
        char *msg;
        va_list ap;

        va_start(ap, fmt);
        hd__buf_vputf(&b, fmt, ap);
        va_end(ap);
        msg = hd__buf_steal(&b);
        if (!msg) {
                r->oom = true;
                return;
        }
        WARN(ctx, "%s", msg);
        if (hd__strv_take(&r->warnings, msg) < 0)
                r->oom = true;
}

static struct hd_report_item *item_new(struct hd_report *r, struct hd_dev *d)
{
        struct hd_report_item *it;

        if (r->n == r->cap) {
                size_t nc = r->cap ? r->cap * 2 : 16;
                struct hd_report_item *ni = realloc(r->items, nc * sizeof(*ni));
                if (!ni) {
                        r->oom = true;
                        return NULL;
                }
                r->items = ni;
                r->cap = nc;
        }
        it = &r->items[r->n++];
        memset(it, 0, sizeof(*it));
        it->dev = d;
        it->name = d->name;
        it->address = d->address;
        it->group = d->iommu_group;
        return it;
}

/* The driver and override of D now, from sysfs ("" none). */
static void read_now(struct hd_ctx *ctx, const struct hd_dev *d, char *drv, char *ovr, size_t size)
{
        int sysfd = hd__root_sysfd(hd__ctx_root(ctx));
        char rel[PATH_MAX];

        drv[0] = ovr[0] = '\0';
        if (snprintf(rel, sizeof(rel), "%s/driver", d->path) < (int)sizeof(rel) &&
            hd__readlink_base_at(sysfd, rel, drv, size) < 0)
                drv[0] = '\0';
        if (snprintf(rel, sizeof(rel), "%s/driver_override", d->path) < (int)sizeof(rel) &&
            hd__read_at(sysfd, rel, ovr, size) < 0)
                ovr[0] = '\0';
        if (streq(ovr, "(null)"))
                ovr[0] = '\0';
}

/* A user (USER) or group name or number S -> *ID.  Returns: false when unknown. */
static bool id_of(const char *s, bool user, unsigned *id)
{
        struct passwd *pw = user ? getpwnam(s) : NULL;
        struct group *gr = user ? NULL : getgrnam(s);
        char *end;
        unsigned long v = strtoul(s, &end, 10);

        if (pw || gr)
                *id = pw ? (unsigned)pw->pw_uid : (unsigned)gr->gr_gid;
        else if (!*end)
                *id = (unsigned)v;
        else
                return false;
        return true;
}

/* USER[:GROUP] (names or numbers) -> ids; -1 for a part not given.
 * Returns: false when a name is unknown (the binder reports it). */
static bool owner_ids(const char *spec, uid_t *uid, gid_t *gid)
{
        char buf[256], *colon;
        unsigned id;

        *uid = (uid_t)-1;
        *gid = (gid_t)-1;
        if (!spec || strlen(spec) >= sizeof(buf))
                return false;
        strcpy(buf, spec);
        colon = strchr(buf, ':');
        if (colon)
                *colon++ = '\0';
        if (*buf) {
                if (!id_of(buf, true, &id))
                        return false;
                *uid = (uid_t)id;
        }
        if (colon && *colon) {
                if (!id_of(colon, false, &id))
                        return false;
                *gid = (gid_t)id;
        }
        return true;
}

/* "uid:gid" of SYSROOT/dev/vfio/GROUP into BUF, or "" when it is absent. */
static void node_owner(struct hd_ctx *ctx, int group, char *buf, size_t size)
{
        char rel[64];
        struct stat st;

        buf[0] = '\0';
        snprintf(rel, sizeof(rel), "dev/vfio/%d", group);
        if (fstatat(hd__root_fd(hd__ctx_root(ctx)), rel, &st, AT_SYMLINK_NOFOLLOW) == 0)
                snprintf(buf, size, "%u:%u", (unsigned)st.st_uid, (unsigned)st.st_gid);
}

/* The node's owner as ENTRY wants it ("" when it wants nothing, or when
 * CURRENT already satisfies it). */
static void owner_wanted(const struct hd_config_entry *e, const char *current, char *buf, size_t size)
{
        uid_t uid, cu = (uid_t)-1;
        gid_t gid, cg = (gid_t)-1;
        unsigned a, b;

        buf[0] = '\0';
        if (!e || !e->owner || !owner_ids(e->owner, &uid, &gid))
                return;
        if (sscanf(current, "%u:%u", &a, &b) == 2) {
                cu = a;
                cg = b;
        }
        if ((uid == (uid_t)-1 || uid == cu) && (gid == (gid_t)-1 || gid == cg))
                return;
        snprintf(buf, size, "%u:%u", uid == (uid_t)-1 ? (unsigned)cu : (unsigned)uid,
                 gid == (gid_t)-1 ? (unsigned)cg : (unsigned)gid);
}

/* ---------------------------------------------------------------- the plan */

struct grp {
        int id;
        struct hd_dev *const *members;
        size_t n;
        struct hd_dev *selected;        /* first selected function */
        const struct hd_config_entry *entry;
        struct hd_dev *recorded;        /* first function in the journal */
        bool unfinished;                /* the journal holds an interrupted change */
        bool off_vfio;                  /* an endpoint is not (wholly) on vfio-pci */
        char owner_now[32];             /* of dev/vfio/N, "uid:gid" ("" absent) */
        char owner_want[32];            /* what the entry's owner= makes of it ("" as it is) */
        const char *foreign;            /* on vfio-pci without a record */
        enum hd_action action;
        size_t first_item;
};

static const struct hd_config_entry *select_dev(const struct hd_config *c, const struct hd_dev *d,
                                                bool boot)
{
        const struct hd_config_entry *e;

        if (d->type != HD_DEV_PCI || hd_dev_is_pci_bridge(d))
                return NULL;
        e = hd_config_match(c, d);
        return e && (!boot || e->boot) ? e : NULL;
}

static void plan_group(struct hd_ctx *ctx, const struct hd_config *c, const struct hd__state *st,
                       bool boot, struct grp *g)
{
        for (size_t k = 0; k < g->n; k++) {
                struct hd_dev *d = g->members[k];
                const struct hd_config_entry *e = select_dev(c, d, boot);
                const struct hd__rec *rec = hd__state_find(st, d->address);
                char drv[NAME_MAX + 1], ovr[NAME_MAX + 1];

                if (hd_dev_is_pci_bridge(d))
                        continue;
                if (e && !g->selected) {
                        g->selected = d;
                        g->entry = e;
                }
                if (rec && !g->recorded)
                        g->recorded = d;
                if (rec && rec->state != HD__REC_BOUND)
                        g->unfinished = true;
                read_now(ctx, d, drv, ovr, sizeof(drv));
                /* on vfio-pci is enough: one bound without an override (new_id,
                 * another tool) is in use as it is, and may be held */
                if (!streq(drv, VFIO))
                        g->off_vfio = true;
                if (!rec && (streq(drv, VFIO) || streq(ovr, VFIO)) && !g->foreign)
                        g->foreign = d->address;
        }
        node_owner(ctx, g->id, g->owner_now, sizeof(g->owner_now));
        /* a node that is absent (the group not viable) has no owner to fix */
        if (g->selected && !g->off_vfio && g->owner_now[0])
                owner_wanted(g->entry, g->owner_now, g->owner_want, sizeof(g->owner_want));
        if (g->selected)
                g->action = g->off_vfio || g->unfinished || g->owner_want[0] ? HD_ACTION_BIND
                                                                           : HD_ACTION_NONE;
        else if (g->recorded && !g->foreign)
                g->action = HD_ACTION_UNBIND;
}

static void add_items(struct hd_ctx *ctx, struct hd_report *r, const struct hd__state *st,
                      const struct hd_config *c, bool boot, struct grp *g)
{
        g->first_item = r->n;
        for (size_t k = 0; k < g->n; k++) {
                struct hd_dev *d = g->members[k];
                const struct hd__rec *rec = hd__state_find(st, d->address);
                struct hd_report_item *it;
                char drv[NAME_MAX + 1], ovr[NAME_MAX + 1];

                if (hd_dev_is_pci_bridge(d))
                        continue;
                it = item_new(r, d);
                if (!it)
                        return;
                read_now(ctx, d, drv, ovr, sizeof(drv));
                it->action = g->action;
                it->configured = g->selected != NULL;
                it->selected = select_dev(c, d, boot) != NULL;
                it->entry = g->entry;
                it->by_hostdev = rec != NULL;
                it->driver_before = it->driver_after = keep(r, drv);
                it->override_before = it->override_after = keep(r, ovr);
                it->node_owner_before = it->node_owner_after = keep(r, g->owner_now);
                if (rec) {
                        it->original_driver = keep(r, rec->driver);
                        it->original_override = keep(r, rec->override);
                }
        }
}

/* Collect every group the configuration or the journal concerns. */
static int plan(struct hd_ctx *ctx, const struct hd_config *c, const struct hd__state *st, bool boot,
                struct grp **ret, size_t *nret)
{
        size_t ng = hd_ctx_get_n_iommu_groups(ctx), n = 0;
        struct grp *gs = calloc(ng + 1, sizeof(*gs));

        if (!gs)
                return -ENOMEM;
        for (size_t i = 0; i < ng; i++) {
                struct grp *g = &gs[n];
                g->id = hd_ctx_get_iommu_group_id(ctx, i);
                g->members = hd_ctx_get_iommu_group_devices(ctx, g->id, &g->n);
                plan_group(ctx, c, st, boot, g);
                if (g->selected || g->recorded)
                        n++;
                else
                        memset(g, 0, sizeof(*g));
        }
        *ret = gs;
        *nret = n;
        return 0;
}

static struct hd_report *report_new(struct hd_ctx *ctx)
{
        struct hd_report *r = calloc(1, sizeof(*r));

        if (!r)
                hd__error(ctx, -ENOMEM, "out of memory");
        return r;
}

static int open_journal(struct hd_ctx *ctx, struct hd__state **st)
{
        int r;

        if (!hd__ctx_scan(ctx)) {
                r = hd_ctx_scan(ctx);
                if (r < 0)
                        return r;
        }
        return hd__state_open(ctx, true, 0, st);
}

/* Entries selecting no function of a full scan; functions selected that have
 * no IOMMU group. */
static void warn_unmatched(struct hd_ctx *ctx, struct hd_report *r, const struct hd_config *c,
                           bool boot, bool unmatched)
{
        size_t nd = hd_ctx_get_n_devices(ctx);

        for (size_t i = 0; i < nd; i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                if (d->type == HD_DEV_PCI && d->iommu_group < 0 && select_dev(c, d, boot))
                        hd__report_warn(ctx, r, "%s: selected but has no IOMMU group (IOMMU off?); "
                                        "left alone", d->address);
        }
        for (size_t e = 0; unmatched && e < hd_config_get_n_entries(c); e++) {
                const struct hd_config_entry *en = hd_config_get_entry(c, e);
                bool hit = false;
                if (en->kind != HD_CONFIG_VFIO)
                        continue;       /* apply-mdev.c reports its own */
                for (size_t i = 0; i < nd && !hit; i++)
                        hit = hd_config_entry_matches(en, hd_ctx_get_device(ctx, i));
                if (!hit)
                        hd__report_warn(ctx, r, "%s:%u: %s selects no device of this host",
                                        en->file, en->line, en->selector);
        }
}

/* ---------------------------------------------------------------- apply */

static int run_group(struct hd_ctx *ctx, const struct hd_apply_opts *o, struct grp *g)
{
        struct hd_bind_opts b = o->bind;

        b.dry_run = o->check;
        if (g->action == HD_ACTION_BIND) {
                b.owner = g->entry->owner ? g->entry->owner : b.owner;
                b.force = b.force || g->entry->force;
                return hd_bind(ctx, &g->selected, 1, &b);
        }
        return hd_unbind(ctx, &g->recorded, 1, &b);
}

static void after(struct hd_ctx *ctx, struct hd_report *r, const struct hd__state *st, bool check,
                  struct grp *g, int res)
{
        for (size_t i = g->first_item; i < r->n; i++) {
                struct hd_report_item *it = &r->items[i];
                const struct hd__rec *rec = hd__state_find(st, it->address);
                char drv[NAME_MAX + 1], ovr[NAME_MAX + 1];

                if (it->group != g->id)
                        break;
                if (res < 0) {
                        it->failed = true;
                        it->message = keep(r, hd_ctx_get_error(ctx));
                }
                if (g->action == HD_ACTION_NONE)
                        continue;
                if (check && res >= 0) {
                        /* the binder's dry run passed: what it would leave */
                        if (g->action == HD_ACTION_BIND) {
                                it->driver_after = it->override_after = VFIO;
                                if (g->owner_want[0])
                                        it->node_owner_after = keep(r, g->owner_want);
                        } else if (rec) {
                                it->driver_after = keep(r, rec->driver);
                                it->override_after = keep(r, rec->override);
                        }
                } else if (!check) {
                        char own[32];
                        read_now(ctx, it->dev, drv, ovr, sizeof(drv));
                        it->driver_after = keep(r, drv);
                        it->override_after = keep(r, ovr);
                        node_owner(ctx, g->id, own, sizeof(own));
                        it->node_owner_after = keep(r, own);
                }
                /* the node appearing or going is the drivers' doing; its owner changing is ours */
                it->changed = !streq_ptr(it->driver_before, it->driver_after) ||
                              !streq_ptr(it->override_before, it->override_after) ||
                              (it->node_owner_before && it->node_owner_after &&
                               !streq(it->node_owner_before, it->node_owner_after));
        }
}

/* The outcome, for hd_apply_get_last() (apply-record.c). */
static void record(struct hd_ctx *ctx, const struct hd_apply_opts *o, const struct hd_report *r,
                   int err, int changed, double start)
{
        struct hd_apply_record rec = { .result = err, .changed = changed, .boot = o->boot };

        rec.time = hd__now();
        rec.duration = rec.time - start;
        for (size_t i = 0; i < r->n; i++)
                rec.failed += r->items[i].failed;
        if (err < 0)
                snprintf(rec.message, sizeof(rec.message), "%s", hd_ctx_get_error(ctx));
        hd__apply_record(ctx, o->targeted ? HD_APPLY_SCOPE_DEVICE : HD_APPLY_SCOPE_FULL, &rec);
}

/* The journal and the plan of every group C or the journal concerns.
 * Returns: 0, or a negative errno (R freed, message in ctx). */
static int start(struct hd_ctx *ctx, const struct hd_config *c, bool boot, struct hd_report *r,
                 struct hd__state **st, struct grp **gs, size_t *ng)
{
        int e = open_journal(ctx, st);

        if (e >= 0)
                e = plan(ctx, c, *st, boot, gs, ng);
        if (e < 0) {
                hd_report_free(r);
                *st = hd__state_close(*st);
                return e == -ENOMEM ? hd__error(ctx, e, "out of memory") : e;
        }
        return 0;
}

/* Bind or give back every group of the plan.  Returns: 0 or the first error. */
static int run_groups(struct hd_ctx *ctx, const struct hd_config *c, const struct hd_apply_opts *opts,
                      const struct hd__state *st, struct grp *gs, size_t ng, struct hd_report *r)
{
        int err = 0;

        for (size_t i = 0; i < ng; i++) {
                struct grp *g = &gs[i];
                int res = 0;

                if (g->foreign && !g->selected)
                        hd__report_warn(ctx, r, "group %d: %s is on vfio-pci but hostdev did not "
                                        "bind it; the group is left as it is", g->id, g->foreign);
                add_items(ctx, r, st, c, opts->boot, g);
                if (g->action != HD_ACTION_NONE) {
                        res = run_group(ctx, opts, g);
                        if (res < 0)
                                err = err ?: res;
                }
                after(ctx, r, st, opts->check, g, res);
        }
        return err;
}

static int first_error(int err, int e)
{
        return err < 0 ? err : e < 0 ? e : 0;
}

/* The report to the caller (or freed).  Returns: ERR, or the number changed. */
static int finish(struct hd_ctx *ctx, struct hd_report *r, int err, struct hd_report **ret)
{
        int changed = 0;

        for (size_t i = 0; i < r->n; i++)
                changed += r->items[i].changed;
        if (r->oom) {
                hd_report_free(r);
                return hd__error(ctx, -ENOMEM, "out of memory");
        }
        if (ret)
                *ret = r;
        else
                hd_report_free(r);
        return err < 0 ? err : changed;
}

HD_EXPORT int hd_apply(struct hd_ctx *ctx, const struct hd_config *c, const struct hd_apply_opts *opts,
                       struct hd_report **ret)
{
        struct hd_apply_opts defaults;
        struct hd__state *st = NULL;
        struct hd_report *r;
        _cleanup_free_ struct grp *gs = NULL;
        size_t ng = 0;
        int err, e, changed = 0;
        double t0;

        if (!ctx || !c)
                return -EINVAL;
        if (!opts) {
                hd_apply_opts_init(&defaults);
                opts = &defaults;
        }
        e = HD__OPTS_CHECK(ctx, opts, hd_apply_opts);
        if (e >= 0)
                e = HD__OPTS_CHECK(ctx, &opts->bind, hd_bind_opts);
        if (e >= 0)
                e = hd__apply_journal_check(ctx);
        if (e < 0)
                return e;
        t0 = hd__now();
        r = report_new(ctx);
        if (!r)
                return -ENOMEM;
        /* VF counts first: the VFs they make may be configured for vfio-pci */
        err = first_error(0, hd__apply_sriov(ctx, c, opts, r));
        e = start(ctx, c, opts->boot, r, &st, &gs, &ng);
        if (e < 0)
                return e;
        warn_unmatched(ctx, r, c, opts->boot, !opts->targeted);
        err = first_error(err, run_groups(ctx, c, opts, st, gs, ng, r));
        hd__state_close(st);
        /* mdevs last: their parents' drivers are up (or the binds above took them);
         * then what hostdev made that no entry asks for any more goes */
        err = first_error(err, hd__apply_mdev(ctx, c, opts, r));
        err = first_error(err, hd__apply_undo(ctx, c, opts, r));
        for (size_t i = 0; i < r->n; i++)
                changed += r->items[i].changed;
        if (!opts->check)
                record(ctx, opts, r, err, changed, t0);
        return finish(ctx, r, err, ret);
}

/* ---------------------------------------------------------------- status */

const char *hd__report_holder(struct hd_ctx *ctx, struct hd_report *r, struct hd_dev *d)
{
        struct hd_verdict *v = NULL;
        const char *who = NULL;

        if (hd_judge(ctx, d, 0, &v) < 0)
                return NULL;
        for (size_t i = 0; i < hd_verdict_get_n_reasons(v) && !who; i++) {
                const char *code = NULL, *msg = NULL;
                if (hd_verdict_get_reason(v, i, &code, NULL, &msg) == 0 && code && streq(code, "held"))
                        who = keep(r, msg ? msg : "held");
        }
        hd_verdict_free(v);
        return who;
}

HD_EXPORT int hd_status(struct hd_ctx *ctx, const struct hd_config *c, struct hd_report **ret)
{
        struct hd__state *st = NULL;
        struct hd_report *r;
        _cleanup_free_ struct grp *gs = NULL;
        size_t ng = 0;
        int e;

        if (!ctx || !c || !ret)
                return -EINVAL;
        r = report_new(ctx);
        if (!r)
                return -ENOMEM;
        e = start(ctx, c, false, r, &st, &gs, &ng);
        if (e < 0)
                return e;
        warn_unmatched(ctx, r, c, false, true);
        for (size_t i = 0; i < ng; i++) {
                struct grp *g = &gs[i];
                struct hd_dev *d = g->selected ? g->selected : g->recorded;
                const char *who = d ? hd__report_holder(ctx, r, d) : NULL;

                add_items(ctx, r, st, c, false, g);
                for (size_t k = g->first_item; k < r->n; k++)
                        r->items[k].holder = who;
        }
        e = hd__status_made(ctx, c, r);
        if (e < 0) {
                hd_report_free(r);
                hd__state_close(st);
                return e;
        }
        /* a record of a function the scan does not have */
        for (size_t i = 0; st && i < st->n; i++)
                if (!hd_ctx_find_device(ctx, st->recs[i]->address))
                        hd__report_warn(ctx, r, "%s: in hostdev's journal but not on this host "
                                        "(or not scanned)", st->recs[i]->address);
        hd__state_close(st);
        e = finish(ctx, r, 0, ret);
        return e < 0 ? e : (int)(*ret)->n;
}

/* ---------------------------------------------------------------- for apply-mdev.c */
struct hd_report_item *hd__report_item_new(struct hd_report *r, struct hd_dev *d)
{
        return item_new(r, d);
}

const char *hd__report_keep(struct hd_report *r, const char *s)
{
        return keep(r, s);
}
