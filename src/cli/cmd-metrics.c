/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostdev metrics: the host's passthrough state in the Prometheus text
 * exposition format, for node_exporter's textfile collector
 * (hostdev-metrics.service writes it atomically into the collector's
 * directory).  Everything comes from the library: the scan, the judge
 * (hd_judge_many), the configuration and hd_status(), and the record of the
 * last apply (hd_apply_get_last()); this file only formats.
 *
 * Device strings are attacker-controlled (a USB product string can hold
 * quotes, backslashes, newlines, terminal escapes, invalid UTF-8): every
 * label value is first made printable and valid UTF-8 by hd_escape()
 * (HD_ESCAPE_TEXT: controls, backslash and bad bytes as \xHH / \\), then
 * escaped as the exposition format wants (\\, \", \n).
 *
 * The whole text is built in memory and printed only when complete, so a
 * failure leaves stdout empty and the unit keeps the previous file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define VFIO "vfio-pci"

/* one exported device */
struct mdev {
        struct hd_dev *dev;
        struct hd_verdict *v;           /* NULL: not judged */
        bool held;
        const struct hd_report_item *st;        /* status item (PCI), or NULL */
};

struct metrics {
        struct cli *cli;
        FILE *f;
        struct mdev *devs;
        size_t n;
        struct hd_dev **judged;         /* devices judged, in one run */
        struct hd_verdict **vs;
        size_t n_judged;
        struct hd_verdict **by_index;   /* verdict by hd_dev_get_index(), or NULL */
        struct mdev **by_dev;           /* exported device by hd_dev_get_index(), or NULL */
        struct hd_config *cfg;          /* NULL when the configuration is malformed */
        struct hd_report *status;
        unsigned types;                 /* bit per enum hd_dev_type */
};

/* ---------------------------------------------------------------- exposition */

/* S as a label value: printable, valid UTF-8, then \\ \" \n escaped. */
static void put_label_value(FILE *f, const char *s)
{
        char *safe = hd_escape(s ? s : "", HD_ESCAPE_TEXT);

        for (const char *p = safe ? safe : "?"; *p; p++) {
                if (*p == '\\' || *p == '"')
                        fputc('\\', f);
                if (*p == '\n')
                        fputs("\\n", f);
                else
                        fputc(*p, f);
        }
        free(safe);
}

static void put_label(FILE *f, bool *first, const char *name, const char *value)
{
        if (!value)
                return;
        fprintf(f, "%s%s=\"", *first ? "{" : ",", name);
        put_label_value(f, value);
        fputc('"', f);
        *first = false;
}

static void end_labels(FILE *f, bool first)
{
        if (!first)
                fputc('}', f);
}

static void family(FILE *f, const char *name, const char *help)
{
        fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void sample_dev(FILE *f, const char *metric, const struct mdev *m, double value)
{
        bool first = true;

        fputs(metric, f);
        put_label(f, &first, "device", hd_dev_get_name(m->dev));
        end_labels(f, first);
        fprintf(f, " %.17g\n", value);
}

static void sample_group(FILE *f, const char *metric, int group, double value)
{
        fprintf(f, "%s{iommu_group=\"%d\"} %.17g\n", metric, group, value);
}

/* ---------------------------------------------------------------- data */

/* A string property of D (borrowed from D), or NULL; every key asked here is a string. */
static const char *prop(struct hd_dev *d, const char *key, struct hd_value *val)
{
        if (hd_dev_get_property(d, key, val) < 0)
                return NULL;
        return val->kind == HD_VALUE_STRING ? val->str : NULL;
}

static bool wanted(const struct metrics *m, struct hd_dev *d)
{
        enum hd_dev_type t = hd_dev_get_type(d);

        if (!(m->types & (1u << t)))
                return false;
        if (t == HD_DEV_PCI)
                return !hd_dev_is_pci_bridge(d);
        if (t == HD_DEV_USB_DEVICE)
                return !hd_dev_is_usb_root_hub(d);
        return true;
}

static bool has_reason(const struct hd_verdict *v, const char *want)
{
        const char *code;

        for (size_t i = 0; v && hd_verdict_get_reason(v, i, &code, NULL, NULL) == 0; i++)
                if (strcmp(code, want) == 0)
                        return true;
        return false;
}

static const struct hd_verdict *verdict_of(const struct metrics *m, const struct hd_dev *d)
{
        return m->by_index[hd_dev_get_index(d)];
}

/* Judge every exported device and every PCI endpoint (for the groups) in one run. */
static int collect(struct metrics *m)
{
        size_t nd = hd_ctx_get_n_devices(m->cli->ctx);
        int r;

        m->devs = calloc(nd + 1, sizeof(*m->devs));
        m->judged = calloc(nd + 1, sizeof(*m->judged));
        m->vs = calloc(nd + 1, sizeof(*m->vs));
        m->by_index = calloc(nd + 1, sizeof(*m->by_index));
        m->by_dev = calloc(nd + 1, sizeof(*m->by_dev));
        if (!m->devs || !m->judged || !m->vs || !m->by_index || !m->by_dev)
                return -ENOMEM;
        for (size_t i = 0; i < nd; i++) {
                struct hd_dev *d = hd_ctx_get_device(m->cli->ctx, i);
                bool endpoint = hd_dev_get_type(d) == HD_DEV_PCI && !hd_dev_is_pci_bridge(d);
                if (wanted(m, d)) {
                        m->by_dev[i] = &m->devs[m->n];
                        m->devs[m->n++].dev = d;
                }
                if (wanted(m, d) || (endpoint && hd_dev_get_iommu_group(d) >= 0))
                        m->judged[m->n_judged++] = d;
        }
        r = hd_judge_many(m->cli->ctx, m->judged, m->n_judged, 0, m->vs);
        if (r < 0)
                return r;
        for (size_t i = 0; i < m->n_judged; i++)
                m->by_index[hd_dev_get_index(m->judged[i])] = m->vs[i];
        for (size_t i = 0; i < m->n; i++) {
                m->devs[i].v = (struct hd_verdict *)verdict_of(m, m->devs[i].dev);
                m->devs[i].held = has_reason(m->devs[i].v, "held");
        }
        return 0;
}

/* A status item for a VF count or an mdev (put_made), not a PCI function's. */
static bool made_item(const struct hd_report_item *it)
{
        return it->action == HD_ACTION_SRIOV || it->action == HD_ACTION_MDEV;
}

/* The configuration and hd_status(): configured, bound by hostdev.  A
 * malformed configuration leaves cfg NULL (reported as hostdev_config_valid 0);
 * the journal is still read, with an empty configuration. */
static int load_status(struct metrics *m)
{
        struct hd_config *empty = NULL;
        int r = hd_config_load(m->cli->ctx, &m->cfg);

        if (r == -EINVAL)
                m->cfg = NULL;
        else if (r < 0)
                return r;
        if (!m->cfg && hd_config_new(m->cli->ctx, &empty) < 0)
                return -ENOMEM;
        /* the items point into the configuration: m->cfg lives as long as they do */
        r = hd_status(m->cli->ctx, m->cfg ? m->cfg : empty, &m->status);
        if (r < 0) {
                hd_config_free(empty);
                return r;
        }
        for (size_t k = 0; k < hd_report_get_n_items(m->status); k++) {
                const struct hd_report_item *it = hd_report_get_item(m->status, k);
                struct mdev *md = m->by_dev[hd_dev_get_index(it->dev)];
                if (md && !made_item(it))
                        md->st = it;
        }
        /* an empty configuration has no entries for items to point at */
        hd_config_free(empty);
        return 0;
}

/* ---------------------------------------------------------------- families */

static void put_info(struct metrics *m)
{
        family(m->f, "hostdev_device_info",
               "A device hostdev can pass through (1); its identity in the labels.");
        for (size_t i = 0; i < m->n; i++) {
                struct hd_dev *d = m->devs[i].dev;
                struct hd_dev *parent = hd_dev_get_parent(d);
                struct hd_value v1, v2, v3, v4, v5, v6, v7;
                const char *vendor, *product;
                char group[16];
                bool first = true;

                vendor = prop(d, "vendor_name", &v1);
                if (!vendor)
                        vendor = prop(d, "manufacturer", &v1);
                product = prop(d, "device_name", &v2);
                if (!product)
                        product = prop(d, "product_name", &v2);
                if (!product)
                        product = prop(d, "product", &v2);
                fputs("hostdev_device_info", m->f);
                put_label(m->f, &first, "device", hd_dev_get_name(d));
                put_label(m->f, &first, "type", hd_dev_type_to_string(hd_dev_get_type(d)));
                put_label(m->f, &first, "parent", parent ? hd_dev_get_name(parent) : NULL);
                if (hd_dev_get_type(d) == HD_DEV_PCI) {
                        put_label(m->f, &first, "address", hd_dev_get_pci_address(d));
                        snprintf(group, sizeof(group), "%d", hd_dev_get_iommu_group(d));
                        put_label(m->f, &first, "iommu_group",
                                  hd_dev_get_iommu_group(d) >= 0 ? group : NULL);
                }
                put_label(m->f, &first, "vendor_id", prop(d, "vendor_id", &v3));
                put_label(m->f, &first, "product_id", hd_dev_get_type(d) == HD_DEV_PCI
                                                          ? prop(d, "device_id", &v4)
                                                          : prop(d, "product_id", &v4));
                put_label(m->f, &first, "class", prop(d, "class", &v5));
                put_label(m->f, &first, "vendor", vendor);
                put_label(m->f, &first, "product", product);
                put_label(m->f, &first, "serial", prop(d, "serial", &v6));
                put_label(m->f, &first, "driver", prop(d, "driver", &v7));
                end_labels(m->f, first);
                fputs(" 1\n", m->f);
        }
}

/* The per-device gauges, in their order of output. */
enum gauge { G_ELIGIBLE, G_HELD, G_VFIO, G_BOUND, G_CONFIGURED };
static const struct {
        const char *name, *help;
        bool pci_only;
} gauges[] = {
        [G_ELIGIBLE] = { "hostdev_device_eligible",
                         "1 when the judge lets the device be passed through (hostdev check).", false },
        [G_HELD] = { "hostdev_device_held",
                     "1 when a process (a VM) has the device's node open (the judge's held reason).", false },
        [G_VFIO] = { "hostdev_device_vfio", "1 when the PCI function is bound to vfio-pci.", true },
        [G_BOUND] = { "hostdev_device_bound_by_hostdev",
                      "1 when hostdev's journal records the PCI function as taken from its driver by hostdev.",
                      true },
        [G_CONFIGURED] = { "hostdev_device_configured",
                           "1 when hostdev.conf puts the PCI function's IOMMU group on vfio-pci.", true },
};

static bool gauge_value(const struct mdev *d, enum gauge g)
{
        const char *drv = hd_dev_get_driver(d->dev);

        switch (g) {
        case G_ELIGIBLE: return d->v && hd_verdict_is_eligible(d->v);
        case G_HELD: return d->held;
        case G_VFIO: return drv && strcmp(drv, VFIO) == 0;
        case G_BOUND: return d->st && d->st->by_hostdev;
        default: return d->st && d->st->configured;
        }
}

static void put_device_gauges(struct metrics *m)
{
        for (size_t k = 0; k < sizeof(gauges) / sizeof(gauges[0]); k++) {
                /* configured is unknown without a configuration: hostdev_config_valid says why */
                if (k == G_CONFIGURED && !m->cfg)
                        return;
                family(m->f, gauges[k].name, gauges[k].help);
                for (size_t i = 0; i < m->n; i++)
                        if (!gauges[k].pci_only || hd_dev_get_type(m->devs[i].dev) == HD_DEV_PCI)
                                sample_dev(m->f, gauges[k].name, &m->devs[i],
                                           gauge_value(&m->devs[i], (enum gauge)k));
        }
}

struct gview {
        int id;
        bool viable, held, configured;
};

static void group_view(const struct metrics *m, int id, struct gview *g)
{
        size_t n = 0, ne = 0;
        struct hd_dev *const *devs = hd_ctx_get_iommu_group_devices(m->cli->ctx, id, &n);

        g->id = id;
        g->viable = true;
        g->held = g->configured = false;
        for (size_t i = 0; i < n; i++) {
                const struct hd_verdict *v;
                if (hd_dev_is_pci_bridge(devs[i]))
                        continue;
                ne++;
                v = verdict_of(m, devs[i]);
                g->viable = g->viable && v && hd_verdict_is_eligible(v);
                g->held = g->held || has_reason(v, "held");
        }
        g->viable = g->viable && ne > 0;
        for (size_t k = 0; k < hd_report_get_n_items(m->status); k++) {
                const struct hd_report_item *it = hd_report_get_item(m->status, k);
                if (it->group == id && it->configured && !made_item(it))
                        g->configured = true;
        }
}

static void put_groups(struct metrics *m)
{
        size_t ng = hd_ctx_get_n_iommu_groups(m->cli->ctx);
        struct gview *gs = calloc(ng + 1, sizeof(*gs));

        family(m->f, "hostdev_iommu_groups", "IOMMU groups of the host (0: the IOMMU is off).");
        fprintf(m->f, "hostdev_iommu_groups %zu\n", ng);
        if (!gs)
                return;
        for (size_t i = 0; i < ng; i++)
                group_view(m, hd_ctx_get_iommu_group_id(m->cli->ctx, i), &gs[i]);
        family(m->f, "hostdev_iommu_group_viable",
               "1 when every endpoint of the group is eligible (hostdev groups); bridges-only groups are 0.");
        for (size_t i = 0; i < ng; i++)
                sample_group(m->f, "hostdev_iommu_group_viable", gs[i].id, gs[i].viable);
        family(m->f, "hostdev_iommu_group_held", "1 when a process holds a function of the group.");
        for (size_t i = 0; i < ng; i++)
                sample_group(m->f, "hostdev_iommu_group_held", gs[i].id, gs[i].held);
        if (m->cfg) {
                family(m->f, "hostdev_iommu_group_configured",
                       "1 when hostdev.conf selects a function of the group.");
                for (size_t i = 0; i < ng; i++)
                        sample_group(m->f, "hostdev_iommu_group_configured", gs[i].id,
                                     gs[i].configured);
        }
        free(gs);
}

static void put_config(struct metrics *m)
{
        family(m->f, "hostdev_config_valid",
               "1 when hostdev.conf and hostdev.d parse; 0: apply refuses to run.");
        fprintf(m->f, "hostdev_config_valid %d\n", m->cfg != NULL);
        if (!m->cfg)
                return;
        family(m->f, "hostdev_config_entries", "Entries in hostdev.conf and hostdev.d.");
        fprintf(m->f, "hostdev_config_entries %zu\n", hd_config_get_n_entries(m->cfg));
        family(m->f, "hostdev_config_warnings",
               "Warnings of hostdev status: entries selecting no device, foreign vfio-pci bindings, ...");
        fprintf(m->f, "hostdev_config_warnings %zu\n", hd_report_get_n_warnings(m->status));
}

static void put_apply(struct metrics *m)
{
        static const struct {
                enum hd_apply_scope scope;
                const char *name;
        } scopes[] = { { HD_APPLY_SCOPE_FULL, "full" }, { HD_APPLY_SCOPE_DEVICE, "device" } };
        static const char *const names[] = {
                "hostdev_apply_last_success", "hostdev_apply_last_timestamp_seconds",
                "hostdev_apply_last_duration_seconds", "hostdev_apply_last_changed_devices",
                "hostdev_apply_last_failed_devices",
        };
        static const char *const helps[] = {
                "1 when the last apply (scope full: the whole configuration; device: apply --device, persist, forget) succeeded.",
                "When the last apply ended, seconds since the epoch.",
                "How long the last apply took.",
                "PCI functions the last apply changed.",
                "PCI functions of groups the last apply failed or refused.",
        };
        struct hd_apply_record rec[2];
        bool have[2];

        for (size_t s = 0; s < 2; s++) {
                int r = hd_apply_get_last(m->cli->ctx, scopes[s].scope, &rec[s]);
                have[s] = r == 0;
                if (r < 0 && r != -ENOENT)
                        cli_err("metrics: %s", hd_ctx_get_error(m->cli->ctx));
        }
        if (!have[0] && !have[1])
                return;
        for (size_t k = 0; k < 5; k++) {
                family(m->f, names[k], helps[k]);
                for (size_t s = 0; s < 2; s++) {
                        const struct hd_apply_record *a = &rec[s];
                        double v = k == 0 ? a->result == 0 : k == 1 ? a->time
                                 : k == 2 ? a->duration : k == 3 ? a->changed : a->failed;
                        if (have[s])
                                fprintf(m->f, "%s{scope=\"%s\"} %.17g\n", names[k], scopes[s].name, v);
                }
        }
}

/* ---------------------------------------------------------------- SR-IOV and mdevs */

/* The status item (VF count or mdev, ACTION) of D, or NULL. */
static const struct hd_report_item *made_of(const struct metrics *m, const struct hd_dev *d,
                                            enum hd_action action)
{
        for (size_t k = 0; k < hd_report_get_n_items(m->status); k++) {
                const struct hd_report_item *it = hd_report_get_item(m->status, k);
                if (it->action == action && it->dev == d)
                        return it;
        }
        return NULL;
}

/* Every SR-IOV PF: its VF count, the most it can have, the count hostdev.conf
 * asks for, whether hostdev changed it.  Nothing when the host has none. */
static void put_sriov(struct metrics *m)
{
        static const char *const names[] = {
                "hostdev_sriov_numvfs", "hostdev_sriov_totalvfs",
                "hostdev_sriov_changed_by_hostdev", "hostdev_sriov_configured_numvfs",
        };
        static const char *const helps[] = {
                "VFs the SR-IOV physical function has now (sriov_numvfs).",
                "VFs the SR-IOV physical function can have (sriov_totalvfs).",
                "1 when hostdev changed the PF's VF count (its journal; restore --all gives it back).",
                "The VF count hostdev.conf asks for (PFs with a sriov entry).",
        };
        size_t nd = hd_ctx_get_n_devices(m->cli->ctx), n = 0;

        for (size_t i = 0; i < nd; i++)
                n += hd_dev_get_sriov(m->cli->ctx, hd_ctx_get_device(m->cli->ctx, i), NULL, NULL, NULL) == 0;
        if (!n || !(m->types & (1u << HD_DEV_PCI)))
                return;
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
                if (k == 3 && !m->cfg)
                        break;
                family(m->f, names[k], helps[k]);
                for (size_t i = 0; i < nd; i++) {
                        struct hd_dev *d = hd_ctx_get_device(m->cli->ctx, i);
                        const struct hd_report_item *it = made_of(m, d, HD_ACTION_SRIOV);
                        struct mdev one = { .dev = d };
                        int total, cur;
                        if (hd_dev_get_sriov(m->cli->ctx, d, &total, &cur, NULL) < 0 ||
                            (k == 3 && !(it && it->entry)))
                                continue;
                        sample_dev(m->f, names[k], &one, k == 0 ? cur : k == 1 ? total
                                                       : k == 2 ? (it && it->by_hostdev)
                                                                : it->entry->numvfs);
                }
        }
}

static void put_mdev_info(struct metrics *m, struct hd_dev *d)
{
        struct hd_dev *parent = hd_dev_get_parent(d);
        char group[16];
        bool first = true;

        snprintf(group, sizeof(group), "%d", hd_dev_get_mdev_iommu_group(d));
        fputs("hostdev_mdev_info", m->f);
        put_label(m->f, &first, "device", hd_dev_get_name(d));
        put_label(m->f, &first, "uuid", hd_dev_get_mdev_uuid(d));
        put_label(m->f, &first, "parent", parent ? hd_dev_get_name(parent) : NULL);
        put_label(m->f, &first, "mdev_type", hd_dev_get_mdev_type(d));
        put_label(m->f, &first, "device_api", hd_dev_get_mdev_device_api(d));
        put_label(m->f, &first, "iommu_group", hd_dev_get_mdev_iommu_group(d) >= 0 ? group : NULL);
        put_label(m->f, &first, "driver", hd_dev_get_driver(d));
        end_labels(m->f, first);
        fputs(" 1\n", m->f);
}

/* Every mediated device: identity, held, made by hostdev, configured. */
static void put_mdevs(struct metrics *m)
{
        static const char *const names[] = {
                "hostdev_mdev_held", "hostdev_mdev_created_by_hostdev", "hostdev_mdev_configured",
        };
        static const char *const helps[] = {
                "1 when a process (a VM) has the mediated device open (the judge's held reason).",
                "1 when hostdev created the mediated device (its journal; restore --all removes it).",
                "1 when hostdev.conf has an mdev entry for it.",
        };
        size_t nd = hd_ctx_get_n_devices(m->cli->ctx), n = 0;

        for (size_t i = 0; i < nd; i++)
                n += hd_dev_get_type(hd_ctx_get_device(m->cli->ctx, i)) == HD_DEV_MDEV;
        if (!n || !(m->types & (1u << HD_DEV_PCI)))
                return;
        family(m->f, "hostdev_mdev_info", "A mediated device (vGPU, ...) (1); its identity in the labels.");
        for (size_t i = 0; i < nd; i++)
                if (hd_dev_get_type(hd_ctx_get_device(m->cli->ctx, i)) == HD_DEV_MDEV)
                        put_mdev_info(m, hd_ctx_get_device(m->cli->ctx, i));
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]) && (k < 2 || m->cfg); k++) {
                family(m->f, names[k], helps[k]);
                for (size_t i = 0; i < nd; i++) {
                        struct hd_dev *d = hd_ctx_get_device(m->cli->ctx, i);
                        const struct hd_report_item *it = made_of(m, d, HD_ACTION_MDEV);
                        struct hd_verdict *v = NULL;
                        struct mdev one = { .dev = d };
                        if (hd_dev_get_type(d) != HD_DEV_MDEV)
                                continue;
                        if (k == 0 && hd_judge(m->cli->ctx, d, 0, &v) >= 0) {
                                one.held = has_reason(v, "held");
                                hd_verdict_free(v);
                        }
                        sample_dev(m->f, names[k], &one, k == 0 ? one.held : k == 1 ? it && it->by_hostdev
                                                                              : it && it->configured);
                }
        }
}

