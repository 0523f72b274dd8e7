/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply and status for "sriov PF numvfs=N" and "mdev UUID parent=ADDR
 * type=TYPE" entries: VF counts are set before the groups are bound (a
 * configured VF must exist to be bound; the scan is redone when a count
 * changed), mdevs are made after (their parent's driver is up by then).
 * A targeted apply (apply --device) takes the entries whose PF or parent
 * its scan holds.
 *
 * What an entry no longer asks for is undone last, and only what hostdev
 * made: the binder's journal (run/hostdev/mdev.json, bind-mdev.c) names
 * every mdev hostdev created and every VF count it changed; one with no
 * entry any more is removed (hd_mdev_remove) or set back to the count it
 * had before hostdev first changed it (hd_sriov_set).  An mdev or a count
 * hostdev did not make is never touched.  Interrupted work in that journal
 * is the binder's (hd_recover).
 *
 * Every write goes through the binder; with --check they are dry runs.
 * The journal is only read here, without the lock: the binder takes it for
 * each change and reads its journal again.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <limits.h>

#include "config.h"
#include "state.h"


struct pending {
        char addr[32];
        char before[32], after[32];
        bool failed;
        char *message;
};

static bool wanted(const struct hd_config_entry *e, enum hd_config_kind k, const struct hd_apply_opts *o)
{
        return e->kind == k && (!o->boot || e->boot);
}

/* The first entry of KIND for SEL (a UUID or a PF's address), or NULL. */
static const struct hd_config_entry *entry_for(const struct hd_config *c, enum hd_config_kind kind,
                                               const char *sel)
{
        for (size_t i = 0; sel && i < hd_config_get_n_entries(c); i++) {
                const struct hd_config_entry *e = hd_config_get_entry(c, i);
                if (e->kind == kind && strcasecmp(e->selector, sel) == 0)
                        return e;
        }
        return NULL;
}

/* A report item about a sriov or mdev entry E (NULL: about what hostdev made
 * and no entry asks for any more). */
static struct hd_report_item *made_item(struct hd_report *r, struct hd_dev *d, enum hd_action action,
                                        const struct hd_config_entry *e, bool by_hostdev)
{
        struct hd_report_item *it = hd__report_item_new(r, d);

        if (it) {
                it->action = action;
                it->configured = it->selected = e != NULL;
                it->entry = e;
                it->by_hostdev = by_hostdev;
        }
        return it;
}

/* A report item for a VF count: "numvfs=BEFORE" -> "numvfs=AFTER". */
static void sriov_item(struct hd_report *r, struct hd_dev *pf, const struct hd_config_entry *e,
                       int before, int after, int res, const char *message)
{
        /* no entry: an undo of hostdev's own change */
        struct hd_report_item *it = made_item(r, pf, HD_ACTION_SRIOV, e, e == NULL);
        char b[32], a[32];

        if (!it)
                return;
        snprintf(b, sizeof(b), "numvfs=%d", before);
        snprintf(a, sizeof(a), "numvfs=%d", after);
        it->driver_before = hd__report_keep(r, b);
        it->driver_after = hd__report_keep(r, a);
        it->changed = res > 0;
        it->failed = res < 0;
        it->message = hd__report_keep(r, message);
}

/* After VF counts changed: the scan again, whole or (targeted) of every PCI
 * function the targeted scan held, which brings in the PFs' new VFs. */
static int rescan(struct hd_ctx *ctx, bool targeted)
{
        size_t nd = hd_ctx_get_n_devices(ctx), n = 0;
        char **names;
        int r = -ENOMEM;

        if (!targeted)
                return hd_ctx_scan(ctx);
        names = calloc(nd + 1, sizeof(*names));
        for (size_t i = 0; names && i < nd; i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                if (hd_dev_get_type(d) == HD_DEV_PCI && hd_dev_get_pci_address(d) &&
                    !(names[n++] = strdup(hd_dev_get_pci_address(d))))
                        goto out;
        }
        r = names ? hd_ctx_scan_devices(ctx, (const char *const *)names, n) : r;
out:
        for (size_t i = 0; names && i < n; i++)
                free(names[i]);
        free(names);
        return r;
}

/* Set the count of entry E when it differs.  Returns: 1 changed (or would),
 * 0 nothing to do, -errno (P filled in for the report). */
static int sriov_one(struct hd_ctx *ctx, const struct hd_config_entry *e, const struct hd_apply_opts *o,
                     struct hd_report *r, struct pending *p)
{
        struct hd_bind_opts b = o->bind;
        struct hd_dev *pf = hd_ctx_find_device(ctx, e->selector);
        int total, cur, res;

        if (!pf || hd_dev_get_sriov(ctx, pf, &total, &cur, NULL) < 0) {
                /* a targeted scan holds only some PFs */
                if (!o->targeted)
                        hd__report_warn(ctx, r, "%s:%u: sriov %s: no such SR-IOV PF on this host",
                                        e->file, e->line, e->selector);
                return 0;
        }
        if (cur == e->numvfs)
                return 0;
        b.dry_run = o->check;
        res = hd_sriov_set(ctx, pf, e->numvfs, &b);
        snprintf(p->addr, sizeof(p->addr), "%s", e->selector);
        snprintf(p->before, sizeof(p->before), "%d", cur);
        snprintf(p->after, sizeof(p->after), "%d", res < 0 ? cur : e->numvfs);
        p->failed = res < 0;
        if (res < 0 && !(p->message = strdup(hd_ctx_get_error(ctx))))
                return -ENOMEM;
        return res < 0 ? res : 1;
}

int hd__apply_sriov(struct hd_ctx *ctx, const struct hd_config *c, const struct hd_apply_opts *o,
                    struct hd_report *r)
{
        size_t n = hd_config_get_n_entries(c), np = 0;
        struct pending *p = calloc(n + 1, sizeof(*p));
        int err = 0, changed = 0;

        if (!p)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const struct hd_config_entry *e = hd_config_get_entry(c, i);
                int res;

                if (!wanted(e, HD_CONFIG_SRIOV, o))
                        continue;
                res = sriov_one(ctx, e, o, r, &p[np]);
                if (res < 0)
                        err = err ?: res;
                changed += res > 0;
                np += res != 0;
        }
        /* the VFs made or gone: scan again before the groups are planned */
        if (changed && !o->check) {
                int rs = rescan(ctx, o->targeted);
                if (rs < 0)
                        err = err ?: rs;
        }
        for (size_t i = 0; i < np; i++) {
                struct hd_dev *pf = hd_ctx_find_device(ctx, p[i].addr);
                if (pf)
                        sriov_item(r, pf, entry_for(c, HD_CONFIG_SRIOV, p[i].addr), atoi(p[i].before),
                                   atoi(p[i].after), p[i].failed ? -1 : 1, p[i].message);
                free(p[i].message);
        }
        free(p);
        return err < 0 ? err : changed;
}

