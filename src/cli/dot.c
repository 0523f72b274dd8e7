/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --dot: a Graphviz picture of the device tree.  Devices are nodes (named
 * n<index>, so no device string is ever a Graphviz identifier), the tree is
 * the edges, the PCI functions of one IOMMU group share a cluster, colours
 * come from the caller (the judge's verdicts).  Every device string goes
 * through the terminal escaping first (controls and invalid UTF-8 become
 * \xHH), then '"' and '\' are escaped for a quoted Graphviz string.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "output.h"

/* U+FDD0..U+FDEF, U+FFFE, U+FFFF: valid UTF-8, but not allowed in the XML
 * (SVG) that dot makes of the label */
static bool noncharacter(const unsigned char *p)
{
        return p[0] == 0xef && ((p[1] == 0xb7 && p[2] >= 0x90 && p[2] <= 0xaf) ||
                                (p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)));
}

/* S inside "...": after hd_escape only printable text is left; '"' and '\\'
 * are escaped for dot, noncharacters written as \\xHH like other bad bytes */
static void put_dot_text(const char *s)
{
        char *safe = hd_escape(s ? s : "", HD_ESCAPE_TEXT);

        for (const unsigned char *p = (const unsigned char *)(safe ? safe : "?"); *p; p++) {
                if (noncharacter(p)) {
                        printf("\\\\x%02x\\\\x%02x\\\\x%02x", p[0], p[1], p[2]);
                        p += 2;
                        continue;
                }
                if (*p == '"' || *p == '\\')
                        putchar('\\');
                putchar(*p);
        }
        free(safe);
}

static char *prop(struct hd_dev *d, const char *key)
{
        struct hd_value v;

        if (hd_dev_get_property(d, key, &v) < 0 || v.kind != HD_VALUE_STRING || !*v.str)
                return NULL;
        return strdup(v.str);
}

/* Second label line: what a person recognises the device by. */
static char *describe(struct hd_dev *d)
{
        static const char *const keys[][2] = {
                [HD_DEV_PCI] = { "vendor_name", "device_name" },
                [HD_DEV_USB_DEVICE] = { "manufacturer", "product" },
                [HD_DEV_SCSI] = { "vendor", "model" },
                [HD_DEV_NET] = { "address", NULL },
        };
        enum hd_dev_type t = hd_dev_get_type(d);
        char *a, *b, *s = NULL;

        if ((size_t)t >= sizeof(keys) / sizeof(keys[0]) || !keys[t][0])
                return NULL;
        a = prop(d, keys[t][0]);
        b = keys[t][1] ? prop(d, keys[t][1]) : NULL;
        if (a && b && asprintf(&s, "%s %s", a, b) < 0)
                s = NULL;
        else if (!(a && b))
                s = a ? strdup(a) : b ? strdup(b) : NULL;
        free(a);
        free(b);
        return s;
}

static void put_node(struct hd_dev *d, const char *fill, bool bold, const char *indent)
{
        const char *addr = hd_dev_get_type(d) == HD_DEV_PCI ? hd_dev_get_pci_address(d) : NULL;
        const char *drv = hd_dev_get_driver(d);
        char *desc = describe(d);

        printf("%sn%zu [label=\"", indent, hd_dev_get_index(d));
        put_dot_text(hd_dev_get_name(d));
        if (addr) {
                fputs("\\n", stdout);
                put_dot_text(addr);
        }
        if (desc) {
                fputs("\\n", stdout);
                put_dot_text(desc);
        }
        if (drv) {
                fputs("\\n[", stdout);
                put_dot_text(drv);
                putchar(']');
        }
        printf("\", fillcolor=\"%s\"%s];\n", fill ? fill : "white",
               bold ? ", penwidth=3, color=\"#c00000\", fontname=\"Helvetica-Bold\"" : "");
        free(desc);
}

int out_dot_marks_init(struct cli *cli, struct out_dot_marks *m)
{
        size_t n = hd_ctx_get_n_devices(cli->ctx);

        m->show = calloc(n + 1, sizeof(*m->show));
        m->bold = calloc(n + 1, sizeof(*m->bold));
        m->fill = calloc(n + 1, sizeof(*m->fill));
        if (m->show && m->bold && m->fill)
                return 0;
        out_dot_marks_free(m);
        cli_err("out of memory");
        return -1;
}

void out_dot_marks_free(struct out_dot_marks *m)
{
        free(m->show);
        free(m->bold);
        free(m->fill);
        m->show = m->bold = NULL;
        m->fill = NULL;
}

int out_dot(struct cli *cli, const bool *show, const char *const *fill, const bool *highlight,
            const char *title)
{
        size_t n = hd_ctx_get_n_devices(cli->ctx), ng = hd_ctx_get_n_iommu_groups(cli->ctx);
        bool *done = cli_calloc(n, sizeof(*done));

        if (!done)
                return -1;
        fputs("digraph hostdev {\n"
              "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, labelloc=t];\n"
              "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n"
              "  edge [arrowhead=none, color=\"#808080\"];\n", stdout);
        if (title) {
                fputs("  label=\"", stdout);
                put_dot_text(title);
                fputs("\";\n", stdout);
        }
        /* the IOMMU groups first, as clusters holding their shown functions */
        for (size_t gi = 0; gi < ng; gi++) {
                int id = hd_ctx_get_iommu_group_id(cli->ctx, gi);
                size_t k, m = 0;
                struct hd_dev *const *gd = hd_ctx_get_iommu_group_devices(cli->ctx, id, &k);

                for (size_t i = 0; i < k; i++)
                        m += show[hd_dev_get_index(gd[i])];
                if (!m)
                        continue;
                printf("  subgraph cluster_group%d {\n"
                       "    label=\"IOMMU group %d\"; style=\"rounded,dashed\"; color=\"#4060a0\";\n",
                       id, id);
                for (size_t i = 0; i < k; i++) {
                        size_t x = hd_dev_get_index(gd[i]);
                        if (!show[x] || done[x])
                                continue;
                        put_node(gd[i], fill ? fill[x] : NULL, highlight && highlight[x], "    ");
                        done[x] = true;
                }
                fputs("  }\n", stdout);
        }
        for (size_t i = 0; i < n; i++) {
                struct hd_dev *d = hd_ctx_get_device(cli->ctx, i);
                if (show[i] && !done[i])
                        put_node(d, fill ? fill[i] : NULL, highlight && highlight[i], "  ");
        }
        for (size_t i = 0; i < n; i++) {
                struct hd_dev *p = hd_dev_get_parent(hd_ctx_get_device(cli->ctx, i));
                if (show[i] && p && show[hd_dev_get_index(p)])
                        printf("  n%zu -> n%zu;\n", hd_dev_get_index(p), i);
        }
        fputs("}\n", stdout);
        free(done);
        return 0;
}
