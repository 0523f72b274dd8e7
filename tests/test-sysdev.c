/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The scanners' sysfs helpers (sysdev.c) on a hand-built tree: the one
 * "driver of a device" rule (the driver link wins over uevent's DRIVER=,
 * DRIVER= counts only without a link) for PCI, USB, SCSI and mdev alike;
 * the iommu_group link; ids from uevent or, without it, from attributes;
 * and the class devices of classdev.c. */
#include "testlib.h"
#include <fcntl.h>
#include <syslog.h>
#include "hostdev-internal.h"

static char *tmp;
static int dfd = -1;

#define PCI_DIR "sys/devices/pci0000:00/"

/* TEXT as file REL below the sysroot */
static void put(const char *rel, const char *text)
{
        assert_int_equal(hd__create_file_at(dfd, rel, text, strlen(text), 0644), 0);
}

static void link_to(const char *target, const char *rel)
{
        assert_int_equal(hd__symlink_at(target, dfd, rel), 0);
}

/* PCI function ADDR below pci0000:00, listed in bus/pci/devices */
static void pci_fn(const char *addr, const char *uevent)
{
        char rel[256], target[256];

        snprintf(rel, sizeof(rel), PCI_DIR "%s/uevent", addr);
        put(rel, uevent);
        snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", addr);
        snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", addr);
        link_to(target, rel);
}

static void pci_link(const char *addr, const char *name, const char *target)
{
        char rel[256];

        snprintf(rel, sizeof(rel), PCI_DIR "%s/%s", addr, name);
        link_to(target, rel);
}

static int setup(void **state)
{
        (void)state;
        tmp = strdup("/tmp/hostdev-test-XXXXXX");
        if (!tmp || !mkdtemp(tmp))
                return -1;
        dfd = open(tmp, O_RDONLY | O_DIRECTORY);
        if (dfd < 0)
                return -1;
        /* the link and DRIVER= agree */
        pci_fn("0000:00:01.0", "DRIVER=pcieport\nPCI_CLASS=60400\nPCI_ID=8086:1901\n"
                               "PCI_SUBSYS_ID=1043:8694\n");
        pci_link("0000:00:01.0", "driver", "../../../bus/pci/drivers/pcieport");
        pci_link("0000:00:01.0", "iommu_group", "../../../kernel/iommu_groups/1");
        /* they disagree (a bind in flight): the link wins */
        pci_fn("0000:00:02.0", "DRIVER=nouveau\nPCI_CLASS=30000\nPCI_ID=10de:1b80\n");
        pci_link("0000:00:02.0", "driver", "../../../bus/pci/drivers/vfio-pci");
        pci_link("0000:00:02.0", "iommu_group", "../../../kernel/iommu_groups/2");
        /* no link: uevent's DRIVER= counts (a recording without links) */
        pci_fn("0000:00:03.0", "DRIVER=snd_hda_intel\nPCI_CLASS=40300\nPCI_ID=10DE:10F0\n");
        pci_link("0000:00:03.0", "iommu_group", "../../../kernel/iommu_groups/99999999999");
        /* neither: no driver; no uevent: ids from the attributes */
        pci_fn("0000:00:04.0", "");
        put(PCI_DIR "0000:00:04.0/vendor", "0x8086\n");
        put(PCI_DIR "0000:00:04.0/device", "0xa36d\n");
        put(PCI_DIR "0000:00:04.0/class", "0x0c0330\n");
        pci_link("0000:00:04.0", "iommu_group", "../../../kernel/iommu_groups/odd");
        /* a USB device below 00:04.0: DRIVER= only */
        put(PCI_DIR "0000:00:04.0/usb1/1-1/uevent",
            "DRIVER=usb\nPRODUCT=46d/c31c/6400\nTYPE=0/0/0\nBUSNUM=001\nDEVNUM=003\n");
        link_to("../../../devices/pci0000:00/0000:00:04.0/usb1/1-1", "sys/bus/usb/devices/1-1");
        /* a hub, its class from the attributes */
        put(PCI_DIR "0000:00:04.0/usb1/uevent", "PRODUCT=1d6b/2/601\n");
        put(PCI_DIR "0000:00:04.0/usb1/bDeviceClass", "09\n");
        put(PCI_DIR "0000:00:04.0/usb1/busnum", "1\n");
        put(PCI_DIR "0000:00:04.0/usb1/devnum", "1\n");
        link_to("usb", PCI_DIR "0000:00:04.0/usb1/driver");       /* a dangling link still names it */
        link_to("../../../devices/pci0000:00/0000:00:04.0/usb1", "sys/bus/usb/devices/usb1");
        /* a SCSI LUN, its sg node and block device, and a net interface */
        put(PCI_DIR "0000:00:01.0/host2/target2:0:0/2:0:0:0/uevent",
            "DRIVER=sd\nMODALIAS=scsi:t-0x00\n");
        link_to("../../../devices/pci0000:00/0000:00:01.0/host2/target2:0:0/2:0:0:0",
                "sys/bus/scsi/devices/2:0:0:0");
        put(PCI_DIR "0000:00:01.0/host2/target2:0:0/2:0:0:0/scsi_generic/sg3/dev", "21:3\n");
        link_to("../../devices/pci0000:00/0000:00:01.0/host2/target2:0:0/2:0:0:0/scsi_generic/sg3",
                "sys/class/scsi_generic/sg3");
        put(PCI_DIR "0000:00:01.0/host2/target2:0:0/2:0:0:0/block/sdc/size", "2048\n");
        put(PCI_DIR "0000:00:01.0/host2/target2:0:0/2:0:0:0/block/sdc/dev", "8:32\n");
        link_to("../../devices/pci0000:00/0000:00:01.0/host2/target2:0:0/2:0:0:0/block/sdc",
                "sys/class/block/sdc");
        put(PCI_DIR "0000:00:02.0/net/eth7/address", "52:54:00:12:34:56\n");
        put(PCI_DIR "0000:00:02.0/net/eth7/operstate", "up\n");
        link_to("../../devices/pci0000:00/0000:00:02.0/net/eth7", "sys/class/net/eth7");
        put("sys/devices/virtual/net/lo/address", "00:00:00:00:00:00\n");
        link_to("../../devices/virtual/net/lo", "sys/class/net/lo");
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        close(dfd);
        tl_rm_rf(tmp);
        return 0;
}

