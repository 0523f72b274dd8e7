/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The umockdev-record loader: decoding, synthesized links, hostile input. */
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <syslog.h>

static int n_warnings;

static void count_log(void *data, int prio, const char *file, int line, const char *fn,
                      const char *format, va_list args)
{
        (void)data; (void)file; (void)line; (void)fn; (void)format; (void)args;
        if (prio <= LOG_WARNING)
                n_warnings++;
}

static char *scratch(void)
{
        char *d = strdup("/tmp/hostdev-test-XXXXXX");
        assert_non_null(d);
        assert_non_null(mkdtemp(d));
        return d;
}

static void write_file(const char *path, const void *data, size_t len)
{
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
}

/* Whole file into buf; returns its length. */
static size_t read_file(const char *dir, const char *rel, char *buf, size_t size)
{
        char path[2 * PATH_MAX];
        FILE *f;
        size_t n;

        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        f = fopen(path, "r");
        if (!f)
                fail_msg("cannot open %s", path);
        n = fread(buf, 1, size - 1, f);
        buf[n] = '\0';
        fclose(f);
        return n;
}

static char *readlink_rel(const char *dir, const char *rel, char *buf, size_t size)
{
        char path[2 * PATH_MAX];
        ssize_t n;

        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        n = readlink(path, buf, size - 1);
        if (n < 0)
                fail_msg("not a link: %s", path);
        buf[n] = '\0';
        return buf;
}

static bool exists(const char *dir, const char *rel)
{
        char path[2 * PATH_MAX];
        struct stat st;

        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        return stat(path, &st) == 0;    /* follows links: "resolves" */
}

static bool lexists(const char *dir, const char *rel)
{
        char path[2 * PATH_MAX];
        struct stat st;

        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        return lstat(path, &st) == 0;
}

/* ---------------------------------------------------------------- containment
 * Every link below ROOT must be relative, with ".." only in front, and never
 * climb above ROOT; with REQUIRE_RESOLVE it must also point at something. */
static const char *walk_root;
static bool walk_require_resolve;
static int walk_bad;

static int walk_fn(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        char target[PATH_MAX], real[PATH_MAX], rootreal[PATH_MAX];
        const char *p;
        ssize_t n;
        int depth = ftw->level - 1, ups = 0;

        (void)st;
        if (type != FTW_SL && type != FTW_SLN)
                return 0;
        n = readlink(path, target, sizeof(target) - 1);
        if (n < 0)
                return walk_bad++, 0;
        target[n] = '\0';
        for (p = target; strncmp(p, "../", 3) == 0; p += 3)
                ups++;
        if (target[0] == '/' || ups > depth || strstr(p, "/..") || strncmp(p, "..", 2) == 0) {
                print_error("link escapes: %s -> %s\n", path, target);
                return walk_bad++, 0;
        }
        if (!realpath(path, real)) {
                if (walk_require_resolve) {
                        print_error("dangling: %s -> %s\n", path, target);
                        walk_bad++;
                }
                return 0;
        }
        assert_non_null(realpath(walk_root, rootreal));
        if (strncmp(real, rootreal, strlen(rootreal)) != 0) {
                print_error("resolves outside: %s -> %s\n", path, real);
                walk_bad++;
        }
        return 0;
}

static void check_contained(const char *root, bool require_resolve)
{
        walk_root = root;
        walk_require_resolve = require_resolve;
        walk_bad = 0;
        assert_int_equal(nftw(root, walk_fn, 32, FTW_PHYS), 0);
        assert_int_equal(walk_bad, 0);
}

/* Only NAMES (NULL-terminated) in DIR. */
static void check_only(const char *dir, const char *const *names)
{
        char cmd[PATH_MAX + 64], line[512];
        FILE *p;

        snprintf(cmd, sizeof(cmd), "ls -A '%s'", dir);
        p = popen(cmd, "r");
        assert_non_null(p);
        while (fgets(line, sizeof(line), p)) {
                bool known = false;
                line[strcspn(line, "\n")] = '\0';
                for (size_t i = 0; names[i]; i++)
                        known |= strcmp(names[i], line) == 0;
                if (!known)
                        fail_msg("unexpected %s/%s", dir, line);
        }
        pclose(p);
}

