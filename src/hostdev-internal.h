/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private declarations shared by the library's files; never installed. */
#ifndef HOSTDEV_INTERNAL_H
#define HOSTDEV_INTERNAL_H

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "hostdev.h"

#define HD_EXPORT __attribute__((visibility("default")))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

static inline void freep(void *p) { free(*(void **)p); }
#define _cleanup_free_ _cleanup_(freep)
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
#define _cleanup_close_ _cleanup_(closep)
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }
static inline bool streq_ptr(const char *a, const char *b)
{
        return a == b || (a && b && strcmp(a, b) == 0);
}
static inline bool startswith(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* Room for one more element in the malloc'd array at *(T **)ARRAYP holding N
 * of *CAP elements of SIZE bytes: the capacity doubles, from FIRST.
 * Returns: 0 or -ENOMEM (the array unchanged). */
static inline int hd__grow(void *arrayp, size_t n, size_t *cap, size_t size, size_t first)
{
        size_t nc = *cap ? *cap * 2 : first;
        void *a, *na;

        if (n < *cap)
                return 0;
        if (nc > SIZE_MAX / size)
                return -ENOMEM;
        memcpy(&a, arrayp, sizeof(a));
        na = realloc(a, nc * size);
        if (!na)
                return -ENOMEM;
        memcpy(arrayp, &na, sizeof(na));
        *cap = nc;
        return 0;
}

/* ---------------------------------------------------------------- logging (ctx.c) */
void hd__log(const struct hd_ctx *ctx, int prio, const char *file, int line, const char *fn,
             const char *fmt, ...) _printf_(6, 7);
#define hd_log_cond(ctx, prio, ...)                                                    \
        do {                                                                           \
                if (hd_ctx_get_log_priority(ctx) >= (prio))                            \
                        hd__log(ctx, prio, __FILE__, __LINE__, __func__, __VA_ARGS__); \
        } while (0)
#define DBG(ctx, ...) hd_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#define INFO(ctx, ...) hd_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define WARN(ctx, ...) hd_log_cond(ctx, LOG_WARNING, __VA_ARGS__)
#define ERR(ctx, ...) hd_log_cond(ctx, LOG_ERR, __VA_ARGS__)

/* Between begin and end (a scan, a recording load) warnings from one call
 * site are logged 10 times, then end logs one "... and K more" line each. */
void hd__log_cap_begin(struct hd_ctx *ctx);
void hd__log_cap_end(struct hd_ctx *ctx);

/* Record a one-line error message for hd_ctx_get_error(); returns ERR (a negative errno). */
int hd__error(struct hd_ctx *ctx, int err, const char *fmt, ...) _printf_(3, 4);

/* ---------------------------------------------------------------- rooted fs (path.c)
 * The only place that knows where sysfs lives.  A root is a directory fd of
 * the sysroot; "sys" is opened below it.  Every other file uses these helpers
 * with a directory fd obtained here, and *at() calls relative to it. */
struct hd__root;
int hd__root_open(const char *dir, bool need_sys, struct hd__root **ret);
struct hd__root *hd__root_free(struct hd__root *r);
int hd__root_fd(const struct hd__root *r);       /* the sysroot */
int hd__root_sysfd(const struct hd__root *r);    /* sysroot/sys, or -1 */
const char *hd__root_path(const struct hd__root *r);
bool hd__root_is_live(const struct hd__root *r);
/* SYSROOT/etc[/REL] as a directory fd (CREATE: mkdir -p first).  Returns fd or -errno. */
int hd__root_etc_open(const struct hd__root *r, const char *rel, bool create);
/* "/etc/" + REL, as the host sees it, for messages.  Returns buf or NULL if too long. */
const char *hd__etc_display(const char *rel, char *buf, size_t size);
/* /sys/ + rel (rel relative to sys): into buf; returns buf or NULL if too long. */
size_t hd__sysfs_display_size(size_t len);
const char *hd__sysfs_display(const char *rel, char *buf, size_t size);
/* "sys" + "/" + rel relative to the sysroot fd. */
int hd__sysroot_rel(const char *rel_to_sys, char *buf, size_t size);

#define HD_ATTR_MAX 4096        /* longest attribute read as text */

/* Read a small text attribute: strips one trailing newline, NUL-terminates.
 * Returns: length, -ENOENT when absent, -EFBIG when longer than SIZE-1,
 * -EINVAL for a NUL byte in the text, -EISDIR for a directory, or -errno.
 * Never blocks (O_NONBLOCK, no fstat): a FIFO without a writer reads as
 * empty (0), one with a writer but no data, or a terminal, gives -EAGAIN. */
int hd__read_at(int dirfd, const char *rel, char *buf, size_t size);
/* hd__read_at of the path printf-formatted from FMT (-ENAMETOOLONG when it
 * does not fit PATH_MAX) */
int hd__readf_at(int dirfd, char *buf, size_t size, const char *fmt, ...) _printf_(4, 5);
/* Read a whole (binary) file up to MAX bytes into a malloc'd buffer. */
int hd__read_alloc_at(int dirfd, const char *rel, size_t max, char **ret, size_t *len);
int hd__read_long_at(int dirfd, const char *rel, int base, long long *ret);
/* Read REL whole (up to MAX) only if it is a regular file reached without
 * following a final symlink: -ELOOP for a symlink, -EISDIR, -EINVAL for a
 * FIFO or device; ST gets its fstat (owner, mode).  Never blocks. */
int hd__read_file_strict_at(int dirfd, const char *rel, size_t max, char **ret, size_t *len,
                            struct stat *st);
/* readlinkat into buf, NUL-terminated.  Returns length or -errno. */
int hd__readlink_at(int dirfd, const char *rel, char *buf, size_t size);
/* Basename of a link target (e.g. driver, iommu_group). */
int hd__readlink_base_at(int dirfd, const char *rel, char *buf, size_t size);
/* Open a directory below dirfd (O_DIRECTORY).  Returns fd or -errno. */
int hd__open_dir_at(int dirfd, const char *rel);
/* The same as a directory stream (closedir() it).  Returns NULL with errno set. */
DIR *hd__opendir_at(int dirfd, const char *rel);
/* Open directory REL (no "..") below dirfd without following a symlink at
 * any component.  Returns fd or -errno (-ELOOP, -ENOTDIR for a link). */
int hd__open_dir_nofollow_at(int dirfd, const char *rel);
bool hd__exists_at(int dirfd, const char *rel);
/* Write VALUE to an existing regular file (no create, no truncate, one write
 * call); never blocks, never follows a final symlink (-ELOOP), -EINVAL for a
 * FIFO or other non-regular file. */
int hd__write_at(int dirfd, const char *rel, const char *value);
/* Join DIR (relative) and a relative link target textually; result stays
 * relative to the same base.  Returns -EXDEV when it would leave the base. */
int hd__path_join_norm(const char *dir, const char *target, char *buf, size_t size);

/* Creation helpers (fixture loader, state): relative to dirfd, no ".." escapes. */
int hd__mkdir_p_at(int dirfd, const char *rel, mode_t mode);
int hd__create_file_at(int dirfd, const char *rel, const void *data, size_t len, mode_t mode);
int hd__symlink_at(const char *target, int dirfd, const char *rel);
/* Open a regular file for reading (never blocks; -EINVAL for FIFOs etc). */
int hd__open_regular_at(int dirfd, const char *rel);
/* hd__mkdir_p_at, then open the directory (O_NOFOLLOW).  Returns fd or -errno. */
int hd__mkdir_open_at(int dirfd, const char *rel, mode_t mode);
/* Create PATH if absent (its parent must exist) and open it; -ENOTEMPTY when
 * it holds anything.  Returns fd or -errno. */
int hd__dir_open_empty(const char *path, mode_t mode);
/* State files (binder): write NAME (no '/') in dirfd atomically: a temp file,
 * fsync, rename over NAME, fsync the directory.  Returns 0 or -errno. */
int hd__write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len,
                             mode_t mode);
