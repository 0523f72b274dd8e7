/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The configuration (config.c), private to config.c and apply.c. */
#ifndef HOSTDEV_CONFIG_H
#define HOSTDEV_CONFIG_H

#include "hostdev-internal.h"

struct hd_config {
        struct hd_ctx *ctx;
        struct hd_config_entry *entries;
        size_t n, cap;
        size_t n_errors;        /* lines that failed to parse */
};

/* Any spelling of a PCI address (DDDD:BB:SS.F, BB:SS.F, pci_DDDD_BB_SS_F) ->
 * DDDD:BB:SS.F.  Returns: true when S is one. */
bool hd__pci_address_canon(const char *s, char *out, size_t size);

/* apply.c: a report item for D (PCI function or mdev parent); NULL on ENOMEM */
struct hd_report;
struct hd_report_item *hd__report_item_new(struct hd_report *r, struct hd_dev *d);
const char *hd__report_keep(struct hd_report *r, const char *s);
void hd__report_warn(struct hd_ctx *ctx, struct hd_report *r, const char *fmt, ...) _printf_(3, 4);
/* apply.c: who holds D (the judge's "held" reason, kept in R), or NULL */
const char *hd__report_holder(struct hd_ctx *ctx, struct hd_report *r, struct hd_dev *d);
/* apply-mdev.c: the sriov entries (before the binds, rescanning when VFs
 * changed), the mdev entries (after), and last the undoing of the mdevs and
 * VF counts hostdev made that no entry asks for any more.
 * Returns: changed, or the first error. */
int hd__apply_sriov(struct hd_ctx *ctx, const struct hd_config *c, const struct hd_apply_opts *o,
                    struct hd_report *r);
int hd__apply_mdev(struct hd_ctx *ctx, const struct hd_config *c, const struct hd_apply_opts *o,
                   struct hd_report *r);
int hd__apply_undo(struct hd_ctx *ctx, const struct hd_config *c, const struct hd_apply_opts *o,
                   struct hd_report *r);

/* apply-mdev.c: the binder's mdev journal is one hostdev can trust
 * (hd__mdev_journal_read), checked before apply changes anything.
 * Returns: 0 or a negative errno (message in ctx). */
int hd__apply_journal_check(struct hd_ctx *ctx);

/* apply-mdev.c: status items for the PFs and mdevs an entry or the binder's
 * journal names (action HD_ACTION_SRIOV, HD_ACTION_MDEV), after the PCI
 * functions' items.  Returns: 0 or a negative errno (the journal refused,
 * message in ctx). */
int hd__status_made(struct hd_ctx *ctx, const struct hd_config *c, struct hd_report *r);

#endif
