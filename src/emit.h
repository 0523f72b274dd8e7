/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private helpers shared by the emitters: emit.c (the common part: gate,
 * option checks, description, libvirt domain), emit-pci.c and
 * emit-topology.c (guest placement), argv.c, emit-mdev.c, emit-json.c. */
#ifndef HOSTDEV_EMIT_H
#define HOSTDEV_EMIT_H

#include "hostdev-internal.h"
#include "strbuf.h"

/* PCI numbers the emitters place by (<linux/pci_regs.h> has only the
 * register layout; the class codes are the kernel's pci_ids.h) */
#define HD_PCI_BASE_CLASS_DISPLAY 0x03          /* display controller (class >> 16) */
#define HD_PCI_CLASS_DISPLAY_VGA 0x0300         /* VGA compatible (class >> 8) */
#define HD_PCI_FUNCS 8                          /* functions in a slot */
#define HD_GUEST_SLOT_MAX 0x1f                  /* last slot of a guest bus */
#define HD_GUEST_FIRST_SLOT 0x10                /* first slot used on a root bus */
#define HD_BRIDGE_SLOTS 31                      /* device slots of a pcie-pci-bridge */

/* argv.c: drop the elements of A from N on. */
void hd__argv_truncate(struct hd_argv *a, size_t n);

/* ---------------------------------------------------------------- emit.c */

/* What the emitters pass through for DEV: DEV itself, or the sg node of a
 * SCSI LUN.  The judge decides (hd__judge_gate): a device it finds not
 * eligible is refused, -EINVAL when what the device is forbids it (type,
 * bridge, hub, no sg node or address; message names what to pass instead)
 * even with FORCE, else -EPERM unless FORCE; the message names DEV, the
 * first such error reason and its [code].
 * Returns: 0 and *target, or a negative errno with the context's error set. */
int hd__emit_check(struct hd_ctx *ctx, struct hd_dev *dev, bool force, struct hd_dev **target);
/* What DEV is passed as: the sg node of a SCSI LUN (when it has one), else DEV. */
struct hd_dev *hd__emit_target(struct hd_dev *dev);
/* Whether D is among the N devices of LIST. */
bool hd__emit_listed(struct hd_dev *const *list, size_t n, const struct hd_dev *d);

/* "VENDOR PRODUCT [serial S]" of DEV for a human (raw device strings: escape them
 * before output).  Returns: malloc'd string, "" when nothing is known, NULL on ENOMEM. */
char *hd__emit_describe(struct hd_dev *dev);

/* The PCI placement and ROM options both emitters take, checked alike.
 * Returns: 0, or -EINVAL with the message set. */
int hd__emit_check_pci_opts(struct hd_ctx *ctx, bool have_bus, int guest_slot, int rombar,
                            const char *romfile);
/* The machine option: "q35", "pc" or NULL.  Returns: 0, -EINVAL (message set). */
int hd__emit_check_machine(struct hd_ctx *ctx, const char *machine, bool have_bus);
/* The boot index (BOOT_WHAT names it in the message) and guest reset options.
 * Returns: 0, -EINVAL (message set). */
int hd__emit_check_boot_reset(struct hd_ctx *ctx, const char *boot_what, int boot, int guest_reset);

/* The <domain> a libvirt emitter wraps its devices in (indent them 4) */
void hd__xml_domain_open(struct hd__buf *b, const char *machine);
void hd__xml_domain_close(struct hd__buf *b);

/* ---------------------------------------------------------------- emit-pci.c */

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


#endif