/* Open (create) NAME in dirfd (a regular file, never through a symlink, else
 * -ELOOP/-EINVAL) and take an exclusive flock, waiting up to
 * TIMEOUT_MS (<0: forever).  Returns the fd holding the lock, -ETIMEDOUT or -errno. */
int hd__lock_at(int dirfd, const char *name, int timeout_ms);
/* fchownat without following a final symlink; uid/gid -1 leave that id. */
int hd__chown_at(int dirfd, const char *rel, uid_t uid, gid_t gid);

/* ---------------------------------------------------------------- device model */
/* A device and every string it points to live in its scan's memory
 * (hd__scan_alloc), freed with the scan: nothing here is freed on its own. */
struct hd_dev {
        struct hd_ctx *ctx;     /* borrowed: the context whose scan owns it */
        char *name;
        char *display;          /* /sys/devices/...; NULL for computer */
        const char *path;       /* relative to sys: "devices/...", points into display */
        const char *sysname;    /* points into path */
        char *driver;
        struct hd_dev *parent, *first_child, *last_child, *next_sibling;
        struct hd__dev_text *text;      /* props.c: formatted property values, on first use */
        char *devnode_dev;      /* "maj:min" (sg, block) */
        enum hd_dev_type type;
        uint32_t path_len;      /* below PATH_MAX */
        uint32_t index;         /* tree order; a scan has far fewer than 2^32 devices */
        uint32_t n_children;

