/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The device tree: every scanner adds devices keyed by their sysfs path; a
 * device's parent is its nearest sysfs ancestor that is a device, found with a
 * hash of paths; the result is ordered parents-before-children.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <sched.h>

#include "hostdev-internal.h"

struct hd_slot;

/* Scan memory: every device, the strings read while scanning and those its
 * getters fill in later (names, detail) live in chunks freed with the scan:
 * contiguous, without a malloc header each, and nothing to free per device. */
struct hd_chunk {
        struct hd_chunk *next;
        size_t used, size;
        _Alignas(16) unsigned char data[];
};

struct hd_scan {
        struct hd_chunk *chunks;        /* newest first */
        struct hd_dev **devs;   /* tree order once built */
        size_t n, cap;
        struct hd_dev *root;
        struct hd_slot *slots;  /* open-addressing hash by path */
        size_t n_slots;
        struct hd_group *groups;
        size_t n_groups;
        bool have_iommu;
        bool root_listed;       /* the root is in devs (after order_tree) */
};

/* FNV-1a over the last 48 bytes and the length: sysfs paths differ near
 * their end, so hashing the shared prefix again for every device is waste;
 * equal hashes are settled by memcmp. */
static uint64_t hash_str(const char *s, size_t len)
{
        uint64_t h = 1469598103934665603ULL ^ len;
        size_t start = len > 48 ? len - 48 : 0;
        for (size_t i = start; i < len; i++) {
                h ^= (unsigned char)s[i];
                h *= 1099511628211ULL;
        }
        return h;
}

/* A slot keeps the hash beside the device: probing and growing compare
 * and move hashes without touching the devices (a cache miss each). */
struct hd_slot {
        uint64_t hash;
        struct hd_dev *dev;
};

static struct hd_dev *hash_find(const struct hd_scan *s, const char *path, size_t len)
{
        size_t mask = s->n_slots - 1, i;
        uint64_t h;

        if (!s->n_slots)
                return NULL;
        h = hash_str(path, len);
        for (i = h & mask; s->slots[i].dev; i = (i + 1) & mask) {
                const struct hd_dev *d = s->slots[i].dev;
                if (s->slots[i].hash == h && d->path_len == len && memcmp(d->path, path, len) == 0)
                        return s->slots[i].dev;
        }
        return NULL;
}

static int hash_grow(struct hd_scan *s)
{
        size_t nn = s->n_slots ? s->n_slots * 2 : 1024, i;
        struct hd_slot *ns = calloc(nn, sizeof(*ns));

        if (!ns)
                return -ENOMEM;
        for (size_t k = 0; k < s->n_slots; k++) {
                if (!s->slots[k].dev)
                        continue;
                for (i = s->slots[k].hash & (nn - 1); ns[i].dev; i = (i + 1) & (nn - 1))
                        ;
                ns[i] = s->slots[k];
        }
        free(s->slots);
        s->slots = ns;
        s->n_slots = nn;
        return 0;
}

static int hash_put(struct hd_scan *s, struct hd_dev *d)
{
        size_t mask, i;
        uint64_t h;

        /* at most 3/4 full: the hash beside each pointer keeps probes cheap */
        if ((s->n + 1) * 4 > s->n_slots * 3 && hash_grow(s) < 0)
                return -ENOMEM;
        mask = s->n_slots - 1;
        h = hash_str(d->path, d->path_len);
        for (i = h & mask; s->slots[i].dev; i = (i + 1) & mask)
                if (s->slots[i].hash == h && s->slots[i].dev->path_len == d->path_len &&
                    memcmp(s->slots[i].dev->path, d->path, d->path_len) == 0)
                        return -EEXIST;
        s->slots[i].hash = h;
        s->slots[i].dev = d;
        return 0;
}

#define CHUNK_SIZE (256 * 1024)

