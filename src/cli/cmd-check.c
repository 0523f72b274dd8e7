/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostdev check / groups: print the judge's verdicts.  No policy here: the
 * library decides eligibility, the affected set, the reasons and a group's
 * viability (hd_judge_group); these verbs only format them (text escaped for
 * the terminal, JSON made valid UTF-8).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "cli.h"
#include "output.h"

/* ---------------------------------------------------------------- check */

static void check_usage(FILE *f)
{
        fprintf(f, "Usage: hostdev check [-J|--dot] [--force] [-d ID] [--class NAME] [DEVICE...]\n\n"
                   "Judge devices for passthrough: eligible or not, the devices that go with\n"
                   "each (its IOMMU group, descendants, SR-IOV VFs) and every reason it could\n"
                   "hurt the host, as \"severity code: message\".\n\n"
                   "  -J, --json            JSON: {\"version\": 1, \"devices\": [{\"name\", \"eligible\",\n"
                   "                        \"affected\", \"reasons\"}]}\n"
                   "      --dot             Graphviz: the tree with each DEVICE (bold) and its\n"
                   "                        affected set (amber) highlighted\n"
                   "  -f, --force           lower the forcible errors (boot-vga) to warnings\n"
                   "  -d, --device [VENDOR]:[DEVICE][:CLASS]  judge every device with these IDs\n"
                   "      --class NAME      judge every device of a class (gpu, nic, nvme, usb,\n"
                   "                        audio, storage)\n"
                   "      --type TYPE       with -d or --class: only devices of TYPE\n\n"
                   "Exit status: 0 all eligible, 1 error, 2 usage, 3 any not eligible.\n");
}

/* DEVICE arguments plus every device -d/--class select; *n the count. */
static int check_devices(struct cli *cli, const struct out_opts *sel, int argc, char **argv,
                         struct hd_dev ***ret, int *n)
{
        size_t nd = hd_ctx_get_n_devices(cli->ctx), m;
        struct hd_dev **named = NULL, **all;

        if (cli_resolve(cli, argc, argv, &named) < 0)
                return -1;
        all = cli_calloc(nd + (size_t)argc, sizeof(*all));
        if (!all) {
                free(named);
                return -1;
        }
        for (m = 0; m < (size_t)argc; m++)
                all[m] = named[m];
        free(named);
        for (size_t i = 0; (sel->id_spec || sel->class_name) && i < nd; i++) {
                struct hd_dev *d = hd_ctx_get_device(cli->ctx, i);
                int r = out_dev_selected(sel, d);
                bool dup = false;
                if (r < 0) {
                        free(all);
                        return -1;
                }
                for (size_t k = 0; r && k < (size_t)argc; k++)
                        dup = dup || all[k] == d;
                if (r && !dup)
                        all[m++] = d;
        }
        if (!m) {
                free(all);
                cli_err("check: no device matches");
                return -1;
        }
        *ret = all;
        *n = (int)m;
        return 0;
}

/* --dot: every device, the judged ones bold in their verdict's colour, the
 * devices that go with them amber */
static int check_dot(struct cli *cli, struct hd_dev **devs, struct hd_verdict **vs, int n)
{
        struct out_dot_marks m;
        int r;

        if (out_dot_marks_init(cli, &m) < 0)
                return -1;
        for (size_t i = 0; i < hd_ctx_get_n_devices(cli->ctx); i++)
                m.show[i] = true;
        for (int i = 0; i < n; i++)
                for (size_t k = 0; k < hd_verdict_get_n_affected(vs[i]); k++)
                        m.fill[hd_dev_get_index(hd_verdict_get_affected(vs[i], k))] = OUT_FILL_AFFECTED;
        for (int i = 0; i < n; i++) {
                size_t x = hd_dev_get_index(devs[i]);
                m.bold[x] = true;
                m.fill[x] = hd_verdict_is_eligible(vs[i]) ? OUT_FILL_ELIGIBLE : OUT_FILL_REFUSED;
        }
        r = out_dot(cli, m.show, m.fill, m.bold,
                    "bold: the device judged (green: eligible, red: not eligible); "
                    "amber: the devices that go with it; dashed boxes: IOMMU groups");
        out_dot_marks_free(&m);
        return r;
}

