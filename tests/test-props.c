/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Properties (props.c): every property of every device type, on recordings;
 * each type's key set and order (the keys of `hostdev list -J`), the values,
 * values that outlive a copy, and the NULL/unknown rules. */
#include "testlib.h"
#include <sys/stat.h>

struct fx {
        char *dir;
        struct hd_ctx *ctx;
};

/* The keys of each type, in order; '+' marks a detail property. */
static const char *const keys[_HD_DEV_TYPE_MAX] = {
        [HD_DEV_SYSTEM] = "name type parent sysfs_path +iommufd",
        [HD_DEV_PCI] = "name type parent sysfs_path address vendor_id device_id subsystem_vendor_id "
                       "subsystem_device_id class vendor_name device_name driver iommu_group +numa_node "
                       "physfn virtfns boot_vga +reset_method +driver_override +vfio_dev",
        [HD_DEV_USB_DEVICE] = "name type parent sysfs_path sysname busnum devnum vendor_id product_id "
                              "manufacturer product serial +speed class driver vendor_name product_name",
        [HD_DEV_USB_INTERFACE] = "name type parent sysfs_path sysname number class subclass protocol driver",
        [HD_DEV_SCSI_HOST] = "name type parent sysfs_path host driver wwnn wwpn",
        [HD_DEV_SCSI_TARGET] = "name type parent sysfs_path host channel target",
        [HD_DEV_SCSI] = "name type parent sysfs_path host channel target lun vendor model scsi_type "
                        "driver block sg",
        [HD_DEV_SCSI_GENERIC] = "name type parent sysfs_path sg +dev",
        [HD_DEV_NET] = "name type parent sysfs_path interface address +operstate",
        [HD_DEV_BLOCK] = "name type parent sysfs_path block +size +dev",
        [HD_DEV_MDEV] = "name type parent sysfs_path uuid mdev_type device_api driver iommu_group",
};

static int setup_fixture(void **state, const char *name)
{
        struct fx *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        f->dir = tl_load_fixture(name);
        f->ctx = tl_ctx(f->dir, 0);
        *state = f;
        return 0;
}
static int setup_ws(void **state) { return setup_fixture(state, "workstation-gpu"); }
static int setup_gvtg(void **state) { return setup_fixture(state, "gvtg-host"); }

static int teardown(void **state)
{
        struct fx *f = *state;

        hd_ctx_unref(f->ctx);
        tl_rm_rf(f->dir);
        free(f);
        return 0;
}

static struct hd_dev *dev(struct fx *f, const char *name)
{
        struct hd_dev *d = hd_ctx_find_device(f->ctx, name);

        if (!d)
                fail_msg("no device %s", name);
        return d;
}

static void assert_str(struct hd_dev *d, const char *key, const char *want)
{
        struct hd_value v;

        assert_int_equal(hd_dev_get_property(d, key, &v), 0);
        if (!want) {
                if (v.kind != HD_VALUE_NULL)
                        fail_msg("%s %s: kind %d, want null", hd_dev_get_name(d), key, v.kind);
                return;
        }
        if (v.kind != HD_VALUE_STRING)
                fail_msg("%s %s: kind %d, want string", hd_dev_get_name(d), key, v.kind);
        assert_string_equal(v.str, want);
}

static void assert_num(struct hd_dev *d, const char *key, enum hd_value_kind kind, long long want)
{
        struct hd_value v;

        assert_int_equal(hd_dev_get_property(d, key, &v), 0);
        if (v.kind != kind || v.num != want)
                fail_msg("%s %s: kind %d num %lld, want kind %d num %lld", hd_dev_get_name(d), key,
                         v.kind, v.num, kind, want);
        assert_null(v.str);
}

/* Every device: its keys are its type's, in order, with the right flags;
 * by index and by key give the same value; a string value is never NULL
 * and other kinds carry no string. */
