/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostdev persist / forget / apply / status / softdep: the configuration
 * (hostdev.conf(5)) and making the host match it.  Thin wrappers around
 * hd_config_*(), hd_apply() and hd_status(); printing only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cli.h"
#include "output.h"

#define JSON_SCHEMA 1

static int lib_error(struct cli *cli, const char *verb, int r)
{
        const char *msg = hd_ctx_get_error(cli->ctx);

        cli_err("%s: %s", verb, *msg ? msg : strerror(-r));
        return r == -EPERM ? EXIT_UNSAFE : EXIT_ERROR;
}

/* Returns: 0, or -1 after printing the error (every malformed line has been
 * printed by the library's log already). */
static int load_config(struct cli *cli, const char *verb, struct hd_config **c)
{
        int r = hd_config_load(cli->ctx, c);

        if (r < 0) {
                lib_error(cli, verb, r);
                return -1;
        }
        return 0;
}

/* Run by udev (RUN+=): udev keeps a program's output only at debug level,
 * so problems and the outcome also go to syslog (the journal). */
static bool under_udev(void)
{
        return getenv("SEQNUM") && getenv("ACTION") && getenv("DEVPATH");
}

static void on_problem(void *data, const char *message)
{
        int *problems = data;

        (*problems)++;
        cli_err("%s", message);
        if (under_udev())
                syslog(LOG_ERR, "%s", message);
}

/* ---------------------------------------------------------------- output */

static const char *or_none(const char *s) { return s ? s : "none"; }

static void put_state(cJSON *o, const char *key, const char *drv, const char *ovr,
                      const char *owner)
{
        cJSON *s = cJSON_AddObjectToObject(o, key);

        if (!s)
                return;
        out_json_add_string(s, "driver", drv);
        out_json_add_string(s, "driver_override", ovr);
        out_json_add_string(s, "vfio_node_owner", owner);
}

static void put_entry(cJSON *o, const struct hd_config_entry *e)
{
        char where[4200];

        if (!e) {
                cJSON_AddNullToObject(o, "entry");
                return;
        }
        snprintf(where, sizeof(where), "%s:%u", e->file, e->line);
        out_json_add_string(o, "entry", where);
        out_json_add_string(o, "selector", e->selector);
        out_json_add_string(o, "owner", e->owner);
        out_json_add_string(o, "note", e->note);
}

/* Ansible's diff: "before" and "after" as text */
static void put_diff(cJSON *o, const struct hd_report_item *it)
{
        char b[600], a[600];
        cJSON *d = cJSON_AddObjectToObject(o, "diff");

        if (!d)
                return;
        snprintf(b, sizeof(b), "%s: driver=%s driver_override=%s vfio_node_owner=%s\n", it->address,
                 or_none(it->driver_before), or_none(it->override_before),
                 or_none(it->node_owner_before));
        snprintf(a, sizeof(a), "%s: driver=%s driver_override=%s vfio_node_owner=%s\n", it->address,
                 or_none(it->driver_after), or_none(it->override_after),
                 or_none(it->node_owner_after));
        out_json_add_string(d, "before", b);
        out_json_add_string(d, "after", a);
}

static void put_warnings(cJSON *root, const struct hd_report *rep)
{
        cJSON *w = cJSON_AddArrayToObject(root, "warnings");

        for (size_t i = 0; w && i < hd_report_get_n_warnings(rep); i++) {
                cJSON *tmp = cJSON_CreateObject();
                out_json_add_string(tmp, "w", hd_report_get_warning(rep, i));
                cJSON_AddItemToArray(w, cJSON_DetachItemFromObject(tmp, "w"));
                cJSON_Delete(tmp);
        }
}

