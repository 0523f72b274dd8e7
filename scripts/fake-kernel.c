/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake-kernel: play the Linux PCI driver core on a fixture sysroot.
 *
 * Built twice by scripts/fake-kernel from this one file:
 *   - as an LD_PRELOAD shared object (default): wraps the libc write entry
 *     points, resolves the written fd through /proc/self/fd and, when it is
 *     one of the PCI control files under $FAKE_KERNEL_ROOT/sys, performs the
 *     effect synchronously (driver/ and drivers/D/<addr> links, driver_override,
 *     /dev/vfio/<group>) before the write returns, like sysfs does;
 *   - with -DFK_SETUP_MAIN as a small program that completes a recorded tree
 *     with what the kernel always has (control files, vfio-pci driver dir,
 *     /dev/vfio/vfio) and records every device's original driver.
 *
 * Every action is serialised with flock(ROOT/.fake-kernel/lock), so several
 * processes may bind under one root at once.  The shim never prints.
 * See doc/fake-kernel.md for the model and the FAKE_KERNEL_* variables.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Paths and names are bounded by the checks around them; a truncated
 * snprintf only ever yields a path that does not exist. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#ifdef FK_SETUP_MAIN
#pragma GCC diagnostic ignored "-Wunused-function"
#endif

#define VALMAX 4096             /* sysfs hands a store() at most a page */
#define STATE ".fake-kernel"

static bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* ------------------------------------------------------------ raw file ops
 * Internal I/O goes straight to the kernel so it never re-enters the
 * wrappers below (nor an ASan interceptor chain). */
static int sys_open(const char *p, int flags, mode_t mode)
{
        int fd = (int)syscall(SYS_openat, AT_FDCWD, p, flags | O_CLOEXEC, mode);
        return fd;
}
static ssize_t sys_write(int fd, const void *b, size_t n) { return syscall(SYS_write, fd, b, n); }
static ssize_t sys_read(int fd, void *b, size_t n) { return syscall(SYS_read, fd, b, n); }
static void sys_close(int fd)
{
        int e = errno;
        syscall(SYS_close, fd);
        errno = e;
}

/* Read a small file into buf (NUL-terminated); -errno on failure. */
static int read_file(const char *p, char *buf, size_t size)
{
        int fd = sys_open(p, O_RDONLY | O_NONBLOCK, 0);
        size_t have = 0;

        if (fd < 0)
                return -errno;
        while (have + 1 < size) {
                ssize_t n = sys_read(fd, buf + have, size - 1 - have);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                have += (size_t)n;
        }
        sys_close(fd);
        buf[have] = '\0';
        return (int)have;
}

/* First line of a file, or "" when absent/unreadable. */
static void read_line(const char *p, char *buf, size_t size)
{
        if (read_file(p, buf, size) < 0)
                buf[0] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
}

static int write_file(const char *p, const char *data, mode_t mode)
{
        int fd = sys_open(p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode);
        size_t len = strlen(data);

        if (fd < 0)
                return -errno;
        if (len && sys_write(fd, data, len) != (ssize_t)len) {
                int e = errno ? errno : EIO;
                sys_close(fd);
                return -e;
        }
        sys_close(fd);
        return 0;
}

static int mkdir_p(const char *p, mode_t mode)
{
        char b[PATH_MAX];
        size_t l = strlen(p);

        if (l == 0 || l >= sizeof(b))
                return -ENAMETOOLONG;
        memcpy(b, p, l + 1);
        for (char *s = b + 1;; s++) {
                if (*s == '/' || !*s) {
                        char c = *s;
                        *s = '\0';
                        if (mkdir(b, mode) < 0 && errno != EEXIST)
                                return -errno;
                        *s = c;
                        if (!c)
                                break;
                }
        }
        return 0;
}

