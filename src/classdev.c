/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Class devices that hang below other devices as leaves: sg nodes
 * (class/scsi_generic), network interfaces (class/net) and block devices
 * (class/block).  Each is its class directory's entry, read lazily: the
 * scan reads only what names it, the rest is detail.
 */
#define _GNU_SOURCE
#include <limits.h>

#include "hostdev-internal.h"

/* class/block's `size` counts 512-byte sectors, whatever the device's own */
#define SYSFS_SECTOR_SIZE 512
/* sectors of a size that stays exact in a double (JSON) once in bytes */
#define SECTORS_MAX (1LL << 53)

/* A device of a class directory (sg, net, block): the node's own directory.
 * The list reads nothing of an sg node or a block device, and of a net
 * device only its address (for the libvirt-style name); the rest is detail,
 * read when `show`, the table or the judge asks (hd__class_load_detail). */
static struct hd_dev *class_dev(struct hd__scan *s, enum hd_dev_type type, const char *prefix,
                                const char *path)
{
        struct hd_dev *d = hd__dev_new(s, type, path);

        if (!d) {
                errno = ENOMEM;
                return NULL;
        }
        d->name = hd__make_name(s, prefix, d->sysname);
        if (!d->name) {
                errno = ENOMEM;
                return NULL;
        }
        return d;
}

static int add_sg(struct hd_ctx *ctx, void *data, const char *name, const char *path)
{
        struct hd_dev *d = class_dev(data, HD_DEV_SCSI_GENERIC, "scsi_generic_", path);

        if (!d)
                return errno == ENOMEM ? -ENOMEM : 0;
        if (hd__dev_gone(ctx, d, -ENOENT))
                return 0;
        return hd__scan_add_dev(ctx, data, d);
}

static int add_net(struct hd_ctx *ctx, void *data, const char *name, const char *path)
{
        struct hd__scan *s = data;
        struct hd_dev *d;
        char mac[HD_ATTR_MAX], full[NAME_MAX + HD_ATTR_MAX + 2], *o;
        int r;

        if (startswith(path, "devices/virtual/"))
                return 0;
        d = class_dev(s, HD_DEV_NET, "net_", path);
        if (!d)
                return errno == ENOMEM ? -ENOMEM : 0;
        r = hd__dev_read(ctx, d, "address", mac, sizeof(mac));
        if (hd__dev_gone(ctx, d, r))
                return 0;
        if (r < 0 && r != -ENOENT)
                WARN(ctx, "%s/address: unreadable: %s", d->path, strerror(-r));
        /* libvirt's name: net_IFACE_MAC, every odd character '_' */
        if (r >= 0 && strlen(d->sysname) <= NAME_MAX) {
                if (!(d->mac = hd__scan_strdup(s, mac)))
                        return -ENOMEM;
                o = hd__put_str(full, d->sysname);
                *o++ = '_';
                hd__put_str(o, d->mac);
                if (!(d->name = hd__make_name(s, "net_", full)))
                        return -ENOMEM;
        }
        return hd__scan_add_dev(ctx, data, d);
}

static int add_block(struct hd_ctx *ctx, void *data, const char *name, const char *path)
{
        struct hd_dev *d;

        if (startswith(path, "devices/virtual/"))
                return 0;
        d = class_dev(data, HD_DEV_BLOCK, "block_", path);
        if (!d)
                return errno == ENOMEM ? -ENOMEM : 0;
        if (hd__dev_gone(ctx, d, -ENOENT))
                return 0;
        return hd__scan_add_dev(ctx, data, d);
}

void hd__class_load_detail(struct hd_dev *d)
{
        char buf[64], *end;
        long long sectors;

        if (!d || d->detail_done || !d->ctx ||
            (d->type != HD_DEV_NET && d->type != HD_DEV_BLOCK && d->type != HD_DEV_SCSI_GENERIC))
                return;
        d->detail_done = true;
        switch (d->type) {
        case HD_DEV_NET:
                d->operstate = hd__attr_detail(d, "operstate");
                break;
        case HD_DEV_BLOCK:
                if (hd__dev_read(d->ctx, d, "size", buf, sizeof(buf)) > 0) {
                        sectors = strtoll(buf, &end, 10);
                        if (!*end && sectors >= 0 && sectors < SECTORS_MAX)
                                d->size_bytes = sectors * SYSFS_SECTOR_SIZE;
                }
                /* a block device's number too, for the mount check */
                __attribute__((fallthrough));
        case HD_DEV_SCSI_GENERIC:
                d->devnode_dev = hd__attr_detail(d, "dev");
                break;
        default:
                break;
        }
}

/* class/scsi_generic: the SCSI scan calls it after the LUNs it belongs to */
int hd__scan_sg(struct hd_ctx *ctx, struct hd__scan *s)
{
        return hd__foreach_sys_link(ctx, "class/scsi_generic", add_sg, s);
}

/* net and block leaves: they look nothing up, so they may be scanned apart */
int hd__scan_class(struct hd_ctx *ctx, struct hd__scan *s)
{
        int r = hd__foreach_sys_link(ctx, "class/net", add_net, s);
        if (r >= 0)
                r = hd__foreach_sys_link(ctx, "class/block", add_block, s);
        return r;
}

int hd__scan_sg_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path)
{
        return add_sg(ctx, s, name, path);
}

int hd__scan_net_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path)
{
        return add_net(ctx, s, name, path);
}

int hd__scan_block_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path)
{
        return add_block(ctx, s, name, path);
}
