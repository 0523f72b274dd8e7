/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The judge: affected sets, reason codes both ways, config-space parsing. */
#include "testlib.h"
#include "policy.h"

struct fx {
        char *dir;
        struct hd_ctx *ctx;
};

static struct fx load(const char *name)
{
        struct fx f;
        f.dir = tl_load_fixture(name);
        f.ctx = tl_ctx(f.dir, 0);
        return f;
}

static void unload(struct fx *f)
{
        hd_ctx_unref(f->ctx);
        tl_rm_rf(f->dir);
}

static struct hd_verdict *judge(struct fx *f, const char *name, unsigned flags)
{
        struct hd_dev *d = hd_ctx_find_device(f->ctx, name);
        struct hd_verdict *v = NULL;
        if (!d)
                fail_msg("no device %s", name);
        assert_int_equal(hd_judge(f->ctx, d, flags, &v), 0);
        assert_non_null(v);
        return v;
}

/* severity of the first reason CODE, or -1 */
static int has(const struct hd_verdict *v, const char *code)
{
        const char *c, *m;
        enum hd_severity s;
        for (size_t i = 0; hd_verdict_get_reason(v, i, &c, &s, &m) == 0; i++) {
                assert_non_null(m);
                assert_true(*m);
                if (strcmp(c, code) == 0)
                        return (int)s;
        }
        return -1;
}

static const char *reason_msg(const struct hd_verdict *v, const char *code)
{
        const char *c, *m;
        for (size_t i = 0; hd_verdict_get_reason(v, i, &c, NULL, &m) == 0; i++)
                if (strcmp(c, code) == 0)
                        return m;
        return NULL;
}

static bool affects(const struct hd_verdict *v, const char *name)
{
        for (size_t i = 0; i < hd_verdict_get_n_affected(v); i++)
                if (strcmp(hd_dev_get_name(hd_verdict_get_affected(v, i)), name) == 0)
                        return true;
        return false;
}

static void test_workstation(void **state)
{
        struct fx f = load("workstation-gpu");
        struct hd_verdict *v;
        (void)state;

        v = judge(&f, "0000:01:00.0", 0);       /* GPU: affected = its audio function */
        assert_true(hd_verdict_is_eligible(v));
        assert_int_equal(hd_verdict_get_n_affected(v), 1);
        assert_string_equal(hd_dev_get_name(hd_verdict_get_affected(v, 0)), "pci_0000_01_00_1");
        assert_null(hd_verdict_get_affected(v, 1));
        assert_int_equal(has(v, "group-shared"), HD_SEVERITY_WARNING);
        assert_int_equal(has(v, "boot-vga"), -1);
        assert_int_equal(has(v, "iommu-off"), -1);
        assert_int_equal(has(v, "vfio-unavailable"), -1);
        assert_int_equal(has(v, "unsafe-interrupts"), -1);
        assert_int_equal(has(v, "acs-override"), -1);
        assert_int_equal(has(v, "held"), -1);
        assert_int_equal(has(v, "already-vfio"), -1);
        assert_int_equal(hd_verdict_get_reason(v, 99, NULL, NULL, NULL), -ENOENT);
        hd_verdict_free(v);

        v = judge(&f, "00:02.0", 0);            /* boot GPU */
        assert_false(hd_verdict_is_eligible(v));
        assert_int_equal(has(v, "boot-vga"), HD_SEVERITY_ERROR);
        hd_verdict_free(v);
        v = judge(&f, "00:02.0", HD_JUDGE_FORCE);
        assert_true(hd_verdict_is_eligible(v));
        assert_int_equal(has(v, "boot-vga"), HD_SEVERITY_WARNING);
        hd_verdict_free(v);

        v = judge(&f, "00:01.0", 0);            /* root port: bridge, not expanded into other groups */
        assert_int_equal(has(v, "bridge"), HD_SEVERITY_ERROR);
        assert_true(affects(v, "pci_0000_01_00_0"));
        hd_verdict_free(v);

        v = judge(&f, "00:14.0", 0);            /* xHCI: the stick's disk and sg node go too */
        assert_true(affects(v, "block_sdb1"));
        assert_true(affects(v, "scsi_generic_sg1"));
        assert_true(affects(v, "pci_0000_00_14_2"));
        assert_false(affects(v, "pci_0000_00_14_0"));
        hd_verdict_free(v);

        v = judge(&f, "03:00.0", 0);            /* the system NVMe */
        assert_int_equal(has(v, "disk-mounted"), HD_SEVERITY_ERROR);
        assert_non_null(strstr(reason_msg(v, "disk-mounted"), "/boot/efi"));
        hd_verdict_free(v);

        v = judge(&f, "02:00.0", 0);            /* NIC with an address and routes */
        assert_int_equal(has(v, "net-up"), HD_SEVERITY_ERROR);
        hd_verdict_free(v);

        v = judge(&f, "usb_usb1", 0);
        assert_int_equal(has(v, "root-hub"), HD_SEVERITY_ERROR);
        hd_verdict_free(v);
        v = judge(&f, "1-5", 0);
        /* qemu and xml refuse a hub: so does the judge (one source of truth) */
        assert_int_equal(has(v, "hub"), HD_SEVERITY_ERROR);
        assert_int_equal(has(v, "root-hub"), -1);
        assert_false(hd_verdict_is_eligible(v));
        hd_verdict_free(v);
        v = judge(&f, "1-5.4", 0);
        assert_int_equal(has(v, "hub"), -1);
        hd_verdict_free(v);

        v = judge(&f, "computer", 0);
        assert_int_equal(has(v, "unsupported-type"), HD_SEVERITY_ERROR);
        assert_int_equal(hd_verdict_get_n_affected(v), hd_ctx_get_n_devices(f.ctx) - 1);
        hd_verdict_free(v);
        unload(&f);
}