/* An item for an mdev (under PARENT): BEFORE/AFTER "mdev UUID" when it is
 * there, NULL when not. */
static void mdev_item(struct hd_ctx *ctx, struct hd_report *r, struct hd_dev *parent,
                      const struct hd_config_entry *e, const char *uuid, bool before, bool after,
                      int res)
{
        /* no entry: an undo, hostdev made it */
        struct hd_report_item *it = made_item(r, parent, HD_ACTION_MDEV, e, e == NULL);
        char what[64];

        if (!it)
                return;
        snprintf(what, sizeof(what), "mdev %s", uuid);
        it->driver_before = before ? hd__report_keep(r, what) : NULL;
        it->driver_after = after ? hd__report_keep(r, what) : NULL;
        it->changed = res > 0;
        it->failed = res < 0;
        if (res < 0)
                it->message = hd__report_keep(r, hd_ctx_get_error(ctx));
}

int hd__apply_mdev(struct hd_ctx *ctx, const struct hd_config *c, const struct hd_apply_opts *o,
                   struct hd_report *r)
{
        int err = 0, changed = 0, sysfd = hd__root_sysfd(hd__ctx_root(ctx));

        for (size_t i = 0; i < hd_config_get_n_entries(c); i++) {
                const struct hd_config_entry *e = hd_config_get_entry(c, i);
                struct hd_bind_opts b = o->bind;
                struct hd_dev *parent;
                char rel[96], out[37];
                int res;

                if (!wanted(e, HD_CONFIG_MDEV, o))
                        continue;
                snprintf(rel, sizeof(rel), "bus/mdev/devices/%s", e->selector);
                if (hd__exists_at(sysfd, rel))
                        continue;               /* there: nothing to do */
                parent = hd_ctx_find_device(ctx, e->parent);
                if (!parent) {
                        /* a targeted scan holds only some parents */
                        if (!o->targeted)
                                hd__report_warn(ctx, r, "%s:%u: mdev %s: parent %s is not on this host",
                                                e->file, e->line, e->selector, e->parent);
                        continue;
                }
                b.dry_run = o->check;
                res = hd_mdev_create(ctx, parent, e->mdev_type, e->selector, &b, out);
                mdev_item(ctx, r, parent, e, e->selector, false, res >= 0, res);
                if (res < 0)
                        err = err ?: res;
                else
                        changed += res;
        }
        return err < 0 ? err : changed;
}

