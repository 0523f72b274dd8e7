/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The binder's mdev and SR-IOV writers: create and remove mediated devices,
 * set a PF's VF count.  Same rules as bind.c: under the binder's lock
 * (SYSROOT/run/hostdev/lock, taken by hd__state_open), journaled before the
 * first write, rolled back on failure, and --dry-run reports the writes.
 *
 * The journal is SYSROOT/run/hostdev/mdev.json, beside state.json:
 *
 *   { "version": 1, "changes": [
 *       { "kind": "mdev", "uuid": "...", "parent": "devices/...", "type": "nvidia-222",
 *         "state": "creating" | "created" | "removing" },
 *       { "kind": "sriov", "pf": "0000:3b:00.0", "path": "devices/...", "original": 0,
 *         "from": 4, "state": "changing" | "changed" } ] }
 *
 * "original" is the count before hostdev first changed it, "from" the count
 * before the change in progress.
 *
 * "creating"/"removing"/"changing" are interrupted work: hd_recover() and
 * hd_restore_all() revert a creation or a count change and finish a removal.
 * "created"/"changed" are hostdev's doing, given back by hd_restore_all().
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <limits.h>
#include <sys/random.h>
#include <time.h>

#include "abi.h"
#include "state.h"

#define LOCK_WAIT_MS 60000

struct mjob {
        struct hd_ctx *ctx;
        const struct hd_bind_opts *opts;
        struct hd_bind_opts defaults;
        struct hd__state *st;
        bool own_st;
        int sysfd;
        bool dry;
        cJSON *doc, *changes;
};

static int mproblem(struct mjob *m, int err, const char *fmt, ...) _printf_(3, 4);
static int mproblem(struct mjob *m, int err, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = hd__bind_vreport(m->ctx, m->opts, err, fmt, ap);
        va_end(ap);
        return r;
}

/* D is not the kind of device the verb takes (WHAT says which).  Returns: -EINVAL. */
static int wrong_dev(struct mjob *m, const struct hd_dev *d, const char *what)
{
        return mproblem(m, -EINVAL, "%s: %s", d ? hd_dev_get_name(d) : "?", what);
}

/* ---------------------------------------------------------------- journal */
int hd__mdev_journal_parse(const char *text, cJSON **doc)
{
        *doc = cJSON_Parse(text);
        if (!*doc || !cJSON_IsArray(cJSON_GetObjectItem(*doc, "changes"))) {
                cJSON_Delete(*doc);
                *doc = NULL;
                return -EINVAL;
        }
        return 0;
}

static int journal_load(struct mjob *m)
{
        int r = hd__mdev_journal_read(m->ctx, m->st->dirfd, &m->doc);

        if (r < 0)
                return mproblem(m, r, "%s", hd_ctx_get_error(m->ctx));
        if (!m->doc) {
                m->doc = cJSON_CreateObject();
                if (!m->doc || !cJSON_AddNumberToObject(m->doc, "version", 1) ||
                    !cJSON_AddArrayToObject(m->doc, "changes"))
                        return -ENOMEM;
        }
        m->changes = cJSON_GetObjectItem(m->doc, "changes");
        return 0;
}

static int journal_save(struct mjob *m)
{
        _cleanup_free_ char *text = NULL;
        int r;

        if (m->dry || m->st->dirfd < 0)
                return 0;
        if (cJSON_GetArraySize(m->changes) == 0) {
                r = unlinkat(m->st->dirfd, HD_MDEV_JOURNAL, 0) < 0 && errno != ENOENT ? -errno : 0;
        } else {
                text = cJSON_Print(m->doc);
                if (!text)
                        return -ENOMEM;
                r = hd__write_file_atomic_at(m->st->dirfd, HD_MDEV_JOURNAL, text, strlen(text), 0644);
        }
        if (r < 0)
                return mproblem(m, r, HD_STATE_DIR "/" HD_MDEV_JOURNAL ": cannot write: %s", strerror(-r));
        return 0;
}

static const char *jstr(const cJSON *o, const char *key)
{
        const cJSON *x = cJSON_GetObjectItem(o, key);
        return cJSON_IsString(x) ? x->valuestring : NULL;
}

static cJSON *journal_find(struct mjob *m, const char *kind, const char *key, const char *value)
{
        cJSON *c;

        cJSON_ArrayForEach(c, m->changes)
                if (streq_ptr(jstr(c, "kind"), kind) && streq_ptr(jstr(c, key), value))
                        return c;
        return NULL;
}

static void journal_drop(struct mjob *m, cJSON *c)
{
        cJSON_Delete(cJSON_DetachItemViaPointer(m->changes, c));
}

