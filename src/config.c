/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration: what the host should look like.  SYSROOT/etc/hostdev.conf,
 * then SYSROOT/etc/hostdev.d/ *.conf in name order, one entry a line:
 *
 *     KIND SELECTOR [KEY=VALUE]...        # comment
 *
 * KIND is "vfio" (a PCI function's IOMMU group on vfio-pci); later kinds
 * (mdev, sriov) take their own selectors and keys.  Every malformed line is
 * logged with FILE:LINE and the whole load fails: a half-read configuration
 * is never acted on.  persist/forget rewrite one file atomically (temp file,
 * fsync, rename) under SYSROOT/run/hostdev/config.lock, keeping every other
 * line as it was.  See hostdev.conf(5).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "abi.h"
#include "config.h"
#include "pciaddr.h"
#include "state.h"

#define CONF_FILE "hostdev.conf"
#define CONF_DIR "hostdev.d"
#define CONF_SUFFIX ".conf"
#define CONF_LOCK "config.lock"
#define CONF_MAX (1024 * 1024)          /* bytes per file */
#define LINE_MAX_LEN 4096
#define FILES_MAX 1024
#define SOFTDEP_DIR "modprobe.d"
#define SOFTDEP_FILE "hostdev-softdep.conf"

HD_EXPORT const char *hd_config_kind_to_string(enum hd_config_kind k)
{
        return k == HD_CONFIG_VFIO ? "vfio" : k == HD_CONFIG_MDEV ? "mdev" :
               k == HD_CONFIG_SRIOV ? "sriov" : NULL;
}

HD_EXPORT const char *hd_selector_kind_to_string(enum hd_selector_kind k)
{
        static const char *const names[] = {
                [HD_SELECTOR_ADDRESS] = "address", [HD_SELECTOR_PCI_IDS] = "pci_ids",
                [HD_SELECTOR_CLASS] = "class",     [HD_SELECTOR_USB_IDS] = "usb_ids",
        };
        return (unsigned)k < ELEMENTSOF(names) ? names[k] : NULL;
}

HD_EXPORT int hd_config_new(struct hd_ctx *ctx, struct hd_config **ret)
{
        struct hd_config *c = calloc(1, sizeof(*c));

        if (!c)
                return -ENOMEM;
        c->ctx = ctx;
        *ret = c;
        return 0;
}

static void entry_clear(struct hd_config_entry *e)
{
        free((char *)e->selector);
        free((char *)e->owner);
        free((char *)e->note);
        free((char *)e->file);
        free((char *)e->parent);
        free((char *)e->mdev_type);
}

HD_EXPORT struct hd_config *hd_config_free(struct hd_config *c)
{
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n; i++)
                entry_clear(&c->entries[i]);
        free(c->entries);
        free(c);
        return NULL;
}

HD_EXPORT size_t hd_config_get_n_entries(const struct hd_config *c) { return c ? c->n : 0; }

HD_EXPORT const struct hd_config_entry *hd_config_get_entry(const struct hd_config *c, size_t i)
{
        return c && i < c->n ? &c->entries[i] : NULL;
}

HD_EXPORT size_t hd_config_get_n_errors(const struct hd_config *c) { return c ? c->n_errors : 0; }

/* ---------------------------------------------------------------- lexing */

struct line {
        struct hd_config *cfg;
        const char *file;
        unsigned no;
};

static int line_error(struct line *l, const char *fmt, ...) _printf_(2, 3);
static int line_error(struct line *l, const char *fmt, ...)
{
        char msg[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        l->cfg->n_errors++;
        ERR(l->cfg->ctx, "%s:%u: %s", l->file, l->no, msg);
        hd__error(l->cfg->ctx, -EINVAL, "%s:%u: %s", l->file, l->no, msg);
        return -EINVAL;
}

#define MAX_WORDS 16

/* Split S (modified in place) into words: blanks separate, "..." quotes with
 * \" and \\ inside, '#' at the start of a word ends the line.
 * Returns: number of words, or -EINVAL (reported). */
static int split(struct line *l, char *s, char **words)
{
        int n = 0;
        char *o;

        for (;;) {
                while (*s == ' ' || *s == '\t')
                        s++;
                if (!*s || *s == '#')
                        return n;
                if (n == MAX_WORDS)
                        return line_error(l, "too many words (at most %d)", MAX_WORDS);
                words[n++] = o = s;
                while (*s && *s != ' ' && *s != '\t') {
                        if (*s != '"') {
                                *o++ = *s++;
                                continue;
                        }
                        for (s++; *s != '"'; s++) {
                                if (!*s)
                                        return line_error(l, "unterminated quote");
                                if (*s == '\\') {
                                        if (s[1] != '"' && s[1] != '\\')
                                                return line_error(l, "unknown escape '\\%c' in quotes "
                                                                  "(only \\\" and \\\\)",
                                                                  s[1] ? s[1] : ' ');
                                        s++;
                                }
                                *o++ = *s;
                        }
                        s++;
                }
                if (*s)
                        s++;
                *o = '\0';
        }
}

static bool is_hex(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
                      (s[i] >= 'A' && s[i] <= 'F')))
                        return false;
        return n > 0;
}

/* Hex groups of exactly WIDTH digits separated by ':': how many, or -1. */
static int hex_groups(const char *s, size_t width, unsigned *v, int max)
{
        int n = 0;

        for (;;) {
                if (n == max || strlen(s) < width || !is_hex(s, width) ||
                    (s[width] && s[width] != ':'))
                        return -1;
                v[n++] = (unsigned)strtoul(strndupa(s, width), NULL, 16);
                if (!s[width])
                        return n;
                s += width + 1;
        }
}

/* PCI address in any accepted spelling -> canonical DDDD:BB:SS.F: the
 * node-device name pci_DDDD_BB_SS_F turned into DDDD:BB:SS.F, then
 * hd__pciaddr_parse_loose, but a domain, when given, has 4 or more digits
 * (DDDD; VMD: 10000).  Returns: true when S is one. */
