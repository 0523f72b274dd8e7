/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host-wide facts for the judge, read below the sysroot: the kernel command
 * line, whether vfio-pci is loaded or loadable (sys/module, libkmod over
 * lib/modules/<release>), interrupt remapping, open files of every process
 * (proc/PID/fd), mounts and swap, routes and addresses.  Everything is read
 * lazily, once per judging run, relative to the sysroot's directory fd; a
 * missing file is recorded as "cannot tell", never guessed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <net/route.h>          /* RTF_UP */
#include <netinet/in.h>         /* IN_LOOPBACKNET, IN_CLASSA_NSHIFT */
#include <sys/utsname.h>
#include <libkmod.h>

#include "policy.h"
#include "state.h"

#define PROC_FILE_MAX (16u << 20)
#define MAX_HOLDERS 100000
#define INTEL_ECAP_IR (1ull << 3)       /* VT-d extended capability: interrupt remapping */
/* proc/net/if_inet6 scope bits (the kernel's IPV6_ADDR_LOOPBACK, _LINKLOCAL) */
#define IPV6_SCOPE_LOOPBACK 0x10u
#define IPV6_SCOPE_LINKLOCAL 0x20u

void hd__host_init(struct hd__host *h, struct hd_ctx *ctx)
{
        struct hd__root *root = hd__ctx_root(ctx);

        memset(h, 0, sizeof(*h));
        h->ctx = ctx;
        h->rootfd = hd__root_fd(root);
        h->sysfd = hd__root_sysfd(root);
        h->live = hd__root_is_live(root);
        h->have_proc = h->rootfd >= 0 && hd__exists_at(h->rootfd, "proc");
        h->remap = h->allow_unsafe = HD__UNKNOWN;
}

void hd__host_done(struct hd__host *h)
{
        free(h->cmdline);
        for (size_t i = 0; i < h->n_holders; i++) {
                free(h->holders[i].comm);
                free(h->holders[i].vm);
                free(h->holders[i].target);
        }
        free(h->holders);
        for (size_t i = 0; i < h->n_mounts; i++) {
                free(h->mounts[i].devnum);
                free(h->mounts[i].source);
                free(h->mounts[i].target);
        }
        free(h->mounts);
        for (size_t i = 0; i < h->n_swaps; i++)
                free(h->swaps[i]);
        free(h->swaps);
        free(h->routes);
        free(h->addrs);
        free(h->local4);
        hd__state_close(h->journal);
        memset(h, 0, sizeof(*h));
}

static int grow(void *pp, size_t n, size_t *cap, size_t size)
{
        void **p = pp;
        if (n < *cap)
                return 0;
        size_t nc = *cap ? *cap * 2 : 16;
        void *np = realloc(*p, nc * size);
        if (!np)
                return -ENOMEM;
        *p = np;
        *cap = nc;
        return 0;
}

/* REL below DIRFD as a directory stream, or NULL with *ERR set (-errno). */
static DIR *open_dir(int dirfd, const char *rel, int *err)
{
        int fd = hd__open_dir_at(dirfd, rel);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

        *err = fd < 0 ? fd : d ? 0 : -errno;
        if (fd >= 0 && !d)
                close(fd);
        return d;
}

/* ---------------------------------------------------------------- cmdline */

const char *hd__host_cmdline(struct hd__host *h)
{
        if (!h->cmdline_done) {
                char *buf = NULL;
                h->cmdline_done = true;
                if (h->have_proc && hd__read_alloc_at(h->rootfd, "proc/cmdline", 64 * 1024, &buf, NULL) == 0) {
                        size_t n = strlen(buf);
                        while (n && isspace((unsigned char)buf[n - 1]))
                                buf[--n] = '\0';
                        h->cmdline = buf;
                }
        }
        return h->cmdline;
}

bool hd__host_cmdline_has(struct hd__host *h, const char *key, const char **value, size_t *vlen)
{
        const char *c = hd__host_cmdline(h), *p;
        size_t kl = strlen(key);

        if (!c)
                return false;
        for (p = c; *p;) {
                const char *e;
                while (*p == ' ' || *p == '\t')
                        p++;
                e = p + strcspn(p, " \t");
                if ((size_t)(e - p) >= kl && strncmp(p, key, kl) == 0 && (p + kl == e || p[kl] == '=')) {
                        if (value) {
                                *value = p + kl == e ? e : p + kl + 1;
                                *vlen = (size_t)(e - *value);
                        }
                        return true;
                }
                p = e;
        }
        return false;
}