        /* Read for several types (lookup, config, policy, emit, tree), so
         * kept out of the union below; -1 (unknown) for the other types. */
        unsigned domain;                            /* pci */
        int vendor, device;                         /* pci; -1 unknown */
        int32_t pci_class;                          /* pci: 24 bits; -1 unknown */
        int iommu_group;                            /* pci; -1 none */
        int usb_vendor, usb_product;                /* usb device */
        int scsi_host, scsi_channel, scsi_target, scsi_lun;   /* scsi host, target, LUN */
        int16_t busnum, devnum;                     /* usb device; -1 unknown */
        int16_t usb_class;                          /* usb device or interface class */
        uint8_t bus, slot, func;                    /* pci */
        bool detail_done;       /* the type's detail attributes were read */
        bool names_done;        /* PCI names looked up */
        bool hwdb_done;         /* USB hwdb names looked up */
        char address[24];                           /* pci; "" for the other types */

        /* Per type: only ever read or written for a device of that type
         * (hd__dev_new() sets the -1 defaults of D's type).  Reading a
         * member of another type gives that type's data: check d->type. */
        union {
                struct {        /* HD_DEV_PCI (pci.c, tree.c, names.c) */
                        char *physfn_path;          /* PF's device path, as path (VFs) */
                        struct hd_dev *physfn;
                        struct hd_dev **virtfns;
                        size_t n_virtfns;
                        char *reset_method;         /* lazily: hd__pci_load_detail() */
                        char *driver_override;
                        char *vendor_name, *device_name;
                        int subvendor, subdevice;   /* -1 unknown */
                        int numa_node;              /* -1 none/unknown */
                        int boot_vga;               /* -1 absent */
                };
                struct {        /* HD_DEV_USB_DEVICE, HD_DEV_USB_INTERFACE (usb.c) */
                        char *manufacturer, *product, *serial, *speed;    /* device */
                        char *hwdb_vendor, *hwdb_product;                 /* device */
                        int16_t usb_subclass, usb_protocol;               /* -1 unknown */
                        int16_t usb_ifnum;                                /* interface; -1 */
                };
                struct {        /* HD_DEV_SCSI_HOST, _TARGET, HD_DEV_SCSI (scsi.c) */
                        char *scsi_vendor, *scsi_model;     /* LUN */
                        char *wwnn, *wwpn;                  /* FC host */
                        int scsi_type;                      /* LUN; -1 unknown */
                };
                struct {        /* HD_DEV_MDEV (mdev.c) */
                        char *mdev_type, *device_api;
                        int mdev_group;                     /* -1 none */
                };
                struct {        /* HD_DEV_NET, HD_DEV_BLOCK (classdev.c) */
                        char *mac, *operstate;              /* net */
                        long long size_bytes;               /* block; -1 unknown */
                };
        };
};

struct hd__group {
        int id;
        struct hd_dev **devs;
        size_t n;
};

/* Whether PCI functions A and B share a slot (are one physical device) */
static inline bool hd__pci_same_slot(const struct hd_dev *a, const struct hd_dev *b)
{
        return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot;
}

/* ---------------------------------------------------------------- context state (ctx.c)
 * The context holds state (sysroot, log, caches, names, the current scan);
 * it does not scan: scan.c does, and hands it the result. */
