/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The scan memory (scan-mem.c) and the tree made of it (tree.c), on scans
 * built by hand: parents by nearest device ancestor, sibling and tree order,
 * SR-IOV links, IOMMU groups and the getters; and what a failed scan leaves. */
#include "testlib.h"

#include <stdint.h>
#include <sys/stat.h>
#include <syslog.h>

#include "scan-mem.h"       /* the inside of a scan, for the memory tests */

#define PCI0 "devices/pci0000:00/"
#define BRIDGE PCI0 "0000:00:01.0"
#define XHCI PCI0 "0000:00:14.0"
#define USB1 XHCI "/usb1"

struct spec {
        enum hd_dev_type type;
        const char *path;
        int group;              /* -1 none */
        const char *physfn;     /* path of a VF's PF */
};

/* Deliberately not in tree order: the tree must sort them. */
static const struct spec host[] = {
        { HD_DEV_NET, "devices/virtual/net/lo", -1, NULL },
        { HD_DEV_PCI, PCI0 "0000:00:1f.4", 5, NULL },
        { HD_DEV_USB_DEVICE, USB1 "/1-10", -1, NULL },
        { HD_DEV_PCI, BRIDGE "/0000:01:10.0", 7, BRIDGE "/0000:01:00.0" },
        { HD_DEV_PCI, "devices/pci0001:00/0001:00:00.0", -1, NULL },
        { HD_DEV_USB_INTERFACE, USB1 "/1-2/1-2:1.0", -1, NULL },
        { HD_DEV_PCI, BRIDGE "/0000:01:00.1", 2, NULL },
        { HD_DEV_USB_DEVICE, USB1 "/1-2", -1, NULL },
        { HD_DEV_PCI, XHCI, 3, NULL },
        { HD_DEV_USB_DEVICE, USB1 "/1-2/port/deep/1-2.5", -1, NULL },   /* parent 1-2 */
        { HD_DEV_PCI, PCI0 "0000:00:02.0", 1, NULL },
        { HD_DEV_USB_DEVICE, USB1, -1, NULL },
        { HD_DEV_PCI, BRIDGE "/0000:01:00.0", 2, NULL },
        { HD_DEV_USB_DEVICE, USB1 "/1-1", -1, NULL },
        { HD_DEV_PCI, BRIDGE, 2, NULL },
};

static const char *const tree_order[] = {
        "computer",
        "0000:00:01.0", "0000:01:00.0", "0000:01:00.1", "0000:01:10.0",
        "0000:00:02.0",
        "0000:00:14.0", "usb1", "1-1", "1-2", "1-2.5", "1-2:1.0", "1-10",
        "0000:00:1f.4",
        "0001:00:00.0",
        "lo",
};

static const int parent_of[] = { -1, 0, 1, 1, 1, 0, 0, 6, 7, 7, 9, 9, 7, 0, 0, 0 };

static struct hd_dev *add(struct hd__scan *s, const struct spec *p)
{
        struct hd_dev *d = hd__dev_new(s, p->type, p->path);
        unsigned dom, bus, slot, fn;

        assert_non_null(d);
        d->name = hd__scan_strdup(s, d->sysname);
        d->iommu_group = p->group;
        if (p->physfn)          /* a PCI member: set for PCI functions only */
                d->physfn_path = hd__scan_strdup(s, p->physfn);
        if (p->type == HD_DEV_PCI) {
                assert_int_equal(sscanf(d->sysname, "%x:%x:%x.%x", &dom, &bus, &slot, &fn), 4);
                d->domain = dom;
                d->bus = (uint8_t)bus;
                d->slot = (uint8_t)slot;
                d->func = (uint8_t)fn;
                snprintf(d->address, sizeof(d->address), "%s", d->sysname);
        }
        assert_int_equal(hd__scan_add(s, d), 0);
        return d;
}

static int fill_host(struct hd_ctx *ctx, struct hd__scan *s, void *data)
{
        (void)ctx;
        (void)data;
        for (size_t i = 0; i < ELEMENTSOF(host); i++)
                add(s, &host[i]);
        return 0;
}

