/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Properties: the fixed, ordered key set of each device type, shared by the
 * JSON output, the table columns and `show`.  One table, one getter per key.
 */
#define _GNU_SOURCE

#include "hostdev-internal.h"

typedef void (*getter_fn)(struct hd_dev *d, struct hd_value *v);

struct prop {
        const char *key;
        getter_fn get;
        int flags;              /* HD_PROPERTY_DETAIL: not in list output; LOAD */
};
/* private flag: the type's detail attributes are read (hd__dev_load_detail)
 * before the getter runs */
#define LOAD 0x100
#define LOADED (HD_PROPERTY_DETAIL | LOAD)

/* A device's formatted values, in its scan's memory from first use on, so
 * that a struct hd_value only ever points at strings the device owns (a copy
 * of a value stays valid as long as the scan).  One slot per formatted
 * property of a type (a device has one type: USB reuses the PCI slots). */
enum text_slot {
        SLOT_VENDOR,            /* PCI vendor_id, USB vendor_id */
        SLOT_DEVICE,            /* PCI device_id, USB product_id */
        SLOT_SUBVENDOR,         /* PCI subsystem_vendor_id, USB subclass */
        SLOT_SUBDEVICE,         /* PCI subsystem_device_id, USB protocol */
        SLOT_CLASS,             /* PCI and USB class */
        _SLOT_MAX
};
struct hd__dev_text {
        char hex[_SLOT_MAX][20];        /* up to 16 hex digits */
        char vfio_dev[64];              /* read on every get */
};

static struct hd__dev_text *dev_text(struct hd_dev *d)
{
        struct hd__scan *s = d->ctx ? hd__ctx_scan(d->ctx) : NULL;

        if (!d->text && s)
                d->text = hd__scan_alloc(s, sizeof(*d->text));
        return d->text;
}

static void set_null(struct hd_value *v) { v->kind = HD_VALUE_NULL; v->str = NULL; v->num = 0; }
static void set_str(struct hd_value *v, const char *s)
{
        if (!s) {
                set_null(v);
                return;
        }
        v->kind = HD_VALUE_STRING;
        v->str = s;
}
static void set_int(struct hd_value *v, long long n, bool present)
{
        if (!present) {
                set_null(v);
                return;
        }
        v->kind = HD_VALUE_INT;
        v->num = n;
}
static void set_bool(struct hd_value *v, int b)
{
        if (b < 0) {
                set_null(v);
                return;
        }
        v->kind = HD_VALUE_BOOL;
        v->num = b != 0;
}
/* fixed-width lower-case hex in D's slot K; NULL for a negative N (unknown) */
static void set_hex(struct hd_dev *d, struct hd_value *v, enum text_slot k, long long n, int digits)
{
        struct hd__dev_text *t = n < 0 ? NULL : dev_text(d);

        if (!t) {
                set_null(v);
                return;
        }
        hd__put_hex(t->hex[k], (unsigned long long)n, digits);
        set_str(v, t->hex[k]);
}

static const char *const type_names[_HD_DEV_TYPE_MAX] = {
        [HD_DEV_SYSTEM] = "system",
        [HD_DEV_PCI] = "pci",
        [HD_DEV_USB_DEVICE] = "usb_device",
        [HD_DEV_USB_INTERFACE] = "usb_interface",
        [HD_DEV_SCSI_HOST] = "scsi_host",
        [HD_DEV_SCSI_TARGET] = "scsi_target",
        [HD_DEV_SCSI] = "scsi",
        [HD_DEV_SCSI_GENERIC] = "scsi_generic",
        [HD_DEV_NET] = "net",
        [HD_DEV_BLOCK] = "block",
        [HD_DEV_MDEV] = "mdev",
};

HD_EXPORT const char *hd_dev_type_to_string(enum hd_dev_type t)
{
        return (unsigned)t < _HD_DEV_TYPE_MAX ? type_names[t] : NULL;
}

HD_EXPORT int hd_dev_type_from_string(const char *s)
{
        for (int i = 0; i < _HD_DEV_TYPE_MAX; i++)
                if (s && streq(type_names[i], s))
                        return i;
        return -EINVAL;
}

/* ---------------------------------------------------------------- getters */
static void g_name(struct hd_dev *d, struct hd_value *v) { set_str(v, d->name); }
static void g_type(struct hd_dev *d, struct hd_value *v) { set_str(v, type_names[d->type]); }
static void g_parent(struct hd_dev *d, struct hd_value *v) { set_str(v, d->parent ? d->parent->name : NULL); }
static void g_path(struct hd_dev *d, struct hd_value *v) { set_str(v, d->display); }
static void g_driver(struct hd_dev *d, struct hd_value *v) { set_str(v, d->driver); }
static void g_sysname(struct hd_dev *d, struct hd_value *v) { set_str(v, d->sysname); }