/* ---------------------------------------------------------------- what hostdev made */

/* The binder's journal of mdevs and VF counts into *DOC (NULL: there is
 * none), read strictly (hd__mdev_journal_read).
 * Returns: 0 or a negative errno (message in ctx). */
static int journal_read(struct hd_ctx *ctx, cJSON **doc)
{
        int rootfd = hd__root_fd(hd__ctx_root(ctx));
        _cleanup_close_ int dfd = -1;

        *doc = NULL;
        if (rootfd < 0)
                return 0;
        dfd = hd__open_dir_nofollow_at(rootfd, HD_STATE_DIR);
        if (dfd == -ENOENT)
                return 0;
        if (dfd < 0)
                return hd__error(ctx, dfd, HD_STATE_DIR ": %s", strerror(-dfd));
        return hd__mdev_journal_read(ctx, dfd, doc);
}

int hd__apply_journal_check(struct hd_ctx *ctx)
{
        cJSON *doc;
        int r = journal_read(ctx, &doc);

        cJSON_Delete(doc);
        return r;
}

static const char *jstr(const cJSON *o, const char *key)
{
        const cJSON *x = cJSON_GetObjectItem(o, key);
        return cJSON_IsString(x) ? x->valuestring : NULL;
}

/* The journal's finished record of KIND whose KEY is VALUE, or NULL. */
static const cJSON *made(const cJSON *doc, const char *kind, const char *key, const char *value)
{
        const cJSON *ch;

        cJSON_ArrayForEach(ch, cJSON_GetObjectItem(doc, "changes"))
                if (streq_ptr(jstr(ch, "kind"), kind) && value && jstr(ch, key) &&
                    strcasecmp(jstr(ch, key), value) == 0)
                        return ch;
        return NULL;
}

static int undo_mdev(struct hd_ctx *ctx, const struct hd_apply_opts *o, struct hd_report *r,
                     const char *uuid)
{
        struct hd_dev *m = hd_ctx_find_device(ctx, uuid), *parent;
        struct hd_bind_opts b = o->bind;
        int res;

        /* gone already, or not in a targeted scan (which holds no mdevs) */
        if (!m || hd_dev_get_type(m) != HD_DEV_MDEV)
                return 0;
        b.dry_run = o->check;
        res = hd_mdev_remove(ctx, m, &b);
        parent = hd_dev_get_parent(m);
        mdev_item(ctx, r, parent ? parent : m, NULL, uuid, true, res <= 0, res);
        return res;
}