static bool is_dir(const char *p)
{
        struct stat st;
        return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

__attribute__((unused)) static bool exists_nofollow(const char *p)
{
        struct stat st;
        return lstat(p, &st) == 0;
}

#define PJOIN(buf, ...) (snprintf(buf, sizeof(buf), __VA_ARGS__) < (int)sizeof(buf))

static const char *base_name(const char *p)
{
        const char *s = strrchr(p, '/');
        return s ? s + 1 : p;
}

/* A device address or driver name we are willing to put into a path. */
static bool name_ok(const char *s)
{
        size_t l = strlen(s);
        return l > 0 && l < NAME_MAX && !strchr(s, '/') && !streq(s, ".") && !streq(s, "..");
}

/* ------------------------------------------------------------ the root */
static char root[PATH_MAX];       /* canonical FAKE_KERNEL_ROOT */
static size_t rootlen;
static char drivers_dir[PATH_MAX]; /* canonical ROOT/sys/bus/pci/drivers */
static char probe_path[PATH_MAX];  /* canonical ROOT/sys/bus/pci/drivers_probe */
static dev_t sys_dev;
static int state_inited;           /* 0 unknown, 1 active, -1 inactive */

static bool under_root(const char *p)
{
        return strncmp(p, root, rootlen) == 0 && p[rootlen] == '/';
}

static bool root_init(const char *r)
{
        char p[PATH_MAX];
        struct stat st;

        if (!r || !*r || !realpath(r, root))
                return false;
        rootlen = strlen(root);
        if (rootlen == 1)       /* "/" : refuse to play kernel on the real host */
                return false;
        if (!PJOIN(p, "%s/sys", root) || stat(p, &st) < 0)
                return false;
        sys_dev = st.st_dev;
        drivers_dir[0] = probe_path[0] = '\0';
        if (PJOIN(p, "%s/sys/bus/pci/drivers", root) && !realpath(p, drivers_dir))
                drivers_dir[0] = '\0';
        if (PJOIN(p, "%s/sys/bus/pci/drivers_probe", root) && !realpath(p, probe_path))
                probe_path[0] = '\0';
        return true;
}

static bool active(void)
{
        if (state_inited == 0) {
                int e = errno;
                state_inited = root_init(getenv("FAKE_KERNEL_ROOT")) ? 1 : -1;
                errno = e;
        }
        return state_inited > 0;
}

/* Canonical device directory of a PCI address, or false. */
static bool dev_dir(const char *addr, char *out)
{
        char p[PATH_MAX];

        if (!name_ok(addr) || !PJOIN(p, "%s/sys/bus/pci/devices/%s", root, addr))
                return false;
        if (!realpath(p, out) || !under_root(out) || !is_dir(out))
                return false;
        return true;
}

/* Driver name of a device directory ("" if none). */
static void dev_driver(const char *devdir, char *out, size_t size)
{
        char p[PATH_MAX], t[PATH_MAX];
        ssize_t n;

        out[0] = '\0';
        if (!PJOIN(p, "%s/driver", devdir))
                return;
        n = readlink(p, t, sizeof(t) - 1);
        if (n <= 0)
                return;
        t[n] = '\0';
        while (n > 1 && t[n - 1] == '/')
                t[--n] = '\0';
        snprintf(out, size, "%s", base_name(t));
}

static void dev_group(const char *devdir, char *out, size_t size)
{
        char p[PATH_MAX], t[PATH_MAX];
        ssize_t n;

        out[0] = '\0';
        if (!PJOIN(p, "%s/iommu_group", devdir))
                return;
        n = readlink(p, t, sizeof(t) - 1);
        if (n <= 0)
                return;
        t[n] = '\0';
        if (name_ok(base_name(t)))
                snprintf(out, size, "%s", base_name(t));
}

static bool dev_is_bridge(const char *devdir)
{
        char p[PATH_MAX], b[64];

        if (!PJOIN(p, "%s/class", devdir))
                return false;
        read_line(p, b, sizeof(b));
        return strncmp(b, "0x06", 4) == 0;
}

/* driver_override: "" when unset. */
static void dev_override(const char *devdir, char *out, size_t size)
{
        char p[PATH_MAX];

        out[0] = '\0';
        if (!PJOIN(p, "%s/driver_override", devdir))
                return;
        read_line(p, out, size);
        if (streq(out, "(null)"))
                out[0] = '\0';
}

static unsigned long dev_id(const char *devdir, const char *attr)
{
        char p[PATH_MAX], b[64];

        if (!PJOIN(p, "%s/%s", devdir, attr))
                return ULONG_MAX;
        read_line(p, b, sizeof(b));
        if (!*b)
                return ULONG_MAX;
        return strtoul(b, NULL, 16);
}

static bool is_vfio(const char *drv)
{
        size_t l = strlen(drv);
        return streq(drv, "vfio-pci") || (l > 9 && (streq(drv + l - 9, "-vfio-pci") ||
                                                     streq(drv + l - 9, "_vfio_pci")));
}

/* Drivers a viable VFIO group tolerates on a member (besides none). */
static bool viable_driver(const char *devdir, const char *drv)
{
        return !*drv || is_vfio(drv) || streq(drv, "pci-stub") ||
               (streq(drv, "pcieport") && dev_is_bridge(devdir));
}

static void state_path(char *out, size_t size, const char *addr, const char *what)
{
        snprintf(out, size, "%s/" STATE "/pci/%s.%s", root, addr, what);
}

/* ------------------------------------------------------------ environment */
static bool list_has(const char *env, const char *item)
{
        const char *l = getenv(env);
        size_t il = strlen(item);

        for (const char *s = l; s && *s;) {
                size_t n = strcspn(s, ", ");
                if (n == il && strncmp(s, item, n) == 0)
                        return true;
                s += n;
                s += strspn(s, ", ");
        }
        return false;
}

static bool refused(const char *drv, const char *addr)
{
        char k[2 * NAME_MAX + 2];

        snprintf(k, sizeof(k), "%s:%s", drv, addr);
        if (list_has("FAKE_KERNEL_REFUSE", k))
                return true;
        snprintf(k, sizeof(k), "*:%s", addr);
        if (list_has("FAKE_KERNEL_REFUSE", k))
                return true;
        snprintf(k, sizeof(k), "%s:*", drv);
        return list_has("FAKE_KERNEL_REFUSE", k);
}

static int errno_parse(const char *s, size_t n)
{
        char b[32];

        if (n == 0 || n >= sizeof(b))
                return EIO;
        memcpy(b, s, n);
        b[n] = '\0';
        if (b[0] >= '0' && b[0] <= '9') {
                long v = strtol(b, NULL, 10);
                return v > 0 && v < 4096 ? (int)v : EIO;
        }
        for (int e = 1; e < 134; e++) {
                const char *nm = strerrorname_np(e);
                if (nm && streq(nm, b))
                        return e;
        }
        return EIO;
}

/* FAKE_KERNEL_FAIL="X/file:errno,...": X is the device address (or, for
 * drivers/D/{bind,unbind,new_id,remove_id}, the driver name) or "*". */
static int injected_failure(const char *addr, const char *drv, const char *file)
{
        const char *l = getenv("FAKE_KERNEL_FAIL");

        for (const char *s = l; s && *s;) {
                size_t n = strcspn(s, ", ");
                const char *sl = memchr(s, '/', n);
                const char *co = sl ? memchr(sl, ':', n - (size_t)(sl - s)) : NULL;
                if (sl && co) {
                        size_t xl = (size_t)(sl - s), fl = (size_t)(co - sl - 1);
                        bool xm = (xl == 1 && *s == '*') ||
                                  (addr && strlen(addr) == xl && !strncmp(s, addr, xl)) ||
                                  (drv && *drv && strlen(drv) == xl && !strncmp(s, drv, xl));
                        bool fm = strlen(file) == fl && !strncmp(sl + 1, file, fl);
                        if (xm && fm)
                                return errno_parse(co + 1, n - (size_t)(co + 1 - s));
                }
                s += n;
                s += strspn(s, ", ");
        }
        return 0;
}

static long env_long(const char *name)
{
        const char *v = getenv(name);
        return v && *v ? strtol(v, NULL, 10) : 0;
}

/* ------------------------------------------------------------ locking */
static int lock_take(void)
{
        char p[PATH_MAX];
        int fd;

        if (!PJOIN(p, "%s/" STATE, root))
                return -1;
        mkdir(p, 0755);
        if (!PJOIN(p, "%s/" STATE "/lock", root))
                return -1;
        fd = sys_open(p, O_RDWR | O_CREAT, 0644);
        if (fd < 0)
                return -1;
        while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
                ;
        return fd;
}

static void lock_drop(int fd)
{
        if (fd >= 0)
                sys_close(fd);  /* closing our only reference releases the lock */
}

/* ------------------------------------------------------------ links */
/* Relative path from directory `from` to `to` (both canonical, absolute). */
static bool relpath(const char *from, const char *to, char *out, size_t size)
{
        size_t i = 0, cut = 0, used = 0;
        const char *f;

        while (from[i] && from[i] == to[i]) {
                if (from[i] == '/')
                        cut = i;
                i++;
        }
        if (!from[i] && (to[i] == '/' || !to[i]))
                cut = i;
        f = from + cut;
        out[0] = '\0';
        for (; *f; f++) {
                if (*f == '/') {
                        if (used + 4 > size)
                                return false;
                        memcpy(out + used, "../", 4);
                        used += 3;
                }
        }
        const char *t = to + cut;
        while (*t == '/')
                t++;
        if (used + strlen(t) + 1 > size)
                return false;
        strcpy(out + used, t);
        if (!*out)
                strcpy(out, ".");
        return true;
}

static void symlink_rel(const char *target, const char *linkpath)
{
        char dir[PATH_MAX], rel[PATH_MAX];
        char *s;

        snprintf(dir, sizeof(dir), "%s", linkpath);
        s = strrchr(dir, '/');
        if (!s)
                return;
        *s = '\0';
        if (!relpath(dir, target, rel, sizeof(rel)))
                return;
        unlink(linkpath);
        if (symlink(rel, linkpath) < 0) {
                /* nothing sensible to do: the effect is best effort */
        }
}

/* ------------------------------------------------------------ vfio nodes */
static bool group_viable(const char *grp)
{
        char p[PATH_MAX], m[PATH_MAX], md[PATH_MAX], drv[NAME_MAX + 1];
        struct dirent *de;
        DIR *d;
        bool ok = true;

        if (!PJOIN(p, "%s/sys/kernel/iommu_groups/%s/devices", root, grp))
                return false;
        d = opendir(p);
        if (!d)
                return true;    /* no member list: the device alone decides */
        while (ok && (de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                if (!PJOIN(m, "%s/%s", p, de->d_name) || !realpath(m, md) || !under_root(md))
                        continue;
                dev_driver(md, drv, sizeof(drv));
                ok = viable_driver(md, drv);
        }
        closedir(d);
        return ok;
}

static bool group_has_vfio(const char *grp)
{
        char p[PATH_MAX], m[PATH_MAX], md[PATH_MAX], drv[NAME_MAX + 1];
        struct dirent *de;
        DIR *d;
        bool any = false;

        if (!PJOIN(p, "%s/sys/kernel/iommu_groups/%s/devices", root, grp))
                return false;
        d = opendir(p);
        if (!d)
                return false;
        while (!any && (de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                if (!PJOIN(m, "%s/%s", p, de->d_name) || !realpath(m, md) || !under_root(md))
                        continue;
                dev_driver(md, drv, sizeof(drv));
                any = is_vfio(drv);
        }
        closedir(d);
        return any;
}

static void node_create(const char *grp)
{
        char p[PATH_MAX];
        int fd;

        if (env_long("FAKE_KERNEL_NO_VFIO_NODE") > 0)
                return;
        if (!PJOIN(p, "%s/dev/vfio", root) || mkdir_p(p, 0755) < 0)
                return;
        if (!PJOIN(p, "%s/dev/vfio/%s", root, grp))
                return;
        fd = sys_open(p, O_WRONLY | O_CREAT | O_NOFOLLOW, 0600);
        if (fd >= 0)
                sys_close(fd);
}

static void node_remove(const char *grp)
{
        char p[PATH_MAX];

        if (*grp && PJOIN(p, "%s/dev/vfio/%s", root, grp))
                unlink(p);
}

/* Nodes whose creation waits for FAKE_KERNEL_VFIO_DELAY_MS (started after
 * the lock is dropped, so the helper never inherits it). */
static __thread char delayed[8][NAME_MAX + 1];
static __thread int ndelayed;

static void delayed_spawn(long ms)
{
        for (int i = 0; i < ndelayed; i++) {
                pid_t p = fork();
                if (p == 0) {
                        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
                        if (fork() != 0)
                                _exit(0);
                        setsid();
#ifdef SYS_close_range
                        if (syscall(SYS_close_range, 0U, ~0U, 0U) < 0)
#endif
                                for (int fd = 0; fd < 1024; fd++)
                                        syscall(SYS_close, fd);
                        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                                ;
                        int lk = lock_take();
                        if (group_has_vfio(delayed[i]) && group_viable(delayed[i]))
                                node_create(delayed[i]);
                        lock_drop(lk);
                        _exit(0);
                }
                if (p > 0)
                        while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
                                ;
        }
        ndelayed = 0;
}

/* Recompute the group's node after `devdir` changed driver. */
static void group_update(const char *devdir, const char *old, const char *new)
{
        char grp[NAME_MAX + 1];

        dev_group(devdir, grp, sizeof(grp));
        if (!*grp)
                return;
        if (is_vfio(old) && !is_vfio(new)) {
                node_remove(grp);       /* a member left vfio-pci */
                return;
        }
        if (!viable_driver(devdir, new)) {
                node_remove(grp);       /* a host driver took a member */
                return;
        }
        if (is_vfio(new) && group_viable(grp)) {
                long ms = env_long("FAKE_KERNEL_VFIO_DELAY_MS");
                if (env_long("FAKE_KERNEL_NO_VFIO_NODE") > 0)
                        return;
                if (ms > 0 && ndelayed < (int)(sizeof(delayed) / sizeof(delayed[0])))
                        snprintf(delayed[ndelayed++], sizeof(delayed[0]), "%s", grp);
                else
                        node_create(grp);
        }
}

/* ------------------------------------------------------------ driver core */
static bool driver_exists(const char *drv, char *dir, size_t size)
{
        if (!name_ok(drv) || !*drivers_dir)
                return false;
        return snprintf(dir, size, "%s/%s", drivers_dir, drv) < (int)size && is_dir(dir);
}

static bool dynid_has(const char *drv, unsigned long ven, unsigned long dev, bool remove)
{
        char p[PATH_MAX], buf[VALMAX], out[VALMAX];
        size_t used = 0;
        bool found = false;

        if (!PJOIN(p, "%s/" STATE "/dynid/%s", root, drv) || read_file(p, buf, sizeof(buf)) < 0)
                return false;
        out[0] = '\0';
        for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                unsigned long v, d;
                if (sscanf(l, "%lx %lx", &v, &d) == 2 && v == ven && d == dev) {
                        found = true;
                        if (remove)
                                continue;
                }
                used += (size_t)snprintf(out + used, sizeof(out) - used, "%s\n", l);
                if (used >= sizeof(out))
                        return found;
        }
        if (remove && found)
                write_file(p, out, 0644);
        return found;
}

static int dynid_add(const char *drv, unsigned long ven, unsigned long dev)
{
        char p[PATH_MAX], line[64];
        int fd;

        if (!PJOIN(p, "%s/" STATE "/dynid", root) || mkdir_p(p, 0755) < 0)
                return -ENOMEM;
        if (!PJOIN(p, "%s/" STATE "/dynid/%s", root, drv))
                return -ENAMETOOLONG;
        fd = sys_open(p, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd < 0)
                return -errno;
        snprintf(line, sizeof(line), "%04lx %04lx\n", ven, dev);
        sys_write(fd, line, strlen(line));
        sys_close(fd);
        return 0;
}

/* Linux pci_match_device(): an override names the only driver that matches
 * (and always matches it); otherwise the id table, modelled as the driver
 * the device had when recorded / last had, plus new_id entries. */
static bool drv_matches(const char *drv, const char *addr, const char *devdir)
{
        char ov[VALMAX], p[PATH_MAX], known[NAME_MAX + 1];

        dev_override(devdir, ov, sizeof(ov));
        if (*ov)
                return streq(ov, drv);
        state_path(p, sizeof(p), addr, "original");
        read_line(p, known, sizeof(known));
        if (*known && streq(known, drv))
                return true;
        state_path(p, sizeof(p), addr, "native");
        read_line(p, known, sizeof(known));
        if (*known && streq(known, drv))
                return true;
        return dynid_has(drv, dev_id(devdir, "vendor"), dev_id(devdir, "device"), false);
}

/* Linux generates uevent on read: DRIVER= names the bound driver, if any.
 * Keep a recorded uevent file in step with the binding. */
static void uevent_set_driver(const char *devdir, const char *drv)
{
        char p[PATH_MAX], buf[8192], out[8192 + NAME_MAX + 16];
        size_t o = 0;
        int n;

        if (!PJOIN(p, "%s/uevent", devdir))
                return;
        n = read_file(p, buf, sizeof(buf));
        if (n < 0)
                return;         /* recorded without uevent: nothing to keep in step */
        for (char *line = buf, *nl; *line; line = nl) {
                nl = strchr(line, '\n');
                nl = nl ? nl + 1 : line + strlen(line);
                if (strncmp(line, "DRIVER=", 7) == 0)
                        continue;
                memcpy(out + o, line, (size_t)(nl - line));
                o += (size_t)(nl - line);
        }
        if (o && out[o - 1] != '\n')
                out[o++] = '\n';
        if (*drv)
                o += (size_t)snprintf(out + o, sizeof(out) - o, "DRIVER=%s\n", drv);
        out[o] = '\0';
        write_file(p, out, 0644);
}

static void do_bind(const char *drv, const char *addr, const char *devdir)
{
        char dd[PATH_MAX], p[PATH_MAX];

        if (!driver_exists(drv, dd, sizeof(dd)))
                return;
        if (PJOIN(p, "%s/driver", devdir))
                symlink_rel(dd, p);
        if (PJOIN(p, "%s/%s", dd, addr))
                symlink_rel(devdir, p);
        if (!is_vfio(drv) && !streq(drv, "pci-stub")) {
                state_path(p, sizeof(p), addr, "native");
                char line[NAME_MAX + 2];
                snprintf(line, sizeof(line), "%s\n", drv);
                write_file(p, line, 0644);
        }
        uevent_set_driver(devdir, drv);
        group_update(devdir, "", drv);
}

static void do_unbind(const char *drv, const char *addr, const char *devdir)
{
        char p[PATH_MAX];

        if (PJOIN(p, "%s/driver", devdir))
                unlink(p);
        if (*drivers_dir && PJOIN(p, "%s/%s/%s", drivers_dir, drv, addr))
                unlink(p);
        uevent_set_driver(devdir, "");
        group_update(devdir, drv, "");
}

/* Probe one driverless device (drivers_probe, driver_attach). */
static void probe(const char *addr, const char *devdir)
{
        char cur[NAME_MAX + 1], ov[VALMAX], dd[PATH_MAX], p[PATH_MAX], drv[NAME_MAX + 1];
        struct dirent *de;
        DIR *d;

        dev_driver(devdir, cur, sizeof(cur));
        if (*cur)
                return;
        dev_override(devdir, ov, sizeof(ov));
        if (*ov) {
                if (driver_exists(ov, dd, sizeof(dd)) && !refused(ov, addr))
                        do_bind(ov, addr, devdir);
                return;
        }
        for (int pass = 0; pass < 2; pass++) {
                state_path(p, sizeof(p), addr, pass ? "original" : "native");
                read_line(p, drv, sizeof(drv));
                if (*drv && driver_exists(drv, dd, sizeof(dd)) && !refused(drv, addr)) {
                        do_bind(drv, addr, devdir);
                        return;
                }
        }
        /* new_id entries of any driver */
        if (!PJOIN(p, "%s/" STATE "/dynid", root) || !(d = opendir(p)))
                return;
        unsigned long ven = dev_id(devdir, "vendor"), dev = dev_id(devdir, "device");
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.' || !name_ok(de->d_name))
                        continue;
                if (dynid_has(de->d_name, ven, dev, false) && driver_exists(de->d_name, dd, sizeof(dd)) &&
                    !refused(de->d_name, addr)) {
                        do_bind(de->d_name, addr, devdir);
                        break;
                }
        }
        closedir(d);
}

/* driver_attach(): after new_id, bind every driverless device that matches. */
static void driver_attach(const char *drv)
{
        char p[PATH_MAX], devdir[PATH_MAX], cur[NAME_MAX + 1];
        struct dirent *de;
        DIR *d;

        if (!PJOIN(p, "%s/sys/bus/pci/devices", root) || !(d = opendir(p)))
                return;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.' || !dev_dir(de->d_name, devdir))
                        continue;
                dev_driver(devdir, cur, sizeof(cur));
                if (!*cur && drv_matches(drv, de->d_name, devdir) && !refused(drv, de->d_name))
                        do_bind(drv, de->d_name, devdir);
        }
        closedir(d);
}