static void check_every_property(struct fx *f, unsigned *seen)
{
        for (size_t i = 0; i < hd_ctx_get_n_devices(f->ctx); i++) {
                struct hd_dev *d = hd_ctx_get_device(f->ctx, i);
                enum hd_dev_type t = hd_dev_get_type(d);
                char want[512], got[512] = "";
                const char *key;
                struct hd_value v, w;
                size_t k;

                for (k = 0; hd_dev_get_property_at(d, k, &key, &v) == 0; k++) {
                        int flags = hd_dev_get_property_flags(d, k);

                        assert_true(flags >= 0);
                        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s%s", k ? " " : "",
                                 flags & HD_PROPERTY_DETAIL ? "+" : "", key);
                        assert_int_equal(hd_dev_get_property(d, key, &w), 0);
                        assert_int_equal(v.kind, w.kind);
                        assert_true(v.num == w.num);
                        if (v.kind == HD_VALUE_STRING) {
                                assert_non_null(v.str);
                                assert_string_equal(v.str, w.str);
                        } else {
                                assert_null(v.str);
                        }
                }
                assert_int_equal(hd_dev_get_property_flags(d, k), -ENOENT);
                snprintf(want, sizeof(want), "%s", keys[t]);
                if (strcmp(want, got))
                        fail_msg("%s (%s): keys\n  %s\nwant\n  %s", hd_dev_get_name(d),
                                 hd_dev_type_to_string(t), got, want);
                /* the common four */
                assert_str(d, "name", hd_dev_get_name(d));
                assert_str(d, "type", hd_dev_type_to_string(t));
                seen[t]++;
        }
}

static void test_every_property(void **state)
{
        struct fx *f = *state;
        unsigned seen[_HD_DEV_TYPE_MAX] = { 0 };

        check_every_property(f, seen);
        /* the workstation has every type but mdev */
        for (int t = 0; t < _HD_DEV_TYPE_MAX; t++)
                if (t != HD_DEV_MDEV && !seen[t])
                        fail_msg("no device of type %s", hd_dev_type_to_string(t));
}

static void test_pci(void **state)
{
        struct fx *f = *state;
        struct hd_dev *gpu = dev(f, "01:00.0"), *host = dev(f, "00:00.0");

        assert_str(gpu, "parent", "pci_0000_00_01_0");
        assert_str(gpu, "sysfs_path", "/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0");
        assert_str(gpu, "address", "0000:01:00.0");
        assert_str(gpu, "vendor_id", "10de");
        assert_str(gpu, "device_id", "1b80");
        assert_str(gpu, "subsystem_vendor_id", "10de");
        assert_str(gpu, "subsystem_device_id", "119e");
        assert_str(gpu, "class", "030000");
        assert_str(gpu, "vendor_name", NULL);    /* names off */
        assert_str(gpu, "device_name", NULL);
        assert_str(gpu, "driver", "nouveau");
        assert_num(gpu, "iommu_group", HD_VALUE_INT, 1);
        assert_str(gpu, "numa_node", NULL);
        assert_str(gpu, "physfn", NULL);
        assert_num(gpu, "virtfns", HD_VALUE_INT, 0);
        assert_num(gpu, "boot_vga", HD_VALUE_BOOL, 0);
        assert_str(gpu, "reset_method", "flr bus");
        assert_str(gpu, "driver_override", NULL);
        assert_str(gpu, "vfio_dev", NULL);
        assert_str(host, "class", "060000");
        assert_str(host, "subsystem_vendor_id", "1458");
        assert_str(host, "driver", "skl_uncore");
        assert_str(host, "boot_vga", NULL);
}

static void test_usb(void **state)
{
        struct fx *f = *state;
        struct hd_dev *hub = dev(f, "usb1"), *iface = dev(f, "usb_1_5_4_1_0");

        assert_str(hub, "sysname", "usb1");
        assert_num(hub, "busnum", HD_VALUE_INT, 1);
        assert_num(hub, "devnum", HD_VALUE_INT, 1);
        assert_str(hub, "vendor_id", "1d6b");
        assert_str(hub, "product_id", "0002");
        assert_str(hub, "manufacturer", "Linux 6.1.0-13-amd64 xhci-hcd");
        assert_str(hub, "product", "xHCI Host Controller");
        assert_str(hub, "serial", "0000:00:14.0");
        assert_str(hub, "speed", "480");
        assert_str(hub, "class", "09");
        assert_str(hub, "driver", "usb");
        assert_str(hub, "vendor_name", NULL);    /* has strings: no hwdb name */
        assert_str(hub, "product_name", NULL);
        assert_str(iface, "sysname", "1-5.4:1.0");
        assert_num(iface, "number", HD_VALUE_INT, 0);
        assert_str(iface, "class", "03");
        assert_str(iface, "subclass", "01");
        assert_str(iface, "protocol", "01");
        assert_str(iface, "driver", "usbhid");
}

