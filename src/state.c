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
#include <limits.h>
#include <time.h>

#include "state.h"

#define STATE_VERSION 1
#define STATE_MAX (4u << 20)

static const char *const state_names[] = {
        [HD_REC_BINDING] = "binding",
        [HD_REC_BOUND] = "bound",
        [HD_REC_UNBINDING] = "unbinding",
};

const char *hd__rec_state_to_string(enum hd_rec_state s)
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

static void rec_free(struct hd_rec *r)
{
        if (!r)
                return;
        free(r->driver);
        free(r->override);
        free(r);
}

/* Driver names end up in paths (bus/pci/drivers/NAME/bind): keep them tame. */
static bool name_ok(const char *s)
{
        size_t l = strlen(s);

        if (l == 0 || l > NAME_MAX || streq(s, ".") || streq(s, ".."))
                return false;
        for (; *s; s++)
                if (*s == '/' || (unsigned char)*s <= ' ' || *s == 0x7f)
                        return false;
        return true;
}

static bool address_ok(const char *s)
{
        unsigned d, b, sl, f;
        int n = 0;

        return strlen(s) < sizeof(((struct hd_rec *)0)->address) &&
               sscanf(s, "%4x:%2x:%2x.%1x%n", &d, &b, &sl, &f, &n) == 4 && !s[n] && n == 12;
}

struct hd_rec *hd__state_find(const struct hd_state *s, const char *address)
{
        for (size_t i = 0; i < s->n; i++)
                if (streq(s->recs[i]->address, address))
                        return s->recs[i];
        return NULL;
}