struct log_seen {
        int warnings, infos;
        char all[4096];
};

static void log_fn(void *data, int prio, const char *file, int line, const char *fn,
                   const char *format, va_list args) __attribute__((format(printf, 6, 0)));
static void log_fn(void *data, int prio, const char *file, int line, const char *fn,
                   const char *format, va_list args)
{
        struct log_seen *seen = data;
        size_t l = strlen(seen->all);

        (void)file, (void)line, (void)fn;
        if (prio <= LOG_WARNING)
                seen->warnings++;
        else if (prio == LOG_INFO)
                seen->infos++;
        vsnprintf(seen->all + l, sizeof(seen->all) - l, format, args);
        l = strlen(seen->all);
        if (l + 1 < sizeof(seen->all))
                strcat(seen->all, "\n");
}

static struct hd_ctx *scanned(struct log_seen *seen)
{
        struct hd_ctx *ctx = NULL;

        assert_int_equal(hd_ctx_new(&ctx), 0);
        hd_ctx_set_names(ctx, false);
        if (seen) {
                hd_ctx_set_log_fn(ctx, log_fn, seen);
                hd_ctx_set_log_priority(ctx, LOG_INFO);
        }
        assert_int_equal(hd_ctx_set_sysroot(ctx, tmp), 0);
        assert_true(hd_ctx_scan(ctx) > 0);
        return ctx;
}

static const char *driver_of(struct hd_ctx *ctx, const char *name)
{
        struct hd_dev *d = hd_ctx_find_device(ctx, name);

        if (!d)
                fail_msg("%s: not found", name);
        return hd_dev_get_driver(d);
}