static void g_address(struct hd_dev *d, struct hd_value *v) { set_str(v, d->address); }
static void g_vendor(struct hd_dev *d, struct hd_value *v) { set_hex(d, v, SLOT_VENDOR, d->vendor, 4); }
static void g_device(struct hd_dev *d, struct hd_value *v) { set_hex(d, v, SLOT_DEVICE, d->device, 4); }
static void g_subvendor(struct hd_dev *d, struct hd_value *v) { set_hex(d, v, SLOT_SUBVENDOR, d->subvendor, 4); }
static void g_subdevice(struct hd_dev *d, struct hd_value *v) { set_hex(d, v, SLOT_SUBDEVICE, d->subdevice, 4); }
static void g_class(struct hd_dev *d, struct hd_value *v) { set_hex(d, v, SLOT_CLASS, d->pci_class, 6); }
static void g_vendor_name(struct hd_dev *d, struct hd_value *v)
{
        hd__names_fill(d->ctx, d);
        set_str(v, d->vendor_name);
}
static void g_device_name(struct hd_dev *d, struct hd_value *v)
{
        hd__names_fill(d->ctx, d);
        set_str(v, d->device_name);
}
static void g_group(struct hd_dev *d, struct hd_value *v) { set_int(v, d->iommu_group, d->iommu_group >= 0); }
static void g_numa(struct hd_dev *d, struct hd_value *v) { set_int(v, d->numa_node, d->numa_node >= 0); }
static void g_physfn(struct hd_dev *d, struct hd_value *v) { set_str(v, d->physfn ? d->physfn->name : NULL); }
static void g_virtfns(struct hd_dev *d, struct hd_value *v) { set_int(v, (long long)d->n_virtfns, true); }
static void g_boot_vga(struct hd_dev *d, struct hd_value *v) { set_bool(v, d->boot_vga); }
static void g_reset(struct hd_dev *d, struct hd_value *v) { set_str(v, d->reset_method); }
static void g_override(struct hd_dev *d, struct hd_value *v) { set_str(v, d->driver_override); }

/* iommufd (iommufd.c): the cdev vfio-pci gave the function, read now */
static void g_vfio_dev(struct hd_dev *d, struct hd_value *v)
{
        struct hd__dev_text *t = dev_text(d);

        if (t && hd_dev_get_vfio_cdev(d, t->vfio_dev, sizeof(t->vfio_dev)) == 0)
                set_str(v, t->vfio_dev);
        else
                set_null(v);
}
/* the host: /dev/iommu below the sysroot */
static void g_iommufd(struct hd_dev *d, struct hd_value *v)
{
        set_bool(v, d->ctx ? hd_ctx_has_iommufd(d->ctx) : -1);
}

static void g_busnum(struct hd_dev *d, struct hd_value *v) { set_int(v, d->busnum, d->busnum >= 0); }
static void g_devnum(struct hd_dev *d, struct hd_value *v) { set_int(v, d->devnum, d->devnum >= 0); }
static void g_usb_vendor(struct hd_dev *d, struct hd_value *v) { set_hex(d, v, SLOT_VENDOR, d->usb_vendor, 4); }
static void g_usb_product(struct hd_dev *d, struct hd_value *v) { set_hex(d, v, SLOT_DEVICE, d->usb_product, 4); }
static void g_manufacturer(struct hd_dev *d, struct hd_value *v) { set_str(v, d->manufacturer); }
static void g_product(struct hd_dev *d, struct hd_value *v) { set_str(v, d->product); }
static void g_serial(struct hd_dev *d, struct hd_value *v) { set_str(v, d->serial); }
static void g_speed(struct hd_dev *d, struct hd_value *v) { set_str(v, d->speed); }
static void g_usb_class(struct hd_dev *d, struct hd_value *v) { set_hex(d, v, SLOT_CLASS, d->usb_class, 2); }
static void g_usb_subclass(struct hd_dev *d, struct hd_value *v) { set_hex(d, v, SLOT_SUBVENDOR, d->usb_subclass, 2); }
static void g_usb_protocol(struct hd_dev *d, struct hd_value *v) { set_hex(d, v, SLOT_SUBDEVICE, d->usb_protocol, 2); }
static void g_ifnum(struct hd_dev *d, struct hd_value *v) { set_int(v, d->usb_ifnum, d->usb_ifnum >= 0); }
/* hwdb names stand in for string descriptors a device does not have */
static void g_usb_vendor_name(struct hd_dev *d, struct hd_value *v)
{
        if (!d->manufacturer)
                hd__names_fill(d->ctx, d);
        set_str(v, d->manufacturer ? NULL : d->hwdb_vendor);
}
static void g_usb_product_name(struct hd_dev *d, struct hd_value *v)
{
        if (!d->product)
                hd__names_fill(d->ctx, d);
        set_str(v, d->product ? NULL : d->hwdb_product);
}