static int apply_json(const struct hd_report *rep, bool check, bool diff, int changed, int failed)
{
        cJSON *root = cJSON_CreateObject(), *devs;

        if (!root)
                return -1;
        cJSON_AddNumberToObject(root, "schema", JSON_SCHEMA);
        cJSON_AddBoolToObject(root, "check", check);
        cJSON_AddNumberToObject(root, "changed", changed);
        cJSON_AddNumberToObject(root, "failed", failed);
        devs = cJSON_AddArrayToObject(root, "devices");
        for (size_t i = 0; devs && i < hd_report_get_n_items(rep); i++) {
                const struct hd_report_item *it = hd_report_get_item(rep, i);
                cJSON *o = cJSON_CreateObject();
                if (!o)
                        break;
                cJSON_AddItemToArray(devs, o);
                out_json_add_string(o, "name", it->name);
                out_json_add_string(o, "address", it->address);
                cJSON_AddNumberToObject(o, "group", it->group);
                cJSON_AddBoolToObject(o, "changed", it->changed);
                out_json_add_string(o, "action", hd_action_to_string(it->action));
                cJSON_AddBoolToObject(o, "failed", it->failed);
                cJSON_AddBoolToObject(o, "configured", it->configured);
                cJSON_AddBoolToObject(o, "selected", it->selected);
                cJSON_AddBoolToObject(o, "bound_by_hostdev", it->by_hostdev);
                put_entry(o, it->entry);
                put_state(o, "before", it->driver_before, it->override_before, it->node_owner_before);
                put_state(o, "after", it->driver_after, it->override_after, it->node_owner_after);
                if (diff)
                        put_diff(o, it);
                out_json_add_string(o, "message", it->message);
        }
        put_warnings(root, rep);
        return out_print_json(root);
}

static void apply_text(const struct hd_report *rep, bool check, bool diff, int changed, int failed)
{
        for (size_t i = 0; i < hd_report_get_n_items(rep); i++) {
                const struct hd_report_item *it = hd_report_get_item(rep, i);
                if (it->action == HD_ACTION_NONE && !it->changed && !it->failed)
                        continue;
                printf("%s group %d: %s%s %s -> %s", it->address, it->group,
                       check ? "would " : "", hd_action_to_string(it->action),
                       or_none(it->driver_before), or_none(it->driver_after));
                if (it->node_owner_before && it->node_owner_after &&
                    strcmp(it->node_owner_before, it->node_owner_after))
                        printf(", /dev/vfio/%d owner %s -> %s", it->group, it->node_owner_before,
                               it->node_owner_after);
                printf("%s\n", it->failed ? " (failed)" : it->changed ? "" : " (no change)");
                if (diff && it->changed) {
                        printf("--- %s\n+++ %s\n", it->address, it->address);
                        printf("-driver %s\n-driver_override %s\n", or_none(it->driver_before),
                               or_none(it->override_before));
                        printf("+driver %s\n+driver_override %s\n", or_none(it->driver_after),
                               or_none(it->override_after));
                }
        }
        printf("%s: %d changed, %d failed\n", check ? "check" : "apply", changed, failed);
}

/* ---------------------------------------------------------------- apply */

/* --device naming an mdev entry (UUID, mdev_<uuid_>[_<parent>]): its parent,
 * whose targeted scan takes the entry; anything else as it is. */
static const char *mdev_target(const struct hd_config *cfg, const char *device)
{
        char uuid[40];

        snprintf(uuid, sizeof(uuid), "%s", strncmp(device, "mdev_", 5) ? device : device + 5);
        if (strlen(uuid) < 36)
                return device;
        uuid[36] = '\0';
        for (char *p = uuid; *p; p++)
                if (*p == '_')
                        *p = '-';
        for (size_t i = 0; i < hd_config_get_n_entries(cfg); i++) {
                const struct hd_config_entry *e = hd_config_get_entry(cfg, i);
                if (e->kind == HD_CONFIG_MDEV && !strcasecmp(e->selector, uuid) &&
                    (!strncmp(device, "mdev_", 5) || strlen(device) == 36))
                        return e->parent;
        }
        return device;
}

