/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Name lookups (names.c): PCI vendor, device and class names from a pinned
 * pci.ids (HOSTDEV_PCI_IDS, else tests/data/pci.ids), looked up once per
 * device, and the guard that turns a libpci failure on a bad pci.ids into one
 * warning and names off, never an exit. */
#include "testlib.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <syslog.h>
#include "hostdev-internal.h"
#include <pci/pci.h>

static char *dir, *tmp;
static const char *ids;         /* the pinned pci.ids */

static int setup(void **state)
{
        const char *env = getenv("HOSTDEV_PCI_IDS");

        (void)state;
        ids = env && *env ? env : "tests/data/pci.ids";
        dir = tl_load_fixture("workstation-gpu");
        tmp = strdup("/tmp/hostdev-test-XXXXXX");
        return tmp && mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
        (void)state;
        tl_rm_rf(dir);
        tl_rm_rf(tmp);
        return 0;
}

/* The warnings a context logs, counted; the last kept */
struct log_seen {
        int warnings;
        char last[512];
};

static void log_fn(void *data, int prio, const char *file, int line, const char *fn,
                   const char *format, va_list args) __attribute__((format(printf, 6, 0)));
static void log_fn(void *data, int prio, const char *file, int line, const char *fn,
                   const char *format, va_list args)
{
        struct log_seen *seen = data;

        (void)file, (void)line, (void)fn;
        if (prio > LOG_WARNING)
                return;
        seen->warnings++;
        vsnprintf(seen->last, sizeof(seen->last), format, args);
}

/* The fixture scanned, names on, PCI names from FILE, the USB hwdb off,
 * warnings into SEEN (when not NULL) */
static struct hd_ctx *names_ctx(const char *file, struct log_seen *seen)
{
        struct hd_ctx *ctx = tl_ctx(dir, 1);

        if (seen) {
                hd_ctx_set_log_fn(ctx, log_fn, seen);
                hd_ctx_set_log_priority(ctx, LOG_WARNING);
        }
        assert_int_equal(hd_ctx_set_pci_ids(ctx, file), 0);
        assert_int_equal(hd_ctx_set_usb_hwdb(ctx, false), 0);
        return ctx;
}

static struct hd_dev *dev(struct hd_ctx *ctx, const char *name)
{
        struct hd_dev *d = hd_ctx_find_device(ctx, name);

        assert_non_null(d);
        return d;
}

/* TEXT into a file below the temp dir; its path (static) */
static const char *write_ids(const char *name, const char *text)
{
        static char path[600];

        snprintf(path, sizeof(path), "%s/%s", tmp, name);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        return path;
}

static void test_device_names(void **state)
{
        struct log_seen seen = { 0 };
        struct hd_ctx *ctx = names_ctx(ids, &seen);
        struct hd_dev *gpu = dev(ctx, "pci_0000_01_00_0"), *audio = dev(ctx, "pci_0000_01_00_1");
        const char *vendor;
        (void)state;

        assert_null(gpu->vendor_name);          /* lazily: nothing before the first ask */
        hd__names_fill(ctx, gpu);
        assert_true(gpu->names_done);
        assert_string_equal(gpu->vendor_name, "NVIDIA Corporation");
        assert_string_equal(gpu->device_name, "GP104 [GeForce GTX 1080]");
        vendor = gpu->vendor_name;
        hd__names_fill(ctx, gpu);               /* once per device */
        assert_ptr_equal(gpu->vendor_name, vendor);
        hd__names_fill(ctx, audio);
        assert_string_equal(audio->device_name, "GP104 High Definition Audio Controller");
        /* the Intel host bridge, another vendor of the same file */
        hd__names_fill(ctx, dev(ctx, "pci_0000_00_00_0"));
        assert_string_equal(dev(ctx, "pci_0000_00_00_0")->vendor_name, "Intel Corporation");
        /* once names were asked for, the list cannot change */
        assert_int_equal(hd_ctx_set_pci_ids(ctx, ids), -EBUSY);
        assert_int_equal(seen.warnings, 0);
        hd_ctx_unref(ctx);
}

