/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Emitters for mediated devices.  QEMU takes an mdev by its sysfs path:
 *   -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/UUID[,display=on]
 *   -device vfio-pci-nohotplug,sysfsdev=...,display=on,ramfb=on   (ramfb: boot display;
 *            only the non-hotpluggable variant has the property)
 *   -device vfio-ccw,sysfsdev=...  /  -device vfio-ap,sysfsdev=...  by the type's device_api
 * libvirt:
 *   <hostdev mode='subsystem' type='mdev' model='vfio-pci' [display='on' [ramfb='on']]>
 *     <source><address uuid='UUID'/></source>
 *   </hostdev>
 */
#define _GNU_SOURCE
#include <limits.h>

#include "abi.h"
#include "emit.h"

HD_EXPORT void hd_mdev_emit_opts_init(struct hd_mdev_emit_opts *o)
{
        *o = (struct hd_mdev_emit_opts){ .size = sizeof(*o) };
}

/* The device_api of D as QEMU/libvirt model: vfio-pci, vfio-ccw or vfio-ap. */
static int model_of(struct hd_ctx *ctx, const struct hd_dev *d, const char **model)
{
        const char *api = d->device_api;

        if (!api)
                return hd__error(ctx, -EINVAL, "%s: the mdev type's device_api is unknown", d->name);
        if (streq(api, "vfio-pci") || streq(api, "vfio-ccw") || streq(api, "vfio-ap")) {
                *model = api;
                return 0;
        }
        return hd__error(ctx, -EINVAL, "%s: device_api '%s' is not one QEMU or libvirt take "
                         "(vfio-pci, vfio-ccw, vfio-ap)", d->name, api);
}

/* D through the gate, its model and the options it takes.  *O (NULL: the
 * defaults) becomes the options to use.  Returns: 0, -errno (message set). */
static int check_one(struct hd_ctx *ctx, struct hd_dev *d, const struct hd_mdev_emit_opts **o,
                     const char **model)
{
        static const struct hd_mdev_emit_opts defaults;   /* as hd_mdev_emit_opts_init() */
        struct hd_dev *t;
        int r;

        if (!*o)
                *o = &defaults;
        if (!d || d->type != HD_DEV_MDEV)
                return hd__error(ctx, -EINVAL, "%s: not a mediated device", d ? d->name : "?");
        r = hd__emit_check(ctx, d, (*o)->force, &t);
        if (r < 0)
                return r;
        r = model_of(ctx, d, model);
        if (r < 0)
                return r;
        if (((*o)->display || (*o)->ramfb) && !streq(*model, "vfio-pci"))
                return hd__error(ctx, -EINVAL, "%s: display and ramfb are for vfio-pci mdevs, not %s",
                                 d->name, *model);
        return 0;
}

int hd__emit_qemu_mdev(struct hd_ctx *ctx, struct hd_dev *d, const struct hd_mdev_emit_opts *o,
                       struct hd_argv *argv)
{
        char rel[128], path[PATH_MAX], *opt = NULL;
        const char *model;
        int r = check_one(ctx, d, &o, &model);

        if (r < 0)
                return r;
        snprintf(rel, sizeof(rel), "bus/mdev/devices/%s", d->sysname);
        if (!hd__sysfs_display(rel, path, sizeof(path)))
                return hd__error(ctx, -ENAMETOOLONG, "%s: path too long", d->name);
        /* the UUID is 8-4-4-4-12 hex (the scan checked): nothing to escape */
        if (asprintf(&opt, "%s,sysfsdev=%s,id=mdev-%.8s%s%s",
                     o->ramfb ? "vfio-pci-nohotplug" : model, path, d->sysname,
                     o->display || o->ramfb ? ",display=on" : "", o->ramfb ? ",ramfb=on" : "") < 0)
                return hd__error(ctx, -ENOMEM, "out of memory");
        r = hd_argv_add(argv, "-device");
        if (r >= 0)
                r = hd_argv_add(argv, opt);
        free(opt);
        return r < 0 ? hd__error(ctx, r, "out of memory") : 0;
}

int hd__xml_mdev(struct hd_ctx *ctx, struct hd__buf *b, const char *ind, struct hd_dev *d,
                 const struct hd_mdev_emit_opts *o)
{
        const char *model;
        int r = check_one(ctx, d, &o, &model);

        if (r < 0)
                return r;
        hd__buf_putf(b, "%s<!-- %s of type ", ind, d->sysname);
        /* type ids come from the vendor driver: keep them out of the comment's syntax */
        for (const char *s = d->mdev_type ? d->mdev_type : "?"; *s; s++)
                hd__buf_putn(b, (*s == '-' && s[1] == '-') || (unsigned char)*s < 0x20 || *s == '<' ||
                                 *s == '>' || *s == '&' ? "_" : s, 1);
        hd__buf_putf(b, " on %s -->\n", d->parent ? d->parent->name : "?");
        hd__buf_putf(b, "%s<hostdev mode='subsystem' type='mdev' model='%s'%s%s>\n", ind, model,
                     o->display || o->ramfb ? " display='on'" : "", o->ramfb ? " ramfb='on'" : "");
        hd__buf_putf(b, "%s  <source>\n", ind);
        hd__buf_putf(b, "%s    <address uuid='%s'/>\n", ind, d->sysname);
        hd__buf_putf(b, "%s  </source>\n", ind);
        hd__buf_putf(b, "%s</hostdev>\n", ind);
        return 0;
}

HD_EXPORT int hd_emit_qemu_mdev(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                                const struct hd_mdev_emit_opts *o, struct hd_argv *argv)
{
        size_t start;
        int r = 0;

        if (!ctx || !argv || (n && !devs))
                return -EINVAL;
        r = HD__OPTS_CHECK(ctx, o, hd_mdev_emit_opts);
        if (r < 0)
                return r;
        start = hd_argv_get_n(argv);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = hd__emit_qemu_mdev(ctx, devs[i], o, argv);
        if (r < 0)
                hd__argv_truncate(argv, start);
        return r < 0 ? r : 0;
}

HD_EXPORT int hd_emit_libvirt_mdev(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                                   const struct hd_mdev_emit_opts *o, char **ret)
{
        struct hd__buf b = { 0 };
        const char *ind = o && o->domain ? "    " : "";
        int r = 0;

        if (!ctx || !ret || (n && !devs))
                return -EINVAL;
        *ret = NULL;
        r = HD__OPTS_CHECK(ctx, o, hd_mdev_emit_opts);
        if (r < 0)
                return r;
        if (o && o->domain)
                hd__xml_domain_open(&b, "q35");
        for (size_t i = 0; i < n && r >= 0; i++)
                r = hd__xml_mdev(ctx, &b, ind, devs[i], o);
        if (r >= 0 && o && o->domain)
                hd__xml_domain_close(&b);
        if (r >= 0 && !(*ret = hd__buf_steal(&b)))
                r = hd__error(ctx, -ENOMEM, "out of memory");
        hd__buf_done(&b);
        return r < 0 ? r : 0;
}