bool hd__pci_address_canon(const char *s, char *out, size_t size)
{
        char buf[64], canon[HD_PCIADDR_MAX];
        const char *colon;
        struct hd_pciaddr a;

        if (startswith(s, "pci_") && strlen(s) < sizeof(buf)) {
                strcpy(buf, s + 4);
                for (int i = 0, k = 0; buf[i]; i++)
                        if (buf[i] == '_')
                                buf[i] = k++ < 2 ? ':' : '.';
                s = buf;
        }
        colon = strchr(s, ':');
        if (colon && strchr(colon + 1, ':') && colon - s < 4)
                return false;
        if (!hd__pciaddr_parse_loose(s, &a) || strlen(hd__pciaddr_format(&a, canon)) >= size)
                return false;
        strcpy(out, canon);
        return true;
}

static int parse_selector(struct line *l, const char *s, struct hd_config_entry *e)
{
        char canon[64];
        unsigned v[4];
        int n;

        if (hd__pci_address_canon(s, canon, sizeof(canon))) {
                e->selector_kind = HD_SELECTOR_ADDRESS;
        } else if (startswith(s, "class:")) {
                const char *h = s + 6;
                size_t len = strlen(h);
                if (startswith(h, "0x"))
                        h += 2, len -= 2;
                if ((len != 2 && len != 4 && len != 6) || !is_hex(h, len))
                        return line_error(l, "'%s': a class is 2, 4 or 6 hex digits "
                                          "(class:03, class:0302, class:030000)", s);
                e->match[0] = (unsigned)strtoul(h, NULL, 16);
                e->match[1] = (unsigned)len;
                e->selector_kind = HD_SELECTOR_CLASS;
                snprintf(canon, sizeof(canon), "class:%0*x", (int)len, e->match[0]);
        } else if (startswith(s, "usb:")) {
                if (hex_groups(s + 4, 4, v, 2) != 2)
                        return line_error(l, "'%s': a USB selector is usb:VVVV:PPPP (4 hex digits each)", s);
                e->selector_kind = HD_SELECTOR_USB_IDS;
                e->match[0] = v[0];
                e->match[1] = v[1];
                snprintf(canon, sizeof(canon), "usb:%04x:%04x", v[0], v[1]);
        } else if ((n = hex_groups(s, 4, v, 4)) == 2 || n == 4) {
                e->selector_kind = HD_SELECTOR_PCI_IDS;
                memcpy(e->match, v, sizeof(v));
                e->n_match = n;
                if (n == 2)
                        snprintf(canon, sizeof(canon), "%04x:%04x", v[0], v[1]);
                else
                        snprintf(canon, sizeof(canon), "%04x:%04x:%04x:%04x", v[0], v[1], v[2], v[3]);
        } else {
                return line_error(l, "'%s' is no selector: want a PCI address (0000:01:00.0), "
                                  "VVVV:DDDD[:SSSS:SSSS], class:CC[SS[PP]] or usb:VVVV:PPPP", s);
        }
        e->selector = strdup(canon);
        return e->selector ? 0 : -ENOMEM;
}

/* USER[:GROUP], names or numbers, as chown(1) takes them */
static bool valid_owner(const char *s)
{
        size_t u = strcspn(s, ":");
        const char *ok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

        if (!*s || strlen(s) > 128)
                return false;
        if (strspn(s, ok) != u)
                return false;
        if (!s[u])
                return u > 0;
        return strspn(s + u + 1, ok) == strlen(s + u + 1) && (u > 0 || s[u + 1]);
}

static bool valid_note(const char *s)
{
        for (const unsigned char *p = (const unsigned char *)s; *p;) {
                size_t n = hd__printable_len(p);
                if (!n)
                        return false;
                p += n;
        }
        return strlen(s) <= 1024;
}

static int parse_bool(const char *v, bool *out)
{
        if (streq(v, "yes") || streq(v, "true") || streq(v, "1") || streq(v, "on"))
                *out = true;
        else if (streq(v, "no") || streq(v, "false") || streq(v, "0") || streq(v, "off"))
                *out = false;
        else
                return -EINVAL;
        return 0;
}

static int parse_option(struct line *l, const char *w, struct hd_config_entry *e, unsigned *seen)
{
        const char *eq = strchr(w, '=');
        static const char *const keys[] = { "owner", "note", "boot", "force" };
        size_t k;

        if (!eq || eq == w)
                return line_error(l, "'%s': options are KEY=VALUE (owner, note, boot, force)", w);
        for (k = 0; k < ELEMENTSOF(keys); k++)
                if (strlen(keys[k]) == (size_t)(eq - w) && !strncmp(w, keys[k], (size_t)(eq - w)))
                        break;
        if (k == ELEMENTSOF(keys))
                return line_error(l, "unknown key '%.*s' (owner, note, boot, force)", (int)(eq - w), w);
        if (*seen & (1u << k))
                return line_error(l, "'%s' given twice", keys[k]);
        *seen |= 1u << k;
        w = eq + 1;
        switch (k) {
        case 0:
                if (!valid_owner(w))
                        return line_error(l, "owner '%s': want USER[:GROUP] (names or numbers)", w);
                e->owner = strdup(w);
                return e->owner ? 0 : -ENOMEM;
        case 1:
                if (!valid_note(w))
                        return line_error(l, "note: control characters or invalid UTF-8 (at most 1024 bytes)");
                e->note = strdup(w);
                return e->note ? 0 : -ENOMEM;
        case 2:
                if (parse_bool(w, &e->boot) < 0)
                        return line_error(l, "boot '%s': want yes or no", w);
                return 0;
        default:
                if (parse_bool(w, &e->force) < 0)
                        return line_error(l, "force '%s': want yes or no", w);
                return 0;
        }
}

static int add_entry(struct hd_config *c, struct hd_config_entry *e)
{
        if (c->n == c->cap) {
                size_t nc = c->cap ? c->cap * 2 : 8;
                struct hd_config_entry *ne = realloc(c->entries, nc * sizeof(*ne));
                if (!ne)
                        return -ENOMEM;
                c->entries = ne;
                c->cap = nc;
        }
        c->entries[c->n++] = *e;
        return 0;
}

