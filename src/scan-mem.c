/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scan memory: every device, the strings read while scanning and those its
 * getters fill in later (names, detail) live in chunks freed with the scan:
 * contiguous, without a malloc header each, and nothing to free per device.
 * Devices are listed in the order they are added and found by their sysfs
 * path with a hash.  Below the scanners and the tree; reads nothing.
 */
#define _GNU_SOURCE
#include <stdint.h>

#include "scan-mem.h"

#define CHUNK_SIZE (256 * 1024)
#define CHUNK_ALIGN 16
#define FIRST_SLOTS 1024        /* hash slots, a power of two */
#define FIRST_DEVS 256

struct hd__chunk {
        struct hd__chunk *next;
        size_t used, size;
        _Alignas(CHUNK_ALIGN) unsigned char data[];
};

/* A slot keeps the hash beside the device: probing and growing compare
 * and move hashes without touching the devices (a cache miss each). */
struct hd__slot {
        uint64_t hash;
        struct hd_dev *dev;
};

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL
#define HASH_TAIL 48

/* FNV-1a over the last 48 bytes and the length: sysfs paths differ near
 * their end, so hashing the shared prefix again for every device is waste;
 * equal hashes are settled by memcmp. */
static uint64_t hash_str(const char *s, size_t len)
{
        uint64_t h = FNV_OFFSET ^ len;
        size_t start = len > HASH_TAIL ? len - HASH_TAIL : 0;
        for (size_t i = start; i < len; i++) {
                h ^= (unsigned char)s[i];
                h *= FNV_PRIME;
        }
        return h;
}

static bool slot_is(const struct hd__slot *slot, uint64_t h, const char *path, size_t len)
{
        return slot->hash == h && slot->dev->path_len == len &&
               memcmp(slot->dev->path, path, len) == 0;
}

/* The slot holding PATH (LEN bytes), or the empty one where it would go */
static struct hd__slot *slot_find(const struct hd__scan *s, const char *path, size_t len,
                                 uint64_t h)
{
        size_t mask = s->n_slots - 1, i;

        for (i = h & mask; s->slots[i].dev; i = (i + 1) & mask)
                if (slot_is(&s->slots[i], h, path, len))
                        break;
        return &s->slots[i];
}

struct hd_dev *hd__scan_lookup_len(const struct hd__scan *s, const char *path, size_t len)
{
        if (!s->n_slots)
                return NULL;
        return slot_find(s, path, len, hash_str(path, len))->dev;
}

struct hd_dev *hd__scan_lookup(const struct hd__scan *s, const char *path)
{
        return hd__scan_lookup_len(s, path, strlen(path));
}

static int hash_grow(struct hd__scan *s)
{
        size_t nn = s->n_slots ? s->n_slots * 2 : FIRST_SLOTS, i;
        struct hd__slot *ns = calloc(nn, sizeof(*ns));

        if (!ns)
                return -ENOMEM;
        for (size_t k = 0; k < s->n_slots; k++) {
                if (!s->slots[k].dev)
                        continue;
                for (i = s->slots[k].hash & (nn - 1); ns[i].dev; i = (i + 1) & (nn - 1))
                        ;
                ns[i] = s->slots[k];
        }
        free(s->slots);
        s->slots = ns;
        s->n_slots = nn;
        return 0;
}

static int hash_put(struct hd__scan *s, struct hd_dev *d)
{
        struct hd__slot *slot;
        uint64_t h;

        /* at most 3/4 full: the hash beside each pointer keeps probes cheap */
        if ((s->n + 1) * 4 > s->n_slots * 3 && hash_grow(s) < 0)
                return -ENOMEM;
        h = hash_str(d->path, d->path_len);
        slot = slot_find(s, d->path, d->path_len, h);
        if (slot->dev)
                return -EEXIST;
        slot->hash = h;
        slot->dev = d;
        return 0;
}

struct hd__scan *hd__scan_new(void)
{
        return calloc(1, sizeof(struct hd__scan));
}