/* One rule for every scanner's devices */
static void test_driver_rule(void **state)
{
        struct log_seen seen = { 0 };
        struct hd_ctx *ctx = scanned(&seen);
        (void)state;

        assert_string_equal(driver_of(ctx, "0000:00:01.0"), "pcieport");
        assert_string_equal(driver_of(ctx, "0000:00:02.0"), "vfio-pci");        /* the link wins */
        assert_string_equal(driver_of(ctx, "0000:00:03.0"), "snd_hda_intel");   /* no link: DRIVER= */
        assert_null(driver_of(ctx, "0000:00:04.0"));                            /* neither */
        assert_string_equal(driver_of(ctx, "usb_1_1"), "usb");
        assert_string_equal(driver_of(ctx, "usb_usb1"), "usb");                 /* link, no DRIVER= */
        assert_string_equal(driver_of(ctx, "scsi_2_0_0_0"), "sd");
        /* the disagreement is said at -v, once */
        assert_non_null(strstr(seen.all, "uevent says DRIVER=nouveau, the driver link vfio-pci; the link is used"));
        assert_non_null(strstr(seen.all, "uevent says DRIVER=(none), the driver link usb"));
        hd_ctx_unref(ctx);
}

static void test_ids_and_groups(void **state)
{
        struct log_seen seen = { 0 };
        struct hd_ctx *ctx = scanned(&seen);
        struct hd_dev *d;
        uint16_t v, p;
        int bus, dev;
        (void)state;

        d = hd_ctx_find_device(ctx, "0000:00:01.0");
        assert_int_equal(hd_dev_get_pci_ids(d, &v, &p), 0);
        assert_int_equal(v, 0x8086);
        assert_int_equal(p, 0x1901);
        assert_int_equal(d->subvendor, 0x1043);
        assert_int_equal(d->subdevice, 0x8694);
        assert_int_equal(hd_dev_get_pci_class(d), 0x060400);
        assert_true(hd_dev_is_pci_bridge(d));
        assert_int_equal(hd_dev_get_iommu_group(d), 1);
        assert_int_equal(hd_dev_get_pci_ids(d, NULL, NULL), 0);          /* NULL outs are fine */
        d = hd_ctx_find_device(ctx, "0000:00:03.0");                     /* upper-case hex */
        assert_int_equal(hd_dev_get_pci_ids(d, &v, &p), 0);
        assert_int_equal(v, 0x10de);
        assert_int_equal(p, 0x10f0);
        assert_int_equal(hd_dev_get_iommu_group(d), -1);                 /* 99999999999: odd */
        d = hd_ctx_find_device(ctx, "0000:00:04.0");                     /* from the attributes */
        assert_int_equal(hd_dev_get_pci_ids(d, &v, &p), 0);
        assert_int_equal(v, 0x8086);
        assert_int_equal(p, 0xa36d);
        assert_int_equal(hd_dev_get_pci_class(d), 0x0c0330);
        assert_false(hd_dev_is_pci_bridge(d));
        assert_int_equal(hd_dev_get_iommu_group(d), -1);
        assert_int_equal(d->subvendor, -1);
        assert_non_null(strstr(seen.all, "odd iommu_group link '99999999999'"));
        assert_non_null(strstr(seen.all, "odd iommu_group link 'odd'"));
        /* USB: from uevent, and from the attributes */
        d = hd_ctx_find_device(ctx, "usb_1_1");
        assert_int_equal(hd_dev_get_usb_ids(d, &v, &p), 0);
        assert_int_equal(v, 0x046d);
        assert_int_equal(p, 0xc31c);
        assert_int_equal(hd_dev_get_usb_busdev(d, &bus, &dev), 0);
        assert_int_equal(bus * 1000 + dev, 1003);
        assert_false(hd_dev_is_usb_hub(d));
        assert_int_equal(hd_dev_get_pci_ids(d, &v, &p), -ENODATA);       /* not PCI */
        d = hd_ctx_find_device(ctx, "usb_usb1");
        assert_int_equal(hd_dev_get_usb_ids(d, &v, &p), 0);
        assert_int_equal(v, 0x1d6b);
        assert_int_equal(p, 0x0002);
        assert_true(hd_dev_is_usb_hub(d));                               /* USB_CLASS_HUB */
        assert_true(hd_dev_is_usb_root_hub(d));
        assert_int_equal(hd_dev_get_usb_busdev(d, &bus, &dev), 0);
        assert_int_equal(bus * 1000 + dev, 1001);
        assert_int_equal(hd_dev_get_usb_ids(hd_ctx_find_device(ctx, "0000:00:01.0"), &v, &p), -ENODATA);
        hd_ctx_unref(ctx);
}

