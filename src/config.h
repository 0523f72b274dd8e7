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

#endif
