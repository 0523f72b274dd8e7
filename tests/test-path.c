/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rooted path layer: normalisation, bounded reads, no escapes, no hangs. */
#include "testlib.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include "hostdev-internal.h"

static char *tmp;
static int dfd = -1;

static int setup(void **state)
{
        (void)state;
        tmp = strdup("/tmp/hostdev-test-XXXXXX");
        if (!mkdtemp(tmp))
                return -1;
        dfd = open(tmp, O_RDONLY | O_DIRECTORY);
        return dfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
        (void)state;
        close(dfd);
        tl_rm_rf(tmp);
        return 0;
}

static void test_join_norm(void **state)
{
        char buf[256];
        (void)state;
        assert_int_equal(hd__path_join_norm("bus/pci/devices", "../../../devices/pci0000:00/0000:00:01.0",
                                            buf, sizeof(buf)), 31);
        assert_string_equal(buf, "devices/pci0000:00/0000:00:01.0");
        assert_int_equal(hd__path_join_norm("a/b", "./c/../d", buf, sizeof(buf)), 5);
        assert_string_equal(buf, "a/b/d");
        assert_int_equal(hd__path_join_norm("a", "../../etc", buf, sizeof(buf)), -EXDEV);
        assert_int_equal(hd__path_join_norm("a", "/etc/passwd", buf, sizeof(buf)), -EXDEV);
        assert_int_equal(hd__path_join_norm("a", "bbbbbbbbbbbb", buf, 8), -ENAMETOOLONG);
}

static void test_read(void **state)
{
        char buf[16], big[40000];
        (void)state;
        assert_int_equal(hd__create_file_at(dfd, "d/attr", "0x8086\n", 7, 0644), 0);
        assert_int_equal(hd__read_at(dfd, "d/attr", buf, sizeof(buf)), 6);
        assert_string_equal(buf, "0x8086");
        assert_int_equal(hd__read_at(dfd, "d/missing", buf, sizeof(buf)), -ENOENT);
        memset(big, 'x', sizeof(big));
        assert_int_equal(hd__create_file_at(dfd, "d/big", big, sizeof(big), 0644), 0);
        assert_int_equal(hd__read_at(dfd, "d/big", buf, sizeof(buf)), -EFBIG);
        assert_int_equal(hd__create_file_at(dfd, "d/bin", "ab\0cd", 5, 0644), 0);
        assert_int_equal(hd__read_at(dfd, "d/bin", buf, sizeof(buf)), -EINVAL);
        /* a FIFO must not block the scan */
        assert_int_equal(mkfifoat(dfd, "d/fifo", 0644), 0);
        assert_int_equal(hd__read_at(dfd, "d/fifo", buf, sizeof(buf)), 0);
        assert_string_equal(buf, "");
        assert_int_equal(hd__read_at(dfd, "d", buf, sizeof(buf)), -EISDIR);
        long long v;
        assert_int_equal(hd__read_long_at(dfd, "d/attr", 16, &v), 0);
        assert_int_equal(v, 0x8086);
}

static void test_links(void **state)
{
        char buf[64];
        (void)state;
        assert_int_equal(hd__symlink_at("../../../bus/pci/drivers/nvme", dfd, "l/driver"), 0);
        assert_int_equal(hd__readlink_base_at(dfd, "l/driver", buf, sizeof(buf)), 4);
        assert_string_equal(buf, "nvme");
        assert_int_equal(hd__readlink_base_at(dfd, "l/none", buf, sizeof(buf)), -ENOENT);
        /* loops give an error, not a hang */
        assert_int_equal(symlinkat("loop2", dfd, "l/loop1"), 0);
        assert_int_equal(symlinkat("loop1", dfd, "l/loop2"), 0);
        assert_int_equal(hd__read_at(dfd, "l/loop1", buf, sizeof(buf)), -ELOOP);
        assert_true(hd__open_dir_at(dfd, "l/loop1") == -ELOOP);
}

static void test_no_escape(void **state)
{
        (void)state;
        assert_int_equal(hd__mkdir_p_at(dfd, "../x", 0755), -EINVAL);
        assert_int_equal(hd__create_file_at(dfd, "a/../../x", "", 0, 0644), -EINVAL);
        assert_int_equal(hd__create_file_at(dfd, "/etc/x", "", 0, 0644), -EINVAL);
        assert_int_equal(hd__symlink_at("x", dfd, "../y"), -EINVAL);
        /* never walk through a symlink while creating */
        assert_int_equal(symlinkat("/tmp", dfd, "evil"), 0);
        assert_int_equal(hd__create_file_at(dfd, "evil/owned", "", 0, 0644), -ENOTDIR);
        assert_false(access("/tmp/owned", F_OK) == 0);
        /* writes never create files */
        assert_int_equal(hd__write_at(dfd, "nothere", "1"), -ENOENT);
        assert_int_equal(hd__create_file_at(dfd, "w", "", 0, 0644), 0);
        assert_int_equal(hd__write_at(dfd, "w", "vfio-pci"), 0);
}

