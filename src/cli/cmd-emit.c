/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stub: replaced by the real verb. */
#include "cli.h"
int cmd_qemu(struct cli *cli, int argc, char **argv)
{
        (void)cli; (void)argc; (void)argv;
        cli_err("qemu: not implemented yet");
        return EXIT_ERROR;
}
int cmd_xml(struct cli *cli, int argc, char **argv)
{
        (void)cli; (void)argc; (void)argv;
        cli_err("xml: not implemented yet");
        return EXIT_ERROR;
}
