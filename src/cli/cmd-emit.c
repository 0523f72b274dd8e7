/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostdev qemu / xml: what starts the VM.  The library builds the arguments
 * and the XML; this file parses options and prints them so that no raw
 * control character reaches the terminal: the shell line and the XML are
 * printable text by construction, and JSON gets DEL and C1 as \u escapes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "cli.h"
#include "output.h"

static int fail(struct cli *cli, int r)
{
        const char *msg = hd_ctx_get_error(cli->ctx);

        cli_err("%s", *msg ? msg : strerror(-r));
        return r == -EPERM ? EXIT_UNSAFE : EXIT_ERROR;
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

static int print_json_argv(const struct hd_argv *a)
{
        cJSON *arr = cJSON_CreateArray();

        for (size_t i = 0; arr && i < hd_argv_get_n(a); i++) {
                char *safe = hd_escape(hd_argv_get(a, i), HD_ESCAPE_UTF8);
                cJSON *str = safe ? cJSON_CreateString(safe) : NULL;
                free(safe);
                if (!str) {
                        cJSON_Delete(arr);
                        arr = NULL;
                        break;
                }
                cJSON_AddItemToArray(arr, str);
        }
        return out_print_json_fmt(arr, false);
}

/* ---------------------------------------------------------------- qemu */

static void qemu_usage(FILE *f)
{
        fputs("Usage: hostdev qemu [OPTIONS] DEVICE...\n\n"
              "Print QEMU arguments that pass DEVICEs through (PCI via vfio-pci, USB via\n"
              "usb-host, SCSI via scsi-generic on the LUN's /dev/sgN), as one shell-quoted line.\n\n"
              "Options:\n"
              "  -J, --json            a JSON array of strings, one per argument\n"
              "      --guest-bus BUS   place PCI devices on guest bus BUS (e.g. pcie.0), the\n"
              "                        functions of one host slot together as one\n"
              "                        multifunction device\n"
              "      --guest-slot SLOT first guest slot (hex, as QEMU's addr=); default 10 on\n"
              "                        pcie.0/pci.0, 0 on other buses\n"
              "      --usb-bus ID      attach USB devices to controller ID (no qemu-xhci added)\n"
              "      --scsi-bus ID     attach sg devices to SCSI controller ID (no virtio-scsi-pci)\n"
              "      --by-id           USB by vendorid/productid (survives re-plugging)\n"
              "      --rombar on|off   expose the PCI option ROM BAR\n"
              "      --romfile FILE    option ROM for the display controller (else the first\n"
              "                        PCI device)\n"
              "      --x-vga           x-vga=on for the VGA controller\n"
              "  -f, --force           emit even for devices the judge finds not eligible\n"
              "  -h, --help            this help\n\n"
              "Exit status: 0 ok, 1 error, 2 usage, 3 a device is not eligible.\n", f);
}

/* --guest-slot: hex 0-1f; a usage error is reported here */
static int parse_slot(const char *s, int *ret)
{
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 16);
        if (errno || end == s || *end || v < 0 || v > 0x1f) {
                cli_err("--guest-slot: '%s' is not a slot (hex 0-1f)", s);
                return -1;
        }
        *ret = (int)v;
        return 0;
}

/* --rombar: "on"/"1" or "off"/"0"; a usage error is reported here */
static int parse_rombar(const char *s, int *ret)
{
        if (strcmp(s, "on") == 0 || strcmp(s, "1") == 0)
                *ret = 1;
        else if (strcmp(s, "off") == 0 || strcmp(s, "0") == 0)
                *ret = 0;
        else {
                cli_err("--rombar: '%s': use on or off", s);
                return -1;
        }
        return 0;
}

/* a libvirt PCI controller index, decimal 0-255 */
static int parse_bus_index(const char *s, int *ret)
{
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < 0 || v > 255 || *s < '0' || *s > '9')
                return -1;
        *ret = (int)v;
        return 0;
}

