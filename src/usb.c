/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * USB devices and interfaces from sysfs (bus/usb/devices): ids, bus and
 * device numbers and classes from one uevent read, strings from their own
 * attributes (attacker-controlled: kept raw here, escaped by every output).
 */
#define _GNU_SOURCE
#include <limits.h>

#include "hostdev-internal.h"

/* V when it fits the field (0..INT16_MAX), else -1 (unknown): numbers from
 * a hostile tree must not wrap into plausible ones */
static int16_t small(long v)
{
        return v >= 0 && v <= INT16_MAX ? (int16_t)v : -1;
}

static void device_from_uevent(struct hd_dev *d, const char *ue)
{
        char v[64];
        unsigned x[3];
        int t[3];

        if (hd__uevent_get(ue, "PRODUCT", v, sizeof(v)) && hd__parse_hex_list(v, '/', x, 3) == 3) {
                d->usb_vendor = (int)(x[0] & 0xffff);
                d->usb_product = (int)(x[1] & 0xffff);
        }
        if (hd__uevent_get(ue, "TYPE", v, sizeof(v)) && hd__parse_dec_list(v, '/', t, 3) == 3) {
                d->usb_class = (int16_t)(t[0] & 0xff);
                d->usb_subclass = (int16_t)(t[1] & 0xff);
                d->usb_protocol = (int16_t)(t[2] & 0xff);
        }
        if (hd__uevent_get(ue, "BUSNUM", v, sizeof(v)))
                d->busnum = small(strtol(v, NULL, 10));
        if (hd__uevent_get(ue, "DEVNUM", v, sizeof(v)))
                d->devnum = small(strtol(v, NULL, 10));
}

static void device_from_attrs(struct hd_ctx *ctx, struct hd_dev *d)
{
        if (d->usb_vendor < 0)
                d->usb_vendor = hd__dev_int(ctx, d, "idVendor", 16, -1);
        if (d->usb_product < 0)
                d->usb_product = hd__dev_int(ctx, d, "idProduct", 16, -1);
        if (d->usb_class < 0)
                d->usb_class = small(hd__dev_int(ctx, d, "bDeviceClass", 16, -1));
        if (d->busnum < 0)
                d->busnum = small(hd__dev_int(ctx, d, "busnum", 10, -1));
        if (d->devnum < 0)
                d->devnum = small(hd__dev_int(ctx, d, "devnum", 10, -1));
}

static void interface_read(struct hd_ctx *ctx, struct hd_dev *d, const char *ue)
{
        char v[64];
        int t[3];
        const char *colon = strchr(d->sysname, ':');

        if (ue && hd__uevent_get(ue, "INTERFACE", v, sizeof(v)) &&
            hd__parse_dec_list(v, '/', t, 3) == 3) {
                d->usb_class = (int16_t)(t[0] & 0xff);
                d->usb_subclass = (int16_t)(t[1] & 0xff);
                d->usb_protocol = (int16_t)(t[2] & 0xff);
        } else {
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
        struct hd_scan *s = data;
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

int hd__scan_usb(struct hd_ctx *ctx, struct hd_scan *s)
{
        return hd__foreach_sys_link(ctx, "bus/usb/devices", add_usb, s);
}

HD_EXPORT int hd_dev_get_usb_busdev(const struct hd_dev *d, int *busnum, int *devnum)
{
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
        if (d->type != HD_DEV_USB_DEVICE || d->usb_vendor < 0 || d->usb_product < 0)
                return -ENODATA;
        if (vendor)
                *vendor = (uint16_t)d->usb_vendor;
        if (product)
                *product = (uint16_t)d->usb_product;
        return 0;
}

HD_EXPORT bool hd_dev_is_usb_hub(const struct hd_dev *d)
{
        return d->type == HD_DEV_USB_DEVICE && d->usb_class == 9;
}

HD_EXPORT bool hd_dev_is_usb_root_hub(const struct hd_dev *d)
{
        return d->type == HD_DEV_USB_DEVICE && startswith(d->sysname, "usb");
}

int hd__scan_usb_one(struct hd_ctx *ctx, struct hd_scan *s, const char *name, const char *path)
{
        return add_usb(ctx, s, name, path);
}