struct hd__scan;
struct hd__names;
struct hd__root *hd__ctx_root(const struct hd_ctx *ctx);
struct hd__scan *hd__ctx_scan(const struct hd_ctx *ctx);
/* Install S, a finished scan, as the context's (freeing the previous one). */
void hd__ctx_set_scan(struct hd_ctx *ctx, struct hd__scan *s);
bool hd__ctx_names(const struct hd_ctx *ctx);
/* Where the context keeps names.c's database (names.c fills it, the
 * context frees it with hd__names_free()). */
struct hd__names **hd__ctx_names_slot(struct hd_ctx *ctx);
/* A context for a scanning thread, whose messages hd__ctx_worker_free()
 * replays through CTX after the thread has ended */
struct hd_ctx *hd__ctx_worker_new(const struct hd_ctx *ctx);
void hd__ctx_worker_free(struct hd_ctx *ctx, struct hd_ctx *worker);

/* Per-context caches of host-wide facts, freed with the context and
 * dropped when the sysroot changes (JUDGE also by every new scan). */
enum hd__cache_id { HD__CACHE_JUDGE, HD__CACHE_PCI_CONFIG, HD__CACHE_MAX };
void *hd__ctx_get_cache(const struct hd_ctx *ctx, enum hd__cache_id id);
void hd__ctx_set_cache(struct hd_ctx *ctx, enum hd__cache_id id, void *data, void (*free_fn)(void *));

/* ---------------------------------------------------------------- scanning
 * One way down: the orchestrator (scan.c) makes the scan memory, has the
 * scanners fill it, has tree.c link it, and gives it to the context.  */

/* scan.c: build a scan filled by FILL (which adds devices with the scanners'
 * entry points, their *_one per-device code or hd__scan_add), linked, ordered
 * and grouped, and install it in CTX.  Returns: the number of devices
 * (the root included) or a negative errno. */
typedef int (*hd_scan_fill_fn)(struct hd_ctx *ctx, struct hd__scan *s, void *data);
int hd__scan_run(struct hd_ctx *ctx, hd_scan_fill_fn fill, void *data);

/* scan-mem.c: a scan's memory.  A device and every string it points to live
 * in chunks freed with the scan; devices are found by their sysfs path. */
struct hd__scan *hd__scan_new(void);
struct hd__scan *hd__scan_free(struct hd__scan *s);
/* N zeroed bytes, 16-byte aligned, freed with the scan; NULL when out of memory */
void *hd__scan_alloc(struct hd__scan *s, size_t n);
char *hd__scan_strdup(struct hd__scan *s, const char *str);
/* A device in the scan's memory, its numbers unknown (-1): the common ones
 * and those of TYPE's union member (a later change of type must stay within
 * that member, as scsi.c's host/target/LUN do); PATH relative to sys */
struct hd_dev *hd__dev_new(struct hd__scan *s, enum hd_dev_type type, const char *path);
/* List DEV (named, with a path).  Returns: 0, -EEXIST for a path listed
 * already, -EINVAL without a name, -ENOMEM. */
int hd__scan_add(struct hd__scan *s, struct hd_dev *dev);
/* The device at PATH (relative to sys: "devices/..."), or NULL */
struct hd_dev *hd__scan_lookup(const struct hd__scan *s, const char *path);
/* Move every device and chunk of FROM into S (a path listed in both is
 * warned about through CTX and kept once) and free FROM.  Returns: 0 or -ENOMEM. */
int hd__scan_merge(struct hd_ctx *ctx, struct hd__scan *s, struct hd__scan *from);

/* tree.c: link a filled scan's devices to their parents (below a "computer"
 * root), put them in tree order, link SR-IOV PFs and VFs, gather the IOMMU
 * groups, and point each device at CTX.  Returns: 0 or -ENOMEM. */
int hd__tree_build(struct hd_ctx *ctx, struct hd__scan *s);
/* The group struct for id in the context's scan, or NULL. */
const struct hd__group *hd__ctx_group(const struct hd_ctx *ctx, int id);
/* iommu.c learns whether the host has IOMMU groups at all (ON); policy asks. */
void hd__scan_set_iommu(struct hd__scan *s, bool on);
bool hd__ctx_has_iommu(const struct hd_ctx *ctx);