/* A pinned list names only what it holds: no fallback to the hwdb */
static void test_device_unknown(void **state)
{
        struct hd_ctx *ctx = names_ctx(write_ids("vendor-only.ids", "10de  Pinned Vendor\n"), NULL);
        struct hd_dev *gpu = dev(ctx, "pci_0000_01_00_0"), *intel = dev(ctx, "pci_0000_00_00_0");
        (void)state;

        hd__names_fill(ctx, gpu);
        assert_string_equal(gpu->vendor_name, "Pinned Vendor");
        assert_null(gpu->device_name);
        hd__names_fill(ctx, intel);
        assert_true(intel->names_done);
        assert_null(intel->vendor_name);
        assert_null(intel->device_name);
        hd_ctx_unref(ctx);
}

static void test_class_names(void **state)
{
        struct hd_ctx *ctx = names_ctx(ids, NULL);
        const char *vga;
        (void)state;

        vga = hd__names_pci_class(ctx, 0x0300);
        assert_string_equal(vga, "VGA compatible controller");
        assert_ptr_equal(hd__names_pci_class(ctx, 0x0300), vga);       /* cached */
        assert_string_equal(hd__names_pci_class(ctx, 0x0604), "PCI bridge");
        assert_string_equal(hd__names_pci_class(ctx, 0x0106), "SATA controller");
        /* a class the file lacks: no name, and none from anywhere else */
        assert_null(hd__names_pci_class(ctx, 0xfe77));
        assert_null(hd__names_pci_class(ctx, 0xfe77));                 /* cached as unknown */
        assert_string_equal(hd_dev_get_class_name(dev(ctx, "pci_0000_01_00_0")),
                            "VGA compatible controller");
        assert_string_equal(hd_dev_get_class_name(dev(ctx, "pci_0000_00_17_0")), "SATA controller");
        hd_ctx_unref(ctx);
}

/* With names off nothing is looked up */
static void test_names_off(void **state)
{
        struct hd_ctx *ctx = names_ctx(ids, NULL);
        struct hd_dev *gpu = dev(ctx, "pci_0000_01_00_0");
        (void)state;

        hd_ctx_set_names(ctx, false);
        hd__names_fill(ctx, gpu);
        assert_false(gpu->names_done);
        assert_null(gpu->vendor_name);
        assert_null(hd_dev_get_class_name(gpu));
        hd_ctx_unref(ctx);
}

/* The USB hwdb switched off: USB devices get no hwdb names, whatever the
 * machine's hwdb holds */
static void test_usb_hwdb_off(void **state)
{
        struct hd_ctx *ctx = names_ctx(ids, NULL);
        struct hd_dev *kbd = dev(ctx, "usb_1_5_4");
        (void)state;

        hd__names_fill(ctx, kbd);
        assert_true(kbd->hwdb_done);
        assert_null(kbd->hwdb_vendor);
        assert_null(kbd->hwdb_product);
        hd_ctx_unref(ctx);
}

/* A pci.ids libpci cannot parse: its error hook longjmps to the guard; one
 * warning, names off for the context, no exit and no abort */