static void test_many_matches_single(void **state)
{
        struct fx f = load("workstation-gpu");
        size_t n = hd_ctx_get_n_devices(f.ctx);
        struct hd_dev **devs = calloc(n, sizeof(*devs));
        struct hd_verdict **vs = calloc(n, sizeof(*vs));
        (void)state;

        for (size_t i = 0; i < n; i++)
                devs[i] = hd_ctx_get_device(f.ctx, i);
        assert_int_equal(hd_judge_many(f.ctx, devs, n, 0, vs), 0);
        for (size_t i = 0; i < n; i++) {
                struct hd_verdict *one = NULL;
                assert_int_equal(hd_judge(f.ctx, devs[i], 0, &one), 0);
                assert_int_equal(hd_verdict_is_eligible(one), hd_verdict_is_eligible(vs[i]));
                assert_int_equal(hd_verdict_get_n_affected(one), hd_verdict_get_n_affected(vs[i]));
                assert_int_equal(hd_verdict_get_n_reasons(one), hd_verdict_get_n_reasons(vs[i]));
                for (size_t k = 0; k < hd_verdict_get_n_affected(one); k++) {
                        assert_ptr_equal(hd_verdict_get_affected(one, k), hd_verdict_get_affected(vs[i], k));
                        assert_ptr_not_equal(hd_verdict_get_affected(one, k), devs[i]);
                        if (k)  /* tree order */
                                assert_true(hd_dev_get_index(hd_verdict_get_affected(one, k - 1)) <
                                            hd_dev_get_index(hd_verdict_get_affected(one, k)));
                }
                hd_verdict_free(one);
                hd_verdict_free(vs[i]);
        }
        free(devs);
        free(vs);
        unload(&f);
}

static void test_iommu_off(void **state)
{
        struct fx f = load("iommu-off");
        (void)state;

        for (size_t i = 0; i < hd_ctx_get_n_devices(f.ctx); i++) {
                struct hd_dev *d = hd_ctx_get_device(f.ctx, i);
                struct hd_verdict *v = NULL;
                if (hd_dev_get_type(d) != HD_DEV_PCI)
                        continue;
                assert_int_equal(hd_judge(f.ctx, d, HD_JUDGE_FORCE, &v), 0);
                assert_false(hd_verdict_is_eligible(v));
                assert_int_equal(has(v, "iommu-off"), HD_SEVERITY_ERROR);
                assert_int_equal(has(v, "group-shared"), -1);
                assert_non_null(strstr(reason_msg(v, "iommu-off"), "iommu=on"));
                hd_verdict_free(v);
        }
        unload(&f);
}