int hd__state_add(struct hd_state *s, const char *address, int group, const char *driver,
                  const char *override, enum hd_rec_state state, struct hd_rec **ret)
{
        struct hd_rec *r;

        if (!address_ok(address))
                return -EINVAL;
        if (s->n == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 8;
                struct hd_rec **nr = realloc(s->recs, cap * sizeof(*nr));
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

void hd__state_remove(struct hd_state *s, const char *address)
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

int hd__state_parse(struct hd_ctx *ctx, struct hd_state *s, const char *text)
{
        cJSON *root = cJSON_Parse(text);
        const cJSON *ver, *devs, *e;
        int r = 0;

        if (!root || !cJSON_IsObject(root)) {
                cJSON_Delete(root);
                return hd__error(ctx, -EBADMSG, HD_STATE_DIR "/" HD_STATE_FILE
                                 ": not a hostdev journal; inspect it, restore by hand, remove it");
        }
        ver = cJSON_GetObjectItemCaseSensitive(root, "version");
        if (!cJSON_IsNumber(ver) || ver->valuedouble != STATE_VERSION) {
                cJSON_Delete(root);
                return hd__error(ctx, -EPROTO, HD_STATE_DIR "/" HD_STATE_FILE
                                 ": unknown journal version");
        }
        devs = cJSON_GetObjectItemCaseSensitive(root, "devices");
        if (devs && !cJSON_IsArray(devs))
                r = -EBADMSG;
        cJSON_ArrayForEach(e, devs) {
                const char *addr, *drv, *ovr, *st;
                const cJSON *g = cJSON_GetObjectItemCaseSensitive(e, "group");
                const cJSON *since = cJSON_GetObjectItemCaseSensitive(e, "since");
                struct hd_rec *rec;
                int state;

                if (r < 0)
                        break;
                if (!cJSON_IsObject(e) || get_str(e, "address", &addr) < 0 || !addr ||
                    !address_ok(addr) || get_str(e, "driver", &drv) < 0 ||
                    (drv && !name_ok(drv)) || get_str(e, "driver_override", &ovr) < 0 ||
                    (ovr && !name_ok(ovr)) || get_str(e, "state", &st) < 0 || !st ||
                    (state = rec_state_from_string(st)) < 0 || !cJSON_IsNumber(g) ||
                    hd__state_find(s, addr)) {
                        r = -EBADMSG;
                        break;
                }
                r = hd__state_add(s, addr, (int)g->valuedouble, drv, ovr, state, &rec);
                if (r == 0 && cJSON_IsNumber(since))
                        rec->since = (long long)since->valuedouble;
        }
        cJSON_Delete(root);
        if (r == -ENOMEM)
                return hd__error(ctx, r, "out of memory");
        if (r < 0)
                return hd__error(ctx, r, HD_STATE_DIR "/" HD_STATE_FILE
                                 ": malformed journal entry; inspect it, restore by hand, remove it");
        return 0;
}

int hd__state_open(struct hd_ctx *ctx, bool dry_run, int lock_timeout_ms, struct hd_state **ret)
{
        struct hd_root *root = hd__ctx_root(ctx);
        int rootfd = hd__root_fd(root);
        _cleanup_free_ char *text = NULL;
        struct hd_state *s;
        int r;

        if (rootfd < 0)
                return hd__error(ctx, -EBADF, "no sysroot");
        s = calloc(1, sizeof(*s));
        if (!s)
                return hd__error(ctx, -ENOMEM, "out of memory");
        s->dirfd = s->lockfd = -1;
        s->dry_run = dry_run;
        if (dry_run) {
                r = hd__open_dir_at(rootfd, HD_STATE_DIR);
                if (r < 0 && r != -ENOENT) {
                        hd__state_close(s);
                        return hd__error(ctx, r, "%s/" HD_STATE_DIR ": %s",
                                         hd__root_path(root), strerror(-r));
                }
        } else {
                r = hd__mkdir_open_at(rootfd, HD_STATE_DIR, 0755);
                if (r < 0) {
                        hd__state_close(s);
                        return hd__error(ctx, r, "cannot create state directory %s%s"
                                         HD_STATE_DIR ": %s", hd__root_path(root),
                                         streq(hd__root_path(root), "/") ? "" : "/",
                                         strerror(-r));
                }
        }
        s->dirfd = r;
        if (!dry_run) {
                r = hd__lock_at(s->dirfd, HD_STATE_LOCK, lock_timeout_ms);
                if (r < 0) {
                        hd__state_close(s);
                        return hd__error(ctx, r, r == -ETIMEDOUT
                                         ? HD_STATE_DIR "/" HD_STATE_LOCK
                                           ": another hostdev holds the lock; gave up waiting"
                                         : HD_STATE_DIR "/" HD_STATE_LOCK ": cannot lock: %s",
                                         strerror(-r));
                }
                s->lockfd = r;
        }
        if (s->dirfd >= 0) {
                r = hd__read_alloc_at(s->dirfd, HD_STATE_FILE, STATE_MAX, &text, NULL);
                if (r < 0 && r != -ENOENT) {
                        hd__state_close(s);
                        return hd__error(ctx, r, HD_STATE_DIR "/" HD_STATE_FILE ": %s",
                                         strerror(-r));
                }
                if (r == 0) {
                        r = hd__state_parse(ctx, s, text);
                        if (r < 0) {
                                hd__state_close(s);
                                return r;
                        }
                }
        }
        *ret = s;
        return 0;
}

struct hd_state *hd__state_close(struct hd_state *s)
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

int hd__state_save(struct hd_ctx *ctx, struct hd_state *s)
{
        cJSON *root, *devs;
        char *text = NULL;
        int r;

        if (s->dry_run)
                return 0;
        root = cJSON_CreateObject();
        if (!root || !cJSON_AddNumberToObject(root, "version", STATE_VERSION) ||
            !(devs = cJSON_AddArrayToObject(root, "devices")))
                goto nomem;
        for (size_t i = 0; i < s->n; i++) {
                const struct hd_rec *rec = s->recs[i];
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
        text = cJSON_Print(root);
        cJSON_Delete(root);
        if (!text)
                return hd__error(ctx, -ENOMEM, "out of memory");
        {
                size_t len = strlen(text);
                char *t2 = realloc(text, len + 2);
                if (!t2) {
                        free(text);
                        return hd__error(ctx, -ENOMEM, "out of memory");
                }
                text = t2;
                text[len] = '\n';
                text[len + 1] = '\0';
        }
        r = hd__write_file_atomic_at(s->dirfd, HD_STATE_FILE, text, strlen(text), 0644);
        free(text);
        if (r < 0)
                return hd__error(ctx, r, "cannot write " HD_STATE_DIR "/" HD_STATE_FILE ": %s",
                                 strerror(-r));
        return 0;
nomem:
        cJSON_Delete(root);
        return hd__error(ctx, -ENOMEM, "out of memory");
}
