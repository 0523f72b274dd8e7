/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mediated devices (bus/mdev/devices/UUID, each a child of its parent), the
 * types a parent offers (mdev_supported_types/TYPE/...), and the SR-IOV
 * counts of a physical function.  Reads only: creating and removing is the
 * binder's (bind-mdev.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>

#include "hostdev-internal.h"

/* A UUID's shape: 8-4-4-4-12 hex digits */
static const char uuid_fmt[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
#define UUID_LEN (sizeof(uuid_fmt) - 1)
#define MDEV_PREFIX "mdev_"

bool hd__uuid_ok(const char *s)
{
        const char *fmt = uuid_fmt;

        if (!s || strlen(s) != UUID_LEN)
                return false;
        for (size_t i = 0; fmt[i]; i++) {
                char c = s[i];
                bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                if (fmt[i] == '-' ? c != '-' : !hex)
                        return false;
        }
        return true;
}

/* sysname of the directory holding PATH ("devices/.../PARENT/UUID") */
static const char *parent_sysname(const char *path, char *buf, size_t size)
{
        const char *end = strrchr(path, '/'), *start;
        size_t l;

        if (!end || end == path)
                return NULL;
        for (start = end - 1; start > path && start[-1] != '/'; start--)
                ;
        l = (size_t)(end - start);
        if (l + 1 > size)
                return NULL;
        memcpy(buf, start, l);
        buf[l] = '\0';
        return buf;
}

static int add_mdev(struct hd_ctx *ctx, void *data, const char *name, const char *path)
{
        struct hd__scan *s = data;
        struct hd_dev *d;
        char buf[PATH_MAX], parent[NAME_MAX + 1], full[2 * NAME_MAX + 8];
        int r;

        if (!hd__uuid_ok(name)) {
                WARN(ctx, "bus/mdev/devices/%s: not a UUID, skipped", name);
                return 0;
        }
        d = hd__dev_new(s, HD_DEV_MDEV, path);
        if (!d)
                return -ENOMEM;
        d->mdev_group = -1;
        if (!streq(d->sysname, name) || !parent_sysname(d->path, parent, sizeof(parent))) {
                WARN(ctx, "bus/mdev/devices/%s: odd device path, skipped", name);
                return 0;
        }
        snprintf(full, sizeof(full), "%s_%s", name, parent);
        d->name = hd__make_name(s, MDEV_PREFIX, full);
        if (!d->name)
                return -ENOMEM;
        r = hd__dev_readlink_base(ctx, d, "mdev_type", buf, sizeof(buf));
        if (hd__dev_gone(ctx, d, r))
                return 0;
        if (r > 0 && !(d->mdev_type = hd__scan_strdup(s, buf)))
                return -ENOMEM;
        d->device_api = hd__attr_scan(s, ctx, d, "mdev_type/device_api");
        d->driver = hd__dev_driver_scan(s, ctx, d, NULL);
        r = hd__dev_iommu_group(ctx, d, buf, sizeof(buf));
        if (r >= 0)
                d->mdev_group = r;
        return hd__scan_add_dev(ctx, s, d);
}

int hd__scan_mdev(struct hd_ctx *ctx, struct hd__scan *s)
{
        return hd__foreach_sys_link(ctx, "bus/mdev/devices", add_mdev, s);
}

/* NAME as UUID, mdev_<uuid_> or mdev_<uuid_>_<parent> */
struct hd_dev *hd__mdev_find(struct hd_dev *const *devs, size_t n, const char *name)
{
        char uuid[UUID_LEN + 4];
        size_t l;

        if (startswith(name, MDEV_PREFIX)) {
                name += strlen(MDEV_PREFIX);
                l = strlen(name);
                if (l < UUID_LEN || (l > UUID_LEN && name[UUID_LEN] != '_'))
                        return NULL;
                memcpy(uuid, name, UUID_LEN);
                uuid[UUID_LEN] = '\0';
                for (char *c = uuid; *c; c++)
                        if (*c == '_')
                                *c = '-';
        } else {
                snprintf(uuid, sizeof(uuid), "%s", name);
        }
        if (!hd__uuid_ok(uuid))
                return NULL;
        for (size_t i = 0; i < n; i++) {
                struct hd_dev *d = devs[i];
                if (d->type != HD_DEV_MDEV || strcasecmp(d->sysname, uuid) != 0)
                        continue;
                /* with a parent, it must be this mdev's */
                if (strlen(name) > UUID_LEN && !streq(d->name + strlen(MDEV_PREFIX), name))
                        continue;
                return d;
        }
        return NULL;
}

/* ---------------------------------------------------------------- getters */
static bool is_mdev(const struct hd_dev *d) { return d && d->type == HD_DEV_MDEV; }

HD_EXPORT const char *hd_dev_get_mdev_uuid(const struct hd_dev *d) { return is_mdev(d) ? d->sysname : NULL; }
HD_EXPORT const char *hd_dev_get_mdev_type(const struct hd_dev *d) { return is_mdev(d) ? d->mdev_type : NULL; }
HD_EXPORT const char *hd_dev_get_mdev_device_api(const struct hd_dev *d)
{
        return is_mdev(d) ? d->device_api : NULL;
}
HD_EXPORT int hd_dev_get_mdev_iommu_group(const struct hd_dev *d) { return is_mdev(d) ? d->mdev_group : -1; }

/* ---------------------------------------------------------------- types of a parent */
static char *type_attr(int dirfd, const char *type, const char *attr)
{
        char buf[HD_ATTR_MAX];

        if (hd__readf_at(dirfd, buf, sizeof(buf), "%s/%s", type, attr) < 0)
                return NULL;
        return strdup(buf);
}

HD_EXPORT void hd_mdev_types_free(struct hd_mdev_type *t, size_t n)
{
        for (size_t i = 0; t && i < n; i++) {
                free(t[i].id);
                free(t[i].name);
                free(t[i].description);
                free(t[i].device_api);
        }
        free(t);
}

static int cmp_type(const void *a, const void *b)
{
        return strverscmp(((const struct hd_mdev_type *)a)->id, ((const struct hd_mdev_type *)b)->id);
}

/* Type ID of a parent into X: its attributes below DIRFD (the parent's
 * mdev_supported_types).  Returns: 0 or -ENOMEM (X is then freeable). */
static int type_read(int dirfd, const char *id, struct hd_mdev_type *x)
{
        char buf[64];

        memset(x, 0, sizeof(*x));
        x->available = -1;
        if (!(x->id = strdup(id)))
                return -ENOMEM;
        x->name = type_attr(dirfd, id, "name");
        x->description = type_attr(dirfd, id, "description");
        x->device_api = type_attr(dirfd, id, "device_api");
        if (hd__readf_at(dirfd, buf, sizeof(buf), "%s/available_instances", id) > 0)
                x->available = strtol(buf, NULL, 10);
        return 0;
}

/* DEV's mdev_supported_types as a directory stream into *RET (NULL when it
 * has none).  Returns: 0 or a negative errno with a message in CTX. */
static int types_open(struct hd_ctx *ctx, const struct hd_dev *dev, DIR **ret)
{
        char rel[PATH_MAX];
        int fd;

        *ret = NULL;
        if (snprintf(rel, sizeof(rel), "%s/mdev_supported_types", dev->path) >= (int)sizeof(rel))
                return -ENAMETOOLONG;
        fd = hd__open_dir_at(hd__root_sysfd(hd__ctx_root(ctx)), rel);
        if (fd == -ENOENT || fd == -ENOTDIR)
                return 0;
        if (fd < 0)
                return hd__error(ctx, fd, "%s: %s", rel, strerror(-fd));
        *ret = fdopendir(fd);
        if (!*ret) {
                int e = errno;
                close(fd);
                return -e;
        }
        return 0;
}

HD_EXPORT int hd_dev_get_mdev_types(struct hd_ctx *ctx, const struct hd_dev *dev,
                                    struct hd_mdev_type **ret)
{
        struct hd_mdev_type *t = NULL;
        struct dirent *de;
        size_t n = 0, cap = 0;
        DIR *dir;
        int r;

        *ret = NULL;
        if (!dev)
                return -EINVAL;
        if (!dev->path)
                return 0;
        r = types_open(ctx, dev, &dir);
        if (!dir)
                return r;
        while ((de = readdir(dir))) {
                if (de->d_name[0] == '.')
                        continue;
                if (n == cap) {
                        struct hd_mdev_type *nt = realloc(t, (cap = cap ? 2 * cap : 8) * sizeof(*t));
                        if (!nt)
                                goto oom;
                        t = nt;
                }
                if (type_read(dirfd(dir), de->d_name, &t[n++]) < 0)
                        goto oom;
        }
        closedir(dir);
        if (n)
                qsort(t, n, sizeof(*t), cmp_type);
        *ret = t;
        return (int)n;
oom:
        closedir(dir);
        hd_mdev_types_free(t, n);
        return -ENOMEM;
}

/* ---------------------------------------------------------------- SR-IOV */
HD_EXPORT int hd_dev_get_sriov(struct hd_ctx *ctx, const struct hd_dev *dev, int *total, int *num,
                               int *autoprobe)
{
        int t;

        if (!dev)
                return -EINVAL;
        if (dev->type != HD_DEV_PCI)
                return -ENODATA;
        t = hd__dev_int(ctx, dev, "sriov_totalvfs", 10, -1);
        if (t < 0)
                return -ENODATA;
        if (total)
                *total = t;
        if (num)
                *num = hd__dev_int(ctx, dev, "sriov_numvfs", 10, -1);
        if (autoprobe)
                *autoprobe = hd__dev_int(ctx, dev, "sriov_drivers_autoprobe", 10, -1);
        return 0;
}
