/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SCSI hosts, targets and LUNs (bus/scsi/devices), with the hosts that only
 * class/scsi_host lists and the Fibre Channel port names of a host
 * (class/fc_host: attributes of the SCSI host, not devices of their own).
 * The sg nodes, net and block leaves are class devices: classdev.c.
 */
#define _GNU_SOURCE
#include <limits.h>

#include "hostdev-internal.h"

/* The highest SCSI peripheral device type (5 bits: 0x1f, "unknown") */
#define SCSI_TYPE_MAX 0x1f
/* MODALIAS of a LUN: "scsi:t-0x" and its peripheral type in hex */
#define SCSI_MODALIAS_TYPE "scsi:t-0x"

/* "1:0:2" into v[]: exactly N decimal numbers separated by ':', nothing after */
static bool parse_dec_list(const char *s, int *v, int n)
{
        int colons = 0;

        for (const char *p = s; *p; p++) {
                if (*p == ':')
                        colons++;
                else if (*p < '0' || *p > '9')
                        return false;
        }
        return colons == n - 1 && hd__parse_dec_list(s, ':', v, n) == n;
}

/* The kind of a SCSI directory name and its numbers in v[] (host, channel,
 * target, LUN as far as the kind has them); -1 for none */
static int scsi_kind(const char *name, int v[4])
{
        if (startswith(name, "host") && parse_dec_list(name + strlen("host"), v, 1))
                return HD_DEV_SCSI_HOST;
        if (startswith(name, "target") && parse_dec_list(name + strlen("target"), v, 3))
                return HD_DEV_SCSI_TARGET;
        if (parse_dec_list(name, v, 4))
                return HD_DEV_SCSI;
        return -1;
}

/* A LUN: its driver (the link; uevent's DRIVER= where there is none),
 * peripheral type from its uevent (MODALIAS=scsi:t-0xNN, else `type`),
 * vendor and model from their attributes.  <0: the LUN's
 * directory is gone. */
static int lun_read(struct hd__scan *s, struct hd_ctx *ctx, struct hd_dev *d)
{
        char ue[HD_ATTR_MAX], v[64];
        unsigned t;
        int r = hd__dev_read(ctx, d, "uevent", ue, sizeof(ue));

        if (hd__dev_gone(ctx, d, r))
                return -ENOENT;
        d->driver = hd__dev_driver_scan(s, ctx, d, r >= 0 ? ue : NULL);
        if (r >= 0 && hd__uevent_get(ue, "MODALIAS", v, sizeof(v)) && startswith(v, SCSI_MODALIAS_TYPE) &&
            hd__parse_hex_list(v + strlen(SCSI_MODALIAS_TYPE), 0, &t, 1) == 1 && t <= SCSI_TYPE_MAX)
                d->scsi_type = (int)t;
        else
                d->scsi_type = hd__dev_int(ctx, d, "type", 10, -1);
        d->scsi_vendor = hd__attr_scan(s, ctx, d, "vendor");
        d->scsi_model = hd__attr_scan(s, ctx, d, "model");
        return 0;
}

/* A SCSI host, target or LUN at PATH, named the libvirt way (scsi_host0,
 * scsi_target0_0_1, scsi_0_0_1_0); NULL with errno ENOMEM, or EINVAL for a
 * directory name that is none of them */
static struct hd_dev *scsi_dev_new(struct hd__scan *s, const char *path)
{
        struct hd_dev *d = hd__dev_new(s, HD_DEV_SCSI, path);
        int v[4] = { -1, -1, -1, -1 }, kind, nv;
        char buf[64], *o;

        if (!d) {
                errno = ENOMEM;
                return NULL;
        }
        kind = scsi_kind(d->sysname, v);
        if (kind < 0) {
                errno = EINVAL;
                return NULL;
        }
        d->type = (enum hd_dev_type)kind;
        d->scsi_host = v[0], d->scsi_channel = v[1], d->scsi_target = v[2], d->scsi_lun = v[3];
        /* four numbers below 2^31 fit */
        o = hd__put_str(buf, kind == HD_DEV_SCSI_HOST     ? "scsi_host"
                             : kind == HD_DEV_SCSI_TARGET ? "scsi_target"
                                                          : "scsi_");
        nv = kind == HD_DEV_SCSI_HOST ? 1 : kind == HD_DEV_SCSI_TARGET ? 3 : 4;
        for (int i = 0; i < nv; i++) {
                if (i)
                        *o++ = '_';
                o = hd__put_dec(o, v[i]);
        }
        d->name = hd__scan_strdup(s, buf);
        if (!d->name) {
                errno = ENOMEM;
                return NULL;
        }
        return d;
}