/* ------------------------------------------------------------ mdev and SR-IOV */
/* Remove a directory tree (no symlinks followed). */
static void rm_tree(const char *p)
{
        char c[PATH_MAX];
        struct dirent *de;
        struct stat st;
        DIR *d;

        if (lstat(p, &st) < 0)
                return;
        if (!S_ISDIR(st.st_mode)) {
                unlink(p);
                return;
        }
        if ((d = opendir(p))) {
                while ((de = readdir(d)))
                        if (!streq(de->d_name, ".") && !streq(de->d_name, "..") &&
                            PJOIN(c, "%s/%s", p, de->d_name))
                                rm_tree(c);
                closedir(d);
        }
        rmdir(p);
}

/* The lowest free IOMMU group number: Linux allocates group ids from an IDA. */
static int group_next(void)
{
        char p[PATH_MAX];

        for (int n = 0; n < 1 << 20; n++)
                if (PJOIN(p, "%s/sys/kernel/iommu_groups/%d", root, n) && !exists_nofollow(p))
                        return n;
        return 1 << 20;
}

/* Give DEVDIR (sysfs device name NAME) a group of its own; its number in grp. */
static void group_new(const char *devdir, const char *name, char *grp, size_t size)
{
        char g[PATH_MAX], p[PATH_MAX];

        snprintf(grp, size, "%d", group_next());
        if (!PJOIN(g, "%s/sys/kernel/iommu_groups/%s/devices", root, grp) || mkdir_p(g, 0755) < 0)
                return;
        if (PJOIN(p, "%s/%s", g, name))
                symlink_rel(devdir, p);
        if (PJOIN(g, "%s/sys/kernel/iommu_groups/%s", root, grp) && PJOIN(p, "%s/iommu_group", devdir))
                symlink_rel(g, p);
}

