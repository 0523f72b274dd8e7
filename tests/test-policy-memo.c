/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The judge reads what a device's own directory says about its use (its
 * class devices' nodes, a network interface's flags, a block device's
 * holders) once per run: a device in several judged sets (a PF's VF is in
 * the PF's set and its own) is probed once, and a later run reads it
 * again; only the kinds of node some process holds are looked for.  The
 * probes are counted by their openat() calls: this test defines openat,
 * which the library (linked in statically) calls instead of libc's; it
 * counts and passes the call on.
 */
#include "testlib.h"     /* first: it defines _GNU_SOURCE (O_TMPFILE, RTLD_NEXT) */

#include <dlfcn.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------- counting opens */

enum { P_VFIO_DEV, P_DRM, P_SOUND, P_FLAGS, P_HOLDERS, P_RESET, P_NUMA, P_OVERRIDE, P_SIZE, P_DEV, P_N };
static const char *const probe_names[P_N] = { "vfio-dev", "drm", "sound", "flags", "holders",
                                              "reset_method", "numa_node", "driver_override",
                                              "size", "dev" };
static unsigned opens[P_N];

static void count(const char *path)
{
        const char *base = path ? strrchr(path, '/') : NULL;

        if (!base)
                return;
        for (int i = 0; i < P_N; i++)
                if (strcmp(base + 1, probe_names[i]) == 0)
                        opens[i]++;
}

int openat(int dirfd, const char *path, int flags, ...)
{
        static int (*real)(int, const char *, int, ...);
        mode_t mode = 0;

        if (flags & (O_CREAT | O_TMPFILE)) {
                va_list ap;
                va_start(ap, flags);
                mode = (mode_t)va_arg(ap, int);
                va_end(ap);
        }
        if (!real)
                real = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
        if (!real) {
                errno = ENOSYS;
                return -1;
        }
        count(path);
        return real(dirfd, path, flags, mode);
}

static void reset(void)
{
        memset(opens, 0, sizeof(opens));
}

/* ---------------------------------------------------------------- helpers */

static struct hd_dev *dev(struct hd_ctx *ctx, const char *name)
{
        struct hd_dev *d = hd_ctx_find_device(ctx, name);

        if (!d)
                fail_msg("no device %s", name);
        return d;
}

/* Judge NAMES in one run; the opens it made are in opens[]. */
static void judge_run(struct hd_ctx *ctx, const char *const *names, size_t n, struct hd_verdict **vs)
{
        struct hd_dev *devs[8];

        assert_true(n <= 8);
        for (size_t i = 0; i < n; i++)
                devs[i] = dev(ctx, names[i]);
        reset();
        assert_int_equal(hd_judge_many(ctx, devs, n, 0, vs), 0);
}

static void judge_count(struct hd_ctx *ctx, const char *const *names, size_t n, unsigned out[P_N])
{
        struct hd_verdict *vs[8] = { 0 };

        judge_run(ctx, names, n, vs);
        memcpy(out, opens, sizeof(opens));
        for (size_t i = 0; i < n; i++)
                hd_verdict_free(vs[i]);
}

static size_t n_pci(const struct hd_verdict *v)
{
        size_t n = 0;

        for (size_t i = 0; i < hd_verdict_get_n_affected(v); i++)
                n += hd_dev_get_type(hd_verdict_get_affected(v, i)) == HD_DEV_PCI;
        return n;
}

/* The message of the "held" reason that names NODE, or NULL */
static const char *held(const struct hd_verdict *v, const char *node)
{
        const char *c, *m;

        for (size_t i = 0; hd_verdict_get_reason(v, i, &c, NULL, &m) == 0; i++)
                if (strcmp(c, "held") == 0 && strstr(m, node))
                        return m;
        return NULL;
}

static void mkdirs(const char *dir, const char *rel)
{
        char cmd[1200];

        snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", dir, rel);
        assert_int_equal(system(cmd), 0);
}

static void put(const char *dir, const char *rel, const char *text)
{
        char path[1024];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        assert_non_null(f = fopen(path, "w"));
        fputs(text, f);
        assert_int_equal(fclose(f), 0);
}

static void link_to(const char *dir, const char *rel, const char *target)
{
        char path[1024];

        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        assert_int_equal(symlink(target, path), 0);
}

/* A process PID of name COMM holding TARGET open as fd FD */
static void holder(const char *dir, int pid, const char *comm, int fd, const char *target)
{
        char rel[128], text[64];

        snprintf(rel, sizeof(rel), "proc/%d/fd", pid);
        mkdirs(dir, rel);
        snprintf(rel, sizeof(rel), "proc/%d/comm", pid);
        snprintf(text, sizeof(text), "%s\n", comm);
        put(dir, rel, text);
        snprintf(rel, sizeof(rel), "proc/%d/fd/%d", pid, fd);
        link_to(dir, rel, target);
}

/* ---------------------------------------------------------------- tests */

/* An SR-IOV PF judged with two of its VFs: each function is probed once,
 * as many opens as the PF alone; two runs probe twice. */
static void test_sriov_once(void **state)
{
        static const char *const pf[] = { "pci_0000_3b_00_0" };
        static const char *const pf_vfs[] = { "pci_0000_3b_00_0", "pci_0000_3b_02_0", "pci_0000_3b_02_1" };
        static const char *const vfs_pf[] = { "pci_0000_3b_02_0", "pci_0000_3b_02_1", "pci_0000_3b_00_0" };
        char *dir = tl_load_fixture("sriov-nic");
        struct hd_verdict *v[1] = { 0 };
        unsigned one[P_N], many[P_N], rev[P_N];
        struct hd_ctx *ctx;
        size_t fns;
        (void)state;

        /* nodes of every kind held by someone, so every kind is looked for */
        holder(dir, 9001, "qemu", 30, "/dev/vfio/devices/vfio7");
        holder(dir, 9002, "Xorg", 11, "/dev/dri/card7");
        holder(dir, 9003, "pipewire", 12, "/dev/snd/controlC7");
        ctx = tl_ctx(dir, 0);

        judge_run(ctx, pf, 1, v);
        memcpy(one, opens, sizeof(opens));
        fns = 1 + n_pci(v[0]);
        assert_true(fns >= 3);                          /* the PF and its VFs */
        hd_verdict_free(v[0]);
        /* every PCI function of the set looked at once, for each class */
        assert_int_equal(one[P_VFIO_DEV], fns);
        assert_int_equal(one[P_DRM], fns);
        assert_int_equal(one[P_SOUND], fns);
        assert_true(one[P_FLAGS] >= 1);                 /* the VFs' interfaces */

        judge_count(ctx, pf_vfs, 3, many);
        judge_count(ctx, vfs_pf, 3, rev);
        for (int i = 0; i < P_RESET; i++) {    /* the probes (reset_method: per judged function) */
                if (many[i] != one[i] || rev[i] != one[i])
                        fail_msg("%s: %u opens judging the PF alone, %u with two VFs, %u VFs first",
                                 probe_names[i], one[i], many[i], rev[i]);
        }

        /* a new run reads again: nothing is kept past hd_judge_many */
        judge_count(ctx, pf, 1, many);
        assert_memory_equal(many, one, sizeof(one));
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* Only the kinds of node some process holds are looked for: none when
 * nobody holds a node of a class device (a server: /dev/null, a tty). */
static void test_only_held_kinds(void **state)
{
        static const char *const pf_vfs[] = { "pci_0000_3b_00_0", "pci_0000_3b_02_0" };
        char *dir = tl_load_fixture("sriov-nic");
        struct hd_ctx *ctx;
        unsigned n[P_N];
        (void)state;

        holder(dir, 9001, "sshd", 0, "/dev/null");
        holder(dir, 9002, "qemu", 31, "/dev/vfio/devices/vfio7");
        ctx = tl_ctx(dir, 0);
        judge_count(ctx, pf_vfs, 2, n);
        assert_int_equal(n[P_VFIO_DEV], 5);             /* the PF and its four VFs, once */
        assert_int_equal(n[P_DRM], 0);
        assert_int_equal(n[P_SOUND], 0);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);

        dir = tl_load_fixture("sriov-nic");
        holder(dir, 9001, "sshd", 0, "/dev/null");
        ctx = tl_ctx(dir, 0);
        judge_count(ctx, pf_vfs, 2, n);
        assert_int_equal(n[P_VFIO_DEV] + n[P_DRM] + n[P_SOUND], 0);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* A disk in the sets of its controller and of its sg node: its holders
 * are listed once. */
static void test_block_once(void **state)
{
        static const char *const ctrl[] = { "pci_0000_00_17_0" };
        static const char *const both[] = { "pci_0000_00_17_0", "scsi_generic_sg0", "block_sda" };
        char *dir = tl_load_fixture("workstation-gpu");
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        unsigned one[P_N], many[P_N];
        (void)state;

        judge_count(ctx, ctrl, 1, one);
        assert_true(one[P_HOLDERS] >= 2);               /* sda, sda1 */
        judge_count(ctx, both, 3, many);
        assert_int_equal(many[P_HOLDERS], one[P_HOLDERS]);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* Of the detail attributes the judge reads only those it uses: a PCI
 * function's reset_method, a disk's dev; none when a getter has read the
 * detail already. */
static void test_detail_needed(void **state)
{
        static const char *const ctrl[] = { "pci_0000_00_17_0" };
        static const char *const nvme[] = { "pci_0000_03_00_0" };
        char *dir = tl_load_fixture("workstation-gpu");
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        unsigned n[P_N];
        (void)state;

        judge_count(ctx, ctrl, 1, n);
        assert_int_equal(n[P_RESET], 1);
        assert_int_equal(n[P_DEV], 2);                  /* sda, sda1 */
        assert_int_equal(n[P_NUMA] + n[P_OVERRIDE] + n[P_SIZE], 0);

        /* after the getters: nothing read again */
        assert_non_null(hd_dev_get_reset_method(dev(ctx, "pci_0000_03_00_0")));
        judge_count(ctx, nvme, 1, n);
        assert_int_equal(n[P_RESET] + n[P_NUMA] + n[P_OVERRIDE], 0);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* Probed once, judged right in each set: a GPU's render node and its
 * audio function's ALSA node, both held, judged together both ways. */
static void test_held_both_ways(void **state)
{
        static const char *const gpu_aud[] = { "pci_0000_01_00_0", "pci_0000_01_00_1" };
        static const char *const gpu[] = { "pci_0000_01_00_0" };
        const char *fn = "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.";
        char *dir = tl_load_fixture("workstation-gpu");
        struct hd_verdict *vs[2] = { 0 };
        struct hd_ctx *ctx;
        char rel[256];
        unsigned one[P_N];
        const char *m;
        (void)state;

        snprintf(rel, sizeof(rel), "%s0/drm/renderD128", fn);
        mkdirs(dir, rel);
        snprintf(rel, sizeof(rel), "%s1/sound/card1/pcmC1D3p", fn);
        mkdirs(dir, rel);
        holder(dir, 7777, "gnome-shell", 12, "/dev/dri/renderD128");
        holder(dir, 7777, "gnome-shell", 13, "/dev/dri/card1"); /* no such node yet */
        holder(dir, 7778, "pipewire", 30, "/dev/snd/pcmC1D3p");
        ctx = tl_ctx(dir, 0);

        judge_count(ctx, gpu, 1, one);
        judge_run(ctx, gpu_aud, 2, vs);
        assert_int_equal(opens[P_DRM], one[P_DRM]);
        assert_int_equal(opens[P_SOUND], one[P_SOUND]);
        assert_int_equal(opens[P_DRM], 2);              /* the GPU's two functions, once each */
        assert_int_equal(opens[P_VFIO_DEV], 0);         /* no process holds a vfio cdev */

        assert_non_null(m = held(vs[0], "/dev/dri/renderD128"));
        assert_non_null(strstr(m, "pid 7777 (gnome-shell), for pci_0000_01_00_0"));
        assert_null(strstr(m, "(affected)"));
        assert_non_null(m = held(vs[0], "/dev/snd/pcmC1D3p"));
        assert_non_null(strstr(m, "pid 7778 (pipewire), for pci_0000_01_00_1 (affected)"));
        assert_non_null(m = held(vs[1], "/dev/snd/pcmC1D3p"));
        assert_null(strstr(m, "(affected)"));
        assert_non_null(m = held(vs[1], "/dev/dri/renderD128"));
        assert_non_null(strstr(m, "for pci_0000_01_00_0 (affected)"));
        assert_null(held(vs[0], "/dev/dri/card1"));
        hd_verdict_free(vs[0]);
        hd_verdict_free(vs[1]);

        /* a class device that appears between two runs is seen by the second */
        snprintf(rel, sizeof(rel), "%s0/drm/card1", fn);
        mkdirs(dir, rel);
        judge_run(ctx, gpu, 1, vs);
        assert_non_null(held(vs[0], "/dev/dri/card1"));
        hd_verdict_free(vs[0]);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sriov_once),
                cmocka_unit_test(test_only_held_kinds),
                cmocka_unit_test(test_block_once),
                cmocka_unit_test(test_detail_needed),
                cmocka_unit_test(test_held_both_ways),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