static int undo_sriov(struct hd_ctx *ctx, const struct hd_apply_opts *o, struct hd_report *r,
                      const char *addr, int original)
{
        struct hd_dev *pf = hd_ctx_find_device(ctx, addr);
        struct hd_bind_opts b = o->bind;
        int total, cur, res;

        if (!pf || hd_dev_get_sriov(ctx, pf, &total, &cur, NULL) < 0 || cur == original)
                return 0;
        b.dry_run = o->check;
        res = hd_sriov_set(ctx, pf, original, &b);
        sriov_item(r, pf, NULL, cur, res < 0 ? cur : original, res,
                   res < 0 ? hd_ctx_get_error(ctx) : NULL);
        return res;
}

int hd__apply_undo(struct hd_ctx *ctx, const struct hd_config *c, const struct hd_apply_opts *o,
                   struct hd_report *r)
{
        cJSON *doc;
        const cJSON *changes;
        int err = journal_read(ctx, &doc), changed = 0;

        if (err < 0)
                return err;
        changes = cJSON_GetObjectItem(doc, "changes");

        /* mdevs first (newest first, as restore), then the counts: VFs given
         * back by the groups' unbinds above */
        for (int pass = 0; pass < 2; pass++) {
                for (int i = cJSON_GetArraySize(changes); i-- > 0;) {
                        const cJSON *ch = cJSON_GetArrayItem(changes, i);
                        const cJSON *orig = cJSON_GetObjectItem(ch, "original");
                        const char *kind = jstr(ch, "kind"), *state = jstr(ch, "state");
                        const char *uuid = jstr(ch, "uuid"), *pf = jstr(ch, "pf");
                        int res = 0;

                        if (pass == 0 && streq_ptr(kind, "mdev") && streq_ptr(state, "created") &&
                            uuid && hd__uuid_ok(uuid) && !entry_for(c, HD_CONFIG_MDEV, uuid))
                                res = undo_mdev(ctx, o, r, uuid);
                        else if (pass == 1 && streq_ptr(kind, "sriov") && streq_ptr(state, "changed") &&
                                 pf && cJSON_IsNumber(orig) && !entry_for(c, HD_CONFIG_SRIOV, pf))
                                res = undo_sriov(ctx, o, r, pf, orig->valueint);
                        if (res < 0)
                                err = err ?: res;
                        changed += res > 0;
                }
        }
        cJSON_Delete(doc);
        return err < 0 ? err : changed;
}

/* ---------------------------------------------------------------- status */

/* Every PF an sriov entry or the journal names: "numvfs=NOW" as driver
 * (before and after), "numvfs=ORIGINAL" as original driver when hostdev
 * changed it. */
static void status_sriov(struct hd_ctx *ctx, const struct hd_config *c, struct hd_report *r,
                         const cJSON *doc)
{
        for (size_t i = 0; i < hd_ctx_get_n_devices(ctx); i++) {
                struct hd_dev *pf = hd_ctx_get_device(ctx, i);
                const char *addr = hd_dev_get_pci_address(pf);
                const struct hd_config_entry *e = entry_for(c, HD_CONFIG_SRIOV, addr);
                const cJSON *rec = made(doc, "sriov", "pf", addr);
                const cJSON *orig = cJSON_GetObjectItem(rec, "original");
                struct hd_report_item *it;
                int total, cur;
                char buf[32];

                if ((!e && !rec) || hd_dev_get_sriov(ctx, pf, &total, &cur, NULL) < 0)
                        continue;
                it = made_item(r, pf, HD_ACTION_SRIOV, e, rec != NULL);
                if (!it)
                        return;
                snprintf(buf, sizeof(buf), "numvfs=%d", cur);
                it->driver_before = it->driver_after = hd__report_keep(r, buf);
                snprintf(buf, sizeof(buf), "numvfs=%d", cJSON_IsNumber(orig) ? orig->valueint : 0);
                it->original_driver = rec ? hd__report_keep(r, buf) : NULL;
        }
        for (size_t i = 0; i < hd_config_get_n_entries(c); i++) {
                const struct hd_config_entry *e = hd_config_get_entry(c, i);
                struct hd_dev *pf = e->kind == HD_CONFIG_SRIOV ? hd_ctx_find_device(ctx, e->selector) : NULL;
                int total, cur;
                if (e->kind == HD_CONFIG_SRIOV && (!pf || hd_dev_get_sriov(ctx, pf, &total, &cur, NULL) < 0))
                        hd__report_warn(ctx, r, "%s:%u: sriov %s: no such SR-IOV PF on this host",
                                        e->file, e->line, e->selector);
        }
}

