/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lookups people type: devices named as they see them (hd_ctx_find_device:
 * a name, a PCI address, an mdev, /dev/sg1, sdb, enp2s0, 001:003,
 * /dev/bus/usb/001/003, 6:0:0:0, /dev/vfio/12, searched in the scan), class
 * names (libpci for PCI, the USB-IF base classes for USB), lspci's
 * -d [VENDOR]:[DEVICE][:CLASS] filter and a few named classes (gpu, nic, ...).
 * Only strings are parsed here: nothing is read from the host.
 */
#define _GNU_SOURCE
#include <linux/usb/ch9.h>

#include "hostdev-internal.h"
#include "pciaddr.h"
#include "scan-mem.h"

/* ---------------------------------------------------------------- names */

/* Decimal number filling all of S (no sign, at most 9 digits); -1 otherwise. */
static int dec_all(const char *s, size_t len)
{
        int v = 0;

        if (len == 0 || len > 9)
                return -1;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                v = v * 10 + (s[i] - '0');
        }
        return v;
}

/* Split S at SEP into up to N decimal numbers; returns the count, or -1 when
 * a part is not a decimal number or there are more than N. */
static int dec_parts(const char *s, char sep, int *out, int n)
{
        int k = 0;

        for (;;) {
                const char *e = strchr(s, sep);
                size_t len = e ? (size_t)(e - s) : strlen(s);
                if (k == n || (out[k] = dec_all(s, len)) < 0)
                        return -1;
                k++;
                if (!e)
                        return k;
                s = e + 1;
        }
}

static struct hd_dev *find_usb_busdev(const struct hd_ctx *ctx, int bus, int dev)
{
        for (size_t i = 0; i < hd_ctx_get_n_devices(ctx); i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                if (d->type == HD_DEV_USB_DEVICE && d->busnum == bus && d->devnum == dev)
                        return d;
        }
        return NULL;
}

static struct hd_dev *find_scsi(const struct hd_ctx *ctx, const int *hctl, int n)
{
        enum hd_dev_type want = n == 4 ? HD_DEV_SCSI : HD_DEV_SCSI_TARGET;

        for (size_t i = 0; i < hd_ctx_get_n_devices(ctx); i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                if (d->type == want && d->scsi_host == hctl[0] && d->scsi_channel == hctl[1] &&
                    d->scsi_target == hctl[2] && (n == 3 || d->scsi_lun == hctl[3]))
                        return d;
        }
        return NULL;
}

/* Every device whose kernel name is NAME: sg1, sdb, sdb1, nvme0n1, enp2s0,
 * host6, target6:0:0 (PCI by address and USB by sysname are found before). */
static struct hd_dev *find_sysname(const struct hd_ctx *ctx, const char *name)
{
        for (size_t i = 0; i < hd_ctx_get_n_devices(ctx); i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                if (d->type != HD_DEV_SYSTEM && d->type != HD_DEV_PCI && d->sysname &&
                    streq(d->sysname, name))
                        return d;
        }
        return NULL;
}

/* /dev/nvmeN, the controller: the PCI function above its namespaces nvmeNn* */
static struct hd_dev *find_nvme_ctrl(const struct hd_ctx *ctx, const char *name)
{
        size_t len = strlen(name);

        for (size_t i = 0; i < hd_ctx_get_n_devices(ctx); i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                if (d->type != HD_DEV_BLOCK || !d->sysname || strncmp(d->sysname, name, len) != 0 ||
                    d->sysname[len] != 'n')
                        continue;
                while (d && d->type != HD_DEV_PCI)
                        d = d->parent;
                if (d)
                        return d;
        }
        return NULL;
}

/* /dev/vfio/N: the group's first endpoint (a bridge only when it has none) */
static struct hd_dev *find_group(const struct hd_ctx *ctx, int id)
{
        const struct hd__group *g = hd__ctx_group(ctx, id);

        if (!g || !g->n)
                return NULL;
        for (size_t i = 0; i < g->n; i++)
                if (!hd_dev_is_pci_bridge(g->devs[i]))
                        return g->devs[i];
        return g->devs[0];
}

static struct hd_dev *find_dev_node(const struct hd_ctx *ctx, const char *node)
{
        int v[3];

        if (startswith(node, "bus/usb/"))
                return dec_parts(node + 8, '/', v, 2) == 2 ? find_usb_busdev(ctx, v[0], v[1]) : NULL;
        if (startswith(node, "vfio/"))
                return dec_parts(node + 5, '/', v, 1) == 1 ? find_group(ctx, v[0]) : NULL;
        if (startswith(node, "nvme") && dec_all(node + 4, strlen(node + 4)) >= 0)
                return find_nvme_ctrl(ctx, node);
        if (strchr(node, '/'))
                return NULL;
        return find_sysname(ctx, node);
}