static int fill_fail(struct hd_ctx *ctx, struct hd__scan *s, void *data)
{
        (void)ctx;
        (void)data;
        add(s, &host[0]);
        return -EIO;
}

static int fill_none(struct hd_ctx *ctx, struct hd__scan *s, void *data)
{
        (void)ctx;
        (void)s;
        (void)data;
        return 0;
}

struct env {
        char *dir;              /* a sysroot with an empty sys/ */
        struct hd_ctx *ctx;     /* rooted there, holding the hand-built scan */
};

static int setup(void **state)
{
        struct env *e = calloc(1, sizeof(*e));
        char sys[300];

        assert_non_null(e);
        e->dir = strdup("/tmp/hostdev-test-tree-XXXXXX");
        assert_non_null(mkdtemp(e->dir));
        snprintf(sys, sizeof(sys), "%s/sys", e->dir);
        assert_int_equal(mkdir(sys, 0755), 0);
        assert_int_equal(hd_ctx_new(&e->ctx), 0);
        assert_int_equal(hd_ctx_set_sysroot(e->ctx, e->dir), 0);
        assert_int_equal(hd__scan_run(e->ctx, fill_host, NULL), (int)ELEMENTSOF(tree_order));
        *state = e;
        return 0;
}

static int teardown(void **state)
{
        struct env *e = *state;

        hd_ctx_unref(e->ctx);
        tl_rm_rf(e->dir);
        free(e);
        return 0;
}

static size_t index_of(const struct hd_ctx *ctx, const char *name)
{
        for (size_t i = 0; i < hd_ctx_get_n_devices(ctx); i++)
                if (strcmp(hd_dev_get_name(hd_ctx_get_device(ctx, i)), name) == 0)
                        return i;
        fail_msg("%s: not in the tree", name);
        return SIZE_MAX;
}

/* Parents-before-children, siblings by PCI address or version order of names */
static void test_order(void **state)
{
        const struct env *e = *state;
        const struct hd_ctx *ctx = e->ctx;

        assert_int_equal(hd_ctx_get_n_devices(ctx), ELEMENTSOF(tree_order));
        assert_ptr_equal(hd_ctx_get_device(ctx, 0), hd_ctx_get_root(ctx));
        for (size_t i = 0; i < ELEMENTSOF(tree_order); i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                assert_string_equal(hd_dev_get_name(d), tree_order[i]);
                assert_int_equal(hd_dev_get_index(d), i);
        }
        assert_null(hd_ctx_get_device(ctx, ELEMENTSOF(tree_order)));
}

/* Each device's parent is its nearest ancestor that is a device (1-2.5
 * skips port/deep/; pci0000:00 is none: its functions hang off the root) */
static void test_links(void **state)
{
        const struct env *e = *state;
        const struct hd_ctx *ctx = e->ctx;
        struct hd_dev *root = hd_ctx_get_root(ctx);

        assert_int_equal(hd_dev_get_type(root), HD_DEV_SYSTEM);
        assert_null(hd_dev_get_parent(root));
        assert_null(hd_dev_get_sysfs_path(root));
        for (size_t i = 1; i < ELEMENTSOF(tree_order); i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                assert_ptr_equal(hd_dev_get_parent(d), hd_ctx_get_device(ctx, (size_t)parent_of[i]));
                assert_non_null(strstr(hd_dev_get_sysfs_path(d), "/sys/devices/"));
        }
        /* first child and siblings walk the children in order */
        for (size_t i = 0; i < ELEMENTSOF(tree_order); i++) {
                struct hd_dev *c = hd_dev_get_first_child(hd_ctx_get_device(ctx, i));
                size_t last = 0;
                for (; c; c = hd_dev_get_next_sibling(c)) {
                        assert_int_equal(parent_of[hd_dev_get_index(c)], (int)i);
                        assert_true(hd_dev_get_index(c) > last);
                        last = hd_dev_get_index(c);
                }
        }
        assert_string_equal(hd_dev_get_sysname(hd_ctx_get_device(ctx, index_of(ctx, "1-2.5"))), "1-2.5");
}