static cJSON *verdict_json(struct hd_dev *d, const struct hd_verdict *v)
{
        cJSON *o = cJSON_CreateObject(), *aff, *rs;
        const char *code, *msg;
        enum hd_severity sev;

        if (!o)
                return NULL;
        out_json_add_string(o, "name", hd_dev_get_name(d));
        cJSON_AddBoolToObject(o, "eligible", hd_verdict_is_eligible(v));
        aff = cJSON_AddArrayToObject(o, "affected");
        for (size_t i = 0; aff && i < hd_verdict_get_n_affected(v); i++) {
                char *safe = hd_escape(hd_dev_get_name(hd_verdict_get_affected(v, i)), HD_ESCAPE_UTF8);
                cJSON_AddItemToArray(aff, cJSON_CreateString(safe ? safe : ""));
                free(safe);
        }
        rs = cJSON_AddArrayToObject(o, "reasons");
        for (size_t i = 0; rs && hd_verdict_get_reason(v, i, &code, &sev, &msg) == 0; i++) {
                cJSON *r = cJSON_CreateObject();
                out_json_add_string(r, "code", code);
                out_json_add_string(r, "severity", hd_severity_to_string(sev));
                out_json_add_string(r, "message", msg);
                cJSON_AddItemToArray(rs, r);
        }
        return o;
}

static void put_dev_label(struct hd_dev *d)
{
        cli_put_text(stdout, hd_dev_get_name(d));
        if (hd_dev_get_type(d) == HD_DEV_PCI)
                printf(" (%s)", hd_dev_get_pci_address(d));
}

static void put_reasons(const struct hd_verdict *v, const char *indent)
{
        const char *code, *msg;
        enum hd_severity sev;

        for (size_t i = 0; hd_verdict_get_reason(v, i, &code, &sev, &msg) == 0; i++) {
                printf("%s%s ", indent, hd_severity_to_string(sev));
                cli_put_text(stdout, code);
                fputs(": ", stdout);
                cli_put_text(stdout, msg);
                putchar('\n');
        }
}

static void verdict_text(struct hd_dev *d, const struct hd_verdict *v)
{
        size_t n = hd_verdict_get_n_affected(v);

        put_dev_label(d);
        printf(": %s\n", hd_verdict_is_eligible(v) ? "ELIGIBLE" : "NOT ELIGIBLE");
        printf("  affected:%s", n ? "" : " none");
        for (size_t i = 0; i < n; i++) {
                putchar(' ');
                cli_put_text(stdout, hd_dev_get_name(hd_verdict_get_affected(v, i)));
        }
        putchar('\n');
        put_reasons(v, "  ");
}

enum check_format { CHECK_TEXT, CHECK_JSON, CHECK_DOT };

/* Take check's options into SEL (selection), FMT and FLAGS.
 * Returns: -1 to go on, or an exit code. */
static int take_check_opts(int argc, char **argv, struct out_opts *sel, enum check_format *fmt,
                           unsigned *flags)
{
        static const struct option opts[] = {
                { "json", no_argument, NULL, 'J' },
                { "dot", no_argument, NULL, OPT_DOT },
                { "force", no_argument, NULL, 'f' },
                CLI_SELECT_OPTS,
                { "help", no_argument, NULL, 'h' },
                {}
        };
        bool json = false, dot = false;
        int c, r;

        while ((c = getopt_long(argc, argv, "Jfd:h", opts, NULL)) >= 0) {
                r = cli_take_select(sel, c, optarg);
                if (r < 0)
                        return EXIT_USAGE;
                if (r)
                        continue;
                switch (c) {
                case 'J': json = true; break;
                case OPT_DOT: dot = true; break;
                case 'f': *flags |= HD_JUDGE_FORCE; break;
                case 'h': check_usage(stdout); return EXIT_OK;
                default: check_usage(stderr); return EXIT_USAGE;
                }
        }
        *fmt = dot ? CHECK_DOT : json ? CHECK_JSON : CHECK_TEXT;
        if (argc - optind < 1 && !sel->id_spec && !sel->class_name) {
                cli_err("check: which device?");
                return EXIT_USAGE;
        }
        return -1;
}