/* One mdev an entry or the journal names: the mdev itself when it is there
 * (driver: its driver now), else its parent (driver: none); ADDRESS is the
 * UUID, NAME libvirt's node-device name. */
static void mdev_row(struct hd_ctx *ctx, struct hd_report *r, const struct hd_config_entry *e,
                     const char *uuid, const cJSON *rec)
{
        struct hd_dev *m = hd_ctx_find_device(ctx, uuid), *parent;
        struct hd_report_item *it;
        char name[128];
        size_t k;

        if (m && hd_dev_get_type(m) != HD_DEV_MDEV)
                m = NULL;
        parent = m ? hd_dev_get_parent(m) : e ? hd_ctx_find_device(ctx, e->parent) : NULL;
        if (!m && !parent) {
                if (e)
                        hd__report_warn(ctx, r, "%s:%u: mdev %s: parent %s is not on this host",
                                        e->file, e->line, e->selector, e->parent);
                else
                        hd__report_warn(ctx, r, "mdev %s: in hostdev's journal but not on this host", uuid);
                return;
        }
        it = made_item(r, m ? m : parent, HD_ACTION_MDEV, e, rec != NULL);
        if (!it)
                return;
        k = (size_t)snprintf(name, sizeof(name), "mdev_%s_%s", uuid,
                             parent ? hd_dev_get_pci_address(parent) : "");
        for (size_t i = 0; i < k && i < sizeof(name); i++)
                if (name[i] == '-' || name[i] == ':' || name[i] == '.')
                        name[i] = '_';
        it->name = m ? hd_dev_get_name(m) : hd__report_keep(r, name);
        it->address = hd__report_keep(r, uuid);
        it->group = m ? hd_dev_get_mdev_iommu_group(m) : -1;
        it->driver_before = it->driver_after = m ? hd__report_keep(r, hd_dev_get_driver(m)) : NULL;
        it->override_before = it->override_after = NULL;
        it->node_owner_before = it->node_owner_after = NULL;
        it->holder = m ? hd__report_holder(ctx, r, m) : NULL;
}

int hd__status_made(struct hd_ctx *ctx, const struct hd_config *c, struct hd_report *r)
{
        cJSON *doc;
        const cJSON *ch;
        int res = journal_read(ctx, &doc);

        if (res < 0)
                return res;

        status_sriov(ctx, c, r, doc);
        for (size_t i = 0; i < hd_config_get_n_entries(c); i++) {
                const struct hd_config_entry *e = hd_config_get_entry(c, i);
                if (e->kind == HD_CONFIG_MDEV)
                        mdev_row(ctx, r, e, e->selector, made(doc, "mdev", "uuid", e->selector));
        }
        cJSON_ArrayForEach(ch, cJSON_GetObjectItem(doc, "changes")) {
                const char *uuid = jstr(ch, "uuid");
                if (streq_ptr(jstr(ch, "kind"), "mdev") && uuid && hd__uuid_ok(uuid) &&
                    !entry_for(c, HD_CONFIG_MDEV, uuid))
                        mdev_row(ctx, r, NULL, uuid, ch);
        }
        cJSON_Delete(doc);
        return 0;
}