/* Per mdev parent and type: instances that can still be created. */
static void put_mdev_types(struct metrics *m)
{
        size_t nd = hd_ctx_get_n_devices(m->cli->ctx);
        bool fam = false;

        if (!(m->types & (1u << HD_DEV_PCI)))
                return;
        for (size_t i = 0; i < nd; i++) {
                struct hd_dev *d = hd_ctx_get_device(m->cli->ctx, i);
                struct hd_mdev_type *types = NULL;
                int n = hd_dev_get_type(d) == HD_DEV_PCI ? hd_dev_get_mdev_types(m->cli->ctx, d, &types) : 0;
                for (int t = 0; t < n; t++) {
                        bool first = true;
                        if (types[t].available < 0)
                                continue;
                        if (!fam)
                                family(m->f, "hostdev_mdev_available_instances",
                                       "Mediated devices of the type the parent can still create.");
                        fam = true;
                        fputs("hostdev_mdev_available_instances", m->f);
                        put_label(m->f, &first, "device", hd_dev_get_name(d));
                        put_label(m->f, &first, "mdev_type", types[t].id);
                        end_labels(m->f, first);
                        fprintf(m->f, " %ld\n", types[t].available);
                }
                if (n > 0)
                        hd_mdev_types_free(types, (size_t)n);
        }
}