static void test_sriov(void **state)
{
        const struct env *e = *state;
        struct hd_dev *pf = hd_ctx_get_device(e->ctx, index_of(e->ctx, "0000:01:00.0"));
        struct hd_dev *vf = hd_ctx_get_device(e->ctx, index_of(e->ctx, "0000:01:10.0"));

        assert_ptr_equal(hd_dev_get_physfn(vf), pf);
        assert_null(hd_dev_get_physfn(pf));
        assert_int_equal(hd_dev_get_n_virtfns(pf), 1);
        assert_ptr_equal(hd_dev_get_virtfn(pf, 0), vf);
        assert_int_equal(hd_dev_get_n_virtfns(vf), 0);
}

/* Groups by id; members in tree order, NULL-terminated */
static void test_groups(void **state)
{
        const struct env *e = *state;
        const struct hd_ctx *ctx = e->ctx;
        static const int ids[] = { 1, 2, 3, 5, 7 };
        struct hd_dev *const *m;
        size_t n = 99;

        assert_int_equal(hd_ctx_get_n_iommu_groups(ctx), ELEMENTSOF(ids));
        for (size_t i = 0; i < ELEMENTSOF(ids); i++)
                assert_int_equal(hd_ctx_get_iommu_group_id(ctx, i), ids[i]);
        assert_int_equal(hd_ctx_get_iommu_group_id(ctx, ELEMENTSOF(ids)), -ENOENT);
        m = hd_ctx_get_iommu_group_devices(ctx, 2, &n);
        assert_int_equal(n, 3);
        assert_string_equal(hd_dev_get_name(m[0]), "0000:00:01.0");
        assert_string_equal(hd_dev_get_name(m[1]), "0000:01:00.0");
        assert_string_equal(hd_dev_get_name(m[2]), "0000:01:00.1");
        assert_null(m[3]);
        assert_int_equal(hd__ctx_group(ctx, 7)->n, 1);
        assert_null(hd_ctx_get_iommu_group_devices(ctx, 4, &n));
        assert_int_equal(n, 0);
        assert_null(hd__ctx_group(ctx, 99));
        assert_true(hd__ctx_has_iommu(ctx));
}

static void test_find(void **state)
{
        const struct env *e = *state;
        const struct hd_ctx *ctx = e->ctx;

        assert_string_equal(hd_dev_get_name(hd_ctx_find_device(ctx, "0000:00:1f.4")), "0000:00:1f.4");
        assert_string_equal(hd_dev_get_name(hd_ctx_find_device(ctx, "01:00.1")), "0000:01:00.1");
        assert_string_equal(hd_dev_get_name(hd_ctx_find_device(ctx, "1-2:1.0")), "1-2:1.0");
        assert_string_equal(hd_dev_get_name(hd_ctx_find_device(ctx, "lo")), "lo");
        errno = 0;
        assert_null(hd_ctx_find_device(ctx, "02:00.0"));
        assert_int_equal(errno, ENODEV);
        errno = 0;
        assert_null(hd_ctx_find_device(ctx, ""));
        assert_int_equal(errno, ENODEV);
}

/* A failing fill leaves the context's scan as it was; no groups and no
 * kernel/iommu_groups: no IOMMU; an entry there: an IOMMU without groups */
static void test_rescan(void **state)
{
        const struct env *e = *state;
        struct hd_ctx *ctx = e->ctx;
        char dir[400];

        assert_int_equal(hd__scan_run(ctx, fill_fail, NULL), -EIO);
        assert_int_equal(hd_ctx_get_n_devices(ctx), ELEMENTSOF(tree_order));
        assert_int_equal(hd__scan_run(ctx, fill_none, NULL), 1);
        assert_string_equal(hd_dev_get_name(hd_ctx_get_root(ctx)), "computer");
        assert_int_equal(hd_ctx_get_n_iommu_groups(ctx), 0);
        assert_false(hd__ctx_has_iommu(ctx));
        snprintf(dir, sizeof(dir), "%s/sys/kernel", e->dir);
        assert_int_equal(mkdir(dir, 0755), 0);
        strcat(dir, "/iommu_groups");
        assert_int_equal(mkdir(dir, 0755), 0);
        strcat(dir, "/0");
        assert_int_equal(mkdir(dir, 0755), 0);
        assert_int_equal(hd__scan_run(ctx, fill_none, NULL), 1);
        assert_true(hd__ctx_has_iommu(ctx));
        assert_int_equal(hd_ctx_get_n_iommu_groups(ctx), 0);
        /* back to the full scan for the tests after this one */
        assert_int_equal(hd__scan_run(ctx, fill_host, NULL), (int)ELEMENTSOF(tree_order));
        assert_true(hd__ctx_has_iommu(ctx));
}

