/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The binder's journal: SYSROOT/run/hostdev/state.json, a cJSON document
 * replaced atomically (temp file, fsync, rename, fsync of the directory)
 * under an exclusive flock on SYSROOT/run/hostdev/lock.
 *
 *   { "version": 1,
 *     "devices": [ { "address": "0000:01:00.0", "group": 1,
 *                    "driver": "nouveau", "driver_override": null,
 *                    "state": "binding" | "bound" | "unbinding",
 *                    "since": 1700000000 } ] }
 *
 * "driver" and "driver_override" are what the function had before hostdev
 * touched it (null: none).  A record is written before the first change to
 * its function and removed after the function is back where it was.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <time.h>

#include "pciaddr.h"
#include "state.h"

#define STATE_VERSION 1
#define STATE_MAX (4u << 20)

static const char *const state_names[] = {
        [HD__REC_BINDING] = "binding",
        [HD__REC_BOUND] = "bound",
        [HD__REC_UNBINDING] = "unbinding",
};

const char *hd__rec_state_to_string(enum hd__rec_state s)
{
        return (size_t)s < ELEMENTSOF(state_names) ? state_names[s] : "?";
}

static int rec_state_from_string(const char *s)
{
        for (size_t i = 0; i < ELEMENTSOF(state_names); i++)
                if (streq(s, state_names[i]))
                        return (int)i;
        return -EINVAL;
}

static void rec_free(struct hd__rec *r)
{
        if (!r)
                return;
        free(r->driver);
        free(r->override);
        free(r);
}

/* Driver names end up in paths (bus/pci/drivers/NAME/bind) and in
 * driver_override: only plain names, as the kernel's PCI drivers have them
 * ("vfio-pci", "snd_hda_intel", "3w-sas"). */
bool hd__driver_name_ok(const char *s)
{
        size_t l = strlen(s);

        if (l == 0 || l > 64 || !(isalnum((unsigned char)s[0]) || s[0] == '_'))
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && !strchr("_-.+", *s))
                        return false;
        return true;
}

struct hd__rec *hd__state_find(const struct hd__state *s, const char *address)
{
        for (size_t i = 0; i < s->n; i++)
                if (streq(s->recs[i]->address, address))
                        return s->recs[i];
        return NULL;
}

int hd__state_add(struct hd__state *s, const char *address, int group, const char *driver,
                  const char *override, enum hd__rec_state state, struct hd__rec **ret)
{
        struct hd__rec *r;

        if (!hd__pciaddr_parse(address, NULL))
                return -EINVAL;
        if (s->n == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 8;
                struct hd__rec **nr = realloc(s->recs, cap * sizeof(*nr));
                if (!nr)
                        return -ENOMEM;
                s->recs = nr;
                s->cap = cap;
        }
        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        snprintf(r->address, sizeof(r->address), "%s", address);
        r->group = group;
        r->state = state;
        r->since = (long long)time(NULL);
        if ((driver && !(r->driver = strdup(driver))) ||
            (override && !(r->override = strdup(override)))) {
                rec_free(r);
                return -ENOMEM;
        }
        s->recs[s->n++] = r;
        if (ret)
                *ret = r;
        return 0;
}

void hd__state_remove(struct hd__state *s, const char *address)
{
        for (size_t i = 0; i < s->n; i++) {
                if (!streq(s->recs[i]->address, address))
                        continue;
                rec_free(s->recs[i]);
                memmove(&s->recs[i], &s->recs[i + 1], (s->n - i - 1) * sizeof(*s->recs));
                s->n--;
                return;
        }
}

/* A string member: NULL when null or absent; -EINVAL when of another type. */
static int get_str(const cJSON *o, const char *key, const char **ret)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        *ret = NULL;
        if (!v || cJSON_IsNull(v))
                return 0;
        if (!cJSON_IsString(v) || !v->valuestring)
                return -EINVAL;
        *ret = v->valuestring;
        return 0;
}

/* A whole number in [MIN, MAX], checked before any conversion (a double
 * outside the target type's range is undefined behaviour to convert). */
static bool get_whole(const cJSON *v, double min, double max, long long *ret)
{
        double d;

        if (!cJSON_IsNumber(v))
                return false;
        d = v->valuedouble;
        if (!(d >= min && d <= max))    /* also NaN */
                return false;
        *ret = (long long)d;            /* in range now: defined */
        return (double)*ret == d;       /* and whole */
}

#define JOURNAL HD_STATE_DIR "/" HD_STATE_FILE
#define JOURNAL_HINT "inspect it, put the devices back by hand if needed, then " \
                     "`hostdev restore --discard`"