static void test_sysroot(void **state)
{
        struct hd_ctx *ctx = NULL;
        (void)state;
        assert_int_equal(hd_ctx_new(&ctx), 0);
        assert_int_equal(hd_ctx_set_sysroot(ctx, "/nonexistent-hostdev"), -ENOENT);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "/nonexistent-hostdev"));
        assert_int_equal(hd_ctx_set_sysroot(ctx, tmp), -ENOTDIR);   /* no sys/ */
        assert_int_equal(hd__mkdir_p_at(dfd, "sys", 0755), 0);
        assert_int_equal(hd_ctx_set_sysroot(ctx, tmp), 0);
        assert_false(hd_ctx_is_live(ctx));
        assert_int_equal(hd_ctx_scan(ctx), 1);        /* just "computer" */
        assert_string_equal(hd_dev_get_name(hd_ctx_get_root(ctx)), "computer");
        assert_null(hd_dev_get_sysfs_path(hd_ctx_get_root(ctx)));
        hd_ctx_unref(ctx);
}

/* The write side: never blocks, never follows a final symlink, regular files only. */
static void test_write_side(void **state)
{
        char buf[64], *text = NULL;
        struct stat st;
        size_t len;
        int fd;
        (void)state;

        assert_int_equal(hd__create_file_at(dfd, "wr/attr", "", 0, 0644), 0);
        assert_int_equal(hd__write_at(dfd, "wr/attr", "vfio-pci"), 0);
        assert_int_equal(hd__read_at(dfd, "wr/attr", buf, sizeof(buf)), 8);
        /* a FIFO without a reader: fails at once (ENXIO), never hangs */
        assert_int_equal(mkfifoat(dfd, "wr/fifo", 0644), 0);
        assert_int_equal(hd__write_at(dfd, "wr/fifo", "x"), -ENXIO);
        /* a FIFO with a reader: opened, but refused as not a regular file */
        {
                char p[600];
                snprintf(p, sizeof(p), "%s/wr/fifo", tmp);
                int rd = open(p, O_RDONLY | O_NONBLOCK);
                assert_true(rd >= 0);
                assert_int_equal(hd__write_at(dfd, "wr/fifo", "x"), -EINVAL);
                assert_int_equal(read(rd, buf, sizeof(buf)), 0);      /* nothing got through */
                close(rd);
        }
        /* a symlink as the attribute: not followed */
        assert_int_equal(symlinkat("attr", dfd, "wr/link"), 0);
        assert_int_equal(hd__write_at(dfd, "wr/link", "evil"), -ELOOP);
        assert_int_equal(hd__read_at(dfd, "wr/attr", buf, sizeof(buf)), 8);
        /* the lock: a regular file only */
        fd = hd__open_dir_at(dfd, "wr");
        assert_true(fd >= 0);
        assert_int_equal(hd__lock_at(fd, "fifo", 0), -EINVAL);
        assert_int_equal(hd__lock_at(fd, "link", 0), -ELOOP);
        /* an atomic write over a planted FIFO temp file does not block */
        snprintf(buf, sizeof(buf), ".state.%ld.tmp", (long)getpid());
        assert_int_equal(mkfifoat(fd, buf, 0644), 0);
        assert_int_equal(hd__write_file_atomic_at(fd, "state", "{}\n", 3, 0644), 0);
        /* strict reads: regular files only, never through a symlink */
        assert_int_equal(hd__read_file_strict_at(fd, "state", 1024, &text, &len, &st), 0);
        assert_string_equal(text, "{}\n");
        free(text);
        assert_int_equal(hd__read_file_strict_at(fd, "link", 1024, &text, &len, &st), -ELOOP);
        assert_int_equal(hd__read_file_strict_at(fd, "fifo", 1024, &text, &len, &st), -EINVAL);
        close(fd);
        /* directories without following a symlink at any component */
        assert_int_equal(hd__mkdir_p_at(dfd, "wr/real/sub", 0755), 0);
        assert_int_equal(symlinkat("real", dfd, "wr/alias"), 0);
        fd = hd__open_dir_nofollow_at(dfd, "wr/real/sub");
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(hd__open_dir_nofollow_at(dfd, "wr/alias/sub"), -ENOTDIR); /* O_DIRECTORY|O_NOFOLLOW on a link */
        assert_int_equal(hd__open_dir_nofollow_at(dfd, "wr/../wr"), -EINVAL);
}

