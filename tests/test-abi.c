/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rules written at the top of hostdev.h: what getters give when there
 * is nothing to give, NULL objects, and the size of options structs. */
#include "testlib.h"
#include <limits.h>

TL_FIXTURE_GROUP(dir, "workstation-gpu")

/* NULL device: pointers NULL, counts 0, predicates false, numbers -1, int
 * getters with out-parameters -EINVAL (out-parameters left alone). */
static void test_null_device(void **state)
{
        uint16_t v = 7, p = 7;
        int a = 7, b = 7, c = 7, d = 7;
        struct hd_mdev_type *types = (void *)&a;
        char buf[16];
        (void)state;

        assert_null(hd_dev_get_name(NULL));
        assert_int_equal(hd_dev_get_type(NULL), _HD_DEV_TYPE_MAX);
        assert_null(hd_dev_get_parent(NULL));
        assert_null(hd_dev_get_first_child(NULL));
        assert_null(hd_dev_get_next_sibling(NULL));
        assert_true(hd_dev_get_index(NULL) == SIZE_MAX);
        assert_null(hd_dev_get_sysfs_path(NULL));
        assert_null(hd_dev_get_sysname(NULL));
        assert_null(hd_dev_get_driver(NULL));
        assert_null(hd_dev_get_class_name(NULL));
        assert_null(hd_dev_get_pci_address(NULL));
        assert_int_equal(hd_dev_get_pci_ids(NULL, &v, &p), -EINVAL);
        assert_int_equal(hd_dev_get_pci_class(NULL), -1);
        assert_int_equal(hd_dev_get_iommu_group(NULL), -1);
        assert_null(hd_dev_get_physfn(NULL));
        assert_int_equal(hd_dev_get_n_virtfns(NULL), 0);
        assert_null(hd_dev_get_virtfn(NULL, 0));
        assert_int_equal(hd_dev_get_boot_vga(NULL), -1);
        assert_null(hd_dev_get_reset_method(NULL));
        assert_null(hd_dev_get_driver_override(NULL));
        assert_false(hd_dev_is_pci_bridge(NULL));
        assert_int_equal(hd_dev_get_usb_busdev(NULL, &a, &b), -EINVAL);
        assert_int_equal(hd_dev_get_usb_ids(NULL, &v, &p), -EINVAL);
        assert_false(hd_dev_is_usb_hub(NULL));
        assert_false(hd_dev_is_usb_root_hub(NULL));
        assert_int_equal(hd_dev_get_scsi_address(NULL, &a, &b, &c, &d), -EINVAL);
        assert_null(hd_dev_get_mdev_uuid(NULL));
        assert_null(hd_dev_get_mdev_type(NULL));
        assert_null(hd_dev_get_mdev_device_api(NULL));
        assert_int_equal(hd_dev_get_mdev_iommu_group(NULL), -1);
        assert_int_equal(hd_dev_get_vfio_cdev(NULL, buf, sizeof(buf)), -EINVAL);
        assert_int_equal(hd_dev_get_property(NULL, "name", NULL), -EINVAL);
        assert_int_equal(hd_dev_get_property_flags(NULL, 0), -EINVAL);
        assert_int_equal(hd_dev_get_sriov(NULL, NULL, &a, &b, &c), -EINVAL);
        assert_int_equal(hd_dev_get_mdev_types(NULL, NULL, &types), -EINVAL);
        assert_null(types);
        /* out-parameters untouched */
        assert_int_equal(v, 7);
        assert_int_equal(p, 7);
        assert_int_equal(a, 7);
        assert_int_equal(d, 7);
        /* the other objects */
        assert_false(hd_verdict_is_eligible(NULL));
        assert_int_equal(hd_verdict_get_n_affected(NULL), 0);
        assert_null(hd_verdict_get_affected(NULL, 0));
        assert_int_equal(hd_verdict_get_n_reasons(NULL), 0);
        assert_int_equal(hd_verdict_get_reason(NULL, 0, NULL, NULL, NULL), -ENOENT);
        assert_int_equal(hd_report_get_n_items(NULL), 0);
        assert_null(hd_report_get_item(NULL, 0));
        assert_int_equal(hd_report_get_n_warnings(NULL), 0);
        assert_null(hd_report_get_warning(NULL, 0));
        assert_int_equal(hd_config_get_n_entries(NULL), 0);
        assert_null(hd_config_get_entry(NULL, 0));
        assert_int_equal(hd_config_get_n_errors(NULL), 0);
        assert_false(hd_config_entry_matches(NULL, NULL));
        assert_null(hd_config_match(NULL, NULL));
        assert_int_equal(hd_argv_get_n(NULL), 0);
        assert_null(hd_argv_get(NULL, 0));
        assert_null(hd_ctx_ref(NULL));
        assert_null(hd_ctx_unref(NULL));
}