/* One line (NUL-terminated, no newline).  Returns 0, -EINVAL (reported) or -ENOMEM. */
/* vfio SELECTOR [KEY=VALUE]... */
static int parse_vfio(struct line *l, char **w, int n, struct hd_config_entry *e)
{
        unsigned seen = 0;
        int r;

        if (n < 2)
                return line_error(l, "vfio: which device? (a selector is missing)");
        r = parse_selector(l, w[1], e);
        for (int i = 2; i < n && r >= 0; i++)
                r = parse_option(l, w[i], e, &seen);
        return r;
}

/* Tail options of mdev and sriov lines: note=, boot= (and parent=/type=/numvfs=) */
static bool type_name_ok(const char *s)
{
        return *s && strlen(s) <= NAME_MAX && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                         "0123456789._-:+") == strlen(s);
}

static int parse_tail(struct line *l, const char *kind, const char *w, struct hd_config_entry *e,
                      unsigned *seen)
{
        const char *eq = strchr(w, '=');
        char canon[64];

        if (!eq || eq == w)
                return line_error(l, "%s: '%s': options are KEY=VALUE", kind, w);
#define KEY(k, bit) (strlen(k) == (size_t)(eq - w) && !strncmp(w, k, (size_t)(eq - w)) && \
                     !(*seen & (bit)) && (*seen |= (bit)))
        if (KEY("note", 1u)) {
                if (!valid_note(eq + 1))
                        return line_error(l, "note: control characters or invalid UTF-8 (at most 1024 bytes)");
                return (e->note = strdup(eq + 1)) ? 0 : -ENOMEM;
        }
        if (KEY("boot", 2u))
                return parse_bool(eq + 1, &e->boot) < 0 ? line_error(l, "boot '%s': want yes or no", eq + 1) : 0;
        if (streq(kind, "mdev") && KEY("parent", 4u)) {
                if (!hd__pci_address_canon(eq + 1, canon, sizeof(canon)))
                        return line_error(l, "mdev: parent '%s' is not a PCI address", eq + 1);
                return (e->parent = strdup(canon)) ? 0 : -ENOMEM;
        }
        if (streq(kind, "mdev") && KEY("type", 8u)) {
                if (!type_name_ok(eq + 1))
                        return line_error(l, "mdev: type '%s' is not an mdev type name", eq + 1);
                return (e->mdev_type = strdup(eq + 1)) ? 0 : -ENOMEM;
        }
        if (streq(kind, "sriov") && KEY("numvfs", 16u)) {
                char *end;
                long n = strtol(eq + 1, &end, 10);
                if (end == eq + 1 || *end || n < 0 || n > 65535)
                        return line_error(l, "sriov: numvfs '%s' is not a VF count", eq + 1);
                e->numvfs = (int)n;
                return 0;
        }
#undef KEY
        return line_error(l, "%s: unknown or repeated key '%.*s' (%s)", kind, (int)(eq - w), w,
                          streq(kind, "mdev") ? "parent, type, boot, note" : "numvfs, boot, note");
}

/* mdev UUID parent=ADDR type=TYPE [boot=..] [note=..] */
static int parse_mdev(struct line *l, char **w, int n, struct hd_config_entry *e)
{
        unsigned seen = 0;
        char uuid[37];
        int r = 0;

        if (n < 2 || !hd__uuid_ok(w[1]))
                return line_error(l, "mdev: want mdev UUID parent=ADDRESS type=TYPE");
        for (size_t i = 0; i < 36; i++)
                uuid[i] = (char)(w[1][i] >= 'A' && w[1][i] <= 'F' ? w[1][i] - 'A' + 'a' : w[1][i]);
        uuid[36] = '\0';
        e->selector_kind = HD_SELECTOR_ADDRESS;
        if (!(e->selector = strdup(uuid)))
                return -ENOMEM;
        for (int i = 2; i < n && r >= 0; i++)
                r = parse_tail(l, "mdev", w[i], e, &seen);
        if (r >= 0 && (!e->parent || !e->mdev_type))
                r = line_error(l, "mdev %s: parent= and type= are required", uuid);
        return r;
}

/* sriov ADDR numvfs=N [boot=..] [note=..] */
static int parse_sriov(struct line *l, char **w, int n, struct hd_config_entry *e)
{
        unsigned seen = 0;
        char canon[64];
        int r = 0;

        if (n < 2 || !hd__pci_address_canon(w[1], canon, sizeof(canon)))
                return line_error(l, "sriov: want sriov PF-ADDRESS numvfs=N");
        e->selector_kind = HD_SELECTOR_ADDRESS;
        if (!(e->selector = strdup(canon)))
                return -ENOMEM;
        e->numvfs = -1;
        for (int i = 2; i < n && r >= 0; i++)
                r = parse_tail(l, "sriov", w[i], e, &seen);
        if (r >= 0 && e->numvfs < 0)
                r = line_error(l, "sriov %s: numvfs= is required", canon);
        return r;
}

/* Entry kinds: the first word of a line.  A later kind (mdev PARENT TYPE
 * ..., sriov PF numvfs=N) adds a row and its parser; an unknown kind is an
 * error, so an older hostdev never half-applies a newer file. */
static const struct kind {
        const char *word;
        enum hd_config_kind kind;
        int (*parse)(struct line *l, char **w, int n, struct hd_config_entry *e);
} kinds[] = {
        { "vfio", HD_CONFIG_VFIO, parse_vfio },
        { "mdev", HD_CONFIG_MDEV, parse_mdev },
        { "sriov", HD_CONFIG_SRIOV, parse_sriov },
};

/* One line (NUL-terminated, no newline).  Returns 0, -EINVAL (reported) or -ENOMEM. */
static int parse_line(struct line *l, char *text)
{
        struct hd_config_entry e = { .boot = true, .line = l->no };
        const struct kind *k = NULL;
        char *w[MAX_WORDS];
        int n, r;

        n = split(l, text, w);
        if (n <= 0)
                return n;
        for (size_t i = 0; i < ELEMENTSOF(kinds) && !k; i++)
                if (streq(w[0], kinds[i].word))
                        k = &kinds[i];
        if (!k)
                return line_error(l, "unknown entry '%s' (want: vfio SELECTOR [KEY=VALUE]..., "
                                  "mdev UUID parent=.. type=.., sriov PF numvfs=N)", w[0]);
        e.kind = k->kind;
        r = k->parse(l, w, n, &e);
        for (size_t i = 0; i < l->cfg->n && r >= 0; i++) {
                const struct hd_config_entry *o = &l->cfg->entries[i];
                if (o->kind == e.kind && streq(o->selector, e.selector))
                        r = line_error(l, "%s is already configured at %s:%u", e.selector, o->file,
                                       o->line);
        }
        if (r >= 0) {
                e.file = strdup(l->file);
                r = e.file ? add_entry(l->cfg, &e) : -ENOMEM;
                if (r >= 0)
                        return 0;
        }
        entry_clear(&e);
        return r;
}

