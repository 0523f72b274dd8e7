/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostdev list / show: the device tree as a table, a text tree or JSON. */
#define _GNU_SOURCE
#include <errno.h>
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

static char *col_address(struct hd_dev *d, const void *data)
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

static char *col_id(struct hd_dev *d, const void *data)
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

static char *col_desc(struct hd_dev *d, const void *data)
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

static char *c_name(struct hd_dev *d, const void *data) { return strdup(hd_dev_get_name(d)); }
static char *c_type(struct hd_dev *d, const void *data) { return col_prop(d, "type"); }
static char *c_parent(struct hd_dev *d, const void *data) { return col_prop(d, "parent"); }
static char *c_path(struct hd_dev *d, const void *data) { return col_prop(d, "sysfs_path"); }
static char *c_driver(struct hd_dev *d, const void *data) { return col_prop(d, "driver"); }
static char *c_group(struct hd_dev *d, const void *data) { return col_prop(d, "iommu_group"); }
static char *c_numa(struct hd_dev *d, const void *data) { return col_prop(d, "numa_node"); }
/* libpci's class name, or the code (0300, or the USB class 09) */
static char *c_class(struct hd_dev *d, const void *data)
{
        const char *name = hd_dev_get_class_name(d);
        char *code;

        if (name)
                return strdup(name);
        code = col_prop(d, "class");
        if (code && hd_dev_get_type(d) == HD_DEV_PCI && strlen(code) == 6)
                code[4] = '\0';        /* class and subclass, as lspci -n */
        return code;
}
static char *c_classid(struct hd_dev *d, const void *data) { return col_prop(d, "class"); }
static char *c_serial(struct hd_dev *d, const void *data) { return col_prop(d, "serial"); }

static const struct column columns[] = {
        { "NAME", c_name, "node-device name" },
        { "TYPE", c_type, "device type" },
        { "ADDRESS", col_address, "PCI address, USB bus:device, SCSI H:C:T:L, node name" },
        { "ID", col_id, "vendor:device (PCI) or vendor:product (USB)" },
        { "DRIVER", c_driver, "bound driver" },
        { "GROUP", c_group, "IOMMU group" },
        { "NUMA", c_numa, "NUMA node" },
        { "CLASS", c_class, "class name (libpci; USB base class), or the code with --numeric" },
        { "CLASSID", c_classid, "class code: PCI CCSSPP, USB CC" },
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
        fprintf(f, "Usage: hostdev list [OPTIONS]\n\n"
                   "List devices as a table, a tree, JSON or a Graphviz picture.\n\n"
                   "Output:\n"
                   "  -J, --json            JSON: {\"version\": 1, \"devices\": [...]} flat, parents first;\n"
                   "                        with -o/-O the columns are the keys\n"
                   "  -o, --output COLS     columns, comma separated (see --list-columns)\n"
                   "  -O, --output-all      every column\n"
                   "  -n, --noheadings      no header line\n"
                   "  -r, --raw             raw: one space between cells, spaces as \\x20\n"
                   "  -P, --pairs           KEY=\"value\" pairs\n"
                   "  -T, --tree            show the tree (nested \"children\" with -J)\n"
                   "  -i, --ascii           tree lines in ASCII (the default outside UTF-8 locales)\n"
                   "      --dot             Graphviz: the tree, IOMMU groups as clusters,\n"
                   "                        eligibility as colour (hostdev list --dot | dot -Tsvg)\n"
                   "      --list-columns    list the available columns\n\n"
                   "Selection:\n"
                   "  -d, --device [VENDOR]:[DEVICE][:CLASS]  by ID and class, as lspci -d (hex;\n"
                   "                        PCI CLASS of 2, 4 or 6 digits: 03, 0300, 010802);\n"
                   "                        USB devices by VENDOR:PRODUCT, as lsusb -d\n"
                   "      --class NAME      gpu, nic, nvme, usb, audio or storage\n"
                   "      --type TYPE       system, pci, usb_device, usb_interface, scsi_host,\n"
                   "                        scsi_target, scsi, scsi_generic, net, block, mdev\n"
                   "  -e, --eligible        only devices that may be passed through (see check)\n"
                   "With --tree or --dot the ancestors of the selected devices are shown too.\n\n"
                   "Exit status: 0 ok, 1 error, 2 usage.\n");
}

int cli_take_select(struct out_opts *o, int c, const char *arg)
{
        switch (c) {
        case 'd':
                if (hd_dev_match_id(NULL, arg) < 0) {
                        cli_err("-d '%s': want [VENDOR]:[DEVICE][:CLASS] in hex (CLASS of 2, 4 or 6 digits)",
                                arg);
                        return -1;
                }
                o->id_spec = arg;
                return 1;
        case OPT_CLASS:
                if (hd_dev_match_class(NULL, arg) < 0) {
                        cli_err("--class: unknown class '%s' (gpu, nic, nvme, usb, audio, storage)", arg);
                        return -1;
                }
                o->class_name = arg;
                return 1;
        case OPT_TYPE:
                o->type = hd_dev_type_from_string(arg);
                if (o->type < 0) {
                        cli_err("--type: unknown type '%s'", arg);
                        return -1;
                }
                return 1;
        default:
                return 0;
        }
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                OUT_LONG_OPTS,
                CLI_SELECT_OPTS,
                { "eligible", no_argument, NULL, 'e' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct out_opts o = { .columns = columns, .colspec = default_columns, .type = -1 };
        int c, r;

        while ((c = getopt_long(argc, argv, OUT_SHORT_OPTS "d:eh", opts, NULL)) >= 0) {
                r = out_take_opt(&o, c, optarg);
                if (r == 2)
                        return EXIT_OK;
                if (r)
                        continue;
                r = cli_take_select(&o, c, optarg);
                if (r < 0)
                        return EXIT_USAGE;
                if (r)
                        continue;
                switch (c) {
                case 'e': o.eligible = true; break;
                case 'h': list_usage(stdout); return EXIT_OK;
                default: list_usage(stderr); return EXIT_USAGE;
                }
        }
        if (optind < argc) {
                cli_err("list: unexpected argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        if (out_opts_finish(&o) < 0)
                return EXIT_USAGE;
        {
                const struct column *sel[32];
                size_t nsel;
                if (out_select_columns(&o, sel, &nsel) < 0)
                        return EXIT_USAGE;
        }
        /* list -J prints the PCI functions' names: pci.ids is read during the scan */
        if (o.fmt == OUT_JSON && !o.columns_given && (o.type < 0 || o.type == HD_DEV_PCI))
                hd_ctx_set_names_prefetch(cli->ctx, true);
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
                case 'h':
                        printf("Usage: hostdev show [-J] DEVICE...\n\n"
                               "Every property of DEVICEs, one \"key: value\" per line.\n\n"
                               "  -J, --json    JSON: {\"version\": 1, \"devices\": [{every property}]}\n\n"
                               "Exit status: 0 ok, 1 error (no such device), 2 usage.\n");
                        return EXIT_OK;
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
                cJSON *root = out_json_root(), *arr = cJSON_AddArrayToObject(root, "devices");
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