static void test_sriov(void **state)
{
        struct fx f = load("sriov-nic");
        struct hd_verdict *v;
        (void)state;

        v = judge(&f, "3b:00.0", 0);
        assert_int_equal(has(v, "sriov-active"), HD_SEVERITY_WARNING);
        assert_true(affects(v, "pci_0000_3b_02_0"));
        assert_true(affects(v, "pci_0000_3b_02_3"));
        hd_verdict_free(v);
        v = judge(&f, "3b:02.0", 0);
        assert_int_equal(has(v, "sriov-active"), -1);
        assert_false(affects(v, "pci_0000_3b_00_0"));
        hd_verdict_free(v);
        unload(&f);
}

static void test_reset_acs_host(void **state)
{
        struct fx f = load("judge-reset");
        struct hd_verdict *v;
        (void)state;

        v = judge(&f, "00:02.0", 0);            /* PCIe FLR */
        assert_int_equal(has(v, "no-reset"), -1);
        assert_int_equal(has(v, "unknown"), -1);
        assert_int_equal(has(v, "vfio-unavailable"), HD_SEVERITY_WARNING);     /* loadable */
        assert_int_equal(has(v, "acs-override"), HD_SEVERITY_WARNING);
        assert_int_equal(has(v, "unsafe-interrupts"), HD_SEVERITY_WARNING);
        assert_true(hd_verdict_is_eligible(v));
        hd_verdict_free(v);
        v = judge(&f, "00:03.0", 0);            /* AF FLR */
        assert_int_equal(has(v, "no-reset"), -1);
        hd_verdict_free(v);
        v = judge(&f, "00:04.0", 0);            /* PM reset */
        assert_int_equal(has(v, "no-reset"), -1);
        hd_verdict_free(v);
        v = judge(&f, "00:05.0", 0);            /* none of them, root bus */
        assert_int_equal(has(v, "no-reset"), HD_SEVERITY_WARNING);
        hd_verdict_free(v);
        v = judge(&f, "00:06.0", 0);            /* truncated: unknown, never "safe" */
        assert_int_equal(has(v, "unknown"), HD_SEVERITY_WARNING);
        assert_int_equal(has(v, "no-reset"), -1);
        hd_verdict_free(v);
        v = judge(&f, "00:07.0", 0);            /* all ones */
        assert_non_null(strstr(reason_msg(v, "unknown"), "all ones"));
        hd_verdict_free(v);
        v = judge(&f, "00:08.0", 0);            /* no config file */
        assert_int_equal(has(v, "unknown"), HD_SEVERITY_WARNING);
        hd_verdict_free(v);
        v = judge(&f, "00:09.0", 0);            /* reset_method empty beats the FLR capability */
        assert_int_equal(has(v, "no-reset"), HD_SEVERITY_WARNING);
        hd_verdict_free(v);
        v = judge(&f, "00:0a.0", 0);            /* reset_method pm is honoured */
        assert_int_equal(has(v, "no-reset"), -1);
        hd_verdict_free(v);
        v = judge(&f, "01:00.0", 0);            /* a bus reset would hit 01:01.0 */
        assert_non_null(strstr(reason_msg(v, "no-reset"), "pci_0000_01_01_0"));
        assert_int_equal(has(v, "acs-missing"), -1);
        assert_int_equal(has(v, "group-shared"), -1);
        hd_verdict_free(v);
        v = judge(&f, "02:00.0", 0);            /* root port without ACS */
        assert_int_equal(has(v, "acs-missing"), HD_SEVERITY_WARNING);
        assert_int_equal(has(v, "group-shared"), HD_SEVERITY_WARNING);
        assert_int_equal(has(v, "no-reset"), -1);       /* bus reset touches only the group */
        hd_verdict_free(v);
        v = judge(&f, "03:00.0", 0);            /* ACS present, not enabled */
        assert_non_null(strstr(reason_msg(v, "acs-missing"), "does not enable"));
        hd_verdict_free(v);
        v = judge(&f, "04:00.0", 0);            /* bridge dump without extended space */
        assert_int_equal(has(v, "acs-missing"), -1);
        assert_non_null(strstr(reason_msg(v, "unknown"), "extended config space"));
        hd_verdict_free(v);
        unload(&f);
}

