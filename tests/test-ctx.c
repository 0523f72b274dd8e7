/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The context: its state (refcount, sysroot, log priority, names), its
 * caches and when they are dropped, the last error, the per-scan cap on
 * repeated warnings (first 10, then one "... and K more" line) and the
 * scanning thread's context whose messages are replayed in order. */
#include "testlib.h"

#include <sys/stat.h>
#include <syslog.h>

#include "hostdev-internal.h"

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

/* ---------------------------------------------------------------- state */

static char *empty_sysroot(void)
{
        char *dir = strdup("/tmp/hostdev-test-ctx-XXXXXX"), sys[300];

        assert_non_null(dir);
        assert_non_null(mkdtemp(dir));
        snprintf(sys, sizeof(sys), "%s/sys", dir);
        assert_int_equal(mkdir(sys, 0755), 0);
        return dir;
}

static void test_defaults_and_refs(void **state)
{
        struct hd_ctx *ctx = NULL;
        struct logged l = { 0 };

        (void)state;
        assert_int_equal(hd_ctx_new(&ctx), 0);
        assert_string_equal(hd_ctx_get_sysroot(ctx), "/");
        assert_string_equal(hd_ctx_get_error(ctx), "");
        assert_true(hd__ctx_names(ctx));
        hd_ctx_set_names(ctx, false);
        assert_false(hd__ctx_names(ctx));
        assert_null(hd__ctx_scan(ctx));
        /* no log function: nothing is logged, whatever the priority */
        assert_int_equal(hd_ctx_get_log_priority(ctx), -1);
        hd_ctx_set_log_fn(ctx, collect, &l);
        assert_int_equal(hd_ctx_get_log_priority(ctx), LOG_WARNING);
        INFO(ctx, "not at warning priority");
        hd_ctx_set_log_priority(ctx, LOG_DEBUG);
        assert_int_equal(hd_ctx_get_log_priority(ctx), LOG_DEBUG);
        WARN(ctx, "one");
        assert_int_equal(l.warnings, 1);
        /* refs: the context lives until the last unref */
        assert_ptr_equal(hd_ctx_ref(ctx), ctx);
        assert_null(hd_ctx_unref(ctx));
        assert_string_equal(hd_ctx_get_sysroot(ctx), "/");
        assert_null(hd_ctx_unref(ctx));
        assert_null(hd_ctx_ref(NULL));
        assert_null(hd_ctx_unref(NULL));
}

static void test_sysroot_errors(void **state)
{
        char *dir = empty_sysroot(), nosys[300];
        struct hd_ctx *ctx = NULL;

        (void)state;
        assert_int_equal(hd_ctx_new(&ctx), 0);
        assert_true(hd_ctx_set_sysroot(ctx, "/nonexistent/hostdev-test") < 0);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "/nonexistent/hostdev-test: cannot open sysroot"));
        snprintf(nosys, sizeof(nosys), "%s/sys/class", dir);        /* has no sys/ of its own */
        assert_int_equal(mkdir(nosys, 0755), 0);
        assert_int_equal(hd_ctx_set_sysroot(ctx, nosys), -ENOTDIR);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "no sys/ directory in sysroot"));
        assert_string_equal(hd_ctx_get_sysroot(ctx), "/");          /* unchanged */
        assert_int_equal(hd_ctx_set_sysroot(ctx, dir), 0);
        assert_string_equal(hd_ctx_get_sysroot(ctx), dir);
        assert_false(hd_ctx_is_live(ctx));
        assert_int_equal(hd_ctx_scan(ctx), 1);                      /* just "computer" */
        assert_non_null(hd__ctx_scan(ctx));
        /* a new sysroot drops the scan */
        assert_int_equal(hd_ctx_set_sysroot(ctx, dir), 0);
        assert_null(hd__ctx_scan(ctx));
        assert_int_equal(hd_ctx_get_n_devices(ctx), 0);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* hd__error keeps one line (truncated, never overflowing) and returns a negative errno */
