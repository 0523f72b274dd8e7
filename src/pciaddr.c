/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI addresses: parse and format DDDD:BB:SS.F by hand (the scan calls this
 * for every function, so no sscanf, which would also take " 1", "+1", "0x1").
 */
#include <linux/pci.h>      /* PCI_SLOT, PCI_FUNC */

#include "hostdev-internal.h"
#include "pciaddr.h"

#define DOMAIN_DIGITS_MAX 8
#define SLOT_MAX PCI_SLOT(0xff)
#define FUNC_MAX PCI_FUNC(0xff)

static int hex_value(int c, bool upper_ok)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (upper_ok && c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Hex digits at *S up to END (a separator), MIN to MAX of them, into *V;
 * *S is left on END.  Returns: whether it matched. */
static bool hex_field(const char **s, char end, int min, int max, bool upper_ok, unsigned *v)
{
        const char *p = *s;
        int n = 0, x;

        *v = 0;
        for (; (x = hex_value((unsigned char)*p, upper_ok)) >= 0; p++, n++) {
                if (n == max)
                        return false;
                *v = *v << 4 | (unsigned)x;
        }
        if (n < min || *p != end)
                return false;
        *s = p;
        return true;
}

static bool in_range(const struct hd_pciaddr *a)
{
        return a->bus <= 0xff && a->slot <= SLOT_MAX && a->func <= FUNC_MAX;
}

bool hd__pciaddr_parse(const char *s, struct hd_pciaddr *a)
{
        struct hd_pciaddr t;

        /* "%04x": a domain longer than 4 digits has no leading zero */
        if (!s || (s[0] == '0' && strcspn(s, ":") > 4) ||
            !hex_field(&s, ':', 4, DOMAIN_DIGITS_MAX, false, &t.domain) ||
            !(s++, hex_field(&s, ':', 2, 2, false, &t.bus)) ||
            !(s++, hex_field(&s, '.', 2, 2, false, &t.slot)) ||
            !(s++, hex_field(&s, '\0', 1, 1, false, &t.func)) || !in_range(&t))
                return false;
        if (a)
                *a = t;
        return true;
}

bool hd__pciaddr_parse_loose(const char *s, struct hd_pciaddr *a)
{
        const char *colon = s ? strchr(s, ':') : NULL;
        bool has_domain = colon && strchr(colon + 1, ':');
        struct hd_pciaddr t = { 0 };

        if (!colon || (has_domain && !hex_field(&s, ':', 1, DOMAIN_DIGITS_MAX, true, &t.domain)))
                return false;
        if (has_domain)
                s++;
        if (!hex_field(&s, ':', 1, DOMAIN_DIGITS_MAX, true, &t.bus) ||
            !(s++, hex_field(&s, '.', 1, DOMAIN_DIGITS_MAX, true, &t.slot)) ||
            !(s++, hex_field(&s, '\0', 1, DOMAIN_DIGITS_MAX, true, &t.func)) || !in_range(&t))
                return false;
        *a = t;
        return true;
}

char *hd__pciaddr_format(const struct hd_pciaddr *a, char *out)
{
        char *o = hd__put_hex(out, a->domain, 4);

        *o++ = ':';
        o = hd__put_hex(o, a->bus, 2);
        *o++ = ':';
        o = hd__put_hex(o, a->slot, 2);
        *o++ = '.';
        hd__put_hex(o, a->func, 1);
        return out;
}

_Static_assert(sizeof(((struct hd_dev *)0)->address) >= HD_PCIADDR_MAX,
               "struct hd_dev's address holds any canonical PCI address");
