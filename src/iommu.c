/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IOMMU groups.  Membership comes from each function's iommu_group link
 * (tree.c gathers them); here, called by scan.c once the tree is built, we
 * learn whether the host has groups at all (kernel/iommu_groups), which also
 * covers recordings whose links dangle.
 */
#define _GNU_SOURCE
#include <dirent.h>

#include "hostdev-internal.h"

int hd__scan_iommu(struct hd_ctx *ctx, struct hd__scan *s)
{
        DIR *dir = hd__opendir_at(hd__root_sysfd(hd__ctx_root(ctx)), "kernel/iommu_groups");
        struct dirent *de;
        bool any = false;

        if (!dir)
                return 0;
        while ((de = readdir(dir)))
                if (de->d_name[0] != '.') {
                        any = true;
                        break;
                }
        closedir(dir);
        hd__scan_set_iommu(s, any);
        return 0;
}