/* hd__read_at never blocks: what each kind of non-attribute gives, as its
 * header comment says */
static void test_read_nonblocking(void **state)
{
        char buf[16], p[600];
        int wr;
        (void)state;

        assert_int_equal(hd__mkdir_p_at(dfd, "nb", 0755), 0);
        assert_int_equal(mkfifoat(dfd, "nb/fifo", 0644), 0);
        /* no writer: end of file at once, an empty attribute */
        assert_int_equal(hd__read_at(dfd, "nb/fifo", buf, sizeof(buf)), 0);
        /* a writer that has written nothing: -EAGAIN, at once */
        snprintf(p, sizeof(p), "%s/nb/fifo", tmp);
        wr = open(p, O_RDWR | O_NONBLOCK);
        assert_true(wr >= 0);
        assert_int_equal(hd__read_at(dfd, "nb/fifo", buf, sizeof(buf)), -EAGAIN);
        /* what it has written is read like a file */
        assert_int_equal(write(wr, "1\n", 2), 2);
        assert_int_equal(hd__read_at(dfd, "nb/fifo", buf, sizeof(buf)), 1);
        assert_string_equal(buf, "1");
        close(wr);
        assert_int_equal(hd__read_at(dfd, "nb/fifo", buf, 0), -EINVAL);
}

/* hd__readf_at: the formatted path, and one too long for PATH_MAX */
static void test_readf(void **state)
{
        char buf[16], *name;
        (void)state;

        assert_int_equal(hd__create_file_at(dfd, "rf/t0/name", "GVT-g\n", 6, 0644), 0);
        assert_int_equal(hd__readf_at(dfd, buf, sizeof(buf), "%s/%s", "rf/t0", "name"), 5);
        assert_string_equal(buf, "GVT-g");
        assert_int_equal(hd__readf_at(dfd, buf, sizeof(buf), "rf/t%d/name", 1), -ENOENT);
        name = malloc(PATH_MAX + 1);
        assert_non_null(name);
        memset(name, 'a', PATH_MAX);
        name[PATH_MAX] = '\0';
        assert_int_equal(hd__readf_at(dfd, buf, sizeof(buf), "%s", name), -ENAMETOOLONG);
        free(name);
}

/* The relative paths that create, cut into components: refused before any
 * directory is made when unsafe or too long, created at any depth else */
static void test_rel_paths(void **state)
{
        char *name;
        int fd;
        (void)state;

        name = malloc(PATH_MAX + 1);
        assert_non_null(name);
        memset(name, 'a', PATH_MAX);
        name[PATH_MAX] = '\0';
        assert_int_equal(hd__mkdir_p_at(dfd, name, 0755), -ENAMETOOLONG);
        assert_int_equal(hd__open_dir_nofollow_at(dfd, name), -ENAMETOOLONG);
        assert_int_equal(hd__create_file_at(dfd, name, "", 0, 0644), -ENAMETOOLONG);
        /* unsafe wins over too long, as it always did */
        name[0] = '/';
        assert_int_equal(hd__mkdir_p_at(dfd, name, 0755), -EINVAL);
        free(name);
        assert_int_equal(hd__open_dir_nofollow_at(dfd, ""), -EINVAL);
        assert_int_equal(hd__open_dir_nofollow_at(dfd, "/tmp"), -EINVAL);
        assert_int_equal(hd__mkdir_p_at(dfd, "rp/a/..", 0755), -EINVAL);
        assert_false(hd__exists_at(dfd, "rp"));
        /* a file at the top (no parent to make) and one deep down */
        assert_int_equal(hd__create_file_at(dfd, "top", "x", 1, 0644), 0);
        assert_int_equal(hd__create_file_at(dfd, "rp/a/b/c/f", "x", 1, 0644), 0);
        assert_true(hd__exists_at(dfd, "rp/a/b/c/f"));
        assert_int_equal(hd__symlink_at("f", dfd, "rp/x/y/l"), 0);
        fd = hd__open_dir_nofollow_at(dfd, "rp/a/b/c");
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(hd__open_dir_nofollow_at(dfd, "rp/a/b/c/f"), -ENOTDIR);
}