/* ---------------------------------------------------------------- verb */

static void usage(FILE *f)
{
        fprintf(f, "Usage: hostdev metrics [--type TYPE[,TYPE...]]\n\n"
                   "Print the host's passthrough state in the Prometheus text format, for\n"
                   "node_exporter's textfile collector (hostdev-metrics.timer writes it to\n"
                   "/var/lib/prometheus/node-exporter/hostdev.prom every minute): per device\n"
                   "info, eligible, held, on vfio-pci, configured, bound by hostdev; per IOMMU\n"
                   "group viable, held, configured; the configuration's validity; the last\n"
                   "apply's result and time.  Label values are escaped.\n\n"
                   "      --type TYPES     devices of these types only: pci, usb_device,\n"
                   "                       scsi_generic (default: all three)\n"
                   "  -h, --help           this help\n\n"
                   "Exit status: 0, or 1 (nothing printed) when the host cannot be read.\n");
}

static int parse_types(const char *spec, unsigned *types)
{
        char *copy = strdup(spec), *save = NULL;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        *types = 0;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                int ty = hd_dev_type_from_string(t);
                if (ty != HD_DEV_PCI && ty != HD_DEV_USB_DEVICE && ty != HD_DEV_SCSI_GENERIC) {
                        cli_err("metrics: --type: '%s' is not pci, usb_device or scsi_generic", t);
                        r = -EINVAL;
                        break;
                }
                *types |= 1u << ty;
        }
        free(copy);
        return r < 0 ? r : *types ? 0 : -EINVAL;
}