/* The verdicts VS on DEVS (N) as FMT.  Returns: 0, or -1 after a message. */
static int check_print(struct cli *cli, enum check_format fmt, struct hd_dev **devs,
                       struct hd_verdict **vs, int n)
{
        cJSON *root, *arr;

        switch (fmt) {
        case CHECK_DOT:
                return check_dot(cli, devs, vs, n);
        case CHECK_JSON:
                root = out_json_root();
                arr = cJSON_AddArrayToObject(root, "devices");
                for (int i = 0; arr && i < n; i++)
                        cJSON_AddItemToArray(arr, verdict_json(devs[i], vs[i]));
                return out_print_json(root);
        default:
                for (int i = 0; i < n; i++) {
                        if (i)
                                putchar('\n');
                        verdict_text(devs[i], vs[i]);
                }
                return 0;
        }
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
        struct out_opts sel = { .type = -1 };
        enum check_format fmt;
        struct hd_dev **devs = NULL;
        struct hd_verdict **vs;
        bool all = true;
        unsigned flags = 0;
        int n, r;

        r = take_check_opts(argc, argv, &sel, &fmt, &flags);
        if (r >= 0)
                return r;
        n = argc - optind;
        if (cli_scan(cli) < 0 || check_devices(cli, &sel, n, argv + optind, &devs, &n) < 0)
                return EXIT_ERROR;
        vs = cli_calloc((size_t)n, sizeof(*vs));
        r = vs ? hd_judge_many(cli->ctx, devs, (size_t)n, flags, vs) : -ENOMEM;
        if (r < 0 && vs)
                cli_err("check: %s", cli_lib_msg(cli, r));
        if (r >= 0) {
                for (int i = 0; i < n; i++)
                        all = all && hd_verdict_is_eligible(vs[i]);
                r = check_print(cli, fmt, devs, vs, n);
                for (int i = 0; i < n; i++)
                        hd_verdict_free(vs[i]);
        }
        free(vs);
        free(devs);
        return r < 0 ? EXIT_ERROR : all ? EXIT_OK : EXIT_UNSAFE;
}

/* ---------------------------------------------------------------- groups */

static char *prop_str(struct hd_dev *d, const char *key)
{
        struct hd_value v;
        if (hd_dev_get_property(d, key, &v) < 0 || v.kind != HD_VALUE_STRING)
                return NULL;
        return strdup(v.str);
}

static void groups_usage(FILE *f)
{
        fprintf(f, "Usage: hostdev groups [OPTIONS]\n\n"
                   "List the IOMMU groups, their PCI functions (address, vendor:device, driver,\n"
                   "name) and whether the group is viable for passthrough, with the judge's\n"
                   "reasons for its endpoints (bridges stay on the host).\n\n"
                   "  -J, --json            JSON: {\"version\": 1, \"groups\": [{\"group\", \"viable\",\n"
                   "                        \"devices\", \"reasons\"}]}; with -o/-O the devices' keys\n"
                   "                        are the columns\n"
                   "  -o, --output COLS     a table of the functions with these columns\n"
                   "  -O, --output-all      a table with every column\n"
                   "  -n, --noheadings      a table without header line\n"
                   "  -r, --raw             a raw table\n"
                   "  -P, --pairs           KEY=\"value\" pairs\n"
                   "  -T, --tree            the groups with their functions (the default)\n"
                   "  -i, --ascii           ASCII only (the grouped view is ASCII anyway)\n"
                   "      --dot             Graphviz: groups as clusters, eligibility as colour\n"
                   "      --list-columns    list the available columns\n\n"
                   "Exit status: 0 ok, 1 error, 2 usage.\n");
}