static void test_bad_ids_guard(void **state)
{
        struct log_seen seen = { 0 };
        struct hd_ctx *ctx = names_ctx(write_ids("bad.ids", "zzzz  Garbage\n"), &seen);
        struct hd_dev *gpu = dev(ctx, "pci_0000_01_00_0"), *audio = dev(ctx, "pci_0000_01_00_1");
        (void)state;

        hd__names_fill(ctx, gpu);
        assert_true(gpu->names_done);
        assert_null(gpu->vendor_name);
        assert_null(gpu->device_name);
        assert_int_equal(seen.warnings, 1);
        assert_non_null(strstr(seen.last, "PCI names: libpci: Parse error at "));
        assert_non_null(strstr(seen.last, "bad.ids, line 1; names off"));
        /* off for the rest of the context: no lookup, no second warning */
        hd__names_fill(ctx, audio);
        assert_null(audio->vendor_name);
        assert_null(hd__names_pci_class(ctx, 0x0300));
        assert_null(hd_dev_get_class_name(gpu));
        assert_int_equal(seen.warnings, 1);
        /* and the list cannot be swapped in after the failure */
        assert_int_equal(hd_ctx_set_pci_ids(ctx, ids), -EBUSY);
        hd_ctx_unref(ctx);

        /* the guard around a class lookup too, when it is the first */
        memset(&seen, 0, sizeof(seen));
        ctx = names_ctx(write_ids("bad2.ids", "C zz  Garbage\n"), &seen);
        assert_null(hd__names_pci_class(ctx, 0x0300));
        assert_int_equal(seen.warnings, 1);
        assert_non_null(strstr(seen.last, "names off"));
        hd__names_fill(ctx, dev(ctx, "pci_0000_01_00_0"));
        assert_null(dev(ctx, "pci_0000_01_00_0")->vendor_name);
        assert_int_equal(seen.warnings, 1);
        hd_ctx_unref(ctx);
}

static void test_set_pci_ids(void **state)
{
        struct hd_ctx *ctx = NULL;
        (void)state;

        assert_int_equal(hd_ctx_new(&ctx), 0);
        assert_int_equal(hd_ctx_set_pci_ids(ctx, "/nonexistent-hostdev.ids"), -ENOENT);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "/nonexistent-hostdev.ids"));
        assert_int_equal(hd_ctx_set_pci_ids(ctx, tmp), -EINVAL);        /* a directory */
        assert_non_null(strstr(hd_ctx_get_error(ctx), "not a regular file"));
        assert_int_equal(hd_ctx_set_pci_ids(ctx, ids), 0);
        assert_int_equal(hd_ctx_set_pci_ids(ctx, NULL), 0);             /* the system's again */
        hd_ctx_unref(ctx);
}

/* libpci's own answer for FLAGS with A and B, from the file FILE, with
 * neither the memo nor hostdev's handle in between; NULL when unknown */
static char *direct_lookup(const char *file, int flags, int a, int b)
{
        struct pci_access *pacc = pci_alloc();
        char buf[256], *r;

        pci_set_name_list_path(pacc, (char *)file, 0);
        pacc->id_lookup_mode |= PCI_LOOKUP_NO_HWDB;
        pci_set_param(pacc, "hwdb.disable", "1");
        r = pci_lookup_name(pacc, buf, sizeof(buf), flags | PCI_LOOKUP_NO_NUMBERS, a, b);
        r = r ? strdup(r) : NULL;
        pci_cleanup(pacc);
        return r;
}

static void assert_same(const char *got, const char *want)
{
        if (want)
                assert_string_equal(got, want);
        else
                assert_null(got);
}

/* A copy of D with no names looked up yet: the same ids, a second device */
static struct hd_dev unnamed_copy(const struct hd_dev *d)
{
        struct hd_dev c = *d;

        c.names_done = false;
        c.vendor_name = c.device_name = NULL;
        return c;
}

