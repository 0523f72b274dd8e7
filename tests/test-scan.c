/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The scanner and tree on recordings of real hosts. */
#include "testlib.h"

static void test_laptop_groups(void **state)
{
        char *dir = tl_load_fixture("ghw-415ee03b");
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        struct hd_dev *nvme, *igpu;
        struct hd_dev *const *members;
        size_t n;
        (void)state;

        assert_int_equal(hd_ctx_get_n_iommu_groups(ctx), 15);
        members = hd_ctx_get_iommu_group_devices(ctx, 13, &n);
        assert_int_equal(n, 4);
        assert_string_equal(hd_dev_get_pci_address(members[0]), "0000:00:1f.0");
        assert_null(members[4]);
        assert_null(hd_ctx_get_iommu_group_devices(ctx, 999, &n));
        assert_int_equal(n, 0);

        igpu = hd_ctx_find_device(ctx, "00:02.0");
        assert_non_null(igpu);
        assert_string_equal(hd_dev_get_name(igpu), "pci_0000_00_02_0");
        assert_string_equal(hd_dev_get_driver(igpu), "i915");
        assert_int_equal(hd_dev_get_iommu_group(igpu), 0);
        assert_int_equal(hd_dev_get_pci_class(igpu), 0x030000);
        assert_ptr_equal(hd_ctx_find_device(ctx, "0000:00:02.0"), igpu);
        assert_ptr_equal(hd_ctx_find_device(ctx, "pci_0000_00_02_0"), igpu);
        assert_null(hd_ctx_find_device(ctx, "00:02.7"));

        /* the NVMe sits under its root port */
        nvme = hd_ctx_find_device(ctx, "0000:04:00.0");
        assert_non_null(nvme);
        assert_string_equal(hd_dev_get_name(hd_dev_get_parent(nvme)), "pci_0000_00_06_0");
        assert_true(hd_dev_is_pci_bridge(hd_dev_get_parent(nvme)));
        assert_false(hd_dev_is_pci_bridge(nvme));
        assert_string_equal(hd_dev_get_sysfs_path(nvme), "/sys/devices/pci0000:00/0000:00:06.0/0000:04:00.0");
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

static void test_usb_chain(void **state)
{
        char *dir = tl_load_fixture("umockdev-fido2");
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        struct hd_dev *key, *hub, *root, *iface;
        uint16_t v, p;
        int bus, dev;
        (void)state;

        key = hd_ctx_find_device(ctx, "1-2.3");
        assert_non_null(key);
        assert_string_equal(hd_dev_get_name(key), "usb_1_2_3");
        assert_int_equal(hd_dev_get_usb_ids(key, &v, &p), 0);
        assert_int_equal(v, 0x1050);
        assert_int_equal(p, 0x0120);
        assert_int_equal(hd_dev_get_usb_busdev(key, &bus, &dev), 0);
        assert_int_equal(bus, 1);
        assert_int_equal(dev, 12);
        hub = hd_dev_get_parent(key);
        assert_string_equal(hd_dev_get_name(hub), "usb_1_2");
        assert_true(hd_dev_is_usb_hub(hub));
        assert_false(hd_dev_is_usb_root_hub(hub));
        root = hd_dev_get_parent(hub);
        assert_true(hd_dev_is_usb_root_hub(root));
        assert_string_equal(hd_dev_get_name(hd_dev_get_parent(root)), "pci_0000_05_00_3");
        iface = hd_dev_get_first_child(key);
        assert_non_null(iface);
        assert_int_equal(hd_dev_get_type(iface), HD_DEV_USB_INTERFACE);
        assert_string_equal(hd_dev_get_name(iface), "usb_1_2_3_1_0");
        assert_string_equal(hd_dev_get_driver(iface), "usbhid");
        /* properties: the JSON contract */
        struct hd_value val;
        assert_int_equal(hd_dev_get_property(key, "product", &val), 0);
        assert_int_equal(val.kind, HD_VALUE_STRING);
        assert_string_equal(val.str, "Security Key by Yubico");
        assert_int_equal(hd_dev_get_property(key, "busnum", &val), 0);
        assert_int_equal(val.kind, HD_VALUE_INT);
        assert_int_equal(val.num, 1);
        assert_int_equal(hd_dev_get_property(key, "no_such_key", &val), -ENOENT);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

static void test_server_scsi(void **state)
{
        char *dir = tl_load_fixture("hwloc-40intel64-xeon-e7-4870");
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        struct hd_dev *lun, *sg, *hba;
        struct hd_value val;
        int h, c, t, l;
        (void)state;

        assert_int_equal(hd_ctx_get_n_iommu_groups(ctx), 0);
        sg = hd_ctx_find_device(ctx, "sg0");
        assert_non_null(sg);
        assert_string_equal(hd_dev_get_name(sg), "scsi_generic_sg0");
        lun = hd_dev_get_parent(sg);
        assert_int_equal(hd_dev_get_type(lun), HD_DEV_SCSI);
        assert_int_equal(hd_dev_get_scsi_address(lun, &h, &c, &t, &l), 0);
        assert_int_equal(h * 1000 + c * 100 + t * 10 + l, 200);
        assert_int_equal(hd_dev_get_property(lun, "block", &val), 0);
        assert_string_equal(val.str, "sda");
        assert_int_equal(hd_dev_get_property(lun, "sg", &val), 0);
        assert_string_equal(val.str, "sg0");
        hba = hd_dev_get_parent(hd_dev_get_parent(hd_dev_get_parent(lun)));
        assert_int_equal(hd_dev_get_type(hba), HD_DEV_PCI);
        assert_string_equal(hd_dev_get_driver(hba), "megaraid_sas");
        /* no IOMMU: groups absent, not an error */
        assert_int_equal(hd_dev_get_iommu_group(hba), -1);
        assert_int_equal(hd_dev_get_property(hba, "iommu_group", &val), 0);
        assert_int_equal(val.kind, HD_VALUE_NULL);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* every device is reachable from computer, parents first, indexes match */
static void test_order(void **state)
{
        static const char *const names[] = { "ghw-415ee03b", "kvm-guest-virtio", "umockdev-usbkbd" };
        (void)state;
        for (size_t k = 0; k < 3; k++) {
                char *dir = tl_load_fixture(names[k]);
                struct hd_ctx *ctx = tl_ctx(dir, 1);
                size_t n = hd_ctx_get_n_devices(ctx);
                assert_ptr_equal(hd_ctx_get_device(ctx, 0), hd_ctx_get_root(ctx));
                assert_null(hd_ctx_get_device(ctx, n));
                for (size_t i = 1; i < n; i++) {
                        struct hd_dev *d = hd_ctx_get_device(ctx, i);
                        assert_int_equal(hd_dev_get_index(d), i);
                        assert_true(hd_dev_get_index(hd_dev_get_parent(d)) < i);
                }
                /* a second scan replaces the first */
                assert_int_equal(hd_ctx_scan(ctx), (int)n);
                hd_ctx_unref(ctx);
                tl_rm_rf(dir);
        }
}

/* Every property of every device, one line each (detail included) */
static char *dump(struct hd_ctx *ctx)
{
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);

        assert_non_null(f);
        for (size_t i = 0; i < hd_ctx_get_n_devices(ctx); i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                const char *key;
                struct hd_value v;
                for (size_t k = 0; hd_dev_get_property_at(d, k, &key, &v) == 0; k++) {
                        fprintf(f, "%s %s=", hd_dev_get_name(d), key);
                        if (v.kind == HD_VALUE_STRING)
                                fprintf(f, "'%s'\n", v.str);
                        else if (v.kind == HD_VALUE_NULL)
                                fputs("null\n", f);
                        else
                                fprintf(f, "%lld\n", v.num);
                }
        }
        fclose(f);
        return out;
}

/* A recorded tree without uevent files: the same devices with the same
 * properties, from the separate attributes and the driver links */
static void test_uevent_fallback(void **state)
{
        static const char *const names[] = { "workstation-gpu", "server-sas",
                                             "hwloc-40intel64-xeon-e7-4870", "umockdev-canon-powershot-sx200",
                                             "sriov-nic" };
        (void)state;
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
                char *dir = tl_load_fixture(names[k]), cmd[700];
                struct hd_ctx *ctx = tl_ctx(dir, 0);
                char *before = dump(ctx), *after;
                size_t n = hd_ctx_get_n_devices(ctx);
                hd_ctx_unref(ctx);
                snprintf(cmd, sizeof(cmd), "find '%s/sys/devices' -name uevent -delete", dir);
                assert_int_equal(system(cmd), 0);
                snprintf(cmd, sizeof(cmd), "test -z \"$(find '%s/sys/devices' -name uevent)\"", dir);
                assert_int_equal(system(cmd), 0);
                ctx = tl_ctx(dir, 0);
                assert_int_equal(hd_ctx_get_n_devices(ctx), n);
                after = dump(ctx);
                if (strcmp(before, after) != 0)
                        fail_msg("%s: properties differ without uevent", names[k]);
                free(before);
                free(after);
                hd_ctx_unref(ctx);
                tl_rm_rf(dir);
        }
}

/* The parent chain of LUN D: its target, then (past SAS port and end
 * device directories, which are no devices) its host, then its controller */
static void assert_lun_chain(struct hd_dev *d)
{
        struct hd_dev *t = hd_dev_get_parent(d), *h;
        int lh, lc, lt, th, tc, tt, hh;

        assert_int_equal(hd_dev_get_scsi_address(d, &lh, &lc, &lt, NULL), 0);
        assert_int_equal(hd_dev_get_type(t), HD_DEV_SCSI_TARGET);
        assert_int_equal(hd_dev_get_scsi_address(t, &th, &tc, &tt, NULL), 0);
        assert_true(th == lh && tc == lc && tt == lt);
        for (h = hd_dev_get_parent(t); h && hd_dev_get_type(h) != HD_DEV_SCSI_HOST;)
                h = hd_dev_get_parent(h);
        assert_non_null(h);
        assert_int_equal(hd_dev_get_scsi_address(h, &hh, NULL, NULL, NULL), 0);
        assert_int_equal(hh, lh);
        /* the host's controller: a PCI function or a USB interface */
        assert_true(hd_dev_get_type(hd_dev_get_parent(h)) == HD_DEV_PCI ||
                    hd_dev_get_type(hd_dev_get_parent(h)) == HD_DEV_USB_INTERFACE);
}

/* A partial recording: without bus/scsi/devices/hostN and targetH:C:T the
 * same devices with the same properties (hosts from class/scsi_host, hosts
 * and targets from the LUNs' paths); without class/scsi_host too, every LUN
 * still under its target under its host */
static void test_partial_scsi(void **state)
{
        static const char *const names[] = { "server-sas", "hwloc-40intel64-xeon-e7-4870",
                                             "workstation-gpu" };
        (void)state;
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
                char *dir = tl_load_fixture(names[k]), cmd[700];
                struct hd_ctx *ctx = tl_ctx(dir, 0);
                char *before = dump(ctx), *after;
                size_t n = hd_ctx_get_n_devices(ctx), luns = 0;
                hd_ctx_unref(ctx);
                snprintf(cmd, sizeof(cmd), "cd '%s/sys/bus/scsi/devices' && rm host* target*", dir);
                assert_int_equal(system(cmd), 0);
                ctx = tl_ctx(dir, 0);
                assert_int_equal(hd_ctx_get_n_devices(ctx), n);
                after = dump(ctx);
                if (strcmp(before, after) != 0)
                        fail_msg("%s: properties differ without bus/scsi/devices hosts and targets", names[k]);
                free(before);
                free(after);
                hd_ctx_unref(ctx);
                snprintf(cmd, sizeof(cmd), "rm -r '%s/sys/class/scsi_host'", dir);
                assert_int_equal(system(cmd), 0);
                ctx = tl_ctx(dir, 0);
                for (size_t i = 0; i < hd_ctx_get_n_devices(ctx); i++) {
                        struct hd_dev *d = hd_ctx_get_device(ctx, i);
                        if (hd_dev_get_type(d) == HD_DEV_SCSI) {
                                assert_lun_chain(d);
                                luns++;
                        }
                }
                assert_true(luns > 0);
                hd_ctx_unref(ctx);
                tl_rm_rf(dir);
        }
}

