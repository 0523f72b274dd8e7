/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IOMMU groups.  Membership comes from each function's iommu_group link
 * (tree.c gathers them); here we learn whether the host has groups at all
 * (kernel/iommu_groups), which also covers recordings whose links dangle.
 */
#define _GNU_SOURCE
#include <dirent.h>

#include "hostdev-internal.h"

int hd__scan_iommu(struct hd_ctx *ctx, struct hd_scan *s)
{
        int fd = hd__open_dir_at(hd__root_sysfd(hd__ctx_root(ctx)), "kernel/iommu_groups");
        struct dirent *de;
        bool any = false;
        DIR *dir;

        if (fd < 0)
                return 0;
        dir = fdopendir(fd);
        if (!dir) {
                close(fd);
                return 0;
        }
        while ((de = readdir(dir)))
                if (de->d_name[0] != '.') {
                        any = true;
                        break;
                }
        closedir(dir);
        hd__scan_set_iommu(s, any);
        return 0;
}