/* Load TEXT from OUTER/in.umockdev into OUTER/root; check nothing escaped. */
static int load_text(const char *outer, const void *text, size_t len)
{
        static const char *const outer_names[] = { "in.umockdev", "root", NULL };
        static const char *const root_names[] = { "sys", "dev", NULL };
        char file[PATH_MAX], root[PATH_MAX];
        struct hd_ctx *ctx = NULL;
        int r;

        snprintf(file, sizeof(file), "%s/in.umockdev", outer);
        snprintf(root, sizeof(root), "%s/root", outer);
        write_file(file, text, len);
        assert_int_equal(hd_ctx_new(&ctx), 0);
        hd_ctx_set_log_fn(ctx, count_log, NULL);
        n_warnings = 0;
        r = hd_fixture_load(ctx, file, root);
        if (r < 0)
                fail_msg("load: %s", hd_ctx_get_error(ctx));
        hd_ctx_unref(ctx);
        check_only(outer, outer_names);
        check_only(root, root_names);
        check_contained(root, false);
        return r;
}

static int load_str(const char *outer, const char *text)
{
        return load_text(outer, text, strlen(text));
}

/* ---------------------------------------------------------------- decoding */

static const char decode_rec[] =
        "P: /devices/platform/t\n"
        "E: SUBSYSTEM=platform\n"
        "E: DRIVER=foo\n"
        "E: DEVNAME=/dev/t0\n"
        "E: ID_FOO=1\n"
        "E: TAGS=:x:\n"
        "E: MODALIAS=platform:t\n"
        "E: MAJOR=10\n"
        "E: MINOR=200\n"
        "N: t0=DEADbeef\n"
        "S: links/t0\n"
        "A: esc=a\\tb\\\\c\\\"d\\101\\0end\\n\n"
        "A: octal=\\1\\12\\123\\1234\n"
        "A: ctl=x\\ny\\r\\b\\f\\v\n"
        "A: empty=\n"
        "A: eq=a=b\n"
        "H: bin=00FF10ab\n"
        "A: power/control=auto\\n\n"
        "L: firmware_node=../../../firmware/acpi/X\n"
        "\n"
        "P: /devices/virtual/net/lo\n"
        "E: SUBSYSTEM=net\n"
        "E: INTERFACE=lo\n"
        "A: uevent=INTERFACE=lo\\nIFINDEX=1\\n\n"
        "\n"
        "P: /devices/weird0\n"
        "E: SUBSYSTEM=weirdbus\n"
        "E: DRIVER=wd\n";

static void test_decode(void **state)
{
        char *outer = scratch(), root[PATH_MAX], buf[256];
        (void)state;

        assert_int_equal(load_str(outer, decode_rec), 3);
        assert_int_equal(n_warnings, 0);
        snprintf(root, sizeof(root), "%s/root", outer);
        assert_int_equal(read_file(root, "sys/devices/platform/t/esc", buf, sizeof(buf)), 13);
        assert_memory_equal(buf, "a\tb\\c\"dA\0end\n", 13);
        assert_int_equal(read_file(root, "sys/devices/platform/t/octal", buf, sizeof(buf)), 5);
        assert_memory_equal(buf, "\001\012SS4", 5);
        assert_int_equal(read_file(root, "sys/devices/platform/t/ctl", buf, sizeof(buf)), 7);
        assert_memory_equal(buf, "x\ny\r\b\f\v", 7);
        assert_int_equal(read_file(root, "sys/devices/platform/t/empty", buf, sizeof(buf)), 0);
        read_file(root, "sys/devices/platform/t/eq", buf, sizeof(buf));
        assert_string_equal(buf, "a=b");
        assert_int_equal(read_file(root, "sys/devices/platform/t/bin", buf, sizeof(buf)), 4);
        assert_memory_equal(buf, "\x00\xff\x10\xab", 4);
        read_file(root, "sys/devices/platform/t/power/control", buf, sizeof(buf));
        assert_string_equal(buf, "auto\n");
        assert_int_equal(read_file(root, "dev/t0", buf, sizeof(buf)), 4);
        assert_memory_equal(buf, "\xde\xad\xbe\xef", 4);
        assert_string_equal(readlink_rel(root, "dev/links/t0", buf, sizeof(buf)), "../t0");
        tl_rm_rf(outer);
}