/* pci.c: read the attributes only `show`, the judge and the binder need
 * (reset_method, driver_override), once, on first use. */
void hd__pci_load_detail(struct hd_dev *d);
/* usb.c: the same for a USB device (speed) */
void hd__usb_load_detail(struct hd_dev *d);
/* classdev.c: the same for sg (dev), net (operstate) and block (size, dev) */
void hd__class_load_detail(struct hd_dev *d);
/* the detail loader of D's type, if it has one */
void hd__dev_load_detail(struct hd_dev *d);

/* names.c: lazily fill vendor/device names (PCI via libpci, USB via hwdb). */
void hd__names_fill(struct hd_ctx *ctx, struct hd_dev *dev);
struct hd__names *hd__names_free(struct hd__names *n);
/* names.c: libpci's name of the 16-bit class CLS (0xCCSS), cached; NULL when unknown. */
const char *hd__names_pci_class(struct hd_ctx *ctx, unsigned cls);
/* names.c: how many lookups the context asked of libpci (names are memoised
 * by their ids: identical functions cost one) */
unsigned long hd__names_pci_lookups(struct hd_ctx *ctx);
/* names.c: the name state whose PCI name list hd__names_prefetch() is to
 * read now: with names on and hd_ctx_set_names_prefetch(), when not read
 * yet; else NULL.  Call in the context's thread. */
struct hd__names *hd__names_prefetch_begin(struct hd_ctx *ctx);
/* Read N's PCI name list (libpci's pci.ids), as the first lookup would; on
 * any thread while nothing else uses N or the context's names; a failure is
 * a warning through LOG (a worker context, replayed) and names off. */
void hd__names_prefetch(struct hd__names *n, struct hd_ctx *log);
/* lookup.c: a device by the names users type (/dev/sg1, sdb, enp2s0, 001:003,
 * /dev/bus/usb/001/003, H:C:T:L, /dev/vfio/N, /dev/nvme0); NULL when none. */
struct hd_dev *hd__find_user_name(const struct hd_ctx *ctx, const char *name);

/* Scanners (pci.c, usb.c, scsi.c, classdev.c, iommu.c, mdev.c); each
 * adds devices with hd__scan_add(). */
int hd__scan_pci(struct hd_ctx *ctx, struct hd__scan *s);
int hd__scan_usb(struct hd_ctx *ctx, struct hd__scan *s);
int hd__scan_scsi(struct hd_ctx *ctx, struct hd__scan *s);
/* classdev.c: class/net and class/block; class/scsi_generic (called by hd__scan_scsi) */
int hd__scan_class(struct hd_ctx *ctx, struct hd__scan *s);
int hd__scan_sg(struct hd_ctx *ctx, struct hd__scan *s);
int hd__scan_iommu(struct hd_ctx *ctx, struct hd__scan *s);
/* mdev.c: bus/mdev/devices */
int hd__scan_mdev(struct hd_ctx *ctx, struct hd__scan *s);
/* mdev.c: a mediated device named NAME (UUID, mdev_<uuid_>, mdev_<uuid_>_<parent>), or NULL */
struct hd_dev *hd__mdev_find(struct hd_dev *const *devs, size_t n,
                             const char *name);
/* mdev.c: is S a UUID (8-4-4-4-12 hex)? */
bool hd__uuid_ok(const char *s);
/* One device each, for a targeted scan (scan-device.c): NAME is the sysname,
 * PATH the device directory relative to sys.  Returns: 0 or -ENOMEM. */
int hd__scan_pci_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path);
int hd__scan_usb_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path);
int hd__scan_scsi_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path);
int hd__scan_sg_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path);
int hd__scan_net_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path);
int hd__scan_block_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path);
/* fc_host/hostN: the WWNs of its SCSI host, which must be in S already */
int hd__scan_fc_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path);
/* class/scsi_host/hostN: the SCSI host, when bus/scsi/devices lacks it */
int hd__scan_scsi_host_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path);
/* Resolve a class/bus link under sys into a device path relative to sys. */
int hd__resolve_sys_link(int linkfd, const char *linkdir, const char *name, char *buf, size_t size);

/* uevent parsing: the value of the line KEY=value of a uevent text, copied
 * into OUT (SIZE bytes).  Returns: OUT, or NULL when KEY is absent or its
 * value does not fit. */
