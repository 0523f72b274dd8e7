/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host facts (src/policy-host.c): the judge reads proc/ files of the
 * sysroot (mountinfo, swaps, routes, addresses, fib_trie, interrupts,
 * command line, cpuinfo, kernel release).  A fixed recording (judge-amd)
 * is loaded once; each input is those files, separated by NUL bytes, written
 * into its proc/, then the tree is scanned and every PCI device judged. */
#include "fuzz.h"

#include <fcntl.h>
#include <unistd.h>

#include "hostdev-internal.h"

static const char *const files[] = {
        "proc/self/mountinfo", "proc/swaps", "proc/net/route", "proc/net/if_inet6",
        "proc/net/fib_trie", "proc/interrupts", "proc/cmdline", "proc/cpuinfo",
        "proc/sys/kernel/osrelease",
};
static char dir[64];

static void rm_tree(void)
{
        fz_rm_tree(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        struct hd_ctx *ctx = fz_ctx();
        char cmd[512];

        (void)argc; (void)argv;
        snprintf(dir, sizeof(dir), "%s/hostdev-fuzz-host-%d",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (int)getpid());
        rm_tree();
        atexit(rm_tree);
        /* run from the top directory, as make fuzz does */
        if (hd_fixture_load(ctx, "fixtures/judge-amd.umockdev", dir) < 0)
                abort();
        snprintf(cmd, sizeof(cmd), "cp -a fixtures/judge-amd.extra/. '%s/' && "
                 "mkdir -p '%s/proc/net' '%s/proc/self' '%s/proc/sys/kernel'", dir, dir, dir, dir);
        if (system(cmd) != 0)
                abort();
        hd_ctx_unref(ctx);
        return 0;
}

static void put(const char *rel, const uint8_t *data, size_t size)
{
        char path[256];
        int fd;

        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0)
                return;         /* its directory is absent: not read either */
        if (size && write(fd, data, size) != (ssize_t)size)
                abort();
        close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct hd_ctx *ctx = fz_ctx();
        const uint8_t *p = data, *end = data + size;
        size_t n;

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                const uint8_t *nul = p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
                size_t len = nul ? (size_t)(nul - p) : (size_t)(end - p);
                put(files[i], p, len);
                p = nul ? nul + 1 : end;
        }
        if (hd_ctx_set_sysroot(ctx, dir) == 0 && hd_ctx_scan(ctx) > 0) {
                struct hd_dev *devs[64];
                struct hd_verdict *v[64];

                n = 0;
                for (size_t i = 0; i < hd_ctx_get_n_devices(ctx) && n < ELEMENTSOF(devs); i++)
                        if (hd_dev_get_type(hd_ctx_get_device(ctx, i)) == HD_DEV_PCI)
                                devs[n++] = hd_ctx_get_device(ctx, i);
                if (n && hd_judge_many(ctx, devs, n, 0, v) == 0)
                        for (size_t i = 0; i < n; i++) {
                                const char *code, *msg;
                                enum hd_severity sev;
                                for (size_t k = 0; hd_verdict_get_reason(v[i], k, &code, &sev,
                                                                         &msg) == 0; k++)
                                        if (!code || !msg)
                                                abort();
                                hd_verdict_free(v[i]);
                        }
        }
        hd_ctx_unref(ctx);
        return 0;
}
