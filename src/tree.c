/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The device tree, made of a filled scan: a device's parent is its nearest
 * sysfs ancestor that is a device, found in the scan's hash of paths; the
 * result is ordered parents-before-children, SR-IOV functions are linked to
 * each other and IOMMU groups gathered from the devices' iommu_group links.
 * The public getters of the tree and its devices live here too (finding a
 * device by a name people type: lookup.c).
 */
#define _GNU_SOURCE
#include <limits.h>

#include "scan-mem.h"

/* The nearest ancestor of PATH that is a device: strip components and look
 * each prefix up in the hash; usually the first or second probe hits. */
static struct hd_dev *find_ancestor(const struct hd__scan *s, const char *path, size_t len)
{
        while (len > 0) {
                struct hd_dev *d;
                while (len > 0 && path[len - 1] != '/')
                        len--;
                if (len <= 1)
                        break;
                len--;          /* drop the slash */
                d = hd__scan_lookup_len(s, path, len);
                if (d)
                        return d;
        }
        return NULL;
}

/* Siblings: PCI functions by address (hex: 00:14.0 before 00:1f.4), then the
 * other types, by version order of their names (1-2 before 1-10). */
static int cmp_sibling(const void *a, const void *b)
{
        const struct hd_dev *x = *(const struct hd_dev *const *)a;
        const struct hd_dev *y = *(const struct hd_dev *const *)b;

        if (x->type != y->type)
                return (int)x->type - (int)y->type;
        if (x->type == HD_DEV_PCI) {
                unsigned long long kx = ((unsigned long long)x->domain << 16) | (x->bus << 8) |
                                        (x->slot << 3) | x->func;
                unsigned long long ky = ((unsigned long long)y->domain << 16) | (y->bus << 8) |
                                        (y->slot << 3) | y->func;
                return (kx > ky) - (kx < ky);
        }
        return strverscmp(x->sysname, y->sysname);
}

static void add_child(struct hd_dev *parent, struct hd_dev *d)
{
        d->parent = parent;
        if (parent->last_child)
                parent->last_child->next_sibling = d;
        else
                parent->first_child = d;
        parent->last_child = d;
        parent->n_children++;
}

/* Parents by hash lookups of path prefixes (linear in the number of
 * devices, no global sort); children are then put in version order of their
 * names (0000:00:02.0 before 0000:00:10.0, 1-2 before 1-10). */
static int link_parents(struct hd__scan *s)
{
        struct hd_dev **kids = malloc((s->n + 1) * sizeof(*kids));

        if (!kids)
                return -ENOMEM;
        for (size_t i = 0; i < s->n; i++) {
                struct hd_dev *d = s->devs[i], *p = find_ancestor(s, d->path, d->path_len);
                add_child(p ? p : s->root, d);
        }
        for (size_t i = 0; i <= s->n; i++) {
                struct hd_dev *p = i < s->n ? s->devs[i] : s->root, *c;
                size_t k = 0;
                if (p->n_children < 2)
                        continue;
                for (c = p->first_child; c; c = c->next_sibling)
                        kids[k++] = c;
                qsort(kids, k, sizeof(*kids), cmp_sibling);
                p->first_child = kids[0];
                for (size_t j = 0; j + 1 < k; j++)
                        kids[j]->next_sibling = kids[j + 1];
                kids[k - 1]->next_sibling = NULL;
                p->last_child = kids[k - 1];
        }
        free(kids);
        return 0;
}

/* Tree order by an explicit stack: no recursion on deep or hostile trees. */
static int order_tree(struct hd__scan *s)
{
        size_t cap = s->n + 1;
        struct hd_dev **out = malloc(cap * sizeof(*out));
        struct hd_dev **stack = malloc((s->n + 1) * sizeof(*stack));
        size_t no = 0, sp = 0;

        if (!out || !stack) {
                free(out);
                free(stack);
                return -ENOMEM;
        }
        stack[sp++] = s->root;
        while (sp > 0) {
                struct hd_dev *d = stack[--sp], *c;
                size_t first = sp;
                d->index = no;
                out[no++] = d;
                for (c = d->first_child; c; c = c->next_sibling)
                        stack[sp++] = c;
                /* reverse the pushed children so the first child pops first */
                for (size_t i = first, j = sp - 1; i < j && j != (size_t)-1; i++, j--) {
                        struct hd_dev *t = stack[i];
                        stack[i] = stack[j];
                        stack[j] = t;
                }
        }
        free(stack);
        free(s->devs);
        s->devs = out;
        s->n = no;
        s->cap = cap;
        return 0;
}