/* ---------------------------------------------------------------- groups table */

/* the verdicts of the function at each device index (the columns' data) */
struct group_row {
        int group;
        bool viable;
        int eligible;           /* 1, 0, -1 a bridge */
};

static char *gstr(const char *s) { return strdup(s ? s : ""); }
static char *gfmt_int(int v)
{
        char *s = NULL;
        return asprintf(&s, "%d", v) < 0 ? NULL : s;
}
static const struct group_row *grow(struct hd_dev *d, const void *data)
{
        return &((const struct group_row *)data)[hd_dev_get_index(d)];
}
static char *gc_group(struct hd_dev *d, const void *data) { return gfmt_int(grow(d, data)->group); }
static char *gc_viable(struct hd_dev *d, const void *data) { return gstr(grow(d, data)->viable ? "yes" : "no"); }
static char *gc_eligible(struct hd_dev *d, const void *data)
{
        int e = grow(d, data)->eligible;
        return gstr(e < 0 ? "bridge" : e ? "yes" : "no");
}
static char *gc_name(struct hd_dev *d, const void *data) { return gstr(hd_dev_get_name(d)); }
static char *gc_address(struct hd_dev *d, const void *data) { return gstr(hd_dev_get_pci_address(d)); }
static char *gc_driver(struct hd_dev *d, const void *data) { return gstr(hd_dev_get_driver(d)); }
static char *gc_class(struct hd_dev *d, const void *data) { return gstr(hd_dev_get_class_name(d)); }
static char *gc_id(struct hd_dev *d, const void *data)
{
        uint16_t v, dv;
        char *s = NULL;
        if (hd_dev_get_pci_ids(d, &v, &dv) < 0)
                return gstr("");
        return asprintf(&s, "%04x:%04x", v, dv) < 0 ? NULL : s;
}
static char *gc_desc(struct hd_dev *d, const void *data)
{
        char *vn = prop_str(d, "vendor_name"), *dn = prop_str(d, "device_name"), *s = NULL;
        if (asprintf(&s, "%s%s%s", vn ? vn : "", vn && dn ? " " : "", dn ? dn : "") < 0)
                s = NULL;
        free(vn);
        free(dn);
        return s;
}

static const struct column group_columns[] = {
        { "GROUP", gc_group, "IOMMU group" },
        { "VIABLE", gc_viable, "the group can be passed through (yes, no)" },
        { "ADDRESS", gc_address, "PCI address" },
        { "ID", gc_id, "vendor:device" },
        { "DRIVER", gc_driver, "bound driver" },
        { "ELIGIBLE", gc_eligible, "the function's verdict (yes, no, bridge: stays on the host)" },
        { "NAME", gc_name, "node-device name" },
        { "CLASS", gc_class, "class name (libpci)" },
        { "DESCRIPTION", gc_desc, "vendor and device names" },
        { NULL, NULL, NULL }
};

/* One reason shown once per group even when several endpoints carry it. */
static bool seen_before(struct hd_verdict **vs, size_t upto, const char *code, const char *msg)
{
        const char *c2, *m2;
        for (size_t k = 0; k < upto; k++)
                for (size_t i = 0; vs[k] && hd_verdict_get_reason(vs[k], i, &c2, NULL, &m2) == 0; i++)
                        if (strcmp(code, c2) == 0 && strcmp(msg, m2) == 0)
                                return true;
        return false;
}

struct group_view {
        int id;
        struct hd_dev *const *devs;
        size_t n;
        struct hd_verdict **vs;         /* by device; NULL for bridges */
        size_t n_endpoints;
        bool viable;
};