static int set_state(cJSON *c, const char *state)
{
        cJSON *s = cJSON_CreateString(state);

        if (!s)
                return -ENOMEM;
        if (cJSON_GetObjectItem(c, "state"))
                cJSON_ReplaceItemInObject(c, "state", s);
        else
                cJSON_AddItemToObject(c, "state", s);
        return 0;
}

/* ---------------------------------------------------------------- job */
static int mjob_start(struct mjob *m, struct hd_ctx *ctx, const struct hd_bind_opts *opts,
                      struct hd__state *st)
{
        memset(m, 0, sizeof(*m));
        if (!opts) {
                hd_bind_opts_init(&m->defaults);
                opts = &m->defaults;
        }
        m->ctx = ctx;
        int e = HD__OPTS_CHECK(ctx, opts, hd_bind_opts);
        if (e < 0)
                return e;
        m->opts = opts;
        m->dry = opts->dry_run;
        m->sysfd = hd__root_sysfd(hd__ctx_root(ctx));
        if (m->sysfd < 0)
                return hd__error(ctx, -ENOTDIR, "no sys/ below the sysroot");
        if (st) {
                m->st = st;
        } else {
                int r;
                if (!hd__ctx_scan(ctx) && (r = hd_ctx_scan(ctx)) < 0)
                        return r;
                r = hd__state_open(ctx, m->dry, LOCK_WAIT_MS, &m->st);
                if (r < 0)
                        return mproblem(m, r, "%s", hd_ctx_get_error(ctx));
                m->own_st = true;
        }
        return journal_load(m);
}

static void mjob_end(struct mjob *m)
{
        cJSON_Delete(m->doc);
        if (m->own_st)
                hd__state_close(m->st);
}

static int mwrite(struct mjob *m, const char *rel, const char *value)
{
        char disp[PATH_MAX + 8];

        if (m->opts->on_write)
                m->opts->on_write(m->opts->data, hd__sysfs_display(rel, disp, sizeof(disp)) ?: rel, value);
        DBG(m->ctx, "write %s <- %s", rel, value);
        return m->dry ? 0 : hd__write_at(m->sysfd, rel, value);
}

static int read_num(struct mjob *m, const char *dir, const char *attr)
{
        char buf[64];

        if (hd__readf_at(m->sysfd, buf, sizeof(buf), "%s/%s", dir, attr) <= 0)
                return -1;
        return atoi(buf);
}

/* ---------------------------------------------------------------- primitives */
static bool mdev_exists(struct mjob *m, const char *uuid)
{
        char rel[128];

        snprintf(rel, sizeof(rel), "bus/mdev/devices/%s", uuid);
        return hd__exists_at(m->sysfd, rel);
}

static int mdev_unmake(struct mjob *m, const char *uuid)
{
        char rel[128];
        int r;

        if (!mdev_exists(m, uuid))
                return 0;
        snprintf(rel, sizeof(rel), "bus/mdev/devices/%s/remove", uuid);
        r = mwrite(m, rel, "1");
        if (r < 0)
                return mproblem(m, r, "mdev %s: cannot remove: %s", uuid, strerror(-r));
        if (!m->dry && mdev_exists(m, uuid))
                return mproblem(m, -EIO, "mdev %s: still there after remove", uuid);
        return 1;
}

/* Set the PF at PATH to TARGET VFs, through 0 as the kernel requires. */
static int set_numvfs(struct mjob *m, const char *path, const char *pf, int target)
{
        char rel[PATH_MAX], val[16];
        int cur = read_num(m, path, "sriov_numvfs"), r;

        if (snprintf(rel, sizeof(rel), "%s/sriov_numvfs", path) >= (int)sizeof(rel))
                return -ENAMETOOLONG;
        if (cur == target)
                return 0;
        if (cur > 0 && target > 0) {
                r = mwrite(m, rel, "0");
                if (r < 0)
                        return mproblem(m, r, "%s: cannot disable its VFs: %s", pf, strerror(-r));
        }
        snprintf(val, sizeof(val), "%d", target);
        r = mwrite(m, rel, val);
        if (r < 0)
                return mproblem(m, r, "%s: cannot set sriov_numvfs to %d: %s", pf, target, strerror(-r));
        if (!m->dry && read_num(m, path, "sriov_numvfs") != target)
                return mproblem(m, -EIO, "%s: sriov_numvfs is not %d after the write", pf, target);
        return 1;
}

