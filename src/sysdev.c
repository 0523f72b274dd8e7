/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the scanners: uevent parsing, bus/class links, a
 * device's attributes and links by full path below sys/, its driver, and
 * the library's one set of number parsers and formatters (hd__parse_*_list,
 * hd__put_hex/_dec/_str) for text without printf or scanf.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>

#include "hostdev-internal.h"

const char *hd__uevent_get(const char *uevent, const char *key, char *out, size_t size)
{
        size_t klen = strlen(key);

        for (const char *p = uevent; p && *p;) {
                const char *nl = strchrnul(p, '\n');
                if ((size_t)(nl - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
                        size_t vlen = (size_t)(nl - p) - klen - 1;
                        if (vlen >= size)
                                return NULL;
                        memcpy(out, p + klen + 1, vlen);
                        out[vlen] = '\0';
                        return out;
                }
                p = *nl ? nl + 1 : nl;
        }
        return NULL;
}

/* The first two of the N hex numbers separated by SEP in uevent line KEY
 * ("PCI_ID=10DE:1B80", "PRODUCT=46d/c31c/4901") as 16-bit ids into *A and
 * *B; both left as they are when KEY is absent or odd */
void hd__uevent_ids(const char *uevent, const char *key, char sep, int n, int *a, int *b)
{
        char v[64];
        unsigned x[3];

        if (n >= 2 && n <= (int)ELEMENTSOF(x) && hd__uevent_get(uevent, key, v, sizeof(v)) &&
            hd__parse_hex_list(v, sep, x, n) == n) {
                *a = (int)(x[0] & UINT16_MAX);
                *b = (int)(x[1] & UINT16_MAX);
        }
}

/* Entry NAME of LINKDIR (relative to sys), open as LINKFD: the device path
 * its link points to, normalised and relative to sys ("devices/...") */
int hd__resolve_sys_link(int linkfd, const char *linkdir, const char *name, char *buf, size_t size)
{
        char target[PATH_MAX];
        int r = hd__readlink_at(linkfd, name, target, sizeof(target));

        if (r == -EINVAL) {             /* a real directory, not a link */
                size_t ld = strlen(linkdir), ln = strlen(name);
                if (ld + 1 + ln + 1 > size)
                        return -ENAMETOOLONG;
                memcpy(buf, linkdir, ld);
                buf[ld] = '/';
                memcpy(buf + ld + 1, name, ln + 1);
                return 0;
        }
        if (r < 0)
                return r;
        r = hd__path_join_norm(linkdir, target, buf, size);
        return r < 0 ? r : 0;
}

/* The value of digit C in BASE (10 or 16), -1 for none */
static int digit(int c, unsigned base)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (base == 16 && c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (base == 16 && c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Up to N numbers in BASE separated by SEP, each of at most MAX_DIGITS
 * digits and at most LIMIT; returns how many were read */
static int parse_list(const char *s, char sep, unsigned base, int max_digits, unsigned limit,
                      unsigned *out, int n)
{
        int k = 0;

        while (k < n) {
                unsigned v = 0;
                int digits = 0, x;
                for (; (x = digit((unsigned char)*s, base)) >= 0; s++, digits++) {
                        if (digits >= max_digits || v > (limit - (unsigned)x) / base)
                                return k;
                        v = v * base + (unsigned)x;
                }
                if (!digits)
                        return k;
                out[k++] = v;
                if (!*s || *s != sep)
                        break;
                s++;
        }
        return k;
}

/* Up to N hex numbers separated by SEP ("8086:1234", "1050/120/512"), of at
 * most 8 digits each; returns how many were read.  No sscanf on the scan's
 * hot path. */
int hd__parse_hex_list(const char *s, char sep, unsigned *out, int n)
{
        return parse_list(s, sep, 16, 8, UINT32_MAX, out, n);
}

/* Up to N decimal numbers separated by SEP ("3/0/1"); returns how many
 * were read.  Each stays below 2^31 (an int and an unsigned may alias). */
int hd__parse_dec_list(const char *s, char sep, int *out, int n)
{
        return parse_list(s, sep, 10, INT_MAX, INT32_MAX, (unsigned *)out, n);
}

/* V as DIGITS lower-case hex digits (more if it needs them) at OUT; returns
 * the end.  The scanners' names and addresses, without printf. */
char *hd__put_hex(char *out, unsigned long long v, int digits)
{
        static const char hex[] = "0123456789abcdef";
        int len = digits;

        while (len < 16 && (v >> (4 * len)))
                len++;
        for (int i = len - 1; i >= 0; i--, v >>= 4)
                out[i] = hex[v & 0xf];
        out[len] = '\0';
        return out + len;
}

/* V in decimal at OUT; returns the end */
char *hd__put_dec(char *out, long long v)
{
        char tmp[24];
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        size_t k = 0;

        do
                tmp[k++] = (char)('0' + u % 10);
        while ((u /= 10) > 0);
        if (v < 0)
                *out++ = '-';
        while (k > 0)
                *out++ = tmp[--k];
        *out = '\0';
        return out;
}

/* S at OUT; returns the end */
char *hd__put_str(char *out, const char *s)
{
        size_t l = strlen(s);
        memcpy(out, s, l + 1);
        return out + l;
}


/* "PATH/ATTR" of device D, relative to sys */
static int dev_rel(const struct hd_dev *d, const char *attr, char *rel, size_t size)
{
        size_t al = strlen(attr);

        if (d->path_len + 1 + al + 1 > size)
                return -ENAMETOOLONG;
        memcpy(rel, d->path, d->path_len);
        rel[d->path_len] = '/';
        memcpy(rel + d->path_len + 1, attr, al + 1);
        return 0;
}

/* ATTR of device D by its full path below sys/: opening a device's
 * directory costs about as much as a read, and a path walk through cached
 * dentries is cheap. */
int hd__dev_read(struct hd_ctx *ctx, const struct hd_dev *d, const char *attr, char *buf,
                 size_t size)
{
        char rel[PATH_MAX];
        int r = dev_rel(d, attr, rel, sizeof(rel));

        return r < 0 ? r : hd__read_at(hd__root_sysfd(hd__ctx_root(ctx)), rel, buf, size);
}

/* Whether device D's directory is gone, R being the result of its first read
 * (or a negative errno to check without one): a link into sys/ whose target
 * is missing, in a recorded or hostile tree.  Warns when it is. */
bool hd__dev_gone(struct hd_ctx *ctx, const struct hd_dev *d, int r)
{
        if (r >= 0 || hd__exists_at(hd__root_sysfd(hd__ctx_root(ctx)), d->path))
                return false;
        WARN(ctx, "%s: no such directory, skipped", d->path);
        return true;
}

/* The target of link ATTR of device D, by full path as hd__dev_read */
int hd__dev_readlink(struct hd_ctx *ctx, const struct hd_dev *d, const char *attr, char *buf,
                     size_t size)
{
        char rel[PATH_MAX];
        int r = dev_rel(d, attr, rel, sizeof(rel));

        return r < 0 ? r : hd__readlink_at(hd__root_sysfd(hd__ctx_root(ctx)), rel, buf, size);
}

/* An optional text attribute of D into BUF: BUF, or NULL when absent; a
 * warning for anything but absence */
const char *hd__dev_read_opt(struct hd_ctx *ctx, const struct hd_dev *d, const char *attr,
                             char *buf, size_t size)
{
        int r = hd__dev_read(ctx, d, attr, buf, size);

        if (r == -ENOENT)
                return NULL;
        if (r < 0) {
                WARN(ctx, "%s/%s: unreadable: %s", d->path, attr, strerror(-r));
                return NULL;
        }
        return buf;
}

/* An optional text attribute of D, read while scanning, in the scan's
 * memory (hd__dev_read_opt) */
char *hd__attr_scan(struct hd__scan *s, struct hd_ctx *ctx, const struct hd_dev *d,
                    const char *attr)
{
        char buf[HD_ATTR_MAX];
        const char *v = hd__dev_read_opt(ctx, d, attr, buf, sizeof(buf));

        return v ? hd__scan_strdup(s, v) : NULL;
}

/* The last component of link ATTR's target, by full path */
int hd__dev_readlink_base(struct hd_ctx *ctx, const struct hd_dev *d, const char *attr,
                          char *buf, size_t size)
{
        char rel[PATH_MAX];
        int r = dev_rel(d, attr, rel, sizeof(rel));

        return r < 0 ? r : hd__readlink_base_at(hd__root_sysfd(hd__ctx_root(ctx)), rel, buf, size);
}

/* A detail attribute read after the scan (by a getter), kept in the scan's
 * memory like everything else of the device */
char *hd__attr_detail(struct hd_dev *d, const char *attr)
{
        struct hd__scan *s = d->ctx ? hd__ctx_scan(d->ctx) : NULL;

        return s ? hd__attr_scan(s, d->ctx, d, attr) : NULL;
}

/* The driver bound to device D: its `driver` link, which is what the binder
 * reads and acts on.  UE is D's uevent (NULL when unread): its DRIVER= counts
 * only where the link is absent (a recording without links).  Where both
 * exist and disagree (a recording's mistake, or a bind in flight) the link
 * wins; -v says so.  In the scan's memory; NULL for no driver. */
char *hd__dev_driver_scan(struct hd__scan *s, struct hd_ctx *ctx, const struct hd_dev *d,
                          const char *ue)
{
        char link[NAME_MAX + 1], uev[NAME_MAX + 1];
        const char *from_ue = ue ? hd__uevent_get(ue, "DRIVER", uev, sizeof(uev)) : NULL;
        int r = hd__dev_readlink_base(ctx, d, "driver", link, sizeof(link));

        if (r == -ENOENT)
                return hd__scan_strdup(s, from_ue);
        if (r <= 0) {
                WARN(ctx, "%s/driver: unreadable link: %s", d->path, strerror(r < 0 ? -r : EINVAL));
                return hd__scan_strdup(s, from_ue);
        }
        if (ue && (!from_ue || !streq(from_ue, link)))
                INFO(ctx, "%s: uevent says DRIVER=%s, the driver link %s; the link is used",
                     d->path, from_ue ? from_ue : "(none)", link);
        return hd__scan_strdup(s, link);
}

static int attr_int(int dirfd, const char *attr, int base, int fallback)
{
        long long v;
        if (hd__read_long_at(dirfd, attr, base, &v) < 0 || v < INT32_MIN || v > INT32_MAX)
                return fallback;
        return (int)v;
}

/* Integer attribute ATTR of device D by full path, FALLBACK when absent or odd */
int hd__dev_int(struct hd_ctx *ctx, const struct hd_dev *d, const char *attr, int base,
                int fallback)
{
        char rel[PATH_MAX];

        if (dev_rel(d, attr, rel, sizeof(rel)) < 0)
                return fallback;
        return attr_int(hd__root_sysfd(hd__ctx_root(ctx)), rel, base, fallback);
}

/* D's IOMMU group: the number its iommu_group link names.  Returns: the
 * group, -ENOENT without a readable link, -EINVAL for a link whose name is
 * not a decimal number below 2^31 (a hostile or broken tree). */
int hd__dev_iommu_group(struct hd_ctx *ctx, const struct hd_dev *d, char *buf, size_t size)
{
        int g;

        if (hd__dev_readlink_base(ctx, d, "iommu_group", buf, size) <= 0)
                return -ENOENT;
        if (hd__parse_dec_list(buf, 0, &g, 1) != 1 || buf[strspn(buf, "0123456789")])
                return -EINVAL;
        return g;
}

/* KNOWN when the uevent gave it (>= 0), else integer attribute ATTR of D in
 * BASE, -1 when absent or odd: a recorded tree without uevent */
int hd__dev_int_unless(struct hd_ctx *ctx, const struct hd_dev *d, int known, const char *attr,
                       int base)
{
        return known >= 0 ? known : hd__dev_int(ctx, d, attr, base, -1);
}

/* A getter's pair of 16-bit ids (vendor and device or product): -ENODATA
 * unless OK (the device's type) and both are known, else 0 with each put
 * where its pointer is not NULL */
int hd__get_id_pair(bool ok, int a, int b, uint16_t *ret_a, uint16_t *ret_b)
{
        if (!ok || a < 0 || b < 0)
                return -ENODATA;
        if (ret_a)
                *ret_a = (uint16_t)a;
        if (ret_b)
                *ret_b = (uint16_t)b;
        return 0;
}

/* Entry NAME of LINKDIR (open as DIR): FN on the device path it leads to;
 * a link that leads nowhere or outside devices/ is a warning and skipped.
 * Returns: -ENOMEM from FN, else 0. */
static int visit_link(struct hd_ctx *ctx, DIR *dir, const char *linkdir, const char *name,
                      hd__sys_link_fn fn, void *data)
{
        char path[PATH_MAX];
        /* relative to the listing: one component to walk, not four */
        int r = hd__resolve_sys_link(dirfd(dir), linkdir, name, path, sizeof(path));

        if (r < 0) {
                WARN(ctx, "%s/%s: %s, skipped", linkdir, name,
                     r == -EXDEV ? "link points outside sys/" : strerror(-r));
                return 0;
        }
        if (!startswith(path, "devices/")) {
                WARN(ctx, "%s/%s: does not point into devices/", linkdir, name);
                return 0;
        }
        r = fn(ctx, data, name, path);
        return r == -ENOMEM ? r : 0;
}

/* Walk the entries of LINKDIR (relative to sys), resolving each to a device
 * path and calling FN.  A missing directory is no error. */
int hd__foreach_sys_link(struct hd_ctx *ctx, const char *linkdir, hd__sys_link_fn fn, void *data)
{
        int fd = hd__open_dir_at(hd__root_sysfd(hd__ctx_root(ctx)), linkdir), r = 0;
        struct dirent *de;
        DIR *dir;

        if (fd == -ENOENT || fd == -ENOTDIR)
                return 0;
        if (fd < 0) {
                WARN(ctx, "%s: %s", linkdir, strerror(-fd));
                return 0;
        }
        dir = fdopendir(fd);
        if (!dir) {
                close(fd);
                return -errno;
        }
        while (r >= 0 && (de = readdir(dir)))
                if (de->d_name[0] != '.')
                        r = visit_link(ctx, dir, linkdir, de->d_name, fn, data);
        closedir(dir);
        return r;
}

/* Add DEV to the scan (a device not added stays in the scan's memory, unused);
 * a duplicate path is a warning. */
int hd__scan_add_dev(struct hd_ctx *ctx, struct hd__scan *s, struct hd_dev *d)
{
        int r = hd__scan_add(s, d);

        if (r == -EEXIST)
                WARN(ctx, "%s: listed twice", d->path);
        return r == -ENOMEM ? r : 0;
}

/* node-device name: PREFIX + s with '-', '.', ':' and anything odd turned into '_' */
char *hd__make_name(struct hd__scan *sc, const char *prefix, const char *s)
{
        size_t lp = strlen(prefix), ls = strlen(s);
        char *n = hd__scan_alloc(sc, lp + ls + 1);

        if (!n)
                return NULL;
        memcpy(n, prefix, lp);
        for (size_t i = 0; i < ls; i++) {
                unsigned char c = (unsigned char)s[i];
                n[lp + i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') ? (char)c : '_';
        }
        n[lp + ls] = '\0';
        return n;
}