/* N zeroed bytes from the scan's chunks, 16-byte aligned */
void *hd__scan_alloc(struct hd_scan *s, size_t n)
{
        struct hd_chunk *c = s->chunks;
        void *p;

        n = (n + 15) & ~(size_t)15;
        if (!c || c->size - c->used < n) {
                size_t size = n > CHUNK_SIZE / 4 ? n : CHUNK_SIZE;
                c = malloc(sizeof(*c) + size);
                if (!c)
                        return NULL;
                c->next = s->chunks;
                c->used = 0;
                c->size = size;
                s->chunks = c;
        }
        p = c->data + c->used;
        c->used += n;
        return memset(p, 0, n);
}

char *hd__scan_strdup(struct hd_scan *s, const char *str)
{
        size_t n;
        char *p;

        if (!str)
                return NULL;
        n = strlen(str) + 1;
        p = hd__scan_alloc(s, n);
        return p ? memcpy(p, str, n) : NULL;
}

struct hd_dev *hd__dev_new(struct hd_scan *s, enum hd_dev_type type, const char *path)
{
        size_t plen = path ? strlen(path) : 0, dlen = path ? hd__sysfs_display_size(plen) : 0;
        struct hd_dev *d = hd__scan_alloc(s, sizeof(*d) + dlen);
        const char *slash;

        if (!d)
                return NULL;
        d->type = type;
        if (path) {
                char *disp = (char *)(d + 1);
                if (!hd__sysfs_display(path, disp, dlen))
                        return NULL;
                d->display = disp;
                d->path_len = plen;
                d->path = d->display + (dlen - 1 - plen);
                slash = strrchr(d->path, '/');
                d->sysname = slash ? slash + 1 : d->path;
        }
        d->vendor = d->device = d->subvendor = d->subdevice = -1;
        d->pci_class = -1;
        d->iommu_group = -1;
        d->numa_node = -1;
        d->boot_vga = -1;
        d->busnum = d->devnum = -1;
        d->usb_vendor = d->usb_product = -1;
        d->usb_class = d->usb_subclass = d->usb_protocol = -1;
        d->usb_ifnum = -1;
        d->scsi_host = d->scsi_channel = d->scsi_target = d->scsi_lun = -1;
        d->scsi_type = -1;
        d->size_bytes = -1;
        return d;
}

struct hd_scan *hd__scan_free(struct hd_scan *s)
{
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n_groups; i++)
                free(s->groups[i].devs);
        free(s->groups);
        free(s->devs);
        free(s->slots);
        while (s->chunks) {
                struct hd_chunk *c = s->chunks;
                s->chunks = c->next;
                free(c);
        }
        free(s);
        return NULL;
}

int hd__scan_add(struct hd_scan *s, struct hd_dev *d)
{
        int r;

        if (!d->name)
                return -EINVAL;
        r = hash_put(s, d);
        if (r < 0)
                return r;
        if (s->n == s->cap) {
                size_t nc = s->cap ? s->cap * 2 : 256;
                struct hd_dev **nd = realloc(s->devs, nc * sizeof(*nd));
                if (!nd)
                        return -ENOMEM;
                s->devs = nd;
                s->cap = nc;
        }
        s->devs[s->n++] = d;
        return 0;
}

struct hd_dev *hd__scan_lookup(const struct hd_scan *s, const char *path)
{
        return hash_find(s, path, strlen(path));
}

struct hd_dev *hd__ctx_find_path(const struct hd_ctx *ctx, const char *path)
{
        const struct hd_scan *s = hd__ctx_scan(ctx);
        return s ? hash_find(s, path, strlen(path)) : NULL;
}

/* The nearest ancestor of PATH that is a device: strip components and look
 * each prefix up in the hash; usually the first or second probe hits. */