HD_EXPORT int hd_config_parse(struct hd_config *c, const char *name, const char *text)
{
        struct line l = { .cfg = c, .file = name };
        size_t before = c->n_errors;
        const char *p = text;
        int r = 0;

        while (*p) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                char buf[LINE_MAX_LEN + 1];

                l.no++;
                if (len > LINE_MAX_LEN) {
                        line_error(&l, "line longer than %d bytes", LINE_MAX_LEN);
                } else {
                        memcpy(buf, p, len);
                        buf[len] = '\0';
                        if (memchr(p, '\0', len) || strchr(buf, '\r'))
                                line_error(&l, "control characters in the line");
                        else if ((r = parse_line(&l, buf)) == -ENOMEM)
                                return hd__error(c->ctx, r, "out of memory");
                }
                p += len + (nl ? 1 : 0);
        }
        return c->n_errors > before ? -EINVAL : 0;
}

/* ---------------------------------------------------------------- loading */

static int load_file(struct hd_config *c, int dirfd, const char *name, const char *display)
{
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = hd__read_alloc_at(dirfd, name, CONF_MAX + 1, &text, &len);

        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return hd__error(c->ctx, r, "%s: %s", display, strerror(-r));
        if (len > CONF_MAX || memchr(text, '\0', len)) {
                c->n_errors++;
                ERR(c->ctx, "%s: not a configuration file (binary, or over %d bytes)", display, CONF_MAX);
                return hd__error(c->ctx, -EINVAL, "%s: not a configuration file", display);
        }
        return hd_config_parse(c, display, text);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Drop-in names: *.conf, no hidden files, sorted. */
static int list_dropins(struct hd_ctx *ctx, int fd, char ***ret, size_t *nret)
{
        DIR *d = fdopendir(fd);
        struct dirent *de;
        char **names = NULL;
        size_t n = 0;

        if (!d) {
                close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name);
                char **nn;
                if (de->d_name[0] == '.' || len <= strlen(CONF_SUFFIX) ||
                    !streq(de->d_name + len - strlen(CONF_SUFFIX), CONF_SUFFIX))
                        continue;
                if (n == FILES_MAX) {
                        WARN(ctx, "more than %d drop-ins; the rest are ignored", FILES_MAX);
                        break;
                }
                nn = realloc(names, (n + 1) * sizeof(*names));
                if (!nn || !(nn[n] = strdup(de->d_name))) {
                        free(nn ? nn : names);
                        closedir(d);
                        return -ENOMEM;
                }
                names = nn;
                n++;
        }
        closedir(d);
        if (n)
                qsort(names, n, sizeof(*names), cmp_str);
        *ret = names;
        *nret = n;
        return 0;
}

HD_EXPORT int hd_config_load(struct hd_ctx *ctx, struct hd_config **ret)
{
        struct hd__root *root = hd__ctx_root(ctx);
        struct hd_config *c = NULL;
        char disp[PATH_MAX], rel[PATH_MAX];
        char **names = NULL;
        size_t n = 0;
        int etc, dfd, r, err = 0;

        r = hd_config_new(ctx, &c);
        if (r < 0)
                return r;
        etc = hd__root_etc_open(root, NULL, false);
        if (etc < 0) {
                *ret = c;       /* no etc/: an empty configuration */
                return 0;
        }
        r = load_file(c, etc, CONF_FILE, hd__etc_display(CONF_FILE, disp, sizeof(disp)) ?: CONF_FILE);
        if (r == -ENOMEM)
                goto fail;
        err = r;
        dfd = hd__open_dir_at(etc, CONF_DIR);
        if (dfd >= 0) {
                r = list_dropins(ctx, dup(dfd), &names, &n);
                if (r < 0) {
                        close(dfd);
                        goto fail;
                }
                for (size_t i = 0; i < n; i++) {
                        snprintf(rel, sizeof(rel), CONF_DIR "/%s", names[i]);
                        r = load_file(c, dfd, names[i], hd__etc_display(rel, disp, sizeof(disp)) ?: rel);
                        if (r == -ENOMEM)
                                break;
                        err = err ?: r;
                }
                for (size_t i = 0; i < n; i++)
                        free(names[i]);
                free(names);
                close(dfd);
                if (r == -ENOMEM)
                        goto fail;
        }
        close(etc);
        if (c->n_errors) {
                size_t ne = c->n_errors;
                hd_config_free(c);
                return hd__error(ctx, -EINVAL, "%zu error%s in the configuration; nothing was done",
                                 ne, ne == 1 ? "" : "s");
        }
        if (err < 0) {
                hd_config_free(c);
                return err;
        }
        *ret = c;
        return 0;
fail:
        if (etc >= 0)
                close(etc);
        hd_config_free(c);
        return hd__error(ctx, -ENOMEM, "out of memory");
}

/* ---------------------------------------------------------------- matching */

static bool usb_below(const struct hd_dev *top, unsigned vendor, unsigned product)
{
        const struct hd_dev *d = top->first_child;

        while (d && d != top) {
                if (d->type == HD_DEV_USB_DEVICE && d->usb_vendor == (int)vendor &&
                    d->usb_product == (int)product)
                        return true;
                if (d->first_child) {
                        d = d->first_child;
                        continue;
                }
                while (d && d != top && !d->next_sibling)
                        d = d->parent;
                if (d && d != top)
                        d = d->next_sibling;
        }
        return false;
}