static void test_scsi_net_block(void **state)
{
        struct fx *f = *state;
        struct hd_dev *host = dev(f, "scsi_host6"), *tgt = dev(f, "scsi_target6_0_0");
        struct hd_dev *lun = dev(f, "6:0:0:0"), *sg = dev(f, "sg1"), *blk = dev(f, "sdb");
        struct hd_dev *net = dev(f, "enp2s0"), *root = hd_ctx_get_root(f->ctx);

        assert_num(host, "host", HD_VALUE_INT, 6);
        assert_str(host, "driver", NULL);
        assert_str(host, "wwnn", NULL);
        assert_str(host, "wwpn", NULL);
        assert_num(tgt, "channel", HD_VALUE_INT, 0);
        assert_num(tgt, "target", HD_VALUE_INT, 0);
        assert_num(lun, "lun", HD_VALUE_INT, 0);
        assert_str(lun, "vendor", "SanDisk ");
        assert_str(lun, "model", "Ultra           ");
        assert_num(lun, "scsi_type", HD_VALUE_INT, 0);
        assert_str(lun, "driver", "sd");
        assert_str(lun, "block", "sdb");
        assert_str(lun, "sg", "sg1");
        assert_str(sg, "sg", "sg1");
        assert_str(sg, "dev", "21:1");
        assert_str(blk, "block", "sdb");
        assert_num(blk, "size", HD_VALUE_INT, 30752636928LL);
        assert_str(blk, "dev", "8:16");
        assert_str(net, "interface", "enp2s0");
        assert_str(net, "address", "18:c0:4d:12:34:56");
        assert_str(net, "operstate", "up");
        assert_str(root, "parent", NULL);
        assert_str(root, "sysfs_path", NULL);
        assert_num(root, "iommufd", HD_VALUE_BOOL, 0);
}

/* A value holds no text: a copy stays valid and unchanged while the scan
 * lives, whatever is asked after it (formatted hex IDs included). */
static void test_copy_survives(void **state)
{
        struct fx *f = *state;
        struct hd_dev *gpu = dev(f, "01:00.0"), *hub = dev(f, "usb1");
        struct hd_value a, b, copy[4];
        const char *before;

        assert_int_equal(hd_dev_get_property(gpu, "vendor_id", &a), 0);
        copy[0] = a;
        assert_int_equal(hd_dev_get_property(gpu, "class", &copy[1]), 0);
        assert_int_equal(hd_dev_get_property(hub, "vendor_id", &copy[2]), 0);
        assert_int_equal(hd_dev_get_property(gpu, "driver", &copy[3]), 0);
        before = a.str;
        memset(&a, 0xa5, sizeof(a));     /* the original goes; the copy does not care */
        for (size_t i = 0; i < hd_ctx_get_n_devices(f->ctx); i++)
                for (size_t k = 0; hd_dev_get_property_at(hd_ctx_get_device(f->ctx, i), k, NULL, &b) == 0; k++)
                        ;
        assert_ptr_equal(copy[0].str, before);
        assert_string_equal(copy[0].str, "10de");
        assert_string_equal(copy[1].str, "030000");
        assert_string_equal(copy[2].str, "1d6b");
        assert_string_equal(copy[3].str, "nouveau");
        /* the same property asked again: the same device-owned string */
        assert_int_equal(hd_dev_get_property(gpu, "vendor_id", &b), 0);
        assert_ptr_equal(b.str, before);
}

