/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The inside of a scan, shared by the two files below the scanners that
 * own it and nobody else: the scan memory (scan-mem.c: chunks, the device
 * list, the hash by path) and the tree made of it (tree.c: root, parents,
 * order, groups).  The rest of the library sees struct hd__scan as opaque.
 */
#ifndef HOSTDEV_SCAN_MEM_H
#define HOSTDEV_SCAN_MEM_H

#include "hostdev-internal.h"

struct hd__chunk;
struct hd__slot;

struct hd__scan {
        /* scan memory (scan-mem.c) */
        struct hd__chunk *chunks;        /* newest first */
        struct hd_dev **devs;   /* added order; tree order once built */
        size_t n, cap;
        struct hd__slot *slots;  /* open-addressing hash by path */
        size_t n_slots;

        /* the tree (tree.c) */
        struct hd_dev *root;    /* "computer": no path, joins devs in tree order */
        struct hd__group *groups;        /* by id */
        size_t n_groups;
        bool have_iommu;
};

/* The device whose path is the first LEN bytes of PATH, or NULL. */
struct hd_dev *hd__scan_lookup_len(const struct hd__scan *s, const char *path, size_t len);

#endif
