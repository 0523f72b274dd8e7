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
/* apply-mdev.c: the sriov entries (before the binds, rescanning when VFs
 * changed) and the mdev entries (after).  Returns: changed, or the first error. */
int hd__apply_sriov(struct hd_ctx *ctx, const struct hd_config *c, const struct hd_apply_opts *o,
                    struct hd_report *r);
int hd__apply_mdev(struct hd_ctx *ctx, const struct hd_config *c, const struct hd_apply_opts *o,
                   struct hd_report *r);

#endif
