/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rooted filesystem access.  This file is the only one that knows where
 * sysfs is: everything else reads and writes relative to directory fds it
 * hands out, so a fixture tree, a recorded host and the live machine take
 * the same code path.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "hostdev-internal.h"

#define SYSFS_DIR "sys"
#define SYSFS_DISPLAY "/" SYSFS_DIR "/"

struct hd__root {
        char *path;
        int fd;
        int sysfd;
        bool live;
};

int hd__root_open(const char *dir, bool need_sys, struct hd__root **ret)
{
        struct hd__root *r;
        struct stat st;

        if (!dir || !*dir)
                dir = "/";
        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->fd = r->sysfd = -1;
        r->path = strdup(dir);
        if (!r->path)
                goto nomem;
        r->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (r->fd < 0) {
                int e = errno;
                hd__root_free(r);
                return -e;
        }
        if (fstat(r->fd, &st) == 0) {
                struct stat rootst;
                r->live = stat("/", &rootst) == 0 && st.st_dev == rootst.st_dev &&
                          st.st_ino == rootst.st_ino;
        }
        r->sysfd = openat(r->fd, SYSFS_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (r->sysfd < 0 && need_sys) {
                hd__root_free(r);
                return -ENOTDIR;
        }
        *ret = r;
        return 0;
nomem:
        hd__root_free(r);
        return -ENOMEM;
}

struct hd__root *hd__root_free(struct hd__root *r)
{
        if (!r)
                return NULL;
        if (r->fd >= 0)
                close(r->fd);
        if (r->sysfd >= 0)
                close(r->sysfd);
        free(r->path);
        free(r);
        return NULL;
}

int hd__root_fd(const struct hd__root *r) { return r ? r->fd : -EBADF; }
int hd__root_sysfd(const struct hd__root *r) { return r ? r->sysfd : -EBADF; }
const char *hd__root_path(const struct hd__root *r) { return r ? r->path : "/"; }
bool hd__root_is_live(const struct hd__root *r) { return r && r->live; }

/* The configuration directory below the sysroot: "etc" (the host's /etc). */
#define ETC_DIR "etc"

int hd__root_etc_open(const struct hd__root *r, const char *rel, bool create)
{
        char path[PATH_MAX];
        int fd;

        if (!r || r->fd < 0)
                return -EBADF;
        if (snprintf(path, sizeof(path), ETC_DIR "%s%s", rel && *rel ? "/" : "", rel ? rel : "") >=
            (int)sizeof(path))
                return -ENAMETOOLONG;
        if (create)
                return hd__mkdir_open_at(r->fd, path, 0755);
        fd = openat(r->fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

const char *hd__etc_display(const char *rel, char *buf, size_t size)
{
        if (snprintf(buf, size, "/" ETC_DIR "/%s", rel) >= (int)size)
                return NULL;
        return buf;
}

/* The size of hd__sysfs_display()'s result for a REL of LEN bytes, NUL included */
size_t hd__sysfs_display_size(size_t len)
{
        return sizeof(SYSFS_DISPLAY) + len;
}

/* "/sys/" + REL; runs once per device, so no printf */
const char *hd__sysfs_display(const char *rel, char *buf, size_t size)
{
        size_t lp = sizeof(SYSFS_DISPLAY) - 1, lr = strlen(rel);

        if (lp + lr + 1 > size)
                return NULL;
        memcpy(buf, SYSFS_DISPLAY, lp);
        memcpy(buf + lp, rel, lr + 1);
        return buf;
}

int hd__sysroot_rel(const char *rel_to_sys, char *buf, size_t size)
{
        int n = snprintf(buf, size, SYSFS_DIR "/%s", rel_to_sys);
        return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : n;
}

/* Open a file for reading without ever blocking on it: O_NONBLOCK makes a
 * FIFO read end-of-file at once and a terminal answer EAGAIN, a directory
 * fails in read() with EISDIR, and every read is bounded by its buffer.
 * No fstat(): one syscall less per attribute on the scan's hot path. */
static int open_regular(int dirfd, const char *rel)
{
        int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        return fd < 0 ? -errno : fd;
}

int hd__read_at(int dirfd, const char *rel, char *buf, size_t size)
{
        _cleanup_close_ int fd = open_regular(dirfd, rel);
        ssize_t n;

        if (size == 0)
                return -EINVAL;
        if (fd < 0)
                return fd;
        do
                n = read(fd, buf, size);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if ((size_t)n >= size)
                return -EFBIG;
        if (n > 0 && buf[n - 1] == '\n')
                n--;
        buf[n] = '\0';
        if (memchr(buf, '\0', (size_t)n))
                return -EINVAL;         /* binary garbage in a text attribute */
        return (int)n;
}

int hd__readf_at(int dirfd, char *buf, size_t size, const char *fmt, ...)
{
        char rel[PATH_MAX];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(rel, sizeof(rel), fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= sizeof(rel))
                return -ENAMETOOLONG;
        return hd__read_at(dirfd, rel, buf, size);
}

/* Read FD whole, up to MAX bytes, into a malloc'd NUL-terminated buffer. */
static int read_fd_alloc(int fd, size_t max, char **ret, size_t *len)
{
        size_t have = 0, cap = 4096;
        char *buf = malloc(cap + 1);

        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t n;
                if (have == cap) {
                        char *nb;
                        if (cap >= max)
                                break;
                        cap = cap * 2 > max ? max : cap * 2;
                        nb = realloc(buf, cap + 1);
                        if (!nb) {
                                free(buf);
                                return -ENOMEM;
                        }
                        buf = nb;
                }
                n = read(fd, buf + have, cap - have);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int e = errno;
                        free(buf);
                        return -e;
                }
                if (n == 0)
                        break;
                have += (size_t)n;
        }
        buf[have] = '\0';
        *ret = buf;
        if (len)
                *len = have;
        return 0;
}

int hd__read_alloc_at(int dirfd, const char *rel, size_t max, char **ret, size_t *len)
{
        _cleanup_close_ int fd = open_regular(dirfd, rel);

        if (fd < 0)
                return fd;
        return read_fd_alloc(fd, max, ret, len);
}

int hd__read_file_strict_at(int dirfd, const char *rel, size_t max, char **ret, size_t *len,
                            struct stat *st)
{
        _cleanup_close_ int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
                                                    O_NOCTTY);

        if (fd < 0)
                return -errno;  /* ELOOP: a symlink */
        if (fstat(fd, st) < 0)
                return -errno;
        if (!S_ISREG(st->st_mode))
                return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
        return read_fd_alloc(fd, max, ret, len);
}

