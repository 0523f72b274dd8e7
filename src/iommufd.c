/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommufd, the newer VFIO interface (Linux 6.6 and later): one /dev/iommu
 * for the process, plus a character device per PCI function,
 * /dev/vfio/devices/vfioN, instead of the group's /dev/vfio/N container.
 * sysfs names the cdev in the device's directory, vfio-dev/vfioN, while
 * vfio-pci drives the device and the kernel has CONFIG_VFIO_DEVICE_CDEV.
 * QEMU 8.2 and later use it with -object iommufd and vfio-pci,iommufd=.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <time.h>

#include "policy.h"

HD_EXPORT int hd_ctx_has_iommufd(struct hd_ctx *ctx)
{
        struct hd__root *root = hd__ctx_root(ctx);

        if (!root)
                return hd__error(ctx, -EINVAL, "no sysroot set");
        return hd__exists_at(hd__root_fd(root), "dev/iommu") ? 1 : 0;
}

static bool cdev_name(const char *s)
{
        if (strncmp(s, "vfio", 4) != 0 || !s[4])
                return false;
        for (s += 4; *s; s++)
                if (*s < '0' || *s > '9')
                        return false;
        return true;
}

HD_EXPORT int hd_dev_get_vfio_cdev(struct hd_dev *dev, char *buf, size_t size)
{
        struct hd__root *root;
        char rel[PATH_MAX];
        struct dirent *de;
        DIR *dir;
        int fd, r = -ENOENT;

        if (!dev || dev->type != HD_DEV_PCI || !dev->ctx || !buf || size == 0)
                return -EINVAL;
        root = hd__ctx_root(dev->ctx);
        if (!root || hd__root_sysfd(root) < 0)
                return -ENOENT;
        if (snprintf(rel, sizeof(rel), "%s/vfio-dev", dev->path) >= (int)sizeof(rel))
                return -ENAMETOOLONG;
        fd = hd__open_dir_at(hd__root_sysfd(root), rel);
        if (fd < 0)
                return fd == -ENOTDIR ? -ENOENT : fd;
        dir = fdopendir(fd);
        if (!dir) {
                r = -errno;
                close(fd);
                return r;
        }
        while ((de = readdir(dir))) {
                if (!cdev_name(de->d_name))
                        continue;
                r = snprintf(buf, size, "%s", de->d_name) >= (int)size ? -ENAMETOOLONG : 0;
                break;
        }
        closedir(dir);
        return r;
}

int hd__iommufd_usable(struct hd_ctx *ctx, struct hd_dev *dev, bool host_has_iommu,
                       const char **why)
{
        char cdev[32];
        int r;

        if (!dev || dev->type != HD_DEV_PCI) {
                *why = "only PCI functions are passed through iommufd";
                return 0;
        }
        if (!host_has_iommu) {
                *why = "the host has no /dev/iommu (Linux 6.6 or later with CONFIG_IOMMUFD, "
                       "module iommufd)";
                return 0;
        }
        if (!dev->driver || !streq(dev->driver, "vfio-pci")) {
                *why = "the host has /dev/iommu; whether vfio-pci gives the device a cdev shows "
                       "once it is bound";
                return 1;
        }
        r = hd_dev_get_vfio_cdev(dev, cdev, sizeof(cdev));
        if (r == -ENOENT) {
                *why = "bound to vfio-pci without a vfio-dev cdev (kernel without "
                       "CONFIG_VFIO_DEVICE_CDEV)";
                return 0;
        }
        if (r < 0)
                return hd__error(ctx, r, "%s: vfio-dev: %s", dev->name, strerror(-r));
        *why = "bound to vfio-pci with a vfio-dev cdev";
        return 1;
}

HD_EXPORT int hd_judge_iommufd(struct hd_ctx *ctx, struct hd_dev *dev, const char **why)
{
        int r;

        if (!dev || dev->type != HD_DEV_PCI)
                return hd__iommufd_usable(ctx, dev, false, why);
        r = hd_ctx_has_iommufd(ctx);
        return r < 0 ? r : hd__iommufd_usable(ctx, dev, r > 0, why);
}

static long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for SYSROOT/dev/vfio/devices/CDEV; returns 0 or -ETIMEDOUT. */
static int wait_path(int rootfd, const char *rel, long long end)
{
        for (;;) {
                if (hd__exists_at(rootfd, rel))
                        return 0;
                if (now_ms() >= end)
                        return -ETIMEDOUT;
                usleep(10000);
        }
}

HD_EXPORT int hd_iommufd_wait(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                              int timeout_ms)
{
        struct hd__root *root = hd__ctx_root(ctx);
        long long end = now_ms() + (timeout_ms > 0 ? timeout_ms : 10000);

        if (!root || (n && !devs))
                return hd__error(ctx, -EINVAL, "no sysroot or no devices");
        for (size_t i = 0; i < n; i++) {
                struct hd_dev *d = devs[i];
                char cdev[32], rel[64];
                int r;

                if (!d || d->type != HD_DEV_PCI || hd_dev_is_pci_bridge(d))
                        continue;
                /* the scan may predate the bind: sysfs is read now, not from the model */
                r = hd_dev_get_vfio_cdev(d, cdev, sizeof(cdev));
                for (; r == -ENOENT && now_ms() < end; r = hd_dev_get_vfio_cdev(d, cdev, sizeof(cdev)))
                        usleep(10000);
                if (r == -ENOENT)
                        return hd__error(ctx, -ENODEV, "%s: vfio-pci gives it no vfio-dev cdev "
                                         "(kernel without CONFIG_VFIO_DEVICE_CDEV, or not bound)",
                                         d->name);
                if (r < 0)
                        return hd__error(ctx, r, "%s: vfio-dev: %s", d->name, strerror(-r));
                snprintf(rel, sizeof(rel), "dev/vfio/devices/%s", cdev);
                if (wait_path(hd__root_fd(root), rel, end) < 0)
                        return hd__error(ctx, -ETIMEDOUT, "%s: /dev/vfio/devices/%s did not appear "
                                         "within %d ms", d->name, cdev, timeout_ms);
        }
        return 0;
}