static void apply_usage(FILE *f)
{
        fprintf(f, "Usage: hostdev apply [--check] [--diff] [-J] [--device DEVICE] [--boot] [--force]\n\n"
                   "Make the host match hostdev.conf(5): set VF counts, bind every configured IOMMU\n"
                   "group that is not wholly on vfio-pci, create mdevs; give back every group,\n"
                   "remove every mdev and set back every VF count hostdev made that is no longer\n"
                   "configured; never touch what hostdev did not make.  Idempotent.\n\n"
                   "  -c, --check          change nothing; exit 4 when something would change\n"
                   "      --diff           show each change as before/after\n"
                   "  -J, --json           one JSON document (per device: changed, action, before, after)\n"
                   "  -D, --device DEV     only DEV's IOMMU group, with a scan of only that group\n"
                   "                       (the udev rule: hostdev apply --boot --device %%k);\n"
                   "                       a PF's VF count, a parent's mdevs, an mdev by UUID\n"
                   "  -b, --boot           leave entries with boot=no alone\n"
                   "  -f, --force          bind although the judge says not eligible\n"
                   "  -h, --help           this help\n\n"
                   "Exit status: 0 done (or nothing to do), 1 error, 2 usage, 3 a group was\n"
                   "refused (not eligible, or held), 4 with --check: changes pending.\n");
}

/* The scan apply works on: whole, or (--device) targeted, with an mdev
 * entry's UUID standing for its parent.  Returns: EXIT_OK or an exit code. */
static int scan_for_apply(struct cli *cli, const struct hd_config *cfg, const char *device,
                          struct hd_apply_opts *o)
{
        int r;

        if (!device)
                return cli_scan(cli) < 0 ? EXIT_ERROR : EXIT_OK;
        device = mdev_target(cfg, device);
        r = hd_ctx_scan_devices(cli->ctx, &device, 1);
        if (r < 0)
                return lib_error(cli, "apply", r);
        o->targeted = true;
        return EXIT_OK;
}

static void print_report(const struct hd_report *rep, bool json, bool check, bool diff, int *changed,
                         int *failed)
{
        for (size_t i = 0; i < hd_report_get_n_items(rep); i++) {
                *failed += hd_report_get_item(rep, i)->failed;
                *changed += hd_report_get_item(rep, i)->changed;
        }
        if (json)
                apply_json(rep, check, diff, *changed, *failed);
        else
                apply_text(rep, check, diff, *changed, *failed);
}

int cmd_apply(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "check", no_argument, NULL, 'c' },
                { "diff", no_argument, NULL, 'd' },
                { "json", no_argument, NULL, 'J' },
                { "device", required_argument, NULL, 'D' },
                { "boot", no_argument, NULL, 'b' },
                { "force", no_argument, NULL, 'f' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct hd_apply_opts o;
        struct hd_config *cfg = NULL;
        struct hd_report *rep = NULL;
        const char *device = NULL;
        bool json = false, diff = false;
        int c, r, problems = 0, failed = 0, changed = 0;

        hd_apply_opts_init(&o);
        if (under_udev())
                openlog("hostdev", LOG_PID, LOG_DAEMON);
        while ((c = getopt_long(argc, argv, "cJD:bfh", opts, NULL)) >= 0) {
                switch (c) {
                case 'c': o.check = true; break;
                case 'd': diff = true; break;
                case 'J': json = true; break;
                case 'D': device = optarg; break;
                case 'b': o.boot = true; break;
                case 'f': o.bind.force = true; break;
                case 'h': apply_usage(stdout); return EXIT_OK;
                default: apply_usage(stderr); return EXIT_USAGE;
                }
        }
        if (optind < argc) {
                cli_err("apply takes no devices (use --device DEVICE)");
                return EXIT_USAGE;
        }
        /* the configuration first: a malformed one stops everything */
        if (load_config(cli, "apply", &cfg) < 0)
                return EXIT_ERROR;
        r = scan_for_apply(cli, cfg, device, &o);
        if (r != EXIT_OK) {
                hd_config_free(cfg);
                return r;
        }
        o.bind.on_problem = on_problem;
        o.bind.data = &problems;
        r = hd_apply(cli->ctx, cfg, &o, &rep);
        if (rep)
                print_report(rep, json, o.check, diff, &changed, &failed);
        hd_report_free(rep);
        hd_config_free(cfg);
        if (under_udev() && (changed || failed || r < 0))
                syslog(r < 0 ? LOG_ERR : LOG_INFO, "apply --device %s: %d changed, %d failed%s%s",
                       device ? device : "-", changed, failed, r < 0 ? ": " : "",
                       r < 0 ? hd_ctx_get_error(cli->ctx) : "");
        if (r < 0) {
                if (!problems || r == -ENOMEM)
                        return lib_error(cli, "apply", r);
                return r == -EPERM ? EXIT_UNSAFE : EXIT_ERROR;
        }
        return o.check && changed ? EXIT_CHANGES : EXIT_OK;
}