/* ---------------------------------------------------------------- judge helpers */
static bool held(struct hd_ctx *ctx, struct hd_dev *d, char *why, size_t size)
{
        struct hd_verdict *v = NULL;
        bool h = false;

        if (hd_judge(ctx, d, 0, &v) < 0)
                return false;
        for (size_t i = 0; i < hd_verdict_get_n_reasons(v) && !h; i++) {
                const char *code = NULL, *msg = NULL;
                enum hd_severity sev;
                if (hd_verdict_get_reason(v, i, &code, &sev, &msg) == 0 && code && streq(code, "held")) {
                        h = true;
                        snprintf(why, size, "%s", msg ? msg : "held");
                }
        }
        hd_verdict_free(v);
        return h;
}

static bool on_vfio(const char *drv)
{
        size_t l = drv ? strlen(drv) : 0;
        return drv && (streq(drv, "vfio-pci") || (l > 9 && streq(drv + l - 9, "-vfio-pci")) ||
                       (l > 9 && streq(drv + l - 9, "_vfio_pci")));
}

/* ---------------------------------------------------------------- mdev create */
static void new_uuid(char out[37])
{
        unsigned char b[16];
        static const char hex[] = "0123456789abcdef";
        size_t o = 0;

        if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                for (size_t i = 0; i < sizeof(b); i++)
                        b[i] = (unsigned char)((ts.tv_nsec >> (i % 4) * 8) ^ (getpid() >> (i % 2) * 8) ^ (i * 37));
        }
        b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
        b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
        for (size_t i = 0; i < 16; i++) {
                if (i == 4 || i == 6 || i == 8 || i == 10)
                        out[o++] = '-';
                out[o++] = hex[b[i] >> 4];
                out[o++] = hex[b[i] & 15];
        }
        out[o] = '\0';
}

static int mdev_create_checks(struct mjob *m, struct hd_dev *parent, const char *type, bool force)
{
        char rel[PATH_MAX];
        int avail;

        if (!parent || !hd_dev_get_sysfs_path(parent) || hd_dev_get_type(parent) == HD_DEV_MDEV)
                return wrong_dev(m, parent, "not a device that can be an mdev parent");
        if (!type || !*type || strchr(type, '/') || streq(type, ".") || streq(type, ".."))
                return mproblem(m, -EINVAL, "mdev type '%s' is not a type name", type ? type : "");
        if (snprintf(rel, sizeof(rel), "%s/mdev_supported_types/%s", parent->path, type) >= (int)sizeof(rel))
                return -ENAMETOOLONG;
        if (!hd__exists_at(m->sysfd, rel))
                return mproblem(m, -ENOENT, "%s offers no mdev type '%s' (hostdev show %s lists its types)",
                                parent->name, type, parent->name);
        if (!parent->driver)
                return mproblem(m, -EPERM, "%s: mdev-parent-down: the parent has no driver, so no "
                                "vendor driver can create type %s", parent->name, type);
        avail = read_num(m, rel, "available_instances");
        if (avail == 0 && !force)
                return mproblem(m, -EPERM, "%s: mdev-no-instances: type %s has no available instances",
                                parent->name, type);
        return 0;
}

HD_EXPORT int hd_mdev_create(struct hd_ctx *ctx, struct hd_dev *parent, const char *type,
                             const char *uuid, const struct hd_bind_opts *opts, char uuid_out[37])
{
        char id[37], rel[PATH_MAX];
        struct mjob m;
        cJSON *c = NULL;
        int r;

        if (!ctx || !uuid_out)
                return -EINVAL;
        r = mjob_start(&m, ctx, opts, NULL);
        if (r < 0)
                goto out;
        r = mdev_create_checks(&m, parent, type, m.opts->force);
        if (r < 0)
                goto out;
        if (uuid) {
                if (!hd__uuid_ok(uuid)) {
                        r = mproblem(&m, -EINVAL, "'%s' is not a UUID", uuid);
                        goto out;
                }
                for (size_t i = 0; i < 36; i++)
                        id[i] = (char)(uuid[i] >= 'A' && uuid[i] <= 'F' ? uuid[i] - 'A' + 'a' : uuid[i]);
                id[36] = '\0';
        } else {
                new_uuid(id);
        }
        if (mdev_exists(&m, id)) {
                r = mproblem(&m, -EEXIST, "mdev %s exists already", id);
                goto out;
        }
        c = cJSON_CreateObject();
        if (!c || !cJSON_AddStringToObject(c, "kind", "mdev") || !cJSON_AddStringToObject(c, "uuid", id) ||
            !cJSON_AddStringToObject(c, "parent", parent->path) || !cJSON_AddStringToObject(c, "type", type) ||
            set_state(c, "creating") < 0) {
                cJSON_Delete(c);
                r = -ENOMEM;
                goto out;
        }
        cJSON_AddItemToArray(m.changes, c);
        r = journal_save(&m);
        if (r < 0)
                goto out;
        snprintf(rel, sizeof(rel), "%s/mdev_supported_types/%s/create", parent->path, type);
        r = mwrite(&m, rel, id);
        if (r < 0)
                r = mproblem(&m, r, "%s: cannot create an mdev of type %s: %s", parent->name, type,
                             strerror(-r));
        else if (!m.dry && !mdev_exists(&m, id))
                r = mproblem(&m, -EIO, "%s: no mdev %s after the write to create", parent->name, id);
        if (r < 0) {
                /* roll back: a half-made mdev goes, then the record */
                if (mdev_unmake(&m, id) >= 0) {
                        journal_drop(&m, c);
                        journal_save(&m);
                }
                goto out;
        }
        set_state(c, "created");
        r = journal_save(&m);
        if (r >= 0) {
                memcpy(uuid_out, id, 37);
                r = 1;
        }
out:
        mjob_end(&m);
        return r;
}

