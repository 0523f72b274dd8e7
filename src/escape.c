/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device strings (USB product, serial, SCSI model...) are attacker-
 * controlled.  These helpers make them safe for each output: no raw control
 * character (C0, DEL, C1) reaches a terminal, and invalid UTF-8 never
 * reaches a JSON or XML document.  Bytes that are escaped become "\xHH"
 * (lower-case hex); in text, a backslash becomes "\\" so that no escape
 * is ambiguous.
 */
#define _GNU_SOURCE

#include "hostdev-internal.h"

/* Length of the valid UTF-8 sequence at S (1-4), or 0 if invalid. */
size_t hd__utf8_len(const unsigned char *s)
{
        unsigned c = s[0];
        size_t n;
        unsigned cp;

        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf)
                n = 2, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
                n = 3, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
                n = 4, cp = c & 0x07;
        else
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
                return 0;
        return n;
}

/* Length of the sequence at S that a terminal may show as is (1-4), or 0
 * for a byte that must be escaped: C0, DEL, C1 (U+0080..U+009F), invalid
 * UTF-8 (overlong, surrogate, truncated). */
size_t hd__printable_len(const unsigned char *s)
{
        size_t n = hd__utf8_len(s);

        if ((n == 1 && (*s < 0x20 || *s == 0x7f)) || (n == 2 && s[0] == 0xc2 && s[1] < 0xa0))
                return 0;
        return n;
}

/* Byte C as "\xHH" at OUT; returns the end */
static char *put_byte(char *out, unsigned char c)
{
        *out++ = '\\';
        *out++ = 'x';
        return hd__put_hex(out, c, 2);
}

HD_EXPORT char *hd_escape(const char *str, enum hd_escape_mode mode)
{
        const unsigned char *s = (const unsigned char *)str;
        size_t len, o = 0;
        char *out;

        if (!str)
                return NULL;
        len = strlen(str);
        out = malloc(len * 4 + 1);
        if (!out)
                return NULL;
        while (*s) {
                size_t n = hd__utf8_len(s);
                bool esc;
                if (n == 0)
                        esc = true;
                else    /* C1 controls U+0080..U+009F are terminal escapes too */
                        esc = mode == HD_ESCAPE_TEXT && (hd__printable_len(s) == 0 || *s == '\\');
                if (esc && n == 1 && *s == '\\') {
                        out[o++] = '\\';
                        out[o++] = '\\';
                        s++;
                } else if (esc) {
                        size_t k = n ? n : 1;
                        for (size_t i = 0; i < k; i++)
                                o = (size_t)(put_byte(out + o, s[i]) - out);
                        s += k;
                } else {
                        memcpy(out + o, s, n);
                        o += n;
                        s += n;
                }
        }
        out[o] = '\0';
        return out;
}
