/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared bits of the libFuzzer harnesses (tests/fuzz/README.md). */
#ifndef HD_FUZZ_H
#define HD_FUZZ_H
#define _GNU_SOURCE
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "hostdev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Format every message (so a bad format argument shows) and drop it. */
static void fz_log(void *data, int prio, const char *file, int line, const char *fn,
                   const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static void fz_log(void *data, int prio, const char *file, int line, const char *fn,
                   const char *fmt, va_list ap)
{
        char buf[512];

        (void)data; (void)prio; (void)file; (void)line; (void)fn;
        vsnprintf(buf, sizeof(buf), fmt, ap);
}

/* A context that logs everything into fz_log, names off. */
static inline struct hd_ctx *fz_ctx(void)
{
        struct hd_ctx *ctx = NULL;

        if (hd_ctx_new(&ctx) < 0)
                abort();
        hd_ctx_set_log_fn(ctx, fz_log, NULL);
        hd_ctx_set_log_priority(ctx, LOG_DEBUG);
        hd_ctx_set_names(ctx, false);
        return ctx;
}

/* DATA as a NUL-terminated string (malloc'd; the caller frees). */
static inline char *fz_str(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1);

        if (!s)
                abort();
        memcpy(s, data, size);
        s[size] = '\0';
        return s;
}

static inline int fz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st; (void)flag; (void)ftw;
        remove(path);
        return 0;
}

/* Remove the scratch tree DIR the harness made (no symlink followed). */
static inline void fz_rm_tree(const char *dir)
{
        nftw(dir, fz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
#endif