/* No scan yet: empty answers, never a crash */
static void test_no_scan(void **state)
{
        struct hd_ctx *ctx = NULL;
        size_t n = 7;

        (void)state;
        assert_int_equal(hd_ctx_new(&ctx), 0);
        assert_int_equal(hd_ctx_get_n_devices(ctx), 0);
        assert_null(hd_ctx_get_device(ctx, 0));
        assert_null(hd_ctx_get_root(ctx));
        assert_int_equal(hd_ctx_get_n_iommu_groups(ctx), 0);
        assert_int_equal(hd_ctx_get_iommu_group_id(ctx, 0), -ENOENT);
        assert_null(hd_ctx_get_iommu_group_devices(ctx, 1, &n));
        assert_int_equal(n, 0);
        assert_false(hd__ctx_has_iommu(ctx));
        errno = 0;
        assert_null(hd_ctx_find_device(ctx, "0000:00:00.0"));
        assert_int_equal(errno, ENODEV);
        hd_ctx_unref(ctx);
}

/* ---------------------------------------------------------------- scan memory */

static void test_memory(void **state)
{
        struct hd__scan *s = hd__scan_new();
        unsigned char *small, *big;
        struct hd_dev *d, *again, *anon;

        (void)state;
        assert_non_null(s);
        small = hd__scan_alloc(s, 3);
        big = hd__scan_alloc(s, 1 << 20);       /* larger than a chunk: a chunk of its own */
        assert_non_null(small);
        assert_non_null(big);
        assert_int_equal((uintptr_t)small % 16, 0);
        assert_int_equal((uintptr_t)big % 16, 0);
        for (size_t i = 0; i < (1 << 20); i += 4096)
                assert_int_equal(big[i], 0);
        assert_null(hd__scan_strdup(s, NULL));
        assert_string_equal(hd__scan_strdup(s, "abc"), "abc");

        d = hd__dev_new(s, HD_DEV_PCI, "devices/pci0000:00/0000:00:02.0");
        assert_string_equal(d->sysname, "0000:00:02.0");
        assert_string_equal(d->display, "/sys/devices/pci0000:00/0000:00:02.0");
        assert_int_equal(d->vendor, -1);
        assert_int_equal(d->iommu_group, -1);
        assert_int_equal(d->subvendor, -1);             /* its type's union member */
        assert_int_equal(d->numa_node, -1);
        assert_int_equal(d->boot_vga, -1);
        assert_int_equal(hd__scan_add(s, d), -EINVAL);          /* no name */
        d->name = d->address;
        assert_int_equal(hd__scan_add(s, d), 0);
        again = hd__dev_new(s, HD_DEV_PCI, "devices/pci0000:00/0000:00:02.0");
        again->name = again->address;
        assert_int_equal(hd__scan_add(s, again), -EEXIST);
        assert_ptr_equal(hd__scan_lookup(s, "devices/pci0000:00/0000:00:02.0"), d);
        assert_null(hd__scan_lookup(s, "devices/pci0000:00"));
        assert_ptr_equal(hd__scan_lookup_len(s, "devices/pci0000:00/0000:00:02.0/drm", 31), d);
        anon = hd__dev_new(s, HD_DEV_SYSTEM, NULL);
        assert_null(anon->path);
        assert_null(anon->sysname);
        assert_int_equal(anon->vendor, -1);
        assert_int_equal(anon->scsi_host, -1);
        /* each type's own numbers unknown too */
        assert_int_equal(hd__dev_new(s, HD_DEV_BLOCK, "devices/virtual/block/loop0")->size_bytes, -1);
        assert_int_equal(hd__dev_new(s, HD_DEV_USB_INTERFACE, "devices/usb1/1-0:1.0")->usb_ifnum, -1);
        assert_int_equal(hd__dev_new(s, HD_DEV_USB_DEVICE, "devices/usb1")->usb_subclass, -1);
        assert_int_equal(hd__dev_new(s, HD_DEV_SCSI, "devices/host0/target0:0:0/0:0:0:0")->scsi_type, -1);
        assert_int_equal(hd__dev_new(s, HD_DEV_MDEV, "devices/mdev0")->mdev_group, -1);
        hd__scan_free(s);
        assert_null(hd__scan_free(NULL));
}