HD_EXPORT bool hd_config_entry_matches(const struct hd_config_entry *e, const struct hd_dev *d)
{
        if (!e || !d || d->type != HD_DEV_PCI || e->kind != HD_CONFIG_VFIO)
                return false;
        switch (e->selector_kind) {
        case HD_SELECTOR_ADDRESS:
                return streq(d->address, e->selector);
        case HD_SELECTOR_PCI_IDS:
                return d->vendor == (int)e->match[0] && d->device == (int)e->match[1] &&
                       (e->n_match < 4 || (d->subvendor == (int)e->match[2] &&
                                           d->subdevice == (int)e->match[3]));
        case HD_SELECTOR_CLASS:
                return d->pci_class >= 0 &&
                       ((unsigned)d->pci_class >> (4 * (6 - e->match[1]))) == e->match[0];
        case HD_SELECTOR_USB_IDS:
                return usb_below(d, e->match[0], e->match[1]);
        }
        return false;
}

HD_EXPORT const struct hd_config_entry *hd_config_match(const struct hd_config *c,
                                                        const struct hd_dev *d)
{
        for (size_t i = 0; c && i < c->n; i++)
                if (hd_config_entry_matches(&c->entries[i], d))
                        return &c->entries[i];
        return NULL;
}

/* ---------------------------------------------------------------- editing */

struct edit_file {
        int dirfd;              /* etc or etc/hostdev.d */
        char name[NAME_MAX + 1];
        char display[PATH_MAX];
        char *text;
        size_t len;
        bool dirty;
};

/* A config line "WORD SEL ..." (SEL: canonical address, or a UUID in any case)?
 * (Parsed alone, errors silent.) */
static bool line_is_entry(struct hd_ctx *ctx, const char *line, size_t len, const char *word,
                          const char *addr)
{
        char buf[LINE_MAX_LEN + 1], *w[MAX_WORDS], canon[64];
        struct hd_config tmp = { .ctx = ctx };
        struct line l = { .cfg = &tmp, .file = "", .no = 0 };
        int prio = hd_ctx_get_log_priority(ctx), n;

        if (len > LINE_MAX_LEN)
                return false;
        memcpy(buf, line, len);
        buf[len] = '\0';
        hd_ctx_set_log_priority(ctx, -1);
        n = split(&l, buf, w);
        hd_ctx_set_log_priority(ctx, prio);
        if (n < 2 || !streq(w[0], word))
                return false;
        if (hd__uuid_ok(addr))
                return strcasecmp(w[1], addr) == 0;
        return hd__pci_address_canon(w[1], canon, sizeof(canon)) && streq(canon, addr);
}

/* Remove every "WORD SEL ..." line.  Returns lines removed. */
static int drop_entry_lines(struct hd_ctx *ctx, struct edit_file *f, const char *word, const char *sel)
{
        size_t o = 0;
        int removed = 0;

        for (size_t p = 0; p < f->len;) {
                const char *nl = memchr(f->text + p, '\n', f->len - p);
                size_t len = nl ? (size_t)(nl - (f->text + p)) : f->len - p;
                size_t full = len + (nl ? 1 : 0);
                if (line_is_entry(ctx, f->text + p, len, word, sel)) {
                        removed++;
                } else {
                        memmove(f->text + o, f->text + p, full);
                        o += full;
                }
                p += full;
        }
        f->len = o;
        if (removed)
                f->dirty = true;
        return removed;
}

/* "note" values: bare when safe, else in double quotes with \" and \\ */
static int put_value(char **buf, size_t *len, size_t *cap, const char *v)
{
        bool bare = *v && strcspn(v, " \t\"#\\") == strlen(v);
        size_t need = *len + 2 * strlen(v) + 4;

        if (need > *cap) {
                char *nb = realloc(*buf, need * 2);
                if (!nb)
                        return -ENOMEM;
                *buf = nb;
                *cap = need * 2;
        }
        if (!bare)
                (*buf)[(*len)++] = '"';
        for (const char *p = v; *p; p++) {
                if (!bare && (*p == '"' || *p == '\\'))
                        (*buf)[(*len)++] = '\\';
                (*buf)[(*len)++] = *p;
        }
        if (!bare)
                (*buf)[(*len)++] = '"';
        (*buf)[*len] = '\0';
        return 0;
}

static int append(struct edit_file *f, size_t *cap, const char *s)
{
        size_t n = strlen(s);

        if (f->len + n + 1 > *cap) {
                size_t nc = (f->len + n + 1) * 2;
                char *nt = realloc(f->text, nc);
                if (!nt)
                        return -ENOMEM;
                f->text = nt;
                *cap = nc;
        }
        memcpy(f->text + f->len, s, n + 1);
        f->len += n;
        f->dirty = true;
        return 0;
}

static int append_entry(struct edit_file *f, size_t *cap, const char *addr,
                        const struct hd_persist_opts *o)
{
        int r = 0;

        if (f->len && f->text[f->len - 1] != '\n')
                r = append(f, cap, "\n");
        if (r >= 0)
                r = append(f, cap, "vfio ");
        if (r >= 0)
                r = append(f, cap, addr);
        if (r >= 0 && o && o->owner) {
                r = append(f, cap, " owner=");
                if (r >= 0)
                        r = append(f, cap, o->owner);
        }
        if (r >= 0 && o && o->no_boot)
                r = append(f, cap, " boot=no");
        if (r >= 0 && o && o->force)
                r = append(f, cap, " force=yes");
        if (r >= 0 && o && o->note) {
                char *v = NULL;
                size_t vl = 0, vc = 0;
                r = put_value(&v, &vl, &vc, o->note);
                if (r >= 0)
                        r = append(f, cap, " note=");
                if (r >= 0)
                        r = append(f, cap, v);
                free(v);
        }
        if (r >= 0)
                r = append(f, cap, "\n");
        return r;
}

static int file_load(struct hd_ctx *ctx, struct edit_file *f)
{
        int r = hd__read_alloc_at(f->dirfd, f->name, CONF_MAX, &f->text, &f->len);

        if (r == -ENOENT) {
                f->text = NULL;
                f->len = 0;
                return 0;
        }
        return r < 0 ? hd__error(ctx, r, "%s: %s", f->display, strerror(-r)) : 0;
}

