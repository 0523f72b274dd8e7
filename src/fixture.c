/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The recorded-fixture loader: an umockdev-record text file becomes a sysfs
 * tree under DIR (DIR/sys/..., DIR/dev/...) that the scanner, lspci and
 * lsscsi read like a live host.
 *
 * The file is parsed whole first (blocks of "X: " lines, one per device),
 * then written: attributes, links and nodes as recorded, plus what recorders
 * skip: uevent, subsystem/driver links, bus/class/iommu_groups back-links,
 * dev/{char,block} links and the targets of dangling links.  Recordings are
 * user input: bad lines are warned about and skipped, nothing is ever
 * written outside DIR and no symlink is followed while creating.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "hostdev-internal.h"
#include "strbuf.h"

#define LINE_MAX_LEN (8u << 20)         /* longer lines are skipped */
#define DEV_PREFIX "/dev/"
#define DIR_CACHE 128             /* open directories kept by the writer */

struct entry {
        char kind;              /* A H L E N S */
        unsigned line;
        char *key;              /* owns the line; val points into it */
        char *val;              /* NULL for N:/S: without '=' */
        size_t vlen;
};

struct block {
        char *path;             /* "devices/...", relative to sys */
        unsigned line;
        struct entry *e;
        size_t n, cap;
};

struct loader {
        struct hd_ctx *ctx;
        const char *file;
        int sysfd, devfd;
        struct block *b;
        size_t nb, capb;
        bool skipping;          /* inside a block whose P: was refused */
        struct hd__strv buses;      /* subsystems seen bound to a driver */
        struct hd__strv targets;    /* link targets (relative to sys) to complete */
        struct dirfd {          /* directories under sys that links go into */
                char *path;
                int fd;
        } dirs[DIR_CACHE];
        size_t ndirs, next_evict;
};

/* What the writer learns about one device while applying its block. */
struct dev {
        const struct block *b;
        const char *sysname;
        int fd;
        const char *subsystem, *driver, *devname, *major, *minor, *devnum;
        const struct entry *node;
        bool has_uevent, has_subsystem, has_driver;
        char driver_dir[PATH_MAX];      /* "bus/X/drivers/D" */
        char iommu_dir[PATH_MAX];       /* "kernel/iommu_groups/N" */
};

#define LWARN(l, line, fmt, ...) WARN((l)->ctx, "%s:%u: " fmt, (l)->file, (line), ##__VA_ARGS__)

static const char *const bus_subsystems[] = {
        "pci", "usb", "scsi", "hid", "platform", "virtio", "serio", "pnp", "acpi", "i2c",
        "spi", "cpu", "node", "memory", "pci_express", "usb-serial", "mdio_bus", "mmc",
        "sdio", "gpio", "serial-base", "serial", "thunderbolt", "nd", "vmbus", "xen",
        "xen-backend", "container", "event_source", "clockevents", "clocksource",
        "machinecheck", "workqueue", "edac", "nvmem", "soc", "auxiliary", "memory_tiering",
        "mdev", "vdpa", "dax", "cxl", "hdaudio", "ac97", "amba", "ccw", "css", "ap",
        "pcmcia", "mei", "wmi", "typec", "tee", "rpmsg", "iio", "media", "mipi-dsi", "i3c",
        "spmi", "slimbus", "soundwire", "ishtp", "intel_th", "coresight", "fsi", "mhi",
        "pci-epf", "gameport", "isa", "eisa", "parport", "bcma", "ssb", "ulpi", "hsi",
        "firewire", "snd_seq", "genpd", "cec", "dfl", "cdx", "host1x", "scmi_protocol",
        "iscsi_flashnode", "zorro", "nubus", "rapidio", "mcb", "ipack", "vme",
};

/* ---------------------------------------------------------------- small helpers */

static bool is_bus(const struct loader *l, const char *subsystem)
{
        for (size_t i = 0; i < ELEMENTSOF(bus_subsystems); i++)
                if (streq(bus_subsystems[i], subsystem))
                        return true;
        return hd__strv_has(&l->buses, subsystem);
}

/* Errors that no later line can avoid abort the load; the rest are per line. */
static bool is_fatal(int err)
{
        return err == -ENOSPC || err == -EDQUOT || err == -EIO || err == -EROFS ||
               err == -ENOMEM || err == -EMFILE || err == -ENFILE || err == -EACCES;
}