struct hd_dev *hd__find_user_name(const struct hd_ctx *ctx, const char *name)
{
        int v[4], n;

        if (startswith(name, "/dev/"))
                return find_dev_node(ctx, name + 5);
        n = dec_parts(name, ':', v, 4);
        if (n == 2)
                return find_usb_busdev(ctx, v[0], v[1]);
        if (n == 3 || n == 4)
                return find_scsi(ctx, v, n);
        return find_sysname(ctx, name);
}

HD_EXPORT struct hd_dev *hd_ctx_find_device(const struct hd_ctx *ctx, const char *name)
{
        const struct hd__scan *s = hd__ctx_scan(ctx);
        char addr[HD_PCIADDR_MAX];
        struct hd_pciaddr pa;
        bool is_addr;

        if (!s || !name || !*name) {
                errno = ENODEV;
                return NULL;
        }
        is_addr = hd__pciaddr_parse_loose(name, &pa) && hd__pciaddr_format(&pa, addr);
        for (size_t i = 0; i < s->n; i++) {
                struct hd_dev *d = s->devs[i];
                if (streq(d->name, name))
                        return d;
                if (is_addr && d->type == HD_DEV_PCI && streq(d->address, addr))
                        return d;
                if (d->sysname && streq(d->sysname, name) &&
                    (d->type == HD_DEV_USB_DEVICE || d->type == HD_DEV_USB_INTERFACE ||
                     d->type == HD_DEV_SCSI_GENERIC))
                        return d;
        }
        {
                struct hd_dev *m = hd__mdev_find(s->devs, s->n, name);
                if (m)
                        return m;
                m = hd__find_user_name(ctx, name);
                if (m)
                        return m;
        }
        errno = ENODEV;
        return NULL;
}

/* ---------------------------------------------------------------- classes */

#define USB_CLASS_DIAGNOSTIC 0xdc         /* the USB-IF's; <linux/usb/ch9.h> lacks it */

/* The USB-IF base class names, as lsusb prints them */
static const char *const usb_classes[256] = {
        [USB_CLASS_AUDIO] = "Audio",
        [USB_CLASS_COMM] = "Communications",
        [USB_CLASS_HID] = "Human Interface Device",
        [USB_CLASS_PHYSICAL] = "Physical Interface Device",
        [USB_CLASS_STILL_IMAGE] = "Imaging",
        [USB_CLASS_PRINTER] = "Printer",
        [USB_CLASS_MASS_STORAGE] = "Mass Storage",
        [USB_CLASS_HUB] = "Hub",
        [USB_CLASS_CDC_DATA] = "CDC Data",
        [USB_CLASS_CSCID] = "Chip/SmartCard",
        [USB_CLASS_CONTENT_SEC] = "Content Security",
        [USB_CLASS_VIDEO] = "Video",
        [USB_CLASS_PERSONAL_HEALTHCARE] = "Personal Healthcare",
        [USB_CLASS_AUDIO_VIDEO] = "Audio/Video",
        [USB_CLASS_BILLBOARD] = "Billboard",
        [USB_CLASS_USB_TYPE_C_BRIDGE] = "Type-C Bridge",
        [USB_CLASS_DIAGNOSTIC] = "Diagnostic",
        [USB_CLASS_WIRELESS_CONTROLLER] = "Wireless",
        [USB_CLASS_MISC] = "Miscellaneous Device",
        [USB_CLASS_APP_SPEC] = "Application Specific Interface",
        [USB_CLASS_VENDOR_SPEC] = "Vendor Specific Class",
};

/* A USB device whose class is 0 gives the class of its first interface. */
static int usb_class_of(const struct hd_dev *d)
{
        if (d->type == HD_DEV_USB_DEVICE && d->usb_class == 0)
                for (struct hd_dev *c = d->first_child; c; c = c->next_sibling)
                        if (c->type == HD_DEV_USB_INTERFACE)
                                return c->usb_class;
        return d->usb_class;
}

HD_EXPORT const char *hd_dev_get_class_name(const struct hd_dev *d)
{
        int c;

        if (!d || !hd__ctx_names(d->ctx))
                return NULL;
        switch (d->type) {
        case HD_DEV_PCI:
                return d->pci_class < 0 ? NULL
                                        : hd__names_pci_class(d->ctx, (unsigned)(d->pci_class >> 8));
        case HD_DEV_USB_DEVICE:
        case HD_DEV_USB_INTERFACE:
                c = usb_class_of(d);
                return c >= 0 && (size_t)c < ELEMENTSOF(usb_classes) ? usb_classes[c] : NULL;
        default:
                return NULL;
        }
}