HD_EXPORT int hd_mdev_remove(struct hd_ctx *ctx, struct hd_dev *mdev, const struct hd_bind_opts *opts)
{
        char why[512];
        char *prev_copy = NULL;
        struct mjob m;
        cJSON *c;
        int r;

        if (!ctx)
                return -EINVAL;
        r = mjob_start(&m, ctx, opts, NULL);
        if (r >= 0 && (!mdev || hd_dev_get_type(mdev) != HD_DEV_MDEV))
                r = wrong_dev(&m, mdev, "not a mediated device");
        if (r < 0)
                goto out;
        if (!m.opts->force && held(ctx, mdev, why, sizeof(why))) {
                r = mproblem(&m, -EPERM, "%s: held: %s; --force removes it anyway", mdev->sysname, why);
                goto out;
        }
        c = journal_find(&m, "mdev", "uuid", mdev->sysname);
        if (c) {
                prev_copy = jstr(c, "state") ? strdup(jstr(c, "state")) : NULL;
        } else {
                c = cJSON_CreateObject();
                if (!c || !cJSON_AddStringToObject(c, "kind", "mdev") ||
                    !cJSON_AddStringToObject(c, "uuid", mdev->sysname) ||
                    !cJSON_AddStringToObject(c, "parent", mdev->parent ? mdev->parent->path : "") ||
                    !cJSON_AddStringToObject(c, "type", mdev->mdev_type ? mdev->mdev_type : "")) {
                        cJSON_Delete(c);
                        r = -ENOMEM;
                        goto out;
                }
                cJSON_AddItemToArray(m.changes, c);
        }
        set_state(c, "removing");
        r = journal_save(&m);
        if (r < 0)
                goto out;
        r = mdev_unmake(&m, mdev->sysname);
        if (r < 0) {
                if (prev_copy)
                        set_state(c, prev_copy);
                else
                        journal_drop(&m, c);
                journal_save(&m);
                goto out;
        }
        journal_drop(&m, c);
        r = journal_save(&m);
        if (r >= 0)
                r = 1;
out:
        free(prev_copy);
        mjob_end(&m);
        return r;
}

/* ---------------------------------------------------------------- SR-IOV */
static int sriov_checks(struct mjob *m, struct hd_dev *pf, int n, int total, int cur)
{
        char why[512];

        if (n < 0 || n > total)
                return mproblem(m, -ERANGE, "%s: %d VFs asked, the PF has at most %d", pf->name, n, total);
        if (!pf->driver)
                return mproblem(m, -ENOENT, "%s: the PF has no driver: no driver can make its VFs",
                                pf->name);
        if (cur <= 0 || n == cur)
                return 0;
        for (size_t i = 0; i < pf->n_virtfns; i++) {
                struct hd_dev *vf = pf->virtfns[i];
                if (on_vfio(vf->driver))
                        return mproblem(m, -EPERM, "%s: sriov-vf-in-use: cannot change the VF count while "
                                        "its VF %s is on %s (changing it destroys every VF); give the VF "
                                        "back first (hostdev unbind %s)", pf->name, vf->name, vf->driver,
                                        vf->name);
                if (hd__state_find(m->st, vf->address))
                        return mproblem(m, -EPERM, "%s: sriov-vf-in-use: cannot change the VF count while "
                                        "hostdev holds its VF %s", pf->name, vf->name);
                if (held(m->ctx, vf, why, sizeof(why)))
                        return mproblem(m, -EPERM, "%s: sriov-vf-in-use: cannot change the VF count: %s",
                                        pf->name, why);
        }
        return 0;
}