/* Check one entry E (number I) and add it.  Returns: 0 or a negative errno (message in ctx). */
static int parse_entry(struct hd_ctx *ctx, struct hd__state *s, size_t i, const cJSON *e)
{
        const char *addr = NULL, *drv, *ovr, *st;
        long long group, since = -1;
        const cJSON *sv;
        struct hd__rec *rec;
        _cleanup_free_ char *esc = NULL;
        int state, r;

#define BAD(...) return hd__error(ctx, -EBADMSG, JOURNAL ": entry %zu: " __VA_ARGS__)
        if (!cJSON_IsObject(e))
                BAD("not an object; " JOURNAL_HINT, i);
        if (get_str(e, "address", &addr) < 0 || !addr || !hd__pciaddr_parse(addr, NULL)) {
                esc = addr ? hd_escape(addr, HD_ESCAPE_TEXT) : NULL;
                BAD("address %s%s%s is not a PCI address DDDD:BB:SS.F; " JOURNAL_HINT, i,
                    esc ? "\"" : "", esc ? esc : "missing", esc ? "\"" : "");
        }
        if (hd__state_find(s, addr))
                BAD("%s is recorded twice; " JOURNAL_HINT, i, addr);
        if (!get_whole(cJSON_GetObjectItemCaseSensitive(e, "group"), 0, INT_MAX, &group))
                BAD("%s: \"group\" is not an IOMMU group number; " JOURNAL_HINT, i, addr);
        if (get_str(e, "driver", &drv) < 0 || (drv && !hd__driver_name_ok(drv))) {
                esc = drv ? hd_escape(drv, HD_ESCAPE_TEXT) : NULL;
                BAD("%s: driver %s%s%s is not a plain driver name; " JOURNAL_HINT, i, addr,
                    esc ? "\"" : "", esc ? esc : "of the wrong type", esc ? "\"" : "");
        }
        if (get_str(e, "driver_override", &ovr) < 0 || (ovr && !hd__driver_name_ok(ovr))) {
                esc = ovr ? hd_escape(ovr, HD_ESCAPE_TEXT) : NULL;
                BAD("%s: driver_override %s%s%s is not a plain driver name; " JOURNAL_HINT, i,
                    addr, esc ? "\"" : "", esc ? esc : "of the wrong type", esc ? "\"" : "");
        }
        if (get_str(e, "state", &st) < 0 || !st || (state = rec_state_from_string(st)) < 0)
                BAD("%s: \"state\" is none of binding, bound, unbinding; " JOURNAL_HINT, i, addr);
        sv = cJSON_GetObjectItemCaseSensitive(e, "since");
        if (sv && !get_whole(sv, 0, 9007199254740992.0 /* 2^53 */, &since))
                BAD("%s: \"since\" is not a time in seconds; " JOURNAL_HINT, i, addr);
#undef BAD
        r = hd__state_add(s, addr, (int)group, drv, ovr, state, &rec);
        if (r < 0)
                return hd__error(ctx, r, "out of memory");
        if (since >= 0)
                rec->since = since;
        return 0;
}

int hd__state_parse(struct hd_ctx *ctx, struct hd__state *s, const char *text)
{
        cJSON *root = cJSON_Parse(text);
        const cJSON *ver, *devs, *e;
        size_t i = 0;
        int r = 0;

        if (!root || !cJSON_IsObject(root)) {
                cJSON_Delete(root);
                return hd__error(ctx, -EBADMSG, JOURNAL ": not a hostdev journal; " JOURNAL_HINT);
        }
        ver = cJSON_GetObjectItemCaseSensitive(root, "version");
        if (!cJSON_IsNumber(ver) || ver->valuedouble != STATE_VERSION) {
                cJSON_Delete(root);
                return hd__error(ctx, -EPROTO, JOURNAL ": unknown journal version (a newer "
                                 "hostdev wrote it?); " JOURNAL_HINT);
        }
        devs = cJSON_GetObjectItemCaseSensitive(root, "devices");
        if (devs && !cJSON_IsArray(devs)) {
                cJSON_Delete(root);
                return hd__error(ctx, -EBADMSG, JOURNAL ": \"devices\" is not a list; " JOURNAL_HINT);
        }
        cJSON_ArrayForEach(e, devs) {
                r = parse_entry(ctx, s, i++, e);
                if (r < 0)
                        break;
        }
        cJSON_Delete(root);
        return r;
}

