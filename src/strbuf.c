/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library's growing buffers: a string builder that formats in place
 * and a list of malloc'd strings (see strbuf.h).
 */
#define _GNU_SOURCE
#include <stdint.h>

#include "strbuf.h"

/* ---------------------------------------------------------------- string builder */

/* Room for N more bytes and the NUL.  Returns: false (and oom) on ENOMEM. */
static bool buf_room(struct hd__buf *b, size_t n)
{
        size_t need, nc = b->cap ? b->cap : 64;
        char *ns;

        if (b->oom)
                return false;
        if (n > SIZE_MAX - b->len - 1)
                goto oom;
        need = b->len + n + 1;
        if (need <= b->cap)
                return true;
        while (nc < need) {
                if (nc > SIZE_MAX / 2)
                        goto oom;
                nc *= 2;
        }
        ns = realloc(b->s, nc);
        if (!ns)
                goto oom;
        b->s = ns;
        b->cap = nc;
        return true;
oom:
        b->oom = true;
        return false;
}

void hd__buf_putn(struct hd__buf *b, const char *s, size_t n)
{
        if (!buf_room(b, n))
                return;
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
}

void hd__buf_puts(struct hd__buf *b, const char *s) { hd__buf_putn(b, s, strlen(s)); }

void hd__buf_vputf(struct hd__buf *b, const char *fmt, va_list ap)
{
        va_list aq;
        int n;

        if (b->oom)
                return;
        /* format in place when it fits, else make room and format again */
        va_copy(aq, ap);
        n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, aq);
        va_end(aq);
        if (n < 0) {
                b->oom = true;
                return;
        }
        if (!b->s || (size_t)n >= b->cap - b->len) {
                if (!buf_room(b, (size_t)n))
                        return;
                vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        }
        b->len += (size_t)n;
}

void hd__buf_putf(struct hd__buf *b, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        hd__buf_vputf(b, fmt, ap);
        va_end(ap);
}

const char *hd__buf_str(const struct hd__buf *b)
{
        return b->s && !b->oom ? b->s : "";
}

char *hd__buf_steal(struct hd__buf *b)
{
        char *s = b->s;

        if (b->oom || !s) {
                free(s);
                s = b->oom ? NULL : strdup("");
        }
        *b = (struct hd__buf){ 0 };
        return s;
}

void hd__buf_done(struct hd__buf *b)
{
        free(b->s);
        *b = (struct hd__buf){ 0 };
}

/* ---------------------------------------------------------------- list of strings */

int hd__strv_take(struct hd__strv *v, char *s)
{
        if (!s)
                return -ENOMEM;
        /* room for S and the NULL after it */
        if (hd__grow(&v->v, v->n + 1, &v->cap, sizeof(*v->v), 16) < 0) {
                free(s);
                return -ENOMEM;
        }
        v->v[v->n++] = s;
        v->v[v->n] = NULL;
        return 0;
}

int hd__strv_add(struct hd__strv *v, const char *s)
{
        char *copy;

        if (!s)
                return -EINVAL;
        copy = strdup(s);
        return copy ? hd__strv_take(v, copy) : -ENOMEM;
}

int hd__strv_addf(struct hd__strv *v, const char *fmt, ...)
{
        struct hd__buf b = { 0 };
        va_list ap;
        char *s;

        va_start(ap, fmt);
        hd__buf_vputf(&b, fmt, ap);
        va_end(ap);
        s = hd__buf_steal(&b);
        return s ? hd__strv_take(v, s) : -ENOMEM;
}

bool hd__strv_has(const struct hd__strv *v, const char *s)
{
        for (size_t i = 0; i < v->n; i++)
                if (streq(v->v[i], s))
                        return true;
        return false;
}

void hd__strv_truncate(struct hd__strv *v, size_t n)
{
        while (v->n > n)
                free(v->v[--v->n]);
        if (v->v)
                v->v[v->n] = NULL;
}

void hd__strv_done(struct hd__strv *v)
{
        hd__strv_truncate(v, 0);
        free(v->v);
        *v = (struct hd__strv){ 0 };
}