static void group_drop(const char *devdir)
{
        char grp[NAME_MAX + 1], p[PATH_MAX];

        dev_group(devdir, grp, sizeof(grp));
        if (!*grp)
                return;
        node_remove(grp);
        if (PJOIN(p, "%s/sys/kernel/iommu_groups/%s", root, grp))
                rm_tree(p);
}

static void ensure_bus_driver(const char *bus, const char *drv, char *dd, size_t size)
{
        static const char *const files[] = { "bind", "unbind", "new_id", "remove_id" };
        char p[PATH_MAX];

        snprintf(dd, size, "%s/sys/bus/%s/drivers/%s", root, bus, drv);
        if (is_dir(dd))
                return;
        mkdir_p(dd, 0755);
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                if (PJOIN(p, "%s/%s", dd, files[i]))
                        write_file(p, "", 0200);
}

static bool uuid_ok(const char *s)
{
        static const char fmt[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

        if (strlen(s) != sizeof(fmt) - 1)
                return false;
        for (size_t i = 0; fmt[i]; i++)
                if (fmt[i] == '-' ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
                        return false;
        return true;
}

/* available_instances of type dir TD += delta; the old value. */
static long instances_add(const char *td, long delta)
{
        char p[PATH_MAX], b[32];
        long n;

        if (!PJOIN(p, "%s/available_instances", td))
                return 0;
        read_line(p, b, sizeof(b));
        n = *b ? strtol(b, NULL, 10) : 0;
        snprintf(b, sizeof(b), "%ld\n", n + delta < 0 ? 0 : n + delta);
        write_file(p, b, 0444);
        return n;
}

/* mdev_supported_types/T/create: DEVDIR is the parent, TYPE the type. */
static int mdev_create(const char *devdir, const char *type, const char *uuid)
{
        char td[PATH_MAX], md[PATH_MAX], p[PATH_MAX], dd[PATH_MAX], grp[NAME_MAX + 1];
        char lc[64], ue[256];

        if (!uuid_ok(uuid))
                return -EINVAL;
        snprintf(lc, sizeof(lc), "%s", uuid);
        for (char *c = lc; *c; c++)
                if (*c >= 'A' && *c <= 'F')
                        *c = (char)(*c - 'A' + 'a');
        if (!PJOIN(p, "%s/sys/bus/mdev/devices/%s", root, lc) || !PJOIN(td, "%s/mdev_supported_types/%s", devdir, type) ||
            !PJOIN(md, "%s/%s", devdir, lc))
                return -ENAMETOOLONG;
        if (exists_nofollow(p) || exists_nofollow(md))
                return -EEXIST;
        if (instances_add(td, 0) <= 0)
                return -EUSERS;
        if (mkdir(md, 0755) < 0)
                return -errno;
        instances_add(td, -1);
        if (PJOIN(p, "%s/mdev_type", md))
                symlink_rel(td, p);
        if (PJOIN(p, "%s/devices", td) && mkdir_p(p, 0755) == 0 && PJOIN(p, "%s/devices/%s", td, lc))
                symlink_rel(md, p);
        if (PJOIN(p, "%s/remove", md))
                write_file(p, "", 0200);
        if (PJOIN(p, "%s/sys/bus/mdev/devices", root) && mkdir_p(p, 0755) == 0 &&
            PJOIN(p, "%s/sys/bus/mdev/devices/%s", root, lc))
                symlink_rel(md, p);
        if (PJOIN(dd, "%s/sys/bus/mdev", root) && PJOIN(p, "%s/subsystem", md))
                symlink_rel(dd, p);
        ensure_bus_driver("mdev", "vfio_mdev", dd, sizeof(dd));
        if (PJOIN(p, "%s/driver", md))
                symlink_rel(dd, p);
        if (PJOIN(p, "%s/%s", dd, lc))
                symlink_rel(md, p);
        snprintf(ue, sizeof(ue), "DRIVER=vfio_mdev\nMDEV_TYPE=%s\n", type);
        if (PJOIN(p, "%s/uevent", md))
                write_file(p, ue, 0644);
        group_new(md, lc, grp, sizeof(grp));
        node_create(grp);
        return 0;
}

/* <mdev>/remove ("1"): DEVDIR is the mdev. */
static int mdev_remove(const char *devdir, const char *val)
{
        char td[PATH_MAX], p[PATH_MAX], uuid[NAME_MAX + 1];
        char *end;
        unsigned long v = strtoul(val, &end, 0);

        if (end == val || *end)
                return -EINVAL;
        if (!v)
                return 0;
        snprintf(uuid, sizeof(uuid), "%s", base_name(devdir));
        if (PJOIN(p, "%s/mdev_type", devdir) && realpath(p, td)) {
                instances_add(td, 1);
                if (PJOIN(p, "%s/devices/%s", td, uuid))
                        unlink(p);
        }
        if (PJOIN(p, "%s/sys/bus/mdev/devices/%s", root, uuid))
                unlink(p);
        if (PJOIN(p, "%s/sys/bus/mdev/drivers/vfio_mdev/%s", root, uuid))
                unlink(p);
        group_drop(devdir);
        rm_tree(devdir);
        return 0;
}

/* The driver a PF's VFs get: FAKE_KERNEL_VF_DRIVER="pfdrv:vfdrv,..." then the usual pairs. */
static void vf_driver(const char *pfdrv, char *out, size_t size)
{
        static const char *const pairs[][2] = {
                { "i40e", "iavf" }, { "ice", "iavf" }, { "ixgbe", "ixgbevf" }, { "igb", "igbvf" },
                { "mlx5_core", "mlx5_core" }, { "bnxt_en", "bnxt_en" }, { "nvme", "nvme" },
        };
        const char *l = getenv("FAKE_KERNEL_VF_DRIVER");
        size_t pl = strlen(pfdrv);

        out[0] = '\0';
        for (const char *s = l; s && *s;) {
                size_t n = strcspn(s, ", ");
                if (n > pl && !strncmp(s, pfdrv, pl) && s[pl] == ':') {
                        snprintf(out, size, "%.*s", (int)(n - pl - 1), s + pl + 1);
                        return;
                }
                s += n;
                s += strspn(s, ", ");
        }
        for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
                if (streq(pairs[i][0], pfdrv))
                        snprintf(out, size, "%s", pairs[i][1]);
}

static long attr_long(const char *devdir, const char *attr, long dflt)
{
        char p[PATH_MAX], b[64];

        if (!PJOIN(p, "%s/%s", devdir, attr))
                return dflt;
        read_line(p, b, sizeof(b));
        return *b ? strtol(b, NULL, 0) : dflt;
}

static void copy_attr(const char *from, const char *to, const char *attr)
{
        char p[PATH_MAX], b[VALMAX];

        if (PJOIN(p, "%s/%s", from, attr) && read_file(p, b, sizeof(b)) >= 0 && PJOIN(p, "%s/%s", to, attr))
                write_file(p, b, 0444);
}

static void sriov_disable(const char *pfdir)
{
        char p[PATH_MAX], vd[PATH_MAX], drv[NAME_MAX + 1], vaddr[NAME_MAX + 1];

        for (int i = 0; i < 65536; i++) {
                if (!PJOIN(p, "%s/virtfn%d", pfdir, i))
                        break;
                if (!realpath(p, vd)) {
                        if (!exists_nofollow(p))
                                break;
                        unlink(p);
                        continue;
                }
                snprintf(vaddr, sizeof(vaddr), "%s", base_name(vd));
                dev_driver(vd, drv, sizeof(drv));
                if (*drv && *drivers_dir && PJOIN(p, "%s/%s/%s", drivers_dir, drv, vaddr))
                        unlink(p);
                group_drop(vd);
                if (PJOIN(p, "%s/sys/bus/pci/devices/%s", root, vaddr))
                        unlink(p);
                state_path(p, sizeof(p), vaddr, "original");
                unlink(p);
                state_path(p, sizeof(p), vaddr, "native");
                unlink(p);
                rm_tree(vd);
                if (PJOIN(p, "%s/virtfn%d", pfdir, i))
                        unlink(p);
        }
}

static void sriov_enable(const char *pfdir, const char *pfaddr, long num)
{
        unsigned dom, bus, slot, fn;
        long off = attr_long(pfdir, "sriov_offset", 1), stride = attr_long(pfdir, "sriov_stride", 1);
        bool probe_vfs = attr_long(pfdir, "sriov_drivers_autoprobe", 1) != 0;
        char pfdrv[NAME_MAX + 1], vfdrv[NAME_MAX + 1], parent[PATH_MAX], vd[PATH_MAX], p[PATH_MAX];
        char b[VALMAX], vaddr[32], grp[NAME_MAX + 1];
        char *sl;

        if (sscanf(pfaddr, "%x:%x:%x.%x", &dom, &bus, &slot, &fn) != 4)
                return;
        dev_driver(pfdir, pfdrv, sizeof(pfdrv));
        vf_driver(pfdrv, vfdrv, sizeof(vfdrv));
        snprintf(parent, sizeof(parent), "%s", pfdir);
        if (!(sl = strrchr(parent, '/')))
                return;
        *sl = '\0';
        for (long i = 0; i < num; i++) {
                unsigned rid = ((bus << 8) | (slot << 3) | fn) + (unsigned)(off + i * stride);
                snprintf(vaddr, sizeof(vaddr), "%04x:%02x:%02x.%x", dom, (rid >> 8) & 0xff,
                         (rid >> 3) & 0x1f, rid & 7);
                if (!PJOIN(vd, "%s/%s", parent, vaddr) || mkdir_p(vd, 0755) < 0)
                        continue;
                copy_attr(pfdir, vd, "vendor");
                copy_attr(pfdir, vd, "class");
                copy_attr(pfdir, vd, "revision");
                copy_attr(pfdir, vd, "subsystem_vendor");
                copy_attr(pfdir, vd, "numa_node");
                copy_attr(pfdir, vd, "local_cpulist");
                if (PJOIN(p, "%s/sriov_vf_device", pfdir)) {
                        read_line(p, b, sizeof(b));
                        char d[64];
                        snprintf(d, sizeof(d), "0x%s\n", *b ? b : "ffff");
                        if (PJOIN(p, "%s/device", vd))
                                write_file(p, d, 0444);
                }
                if (PJOIN(p, "%s/subsystem_device", vd))
                        write_file(p, "0x0000\n", 0444);
                if (PJOIN(p, "%s/driver_override", vd))
                        write_file(p, "(null)\n", 0644);
                if (PJOIN(p, "%s/reset_method", vd))
                        write_file(p, "flr\n", 0644);
                snprintf(b, sizeof(b), "PCI_SLOT_NAME=%s\n", vaddr);
                if (PJOIN(p, "%s/uevent", vd))
                        write_file(p, b, 0644);
                if (PJOIN(p, "%s/physfn", vd))
                        symlink_rel(pfdir, p);
                if (PJOIN(p, "%s/virtfn%ld", pfdir, i))
                        symlink_rel(vd, p);
                if (PJOIN(p, "%s/sys/bus/pci", root) && PJOIN(b, "%s/subsystem", vd))
                        symlink_rel(p, b);
                if (PJOIN(p, "%s/sys/bus/pci/devices/%s", root, vaddr))
                        symlink_rel(vd, p);
                group_new(vd, vaddr, grp, sizeof(grp));
                state_path(p, sizeof(p), vaddr, "original");
                snprintf(b, sizeof(b), "%s%s", vfdrv, *vfdrv ? "\n" : "");
                write_file(p, b, 0644);
                state_path(p, sizeof(p), vaddr, "native");
                write_file(p, b, 0644);
                if (probe_vfs && *vfdrv && !refused(vfdrv, vaddr)) {
                        char dd[PATH_MAX];
                        ensure_bus_driver("pci", vfdrv, dd, sizeof(dd));
                        do_bind(vfdrv, vaddr, vd);
                }
        }
}

/* <pf>/sriov_numvfs, as sriov_numvfs_store() */
static int sriov_set(const char *pfdir, const char *pfaddr, const char *val)
{
        char p[PATH_MAX], drv[NAME_MAX + 1], *end;
        long num = strtol(val, &end, 10), cur = attr_long(pfdir, "sriov_numvfs", 0);
        long total = attr_long(pfdir, "sriov_totalvfs", 0);

        if (end == val || *end || num < 0 || num > 65535)
                return -EINVAL;
        if (num > total)
                return -ERANGE;
        if (num == cur)
                return 0;
        dev_driver(pfdir, drv, sizeof(drv));
        if (!*drv)
                return -ENOENT;         /* no PF driver: nothing can configure VFs */
        if (num && cur)
                return -EBUSY;          /* "N VFs already enabled. Disable before enabling M VFs" */
        if (num == 0)
                sriov_disable(pfdir);
        else
                sriov_enable(pfdir, pfaddr, num);
        if (!PJOIN(p, "%s/sriov_numvfs", pfdir))
                return -ENAMETOOLONG;
        snprintf(drv, sizeof(drv), "%ld\n", num);
        return write_file(p, drv, 0644);
}

/* ------------------------------------------------------------ targets */
enum kind { K_NONE, K_OVERRIDE, K_BIND, K_UNBIND, K_NEW_ID, K_REMOVE_ID, K_PROBE,
            K_MDEV_CREATE, K_MDEV_REMOVE, K_SRIOV_NUMVFS };
static const char *const kind_file[] = {
        [K_NONE] = "", [K_OVERRIDE] = "driver_override", [K_BIND] = "bind",
        [K_UNBIND] = "unbind", [K_NEW_ID] = "new_id", [K_REMOVE_ID] = "remove_id",
        [K_PROBE] = "drivers_probe", [K_MDEV_CREATE] = "create", [K_MDEV_REMOVE] = "remove",
        [K_SRIOV_NUMVFS] = "sriov_numvfs",
};

struct target {
        enum kind kind;
        char path[PATH_MAX];            /* canonical path of the control file */
        char drv[NAME_MAX + 1];         /* drivers/D/... */
        char addr[NAME_MAX + 1];        /* device of driver_override */
        char devdir[PATH_MAX];
};

static enum kind classify(const char *p, struct target *t)
{
        size_t dl = strlen(drivers_dir);

        t->kind = K_NONE;
        t->drv[0] = t->addr[0] = '\0';
        if (!under_root(p) || strlen(p) >= sizeof(t->path))
                return K_NONE;
        strcpy(t->path, p);
        if (*probe_path && streq(p, probe_path))
                return t->kind = K_PROBE;
        if (dl && strncmp(p, drivers_dir, dl) == 0 && p[dl] == '/') {
                const char *rest = p + dl + 1, *sl = strchr(rest, '/');
                static const enum kind ks[] = { K_BIND, K_UNBIND, K_NEW_ID, K_REMOVE_ID };
                if (!sl || strchr(sl + 1, '/') || (size_t)(sl - rest) > NAME_MAX)
                        return K_NONE;
                memcpy(t->drv, rest, (size_t)(sl - rest));
                t->drv[sl - rest] = '\0';
                for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++)
                        if (streq(sl + 1, kind_file[ks[i]]))
                                return t->kind = ks[i];
                return K_NONE;
        }
        if (streq(base_name(p), "create")) {
                /* DEVDIR/mdev_supported_types/TYPE/create */
                char d[PATH_MAX], *s;
                snprintf(d, sizeof(d), "%s", p);
                *strrchr(d, '/') = '\0';
                s = strrchr(d, '/');
                if (!s || (size_t)strlen(s + 1) > NAME_MAX)
                        return K_NONE;
                snprintf(t->drv, sizeof(t->drv), "%s", s + 1);
                *s = '\0';
                if (!streq(base_name(d), "mdev_supported_types"))
                        return K_NONE;
                *strrchr(d, '/') = '\0';
                snprintf(t->devdir, sizeof(t->devdir), "%s", d);
                snprintf(t->addr, sizeof(t->addr), "%s", base_name(d));
                return t->kind = K_MDEV_CREATE;
        }
        if (streq(base_name(p), "remove") || streq(base_name(p), "sriov_numvfs")) {
                char q[PATH_MAX];
                bool rm = streq(base_name(p), "remove");
                size_t l = strlen(p) - strlen(base_name(p)) - 1;
                memcpy(t->devdir, p, l);
                t->devdir[l] = '\0';
                snprintf(t->addr, sizeof(t->addr), "%s", base_name(t->devdir));
                if (rm)
                        return PJOIN(q, "%s/mdev_type", t->devdir) && exists_nofollow(q) ?
                               (t->kind = K_MDEV_REMOVE) : K_NONE;
                if (dev_dir(t->addr, q) && streq(q, t->devdir))
                        return t->kind = K_SRIOV_NUMVFS;
                return K_NONE;
        }
        if (streq(base_name(p), "driver_override")) {
                char dd[PATH_MAX];
                size_t l = strlen(p) - strlen("/driver_override");
                memcpy(t->devdir, p, l);
                t->devdir[l] = '\0';
                snprintf(t->addr, sizeof(t->addr), "%s", base_name(t->devdir));
                if (dev_dir(t->addr, dd) && streq(dd, t->devdir))
                        return t->kind = K_OVERRIDE;
        }
        return K_NONE;
}

/* Is fd one of our control files?  Cheap checks first: every write of
 * every process under the wrapper comes through here. */
static bool fd_target(int fd, struct target *t)
{
        char lp[64], p[PATH_MAX];
        struct stat st;
        ssize_t n;
        int e = errno;
        bool r = false;

        if (fd < 0 || !active() || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_dev != sys_dev)
                goto out;
        snprintf(lp, sizeof(lp), "/proc/self/fd/%d", fd);
        n = readlink(lp, p, sizeof(p) - 1);
        if (n <= 0)
                goto out;
        p[n] = '\0';
        r = classify(p, t) != K_NONE;
out:
        errno = e;
        return r;
}

/* For opens: does (dirfd, path) name an existing control file? */
static bool path_target(int dirfd, const char *path, struct target *t)
{
        char abs[PATH_MAX * 2], real[PATH_MAX];
        int e = errno;
        bool r = false;

        if (!path || !active())
                goto out;
        if (path[0] == '/')
                snprintf(abs, sizeof(abs), "%s", path);
        else if (dirfd == AT_FDCWD) {
                char cwd[PATH_MAX];
                if (!getcwd(cwd, sizeof(cwd)))
                        goto out;
                snprintf(abs, sizeof(abs), "%s/%s", cwd, path);
        } else {
                char lp[64], d[PATH_MAX];
                ssize_t n;
                snprintf(lp, sizeof(lp), "/proc/self/fd/%d", dirfd);
                n = readlink(lp, d, sizeof(d) - 1);
                if (n <= 0)
                        goto out;
                d[n] = '\0';
                snprintf(abs, sizeof(abs), "%s/%s", d, path);
        }
        if (realpath(abs, real))
                r = classify(real, t) != K_NONE;
out:
        errno = e;
        return r;
}

/* ------------------------------------------------------------ one write */
static void log_write(const struct target *t, const char *val, size_t len, int err)
{
        const char *lf = getenv("FAKE_KERNEL_LOG");
        char line[PATH_MAX + 4 * VALMAX + 64];
        size_t u = 0;
        int fd;

        if (!lf || !*lf)
                return;
        if (len && val[len - 1] == '\n')
                len--;
        u += (size_t)snprintf(line, sizeof(line), "%s ", t->path + rootlen);
        if (len == 0)
                u += (size_t)snprintf(line + u, sizeof(line) - u, "\"\"");
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)val[i];
                if (c <= ' ' || c >= 0x7f || c == '\\' || c == '"')
                        u += (size_t)snprintf(line + u, sizeof(line) - u, "\\x%02x", c);
                else
                        line[u++] = (char)c;
        }
        if (err) {
                const char *nm = strerrorname_np(err);
                u += (size_t)snprintf(line + u, sizeof(line) - u, " %s\n", nm ? nm : "EIO");
        } else {
                u += (size_t)snprintf(line + u, sizeof(line) - u, " ok\n");
        }
        fd = sys_open(lf, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
                sys_write(fd, line, u);
                sys_close(fd);
        }
}