static int file_save(struct hd_ctx *ctx, struct edit_file *f)
{
        int r;

        if (!f->dirty)
                return 0;
        r = hd__write_file_atomic_at(f->dirfd, f->name, f->text ? f->text : "", f->len, 0644);
        return r < 0 ? hd__error(ctx, r, "%s: cannot write: %s", f->display, strerror(-r)) : 0;
}

static void file_free(struct edit_file *f)
{
        free(f->text);
        f->text = NULL;
        if (f->dirfd >= 0)
                close(f->dirfd);
        f->dirfd = -1;
}

static int lock_config(struct hd_ctx *ctx)
{
        int dfd = hd__mkdir_open_at(hd__root_fd(hd__ctx_root(ctx)), HD_STATE_DIR, 0755);
        int fd;

        if (dfd < 0)
                return hd__error(ctx, dfd, HD_STATE_DIR ": %s", strerror(-dfd));
        fd = hd__lock_at(dfd, CONF_LOCK, 30000);
        close(dfd);
        return fd < 0 ? hd__error(ctx, fd, HD_STATE_DIR "/" CONF_LOCK ": %s", strerror(-fd)) : fd;
}

/* After one device's edit (R: its result): count it and load the
 * configuration again, so the next device sees the edit.
 * Returns: R when it failed, else the reload's result. */
static int reload(struct hd_ctx *ctx, struct hd_config **c, int r, int *changed)
{
        if (r < 0)
                return r;
        (*changed)++;
        *c = hd_config_free(*c);
        return hd_config_load(ctx, c);
}

/* The end of an edit: C freed, the lock released.  Returns: R. */
static int unlock(struct hd_config *c, int lock, int r)
{
        hd_config_free(c);
        close(lock);
        return r;
}

/* The file (hostdev.conf or a drop-in) holding an address entry for ADDR in C, or NULL. */
static const struct hd_config_entry *address_entry(const struct hd_config *c, const char *addr)
{
        for (size_t i = 0; i < c->n; i++)
                if (c->entries[i].kind == HD_CONFIG_VFIO &&
                    c->entries[i].selector_kind == HD_SELECTOR_ADDRESS &&
                    streq(c->entries[i].selector, addr))
                        return &c->entries[i];
        return NULL;
}

/* Open the file E lives in (or hostdev.conf) for editing. */
static int file_open(struct hd_ctx *ctx, const struct hd_config_entry *e, struct edit_file *f)
{
        struct hd__root *root = hd__ctx_root(ctx);
        char dir_disp[PATH_MAX];
        const char *base;

        memset(f, 0, sizeof(*f));
        f->dirfd = -1;
        hd__etc_display(CONF_DIR "/", dir_disp, sizeof(dir_disp));
        if (e && startswith(e->file, dir_disp)) {
                base = e->file + strlen(dir_disp);
                f->dirfd = hd__root_etc_open(root, CONF_DIR, false);
        } else {
                base = CONF_FILE;
                f->dirfd = hd__root_etc_open(root, NULL, true);
        }
        if (f->dirfd < 0)
                return hd__error(ctx, f->dirfd, "cannot open the configuration directory: %s",
                                 strerror(-f->dirfd));
        snprintf(f->name, sizeof(f->name), "%s", base);
        snprintf(f->display, sizeof(f->display), "%s", e ? e->file : "");
        if (!e)
                hd__etc_display(CONF_FILE, f->display, sizeof(f->display));
        return file_load(ctx, f);
}

static bool same_entry(const struct hd_config_entry *e, const struct hd_persist_opts *o)
{
        return streq_ptr(e->owner, o ? o->owner : NULL) && streq_ptr(e->note, o ? o->note : NULL) &&
               e->boot == !(o && o->no_boot) && e->force == (o && o->force);
}

HD_EXPORT int hd_config_persist(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                                const struct hd_persist_opts *o)
{
        struct hd_config *c = NULL;
        int lock, r = 0, changed = 0;

        if (!ctx || (n && !devs))
                return -EINVAL;
        r = HD__OPTS_CHECK(ctx, o, hd_persist_opts);
        if (r < 0)
                return r;
        if (o && o->owner && !valid_owner(o->owner))
                return hd__error(ctx, -EINVAL, "owner '%s': want USER[:GROUP]", o->owner);
        if (o && o->note && !valid_note(o->note))
                return hd__error(ctx, -EINVAL, "note: control characters or invalid UTF-8");
        for (size_t i = 0; i < n; i++)
                if (!devs[i] || devs[i]->type != HD_DEV_PCI)
                        return hd__error(ctx, -EINVAL, "%s: not a PCI function; only PCI functions "
                                         "go to vfio-pci", devs[i] ? devs[i]->name : "(null)");
        lock = lock_config(ctx);
        if (lock < 0)
                return lock;
        r = hd_config_load(ctx, &c);
        for (size_t i = 0; i < n && r >= 0; i++) {
                const struct hd_config_entry *e = address_entry(c, devs[i]->address);
                struct edit_file f;
                size_t cap;

                if (e && same_entry(e, o))
                        continue;
                r = file_open(ctx, e, &f);
                if (r >= 0) {
                        cap = f.len;
                        if (e)
                                drop_entry_lines(ctx, &f, "vfio", devs[i]->address);
                        if (!f.len && !e)
                                r = append(&f, &cap, "# hostdev.conf(5): devices hostdev keeps on "
                                                     "vfio-pci (hostdev persist/forget edit it)\n");
                        if (r >= 0)
                                r = append_entry(&f, &cap, devs[i]->address, o);
                        if (r >= 0)
                                r = file_save(ctx, &f);
                        else if (r == -ENOMEM)
                                r = hd__error(ctx, r, "out of memory");
                }
                file_free(&f);
                r = reload(ctx, &c, r, &changed);
        }
        return unlock(c, lock, r < 0 ? r : changed);
}