static void test_synthesized(void **state)
{
        char *outer = scratch(), root[PATH_MAX], buf[256];
        (void)state;

        assert_int_equal(load_str(outer, decode_rec), 3);
        snprintf(root, sizeof(root), "%s/root", outer);
        check_contained(root, true);
        /* uevent without udev's own keys, DEVNAME relative */
        read_file(root, "sys/devices/platform/t/uevent", buf, sizeof(buf));
        assert_string_equal(buf, "DRIVER=foo\nDEVNAME=t0\nMODALIAS=platform:t\n"
                                 "MAJOR=10\nMINOR=200\n");
        /* a recorded uevent wins */
        read_file(root, "sys/devices/virtual/net/lo/uevent", buf, sizeof(buf));
        assert_string_equal(buf, "INTERFACE=lo\nIFINDEX=1\n");
        /* bus device: subsystem, bus/X/devices, driver and its back-link */
        assert_string_equal(readlink_rel(root, "sys/devices/platform/t/subsystem", buf,
                                         sizeof(buf)), "../../../bus/platform");
        assert_string_equal(readlink_rel(root, "sys/bus/platform/devices/t", buf, sizeof(buf)),
                            "../../../devices/platform/t");
        assert_string_equal(readlink_rel(root, "sys/devices/platform/t/driver", buf, sizeof(buf)),
                            "../../../bus/platform/drivers/foo");
        assert_string_equal(readlink_rel(root, "sys/bus/platform/drivers/foo/t", buf, sizeof(buf)),
                            "../../../../devices/platform/t");
        assert_string_equal(readlink_rel(root, "sys/dev/char/10:200", buf, sizeof(buf)),
                            "../../devices/platform/t");
        /* class device */
        assert_string_equal(readlink_rel(root, "sys/devices/virtual/net/lo/subsystem", buf,
                                         sizeof(buf)), "../../../../class/net");
        assert_string_equal(readlink_rel(root, "sys/class/net/lo", buf, sizeof(buf)),
                            "../../devices/virtual/net/lo");
        /* an unknown subsystem with a driver is a bus */
        assert_true(exists(root, "sys/bus/weirdbus/devices/weird0/uevent"));
        assert_true(exists(root, "sys/bus/weirdbus/drivers/wd/weird0"));
        /* a dangling recorded link gets its target */
        assert_true(exists(root, "sys/firmware/acpi/X"));
        tl_rm_rf(outer);
}

/* ---------------------------------------------------------------- real recordings */

static char *load_real(const char *name, int want)
{
        char file[512];
        char *dir = scratch();
        struct hd_ctx *ctx = NULL;
        int r;

        snprintf(file, sizeof(file), "fixtures/%s.umockdev", name);
        assert_int_equal(rmdir(dir), 0);        /* the loader creates it */
        assert_int_equal(hd_ctx_new(&ctx), 0);
        hd_ctx_set_log_fn(ctx, count_log, NULL);
        n_warnings = 0;
        r = hd_fixture_load(ctx, file, dir);
        if (r < 0)
                fail_msg("%s: %s", file, hd_ctx_get_error(ctx));
        hd_ctx_unref(ctx);
        assert_int_equal(r, want);
        assert_int_equal(n_warnings, 0);
        check_contained(dir, true);
        return dir;
}

