/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostdev list / show: the device tree as a table, a text tree or JSON. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "cli.h"
#include "output.h"

/* ---------------------------------------------------------------- columns */

static char *col_prop(struct hd_dev *d, const char *key)
{
        struct hd_value v;
        char *s = NULL;

        if (hd_dev_get_property(d, key, &v) < 0 || v.kind == HD_VALUE_NULL)
                return strdup("");
        if (v.kind == HD_VALUE_STRING)
                return strdup(v.str);
        if (v.kind == HD_VALUE_BOOL)
                return strdup(v.num ? "yes" : "no");
        return asprintf(&s, "%lld", v.num) < 0 ? NULL : s;
}

static char *join2(const char *a, const char *sep, const char *b)
{
        char *s = NULL;
        if (!*a || !*b)
                return strdup(*a ? a : b);
        return asprintf(&s, "%s%s%s", a, sep, b) < 0 ? NULL : s;
}

static char *col_pair(struct hd_dev *d, const char *k1, const char *sep, const char *k2)
{
        char *a = col_prop(d, k1), *b = col_prop(d, k2), *r = NULL;
        if (a && b)
                r = join2(a, sep, b);
        free(a);
        free(b);
        return r;
}

static char *col_address(struct hd_dev *d)
{
        char *s = NULL;
        int h, c, t, l, bus, dev;

        switch (hd_dev_get_type(d)) {
        case HD_DEV_PCI:
                return strdup(hd_dev_get_pci_address(d));
        case HD_DEV_USB_DEVICE:
                if (hd_dev_get_usb_busdev(d, &bus, &dev) == 0)
                        return asprintf(&s, "%03d:%03d", bus, dev) < 0 ? NULL : s;
                return strdup(hd_dev_get_sysname(d));
        case HD_DEV_SCSI_TARGET:
                hd_dev_get_scsi_address(d, &h, &c, &t, &l);
                return asprintf(&s, "%d:%d:%d", h, c, t) < 0 ? NULL : s;
        case HD_DEV_SCSI:
                hd_dev_get_scsi_address(d, &h, &c, &t, &l);
                return asprintf(&s, "%d:%d:%d:%d", h, c, t, l) < 0 ? NULL : s;
        case HD_DEV_SYSTEM:
                return strdup("");
        default:
                return strdup(hd_dev_get_sysname(d));
        }
}

static char *col_id(struct hd_dev *d)
{
        switch (hd_dev_get_type(d)) {
        case HD_DEV_PCI:
                return col_pair(d, "vendor_id", ":", "device_id");
        case HD_DEV_USB_DEVICE:
                return col_pair(d, "vendor_id", ":", "product_id");
        default:
                return strdup("");
        }
}

/* lsblk-style size: 1.6T, 512M, 1K */
static char *col_size(struct hd_dev *d)
{
        static const char units[] = "BKMGTPE";
        struct hd_value v;
        double x;
        int u = 0;
        char *s = NULL;

        if (hd_dev_get_property(d, "size", &v) < 0 || v.kind != HD_VALUE_INT)
                return strdup("");
        x = (double)v.num;
        while (x >= 1024 && u < 6) {
                x /= 1024;
                u++;
        }
        if (u == 0 || x >= 10 || x == (long long)x)
                return asprintf(&s, "%.0f%c", x, units[u]) < 0 ? NULL : s;
        return asprintf(&s, "%.1f%c", x, units[u]) < 0 ? NULL : s;
}

static char *col_desc(struct hd_dev *d)
{
        char *s = NULL, *m, *p;

        switch (hd_dev_get_type(d)) {
        case HD_DEV_PCI:
                return col_pair(d, "vendor_name", " ", "device_name");
        case HD_DEV_USB_DEVICE:
                m = col_prop(d, "manufacturer");
                p = col_prop(d, "product");
                if (m && p && !*m && !*p) {
                        free(m);
                        free(p);
                        return col_pair(d, "vendor_name", " ", "product_name");
                }
                s = m && p ? join2(m, " ", p) : NULL;
                free(m);
                free(p);
                return s;
        case HD_DEV_USB_INTERFACE:
                return col_pair(d, "class", "/", "subclass");
        case HD_DEV_SCSI:
                return col_pair(d, "vendor", " ", "model");
        case HD_DEV_SCSI_HOST:
                return col_pair(d, "wwnn", " ", "wwpn");
        case HD_DEV_SCSI_GENERIC:
                return col_prop(d, "dev");
        case HD_DEV_NET:
                return col_pair(d, "address", " ", "operstate");
        case HD_DEV_BLOCK:
                return col_size(d);
        default:
                return strdup("");
        }
}

static char *c_name(struct hd_dev *d) { return strdup(hd_dev_get_name(d)); }
static char *c_type(struct hd_dev *d) { return col_prop(d, "type"); }
static char *c_parent(struct hd_dev *d) { return col_prop(d, "parent"); }
static char *c_path(struct hd_dev *d) { return col_prop(d, "sysfs_path"); }
static char *c_driver(struct hd_dev *d) { return col_prop(d, "driver"); }
static char *c_group(struct hd_dev *d) { return col_prop(d, "iommu_group"); }
static char *c_numa(struct hd_dev *d) { return col_prop(d, "numa_node"); }
static char *c_class(struct hd_dev *d) { return col_prop(d, "class"); }
static char *c_serial(struct hd_dev *d) { return col_prop(d, "serial"); }