HD_EXPORT int hd_sriov_set(struct hd_ctx *ctx, struct hd_dev *pf, int n, const struct hd_bind_opts *opts)
{
        int total = -1, cur = -1, orig;
        struct mjob m;
        bool fresh = false;
        cJSON *c;
        int r;

        if (!ctx)
                return -EINVAL;
        r = mjob_start(&m, ctx, opts, NULL);
        if (r >= 0 && (!pf || hd_dev_get_sriov(ctx, pf, &total, &cur, NULL) < 0))
                r = wrong_dev(&m, pf, "not an SR-IOV physical function (no sriov_totalvfs)");
        if (r >= 0)
                r = sriov_checks(&m, pf, n, total, cur);
        if (r < 0 || n == cur)
                goto out;
        c = journal_find(&m, "sriov", "pf", pf->address);
        if (!c) {
                c = cJSON_CreateObject();
                if (!c || !cJSON_AddStringToObject(c, "kind", "sriov") ||
                    !cJSON_AddStringToObject(c, "pf", pf->address) ||
                    !cJSON_AddStringToObject(c, "path", pf->path) ||
                    !cJSON_AddNumberToObject(c, "original", cur)) {
                        cJSON_Delete(c);
                        r = -ENOMEM;
                        goto out;
                }
                cJSON_AddItemToArray(m.changes, c);
                fresh = true;
        }
        orig = cJSON_GetObjectItem(c, "original") ? cJSON_GetObjectItem(c, "original")->valueint : cur;
        cJSON_DeleteItemFromObject(c, "from");
        if (!cJSON_AddNumberToObject(c, "from", cur)) {
                r = -ENOMEM;
                goto out;
        }
        set_state(c, "changing");
        r = journal_save(&m);
        if (r < 0)
                goto out;
        r = set_numvfs(&m, pf->path, pf->address, n);
        if (r < 0) {
                int rr = set_numvfs(&m, pf->path, pf->address, cur);
                if (rr >= 0) {
                        if (fresh)
                                journal_drop(&m, c);
                        else
                                set_state(c, "changed");
                        journal_save(&m);
                }
                goto out;
        }
        if (n == orig)
                journal_drop(&m, c);
        else
                set_state(c, "changed");
        r = journal_save(&m);
        if (r >= 0)
                r = 1;
out:
        mjob_end(&m);
        return r;
}

/* ---------------------------------------------------------------- restore */
int hd__mdev_restore(struct hd_ctx *ctx, struct hd__state *st, const struct hd_bind_opts *opts, bool all)
{
        int changed = 0, err = 0, r;
        struct mjob m;
        cJSON *c;

        r = mjob_start(&m, ctx, opts, st);
        if (r < 0)
                goto out;
        /* newest first: VF counts and mdevs are undone in reverse order of making */
        for (int i = cJSON_GetArraySize(m.changes); i-- > 0;) {
                const char *kind, *state;
                c = cJSON_GetArrayItem(m.changes, i);
                kind = jstr(c, "kind");
                state = jstr(c, "state");
                if (!kind || !state) {
                        journal_drop(&m, c);
                        continue;
                }
                if (!all && (streq(state, "created") || streq(state, "changed")))
                        continue;
                if (streq(kind, "mdev") && jstr(c, "uuid") && hd__uuid_ok(jstr(c, "uuid"))) {
                        INFO(ctx, "mdev %s: %s", jstr(c, "uuid"),
                             streq(state, "removing") ? "finishing the removal" : "removing what hostdev made");
                        r = mdev_unmake(&m, jstr(c, "uuid"));
                } else if (streq(kind, "sriov") && jstr(c, "path") && jstr(c, "pf")) {
                        /* interrupted: back to the count before it; all: to hostdev's first */
                        const cJSON *o = cJSON_GetObjectItem(c, "original"), *f = cJSON_GetObjectItem(c, "from");
                        int orig = cJSON_IsNumber(o) ? o->valueint : 0;
                        int to = !all && cJSON_IsNumber(f) ? f->valueint : orig;
                        INFO(ctx, "%s: VF count back to %d", jstr(c, "pf"), to);
                        r = set_numvfs(&m, jstr(c, "path"), jstr(c, "pf"), to);
                        if (r >= 0 && to != orig) {
                                set_state(c, "changed");
                                changed += r;
                                continue;       /* still hostdev's change: kept */
                        }
                } else {
                        r = 0;
                }
                if (r < 0) {
                        err = err ?: r;
                        continue;
                }
                changed += r;
                journal_drop(&m, c);
        }
        r = journal_save(&m);
        if (r >= 0)
                r = err < 0 ? err : changed;
out:
        mjob_end(&m);
        return r;
}