/* snprintf into a path buffer; -ENAMETOOLONG instead of truncating. */
static int pathf(char *buf, size_t size, const char *fmt, ...) _printf_(3, 4);
static int pathf(char *buf, size_t size, const char *fmt, ...)
{
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(buf, size, fmt, ap);
        va_end(ap);
        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Number of components of a relative path ("a/b/c" -> 3). */
static size_t n_components(const char *rel)
{
        size_t n = *rel ? 1 : 0;

        for (const char *p = rel; *p; p++)
                if (*p == '/')
                        n++;
        return n;
}

/* "../" DEPTH times followed by DEST. */
static int up_path(size_t depth, const char *dest, char *buf, size_t size)
{
        size_t need = depth * 3 + strlen(dest) + 1;

        if (need > size)
                return -ENAMETOOLONG;
        for (size_t i = 0; i < depth; i++)
                memcpy(buf + i * 3, "../", 3);
        strcpy(buf + depth * 3, dest);
        return 0;
}

/* Why NAME (relative, possibly with '/') cannot be created, or NULL. */
static const char *bad_name(const char *name)
{
        const char *p = name;

        if (!*name)
                return "empty name";
        if (name[0] == '/')
                return "absolute name";
        if (name[strlen(name) - 1] == '/')
                return "trailing '/' in name";
        if (strlen(name) >= PATH_MAX / 2)
                return "name too long";
        for (const char *c = name; *c; c++)
                if ((unsigned char)*c <= ' ' || *c == 0x7f)
                        return "space or control character in name";
        while (*p) {
                const char *e = strchrnul(p, '/');
                size_t len = (size_t)(e - p);
                if (len == 0)
                        return "empty path component";
                if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
                        return "'.' or '..' in name";
                if (len > NAME_MAX)
                        return "path component too long";
                p = *e ? e + 1 : e;
        }
        return NULL;
}

/* A single path component (subsystem, driver). */
static bool is_component(const char *s)
{
        return !bad_name(s) && !strchr(s, '/');
}

/* Link targets must look like the kernel's: "../" repeated, then plain
 * components.  With ".." only in front, resolving never climbs out of the
 * place the text names, even through other links of the tree. */
static const char *bad_target(const char *t)
{
        const char *p = t, *why;

        if (!*t)
                return "empty link target";
        if (t[0] == '/')
                return "absolute link target";
        while (startswith(p, "../"))
                p += 3;
        if (streq(p, ".."))
                return "link target ends in '..'";
        why = bad_name(p);
        return why ? "'.', '..', empty component or space inside link target" : NULL;
}

/* g_strcompress(): \b \f \n \r \t \v \\ \" and octal \NNN; other "\c" give c. */
static size_t unescape(char *s)
{
        char *o = s;

        for (char *p = s; *p; p++) {
                if (*p != '\\') {
                        *o++ = *p;
                        continue;
                }
                p++;
                switch (*p) {
                case '\0':
                        goto out;       /* a lone trailing backslash is dropped */
                case 'b': *o++ = '\b'; break;
                case 'f': *o++ = '\f'; break;
                case 'n': *o++ = '\n'; break;
                case 'r': *o++ = '\r'; break;
                case 't': *o++ = '\t'; break;
                case 'v': *o++ = '\v'; break;
                case '0': case '1': case '2': case '3':
                case '4': case '5': case '6': case '7': {
                        unsigned v = 0;
                        for (int i = 0; i < 3 && *p >= '0' && *p <= '7'; i++, p++)
                                v = v * 8 + (unsigned)(*p - '0');
                        p--;
                        *o++ = (char)(v & 0xff);
                        break;
                }
                default:
                        *o++ = *p;
                }
        }
out:
        *o = '\0';
        return (size_t)(o - s);
}

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Decode hex digit pairs in place.  Returns the byte count or -EINVAL. */
static int unhex(char *s)
{
        size_t n = 0;

        for (const char *p = s; *p; p += 2) {
                int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);
                if (lo < 0)
                        return -EINVAL;
                s[n++] = (char)(hi << 4 | lo);
        }
        s[n] = '\0';
        return n > INT_MAX ? -EINVAL : (int)n;
}

/* ---------------------------------------------------------------- parsing */

/* One line without its newline (and a trailing '\r'); lines longer than
 * LINE_MAX_LEN are consumed whole and flagged.  Returns 1, 0 at EOF, -errno. */
static int read_line(FILE *f, char **buf, size_t *cap, size_t *len, bool *too_long)
{
        size_t n = 0;
        int c;

        *too_long = false;
        while ((c = getc_unlocked(f)) != EOF && c != '\n') {
                if (n >= LINE_MAX_LEN) {
                        *too_long = true;
                        continue;
                }
                if (hd__grow(buf, n + 1, cap, 1, 256) < 0)      /* c and the NUL */
                        return -ENOMEM;
                (*buf)[n++] = (char)c;
        }
        if (ferror(f))
                return -EIO;
        if (c == EOF && n == 0 && !*too_long)
                return 0;
        if (n > 0 && (*buf)[n - 1] == '\r')
                n--;
        if (*buf)
                (*buf)[n] = '\0';
        *len = n;
        return 1;
}

