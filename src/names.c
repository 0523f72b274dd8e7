/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Vendor and product names, looked up lazily and only when asked for:
 * libpci's pci.ids/hwdb for PCI, the udev hwdb for USB devices whose
 * string descriptors are absent.  Each database is opened once per context.
 * The libpci handle follows pcilib.h: a libpci error (a bad pci.ids, no
 * memory) is a warning through the context's log, and PCI names are off
 * for the rest of the context; the library never prints or exits.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pci/pci.h>
#include <libudev.h>
#include <sys/stat.h>

#include "hostdev-internal.h"
#include "pcilib.h"

#define NAME_LEN 256            /* a name from pci.ids, as lspci's buffers */
#define MAX_CLASSES 64          /* distinct PCI class names kept per context */
/* Fibonacci hashing: 2^64 divided by the golden ratio */
#define FIB_HASH 0x9e3779b97f4a7c15ULL
#define USB_ID_MASK 0xffff      /* idVendor, idProduct */

/* Names memoised by the ids that decide them: a big host has many devices
 * of few models (4,096 VFs of one NIC), and each lookup is costly (libpci
 * walks its hash of pci.ids and may ask the udev hwdb; an hwdb query walks
 * the trie and matches globs).  Open addressing, n_slots a power of two. */
struct id_name {
        uint64_t key;           /* the ids + 1: 0 is an empty slot */
        char *vendor, *product; /* NULL: unknown */
};
struct id_memo {
        struct id_name *slot;
        size_t n, n_slots;
};

struct hd__names {
        struct pci_access *pacc;
        struct udev *udev;
        struct udev_hwdb *hwdb;
        bool pci_failed, hwdb_failed;
        struct id_memo usb;     /* USB hwdb names by vendor:product */
        struct id_memo pci;     /* PCI vendor and device names by vendor:device */
        unsigned long pci_lookups;      /* pci_lookup_name() calls, for the tests */
        char *pci_ids;          /* pinned name list (hd_ctx_set_pci_ids), else NULL */
        bool no_usb_hwdb;       /* hd_ctx_set_usb_hwdb(false) */
        bool prefetch;          /* hd_ctx_set_names_prefetch(true) */
        struct { unsigned cls; char *name; } classes[MAX_CLASSES];      /* PCI class names asked for */
        size_t n_classes;
};

static void memo_free(struct id_memo *m)
{
        for (size_t i = 0; i < m->n_slots; i++) {
                free(m->slot[i].vendor);
                free(m->slot[i].product);
        }
        free(m->slot);
}

/* The memo slot of KEY: its entry, or the empty slot where it belongs */
static struct id_name *memo_slot(struct id_memo *m, uint64_t key)
{
        size_t mask = m->n_slots - 1, i = (size_t)((key * FIB_HASH) >> 32) & mask;

        while (m->slot[i].key && m->slot[i].key != key)
                i = (i + 1) & mask;
        return &m->slot[i];
}

static int memo_grow(struct id_memo *m)
{
        struct id_name *old = m->slot;
        size_t n_old = m->n_slots, nn = n_old ? n_old * 2 : 64;

        m->slot = calloc(nn, sizeof(*m->slot));
        if (!m->slot) {
                m->slot = old;
                return -ENOMEM;
        }
        m->n_slots = nn;
        for (size_t i = 0; i < n_old; i++)
                if (old[i].key)
                        *memo_slot(m, old[i].key) = old[i];
        free(old);
        return 0;
}

/* KEY's entry in M, made empty (both names NULL, *FRESH true) when new;
 * NULL without memory */
static struct id_name *memo_get(struct id_memo *m, uint64_t key, bool *fresh)
{
        struct id_name *e;

        if ((m->n + 1) * 2 > m->n_slots && memo_grow(m) < 0)
                return NULL;
        e = memo_slot(m, key);
        *fresh = !e->key;
        if (*fresh) {
                e->key = key;
                m->n++;
        }
        return e;
}

/* Two 16-bit ids as a memo key; a negative id (absent) is kept apart from
 * every real one */
