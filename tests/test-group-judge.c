/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hd_judge_group: a group's viability, bridges unjudged, bad calls. */
#include "testlib.h"

struct fx {
        char *dir;
        struct hd_ctx *ctx;
};

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        f->dir = tl_load_fixture("workstation-gpu");
        f->ctx = tl_ctx(f->dir, 0);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fx *f = *state;

        hd_ctx_unref(f->ctx);
        tl_rm_rf(f->dir);
        free(f);
        return 0;
}

/* Judge GROUP into VS (its size in *N, at most 8). */
static int judge(struct fx *f, int group, unsigned flags, struct hd_verdict **vs, size_t *n)
{
        assert_non_null(hd_ctx_get_iommu_group_devices(f->ctx, group, n));
        assert_true(*n <= 8);
        return hd_judge_group(f->ctx, group, flags, vs, *n);
}

static void free_all(struct hd_verdict **vs, size_t n)
{
        for (size_t i = 0; i < n; i++)
                hd_verdict_free(vs[i]);
}

/* group 1: root port 00:01.0 (bridge, not judged), GPU and its audio: viable */
static void test_viable_with_bridge(void **state)
{
        struct fx *f = *state;
        struct hd_verdict *vs[8] = { 0 };
        size_t n;

        assert_int_equal(judge(f, 1, 0, vs, &n), 1);
        assert_int_equal(n, 3);
        assert_null(vs[0]);
        assert_true(hd_dev_is_pci_bridge(hd_ctx_get_iommu_group_devices(f->ctx, 1, NULL)[0]));
        assert_non_null(vs[1]);
        assert_non_null(vs[2]);
        assert_true(hd_verdict_is_eligible(vs[1]));
        assert_true(hd_verdict_is_eligible(vs[2]));
        free_all(vs, n);
}

/* group 0: the host bridge alone: nothing to pass through, not viable */
static void test_bridges_only(void **state)
{
        struct fx *f = *state;
        struct hd_verdict *vs[8] = { 0 };
        size_t n;

        assert_int_equal(judge(f, 0, 0, vs, &n), 0);
        assert_int_equal(n, 1);
        assert_null(vs[0]);
}

/* group 2: the boot VGA iGPU: not viable; FORCE lowers boot-vga, viable */
static void test_refused_and_forced(void **state)
{
        struct fx *f = *state;
        struct hd_verdict *vs[8] = { 0 };
        size_t n;

        assert_int_equal(judge(f, 2, 0, vs, &n), 0);
        assert_int_equal(n, 1);
        assert_non_null(vs[0]);
        assert_false(hd_verdict_is_eligible(vs[0]));
        free_all(vs, n);
        assert_int_equal(judge(f, 2, HD_JUDGE_FORCE, vs, &n), 1);
        assert_true(hd_verdict_is_eligible(vs[0]));
        free_all(vs, n);
}

/* group 8: a bridge and the NVMe holding / : one refused endpoint is enough */
static void test_one_endpoint_refused(void **state)
{
        struct fx *f = *state;
        struct hd_verdict *vs[8] = { 0 };
        size_t n;

        assert_int_equal(judge(f, 8, 0, vs, &n), 0);
        assert_int_equal(n, 2);
        assert_null(vs[0]);
        assert_false(hd_verdict_is_eligible(vs[1]));
        free_all(vs, n);
}

static void test_bad_calls(void **state)
{
        struct fx *f = *state;
        struct hd_verdict *vs[8] = { 0 };

        assert_int_equal(hd_judge_group(f->ctx, 99, 0, vs, 1), -ENOENT);
        assert_non_null(strstr(hd_ctx_get_error(f->ctx), "99"));
        assert_int_equal(hd_judge_group(f->ctx, 1, 0, vs, 2), -EINVAL);
        for (size_t i = 0; i < 8; i++)
                assert_null(vs[i]);
        assert_int_equal(hd_judge_group(f->ctx, 1, 0, NULL, 3), -EINVAL);
        assert_int_equal(hd_judge_group(NULL, 1, 0, vs, 3), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_viable_with_bridge),
                cmocka_unit_test(test_bridges_only),
                cmocka_unit_test(test_refused_and_forced),
                cmocka_unit_test(test_one_endpoint_refused),
                cmocka_unit_test(test_bad_calls),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