/* The SCSI scan: the scan, and the targets and LUNs of bus/scsi/devices,
 * whose hosts and targets a partial recording may not list */
struct scsi_walk {
        struct hd__scan *s;
        struct hd_dev **below;
        size_t n, cap;
};

static int remember(struct scsi_walk *w, struct hd_dev *d)
{
        if (w->n == w->cap) {
                size_t nc = w->cap ? w->cap * 2 : 64;
                struct hd_dev **nb = realloc(w->below, nc * sizeof(*nb));
                if (!nb)
                        return -ENOMEM;
                w->below = nb;
                w->cap = nc;
        }
        w->below[w->n++] = d;
        return 0;
}

static int add_scsi(struct hd_ctx *ctx, void *data, const char *name, const char *path)
{
        struct scsi_walk *w = data;
        struct hd_dev *d = scsi_dev_new(w->s, path);
        int r;

        if (!d) {
                if (errno == ENOMEM)
                        return -ENOMEM;
                DBG(ctx, "bus/scsi/devices/%s: not a host, target or LUN", name);
                return 0;
        }
        /* hosts and targets carry nothing we read */
        if (d->type == HD_DEV_SCSI && lun_read(w->s, ctx, d) < 0)
                return 0;
        r = hd__scan_add_dev(ctx, w->s, d);
        if (r >= 0 && d->type != HD_DEV_SCSI_HOST && hd__scan_lookup(w->s, d->path) == d)
                r = remember(w, d);
        return r;
}

/* Add the host or target (KIND) at the first LEN bytes of PATH unless the
 * scan has it.  It is a directory above a device listed, so it exists. */
static int add_implied(struct hd_ctx *ctx, struct hd__scan *s, const char *path, size_t len,
                       int kind, const char *why)
{
        char p[PATH_MAX];
        struct hd_dev *d;

        if (len >= sizeof(p))
                return 0;
        memcpy(p, path, len);
        p[len] = '\0';
        if (hd__scan_lookup(s, p))
                return 0;
        d = scsi_dev_new(s, p);
        if (!d)
                return errno == ENOMEM ? -ENOMEM : 0;
        if ((int)d->type != kind)
                return 0;
        DBG(ctx, "%s: not in bus/scsi/devices, found from %s", p, why);
        return hd__scan_add_dev(ctx, s, d);
}

/* The target (for a LUN) and the host above device D, from the components
 * of its own path: .../hostH/[port-.../end_device-.../]targetH:C:T/H:C:T:L */