static uint64_t ids_key(int a, int b)
{
        return ((uint64_t)(a < 0 ? 0x10000 : a & USB_ID_MASK) << 17 |
                (uint64_t)(b < 0 ? 0x10000 : b & USB_ID_MASK)) + 1;
}

struct hd__names *hd__names_free(struct hd__names *n)
{
        if (!n)
                return NULL;
        hd__pci_free(n->pacc);
        udev_hwdb_unref(n->hwdb);
        udev_unref(n->udev);
        memo_free(&n->usb);
        memo_free(&n->pci);
        free(n->pci_ids);       /* after pci_cleanup: libpci borrowed it */
        for (size_t i = 0; i < n->n_classes; i++)
                free(n->classes[i].name);
        free(n);
        return NULL;
}

/* libpci failed (a message from its guard): say so once, and PCI names
 * are off for the context */
static void pci_fail(struct hd_ctx *ctx, struct hd__names *n)
{
        WARN(ctx, "PCI names: libpci: %s; names off", hd__pci_guard_msg());
        n->pci_failed = true;
        hd__pci_free(n->pacc);
        n->pacc = NULL;
}

/* A pinned name list replaces libpci's pci.ids, and libpci's fallback to
 * the udev hwdb (built from the machine's own copy of pci.ids) is off */
static void pin_pci_ids(const struct hd__names *n, struct pci_access *pacc)
{
        if (!n->pci_ids)
                return;
        pci_set_name_list_path(pacc, n->pci_ids, 0);
        pacc->id_lookup_mode |= PCI_LOOKUP_NO_HWDB;     /* for every lookup */
        pci_set_param(pacc, "hwdb.disable", "1");       /* as lspci -O hwdb.disable=1 */
}

/* libpci's handle, opened for names only (no access method: nothing is
 * scanned) with the pinned list if any; inside a guard (libpci may die) */
static void pci_open(struct hd__names *n)
{
        if (!n->pacc) {
                n->pacc = hd__pci_alloc();
                pin_pci_ids(n, n->pacc);
        }
}

/* libpci's name of what FLAGS asks for (PCI_LOOKUP_VENDOR, _DEVICE or
 * _CLASS, with the one or two numbers A and B it takes) into BUF, inside a
 * guard; the handle is opened at the first lookup, for names only (no access
 * method: nothing is scanned).  Returns: 1 named, 0 unknown, or -EIO when
 * libpci failed: then a warning in CTX's log, the handle freed, and PCI
 * names off for the rest of the context. */
static int pci_lookup(struct hd_ctx *ctx, struct hd__names *n, char *buf, size_t size, int flags,
                      int a, int b)
{
        struct hd__pci_guard g;
        volatile int r = -EIO;

        if (n->pci_failed)
                return -EIO;
        hd__pci_guard_push(&g);
        if (setjmp(g.env) == 0) {
                pci_open(n);
                n->pci_lookups++;
                r = pci_lookup_name(n->pacc, buf, (int)size, flags | PCI_LOOKUP_NO_NUMBERS, a, b) != NULL;
        }
        hd__pci_guard_pop(&g);
        if (r < 0)
                pci_fail(ctx, n);
        return r;
}

/* libpci's name list read now, as its first lookup would (the handle opened
 * and the list pinned the same way, inside a guard; a failure is the same
 * warning, through CTX, and PCI names off).  Returns: 0 or -EIO. */
static int pci_load(struct hd_ctx *ctx, struct hd__names *n)
{
        struct hd__pci_guard g;
        volatile int r = -EIO;

        if (n->pci_failed || n->pacc)
                return n->pci_failed ? -EIO : 0;
        hd__pci_guard_push(&g);
        if (setjmp(g.env) == 0) {
                pci_open(n);
                pci_load_name_list(n->pacc);
                r = 0;
        }
        hd__pci_guard_pop(&g);
        if (r < 0)
                pci_fail(ctx, n);
        return r;
}

/* Vendor and device name of VENDOR:DEVICE (DEVICE < 0: the vendor's only)
 * into E, both or, when libpci fails, neither.  Returns: 0, or -EIO when
 * libpci failed (message in ctx's log). */
