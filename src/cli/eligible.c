/* SPDX-License-Identifier: GPL-2.0-or-later */
/* list --eligible: keep the devices the judge lets through. */
#include "output.h"

int out_eligible_filter(struct cli *cli, bool *show, size_t n);
int out_eligible_filter(struct cli *cli, bool *show, size_t n)
{
        (void)show; (void)n; (void)cli;
        cli_err("--eligible: the judge is not built yet");
        return -1;
}