/* ---------------------------------------------------------------- status */

/* The options of a verb with one flag (SHORTOPTS[0]) besides -h, and no
 * operands; HELP's first line is its usage.  Returns: -1 to go on (*FLAG
 * set when given), or the exit code after the help or a usage error. */
static int flag_only(int argc, char **argv, const char *verb, const struct option *opts,
                     const char *shortopts, const char *help, bool *flag)
{
        int c;

        while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) >= 0) {
                if (c == 'h') {
                        fputs(help, stdout);
                        return EXIT_OK;
                }
                if (c != shortopts[0]) {
                        fprintf(stderr, "%.*s\n", (int)strcspn(help, "\n"), help);
                        return EXIT_USAGE;
                }
                *flag = true;
        }
        if (optind < argc) {
                cli_err("%s takes no devices", verb);
                return EXIT_USAGE;
        }
        return -1;
}

/* the count in a status item's "numvfs=N" (-1 none) */
static int numvfs(const char *s)
{
        int n;

        return s && sscanf(s, "numvfs=%d", &n) == 1 ? n : -1;
}

static bool is_pf_item(const struct hd_report_item *it) { return it->action == HD_ACTION_SRIOV; }
static bool is_mdev_item(const struct hd_report_item *it) { return it->action == HD_ACTION_MDEV; }
static bool is_mdev(const struct hd_dev *d) { return hd_dev_get_type(d) == HD_DEV_MDEV; }

static const char *mdev_type_of(const struct hd_report_item *it)
{
        return is_mdev(it->dev) ? hd_dev_get_mdev_type(it->dev) : it->entry ? it->entry->mdev_type : NULL;
}

static const char *mdev_parent_of(const struct hd_report_item *it)
{
        struct hd_dev *p = is_mdev(it->dev) ? hd_dev_get_parent(it->dev) : it->dev;

        return p ? hd_dev_get_pci_address(p) : it->entry ? it->entry->parent : NULL;
}

static void put_count(cJSON *o, const char *key, int n)
{
        if (n < 0)
                cJSON_AddNullToObject(o, key);
        else
                cJSON_AddNumberToObject(o, key, n);
}

static void status_json_pf(cJSON *o, struct cli *cli, const struct hd_report_item *it)
{
        int total = -1, cur = -1;

        hd_dev_get_sriov(cli->ctx, it->dev, &total, &cur, NULL);
        out_json_add_string(o, "name", it->name);
        out_json_add_string(o, "address", it->address);
        cJSON_AddBoolToObject(o, "configured", it->configured);
        put_entry(o, it->entry);
        cJSON_AddBoolToObject(o, "changed_by_hostdev", it->by_hostdev);
        put_count(o, "numvfs", cur);
        put_count(o, "totalvfs", total);
        put_count(o, "configured_numvfs", it->entry ? it->entry->numvfs : -1);
        put_count(o, "original_numvfs", numvfs(it->original_driver));
}

