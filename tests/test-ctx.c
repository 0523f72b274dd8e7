/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The context's logging: repeated warnings of one kind are capped per scan
 * and per recording load (first 10, then one "... and K more" line). */
#include "testlib.h"

#include <sys/stat.h>
#include <syslog.h>

struct logged {
        int warnings;
        int summaries;
        char last_summary[512];
};

static void collect(void *data, int prio, const char *file, int line, const char *fn,
                    const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static void collect(void *data, int prio, const char *file, int line, const char *fn,
                    const char *fmt, va_list ap)
{
        struct logged *l = data;
        char msg[512];

        (void)file; (void)line; (void)fn;
        vsnprintf(msg, sizeof(msg), fmt, ap);
        if (prio != LOG_WARNING)
                return;
        l->warnings++;
        if (strncmp(msg, "... and ", 8) == 0) {
                l->summaries++;
                snprintf(l->last_summary, sizeof(l->last_summary), "%s", msg);
        }
}

/* 1000 dangling bus/pci/devices links: ten warnings, one summary. */
static void test_dangling_links_capped(void **state)
{
        char *dir = tl_load_fixture("judge-amd"), path[700];
        struct logged l = { 0 };
        struct hd_ctx *ctx = NULL;
        int n_before;

        (void)state;
        for (int i = 0; i < 1000; i++) {
                char name[32], target[96];
                snprintf(name, sizeof(name), "0001:%02x:%02x.%d", i / 256, (i % 256) / 8, i % 8);
                snprintf(target, sizeof(target), "../../../devices/pci0001:%02x/%s", i / 256, name);
                snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s", dir, name);
                assert_int_equal(symlink(target, path), 0);
        }
        assert_int_equal(hd_ctx_new(&ctx), 0);
        hd_ctx_set_names(ctx, false);
        hd_ctx_set_log_fn(ctx, collect, &l);
        assert_int_equal(hd_ctx_set_sysroot(ctx, dir), 0);
        n_before = hd_ctx_scan(ctx);
        assert_true(n_before > 1);
        assert_int_equal(l.summaries, 1);
        assert_int_equal(l.warnings, 11);
        assert_non_null(strstr(l.last_summary, "... and 990 more warnings like \"devices/pci0001:"));
        assert_non_null(strstr(l.last_summary, "no such directory, skipped\""));

        /* the cap is per scan: the next scan warns again, the same way */
        memset(&l, 0, sizeof(l));
        assert_int_equal(hd_ctx_scan(ctx), n_before);
        assert_int_equal(l.warnings, 11);
        assert_int_equal(l.summaries, 1);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* A recording with 500 bad lines: ten warnings, one summary; a second kind
 * of bad line is capped on its own. */
static void test_recording_warnings_capped(void **state)
{
        char file[] = "/tmp/hostdev-test-rec-XXXXXX", *dir = strdup("/tmp/hostdev-test-XXXXXX");
        struct logged l = { 0 };
        struct hd_ctx *ctx = NULL;
        FILE *f;
        int fd;

        (void)state;
        assert_non_null(mkdtemp(dir));
        fd = mkstemp(file);
        assert_true(fd >= 0);
        f = fdopen(fd, "w");
        assert_non_null(f);
        fputs("P: /devices/pci0000:00/0000:00:00.0\nE: SUBSYSTEM=pci\n", f);
        for (int i = 0; i < 500; i++)
                fprintf(f, "X: bad line %d\n", i);
        for (int i = 0; i < 3; i++)
                fprintf(f, "A: noequals%d\n", i);
        fclose(f);
        assert_int_equal(hd_ctx_new(&ctx), 0);
        hd_ctx_set_log_fn(ctx, collect, &l);
        assert_int_equal(hd_fixture_load(ctx, file, dir), 1);
        assert_int_equal(l.summaries, 1);
        assert_int_equal(l.warnings, 10 + 3 + 1);
        assert_non_null(strstr(l.last_summary, "... and 490 more warnings like \""));
        assert_non_null(strstr(l.last_summary, ":3: unrecognised line skipped\""));
        hd_ctx_unref(ctx);
        unlink(file);
        tl_rm_rf(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_dangling_links_capped),
                cmocka_unit_test(test_recording_warnings_capped),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