static void g_host(struct hd_dev *d, struct hd_value *v) { set_int(v, d->scsi_host, d->scsi_host >= 0); }
static void g_channel(struct hd_dev *d, struct hd_value *v) { set_int(v, d->scsi_channel, d->scsi_channel >= 0); }
static void g_target(struct hd_dev *d, struct hd_value *v) { set_int(v, d->scsi_target, d->scsi_target >= 0); }
static void g_lun(struct hd_dev *d, struct hd_value *v) { set_int(v, d->scsi_lun, d->scsi_lun >= 0); }
static void g_scsi_vendor(struct hd_dev *d, struct hd_value *v) { set_str(v, d->scsi_vendor); }
static void g_scsi_model(struct hd_dev *d, struct hd_value *v) { set_str(v, d->scsi_model); }
static void g_scsi_type(struct hd_dev *d, struct hd_value *v) { set_int(v, d->scsi_type, d->scsi_type >= 0); }
static void g_wwnn(struct hd_dev *d, struct hd_value *v) { set_str(v, d->wwnn); }
static void g_wwpn(struct hd_dev *d, struct hd_value *v) { set_str(v, d->wwpn); }
static const char *child_of_type(const struct hd_dev *d, enum hd_dev_type t)
{
        for (const struct hd_dev *c = d->first_child; c; c = c->next_sibling)
                if (c->type == t)
                        return c->sysname;
        return NULL;
}
static void g_lun_block(struct hd_dev *d, struct hd_value *v) { set_str(v, child_of_type(d, HD_DEV_BLOCK)); }
static void g_lun_sg(struct hd_dev *d, struct hd_value *v) { set_str(v, child_of_type(d, HD_DEV_SCSI_GENERIC)); }
static void g_devnode_dev(struct hd_dev *d, struct hd_value *v) { set_str(v, d->devnode_dev); }

static void g_mac(struct hd_dev *d, struct hd_value *v) { set_str(v, d->mac); }
static void g_operstate(struct hd_dev *d, struct hd_value *v) { set_str(v, d->operstate); }
static void g_size(struct hd_dev *d, struct hd_value *v) { set_int(v, d->size_bytes, d->size_bytes >= 0); }

#define COMMON {"name", g_name, 0}, {"type", g_type, 0}, {"parent", g_parent, 0}, {"sysfs_path", g_path, 0}

static const struct prop p_system[] = { COMMON, {"iommufd", g_iommufd, HD_PROPERTY_DETAIL} };
static const struct prop p_pci[] = {
        COMMON, {"address", g_address, 0}, {"vendor_id", g_vendor, 0}, {"device_id", g_device, 0},
        {"subsystem_vendor_id", g_subvendor, 0}, {"subsystem_device_id", g_subdevice, 0},
        {"class", g_class, 0}, {"vendor_name", g_vendor_name, 0}, {"device_name", g_device_name, 0},
        {"driver", g_driver, 0}, {"iommu_group", g_group, 0}, {"numa_node", g_numa, LOADED},
        {"physfn", g_physfn, 0}, {"virtfns", g_virtfns, 0}, {"boot_vga", g_boot_vga, 0},
        {"reset_method", g_reset, LOADED},
        {"driver_override", g_override, LOADED},
        {"vfio_dev", g_vfio_dev, HD_PROPERTY_DETAIL} };
static const struct prop p_usb_device[] = {
        COMMON, {"sysname", g_sysname, 0}, {"busnum", g_busnum, 0}, {"devnum", g_devnum, 0},
        {"vendor_id", g_usb_vendor, 0}, {"product_id", g_usb_product, 0},
        {"manufacturer", g_manufacturer, 0}, {"product", g_product, 0}, {"serial", g_serial, 0},
        {"speed", g_speed, LOADED}, {"class", g_usb_class, 0}, {"driver", g_driver, 0},
        {"vendor_name", g_usb_vendor_name, 0}, {"product_name", g_usb_product_name, 0} };
static const struct prop p_usb_interface[] = {
        COMMON, {"sysname", g_sysname, 0}, {"number", g_ifnum, 0}, {"class", g_usb_class, 0},
        {"subclass", g_usb_subclass, 0}, {"protocol", g_usb_protocol, 0}, {"driver", g_driver, 0} };
static const struct prop p_scsi_host[] = {
        COMMON, {"host", g_host, 0}, {"driver", g_driver, 0}, {"wwnn", g_wwnn, 0}, {"wwpn", g_wwpn, 0} };
static const struct prop p_scsi_target[] = {
        COMMON, {"host", g_host, 0}, {"channel", g_channel, 0}, {"target", g_target, 0} };