static void status_json_mdev(cJSON *o, const struct hd_report_item *it)
{
        out_json_add_string(o, "name", it->name);
        out_json_add_string(o, "uuid", it->address);
        out_json_add_string(o, "parent", mdev_parent_of(it));
        out_json_add_string(o, "type", mdev_type_of(it));
        cJSON_AddBoolToObject(o, "present", is_mdev(it->dev));
        put_count(o, "group", it->group);
        cJSON_AddBoolToObject(o, "configured", it->configured);
        put_entry(o, it->entry);
        cJSON_AddBoolToObject(o, "created_by_hostdev", it->by_hostdev);
        out_json_add_string(o, "driver", it->driver_after);
        out_json_add_string(o, "held_by", it->holder);
}

static void status_json_pci(cJSON *o, const struct hd_report_item *it)
{
        out_json_add_string(o, "name", it->name);
        out_json_add_string(o, "address", it->address);
        cJSON_AddNumberToObject(o, "group", it->group);
        cJSON_AddBoolToObject(o, "configured", it->configured);
        cJSON_AddBoolToObject(o, "selected", it->selected);
        put_entry(o, it->entry);
        cJSON_AddBoolToObject(o, "bound_by_hostdev", it->by_hostdev);
        out_json_add_string(o, "driver", it->driver_after);
        out_json_add_string(o, "driver_override", it->override_after);
        out_json_add_string(o, "vfio_node_owner", it->node_owner_after);
        out_json_add_string(o, "original_driver", it->original_driver);
        out_json_add_string(o, "original_driver_override", it->original_override);
        out_json_add_string(o, "held_by", it->holder);
}

/* devices (PCI functions), then sriov (PFs) and mdevs */
static int status_json(struct cli *cli, const struct hd_report *rep)
{
        cJSON *root = cJSON_CreateObject(), *devs, *pfs, *mdevs;

        if (!root)
                return -1;
        cJSON_AddNumberToObject(root, "schema", JSON_SCHEMA);
        devs = cJSON_AddArrayToObject(root, "devices");
        pfs = cJSON_AddArrayToObject(root, "sriov");
        mdevs = cJSON_AddArrayToObject(root, "mdevs");
        for (size_t i = 0; devs && pfs && mdevs && i < hd_report_get_n_items(rep); i++) {
                const struct hd_report_item *it = hd_report_get_item(rep, i);
                cJSON *o = cJSON_CreateObject();
                if (!o)
                        break;
                cJSON_AddItemToArray(is_pf_item(it) ? pfs : is_mdev_item(it) ? mdevs : devs, o);
                if (is_pf_item(it))
                        status_json_pf(o, cli, it);
                else if (is_mdev_item(it))
                        status_json_mdev(o, it);
                else
                        status_json_pci(o, it);
        }
        put_warnings(root, rep);
        return out_print_json(root);
}

/* S escaped, padded to WIDTH columns */
static void put_cell(const char *s, int width)
{
        int n = (int)strlen(s);

        cli_put_text(stdout, s);
        printf("%*s ", width > n ? width - n : 0, "");
}

static const char *yes_no(bool b) { return b ? "yes" : "no"; }

/* N right-aligned in WIDTH columns, "-" for none (< 0) */
static void put_num(int n, int width)
{
        if (n < 0)
                printf("%*s ", width, "-");
        else
                printf("%*d ", width, n);
}

static void status_text_pfs(struct cli *cli, const struct hd_report *rep)
{
        bool header = false;

        for (size_t i = 0; i < hd_report_get_n_items(rep); i++) {
                const struct hd_report_item *it = hd_report_get_item(rep, i);
                int total = -1, cur = -1;
                if (!is_pf_item(it))
                        continue;
                if (!header)
                        printf("\n%-14s %-10s %-10s %6s %6s %8s %9s\n", "SRIOV-PF", "CONFIGURED",
                               "BY-HOSTDEV", "NUMVFS", "WANTED", "ORIGINAL", "TOTALVFS");
                header = true;
                hd_dev_get_sriov(cli->ctx, it->dev, &total, &cur, NULL);
                printf("%-14s %-10s %-10s %6d ", it->address, yes_no(it->configured),
                       yes_no(it->by_hostdev), cur);
                put_num(it->entry ? it->entry->numvfs : -1, 6);
                put_num(numvfs(it->original_driver), 8);
                printf("%9d\n", total);
        }
}

