/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's share of a hostdev scan, for `make bench`: replays the file
 * accesses one `hostdev list -J` made (recorded by scripts/bench with strace)
 * and nothing else: no parsing, no tree, no names, no output.  What it costs
 * is the least any scanner that reads the same files the same way pays, so
 * it bounds what hostdev can reach against the floor program.
 *
 * Each line of OPS is "THREAD KIND DIR REL", tab-separated:
 *   THREAD  0 or 1: which of hostdev's two scan threads made the access
 *   KIND    O  openat + read to the end + close      (a file)
 *           D  openat + getdents64 to the end + close (a directory listing)
 *           L  readlinkat
 *           A  faccessat (F_OK, AT_SYMLINK_NOFOLLOW)
 *   DIR     the directory the path is relative to (its absolute path), or
 *           "-" for an absolute REL
 *   REL     the path as hostdev passed it
 * Directories named in DIR are opened before the clock starts (hostdev holds
 * them open for the whole scan).  Failures are part of the cost and ignored.
 * Usage: replay [--threads | --dirfd] OPS
 *   --threads  each THREAD in its own thread
 *   --dirfd    in one thread; a run of two or more accesses to entries of one
 *              directory goes through an O_PATH fd of that directory
 *              (opened by its path, closed after the run), one component each
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_DIRS 64

struct op {
        char kind;
        int dirfd;
        char *rel;
};

struct oplist {
        struct op *ops;
        size_t n, cap;
};

static struct oplist lists[2];
static char *dir_names[MAX_DIRS];
static int dir_fds[MAX_DIRS];
static size_t n_dirs;

static void die(const char *what)
{
        fprintf(stderr, "replay: %s\n", what);
        exit(1);
}

static int dir_fd(const char *name)
{
        if (strcmp(name, "-") == 0)
                return AT_FDCWD;
        for (size_t i = 0; i < n_dirs; i++)
                if (strcmp(dir_names[i], name) == 0)
                        return dir_fds[i];
        if (n_dirs == MAX_DIRS)
                die("too many directories");
        dir_names[n_dirs] = strdup(name);
        dir_fds[n_dirs] = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (!dir_names[n_dirs] || dir_fds[n_dirs] < 0)
                die("cannot open a directory of the recording");
        return dir_fds[n_dirs++];
}

static void add(struct oplist *l, char kind, int dirfd, const char *rel)
{
        if (l->n == l->cap) {
                l->cap = l->cap ? 2 * l->cap : 4096;
                l->ops = realloc(l->ops, l->cap * sizeof(*l->ops));
                if (!l->ops)
                        die("out of memory");
        }
        l->ops[l->n].kind = kind;
        l->ops[l->n].dirfd = dirfd;
        l->ops[l->n].rel = strdup(rel);
        if (!l->ops[l->n++].rel)
                die("out of memory");
}

static void load(const char *path)
{
        char *line = NULL, *f[4];
        size_t size = 0;
        FILE *in = fopen(path, "re");

        if (!in)
                die("cannot open the recording");
        while (getline(&line, &size, in) > 0) {
                char *p = line;
                line[strcspn(line, "\n")] = '\0';
                for (int i = 0; i < 4; i++)
                        f[i] = strsep(&p, "\t");
                if (!f[3] || (f[0][0] != '0' && f[0][0] != '1') || !strchr("ODLA", f[1][0]))
                        die("odd line in the recording");
                add(&lists[f[0][0] - '0'], f[1][0], dir_fd(f[2]), f[3]);
        }
        free(line);
        fclose(in);
}

static void run_one(const struct op *o)
{
        char buf[8192];
        int fd;

        switch (o->kind) {
        case 'O':
                fd = openat(o->dirfd, o->rel, O_RDONLY | O_CLOEXEC);
                if (fd >= 0) {
                        while (read(fd, buf, sizeof(buf)) > 0)
                                ;
                        close(fd);
                }
                break;
        case 'D':
                fd = openat(o->dirfd, o->rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd >= 0) {
                        while (syscall(SYS_getdents64, fd, buf, sizeof(buf)) > 0)
                                ;
                        close(fd);
                }
                break;
        case 'L':
                (void)readlinkat(o->dirfd, o->rel, buf, sizeof(buf));
                break;
        default:
                (void)faccessat(o->dirfd, o->rel, F_OK, AT_SYMLINK_NOFOLLOW);
                break;
        }
}

/* The length of O's directory part (up to its last '/'), 0 for none */
static size_t dir_len(const struct op *o)
{
        const char *slash = strrchr(o->rel, '/');

        return slash ? (size_t)(slash - o->rel) : 0;
}

static bool same_dir(const struct op *a, const struct op *b, size_t len)
{
        return a->dirfd == b->dirfd && dir_len(b) == len && strncmp(a->rel, b->rel, len) == 0;
}

/* L's accesses, each run of two or more in one directory through an O_PATH
 * fd of it */
static void run_list_dirfd(const struct oplist *l)
{
        size_t i = 0;

        while (i < l->n) {
                const struct op *o = &l->ops[i];
                size_t len = dir_len(o), j = i + 1;
                char dir[4096];
                int fd;

                while (len && j < l->n && same_dir(o, &l->ops[j], len))
                        j++;
                if (j - i < 2 || len >= sizeof(dir)) {
                        run_one(o);
                        i++;
                        continue;
                }
                memcpy(dir, o->rel, len);
                dir[len] = '\0';
                fd = openat(o->dirfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
                for (; i < j; i++) {
                        struct op one = l->ops[i];
                        one.dirfd = fd;
                        one.rel += len + 1;
                        run_one(&one);
                }
                if (fd >= 0)
                        close(fd);
        }
}

static void *run_list(void *data)
{
        const struct oplist *l = data;

        for (size_t i = 0; i < l->n; i++)
                run_one(&l->ops[i]);
        return NULL;
}

int main(int argc, char **argv)
{
        bool threads = argc == 3 && strcmp(argv[1], "--threads") == 0;
        bool dirfd = argc == 3 && strcmp(argv[1], "--dirfd") == 0;
        pthread_t t;

        if (argc != 2 && !threads && !dirfd)
                die("usage: replay [--threads | --dirfd] OPS");
        load(argv[argc - 1]);
        if (threads) {
                if (pthread_create(&t, NULL, run_list, &lists[1]) != 0)
                        die("cannot start a thread");
                run_list(&lists[0]);
                pthread_join(t, NULL);
        } else if (dirfd) {
                run_list_dirfd(&lists[0]);
                run_list_dirfd(&lists[1]);
        } else {
                run_list(&lists[0]);
                run_list(&lists[1]);
        }
        printf("replayed %zu + %zu accesses\n", lists[0].n, lists[1].n);
        return 0;
}