static const struct prop p_scsi[] = {
        COMMON, {"host", g_host, 0}, {"channel", g_channel, 0}, {"target", g_target, 0}, {"lun", g_lun, 0},
        {"vendor", g_scsi_vendor, 0}, {"model", g_scsi_model, 0}, {"scsi_type", g_scsi_type, 0},
        {"driver", g_driver, 0}, {"block", g_lun_block, 0}, {"sg", g_lun_sg, 0} };
static const struct prop p_sg[] = {
        COMMON, {"sg", g_sysname, 0}, {"dev", g_devnode_dev, LOADED} };
static const struct prop p_net[] = {
        COMMON, {"interface", g_sysname, 0}, {"address", g_mac, 0},
        {"operstate", g_operstate, LOADED} };
static const struct prop p_block[] = {
        COMMON, {"block", g_sysname, 0}, {"size", g_size, LOADED},
        {"dev", g_devnode_dev, LOADED} };

static void g_uuid(struct hd_dev *d, struct hd_value *v) { set_str(v, d->sysname); }
static void g_mdev_type(struct hd_dev *d, struct hd_value *v) { set_str(v, d->mdev_type); }
static void g_device_api(struct hd_dev *d, struct hd_value *v) { set_str(v, d->device_api); }
static void g_mdev_group(struct hd_dev *d, struct hd_value *v) { set_int(v, d->mdev_group, d->mdev_group >= 0); }
static const struct prop p_mdev[] = {
        COMMON, {"uuid", g_uuid, 0}, {"mdev_type", g_mdev_type, 0}, {"device_api", g_device_api, 0},
        {"driver", g_driver, 0}, {"iommu_group", g_mdev_group, 0} };

/* Each type's properties and their number, known at compile time (no
 * state shared between contexts or threads). */
struct prop_table {
        const struct prop *p;
        size_t n;
};
#define TABLE(t) { t, ELEMENTSOF(t) }
static const struct prop_table tables[_HD_DEV_TYPE_MAX] = {
        [HD_DEV_SYSTEM] = TABLE(p_system),
        [HD_DEV_PCI] = TABLE(p_pci),
        [HD_DEV_USB_DEVICE] = TABLE(p_usb_device),
        [HD_DEV_USB_INTERFACE] = TABLE(p_usb_interface),
        [HD_DEV_SCSI_HOST] = TABLE(p_scsi_host),
        [HD_DEV_SCSI_TARGET] = TABLE(p_scsi_target),
        [HD_DEV_SCSI] = TABLE(p_scsi),
        [HD_DEV_SCSI_GENERIC] = TABLE(p_sg),
        [HD_DEV_NET] = TABLE(p_net),
        [HD_DEV_BLOCK] = TABLE(p_block),
        [HD_DEV_MDEV] = TABLE(p_mdev),
};

/* D's property table, or NULL for a NULL or corrupt device */
static const struct prop_table *table_of(const struct hd_dev *d)
{
        return d && (unsigned)d->type < _HD_DEV_TYPE_MAX ? &tables[d->type] : NULL;
}

HD_EXPORT int hd_dev_get_property_at(const struct hd_dev *dev, size_t index, const char **key,
                                     struct hd_value *value)
{
        const struct prop_table *t = table_of(dev);

        if (value)
                set_null(value);
        if (!t)
                return -EINVAL;
        if (index >= t->n)
                return -ENOENT;
        if (key)
                *key = t->p[index].key;
        if (!value)
                return 0;
        /* getters may fill names and details lazily: the cache is the only
         * thing they change */
        if (t->p[index].flags & LOAD)
                hd__dev_load_detail((struct hd_dev *)dev);
        t->p[index].get((struct hd_dev *)dev, value);
        return 0;
}

void hd__dev_load_detail(struct hd_dev *d)
{
        if (d && d->type == HD_DEV_PCI)
                hd__pci_load_detail(d);
        else if (d && d->type == HD_DEV_USB_DEVICE)
                hd__usb_load_detail(d);
        else
                hd__class_load_detail(d);
}

HD_EXPORT int hd_dev_get_property_flags(const struct hd_dev *dev, size_t index)
{
        const struct prop_table *t = table_of(dev);

        if (!t)
                return -EINVAL;
        return index < t->n ? t->p[index].flags & ~LOAD : -ENOENT;
}

HD_EXPORT int hd_dev_get_property(const struct hd_dev *dev, const char *key, struct hd_value *value)
{
        const struct prop_table *t = table_of(dev);

        if (value)
                set_null(value);
        if (!t || !key)
                return -EINVAL;
        for (size_t i = 0; i < t->n; i++)
                if (streq(t->p[i].key, key))
                        return hd_dev_get_property_at(dev, i, NULL, value);
        return -ENOENT;
}
