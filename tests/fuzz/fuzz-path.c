/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Path and string parsers: link targets joined and normalised below sys/
 * (src/path.c hd__path_join_norm, as every bus/class link and every
 * recorded link goes), and the escaping of device strings (src/escape.c).
 * Input: "DIR\nTARGET". */
#include "fuzz.h"

#include <limits.h>

#include "hostdev-internal.h"

/* A normalised path relative to sys: no "/" at either end, no "//", no
 * "." or ".." component. */
static bool is_norm(const char *s)
{
        size_t n = strlen(s);

        if (n && (s[0] == '/' || s[n - 1] == '/' || strstr(s, "//")))
                return false;
        for (const char *p = s; *p;) {
                const char *e = strchrnul(p, '/');
                size_t l = (size_t)(e - p);
                if ((l == 1 && p[0] == '.') || (l == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                p = *e ? e + 1 : e;
        }
        return true;
}

static void check_norm(const char *dir, const char *target, size_t size)
{
        char buf[PATH_MAX];
        int n = hd__path_join_norm(dir, target, buf, size);

        if (n < 0) {
                if (n != -EXDEV && n != -ENAMETOOLONG)
                        abort();
                return;
        }
        if ((size_t)n != strlen(buf) || (size_t)n >= size || !is_norm(buf))
                abort();
}

static void check_escape(const char *s)
{
        char *t = hd_escape(s, HD_ESCAPE_TEXT), *u = hd_escape(s, HD_ESCAPE_UTF8);

        if (!t || !u)
                abort();
        for (const unsigned char *p = (const unsigned char *)t; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        abort();        /* nothing left that a terminal acts on */
        free(t);
        free(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = fz_str(data, size), *nl = strchr(s, '\n');
        const char *dir = nl ? s : "devices/pci0000:00", *target = nl ? nl + 1 : s;

        if (nl)
                *nl = '\0';
        if (!is_norm(dir))      /* the callers' directories are normalised already */
                dir = "devices/pci0000:00";
        check_norm(dir, target, PATH_MAX);
        check_norm(dir, target, 32);
        check_norm(dir, target, 1);
        if (nl)
                *nl = '\n';
        check_escape(s);
        free(s);
        return 0;
}