static void test_held(void **state)
{
        struct fx f = load("judge-held");
        struct hd_verdict *v;
        (void)state;

        v = judge(&f, "01:00.0", 0);
        assert_int_equal(has(v, "held"), HD_SEVERITY_ERROR);
        assert_non_null(strstr(reason_msg(v, "held"), "pid 4242"));
        assert_non_null(strstr(reason_msg(v, "held"), "\"vm1\""));
        assert_int_equal(has(v, "already-vfio"), HD_SEVERITY_INFO);
        assert_int_equal(has(v, "unsafe-interrupts"), -1);
        assert_int_equal(has(v, "vfio-unavailable"), -1);
        hd_verdict_free(v);
        v = judge(&f, "1-2", 0);
        assert_non_null(strstr(reason_msg(v, "held"), "\"vm2\""));
        hd_verdict_free(v);
        v = judge(&f, "1-3", 0);
        assert_int_equal(has(v, "held"), -1);
        assert_true(hd_verdict_is_eligible(v));
        hd_verdict_free(v);
        v = judge(&f, "sg2", 0);
        assert_non_null(strstr(reason_msg(v, "held"), "sg_inq"));
        hd_verdict_free(v);
        v = judge(&f, "00:17.0", 0);            /* dm holder of sdc is mounted on / */
        assert_non_null(strstr(reason_msg(v, "disk-mounted"), "vg0-root"));
        hd_verdict_free(v);
        v = judge(&f, "00:19.0", 0);            /* up, no address: warning */
        assert_int_equal(has(v, "net-up"), HD_SEVERITY_WARNING);
        hd_verdict_free(v);
        v = judge(&f, "00:1a.0", 0);            /* down but a global IPv6 address */
        assert_int_equal(has(v, "net-up"), HD_SEVERITY_ERROR);
        hd_verdict_free(v);
        v = judge(&f, "00:1b.0", 0);            /* IPv4 from fib_trie and routes */
        assert_non_null(strstr(reason_msg(v, "net-up"), "192.168.0.23"));
        hd_verdict_free(v);
        unload(&f);
}

static void test_novfio_and_no_proc(void **state)
{
        struct fx f = load("judge-novfio");
        struct hd_verdict *v;
        (void)state;

        v = judge(&f, "00:1f.3", 0);
        assert_int_equal(has(v, "vfio-unavailable"), HD_SEVERITY_ERROR);
        assert_int_equal(has(v, "iommu-off"), HD_SEVERITY_ERROR);
        hd_verdict_free(v);
        unload(&f);

        f = load("umockdev-fido2");             /* a recording: no proc/, no modules */
        v = judge(&f, "0000:05:00.3", 0);
        assert_true(hd_verdict_is_eligible(v));
        assert_int_equal(has(v, "vfio-unavailable"), HD_SEVERITY_WARNING);
        assert_non_null(strstr(reason_msg(v, "unknown"), "no proc/"));
        assert_int_equal(has(v, "held"), -1);
        hd_verdict_free(v);
        unload(&f);
}

/* iommufd: a word only where the host has /dev/iommu, and only for PCI
 * functions; once on vfio-pci it depends on the function's vfio-dev cdev. */