/* The memo gives what libpci gives, and identical devices cost no lookup */
static void test_memo_same_names(void **state)
{
        struct hd_ctx *ctx = names_ctx(ids, NULL);
        size_t n = hd_ctx_get_n_devices(ctx), n_pci = 0;
        unsigned long before;
        (void)state;

        for (size_t i = 0; i < n; i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i), copy;
                char *vendor, *device;

                if (d->type != HD_DEV_PCI)
                        continue;
                n_pci++;
                vendor = direct_lookup(ids, PCI_LOOKUP_VENDOR, d->vendor, 0);
                device = direct_lookup(ids, PCI_LOOKUP_DEVICE, d->vendor, d->device);
                hd__names_fill(ctx, d);
                assert_same(d->vendor_name, vendor);
                assert_same(d->device_name, device);
                /* the same ids again: from the memo, not from libpci */
                before = hd__names_pci_lookups(ctx);
                copy = unnamed_copy(d);
                hd__names_fill(ctx, &copy);
                assert_int_equal(hd__names_pci_lookups(ctx), before);
                assert_same(copy.vendor_name, vendor);
                assert_same(copy.device_name, device);
                /* the device's own copies, not the memo's */
                if (vendor)
                        assert_ptr_not_equal(copy.vendor_name, d->vendor_name);
                free(vendor);
                free(device);
        }
        assert_true(n_pci >= 5);
        /* two lookups (vendor, device) per distinct vendor:device at most */
        assert_true(hd__names_pci_lookups(ctx) <= 2 * n_pci);
        assert_true(hd__names_pci_lookups(ctx) > 0);
        hd_ctx_unref(ctx);
}

/* The memo is keyed by vendor and device: a device of another model of the
 * same vendor is looked up, its vendor name is the same */
static void test_memo_key(void **state)
{
        struct hd_ctx *ctx = names_ctx(ids, NULL);
        struct hd_dev gpu = unnamed_copy(dev(ctx, "pci_0000_01_00_0")), other = gpu;
        unsigned long before;
        (void)state;

        hd__names_fill(ctx, &gpu);
        before = hd__names_pci_lookups(ctx);
        other.device = dev(ctx, "pci_0000_01_00_1")->device;   /* the GPU's audio function */
        hd__names_fill(ctx, &other);
        assert_true(hd__names_pci_lookups(ctx) > before);
        assert_string_equal(other.vendor_name, gpu.vendor_name);
        assert_string_equal(other.device_name, "GP104 High Definition Audio Controller");
        /* no device id: the vendor's name only, kept apart from device 0xffff */
        other = unnamed_copy(&gpu);
        other.device = -1;
        hd__names_fill(ctx, &other);
        assert_string_equal(other.vendor_name, "NVIDIA Corporation");
        assert_null(other.device_name);
        hd_ctx_unref(ctx);
}

/* Each context has its own memo: another context with another name list
 * looks the same ids up again and gets its own answer */
static void test_memo_per_context(void **state)
{
        struct hd_ctx *a = names_ctx(ids, NULL);
        struct hd_ctx *b = names_ctx(write_ids("other.ids", "10de  Other Vendor\n\t1b80  Other GPU\n"), NULL);
        struct hd_dev ga = unnamed_copy(dev(a, "pci_0000_01_00_0")), gb = unnamed_copy(dev(b, "pci_0000_01_00_0"));
        (void)state;

        hd__names_fill(a, &ga);
        assert_int_equal(hd__names_pci_lookups(b), 0);
        hd__names_fill(b, &gb);
        assert_int_equal(hd__names_pci_lookups(b), 2);
        assert_string_equal(ga.device_name, "GP104 [GeForce GTX 1080]");
        assert_string_equal(gb.vendor_name, "Other Vendor");
        assert_string_equal(gb.device_name, "Other GPU");
        /* and the first context's memo still answers as its own list */
        ga = unnamed_copy(&ga);
        hd__names_fill(a, &ga);
        assert_string_equal(ga.vendor_name, "NVIDIA Corporation");
        hd_ctx_unref(a);
        hd_ctx_unref(b);
}

/* A context on the fixture, not scanned yet, names on, PCI names from FILE,
 * warnings into SEEN */
static struct hd_ctx *unscanned_ctx(const char *file, struct log_seen *seen)
{
        struct hd_ctx *ctx = NULL;

        assert_int_equal(hd_ctx_new(&ctx), 0);
        hd_ctx_set_log_fn(ctx, log_fn, seen);
        hd_ctx_set_log_priority(ctx, LOG_WARNING);
        assert_int_equal(hd_ctx_set_sysroot(ctx, dir), 0);
        assert_int_equal(hd_ctx_set_pci_ids(ctx, file), 0);
        assert_int_equal(hd_ctx_set_usb_hwdb(ctx, false), 0);
        return ctx;
}