HD_EXPORT int hd_config_forget(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n)
{
        struct hd_config *c = NULL;
        int lock, r, changed = 0;

        if (!ctx || (n && !devs))
                return -EINVAL;
        lock = lock_config(ctx);
        if (lock < 0)
                return lock;
        r = hd_config_load(ctx, &c);
        for (size_t i = 0; i < n && r >= 0; i++) {
                const struct hd_dev *d = devs[i];
                const struct hd_config_entry *e = d && d->type == HD_DEV_PCI
                                                          ? address_entry(c, d->address) : NULL;
                struct edit_file f;

                if (!e) {
                        const struct hd_config_entry *m = hd_config_match(c, d);
                        if (m) {
                                r = hd__error(ctx, -EEXIST, "%s: selected by '%s' at %s:%u, not by "
                                              "its address; edit that line", d->name, m->selector,
                                              m->file, m->line);
                                break;
                        }
                        INFO(ctx, "%s: not in the configuration", d ? d->name : "(null)");
                        continue;
                }
                r = file_open(ctx, e, &f);
                if (r >= 0 && drop_entry_lines(ctx, &f, "vfio", d->address) > 0)
                        r = file_save(ctx, &f);
                file_free(&f);
                r = reload(ctx, &c, r, &changed);
        }
        return unlock(c, lock, r < 0 ? r : changed);
}

/* ---------------------------------------------------------------- modprobe softdep */

static bool listed(char **names, size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (streq(names[i], s))
                        return true;
        return false;
}

/* Module names use '_' where driver names may use '-' */
static void module_name(const char *drv, char *out, size_t size)
{
        snprintf(out, size, "%s", drv);
        for (char *p = out; *p; p++)
                if (*p == '-')
                        *p = '_';
}

/* Add MOD to the NAMES (N of them) unless it is there.  Returns: 0 or -ENOMEM. */
static int add_name(char ***names, size_t *n, const char *mod)
{
        char **nn;

        if (listed(*names, *n, mod))
                return 0;
        nn = realloc(*names, (*n + 1) * sizeof(**names));
        if (!nn)
                return -ENOMEM;
        *names = nn;
        if (!(nn[*n] = strdup(mod)))
                return -ENOMEM;
        (*n)++;
        return 0;
}

/* The modules of the host drivers (recorded originals, else current) of
 * every function in the group of D.  Returns: 0 or -ENOMEM. */
static int group_modules(struct hd_ctx *ctx, const struct hd__state *st, struct hd_dev *d,
                         char ***names, size_t *n)
{
        struct hd_dev *const *m = &d;
        size_t nm = 1;
        int r = 0;

        if (d->iommu_group >= 0)
                m = hd_ctx_get_iommu_group_devices(ctx, d->iommu_group, &nm);
        for (size_t k = 0; k < nm && r >= 0; k++) {
                const struct hd__rec *rec = hd__state_find(st, m[k]->address);
                const char *drv = rec ? rec->driver : m[k]->driver;
                char mod[NAME_MAX + 1];
                if (hd_dev_is_pci_bridge(m[k]) || !drv || strstr(drv, "vfio") || streq(drv, "pci-stub"))
                        continue;
                module_name(drv, mod, sizeof(mod));
                r = add_name(names, n, mod);
        }
        return r;
}

/* "softdep NAME pre: vfio-pci" lines, malloc'd, or NULL. */
static char *softdep_lines(char *const *names, size_t n)
{
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);

        if (!f)
                return NULL;
        for (size_t i = 0; i < n; i++)
                fprintf(f, "softdep %s pre: vfio-pci\n", names[i]);
        if (fclose(f) != 0) {
                free(text);
                return NULL;
        }
        return text;
}