static int apply(struct target *t, const char *val)
{
        char arg[VALMAX], devdir[PATH_MAX], cur[NAME_MAX + 1];
        const char *file = kind_file[t->kind];
        size_t l;
        int e;

        /* sysfs_streq(): one trailing newline is not part of the value */
        snprintf(arg, sizeof(arg), "%s", val);
        l = strlen(arg);
        if (l && arg[l - 1] == '\n')
                arg[--l] = '\0';

        switch (t->kind) {
        case K_OVERRIDE: {
                char p[PATH_MAX], nv[VALMAX + 2];
                if ((e = injected_failure(t->addr, NULL, file)))
                        return -e;
                arg[strcspn(arg, "\n")] = '\0';         /* up to the first newline */
                snprintf(nv, sizeof(nv), "%s\n", *arg ? arg : "(null)");
                if (!PJOIN(p, "%s/driver_override", t->devdir))
                        return -ENAMETOOLONG;
                return write_file(p, nv, 0644);
        }
        case K_BIND:
        case K_UNBIND:
        case K_PROBE:
                if ((e = injected_failure(arg, t->drv, file)))
                        return -e;
                if (!dev_dir(arg, devdir))
                        return -ENODEV;
                dev_driver(devdir, cur, sizeof(cur));
                if (t->kind == K_UNBIND) {
                        if (!streq(cur, t->drv))
                                return -ENODEV;
                        do_unbind(t->drv, arg, devdir);
                        return 0;
                }
                if (t->kind == K_PROBE) {
                        if (!list_has("FAKE_KERNEL_NOPROBE", arg))
                                probe(arg, devdir);
                        return 0;       /* success even when nothing binds */
                }
                if (!drv_matches(t->drv, arg, devdir))
                        return -ENODEV;
                if (*cur)
                        return -EBUSY;
                if (refused(t->drv, arg))
                        return -ENODEV;
                do_bind(t->drv, arg, devdir);
                return 0;
        case K_NEW_ID:
        case K_REMOVE_ID: {
                unsigned long ven, dev;
                if ((e = injected_failure(NULL, t->drv, file)))
                        return -e;
                if (sscanf(arg, "%lx %lx", &ven, &dev) != 2)
                        return -EINVAL;
                if (t->kind == K_REMOVE_ID)
                        return dynid_has(t->drv, ven, dev, true) ? 0 : -ENODEV;
                if (dynid_has(t->drv, ven, dev, false))
                        return -EEXIST;
                if ((e = dynid_add(t->drv, ven, dev)) < 0)
                        return e;
                driver_attach(t->drv);
                return 0;
        }
        case K_MDEV_CREATE:
                if ((e = injected_failure(t->addr, t->drv, file)) || (e = injected_failure(arg, NULL, file)))
                        return -e;
                return mdev_create(t->devdir, t->drv, arg);
        case K_MDEV_REMOVE:
                if ((e = injected_failure(t->addr, NULL, file)))
                        return -e;
                return mdev_remove(t->devdir, arg);
        case K_SRIOV_NUMVFS:
                if ((e = injected_failure(t->addr, NULL, file)))
                        return -e;
                return sriov_set(t->devdir, t->addr, arg);
        case K_NONE:
                break;
        }
        return -EINVAL;
}