/* A device of another type: the absent value of each kind of getter. */
static void test_wrong_type(void **state)
{
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        struct hd_dev *usb = hd_ctx_find_device(ctx, "1-5.4"), *gpu = hd_ctx_find_device(ctx, "01:00.0");
        uint16_t v = 7, p = 7;
        int a = 7, b = 7;
        (void)state;

        assert_non_null(usb);
        assert_non_null(gpu);
        assert_null(hd_dev_get_pci_address(usb));
        assert_int_equal(hd_dev_get_pci_ids(usb, &v, &p), -ENODATA);
        assert_int_equal(v, 7);
        assert_int_equal(hd_dev_get_pci_class(usb), -1);
        assert_int_equal(hd_dev_get_iommu_group(usb), -1);
        assert_int_equal(hd_dev_get_boot_vga(usb), -1);
        assert_int_equal(hd_dev_get_mdev_iommu_group(gpu), -1);
        assert_null(hd_dev_get_mdev_uuid(gpu));
        assert_int_equal(hd_dev_get_usb_busdev(gpu, &a, &b), -ENODATA);
        assert_int_equal(a, 7);
        assert_int_equal(hd_dev_get_usb_ids(gpu, &v, &p), -ENODATA);
        assert_int_equal(hd_dev_get_pci_class(gpu), 0x030000);
        assert_int_equal(hd_dev_get_usb_ids(usb, &v, &p), 0);
        /* past the last */
        assert_null(hd_ctx_get_device(ctx, hd_ctx_get_n_devices(ctx)));
        assert_int_equal(hd_ctx_get_iommu_group_id(ctx, hd_ctx_get_n_iommu_groups(ctx)), -ENOENT);
        assert_null(hd_dev_get_virtfn(gpu, 0));
        /* computer */
        assert_null(hd_dev_get_parent(hd_ctx_get_root(ctx)));
        assert_null(hd_dev_get_sysfs_path(hd_ctx_get_root(ctx)));
        hd_ctx_unref(ctx);
}

/* The options rule: SIZE from the init function; smaller -EINVAL, larger
 * accepted when the unknown tail is zero, else -E2BIG. */
struct big_qemu_opts {
        struct hd_qemu_opts o;
        long future[4];
};

static void test_opts_size(void **state)
{
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        struct hd_dev *gpu = hd_ctx_find_device(ctx, "01:00.0");
        struct hd_argv *a = hd_argv_new();
        struct hd_qemu_opts q;
        struct big_qemu_opts big;
        struct hd_xml_opts x;
        struct hd_bind_opts b;
        struct hd_persist_opts po = HD_PERSIST_OPTS_INIT, p0 = { 0 };
        struct hd_vf_net_opts vo;
        struct hd_apply_opts ao;
        struct hd_mdev_emit_opts mo;
        struct hd_config *c = NULL;
        char *xml = NULL;
        (void)state;

        assert_non_null(gpu);
        assert_non_null(a);
        hd_qemu_opts_init(&q);
        assert_int_equal(q.size, sizeof(q));
        assert_int_equal(po.size, sizeof(po));
        assert_int_equal(hd_emit_qemu(ctx, &gpu, 1, &q, a), 0);
        assert_int_equal(hd_argv_get_n(a), 2);

        /* zeroed by hand, not initialised */
        memset(&q, 0, sizeof(q));
        q.guest_slot = -1;
        assert_int_equal(hd_emit_qemu(ctx, &gpu, 1, &q, a), -EINVAL);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "hd_qemu_opts"));
        assert_int_equal(hd_argv_get_n(a), 2);

        /* from a newer header: fields this library does not know */
        memset(&big, 0, sizeof(big));
        hd_qemu_opts_init(&big.o);
        big.o.size = sizeof(big);
        assert_int_equal(hd_emit_qemu(ctx, &gpu, 1, &big.o, a), 0);
        big.future[2] = 1;
        assert_int_equal(hd_emit_qemu(ctx, &gpu, 1, &big.o, a), -E2BIG);

        memset(&x, 0, sizeof(x));
        assert_int_equal(hd_emit_libvirt_xml(ctx, &gpu, 1, &x, &xml), -EINVAL);
        hd_xml_opts_init(&x);
        assert_int_equal(hd_emit_libvirt_xml(ctx, &gpu, 1, &x, &xml), 0);
        free(xml);

        memset(&mo, 0, sizeof(mo));
        assert_int_equal(hd_emit_qemu_mdev(ctx, NULL, 0, &mo, a), -EINVAL);
        assert_int_equal(hd_emit_libvirt_mdev(ctx, NULL, 0, &mo, &xml), -EINVAL);
        hd_mdev_emit_opts_init(&mo);
        assert_int_equal(hd_emit_qemu_mdev(ctx, NULL, 0, &mo, a), 0);

        memset(&b, 0, sizeof(b));
        b.dry_run = true;
        assert_int_equal(hd_bind(ctx, &gpu, 1, &b), -EINVAL);
        assert_int_equal(hd_recover(ctx, &b), -EINVAL);
        assert_int_equal(hd_sriov_set(ctx, gpu, 0, &b), -EINVAL);
        hd_bind_opts_init(&b);
        b.dry_run = true;
        assert_int_equal(hd_bind(ctx, &gpu, 1, &b), 2);

        assert_int_equal(hd_config_persist(ctx, &gpu, 1, &p0), -EINVAL);
        assert_int_equal(hd_config_persist_sriov(ctx, "01:00.0", 2, &p0), -EINVAL);

        memset(&vo, 0, sizeof(vo));
        vo.vlan = -1;
        assert_int_equal(hd_vf_net_set(ctx, gpu, &vo), -EINVAL);
        hd_vf_net_opts_init(&vo);
        assert_int_equal(hd_vf_net_set(ctx, gpu, &vo), 0);      /* nothing to set */

        assert_int_equal(hd_config_new(ctx, &c), 0);
        hd_apply_opts_init(&ao);
        assert_int_equal(ao.bind.size, sizeof(ao.bind));
        ao.check = true;
        ao.bind.size = 0;       /* the embedded bind options are checked too */
        assert_int_equal(hd_apply(ctx, c, &ao, NULL), -EINVAL);
        memset(&ao, 0, sizeof(ao));
        assert_int_equal(hd_apply(ctx, c, &ao, NULL), -EINVAL);
        hd_config_free(c);
        hd_argv_free(a);
        hd_ctx_unref(ctx);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_null_device),
                cmocka_unit_test(test_wrong_type),
                cmocka_unit_test(test_opts_size),
        };

        return cmocka_run_group_tests(tests, setup, teardown);
}
