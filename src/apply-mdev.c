/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply for "sriov PF numvfs=N" and "mdev UUID parent=ADDR type=TYPE" entries:
 * VF counts are set before the groups are bound (a configured VF must exist
 * to be bound; the scan is redone when a count changed), mdevs are made
 * after (their parent's driver is up by then).  Every write goes through the
 * binder (hd_sriov_set, hd_mdev_create); with --check they are dry runs.
 * An entry that is gone is not undone here: `hostdev restore --all`,
 * `hostdev mdev remove` and `hostdev sriov set` do that.
 */
#define _GNU_SOURCE
#include <limits.h>

#include "config.h"

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
                struct hd_bind_opts b = o->bind;
                struct hd_dev *pf;
                int total, cur, res;

                if (!wanted(e, HD_CONFIG_SRIOV, o))
                        continue;
                pf = hd_ctx_find_device(ctx, e->selector);
                if (!pf || hd_dev_get_sriov(ctx, pf, &total, &cur, NULL) < 0) {
                        hd__report_warn(ctx, r, "%s:%u: sriov %s: no such SR-IOV PF on this host",
                                        e->file, e->line, e->selector);
                        continue;
                }
                if (cur == e->numvfs)
                        continue;
                b.dry_run = o->check;
                res = hd_sriov_set(ctx, pf, e->numvfs, &b);
                snprintf(p[np].addr, sizeof(p[np].addr), "%s", e->selector);
                snprintf(p[np].before, sizeof(p[np].before), "numvfs=%d", cur);
                snprintf(p[np].after, sizeof(p[np].after), "numvfs=%d", res < 0 ? cur : e->numvfs);
                if (res < 0) {
                        p[np].failed = true;
                        p[np].message = strdup(hd_ctx_get_error(ctx));
                        err = err ?: res;
                } else {
                        changed++;
                }
                np++;
        }
        /* the VFs made or gone: scan again before the groups are planned */
        if (changed && !o->check) {
                int rs = hd_ctx_scan(ctx);
                if (rs < 0)
                        err = err ?: rs;
        }
        for (size_t i = 0; i < np; i++) {
                struct hd_dev *pf = hd_ctx_find_device(ctx, p[i].addr);
                struct hd_report_item *it = pf ? hd__report_item_new(r, pf) : NULL;
                if (it) {
                        it->action = HD_ACTION_SRIOV;
                        it->configured = it->selected = true;
                        it->driver_before = hd__report_keep(r, p[i].before);
                        it->driver_after = hd__report_keep(r, p[i].after);
                        it->changed = !p[i].failed;
                        it->failed = p[i].failed;
                        it->message = hd__report_keep(r, p[i].message);
                }
                free(p[i].message);
        }
        free(p);
        return err < 0 ? err : changed;
}

int hd__apply_mdev(struct hd_ctx *ctx, const struct hd_config *c, const struct hd_apply_opts *o,
                   struct hd_report *r)
{
        int err = 0, changed = 0, sysfd = hd__root_sysfd(hd__ctx_root(ctx));

        for (size_t i = 0; i < hd_config_get_n_entries(c); i++) {
                const struct hd_config_entry *e = hd_config_get_entry(c, i);
                struct hd_bind_opts b = o->bind;
                struct hd_report_item *it;
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
                        hd__report_warn(ctx, r, "%s:%u: mdev %s: parent %s is not on this host",
                                        e->file, e->line, e->selector, e->parent);
                        continue;
                }
                b.dry_run = o->check;
                res = hd_mdev_create(ctx, parent, e->mdev_type, e->selector, &b, out);
                it = hd__report_item_new(r, parent);
                if (it) {
                        char after[96];
                        snprintf(after, sizeof(after), "mdev %s", e->selector);
                        it->action = HD_ACTION_MDEV;
                        it->configured = it->selected = true;
                        it->entry = e;
                        it->driver_before = NULL;
                        it->driver_after = res < 0 ? NULL : hd__report_keep(r, after);
                        it->changed = res > 0;
                        it->failed = res < 0;
                        if (res < 0)
                                it->message = hd__report_keep(r, hd_ctx_get_error(ctx));
                }
                if (res < 0)
                        err = err ?: res;
                else
                        changed += res;
        }
        return err < 0 ? err : changed;
}