static __thread int busy;       /* never re-enter from our own libc calls */

static pid_t count_pid;
static long count;

/* Perform a control write; 0 or -errno. */
static int handle_write(struct target *t, const void *buf, size_t len)
{
        char val[VALMAX];
        long kill_at = env_long("FAKE_KERNEL_KILL_AT");
        long ms = env_long("FAKE_KERNEL_VFIO_DELAY_MS");
        int lk, r;

        if (len >= VALMAX)
                return -EINVAL;
        memcpy(val, buf, len);
        val[len] = '\0';
        busy++;
        lk = lock_take();
        ndelayed = 0;
        r = apply(t, val);
        log_write(t, val, len, -r);
        lock_drop(lk);
        if (ndelayed)
                delayed_spawn(ms);
        busy--;
        if (r == 0) {
                if (count_pid != getpid()) {
                        count_pid = getpid();
                        count = 0;
                }
                if (kill_at > 0 && ++count == kill_at)
                        kill(getpid(), SIGKILL);
        }
        return r;
}

#ifdef FK_SETUP_MAIN
/* ------------------------------------------------------------ setup */
static void ensure_file(const char *p, const char *content, mode_t mode)
{
        if (!exists_nofollow(p))
                write_file(p, content, mode);
}

static void ensure_driver(const char *drv)
{
        static const char *const files[] = { "bind", "unbind", "new_id", "remove_id" };
        char dd[PATH_MAX], p[PATH_MAX];

        if (!name_ok(drv) || !PJOIN(dd, "%s/%s", drivers_dir, drv))
                return;
        mkdir_p(dd, 0755);
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                if (PJOIN(p, "%s/%s", dd, files[i]))
                        ensure_file(p, "", 0600);
}

/* mdev_supported_types/T/create of a parent; remove of its existing mdevs. */
static void setup_mdev_parent(const char *devdir)
{
        char p[PATH_MAX], q[PATH_MAX];
        struct dirent *de;
        DIR *d;

        if (!PJOIN(p, "%s/mdev_supported_types", devdir) || !(d = opendir(p)))
                return;
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && PJOIN(q, "%s/%s/create", p, de->d_name) && !exists_nofollow(q))
                        write_file(q, "", 0200);
        closedir(d);
}

