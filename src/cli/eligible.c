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

const char **out_eligibility_fill(struct cli *cli, const bool *show, size_t n)
{
        const char **fill = calloc(n + 1, sizeof(*fill));
        bool *ok = calloc(n + 1, sizeof(*ok));

        if (!fill || !ok) {
                free(fill);
                free(ok);
                cli_err("out of memory");
                return NULL;
        }
        memcpy(ok, show, n * sizeof(*ok));
        if (out_eligible_filter(cli, ok, n) < 0) {
                free(fill);
                free(ok);
                return NULL;
        }
        for (size_t i = 0; i < n; i++)
                if (show[i] && hd_dev_get_type(hd_ctx_get_device(cli->ctx, i)) != HD_DEV_SYSTEM)
                        fill[i] = ok[i] ? OUT_FILL_ELIGIBLE : OUT_FILL_REFUSED;
        free(ok);
        return fill;
}
