/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private helpers shared by the emitters (argv.c, emit-qemu.c, emit-libvirt.c). */
#ifndef HOSTDEV_EMIT_H
#define HOSTDEV_EMIT_H

#include "hostdev-internal.h"
#include "strbuf.h"

/* Drop the elements of A from N on. */
void hd__argv_truncate(struct hd_argv *a, size_t n);

/* What the emitters pass through for DEV: DEV itself, or the sg node of a
 * SCSI LUN.  The judge decides (hd__judge_gate): a device it finds not
 * eligible is refused, -EINVAL when what the device is forbids it (type,
 * bridge, hub, no sg node or address; message names what to pass instead)
 * even with FORCE, else -EPERM unless FORCE; the message names DEV, the
 * first such error reason and its [code].
 * Returns: 0 and *target, or a negative errno with the context's error set. */
int hd__emit_check(struct hd_ctx *ctx, struct hd_dev *dev, bool force, struct hd_dev **target);

/* "VENDOR PRODUCT [serial S]" of DEV for a human (raw device strings: escape them
 * before output).  Returns: malloc'd string, "" when nothing is known, NULL on ENOMEM. */
char *hd__emit_describe(struct hd_dev *dev);

/* The PCI placement and ROM options both emitters take, checked alike.
 * Returns: 0, or -EINVAL with the message set. */
int hd__emit_check_pci_opts(struct hd_ctx *ctx, bool have_bus, int guest_slot, int rombar,
                            const char *romfile);

/* Where a PCI function goes in the guest (hd__emit_pci_place) */
struct hd__pci_place {
        struct hd_dev *dev;
        int slot, fn;           /* -1 without a guest bus */
        bool multi;             /* multifunction=on: function 0 of several */
        bool rom;               /* gets the ROM file */
        int bus;                /* with a machine topology: the libvirt controller
                                 * index of its bus (hd__emit_q35_place) */
};
/* Place the N functions PCI (without a guest bus when !GUEST) from slot
 * FIRST_SLOT on, into OUT[N] in emission order: the functions of one host
 * slot together, by function number.  BUS_NAME is for the message.
 * Returns: 0, -ENOSPC past slot 1f (message set), -ENOMEM. */
int hd__emit_pci_place(struct hd_ctx *ctx, struct hd_dev **pci, size_t n, bool guest,
                       int first_slot, const char *bus_name, struct hd__pci_place *out);

/* emit-mdev.c: one mediated device (OPTS NULL: no display), checked by the judge */
int hd__emit_qemu_mdev(struct hd_ctx *ctx, struct hd_dev *d, const struct hd_mdev_emit_opts *o,
                       struct hd_argv *argv);
int hd__xml_mdev(struct hd_ctx *ctx, struct hd__buf *b, const char *ind, struct hd_dev *d,
                 const struct hd_mdev_emit_opts *o);

/* emit-json.c: OPTS ("driver,key=value,...", ',' in values doubled) of
 * OPTION (-device, -blockdev, -object) as one JSON object with typed values.
 * Returns: a malloc'd string, NULL on ENOMEM. */
char *hd__emit_to_json(const char *option, const char *opts);

/* ---------------------------------------------------------------- emit-topology.c */

/* Append to *LIST (N entries, realloc'd) every endpoint of the IOMMU groups
 * of the PCI functions among its first *N entries that is not listed yet
 * (bridges stay on the host), in group order after them.
 * Returns: 0, -ENOMEM (message set). */
int hd__emit_add_groups(struct hd_ctx *ctx, struct hd_dev ***list, size_t *n);

/* Whether D has a PCI Express capability (read from its config space; a
 * config space that cannot be read counts as PCIe, as libvirt assumes). */
bool hd__emit_is_pcie(struct hd_ctx *ctx, const struct hd_dev *d);

/* A pcie-root-port on pcie.0: controller index (= chassis), slot and function. */
struct hd__port {
        int index, slot, fn;
        bool multi;             /* function 0 of several ports in its slot */
};
/* The controllers a q35 guest gets for the devices (libvirt's layout) */
struct hd__topology {
        struct hd__port *ports; /* root ports, by index 1..n_ports */
        size_t n_ports;
        int bridge;             /* index of the pcie-pci-bridge, -1 none; it sits on
                                 * the last root port (index bridge - 1) */
};
/* Place the N PCI functions for a q35 guest, into OUT[N] in emission order
 * (as hd__emit_pci_place: the functions of one host slot together): each
 * PCIe device alone behind its own pcie-root-port (out.bus = the port's
 * index, slot 0), each conventional PCI device in its own slot (from 1) of
 * one pcie-pci-bridge; the root ports on pcie.0 from FIRST_SLOT on, eight
 * to a slot (multifunction), port number slot << 3 | function, chassis =
 * index, as libvirt numbers them.
 * Returns: 0, -ENOSPC when pcie.0 or the bridge is full, -ENOMEM (message set). */
int hd__emit_q35_place(struct hd_ctx *ctx, struct hd_dev **pci, size_t n, int first_slot,
                       struct hd__pci_place *out, struct hd__topology *topo);
void hd__topology_done(struct hd__topology *t);

/* The machine option: "q35", "pc" or NULL.  Returns: 0, -EINVAL (message set). */
int hd__emit_check_machine(struct hd_ctx *ctx, const char *machine, bool have_bus);

#endif