static void test_error(void **state)
{
        struct hd_ctx *ctx = NULL;
        char big[2000];

        (void)state;
        assert_int_equal(hd_ctx_new(&ctx), 0);
        assert_int_equal(hd__error(ctx, -ENOENT, "%s: gone", "x"), -ENOENT);
        assert_string_equal(hd_ctx_get_error(ctx), "x: gone");
        assert_int_equal(hd__error(ctx, EBUSY, "busy"), -EBUSY);
        assert_string_equal(hd_ctx_get_error(ctx), "busy");
        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        assert_int_equal(hd__error(ctx, -EINVAL, "%s", big), -EINVAL);
        assert_int_equal(strlen(hd_ctx_get_error(ctx)), 511);
        hd_ctx_unref(ctx);
}

static int freed[4];
static void free_counted(void *p)
{
        freed[*(int *)p]++;
        free(p);
}

static int *counted(int slot)
{
        int *p = malloc(sizeof(*p));

        assert_non_null(p);
        *p = slot;
        return p;
}

/* Caches: replacing frees the old data (not the same data twice); a scan
 * drops the judge's, a sysroot all, unref the rest */
static void test_caches(void **state)
{
        char *dir = empty_sysroot();
        struct hd_ctx *ctx = NULL;
        int *a = counted(0), *b = counted(1), *c = counted(2);

        (void)state;
        memset(freed, 0, sizeof(freed));
        assert_int_equal(hd_ctx_new(&ctx), 0);
        assert_null(hd__ctx_get_cache(ctx, HD__CACHE_JUDGE));
        assert_null(hd__ctx_get_cache(ctx, HD__CACHE_MAX));
        hd__ctx_set_cache(ctx, HD__CACHE_MAX, a, free_counted);    /* out of range: ignored */
        assert_int_equal(freed[0], 0);
        hd__ctx_set_cache(ctx, HD__CACHE_JUDGE, a, free_counted);
        hd__ctx_set_cache(ctx, HD__CACHE_JUDGE, a, free_counted);    /* the same: kept */
        assert_int_equal(freed[0], 0);
        assert_ptr_equal(hd__ctx_get_cache(ctx, HD__CACHE_JUDGE), a);
        hd__ctx_set_cache(ctx, HD__CACHE_PCI_CONFIG, b, free_counted);
        assert_int_equal(hd_ctx_set_sysroot(ctx, dir), 0);         /* drops both */
        assert_int_equal(freed[0], 1);
        assert_int_equal(freed[1], 1);
        assert_null(hd__ctx_get_cache(ctx, HD__CACHE_PCI_CONFIG));

        a = counted(0);
        b = counted(1);
        hd__ctx_set_cache(ctx, HD__CACHE_JUDGE, a, free_counted);
        hd__ctx_set_cache(ctx, HD__CACHE_PCI_CONFIG, b, free_counted);
        assert_int_equal(hd_ctx_scan(ctx), 1);                      /* drops the judge's only */
        assert_int_equal(freed[0], 2);
        assert_null(hd__ctx_get_cache(ctx, HD__CACHE_JUDGE));
        assert_ptr_equal(hd__ctx_get_cache(ctx, HD__CACHE_PCI_CONFIG), b);
        hd__ctx_set_cache(ctx, HD__CACHE_PCI_CONFIG, c, free_counted);   /* replaces b */
        assert_int_equal(freed[1], 2);
        hd_ctx_unref(ctx);                                          /* frees c */
        assert_int_equal(freed[2], 1);
        tl_rm_rf(dir);
}

/* ---------------------------------------------------------------- the warning cap */

static void warn_n(struct hd_ctx *ctx, int n, int kind)
{
        for (int i = 0; i < n; i++) {
                if (kind == 0)
                        WARN(ctx, "first kind %d", i);
                else
                        WARN(ctx, "second kind %d", i);
        }
}

static void test_cap_direct(void **state)
{
        struct hd_ctx *ctx = NULL;
        struct logged l = { 0 };

        (void)state;
        assert_int_equal(hd_ctx_new(&ctx), 0);
        hd_ctx_set_log_fn(ctx, collect, &l);
        /* no cap outside a scan */
        warn_n(ctx, 25, 0);
        assert_int_equal(l.warnings, 25);
        assert_int_equal(l.summaries, 0);

        /* nested: the summary comes with the outer end; kinds counted apart */
        memset(&l, 0, sizeof(l));
        hd__log_cap_begin(ctx);
        hd__log_cap_begin(ctx);
        warn_n(ctx, 25, 0);
        warn_n(ctx, 3, 1);
        hd__log_cap_end(ctx);
        assert_int_equal(l.warnings, 10 + 3);
        assert_int_equal(l.summaries, 0);
        warn_n(ctx, 5, 0);
        hd__log_cap_end(ctx);
        assert_int_equal(l.warnings, 10 + 3 + 1);
        assert_int_equal(l.summaries, 1);
        assert_string_equal(l.last_summary, "... and 20 more warnings like \"first kind 0\"");

        /* ended: no cap again; an extra end is harmless */
        hd__log_cap_end(ctx);
        memset(&l, 0, sizeof(l));
        warn_n(ctx, 12, 0);
        assert_int_equal(l.warnings, 12);
        hd_ctx_unref(ctx);
}