const char *hd__host_cpu_vendor(struct hd__host *h, char *buf, size_t size)
{
        _cleanup_free_ char *info = NULL;
        const char *p;

        if (!h->have_proc || hd__read_alloc_at(h->rootfd, "proc/cpuinfo", 1u << 20, &info, NULL) < 0)
                return NULL;
        p = strstr(info, "vendor_id");
        if (!p || !(p = strchr(p, ':')))
                return NULL;
        p++;
        while (*p == ' ' || *p == '\t')
                p++;
        snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
        return buf;
}

/* ---------------------------------------------------------------- vfio-pci */

static void kmod_silent(void *data, int priority, const char *file, int line, const char *fn,
                        const char *format, va_list args)
{
        (void)data; (void)priority; (void)file; (void)line; (void)fn; (void)format; (void)args;
}

static bool valid_release(const char *r)
{
        if (!*r || streq(r, ".") || streq(r, ".."))
                return false;
        for (; *r; r++)
                if (*r == '/' || (unsigned char)*r < 0x21 || (unsigned char)*r > 0x7e)
                        return false;
        return true;
}

/* The one directory below lib/modules, when there is exactly one. */
static int only_release(struct hd__host *h, char *buf, size_t size)
{
        struct dirent *de;
        int n = 0, err;
        DIR *d = open_dir(h->rootfd, "lib/modules", &err);

        if (!d)
                return err;
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && n++ == 0)
                        snprintf(buf, size, "%s", de->d_name);
        closedir(d);
        return n == 1 ? 0 : -ENOENT;
}

/* Hand-made or partial trees carry only the text indexes depmod writes
 * beside the binary ones libkmod reads: look for vfio-pci.ko in them. */
static bool text_index_has(struct hd__host *h, const char *dir, const char *file, bool *builtin,
                           bool is_builtin)
{
        _cleanup_free_ char *text = NULL;
        char rel[PATH_MAX];

        snprintf(rel, sizeof(rel), "%s/%s.bin", dir, file);
        if (hd__exists_at(h->rootfd, rel))
                return false;           /* libkmod has read the real index */
        snprintf(rel, sizeof(rel), "%s/%s", dir, file);
        if (hd__read_alloc_at(h->rootfd, rel, PROC_FILE_MAX, &text, NULL) < 0)
                return false;
        for (char *line = text, *nl; line && *line; line = nl) {
                char *colon, *base;
                nl = strchr(line, '\n');
                if (nl)
                        *nl++ = '\0';
                colon = strchr(line, ':');
                if (colon)
                        *colon = '\0';
                base = strrchr(line, '/');
                base = base ? base + 1 : line;
                if (startswith(base, "vfio-pci.ko") || startswith(base, "vfio_pci.ko")) {
                        if (is_builtin)
                                *builtin = true;
                        return true;
                }
        }
        return false;
}

static bool vfio_registered(const struct hd__host *h)
{
        return h->sysfd >= 0 && (hd__exists_at(h->sysfd, "module/vfio_pci") ||
                                 hd__exists_at(h->sysfd, "bus/pci/drivers/vfio-pci"));
}

/* Which kernel: the sysroot's proc, else the live host's uname, else (a
 * recorded tree) the only one below lib/modules.  Returns: 0 or -ENOENT. */
static int kernel_release(struct hd__host *h, char *release, size_t size)
{
        int r = h->have_proc ? hd__read_at(h->rootfd, "proc/sys/kernel/osrelease", release, size)
                             : -ENOENT;

        if (r < 0 && h->live) {
                struct utsname u;
                if (uname(&u) == 0 && snprintf(release, size, "%s", u.release) < (int)size)
                        r = 0;
        }
        if (r < 0 && !h->live)
                r = only_release(h, release, size);
        return r < 0 || !valid_release(release) ? -ENOENT : 0;
}

/* Whether libkmod finds vfio-pci in lib/modules/RELEASE below SYSROOT
 * ("" for /); *BUILTIN when it is built in.
 * Returns: 1 found, 0 not, -EIO when libkmod cannot read the directory. */