int hd__state_read_file(struct hd_ctx *ctx, int dirfd, const char *name, size_t max, bool live,
                        const char *hint, char **text)
{
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        int r = hd__read_file_strict_at(dirfd, name, max, &buf, NULL, &st);

        if (r == -ENOENT)
                return r;
        if (r == -ELOOP)
                return hd__error(ctx, r, HD_STATE_DIR "/%s is a symbolic link: hostdev never writes "
                                 "one, so it is not acting on it; %s", name, hint);
        if (r == -EISDIR || r == -EINVAL)
                return hd__error(ctx, r, HD_STATE_DIR "/%s is not a regular file; %s", name, hint);
        if (r < 0)
                return hd__error(ctx, r, HD_STATE_DIR "/%s: %s", name, strerror(-r));
        if (live && st.st_uid != 0)
                return hd__error(ctx, -EACCES, HD_STATE_DIR "/%s is owned by uid %u, not root: "
                                 "hostdev (as root) never writes it so; %s", name,
                                 (unsigned)st.st_uid, hint);
        if ((size_t)st.st_size >= max)
                return hd__error(ctx, -EFBIG, HD_STATE_DIR "/%s is larger than %zu bytes; %s", name,
                                 max, hint);
        *text = buf;
        buf = NULL;
        return 0;
}

/* Read and parse the journal (hd__state_read_file).  Returns: 0 (also when
 * there is none) or -errno. */
static int load(struct hd_ctx *ctx, struct hd__state *s, bool live)
{
        _cleanup_free_ char *text = NULL;
        int r = hd__state_read_file(ctx, s->dirfd, HD_STATE_FILE, STATE_MAX, live, JOURNAL_HINT, &text);

        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        return hd__state_parse(ctx, s, text);
}

#define MDEV_JOURNAL HD_STATE_DIR "/" HD_MDEV_JOURNAL
#define MDEV_HINT "inspect it, undo the mdevs and VF counts it names by hand if needed, then " \
                  "remove it"

int hd__mdev_journal_read(struct hd_ctx *ctx, int dirfd, struct cJSON **doc)
{
        _cleanup_free_ char *text = NULL;
        cJSON *d = NULL;
        int r;

        if (doc)
                *doc = NULL;
        if (dirfd < 0)
                return 0;
        r = hd__state_read_file(ctx, dirfd, HD_MDEV_JOURNAL, HD_MDEV_JOURNAL_MAX,
                                hd__root_is_live(hd__ctx_root(ctx)), MDEV_HINT, &text);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        if (hd__mdev_journal_parse(text, &d) < 0)
                return hd__error(ctx, -EINVAL, MDEV_JOURNAL ": not a hostdev journal");
        if (doc)
                *doc = d;
        else
                cJSON_Delete(d);
        return 0;
}

static int dir_error(struct hd_ctx *ctx, struct hd__root *root, int r)
{
        const char *p = hd__root_path(root), *sep = streq(p, "/") ? "" : "/";

        if (r == -ELOOP || r == -ENOTDIR)
                return hd__error(ctx, r, "%s%s" HD_STATE_DIR ": not a directory (a symbolic link "
                                 "or a file is in the way); hostdev does not follow it: inspect "
                                 "and remove it", p, sep);
        return hd__error(ctx, r, "cannot open state directory %s%s" HD_STATE_DIR ": %s", p, sep,
                         strerror(-r));
}

int hd__state_open(struct hd_ctx *ctx, bool dry_run, int lock_timeout_ms, struct hd__state **ret)
{
        struct hd__root *root = hd__ctx_root(ctx);
        int rootfd = hd__root_fd(root);
        struct hd__state *s;
        int r;

        if (rootfd < 0)
                return hd__error(ctx, -EBADF, "no sysroot");
        s = calloc(1, sizeof(*s));
        if (!s)
                return hd__error(ctx, -ENOMEM, "out of memory");
        s->dirfd = s->lockfd = -1;
        s->dry_run = dry_run;
        if (dry_run) {
                r = hd__open_dir_nofollow_at(rootfd, HD_STATE_DIR);
                if (r < 0 && r != -ENOENT) {
                        hd__state_close(s);
                        return dir_error(ctx, root, r);
                }
        } else {
                r = hd__mkdir_open_at(rootfd, HD_STATE_DIR, 0755);
                if (r < 0) {
                        hd__state_close(s);
                        return dir_error(ctx, root, r);
                }
        }
        s->dirfd = r >= 0 ? r : -1;     /* a dry run without the directory */
        if (!dry_run) {
                r = hd__lock_at(s->dirfd, HD_STATE_LOCK, lock_timeout_ms);
                if (r < 0) {
                        hd__state_close(s);
                        return hd__error(ctx, r, r == -ETIMEDOUT
                                         ? HD_STATE_DIR "/" HD_STATE_LOCK
                                           ": another hostdev holds the lock; gave up waiting"
                                         : r == -ELOOP || r == -EINVAL
                                         ? HD_STATE_DIR "/" HD_STATE_LOCK ": not a regular file "
                                           "(a symlink?); remove it (%s)"
                                         : HD_STATE_DIR "/" HD_STATE_LOCK ": cannot lock: %s",
                                         strerror(-r));
                }
                s->lockfd = r;
        }
        if (s->dirfd >= 0) {
                r = load(ctx, s, hd__root_is_live(root));
                /* the binder proper also trusts the mdev journal beside it
                 * before it changes anything */
                if (r >= 0 && !dry_run)
                        r = hd__mdev_journal_read(ctx, s->dirfd, NULL);
                if (r < 0) {
                        hd__state_close(s);
                        return r;
                }
        }
        *ret = s;
        return 0;
}

