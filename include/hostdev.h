/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostdev.h - prepare Linux host devices for passthrough to virtual machines
 *
 * Data flows one way: sysfs -> device model -> tree/policy -> emitters.
 * The binder is the only part that writes.
 *
 * Conventions: functions returning int give 0 (or a count) on success and a
 * negative errno on failure; the context then also holds a one-line message
 * (hd_ctx_get_error()).  Strings returned by getters are borrowed and live as
 * long as the context's scan.  The library never prints and never exits.
 *
 * What a getter gives when there is nothing to give, by kind of getter:
 *  - a pointer (string, device, entry): NULL;
 *  - a count (size_t hd_*_get_n_*): 0;
 *  - a predicate (bool hd_*_is_*): false;
 *  - a number that is never negative when present (IOMMU group, PCI class,
 *    boot_vga, an mdev's group): -1;
 *  - several values through out-parameters (int hd_dev_get_pci_ids(), ...):
 *    -ENODATA when the device is not of that type or the values are unknown
 *    (the out-parameters are left alone), 0 otherwise;
 *  - an element by index (hd_*_get_*(obj, i), hd_dev_get_property_at()):
 *    NULL, or -ENOENT for int getters, past the last.
 * NULL objects: every getter, predicate and matcher taking a device, verdict,
 * report, configuration or argument list accepts NULL and gives the above
 * (hd_dev_get_type(): _HD_DEV_TYPE_MAX; hd_dev_get_index(): SIZE_MAX), except
 * that int getters returning an error give -EINVAL.  A NULL context is only
 * accepted by hd_ctx_ref() and hd_ctx_unref(); calls that act (scan, judge,
 * bind, emit, apply) give -EINVAL for a NULL context where they return int.
 *
 * Options structs (struct hd_*_opts), allocated by the caller, start with
 * `size_t size`.  Fill one with its hd_*_opts_init() (HD_PERSIST_OPTS_INIT
 * for hd_persist_opts), which sets size to the sizeof the caller was built
 * with and every field to its default, then set fields by name; never zero
 * or copy one from elsewhere by hand.  The library reads SIZE first: a struct
 * smaller than it knows gives -EINVAL (not initialised), a larger one (from a
 * newer hostdev.h) is taken when the fields it does not know are all zero,
 * else -E2BIG.  New fields are only ever added at the end, with their default
 * in the init function; a passed NULL means every default.
 *
 * ABI: every function is in scripts/libhostdev.sym under the version node of
 * the release that added it; public structs other than the options above and
 * the plain records (hd_value, hd_mdev_type, hd_config_entry,
 * hd_report_item, hd_apply_record) are opaque.
 */
#ifndef HOSTDEV_H
#define HOSTDEV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HD_VERSION "0.1.0"

struct hd_ctx;
struct hd_dev;

/* ---------------------------------------------------------------- context */

typedef void (*hd_log_fn)(void *data, int priority, const char *file, int line,
                          const char *fn, const char *format, va_list args);

/* Returns: 0, or -ENOMEM. */
int hd_ctx_new(struct hd_ctx **ret);
/* Returns: CTX, with one more reference (NULL for NULL). */
struct hd_ctx *hd_ctx_ref(struct hd_ctx *ctx);
/* Returns: NULL (always); frees the context when the last reference goes. */
struct hd_ctx *hd_ctx_unref(struct hd_ctx *ctx);

/* Point every read and write at DIR (holding sys/, optionally dev/, proc/,
 * run/, etc/, lib/modules).  NULL or "/" means the live host.
 * Returns: 0; -ENOENT when DIR does not exist, -ENOTDIR when it holds no sys/. */
int hd_ctx_set_sysroot(struct hd_ctx *ctx, const char *dir);
/* Returns: the sysroot as given ("/" for the live host). */
const char *hd_ctx_get_sysroot(const struct hd_ctx *ctx);
/* Returns: true when the sysroot is the live host ("/"). */
bool hd_ctx_is_live(const struct hd_ctx *ctx);

/* Log through FN (syslog priorities); the default drops everything.
 * Returns: nothing. */
void hd_ctx_set_log_fn(struct hd_ctx *ctx, hd_log_fn fn, void *data);
/* Log messages up to PRIORITY (LOG_ERR ... LOG_DEBUG).  Returns: nothing. */
void hd_ctx_set_log_priority(struct hd_ctx *ctx, int priority);
/* Returns: the log priority. */
int hd_ctx_get_log_priority(const struct hd_ctx *ctx);

/* Look up vendor/device names (libpci for PCI, udev hwdb for USB): on by default.
 * Returns: nothing. */
void hd_ctx_set_names(struct hd_ctx *ctx, bool enable);

/* Pinned name data, so that names do not depend on the machine's databases
 * (the test suite's goldens; HOSTDEV_PCI_IDS in the CLI).  PCI names come
 * from FILE, a pci.ids-format list read by libpci's parser, and nothing
 * else (no hwdb fallback); NULL: the system's pci.ids again.  Call before
 * the first name is asked for.
 * Returns: 0; -ENOENT, -EACCES, -EINVAL (not a regular file), -EBUSY (names
 * already looked up) or -ENOMEM, with a message in hd_ctx_get_error(). */
int hd_ctx_set_pci_ids(struct hd_ctx *ctx, const char *file);

/* USB vendor/product names for devices without string descriptors come from
 * the udev hwdb, which cannot be pointed at another file: ENABLE false turns
 * those lookups off (HOSTDEV_USB_HWDB=0 in the CLI).  On by default.
 * Returns: 0 or -ENOMEM. */
int hd_ctx_set_usb_hwdb(struct hd_ctx *ctx, bool enable);

/* The caller will ask for the names of the scanned devices (hostdev list):
 * ENABLE true has the next scan read the PCI name list (pci.ids), on a
 * thread of its own while it scans when there is a second CPU, instead of
 * at the first name asked for.  Nothing is read with names off
 * (hd_ctx_set_names).  Off by default.  Returns: 0 or -ENOMEM. */
int hd_ctx_set_names_prefetch(struct hd_ctx *ctx, bool enable);

/* Returns: the message of the last failure, or "" . */
const char *hd_ctx_get_error(const struct hd_ctx *ctx);

/* ---------------------------------------------------------------- scan */

enum hd_dev_type {
        HD_DEV_SYSTEM = 0,      /* "computer" */
        HD_DEV_PCI,
        HD_DEV_USB_DEVICE,
        HD_DEV_USB_INTERFACE,
        HD_DEV_SCSI_HOST,
        HD_DEV_SCSI_TARGET,
        HD_DEV_SCSI,            /* a LUN */
        HD_DEV_SCSI_GENERIC,
        HD_DEV_NET,
        HD_DEV_BLOCK,
        HD_DEV_MDEV,            /* a mediated device, child of its parent */
        _HD_DEV_TYPE_MAX
};

/* Returns: "system", "pci", "usb_device", ... or NULL. */
const char *hd_dev_type_to_string(enum hd_dev_type type);
/* Returns: the type, or -EINVAL. */
int hd_dev_type_from_string(const char *s);

/* Scan sysfs under the sysroot into a tree rooted at "computer".  Problems
 * with single devices are logged (LOG_WARNING) and skipped.  Scanning again
 * replaces the previous model.  USB and SCSI are scanned by a second thread
 * that ends before this returns; the log function is only ever called from
 * the calling thread.  A context is not shared between threads.
 * Returns: the number of devices (including "computer"), or a negative errno. */
int hd_ctx_scan(struct hd_ctx *ctx);

/* What a context caches, and for how long:
 *  - the scan (devices, tree, IOMMU groups, each device's driver link and
 *    uevent as read then): until the next hd_ctx_scan() or
 *    hd_ctx_set_sysroot().  Detail attributes (reset_method, driver_override,
 *    operstate, ...) are read on first use and kept as long.  The writing
 *    calls re-read the driver link and driver_override of every function
 *    they look at, act on that, and store it back into the scan (so
 *    hd_dev_get_driver() tells what they saw; earlier strings stay valid).
 *  - host facts for the judge (open files of every process, mounts, swaps,
 *    routes and addresses, kernel command line, vfio-pci module state,
 *    interrupt remapping, the binder's journal): read by the first
 *    hd_judge()/hd_judge_many() that needs them and reused by later ones
 *    until the next hd_ctx_scan(), hd_ctx_set_sysroot(), or writing call.
 *  - writing calls (hd_bind, hd_unbind, hd_restore_all, hd_recover) never
 *    decide on those caches: they drop the host facts at their start (and
 *    again at their end, the host having changed) and read the journal,
 *    driver links, holders, mounts, swaps and routes afresh.
 *  - a libpci handle for config space: for the context's sysroot; it holds
 *    no facts (config space is read on every judge). */

/* Devices in tree order: parents before children, "computer" first. */
/* Returns: the number of devices of the scan; 0 before the first scan. */
size_t hd_ctx_get_n_devices(const struct hd_ctx *ctx);
/* Returns: device INDEX (borrowed), or NULL past the last. */
struct hd_dev *hd_ctx_get_device(const struct hd_ctx *ctx, size_t index);
/* Returns: "computer", the root of the tree; NULL before the first scan. */
struct hd_dev *hd_ctx_get_root(const struct hd_ctx *ctx);

/* Find by node-device name (pci_0000_01_00_0, usb_1_5_4, scsi_generic_sg2,
 * ...), PCI address (0000:01:00.0 or 01:00.0), USB sysname (1-5.4), or one
 * of the names listed below.
 * Returns: the device or NULL (errno = ENODEV). */
struct hd_dev *hd_ctx_find_device(const struct hd_ctx *ctx, const char *name);

/* hd_ctx_find_device() also takes the names users see: /dev/sgN and sgN,
 * /dev/sdX and sdX (and partitions), /dev/nvmeN (the controller's PCI
 * function), nvmeNnM, /dev/bus/usb/BBB/DDD and BBB:DDD (USB bus:device),
 * H:C:T:L (a SCSI LUN), H:C:T (a target), hostN, network interface names,
 * and /dev/vfio/N (IOMMU group N, as its first endpoint). */

/* Class name: libpci's for PCI ("VGA compatible controller"), the USB-IF
 * base class for USB (a device of class 0 gives its first interface's).
 * Returns: the name (borrowed), or NULL when unknown, for other types, or
 * when names are off. */
const char *hd_dev_get_class_name(const struct hd_dev *dev);
/* lspci's -d: SPEC is [VENDOR]:[DEVICE][:CLASS], hex, an empty part or `*`
 * matching anything; CLASS has 2 (base class), 4 (and subclass) or 6 (and
 * programming interface) digits.  PCI functions match by vendor:device and
 * class; USB devices by vendor:product (lsusb -d) when no CLASS is given
 * (class codes are PCI's); other devices never match.  DEV NULL only checks SPEC.
 * Returns: 1 match, 0 no match, -EINVAL for a malformed SPEC. */
int hd_dev_match_id(const struct hd_dev *dev, const char *spec);
/* Named classes: gpu (PCI 03), nic (PCI 02), nvme (PCI 010802), usb (PCI
 * 0c03 controllers), audio (PCI 0401, 0403; USB devices with an audio
 * interface), storage (PCI 01; USB mass storage).
 * DEV NULL only checks NAME.
 * Returns: 1 match, 0 no match, -EINVAL for an unknown NAME. */
int hd_dev_match_class(const struct hd_dev *dev, const char *name);
/* Returns: the I-th class name hd_dev_match_class() knows, NULL past the last. */
const char *hd_class_name_at(size_t i);

/* Returns: the node-device name (pci_0000_01_00_0, usb_1_5_4, computer, ...). */
const char *hd_dev_get_name(const struct hd_dev *dev);
/* Returns: the type; _HD_DEV_TYPE_MAX for NULL. */
enum hd_dev_type hd_dev_get_type(const struct hd_dev *dev);
/* Returns: the parent; NULL for computer. */
struct hd_dev *hd_dev_get_parent(const struct hd_dev *dev);
/* Returns: the first child, or NULL. */
struct hd_dev *hd_dev_get_first_child(const struct hd_dev *dev);
/* Returns: the next child of the same parent, or NULL after the last. */
struct hd_dev *hd_dev_get_next_sibling(const struct hd_dev *dev);
/* Returns: the position in hd_ctx_get_device() order; SIZE_MAX for NULL. */
size_t hd_dev_get_index(const struct hd_dev *dev);
/* Returns: the device directory as /sys/devices/... relative to the sysroot;
 * NULL for computer. */
const char *hd_dev_get_sysfs_path(const struct hd_dev *dev);
/* Returns: the directory's name in sysfs (0000:01:00.0, 1-5.4, sg2, ...); NULL for computer. */
const char *hd_dev_get_sysname(const struct hd_dev *dev);
/* Returns: the bound driver, or NULL. */
const char *hd_dev_get_driver(const struct hd_dev *dev);

/* PCI (each gives the absent value of its kind for other types) */
/* Returns: the address DDDD:BB:SS.F, or NULL. */
const char *hd_dev_get_pci_address(const struct hd_dev *dev);
/* Returns: 0 and the IDs; -ENODATA (not PCI, or unknown), -EINVAL for NULL. */
int hd_dev_get_pci_ids(const struct hd_dev *dev, uint16_t *vendor, uint16_t *device);
/* Returns: the class code 0xCCSSPP, or -1 (not PCI, or unknown). */
int hd_dev_get_pci_class(const struct hd_dev *dev);
/* Returns: the IOMMU group number, or -1 (none, or not PCI). */
int hd_dev_get_iommu_group(const struct hd_dev *dev);
/* Returns: a VF's physical function, or NULL. */
struct hd_dev *hd_dev_get_physfn(const struct hd_dev *dev);
/* Returns: the number of a PF's virtual functions in the scan (0: none). */
size_t hd_dev_get_n_virtfns(const struct hd_dev *dev);
/* Returns: virtual function I of a PF, or NULL past the last. */
struct hd_dev *hd_dev_get_virtfn(const struct hd_dev *dev, size_t i);
/* Returns: boot_vga, 1 or 0; -1 when absent (not a display controller, or not PCI). */
int hd_dev_get_boot_vga(const struct hd_dev *dev);
/* Read on first use.  Returns: reset_method ("flr bus", ...), or NULL. */
const char *hd_dev_get_reset_method(const struct hd_dev *dev);
/* Read on first use.  Returns: driver_override, or NULL when unset. */
const char *hd_dev_get_driver_override(const struct hd_dev *dev);
/* Returns: true for a PCI bridge (class 0x06). */
bool hd_dev_is_pci_bridge(const struct hd_dev *dev);

/* USB device */
/* Returns: 0 and the bus and device numbers; -ENODATA (not a USB device, or
 * unknown), -EINVAL for NULL. */
int hd_dev_get_usb_busdev(const struct hd_dev *dev, int *busnum, int *devnum);
/* Returns: 0 and idVendor, idProduct; -ENODATA, -EINVAL as above. */
int hd_dev_get_usb_ids(const struct hd_dev *dev, uint16_t *vendor, uint16_t *product);
/* Returns: true for a USB hub (device class 9). */
bool hd_dev_is_usb_hub(const struct hd_dev *dev);
/* Returns: true for a root hub (usbN). */
bool hd_dev_is_usb_root_hub(const struct hd_dev *dev);

/* SCSI: host, channel, target, lun (-1 where not applicable: a host has only
 * a host number, a target no LUN).
 * Returns: 0; -ENODATA for a device without a SCSI host number, -EINVAL for NULL. */
int hd_dev_get_scsi_address(const struct hd_dev *dev, int *host, int *channel,
                            int *target, int *lun);

/* Mediated devices and their parents.  An mdev is named like libvirt >= 7.8 names
 * its node device: mdev_<uuid with '_'>_<parent sysname with '_'>, e.g.
 * mdev_4b20d080_1b54_4048_85b3_a6a62d165c01_0000_00_02_0; hd_ctx_find_device()
 * also takes the UUID and the older mdev_<uuid with '_'>. */
/* Returns: an mdev's UUID, or NULL (not an mdev). */
const char *hd_dev_get_mdev_uuid(const struct hd_dev *dev);
/* Returns: an mdev's type id (i915-GVTg_V5_4, nvidia-222, ...), or NULL. */
const char *hd_dev_get_mdev_type(const struct hd_dev *dev);
/* Returns: an mdev's device_api (vfio-pci, vfio-ap, ...), or NULL. */
const char *hd_dev_get_mdev_device_api(const struct hd_dev *dev);
/* Returns: an mdev's IOMMU group, or -1 (none, or not an mdev). */
int hd_dev_get_mdev_iommu_group(const struct hd_dev *dev);

struct hd_mdev_type {
        char *id;               /* directory name in mdev_supported_types, e.g. nvidia-222 */
        char *name;             /* or NULL */
        char *description;      /* or NULL */
        char *device_api;       /* or NULL */
        long available;         /* available_instances; -1 unknown */
};
/* The mdev types DEV offers (read now, sorted by id).
 * Returns: the number of types (0: not an mdev parent) with *RET malloc'd;
 * -EINVAL for a NULL DEV, or another negative errno. */
int hd_dev_get_mdev_types(struct hd_ctx *ctx, const struct hd_dev *dev, struct hd_mdev_type **ret);
/* Free the N TYPES of hd_dev_get_mdev_types().  Returns: nothing. */
void hd_mdev_types_free(struct hd_mdev_type *types, size_t n);

/* SR-IOV physical function: sriov_totalvfs, sriov_numvfs, sriov_drivers_autoprobe
 * (read now; -1 where absent).  Returns: 0; -ENODATA when DEV is not a PF,
 * -EINVAL for NULL. */
int hd_dev_get_sriov(struct hd_ctx *ctx, const struct hd_dev *dev, int *total, int *num,
                     int *autoprobe);

/* ---------------------------------------------------------------- properties
 * Every device carries a fixed, ordered set of properties for its type: the
 * keys of `hostdev list -J` (name, type, parent, sysfs_path, then the type's
 * own).  Absent values are HD_VALUE_NULL. */
enum hd_value_kind { HD_VALUE_NULL, HD_VALUE_STRING, HD_VALUE_INT, HD_VALUE_BOOL };
/* A value holds no text of its own: STR points at a string the device owns
 * (formatted numbers included), valid as long as the scan, so a struct
 * hd_value may be copied and kept freely while the scan lives. */
struct hd_value {
        enum hd_value_kind kind;
        long long num;          /* INT, BOOL */
        const char *str;        /* STRING: borrowed from the device; else NULL */
};
/* Returns: 0; -ENOENT past the last property. */
int hd_dev_get_property_at(const struct hd_dev *dev, size_t index, const char **key,
                           struct hd_value *value);
/* Detail properties (PCI reset_method, driver_override) cost extra sysfs
 * reads; they are read on first use, and `list` leaves them out.
 * Returns: the flags of property INDEX, or -ENOENT past the last. */
#define HD_PROPERTY_DETAIL 1
int hd_dev_get_property_flags(const struct hd_dev *dev, size_t index);
/* Returns: 0; -ENOENT when the type has no such key. */
int hd_dev_get_property(const struct hd_dev *dev, const char *key, struct hd_value *value);

/* IOMMU groups */
/* Returns: number of groups; 0 when the host has none (IOMMU off). */
size_t hd_ctx_get_n_iommu_groups(const struct hd_ctx *ctx);
/* Group numbers in ascending order.
 * Returns: the number of group INDEX, or -ENOENT past the last. */
int hd_ctx_get_iommu_group_id(const struct hd_ctx *ctx, size_t index);
/* PCI functions of group GROUP, in address order.
 * Returns: a NULL-terminated borrowed array and its length in *N, or NULL
 * (*N = 0) when there is no such group. */
struct hd_dev *const *hd_ctx_get_iommu_group_devices(const struct hd_ctx *ctx, int group,
                                                    size_t *n);

/* ---------------------------------------------------------------- escaping
 * Device strings are attacker-controlled.  HD_ESCAPE_TEXT: control
 * characters (C0, DEL, C1), backslash and invalid UTF-8 become \xHH (\\ for
 * backslash), safe for a terminal.  HD_ESCAPE_UTF8: only invalid UTF-8
 * bytes become \xHH, for encoders (JSON) that escape controls themselves.
 * Returns: a malloc'd string, NULL on ENOMEM or when S is NULL. */
enum hd_escape_mode { HD_ESCAPE_TEXT, HD_ESCAPE_UTF8 };
char *hd_escape(const char *s, enum hd_escape_mode mode);

/* ---------------------------------------------------------------- judge */

enum hd_severity { HD_SEVERITY_INFO, HD_SEVERITY_WARNING, HD_SEVERITY_ERROR };
/* Returns: "info", "warning", "error"; NULL for another value. */
const char *hd_severity_to_string(enum hd_severity s);

struct hd_verdict;

enum hd_judge_flags {
        HD_JUDGE_FORCE = 1 << 0,        /* lowers the errors documented as forcible */
        /* judge for a writing verb (what hd_bind/hd_unbind do): where it
         * cannot be told whether a device of the affected set is in use (no
         * proc/, unreadable mountinfo or fd directories), reason "unknown" is
         * an error, unless HD_JUDGE_FORCE; without this flag it is a warning
         * saying that bind and unbind refuse */
        HD_JUDGE_WRITE = 1 << 1,
};

/* Judge DEV for passthrough.
 * Returns: 0 and *ret (free with hd_verdict_free), or a negative errno. */
int hd_judge(struct hd_ctx *ctx, struct hd_dev *dev, unsigned flags, struct hd_verdict **ret);
/* Judge N devices in one run: host-wide facts (command line, modules, open
 * files, mounts, routes) are read once for all of them.  RET is an array of
 * N verdict pointers filled in DEVS order.
 * Returns: 0, or a negative errno (then no verdict is left allocated). */
int hd_judge_many(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n, unsigned flags,
                  struct hd_verdict **ret);
/* Returns: NULL (always). */
struct hd_verdict *hd_verdict_free(struct hd_verdict *v);
/* Returns: true when no reason is an error (false for NULL). */
bool hd_verdict_is_eligible(const struct hd_verdict *v);
/* Returns: the number of devices the verdict covers. */
size_t hd_verdict_get_n_affected(const struct hd_verdict *v);
/* Returns: affected device I, or NULL past the last. */
struct hd_dev *hd_verdict_get_affected(const struct hd_verdict *v, size_t i);
/* Returns: the number of reasons. */
size_t hd_verdict_get_n_reasons(const struct hd_verdict *v);
/* Returns: 0 or -ENOENT; strings borrowed from the verdict. */
int hd_verdict_get_reason(const struct hd_verdict *v, size_t i, const char **code,
                          enum hd_severity *severity, const char **message);

/* Judge IOMMU group GROUP, the unit vfio-pci passes through: its endpoints
 * (every PCI function but bridges, which stay on the host) in one run.  VS
 * is an array of N verdict pointers, N the group's device count
 * (hd_ctx_get_iommu_group_devices): VS[i] the verdict of its i-th device,
 * NULL for a bridge; free each with hd_verdict_free.
 * Returns: 1 viable (an endpoint, and every endpoint eligible), 0 not viable,
 * or a negative errno: -ENOENT no such group, -EINVAL N is not its size
 * (then no verdict is left allocated). */
int hd_judge_group(struct hd_ctx *ctx, int group, unsigned flags, struct hd_verdict **vs, size_t n);

/* ---------------------------------------------------------------- iommufd
 * Linux 6.6 and later: /dev/iommu and a cdev per function,
 * /dev/vfio/devices/vfioN (sysfs: the device's vfio-dev/vfioN while
 * vfio-pci drives it); QEMU 8.2 and later take them with -object iommufd. */
/* Returns: 1 when SYSROOT/dev/iommu exists, 0 when not, or a negative errno. */
int hd_ctx_has_iommufd(struct hd_ctx *ctx);
/* The vfio cdev name ("vfio3") of a PCI function on vfio-pci, read from sysfs now.
 * Returns: 0 and BUF, -ENOENT when it has none, -EINVAL (not PCI), -ENAMETOOLONG. */
int hd_dev_get_vfio_cdev(struct hd_dev *dev, char *buf, size_t size);
/* Whether DEV can be passed through iommufd: the host has /dev/iommu and,
 * once DEV is on vfio-pci, vfio-pci gave it a cdev.  *WHY: a constant
 * sentence saying why (or what is still unknown).
 * Returns: 1 usable, 0 not, or a negative errno. */
int hd_judge_iommufd(struct hd_ctx *ctx, struct hd_dev *dev, const char **why);
/* After binding: wait until each PCI function of DEVS (bridges skipped) has
 * its vfio-dev cdev in sysfs and SYSROOT/dev/vfio/devices/vfioN exists.
 * Returns: 0; -ENODEV when vfio-pci gave one no cdev, -ETIMEDOUT (message set). */
int hd_iommufd_wait(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n, int timeout_ms);

/* ---------------------------------------------------------------- emitters */

struct hd_argv;         /* a growing list of strings */
/* Returns: an empty list, or NULL on ENOMEM. */
struct hd_argv *hd_argv_new(void);
/* Returns: NULL (always). */
struct hd_argv *hd_argv_free(struct hd_argv *a);
/* Returns: the number of elements (0 for NULL). */
size_t hd_argv_get_n(const struct hd_argv *a);
/* Returns: element I (borrowed), or NULL past the end. */
const char *hd_argv_get(const struct hd_argv *a, size_t i);
/* Append a copy of S.  Returns: 0, -EINVAL for NULL, -ENOMEM. */
int hd_argv_add(struct hd_argv *a, const char *s);
/* Returns: a malloc'd single line, each element shell-quoted; NULL on ENOMEM.
 * Words of [A-Za-z0-9@%+=:,./_-] stay bare; others are put in single quotes
 * (' as '\''); a word holding a control character (C0, DEL, C1) or invalid
 * UTF-8 is written $'...' with \xHH escapes, so the line holds printable
 * text only and bash/zsh/ksh read back the exact bytes. */
char *hd_argv_to_shell(const struct hd_argv *a);

struct hd_qemu_opts {
        size_t size;            /* sizeof, set by the init function: see the rule at the top */
        const char *guest_bus;  /* e.g. "pcie.0": place functions of one slot together */
        int guest_slot;         /* first guest slot with guest_bus; -1 automatic */
        const char *usb_bus;    /* existing USB controller id; NULL: add qemu-xhci */
        const char *scsi_bus;   /* existing SCSI controller id; NULL: add virtio-scsi-pci */
        bool by_id;             /* usb-host by vendorid/productid */
        int rombar;             /* -1 leave, 0 off, 1 on */
        const char *romfile;
        bool x_vga;
        bool force;             /* emit for ineligible devices */
        /* since 0.2 (hd_qemu_opts_init() sets every one of them) */
        bool with_group;        /* also every other endpoint of each PCI device's IOMMU group */
        const char *machine;    /* "q35": root ports and a pcie-pci-bridge; "pc": on pci.0; NULL */
        int boot;               /* bootindex of the first device named; -1 none */
        bool readonly;          /* SCSI: the host_device blockdev read-only */
        bool shareable;         /* SCSI: share-rw=on (other guests may open it too) */
        int guest_reset;        /* USB: -1 leave, 0 off, 1 uninitialized, 2 on (libvirt guestReset) */
        const char *id;         /* ids ID, ID-2, ... instead of hostdev-NAME */
        bool json;              /* -device and -blockdev in QEMU's JSON syntax */
        bool iommufd;           /* -object iommufd + iommufd= on vfio-pci (QEMU >= 8.2) */
};
/* Size and defaults (guest_slot, rombar, boot, guest_reset -1; the rest 0).
 * Returns: nothing. */
void hd_qemu_opts_init(struct hd_qemu_opts *o);
/* Append QEMU arguments for DEVS to ARGV: PCI as vfio-pci, USB devices as
 * usb-host (with a qemu-xhci unless usb_bus), SCSI LUNs and sg nodes as
 * -blockdev host_device on the host's /dev/sgN + scsi-generic (with a
 * virtio-scsi-pci unless scsi_bus).  Order: PCI, USB, SCSI; ids are
 * "hostdev-" + the device name, stable across runs; ',' in every option
 * value is doubled.  With guest_bus, the functions of one host slot share a
 * guest slot (multifunction=on on function 0), from guest_slot or, when -1,
 * 0x10 on pcie.0/pci.0 and 0 on other buses.  rombar goes to every PCI
 * function, romfile to the display controllers (else the first PCI device),
 * x_vga to the VGA controller.  A device named twice is passed once.  On
 * failure ARGV is left as it was.
 * Devices are refused by hd_judge() alone, so a device is emitted exactly
 * when its verdict is eligible (or force lifts its errors).
 * Returns: 0; -EPERM when a device is not eligible and not force (message
 * names it, the judge's first error and its [code]), -EINVAL for a device
 * whose error says what it is, even with force (unsupported-type: system,
 * scsi_host, scsi_target, net, block, usb_interface; bridge; root-hub; hub;
 * no-sg: a LUN without sg node; no-address: USB without bus/device number,
 * sg without H:C:T:L), a bus that is not a QEMU id, --by-id on a USB ID
 * the host has twice; -ENOMEM. */
int hd_emit_qemu(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                 const struct hd_qemu_opts *opts, struct hd_argv *argv);

struct hd_xml_opts {
        size_t size;            /* sizeof, set by the init function: see the rule at the top */
        bool managed;           /* PCI: managed='yes' (libvirt binds); default 'no' */
        bool domain;            /* wrap in a minimal <domain> */
        bool force;
        bool by_id;             /* USB: vendor/product only, no bus/device address */
        int guest_bus;          /* PCI: libvirt controller index for <address>; -1 none */
        int guest_slot;         /* first guest slot with guest_bus; -1 automatic */
        int rombar;             /* PCI <rom bar=>: -1 leave, 0 off, 1 on */
        const char *romfile;    /* PCI <rom file=>, as romfile in hd_emit_qemu() */
        /* since 0.2 (hd_xml_opts_init() sets every one of them) */
        bool with_group;        /* as in hd_qemu_opts */
        const char *machine;    /* "q35": pcie-root-port/pcie-pci-bridge controllers; "pc" */
        int boot;               /* <boot order=> of the first device named; -1 none */
        bool readonly;          /* SCSI: <readonly/> */
        bool shareable;         /* SCSI: <shareable/> */
        int guest_reset;        /* USB: guestReset=, as in hd_qemu_opts */
        const char *alias;      /* <alias name='ua-ALIAS'/> (then ua-ALIAS-2, ...) */
        bool interface;         /* PCI (an SR-IOV VF): <interface type='hostdev'> */
        const char *mac;        /* with interface: <mac address=> */
        int vlan;               /* with interface: <vlan><tag id=>; -1 none */
        bool iommufd;           /* PCI: <driver iommufd='yes'/> (checked against libvirt's patches only, README) */
};
/* Size and defaults (no guest address, ROM left alone): call it rather than
 * zero the struct, whose 0 means bus 0 and bar off.  Returns: nothing. */
void hd_xml_opts_init(struct hd_xml_opts *o);
/* libvirt <hostdev mode='subsystem' type='pci|usb|scsi'> elements for DEVS
 * (a SCSI LUN by its sg node's H:C:T:L), each after a comment naming the
 * device; device strings in it are escaped (\xHH for controls and invalid
 * UTF-8, then XML entities).  managed is written for PCI only.  With
 * guest_bus, PCI functions get a guest <address type='pci'> placed as
 * hd_emit_qemu() places them (slot 0x10 on bus 0, else 0, unless
 * guest_slot); rombar and romfile become <rom bar= file=>, the file for the
 * display controllers (else the first PCI device).  Refusals as
 * hd_emit_qemu(); -EINVAL also for a bus beyond 255 or a slot beyond 0x1f.
 * Returns: 0 and a malloc'd XML document/fragment in *ret, or a negative errno. */
int hd_emit_libvirt_xml(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                        const struct hd_xml_opts *opts, char **ret);

/* Mediated devices (type mdev), also taken by hd_emit_qemu()/hd_emit_libvirt_xml()
 * with these options off.  QEMU: -device vfio-pci|vfio-ccw|vfio-ap (by the type's
 * device_api),sysfsdev=/sys/bus/mdev/devices/UUID; DISPLAY adds display=on; RAMFB
 * uses vfio-pci-nohotplug with display=on,ramfb=on.  libvirt: <hostdev
 * mode='subsystem' type='mdev' model='...'> with <source><address uuid=.../>.
 * Returns: 0, -EINVAL (not an mdev, display for a non-PCI model, unknown
 * device_api), -EPERM (judged not eligible without FORCE), -ENOMEM. */
struct hd_mdev_emit_opts {
        size_t size;            /* sizeof, set by the init function: see the rule at the top */
        bool display;           /* display='on' (vfio-pci only) */
        bool ramfb;             /* ramfb='on' (and display) */
        bool force;
        bool domain;            /* XML: wrap in a minimal <domain> */
};
/* Size and defaults (all off).  Returns: nothing. */
void hd_mdev_emit_opts_init(struct hd_mdev_emit_opts *o);
/* Returns: 0 with the arguments appended to ARGV, or a negative errno as above. */
int hd_emit_qemu_mdev(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                      const struct hd_mdev_emit_opts *opts, struct hd_argv *argv);
/* Returns: 0 and a malloc'd XML fragment (or <domain>) in *RET, or a negative errno as above. */
int hd_emit_libvirt_mdev(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                         const struct hd_mdev_emit_opts *opts, char **ret);

/* ---------------------------------------------------------------- binder */

struct hd_bind_opts {
        size_t size;            /* sizeof, set by the init function: see the rule at the top */
        bool force;             /* bind despite the judge's errors / unbind while held */
        bool dry_run;           /* report the writes, change nothing */
        int timeout_ms;         /* wait for /dev/vfio/N; default 10000 */
        const char *owner;      /* USER[:GROUP] for /dev/vfio/N (and with iommufd for each
                                 * /dev/vfio/devices/vfioN), or NULL */
        bool iommufd;           /* also wait for each function's /dev/vfio/devices/vfioN */
        /* dry-run and progress report: one call per planned/made sysfs write */
        void (*on_write)(void *data, const char *path, const char *value);
        void *data;
        /* one call per problem (refusal reason, failed write or check, failed
         * rollback step), a single line naming the device; also logged */
        void (*on_problem)(void *data, const char *message);
        /* with iommufd: one call per function of the groups for its cdev,
         * NODE as the host sees it (/dev/vfio/devices/vfioN): once it is there
         * (and given to owner), or in a dry run the wait planned, NODE NULL
         * while the function has none yet (before vfio-pci drives it) */
        void (*on_cdev)(void *data, const char *address, const char *node);
};
/* Size and defaults (timeout_ms 10000, the rest 0).  Returns: nothing. */
void hd_bind_opts_init(struct hd_bind_opts *o);
/* Bind the IOMMU groups of DEVS to vfio-pci.
 * Returns: number of functions changed (0: nothing to do), or a negative
 * errno after rolling back. */
int hd_bind(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
            const struct hd_bind_opts *opts);
/* Give the groups of DEVS back to the drivers recorded at bind.
 * Returns: number of functions changed, or a negative errno. */
int hd_unbind(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
              const struct hd_bind_opts *opts);
/* Restore every device hostdev has recorded (and finish interrupted work).
 * Returns: number of functions changed, or a negative errno. */
int hd_restore_all(struct hd_ctx *ctx, const struct hd_bind_opts *opts);
/* Only finish (unbind) or revert (bind) work a crashed or killed hostdev
 * left in the journal; bind, unbind and restore_all do this first anyway.
 * Returns: number of functions changed, or a negative errno. */
int hd_recover(struct hd_ctx *ctx, const struct hd_bind_opts *opts);
/* Discard the binder's journal after inspecting it (`hostdev restore
 * --discard`): under the lock, SYSROOT/run/hostdev/state.json (whatever it
 * is: a symlink is not followed) is renamed to state.json.discarded,
 * replacing an older one.  Nothing in sysfs is touched: put devices back by
 * hand first where the journal was right.
 * Returns: 1 discarded, 0 there was none, or a negative errno. */
int hd_journal_discard(struct hd_ctx *ctx);
/* bind/unbind/restore: -EPERM only for a refusal: the judge finds a device
 * ineligible, or a VM holds a group being given back (both lifted by force;
 * a write failing with EPERM is reported as -EACCES); -ETIMEDOUT when
 * /dev/vfio/N did not appear in time; every failure after a change has been
 * rolled back (or is left in the journal for the next run when even that fails).
 * State: SYSROOT/run/hostdev/state.json, lock: SYSROOT/run/hostdev/lock. */

/* Mediated devices and VF counts, written by the binder under its lock and
 * journal (SYSROOT/run/hostdev/mdev.json); hd_restore_all() gives them back,
 * hd_recover() undoes interrupted ones.  OPTS: dry_run, force, on_write,
 * on_problem are used.
 * hd_mdev_create: make an mdev of TYPE under PARENT with UUID (NULL: a new
 *   random one, written to UUID_OUT).  Refused (-EPERM) when the parent has
 *   no driver or the type no available instances.
 * hd_mdev_remove: remove MDEV; refused (-EPERM) while a process holds it.
 * hd_sriov_set: set PF's VF count to N, through 0 when changing a non-zero
 *   count; refused (-EPERM) while a VF is on vfio-pci or held.
 * Returns: 1 changed, 0 nothing to do, or a negative errno (message in ctx). */
int hd_mdev_create(struct hd_ctx *ctx, struct hd_dev *parent, const char *type,
                   const char *uuid, const struct hd_bind_opts *opts, char uuid_out[37]);
/* Returns: 1 removed, 0 nothing to do, or a negative errno. */
int hd_mdev_remove(struct hd_ctx *ctx, struct hd_dev *mdev, const struct hd_bind_opts *opts);
/* Returns: 1 changed, 0 already N, or a negative errno. */
int hd_sriov_set(struct hd_ctx *ctx, struct hd_dev *pf, int n, const struct hd_bind_opts *opts);

/* ---------------------------------------------------------------- targeted scan */

/* Scan only what passing the PCI functions NAMES through concerns: each
 * function, the other members of its IOMMU group, their PCI ancestors and
 * everything below them (USB, SCSI, net, block).  For the udev path, where
 * a full scan per added device would be too slow.  NAMES are PCI addresses
 * (0000:01:00.0, 01:00.0) or node-device names (pci_0000_01_00_0).
 * Returns: the number of devices (as hd_ctx_scan()), -ENODEV when a name is
 * no PCI function of the host, or a negative errno. */
int hd_ctx_scan_devices(struct hd_ctx *ctx, const char *const *names, size_t n);

/* ---------------------------------------------------------------- configuration
 * Desired state, read from SYSROOT/etc/hostdev.conf and then
 * SYSROOT/etc/hostdev.d/ *.conf in name order; the format is hostdev.conf(5):
 *     vfio SELECTOR [owner=USER[:GROUP]] [note=TEXT] [boot=no] [force=yes]
 * Entries are read-only views, valid while the configuration lives. */
struct hd_config;
enum hd_config_kind {
        HD_CONFIG_VFIO = 0,     /* vfio SELECTOR: the group on vfio-pci */
        HD_CONFIG_MDEV,         /* mdev UUID parent=ADDR type=TYPE: a mediated device */
        HD_CONFIG_SRIOV,        /* sriov ADDR numvfs=N: a PF's VF count */
};
enum hd_selector_kind {
        HD_SELECTOR_ADDRESS,    /* DDDD:BB:SS.F */
        HD_SELECTOR_PCI_IDS,    /* vendor:device[:subvendor:subdevice] */
        HD_SELECTOR_CLASS,      /* class:CC[SS[PP]] (a prefix of the class code) */
        HD_SELECTOR_USB_IDS,    /* usb:vendor:product: the PCI USB controller it is on */
};
struct hd_config_entry {
        enum hd_config_kind kind;
        enum hd_selector_kind selector_kind;
        const char *selector;   /* canonical spelling (lower-case hex, full address) */
        unsigned match[4];      /* parsed: ids; or class value and its number of digits */
        int n_match;            /* PCI ids given: 2 or 4 */
        const char *owner;      /* USER[:GROUP] for /dev/vfio/N, or NULL */
        bool iommufd;           /* also wait for each function's /dev/vfio/devices/vfioN */
        const char *note;       /* free text, or NULL */
        bool boot;              /* apply --boot (udev rule, boot service) binds it; default yes */
        bool force;             /* bind despite the judge's forcible errors */
        const char *file;       /* where it was read, as the host sees it (/etc/...) */
        unsigned line;
        /* mdev (selector: the UUID, lower-case) and sriov (selector: the PF's address) */
        const char *parent;     /* mdev: the parent's PCI address */
        const char *mdev_type;  /* mdev: the type id */
        int numvfs;             /* sriov: the VF count */
};
/* Returns: "vfio", "mdev", "sriov"; NULL for another value. */
const char *hd_config_kind_to_string(enum hd_config_kind k);
/* Returns: "address", "pci_ids", "class", "usb_ids"; NULL for another value. */
const char *hd_selector_kind_to_string(enum hd_selector_kind k);
/* A configuration logs through CTX and must not outlive it.
 * Returns: 0 and an empty configuration in *ret, or -ENOMEM. */
int hd_config_new(struct hd_ctx *ctx, struct hd_config **ret);
/* Read the configuration files.  Each malformed line is logged (LOG_ERR) as
 * "FILE:LINE: what"; then nothing is returned.  Missing files are empty.
 * Returns: 0 and *ret; -EINVAL when any line was malformed (the context's
 * error counts them); another negative errno when a file cannot be read. */
int hd_config_load(struct hd_ctx *ctx, struct hd_config **ret);
/* Add the entries of TEXT, read as file NAME (tests, other sources).
 * Returns: 0, or -EINVAL after logging every malformed line. */
int hd_config_parse(struct hd_config *c, const char *name, const char *text);
/* Returns: NULL (always). */
struct hd_config *hd_config_free(struct hd_config *c);
/* Returns: the number of entries. */
size_t hd_config_get_n_entries(const struct hd_config *c);
/* Returns: entry I (borrowed), or NULL past the last. */
const struct hd_config_entry *hd_config_get_entry(const struct hd_config *c, size_t i);
/* Returns: the number of malformed lines found while reading C. */
size_t hd_config_get_n_errors(const struct hd_config *c);
/* Returns: true when vfio entry E selects DEV (a PCI function). */
bool hd_config_entry_matches(const struct hd_config_entry *e, const struct hd_dev *dev);
/* Returns: the first entry, in file order, that selects DEV (a PCI function), or NULL. */
const struct hd_config_entry *hd_config_match(const struct hd_config *c, const struct hd_dev *dev);

#define HD_PERSIST_OPTS_INIT { .size = sizeof(struct hd_persist_opts) }
struct hd_persist_opts {
        size_t size;            /* sizeof: HD_PERSIST_OPTS_INIT; every other field defaults to 0 */
        const char *owner;      /* owner= of the entry, or NULL */
        const char *note;
        bool no_boot;           /* boot=no */
        bool force;             /* force=yes */
};
/* Add (or replace) an address entry for each PCI function of DEVS, in the
 * file that already has one or else in hostdev.conf.  Each file is rewritten
 * atomically, other lines kept as they were.
 * Returns: number of entries written (0: all were there already), or a negative errno. */
int hd_config_persist(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                      const struct hd_persist_opts *opts);
/* Remove the address entries of DEVS.  A device not in the configuration is
 * no error (idempotent); one selected only by another selector (IDs, class)
 * is -EEXIST, naming the line to edit.
 * Returns: number of entries removed, or a negative errno. */
int hd_config_forget(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n);
/* Add or replace "mdev UUID parent=PARENT type=TYPE" / "sriov PF numvfs=N" (O: note,
 * no_boot), or drop the entry of KIND with SELECTOR (UUID or PF address).
 * Returns: 1 changed, 0 already so, or a negative errno (message in ctx). */
int hd_config_persist_mdev(struct hd_ctx *ctx, const char *parent, const char *type,
                           const char *uuid, const struct hd_persist_opts *o);
/* Returns: 1 changed, 0 already so, or a negative errno. */
int hd_config_persist_sriov(struct hd_ctx *ctx, const char *pf, int numvfs,
                            const struct hd_persist_opts *o);
/* Returns: 1 dropped, 0 there was none, or a negative errno. */
int hd_config_forget_entry(struct hd_ctx *ctx, enum hd_config_kind kind, const char *selector);
/* modprobe.d lines "softdep DRIVER pre: vfio-pci" for the host drivers
 * (recorded originals, else current) of every function in a configured group
 * of the current scan, so vfio-pci is loaded, and claims them, first.
 * Returns: number of lines and a malloc'd text in *ret, or a negative errno. */
int hd_config_softdep(struct hd_ctx *ctx, const struct hd_config *c, char **ret);
/* Write them to SYSROOT/etc/modprobe.d/hostdev-softdep.conf atomically (remove
 * it when there are none).  Returns: 0 or a negative errno. */
int hd_config_write_softdep(struct hd_ctx *ctx, const struct hd_config *c);

/* ---------------------------------------------------------------- apply and status */

enum hd_action { HD_ACTION_NONE, HD_ACTION_BIND, HD_ACTION_UNBIND, HD_ACTION_SRIOV, HD_ACTION_MDEV };
/* Returns: "none", "bind", "unbind", "sriov" (a VF count set), "mdev" (an mdev created). */
const char *hd_action_to_string(enum hd_action a);

/* One PCI function in an apply or status report; strings borrowed from the
 * report, ENTRY from the configuration (keep both while reading items). */
struct hd_report_item {
        struct hd_dev *dev;
        const char *name;               /* pci_0000_01_00_0 */
        const char *address;
        int group;
        enum hd_action action;          /* what apply does (did) to its group */
        bool changed;                   /* driver or override differ after (would, with check) */
        bool failed;                    /* its group's action failed or was refused */
        bool configured;                /* it or a member of its group is selected */
        bool selected;                  /* an entry selects this very function */
        const struct hd_config_entry *entry;    /* the entry that selects the group, or NULL */
        bool by_hostdev;                /* hostdev's journal records it (bound by hostdev) */
        const char *driver_before, *override_before;    /* NULL: none */
        const char *driver_after, *override_after;      /* status: now */
        const char *node_owner_before, *node_owner_after;       /* /dev/vfio/N "uid:gid"; NULL absent */
        const char *original_driver;    /* recorded at bind (NULL: none or not recorded) */
        const char *original_override;
        const char *holder;             /* status: who holds it (the judge's "held"), or NULL */
        const char *message;            /* why it failed, or a note */
};
struct hd_report;
/* Returns: the number of items. */
size_t hd_report_get_n_items(const struct hd_report *r);
/* Returns: item I (borrowed), or NULL past the last. */
const struct hd_report_item *hd_report_get_item(const struct hd_report *r, size_t i);
/* Warnings: entries selecting nothing, groups left alone, ...
 * Returns: the number of warnings. */
size_t hd_report_get_n_warnings(const struct hd_report *r);
/* Returns: warning I (borrowed), or NULL past the last. */
const char *hd_report_get_warning(const struct hd_report *r, size_t i);
/* Returns: NULL (always). */
struct hd_report *hd_report_free(struct hd_report *r);

struct hd_apply_opts {
        size_t size;            /* sizeof, set by the init function: see the rule at the top */
        bool check;             /* change nothing: report what would change */
        bool boot;              /* leave entries with boot=no alone (the udev rule, the boot unit) */
        bool targeted;          /* the scan is hd_ctx_scan_devices()'s: no warnings for
                                 * entries that select nothing in it */
        struct hd_bind_opts bind;       /* force, timeout, on_write, on_problem (dry_run: check) */
};
/* Size and defaults (bind as hd_bind_opts_init(), the rest off).  Returns: nothing. */
void hd_apply_opts_init(struct hd_apply_opts *o);
/* Make the devices of the current scan (full, or targeted with
 * hd_ctx_scan_devices()) match C: bind every configured group that is not
 * wholly on vfio-pci, or whose /dev/vfio/N is not owned as the entry's owner=
 * says (via hd_bind(), with the entry's owner and force), give
 * back (hd_unbind()) every group hostdev's journal holds that no entry selects
 * any more; never touch a function hostdev has not bound.  A group whose
 * journal records an interrupted change counts as not done.
 * Returns: number of functions changed (would change, with check) and the
 * report in *ret (when RET is not NULL); a negative errno when a group
 * failed (-EPERM: refused), with the report still in *ret; -ENOMEM. */
int hd_apply(struct hd_ctx *ctx, const struct hd_config *c, const struct hd_apply_opts *opts,
             struct hd_report **ret);
/* Every function of the current scan that is configured or in hostdev's
 * journal, with its driver now, the original one, and who holds it.
 * Returns: number of items and the report in *ret, or a negative errno. */
int hd_status(struct hd_ctx *ctx, const struct hd_config *c, struct hd_report **ret);

/* ---------------------------------------------------------------- SR-IOV VF network settings */

struct hd_vf_net_opts {
        size_t size;            /* sizeof, set by the init function: see the rule at the top */
        const char *mac;        /* xx:xx:xx:xx:xx:xx (unicast), NULL: leave */
        int vlan;               /* 0-4095 (0: no tag), -1: leave */
        bool dry_run;           /* report, change nothing (also below a sysroot) */
        /* one call per change made or planned: "netlink PF vf N mac M vlan V" */
        void (*on_change)(void *data, const char *what);
        void *data;
};
/* Size and defaults (vlan -1: leave, the rest 0).  Returns: nothing. */
void hd_vf_net_opts_init(struct hd_vf_net_opts *o);
/* Set the MAC and/or VLAN of SR-IOV virtual function VF through its PF's
 * interface over rtnetlink (as `ip link set PF vf N mac M vlan V`), after
 * recording what the VF had in SYSROOT/run/hostdev/vf-net.json (once: a
 * second call keeps the first record).  Live host only, but a dry run.
 * Returns: 0; -EINVAL (not a VF, bad MAC or VLAN), -ENODEV (no PF
 * interface), -EOPNOTSUPP (below a sysroot without dry_run), or a netlink
 * error; the message names the device. */
int hd_vf_net_set(struct hd_ctx *ctx, struct hd_dev *vf, const struct hd_vf_net_opts *o);
/* Put back the MAC and VLAN recorded for VF and drop the record; nothing
 * recorded is no error.  O: dry_run and on_change only (may be NULL).
 * Returns: 0 or a negative errno. */
int hd_vf_net_restore(struct hd_ctx *ctx, struct hd_dev *vf, const struct hd_vf_net_opts *o);

/* The outcome of the last apply that changed or tried to change the host
 * (not a check), recorded by hd_apply() in SYSROOT/run/hostdev/: one record
 * for a full scan, one for a targeted one (hd_ctx_scan_devices(): the udev
 * rule, persist, forget).  For monitoring (hostdev metrics). */
enum hd_apply_scope { HD_APPLY_SCOPE_FULL, HD_APPLY_SCOPE_DEVICE };
struct hd_apply_record {
        double time;            /* when it ended, seconds since the epoch */
        double duration;        /* seconds hd_apply() took (the scan before it excluded) */
        int result;             /* 0, or the negative errno hd_apply() returned */
        int changed;            /* functions changed */
        int failed;             /* functions of groups that failed or were refused */
        bool boot;              /* apply --boot */
        char message[256];      /* the error message when result < 0, else "" */
};
/* Returns: 0 and *ret; -ENOENT when no apply of SCOPE has been recorded;
 * -EBADMSG when the record is not one (message in ctx). */
int hd_apply_get_last(struct hd_ctx *ctx, enum hd_apply_scope scope, struct hd_apply_record *ret);

/* ---------------------------------------------------------------- fixtures */

/* Turn an umockdev-record text file into a sysfs tree under DIR (DIR/sys,
 * DIR/dev), completing what recorders skip.
 * Returns: number of devices loaded, or a negative errno. */
int hd_fixture_load(struct hd_ctx *ctx, const char *file, const char *dir);

#ifdef __cplusplus
}
#endif
#endif
