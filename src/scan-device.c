/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The targeted scan: only what passing some PCI functions through concerns,
 * for the udev rule that runs on every added device.  Per function:
 *   bus/pci/devices/ADDR                  -> its directory
 *   ADDR/iommu_group -> kernel/iommu_groups/N/devices/   -> the other members
 *   every PCI ancestor of each member     (the tree's spine, bridges for the judge)
 *   every device below each member        (a walk of the member's own directory:
 *                                          USB, SCSI, sg, net, block, fc_host by
 *                                          their subsystem link)
 *   each member's SR-IOV PF and VFs       (physfn, virtfnN links: the judge and
 *                                          the properties count them)
 * Each device is read by the full scanners' own per-device code, so a device
 * looks the same in both scans; scan.c has the result linked, ordered and
 * grouped by tree.c like a full scan.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "config.h"

#define WALK_DEPTH 24           /* below a PCI function; real trees stay under 12 */

struct target {
        const char *const *names;
        size_t n;
};

typedef int (*one_fn)(struct hd_ctx *, struct hd__scan *, const char *, const char *);

static int add_once(struct hd_ctx *ctx, struct hd__scan *s, one_fn fn, const char *path)
{
        const char *slash = strrchr(path, '/');

        if (hd__scan_lookup(s, path))
                return 0;
        return fn(ctx, s, slash ? slash + 1 : path, path);
}

static bool looks_pci(const char *name, size_t len)
{
        char buf[32], canon[32];

        if (len >= sizeof(buf))
                return false;
        memcpy(buf, name, len);
        buf[len] = '\0';
        return strchr(buf, '.') && hd__pci_address_canon(buf, canon, sizeof(canon)) &&
               strlen(buf) >= 12 && !startswith(buf, "pci_");
}

/* Every PCI function on the way down to PATH ("devices/pci0000:00/0000:00:01.0/..."). */
static int add_ancestors(struct hd_ctx *ctx, struct hd__scan *s, const char *path)
{
        char buf[PATH_MAX];
        size_t len = strlen(path);
        int r;

        if (len >= sizeof(buf))
                return -ENAMETOOLONG;
        for (size_t i = 0; i < len; i++) {
                size_t start;
                if (path[i] != '/')
                        continue;
                /* the component ending here */
                start = i;
                while (start > 0 && path[start - 1] != '/')
                        start--;
                if (!looks_pci(path + start, i - start))
                        continue;
                memcpy(buf, path, i);
                buf[i] = '\0';
                r = add_once(ctx, s, hd__scan_pci_one, buf);
                if (r < 0)
                        return r;
        }
        return 0;
}

static one_fn by_subsystem(const char *subsys)
{
        static const struct { const char *name; one_fn fn; } table[] = {
                { "pci", hd__scan_pci_one },           { "usb", hd__scan_usb_one },
                { "scsi", hd__scan_scsi_one },         { "scsi_generic", hd__scan_sg_one },
                { "net", hd__scan_net_one },           { "block", hd__scan_block_one },
                { "fc_host", hd__scan_fc_one },        { "scsi_host", hd__scan_scsi_host_one },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(table[i].name, subsys))
                        return table[i].fn;
        return NULL;
}

typedef int (*entry_fn)(struct hd_ctx *ctx, struct hd__scan *s, int dfd, const char *path,
                        const struct dirent *de, void *data);

/* FN for each entry of directory PATH (none when it cannot be opened),
 * DFD being PATH's fd, until one fails.  Returns: 0 or FN's error. */
static int foreach_entry(struct hd_ctx *ctx, struct hd__scan *s, const char *path, entry_fn fn,
                         void *data)
{
        DIR *dir = hd__opendir_at(hd__root_sysfd(hd__ctx_root(ctx)), path);
        struct dirent *de;
        int r = 0;

        if (!dir)
                return 0;
        while (r >= 0 && (de = readdir(dir)))
                r = fn(ctx, s, dirfd(dir), path, de, data);
        closedir(dir);
        return r;
}

static int walk(struct hd_ctx *ctx, struct hd__scan *s, const char *path, int depth);

