/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Escaping of attacker-controlled device strings. */
#include "testlib.h"

static void check(const char *in, enum hd_escape_mode m, const char *want)
{
        char *out = hd_escape(in, m);
        assert_non_null(out);
        assert_string_equal(out, want);
        free(out);
}

static void test_text(void **state)
{
        (void)state;
        check("Keyboard", HD_ESCAPE_TEXT, "Keyboard");
        check("a\033]0;pwned\007b", HD_ESCAPE_TEXT, "a\\x1b]0;pwned\\x07b");
        check("line\nnext\ttab", HD_ESCAPE_TEXT, "line\\x0anext\\x09tab");
        check("bad\377byte", HD_ESCAPE_TEXT, "bad\\xffbyte");
        check("back\\slash", HD_ESCAPE_TEXT, "back\\\\slash");
        check("caf\xc3\xa9", HD_ESCAPE_TEXT, "caf\xc3\xa9");             /* valid UTF-8 kept */
        check("c1\xc2\x9b[2J", HD_ESCAPE_TEXT, "c1\\xc2\\x9b[2J");       /* C1 CSI */
        check("\x7f", HD_ESCAPE_TEXT, "\\x7f");
        check("\xed\xa0\x80", HD_ESCAPE_TEXT, "\\xed\\xa0\\x80");       /* surrogate */
        check("\xc0\xaf", HD_ESCAPE_TEXT, "\\xc0\\xaf");                /* overlong */
        check("\xe2\x82", HD_ESCAPE_TEXT, "\\xe2\\x82");                /* truncated */
}

static void test_utf8(void **state)
{
        (void)state;
        check("a\033b\n", HD_ESCAPE_UTF8, "a\033b\n");     /* JSON escapes these itself */
        check("bad\377", HD_ESCAPE_UTF8, "bad\\xff");
        check("\xf0\x9f\x98\x80", HD_ESCAPE_UTF8, "\xf0\x9f\x98\x80");
        assert_null(hd_escape(NULL, HD_ESCAPE_TEXT));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_text),
                cmocka_unit_test(test_utf8),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
