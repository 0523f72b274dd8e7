/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Vendor and product names, looked up lazily and only when asked for:
 * libpci's pci.ids/hwdb for PCI, the udev hwdb for USB devices whose
 * string descriptors are absent.  Each database is opened once per context.
 */
#define _GNU_SOURCE
#include <pci/pci.h>
#include <libudev.h>

#include "hostdev-internal.h"

struct hd_names {
        struct pci_access *pacc;
        struct udev *udev;
        struct udev_hwdb *hwdb;
        bool pci_failed, hwdb_failed;
};

struct hd_names *hd__names_free(struct hd_names *n)
{
        if (!n)
                return NULL;
        if (n->pacc)
                pci_cleanup(n->pacc);
        udev_hwdb_unref(n->hwdb);
        udev_unref(n->udev);
        free(n);
        return NULL;
}

static void pci_quiet(char *msg, ...) { (void)msg; }

static void pci_names(struct hd_names *n, struct hd_dev *d)
{
        char buf[256];

        if (d->vendor < 0)
                return;
        if (!n->pacc && !n->pci_failed) {
                n->pacc = pci_alloc();
                if (!n->pacc) {
                        n->pci_failed = true;
                        return;
                }
                n->pacc->warning = pci_quiet;
                n->pacc->debug = pci_quiet;
                /* names only: no access method is initialised, nothing is scanned */
        }
        if (!n->pacc)
                return;
        if (pci_lookup_name(n->pacc, buf, sizeof(buf), PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS,
                            d->vendor))
                d->vendor_name = strdup(buf);
        if (d->device >= 0 &&
            pci_lookup_name(n->pacc, buf, sizeof(buf), PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS,
                            d->vendor, d->device))
                d->device_name = strdup(buf);
}

static void usb_names(struct hd_names *n, struct hd_dev *d)
{
        struct udev_list_entry *e;
        char modalias[32];

        if (d->usb_vendor < 0)
                return;
        if (!n->hwdb && !n->hwdb_failed) {
                n->udev = udev_new();
                n->hwdb = n->udev ? udev_hwdb_new(n->udev) : NULL;
                n->hwdb_failed = !n->hwdb;
        }
        if (!n->hwdb)
                return;
        snprintf(modalias, sizeof(modalias), "usb:v%04Xp%04X", d->usb_vendor,
                 d->usb_product < 0 ? 0 : d->usb_product);
        udev_list_entry_foreach(e, udev_hwdb_get_properties_list_entry(n->hwdb, modalias, 0)) {
                const char *k = udev_list_entry_get_name(e), *v = udev_list_entry_get_value(e);
                if (streq(k, "ID_VENDOR_FROM_DATABASE") && !d->hwdb_vendor)
                        d->hwdb_vendor = strdup(v);
                else if (streq(k, "ID_MODEL_FROM_DATABASE") && !d->hwdb_product)
                        d->hwdb_product = strdup(v);
        }
}

struct hd_names **hd__ctx_names_slot(struct hd_ctx *ctx);

void hd__names_fill(struct hd_ctx *ctx, struct hd_dev *d)
{
        struct hd_names **slot;

        if (!hd__ctx_names(ctx))
                return;
        if ((d->type == HD_DEV_PCI && d->names_done) ||
            (d->type == HD_DEV_USB_DEVICE && d->hwdb_done))
                return;
        slot = hd__ctx_names_slot(ctx);
        if (!*slot)
                *slot = calloc(1, sizeof(**slot));
        if (!*slot)
                return;
        if (d->type == HD_DEV_PCI) {
                pci_names(*slot, d);
                d->names_done = true;
        } else if (d->type == HD_DEV_USB_DEVICE) {
                usb_names(*slot, d);
                d->hwdb_done = true;
        }
}