/* uevent DRIVER= and the driver link disagree: the link wins */
static void test_driver_link_wins(void **state)
{
        char *dir = tl_load_fixture("driver-disagree");
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        (void)state;

        assert_string_equal(hd_dev_get_driver(hd_ctx_find_device(ctx, "01:00.0")), "nouveau");
        assert_string_equal(hd_dev_get_driver(hd_ctx_find_device(ctx, "1-5.4:1.0")), "usbhid");
        assert_string_equal(hd_dev_get_driver(hd_ctx_find_device(ctx, "scsi_6_0_0_0")), "sd");
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

static const char *prop_str(struct hd_dev *d, const char *key)
{
        struct hd_value v;

        assert_int_equal(hd_dev_get_property(d, key, &v), 0);
        return v.kind == HD_VALUE_STRING ? v.str : NULL;
}

/* Pinned name data: PCI names from the file given, nothing else; no hwdb
 * names for USB when it is off */
static void test_pinned_names(void **state)
{
        char *dir = tl_load_fixture("workstation-gpu"), ids[] = "/tmp/hostdev-ids-XXXXXX";
        struct hd_ctx *ctx = NULL;
        int fd = mkstemp(ids);
        static const char text[] = "10de  Pinned Vendor\n\t1b80  Pinned GPU\n";
        (void)state;

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
        close(fd);
        assert_int_equal(hd_ctx_new(&ctx), 0);
        assert_int_equal(hd_ctx_set_pci_ids(ctx, "/nonexistent/pci.ids"), -ENOENT);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "/nonexistent/pci.ids"));
        assert_int_equal(hd_ctx_set_pci_ids(ctx, "/tmp"), -EINVAL);
        assert_int_equal(hd_ctx_set_pci_ids(ctx, ids), 0);
        assert_int_equal(hd_ctx_set_usb_hwdb(ctx, false), 0);
        assert_int_equal(hd_ctx_set_sysroot(ctx, dir), 0);
        assert_true(hd_ctx_scan(ctx) > 0);
        assert_string_equal(prop_str(hd_ctx_find_device(ctx, "01:00.0"), "vendor_name"), "Pinned Vendor");
        assert_string_equal(prop_str(hd_ctx_find_device(ctx, "01:00.0"), "device_name"), "Pinned GPU");
        /* not in the file: no name, not the system's */
        assert_null(prop_str(hd_ctx_find_device(ctx, "00:00.0"), "vendor_name"));
        assert_null(prop_str(hd_ctx_find_device(ctx, "01:00.1"), "device_name"));
        /* a USB device without strings gets no hwdb name */
        for (size_t i = 0; i < hd_ctx_get_n_devices(ctx); i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                if (hd_dev_get_type(d) == HD_DEV_USB_DEVICE)
                        assert_null(prop_str(d, "vendor_name"));
        }
        /* too late once names were looked up */
        assert_int_equal(hd_ctx_set_pci_ids(ctx, NULL), -EBUSY);
        hd_ctx_unref(ctx);
        unlink(ids);
        tl_rm_rf(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_laptop_groups),
                cmocka_unit_test(test_usb_chain),
                cmocka_unit_test(test_server_scsi),
                cmocka_unit_test(test_order),
                cmocka_unit_test(test_uevent_fallback),
                cmocka_unit_test(test_partial_scsi),
                cmocka_unit_test(test_driver_link_wins),
                cmocka_unit_test(test_pinned_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