static void put_group_reasons(const struct group_view *g)
{
        const char *code, *msg;
        enum hd_severity sev;

        for (size_t i = 0; i < g->n; i++)
                for (size_t k = 0; g->vs[i] && hd_verdict_get_reason(g->vs[i], k, &code, &sev, &msg) == 0; k++) {
                        /* the listing above already shows who shares the group */
                        if (strcmp(code, "group-shared") == 0 || seen_before(g->vs, i, code, msg))
                                continue;
                        printf("    %s ", hd_severity_to_string(sev));
                        cli_put_text(stdout, code);
                        fputs(": ", stdout);
                        cli_put_text(stdout, msg);
                        putchar('\n');
                }
}

static void put_group_member(struct cli *cli, struct hd_dev *d, const struct hd_verdict *v)
{
        char *vid = prop_str(d, "vendor_id"), *did = prop_str(d, "device_id");
        char *vn = cli->numeric ? NULL : prop_str(d, "vendor_name");
        char *dn = cli->numeric ? NULL : prop_str(d, "device_name");
        const char *drv = hd_dev_get_driver(d);

        printf("  %s %s:%s ", hd_dev_get_pci_address(d), vid ? vid : "????", did ? did : "????");
        cli_put_text(stdout, drv ? drv : "-");
        putchar(' ');
        cli_put_text(stdout, hd_dev_get_name(d));
        if (vn || dn) {
                putchar(' ');
                cli_put_text(stdout, vn ? vn : "");
                if (vn && dn)
                        putchar(' ');
                cli_put_text(stdout, dn ? dn : "");
        }
        if (!v)
                fputs(" [bridge, stays on the host]", stdout);
        else if (!hd_verdict_is_eligible(v))
                fputs(" [not eligible]", stdout);
        putchar('\n');
        free(vid);
        free(did);
        free(vn);
        free(dn);
}

static void group_text(struct cli *cli, const struct group_view *g)
{
        printf("IOMMU group %d: %s\n", g->id,
               !g->n_endpoints ? "not viable (bridges only)" : g->viable ? "viable" : "NOT VIABLE");
        for (size_t i = 0; i < g->n; i++)
                put_group_member(cli, g->devs[i], g->vs[i]);
        put_group_reasons(g);
}

static cJSON *group_member_json(struct hd_dev *d, const struct hd_verdict *v)
{
        cJSON *x = cJSON_CreateObject();
        char *vid = prop_str(d, "vendor_id"), *did = prop_str(d, "device_id");
        char *vn = prop_str(d, "vendor_name"), *dn = prop_str(d, "device_name");

        out_json_add_string(x, "name", hd_dev_get_name(d));
        out_json_add_string(x, "address", hd_dev_get_pci_address(d));
        out_json_add_string(x, "vendor_id", vid);
        out_json_add_string(x, "device_id", did);
        out_json_add_string(x, "vendor_name", vn);
        out_json_add_string(x, "device_name", dn);
        out_json_add_string(x, "driver", hd_dev_get_driver(d));
        cJSON_AddBoolToObject(x, "bridge", v == NULL);
        if (v)
                cJSON_AddBoolToObject(x, "eligible", hd_verdict_is_eligible(v));
        else
                cJSON_AddNullToObject(x, "eligible");
        free(vid);
        free(did);
        free(vn);
        free(dn);
        return x;
}

/* Group G as JSON: its devices' properties, or the columns SEL (NSEL) of the
 * verdicts INFO (by device index) */
