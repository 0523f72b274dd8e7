/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stub: replaced by the real verb. */
#include "cli.h"
int cmd_bind(struct cli *cli, int argc, char **argv)
{
        (void)cli; (void)argc; (void)argv;
        cli_err("bind: not implemented yet");
        return EXIT_ERROR;
}
int cmd_unbind(struct cli *cli, int argc, char **argv)
{
        (void)cli; (void)argc; (void)argv;
        cli_err("unbind: not implemented yet");
        return EXIT_ERROR;
}
int cmd_restore(struct cli *cli, int argc, char **argv)
{
        (void)cli; (void)argc; (void)argv;
        cli_err("restore: not implemented yet");
        return EXIT_ERROR;
}
