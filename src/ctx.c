/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library context: state, not steering.  It holds the sysroot, the log
 * function and its per-scan cap, the last error, the caches, the names
 * database's slot and the current scan; the scan itself is made by scan.c.
 */
#define _GNU_SOURCE
#include <stdarg.h>

#include "hostdev-internal.h"

/* Warnings of one kind (one WARN() call site) per scan or recording load:
 * the first WARN_CAP are logged, then one summary line with the count of
 * the rest, so a tree with 100,000 dangling links logs a dozen lines. */
#define WARN_CAP 10
#define WARN_SITES 64
struct warncap {
        int depth;              /* nested begin calls */
        size_t n;
        struct warn_site {
                const char *file;
                int line;
                unsigned long count;
                char example[120];      /* the first message, for the summary */
        } site[WARN_SITES];
};

struct hd_ctx {
        int refcount;
        struct hd__root *root;
        hd_log_fn log_fn;
        void *log_data;
        int log_priority;
        bool names;
        char error[512];
        struct hd__scan *scan;
        struct hd__names *names_db;
        struct warncap *warncap;        /* non-NULL while a scan or load runs */
        struct {
                void *data;
                void (*free_fn)(void *);
        } cache[HD__CACHE_MAX];
};

static void cache_clear(struct hd_ctx *ctx)
{
        for (int i = 0; i < HD__CACHE_MAX; i++) {
                if (ctx->cache[i].data && ctx->cache[i].free_fn)
                        ctx->cache[i].free_fn(ctx->cache[i].data);
                ctx->cache[i].data = NULL;
        }
}

void *hd__ctx_get_cache(const struct hd_ctx *ctx, enum hd__cache_id id)
{
        return (unsigned)id < HD__CACHE_MAX ? ctx->cache[id].data : NULL;
}

void hd__ctx_set_cache(struct hd_ctx *ctx, enum hd__cache_id id, void *data, void (*free_fn)(void *))
{
        if ((unsigned)id >= HD__CACHE_MAX)
                return;
        if (ctx->cache[id].data && ctx->cache[id].free_fn && ctx->cache[id].data != data)
                ctx->cache[id].free_fn(ctx->cache[id].data);
        ctx->cache[id].data = data;
        ctx->cache[id].free_fn = free_fn;
}

struct hd__names **hd__ctx_names_slot(struct hd_ctx *ctx) { return &ctx->names_db; }

HD_EXPORT int hd_ctx_new(struct hd_ctx **ret)
{
        struct hd_ctx *ctx = calloc(1, sizeof(*ctx));

        if (!ctx)
                return -ENOMEM;
        ctx->refcount = 1;
        ctx->log_priority = LOG_WARNING;
        ctx->names = true;
        *ret = ctx;
        return 0;
}

HD_EXPORT struct hd_ctx *hd_ctx_ref(struct hd_ctx *ctx)
{
        if (ctx)
                ctx->refcount++;
        return ctx;
}

HD_EXPORT struct hd_ctx *hd_ctx_unref(struct hd_ctx *ctx)
{
        if (!ctx || --ctx->refcount > 0)
                return NULL;
        cache_clear(ctx);
        hd__scan_free(ctx->scan);
        hd__names_free(ctx->names_db);
        hd__root_free(ctx->root);
        free(ctx->warncap);
        free(ctx);
        return NULL;
}

HD_EXPORT int hd_ctx_set_sysroot(struct hd_ctx *ctx, const char *dir)
{
        struct hd__root *r = NULL;
        int err = hd__root_open(dir, true, &r);

        if (err == -ENOTDIR)
                return hd__error(ctx, err, "%s: no sys/ directory in sysroot", dir);
        if (err < 0)
                return hd__error(ctx, err, "%s: cannot open sysroot: %s", dir ? dir : "/",
                                 strerror(-err));
        hd__root_free(ctx->root);
        ctx->root = r;
        ctx->scan = hd__scan_free(ctx->scan);
        cache_clear(ctx);
        return 0;
}

struct hd__root *hd__ctx_root(const struct hd_ctx *ctx)
{
        if (!ctx->root) {
                /* lazily the live host; a const context caches it all the same */
                struct hd_ctx *mctx = (struct hd_ctx *)ctx;
                if (hd__root_open("/", false, &mctx->root) < 0)
                        return NULL;
        }
        return ctx->root;
}

HD_EXPORT const char *hd_ctx_get_sysroot(const struct hd_ctx *ctx)
{
        return ctx->root ? hd__root_path(ctx->root) : "/";
}

HD_EXPORT bool hd_ctx_is_live(const struct hd_ctx *ctx)
{
        return hd__root_is_live(hd__ctx_root(ctx));
}

HD_EXPORT void hd_ctx_set_log_fn(struct hd_ctx *ctx, hd_log_fn fn, void *data)
{
        ctx->log_fn = fn;
        ctx->log_data = data;
}

HD_EXPORT void hd_ctx_set_log_priority(struct hd_ctx *ctx, int priority)
{
        ctx->log_priority = priority;
}

HD_EXPORT int hd_ctx_get_log_priority(const struct hd_ctx *ctx)
{
        return ctx->log_fn ? ctx->log_priority : -1;
}

HD_EXPORT void hd_ctx_set_names(struct hd_ctx *ctx, bool enable)
{
        ctx->names = enable;
}

bool hd__ctx_names(const struct hd_ctx *ctx) { return ctx->names; }

HD_EXPORT const char *hd_ctx_get_error(const struct hd_ctx *ctx)
{
        return ctx->error;
}

/* Whether a warning from FILE:LINE is one too many for this scan; the
 * first of each kind is kept as the summary's example. */