static void test_ghw(void **state)
{
        char *d = load_real("ghw-415ee03b", 23), buf[256];
        (void)state;

        assert_true(exists(d, "sys/bus/pci/devices/0000:00:02.0/vendor"));
        assert_string_equal(readlink_rel(d, "sys/bus/pci/devices/0000:00:02.0", buf, sizeof(buf)),
                            "../../../devices/pci0000:00/0000:00:02.0");
        assert_true(exists(d, "sys/bus/pci/drivers/i915/0000:00:02.0/vendor"));
        assert_true(exists(d, "sys/bus/pci/drivers/nvme/0000:04:00.0"));
        assert_true(exists(d, "sys/kernel/iommu_groups/0/devices/0000:00:02.0"));
        assert_true(exists(d, "sys/kernel/iommu_groups/14/devices/0000:04:00.0"));
        assert_true(exists(d, "sys/devices/pci0000:00/0000:00:02.0/iommu_group/devices"));
        read_file(d, "sys/devices/pci0000:00/0000:00:02.0/uevent", buf, sizeof(buf));
        assert_non_null(strstr(buf, "DRIVER=i915\n"));
        assert_non_null(strstr(buf, "PCI_SLOT_NAME=0000:00:02.0\n"));
        assert_non_null(strstr(buf, "PCI_ID=8086:46A6\n"));
        tl_rm_rf(d);
}

static void test_usbkbd(void **state)
{
        char *d = load_real("umockdev-usbkbd", 9), buf[256];
        (void)state;

        assert_true(exists(d, "dev/input/event5"));
        assert_string_equal(readlink_rel(d, "dev/input/by-id/usb-05f3_0007-event-kbd", buf,
                                         sizeof(buf)), "../event5");
        assert_true(exists(d, "sys/class/input/event5/dev"));
        assert_true(exists(d, "sys/dev/char/13:69"));
        assert_true(exists(d, "sys/bus/usb/devices/1-1.5.4/descriptors"));
        assert_true(exists(d, "sys/bus/usb/drivers/usb/1-1.5.4"));
        read_file(d, "sys/class/input/event5/uevent", buf, sizeof(buf));
        assert_non_null(strstr(buf, "DEVNAME=input/event5\n"));
        assert_null(strstr(buf, "ID_"));
        assert_null(strstr(buf, "DEVLINKS"));
        /* N: with content: the usbfs node holds the descriptors */
        assert_true(read_file(d, "dev/bus/usb/001/001", buf, sizeof(buf)) > 18);
        assert_int_equal(buf[0], 0x12);
        assert_int_equal(buf[1], 0x01);
        tl_rm_rf(d);
}

static void test_fido2(void **state)
{
        char *d = load_real("umockdev-fido2", 8);
        (void)state;

        assert_true(exists(d, "sys/bus/pci/devices/0000:05:00.3/config"));
        assert_true(exists(d, "sys/kernel/iommu_groups/14/devices/0000:05:00.3/config"));
        assert_true(exists(d, "sys/kernel/iommu_groups/6/devices/0000:00:08.1"));
        /* the recorded link to the unrecorded IOMMU became a directory */
        assert_true(exists(d, "sys/devices/pci0000:00/0000:00:00.2/iommu/ivhd0"));
        tl_rm_rf(d);
}

static void test_kvm(void **state)
{
        char *d = load_real("kvm-guest-virtio", 389);
        (void)state;

        assert_true(exists(d, "sys/class/net/eth0/address"));
        assert_true(exists(d, "sys/block/vda"));
        assert_true(exists(d, "sys/class/block/vda"));
        assert_true(exists(d, "sys/bus/virtio/devices/virtio0"));
        assert_true(exists(d, "sys/bus/memory/devices/memory0"));
        assert_true(exists(d, "sys/bus/cpu/devices/cpu0"));
        assert_true(exists(d, "sys/class/tty/ttyS0"));
        assert_true(exists(d, "dev/ttyS0"));
        tl_rm_rf(d);
}

static void test_others(void **state)
{
        static const struct { const char *name; int n; } recs[] = {
                { "ghw-accel-nvidia", 29 },
                { "hwloc-40intel64-xeon-e7-4870", 139 },
                { "umockdev-canon-powershot-sx200", 6 },
        };
        (void)state;

        for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
                char *d = load_real(recs[i].name, recs[i].n);
                assert_true(exists(d, "sys/bus/pci/devices"));
                tl_rm_rf(d);
        }
}

/* ---------------------------------------------------------------- hostile input */

static void hostile(const char *text, int want, bool warns)
{
        char *outer = scratch();
        int r = load_str(outer, text);

        assert_int_equal(r, want);
        if (warns && n_warnings == 0)
                fail_msg("no warning for: %s", text);
        tl_rm_rf(outer);
}