static int kmod_has_vfio(const char *sysroot, const char *rel, bool *builtin)
{
        char dir[PATH_MAX * 2], cfg1[PATH_MAX + 32], cfg2[PATH_MAX + 32];
        const char *cfg_paths[] = { cfg1, cfg2, NULL };
        struct kmod_list *list = NULL, *it;
        struct kmod_ctx *k;
        int found = 0;

        /* libkmod wants absolute paths; they are below the sysroot all the same */
        snprintf(dir, sizeof(dir), "%s/%s", sysroot, rel);
        snprintf(cfg1, sizeof(cfg1), "%s/etc/modprobe.d", sysroot);
        snprintf(cfg2, sizeof(cfg2), "%s/lib/modprobe.d", sysroot);
        k = kmod_new(dir, cfg_paths);
        if (!k)
                return -EIO;
        kmod_set_log_fn(k, kmod_silent, NULL);
        if (kmod_module_new_from_lookup(k, "vfio-pci", &list) == 0) {
                kmod_list_foreach(it, list) {
                        struct kmod_module *m = kmod_module_get_module(it);
                        if (!m)
                                continue;
                        found = 1;
                        if (!kmod_module_get_path(m))
                                *builtin = true;
                        kmod_module_unref(m);
                }
                kmod_module_unref_list(list);
        }
        kmod_unref(k);
        return found;
}

static void vfio_verdict(struct hd__host *h, enum hd__vfio_state v, const char *fmt, ...)
        _printf_(3, 4);
static void vfio_verdict(struct hd__host *h, enum hd__vfio_state v, const char *fmt, ...)
{
        va_list ap;

        h->vfio = v;
        va_start(ap, fmt);
        vsnprintf(h->vfio_msg, sizeof(h->vfio_msg), fmt, ap);
        va_end(ap);
}

void hd__host_vfio(struct hd__host *h)
{
        const char *sysroot = hd_ctx_get_sysroot(h->ctx);
        char release[256], rel[PATH_MAX];
        enum hd__vfio_state absent = h->live ? HD__VFIO_MISSING : HD__VFIO_UNKNOWN;
        bool builtin = false;
        int found;

        if (h->vfio_done)
                return;
        h->vfio_done = true;
        if (vfio_registered(h)) {
                h->vfio = HD__VFIO_LOADED;
                return;
        }
        if (kernel_release(h, release, sizeof(release)) < 0) {
                vfio_verdict(h, absent, "%s", h->live
                        ? "vfio-pci is not loaded and the running kernel's release is unknown"
                        : "vfio-pci is not loaded in the sysroot, and it holds no "
                          "proc/sys/kernel/osrelease or lib/modules to tell whether it is loadable");
                return;
        }
        snprintf(rel, sizeof(rel), "lib/modules/%s", release);
        if (!hd__exists_at(h->rootfd, rel)) {
                vfio_verdict(h, absent, h->live
                        ? "vfio-pci is not loaded and there is no /lib/modules/%s to load it from"
                        : "vfio-pci is not loaded in the sysroot, which holds no lib/modules/%s "
                          "to tell whether it is loadable", release);
                return;
        }
        found = kmod_has_vfio(streq(sysroot, "/") ? "" : sysroot, rel, &builtin);
        if (found < 0) {
                vfio_verdict(h, HD__VFIO_UNKNOWN, "vfio-pci is not loaded; libkmod could not read "
                             "lib/modules/%s", release);
                return;
        }
        if (!found)
                found = text_index_has(h, rel, "modules.builtin", &builtin, true) ||
                        text_index_has(h, rel, "modules.dep", &builtin, false);
        if (found)
                vfio_verdict(h, builtin ? HD__VFIO_LOADED : HD__VFIO_LOADABLE,
                             "vfio-pci is not loaded but lib/modules/%s has it: it will be loaded "
                             "when binding (modprobe vfio-pci)", release);
        else
                vfio_verdict(h, HD__VFIO_MISSING, "vfio-pci is neither loaded nor found in "
                             "lib/modules/%s: install or build it (CONFIG_VFIO_PCI)", release);
}

/* ---------------------------------------------------------------- iommufd */

bool hd__host_iommufd(struct hd__host *h)
{
        if (!h->iommufd_done) {
                h->iommufd_done = true;
                h->iommufd = h->rootfd >= 0 && hd__exists_at(h->rootfd, "dev/iommu");
        }
        return h->iommufd;
}

/* ---------------------------------------------------------------- interrupts */

