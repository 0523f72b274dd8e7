/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared helpers for the cmocka unit tests: build a sysroot from a fixture. */
#ifndef HD_TESTLIB_H
#define HD_TESTLIB_H
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <cmocka.h>

#include "hostdev.h"

/* Fixture FILE (under fixtures/, without .umockdev) loaded into a fresh temp dir.
 * Returns the malloc'd directory. */
static inline char *tl_load_fixture(const char *name)
{
        /* tmpfs when there is one: creating thousands of sysfs files is disk-bound */
        char file[512], *dir = strdup(access("/dev/shm", W_OK) == 0 ? "/dev/shm/hostdev-test-XXXXXX"
                                                                    : "/tmp/hostdev-test-XXXXXX");
        struct hd_ctx *ctx = NULL;
        int r;

        assert_non_null(dir);
        assert_non_null(mkdtemp(dir));
        snprintf(file, sizeof(file), "fixtures/%s.umockdev", name);
        assert_int_equal(hd_ctx_new(&ctx), 0);
        r = hd_fixture_load(ctx, file, dir);
        if (r < 0)
                fail_msg("loading %s: %s", file, hd_ctx_get_error(ctx));
        hd_ctx_unref(ctx);
        /* optional files beside the recording: proc/, etc/, lib/modules, run/ */
        snprintf(file, sizeof(file), "fixtures/%s.extra", name);
        if (access(file, F_OK) == 0) {
                char cmd[1200];
                snprintf(cmd, sizeof(cmd), "cp -a '%s/.' '%s/'", file, dir);
                assert_int_equal(system(cmd), 0);
        }
        return dir;
}

/* A test file's group setup() and teardown() around one fixture, loaded
 * into the file's static VAR: TL_FIXTURE_GROUP(dir, "workstation-gpu"). */
#define TL_FIXTURE_GROUP(var, name)                     \
        static char *var;                               \
        static int setup(void **state)                  \
        {                                               \
                (void)state;                            \
                var = tl_load_fixture(name);            \
                return 0;                               \
        }                                               \
        static int teardown(void **state)               \
        {                                               \
                (void)state;                            \
                tl_rm_rf(var);                          \
                return 0;                               \
        }

/* A context rooted at DIR, scanned, with names off unless NAMES. */
static inline struct hd_ctx *tl_ctx(const char *dir, int names)
{
        struct hd_ctx *ctx = NULL;
        assert_int_equal(hd_ctx_new(&ctx), 0);
        hd_ctx_set_names(ctx, names != 0);
        if (hd_ctx_set_sysroot(ctx, dir) < 0)
                fail_msg("sysroot %s: %s", dir, hd_ctx_get_error(ctx));
        if (hd_ctx_scan(ctx) < 0)
                fail_msg("scan %s: %s", dir, hd_ctx_get_error(ctx));
        return ctx;
}

static inline void tl_rm_rf(char *dir)
{
        char cmd[600];
        if (!dir)
                return;
        if (strncmp(dir, "/tmp/hostdev-test-", 18) == 0 ||
            strncmp(dir, "/dev/shm/hostdev-test-", 22) == 0) {
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
                if (system(cmd) != 0)
                        fprintf(stderr, "cannot remove %s\n", dir);
        }
        free(dir);
}
#endif