static const struct column columns[] = {
        { "NAME", c_name, "node-device name" },
        { "TYPE", c_type, "device type" },
        { "ADDRESS", col_address, "PCI address, USB bus:device, SCSI H:C:T:L, node name" },
        { "ID", col_id, "vendor:device (PCI) or vendor:product (USB)" },
        { "DRIVER", c_driver, "bound driver" },
        { "GROUP", c_group, "IOMMU group" },
        { "NUMA", c_numa, "NUMA node" },
        { "CLASS", c_class, "PCI or USB class" },
        { "PARENT", c_parent, "parent device" },
        { "PATH", c_path, "sysfs path" },
        { "SERIAL", c_serial, "USB serial number" },
        { "DESCRIPTION", col_desc, "vendor and product names, SCSI model, MAC, size" },
        { NULL, NULL, NULL }
};

static const char default_columns[] = "NAME,TYPE,ADDRESS,ID,DRIVER,GROUP,DESCRIPTION";

/* ---------------------------------------------------------------- list */

static void list_usage(FILE *f)
{
        fprintf(f, "Usage: hostdev list [-J] [-t] [-o COLS] [--type TYPE] [--eligible]\n\n"
                   "  -J, --json          JSON: {\"devices\": [...]} flat, parents first\n"
                   "  -t, --tree          show the tree (nested \"children\" with -J)\n"
                   "  -o, --output COLS   table columns, comma separated (see --list-columns)\n"
                   "      --list-columns  list the available columns\n"
                   "      --type TYPE     only devices of TYPE (system, pci, usb_device,\n"
                   "                      usb_interface, scsi_host, scsi_target, scsi,\n"
                   "                      scsi_generic, net, block, mdev); with --tree, their ancestors too\n"
                   "  -e, --eligible      only devices that may be passed through (see check)\n"
                   "  -H, --noheadings    no table header\n");
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "json", no_argument, NULL, 'J' },
                { "tree", no_argument, NULL, 't' },
                { "output", required_argument, NULL, 'o' },
                { "list-columns", no_argument, NULL, 'L' },
                { "type", required_argument, NULL, 'T' },
                { "eligible", no_argument, NULL, 'e' },
                { "noheadings", no_argument, NULL, 'H' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct out_opts o = { .columns = columns, .colspec = default_columns, .type = -1 };
        int c;

        while ((c = getopt_long(argc, argv, "Jto:eHh", opts, NULL)) >= 0) {
                switch (c) {
                case 'J': o.json = true; break;
                case 't': o.tree = true; break;
                case 'o': o.colspec = optarg; break;
                case 'e': o.eligible = true; break;
                case 'H': o.noheadings = true; break;
                case 'L': out_list_columns(columns); return EXIT_OK;
                case 'T':
                        o.type = hd_dev_type_from_string(optarg);
                        if (o.type < 0) {
                                cli_err("--type: unknown type '%s'", optarg);
                                return EXIT_USAGE;
                        }
                        break;
                case 'h': list_usage(stdout); return EXIT_OK;
                default: list_usage(stderr); return EXIT_USAGE;
                }
        }
        if (optind < argc) {
                cli_err("list: unexpected argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        if (cli_scan(cli) < 0)
                return EXIT_ERROR;
        return out_devices(cli, &o) < 0 ? EXIT_ERROR : EXIT_OK;
}

/* ---------------------------------------------------------------- show */

static void show_text(struct cli *cli, struct hd_dev *d)
{
        const char *key;
        struct hd_value v;

        for (size_t i = 0; hd_dev_get_property_at(d, i, &key, &v) == 0; i++) {
                printf("%s: ", key);
                if (v.kind == HD_VALUE_STRING)
                        cli_put_text(stdout, v.str);
                else if (v.kind == HD_VALUE_INT)
                        printf("%lld", v.num);
                else if (v.kind == HD_VALUE_BOOL)
                        fputs(v.num ? "yes" : "no", stdout);
                else
                        fputs("-", stdout);
                putchar('\n');
        }
        cli_show_mdev_text(cli, d);
        printf("children:");
        for (struct hd_dev *ch = hd_dev_get_first_child(d); ch; ch = hd_dev_get_next_sibling(ch))
                printf(" %s", hd_dev_get_name(ch));
        putchar('\n');
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "json", no_argument, NULL, 'J' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct hd_dev **devs = NULL;
        bool json = false;
        int c, n;

        while ((c = getopt_long(argc, argv, "Jh", opts, NULL)) >= 0) {
                switch (c) {
                case 'J': json = true; break;
                case 'h': printf("Usage: hostdev show [-J] DEVICE...\n"); return EXIT_OK;
                default: fprintf(stderr, "Usage: hostdev show [-J] DEVICE...\n"); return EXIT_USAGE;
                }
        }
        n = argc - optind;
        if (n < 1) {
                cli_err("show: which device?");
                return EXIT_USAGE;
        }
        if (cli_scan(cli) < 0 || cli_resolve(cli, n, argv + optind, &devs) < 0)
                return EXIT_ERROR;
        if (json) {
                cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "devices");
                for (int i = 0; i < n; i++) {
                        cJSON *o = out_json_device(devs[i]);
                        cli_show_mdev_json(cli, devs[i], o);
                        cJSON_AddItemToArray(arr, o);
                }
                out_print_json(root);
        } else {
                for (int i = 0; i < n; i++) {
                        if (i)
                                putchar('\n');
                        show_text(cli, devs[i]);
                }
        }
        free(devs);
        return EXIT_OK;
}