static bool intel_ir_cap(struct hd__host *h, int *known)
{
        struct dirent *de;
        bool any = false, all = true;
        int err;
        DIR *d = h->sysfd >= 0 ? open_dir(h->sysfd, "class/iommu", &err) : NULL;

        *known = 0;
        if (!d)
                return false;
        while ((de = readdir(d))) {
                char buf[64], rel[NAME_MAX + 64];
                unsigned long long ecap;
                if (de->d_name[0] == '.')
                        continue;
                snprintf(rel, sizeof(rel), "class/iommu/%s/intel-iommu/ecap", de->d_name);
                if (hd__read_at(h->sysfd, rel, buf, sizeof(buf)) < 0)
                        continue;
                ecap = strtoull(buf, NULL, 16);
                any = true;
                if (!(ecap & INTEL_ECAP_IR))
                        all = false;
        }
        closedir(d);
        *known = any;
        return any && all;
}

void hd__host_irq(struct hd__host *h)
{
        char buf[16];
        const char *v;
        size_t vl;
        bool have_irq = false;

        if (h->irq_done)
                return;
        h->irq_done = true;
        if (h->sysfd >= 0 &&
            hd__read_at(h->sysfd, "module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
                        buf, sizeof(buf)) >= 0)
                h->allow_unsafe = buf[0] == 'Y' || buf[0] == 'y' || buf[0] == '1';
        else if (hd__host_cmdline_has(h, "vfio_iommu_type1.allow_unsafe_interrupts", &v, &vl))
                h->allow_unsafe = vl == 0 || v[0] == '1' || v[0] == 'Y' || v[0] == 'y';
        else if (h->sysfd >= 0 && hd__exists_at(h->sysfd, "module/vfio_iommu_type1"))
                h->allow_unsafe = HD__NO;

        if (hd__host_cmdline_has(h, "intremap", &v, &vl) && vl >= 3 && strncmp(v, "off", 3) == 0) {
                h->remap = HD__NO;
                snprintf(h->irq_how, sizeof(h->irq_how), "intremap=off is on the kernel command line");
                return;
        }
        if (h->have_proc) {
                _cleanup_free_ char *irq = NULL;
                have_irq = hd__read_alloc_at(h->rootfd, "proc/interrupts", PROC_FILE_MAX, &irq, NULL) == 0;
                if (have_irq) {
                        if (strstr(irq, "IR-")) {
                                h->remap = HD__YES;
                                return;
                        }
                        if (strstr(irq, "MSI")) {
                                h->remap = HD__NO;
                                snprintf(h->irq_how, sizeof(h->irq_how),
                                         "proc/interrupts shows MSI vectors without IR-");
                                return;
                        }
                }
        }
        {
                int known;
                bool ir = intel_ir_cap(h, &known);
                if (known) {
                        h->remap = ir ? HD__YES : HD__NO;
                        snprintf(h->irq_how, sizeof(h->irq_how),
                                 "the Intel IOMMU ecap lacks interrupt remapping");
                        return;
                }
        }
        h->remap = HD__UNKNOWN;
        snprintf(h->irq_how, sizeof(h->irq_how), "%s",
                 have_irq ? "proc/interrupts shows no MSI vectors to tell"
                          : "the sysroot has no proc/interrupts");
}

/* ---------------------------------------------------------------- holders */

static bool all_digits(const char *s)
{
        if (!*s)
                return false;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return false;
        return true;
}

/* QEMU's -name: "guest=vm1,debug-threads=on" or "vm1[,process=...]". */
static char *vm_name(const char *argv, size_t len)
{
        const char *p = argv, *end = argv + len;

        while (p < end) {
                size_t l = strnlen(p, (size_t)(end - p));
                const char *next = p + l + 1;
                if ((streq(p, "-name") || streq(p, "--name")) && next < end) {
                        const char *v = next, *g = NULL;
                        size_t first = strcspn(v, ",");
                        if (strncmp(v, "guest=", 6) == 0)
                                g = v + 6;
                        else if ((g = strstr(v, ",guest=")))
                                g += 7;
                        else if (!memchr(v, '=', first))
                                g = v;
                        return g ? strndup(g, strcspn(g, ",")) : NULL;
                }
                p = next;
        }
        return NULL;
}

