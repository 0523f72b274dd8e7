/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostdev: the command.  Parses global options and the verb, sets up the
 * library context, and leaves everything else to the verb files and the
 * library.  The only code that prints or exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cli.h"

static const struct verb {
        const char *name;
        cli_verb_fn fn;
        const char *help;
} verbs[] = {
        { "list",    cmd_list,    "list devices as a table, tree or JSON" },
        { "show",    cmd_show,    "show every property of devices" },
        { "check",   cmd_check,   "judge devices for passthrough (eligible, affected, reasons)" },
        { "groups",  cmd_groups,  "list IOMMU groups with their devices and viability" },
        { "qemu",    cmd_emit,    "print QEMU arguments that pass devices through" },
        { "xml",     cmd_emit,    "print libvirt <hostdev> XML for devices" },
        { "bind",    cmd_bind,    "bind the IOMMU groups of devices to vfio-pci" },
        { "unbind",  cmd_bind,    "give devices back to their original drivers" },
        { "restore", cmd_restore, "restore every device hostdev changed" },
        { "persist", cmd_persist, "add devices to hostdev.conf(5) (vfio-pci at every boot)" },
        { "forget",  cmd_forget,  "remove devices from hostdev.conf(5) and give them back" },
        { "apply",   cmd_apply,   "make the host match hostdev.conf(5) (--check: dry run)" },
        { "status",  cmd_status,  "devices hostdev is configured for or holds" },
        { "softdep", cmd_softdep, "modprobe softdep lines: host drivers wait for vfio-pci" },
        { "mdev",    cmd_mdev,    "create or remove mediated devices (vGPUs)" },
        { "sriov",   cmd_sriov,   "set the VF count of an SR-IOV physical function" },
        { "metrics", cmd_metrics, "Prometheus textfile metrics: devices, groups, last apply" },
        { "fixture", cmd_fixture, "load an umockdev-record file into a sysroot" },
        { "prepare", cmd_prepare, "judge, bind the groups and print the VM's arguments" },
        { "release", cmd_release, "give the groups of a stopped VM back" },
};

static void log_stderr(void *data, int prio, const char *file, int line, const char *fn,
                       const char *format, va_list args) __attribute__((format(printf, 6, 0)));
static void log_stderr(void *data, int prio, const char *file, int line, const char *fn,
                       const char *format, va_list args)
{
        char msg[1024];
        (void)data;
        vsnprintf(msg, sizeof(msg), format, args);
        if (prio >= LOG_DEBUG)
                cli_err("debug: %s:%d %s: %s", file, line, fn, msg);
        else
                cli_err("%s%s", prio <= LOG_ERR ? "" : prio >= LOG_INFO ? "" : "warning: ", msg);
}

static void usage(FILE *f)
{
        fprintf(f, "Usage: hostdev [--sysroot DIR] [--numeric] [-q] [-v] VERB [OPTIONS] [DEVICE...]\n\n"
                   "Prepare Linux host devices for passthrough to virtual machines.\n\nVerbs:\n");
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].help);
        fprintf(f, "\nGlobal options:\n"
                   "  --sysroot DIR   read and write the host below DIR (DIR/sys, dev, proc, run);\n"
                   "                  also $HOSTDEV_SYSROOT\n"
                   "  --numeric       no vendor, product or class name lookups;\n"
                   "                  $HOSTDEV_PCI_IDS=FILE takes PCI names from FILE alone,\n"
                   "                  $HOSTDEV_USB_HWDB=0 turns USB hwdb names off\n"
                   "  -q, --quiet     no message on success (bind, unbind, restore)\n"
                   "  -v, --verbose   more messages on stderr (repeat for debug)\n"
                   "  -h, --help      this help; 'hostdev VERB --help' for a verb\n"
                   "  -V, --version   print the version\n\n"
                   "Verbs that print tables share lsblk's options: -J/--json, -o/--output,\n"
                   "-O/--output-all, -n/--noheadings, -r/--raw, -P/--pairs, -i/--ascii,\n"
                   "-T/--tree; selection -d [VENDOR]:[DEVICE][:CLASS] and --class NAME.\n\n"
                   "DEVICE is a node-device name (pci_0000_01_00_0, usb_1_5_4, scsi_generic_sg2),\n"
                   "a PCI address (0000:01:00.0 or 01:00.0), a USB sysname (1-5.4) or BBB:DDD,\n"
                   "/dev/bus/usb/BBB/DDD, /dev/sgN or sgN, /dev/sdX or sdX, /dev/nvmeN, nvmeNnM,\n"
                   "a network interface (enp2s0), SCSI H:C:T:L, or /dev/vfio/N (IOMMU group N).\n\n"
                   "Exit status, the same for every verb:\n"
                   "  0  success\n"
                   "  1  error (the message says what; a failed change was rolled back)\n"
                   "  2  usage: unknown verb, option, column or value\n"
                   "  3  refused: the judge finds a device not eligible (check, qemu, xml,\n"
                   "     bind), it cannot go where asked, or a VM holds its group (unbind)\n"
                   "  4  apply --check: changes are pending\n"
                   "See hostdev(8).\n");
}

