/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * USB devices and interfaces from sysfs (bus/usb/devices): ids, bus and
 * device numbers and classes from one uevent read, strings from their own
 * attributes (attacker-controlled: kept raw here, escaped by every output).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/usb/ch9.h>      /* USB_CLASS_HUB */

#include "hostdev-internal.h"

#define USB_CODE_MASK 0xff      /* a class, subclass or protocol code */

/* V when it fits the field (0..INT16_MAX), else -1 (unknown): numbers from
 * a hostile tree must not wrap into plausible ones */
static int16_t small(long v)
{
        return v >= 0 && v <= INT16_MAX ? (int16_t)v : -1;
}

/* uevent KEY's "CLASS/SUBCLASS/PROTOCOL" (decimal: TYPE= of a device,
 * INTERFACE= of an interface) into D; false when absent or odd */
static bool class_from_uevent(struct hd_dev *d, const char *ue, const char *key)
{
        char v[64];
        int t[3];

        if (!ue || !hd__uevent_get(ue, key, v, sizeof(v)) || hd__parse_dec_list(v, '/', t, 3) != 3)
                return false;
        d->usb_class = (int16_t)(t[0] & USB_CODE_MASK);
        d->usb_subclass = (int16_t)(t[1] & USB_CODE_MASK);
        d->usb_protocol = (int16_t)(t[2] & USB_CODE_MASK);
        return true;
}

static void device_from_uevent(struct hd_dev *d, const char *ue)
{
        char v[64];

        hd__uevent_ids(ue, "PRODUCT", '/', 3, &d->usb_vendor, &d->usb_product);
        class_from_uevent(d, ue, "TYPE");
        if (hd__uevent_get(ue, "BUSNUM", v, sizeof(v)))
                d->busnum = small(strtol(v, NULL, 10));
        if (hd__uevent_get(ue, "DEVNUM", v, sizeof(v)))
                d->devnum = small(strtol(v, NULL, 10));
}

static void device_from_attrs(struct hd_ctx *ctx, struct hd_dev *d)
{
        d->usb_vendor = hd__dev_int_unless(ctx, d, d->usb_vendor, "idVendor", 16);
        d->usb_product = hd__dev_int_unless(ctx, d, d->usb_product, "idProduct", 16);
        d->usb_class = small(hd__dev_int_unless(ctx, d, d->usb_class, "bDeviceClass", 16));
        d->busnum = small(hd__dev_int_unless(ctx, d, d->busnum, "busnum", 10));
        d->devnum = small(hd__dev_int_unless(ctx, d, d->devnum, "devnum", 10));
}

static void interface_read(struct hd_ctx *ctx, struct hd_dev *d, const char *ue)
{
        const char *colon = strchr(d->sysname, ':');

        if (!class_from_uevent(d, ue, "INTERFACE")) {
                d->usb_class = small(hd__dev_int(ctx, d, "bInterfaceClass", 16, -1));
                d->usb_subclass = small(hd__dev_int(ctx, d, "bInterfaceSubClass", 16, -1));
                d->usb_protocol = small(hd__dev_int(ctx, d, "bInterfaceProtocol", 16, -1));
        }
        /* "1-5.4:1.0": configuration 1, interface 0 */
        if (colon && strchr(colon, '.'))
                d->usb_ifnum = small(strtol(strchr(colon, '.') + 1, NULL, 10));
        else
                d->usb_ifnum = small(hd__dev_int(ctx, d, "bInterfaceNumber", 16, -1));
}

/* Every attribute is read by full path: opening a device's directory
 * costs about as much as the read it would save a path walk for. */
static int add_usb(struct hd_ctx *ctx, void *data, const char *name, const char *path)
{
        struct hd__scan *s = data;
        bool iface = strchr(name, ':') != NULL;
        struct hd_dev *d = hd__dev_new(s, iface ? HD_DEV_USB_INTERFACE : HD_DEV_USB_DEVICE, path);
        char ue[HD_ATTR_MAX];
        bool have_ue;
        int r;

        if (!d)
                return -ENOMEM;
        d->name = hd__make_name(s, "usb_", d->sysname);
        if (!d->name)
                return -ENOMEM;
        r = hd__dev_read(ctx, d, "uevent", ue, sizeof(ue));
        have_ue = r >= 0;
        if (hd__dev_gone(ctx, d, r))
                return 0;
        d->driver = hd__dev_driver_scan(s, ctx, d, have_ue ? ue : NULL);
        if (iface) {
                interface_read(ctx, d, have_ue ? ue : NULL);
        } else {
                if (have_ue)
                        device_from_uevent(d, ue);
                device_from_attrs(ctx, d);
                d->manufacturer = hd__attr_scan(s, ctx, d, "manufacturer");
                d->product = hd__attr_scan(s, ctx, d, "product");
                d->serial = hd__attr_scan(s, ctx, d, "serial");
        }
        return hd__scan_add_dev(ctx, s, d);
}

/* What `list` leaves out: a device's speed */
void hd__usb_load_detail(struct hd_dev *d)
{
        if (!d || d->type != HD_DEV_USB_DEVICE || d->detail_done || !d->ctx)
                return;
        d->detail_done = true;
        d->speed = hd__attr_detail(d, "speed");
}

int hd__scan_usb(struct hd_ctx *ctx, struct hd__scan *s)
{
        return hd__foreach_sys_link(ctx, "bus/usb/devices", add_usb, s);
}

HD_EXPORT int hd_dev_get_usb_busdev(const struct hd_dev *d, int *busnum, int *devnum)
{
        if (!d)
                return -EINVAL;
        if (d->type != HD_DEV_USB_DEVICE || d->busnum < 0 || d->devnum < 0)
                return -ENODATA;
        if (busnum)
                *busnum = d->busnum;
        if (devnum)
                *devnum = d->devnum;
        return 0;
}

HD_EXPORT int hd_dev_get_usb_ids(const struct hd_dev *d, uint16_t *vendor, uint16_t *product)
{
        if (!d)
                return -EINVAL;
        return hd__get_id_pair(d->type == HD_DEV_USB_DEVICE, d->usb_vendor, d->usb_product, vendor,
                               product);
}

HD_EXPORT bool hd_dev_is_usb_hub(const struct hd_dev *d)
{
        return d && d->type == HD_DEV_USB_DEVICE && d->usb_class == USB_CLASS_HUB;
}

HD_EXPORT bool hd_dev_is_usb_root_hub(const struct hd_dev *d)
{
        return d && d->type == HD_DEV_USB_DEVICE && startswith(d->sysname, "usb");
}

int hd__scan_usb_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path)
{
        return add_usb(ctx, s, name, path);
}
