/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STUB: the judge is being written; this keeps the build linking meanwhile. */
#include "hostdev-internal.h"

struct hd_verdict { int dummy; };

HD_EXPORT int hd_judge(struct hd_ctx *ctx, struct hd_dev *dev, unsigned flags, struct hd_verdict **ret)
{
        (void)ctx; (void)dev; (void)flags;
        *ret = calloc(1, sizeof(**ret));
        return *ret ? 0 : -ENOMEM;
}
HD_EXPORT struct hd_verdict *hd_verdict_free(struct hd_verdict *v) { free(v); return NULL; }
HD_EXPORT bool hd_verdict_is_eligible(const struct hd_verdict *v) { (void)v; return true; }
HD_EXPORT size_t hd_verdict_get_n_affected(const struct hd_verdict *v) { (void)v; return 0; }
HD_EXPORT struct hd_dev *hd_verdict_get_affected(const struct hd_verdict *v, size_t i) { (void)v; (void)i; return NULL; }
HD_EXPORT size_t hd_verdict_get_n_reasons(const struct hd_verdict *v) { (void)v; return 0; }
HD_EXPORT int hd_verdict_get_reason(const struct hd_verdict *v, size_t i, const char **code,
                                    enum hd_severity *severity, const char **message)
{
        (void)v; (void)i; (void)code; (void)severity; (void)message;
        return -ENOENT;
}
HD_EXPORT const char *hd_severity_to_string(enum hd_severity s)
{
        return s == HD_SEVERITY_ERROR ? "error" : s == HD_SEVERITY_WARNING ? "warning" : "info";
}
