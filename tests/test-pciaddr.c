/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one PCI-address parser: the strict form as Linux names a function,
 * the loose form a user types, and the canonical spelling of both. */
#include "testlib.h"
#include "pciaddr.h"

static void test_strict_accepts(void **state)
{
        static const struct {
                const char *s;
                struct hd_pciaddr a;
        } good[] = {
                { "0000:00:00.0", { 0, 0, 0, 0 } },
                { "0000:01:00.1", { 0, 1, 0, 1 } },
                { "0000:ff:1f.7", { 0, 0xff, 0x1f, 7 } },
                { "abcd:0a:0b.3", { 0xabcd, 0x0a, 0x0b, 3 } },
                { "10000:e1:00.0", { 0x10000, 0xe1, 0, 0 } },          /* VMD */
                { "ffffffff:00:00.0", { 0xffffffff, 0, 0, 0 } },
        };
        (void)state;

        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
                struct hd_pciaddr a;
                char out[HD_PCIADDR_MAX];

                if (!hd__pciaddr_parse(good[i].s, &a))
                        fail_msg("refused: %s", good[i].s);
                assert_int_equal(a.domain, good[i].a.domain);
                assert_int_equal(a.bus, good[i].a.bus);
                assert_int_equal(a.slot, good[i].a.slot);
                assert_int_equal(a.func, good[i].a.func);
                assert_string_equal(hd__pciaddr_format(&a, out), good[i].s);
        }
        assert_true(hd__pciaddr_parse("0000:01:00.0", NULL));
}

static void test_strict_refuses(void **state)
{
        static const char *const bad[] = {
                /* the journal's fuzz regressions (tests/fuzz/corpus/journal/regress-address-*) */
                "0000:00:00.8", "0000:00:20.0", " 000:00:00.0", "0x00:00:00.0", "0000:00:1F.0",
                "-000:00:00.0",
                /* short, long, missing or extra parts */
                "", "01:00.0", "000:01:00.0", "100000000:00:00.0", "0000:1:00.0", "0000:001:00.0",
                "0000:01:0.0", "0000:01:000.0", "0000:01:00.", "0000:01:00.00", "0000:01:00.0 ",
                "0000:01:00.0\n", "0000:01:00:0", "0000.01.00.0", "0000:01:00", "0000::00.0",
                "+000:01:00.0", "0000:+1:00.0", "0000:01:00.-", "0000:01:00.g", "ABCD:01:00.0",
                "0000:0A:00.0", "pci_0000_01_00_0", "00000:01:00.0", "07000:01:00.1",
        };
        struct hd_pciaddr a = { 9, 9, 9, 9 };
        (void)state;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (hd__pciaddr_parse(bad[i], &a))
                        fail_msg("accepted: \"%s\"", bad[i]);
        assert_false(hd__pciaddr_parse(NULL, &a));
        assert_int_equal(a.domain, 9);          /* untouched on failure */
        assert_int_equal(a.func, 9);
}

static void test_loose(void **state)
{
        static const struct {
                const char *s, *canon;  /* canon NULL: refused */
        } cases[] = {
                { "0000:01:00.0", "0000:01:00.0" },
                { "01:00.0", "0000:01:00.0" },
                { "1:0.0", "0000:01:00.0" },
                { "0:1F.7", "0000:00:1f.7" },
                { "10000:E1:00.0", "10000:e1:00.0" },
                { "001:00.1", "0000:01:00.1" },
                { "01:20.0", NULL },
                { "01:00.8", NULL },
                { "100:00.0", NULL },
                { "100000000:00:00.0", NULL },
                { " 01:00.0", NULL },
                { "0x1:00.0", NULL },
                { "-1:00.0", NULL },
                { "01:00", NULL },
                { "01:00.0.0", NULL },
                { "a:b:c:d.0", NULL },
                { "gpu0", NULL },
                { "", NULL },
                { "1-1.2", NULL },
        };
        (void)state;

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct hd_pciaddr a;
                char out[HD_PCIADDR_MAX];
                bool ok = hd__pciaddr_parse_loose(cases[i].s, &a);

                if (ok != !!cases[i].canon)
                        fail_msg("\"%s\": %s", cases[i].s, ok ? "accepted" : "refused");
                if (ok)
                        assert_string_equal(hd__pciaddr_format(&a, out), cases[i].canon);
        }
        assert_false(hd__pciaddr_parse_loose(NULL, NULL));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_strict_accepts),
                cmocka_unit_test(test_strict_refuses),
                cmocka_unit_test(test_loose),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
