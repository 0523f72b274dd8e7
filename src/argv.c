/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A growing list of strings (the QEMU arguments) and its rendering as one
 * shell line.  Quoting follows Python's shlex.quote: words made only of
 * [A-Za-z0-9@%+=:,./_-] stay bare, others go in single quotes with ' as
 * '\''.  A word holding a byte that must never reach a terminal raw (C0
 * controls, DEL, C1 controls, invalid UTF-8) is written as $'...' with \xHH
 * escapes instead: bash, zsh, ksh and POSIX.1-2024 sh read it back to the
 * same bytes, and the line itself is plain printable text.
 */
#define _GNU_SOURCE

#include "emit.h"

struct hd_argv {
        struct hd__strv v;
};

HD_EXPORT struct hd_argv *hd_argv_new(void)
{
        return calloc(1, sizeof(struct hd_argv));
}

HD_EXPORT struct hd_argv *hd_argv_free(struct hd_argv *a)
{
        if (!a)
                return NULL;
        hd__strv_done(&a->v);
        free(a);
        return NULL;
}

HD_EXPORT size_t hd_argv_get_n(const struct hd_argv *a)
{
        return a ? a->v.n : 0;
}

HD_EXPORT const char *hd_argv_get(const struct hd_argv *a, size_t i)
{
        return a && i < a->v.n ? a->v.v[i] : NULL;
}

HD_EXPORT int hd_argv_add(struct hd_argv *a, const char *s)
{
        return a ? hd__strv_add(&a->v, s) : -EINVAL;
}

/* Drop the elements from N on (undo a partly appended device). */
void hd__argv_truncate(struct hd_argv *a, size_t n)
{
        hd__strv_truncate(&a->v, n);
}

/* ---------------------------------------------------------------- shell quoting */

static bool shell_bare(unsigned char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               strchr("@%+=:,./_-", c);
}

enum quoting { QUOTE_NONE, QUOTE_SINGLE, QUOTE_DOLLAR };

/* How WORD must be written: bare, in '...', or as $'...' (a byte no
 * terminal may get raw: a control, DEL or invalid UTF-8) */
static enum quoting quoting_of(const char *word)
{
        const unsigned char *p = (const unsigned char *)word;
        enum quoting q = *p ? QUOTE_NONE : QUOTE_SINGLE;

        while (*p) {
                size_t n = hd__printable_len(p);
                if (n == 0)
                        return QUOTE_DOLLAR;
                if (n > 1 || !shell_bare(*p))
                        q = QUOTE_SINGLE;
                p += n;
        }
        return q;
}

static void put_single(struct hd__buf *b, const char *word)
{
        hd__buf_putn(b, "'", 1);
        for (const char *p = word; *p; p++) {
                if (*p == '\'')
                        hd__buf_puts(b, "'\\''");
                else
                        hd__buf_putn(b, p, 1);
        }
        hd__buf_putn(b, "'", 1);
}

static void put_dollar(struct hd__buf *b, const char *word)
{
        hd__buf_puts(b, "$'");
        for (const unsigned char *p = (const unsigned char *)word; *p;) {
                size_t n = hd__printable_len(p);
                if (n == 0) {
                        hd__buf_putf(b, "\\x%02x", *p);
                        p++;
                        continue;
                }
                if (*p == '\'' || *p == '\\')
                        hd__buf_putn(b, "\\", 1);
                hd__buf_putn(b, (const char *)p, n);
                p += n;
        }
        hd__buf_putn(b, "'", 1);
}

static void quote_word(struct hd__buf *b, const char *word)
{
        switch (quoting_of(word)) {
        case QUOTE_NONE: hd__buf_puts(b, word); break;
        case QUOTE_SINGLE: put_single(b, word); break;
        case QUOTE_DOLLAR: put_dollar(b, word); break;
        }
}

HD_EXPORT char *hd_argv_to_shell(const struct hd_argv *a)
{
        struct hd__buf b = { 0 };

        hd__buf_puts(&b, "");
        for (size_t i = 0; a && i < a->v.n; i++) {
                if (i)
                        hd__buf_putn(&b, " ", 1);
                quote_word(&b, a->v.v[i]);
        }
        return hd__buf_steal(&b);
}
