/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uevent and attribute parsing (src/sysdev.c): hd__uevent_get over every
 * key the scanners ask for, with small and large buffers, and the number
 * lists they read from the values (PCI_ID, PRODUCT, TYPE, H:C:T:L, ...). */
#include "fuzz.h"

#include "hostdev-internal.h"

static const char *const keys[] = {
        "DRIVER", "PCI_ID", "PCI_SUBSYS_ID", "PCI_CLASS", "PCI_SLOT_NAME", "MODALIAS",
        "PRODUCT", "TYPE", "INTERFACE", "BUSNUM", "DEVNUM", "DEVTYPE", "DEVNAME", "MAJOR",
        "MINOR", "SUBSYSTEM", "", "=", "A",
};

static void numbers(const char *v)
{
        unsigned x[4];
        int d[4];

        for (char sep = 0; sep < 3; sep++) {
                static const char seps[] = { ':', '/', 0 };
                int n = hd__parse_hex_list(v, seps[(int)sep], x, 4);
                if (n < 0 || n > 4)
                        abort();
                n = hd__parse_dec_list(v, seps[(int)sep], d, 4);
                if (n < 0 || n > 4)
                        abort();
                for (int i = 0; i < n; i++)
                        if (d[i] < 0)
                                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *ue = fz_str(data, size), small[8], big[HD_ATTR_MAX], out[64];

        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                const char *v = hd__uevent_get(ue, keys[i], big, sizeof(big));
                if (v) {
                        if (v != big || strchr(v, '\n') || strlen(v) >= sizeof(big))
                                abort();
                        numbers(v);
                }
                v = hd__uevent_get(ue, keys[i], small, sizeof(small));
                if (v && strlen(v) >= sizeof(small))
                        abort();
        }
        /* the value as a whole attribute (vendor, class, sriov_numvfs, ...) */
        numbers(ue);
        /* and the scanners' formatters on whatever was read */
        {
                unsigned x[2] = { 0, 0 };
                if (hd__parse_hex_list(ue, ':', x, 2) == 2) {
                        char *e = hd__put_hex(out, x[0], 4);
                        *e++ = ':';
                        hd__put_hex(e, x[1], 4);
                        if (strlen(out) > 17)
                                abort();
                }
                hd__put_dec(out, (long long)size - 1000);
        }
        free(ue);
        return 0;
}