static int link_vfs(struct hd__scan *s)
{
        for (size_t i = 0; i < s->n; i++) {
                struct hd_dev *vf = s->devs[i], *pf;
                if (vf->type != HD_DEV_PCI || !vf->physfn_path)
                        continue;
                pf = hd__scan_lookup(s, vf->physfn_path);
                if (!pf || pf->type != HD_DEV_PCI)
                        continue;
                vf->physfn = pf;
                pf->n_virtfns++;
        }
        for (size_t i = 0; i < s->n; i++) {
                struct hd_dev *d = s->devs[i];
                if (d->type == HD_DEV_PCI && d->n_virtfns) {
                        d->virtfns = hd__scan_alloc(s, d->n_virtfns * sizeof(*d->virtfns));
                        if (!d->virtfns)
                                return -ENOMEM;
                        d->n_virtfns = 0;
                }
        }
        for (size_t i = 0; i < s->n; i++) {
                struct hd_dev *vf = s->devs[i];
                if (vf->type == HD_DEV_PCI && vf->physfn)
                        vf->physfn->virtfns[vf->physfn->n_virtfns++] = vf;
        }
        return 0;
}

static int cmp_group_member(const void *a, const void *b)
{
        const struct hd_dev *x = *(const struct hd_dev *const *)a;
        const struct hd_dev *y = *(const struct hd_dev *const *)b;

        if (x->iommu_group != y->iommu_group)
                return (x->iommu_group > y->iommu_group) - (x->iommu_group < y->iommu_group);
        return (x->index > y->index) - (x->index < y->index);
}

/* The devices in a group, sorted by group, then tree order (= address
 * order), into a malloc'd array; *N their count.  NULL when none or no memory. */
static struct hd_dev **group_members(const struct hd__scan *s, size_t *n)
{
        struct hd_dev **m;
        size_t k = 0;

        *n = 0;
        for (size_t i = 0; i < s->n; i++)
                if (s->devs[i]->iommu_group >= 0)
                        (*n)++;
        if (!*n || !(m = malloc(*n * sizeof(*m))))
                return NULL;
        for (size_t i = 0; i < s->n; i++)
                if (s->devs[i]->iommu_group >= 0)
                        m[k++] = s->devs[i];
        qsort(m, *n, sizeof(*m), cmp_group_member);
        return m;
}

/* Groups from the devices' iommu_group links, in scan memory: one pass
 * over the sorted members.  O(n log n). */
static int build_groups(struct hd__scan *s)
{
        size_t n;
        _cleanup_free_ struct hd_dev **m = group_members(s, &n);

        if (!n)
                return 0;
        s->groups = hd__scan_alloc(s, n * sizeof(*s->groups));
        if (!m || !s->groups)
                return -ENOMEM;
        for (size_t i = 0, j; i < n; i = j) {
                struct hd__group *g = &s->groups[s->n_groups++];
                for (j = i; j < n && m[j]->iommu_group == m[i]->iommu_group; j++)
                        ;
                g->id = m[i]->iommu_group;
                g->n = j - i;
                g->devs = hd__scan_alloc(s, (g->n + 1) * sizeof(*g->devs));
                if (!g->devs)
                        return -ENOMEM;
                memcpy(g->devs, m + i, g->n * sizeof(*g->devs));      /* NULL-terminated: zeroed */
        }
        s->have_iommu = true;
        return 0;
}