static void setup_mdevs(void)
{
        char p[PATH_MAX], q[PATH_MAX], md[PATH_MAX], grp[NAME_MAX + 1];
        struct dirent *de;
        DIR *d;

        if (!PJOIN(p, "%s/sys/bus/mdev/devices", root) || mkdir_p(p, 0755) < 0 || !(d = opendir(p)))
                return;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.' || !PJOIN(q, "%s/%s", p, de->d_name) || !realpath(q, md) ||
                    !under_root(md))
                        continue;
                if (PJOIN(q, "%s/remove", md) && !exists_nofollow(q))
                        write_file(q, "", 0200);
                dev_group(md, grp, sizeof(grp));
                if (*grp)
                        node_create(grp);
        }
        closedir(d);
        if (PJOIN(p, "%s/sys/bus/mdev/drivers/vfio_mdev", root) && mkdir_p(p, 0755) == 0) {
                static const char *const files[] = { "bind", "unbind" };
                for (size_t i = 0; i < 2; i++)
                        if (PJOIN(q, "%s/%s", p, files[i]))
                                ensure_file(q, "", 0200);
        }
}

int main(int argc, char **argv)
{
        char p[PATH_MAX], devdir[PATH_MAX], drv[NAME_MAX + 1], buf[VALMAX];
        struct dirent *de;
        DIR *d;
        int lk;

        if (argc != 2) {
                fprintf(stderr, "usage: fake-kernel-setup ROOT\n");
                return 2;
        }
        if (!realpath(argv[1], root) || !is_dir(root) || streq(root, "/")) {
                fprintf(stderr, "fake-kernel: %s: not a usable sysroot\n", argv[1]);
                return 1;
        }
        rootlen = strlen(root);
        const char *dirs[] = { "sys/bus/pci/devices", "sys/bus/pci/drivers/vfio-pci",
                               "sys/kernel/iommu_groups", "dev/vfio", STATE "/pci", STATE "/dynid" };
        for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
                if (!PJOIN(p, "%s/%s", root, dirs[i]) || mkdir_p(p, 0755) < 0) {
                        fprintf(stderr, "fake-kernel: cannot create %s/%s: %m\n", root, dirs[i]);
                        return 1;
                }
        }
        if (!PJOIN(p, "%s/sys/bus/pci/drivers_probe", root))
                return 1;
        ensure_file(p, "", 0600);
        if (!root_init(root)) {
                fprintf(stderr, "fake-kernel: %s: not a usable sysroot\n", root);
                return 1;
        }
        lk = lock_take();
        if (PJOIN(p, "%s/dev/vfio/vfio", root))
                ensure_file(p, "", 0666);

        if ((d = opendir(drivers_dir))) {
                while ((de = readdir(d)))
                        if (de->d_name[0] != '.' && PJOIN(p, "%s/%s", drivers_dir, de->d_name) && is_dir(p))
                                ensure_driver(de->d_name);
                closedir(d);
        }
        if (PJOIN(p, "%s/sys/bus/pci/devices", root) && (d = opendir(p))) {
                while ((de = readdir(d))) {
                        if (de->d_name[0] == '.' || !dev_dir(de->d_name, devdir))
                                continue;
                        if (PJOIN(p, "%s/driver_override", devdir)) {
                                if (read_file(p, buf, sizeof(buf)) <= 0)
                                        write_file(p, "(null)\n", 0644);
                        }
                        dev_driver(devdir, drv, sizeof(drv));
                        if (*drv && name_ok(drv)) {
                                char dd[PATH_MAX];
                                ensure_driver(drv);
                                if (PJOIN(dd, "%s/%s", drivers_dir, drv) && PJOIN(p, "%s/%s", dd, de->d_name) &&
                                    !exists_nofollow(p))
                                        symlink_rel(devdir, p);
                        }
                        setup_mdev_parent(devdir);
                        state_path(p, sizeof(p), de->d_name, "original");
                        if (!exists_nofollow(p)) {
                                char line[NAME_MAX + 2];
                                snprintf(line, sizeof(line), "%s%s", drv, *drv ? "\n" : "");
                                write_file(p, line, 0644);
                                state_path(p, sizeof(p), de->d_name, "native");
                                if (!is_vfio(drv) && !streq(drv, "pci-stub"))
                                        write_file(p, line, 0644);
                        }
                }
                closedir(d);
        }
        setup_mdevs();
        /* groups recorded already on vfio-pci have their node */
        if (PJOIN(p, "%s/sys/kernel/iommu_groups", root) && (d = opendir(p))) {
                while ((de = readdir(d)))
                        if (de->d_name[0] != '.' && name_ok(de->d_name) && group_has_vfio(de->d_name) &&
                            group_viable(de->d_name))
                                node_create(de->d_name);
                closedir(d);
        }
        lock_drop(lk);
        return 0;
}

#else /* the LD_PRELOAD shim */
/* ------------------------------------------------------------ wrappers */
#define EXPORT __attribute__((visibility("default")))
#define REAL(fn) ((__typeof__(real_##fn))real_sym((void **)&real_##fn, #fn))

static void *real_sym(void **slot, const char *name)
{
        if (!*slot)
                *slot = dlsym(RTLD_NEXT, name);
        return *slot;
}

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static ssize_t (*real_pwritev64)(int, const struct iovec *, int, off64_t);
static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_creat)(const char *, mode_t);
static int (*real_creat64)(const char *, mode_t);
static FILE *(*real_fopen)(const char *, const char *);
static FILE *(*real_fopen64)(const char *, const char *);
static FILE *(*real_freopen)(const char *, const char *, FILE *);
static FILE *(*real_freopen64)(const char *, const char *, FILE *);
static int (*real_fflush)(FILE *);
static int (*real_fclose)(FILE *);
static int (*real_close)(int);

/* Returns -1 to pass through, else the result of the control write. */
static ssize_t ctl_write(int fd, const void *buf, size_t len)
{
        struct target t;
        int r;

        if (busy || len == 0 || !fd_target(fd, &t))
                return -1;
        r = handle_write(&t, buf, len);
        if (r < 0) {
                errno = -r;
                return -2;
        }
        return (ssize_t)len;
}
#define CTL_RETURN(r) do { if ((r) == -2) return -1; if ((r) >= 0) return (r); } while (0)

EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
        ssize_t r = ctl_write(fd, buf, len);
        CTL_RETURN(r);
        return REAL(write)(fd, buf, len);
}

EXPORT ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
        ssize_t r = ctl_write(fd, buf, len);
        CTL_RETURN(r);
        return REAL(pwrite)(fd, buf, len, off);
}

EXPORT ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
        ssize_t r = ctl_write(fd, buf, len);
        CTL_RETURN(r);
        return REAL(pwrite64)(fd, buf, len, off);
}

static ssize_t ctl_writev(int fd, const struct iovec *iov, int cnt)
{
        char buf[VALMAX];
        size_t n = 0;
        struct target t;
        int r;

        if (busy || cnt <= 0 || !fd_target(fd, &t))
                return -1;
        for (int i = 0; i < cnt; i++) {
                if (iov[i].iov_len > sizeof(buf) - n) {
                        errno = EINVAL;
                        return -2;
                }
                memcpy(buf + n, iov[i].iov_base, iov[i].iov_len);
                n += iov[i].iov_len;
        }
        if (n == 0)
                return 0;
        r = handle_write(&t, buf, n);
        if (r < 0) {
                errno = -r;
                return -2;
        }
        return (ssize_t)n;
}

EXPORT ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
        ssize_t r = ctl_writev(fd, iov, cnt);
        CTL_RETURN(r);
        return REAL(writev)(fd, iov, cnt);
}

EXPORT ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
        ssize_t r = ctl_writev(fd, iov, cnt);
        CTL_RETURN(r);
        return REAL(pwritev)(fd, iov, cnt, off);
}

EXPORT ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off64_t off)
{
        ssize_t r = ctl_writev(fd, iov, cnt);
        CTL_RETURN(r);
        return REAL(pwritev64)(fd, iov, cnt, off);
}

EXPORT int vdprintf(int fd, const char *fmt, va_list ap)
{
        char buf[VALMAX];
        va_list aq;
        int n;

        va_copy(aq, ap);
        n = vsnprintf(buf, sizeof(buf), fmt, aq);
        va_end(aq);
        if (n >= 0 && (size_t)n < sizeof(buf)) {
                ssize_t r = ctl_write(fd, buf, (size_t)n);
                if (r == -2)
                        return -1;
                if (r >= 0)
                        return (int)r;
                return (int)write(fd, buf, (size_t)n);
        }
        errno = EOVERFLOW;
        return -1;
}

EXPORT int dprintf(int fd, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vdprintf(fd, fmt, ap);
        va_end(ap);
        return r;
}

/* sysfs ignores O_TRUNC; a truncating open of a control file must not
 * wipe driver_override's stored value. */
static int fix_flags(int dirfd, const char *path, int flags)
{
        struct target t;

        if ((flags & O_TRUNC) && !busy && path_target(dirfd, path, &t))
                flags &= ~O_TRUNC;
        return flags;
}

#define OPEN_MODE(flags, mode)                                           \
        do {                                                             \
                if ((flags) & (O_CREAT | __O_TMPFILE)) {                 \
                        va_list ap;                                      \
                        va_start(ap, flags);                             \
                        mode = (mode_t)va_arg(ap, int);                  \
                        va_end(ap);                                      \
                }                                                        \
        } while (0)