/* With prefetch the scan reads the name list: a list libpci cannot parse
 * is reported by the scan, before any name is asked for (and only once);
 * the names asked for afterwards are those of the list */
static void test_prefetch(void **state)
{
        const char *bad = write_ids("prefetch-bad.ids", "zzzz  Garbage\n");
        struct log_seen seen = { 0 };
        struct hd_ctx *ctx = unscanned_ctx(bad, &seen);
        struct hd_dev *gpu;
        (void)state;

        /* without prefetch nothing is read by the scan */
        assert_true(hd_ctx_scan(ctx) > 0);
        assert_int_equal(seen.warnings, 0);
        assert_int_equal(hd_ctx_set_pci_ids(ctx, bad), 0);     /* nothing read yet */
        /* with it, the scan reads the list: the parse error now */
        assert_int_equal(hd_ctx_set_names_prefetch(ctx, true), 0);
        assert_true(hd_ctx_scan(ctx) > 0);
        assert_int_equal(seen.warnings, 1);
        assert_non_null(strstr(seen.last, "PCI names: libpci: Parse error at "));
        assert_int_equal(hd_ctx_set_pci_ids(ctx, ids), -EBUSY);
        gpu = dev(ctx, "pci_0000_01_00_0");
        hd__names_fill(ctx, gpu);
        assert_null(gpu->vendor_name);
        assert_int_equal(hd__names_pci_lookups(ctx), 0);        /* names off */
        assert_true(hd_ctx_scan(ctx) > 0);                      /* not read again */
        assert_int_equal(seen.warnings, 1);
        hd_ctx_unref(ctx);

        /* a good list read by the scan: the names are the list's */
        memset(&seen, 0, sizeof(seen));
        ctx = unscanned_ctx(ids, &seen);
        assert_int_equal(hd_ctx_set_names_prefetch(ctx, true), 0);
        assert_true(hd_ctx_scan(ctx) > 0);
        assert_int_equal(hd_ctx_set_pci_ids(ctx, ids), -EBUSY);        /* read */
        assert_int_equal(hd__names_pci_lookups(ctx), 0);                /* no lookup yet */
        gpu = dev(ctx, "pci_0000_01_00_0");
        hd__names_fill(ctx, gpu);
        assert_string_equal(gpu->device_name, "GP104 [GeForce GTX 1080]");
        assert_int_equal(seen.warnings, 0);
        hd_ctx_unref(ctx);
}

/* With names off, prefetch reads nothing */
static void test_prefetch_names_off(void **state)
{
        struct log_seen seen = { 0 };
        struct hd_ctx *ctx = unscanned_ctx(write_ids("prefetch-off.ids", "zzzz  Garbage\n"), &seen);
        (void)state;

        hd_ctx_set_names(ctx, false);
        assert_int_equal(hd_ctx_set_names_prefetch(ctx, true), 0);
        assert_true(hd_ctx_scan(ctx) > 0);
        assert_int_equal(seen.warnings, 0);
        assert_int_equal(hd_ctx_set_pci_ids(ctx, ids), 0);     /* nothing read */
        hd_ctx_unref(ctx);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_device_names),
                cmocka_unit_test(test_device_unknown),
                cmocka_unit_test(test_class_names),
                cmocka_unit_test(test_names_off),
                cmocka_unit_test(test_usb_hwdb_off),
                cmocka_unit_test(test_bad_ids_guard),
                cmocka_unit_test(test_set_pci_ids),
                cmocka_unit_test(test_memo_same_names),
                cmocka_unit_test(test_memo_key),
                cmocka_unit_test(test_memo_per_context),
                cmocka_unit_test(test_prefetch),
                cmocka_unit_test(test_prefetch_names_off),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
