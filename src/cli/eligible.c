/* SPDX-License-Identifier: GPL-2.0-or-later */
/* list --eligible: keep the devices the judge lets through (one judging run). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

int out_eligible_filter(struct cli *cli, bool *show, size_t n)
{
        struct hd_dev **devs = calloc(n + 1, sizeof(*devs));
        struct hd_verdict **vs = calloc(n + 1, sizeof(*vs));
        size_t m = 0;
        int r;

        if (!devs || !vs) {
                free(devs);
                free(vs);
                cli_err("out of memory");
                return -1;
        }
        for (size_t i = 0; i < n; i++)
                if (show[i])
                        devs[m++] = hd_ctx_get_device(cli->ctx, i);
        r = hd_judge_many(cli->ctx, devs, m, 0, vs);
        if (r < 0) {
                cli_err("--eligible: %s", *hd_ctx_get_error(cli->ctx) ? hd_ctx_get_error(cli->ctx)
                                                                     : strerror(-r));
                free(devs);
                free(vs);
                return -1;
        }
        for (size_t k = 0; k < m; k++) {
                show[hd_dev_get_index(devs[k])] = hd_verdict_is_eligible(vs[k]);
                hd_verdict_free(vs[k]);
        }
        free(devs);
        free(vs);
        return 0;
}

/* A verdict whose errors only say "not this kind of device on its own" */
static bool not_passable(const struct hd_verdict *v)
{
        static const char *const codes[] = { "unsupported-type", "bridge", "root-hub", "hub", NULL };
        const char *code;
        enum hd_severity sev;

        for (size_t i = 0; hd_verdict_get_reason(v, i, &code, &sev, NULL) == 0; i++)
                for (size_t k = 0; sev == HD_SEVERITY_ERROR && codes[k]; k++)
                        if (strcmp(code, codes[k]) == 0)
                                return true;
        return false;
}

const char **out_eligibility_fill(struct cli *cli, const bool *show, size_t n)
{
        const char **fill = calloc(n + 1, sizeof(*fill));
        struct hd_dev **devs = calloc(n + 1, sizeof(*devs));
        struct hd_verdict **vs = calloc(n + 1, sizeof(*vs));
        size_t m = 0;
        int r = -ENOMEM;

        if (fill && devs && vs) {
                for (size_t i = 0; i < n; i++)
                        if (show[i] && hd_dev_get_type(hd_ctx_get_device(cli->ctx, i)) != HD_DEV_SYSTEM)
                                devs[m++] = hd_ctx_get_device(cli->ctx, i);
                r = hd_judge_many(cli->ctx, devs, m, 0, vs);
        }
        if (r < 0) {
                cli_err("--dot: %s", *hd_ctx_get_error(cli->ctx) ? hd_ctx_get_error(cli->ctx) : strerror(-r));
                free(fill);
                fill = NULL;
                m = 0;
        }
        for (size_t k = 0; k < m; k++) {
                fill[hd_dev_get_index(devs[k])] = hd_verdict_is_eligible(vs[k]) ? OUT_FILL_ELIGIBLE
                                                  : not_passable(vs[k]) ? OUT_FILL_PART
                                                                        : OUT_FILL_REFUSED;
                hd_verdict_free(vs[k]);
        }
        free(devs);
        free(vs);
        return fill;
}