static void status_text_mdevs(const struct hd_report *rep)
{
        bool header = false;

        for (size_t i = 0; i < hd_report_get_n_items(rep); i++) {
                const struct hd_report_item *it = hd_report_get_item(rep, i);
                if (!is_mdev_item(it))
                        continue;
                if (!header)
                        printf("\n%-36s %-14s %-16s %-10s %-10s %-7s %-16s %s\n", "MDEV", "PARENT", "TYPE",
                               "CONFIGURED", "BY-HOSTDEV", "PRESENT", "DRIVER", "HELD-BY");
                header = true;
                printf("%-36s ", it->address);
                put_cell(or_none(mdev_parent_of(it)), 14);
                put_cell(or_none(mdev_type_of(it)), 16);
                printf("%-10s %-10s %-7s ", yes_no(it->configured), yes_no(it->by_hostdev),
                       yes_no(is_mdev(it->dev)));
                put_cell(or_none(it->driver_after), 16);
                cli_put_text(stdout, it->holder ? it->holder : "-");
                putchar('\n');
        }
}

static void status_text(struct cli *cli, const struct hd_report *rep)
{
        printf("%-14s %5s %-10s %-10s %-14s %-14s %s\n", "DEVICE", "GROUP", "CONFIGURED",
               "BY-HOSTDEV", "DRIVER", "ORIGINAL", "HELD-BY");
        for (size_t i = 0; i < hd_report_get_n_items(rep); i++) {
                const struct hd_report_item *it = hd_report_get_item(rep, i);
                if (is_pf_item(it) || is_mdev_item(it))
                        continue;
                printf("%-14s %5d %-10s %-10s ", it->address, it->group,
                       it->selected ? "yes" : it->configured ? "group" : "no",
                       it->by_hostdev ? "yes" : "no");
                put_cell(or_none(it->driver_after), 14);
                put_cell(it->by_hostdev ? or_none(it->original_driver) : "-", 14);
                cli_put_text(stdout, it->holder ? it->holder : "-");
                putchar('\n');
        }
        status_text_pfs(cli, rep);
        status_text_mdevs(rep);
}

int cmd_status(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "json", no_argument, NULL, 'J' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct hd_config *cfg = NULL;
        struct hd_report *rep = NULL;
        bool json = false;
        int r;

        r = flag_only(argc, argv, "status", opts, "Jh",
                      "Usage: hostdev status [-J]\n\n"
                      "Every PCI function hostdev is configured for (hostdev.conf(5)) or holds\n"
                      "(its journal): configured (yes: selected; group: a member of a selected\n"
                      "function's group), bound by hostdev, current and original driver, group,\n"
                      "and who holds it; then the SR-IOV PFs (VF count now, wanted, original) and\n"
                      "mdevs (present, created by hostdev) that an entry or the journal names.\n\n"
                      "  -J, --json           one JSON document\n"
                      "  -h, --help           this help\n", &json);
        if (r >= 0)
                return r;
        if (load_config(cli, "status", &cfg) < 0)
                return EXIT_ERROR;
        if (cli_scan(cli) < 0) {
                hd_config_free(cfg);
                return EXIT_ERROR;
        }
        r = hd_status(cli->ctx, cfg, &rep);
        if (r < 0) {
                hd_config_free(cfg);
                return lib_error(cli, "status", r);
        }
        /* the items point into the configuration: print before freeing it */
        if (json)
                status_json(cli, rep);
        else
                status_text(cli, rep);
        hd_report_free(rep);
        hd_config_free(cfg);
        return EXIT_OK;
}

/* ---------------------------------------------------------------- persist / forget */

