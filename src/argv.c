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
#include <stdarg.h>

#include "hostdev-internal.h"
#include "emit.h"

struct hd_argv {
        char **v;
        size_t n, cap;
};

HD_EXPORT struct hd_argv *hd_argv_new(void)
{
        return calloc(1, sizeof(struct hd_argv));
}

HD_EXPORT struct hd_argv *hd_argv_free(struct hd_argv *a)
{
        if (!a)
                return NULL;
        for (size_t i = 0; i < a->n; i++)
                free(a->v[i]);
        free(a->v);
        free(a);
        return NULL;
}

HD_EXPORT size_t hd_argv_get_n(const struct hd_argv *a)
{
        return a ? a->n : 0;
}

HD_EXPORT const char *hd_argv_get(const struct hd_argv *a, size_t i)
{
        return a && i < a->n ? a->v[i] : NULL;
}

HD_EXPORT int hd_argv_add(struct hd_argv *a, const char *s)
{
        char *copy;

        if (!a || !s)
                return -EINVAL;
        if (a->n + 1 >= a->cap) {
                size_t nc = a->cap ? a->cap * 2 : 16;
                char **nv = realloc(a->v, nc * sizeof(*nv));
                if (!nv)
                        return -ENOMEM;
                a->v = nv;
                a->cap = nc;
        }
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        a->v[a->n++] = copy;
        a->v[a->n] = NULL;
        return 0;
}

/* Drop the elements from N on (undo a partly appended device). */
void hd__argv_truncate(struct hd_argv *a, size_t n)
{
        while (a->n > n)
                free(a->v[--a->n]);
        if (a->v)
                a->v[a->n] = NULL;
}

/* ---------------------------------------------------------------- shell quoting */

static bool shell_bare(unsigned char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               strchr("@%+=:,./_-", c);
}

void hd__buf_putn(struct hd__buf *b, const char *s, size_t n)
{
        if (b->oom)
                return;
        if (b->len + n + 1 > b->cap) {
                size_t nc = b->cap ? b->cap : 64;
                char *ns;
                while (b->len + n + 1 > nc)
                        nc *= 2;
                ns = realloc(b->s, nc);
                if (!ns) {
                        b->oom = true;
                        return;
                }
                b->s = ns;
                b->cap = nc;
        }
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
}

void hd__buf_puts(struct hd__buf *b, const char *s) { hd__buf_putn(b, s, strlen(s)); }

void hd__buf_putf(struct hd__buf *b, const char *fmt, ...)
{
        char *s = NULL;
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (n < 0) {
                b->oom = true;
                return;
        }
        hd__buf_putn(b, s, (size_t)n);
        free(s);
}

char *hd__buf_steal(struct hd__buf *b)
{
        char *s = b->s;

        if (b->oom || !s) {
                free(s);
                s = b->oom ? NULL : strdup("");
        }
        b->s = NULL;
        b->len = b->cap = 0;
        b->oom = false;
        return s;
}

static void quote_word(struct hd__buf *b, const char *word)
{
        const unsigned char *s = (const unsigned char *)word;
        bool bare = *s != '\0', dollar = false;

        for (const unsigned char *p = s; *p;) {
                size_t n = hd__printable_len(p);
                if (n == 0) {
                        dollar = true;
                        break;
                }
                if (n > 1 || !shell_bare(*p))
                        bare = false;
                p += n;
        }
        if (bare && !dollar) {
                hd__buf_puts(b, word);
                return;
        }
        if (!dollar) {
                hd__buf_putn(b, "'", 1);
                for (const char *p = word; *p; p++) {
                        if (*p == '\'')
                                hd__buf_puts(b, "'\\''");
                        else
                                hd__buf_putn(b, p, 1);
                }
                hd__buf_putn(b, "'", 1);
                return;
        }
        hd__buf_puts(b, "$'");
        for (const unsigned char *p = s; *p;) {
                size_t n = hd__printable_len(p);
                if (n == 0) {
                        char hex[5];
                        snprintf(hex, sizeof(hex), "\\x%02x", *p);
                        hd__buf_puts(b, hex);
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

HD_EXPORT char *hd_argv_to_shell(const struct hd_argv *a)
{
        struct hd__buf b = { 0 };

        hd__buf_puts(&b, "");
        for (size_t i = 0; a && i < a->n; i++) {
                if (i)
                        hd__buf_putn(&b, " ", 1);
                quote_word(&b, a->v[i]);
        }
        return hd__buf_steal(&b);
}