static cJSON *group_json(const struct group_view *g, const struct column *const *sel, size_t nsel,
                         const struct group_row *info)
{
        cJSON *o = cJSON_CreateObject(), *devs, *rs;

        cJSON_AddNumberToObject(o, "group", g->id);
        cJSON_AddBoolToObject(o, "viable", g->viable);
        devs = cJSON_AddArrayToObject(o, "devices");
        for (size_t i = 0; i < g->n; i++)
                cJSON_AddItemToArray(devs, sel ? out_json_columns(sel, nsel, g->devs[i], info)
                                               : group_member_json(g->devs[i], g->vs[i]));
        rs = cJSON_AddArrayToObject(o, "reasons");
        for (size_t i = 0; i < g->n; i++) {
                const char *code, *msg;
                enum hd_severity sev;
                for (size_t k = 0; g->vs[i] && hd_verdict_get_reason(g->vs[i], k, &code, &sev, &msg) == 0; k++) {
                        cJSON *r;
                        if (seen_before(g->vs, i, code, msg))
                                continue;
                        r = cJSON_CreateObject();
                        out_json_add_string(r, "device", hd_dev_get_name(g->devs[i]));
                        out_json_add_string(r, "code", code);
                        out_json_add_string(r, "severity", hd_severity_to_string(sev));
                        out_json_add_string(r, "message", msg);
                        cJSON_AddItemToArray(rs, r);
                }
        }
        return o;
}

/* --dot: the PCI functions of every group, bridges grey */
static int groups_dot(struct cli *cli, struct hd_dev *const *rows, size_t n,
                      const struct group_row *info)
{
        struct out_dot_marks m;
        int r;

        if (out_dot_marks_init(cli, &m) < 0)
                return -1;
        for (size_t i = 0; i < n; i++) {
                const struct group_row *gr = grow(rows[i], info);
                size_t x = hd_dev_get_index(rows[i]);
                m.show[x] = true;
                m.fill[x] = gr->eligible < 0 ? OUT_FILL_PART
                            : gr->eligible ? OUT_FILL_ELIGIBLE : OUT_FILL_REFUSED;
        }
        r = out_dot(cli, m.show, m.fill, NULL,
                    "IOMMU groups (dashed boxes); green: eligible, red: not eligible, "
                    "grey: bridge (stays on the host)");
        out_dot_marks_free(&m);
        return r;
}

/* The judge's word on group ID (hd_judge_group) into G.
 * Returns: 0, or -1 after a message. */
static int group_judge(struct cli *cli, int id, struct group_view *g)
{
        int r;

        memset(g, 0, sizeof(*g));
        g->id = id;
        g->devs = hd_ctx_get_iommu_group_devices(cli->ctx, id, &g->n);
        g->vs = cli_calloc(g->n, sizeof(*g->vs));
        if (!g->vs)
                return -1;
        r = hd_judge_group(cli->ctx, id, 0, g->vs, g->n);
        if (r < 0) {
                cli_err("groups: %s", cli_lib_msg(cli, r));
                return -1;
        }
        g->viable = r > 0;
        for (size_t i = 0; i < g->n; i++)
                g->n_endpoints += g->vs[i] != NULL;
        return 0;
}

static void group_view_free(struct group_view *g)
{
        for (size_t i = 0; g->vs && i < g->n; i++)
                hd_verdict_free(g->vs[i]);
        free(g->vs);
}

/* One run of hostdev groups: the options and what is gathered for the end */
struct groups_run {
        struct out_opts o;
        const struct column *sel[32];
        size_t nsel;
        bool json, table;
        struct hd_dev **rows;           /* the functions of every group, in order */
        size_t nrows;
        struct group_row *info;         /* their verdicts, by device index */
        cJSON *root, *arr;
};