static struct hd_dev *find_ancestor(const struct hd_scan *s, const char *path, size_t len)
{
        while (len > 0) {
                struct hd_dev *d;
                while (len > 0 && path[len - 1] != '/')
                        len--;
                if (len <= 1)
                        break;
                len--;          /* drop the slash */
                d = hash_find(s, path, len);
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
static int link_parents(struct hd_scan *s)
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
static int order_tree(struct hd_scan *s)
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
        s->root_listed = true;
        return 0;
}

static int link_vfs(struct hd_scan *s)
{
        for (size_t i = 0; i < s->n; i++) {
                struct hd_dev *vf = s->devs[i], *pf;
                if (vf->type != HD_DEV_PCI || !vf->physfn_name)
                        continue;
                pf = hash_find(s, vf->physfn_name, strlen(vf->physfn_name));
                if (!pf || pf->type != HD_DEV_PCI)
                        continue;
                vf->physfn = pf;
                pf->n_virtfns++;
        }
        for (size_t i = 0; i < s->n; i++) {
                struct hd_dev *d = s->devs[i];
                if (d->n_virtfns) {
                        d->virtfns = hd__scan_alloc(s, d->n_virtfns * sizeof(*d->virtfns));
                        if (!d->virtfns)
                                return -ENOMEM;
                        d->n_virtfns = 0;
                }
        }
        for (size_t i = 0; i < s->n; i++) {
                struct hd_dev *vf = s->devs[i];
                if (vf->physfn)
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

/* Groups from the devices' iommu_group links: members sorted by group, then
 * tree order (= address order); one pass makes the groups.  O(n log n). */
static int build_groups(struct hd_scan *s)
{
        struct hd_dev **m;
        size_t n = 0, i = 0;

        for (size_t k = 0; k < s->n; k++)
                if (s->devs[k]->iommu_group >= 0)
                        n++;
        if (!n)
                return 0;
        m = malloc(n * sizeof(*m));
        s->groups = calloc(n, sizeof(*s->groups));
        if (!m || !s->groups) {
                free(m);
                return -ENOMEM;
        }
        for (size_t k = 0; k < s->n; k++)
                if (s->devs[k]->iommu_group >= 0)
                        m[i++] = s->devs[k];
        qsort(m, n, sizeof(*m), cmp_group_member);
        for (i = 0; i < n;) {
                struct hd_group *g = &s->groups[s->n_groups++];
                size_t j = i;
                while (j < n && m[j]->iommu_group == m[i]->iommu_group)
                        j++;
                g->id = m[i]->iommu_group;
                g->n = j - i;
                g->devs = malloc((g->n + 1) * sizeof(*g->devs));
                if (!g->devs) {
                        free(m);
                        return -ENOMEM;
                }
                memcpy(g->devs, m + i, g->n * sizeof(*g->devs));
                g->devs[g->n] = NULL;
                i = j;
        }
        free(m);
        s->have_iommu = true;
        return 0;
}

static int group_index(const struct hd_scan *s, int id)
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

/* ---------------------------------------------------------------- two scanners at once
 * The scan waits on the kernel (path walks, reads), one syscall after the
 * other: USB and SCSI are scanned by a second thread, into a scan of its
 * own, while this one scans PCI and the net and block leaves; the second
 * scan is then merged.  Nothing is shared but the sysroot's fds, read
 * through *at() calls; the thread's messages are replayed after it ends. */
struct scan_job {
        struct hd_ctx *ctx;     /* the worker's context */
        struct hd_scan *s;
        int r;
};

static void *scan_usb_scsi(void *data)
{
        struct scan_job *j = data;

        j->r = hd__scan_usb(j->ctx, j->s);
        if (j->r >= 0)
                j->r = hd__scan_scsi(j->ctx, j->s);
        return NULL;
}

/* Move every device and chunk of FROM into S, and free FROM */
static int scan_merge(struct hd_ctx *ctx, struct hd_scan *s, struct hd_scan *from)
{
        struct hd_chunk **tail = &s->chunks;
        int r = 0;

        for (size_t i = 0; i < from->n && r >= 0; i++) {
                struct hd_dev *d = from->devs[i];
                r = hd__scan_add(s, d);
                if (r == -EEXIST) {
                        WARN(ctx, "%s: listed twice", d->path);
                        r = 0;
                }
        }
        while (*tail)
                tail = &(*tail)->next;
        *tail = from->chunks;
        from->chunks = NULL;
        from->n = 0;
        hd__scan_free(from);
        return r;
}

/* A second thread only helps with a second CPU to run it */
static bool several_cpus(void)
{
        cpu_set_t set;

        return sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 1;
}

static int scan_all(struct hd_ctx *ctx, struct hd_scan *s)
{
        struct scan_job job = { NULL, NULL, 0 };
        pthread_t t;
        bool threaded = false;
        int r;

        if (several_cpus()) {
                job.ctx = hd__ctx_worker_new(ctx);
                job.s = calloc(1, sizeof(struct hd_scan));
                if (job.ctx && job.s)
                        threaded = pthread_create(&t, NULL, scan_usb_scsi, &job) == 0;
        }
        r = hd__scan_pci(ctx, s);
        if (r >= 0)
                r = hd__scan_class(ctx, s);
        if (r >= 0)
                r = hd__scan_mdev(ctx, s);
        if (!threaded) {                /* one thread: the same work, in turn */
                hd__ctx_worker_free(ctx, job.ctx);
                hd__scan_free(job.s);
                if (r >= 0)
                        r = hd__scan_usb(ctx, s);
                if (r >= 0)
                        r = hd__scan_scsi(ctx, s);
                return r;
        }
        pthread_join(t, NULL);
        hd__ctx_worker_free(ctx, job.ctx);
        if (r >= 0)
                r = job.r;
        if (r >= 0)
                return scan_merge(ctx, s, job.s);
        hd__scan_free(job.s);
        return r;
}

static int fill_all(struct hd_ctx *ctx, struct hd_scan *s, void *data)
{
        (void)data;
        return scan_all(ctx, s);
}

struct hd_scan *hd__scan_build(struct hd_ctx *ctx, int *err)
{
        return hd__scan_build_with(ctx, fill_all, NULL, err);
}

struct hd_scan *hd__scan_build_with(struct hd_ctx *ctx,
                                    int (*fill)(struct hd_ctx *, struct hd_scan *, void *),
                                    void *data, int *err)
{
        struct hd_scan *s = calloc(1, sizeof(*s));
        int r;

        if (!s) {
                *err = -ENOMEM;
                return NULL;
        }
        s->root = hd__dev_new(s, HD_DEV_SYSTEM, NULL);
        if (!s->root || !(s->root->name = hd__scan_strdup(s, "computer"))) {
                hd__scan_free(s);
                *err = -ENOMEM;
                return NULL;
        }
        r = fill(ctx, s, data);
        if (r < 0)
                goto fail;

        r = link_parents(s);
        if (r < 0)
                goto fail;
        r = link_vfs(s);
        if (r < 0)
                goto fail;
        /* the root joins the list only now: it has no path to hash */
        r = order_tree(s);
        if (r < 0)
                goto fail;
        for (size_t i = 0; i < s->n; i++)
                s->devs[i]->ctx = ctx;
        r = build_groups(s);
        if (r < 0)
                goto fail;
        r = hd__scan_iommu(ctx, s);
        if (r < 0)
                goto fail;
        return s;
fail:
        hd__scan_free(s);
        *err = r;
        return NULL;
}

/* Used by iommu.c: whether the host has IOMMU groups at all. */
void hd__scan_set_iommu(struct hd_scan *s, bool on);
void hd__scan_set_iommu(struct hd_scan *s, bool on) { s->have_iommu = s->have_iommu || on; }

/* ---------------------------------------------------------------- public getters */

HD_EXPORT size_t hd_ctx_get_n_devices(const struct hd_ctx *ctx)
{
        const struct hd_scan *s = hd__ctx_scan(ctx);
        return s ? s->n : 0;
}

HD_EXPORT struct hd_dev *hd_ctx_get_device(const struct hd_ctx *ctx, size_t index)
{
        const struct hd_scan *s = hd__ctx_scan(ctx);
        return s && index < s->n ? s->devs[index] : NULL;
}

HD_EXPORT struct hd_dev *hd_ctx_get_root(const struct hd_ctx *ctx)
{
        const struct hd_scan *s = hd__ctx_scan(ctx);
        return s ? s->root : NULL;
}

HD_EXPORT size_t hd_ctx_get_n_iommu_groups(const struct hd_ctx *ctx)
{
        const struct hd_scan *s = hd__ctx_scan(ctx);
        return s ? s->n_groups : 0;
}

bool hd__ctx_has_iommu(const struct hd_ctx *ctx);
bool hd__ctx_has_iommu(const struct hd_ctx *ctx)
{
        const struct hd_scan *s = hd__ctx_scan(ctx);
        return s && s->have_iommu;
}

HD_EXPORT int hd_ctx_get_iommu_group_id(const struct hd_ctx *ctx, size_t index)
{
        const struct hd_scan *s = hd__ctx_scan(ctx);
        return s && index < s->n_groups ? s->groups[index].id : -ENOENT;
}

const struct hd_group *hd__ctx_group(const struct hd_ctx *ctx, int id)
{
        const struct hd_scan *s = hd__ctx_scan(ctx);
        int i = s ? group_index(s, id) : -1;
        return i >= 0 ? &s->groups[i] : NULL;
}

HD_EXPORT struct hd_dev *const *hd_ctx_get_iommu_group_devices(const struct hd_ctx *ctx, int group,
                                                              size_t *n)
{
        const struct hd_group *g = hd__ctx_group(ctx, group);
        if (n)
                *n = g ? g->n : 0;
        return g ? g->devs : NULL;
}

/* "0000:01:00.0", "01:00.0" -> canonical full address */
static bool pci_addr_canon(const char *s, char *out, size_t size)
{
        unsigned dom = 0, bus, slot, fn;
        int n = 0;

        if (sscanf(s, "%x:%x:%x.%x%n", &dom, &bus, &slot, &fn, &n) == 4 && !s[n])
                ;
        else if (dom = 0, n = 0, sscanf(s, "%x:%x.%x%n", &bus, &slot, &fn, &n) == 3 && !s[n])
                ;
        else
                return false;
        return snprintf(out, size, "%04x:%02x:%02x.%x", dom, bus, slot, fn) < (int)size;
}

HD_EXPORT struct hd_dev *hd_ctx_find_device(const struct hd_ctx *ctx, const char *name)
{
        const struct hd_scan *s = hd__ctx_scan(ctx);
        char addr[32];
        bool is_addr;

        if (!s || !name || !*name) {
                errno = ENODEV;
                return NULL;
        }
        is_addr = pci_addr_canon(name, addr, sizeof(addr));
        for (size_t i = 0; i < s->n; i++) {
                struct hd_dev *d = s->devs[i];
                if (streq(d->name, name))
                        return d;
                if (is_addr && d->type == HD_DEV_PCI && streq(d->address, addr))
                        return d;
                if (d->sysname && streq(d->sysname, name) &&
                    (d->type == HD_DEV_USB_DEVICE || d->type == HD_DEV_USB_INTERFACE ||
                     d->type == HD_DEV_SCSI_GENERIC))
                        return d;
        }
        {
                struct hd_dev *m = hd__mdev_find(s->devs, s->n, name);
                if (m)
                        return m;
                m = hd__find_user_name(ctx, name);
                if (m)
                        return m;
        }
        errno = ENODEV;
        return NULL;
}

HD_EXPORT const char *hd_dev_get_name(const struct hd_dev *d) { return d->name; }
HD_EXPORT enum hd_dev_type hd_dev_get_type(const struct hd_dev *d) { return d->type; }
HD_EXPORT struct hd_dev *hd_dev_get_parent(const struct hd_dev *d) { return d->parent; }
HD_EXPORT struct hd_dev *hd_dev_get_first_child(const struct hd_dev *d) { return d->first_child; }
HD_EXPORT struct hd_dev *hd_dev_get_next_sibling(const struct hd_dev *d) { return d->next_sibling; }
HD_EXPORT size_t hd_dev_get_index(const struct hd_dev *d) { return d->index; }
HD_EXPORT const char *hd_dev_get_sysname(const struct hd_dev *d) { return d->sysname; }
HD_EXPORT const char *hd_dev_get_driver(const struct hd_dev *d) { return d->driver; }

HD_EXPORT const char *hd_dev_get_sysfs_path(const struct hd_dev *d) { return d->display; }