struct hd__state *hd__state_close(struct hd__state *s)
{
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n; i++)
                rec_free(s->recs[i]);
        free(s->recs);
        if (s->lockfd >= 0)
                close(s->lockfd);       /* releases the flock */
        if (s->dirfd >= 0)
                close(s->dirfd);
        free(s);
        return NULL;
}

static cJSON *add_str_or_null(cJSON *o, const char *key, const char *v)
{
        return v ? cJSON_AddStringToObject(o, key, v) : cJSON_AddNullToObject(o, key);
}

/* The journal document of S, as state.c's head describes it, or NULL (no memory). */
static cJSON *to_json(const struct hd__state *s)
{
        cJSON *root = cJSON_CreateObject(), *devs;

        if (!root || !cJSON_AddNumberToObject(root, "version", STATE_VERSION) ||
            !(devs = cJSON_AddArrayToObject(root, "devices")))
                goto nomem;
        for (size_t i = 0; i < s->n; i++) {
                const struct hd__rec *rec = s->recs[i];
                cJSON *o = cJSON_CreateObject();
                if (!o)
                        goto nomem;
                cJSON_AddItemToArray(devs, o);
                if (!cJSON_AddStringToObject(o, "address", rec->address) ||
                    !cJSON_AddNumberToObject(o, "group", rec->group) ||
                    !add_str_or_null(o, "driver", rec->driver) ||
                    !add_str_or_null(o, "driver_override", rec->override) ||
                    !cJSON_AddStringToObject(o, "state", hd__rec_state_to_string(rec->state)) ||
                    !cJSON_AddNumberToObject(o, "since", (double)rec->since))
                        goto nomem;
        }
        return root;
nomem:
        cJSON_Delete(root);
        return NULL;
}

/* The journal's text, ending in a newline (malloc'd), or NULL (no memory). */
static char *to_text(const struct hd__state *s)
{
        cJSON *root = to_json(s);
        char *text = root ? cJSON_Print(root) : NULL, *t2;
        size_t len;

        cJSON_Delete(root);
        if (!text)
                return NULL;
        len = strlen(text);
        t2 = realloc(text, len + 2);
        if (!t2) {
                free(text);
                return NULL;
        }
        t2[len] = '\n';
        t2[len + 1] = '\0';
        return t2;
}

int hd__state_save(struct hd_ctx *ctx, struct hd__state *s)
{
        _cleanup_free_ char *text = NULL;
        int r;

        if (s->dry_run)
                return 0;
        text = to_text(s);
        if (!text)
                return hd__error(ctx, -ENOMEM, "out of memory");
        r = hd__write_file_atomic_at(s->dirfd, HD_STATE_FILE, text, strlen(text), 0644);
        if (r < 0)
                return hd__error(ctx, r, "cannot write " HD_STATE_DIR "/" HD_STATE_FILE ": %s",
                                 strerror(-r));
        return 0;
}

#define DISCARD_LOCK_MS 60000

HD_EXPORT int hd_journal_discard(struct hd_ctx *ctx)
{
        struct hd__root *root;
        _cleanup_close_ int dirfd = -1, lockfd = -1;
        struct stat st;

        if (!ctx)
                return -EINVAL;
        root = hd__ctx_root(ctx);
        if (!root || hd__root_fd(root) < 0)
                return hd__error(ctx, -EBADF, "no sysroot");
        dirfd = hd__open_dir_nofollow_at(hd__root_fd(root), HD_STATE_DIR);
        if (dirfd == -ENOENT)
                return 0;
        if (dirfd < 0)
                return dir_error(ctx, root, dirfd);
        lockfd = hd__lock_at(dirfd, HD_STATE_LOCK, DISCARD_LOCK_MS);
        if (lockfd < 0)
                return hd__error(ctx, lockfd, HD_STATE_DIR "/" HD_STATE_LOCK ": %s",
                                 lockfd == -ETIMEDOUT ? "another hostdev holds the lock"
                                                      : strerror(-lockfd));
        if (fstatat(dirfd, HD_STATE_FILE, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : hd__error(ctx, -errno, JOURNAL ": %s", strerror(errno));
        /* the name itself, whatever it is (a symlink is not followed) */
        if (renameat(dirfd, HD_STATE_FILE, dirfd, HD_STATE_FILE HD_STATE_DISCARDED) < 0)
                return hd__error(ctx, -errno, "cannot discard " JOURNAL ": %s", strerror(errno));
        (void)fsync(dirfd);
        return 1;
}