static int pci_names_lookup(struct hd_ctx *ctx, struct hd__names *n, int vendor_id, int device_id,
                            struct id_name *e)
{
        char vendor[NAME_LEN], device[NAME_LEN];
        int have_vendor, have_device = 0;

        have_vendor = pci_lookup(ctx, n, vendor, sizeof(vendor), PCI_LOOKUP_VENDOR, vendor_id, 0);
        if (have_vendor >= 0 && device_id >= 0)
                have_device = pci_lookup(ctx, n, device, sizeof(device), PCI_LOOKUP_DEVICE, vendor_id,
                                         device_id);
        if (have_vendor < 0 || have_device < 0)
                return -EIO;
        e->vendor = have_vendor ? strdup(vendor) : NULL;
        e->product = have_device ? strdup(device) : NULL;
        return 0;
}

/* Vendor and device name of D into the scan, memoised by vendor:device:
 * libpci's PCI_LOOKUP_VENDOR and _DEVICE answers depend on nothing else
 * (nor does its hwdb fallback, by "pci:vVVVVVVVVdDDDDDDDD").  Returns: 0,
 * or -EIO when libpci failed (message in ctx's log). */
static int pci_names(struct hd_ctx *ctx, struct hd__names *n, struct hd__scan *s, struct hd_dev *d)
{
        struct id_name *e;
        bool fresh;

        if (d->vendor < 0 || n->pci_failed)
                return 0;
        e = memo_get(&n->pci, ids_key(d->vendor, d->device), &fresh);
        if (!e)
                return -ENOMEM;
        if (fresh && pci_names_lookup(ctx, n, d->vendor, d->device, e) < 0)
                return -EIO;    /* names off for the context: E is never read */
        d->vendor_name = hd__scan_strdup(s, e->vendor);
        d->device_name = hd__scan_strdup(s, e->product);
        return 0;
}

static void usb_hwdb_query(struct hd__names *n, int vendor, int product, struct id_name *out)
{
        struct udev_list_entry *e;
        char modalias[32], *o;

        /* usb:vVVVVpPPPP, upper-case hex as in the hwdb's keys */
        o = hd__put_str(modalias, "usb:v");
        o = hd__put_hex(o, (unsigned)vendor & USB_ID_MASK, 4);
        *o++ = 'p';
        hd__put_hex(o, product < 0 ? 0 : (unsigned)product & USB_ID_MASK, 4);
        for (o = modalias + 5; *o; o++)
                if (*o >= 'a' && *o <= 'f')
                        *o = (char)(*o - 'a' + 'A');
        udev_list_entry_foreach(e, udev_hwdb_get_properties_list_entry(n->hwdb, modalias, 0)) {
                const char *k = udev_list_entry_get_name(e), *v = udev_list_entry_get_value(e);
                if (streq(k, "ID_VENDOR_FROM_DATABASE") && !out->vendor)
                        out->vendor = strdup(v);
                else if (streq(k, "ID_MODEL_FROM_DATABASE") && !out->product)
                        out->product = strdup(v);
        }
}

static void usb_names(struct hd__names *n, struct hd__scan *s, struct hd_dev *d)
{
        struct id_name *c;
        bool fresh;

        if (d->usb_vendor < 0 || n->no_usb_hwdb)
                return;
        if (!n->hwdb && !n->hwdb_failed) {
                n->udev = udev_new();
                n->hwdb = n->udev ? udev_hwdb_new(n->udev) : NULL;
                n->hwdb_failed = !n->hwdb;
        }
        if (!n->hwdb)
                return;
        /* an absent product is asked for as 0000, as before the memo */
        c = memo_get(&n->usb, ids_key(d->usb_vendor, d->usb_product < 0 ? 0 : d->usb_product), &fresh);
        if (!c)
                return;
        if (fresh)
                usb_hwdb_query(n, d->usb_vendor, d->usb_product, c);
        d->hwdb_vendor = hd__scan_strdup(s, c->vendor);
        d->hwdb_product = hd__scan_strdup(s, c->product);
}

/* The context's name state, made at its first use; NULL without memory */
static struct hd__names *names_get(struct hd_ctx *ctx)
{
        struct hd__names **slot = hd__ctx_names_slot(ctx);