/* Take groups' options into G.  Returns: -1 to go on, or an exit code. */
static int take_groups_opts(struct groups_run *g, int argc, char **argv)
{
        static const struct option opts[] = {
                OUT_LONG_OPTS,
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct out_opts *o = &g->o;
        int c, r;

        while ((c = getopt_long(argc, argv, OUT_SHORT_OPTS "h", opts, NULL)) >= 0) {
                r = out_take_opt(o, c, optarg);
                if (r == 2)
                        return EXIT_OK;
                if (r)
                        continue;
                switch (c) {
                case 'h': groups_usage(stdout); return EXIT_OK;
                default: groups_usage(stderr); return EXIT_USAGE;
                }
        }
        if (optind < argc) {
                cli_err("groups: unexpected argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        g->json = o->fmt == OUT_JSON;
        g->table = !g->json && o->fmt != OUT_DOT &&
                   (o->columns_given || o->noheadings || o->fmt == OUT_RAW || o->fmt == OUT_PAIRS);
        if ((g->table || (g->json && o->columns_given)) && out_select_columns(o, g->sel, &g->nsel) < 0)
                return EXIT_USAGE;
        return -1;
}

/* Group V, the GI-th: its rows for the table and --dot, then its text or JSON */
static void group_add(struct cli *cli, struct groups_run *g, const struct group_view *v, size_t gi)
{
        for (size_t i = 0; i < v->n; i++) {
                struct group_row *gr = &g->info[hd_dev_get_index(v->devs[i])];
                gr->group = v->id;
                gr->viable = v->viable;
                gr->eligible = v->vs[i] ? hd_verdict_is_eligible(v->vs[i]) : -1;
                g->rows[g->nrows++] = v->devs[i];
        }
        if (g->json) {
                cJSON_AddItemToArray(g->arr, group_json(v, g->o.columns_given ? g->sel : NULL, g->nsel, g->info));
        } else if (!g->table && g->o.fmt != OUT_DOT) {
                if (gi)
                        putchar('\n');
                group_text(cli, v);
        }
}

/* Judge and add every group.  Returns: an exit code. */
static int groups_each(struct cli *cli, struct groups_run *g)
{
        size_t ng = hd_ctx_get_n_iommu_groups(cli->ctx);

        if (g->json) {
                g->root = out_json_root();
                g->arr = cJSON_AddArrayToObject(g->root, "groups");
        } else if (!ng && !g->table && g->o.fmt != OUT_DOT) {
                printf("No IOMMU groups: the IOMMU is off or absent, so nothing can be passed through\n"
                       "with vfio-pci; 'hostdev check DEVICE' says what to change.\n");
        }
        for (size_t gi = 0; gi < ng; gi++) {
                struct group_view v;
                int r = group_judge(cli, hd_ctx_get_iommu_group_id(cli->ctx, gi), &v);
                if (r == 0)
                        group_add(cli, g, &v, gi);
                group_view_free(&v);
                if (r < 0)
                        return EXIT_ERROR;
        }
        return EXIT_OK;
}

/* After every group: the table, the picture or the JSON document */
static int groups_print(struct cli *cli, struct groups_run *g)
{
        if (g->table && out_rows(cli, &g->o, g->rows, g->nrows, NULL) < 0)
                return EXIT_ERROR;
        if (g->o.fmt == OUT_DOT && groups_dot(cli, g->rows, g->nrows, g->info) < 0)
                return EXIT_ERROR;
        if (g->json) {
                cJSON *root = g->root;
                g->root = NULL;         /* printed and freed */
                return out_print_json(root) < 0 ? EXIT_ERROR : EXIT_OK;
        }
        return EXIT_OK;
}

int cmd_groups(struct cli *cli, int argc, char **argv)
{
        struct groups_run g = { .o = { .columns = group_columns, .type = -1,
                                       .colspec = "GROUP,VIABLE,ADDRESS,ID,DRIVER,ELIGIBLE,NAME" } };
        size_t nd;
        int rc;

        rc = take_groups_opts(&g, argc, argv);
        if (rc >= 0)
                return rc;
        if (cli_scan(cli) < 0)
                return EXIT_ERROR;
        nd = hd_ctx_get_n_devices(cli->ctx);
        g.info = cli_calloc(nd, sizeof(*g.info));
        g.rows = g.info ? cli_calloc(nd, sizeof(*g.rows)) : NULL;
        g.o.data = g.info;
        rc = g.rows ? groups_each(cli, &g) : EXIT_ERROR;
        if (rc == EXIT_OK)
                rc = groups_print(cli, &g);
        cJSON_Delete(g.root);
        free(g.rows);
        free(g.info);
        return rc;
}