static bool is_dir_entry(int dfd, const struct dirent *de)
{
        struct stat st;

        if (de->d_type == DT_DIR)
                return true;
        return de->d_type == DT_UNKNOWN &&
               fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* One entry of a walk: a device when it has a subsystem we scan, and what is below it */
static int walk_entry(struct hd_ctx *ctx, struct hd__scan *s, int dfd, const char *path,
                      const struct dirent *de, void *data)
{
        int depth = *(const int *)data, r = 0;
        char child[PATH_MAX], link[NAME_MAX + 16];
        one_fn fn;

        if (de->d_name[0] == '.' || streq(de->d_name, "power") ||
            streq(de->d_name, "msi_irqs") || streq(de->d_name, "subsystem") ||
            !is_dir_entry(dfd, de))
                return 0;
        if (snprintf(child, sizeof(child), "%s/%s", path, de->d_name) >= (int)sizeof(child))
                return 0;
        snprintf(link, sizeof(link), "%s/subsystem", de->d_name);
        if (hd__readlink_base_at(dfd, link, link, sizeof(link)) > 0 && (fn = by_subsystem(link)))
                r = add_once(ctx, s, fn, child);
        if (r >= 0 && depth < WALK_DEPTH)
                r = walk(ctx, s, child, depth + 1);
        return r;
}

/* Devices below PATH: directories (never links) that have a subsystem. */
static int walk(struct hd_ctx *ctx, struct hd__scan *s, const char *path, int depth)
{
        int r = foreach_entry(ctx, s, path, walk_entry, &depth);

        return r == -ENOMEM ? r : 0;
}

/* A PCI function and the spine above it (no walk below). */
static int add_pci_spine(struct hd_ctx *ctx, struct hd__scan *s, const char *path)
{
        int r = add_ancestors(ctx, s, path);

        return r < 0 ? r : add_once(ctx, s, hd__scan_pci_one, path);
}

static int add_sriov(struct hd_ctx *ctx, struct hd__scan *s, const char *path, bool siblings);

/* A physfn or virtfnN link of the function at PATH */
static int sriov_entry(struct hd_ctx *ctx, struct hd__scan *s, int dfd, const char *path,
                       const struct dirent *de, void *data)
{
        bool siblings = *(const bool *)data;
        char target[PATH_MAX], norm[PATH_MAX];
        int r;

        if (!streq(de->d_name, "physfn") && !startswith(de->d_name, "virtfn"))
                return 0;
        if (hd__readlink_at(dfd, de->d_name, target, sizeof(target)) <= 0 ||
            hd__path_join_norm(path, target, norm, sizeof(norm)) < 0 ||
            !startswith(norm, "devices/"))
                return 0;
        r = add_pci_spine(ctx, s, norm);
        if (r >= 0 && siblings && streq(de->d_name, "physfn"))
                r = add_sriov(ctx, s, norm, false);
        return r;
}

/* The PF (physfn) and VFs (virtfnN) of the function at PATH; for a VF also
 * its PF's other VFs (SIBLINGS), which the PF's properties count. */
static int add_sriov(struct hd_ctx *ctx, struct hd__scan *s, const char *path, bool siblings)
{
        return foreach_entry(ctx, s, path, sriov_entry, &siblings);
}

static int add_member(struct hd_ctx *ctx, void *data, const char *name, const char *path)
{
        struct hd__scan *s = data;
        int r = add_ancestors(ctx, s, path);

        if (r >= 0 && !hd__scan_lookup(s, path)) {
                r = hd__scan_pci_one(ctx, s, name, path);
                if (r >= 0)
                        r = walk(ctx, s, path, 0);
                if (r >= 0)
                        r = add_sriov(ctx, s, path, true);
        }
        return r;
}

struct same_group {
        struct hd__scan *s;
        int group;
};

/* The IOMMU group of the device at PATH, by its iommu_group link; -1 when none */
static int group_of(int sysfd, const char *path)
{
        char rel[PATH_MAX + 16], grp[64];
        int g;

        snprintf(rel, sizeof(rel), "%s/iommu_group", path);
        if (hd__readlink_base_at(sysfd, rel, grp, sizeof(grp)) <= 0 ||
            hd__parse_dec_list(grp, 0, &g, 1) != 1)
                return -1;
        return g;
}

static int add_if_in_group(struct hd_ctx *ctx, void *data, const char *name, const char *path)
{
        const struct same_group *sg = data;

        if (group_of(hd__root_sysfd(hd__ctx_root(ctx)), path) != sg->group)
                return 0;
        return add_member(ctx, sg->s, name, path);
}

/* Every member of group G, the PCI function at PATH's */
static int add_group(struct hd_ctx *ctx, struct hd__scan *s, int sysfd, int g)
{
        char rel[64];
        struct same_group sg = { s, g };

        snprintf(rel, sizeof(rel), "kernel/iommu_groups/%d/devices", g);
        if (hd__exists_at(sysfd, rel))
                return hd__foreach_sys_link(ctx, rel, add_member, s);
        /* a recorded tree without the group's listing: each function's own
         * iommu_group link (one readlink each) */
        return hd__foreach_sys_link(ctx, "bus/pci/devices", add_if_in_group, &sg);
}

/* The PCI function NAME (an address), its group, and all that comes with them */
static int add_target(struct hd_ctx *ctx, struct hd__scan *s, int sysfd, int bus, const char *name)
{
        char addr[32], path[PATH_MAX];
        int r, g;

        if (!name || !hd__pci_address_canon(name, addr, sizeof(addr)))
                return hd__error(ctx, -ENODEV, "%s: not a PCI address", name ?: "(null)");
        r = hd__resolve_sys_link(bus, "bus/pci/devices", addr, path, sizeof(path));
        if (r < 0 || !startswith(path, "devices/") || !hd__exists_at(sysfd, path))
                return hd__error(ctx, -ENODEV, "%s: no such PCI function", addr);
        r = add_member(ctx, s, addr, path);
        if (r < 0)
                return r;
        g = group_of(sysfd, path);
        return g < 0 ? 0 : add_group(ctx, s, sysfd, g);
}

static int fill(struct hd_ctx *ctx, struct hd__scan *s, void *data)
{
        const struct target *t = data;
        int sysfd = hd__root_sysfd(hd__ctx_root(ctx));
        int bus = hd__open_dir_at(sysfd, "bus/pci/devices");
        int r = 0;

        if (bus < 0)
                return hd__error(ctx, -ENODEV, "no PCI bus in this sysroot");
        for (size_t i = 0; i < t->n && r >= 0; i++)
                r = add_target(ctx, s, sysfd, bus, t->names[i]);
        close(bus);
        return r;
}

HD_EXPORT int hd_ctx_scan_devices(struct hd_ctx *ctx, const char *const *names, size_t n)
{
        struct target t = { names, n };

        if (!ctx || (n && !names))
                return -EINVAL;
        if (hd__root_sysfd(hd__ctx_root(ctx)) < 0)
                return hd__error(ctx, -ENOTDIR, "%s: no sys/ directory",
                                 hd__root_path(hd__ctx_root(ctx)));
        return hd__scan_run(ctx, fill, &t);
}
