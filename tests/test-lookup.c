/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lookup.c: devices by the names users type, lspci's -d, named classes, class names. */
#include "testlib.h"

TL_FIXTURE_GROUP(dir, "workstation-gpu")

static void expect_name(struct hd_ctx *ctx, const char *typed, const char *want)
{
        struct hd_dev *d = hd_ctx_find_device(ctx, typed);

        if (!want) {
                if (d)
                        fail_msg("%s found %s, wanted nothing", typed, hd_dev_get_name(d));
                assert_int_equal(errno, ENODEV);
                return;
        }
        if (!d)
                fail_msg("%s: not found, wanted %s", typed, want);
        assert_string_equal(hd_dev_get_name(d), want);
}

static void test_user_names(void **state)
{
        struct hd_ctx *ctx = tl_ctx(dir, 0);

        (void)state;
        expect_name(ctx, "/dev/sg1", "scsi_generic_sg1");
        expect_name(ctx, "sg0", "scsi_generic_sg0");
        expect_name(ctx, "/dev/sda", "block_sda");
        expect_name(ctx, "sdb1", "block_sdb1");
        expect_name(ctx, "nvme0n1p3", "block_nvme0n1p3");
        expect_name(ctx, "/dev/nvme0", "pci_0000_03_00_0");
        expect_name(ctx, "enp2s0", "net_enp2s0_18_c0_4d_12_34_56");
        expect_name(ctx, "001:003", "usb_1_5_4");
        expect_name(ctx, "2:2", "usb_2_1");
        expect_name(ctx, "/dev/bus/usb/002/002", "usb_2_1");
        expect_name(ctx, "6:0:0:0", "scsi_6_0_0_0");
        expect_name(ctx, "0:0:0", "scsi_target0_0_0");
        expect_name(ctx, "host6", "scsi_host6");
        expect_name(ctx, "/dev/vfio/1", "pci_0000_01_00_0");   /* not the root port */
        expect_name(ctx, "/dev/vfio/5", "pci_0000_00_1c_0");   /* bridges only: the bridge */
        /* near misses find nothing */
        expect_name(ctx, "/dev/sg9", NULL);
        expect_name(ctx, "/dev/vfio/99", NULL);
        expect_name(ctx, "/dev/vfio/1/x", NULL);
        expect_name(ctx, "/dev/bus/usb/001", NULL);
        expect_name(ctx, "/dev/bus/usb/001/003/4", NULL);
        expect_name(ctx, "001:003:", NULL);
        expect_name(ctx, "1:2:3:4:5", NULL);
        expect_name(ctx, "-1:0:0:0", NULL);
        expect_name(ctx, "99999999999:1", NULL);
        expect_name(ctx, "/dev/nvme9", NULL);
        expect_name(ctx, "/dev/", NULL);
        expect_name(ctx, "/dev/../sys", NULL);
        expect_name(ctx, "computer", "computer");
        hd_ctx_unref(ctx);
}

static int count(struct hd_ctx *ctx, const char *spec, const char *class_name)
{
        int n = 0;

        for (size_t i = 0; i < hd_ctx_get_n_devices(ctx); i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                int r = spec ? hd_dev_match_id(d, spec) : hd_dev_match_class(d, class_name);
                assert_true(r == 0 || r == 1);
                n += r;
        }
        return n;
}

static void test_match_id(void **state)
{
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        static const char *const bad[] = { "", "10de", "1:2:3:4", "xyz:", "12345:", ":12345",
                                           "::1", "::123", "::1234567", "10de:1b80:03:", NULL };

        (void)state;
        for (size_t i = 0; bad[i]; i++)
                if (hd_dev_match_id(NULL, bad[i]) != -EINVAL)
                        fail_msg("'%s' accepted", bad[i]);
        assert_int_equal(hd_dev_match_id(NULL, ":"), 0);
        assert_int_equal(count(ctx, "10de:", NULL), 2);
        assert_int_equal(count(ctx, "10de:1b80", NULL), 1);
        assert_int_equal(count(ctx, "*:1b80", NULL), 1);
        assert_int_equal(count(ctx, "::0300", NULL), 2);
        assert_int_equal(count(ctx, "::03", NULL), 2);
        assert_int_equal(count(ctx, "::030000", NULL), 2);
        assert_int_equal(count(ctx, "::030001", NULL), 0);
        assert_int_equal(count(ctx, "8086::0c03", NULL), 1);
        assert_int_equal(count(ctx, "046d:c31c", NULL), 1);     /* USB, as lsusb -d */
        assert_int_equal(count(ctx, "046d:c31c:03", NULL), 0);  /* classes are PCI's */
        hd_ctx_unref(ctx);
}

static void test_classes(void **state)
{
        struct hd_ctx *ctx = tl_ctx(dir, 1);
        struct hd_dev *gpu = hd_ctx_find_device(ctx, "01:00.0");
        size_t n = 0;

        (void)state;
        while (hd_class_name_at(n))
                n++;
        assert_int_equal(n, 6);
        assert_int_equal(hd_dev_match_class(NULL, "gpu"), 0);
        assert_int_equal(hd_dev_match_class(NULL, "toaster"), -EINVAL);
        assert_int_equal(hd_dev_match_class(gpu, "toaster"), -EINVAL);
        assert_int_equal(count(ctx, NULL, "gpu"), 2);
        assert_int_equal(count(ctx, NULL, "nic"), 1);
        assert_int_equal(count(ctx, NULL, "nvme"), 1);
        assert_int_equal(count(ctx, NULL, "usb"), 1);
        assert_int_equal(count(ctx, NULL, "audio"), 2);
        assert_int_equal(count(ctx, NULL, "storage"), 3);       /* AHCI, NVMe, the USB stick */
        assert_string_equal(hd_dev_get_class_name(gpu), "VGA compatible controller");
        assert_string_equal(hd_dev_get_class_name(hd_ctx_find_device(ctx, "usb_1_5")), "Hub");
        /* class 0 on the device: its first interface's */
        assert_string_equal(hd_dev_get_class_name(hd_ctx_find_device(ctx, "1-5.4")), "Human Interface Device");
        assert_null(hd_dev_get_class_name(hd_ctx_find_device(ctx, "computer")));
        hd_ctx_unref(ctx);
        ctx = tl_ctx(dir, 0);   /* names off: no class names either */
        assert_null(hd_dev_get_class_name(hd_ctx_find_device(ctx, "01:00.0")));
        hd_ctx_unref(ctx);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_user_names),
                cmocka_unit_test(test_match_id),
                cmocka_unit_test(test_classes),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