static void test_iommufd(void **state)
{
        struct fx f = load("workstation-gpu");
        struct hd_verdict *v;
        char path[1024];
        FILE *fp;
        (void)state;

        v = judge(&f, "01:00.0", 0);
        assert_int_equal(has(v, "iommufd"), -1);
        assert_int_equal(has(v, "no-iommufd"), -1);
        hd_verdict_free(v);
        snprintf(path, sizeof(path), "%s/dev/iommu", f.dir);
        fp = fopen(path, "w");
        assert_non_null(fp);
        fclose(fp);
        hd_ctx_unref(f.ctx);                    /* host facts are cached on the context */
        f.ctx = tl_ctx(f.dir, 0);
        v = judge(&f, "01:00.0", 0);
        assert_int_equal(has(v, "iommufd"), HD_SEVERITY_INFO);
        assert_non_null(strstr(reason_msg(v, "iommufd"), "once it is bound"));
        assert_true(hd_verdict_is_eligible(v));
        hd_verdict_free(v);
        v = judge(&f, "usb_1_5_4", 0);
        assert_int_equal(has(v, "iommufd"), -1);
        assert_int_equal(has(v, "no-iommufd"), -1);
        hd_verdict_free(v);
        unload(&f);
}

static void test_bad_calls(void **state)
{
        struct fx f = load("judge-amd"), g = load("judge-novfio");
        struct hd_verdict *v = NULL;
        struct hd_ctx *bare = NULL;
        (void)state;

        assert_int_equal(hd_judge(f.ctx, hd_ctx_find_device(g.ctx, "00:1f.3"), 0, &v), -EINVAL);
        assert_null(v);
        assert_int_equal(hd_judge(f.ctx, NULL, 0, &v), -EINVAL);
        assert_int_equal(hd_judge_many(f.ctx, NULL, 0, 0, NULL), 0);
        assert_int_equal(hd_ctx_new(&bare), 0);
        assert_int_equal(hd_ctx_set_sysroot(bare, f.dir), 0);
        assert_true(hd_judge(bare, hd_ctx_get_device(f.ctx, 1), 0, &v) < 0);
        hd_ctx_unref(bare);
        assert_null(hd_verdict_free(NULL));
        assert_false(hd_verdict_is_eligible(NULL));
        assert_string_equal(hd_severity_to_string(HD_SEVERITY_ERROR), "error");
        assert_string_equal(hd_severity_to_string(HD_SEVERITY_WARNING), "warning");
        assert_string_equal(hd_severity_to_string(HD_SEVERITY_INFO), "info");
        unload(&f);
        unload(&g);
}

