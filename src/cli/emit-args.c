/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The emitter options hostdev qemu, xml and prepare share (emit-args.h):
 * parsed once, checked against the chosen emitter, run and printed so that
 * no raw control character reaches the terminal: the shell line and the XML
 * are printable text by construction, and JSON gets DEL and C1 as \u escapes.
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

/* ---------------------------------------------------------------- shared options */

enum {
        O_GUEST_BUS = EMIT_OPT_FIRST, O_GUEST_SLOT, O_USB_BUS, O_SCSI_BUS, O_BY_ID, O_ROMBAR,
        O_ROMFILE, O_X_VGA, O_MANAGED, O_DOMAIN, O_WITH_GROUP, O_MACHINE, O_BOOT, O_READONLY,
        O_SHAREABLE, O_GUEST_RESET, O_ID, O_SYNTAX, O_IOMMUFD, O_INTERFACE, O_MAC, O_VLAN,
};

static const struct option emit_long_opts[] = {
        { "guest-bus", required_argument, NULL, O_GUEST_BUS },
        { "guest-slot", required_argument, NULL, O_GUEST_SLOT },
        { "usb-bus", required_argument, NULL, O_USB_BUS },
        { "scsi-bus", required_argument, NULL, O_SCSI_BUS },
        { "by-id", no_argument, NULL, O_BY_ID },
        { "rombar", required_argument, NULL, O_ROMBAR },
        { "romfile", required_argument, NULL, O_ROMFILE },
        { "x-vga", no_argument, NULL, O_X_VGA },
        { "managed", no_argument, NULL, O_MANAGED },
        { "domain", no_argument, NULL, O_DOMAIN },
        { "with-group", no_argument, NULL, O_WITH_GROUP },
        { "machine", required_argument, NULL, O_MACHINE },
        { "boot", required_argument, NULL, O_BOOT },
        { "readonly", no_argument, NULL, O_READONLY },
        { "shareable", no_argument, NULL, O_SHAREABLE },
        { "guest-reset", required_argument, NULL, O_GUEST_RESET },
        { "id", required_argument, NULL, O_ID },
        { "alias", required_argument, NULL, O_ID },
        { "syntax", required_argument, NULL, O_SYNTAX },
        { "iommufd", no_argument, NULL, O_IOMMUFD },
        { "interface", no_argument, NULL, O_INTERFACE },
        { "mac", required_argument, NULL, O_MAC },
        { "vlan", required_argument, NULL, O_VLAN },
        {}
};

static size_t emit_long_opts_n(void)
{
        return sizeof(emit_long_opts) / sizeof(emit_long_opts[0]) - 1;
}

size_t emit_opts_table(struct option *out, size_t size, const struct option *own)
{
        size_t n = 0;

        for (; own[n].name && n + 1 < size; n++)
                out[n] = own[n];
        for (size_t i = 0; i < emit_long_opts_n() && n + 1 < size; i++)
                out[n++] = emit_long_opts[i];
        out[n] = (struct option){ 0 };
        return n;
}

void emit_args_init(struct emit_args *a, enum emit_kind kind)
{
        memset(a, 0, sizeof(*a));
        a->kind = kind;
        hd_qemu_opts_init(&a->q);
        hd_xml_opts_init(&a->x);
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

/* decimal MIN-MAX, digits only */
static int parse_dec(const char *s, long min, long max, int *ret)
{
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < min || v > max || *s < '0' || *s > '9')
                return -1;
        *ret = (int)v;
        return 0;
}

static int parse_guest_reset(const char *s, int *ret)
{
        static const char *const names[] = { "off", "uninitialized", "on" };

        for (int i = 0; i < 3; i++)
                if (strcmp(s, names[i]) == 0) {
                        *ret = i;
                        return 0;
                }
        cli_err("--guest-reset: '%s': use off, uninitialized or on", s);
        return -1;
}

/* an option only one emitter knows */
static void only(struct emit_args *a, enum emit_kind kind, const char *name)
{
        a->given |= kind;
        if (kind == EMIT_QEMU)
                a->only_qemu = name;
        else
                a->only_xml = name;
}