static int softdep_refresh(struct cli *cli, const char *verb)
{
        struct hd_config *cfg = NULL;
        int r;

        if (load_config(cli, verb, &cfg) < 0)
                return -1;
        r = hd_config_write_softdep(cli->ctx, cfg);
        hd_config_free(cfg);
        if (r < 0) {
                lib_error(cli, verb, r);
                return -1;
        }
        return 0;
}

/* After an edit: apply to NAMES only, with a scan of their groups. */
static int apply_named(struct cli *cli, const char *verb, int n, char **names)
{
        struct hd_apply_opts o;
        struct hd_config *cfg = NULL;
        struct hd_report *rep = NULL;
        int r, problems = 0;

        if (load_config(cli, verb, &cfg) < 0)
                return EXIT_ERROR;
        r = hd_ctx_scan_devices(cli->ctx, (const char *const *)names, (size_t)n);
        if (r >= 0) {
                hd_apply_opts_init(&o);
                o.targeted = true;
                o.bind.on_problem = on_problem;
                o.bind.data = &problems;
                r = hd_apply(cli->ctx, cfg, &o, &rep);
        }
        if (rep) {
                for (size_t i = 0; i < hd_report_get_n_items(rep); i++) {
                        const struct hd_report_item *it = hd_report_get_item(rep, i);
                        if (it->changed)
                                printf("%s: %s -> %s\n", it->address, or_none(it->driver_before),
                                       or_none(it->driver_after));
                }
        }
        hd_report_free(rep);
        hd_config_free(cfg);
        if (r < 0 && !problems)
                return lib_error(cli, verb, r);
        return r < 0 ? (r == -EPERM ? EXIT_UNSAFE : EXIT_ERROR) : EXIT_OK;
}

static int resolve_pci(struct cli *cli, int n, char **names, struct hd_dev ***devs)
{
        if (cli_resolve(cli, n, names, devs) < 0)
                return -1;
        for (int i = 0; i < n; i++)
                if (hd_dev_get_type((*devs)[i]) != HD_DEV_PCI || hd_dev_is_pci_bridge((*devs)[i])) {
                        cli_err("%s: not a PCI endpoint; only PCI functions (not bridges) go to "
                                "vfio-pci", names[i]);
                        free(*devs);
                        return -1;
                }
        return 0;
}

/* apply_named() for DEVS, by address: the addresses outlive the scan they
 * come from (apply rescans). */
static int apply_devices(struct cli *cli, const char *verb, struct hd_dev *const *devs, int n)
{
        char **addrs = calloc((size_t)n + 1, sizeof(*addrs));
        bool oom = !addrs;
        int r = EXIT_ERROR;

        for (int i = 0; addrs && i < n; i++)
                oom = oom || !(addrs[i] = strdup(hd_dev_get_pci_address(devs[i])));
        if (oom)
                cli_err("out of memory");
        else
                r = apply_named(cli, verb, n, addrs);
        for (int i = 0; addrs && i < n; i++)
                free(addrs[i]);
        free(addrs);
        return r;
}

static void persist_usage(FILE *f, bool persist)
{
        if (persist)
                fprintf(f, "Usage: hostdev persist [--owner U[:G]] [--note TEXT] [--no-boot] [--force] [--no-apply] DEVICE...\n\n"
                           "Add each DEVICE (a PCI function) to hostdev.conf(5) by its address, so its\n"
                           "IOMMU group goes to vfio-pci at every boot, then apply it now.  The file is\n"
                           "edited atomically; the modprobe softdep file is regenerated.\n\n"
                           "      --owner U[:G]    owner of /dev/vfio/<group> (unprivileged QEMU)\n"
                           "      --note TEXT      a note kept with the entry\n"
                           "      --no-boot        boot=no: the udev rule and boot unit leave it alone\n"
                           "  -f, --force          force=yes: bind although the judge says not eligible\n"
                           "      --no-apply       only edit the configuration\n"
                           "  -h, --help           this help\n");
        else
                fprintf(f, "Usage: hostdev forget [--no-apply] DEVICE...\n\n"
                           "Remove the address entries of DEVICEs from hostdev.conf(5) and give their\n"
                           "groups back to their drivers (when hostdev bound them).\n\n"
                           "      --no-apply       only edit the configuration\n"
                           "  -h, --help           this help\n");
}

