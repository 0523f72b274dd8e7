/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the emitters add around the devices named: the rest of their IOMMU
 * groups (--with-group), and the guest's PCI topology for a machine type.
 *
 * q35 follows the layout libvirt gives a hostdev (qemu_domain_address.c):
 * a PCIe endpoint is not put on pcie.0 (where it would be an integrated
 * endpoint, which guest GPU drivers do not expect) but alone behind a
 * pcie-root-port, at slot 0; the functions of one physical device stay
 * together on that port.  Root ports sit on pcie.0, eight to a slot with
 * multifunction on function 0; chassis is the controller index, port is
 * slot << 3 | function.  A conventional PCI device cannot sit behind a root
 * port: it goes in its own slot (1-31) of a pcie-pci-bridge, which itself
 * takes the last root port.  Controller indexes count up from 1 (pcie.0 is
 * 0): the devices' ports in order, then the bridge's port, then the bridge,
 * so that each controller's index is above that of the bus it sits on.
 */
#define _GNU_SOURCE

#include "emit.h"
#include "policy.h"

/* ---------------------------------------------------------------- whole groups */

static int append(struct hd_ctx *ctx, struct hd_dev ***list, size_t *n, struct hd_dev *d)
{
        /* the callers keep a NULL after the last entry */
        struct hd_dev **nl = realloc(*list, (*n + 2) * sizeof(*nl));

        if (!nl)
                return hd__error(ctx, -ENOMEM, "out of memory");
        nl[(*n)++] = d;
        nl[*n] = NULL;
        *list = nl;
        return 0;
}

int hd__emit_add_groups(struct hd_ctx *ctx, struct hd_dev ***list, size_t *n)
{
        size_t named = *n;

        for (size_t i = 0; i < named; i++) {
                struct hd_dev *d = (*list)[i];
                struct hd_dev *const *members;
                size_t nm = 0;

                if (d->type != HD_DEV_PCI || d->iommu_group < 0)
                        continue;
                members = hd_ctx_get_iommu_group_devices(ctx, d->iommu_group, &nm);
                for (size_t k = 0; members && k < nm; k++) {
                        struct hd_dev *m = members[k];
                        int r;

                        if (hd_dev_is_pci_bridge(m) || hd__emit_listed(*list, *n, m))
                                continue;
                        r = append(ctx, list, n, m);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* ---------------------------------------------------------------- q35 */

bool hd__emit_is_pcie(struct hd_ctx *ctx, const struct hd_dev *d)
{
        struct hd__pcicfg cfg;

        hd__pcicfg_read(ctx, d, &cfg);
        return !cfg.ok || cfg.pcie;
}

void hd__topology_done(struct hd__topology *t)
{
        free(t->ports);
        t->ports = NULL;
        t->n_ports = 0;
        t->bridge = -1;
}

/* Lay out N_PORTS root ports on pcie.0 from FIRST_SLOT. */
static int place_ports(struct hd_ctx *ctx, struct hd__topology *t, size_t n_ports, int first_slot)
{
        if (n_ports == 0)
                return 0;
        if ((size_t)first_slot + (n_ports - 1) / HD_PCI_FUNCS > HD_GUEST_SLOT_MAX)
                return hd__error(ctx, -ENOSPC, "%zu PCIe root ports do not fit on pcie.0 from slot "
                                 "%02x (slots end at 1f)", n_ports, (unsigned)first_slot);
        t->ports = calloc(n_ports, sizeof(*t->ports));
        if (!t->ports)
                return hd__error(ctx, -ENOMEM, "out of memory");
        t->n_ports = n_ports;
        for (size_t k = 0; k < n_ports; k++) {
                size_t in_slot = n_ports - k / HD_PCI_FUNCS * HD_PCI_FUNCS;
                t->ports[k] = (struct hd__port){
                        .index = (int)k + 1,
                        .slot = first_slot + (int)(k / HD_PCI_FUNCS),
                        .fn = (int)(k % HD_PCI_FUNCS),
                        .multi = k % HD_PCI_FUNCS == 0 && in_slot > 1,
                };
        }
        return 0;
}

int hd__emit_q35_place(struct hd_ctx *ctx, struct hd_dev **pci, size_t n, int first_slot,
                       struct hd__pci_place *out, struct hd__topology *topo)
{
        int devices = 0, legacy = 0, prev = -1, r;

        topo->ports = NULL;
        topo->n_ports = 0;
        topo->bridge = -1;
        /* one "slot" per physical device: the functions of a host slot together */
        r = hd__emit_pci_place(ctx, pci, n, true, 0, "the guest (32 devices at most)", out);
        if (r < 0)
                return r == -ENOMEM ? hd__error(ctx, r, "out of memory") : r;
        for (size_t i = 0; i < n; i++) {
                int dev_no = out[i].slot;
                bool pcie;

                /* the first function of a device decides for all of them */
                if (i > 0 && prev == dev_no) {
                        out[i].bus = out[i - 1].bus;
                        out[i].slot = out[i - 1].slot;
                        continue;
                }
                prev = dev_no;
                pcie = hd__emit_is_pcie(ctx, out[i].dev);
                if (pcie) {
                        out[i].bus = ++devices;
                        out[i].slot = 0;
                } else {
                        if (legacy >= HD_BRIDGE_SLOTS)
                                return hd__error(ctx, -ENOSPC, "%s: no slot left on the "
                                                 "pcie-pci-bridge (31 devices at most)",
                                                 out[i].dev->name);
                        out[i].bus = -1;        /* the bridge: its index is known at the end */
                        out[i].slot = ++legacy;
                }
        }
        r = place_ports(ctx, topo, (size_t)devices + (legacy ? 1 : 0), first_slot);
        if (r < 0)
                return r;
        if (legacy) {
                topo->bridge = devices + 2;
                for (size_t i = 0; i < n; i++)
                        if (out[i].bus < 0)
                                out[i].bus = topo->bridge;
        }
        return 0;
}
