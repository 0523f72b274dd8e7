/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI addresses (pciaddr.c): the one parser and formatter of DDDD:BB:SS.F.
 * The scanner (sysfs names), the state journal and the config-space reader
 * take the strict form; device lookup by a user's words takes the short one.
 */
#ifndef HOSTDEV_PCIADDR_H
#define HOSTDEV_PCIADDR_H

#include <stdbool.h>
#include <stddef.h>

#define HD_PCIADDR_MAX 18       /* "ffffffff:ff:1f.7" and its NUL, rounded up */

struct hd_pciaddr {
        unsigned domain;        /* 0 .. 0xffffffff (VMD domains start at 0x10000) */
        unsigned bus;           /* 0 .. 0xff */
        unsigned slot;          /* 0 .. 0x1f (PCI_SLOT) */
        unsigned func;          /* 0 .. 7 (PCI_FUNC) */
};

/* S exactly as Linux names a PCI function ("%04x:%02x:%02x.%d"): lower-case
 * hex, a domain of 4 to 8 digits (no leading zero beyond 4), 2-digit bus
 * and slot (slot <= 0x1f), a
 * function 0-7, nothing before or after.  No sign, space or "0x".
 * Returns: true and *A filled (A may be NULL), or false (A untouched). */
bool hd__pciaddr_parse(const char *s, struct hd_pciaddr *a);

/* A user's words for a PCI function: [DOMAIN:]BUS:SLOT.FUNC, 1 to 8 hex
 * digits a field in either case, in range as above; the domain defaults to 0.
 * Returns: true and *A filled, or false. */
bool hd__pciaddr_parse_loose(const char *s, struct hd_pciaddr *a);

/* The canonical spelling of A into OUT (at least HD_PCIADDR_MAX bytes).
 * Returns: OUT. */
char *hd__pciaddr_format(const struct hd_pciaddr *a, char *out);

#endif
