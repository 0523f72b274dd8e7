/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The journal reader (src/state.c hd__state_parse) over a memory buffer:
 * whatever state.json holds, parsing ends in records that pass the
 * checks, or in a refusal with a message.  regress-group-1e300,
 * regress-group-neg3e9 and regress-since-1e300 were undefined behaviour
 * (double to int casts, caught by clang's float-cast-overflow). */
#include "fuzz.h"

#include "state.h"

static void check_rec(const struct hd__rec *rec)
{
        static const char pat[] = ":xx:xx.x";  /* after a domain of 4 to 8 digits (VMD: 5) */
        const char *names[] = { rec->driver, rec->override };
        size_t len;

        if (!memchr(rec->address, '\0', sizeof(rec->address)))
                abort();
        len = strlen(rec->address);
        if (len < 12 || len > 16 || (len > 12 && rec->address[0] == '0'))
                abort();        /* "%04x": no leading zero beyond 4 digits */
        for (size_t i = 0; i < len; i++)        /* canonical, as sysfs names it */
                if (i < len - 8 || pat[i - (len - 8)] == 'x'
                            ? !strchr("0123456789abcdef", rec->address[i])
                            : rec->address[i] != pat[i - (len - 8)])
                        abort();
        if (rec->state != HD__REC_BINDING && rec->state != HD__REC_BOUND &&
            rec->state != HD__REC_UNBINDING)
                abort();
        /* driver and override: plain names, never a path or a shell word */
        for (size_t i = 0; i < 2; i++) {
                const char *n = names[i];
                if (!n)
                        continue;
                if (!*n || strlen(n) > 255 || strchr(n, '/') || streq(n, ".") || streq(n, ".."))
                        abort();
                for (const char *c = n; *c; c++)
                        if ((unsigned char)*c <= ' ' || *c == 0x7f)
                                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct hd_ctx *ctx = fz_ctx();
        struct hd__state *s = calloc(1, sizeof(*s));
        char *text = fz_str(data, size);
        int r;

        if (!s)
                abort();
        s->dirfd = s->lockfd = -1;
        s->dry_run = true;
        r = hd__state_parse(ctx, s, text);
        if (r < 0 && !*hd_ctx_get_error(ctx))
                abort();        /* every refusal says why */
        for (size_t i = 0; i < s->n; i++) {
                check_rec(s->recs[i]);
                if (hd__state_find(s, s->recs[i]->address) != s->recs[i])
                        abort();        /* addresses are unique */
        }
        hd__state_close(s);
        free(text);
        hd_ctx_unref(ctx);
        return 0;
}