static void test_hostile_paths(void **state)
{
        (void)state;
        hostile("P: /devices/../../etc\nA: passwd=x\n", 0, true);
        hostile("P: /devices/a/../../../x\nA: y=1\n", 0, true);
        hostile("P: /etc/passwd\n", 0, true);
        hostile("P: devices/a\n", 0, true);
        hostile("P: /devices/\n", 0, true);
        hostile("P: /devices//a\n", 0, true);
        hostile("P: /devices/a b\n", 0, true);
        hostile("P: /devices/a\nL: x=/etc/passwd\n", 1, true);
        hostile("P: /devices/a\nL: ../../../../x=y\n", 1, true);
        hostile("P: /devices/a\nA: ../evil=1\n", 1, true);
        hostile("P: /devices/a\nA: /abs=1\n", 1, true);
        hostile("P: /devices/a\nH: ../../../evil=00\n", 1, true);
        hostile("P: /devices/a\nL: up=../../../../../etc\n", 1, true);
        hostile("P: /devices/a\nL: m=b/../../../../../etc\n", 1, true);
        hostile("P: /devices/a\nL: l=../../bus\nL: m=l/../../..\n", 1, true);
        hostile("P: /devices/a\nL: n=..\n", 1, true);
        hostile("P: /devices/a\nN: ../../x\nS: ../y\nE: DEVNAME=/dev/../../z\n", 1, true);
        hostile("P: /devices/a\nE: SUBSYSTEM=../../x\nE: DRIVER=../y\n", 1, true);
        /* a link named like a later device's directory: never walked through */
        hostile("P: /devices/a\nL: b=../../bus\n\nP: /devices/a/b/c\nA: x=1\n", 1, true);
        /* an attribute where a directory goes, and the reverse */
        hostile("P: /devices/a\nA: power=1\nA: power/control=on\n\nP: /devices/a/power\nA: x=1\n",
                1, true);
        hostile("P: /devices/a/b\nA: x=1\n\nP: /devices/a\nA: b=1\n", 2, true);
}

static void test_hostile_lines(void **state)
{
        char *outer, *big, root[PATH_MAX];
        size_t len = (1u << 20) + 64, off;
        struct stat st;
        (void)state;

        hostile("Q: what\ngarbage\nA: x=1\n\nP: /devices/a\nX: y\nE: NOEQ\nA: =1\n", 1, true);
        hostile("P: /devices/a\nH: config=0102030\nH: c2=zz\nN: n=0\n", 1, true);
        hostile("P: /devices/a\nA: x=1\nH: config=0102", 1, false);     /* truncated */
        hostile("P: /devices/a\nA: trailing=\\", 1, false);
        hostile("\n\n\nP: /devices/a\r\nA: x=1\r\n", 1, false);          /* CRLF */
        hostile("P: /devices/a\nP: /devices/b\n", 2, true);
        hostile("", 0, false);

        /* a 1 MB attribute line loads; an 9 MB line is skipped */
        outer = scratch();
        big = malloc(len);
        assert_non_null(big);
        off = (size_t)sprintf(big, "P: /devices/a\nA: big=");
        memset(big + off, 'x', len - off - 1);
        big[len - 1] = '\n';
        assert_int_equal(load_text(outer, big, len), 1);
        snprintf(root, sizeof(root), "%s/root/sys/devices/a/big", outer);
        assert_int_equal(stat(root, &st), 0);
        assert_int_equal((size_t)st.st_size, len - off - 1);
        free(big);
        tl_rm_rf(outer);

        len = 9u << 20;
        outer = scratch();
        big = malloc(len);
        assert_non_null(big);
        memset(big, 'y', len);
        memcpy(big, "P: /devices/a\nA: huge=", 22);
        assert_int_equal(load_text(outer, big, len), 1);
        assert_true(n_warnings > 0);
        free(big);
        tl_rm_rf(outer);
}

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
        rng_state = rng_state * 1103515245u + 12345u;
        return rng_state >> 8;
}

