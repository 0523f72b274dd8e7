/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where the emitters put PCI functions in the guest, and which one gets the
 * option ROM: one rule for the QEMU arguments and the libvirt XML.
 *
 * Without a guest bus every function is placed by QEMU or libvirt.  With
 * one, the functions of one host slot share a guest slot (function 0 with
 * multifunction=on when there are several), slots counting up from the
 * first; a group without the host's function 0 is numbered from 0, or the
 * guest would not find it.  The ROM file goes to the display controllers,
 * or to the first function when there is none.
 */
#define _GNU_SOURCE

#include "emit.h"

static bool is_display(const struct hd_dev *d)
{
        return d->pci_class >= 0 && (d->pci_class >> 16) == HD_PCI_BASE_CLASS_DISPLAY;
}

static int cmp_fn(const void *x, const void *y)
{
        const struct hd__pci_place *a = x, *b = y;
        return (int)a->dev->func - (int)b->dev->func;
}

int hd__emit_pci_place(struct hd_ctx *ctx, struct hd_dev **pci, size_t n, bool guest,
                       int first_slot, const char *bus_name, struct hd__pci_place *out)
{
        bool any_display = false, *done;
        int slot = first_slot;
        size_t o = 0;

        for (size_t i = 0; i < n; i++)
                any_display |= is_display(pci[i]);
        if (!guest) {
                for (size_t i = 0; i < n; i++)
                        out[i] = (struct hd__pci_place){ pci[i], -1, -1, false,
                                                         any_display ? is_display(pci[i]) : i == 0, 0 };
                return 0;
        }
        done = calloc(n ? n : 1, sizeof(*done));
        if (!done)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                size_t g0 = o;
                bool has_fn0 = false;
                if (done[i])
                        continue;
                if (slot > HD_GUEST_SLOT_MAX) {
                        free(done);
                        return hd__error(ctx, -ENOSPC, "%s: no guest slot left on %s (slots end at 1f)",
                                         pci[i]->name, bus_name);
                }
                for (size_t k = i; k < n && o - g0 < HD_PCI_FUNCS; k++)
                        if (!done[k] && hd__pci_same_slot(pci[i], pci[k])) {
                                done[k] = true;
                                out[o++] = (struct hd__pci_place){ pci[k], slot, 0, false, false, 0 };
                                has_fn0 |= pci[k]->func == 0;
                        }
                qsort(out + g0, o - g0, sizeof(*out), cmp_fn);
                /* by function number now: the ROM of a device without a display
                 * controller goes to the lowest function of the first slot */
                for (size_t k = g0; k < o; k++) {
                        out[k].fn = has_fn0 ? (int)out[k].dev->func : (int)(k - g0);
                        out[k].multi = out[k].fn == 0 && o - g0 > 1;
                        out[k].rom = any_display ? is_display(out[k].dev) : k == 0;
                }
                slot++;
        }
        free(done);
        return 0;
}