/* The lock: a second holder waits, then times out; a bad name is refused */
static void test_lock(void **state)
{
        int fd, held;
        (void)state;

        assert_int_equal(hd__mkdir_p_at(dfd, "lk", 0755), 0);
        fd = hd__open_dir_at(dfd, "lk");
        assert_true(fd >= 0);
        held = hd__lock_at(fd, "lock", 0);
        assert_true(held >= 0);
        assert_int_equal(hd__lock_at(fd, "lock", 0), -ETIMEDOUT);
        assert_int_equal(hd__lock_at(fd, "lock", 30), -ETIMEDOUT);
        close(held);
        held = hd__lock_at(fd, "lock", 0);
        assert_true(held >= 0);
        close(held);
        assert_int_equal(hd__lock_at(fd, "", 0), -EINVAL);
        assert_int_equal(hd__lock_at(fd, "a/b", 0), -EINVAL);
        assert_int_equal(hd__mkdir_p_at(fd, "adir", 0755), 0);
        assert_int_equal(hd__lock_at(fd, "adir", 0), -EISDIR);
        close(fd);
}

/* the scanners' number parsing and formatting, without printf/scanf */
static void test_numbers(void **state)
{
        int d[4];
        unsigned h[3];
        char buf[32];
        (void)state;

        assert_int_equal(hd__parse_dec_list("3/0/1", '/', d, 3), 3);
        assert_int_equal(d[0] * 100 + d[1] * 10 + d[2], 301);
        assert_int_equal(hd__parse_dec_list("2147483647", 0, d, 1), 1);
        assert_int_equal(d[0], 2147483647);
        assert_int_equal(hd__parse_dec_list("2147483648", 0, d, 1), 0);    /* overflow */
        assert_int_equal(hd__parse_dec_list("99999999999999999999", 0, d, 1), 0);
        assert_int_equal(hd__parse_dec_list("1:", ':', d, 2), 1);          /* empty field */
        assert_int_equal(hd__parse_dec_list("1", 0, d, 2), 1);             /* stops at the end */
        assert_int_equal(hd__parse_dec_list("x", 0, d, 1), 0);
        assert_int_equal(hd__parse_hex_list("8086:1b80", ':', h, 2), 2);
        assert_int_equal(h[0], 0x8086);
        assert_int_equal(h[1], 0x1b80);
        assert_int_equal(hd__parse_hex_list("FFFFFFFF", 0, h, 1), 1);
        assert_int_equal(hd__parse_hex_list("100000000", 0, h, 1), 0);     /* 9 digits */
        assert_int_equal(hd__parse_hex_list("ab", 0, h, 3), 1);            /* stops at the end */
        assert_string_equal((hd__put_hex(buf, 0x3b, 4), buf), "003b");
        assert_string_equal((hd__put_hex(buf, 0x10000, 4), buf), "10000");
        assert_string_equal((hd__put_dec(buf, -2147483648LL), buf), "-2147483648");
        assert_string_equal((hd__put_dec(buf, 0), buf), "0");
        assert_ptr_equal(hd__put_str(buf, "abc"), buf + 3);
        /* the limits of the one parser behind both */
        assert_int_equal(hd__parse_hex_list("00000001", 0, h, 1), 1);      /* 8 digits */
        assert_int_equal(h[0], 1);
        assert_int_equal(hd__parse_hex_list("000000001", 0, h, 1), 0);     /* 9, even zeros */
        assert_int_equal(hd__parse_dec_list("00000000002147483647", 0, d, 1), 1);
        assert_int_equal(d[0], 2147483647);
        assert_int_equal(hd__parse_dec_list("1a", 0, d, 1), 1);            /* no hex digits */
        assert_int_equal(d[0], 1);
        assert_int_equal(hd__parse_hex_list("aB:Cd/1", ':', h, 3), 2);     /* other separator */
        assert_int_equal(h[0], 0xab);
        assert_int_equal(h[1], 0xcd);
        assert_int_equal(hd__parse_dec_list("1:2:3:4", ':', d, 3), 3);     /* at most N */
        assert_int_equal(d[2], 3);
        assert_int_equal(hd__parse_hex_list("", 0, h, 1), 0);
        assert_int_equal(hd__parse_dec_list("-1", 0, d, 1), 0);
        assert_string_equal((hd__put_hex(buf, 0xffffffffffffffffULL, 1), buf), "ffffffffffffffff");
        assert_string_equal((hd__put_dec(buf, -9223372036854775807LL - 1), buf), "-9223372036854775808");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_join_norm),
                cmocka_unit_test(test_read),
                cmocka_unit_test(test_links),
                cmocka_unit_test(test_no_escape),
                cmocka_unit_test(test_sysroot),
                cmocka_unit_test(test_numbers),
                cmocka_unit_test(test_write_side),
                cmocka_unit_test(test_read_nonblocking),
                cmocka_unit_test(test_readf),
                cmocka_unit_test(test_rel_paths),
                cmocka_unit_test(test_lock),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