int emit_args_take(struct emit_args *a, int c, const char *arg)
{
        switch (c) {
        case O_GUEST_BUS: a->guest_bus = arg; break;
        case O_GUEST_SLOT: return parse_slot(arg, &a->q.guest_slot) < 0 ? -1 : 1;
        case O_USB_BUS: a->q.usb_bus = arg; only(a, EMIT_QEMU, "--usb-bus"); break;
        case O_SCSI_BUS: a->q.scsi_bus = arg; only(a, EMIT_QEMU, "--scsi-bus"); break;
        case O_BY_ID: a->q.by_id = a->x.by_id = true; break;
        case O_ROMBAR: return parse_rombar(arg, &a->q.rombar) < 0 ? -1 : 1;
        case O_ROMFILE: a->q.romfile = a->x.romfile = arg; break;
        case O_X_VGA: a->q.x_vga = true; only(a, EMIT_QEMU, "--x-vga"); break;
        case O_MANAGED: a->x.managed = true; only(a, EMIT_XML, "--managed"); break;
        case O_DOMAIN: a->x.domain = true; only(a, EMIT_XML, "--domain"); break;
        case O_WITH_GROUP: a->q.with_group = a->x.with_group = true; break;
        case O_MACHINE:
                if (strcmp(arg, "q35") != 0 && strcmp(arg, "pc") != 0) {
                        cli_err("--machine: '%s': use q35 or pc", arg);
                        return -1;
                }
                a->q.machine = a->x.machine = arg;
                break;
        case O_BOOT:
                if (parse_dec(arg, 0, 65535, &a->q.boot) < 0) {
                        cli_err("--boot: '%s' is not a boot index (0-65535)", arg);
                        return -1;
                }
                break;
        case O_READONLY: a->q.readonly = a->x.readonly = true; break;
        case O_SHAREABLE: a->q.shareable = a->x.shareable = true; break;
        case O_GUEST_RESET: return parse_guest_reset(arg, &a->q.guest_reset) < 0 ? -1 : 1;
        case O_ID: a->q.id = a->x.alias = arg; break;
        case O_SYNTAX:
                if (strcmp(arg, "json") != 0 && strcmp(arg, "opts") != 0) {
                        cli_err("--syntax: '%s': use json or opts", arg);
                        return -1;
                }
                a->q.json = strcmp(arg, "json") == 0;
                only(a, EMIT_QEMU, "--syntax");
                break;
        case O_IOMMUFD: a->q.iommufd = a->x.iommufd = true; break;
        case O_INTERFACE: a->x.interface = true; only(a, EMIT_XML, "--interface"); break;
        case O_MAC: a->x.mac = arg; only(a, EMIT_XML, "--mac"); break;
        case O_VLAN:
                if (parse_dec(arg, 0, 4095, &a->x.vlan) < 0) {
                        cli_err("--vlan: '%s' is not a VLAN id (0-4095)", arg);
                        return -1;
                }
                only(a, EMIT_XML, "--vlan");
                break;
        default:
                return 0;
        }
        return 1;
}

int emit_args_take_name(struct emit_args *a, const char *name, const char *arg)
{
        for (size_t i = 0; i < emit_long_opts_n(); i++)
                if (strcmp(emit_long_opts[i].name, name) == 0)
                        return emit_args_take(a, emit_long_opts[i].val, arg) < 0 ? -1 : 0;
        return -1;
}

int emit_args_finish(struct emit_args *a)
{
        /* parsed once into the QEMU options: the XML takes the same values */
        a->x.guest_slot = a->q.guest_slot;
        a->x.rombar = a->q.rombar;
        a->x.boot = a->q.boot;
        a->x.guest_reset = a->q.guest_reset;
        if (a->kind == EMIT_XML && a->json) {
                cli_err("-J/--json is for the QEMU output (the XML is printed as XML)");
                return -1;
        }
        if (a->kind == EMIT_QEMU && (a->given & EMIT_XML)) {
                cli_err("%s is an option of the XML output (--xml / hostdev xml)", a->only_xml);
                return -1;
        }
        if (a->kind == EMIT_XML && (a->given & EMIT_QEMU)) {
                cli_err("%s is an option of the QEMU output (--qemu / hostdev qemu)", a->only_qemu);
                return -1;
        }
        if (!a->guest_bus)
                return 0;
        if (a->kind == EMIT_QEMU) {
                a->q.guest_bus = a->guest_bus;
        } else if (parse_dec(a->guest_bus, 0, 255, &a->x.guest_bus) < 0) {
                cli_err("--guest-bus: '%s' is not a controller index (0-255)", a->guest_bus);
                return -1;
        }
        return 0;
}

