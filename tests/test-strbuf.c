/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The library's growing buffers (src/strbuf.c): string builder and string list. */
#include "testlib.h"
#include <stdint.h>
#include "strbuf.h"

static void test_buf_put(void **state)
{
        struct hd__buf b = { 0 };
        char *s;

        (void)state;
        assert_string_equal(hd__buf_str(&b), "");
        s = hd__buf_steal(&b);
        assert_non_null(s);     /* nothing put: "", not NULL */
        assert_string_equal(s, "");
        free(s);
        hd__buf_puts(&b, "vfio-pci");
        hd__buf_putn(&b, ",host=xyz", 5);
        hd__buf_putf(&b, "%s%04x:%02x", "=", 0x1af4u, 0x1);
        assert_string_equal(hd__buf_str(&b), "vfio-pci,host=1af4:01");
        assert_int_equal(b.len, strlen("vfio-pci,host=1af4:01"));
        s = hd__buf_steal(&b);
        assert_string_equal(s, "vfio-pci,host=1af4:01");
        free(s);
        /* stolen: empty and reusable */
        assert_null(b.s);
        assert_int_equal(b.len, 0);
        hd__buf_puts(&b, "again");
        assert_string_equal(hd__buf_str(&b), "again");
        hd__buf_done(&b);
        assert_null(b.s);
}

/* Formatting that crosses the capacity many times keeps every byte. */
static void test_buf_grow(void **state)
{
        struct hd__buf b = { 0 };
        char big[1000];

        (void)state;
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        for (int i = 0; i < 100; i++)
                hd__buf_putf(&b, "%03d%s;", i, i % 10 ? "" : big);
        assert_false(b.oom);
        assert_int_equal(b.len, 100 * 4 + 10 * 999);
        assert_int_equal(strlen(b.s), b.len);
        assert_memory_equal(b.s, "000x", 4);
        assert_string_equal(b.s + b.len - 8, "098;099;");
        assert_true(b.cap > b.len);
        hd__buf_done(&b);
}

/* After ENOMEM the buffer ignores output, steal gives NULL and it is reusable. */
static void test_buf_oom(void **state)
{
        struct hd__buf b = { 0 };
        char *s;

        (void)state;
        hd__buf_puts(&b, "kept");
        hd__buf_putn(&b, "x", SIZE_MAX - 2);    /* cannot be had */
        assert_true(b.oom);
        hd__buf_puts(&b, "ignored");
        hd__buf_putf(&b, "%d", 42);
        assert_string_equal(hd__buf_str(&b), "");
        assert_null(hd__buf_steal(&b));
        assert_false(b.oom);
        hd__buf_puts(&b, "fresh");
        s = hd__buf_steal(&b);
        assert_string_equal(s, "fresh");
        free(s);
}

static void test_strv(void **state)
{
        struct hd__strv v = { 0 };
        char word[16];

        (void)state;
        assert_false(hd__strv_has(&v, "a"));
        assert_int_equal(hd__strv_add(&v, NULL), -EINVAL);
        for (int i = 0; i < 40; i++) {
                snprintf(word, sizeof(word), "w%d", i);
                assert_int_equal(hd__strv_add(&v, word), 0);
        }
        assert_int_equal(hd__strv_take(&v, strdup("taken")), 0);
        assert_int_equal(hd__strv_addf(&v, "%s-%d", "f", 7), 0);
        assert_int_equal(v.n, 42);
        assert_null(v.v[v.n]);
        assert_string_equal(v.v[0], "w0");
        assert_string_equal(v.v[39], "w39");
        assert_string_equal(v.v[40], "taken");
        assert_string_equal(v.v[41], "f-7");
        assert_true(hd__strv_has(&v, "w17"));
        assert_false(hd__strv_has(&v, "w40"));
        /* a copy, not the caller's string */
        assert_ptr_not_equal(v.v[39], word);
        hd__strv_truncate(&v, 2);
        assert_int_equal(v.n, 2);
        assert_null(v.v[2]);
        assert_false(hd__strv_has(&v, "taken"));
        hd__strv_truncate(&v, 5);       /* longer: nothing happens */
        assert_int_equal(v.n, 2);
        /* a NULL given to take is an allocation that failed */
        assert_int_equal(hd__strv_take(&v, NULL), -ENOMEM);
        assert_int_equal(v.n, 2);
        hd__strv_done(&v);
        assert_null(v.v);
        assert_int_equal(v.n, 0);
        hd__strv_done(&v);              /* twice is fine */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_buf_put),
                cmocka_unit_test(test_buf_grow),
                cmocka_unit_test(test_buf_oom),
                cmocka_unit_test(test_strv),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
