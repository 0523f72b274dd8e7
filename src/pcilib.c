/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libpci's hooks and the guard around every libpci call: see pcilib.h. */
#define _GNU_SOURCE
#include <stdarg.h>

#include "hostdev-internal.h"
#include "pcilib.h"

static _Thread_local struct hd__pci_guard *cur_guard;
static _Thread_local char pci_msg[200];

void hd__pci_guard_push(struct hd__pci_guard *g)
{
        g->prev = cur_guard;
        cur_guard = g;
}

void hd__pci_guard_pop(struct hd__pci_guard *g)
{
        cur_guard = g->prev;
}

const char *hd__pci_guard_msg(void) { return pci_msg; }

/* libpci's error hook: the message, then back to the guard; never returns */
static void pci_fail(char *msg, ...) __attribute__((noreturn)) _printf_(1, 2);
static void pci_fail(char *msg, ...)
{
        struct hd__pci_guard *g = cur_guard;
        va_list ap;
        size_t len;

        va_start(ap, msg);
        vsnprintf(pci_msg, sizeof(pci_msg), msg, ap);
        va_end(ap);
        len = strlen(pci_msg);
        if (len > 0 && pci_msg[len - 1] == '\n')       /* libpci ends some with one */
                pci_msg[len - 1] = '\0';
        if (!g)
                abort();        /* a libpci call outside a guard: a bug here, not bad input */
        longjmp(g->env, 1);
}

static void pci_quiet(char *msg, ...) _printf_(1, 2);
static void pci_quiet(char *msg, ...) { (void)msg; }

struct pci_access *hd__pci_alloc(void)
{
        struct pci_access *pacc;

        pci_msg[0] = '\0';
        pacc = pci_alloc();
        if (!pacc)
                pci_fail("out of memory");
        pacc->error = pci_fail;
        pacc->warning = pci_quiet;
        pacc->debug = pci_quiet;
        pacc->debugging = 0;
        return pacc;
}

void hd__pci_free(struct pci_access *pacc)
{
        struct hd__pci_guard g;

        if (!pacc)
                return;
        hd__pci_guard_push(&g);
        if (setjmp(g.env) == 0)
                pci_cleanup(pacc);
        hd__pci_guard_pop(&g);
}
