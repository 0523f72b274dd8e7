/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stub: replaced by the real verb. */
#include "cli.h"
int cmd_check(struct cli *cli, int argc, char **argv)
{
        (void)cli; (void)argc; (void)argv;
        cli_err("check: not implemented yet");
        return EXIT_ERROR;
}
int cmd_groups(struct cli *cli, int argc, char **argv)
{
        (void)cli; (void)argc; (void)argv;
        cli_err("groups: not implemented yet");
        return EXIT_ERROR;
}
