/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mdev.c: mediated devices in the tree, their names, a parent's types, a PF's SR-IOV counts. */
#include "testlib.h"

#define GVT "4b20d080-1b54-4048-85b3-a6a62d165c01"

static void test_gvtg(void **state)
{
        char *dir = tl_load_fixture("gvtg-host");
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        struct hd_dev *m, *p;
        struct hd_mdev_type *t = NULL;
        struct hd_value v;
        int n;
        (void)state;

        m = hd_ctx_find_device(ctx, GVT);
        assert_non_null(m);
        assert_int_equal(hd_dev_get_type(m), HD_DEV_MDEV);
        assert_string_equal(hd_dev_type_to_string(HD_DEV_MDEV), "mdev");
        assert_int_equal(hd_dev_type_from_string("mdev"), HD_DEV_MDEV);
        assert_string_equal(hd_dev_get_name(m), "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01_0000_00_02_0");
        /* every spelling finds the same device; another parent's name does not */
        assert_ptr_equal(hd_ctx_find_device(ctx, "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01"), m);
        assert_ptr_equal(hd_ctx_find_device(ctx, "4B20D080-1B54-4048-85B3-A6A62D165C01"), m);
        assert_null(hd_ctx_find_device(ctx, "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01_0000_00_14_0"));
        assert_null(hd_ctx_find_device(ctx, "mdev_4b20d080"));
        p = hd_dev_get_parent(m);
        assert_non_null(p);
        assert_string_equal(hd_dev_get_pci_address(p), "0000:00:02.0");
        assert_string_equal(hd_dev_get_mdev_uuid(m), GVT);
        assert_string_equal(hd_dev_get_mdev_type(m), "i915-GVTg_V5_4");
        assert_string_equal(hd_dev_get_mdev_device_api(m), "vfio-pci");
        assert_int_equal(hd_dev_get_mdev_iommu_group(m), 9);
        assert_string_equal(hd_dev_get_driver(m), "vfio_mdev");
        /* the mdev is no member of a PCI IOMMU group list */
        assert_int_equal(hd_dev_get_iommu_group(m), -1);
        assert_int_equal(hd_dev_get_property(m, "iommu_group", &v), 0);
        assert_int_equal(v.num, 9);
        assert_null(hd_dev_get_mdev_uuid(p));

        n = hd_dev_get_mdev_types(ctx, p, &t);
        assert_int_equal(n, 2);
        assert_string_equal(t[0].id, "i915-GVTg_V5_4");
        assert_string_equal(t[0].name, "GVTg_V5_4");
        assert_string_equal(t[0].device_api, "vfio-pci");
        assert_int_equal(t[0].available, 1);
        assert_non_null(strstr(t[0].description, "low_gm_size: 128MB"));
        assert_string_equal(t[1].id, "i915-GVTg_V5_8");
        assert_int_equal(t[1].available, 2);
        hd_mdev_types_free(t, (size_t)n);
        /* a device without types has none; no SR-IOV here */
        assert_int_equal(hd_dev_get_mdev_types(ctx, hd_ctx_find_device(ctx, "00:14.0"), &t), 0);
        assert_null(t);
        assert_int_equal(hd_dev_get_sriov(ctx, p, NULL, NULL, NULL), -ENODATA);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

static void test_sriov(void **state)
{
        char *dir = tl_load_fixture("vgpu-host");
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        int total = 0, num = -2, ap = -2;
        (void)state;

        assert_int_equal(hd_dev_get_sriov(ctx, hd_ctx_find_device(ctx, "3b:00.0"), &total, &num, &ap), 0);
        assert_int_equal(total, 64);
        assert_int_equal(num, 0);
        assert_int_equal(ap, 1);
        assert_int_equal(hd_dev_get_sriov(ctx, hd_ctx_find_device(ctx, "01:00.0"), &total, NULL, NULL), -ENODATA);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_gvtg),
                cmocka_unit_test(test_sriov),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