        if (!*slot)
                *slot = calloc(1, sizeof(**slot));
        return *slot;
}

void hd__names_fill(struct hd_ctx *ctx, struct hd_dev *d)
{
        struct hd__names *n;

        if (!hd__ctx_names(ctx))
                return;
        if ((d->type == HD_DEV_PCI && d->names_done) ||
            (d->type == HD_DEV_USB_DEVICE && d->hwdb_done))
                return;
        n = names_get(ctx);
        if (!n)
                return;
        if (d->type == HD_DEV_PCI) {
                pci_names(ctx, n, hd__ctx_scan(ctx), d);
                d->names_done = true;
        } else if (d->type == HD_DEV_USB_DEVICE) {
                usb_names(n, hd__ctx_scan(ctx), d);
                d->hwdb_done = true;
        }
}

struct hd__names *hd__names_prefetch_begin(struct hd_ctx *ctx)
{
        struct hd__names *n;

        if (!hd__ctx_names(ctx))
                return NULL;
        n = *hd__ctx_names_slot(ctx);
        return n && n->prefetch && !n->pacc && !n->pci_failed ? n : NULL;
}

void hd__names_prefetch(struct hd__names *n, struct hd_ctx *log)
{
        pci_load(log, n);
}

unsigned long hd__names_pci_lookups(struct hd_ctx *ctx)
{
        struct hd__names *n = *hd__ctx_names_slot(ctx);

        return n ? n->pci_lookups : 0;
}

/* ---------------------------------------------------------------- pinned name data */

/* FILE is a name database on the host, like libpci's own pci.ids: not
 * below the sysroot, so not read through the rooted layer.  Only checked
 * here (a regular, readable file); libpci reads it on the first lookup. */
HD_EXPORT int hd_ctx_set_pci_ids(struct hd_ctx *ctx, const char *file)
{
        struct hd__names *n = names_get(ctx);
        struct stat st;
        char *copy = NULL;
        int fd;

        if (!n)
                return hd__error(ctx, -ENOMEM, "out of memory");
        if (n->pacc || n->pci_failed)
                return hd__error(ctx, -EBUSY, "PCI names were already looked up");
        if (file) {
                fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
                if (fd < 0) {
                        int e = errno;
                        return hd__error(ctx, -e, "%s: %s", file, strerror(e));
                }
                if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                        close(fd);
                        return hd__error(ctx, -EINVAL, "%s: not a regular file", file);
                }
                close(fd);
                copy = strdup(file);
                if (!copy)
                        return hd__error(ctx, -ENOMEM, "out of memory");
        }
        free(n->pci_ids);
        n->pci_ids = copy;
        return 0;
}

HD_EXPORT int hd_ctx_set_usb_hwdb(struct hd_ctx *ctx, bool enable)
{
        struct hd__names *n = names_get(ctx);

        if (!n)
                return hd__error(ctx, -ENOMEM, "out of memory");
        n->no_usb_hwdb = !enable;
        return 0;
}

HD_EXPORT int hd_ctx_set_names_prefetch(struct hd_ctx *ctx, bool enable)
{
        struct hd__names *n = names_get(ctx);

        if (!n)
                return hd__error(ctx, -ENOMEM, "out of memory");
        n->prefetch = enable;
        return 0;
}

const char *hd__names_pci_class(struct hd_ctx *ctx, unsigned cls)
{
        struct hd__names *n = names_get(ctx);
        char buf[NAME_LEN];
        int have;

        if (!n)
                return NULL;
        for (size_t i = 0; i < n->n_classes; i++)
                if (n->classes[i].cls == cls)
                        return n->classes[i].name;
        if (n->pci_failed || n->n_classes == ELEMENTSOF(n->classes))
                return NULL;
        have = pci_lookup(ctx, n, buf, sizeof(buf), PCI_LOOKUP_CLASS, (int)cls, 0);
        if (have < 0)
                return NULL;
        n->classes[n->n_classes].cls = cls;
        n->classes[n->n_classes].name = have ? strdup(buf) : NULL;
        return n->classes[n->n_classes++].name;
}
