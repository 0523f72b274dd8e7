/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The outcome of the last apply, for monitoring (hostdev metrics):
 * SYSROOT/run/hostdev/last-apply.json for a full apply and
 * SYSROOT/run/hostdev/last-apply-device.json for a targeted one (the udev
 * rule's `apply --device`, persist, forget), each replaced atomically:
 *
 *   { "version": 1, "time": 1700000000.25, "duration": 0.031,
 *     "result": 0, "changed": 2, "failed": 0, "boot": false,
 *     "message": null }
 *
 * "result" is 0 or the negative errno hd_apply() returned; "message" its
 * error.  Written after the apply, outside the binder's lock: two applies
 * ending together leave one of the two records whole.  A dry run (check)
 * writes nothing.  Only read and written through path.c's helpers.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <math.h>
#include <time.h>

#include "state.h"

#define RECORD_VERSION 1
#define RECORD_MAX 65536

static const char *record_name(enum hd_apply_scope scope)
{
        return scope == HD_APPLY_SCOPE_DEVICE ? "last-apply-device.json" : "last-apply.json";
}

double hd__now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int hd__apply_record(struct hd_ctx *ctx, enum hd_apply_scope scope, const struct hd_apply_record *rec)
{
        int rootfd = hd__root_fd(hd__ctx_root(ctx));
        _cleanup_close_ int dfd = -1;
        cJSON *o = cJSON_CreateObject();
        char *text;
        int r;

        if (!o)
                return -ENOMEM;
        cJSON_AddNumberToObject(o, "version", RECORD_VERSION);
        cJSON_AddNumberToObject(o, "time", rec->time);
        cJSON_AddNumberToObject(o, "duration", rec->duration);
        cJSON_AddNumberToObject(o, "result", rec->result);
        cJSON_AddNumberToObject(o, "changed", rec->changed);
        cJSON_AddNumberToObject(o, "failed", rec->failed);
        cJSON_AddBoolToObject(o, "boot", rec->boot);
        if (rec->message[0])
                cJSON_AddStringToObject(o, "message", rec->message);
        else
                cJSON_AddNullToObject(o, "message");
        text = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        if (!text)
                return -ENOMEM;
        dfd = hd__mkdir_open_at(rootfd, HD_STATE_DIR, 0755);
        r = dfd < 0 ? dfd : hd__write_file_atomic_at(dfd, record_name(scope), text, strlen(text), 0644);
        free(text);
        if (r < 0)
                WARN(ctx, "cannot record the apply's result in " HD_STATE_DIR "/%s: %s",
                     record_name(scope), strerror(-r));
        return r;
}

static double num(const cJSON *o, const char *key, bool *ok)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
                *ok = false;
                return 0;
        }
        return v->valuedouble;
}

HD_EXPORT int hd_apply_get_last(struct hd_ctx *ctx, enum hd_apply_scope scope,
                                struct hd_apply_record *ret)
{
        int rootfd = hd__root_fd(hd__ctx_root(ctx));
        _cleanup_close_ int dfd = -1;
        _cleanup_free_ char *text = NULL;
        const cJSON *boot, *msg;
        cJSON *o;
        bool ok = true;
        int r;

        if (!ctx || !ret || (scope != HD_APPLY_SCOPE_FULL && scope != HD_APPLY_SCOPE_DEVICE))
                return -EINVAL;
        memset(ret, 0, sizeof(*ret));
        if (rootfd < 0)
                return hd__error(ctx, -EBADF, "no sysroot");
        dfd = hd__open_dir_at(rootfd, HD_STATE_DIR);
        if (dfd == -ENOENT)
                return -ENOENT;
        r = dfd < 0 ? dfd : hd__read_alloc_at(dfd, record_name(scope), RECORD_MAX, &text, NULL);
        if (r == -ENOENT)
                return r;
        if (r < 0)
                return hd__error(ctx, r, HD_STATE_DIR "/%s: %s", record_name(scope), strerror(-r));
        o = cJSON_Parse(text);
        if (cJSON_IsObject(o) && num(o, "version", &ok) == RECORD_VERSION) {
                ret->time = num(o, "time", &ok);
                ret->duration = num(o, "duration", &ok);
                ret->result = (int)num(o, "result", &ok);
                ret->changed = (int)num(o, "changed", &ok);
                ret->failed = (int)num(o, "failed", &ok);
                boot = cJSON_GetObjectItemCaseSensitive(o, "boot");
                ret->boot = cJSON_IsTrue(boot);
                msg = cJSON_GetObjectItemCaseSensitive(o, "message");
                if (cJSON_IsString(msg) && msg->valuestring)
                        snprintf(ret->message, sizeof(ret->message), "%s", msg->valuestring);
        } else {
                ok = false;
        }
        cJSON_Delete(o);
        if (!ok || ret->result > 0) {
                memset(ret, 0, sizeof(*ret));
                return hd__error(ctx, -EBADMSG, HD_STATE_DIR "/%s: not an apply record",
                                 record_name(scope));
        }
        return 0;
}