/* hostile dumps straight into the parser (libpci walks them, hostdev checks the walk) */
static void test_cfg_parse(void **state)
{
        struct fx f = load("judge-amd");
        unsigned char b[4096];
        struct hd__pcicfg c;
        (void)state;

        memset(b, 0, sizeof(b));
        b[0] = 0x86; b[1] = 0x80; b[6] = 0x10; b[0x34] = 0x40;
        b[0x40] = 0x10; b[0x41] = 0x40;         /* PCIe cap pointing at itself */
        b[0x47] = 0x10;                         /* DevCap bit 28 */
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_true(c.ok);
        assert_true(c.pcie);
        assert_true(c.flr);
        assert_true(c.ext_ok);
        assert_false(c.acs);

        b[0x47] = 0;
        b[0x100] = 0x0d; b[0x102] = 0x01; b[0x103] = 0x10;     /* ACS, next = 0x100 (loop) */
        b[0x104] = 0x1f; b[0x106] = 0x1d;
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_true(c.ok);
        assert_false(c.flr);
        assert_true(c.acs);
        assert_int_equal(c.acs_cap, 0x1f);
        assert_int_equal(c.acs_ctrl, 0x1d);

        hd__pcicfg_parse(f.ctx, b, 0x100, &c);  /* 256 bytes: extended space unknown */
        assert_true(c.ok);
        assert_false(c.ext_ok);
        assert_false(c.acs);
        hd__pcicfg_parse(f.ctx, b, 0x106, &c);  /* ACS cut off: unknown, not "no ACS" */
        assert_true(c.ok);
        assert_false(c.ext_ok);
        assert_false(c.acs);
        hd__pcicfg_parse(f.ctx, b, 0x44, &c);   /* capability cut off */
        assert_false(c.ok);
        assert_non_null(strstr(c.why, "truncated"));
        hd__pcicfg_parse(f.ctx, b, 10, &c);
        assert_false(c.ok);

        /* extended list through the header: ACS behind it is not believed */
        b[0x100] = 0x01; b[0x102] = 0x01; b[0x103] = 0x04;     /* AER, next = 0x40 */
        b[0x200] = 0x0d; b[0x202] = 0x01;                       /* ACS, unreachable */
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_true(c.ok);
        assert_true(c.ext_ok);
        assert_false(c.acs);
        b[0x103] = 0x20;                        /* next = 0x200: now it is */
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_true(c.acs);
        hd__pcicfg_parse(f.ctx, b, 0x202, &c);  /* but not when the dump ends in its header */
        assert_true(c.ok);
        assert_false(c.acs);

        /* PM (No_Soft_Reset clear) then PCIe, then an entry libpci drops (ID 0xff) */
        b[0x34] = 0x50;
        b[0x50] = 0x01; b[0x51] = 0x40; b[0x54] = 0x00;
        b[0x41] = 0x00;
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_true(c.ok);
        assert_true(c.pm);
        assert_true(c.pm_reset);
        assert_true(c.pcie);
        b[0x54] = 0x08;                         /* No_Soft_Reset */
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_true(c.pm);
        assert_false(c.pm_reset);
        b[0x41] = 0x60; b[0x60] = 0xff; b[0x61] = 0x70;
        b[0x70] = 0x13; b[0x73] = 0x03;         /* AF with FLR, behind the 0xff entry */
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_false(c.ok);
        assert_false(c.af_flr);
        b[0x60] = 0x09;                         /* vendor-specific instead: AF is reached */
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_true(c.ok);
        assert_true(c.af_flr);
        b[0x71] = 0x40;                         /* AF -> PCIe again: a loop, bounded */
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_true(c.ok);
        assert_true(c.af_flr);
        b[0x71] = 0x80; b[0x80] = 0x10;         /* a second PCIe capability: which is true? */
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_false(c.ok);
        assert_false(c.pcie);
        b[0x80] = 0x00;                         /* a 0x00 (null) capability ends nothing */
        b[0x81] = 0xfc;                         /* last entry at 0xfc: its 8 bytes run past 256 */
        hd__pcicfg_parse(f.ctx, b, 0x100, &c);
        assert_false(c.ok);
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_true(c.ok);
        b[0x81] = 0x00;

        b[0x34] = 0x20;                         /* pointer into the header */
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_false(c.ok);
        assert_non_null(strstr(c.why, "header"));
        b[0x34] = 0x00;
        b[6] = 0x00;                            /* no capability list at all */
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_true(c.ok);
        assert_false(c.pcie);
        assert_false(c.pm);
        memset(b, 0xff, sizeof(b));
        hd__pcicfg_parse(f.ctx, b, sizeof(b), &c);
        assert_false(c.ok);
        assert_non_null(strstr(c.why, "all ones"));
        /* every 64..4096-byte prefix of a noisy dump: bounded, never a crash */
        for (size_t i = 0; i < sizeof(b); i++)
                b[i] = (unsigned char)(i * 37 + (i >> 3));
        b[0] = 0x86; b[1] = 0x80; b[6] = 0x10;
        for (size_t len = 0; len <= sizeof(b); len += 7)
                hd__pcicfg_parse(f.ctx, b, len, &c);
        unload(&f);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_workstation),
                cmocka_unit_test(test_many_matches_single),
                cmocka_unit_test(test_iommu_off),
                cmocka_unit_test(test_sriov),
                cmocka_unit_test(test_reset_acs_host),
                cmocka_unit_test(test_held),
                cmocka_unit_test(test_novfio_and_no_proc),
                cmocka_unit_test(test_iommufd),
                cmocka_unit_test(test_bad_calls),
                cmocka_unit_test(test_cfg_parse),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
