/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The targeted scan (hd_ctx_scan_devices): for every PCI function of several
 * fixtures, it holds the function's whole IOMMU group, their PCI ancestors and
 * every device below each member, each with the very properties, parent and
 * group the full scan gives it, and nothing from elsewhere. */
#include "testlib.h"

static bool below(struct hd_dev *d, struct hd_dev *top)
{
        for (; d; d = hd_dev_get_parent(d))
                if (d == top)
                        return true;
        return false;
}

static bool ancestor_of(struct hd_dev *a, struct hd_dev *d)
{
        for (d = hd_dev_get_parent(d); d; d = hd_dev_get_parent(d))
                if (d == a)
                        return true;
        return false;
}

static void same_properties(struct hd_dev *a, struct hd_dev *b)
{
        const char *ka, *kb;
        struct hd_value va, vb;

        for (size_t i = 0; hd_dev_get_property_at(a, i, &ka, &va) == 0; i++) {
                assert_int_equal(hd_dev_get_property_at(b, i, &kb, &vb), 0);
                assert_string_equal(ka, kb);
                if (va.kind != vb.kind || (va.kind == HD_VALUE_STRING && strcmp(va.str, vb.str)) ||
                    (va.kind != HD_VALUE_STRING && va.num != vb.num))
                        fail_msg("%s: property %s differs: %s/%lld vs %s/%lld", hd_dev_get_name(a), ka,
                                 va.kind == HD_VALUE_STRING ? va.str : "-", va.num,
                                 vb.kind == HD_VALUE_STRING ? vb.str : "-", vb.num);
        }
}

/* Is D, from the full scan, one the targeted scan of X must have? */
static bool wanted(struct hd_ctx *full, struct hd_dev *x, struct hd_dev *d)
{
        int g = hd_dev_get_iommu_group(x);
        struct hd_dev *const *m;
        size_t n = 0;

        struct hd_dev *one[1] = { x };

        if (g >= 0) {
                m = hd_ctx_get_iommu_group_devices(full, g, &n);
        } else {
                m = one;
                n = 1;
        }
        for (size_t i = 0; i < n; i++) {
                struct hd_dev *pf = hd_dev_get_physfn(m[i]);
                if (d == m[i] || below(d, m[i]) || (ancestor_of(d, m[i]) && hd_dev_get_type(d) == HD_DEV_PCI))
                        return true;
                /* SR-IOV relatives (a VF's PF and its VFs), with the PCI spine above them */
                if (pf && (d == pf || ancestor_of(d, pf)))
                        return true;
                for (size_t v = 0; pf && v < hd_dev_get_n_virtfns(pf); v++)
                        if (d == hd_dev_get_virtfn(pf, v))
                                return true;
                for (size_t v = 0; v < hd_dev_get_n_virtfns(m[i]); v++)
                        if (d == hd_dev_get_virtfn(m[i], v) || ancestor_of(d, hd_dev_get_virtfn(m[i], v)))
                                return true;
        }
        return false;
}

static void check_fixture(const char *name)
{
        char *dir = tl_load_fixture(name);
        struct hd_ctx *full = tl_ctx(dir, 0), *part = tl_ctx(dir, 0);
        size_t n = hd_ctx_get_n_devices(full), checked = 0;

        for (size_t i = 0; i < n; i++) {
                struct hd_dev *x = hd_ctx_get_device(full, i);
                const char *addr = hd_dev_get_pci_address(x);
                size_t want = 0;

                if (hd_dev_get_type(x) != HD_DEV_PCI)
                        continue;
                assert_true(hd_ctx_scan_devices(part, &addr, 1) > 0);
                for (size_t k = 0; k < n; k++) {
                        struct hd_dev *d = hd_ctx_get_device(full, k), *p;
                        if (hd_dev_get_type(d) == HD_DEV_SYSTEM || !wanted(full, x, d))
                                continue;
                        want++;
                        p = hd_ctx_find_device(part, hd_dev_get_name(d));
                        if (!p)
                                fail_msg("%s: targeted scan of %s lacks %s", name, addr, hd_dev_get_name(d));
                        same_properties(d, p);
                        assert_string_equal(hd_dev_get_name(hd_dev_get_parent(d)),
                                            hd_dev_get_name(hd_dev_get_parent(p)));
                }
                /* nothing else: computer + exactly the wanted ones */
                if (hd_ctx_get_n_devices(part) != want + 1)
                        fail_msg("%s: targeted scan of %s has %zu devices, wanted %zu", name, addr,
                                 hd_ctx_get_n_devices(part) - 1, want);
                checked++;
        }
        assert_true(checked > 0);
        {
                const char *bad = "0000:7f:1f.7", *junk = "sda";
                assert_int_equal(hd_ctx_scan_devices(part, &bad, 1), -ENODEV);
                assert_int_equal(hd_ctx_scan_devices(part, &junk, 1), -ENODEV);
        }
        hd_ctx_unref(full);
        hd_ctx_unref(part);
        tl_rm_rf(dir);
}

static void test_workstation(void **state) { (void)state; check_fixture("workstation-gpu"); }
static void test_server(void **state) { (void)state; check_fixture("server-sas"); }
static void test_sriov(void **state) { (void)state; check_fixture("sriov-nic"); }
static void test_multi_root(void **state) { (void)state; check_fixture("multi-root"); }
static void test_others(void **state)
{
        static const char *const names[] = { "vmd-domain", "iommu-off", "judge-held", "judge-amd",
                                             "ghw-accel-nvidia", "kvm-guest-virtio", "hostile-usb",
                                             /* partial recordings: hosts and targets implied alike */
                                             "server-sas-partial-scsi", "hwloc-partial-scsi", "driver-disagree" };
        (void)state;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                check_fixture(names[i]);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_workstation),
                cmocka_unit_test(test_server),
                cmocka_unit_test(test_sriov),
                cmocka_unit_test(test_multi_root),
                cmocka_unit_test(test_others),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