static void test_hostile_binary(void **state)
{
        size_t len = 64 * 1024;
        char *outer = scratch(), *junk = malloc(len);
        (void)state;

        assert_non_null(junk);
        for (size_t i = 0; i < len; i++)
                junk[i] = (char)rng();
        /* a few real-looking lines inside the noise */
        static const char real_lines[] = "\nP: /devices/x\nA: \377\001=\002\n";
        memcpy(junk + 100, real_lines, sizeof(real_lines) - 1);
        assert_true(load_text(outer, junk, len) >= 0);
        free(junk);
        tl_rm_rf(outer);
}

/* A real recording with bytes flipped: never crashes or escapes. */
static void test_hostile_mutations(void **state)
{
        static const char alphabet[] = "./=:\n \\PLANSEH\000\377";
        char *text, *copy;
        size_t len;
        FILE *f;
        (void)state;

        f = fopen("fixtures/umockdev-fido2.umockdev", "r");
        assert_non_null(f);
        text = malloc(1 << 20);
        assert_non_null(text);
        len = fread(text, 1, 1 << 20, f);
        fclose(f);
        copy = malloc(len);
        assert_non_null(copy);
        for (int round = 0; round < 25; round++) {
                char *outer = scratch();
                memcpy(copy, text, len);
                for (int k = 0; k < 30; k++)
                        copy[rng() % len] = alphabet[rng() % (sizeof(alphabet) - 1)];
                assert_true(load_text(outer, copy, len) >= 0);
                tl_rm_rf(outer);
        }
        free(copy);
        free(text);
}

/* ---------------------------------------------------------------- errors */

static void test_errors(void **state)
{
        char *outer = scratch(), path[PATH_MAX], dir[PATH_MAX];
        struct hd_ctx *ctx = NULL;
        (void)state;

        assert_int_equal(hd_ctx_new(&ctx), 0);
        snprintf(dir, sizeof(dir), "%s/root", outer);
        assert_int_equal(hd_fixture_load(ctx, "fixtures/no-such.umockdev", dir), -ENOENT);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "no-such.umockdev"));
        assert_null(strchr(hd_ctx_get_error(ctx), '\n'));
        assert_false(lexists(outer, "root"));

        /* a directory or a FIFO as FILE: refused, never blocks */
        assert_int_equal(hd_fixture_load(ctx, outer, dir), -EISDIR);
        snprintf(path, sizeof(path), "%s/fifo", outer);
        assert_int_equal(mkfifo(path, 0600), 0);
        assert_int_equal(hd_fixture_load(ctx, path, dir), -EINVAL);
        assert_int_equal(unlink(path), 0);

        /* DIR not empty; DIR's parent missing */
        snprintf(path, sizeof(path), "%s/file", outer);
        write_file(path, "x", 1);
        assert_int_equal(hd_fixture_load(ctx, "fixtures/umockdev-fido2.umockdev", outer),
                         -ENOTEMPTY);
        assert_null(strchr(hd_ctx_get_error(ctx), '\n'));
        snprintf(path, sizeof(path), "%s/a/b", outer);
        assert_int_equal(hd_fixture_load(ctx, "fixtures/umockdev-fido2.umockdev", path), -ENOENT);
        assert_int_equal(hd_fixture_load(ctx, "fixtures/umockdev-fido2.umockdev", ""), -EINVAL);

        /* an existing empty DIR is fine */
        assert_int_equal(mkdir(dir, 0755), 0);
        assert_int_equal(hd_fixture_load(ctx, "fixtures/umockdev-fido2.umockdev", dir), 8);
        hd_ctx_unref(ctx);
        tl_rm_rf(outer);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_decode),
                cmocka_unit_test(test_synthesized),
                cmocka_unit_test(test_ghw),
                cmocka_unit_test(test_usbkbd),
                cmocka_unit_test(test_fido2),
                cmocka_unit_test(test_kvm),
                cmocka_unit_test(test_others),
                cmocka_unit_test(test_hostile_paths),
                cmocka_unit_test(test_hostile_lines),
                cmocka_unit_test(test_hostile_binary),
                cmocka_unit_test(test_hostile_mutations),
                cmocka_unit_test(test_errors),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
