/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU's JSON syntax for -device, -blockdev and -object (what libvirt
 * passes to current QEMU): the emitters build the classic "driver,key=value"
 * string ("," in values doubled) and this turns it into one JSON object,
 * {"driver":"vfio-pci","host":"0000:01:00.0",...}.  QEMU reads JSON with a
 * strict visitor, so every property gets its QAPI type: numbers for the
 * integer properties, true/false for the booleans, strings for the rest
 * (addr included: QEMU's PCI address property takes "SS.F" as a string).
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>

#include "emit.h"

static const char *const numeric[] = { "rombar", "bootindex", "chassis", "port", "vendorid",
                                       "productid", "hostbus", "hostaddr" };
static const char *const boolean[] = { "multifunction", "x-vga", "share-rw", "read-only",
                                       "guest-reset", "guest-resets-all" };

static bool in(const char *const *list, size_t n, const char *key)
{
        for (size_t i = 0; i < n; i++)
                if (streq(list[i], key))
                        return true;
        return false;
}

static cJSON *value_of(const char *key, const char *v)
{
        if (in(numeric, ELEMENTSOF(numeric), key)) {
                char *end;
                long long x = strtoll(v, &end, 0);
                if (*v && !*end)
                        return cJSON_CreateNumber((double)x);
        }
        if (in(boolean, ELEMENTSOF(boolean), key) && (streq(v, "on") || streq(v, "off")))
                return cJSON_CreateBool(streq(v, "on"));
        return cJSON_CreateString(v);
}

/* The next element of S (up to a single ','), with ",," undoubled, into a
 * malloc'd *RET; returns where the following element starts, or NULL at the end. */
static const char *next(const char *s, char **ret)
{
        struct hd__buf b = { 0 };

        for (; *s; s++) {
                if (*s == ',' && s[1] == ',') {
                        hd__buf_putn(&b, ",", 1);
                        s++;
                } else if (*s == ',') {
                        s++;
                        break;
                } else {
                        hd__buf_putn(&b, s, 1);
                }
        }
        *ret = hd__buf_steal(&b);
        return s;
}

char *hd__emit_to_json(const char *option, const char *opts)
{
        cJSON *obj = cJSON_CreateObject();
        const char *p = opts;
        bool first = true;
        char *out = NULL;

        while (obj && *p) {
                _cleanup_free_ char *el = NULL;
                char *eq;
                cJSON *v;

                p = next(p, &el);
                if (!el)
                        goto fail;
                eq = strchr(el, '=');
                if (!eq && first) {
                        /* the bare first element: the device or object type */
                        v = cJSON_CreateString(el);
                        if (!v)
                                goto fail;
                        cJSON_AddItemToObject(obj, streq(option, "-object") ? "qom-type" : "driver", v);
                        first = false;
                        continue;
                }
                first = false;
                if (!eq)
                        continue;
                *eq = '\0';
                v = value_of(el, eq + 1);
                if (!v)
                        goto fail;
                cJSON_AddItemToObject(obj, el, v);
        }
        if (obj)
                out = cJSON_PrintUnformatted(obj);
fail:
        cJSON_Delete(obj);
        return out;
}