/* Hex of 1..MAXLEN digits filling [S, S+LEN), or "" / "*" for any (-1). */
static int hex_part(const char *s, size_t len, size_t maxlen, long *out)
{
        char *end;

        if (len == 0 || (len == 1 && *s == '*')) {
                *out = -1;
                return 0;
        }
        if (len > maxlen || !isxdigit((unsigned char)*s))
                return -EINVAL;
        *out = strtol(s, &end, 16);
        return end == s + len ? 0 : -EINVAL;
}

/* A class code of 2 (base), 4 (base and subclass) or 6 (and prog-if)
 * digits, as CODE and a mask over 0xCCSSPP. */
struct class_match {
        long code, mask;
};

static bool class_hits(long cls, const struct class_match *m)
{
        return m->mask == 0 || (cls >= 0 && (cls & m->mask) == m->code);
}

/* A USB device or interface of class CC (2 digits only: USB has no subclass
 * numbering shared with PCI); for a device, its own or an interface's. */
static bool usb_class_hits(const struct hd_dev *d, int cls)
{
        if (d->usb_class == cls)
                return true;
        if (d->type == HD_DEV_USB_DEVICE)
                for (struct hd_dev *c = d->first_child; c; c = c->next_sibling)
                        if (c->type == HD_DEV_USB_INTERFACE && c->usb_class == cls)
                                return true;
        return false;
}

static int parse_id_spec(const char *spec, long *vendor, long *device, struct class_match *m)
{
        const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        const char *cls = c2 ? c2 + 1 : "";
        size_t clen = strlen(cls);
        long code;

        if (!c1 || strchr(cls, ':') || hex_part(spec, (size_t)(c1 - spec), 4, vendor) < 0 ||
            hex_part(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1), 4, device) < 0 ||
            (clen != 0 && clen != 2 && clen != 4 && clen != 6) || hex_part(cls, clen, 6, &code) < 0)
                return -EINVAL;
        m->mask = clen == 0 ? 0 : 0xffffffL >> (4 * (6 - clen)) << (4 * (6 - clen));
        m->code = clen == 0 ? 0 : code << (4 * (6 - clen));
        return 0;
}

HD_EXPORT int hd_dev_match_id(const struct hd_dev *d, const char *spec)
{
        struct class_match m;
        long vendor, device;

        if (!spec || parse_id_spec(spec, &vendor, &device, &m) < 0)
                return -EINVAL;
        if (!d)
                return 0;
        switch (d->type) {
        case HD_DEV_PCI:
                return (vendor < 0 || vendor == d->vendor) && (device < 0 || device == d->device) &&
                       class_hits(d->pci_class, &m);
        case HD_DEV_USB_DEVICE:         /* lsusb -d: vendor:product; class codes are PCI's */
                return (vendor < 0 || vendor == d->usb_vendor) &&
                       (device < 0 || device == d->usb_product) && m.mask == 0;
        default:
                return 0;
        }
}

/* Named classes: which bus, and the class code (PCI: 2, 4 or 6 hex digits
 * as -d; USB: the base class of the device or one of its interfaces). */
static const struct {
        const char *name;
        enum hd_dev_type type;
        const char *spec;
        int usb_class;
} named_classes[] = {
        { "gpu", HD_DEV_PCI, "::03", 0 },                       /* display controllers */
        { "nic", HD_DEV_PCI, "::02", 0 },                       /* network controllers */
        { "nvme", HD_DEV_PCI, "::010802", 0 },                  /* NVM Express */
        { "usb", HD_DEV_PCI, "::0c03", 0 },                     /* USB host controllers */
        { "audio", HD_DEV_PCI, "::0401", 0 },                   /* multimedia audio */
        { "audio", HD_DEV_PCI, "::0403", 0 },                   /* HD audio */
        { "audio", HD_DEV_USB_DEVICE, NULL, USB_CLASS_AUDIO },
        { "storage", HD_DEV_PCI, "::01", 0 },                   /* mass storage controllers */
        { "storage", HD_DEV_USB_DEVICE, NULL, USB_CLASS_MASS_STORAGE },
};

HD_EXPORT const char *hd_class_name_at(size_t i)
{
        size_t k = 0;

        for (size_t j = 0; j < ELEMENTSOF(named_classes); j++) {
                if (j > 0 && streq(named_classes[j].name, named_classes[j - 1].name))
                        continue;
                if (k++ == i)
                        return named_classes[j].name;
        }
        return NULL;
}

HD_EXPORT int hd_dev_match_class(const struct hd_dev *d, const char *name)
{
        bool known = false;

        for (size_t j = 0; name && j < ELEMENTSOF(named_classes); j++) {
                if (!streq(named_classes[j].name, name))
                        continue;
                known = true;
                if (!d || d->type != named_classes[j].type)
                        continue;
                if (named_classes[j].spec ? hd_dev_match_id(d, named_classes[j].spec) > 0
                                          : usb_class_hits(d, named_classes[j].usb_class))
                        return 1;
        }
        return known ? 0 : -EINVAL;
}