static int block_new(struct loader *l, const char *path, unsigned line)
{
        struct block *b;

        if (hd__grow(&l->b, l->nb, &l->capb, sizeof(*l->b), 64) < 0)
                return -ENOMEM;
        b = &l->b[l->nb];
        *b = (struct block){ .line = line, .path = strdup(path + 1) };
        if (!b->path)
                return -ENOMEM;
        l->nb++;
        return 0;
}

static int block_add(struct block *b, const struct entry *e)
{
        if (hd__grow(&b->e, b->n, &b->cap, sizeof(*b->e), 16) < 0)
                return -ENOMEM;
        b->e[b->n++] = *e;
        return 0;
}

static int parse_path(struct loader *l, const char *path, unsigned line)
{
        const char *why = NULL;

        if (!startswith(path, "/devices/"))
                why = "device path not below /devices/";
        else
                why = bad_name(path + 1);
        if (why) {
                LWARN(l, line, "%s: skipping the block", why);
                l->skipping = true;
                return 0;
        }
        l->skipping = false;
        return block_new(l, path, line);
}

/* Split "key=value", decode the value by KIND.  Returns 0, or a reason. */
static const char *entry_decode(struct entry *e)
{
        char *eq = strchr(e->key, '=');
        int r;

        if (!eq)
                return e->kind == 'N' || e->kind == 'S' ? bad_name(e->key) : "no '=' in line";
        if (e->kind == 'S')
                return "'=' in a device link name";
        *eq = '\0';
        e->val = eq + 1;
        if (e->kind == 'E')
                return *e->key ? NULL : "empty property name";
        if (e->kind == 'A') {
                e->vlen = unescape(e->val);
        } else if (e->kind == 'H' || e->kind == 'N') {
                r = unhex(e->val);
                if (r < 0)
                        return "bad hex data";
                e->vlen = (size_t)r;
        } else {
                e->vlen = strlen(e->val);
                const char *why = bad_target(e->val);
                if (why)
                        return why;
        }
        return bad_name(e->key);
}

static int parse_entry(struct loader *l, char kind, const char *text, size_t len, unsigned line)
{
        struct entry e = { .kind = kind, .line = line };
        const char *why;

        if (l->nb == 0 && !l->skipping) {
                LWARN(l, line, "'%c:' line before any P: line, skipped", kind);
                return 0;
        }
        if (l->skipping)
                return 0;
        e.key = malloc(len + 1);
        if (!e.key)
                return -ENOMEM;
        memcpy(e.key, text, len + 1);
        why = entry_decode(&e);
        if (why) {
                LWARN(l, line, "%s, skipped", why);
                free(e.key);
                return 0;
        }
        if (block_add(&l->b[l->nb - 1], &e) < 0) {
                free(e.key);
                return -ENOMEM;
        }
        return 0;
}

static int parse_line(struct loader *l, char *s, size_t len, unsigned line, bool *in_block)
{
        if (len == 0) {
                *in_block = false;
                l->skipping = false;
                return 0;
        }
        if (memchr(s, '\0', len)) {
                LWARN(l, line, "binary data, line skipped");
                return 0;
        }
        if (s[0] == '#')
                return 0;
        if (len < 3 || s[1] != ':' || s[2] != ' ' || !strchr("PAHLENS", s[0])) {
                LWARN(l, line, "unrecognised line skipped");
                return 0;
        }
        if (s[0] == 'P') {
                if (*in_block)
                        LWARN(l, line, "P: line without a blank line before it");
                *in_block = true;
                return parse_path(l, s + 3, line);
        }
        if (!*in_block && !l->skipping && l->nb > 0) {
                LWARN(l, line, "'%c:' line outside a block, skipped", s[0]);
                return 0;
        }
        return parse_entry(l, s[0], s + 3, len - 3, line);
}

static int parse_file(struct loader *l, FILE *f)
{
        _cleanup_free_ char *buf = NULL;
        size_t cap = 0, len = 0;
        unsigned line = 0;
        bool in_block = false, too_long;
        int r;

        while ((r = read_line(f, &buf, &cap, &len, &too_long)) > 0) {
                line++;
                if (too_long) {
                        LWARN(l, line, "line longer than %u bytes skipped",
                              LINE_MAX_LEN);
                        continue;
                }
                if (len == 0 && !buf)
                        continue;
                r = parse_line(l, buf ? buf : (char *)"", len, line, &in_block);
                if (r < 0)
                        return r;
        }
        return r;
}