static void metrics_free(struct metrics *m)
{
        for (size_t i = 0; m->vs && i < m->n_judged; i++)
                hd_verdict_free(m->vs[i]);
        free(m->vs);
        free(m->by_index);
        free(m->by_dev);
        free(m->judged);
        free(m->devs);
        hd_report_free(m->status);
        hd_config_free(m->cfg);
}

/* Every family, in order, into a malloc'd text of *LEN bytes; NULL when out of memory. */
static char *expose(struct metrics *m, size_t *len)
{
        char *text = NULL;

        m->f = open_memstream(&text, len);
        if (!m->f)
                return NULL;
        family(m->f, "hostdev_build_info", "hostdev's version (1).");
        fprintf(m->f, "hostdev_build_info{version=\"%s\"} 1\n", HD_VERSION);
        put_info(m);
        put_device_gauges(m);
        put_groups(m);
        put_sriov(m);
        put_mdevs(m);
        put_mdev_types(m);
        put_config(m);
        put_apply(m);
        if (fclose(m->f) != 0) {
                free(text);
                return NULL;
        }
        return text;
}

int cmd_metrics(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "type", required_argument, NULL, 'T' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct metrics m = {
                .cli = cli,
                .types = 1u << HD_DEV_PCI | 1u << HD_DEV_USB_DEVICE | 1u << HD_DEV_SCSI_GENERIC,
        };
        char *text = NULL;
        size_t len = 0;
        int c, r;

        while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0) {
                switch (c) {
                case 'T':
                        if (parse_types(optarg, &m.types) < 0)
                                return EXIT_USAGE;
                        break;
                case 'h': usage(stdout); return EXIT_OK;
                default: usage(stderr); return EXIT_USAGE;
                }
        }
        if (optind < argc) {
                cli_err("metrics takes no devices");
                return EXIT_USAGE;
        }
        if (cli_scan(cli) < 0)
                return EXIT_ERROR;
        r = collect(&m);
        if (r >= 0)
                r = load_status(&m);
        if (r < 0) {
                cli_err("metrics: %s", *hd_ctx_get_error(cli->ctx) ? hd_ctx_get_error(cli->ctx)
                                                                   : strerror(-r));
                metrics_free(&m);
                return EXIT_ERROR;
        }
        text = expose(&m, &len);
        metrics_free(&m);
        if (!text) {
                cli_err("out of memory");
                free(text);
                return EXIT_ERROR;
        }
        fwrite(text, 1, len, stdout);
        free(text);
        return EXIT_OK;
}
