/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI functions from sysfs: one `uevent` read carries what separate
 * attributes would (PCI_ID, PCI_SUBSYS_ID, PCI_CLASS); attributes are the
 * fallback for recorded trees without uevent.  Links give driver, IOMMU
 * group and SR-IOV parent.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <pci/header.h>         /* libpci's PCI_BASE_CLASS_* */

#include "hostdev-internal.h"
#include "pciaddr.h"

#define PCI_CLASS_MASK 0xffffff         /* class code: base class, subclass, prog-if */
#define PCI_BASE_CLASS(c) ((c) >> 16)

static bool parse_address(struct hd_dev *d)
{
        struct hd_pciaddr a;

        if (!hd__pciaddr_parse(d->sysname, &a))
                return false;
        d->domain = a.domain;
        d->bus = a.bus;
        d->slot = a.slot;
        d->func = a.func;
        hd__pciaddr_format(&a, d->address);
        return true;
}

static void ids_from_uevent(struct hd_dev *d, const char *ue)
{
        char v[64];
        unsigned x[1];

        hd__uevent_ids(ue, "PCI_ID", ':', 2, &d->vendor, &d->device);
        hd__uevent_ids(ue, "PCI_SUBSYS_ID", ':', 2, &d->subvendor, &d->subdevice);
        if (hd__uevent_get(ue, "PCI_CLASS", v, sizeof(v)) && hd__parse_hex_list(v, 0, x, 1) == 1)
                d->pci_class = x[0] & PCI_CLASS_MASK;
}

static void ids_from_attrs(struct hd_ctx *ctx, struct hd_dev *d)
{
        int c;

        d->vendor = hd__dev_int_unless(ctx, d, d->vendor, "vendor", 16);
        d->device = hd__dev_int_unless(ctx, d, d->device, "device", 16);
        d->subvendor = hd__dev_int_unless(ctx, d, d->subvendor, "subsystem_vendor", 16);
        d->subdevice = hd__dev_int_unless(ctx, d, d->subdevice, "subsystem_device", 16);
        if (d->pci_class < 0 && (c = hd__dev_int(ctx, d, "class", 16, -1)) >= 0)
                d->pci_class = c & PCI_CLASS_MASK;
}

/* The driver from its link (uevent's DRIVER= where the link is absent),
 * IOMMU group and SR-IOV parent */
static void read_links(struct hd__scan *s, struct hd_ctx *ctx, struct hd_dev *d, const char *ue)
{
        char buf[PATH_MAX], norm[PATH_MAX];
        int g;

        d->driver = hd__dev_driver_scan(s, ctx, d, ue);
        g = hd__dev_iommu_group(ctx, d, buf, sizeof(buf));
        if (g >= 0)
                d->iommu_group = g;
        else if (g == -EINVAL)
                WARN(ctx, "%s: odd iommu_group link '%s'", d->path, buf);
        if (hd__dev_readlink(ctx, d, "physfn", buf, sizeof(buf)) > 0 &&
            hd__path_join_norm(d->path, buf, norm, sizeof(norm)) >= 0)
                d->physfn_path = hd__scan_strdup(s, norm);
}

static int add_pci(struct hd_ctx *ctx, void *data, const char *name, const char *path)
{
        struct hd__scan *s = data;
        struct hd_dev *d = hd__dev_new(s, HD_DEV_PCI, path);
        char ue[HD_ATTR_MAX];
        int r;

        if (!d)
                return -ENOMEM;
        if (!parse_address(d) || !streq(d->sysname, name)) {
                WARN(ctx, "bus/pci/devices/%s: not a PCI address, skipped", name);
                return 0;
        }
        d->name = hd__make_name(s, "pci_", d->address);
        if (!d->name)
                return -ENOMEM;

        /* every read by full path: no directory to open and close */
        r = hd__dev_read(ctx, d, "uevent", ue, sizeof(ue));
        if (hd__dev_gone(ctx, d, r))
                return 0;
        if (r >= 0)
                ids_from_uevent(d, ue);
        ids_from_attrs(ctx, d);
        read_links(s, ctx, d, r >= 0 ? ue : NULL);
        if (d->pci_class >= 0 && PCI_BASE_CLASS(d->pci_class) == PCI_BASE_CLASS_DISPLAY)
                d->boot_vga = hd__dev_int(ctx, d, "boot_vga", 10, -1);
        return hd__scan_add_dev(ctx, s, d);
}

int hd__scan_pci(struct hd_ctx *ctx, struct hd__scan *s)
{
        return hd__foreach_sys_link(ctx, "bus/pci/devices", add_pci, s);
}

void hd__pci_load_detail(struct hd_dev *d)
{
        if (!d || d->type != HD_DEV_PCI || d->detail_done || !d->ctx)
                return;
        d->detail_done = true;
        d->numa_node = hd__dev_int(d->ctx, d, "numa_node", 10, -1);
        d->reset_method = hd__attr_detail(d, "reset_method");
        d->driver_override = hd__attr_detail(d, "driver_override");
        if (d->driver_override && (streq(d->driver_override, "(null)") || !*d->driver_override))
                d->driver_override = NULL;      /* the scan's memory: nothing to free */
}

/* ---------------------------------------------------------------- getters */

static bool is_pci(const struct hd_dev *d) { return d && d->type == HD_DEV_PCI; }

HD_EXPORT const char *hd_dev_get_pci_address(const struct hd_dev *d)
{
        return is_pci(d) ? d->address : NULL;
}

HD_EXPORT int hd_dev_get_pci_ids(const struct hd_dev *d, uint16_t *vendor, uint16_t *device)
{
        if (!d)
                return -EINVAL;
        return hd__get_id_pair(is_pci(d), d->vendor, d->device, vendor, device);
}

HD_EXPORT int hd_dev_get_pci_class(const struct hd_dev *d)
{
        return is_pci(d) && d->pci_class >= 0 ? (int)d->pci_class : -1;
}

HD_EXPORT int hd_dev_get_iommu_group(const struct hd_dev *d) { return is_pci(d) ? d->iommu_group : -1; }
HD_EXPORT struct hd_dev *hd_dev_get_physfn(const struct hd_dev *d) { return is_pci(d) ? d->physfn : NULL; }
HD_EXPORT size_t hd_dev_get_n_virtfns(const struct hd_dev *d) { return is_pci(d) ? d->n_virtfns : 0; }
HD_EXPORT struct hd_dev *hd_dev_get_virtfn(const struct hd_dev *d, size_t i)
{
        return is_pci(d) && i < d->n_virtfns ? d->virtfns[i] : NULL;
}
HD_EXPORT int hd_dev_get_boot_vga(const struct hd_dev *d) { return is_pci(d) ? d->boot_vga : -1; }
HD_EXPORT const char *hd_dev_get_reset_method(const struct hd_dev *d)
{
        hd__pci_load_detail((struct hd_dev *)d);        /* a cache, not a change */
        return is_pci(d) ? d->reset_method : NULL;
}

HD_EXPORT const char *hd_dev_get_driver_override(const struct hd_dev *d)
{
        hd__pci_load_detail((struct hd_dev *)d);
        return is_pci(d) ? d->driver_override : NULL;
}

HD_EXPORT bool hd_dev_is_pci_bridge(const struct hd_dev *d)
{
        return is_pci(d) && d->pci_class >= 0 && PCI_BASE_CLASS(d->pci_class) == PCI_BASE_CLASS_BRIDGE;
}

int hd__scan_pci_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path)
{
        return add_pci(ctx, s, name, path);
}