HD_EXPORT int hd_config_softdep(struct hd_ctx *ctx, const struct hd_config *c, char **ret)
{
        struct hd__state *st = NULL;
        char **names = NULL;
        size_t n = 0;
        int r;

        if (!ctx || !ret)
                return -EINVAL;
        r = hd__state_open(ctx, true, 0, &st);
        if (r < 0)
                return r;
        for (size_t i = 0; i < hd_ctx_get_n_devices(ctx) && r >= 0; i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                if (d->type == HD_DEV_PCI && !hd_dev_is_pci_bridge(d) && hd_config_match(c, d))
                        r = group_modules(ctx, st, d, &names, &n);
        }
        if (r >= 0 && n)
                qsort(names, n, sizeof(*names), cmp_str);
        if (r >= 0) {
                *ret = softdep_lines(names, n);
                r = *ret ? (int)n : -ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        hd__state_close(st);
        return r == -ENOMEM ? hd__error(ctx, r, "out of memory") : r;
}

HD_EXPORT int hd_config_write_softdep(struct hd_ctx *ctx, const struct hd_config *c)
{
        static const char head[] = "# Generated by hostdev from hostdev.conf(5): host drivers of "
                                   "configured devices\n# load after vfio-pci, which claims the "
                                   "devices first.  Do not edit.\n";
        _cleanup_free_ char *body = NULL, *all = NULL;
        int r = hd_config_softdep(ctx, c, &body), dfd;
        char disp[PATH_MAX];

        if (r < 0)
                return r;
        hd__etc_display(SOFTDEP_DIR "/" SOFTDEP_FILE, disp, sizeof(disp));
        dfd = hd__root_etc_open(hd__ctx_root(ctx), SOFTDEP_DIR, true);
        if (dfd < 0)
                return hd__error(ctx, dfd, "%s: %s", disp, strerror(-dfd));
        if (r == 0) {
                if (unlinkat(dfd, SOFTDEP_FILE, 0) < 0 && errno != ENOENT)
                        r = hd__error(ctx, -errno, "%s: %s", disp, strerror(errno));
                close(dfd);
                return r;
        }
        if (asprintf(&all, "%s%s", head, body) < 0) {
                close(dfd);
                return hd__error(ctx, -ENOMEM, "out of memory");
        }
        r = hd__write_file_atomic_at(dfd, SOFTDEP_FILE, all, strlen(all), 0644);
        close(dfd);
        if (r < 0)
                return hd__error(ctx, r, "%s: %s", disp, strerror(-r));
        return 0;
}

/* ---------------------------------------------------------------- mdev and sriov entries */

static const struct hd_config_entry *kind_entry(const struct hd_config *c, enum hd_config_kind k,
                                                const char *sel)
{
        for (size_t i = 0; i < c->n; i++)
                if (c->entries[i].kind == k && strcasecmp(c->entries[i].selector, sel) == 0)
                        return &c->entries[i];
        return NULL;
}

/* Replace the entry of KIND/SEL (or add one to hostdev.conf) by LINE. */
static int put_entry_line(struct hd_ctx *ctx, enum hd_config_kind k, const char *sel, const char *line)
{
        struct hd_config *c = NULL;
        struct edit_file f;
        int lock, r;

        lock = lock_config(ctx);
        if (lock < 0)
                return lock;
        r = hd_config_load(ctx, &c);
        if (r >= 0) {
                const struct hd_config_entry *e = kind_entry(c, k, sel);
                size_t cap;
                r = file_open(ctx, e, &f);
                if (r >= 0) {
                        cap = f.len;
                        if (e)
                                drop_entry_lines(ctx, &f, hd_config_kind_to_string(k), sel);
                        if (f.len && f.text[f.len - 1] != '\n')
                                r = append(&f, &cap, "\n");
                        if (r >= 0)
                                r = append(&f, &cap, line);
                        if (r >= 0)
                                r = file_save(ctx, &f);
                        else if (r == -ENOMEM)
                                r = hd__error(ctx, r, "out of memory");
                }
                file_free(&f);
        }
        return unlock(c, lock, r < 0 ? r : 1);
}

static int tail_opts(char *buf, size_t size, size_t used, const struct hd_persist_opts *o)
{
        char *v = NULL;
        size_t vl = 0, vc = 0;

        if (o && o->no_boot)
                used += (size_t)snprintf(buf + used, size - used, " boot=no");
        if (o && o->note) {
                if (!valid_note(o->note) || put_value(&v, &vl, &vc, o->note) < 0) {
                        free(v);
                        return -EINVAL;
                }
                used += (size_t)snprintf(buf + used, size - used, " note=%s", v);
                free(v);
        }
        if (used + 2 > size)
                return -ENAMETOOLONG;
        strcat(buf, "\n");
        return 0;
}

HD_EXPORT int hd_config_persist_mdev(struct hd_ctx *ctx, const char *parent, const char *type,
                                     const char *uuid, const struct hd_persist_opts *o)
{
        char canon[64], line[LINE_MAX_LEN];
        struct hd_config *c = NULL;
        const struct hd_config_entry *e;
        int r;

        if (!ctx || !parent || !type || !uuid)
                return -EINVAL;
        r = HD__OPTS_CHECK(ctx, o, hd_persist_opts);
        if (r < 0)
                return r;
        if (!hd__pci_address_canon(parent, canon, sizeof(canon)))
                return hd__error(ctx, -EINVAL, "mdev parent '%s' is not a PCI address", parent);
        if (!type_name_ok(type))
                return hd__error(ctx, -EINVAL, "'%s' is not an mdev type name", type);
        if (!hd__uuid_ok(uuid))
                return hd__error(ctx, -EINVAL, "'%s' is not a UUID", uuid);
        r = hd_config_load(ctx, &c);
        if (r < 0)
                return r;
        e = kind_entry(c, HD_CONFIG_MDEV, uuid);
        r = e && streq(e->parent, canon) && streq(e->mdev_type, type) && e->boot == !(o && o->no_boot) &&
            streq_ptr(e->note, o ? o->note : NULL);
        hd_config_free(c);
        if (r)
                return 0;
        snprintf(line, sizeof(line), "mdev %s parent=%s type=%s", uuid, canon, type);
        for (char *p = line + 5; p < line + 41; p++)
                if (*p >= 'A' && *p <= 'F')
                        *p = (char)(*p - 'A' + 'a');
        if (tail_opts(line, sizeof(line), strlen(line), o) < 0)
                return hd__error(ctx, -EINVAL, "note: control characters or invalid UTF-8");
        return put_entry_line(ctx, HD_CONFIG_MDEV, uuid, line);
}

HD_EXPORT int hd_config_persist_sriov(struct hd_ctx *ctx, const char *pf, int numvfs,
                                      const struct hd_persist_opts *o)
{
        char canon[64], line[LINE_MAX_LEN];
        struct hd_config *c = NULL;
        const struct hd_config_entry *e;
        int r;

        if (!ctx || !pf || numvfs < 0 || numvfs > 65535)
                return -EINVAL;
        r = HD__OPTS_CHECK(ctx, o, hd_persist_opts);
        if (r < 0)
                return r;
        if (!hd__pci_address_canon(pf, canon, sizeof(canon)))
                return hd__error(ctx, -EINVAL, "'%s' is not a PCI address", pf);
        r = hd_config_load(ctx, &c);
        if (r < 0)
                return r;
        e = kind_entry(c, HD_CONFIG_SRIOV, canon);
        r = e && e->numvfs == numvfs && e->boot == !(o && o->no_boot) && streq_ptr(e->note, o ? o->note : NULL);
        hd_config_free(c);
        if (r)
                return 0;
        snprintf(line, sizeof(line), "sriov %s numvfs=%d", canon, numvfs);
        if (tail_opts(line, sizeof(line), strlen(line), o) < 0)
                return hd__error(ctx, -EINVAL, "note: control characters or invalid UTF-8");
        return put_entry_line(ctx, HD_CONFIG_SRIOV, canon, line);
}

HD_EXPORT int hd_config_forget_entry(struct hd_ctx *ctx, enum hd_config_kind kind, const char *sel)
{
        struct hd_config *c = NULL;
        struct edit_file f;
        char canon[64];
        int lock, r;

        if (!ctx || !sel || !hd_config_kind_to_string(kind))
                return -EINVAL;
        if (!hd__uuid_ok(sel)) {
                if (!hd__pci_address_canon(sel, canon, sizeof(canon)))
                        return hd__error(ctx, -EINVAL, "'%s' is neither a UUID nor a PCI address", sel);
                sel = canon;
        }
        lock = lock_config(ctx);
        if (lock < 0)
                return lock;
        r = hd_config_load(ctx, &c);
        if (r >= 0) {
                const struct hd_config_entry *e = kind_entry(c, kind, sel);
                if (!e) {
                        r = 0;
                } else {
                        r = file_open(ctx, e, &f);
                        if (r >= 0 && drop_entry_lines(ctx, &f, hd_config_kind_to_string(kind), sel) > 0)
                                r = file_save(ctx, &f);
                        file_free(&f);
                        if (r >= 0)
                                r = 1;
                }
        }
        return unlock(c, lock, r);
}