/* vfio_dev is read on every get into the device's own buffer */
static void test_vfio_dev(void **state)
{
        struct fx *f = *state;
        struct hd_dev *gpu = dev(f, "01:00.0");
        char path[1024];
        struct hd_value v;

        assert_str(gpu, "vfio_dev", NULL);
        snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/0000:01:00.0/vfio-dev", f->dir);
        assert_int_equal(mkdir(path, 0755), 0);
        strcat(path, "/vfio7");
        assert_int_equal(mkdir(path, 0755), 0);
        assert_int_equal(hd_dev_get_property(gpu, "vfio_dev", &v), 0);
        assert_int_equal(v.kind, HD_VALUE_STRING);
        assert_string_equal(v.str, "vfio7");
        assert_int_equal(rmdir(path), 0);
        *strrchr(path, '/') = '\0';
        assert_int_equal(rmdir(path), 0);
        assert_str(gpu, "vfio_dev", NULL);
}

static void test_mdev(void **state)
{
        struct fx *f = *state;
        unsigned seen[_HD_DEV_TYPE_MAX] = { 0 };
        struct hd_dev *m = dev(f, "4b20d080-1b54-4048-85b3-a6a62d165c01");

        check_every_property(f, seen);
        assert_true(seen[HD_DEV_MDEV] > 0);
        assert_str(m, "parent", "pci_0000_00_02_0");
        assert_str(m, "uuid", "4b20d080-1b54-4048-85b3-a6a62d165c01");
        assert_str(m, "mdev_type", "i915-GVTg_V5_4");
        assert_str(m, "device_api", "vfio-pci");
        assert_str(m, "driver", "vfio_mdev");
        assert_num(m, "iommu_group", HD_VALUE_INT, 9);
}

/* NULL device: -EINVAL; an unknown key or an index past the last: -ENOENT;
 * the value is NULL-kind whenever the call fails. */
static void test_errors(void **state)
{
        struct fx *f = *state;
        struct hd_dev *gpu = dev(f, "01:00.0");
        const char *key = "untouched";
        struct hd_value v;

        memset(&v, 0x5a, sizeof(v));
        assert_int_equal(hd_dev_get_property(NULL, "name", &v), -EINVAL);
        assert_int_equal(v.kind, HD_VALUE_NULL);
        assert_null(v.str);
        memset(&v, 0x5a, sizeof(v));
        assert_int_equal(hd_dev_get_property_at(NULL, 0, &key, &v), -EINVAL);
        assert_int_equal(v.kind, HD_VALUE_NULL);
        assert_string_equal(key, "untouched");
        assert_int_equal(hd_dev_get_property_flags(NULL, 0), -EINVAL);
        assert_int_equal(hd_dev_get_property(gpu, NULL, &v), -EINVAL);
        memset(&v, 0x5a, sizeof(v));
        assert_int_equal(hd_dev_get_property(gpu, "no_such_key", &v), -ENOENT);
        assert_int_equal(v.kind, HD_VALUE_NULL);
        assert_int_equal(hd_dev_get_property(gpu, "operstate", &v), -ENOENT);    /* a net key */
        memset(&v, 0x5a, sizeof(v));
        assert_int_equal(hd_dev_get_property_at(gpu, 999, &key, &v), -ENOENT);
        assert_int_equal(v.kind, HD_VALUE_NULL);
        assert_int_equal(hd_dev_get_property_flags(gpu, 999), -ENOENT);
        /* key and value are optional */
        assert_int_equal(hd_dev_get_property_at(gpu, 0, NULL, NULL), 0);
        assert_int_equal(hd_dev_get_property(gpu, "name", NULL), 0);
}

int main(void)
{
        const struct CMUnitTest ws[] = {
                cmocka_unit_test_setup_teardown(test_every_property, setup_ws, teardown),
                cmocka_unit_test_setup_teardown(test_pci, setup_ws, teardown),
                cmocka_unit_test_setup_teardown(test_usb, setup_ws, teardown),
                cmocka_unit_test_setup_teardown(test_scsi_net_block, setup_ws, teardown),
                cmocka_unit_test_setup_teardown(test_copy_survives, setup_ws, teardown),
                cmocka_unit_test_setup_teardown(test_vfio_dev, setup_ws, teardown),
                cmocka_unit_test_setup_teardown(test_mdev, setup_gvtg, teardown),
                cmocka_unit_test_setup_teardown(test_errors, setup_ws, teardown),
        };

        return cmocka_run_group_tests(ws, NULL, NULL);
}