static bool warn_capped(struct warncap *c, const char *file, int line, const char *fmt,
                        va_list ap) _printf_(4, 0);
static bool warn_capped(struct warncap *c, const char *file, int line, const char *fmt,
                        va_list ap)
{
        struct warn_site *w = NULL;

        for (size_t i = 0; i < c->n && !w; i++)
                if (c->site[i].line == line && streq(c->site[i].file, file))
                        w = &c->site[i];
        if (!w) {
                if (c->n == WARN_SITES)
                        return false;   /* too many kinds to track: not capped */
                w = &c->site[c->n++];
                *w = (struct warn_site){ .file = file, .line = line };
                vsnprintf(w->example, sizeof(w->example), fmt, ap);
        }
        return ++w->count > WARN_CAP;
}

void hd__log(const struct hd_ctx *ctx, int prio, const char *file, int line, const char *fn,
             const char *fmt, ...)
{
        va_list ap;

        if (!ctx->log_fn)
                return;
        if (ctx->warncap && prio == LOG_WARNING) {
                bool capped;
                va_start(ap, fmt);
                capped = warn_capped(ctx->warncap, file, line, fmt, ap);
                va_end(ap);
                if (capped)
                        return;
        }
        va_start(ap, fmt);
        ctx->log_fn(ctx->log_data, prio, file, line, fn, fmt, ap);
        va_end(ap);
}

void hd__log_cap_begin(struct hd_ctx *ctx)
{
        if (!ctx->warncap)
                ctx->warncap = calloc(1, sizeof(*ctx->warncap));
        if (ctx->warncap)
                ctx->warncap->depth++;
}

void hd__log_cap_end(struct hd_ctx *ctx)
{
        struct warncap *c = ctx->warncap;

        if (!c || --c->depth > 0)
                return;
        ctx->warncap = NULL;
        for (size_t i = 0; i < c->n; i++) {
                const struct warn_site *w = &c->site[i];
                if (w->count > WARN_CAP)
                        hd__log(ctx, LOG_WARNING, w->file, w->line, __func__,
                                "... and %lu more warnings like \"%s\"",
                                w->count - WARN_CAP, w->example);
        }
        free(c);
}

int hd__error(struct hd_ctx *ctx, int err, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
        va_end(ap);
        return err < 0 ? err : -err;
}

struct hd__scan *hd__ctx_scan(const struct hd_ctx *ctx) { return ctx->scan; }

/* ---------------------------------------------------------------- scanning threads
 * A scanning thread works on a copy of the context: the same sysroot (its
 * fds are only read through *at() calls) and log priority, no scan, names
 * or caches, and a log function that keeps each message for the caller to
 * replay, in order, once the thread has ended: the caller's log function
 * is never called from another thread. */
struct hd__logmsg {
        int prio, line;
        const char *file, *fn;
        char *msg;
};

struct hd__logbuf {
        struct hd__logmsg *v;
        size_t n, cap;
        size_t lost;            /* messages that did not fit in memory */
};

static void keep_log(void *data, int prio, const char *file, int line, const char *fn,
                     const char *fmt, va_list ap) _printf_(6, 0);
static void keep_log(void *data, int prio, const char *file, int line, const char *fn,
                     const char *fmt, va_list ap)
{
        struct hd__logbuf *b = data;
        char *msg;

        if (b->n == b->cap) {
                size_t nc = b->cap ? b->cap * 2 : 16;
                struct hd__logmsg *nv = realloc(b->v, nc * sizeof(*nv));
                if (!nv) {
                        b->lost++;
                        return;
                }
                b->v = nv;
                b->cap = nc;
        }
        if (vasprintf(&msg, fmt, ap) < 0) {
                b->lost++;
                return;
        }
        b->v[b->n++] = (struct hd__logmsg){ prio, line, file, fn, msg };
}

struct hd_ctx *hd__ctx_worker_new(const struct hd_ctx *ctx)
{
        struct hd_ctx *w = calloc(1, sizeof(*w));

        if (!w)
                return NULL;
        w->refcount = 1;
        w->root = ctx->root;            /* borrowed */
        w->log_priority = ctx->log_priority;
        w->names = ctx->names;
        if (ctx->log_fn) {
                w->log_data = calloc(1, sizeof(struct hd__logbuf));
                if (!w->log_data) {
                        free(w);
                        return NULL;
                }
                w->log_fn = keep_log;
        }
        return w;
}

/* Replay the worker's messages through CTX's log function and free it */
void hd__ctx_worker_free(struct hd_ctx *ctx, struct hd_ctx *w)
{
        struct hd__logbuf *b;

        if (!w)
                return;
        b = w->log_data;
        for (size_t i = 0; b && i < b->n; i++) {
                hd__log(ctx, b->v[i].prio, b->v[i].file, b->v[i].line, b->v[i].fn, "%s",
                        b->v[i].msg);
                free(b->v[i].msg);
        }
        if (b && b->lost)
                hd__log(ctx, LOG_WARNING, __FILE__, __LINE__, __func__,
                        "%zu scan messages lost: out of memory", b->lost);
        if (b)
                free(b->v);
        free(b);
        free(w);
}

/* Make S (a finished scan, from scan.c) the context's, replacing the previous one. */
void hd__ctx_set_scan(struct hd_ctx *ctx, struct hd__scan *s)
{
        hd__scan_free(ctx->scan);
        ctx->scan = s;
        /* a new scan is a new look at the host: judge afresh */
        hd__ctx_set_cache(ctx, HD__CACHE_JUDGE, NULL, NULL);
}