/* Thousands of devices: the hash grows and still finds every one */
static void test_memory_many(void **state)
{
        struct hd__scan *s = hd__scan_new();
        char path[64];

        (void)state;
        for (int i = 0; i < 5000; i++) {
                struct hd_dev *d;
                snprintf(path, sizeof(path), "devices/virtual/net/veth%d", i);
                d = hd__dev_new(s, HD_DEV_NET, path);
                d->name = (char *)d->sysname;
                assert_int_equal(hd__scan_add(s, d), 0);
        }
        for (int i = 0; i < 5000; i++) {
                snprintf(path, sizeof(path), "devices/virtual/net/veth%d", i);
                assert_string_equal(hd__scan_lookup(s, path)->sysname, path + 20);
        }
        hd__scan_free(s);
}

struct logged {
        int warnings;
        char last[256];
};

static void collect(void *data, int prio, const char *file, int line, const char *fn,
                    const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static void collect(void *data, int prio, const char *file, int line, const char *fn,
                    const char *fmt, va_list ap)
{
        struct logged *l = data;

        (void)file; (void)line; (void)fn;
        if (prio == LOG_WARNING) {
                l->warnings++;
                vsnprintf(l->last, sizeof(l->last), fmt, ap);
        }
}

/* A second scan's devices (and the memory they live in) move into the first;
 * a path in both is warned about and kept once */
static void test_merge(void **state)
{
        struct hd__scan *a = hd__scan_new(), *b = hd__scan_new();
        struct logged l = { 0 };
        struct hd_ctx *ctx = NULL;
        const char *paths[] = { "devices/a", "devices/b", "devices/c" };
        struct hd_dev *kept = NULL;

        (void)state;
        assert_int_equal(hd_ctx_new(&ctx), 0);
        hd_ctx_set_log_fn(ctx, collect, &l);
        for (size_t i = 0; i < 3; i++) {
                struct hd__scan *s = i < 2 ? a : b;
                struct hd_dev *d = hd__dev_new(s, HD_DEV_NET, paths[i]);
                d->name = hd__scan_strdup(s, paths[i] + 8);
                assert_int_equal(hd__scan_add(s, d), 0);
                if (i == 1) {   /* "b" in both */
                        struct hd_dev *twin = hd__dev_new(b, HD_DEV_NET, paths[i]);
                        twin->name = hd__scan_strdup(b, "twin");
                        assert_int_equal(hd__scan_add(b, twin), 0);
                        kept = d;
                }
        }
        assert_int_equal(hd__scan_merge(ctx, a, b), 0);
        assert_int_equal(l.warnings, 1);
        assert_string_equal(l.last, "devices/b: listed twice");
        assert_ptr_equal(hd__scan_lookup(a, "devices/b"), kept);
        assert_string_equal(hd__scan_lookup(a, "devices/c")->name, "c");   /* b's memory lives on */
        hd__scan_free(a);
        hd_ctx_unref(ctx);
}

int main(void)
{
        const struct CMUnitTest tree[] = {
                cmocka_unit_test(test_order),
                cmocka_unit_test(test_links),
                cmocka_unit_test(test_sriov),
                cmocka_unit_test(test_groups),
                cmocka_unit_test(test_find),
                cmocka_unit_test(test_rescan),
                cmocka_unit_test(test_order),
        };
        const struct CMUnitTest memory[] = {
                cmocka_unit_test(test_no_scan),
                cmocka_unit_test(test_memory),
                cmocka_unit_test(test_memory_many),
                cmocka_unit_test(test_merge),
        };
        return cmocka_run_group_tests(tree, setup, teardown) |
               cmocka_run_group_tests(memory, NULL, NULL);
}