static int group_index(const struct hd__scan *s, int id)
{
        size_t lo = 0, hi = s->n_groups;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (s->groups[mid].id == id)
                        return (int)mid;
                if (s->groups[mid].id < id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return -1;
}
/* The root ("computer") device: it has no path, so it is never hashed */
static int add_root(struct hd__scan *s)
{
        s->root = hd__dev_new(s, HD_DEV_SYSTEM, NULL);
        if (!s->root || !(s->root->name = hd__scan_strdup(s, "computer")))
                return -ENOMEM;
        return 0;
}

int hd__tree_build(struct hd_ctx *ctx, struct hd__scan *s)
{
        int r = add_root(s);

        if (r >= 0)
                r = link_parents(s);
        if (r >= 0)
                r = link_vfs(s);
        /* the root joins the list only now: it has no path to hash */
        if (r >= 0)
                r = order_tree(s);
        if (r < 0)
                return r;
        for (size_t i = 0; i < s->n; i++)
                s->devs[i]->ctx = ctx;
        return build_groups(s);
}

void hd__scan_set_iommu(struct hd__scan *s, bool on) { s->have_iommu = s->have_iommu || on; }

/* ---------------------------------------------------------------- public getters */

HD_EXPORT size_t hd_ctx_get_n_devices(const struct hd_ctx *ctx)
{
        const struct hd__scan *s = hd__ctx_scan(ctx);
        return s ? s->n : 0;
}

HD_EXPORT struct hd_dev *hd_ctx_get_device(const struct hd_ctx *ctx, size_t index)
{
        const struct hd__scan *s = hd__ctx_scan(ctx);
        return s && index < s->n ? s->devs[index] : NULL;
}

HD_EXPORT struct hd_dev *hd_ctx_get_root(const struct hd_ctx *ctx)
{
        const struct hd__scan *s = hd__ctx_scan(ctx);
        return s ? s->root : NULL;
}

HD_EXPORT size_t hd_ctx_get_n_iommu_groups(const struct hd_ctx *ctx)
{
        const struct hd__scan *s = hd__ctx_scan(ctx);
        return s ? s->n_groups : 0;
}

bool hd__ctx_has_iommu(const struct hd_ctx *ctx)
{
        const struct hd__scan *s = hd__ctx_scan(ctx);
        return s && s->have_iommu;
}

HD_EXPORT int hd_ctx_get_iommu_group_id(const struct hd_ctx *ctx, size_t index)
{
        const struct hd__scan *s = hd__ctx_scan(ctx);
        return s && index < s->n_groups ? s->groups[index].id : -ENOENT;
}

const struct hd__group *hd__ctx_group(const struct hd_ctx *ctx, int id)
{
        const struct hd__scan *s = hd__ctx_scan(ctx);
        int i = s ? group_index(s, id) : -1;
        return i >= 0 ? &s->groups[i] : NULL;
}

HD_EXPORT struct hd_dev *const *hd_ctx_get_iommu_group_devices(const struct hd_ctx *ctx, int group,
                                                              size_t *n)
{
        const struct hd__group *g = hd__ctx_group(ctx, group);
        if (n)
                *n = g ? g->n : 0;
        return g ? g->devs : NULL;
}

HD_EXPORT const char *hd_dev_get_name(const struct hd_dev *d) { return d ? d->name : NULL; }
HD_EXPORT enum hd_dev_type hd_dev_get_type(const struct hd_dev *d) { return d ? d->type : _HD_DEV_TYPE_MAX; }
HD_EXPORT struct hd_dev *hd_dev_get_parent(const struct hd_dev *d) { return d ? d->parent : NULL; }
HD_EXPORT struct hd_dev *hd_dev_get_first_child(const struct hd_dev *d) { return d ? d->first_child : NULL; }
HD_EXPORT struct hd_dev *hd_dev_get_next_sibling(const struct hd_dev *d) { return d ? d->next_sibling : NULL; }
HD_EXPORT size_t hd_dev_get_index(const struct hd_dev *d) { return d ? d->index : SIZE_MAX; }
HD_EXPORT const char *hd_dev_get_sysname(const struct hd_dev *d) { return d ? d->sysname : NULL; }
HD_EXPORT const char *hd_dev_get_driver(const struct hd_dev *d) { return d ? d->driver : NULL; }

HD_EXPORT const char *hd_dev_get_sysfs_path(const struct hd_dev *d) { return d ? d->display : NULL; }
