/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one policy for libpci handles (pcilib.c), used by the name lookups
 * (names.c) and the config-space decoder (policy-pci.c):
 *
 * - every struct pci_access comes from hd__pci_alloc(): its error hook
 *   records the message and longjmps to this thread's innermost guard (it
 *   never returns into libpci and never exits); warnings and debug output
 *   are dropped;
 * - every libpci call, pci_alloc and pci_cleanup included, runs inside a
 *   guard;  a libpci call outside any guard that fails is a bug here and
 *   aborts;
 * - a handle whose call failed is not used again: the caller turns the
 *   failure into a negative errno and a message, frees the handle with
 *   hd__pci_free() and remembers that libpci is unavailable for the context;
 * - handles are per context and lazy: opened at the first use, closed with
 *   the context (names) or its caches (config space).
 *
 * Use:
 *      struct hd__pci_guard g;
 *      hd__pci_guard_push(&g);
 *      if (setjmp(g.env) == 0) {
 *              ... libpci calls ...
 *      } else {
 *              ... failed: hd__pci_guard_msg() says why ...
 *      }
 *      hd__pci_guard_pop(&g);
 * Locals written inside the guarded part and read after a failure must be
 * volatile.
 */
#ifndef HOSTDEV_PCILIB_H
#define HOSTDEV_PCILIB_H

#include <setjmp.h>
#include <pci/pci.h>

struct hd__pci_guard {
        jmp_buf env;
        struct hd__pci_guard *prev;
};

void hd__pci_guard_push(struct hd__pci_guard *g);
void hd__pci_guard_pop(struct hd__pci_guard *g);
/* The message of the last libpci error on this thread ("" when none). */
const char *hd__pci_guard_msg(void);

/* pci_alloc() with hostdev's hooks; call inside a guard.  Returns: the handle
 * (a failure longjmps to the guard). */
struct pci_access *hd__pci_alloc(void);
/* pci_cleanup() inside a guard of its own; NULL is a no-op. */
void hd__pci_free(struct pci_access *pacc);

#endif