EXPORT int open(const char *path, int flags, ...)
{
        mode_t mode = 0;
        OPEN_MODE(flags, mode);
        return REAL(open)(path, fix_flags(AT_FDCWD, path, flags), mode);
}

EXPORT int open64(const char *path, int flags, ...)
{
        mode_t mode = 0;
        OPEN_MODE(flags, mode);
        return REAL(open64)(path, fix_flags(AT_FDCWD, path, flags), mode);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
        mode_t mode = 0;
        OPEN_MODE(flags, mode);
        return REAL(openat)(dirfd, path, fix_flags(dirfd, path, flags), mode);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
        mode_t mode = 0;
        OPEN_MODE(flags, mode);
        return REAL(openat64)(dirfd, path, fix_flags(dirfd, path, flags), mode);
}

EXPORT int creat(const char *path, mode_t mode)
{
        struct target t;
        if (!busy && path_target(AT_FDCWD, path, &t))
                return REAL(open)(path, O_WRONLY | O_CREAT, mode);
        return REAL(creat)(path, mode);
}

EXPORT int creat64(const char *path, mode_t mode)
{
        struct target t;
        if (!busy && path_target(AT_FDCWD, path, &t))
                return REAL(open)(path, O_WRONLY | O_CREAT, mode);
        return REAL(creat64)(path, mode);
}

/* fopen(path, "w"/"a") of a control file becomes "r+" (no truncation). */
static const char *fix_mode(const char *path, const char *mode, char *buf)
{
        struct target t;

        if (!mode || (mode[0] != 'w' && mode[0] != 'a') || busy || !path_target(AT_FDCWD, path, &t))
                return mode;
        strcpy(buf, "r+");
        if (strchr(mode, 'e'))
                strcat(buf, "e");
        return buf;
}

EXPORT FILE *fopen(const char *path, const char *mode)
{
        char m[8];
        return REAL(fopen)(path, fix_mode(path, mode, m));
}

EXPORT FILE *fopen64(const char *path, const char *mode)
{
        char m[8];
        return REAL(fopen64)(path, fix_mode(path, mode, m));
}

EXPORT FILE *freopen(const char *path, const char *mode, FILE *fp)
{
        char m[8];
        return REAL(freopen)(path, path ? fix_mode(path, mode, m) : mode, fp);
}

EXPORT FILE *freopen64(const char *path, const char *mode, FILE *fp)
{
        char m[8];
        return REAL(freopen64)(path, path ? fix_mode(path, mode, m) : mode, fp);
}

#ifndef _IO_ERR_SEEN
#define _IO_ERR_SEEN 0x0020
#endif
#ifndef _IO_LINE_BUF
#define _IO_LINE_BUF 0x0200     /* glibc libio.h, not exported */
#endif

/* glibc flushes stdio buffers with internal calls we cannot wrap: take a
 * pending buffer aimed at a control file ourselves.  1 handled, 0 not ours,
 * -errno failed (the stream's error flag is set, like a failed flush). */
static int stdio_take(FILE *fp)
{
#ifdef __GLIBC__
        struct target t;
        char buf[VALMAX];
        size_t n;
        int fd, r;

        if (!fp || busy || !active())
                return 0;
        if (!fp->_IO_write_ptr || !fp->_IO_write_base || fp->_IO_write_ptr <= fp->_IO_write_base)
                return 0;
        fd = fp->_fileno;
        if (!fd_target(fd, &t))
                return 0;
        n = (size_t)(fp->_IO_write_ptr - fp->_IO_write_base);
        if (n >= sizeof(buf))
                n = sizeof(buf) - 1;
        memcpy(buf, fp->_IO_write_base, n);
        fp->_IO_write_ptr = fp->_IO_write_base;
        r = handle_write(&t, buf, n);
        if (r < 0) {
                fp->_flags |= _IO_ERR_SEEN;
                errno = -r;
                return r;
        }
        return 1;
#else
        (void)fp;
        return 0;
#endif
}

/* After a control file was closed: catch data that reached the file through
 * a path we could not wrap (unbuffered stdio, other internal writes). */
static int after_close(struct target *t)
{
        char buf[VALMAX];
        int n, r = 0;

        /* sriov_numvfs holds its value: nothing left behind to pick up */
        if (t->kind == K_NONE || t->kind == K_SRIOV_NUMVFS)
                return 0;
        if (t->kind == K_OVERRIDE) {
                char norm[VALMAX + 2];
                busy++;
                int lk = lock_take();
                n = read_file(t->path, buf, sizeof(buf) - 1);
                if (n >= 0) {
                        char line[VALMAX];
                        snprintf(line, sizeof(line), "%s", buf);
                        line[strcspn(line, "\n")] = '\0';
                        snprintf(norm, sizeof(norm), "%s\n", *line ? line : "(null)");
                        if (!streq(buf, norm))
                                write_file(t->path, norm, 0644);
                }
                lock_drop(lk);
                busy--;
                return 0;
        }
        n = read_file(t->path, buf, sizeof(buf));
        if (n > 0) {
                int fd = sys_open(t->path, O_WRONLY | O_TRUNC | O_NOFOLLOW, 0);
                if (fd >= 0)
                        sys_close(fd);
                r = handle_write(t, buf, (size_t)n);
        }
        return r;
}

EXPORT int fflush(FILE *fp)
{
        if (!fp) {
                stdio_take(stdout);
                stdio_take(stderr);
        } else if (stdio_take(fp) < 0) {
                return EOF;
        }
        return REAL(fflush)(fp);
}

EXPORT int fclose(FILE *fp)
{
        struct target t = { .kind = K_NONE };
        int took, r, a, e;

        if (!fp)
                return REAL(fclose)(fp);
        took = stdio_take(fp);
        e = errno;
        if (!busy)
                fd_target(fileno(fp), &t);
        r = REAL(fclose)(fp);
        if (took < 0) {
                errno = e;
                return EOF;
        }
        a = after_close(&t);
        if (a < 0 && r == 0) {
                errno = -a;
                return EOF;
        }
        return r;
}

EXPORT int close(int fd)
{
        struct target t = { .kind = K_NONE };
        int r, a;

        if (!busy)
                fd_target(fd, &t);
        r = REAL(close)(fd);
        if (r == 0 && t.kind != K_NONE) {
                int e = errno;
                a = after_close(&t);
                if (a < 0) {
                        errno = -a;
                        return -1;
                }
                errno = e;
        }
        return r;
}

/* Shells redirect with dup2().  bash keeps stdout line buffered, and a
 * line-buffered flush happens inside glibc where no wrapper sees it: while
 * stdout points at a control file make it fully buffered (bash flushes
 * every builtin with fflush(), which we do see), and put it back after. */
#ifdef __GLIBC__
static int linebuf_cleared = -1;        /* fd whose stream we changed */
#endif

static void redirect_fixup(int newfd, bool before)
{
#ifdef __GLIBC__
        struct target t;
        FILE *fp = newfd == 1 ? stdout : NULL;

        if (!fp || busy || !active())
                return;
        if (before) {
                stdio_take(fp);         /* pending data belongs to the old file */
                return;
        }
        if (fd_target(newfd, &t)) {
                if (fp->_flags & _IO_LINE_BUF) {
                        fp->_flags &= ~_IO_LINE_BUF;
                        linebuf_cleared = newfd;
                }
        } else if (linebuf_cleared == newfd) {
                fp->_flags |= _IO_LINE_BUF;
                linebuf_cleared = -1;
        }
#else
        (void)newfd;
        (void)before;
#endif
}

static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);

EXPORT int dup2(int oldfd, int newfd)
{
        struct target t = { .kind = K_NONE };
        int r;

        if (!busy && oldfd != newfd)
                fd_target(newfd, &t);
        redirect_fixup(newfd, true);
        r = REAL(dup2)(oldfd, newfd);
        if (r >= 0) {
                int e = errno;
                redirect_fixup(newfd, false);
                after_close(&t);        /* newfd's old file was closed */
                errno = e;
        }
        return r;
}

EXPORT int dup3(int oldfd, int newfd, int flags)
{
        struct target t = { .kind = K_NONE };
        int r;

        if (!busy && oldfd != newfd)
                fd_target(newfd, &t);
        redirect_fixup(newfd, true);
        r = REAL(dup3)(oldfd, newfd, flags);
        if (r >= 0) {
                int e = errno;
                redirect_fixup(newfd, false);
                after_close(&t);
                errno = e;
        }
        return r;
}

/* exit() flushes stdio after the destructors ran: flush a pending stdout
 * aimed at a control file (e.g. `printf` in a C program) ourselves. */
__attribute__((destructor)) static void fake_kernel_fini(void)
{
        stdio_take(stdout);
}
#endif /* FK_SETUP_MAIN */
