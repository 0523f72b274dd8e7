/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole tree: a recording loaded into a tmpfs directory, then scanned,
 * every property of every device read, the PCI devices judged and every
 * device emitted (QEMU arguments, libvirt XML): the paths
 * between the parsers (links, missing or odd attributes, loops). */
#include "fuzz.h"

#include <unistd.h>

#include "hostdev-internal.h"

static char dir[64];

static void rm_tree(void)
{
        fz_rm_tree(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        (void)argc; (void)argv;
        snprintf(dir, sizeof(dir), "%s/hostdev-fuzz-tree-%d",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (int)getpid());
        rm_tree();
        atexit(rm_tree);
        return 0;
}

/* QEMU arguments and libvirt XML for one device, forced past the judge:
 * every string of a hostile tree goes through the emitters' escaping. */
static void emit(struct hd_ctx *ctx, struct hd_dev *d)
{
        struct hd_qemu_opts q;
        struct hd_xml_opts x;
        struct hd_argv *argv = hd_argv_new();
        char *xml = NULL;

        if (!argv)
                abort();
        hd_qemu_opts_init(&q);
        q.force = true;
        if (hd_emit_qemu(ctx, &d, 1, &q, argv) == 0)
                for (size_t i = 0; i < hd_argv_get_n(argv); i++)
                        if (!hd_argv_get(argv, i))
                                abort();
        hd_argv_free(argv);
        hd_xml_opts_init(&x);
        x.force = true;
        x.domain = true;
        if (hd_emit_libvirt_xml(ctx, &d, 1, &x, &xml) == 0 && !xml)
                abort();
        free(xml);
}

static void walk(struct hd_ctx *ctx)
{
        size_t n = hd_ctx_get_n_devices(ctx), nj = 0;
        struct hd_dev *judge[16];

        for (size_t i = 0; i < n; i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                struct hd_value v;
                const char *key;

                if (!d || hd_dev_get_index(d) != i)
                        abort();
                /* a device's name finds a device of that name */
                {
                        const struct hd_dev *f = hd_ctx_find_device(ctx, hd_dev_get_name(d));
                        if (!f || !streq(hd_dev_get_name(f), hd_dev_get_name(d)))
                                abort();
                }
                for (size_t k = 0; hd_dev_get_property_at(d, k, &key, &v) == 0; k++)
                        if (v.kind == HD_VALUE_STRING && !v.str)
                                abort();
                if (hd_dev_get_type(d) == HD_DEV_PCI && nj < ELEMENTSOF(judge))
                        judge[nj++] = d;
                if (i < 32)
                        emit(ctx, d);
        }
        if (nj) {
                struct hd_verdict *v[ELEMENTSOF(judge)];
                if (hd_judge_many(ctx, judge, nj, 0, v) == 0)
                        for (size_t i = 0; i < nj; i++)
                                hd_verdict_free(v[i]);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct hd_ctx *ctx = fz_ctx();
        int r = hd__fixture_load_mem(ctx, data, size, dir);

        if (r >= 0 && hd_ctx_set_sysroot(ctx, dir) == 0 && hd_ctx_scan(ctx) > 0)
                walk(ctx);
        hd_ctx_unref(ctx);
        rm_tree();
        return 0;
}