/* Take --sysroot wherever it stands, so `hostdev list --sysroot DIR` works too. */
static int take_sysroot(int *argc, char **argv, const char **sysroot)
{
        int o = 1;
        for (int i = 1; i < *argc; i++) {
                if (strcmp(argv[i], "--") == 0) {
                        while (i < *argc)
                                argv[o++] = argv[i++];
                        break;
                }
                if (strcmp(argv[i], "--sysroot") == 0) {
                        if (i + 1 >= *argc) {
                                cli_err("--sysroot needs a directory");
                                return -1;
                        }
                        *sysroot = argv[++i];
                        continue;
                }
                if (strncmp(argv[i], "--sysroot=", 10) == 0) {
                        *sysroot = argv[i] + 10;
                        continue;
                }
                argv[o++] = argv[i];
        }
        *argc = o;
        argv[o] = NULL;
        return 0;
}

/* Pinned name data from the environment (the test suite sets both) */
static int take_name_data(struct hd_ctx *ctx)
{
        const char *pci = getenv("HOSTDEV_PCI_IDS"), *usb = getenv("HOSTDEV_USB_HWDB");

        if (usb && strcmp(usb, "0") == 0 && hd_ctx_set_usb_hwdb(ctx, false) < 0) {
                cli_err("%s", hd_ctx_get_error(ctx));
                return -1;
        }
        if (pci && *pci && hd_ctx_set_pci_ids(ctx, pci) < 0) {
                cli_err("HOSTDEV_PCI_IDS: %s", hd_ctx_get_error(ctx));
                return -1;
        }
        return 0;
}

/* The global options before the verb.  Returns: -1 to go on, or an exit code. */
static int take_globals(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "numeric", no_argument, NULL, OPT_NUMERIC },
                { "quiet", no_argument, NULL, 'q' },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {}
        };
        int c;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "+qvhV", opts, NULL)) >= 0) {
                switch (c) {
                case OPT_NUMERIC: cli->numeric = true; break;
                case 'q': cli->quiet = true; break;
                case 'v': cli->verbose++; break;
                case 'h': usage(stdout); return EXIT_OK;
                case 'V': printf("hostdev %s\n", HD_VERSION); return EXIT_OK;
                default:
                        if (optopt == 'n')
                                cli_err("-n is now a verb's --noheadings; no name lookups is --numeric");
                        else if (optopt)
                                cli_err("unknown option '-%c'; see hostdev --help", optopt);
                        else
                                cli_err("unknown option '%s'; see hostdev --help", argv[optind - 1]);
                        return EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                usage(stderr);
                return EXIT_USAGE;
        }
        return -1;
}

/* The context for VERB: logging, name data, the sysroot (fixture load takes
 * its own directory).  Returns: 0, or -1 after a message. */
static int ctx_setup(struct cli *cli, const char *verb)
{
        if (hd_ctx_new(&cli->ctx) < 0) {
                cli_err("out of memory");
                return -1;
        }
        hd_ctx_set_log_fn(cli->ctx, log_stderr, NULL);
        hd_ctx_set_log_priority(cli->ctx, cli->verbose >= 2 ? LOG_DEBUG
                                          : cli->verbose ? LOG_INFO : LOG_WARNING);
        hd_ctx_set_names(cli->ctx, !cli->numeric);
        if (take_name_data(cli->ctx) < 0)
                return -1;
        if (strcmp(verb, "fixture") != 0 &&
            hd_ctx_set_sysroot(cli->ctx, cli->sysroot ? cli->sysroot : "/") < 0) {
                cli_err("%s", hd_ctx_get_error(cli->ctx));
                return -1;
        }
        return 0;
}

static const struct verb *find_verb(const char *name)
{
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                if (strcmp(verbs[i].name, name) == 0)
                        return &verbs[i];
        return NULL;
}

int main(int argc, char **argv)
{
        struct cli cli = { 0 };
        const struct verb *verb;
        int r;

        setlocale(LC_CTYPE, "");        /* only to know whether the terminal takes UTF-8 */
        cli.sysroot = getenv("HOSTDEV_SYSROOT");
        if (cli.sysroot && !*cli.sysroot)
                cli.sysroot = NULL;
        if (take_sysroot(&argc, argv, &cli.sysroot) < 0)
                return EXIT_USAGE;
        r = take_globals(&cli, argc, argv);
        if (r >= 0)
                return r;
        verb = find_verb(argv[optind]);
        if (!verb) {
                cli_err("unknown verb '%s'; see hostdev --help", argv[optind]);
                return EXIT_USAGE;
        }
        if (ctx_setup(&cli, verb->name) < 0) {
                hd_ctx_unref(cli.ctx);
                return EXIT_ERROR;
        }
        /* the verb sees argv[0] = verb and parses the rest itself */
        argc -= optind;
        argv += optind;
        optind = 0;
        r = verb->fn(&cli, argc, argv);
        hd_ctx_unref(cli.ctx);
        if (fflush(stdout) != 0 || ferror(stdout)) {
                cli_err("write error: %s", strerror(errno));
                return EXIT_ERROR;
        }
        return r;
}