const char *hd__uevent_get(const char *uevent, const char *key, char *out, size_t size);
/* sysdev.c: the first two of N (2 or 3) hex numbers separated by SEP in
 * uevent line KEY as 16-bit ids into *A and *B, untouched when absent or odd */
void hd__uevent_ids(const char *uevent, const char *key, char sep, int n, int *a, int *b);



/* escape.c: UTF-8 sequence length at S (1-4), 0 when invalid; and the
 * same, 0 also for C0, DEL and C1 controls (what a terminal must not get). */
size_t hd__utf8_len(const unsigned char *s);
size_t hd__printable_len(const unsigned char *s);

/* sysdev.c: helpers shared by the scanners */
int hd__dev_read(struct hd_ctx *ctx, const struct hd_dev *d, const char *attr, char *buf,
                 size_t size);
bool hd__dev_gone(struct hd_ctx *ctx, const struct hd_dev *d, int r);
int hd__dev_readlink(struct hd_ctx *ctx, const struct hd_dev *d, const char *attr, char *buf,
                     size_t size);
int hd__dev_readlink_base(struct hd_ctx *ctx, const struct hd_dev *d, const char *attr,
                          char *buf, size_t size);
const char *hd__dev_read_opt(struct hd_ctx *ctx, const struct hd_dev *d, const char *attr,
                             char *buf, size_t size);
char *hd__attr_scan(struct hd__scan *s, struct hd_ctx *ctx, const struct hd_dev *d,
                    const char *attr);
char *hd__attr_detail(struct hd_dev *d, const char *attr);
char *hd__dev_driver_scan(struct hd__scan *s, struct hd_ctx *ctx, const struct hd_dev *d,
                          const char *uevent);
int hd__dev_int(struct hd_ctx *ctx, const struct hd_dev *d, const char *attr, int base,
                int fallback);
/* D's iommu_group link as a number (BUF holds the link's name).
 * Returns: the group, -ENOENT without the link, -EINVAL for an odd name. */
int hd__dev_iommu_group(struct hd_ctx *ctx, const struct hd_dev *d, char *buf, size_t size);
/* KNOWN if >= 0, else attribute ATTR as hd__dev_int with fallback -1 */
int hd__dev_int_unless(struct hd_ctx *ctx, const struct hd_dev *d, int known, const char *attr,
                       int base);
/* A getter's two 16-bit ids.  Returns: 0, or -ENODATA unless OK and both >= 0. */
int hd__get_id_pair(bool ok, int a, int b, uint16_t *ret_a, uint16_t *ret_b);
/* Called for each device of a bus or class listing: NAME the entry, PATH
 * the device directory relative to sys.  Returns: 0, or -ENOMEM to stop. */
typedef int (*hd__sys_link_fn)(struct hd_ctx *ctx, void *data, const char *name, const char *path);
int hd__foreach_sys_link(struct hd_ctx *ctx, const char *linkdir, hd__sys_link_fn fn, void *data);
int hd__scan_add_dev(struct hd_ctx *ctx, struct hd__scan *s, struct hd_dev *d);
char *hd__make_name(struct hd__scan *sc, const char *prefix, const char *s);
/* sysdev.c: the library's one set of number parsers and formatters (no
 * printf/scanf on the scan's path).  The parsers read up to N numbers
 * separated by SEP (hex: at most 8 digits; decimal: below 2^31) and return
 * how many they read; the formatters write V at OUT, NUL-terminated, and
 * return the end: hex in lower case with at least DIGITS digits. */
int hd__parse_hex_list(const char *s, char sep, unsigned *out, int n);
int hd__parse_dec_list(const char *s, char sep, int *out, int n);
char *hd__put_hex(char *out, unsigned long long v, int digits);
char *hd__put_dec(char *out, long long v);
char *hd__put_str(char *out, const char *s);

/* ---------------------------------------------------------------- recordings (fixture.c) */
/* hd_fixture_load() over LEN bytes at DATA; DIR NULL: parse only, write nothing.
 * Returns: devices written (blocks parsed when DIR is NULL) or a negative errno. */
int hd__fixture_load_mem(struct hd_ctx *ctx, const void *data, size_t len, const char *dir);

#endif
