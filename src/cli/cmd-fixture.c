/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stub: replaced by the real verb. */
#include "cli.h"
int cmd_fixture(struct cli *cli, int argc, char **argv)
{
        (void)cli; (void)argc; (void)argv;
        cli_err("fixture: not implemented yet");
        return EXIT_ERROR;
}