/* Subsystems whose devices carry a driver, or that some link calls bus/X. */
static int find_buses(struct loader *l)
{
        for (size_t i = 0; i < l->nb; i++) {
                const struct block *b = &l->b[i];
                const char *subsystem = NULL;
                bool bound = false;
                for (size_t j = 0; j < b->n; j++) {
                        const struct entry *e = &b->e[j];
                        if (e->kind == 'E' && streq(e->key, "SUBSYSTEM"))
                                subsystem = e->val;
                        else if ((e->kind == 'E' && streq(e->key, "DRIVER")) ||
                                 (e->kind == 'L' && streq(e->key, "driver")))
                                bound = true;
                }
                if (bound && subsystem && is_component(subsystem) && !is_bus(l, subsystem) &&
                    hd__strv_add(&l->buses, subsystem) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* ---------------------------------------------------------------- writing */

/* A failed write of one line: warn and go on, unless nothing could succeed. */
static int line_failed(struct loader *l, unsigned line, const char *what, const char *name,
                       int err)
{
        if (is_fatal(err))
                return hd__error(l->ctx, err, "%s:%u: %s %s: %s", l->file, line, what, name,
                                 strerror(-err));
        LWARN(l, line, "%s %s: %s", what, name, strerror(-err));
        return 0;
}

/* A synthesized file or link: silently skip what exists or cannot be. */
static int synth_failed(struct loader *l, const struct dev *d, const char *what, int err)
{
        if (is_fatal(err))
                return hd__error(l->ctx, err, "%s: %s: %s", l->file, what, strerror(-err));
        if (err != -EEXIST)
                LWARN(l, d->b->line, "cannot create %s: %s", what,
                      strerror(-err));
        return 0;
}

/* An open fd of directory sys/REL (created if need be), owned by the cache. */
static int cached_dir(struct loader *l, const char *rel)
{
        struct dirfd *slot;
        char *path;
        int fd;

        for (size_t i = 0; i < l->ndirs; i++)
                if (streq(l->dirs[i].path, rel))
                        return l->dirs[i].fd;
        fd = hd__mkdir_open_at(l->sysfd, rel, 0755);
        if (fd < 0)
                return fd;
        path = strdup(rel);
        if (!path) {
                close(fd);
                return -ENOMEM;
        }
        if (l->ndirs < DIR_CACHE) {
                slot = &l->dirs[l->ndirs++];
        } else {
                slot = &l->dirs[l->next_evict++ % DIR_CACHE];
                free(slot->path);
                close(slot->fd);
        }
        *slot = (struct dirfd){ .path = path, .fd = fd };
        return fd;
}

/* Symlink sys/REL -> TARGET. */
static int synth_link(struct loader *l, const struct dev *d, const char *rel, const char *target)
{
        char dir[PATH_MAX];
        const char *slash = strrchr(rel, '/'), *name = rel;
        int fd = l->sysfd, r;

        if (slash) {
                size_t len = (size_t)(slash - rel);
                name = slash + 1;
                if (len == strlen(d->b->path) && strncmp(rel, d->b->path, len) == 0) {
                        fd = d->fd;             /* a link of the device itself */
                } else {
                        if (pathf(dir, sizeof(dir), "%.*s", (int)len, rel) < 0)
                                return synth_failed(l, d, rel, -ENAMETOOLONG);
                        fd = cached_dir(l, dir);
                        if (fd < 0)
                                return synth_failed(l, d, rel, fd);
                }
        }
        r = hd__symlink_at(target, fd, name);
        return r < 0 ? synth_failed(l, d, rel, r) : 0;
}

/* Symlink sys/REL -> sys/DEST, relative like the kernel's. */
static int synth_link_to(struct loader *l, const struct dev *d, const char *rel, const char *dest)
{
        char target[PATH_MAX];
        char dir[PATH_MAX];
        char *slash;
        int r;

        if (strlen(rel) >= sizeof(dir))
                return synth_failed(l, d, rel, -ENAMETOOLONG);
        strcpy(dir, rel);
        slash = strrchr(dir, '/');
        r = up_path(slash ? (*slash = '\0', n_components(dir)) : 0, dest, target,
                    sizeof(target));
        if (r < 0)
                return synth_failed(l, d, rel, r);
        return synth_link(l, d, rel, target);
}

static int synth_dir(struct loader *l, const struct dev *d, const char *rel)
{
        int r = cached_dir(l, rel);
        return r < 0 ? synth_failed(l, d, rel, r) : 0;
}

static int apply_link(struct loader *l, struct dev *d, const struct entry *e)
{
        char dir[PATH_MAX], norm[PATH_MAX];
        const char *slash = strrchr(e->key, '/');
        int r;

        if (pathf(dir, sizeof(dir), "%s%s%.*s", d->b->path, slash ? "/" : "",
                  slash ? (int)(slash - e->key) : 0, e->key) < 0)
                return line_failed(l, e->line, "cannot create link", e->key, -ENAMETOOLONG);
        r = hd__path_join_norm(dir, e->val, norm, sizeof(norm));
        if (r == -EXDEV || (r >= 0 && !*norm)) {
                LWARN(l, e->line, "link %s -> %s leaves the tree, skipped",
                      e->key, e->val);
                return 0;
        }
        if (r < 0)
                return line_failed(l, e->line, "cannot create link", e->key, r);
        r = hd__symlink_at(e->val, d->fd, e->key);
        if (r < 0)
                return line_failed(l, e->line, "cannot create link", e->key, r);
        if (streq(e->key, "driver")) {
                d->has_driver = true;
                if (startswith(norm, "bus/") && n_components(norm) == 4)
                        strcpy(d->driver_dir, norm);
        } else if (streq(e->key, "iommu_group")) {
                strcpy(d->iommu_dir, norm);
        } else if (streq(e->key, "subsystem")) {
                d->has_subsystem = true;
        }
        return hd__strv_add(&l->targets, norm);
}

static void note_property(struct dev *d, const struct entry *e)
{
        if (streq(e->key, "SUBSYSTEM"))
                d->subsystem = e->val;
        else if (streq(e->key, "DRIVER"))
                d->driver = e->val;
        else if (streq(e->key, "DEVNAME"))
                d->devname = startswith(e->val, DEV_PREFIX) ? e->val + strlen(DEV_PREFIX)
                                                             : e->val;
        else if (streq(e->key, "MAJOR"))
                d->major = e->val;
        else if (streq(e->key, "MINOR"))
                d->minor = e->val;
}

static int apply_entry(struct loader *l, struct dev *d, const struct entry *e)
{
        int r;

        switch (e->kind) {
        case 'A':
        case 'H':
                if (streq(e->key, "uevent"))
                        d->has_uevent = true;
                if (streq(e->key, "dev") && e->kind == 'A')
                        d->devnum = e->val;
                r = hd__create_file_at(d->fd, e->key, e->val, e->vlen, 0644);
                return r < 0 ? line_failed(l, e->line, "cannot write attribute", e->key, r) : 0;
        case 'L':
                return apply_link(l, d, e);
        case 'E':
                note_property(d, e);
                return 0;
        case 'N':
                if (!d->node)
                        d->node = e;
                return 0;
        default:
                return 0;       /* S: after the node exists */
        }
}

/* ---------------------------------------------------------------- synthesis */

static bool udev_only(const char *key)
{
        static const char *const keys[] = {
                "SUBSYSTEM", "DEVPATH", "ACTION", "SEQNUM", "USEC_INITIALIZED",
                "DEVLINKS", "TAGS", "CURRENT_TAGS",
        };

        if (startswith(key, "ID_") || key[0] == '.')
                return true;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (streq(keys[i], key))
                        return true;
        return false;
}

static const char *find_attr(const struct block *b, const char *name)
{
        for (size_t i = 0; i < b->n; i++)
                if (b->e[i].kind == 'A' && streq(b->e[i].key, name))
                        return b->e[i].val;
        return NULL;
}

static bool has_property(const struct block *b, const char *key)
{
        for (size_t i = 0; i < b->n; i++)
                if (b->e[i].kind == 'E' && streq(b->e[i].key, key))
                        return true;
        return false;
}

static unsigned long attr_ul(const struct block *b, const char *name)
{
        const char *v = find_attr(b, name);
        return v ? strtoul(v, NULL, 0) : 0;
}

/* The kernel's PCI uevent keys, for converted recordings that lack them. */
static void pci_uevent(const struct dev *d, struct hd__buf *u)
{
        const struct block *b = d->b;
        const char *modalias = find_attr(b, "modalias");

        if (has_property(b, "PCI_SLOT_NAME") || !find_attr(b, "vendor"))
                return;
        hd__buf_putf(u, "PCI_CLASS=%lX\n", attr_ul(b, "class"));
        hd__buf_putf(u, "PCI_ID=%04lX:%04lX\n", attr_ul(b, "vendor"), attr_ul(b, "device"));
        if (find_attr(b, "subsystem_vendor"))
                hd__buf_putf(u, "PCI_SUBSYS_ID=%04lX:%04lX\n", attr_ul(b, "subsystem_vendor"),
                             attr_ul(b, "subsystem_device"));
        hd__buf_putf(u, "PCI_SLOT_NAME=%s\n", d->sysname);
        if (modalias && !has_property(b, "MODALIAS"))
                hd__buf_putf(u, "MODALIAS=%.*s\n", (int)strcspn(modalias, "\n"), modalias);
}

static int synth_uevent(struct loader *l, const struct dev *d)
{
        struct hd__buf u = { 0 };
        int r = 0;

        for (size_t i = 0; i < d->b->n; i++) {
                const struct entry *e = &d->b->e[i];
                if (e->kind != 'E' || udev_only(e->key))
                        continue;
                if (streq(e->key, "DEVNAME"))
                        hd__buf_putf(&u, "DEVNAME=%s\n", d->devname);
                else
                        hd__buf_putf(&u, "%s=%s\n", e->key, e->val);
        }
        if (d->subsystem && streq(d->subsystem, "pci"))
                pci_uevent(d, &u);
        if (u.oom)
                r = -ENOMEM;
        else
                r = hd__create_file_at(d->fd, "uevent", hd__buf_str(&u), u.len, 0644);
        hd__buf_done(&u);
        return r < 0 ? synth_failed(l, d, "uevent", r) : 0;
}

/* subsystem link, bus/X/devices or class/X entry (and block/NAME). */
static int synth_subsystem(struct loader *l, struct dev *d)
{
        char rel[PATH_MAX], sub[PATH_MAX];
        bool bus = is_bus(l, d->subsystem);
        int r;

        r = pathf(sub, sizeof(sub), "%s/%s", bus ? "bus" : "class", d->subsystem);
        if (r == 0 && bus)
                r = pathf(rel, sizeof(rel), "bus/%s/drivers", d->subsystem) ?:
                    synth_dir(l, d, rel);
        if (r == 0 && !d->has_subsystem)
                r = pathf(rel, sizeof(rel), "%s/subsystem", d->b->path) ?:
                    synth_link_to(l, d, rel, sub);
        if (r == 0)
                r = pathf(rel, sizeof(rel), "%s%s/%s", sub, bus ? "/devices" : "",
                          d->sysname) ?: synth_link_to(l, d, rel, d->b->path);
        if (r == 0 && streq(d->subsystem, "block"))
                r = pathf(rel, sizeof(rel), "block/%s", d->sysname) ?:
                    synth_link_to(l, d, rel, d->b->path);
        return r == -ENAMETOOLONG ? synth_failed(l, d, d->subsystem, r) : r;
}

/* driver link when only E: DRIVER was recorded; drivers/D/<dev> back-link. */
static int synth_driver(struct loader *l, struct dev *d)
{
        char rel[PATH_MAX];
        int r = 0;

        if (!d->has_driver && d->driver && d->subsystem && is_bus(l, d->subsystem)) {
                if (!is_component(d->driver)) {
                        LWARN(l, d->b->line, "bad DRIVER, ignored");
                        return 0;
                }
                r = pathf(d->driver_dir, sizeof(d->driver_dir), "bus/%s/drivers/%s",
                          d->subsystem, d->driver) ?:
                    pathf(rel, sizeof(rel), "%s/driver", d->b->path) ?:
                    synth_link_to(l, d, rel, d->driver_dir);
        }
        if (r == 0 && d->driver_dir[0])
                r = synth_dir(l, d, d->driver_dir) ?:
                    pathf(rel, sizeof(rel), "%s/%s", d->driver_dir, d->sysname) ?:
                    synth_link_to(l, d, rel, d->b->path);
        return r == -ENAMETOOLONG ? synth_failed(l, d, "driver link", r) : r;
}

static int synth_iommu(struct loader *l, struct dev *d)
{
        char rel[PATH_MAX];
        int r;

        if (!d->iommu_dir[0])
                return 0;
        r = pathf(rel, sizeof(rel), "%s/devices/%s", d->iommu_dir, d->sysname) ?:
            synth_link_to(l, d, rel, d->b->path);
        return r == -ENAMETOOLONG ? synth_failed(l, d, "iommu group link", r) : r;
}

/* dev/{char,block}/MAJ:MIN */
static int synth_devnum(struct loader *l, struct dev *d)
{
        char num[64], rel[PATH_MAX];
        unsigned maj, min;
        int end = 0;

        if (d->devnum)
                snprintf(num, sizeof(num), "%.*s", (int)strcspn(d->devnum, "\n"), d->devnum);
        else if (d->major && d->minor)
                snprintf(num, sizeof(num), "%s:%s", d->major, d->minor);
        else
                return 0;
        if (sscanf(num, "%u:%u%n", &maj, &min, &end) != 2 || num[end])
                return 0;
        if (pathf(rel, sizeof(rel), "dev/%s/%u:%u",
                  d->subsystem && streq(d->subsystem, "block") ? "block" : "char", maj, min))
                return 0;
        return synth_link_to(l, d, rel, d->b->path);
}

/* The shortest relative target for a link at FROM pointing at TO (both
 * relative to the same directory), like udev's "../event5". */
static int rel_target(const char *from, const char *to, char *buf, size_t size)
{
        size_t common = 0;

        /* skip the directories FROM and TO share */
        for (size_t i = 0; from[i] && from[i] == to[i]; i++)
                if (from[i] == '/')
                        common = i + 1;
        return up_path(n_components(from + common) - 1, to + common, buf, size);
}

static int make_node(struct loader *l, const struct dev *d, const char *name, const void *data,
                     size_t len, unsigned line)
{
        int r = hd__create_file_at(l->devfd, name, data, len, 0644);
        return r < 0 ? line_failed(l, line, "cannot create device node", name, r) : 0;
}

/* dev/NAME for N: and E: DEVNAME; S: links to it. */
static int synth_nodes(struct loader *l, const struct dev *d)
{
        const char *node = d->node ? d->node->key : NULL;
        int r;

        if (d->node) {
                r = make_node(l, d, node, d->node->val ? d->node->val : "", d->node->vlen,
                              d->node->line);
                if (r < 0)
                        return r;
        }
        if (d->devname && (!node || !streq(node, d->devname))) {
                const char *why = bad_name(d->devname);
                if (why) {
                        LWARN(l, d->b->line, "DEVNAME: %s", why);
                } else {
                        r = make_node(l, d, d->devname, "", 0, d->b->line);
                        if (r < 0)
                                return r;
                        if (!node)
                                node = d->devname;
                }
        }
        for (size_t i = 0; i < d->b->n; i++) {
                const struct entry *e = &d->b->e[i];
                char target[PATH_MAX];
                if (e->kind != 'S')
                        continue;
                if (!node) {
                        LWARN(l, e->line, "S: without a device node, skipped");
                        continue;
                }
                r = rel_target(e->key, node, target, sizeof(target));
                if (r == 0)
                        r = hd__symlink_at(target, l->devfd, e->key);
                if (r < 0 && (r = line_failed(l, e->line, "cannot create link", e->key, r)) < 0)
                        return r;
        }
        return 0;
}

static int synthesize(struct loader *l, struct dev *d)
{
        int r = 0;

        if (!d->has_uevent)
                r = synth_uevent(l, d);
        if (r == 0 && d->subsystem) {
                if (is_component(d->subsystem))
                        r = synth_subsystem(l, d);
                else
                        LWARN(l, d->b->line, "bad SUBSYSTEM, ignored");
        }
        if (r == 0)
                r = synth_driver(l, d);
        if (r == 0)
                r = synth_iommu(l, d);
        if (r == 0)
                r = synth_devnum(l, d);
        if (r == 0)
                r = synth_nodes(l, d);
        return r;
}

/* Create and open sys/PATH; its parent comes from the directory cache. */
static int open_device_dir(struct loader *l, const char *path, const char *sysname)
{
        char parent[PATH_MAX];
        int pfd;

        if (pathf(parent, sizeof(parent), "%.*s", (int)(sysname - 1 - path), path) < 0)
                return -ENAMETOOLONG;
        pfd = cached_dir(l, parent);
        if (pfd < 0)
                return pfd;
        return hd__mkdir_open_at(pfd, sysname, 0755);
}

/* Returns 1 when the device was created, 0 when skipped, or a fatal -errno. */
static int apply_block(struct loader *l, const struct block *b)
{
        struct dev d = { .b = b, .fd = -1 };
        int r;

        d.sysname = strrchr(b->path, '/') + 1;
        d.fd = open_device_dir(l, b->path, d.sysname);
        if (d.fd < 0)
                return line_failed(l, b->line, "cannot create device", b->path, d.fd);
        for (size_t i = 0; i < b->n; i++) {
                r = apply_entry(l, &d, &b->e[i]);
                if (r < 0)
                        goto out;
        }
        r = synthesize(l, &d);
out:
        close(d.fd);
        return r < 0 ? r : 1;
}

/* Targets of recorded links that point at nothing become directories. */
static int complete_targets(struct loader *l)
{
        for (size_t i = 0; i < l->targets.n; i++) {
                const char *t = l->targets.v[i];
                int r;
                if (hd__exists_at(l->sysfd, t))
                        continue;
                r = hd__mkdir_p_at(l->sysfd, t, 0755);
                if (r < 0 && is_fatal(r))
                        return hd__error(l->ctx, r, "%s: %s", t, strerror(-r));
                if (r < 0)
                        DBG(l->ctx, "cannot create link target %s: %s", t, strerror(-r));
        }
        return 0;
}

static int make_skeleton(struct loader *l)
{
        static const char *const dirs[] = { "bus", "class", "devices", "dev/char",
                                            "dev/block", "block", "kernel" };

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                int r = hd__mkdir_p_at(l->sysfd, dirs[i], 0755);
                if (r < 0)
                        return hd__error(l->ctx, r, "cannot create %s: %s", dirs[i],
                                         strerror(-r));
        }
        return 0;
}

static int write_tree(struct loader *l, const char *dir)
{
        _cleanup_close_ int rootfd = hd__dir_open_empty(dir, 0755);
        int n = 0, r;

        if (rootfd == -ENOTEMPTY)
                return hd__error(l->ctx, rootfd, "%s: directory is not empty", dir);
        if (rootfd < 0)
                return hd__error(l->ctx, rootfd, "%s: %s", dir, strerror(-rootfd));
        l->sysfd = hd__mkdir_open_at(rootfd, "sys", 0755);
        if (l->sysfd < 0)
                return hd__error(l->ctx, l->sysfd, "%s/sys: %s", dir, strerror(-l->sysfd));
        l->devfd = hd__mkdir_open_at(rootfd, "dev", 0755);
        if (l->devfd < 0)
                return hd__error(l->ctx, l->devfd, "%s/dev: %s", dir, strerror(-l->devfd));
        r = make_skeleton(l);
        for (size_t i = 0; i < l->nb && r >= 0; i++) {
                r = apply_block(l, &l->b[i]);
                n += r > 0;
        }
        if (r >= 0)
                r = complete_targets(l);
        return r < 0 ? r : n;
}

static void loader_done(struct loader *l)
{
        for (size_t i = 0; i < l->nb; i++) {
                for (size_t j = 0; j < l->b[i].n; j++)
                        free(l->b[i].e[j].key);
                free(l->b[i].e);
                free(l->b[i].path);
        }
        free(l->b);
        hd__strv_done(&l->buses);
        hd__strv_done(&l->targets);
        for (size_t i = 0; i < l->ndirs; i++) {
                free(l->dirs[i].path);
                close(l->dirs[i].fd);
        }
        if (l->sysfd >= 0)
                close(l->sysfd);
        if (l->devfd >= 0)
                close(l->devfd);
}

static FILE *open_input(const char *file, int *err)
{
        int fd = streq(file, "-") ? dup(STDIN_FILENO) : hd__open_regular_at(AT_FDCWD, file);
        FILE *f;

        if (fd < 0) {
                *err = streq(file, "-") ? -errno : fd;
                return NULL;
        }
        f = fdopen(fd, "r");
        if (!f) {
                *err = -errno;
                close(fd);
        }
        return f;
}

/* Parse the recording in F (called NAME in messages); write it under DIR
 * unless DIR is NULL.  Returns: devices written (or blocks parsed), -errno. */
static int load_stream(struct hd_ctx *ctx, const char *name, FILE *f, const char *dir)
{
        struct loader l = { .ctx = ctx, .file = name, .sysfd = -1, .devfd = -1 };
        int r;

        hd__log_cap_begin(ctx);
        r = parse_file(&l, f);
        if (r < 0)
                r = hd__error(ctx, r, "%s: %s", name, strerror(-r));
        if (r >= 0)
                r = find_buses(&l);
        if (r >= 0)
                r = dir ? write_tree(&l, dir) : (int)(l.nb > INT_MAX ? INT_MAX : l.nb);
        loader_done(&l);
        hd__log_cap_end(ctx);
        return r;
}

HD_EXPORT int hd_fixture_load(struct hd_ctx *ctx, const char *file, const char *dir)
{
        _cleanup_fclose_ FILE *f = NULL;
        int r = 0;

        if (!file || !dir || !*dir)
                return hd__error(ctx, -EINVAL, "fixture load: no file or directory given");
        f = open_input(file, &r);
        if (!f)
                return hd__error(ctx, r, "%s: %s", file,
                                 r == -EINVAL ? "not a regular file" : strerror(-r));
        return load_stream(ctx, file, f, dir);
}

int hd__fixture_load_mem(struct hd_ctx *ctx, const void *data, size_t len, const char *dir)
{
        _cleanup_fclose_ FILE *f = NULL;

        if (dir && !*dir)
                return hd__error(ctx, -EINVAL, "fixture load: no directory given");
        /* fmemopen() refuses an empty buffer: an empty recording is "\n" */
        f = len ? fmemopen((void *)data, len, "r") : fmemopen((char[]){ "\n" }, 1, "r");
        if (!f)
                return hd__error(ctx, -errno, "recording in memory: %s", strerror(errno));
        return load_stream(ctx, "<memory>", f, dir);
}