/* The cap tracks 64 kinds; warnings of further kinds pass uncapped */
static void test_cap_many_kinds(void **state)
{
        struct hd_ctx *ctx = NULL;
        struct logged l = { 0 };

        (void)state;
        assert_int_equal(hd_ctx_new(&ctx), 0);
        hd_ctx_set_log_fn(ctx, collect, &l);
        hd__log_cap_begin(ctx);
        for (int line = 1; line <= 70; line++)
                for (int i = 0; i < 12; i++)
                        hd__log(ctx, LOG_WARNING, "site.c", line, "fn", "kind %d", line);
        assert_int_equal(l.warnings, 64 * 10 + 6 * 12);
        hd__log_cap_end(ctx);
        assert_int_equal(l.summaries, 64);
        assert_string_equal(l.last_summary, "... and 2 more warnings like \"kind 64\"");
        hd_ctx_unref(ctx);
}

/* ---------------------------------------------------------------- the scanning thread's context */

struct ordered {
        char msgs[8][64];
        int prio[8];
        int n;
};

static void keep(void *data, int prio, const char *file, int line, const char *fn,
                 const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static void keep(void *data, int prio, const char *file, int line, const char *fn,
                 const char *fmt, va_list ap)
{
        struct ordered *o = data;

        (void)file; (void)line; (void)fn;
        if (o->n < 8) {
                o->prio[o->n] = prio;
                vsnprintf(o->msgs[o->n++], sizeof(o->msgs[0]), fmt, ap);
        }
}

static void test_worker(void **state)
{
        char *dir = empty_sysroot();
        struct hd_ctx *ctx = NULL, *w;
        struct ordered o = { 0 };

        (void)state;
        assert_int_equal(hd_ctx_new(&ctx), 0);
        assert_int_equal(hd_ctx_set_sysroot(ctx, dir), 0);
        hd_ctx_set_names(ctx, false);
        hd_ctx_set_log_fn(ctx, keep, &o);
        hd_ctx_set_log_priority(ctx, LOG_INFO);
        w = hd__ctx_worker_new(ctx);
        assert_non_null(w);
        /* the worker shares the sysroot and settings, not the scan */
        assert_string_equal(hd_ctx_get_sysroot(w), dir);
        assert_false(hd__ctx_names(w));
        assert_int_equal(hd_ctx_get_log_priority(w), LOG_INFO);
        WARN(w, "w%d", 1);
        INFO(w, "w%d", 2);
        DBG(w, "not at this priority");
        assert_int_equal(o.n, 0);                   /* kept, not passed on */
        WARN(ctx, "main");
        hd__ctx_worker_free(ctx, w);                /* replayed after, in order */
        assert_int_equal(o.n, 3);
        assert_string_equal(o.msgs[0], "main");
        assert_string_equal(o.msgs[1], "w1");
        assert_int_equal(o.prio[1], LOG_WARNING);
        assert_string_equal(o.msgs[2], "w2");
        assert_int_equal(o.prio[2], LOG_INFO);
        hd__ctx_worker_free(ctx, NULL);
        /* without a log function the worker keeps nothing */
        hd_ctx_set_log_fn(ctx, NULL, NULL);
        w = hd__ctx_worker_new(ctx);
        WARN(w, "lost");
        hd__ctx_worker_free(ctx, w);
        assert_int_equal(o.n, 3);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_dangling_links_capped),
                cmocka_unit_test(test_recording_warnings_capped),
                cmocka_unit_test(test_defaults_and_refs),
                cmocka_unit_test(test_sysroot_errors),
                cmocka_unit_test(test_error),
                cmocka_unit_test(test_caches),
                cmocka_unit_test(test_cap_direct),
                cmocka_unit_test(test_cap_many_kinds),
                cmocka_unit_test(test_worker),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