static int add_holder(struct hd__host *h, size_t *cap, int pid, const char *target)
{
        char rel[64];
        char comm[64];
        _cleanup_free_ char *argv = NULL;
        size_t alen = 0;
        struct hd__holder *x;

        if (h->n_holders >= MAX_HOLDERS)
                return 0;
        if (grow(&h->holders, h->n_holders, cap, sizeof(*h->holders)) < 0)
                return -ENOMEM;
        x = &h->holders[h->n_holders];
        memset(x, 0, sizeof(*x));
        x->pid = pid;
        x->target = strdup(target);
        if (!x->target)
                return -ENOMEM;
        snprintf(rel, sizeof(rel), "proc/%d/comm", pid);
        if (hd__read_at(h->rootfd, rel, comm, sizeof(comm)) >= 0)
                x->comm = strdup(comm);
        snprintf(rel, sizeof(rel), "proc/%d/cmdline", pid);
        if (hd__read_alloc_at(h->rootfd, rel, 256 * 1024, &argv, &alen) == 0)
                x->vm = vm_name(argv, alen);
        h->n_holders++;
        return 0;
}

/* One holder entry per (PID, target) for the device nodes PID has open.
 * Returns: 0 or -ENOMEM. */
static int pid_holders(struct hd__host *h, size_t *cap, int pid, DIR *fds)
{
        size_t first = h->n_holders;
        struct dirent *fe;

        while ((fe = readdir(fds))) {
                char target[PATH_MAX];
                bool dup = false;
                if (!all_digits(fe->d_name))
                        continue;
                if (hd__readlink_at(dirfd(fds), fe->d_name, target, sizeof(target)) < 0)
                        continue;
                if (!startswith(target, "/dev/"))
                        continue;
                for (size_t i = first; i < h->n_holders && !dup; i++)
                        dup = streq(h->holders[i].target, target);
                if (!dup && add_holder(h, cap, pid, target) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* PID's open files, or NULL: gone meanwhile, or (counted) not ours to read. */
static DIR *pid_fds(struct hd__host *h, int pid)
{
        char rel[64];
        int err;
        DIR *fds;

        snprintf(rel, sizeof(rel), "proc/%d/fd", pid);
        fds = open_dir(h->rootfd, rel, &err);
        if (!fds && err != -ENOENT && err != -ESRCH && !h->holders_unreadable++)
                h->holders_unreadable_err = err;
        return fds;
}

void hd__host_holders(struct hd__host *h)
{
        struct dirent *de;
        size_t cap = 0;
        DIR *proc;

        if (h->holders_done)
                return;
        h->holders_done = true;
        if (!h->have_proc) {
                h->holders_err = -ENOENT;
                return;
        }
        proc = open_dir(h->rootfd, "proc", &h->holders_err);
        while (proc && (de = readdir(proc))) {
                DIR *fds;
                int pid, r;

                if (!all_digits(de->d_name) || strlen(de->d_name) > 10)
                        continue;
                pid = atoi(de->d_name);
                fds = pid_fds(h, pid);
                if (!fds)
                        continue;
                r = pid_holders(h, &cap, pid, fds);
                closedir(fds);
                if (r < 0) {
                        h->holders_err = r;
                        break;
                }
        }
        if (proc)
                closedir(proc);
}

/* ---------------------------------------------------------------- mounts and swap */

static char *field(char **p)
{
        char *s = *p, *e;
        while (*s == ' ' || *s == '\t')
                s++;
        if (!*s)
                return NULL;
        e = s + strcspn(s, " \t");
        if (*e)
                *e++ = '\0';
        *p = e;
        return s;
}

static void parse_mountinfo(struct hd__host *h, char *text)
{
        size_t cap = 0;

        for (char *line = text, *nl; line && *line; line = nl) {
                char *p = line, *f[6], *src = NULL, *t;
                nl = strchr(line, '\n');
                if (nl)
                        *nl++ = '\0';
                for (int i = 0; i < 5; i++)
                        f[i] = field(&p);
                if (!f[4])
                        continue;
                while ((t = field(&p)))
                        if (streq(t, "-")) {
                                field(&p);      /* fstype */
                                src = field(&p);
                                break;
                        }
                if (grow(&h->mounts, h->n_mounts, &cap, sizeof(*h->mounts)) < 0)
                        return;
                h->mounts[h->n_mounts].devnum = strdup(f[2]);
                h->mounts[h->n_mounts].target = strdup(f[4]);
                h->mounts[h->n_mounts].source = src ? strdup(src) : NULL;
                h->n_mounts++;
        }
}

/* proc/mounts: "SOURCE TARGET FSTYPE ..." (no device numbers) */
static void parse_mounts(struct hd__host *h, char *text)
{
        size_t cap = 0;

        for (char *line = text, *nl; line && *line; line = nl) {
                char *p = line, *src, *tgt;
                nl = strchr(line, '\n');
                if (nl)
                        *nl++ = '\0';
                src = field(&p);
                tgt = field(&p);
                if (!tgt)
                        continue;
                if (grow(&h->mounts, h->n_mounts, &cap, sizeof(*h->mounts)) < 0)
                        return;
                h->mounts[h->n_mounts].devnum = NULL;
                h->mounts[h->n_mounts].source = strdup(src);
                h->mounts[h->n_mounts].target = strdup(tgt);
                h->n_mounts++;
        }
}

void hd__host_mounts(struct hd__host *h)
{
        _cleanup_free_ char *mi = NULL, *sw = NULL;
        size_t cap = 0;

        if (h->mounts_done)
                return;
        h->mounts_done = true;
        if (!h->have_proc) {
                h->mounts_err = h->swaps_err = -ENOENT;
                return;
        }
        h->mounts_err = hd__read_alloc_at(h->rootfd, "proc/self/mountinfo", PROC_FILE_MAX, &mi, NULL);
        if (h->mounts_err == 0)
                parse_mountinfo(h, mi);
        else if ((h->mounts_err = hd__read_alloc_at(h->rootfd, "proc/mounts", PROC_FILE_MAX, &mi, NULL)) == 0)
                parse_mounts(h, mi);
        h->swaps_err = hd__read_alloc_at(h->rootfd, "proc/swaps", PROC_FILE_MAX, &sw, NULL);
        if (h->swaps_err == 0) {
                char *line = strchr(sw, '\n');      /* skip the header */
                for (char *nl; line && *line; line = nl) {
                        char *p, *name;
                        if (*line == '\n')
                                line++;
                        nl = strchr(line, '\n');
                        if (nl)
                                *nl++ = '\0';
                        p = line;
                        name = field(&p);
                        if (!name)
                                continue;
                        if (grow(&h->swaps, h->n_swaps, &cap, sizeof(*h->swaps)) < 0)
                                break;
                        if ((h->swaps[h->n_swaps] = strdup(name)))
                                h->n_swaps++;
                }
        }
}

/* ---------------------------------------------------------------- routes and addresses */

static void parse_routes(struct hd__host *h, char *text)
{
        size_t cap = 0;
        char *line = strchr(text, '\n');

        for (char *nl; line && *line; line = nl) {
                char iface[32];
                unsigned long dest, gw, flags, mask;
                if (*line == '\n')
                        line++;
                nl = strchr(line, '\n');
                if (nl)
                        *nl++ = '\0';
                if (sscanf(line, "%31s %lx %lx %lx %*s %*s %*s %lx", iface, &dest, &gw, &flags, &mask) != 5)
                        continue;
                if (!(flags & RTF_UP))
                        continue;
                if (grow(&h->routes, h->n_routes, &cap, sizeof(*h->routes)) < 0)
                        return;
                snprintf(h->routes[h->n_routes].iface, sizeof(h->routes[0].iface), "%s", iface);
                h->routes[h->n_routes].dest = (uint32_t)dest;
                h->routes[h->n_routes].mask = (uint32_t)mask;
                h->n_routes++;
        }
}

static int add_addr(struct hd__host *h, size_t *cap, const char *iface, const char *text)
{
        if (grow(&h->addrs, h->n_addrs, cap, sizeof(*h->addrs)) < 0)
                return -ENOMEM;
        snprintf(h->addrs[h->n_addrs].iface, sizeof(h->addrs[0].iface), "%s", iface);
        snprintf(h->addrs[h->n_addrs].text, sizeof(h->addrs[0].text), "%s", text);
        h->n_addrs++;
        return 0;
}

static void parse_inet6(struct hd__host *h, char *text, size_t *cap)
{
        for (char *line = text, *nl; line && *line; line = nl) {
                char hex[33], iface[32], out[INET6_ADDRSTRLEN];
                unsigned idx, plen, scope, flags;
                unsigned char a[16];
                nl = strchr(line, '\n');
                if (nl)
                        *nl++ = '\0';
                if (sscanf(line, "%32s %x %x %x %x %31s", hex, &idx, &plen, &scope, &flags, iface) != 6 ||
                    strlen(hex) != 32)
                        continue;
                if (scope & (IPV6_SCOPE_LINKLOCAL | IPV6_SCOPE_LOOPBACK))
                        continue;
                for (int i = 0; i < 16; i++) {
                        unsigned b;
                        if (sscanf(hex + 2 * i, "%2x", &b) != 1)
                                goto next;
                        a[i] = (unsigned char)b;
                }
                if (inet_ntop(AF_INET6, a, out, sizeof(out)))
                        add_addr(h, cap, iface, out);
        next:;
        }
}

/* LOCAL /32 entries of fib_trie: "|-- 192.168.1.10" then "/32 host LOCAL". */
static void parse_fib(struct hd__host *h, char *text)
{
        size_t cap = 0;
        char last[64] = "";

        for (char *line = text, *nl; line && *line; line = nl) {
                char *p;
                nl = strchr(line, '\n');
                if (nl)
                        *nl++ = '\0';
                if ((p = strstr(line, "|-- "))) {
                        snprintf(last, sizeof(last), "%s", p + 4);
                        last[strcspn(last, " \t")] = '\0';
                } else if (strstr(line, "/32 host LOCAL") && last[0]) {
                        struct in_addr a;
                        bool dup = false;
                        if (inet_pton(AF_INET, last, &a) != 1 || (ntohl(a.s_addr) >> IN_CLASSA_NSHIFT) == IN_LOOPBACKNET)
                                continue;
                        for (size_t i = 0; i < h->n_local4 && !dup; i++)
                                dup = h->local4[i] == a.s_addr;
                        if (dup)
                                continue;
                        if (grow(&h->local4, h->n_local4, &cap, sizeof(*h->local4)) < 0)
                                return;
                        h->local4[h->n_local4++] = a.s_addr;
                }
        }
}

void hd__host_net(struct hd__host *h)
{
        _cleanup_free_ char *rt = NULL, *i6 = NULL, *fib = NULL;
        size_t acap = 0;

        if (h->net_done)
                return;
        h->net_done = true;
        if (!h->have_proc) {
                h->route_err = h->inet6_err = h->fib_err = -ENOENT;
                return;
        }
        h->route_err = hd__read_alloc_at(h->rootfd, "proc/net/route", PROC_FILE_MAX, &rt, NULL);
        if (h->route_err == 0)
                parse_routes(h, rt);
        h->inet6_err = hd__read_alloc_at(h->rootfd, "proc/net/if_inet6", PROC_FILE_MAX, &i6, NULL);
        if (h->inet6_err == 0)
                parse_inet6(h, i6, &acap);
        h->fib_err = hd__read_alloc_at(h->rootfd, "proc/net/fib_trie", PROC_FILE_MAX, &fib, NULL);
        if (h->fib_err == 0)
                parse_fib(h, fib);
        /* an IPv4 address belongs to the interface whose (non-default) route covers it */
        for (size_t i = 0; i < h->n_local4; i++)
                for (size_t k = 0; k < h->n_routes; k++) {
                        const struct hd__route *r = &h->routes[k];
                        if (r->mask && (h->local4[i] & r->mask) == r->dest) {
                                char out[INET_ADDRSTRLEN];
                                struct in_addr a = { .s_addr = h->local4[i] };
                                if (inet_ntop(AF_INET, &a, out, sizeof(out)))
                                        add_addr(h, &acap, r->iface, out);
                                break;
                        }
                }
}

/* ---------------------------------------------------------------- the binder's journal */

void hd__host_journal(struct hd__host *h)
{
        int r;

        if (h->journal_done)
                return;
        h->journal_done = true;
        /* a dry-run open: no lock, no directory created, nothing written */
        r = hd__state_open(h->ctx, true, 0, &h->journal);
        if (r < 0) {
                h->journal = NULL;
                h->journal_err = r;
                snprintf(h->journal_msg, sizeof(h->journal_msg), "%s", hd_ctx_get_error(h->ctx));
        }
}

enum hd__interrupted hd__host_interrupted(struct hd__host *h, const char *address)
{
        const struct hd__rec *rec;

        hd__host_journal(h);
        rec = h->journal && address ? hd__state_find(h->journal, address) : NULL;
        if (!rec)
                return HD__INTERRUPTED_NONE;
        return rec->state == HD__REC_BINDING ? HD__INTERRUPTED_BIND
             : rec->state == HD__REC_UNBINDING ? HD__INTERRUPTED_UNBIND : HD__INTERRUPTED_NONE;
}
