/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostdev qemu / xml: what starts the VM.  The library builds the arguments
 * and the XML; the options, their checks and the printing are shared with
 * hostdev prepare (emit-args.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "cli.h"
#include "emit-args.h"
#include "output.h"

/* 3 when the judge refuses a device (not eligible, or not passable at all) */
static int fail(struct cli *cli, int r, struct hd_dev **devs, size_t n)
{
        int code;

        cli_err("%s", cli_lib_msg(cli, r));
        code = cli_exit_for(cli, r, devs, n, false);
        free(devs);
        return code;
}

/* Resolve the device names after the options; EXIT_OK or an exit code. */
static int devices(struct cli *cli, int argc, char **argv, const char *verb, struct hd_dev ***ret)
{
        if (optind >= argc) {
                cli_err("%s: no device given; see hostdev %s --help", verb, verb);
                return EXIT_USAGE;
        }
        if (cli_scan(cli) < 0 || cli_resolve(cli, argc - optind, argv + optind, ret) < 0)
                return EXIT_ERROR;
        return EXIT_OK;
}

/* ---------------------------------------------------------------- qemu / xml */

static void usage(FILE *f, enum emit_kind kind)
{
        if (kind == EMIT_QEMU)
                fputs("Usage: hostdev qemu [OPTIONS] DEVICE...\n\n"
                      "Print QEMU arguments that pass DEVICEs through (PCI via vfio-pci, USB via\n"
                      "usb-host, SCSI via scsi-generic on the LUN's /dev/sgN), as one shell-quoted line.\n\n"
                      "Options:\n", f);
        else
                fputs("Usage: hostdev xml [OPTIONS] DEVICE...\n\n"
                      "Print libvirt <hostdev mode='subsystem' type='pci|usb|scsi'> elements for\n"
                      "DEVICEs (a SCSI device by its sg node), each after a comment naming it.\n\n"
                      "Options:\n", f);
        emit_args_help(f, kind);
        fputs("  -f, --force           emit even for devices the judge finds not eligible\n"
              "  -h, --help            this help\n\n"
              "Exit status: 0 ok, 1 error, 2 usage, 3 refused: a device is not eligible or\n"
              "cannot be passed through at all (bridge, hub, ...).\n", f);
}

/* hostdev qemu and hostdev xml (ARGV[0]) */
int cmd_emit(struct cli *cli, int argc, char **argv)
{
        static const struct option own[] = {
                { "json", no_argument, NULL, 'J' },
                { "force", no_argument, NULL, 'f' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        enum emit_kind kind = strcmp(argv[0], "qemu") == 0 ? EMIT_QEMU : EMIT_XML;
        struct option opts[64];
        struct emit_args a;
        struct hd_dev **devs = NULL;
        struct hd_argv *args = NULL;
        char *xml = NULL;
        int c, r;

        emit_opts_table(opts, sizeof(opts) / sizeof(opts[0]), own);
        emit_args_init(&a, kind);
        while ((c = getopt_long(argc, argv, kind == EMIT_QEMU ? "Jfh" : "fh", opts, NULL)) >= 0) {
                r = emit_args_take(&a, c, optarg);
                if (r < 0)
                        return EXIT_USAGE;
                if (r)
                        continue;
                switch (c) {
                case 'J':
                        if (kind != EMIT_QEMU) {
                                usage(stderr, kind);
                                return EXIT_USAGE;
                        }
                        a.json = true;
                        break;
                case 'f': a.q.force = a.x.force = true; break;
                case 'h': usage(stdout, kind); return EXIT_OK;
                default: usage(stderr, kind); return EXIT_USAGE;
                }
        }
        if (emit_args_finish(&a) < 0)
                return EXIT_USAGE;
        r = devices(cli, argc, argv, argv[0], &devs);
        if (r != EXIT_OK)
                return r;
        r = emit_args_run(cli, &a, devs, (size_t)(argc - optind), &args, &xml);
        if (r < 0)
                return fail(cli, r, devs, (size_t)(argc - optind));
        free(devs);
        r = emit_args_print(&a, args, xml);
        hd_argv_free(args);
        free(xml);
        return r;
}