int hd__read_long_at(int dirfd, const char *rel, int base, long long *ret)
{
        char buf[64], *end;
        long long v;
        int r = hd__read_at(dirfd, rel, buf, sizeof(buf));

        if (r < 0)
                return r;
        errno = 0;
        v = strtoll(buf, &end, base);
        if (errno || end == buf || (*end && *end != '\n' && *end != ' '))
                return -EINVAL;
        *ret = v;
        return 0;
}

int hd__readlink_at(int dirfd, const char *rel, char *buf, size_t size)
{
        ssize_t n = readlinkat(dirfd, rel, buf, size);

        if (n < 0)
                return -errno;
        if ((size_t)n >= size)
                return -ENAMETOOLONG;
        buf[n] = '\0';
        return (int)n;
}

int hd__readlink_base_at(int dirfd, const char *rel, char *buf, size_t size)
{
        char tmp[PATH_MAX];
        const char *b;
        int r = hd__readlink_at(dirfd, rel, tmp, sizeof(tmp));
        size_t n;

        if (r < 0)
                return r;
        while (r > 1 && tmp[r - 1] == '/')
                tmp[--r] = '\0';
        b = strrchr(tmp, '/');
        b = b ? b + 1 : tmp;
        n = strlen(b);
        if (n == 0 || n >= size)
                return -ENAMETOOLONG;
        memcpy(buf, b, n + 1);
        return (int)n;
}

