/* SPDX-License-Identifier: GPL-2.0-or-later */
/* list --eligible and the --dot colours: the judge's verdicts on the shown
 * devices, in one judging run each. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

/* The shown devices judged in one run, by index order */
struct judged {
        struct hd_dev **devs;
        struct hd_verdict **vs;
        size_t n;
};

/* Judge the devices SHOW (by index, N) selects, the system node too unless
 * NO_SYSTEM.  Returns: 0, or -1 after a message naming WHAT. */
static int judge_shown(struct cli *cli, const bool *show, size_t n, bool no_system, const char *what,
                       struct judged *j)
{
        int r;

        j->n = 0;
        j->devs = cli_calloc(n, sizeof(*j->devs));
        j->vs = j->devs ? cli_calloc(n, sizeof(*j->vs)) : NULL;
        if (!j->vs) {
                free(j->devs);
                return -1;
        }
        for (size_t i = 0; i < n; i++) {
                struct hd_dev *d = hd_ctx_get_device(cli->ctx, i);
                if (show[i] && !(no_system && hd_dev_get_type(d) == HD_DEV_SYSTEM))
                        j->devs[j->n++] = d;
        }
        r = hd_judge_many(cli->ctx, j->devs, j->n, 0, j->vs);
        if (r < 0) {
                cli_err("%s: %s", what, cli_lib_msg(cli, r));
                free(j->devs);
                free(j->vs);
                return -1;
        }
        return 0;
}

static void judged_free(struct judged *j)
{
        for (size_t k = 0; k < j->n; k++)
                hd_verdict_free(j->vs[k]);
        free(j->devs);
        free(j->vs);
}

int out_eligible_filter(struct cli *cli, bool *show, size_t n)
{
        struct judged j;

        if (judge_shown(cli, show, n, false, "--eligible", &j) < 0)
                return -1;
        for (size_t k = 0; k < j.n; k++)
                show[hd_dev_get_index(j.devs[k])] = hd_verdict_is_eligible(j.vs[k]);
        judged_free(&j);
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
        const char **fill = cli_calloc(n, sizeof(*fill));
        struct judged j;

        if (!fill)
                return NULL;
        if (judge_shown(cli, show, n, true, "--dot", &j) < 0) {
                free(fill);
                return NULL;
        }
        for (size_t k = 0; k < j.n; k++)
                fill[hd_dev_get_index(j.devs[k])] = hd_verdict_is_eligible(j.vs[k]) ? OUT_FILL_ELIGIBLE
                                                    : not_passable(j.vs[k]) ? OUT_FILL_PART
                                                                            : OUT_FILL_REFUSED;
        judged_free(&j);
        return fill;
}