int cmd_qemu(struct cli *cli, int argc, char **argv)
{
        enum { O_GUEST_BUS = 256, O_GUEST_SLOT, O_USB_BUS, O_SCSI_BUS, O_BY_ID, O_ROMBAR,
               O_ROMFILE, O_X_VGA };
        static const struct option opts[] = {
                { "json", no_argument, NULL, 'J' },
                { "guest-bus", required_argument, NULL, O_GUEST_BUS },
                { "guest-slot", required_argument, NULL, O_GUEST_SLOT },
                { "usb-bus", required_argument, NULL, O_USB_BUS },
                { "scsi-bus", required_argument, NULL, O_SCSI_BUS },
                { "by-id", no_argument, NULL, O_BY_ID },
                { "rombar", required_argument, NULL, O_ROMBAR },
                { "romfile", required_argument, NULL, O_ROMFILE },
                { "x-vga", no_argument, NULL, O_X_VGA },
                { "force", no_argument, NULL, 'f' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct hd_qemu_opts o;
        struct hd_dev **devs = NULL;
        struct hd_argv *a = NULL;
        bool json = false;
        int c, r;

        hd_qemu_opts_init(&o);
        while ((c = getopt_long(argc, argv, "Jfh", opts, NULL)) >= 0) {
                switch (c) {
                case 'J': json = true; break;
                case O_GUEST_BUS: o.guest_bus = optarg; break;
                case O_GUEST_SLOT:
                        if (parse_slot(optarg, &o.guest_slot) < 0)
                                return EXIT_USAGE;
                        break;
                case O_USB_BUS: o.usb_bus = optarg; break;
                case O_SCSI_BUS: o.scsi_bus = optarg; break;
                case O_BY_ID: o.by_id = true; break;
                case O_ROMBAR:
                        if (parse_rombar(optarg, &o.rombar) < 0)
                                return EXIT_USAGE;
                        break;
                case O_ROMFILE: o.romfile = optarg; break;
                case O_X_VGA: o.x_vga = true; break;
                case 'f': o.force = true; break;
                case 'h': qemu_usage(stdout); return EXIT_OK;
                default: qemu_usage(stderr); return EXIT_USAGE;
                }
        }
        r = devices(cli, argc, argv, "qemu", &devs);
        if (r != EXIT_OK)
                return r;
        a = hd_argv_new();
        if (!a) {
                free(devs);
                cli_err("out of memory");
                return EXIT_ERROR;
        }
        r = hd_emit_qemu(cli->ctx, devs, (size_t)(argc - optind), &o, a);
        free(devs);
        if (r < 0) {
                hd_argv_free(a);
                return fail(cli, r);
        }
        if (json) {
                r = print_json_argv(a) < 0 ? EXIT_ERROR : EXIT_OK;
        } else {
                char *line = hd_argv_to_shell(a);
                if (line) {
                        puts(line);
                        free(line);
                        r = EXIT_OK;
                } else {
                        cli_err("out of memory");
                        r = EXIT_ERROR;
                }
        }
        hd_argv_free(a);
        return r;
}

/* ---------------------------------------------------------------- xml */

static void xml_usage(FILE *f)
{
        fputs("Usage: hostdev xml [OPTIONS] DEVICE...\n\n"
              "Print libvirt <hostdev mode='subsystem' type='pci|usb|scsi'> elements for\n"
              "DEVICEs (a SCSI device by its sg node), each after a comment naming it.\n\n"
              "Options:\n"
              "      --managed   PCI: managed='yes' (libvirt binds and restores the driver);\n"
              "                  the default managed='no' leaves that to hostdev bind\n"
              "      --domain    wrap the elements in a minimal <domain> (for virt-xml-validate)\n"
              "      --by-id     USB: vendor and product only, no bus/device address\n"
              "      --guest-bus N     PCI: a guest <address> on libvirt PCI controller N\n"
              "                        (0 is the root bus); the functions of one device\n"
              "                        share a slot, function 0 with multifunction='on'\n"
              "      --guest-slot SLOT first guest slot (hex); default 10 on bus 0, else 0\n"
              "      --rombar on|off   <rom bar=...> for every PCI function\n"
              "      --romfile FILE    <rom file=...> for the display controller (else the\n"
              "                        first PCI device)\n"
              "  -f, --force     emit even for devices the judge finds not eligible\n"
              "  -h, --help      this help\n\n"
              "Exit status: 0 ok, 1 error, 2 usage, 3 a device is not eligible.\n", f);
}

int cmd_xml(struct cli *cli, int argc, char **argv)
{
        enum { O_MANAGED = 256, O_DOMAIN, O_BY_ID, O_GUEST_BUS, O_GUEST_SLOT, O_ROMBAR, O_ROMFILE };
        static const struct option opts[] = {
                { "managed", no_argument, NULL, O_MANAGED },
                { "domain", no_argument, NULL, O_DOMAIN },
                { "by-id", no_argument, NULL, O_BY_ID },
                { "guest-bus", required_argument, NULL, O_GUEST_BUS },
                { "guest-slot", required_argument, NULL, O_GUEST_SLOT },
                { "rombar", required_argument, NULL, O_ROMBAR },
                { "romfile", required_argument, NULL, O_ROMFILE },
                { "force", no_argument, NULL, 'f' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct hd_xml_opts o;
        struct hd_dev **devs = NULL;
        char *xml = NULL;
        int c, r;

        hd_xml_opts_init(&o);
        while ((c = getopt_long(argc, argv, "fh", opts, NULL)) >= 0) {
                switch (c) {
                case O_MANAGED: o.managed = true; break;
                case O_DOMAIN: o.domain = true; break;
                case O_BY_ID: o.by_id = true; break;
                case O_GUEST_BUS:
                        if (parse_bus_index(optarg, &o.guest_bus) < 0) {
                                cli_err("--guest-bus: '%s' is not a controller index (0-255)", optarg);
                                return EXIT_USAGE;
                        }
                        break;
                case O_GUEST_SLOT:
                        if (parse_slot(optarg, &o.guest_slot) < 0)
                                return EXIT_USAGE;
                        break;
                case O_ROMBAR:
                        if (parse_rombar(optarg, &o.rombar) < 0)
                                return EXIT_USAGE;
                        break;
                case O_ROMFILE: o.romfile = optarg; break;
                case 'f': o.force = true; break;
                case 'h': xml_usage(stdout); return EXIT_OK;
                default: xml_usage(stderr); return EXIT_USAGE;
                }
        }
        r = devices(cli, argc, argv, "xml", &devs);
        if (r != EXIT_OK)
                return r;
        r = hd_emit_libvirt_xml(cli->ctx, devs, (size_t)(argc - optind), &o, &xml);
        free(devs);
        if (r < 0)
                return fail(cli, r);
        /* escaped by the library: printable text, entities, no raw controls */
        fputs(xml, stdout);
        free(xml);
        return EXIT_OK;
}