static int persist_or_forget(struct cli *cli, int argc, char **argv, bool persist)
{
        static const struct option opts[] = {
                { "owner", required_argument, NULL, 'o' },
                { "note", required_argument, NULL, 'N' },
                { "no-boot", no_argument, NULL, 'B' },
                { "force", no_argument, NULL, 'f' },
                { "no-apply", no_argument, NULL, 'n' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct hd_persist_opts po = HD_PERSIST_OPTS_INIT;
        struct hd_dev **devs = NULL;
        bool no_apply = false;
        int c, r, n;

        while ((c = getopt_long(argc, argv, persist ? "fh" : "h", opts, NULL)) >= 0) {
                switch (c) {
                case 'o': po.owner = optarg; break;
                case 'N': po.note = optarg; break;
                case 'B': po.no_boot = true; break;
                case 'f': po.force = true; break;
                case 'n': no_apply = true; break;
                case 'h': persist_usage(stdout, persist); return EXIT_OK;
                default: persist_usage(stderr, persist); return EXIT_USAGE;
                }
                if (!persist && c != 'n') {
                        cli_err("forget takes only --no-apply");
                        return EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                cli_err("%s: which device? see hostdev %s --help", argv[0], argv[0]);
                return EXIT_USAGE;
        }
        n = argc - optind;
        if (cli_scan(cli) < 0 || resolve_pci(cli, n, argv + optind, &devs) < 0)
                return EXIT_ERROR;
        r = persist ? hd_config_persist(cli->ctx, devs, (size_t)n, &po)
                    : hd_config_forget(cli->ctx, devs, (size_t)n);
        if (r < 0) {
                free(devs);
                return lib_error(cli, argv[0], r);
        }
        if (cli->verbose || r)
                fprintf(stderr, "hostdev: %s: %d entr%s changed\n", argv[0], r, r == 1 ? "y" : "ies");
        r = softdep_refresh(cli, argv[0]) < 0 ? EXIT_ERROR : EXIT_OK;
        if (r == EXIT_OK && !no_apply)
                r = apply_devices(cli, argv[0], devs, n);
        free(devs);
        return r;
}

int cmd_persist(struct cli *cli, int argc, char **argv)
{
        return persist_or_forget(cli, argc, argv, true);
}

int cmd_forget(struct cli *cli, int argc, char **argv)
{
        return persist_or_forget(cli, argc, argv, false);
}

/* ---------------------------------------------------------------- softdep */

int cmd_softdep(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "write", no_argument, NULL, 'w' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct hd_config *cfg = NULL;
        char *text = NULL;
        bool write = false;
        int r;

        r = flag_only(argc, argv, "softdep", opts, "wh",
                      "Usage: hostdev softdep [--write]\n\n"
                      "Print modprobe.d lines 'softdep DRIVER pre: vfio-pci' for the host drivers\n"
                      "of every configured group, so vfio-pci loads (and claims the devices) first.\n\n"
                      "  -w, --write          write them to SYSROOT/etc/modprobe.d/hostdev-softdep.conf\n"
                      "  -h, --help           this help\n", &write);
        if (r >= 0)
                return r;
        if (load_config(cli, "softdep", &cfg) < 0)
                return EXIT_ERROR;
        if (cli_scan(cli) < 0) {
                hd_config_free(cfg);
                return EXIT_ERROR;
        }
        r = write ? hd_config_write_softdep(cli->ctx, cfg) : hd_config_softdep(cli->ctx, cfg, &text);
        hd_config_free(cfg);
        if (r < 0)
                return lib_error(cli, "softdep", r);
        if (text)
                fputs(text, stdout);
        free(text);
        return EXIT_OK;
}
