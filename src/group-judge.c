/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The judge's word on a whole IOMMU group, the unit vfio-pci passes through:
 * its endpoints are judged in one run; bridges stay on the host and are not
 * judged; the group is viable when it has an endpoint and every endpoint is
 * eligible.  (hostdev groups prints this; the policy is here, not there.)
 */
#include <stdlib.h>

#include "hostdev-internal.h"

/* The endpoints (every function but PCI bridges) of DEVS (N) into EPS */
static size_t group_endpoints(struct hd_dev *const *devs, size_t n, struct hd_dev **eps)
{
        size_t ne = 0;

        for (size_t i = 0; i < n; i++)
                if (!hd_dev_is_pci_bridge(devs[i]))
                        eps[ne++] = devs[i];
        return ne;
}

HD_EXPORT int hd_judge_group(struct hd_ctx *ctx, int group, unsigned flags, struct hd_verdict **vs,
                             size_t n)
{
        _cleanup_free_ struct hd_dev **eps = NULL;
        _cleanup_free_ struct hd_verdict **evs = NULL;
        struct hd_dev *const *devs;
        size_t nd = 0, ne, k = 0;
        bool viable;
        int r;

        if (!ctx || !vs)
                return -EINVAL;
        devs = hd_ctx_get_iommu_group_devices(ctx, group, &nd);
        if (!devs)
                return hd__error(ctx, -ENOENT, "no IOMMU group %d", group);
        if (n != nd)
                return hd__error(ctx, -EINVAL, "IOMMU group %d has %zu devices, not %zu", group, nd, n);
        eps = calloc(nd + 1, sizeof(*eps));
        evs = calloc(nd + 1, sizeof(*evs));
        if (!eps || !evs)
                return hd__error(ctx, -ENOMEM, "out of memory");
        ne = group_endpoints(devs, nd, eps);
        r = hd_judge_many(ctx, eps, ne, flags, evs);
        if (r < 0)
                return r;
        viable = ne > 0;
        for (size_t i = 0; i < nd; i++) {
                vs[i] = hd_dev_is_pci_bridge(devs[i]) ? NULL : evs[k++];
                viable = viable && (!vs[i] || hd_verdict_is_eligible(vs[i]));
        }
        return viable ? 1 : 0;
}