/* sg, block and net leaves (classdev.c), their detail read when asked */
static void test_class_devices(void **state)
{
        struct hd_ctx *ctx = scanned(NULL);
        struct hd_dev *sg = hd_ctx_find_device(ctx, "scsi_generic_sg3");
        struct hd_dev *blk = hd_ctx_find_device(ctx, "block_sdc");
        struct hd_dev *net = hd_ctx_find_device(ctx, "net_eth7_52_54_00_12_34_56");
        (void)state;

        assert_non_null(sg);
        assert_non_null(blk);
        assert_non_null(net);
        assert_int_equal(hd_dev_get_type(sg), HD_DEV_SCSI_GENERIC);
        assert_string_equal(hd_dev_get_name(hd_dev_get_parent(sg)), "scsi_2_0_0_0");
        assert_null(sg->devnode_dev);                   /* detail: not read by the scan */
        hd__class_load_detail(sg);
        assert_string_equal(sg->devnode_dev, "21:3");
        hd__class_load_detail(blk);
        assert_int_equal(blk->size_bytes, 2048 * 512);
        assert_string_equal(blk->devnode_dev, "8:32");
        assert_string_equal(net->mac, "52:54:00:12:34:56");
        hd__class_load_detail(net);
        assert_string_equal(net->operstate, "up");
        assert_null(hd_ctx_find_device(ctx, "net_lo_00_00_00_00_00_00"));      /* virtual: left out */
        /* the SCSI side: the LUN's host and target, implied by its path */
        assert_non_null(hd_ctx_find_device(ctx, "scsi_host2"));
        assert_non_null(hd_ctx_find_device(ctx, "scsi_target2_0_0"));
        assert_int_equal(hd_ctx_find_device(ctx, "scsi_2_0_0_0")->scsi_type, 0);
        hd_ctx_unref(ctx);
}

/* uevent lines and ids, straight */
static void test_uevent(void **state)
{
        char out[8];
        int a = -1, b = -1;
        (void)state;

        assert_string_equal(hd__uevent_get("A=1\nKEY=v\n", "KEY", out, sizeof(out)), "v");
        assert_null(hd__uevent_get("KEYS=1\nKE=2\n", "KEY", out, sizeof(out)));
        assert_null(hd__uevent_get("KEY=12345678\n", "KEY", out, sizeof(out)));   /* too long */
        assert_string_equal(hd__uevent_get("KEY=", "KEY", out, sizeof(out)), "");
        assert_null(hd__uevent_get(NULL, "KEY", out, sizeof(out)));
        hd__uevent_ids("PCI_ID=10DE:1B80\n", "PCI_ID", ':', 2, &a, &b);
        assert_int_equal(a, 0x10de);
        assert_int_equal(b, 0x1b80);
        hd__uevent_ids("PRODUCT=46d/c31c\n", "PRODUCT", '/', 3, &a, &b);       /* two of three: odd */
        assert_int_equal(a, 0x10de);
        hd__uevent_ids("PRODUCT=1d6b/3/601\n", "PRODUCT", '/', 3, &a, &b);
        assert_int_equal(a, 0x1d6b);
        assert_int_equal(b, 3);
        hd__uevent_ids("X=1:2:3:4\n", "X", ':', 4, &a, &b);                    /* N out of range */
        assert_int_equal(a, 0x1d6b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_driver_rule),
                cmocka_unit_test(test_ids_and_groups),
                cmocka_unit_test(test_class_devices),
                cmocka_unit_test(test_uevent),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