static int add_ancestors(struct hd_ctx *ctx, struct scsi_walk *w, const struct hd_dev *d)
{
        bool want_target = d->type == HD_DEV_SCSI;
        size_t end = (size_t)(d->sysname - d->path);    /* just past a component's slash */

        while (end > 1) {
                size_t stop = end - 1, start = stop;    /* the component before that slash */
                char comp[64];
                int v[4], kind, r = 0;

                while (start > 0 && d->path[start - 1] != '/')
                        start--;
                end = start;
                if (stop - start >= sizeof(comp))
                        continue;
                memcpy(comp, d->path + start, stop - start);
                comp[stop - start] = '\0';
                kind = scsi_kind(comp, v);
                if (kind == HD_DEV_SCSI_TARGET && want_target && v[0] == d->scsi_host &&
                    v[1] == d->scsi_channel && v[2] == d->scsi_target) {
                        r = add_implied(ctx, w->s, d->path, stop, kind, d->path);
                        want_target = false;
                } else if (kind == HD_DEV_SCSI_HOST && v[0] == d->scsi_host) {
                        return add_implied(ctx, w->s, d->path, stop, kind, d->path);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The SCSI host of class device PATH, DEV/CLASS/hostN with DEV named hostN
 * (class/scsi_host/hostN, class/fc_host/hostN), into HOST; false if PATH is
 * not of that shape */
static bool host_of_class(const char *path, const char *cls, char *host, size_t size)
{
        const char *base;
        char *slash;

        if (strlen(path) >= size)
                return false;
        strcpy(host, path);
        slash = strrchr(host, '/');
        if (!slash)
                return false;
        base = path + (slash - host) + 1;
        *slash = '\0';
        slash = strrchr(host, '/');
        if (!slash || !streq(slash + 1, cls))
                return false;
        *slash = '\0';
        slash = strrchr(host, '/');
        return slash && streq(slash + 1, base);
}

/* class/scsi_host/hostN lives in the SCSI host's directory it describes */
static int add_host_class(struct hd_ctx *ctx, void *data, const char *name, const char *path)
{
        struct scsi_walk *w = data;
        char host[PATH_MAX];

        (void)name;
        if (!host_of_class(path, "scsi_host", host, sizeof(host)))
                return 0;
        return add_implied(ctx, w->s, host, strlen(host), HD_DEV_SCSI_HOST, "class/scsi_host");
}

/* fc_host/hostN lives below the SCSI host it describes */
static int add_fc(struct hd_ctx *ctx, void *data, const char *name, const char *path)
{
        char host[PATH_MAX], attr[PATH_MAX];
        struct hd_dev *h;
        size_t hl;
        int r;

        if (!host_of_class(path, "fc_host", host, sizeof(host)))
                return 0;
        /* the host may be missing from a partial recording's bus/scsi/devices
         * (a targeted scan may meet fc_host before the LUNs that imply it) */
        r = add_implied(ctx, data, host, strlen(host), HD_DEV_SCSI_HOST, "class/fc_host");
        if (r < 0)
                return r;
        h = hd__scan_lookup(data, host);
        if (!h || h->type != HD_DEV_SCSI_HOST)
                return 0;
        /* "fc_host/hostN/node_name", read below the SCSI host like its own attributes */
        hl = strlen(host) + 1;
        snprintf(attr, sizeof(attr), "%s/node_name", path + hl);
        h->wwnn = hd__attr_scan(data, ctx, h, attr);
        snprintf(attr, sizeof(attr), "%s/port_name", path + hl);
        h->wwpn = hd__attr_scan(data, ctx, h, attr);
        return 0;
}

/* Hosts and targets from bus/scsi/devices, then those a partial recording
 * lacks there: hosts from class/scsi_host, hosts and targets from the
 * paths of the targets and LUNs listed (lsscsi -H reads class/scsi_host);
 * then the sg nodes (classdev.c) and the Fibre Channel names */
int hd__scan_scsi(struct hd_ctx *ctx, struct hd__scan *s)
{
        struct scsi_walk w = { s, NULL, 0, 0 };
        int r = hd__foreach_sys_link(ctx, "bus/scsi/devices", add_scsi, &w);

        if (r >= 0)
                r = hd__foreach_sys_link(ctx, "class/scsi_host", add_host_class, &w);
        for (size_t i = 0; i < w.n && r >= 0; i++)
                r = add_ancestors(ctx, &w, w.below[i]);
        free(w.below);
        if (r >= 0)
                r = hd__scan_sg(ctx, s);
        if (r >= 0)
                r = hd__foreach_sys_link(ctx, "class/fc_host", add_fc, s);
        return r;
}

HD_EXPORT int hd_dev_get_scsi_address(const struct hd_dev *d, int *host, int *channel, int *target,
                                      int *lun)
{
        if (!d)
                return -EINVAL;
        if (d->scsi_host < 0)
                return -ENODATA;
        if (host)
                *host = d->scsi_host;
        if (channel)
                *channel = d->scsi_channel;
        if (target)
                *target = d->scsi_target;
        if (lun)
                *lun = d->scsi_lun;
        return 0;
}

/* one device each, for a targeted scan; a target or LUN brings the target
 * and host above it that a partial recording does not list */
int hd__scan_scsi_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path)
{
        struct scsi_walk w = { s, NULL, 0, 0 };
        int r = add_scsi(ctx, &w, name, path);

        for (size_t i = 0; i < w.n && r >= 0; i++)
                r = add_ancestors(ctx, &w, w.below[i]);
        free(w.below);
        return r;
}

int hd__scan_scsi_host_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path)
{
        struct scsi_walk w = { s, NULL, 0, 0 };

        return add_host_class(ctx, &w, name, path);
}

int hd__scan_fc_one(struct hd_ctx *ctx, struct hd__scan *s, const char *name, const char *path)
{
        return add_fc(ctx, s, name, path);
}