void emit_args_help(FILE *f, enum emit_kind kind)
{
        if (kind == EMIT_QEMU)
                fputs("  -J, --json            a JSON array of strings, one per argument\n"
                      "      --guest-bus BUS   place PCI devices on guest bus BUS (e.g. pcie.0), the\n"
                      "                        functions of one host slot together as one\n"
                      "                        multifunction device\n"
                      "      --guest-slot SLOT first guest slot (hex, as QEMU's addr=); default 10 on\n"
                      "                        pcie.0/pci.0, 0 on other buses; with --machine q35\n"
                      "                        the first pcie.0 slot of the root ports\n"
                      "      --usb-bus ID      attach USB devices to controller ID (no qemu-xhci added)\n"
                      "      --scsi-bus ID     attach sg devices to SCSI controller ID (no virtio-scsi-pci)\n"
                      "      --by-id           USB by vendorid/productid (survives re-plugging)\n"
                      "      --rombar on|off   expose the PCI option ROM BAR\n"
                      "      --romfile FILE    option ROM for the display controller (else the first\n"
                      "                        PCI device)\n"
                      "      --x-vga           x-vga=on for the VGA controller\n", f);
        else
                fputs("      --managed   PCI: managed='yes' (libvirt binds and restores the driver);\n"
                      "                  the default managed='no' leaves that to hostdev bind\n"
                      "      --domain    wrap the elements in a minimal <domain> (for virt-xml-validate)\n"
                      "      --by-id     USB: vendor and product only, no bus/device address\n"
                      "      --guest-bus N     PCI: a guest <address> on libvirt PCI controller N\n"
                      "                        (0 is the root bus); the functions of one device\n"
                      "                        share a slot, function 0 with multifunction='on'\n"
                      "      --guest-slot SLOT first guest slot (hex); default 10 on bus 0, else 0\n"
                      "      --rombar on|off   <rom bar=...> for every PCI function\n"
                      "      --romfile FILE    <rom file=...> for the display controller (else the\n"
                      "                        first PCI device)\n", f);
        fputs("      --with-group      also every other endpoint of each PCI device's IOMMU\n"
              "                        group (bridges excepted)\n"
              "      --machine q35|pc  q35: each PCIe device behind its own pcie-root-port,\n"
              "                        conventional PCI behind a pcie-pci-bridge (as libvirt\n"
              "                        places them); pc: on the root bus\n"
              "      --boot N          boot index N for the first DEVICE\n"
              "      --readonly        SCSI: read-only\n"
              "      --shareable       SCSI: other guests may use it too\n"
              "      --guest-reset off|uninitialized|on  USB: which guest resets reach\n"
              "                        the device (libvirt's guestReset)\n", f);
        if (kind == EMIT_QEMU)
                fputs("      --id ID           device ids ID, ID-2, ... instead of hostdev-NAME\n"
                      "      --syntax json|opts  -device/-blockdev/-object as JSON (as libvirt\n"
                      "                        passes them to current QEMU) or KEY=VALUE (default)\n"
                      "      --iommufd         -object iommufd and iommufd= on each vfio-pci\n"
                      "                        (QEMU 8.2 and later, Linux 6.6 and later)\n", f);
        else
                fputs("      --alias NAME      <alias name='ua-NAME'/> (then ua-NAME-2, ...)\n"
                      "      --iommufd         PCI: <driver iommufd='yes'/> (libvirt 12.2 and later)\n"
                      "      --interface       PCI (an SR-IOV VF): <interface type='hostdev'>\n"
                      "      --mac MAC         with --interface: the VF's MAC address\n"
                      "      --vlan ID         with --interface: the VF's VLAN tag (0-4095)\n", f);
}

int emit_args_run(struct cli *cli, const struct emit_args *a, struct hd_dev **devs, size_t n,
                  struct hd_argv **argv, char **xml)
{
        int r;

        if (a->kind == EMIT_XML)
                return hd_emit_libvirt_xml(cli->ctx, devs, n, &a->x, xml);
        *argv = hd_argv_new();
        if (!*argv)
                return -ENOMEM;
        r = hd_emit_qemu(cli->ctx, devs, n, &a->q, *argv);
        if (r < 0)
                *argv = hd_argv_free(*argv);
        return r;
}

int emit_args_print(const struct emit_args *a, const struct hd_argv *argv, const char *xml)
{
        char *line;

        if (a->kind == EMIT_XML) {
                /* escaped by the library: printable text, entities, no raw controls */
                fputs(xml, stdout);
                return EXIT_OK;
        }
        if (a->json)
                return print_json_argv(argv) < 0 ? EXIT_ERROR : EXIT_OK;
        line = hd_argv_to_shell(argv);
        if (!line) {
                cli_err("out of memory");
                return EXIT_ERROR;
        }
        puts(line);
        free(line);
        return EXIT_OK;
}
