/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostdev fixture load FILE DIR: an umockdev-record file becomes a sysroot. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void fixture_usage(FILE *f)
{
        fputs("Usage: hostdev fixture load FILE DIR\n"
              "\n"
              "Turn an umockdev-record text file (record a host with\n"
              "`umockdev-record --all > host.umockdev`) into a sysfs tree under DIR\n"
              "(DIR/sys, DIR/dev) for `hostdev --sysroot DIR`,\n"
              "`lspci -O sysfs.path=DIR/sys/bus/pci` and `lsscsi -y DIR/sys`.\n"
              "DIR is created if absent and must be empty.\n"
              "FILE may be - for standard input.\n"
              "\n"
              "Options:\n"
              "  -h, --help    show this help\n", f);
}

int cmd_fixture(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        int c, r;

        while ((c = getopt_long(argc, argv, "+h", opts, NULL)) >= 0) {
                switch (c) {
                case 'h': fixture_usage(stdout); return EXIT_OK;
                default: fixture_usage(stderr); return EXIT_USAGE;
                }
        }
        if (optind >= argc || strcmp(argv[optind], "load") != 0) {
                if (optind < argc)
                        cli_err("fixture: unknown command '%s'", argv[optind]);
                fixture_usage(stderr);
                return EXIT_USAGE;
        }
        if (argc - optind != 3) {
                cli_err("fixture load: expected FILE and DIR");
                return EXIT_USAGE;
        }
        r = hd_fixture_load(cli->ctx, argv[optind + 1], argv[optind + 2]);
        if (r < 0) {
                cli_err("fixture load: %s", hd_ctx_get_error(cli->ctx));
                return EXIT_ERROR;
        }
        printf("loaded %d devices into %s\n", r, argv[optind + 2]);
        return EXIT_OK;
}
