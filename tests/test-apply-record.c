/* SPDX-License-Identifier: GPL-2.0-or-later */
/* apply-record.c: hd_apply() records its outcome per scope, a check records
 * nothing, hd_apply_get_last() reads it back and refuses a garbled record. */
#include "testlib.h"
#include <sys/stat.h>
#include <time.h>

TL_FIXTURE_GROUP(dir, "workstation-gpu")

static void put_file(const char *rel, const char *text)
{
        char path[600];
        FILE *f;

        snprintf(path, sizeof(path), "%s/run", dir);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/run/hostdev", dir);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static void test_none(void **state)
{
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        struct hd_apply_record rec;

        (void)state;
        assert_int_equal(hd_apply_get_last(ctx, HD_APPLY_SCOPE_FULL, &rec), -ENOENT);
        assert_int_equal(hd_apply_get_last(ctx, HD_APPLY_SCOPE_DEVICE, &rec), -ENOENT);
        assert_int_equal(hd_apply_get_last(ctx, (enum hd_apply_scope)7, &rec), -EINVAL);
        hd_ctx_unref(ctx);
}

/* An empty configuration: apply does nothing, successfully, and says so. */
static void test_apply_records(void **state)
{
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        struct hd_config *c = NULL;
        struct hd_apply_opts o;
        struct hd_apply_record rec;
        time_t before = time(NULL);

        (void)state;
        assert_int_equal(hd_config_new(ctx, &c), 0);
        hd_apply_opts_init(&o);
        o.check = true;
        assert_int_equal(hd_apply(ctx, c, &o, NULL), 0);
        assert_int_equal(hd_apply_get_last(ctx, HD_APPLY_SCOPE_FULL, &rec), -ENOENT);
        o.check = false;
        o.boot = true;
        assert_int_equal(hd_apply(ctx, c, &o, NULL), 0);
        assert_int_equal(hd_apply_get_last(ctx, HD_APPLY_SCOPE_FULL, &rec), 0);
        assert_int_equal(rec.result, 0);
        assert_int_equal(rec.changed, 0);
        assert_int_equal(rec.failed, 0);
        assert_true(rec.boot);
        assert_string_equal(rec.message, "");
        assert_true(rec.time >= (double)before && rec.time <= (double)time(NULL) + 1);
        assert_true(rec.duration >= 0 && rec.duration < 60);
        /* a targeted apply goes to the other scope */
        assert_int_equal(hd_apply_get_last(ctx, HD_APPLY_SCOPE_DEVICE, &rec), -ENOENT);
        o.targeted = true;
        o.boot = false;
        assert_int_equal(hd_apply(ctx, c, &o, NULL), 0);
        assert_int_equal(hd_apply_get_last(ctx, HD_APPLY_SCOPE_DEVICE, &rec), 0);
        assert_false(rec.boot);
        hd_config_free(c);
        hd_ctx_unref(ctx);
}

static void test_garbled(void **state)
{
        static const char *const bad[] = {
                "", "[]", "{\"version\": 2, \"time\": 1, \"duration\": 0, \"result\": 0, \"changed\": 0, \"failed\": 0}",
                "{\"version\": 1, \"time\": \"x\", \"duration\": 0, \"result\": 0, \"changed\": 0, \"failed\": 0}",
                "{\"version\": 1, \"time\": 1, \"duration\": 0, \"result\": 5, \"changed\": 0, \"failed\": 0}",
                "{\"version\": 1, \"time\": 1}",
        };
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        struct hd_apply_record rec;

        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                put_file("run/hostdev/last-apply.json", bad[i]);
                assert_int_equal(hd_apply_get_last(ctx, HD_APPLY_SCOPE_FULL, &rec), -EBADMSG);
                assert_non_null(strstr(hd_ctx_get_error(ctx), "not an apply record"));
                assert_int_equal(rec.result, 0);
        }
        put_file("run/hostdev/last-apply.json",
                 "{\"version\": 1, \"time\": 1700000000.5, \"duration\": 0.25, \"result\": -1, "
                 "\"changed\": 1, \"failed\": 2, \"boot\": true, \"message\": \"refused\"}");
        assert_int_equal(hd_apply_get_last(ctx, HD_APPLY_SCOPE_FULL, &rec), 0);
        assert_true(rec.time == 1700000000.5 && rec.duration == 0.25);
        assert_int_equal(rec.result, -1);
        assert_int_equal(rec.changed, 1);
        assert_int_equal(rec.failed, 2);
        assert_string_equal(rec.message, "refused");
        hd_ctx_unref(ctx);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_none),
                cmocka_unit_test(test_apply_records),
                cmocka_unit_test(test_garbled),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
