/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library's growing buffers (strbuf.c): one string builder, one list of
 * strings and the capacity rule under both, for every file that builds text
 * or collects strings (emitters, judge messages, fixture uevents, ...).
 *
 *   struct hd__buf b = { 0 };               a string, appended to
 *   hd__buf_putf(&b, "%s=%d\n", k, v);      no error check per call: after a
 *   s = hd__buf_steal(&b);                  failed allocation the buffer is oom,
 *   if (!s) return -ENOMEM;                 ignores the rest, and steal says so
 *
 *   struct hd__strv v = { 0 };              a list of malloc'd strings
 *   r = hd__strv_add(&v, s);                (a copy), hd__strv_take (owns it),
 *   hd__strv_done(&v);                      hd__strv_addf (formatted)
 *
 * Arrays of anything else grow with hd__grow() (hostdev-internal.h).
 */
#ifndef HOSTDEV_STRBUF_H
#define HOSTDEV_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "hostdev-internal.h"

/* ---------------------------------------------------------------- string builder */

/* A growing string: S is NUL-terminated once anything was put.  On ENOMEM
 * it sets OOM and ignores further output. */
struct hd__buf {
        char *s;
        size_t len, cap;
        bool oom;
};
void hd__buf_putn(struct hd__buf *b, const char *s, size_t n);
void hd__buf_puts(struct hd__buf *b, const char *s);
void hd__buf_putf(struct hd__buf *b, const char *fmt, ...) _printf_(2, 3);
void hd__buf_vputf(struct hd__buf *b, const char *fmt, va_list ap) _printf_(2, 0);
/* Returns: the text so far, borrowed; "" when nothing was put or after ENOMEM. */
const char *hd__buf_str(const struct hd__buf *b);
/* Returns: the string ("" when nothing was put; caller frees), NULL after
 * ENOMEM.  Either way B is empty again and may be reused. */
char *hd__buf_steal(struct hd__buf *b);
/* Free the text and empty B. */
void hd__buf_done(struct hd__buf *b);

/* ---------------------------------------------------------------- list of strings */

/* Malloc'd strings; V[N] is NULL once anything was added. */
struct hd__strv {
        char **v;
        size_t n, cap;
};
/* Append a copy of S.  Returns: 0, -EINVAL (S NULL), -ENOMEM. */
int hd__strv_add(struct hd__strv *v, const char *s);
/* Append S itself (malloc'd; freed here when it cannot be added); S NULL
 * is an allocation that failed, so hd__strv_take(v, strdup(x)) is safe.
 * Returns: 0, -ENOMEM. */
int hd__strv_take(struct hd__strv *v, char *s);
/* Append the formatted string.  Returns: 0, -ENOMEM. */
int hd__strv_addf(struct hd__strv *v, const char *fmt, ...) _printf_(2, 3);
bool hd__strv_has(const struct hd__strv *v, const char *s);
/* Drop the strings from N on. */
void hd__strv_truncate(struct hd__strv *v, size_t n);
/* Free every string and the list. */
void hd__strv_done(struct hd__strv *v);

#endif