/* N zeroed bytes from the scan's chunks, 16-byte aligned */
void *hd__scan_alloc(struct hd__scan *s, size_t n)
{
        struct hd__chunk *c = s->chunks;
        void *p;

        n = (n + CHUNK_ALIGN - 1) & ~(size_t)(CHUNK_ALIGN - 1);
        if (!c || c->size - c->used < n) {
                size_t size = n > CHUNK_SIZE / 4 ? n : CHUNK_SIZE;
                c = malloc(sizeof(*c) + size);
                if (!c)
                        return NULL;
                c->next = s->chunks;
                c->used = 0;
                c->size = size;
                s->chunks = c;
        }
        p = c->data + c->used;
        c->used += n;
        return memset(p, 0, n);
}

char *hd__scan_strdup(struct hd__scan *s, const char *str)
{
        size_t n;
        char *p;

        if (!str)
                return NULL;
        n = strlen(str) + 1;
        p = hd__scan_alloc(s, n);
        return p ? memcpy(p, str, n) : NULL;
}

/* Every number "unknown" (-1): the common ones, and those of the union
 * member of D's type only (writing another member would clobber it) */
static void dev_unknown(struct hd_dev *d)
{
        d->vendor = d->device = -1;
        d->pci_class = -1;
        d->iommu_group = -1;
        d->busnum = d->devnum = -1;
        d->usb_vendor = d->usb_product = -1;
        d->usb_class = -1;
        d->scsi_host = d->scsi_channel = d->scsi_target = d->scsi_lun = -1;
        switch (d->type) {
        case HD_DEV_PCI:
                d->subvendor = d->subdevice = -1;
                d->numa_node = -1;
                d->boot_vga = -1;
                break;
        case HD_DEV_USB_DEVICE:
        case HD_DEV_USB_INTERFACE:
                d->usb_subclass = d->usb_protocol = -1;
                d->usb_ifnum = -1;
                break;
        case HD_DEV_SCSI_HOST:
        case HD_DEV_SCSI_TARGET:
        case HD_DEV_SCSI:
                d->scsi_type = -1;
                break;
        case HD_DEV_MDEV:
                d->mdev_group = -1;
                break;
        case HD_DEV_NET:
        case HD_DEV_BLOCK:
                d->size_bytes = -1;
                break;
        case HD_DEV_SYSTEM:
        case HD_DEV_SCSI_GENERIC:
        case _HD_DEV_TYPE_MAX:
                break;
        }
}

struct hd_dev *hd__dev_new(struct hd__scan *s, enum hd_dev_type type, const char *path)
{
        size_t plen = path ? strlen(path) : 0, dlen = path ? hd__sysfs_display_size(plen) : 0;
        struct hd_dev *d = hd__scan_alloc(s, sizeof(*d) + dlen);
        const char *slash;

        if (!d)
                return NULL;
        d->type = type;
        if (path) {
                char *disp = (char *)(d + 1);
                if (!hd__sysfs_display(path, disp, dlen))
                        return NULL;
                d->display = disp;
                d->path_len = plen;
                d->path = d->display + (dlen - 1 - plen);
                slash = strrchr(d->path, '/');
                d->sysname = slash ? slash + 1 : d->path;
        }
        dev_unknown(d);
        return d;
}

struct hd__scan *hd__scan_free(struct hd__scan *s)
{
        if (!s)
                return NULL;
        free(s->devs);
        free(s->slots);
        while (s->chunks) {
                struct hd__chunk *c = s->chunks;
                s->chunks = c->next;
                free(c);
        }
        free(s);
        return NULL;
}

int hd__scan_add(struct hd__scan *s, struct hd_dev *d)
{
        int r;

        if (!d->name)
                return -EINVAL;
        r = hash_put(s, d);
        if (r < 0)
                return r;
        if (hd__grow(&s->devs, s->n, &s->cap, sizeof(*s->devs), FIRST_DEVS) < 0)
                return -ENOMEM;
        s->devs[s->n++] = d;
        return 0;
}

int hd__scan_merge(struct hd_ctx *ctx, struct hd__scan *s, struct hd__scan *from)
{
        struct hd__chunk **tail = &s->chunks;
        int r = 0;

        for (size_t i = 0; i < from->n && r >= 0; i++) {
                struct hd_dev *d = from->devs[i];
                r = hd__scan_add(s, d);
                if (r == -EEXIST) {
                        WARN(ctx, "%s: listed twice", d->path);
                        r = 0;
                }
        }
        while (*tail)
                tail = &(*tail)->next;
        *tail = from->chunks;
        from->chunks = NULL;
        from->n = 0;
        hd__scan_free(from);
        return r;
}