int hd__open_dir_at(int dirfd, const char *rel)
{
        int fd = openat(dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* REL is relative and has no ".." component */
static bool rel_is_safe(const char *rel)
{
        const char *p = rel;

        if (!*rel || rel[0] == '/')
                return false;
        while (*p) {
                const char *e = strchrnul(p, '/');
                size_t l = (size_t)(e - p);
                if (l == 2 && p[0] == '.' && p[1] == '.')
                        return false;
                p = *e ? e + 1 : e;
        }
        return true;
}

/* REL, checked by rel_is_safe(), copied into BUF to be cut into components.
 * Returns: 0, -EINVAL (not safe) or -ENAMETOOLONG. */
static int copy_rel(const char *rel, char buf[static PATH_MAX])
{
        size_t len = strlen(rel);

        if (!rel_is_safe(rel))
                return -EINVAL;
        if (len >= PATH_MAX)
                return -ENAMETOOLONG;
        memcpy(buf, rel, len + 1);
        return 0;
}

int hd__open_dir_nofollow_at(int dirfd, const char *rel)
{
        char buf[PATH_MAX];
        int fd = -1, r = copy_rel(rel, buf);

        if (r < 0)
                return r;
        for (char *p = buf, *e; p; p = e) {
                int nfd;
                e = strchr(p, '/');
                if (e)
                        *e++ = '\0';
                if (!*p)
                        continue;
                nfd = openat(fd < 0 ? dirfd : fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (nfd < 0)
                        nfd = -errno;
                if (fd >= 0)
                        close(fd);
                if (nfd < 0)
                        return nfd;
                fd = nfd;
        }
        return fd < 0 ? -EINVAL : fd;
}

bool hd__exists_at(int dirfd, const char *rel)
{
        return faccessat(dirfd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Every open for writing below the sysroot: never blocks (a FIFO without a
 * reader fails with ENXIO at once, a terminal is not made ours) and never
 * follows a final symlink out of the tree. */
#define WRITE_FLAGS (O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)

int hd__write_at(int dirfd, const char *rel, const char *value)
{
        _cleanup_close_ int fd = openat(dirfd, rel, WRITE_FLAGS);
        size_t len = strlen(value);
        struct stat st;
        ssize_t n;

        if (fd < 0)
                return -errno;
        /* sysfs attributes are regular files; a FIFO with a reader is not one */
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        do
                n = write(fd, value, len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if ((size_t)n != len)
                return -EIO;
        return 0;
}

/* The common shape of sysfs links, "../../../devices/...": leading "../"
 * only, nothing odd after them.  Returns -EAGAIN for anything else. */
static int join_fast(const char *dir, const char *target, char *buf, size_t size)
{
        size_t dl = strlen(dir), tl;
        const char *t = target;

        while (dl > 0 && dir[dl - 1] == '/')
                dl--;
        while (t[0] == '.' && t[1] == '.' && t[2] == '/') {
                if (dl == 0)
                        return -EXDEV;
                while (dl > 0 && dir[dl - 1] != '/')
                        dl--;
                while (dl > 0 && dir[dl - 1] == '/')
                        dl--;
                t += 3;
        }
        if (!*t || *t == '.' || *t == '/' || strstr(t, "/.") || strstr(t, "//") ||
            t[strlen(t) - 1] == '/')
                return -EAGAIN;
        tl = strlen(t);
        if (dl + 1 + tl + 1 > size)
                return -ENAMETOOLONG;
        memcpy(buf, dir, dl);
        if (dl)
                buf[dl++] = '/';
        memcpy(buf + dl, t, tl + 1);
        return (int)(dl + tl);
}

int hd__path_join_norm(const char *dir, const char *target, char *buf, size_t size)
{
        char tmp[PATH_MAX * 2];
        char *comp[PATH_MAX / 2];
        size_t nc = 0, used = 0;
        char *save = NULL, *tok;
        int n;

        if (target[0] == '/')
                return -EXDEV;
        n = join_fast(dir, target, buf, size);
        if (n != -EAGAIN)
                return n;
        n = snprintf(tmp, sizeof(tmp), "%s/%s", dir, target);
        if (n < 0 || (size_t)n >= sizeof(tmp))
                return -ENAMETOOLONG;
        for (tok = strtok_r(tmp, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
                if (streq(tok, "."))
                        continue;
                if (streq(tok, "..")) {
                        if (nc == 0)
                                return -EXDEV;
                        nc--;
                        continue;
                }
                if (nc >= ELEMENTSOF(comp))
                        return -ENAMETOOLONG;
                comp[nc++] = tok;
        }
        if (size == 0)
                return -ENAMETOOLONG;
        buf[0] = '\0';
        for (size_t i = 0; i < nc; i++) {
                size_t l = strlen(comp[i]);
                if (used + l + 2 > size)
                        return -ENAMETOOLONG;
                if (i)
                        buf[used++] = '/';
                memcpy(buf + used, comp[i], l);
                used += l;
                buf[used] = '\0';
        }
        return (int)used;
}

int hd__mkdir_p_at(int dirfd, const char *rel, mode_t mode)
{
        char buf[PATH_MAX];
        int r = copy_rel(rel, buf);

        if (r < 0)
                return r;
        for (char *p = buf + 1; ; p++) {
                if (*p == '/' || *p == '\0') {
                        char c = *p;
                        struct stat st;
                        *p = '\0';
                        if (mkdirat(dirfd, buf, mode) < 0 && errno != EEXIST)
                                return -errno;
                        /* never walk through a symlink or a file on the way down */
                        if (fstatat(dirfd, buf, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                return -errno;
                        if (!S_ISDIR(st.st_mode))
                                return -ENOTDIR;
                        *p = c;
                        if (!c)
                                break;
                }
        }
        return 0;
}

/* Write all LEN bytes of DATA to FD.  Returns 0 or -errno. */
static int write_all(int fd, const void *data, size_t len)
{
        const char *p = data;

        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

/* Before creating REL: no ".." escape, and its parent directories exist. */
static int prepare_create(int dirfd, const char *rel)
{
        char buf[PATH_MAX], *slash;
        int r = copy_rel(rel, buf);

        if (r < 0)
                return r;
        slash = strrchr(buf, '/');
        if (!slash)
                return 0;
        *slash = '\0';
        return hd__mkdir_p_at(dirfd, buf, 0755);
}

int hd__create_file_at(int dirfd, const char *rel, const void *data, size_t len, mode_t mode)
{
        _cleanup_close_ int fd = -1;
        const char *p = data;
        int r = prepare_create(dirfd, rel);

        if (r < 0)
                return r;
        fd = openat(dirfd, rel, WRITE_FLAGS | O_CREAT | O_TRUNC, mode);
        if (fd < 0)
                return -errno;
        return write_all(fd, p, len);
}

int hd__symlink_at(const char *target, int dirfd, const char *rel)
{
        int r = prepare_create(dirfd, rel);

        if (r < 0)
                return r;
        if (symlinkat(target, dirfd, rel) < 0)
                return -errno;
        return 0;
}

/* ---------------------------------------------------------------- fixture loader */

int hd__open_regular_at(int dirfd, const char *rel)
{
        struct stat st;
        int fd = open_regular(dirfd, rel), err;

        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                err = -errno;
        else if (S_ISREG(st.st_mode))
                return fd;
        else
                err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
        close(fd);
        return err;
}

int hd__mkdir_open_at(int dirfd, const char *rel, mode_t mode)
{
        int r = hd__mkdir_p_at(dirfd, rel, mode);

        if (r < 0)
                return r;
        r = openat(dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        return r < 0 ? -errno : r;
}

int hd__dir_open_empty(const char *path, mode_t mode)
{
        struct dirent *de;
        DIR *d;
        int fd;

        if (mkdir(path, mode) < 0 && errno != EEXIST)
                return -errno;
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(dup(fd));
        if (!d) {
                int e = errno;
                close(fd);
                return -e;
        }
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        break;
        closedir(d);
        if (de) {
                close(fd);
                return -ENOTEMPTY;
        }
        return fd;
}

/* ---------------------------------------------------------------- state files (binder) */

int hd__write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len,
                             mode_t mode)
{
        char tmp[NAME_MAX + 1];
        const char *p = data;
        int fd, r = 0, n;

        if (!*name || strchr(name, '/') || streq(name, "..") || streq(name, "."))
                return -EINVAL;
        n = snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", name, (long)getpid());
        if (n < 0 || (size_t)n >= sizeof(tmp))
                return -ENAMETOOLONG;
        /* O_EXCL: a leftover temp file (or a FIFO planted under its name) is
         * removed first, never written through */
        (void)unlinkat(dirfd, tmp, 0);
        fd = openat(dirfd, tmp, WRITE_FLAGS | O_CREAT | O_EXCL, mode);
        if (fd < 0)
                return -errno;
        r = write_all(fd, p, len);
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
                r = -errno;
        if (r < 0) {
                unlinkat(dirfd, tmp, 0);
                return r;
        }
        (void)fsync(dirfd);     /* the rename itself; failure is not fatal */
        return 0;
}

#define LOCK_POLL_US 10000      /* a held lock is tried again every 10 ms */

int hd__lock_at(int dirfd, const char *name, int timeout_ms)
{
        struct timespec start, now;
        struct stat st;
        int fd, err;

        if (!*name || strchr(name, '/'))
                return -EINVAL;
        fd = openat(dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0600);
        if (fd < 0)
                return -errno;
        err = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EINVAL;
        if (err < 0) {
                close(fd);
                return err;
        }
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
                long waited;
                if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                        return fd;
                if (errno != EWOULDBLOCK && errno != EINTR) {
                        int e = errno;
                        close(fd);
                        return -e;
                }
                clock_gettime(CLOCK_MONOTONIC, &now);
                waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
                if (timeout_ms >= 0 && waited >= timeout_ms) {
                        close(fd);
                        return -ETIMEDOUT;
                }
                usleep(LOCK_POLL_US);
        }
}

int hd__chown_at(int dirfd, const char *rel, uid_t uid, gid_t gid)
{
        if (!rel_is_safe(rel))
                return -EINVAL;
        return fchownat(dirfd, rel, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

DIR *hd__opendir_at(int dirfd, const char *rel)
{
        int fd = hd__open_dir_at(dirfd, rel);
        DIR *dir;

        if (fd < 0) {
                errno = -fd;
                return NULL;
        }
        dir = fdopendir(fd);
        if (!dir) {
                int e = errno;
                close(fd);
                errno = e;
        }
        return dir;
}
