/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostdev bind / unbind / restore: thin wrappers around hd_bind(),
 * hd_unbind(), hd_restore_all() and hd_recover().  One line per problem on
 * stderr; --dry-run prints the planned sysfs writes on stdout, in order.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_TOUCHED 64

struct report {
        struct cli *cli;
        const char *verb;
        struct cli_sink sink;                   /* dry run, verbose, problems */
        /* the messages: what was written to, when, and what it was before */
        int writes;
        size_t n_touched;
        char touched[MAX_TOUCHED][16];          /* PCI addresses written about */
        char *before[MAX_TOUCHED];              /* their drivers before */
        struct timespec start, last_write;
        /* the waiting notice (a second without writes while binding) */
        pthread_mutex_t lock;
        pthread_cond_t done_cond;
        bool done, noticed;
        char waiting_for[128];
        int timeout_ms;
        bool iommufd;
        /* bind --iommufd: each function's cdev, ready */
        size_t n_cdevs;
        struct { char addr[16]; char node[48]; } cdevs[MAX_TOUCHED];
};

static double since(const struct timespec *t)
{
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* The last PCI address (DDDD:BB:SS.F) in S (a device directory below its
 * bridges' directories), into OUT[16]. */
static bool find_pci_address(const char *s, char *out)
{
        bool found = false;

        for (; s && *s; s++) {
                unsigned dom, bus, slot, fn;
                int n = 0;
                if (isxdigit((unsigned char)*s) &&
                    sscanf(s, "%4x:%2x:%2x.%1x%n", &dom, &bus, &slot, &fn, &n) == 4 && n == 12) {
                        snprintf(out, 16, "%04x:%02x:%02x.%x", dom, bus, slot, fn);
                        found = true;
                }
        }
        return found;
}

static void touch(struct report *rep, const char *path, const char *value)
{
        char addr[16];
        struct hd_dev *d;

        if (!find_pci_address(path, addr) && !find_pci_address(value, addr))
                return;
        for (size_t i = 0; i < rep->n_touched; i++)
                if (strcmp(rep->touched[i], addr) == 0)
                        return;
        if (rep->n_touched == MAX_TOUCHED)
                return;
        d = hd_ctx_find_device(rep->cli->ctx, addr);
        memcpy(rep->touched[rep->n_touched], addr, sizeof(addr));
        rep->before[rep->n_touched++] = d && hd_dev_get_driver(d) ? strdup(hd_dev_get_driver(d)) : NULL;
}

static void on_write(void *data, const char *path, const char *value)
{
        struct report *rep = data;

        cli_on_write(&rep->sink, path, value);
        pthread_mutex_lock(&rep->lock);
        rep->writes++;
        clock_gettime(CLOCK_MONOTONIC, &rep->last_write);
        touch(rep, path, value);
        pthread_mutex_unlock(&rep->lock);
}

/* a function's iommufd cdev: kept for the result line; planned (dry run) or verbose, printed */
static void on_cdev(void *data, const char *address, const char *node)
{
        struct report *rep = data;

        cli_on_cdev(&rep->sink, address, node);
        pthread_mutex_lock(&rep->lock);
        if (node && rep->n_cdevs < MAX_TOUCHED) {
                snprintf(rep->cdevs[rep->n_cdevs].addr, sizeof(rep->cdevs[0].addr), "%s", address);
                snprintf(rep->cdevs[rep->n_cdevs].node, sizeof(rep->cdevs[0].node), "%s", node);
                rep->n_cdevs++;
        }
        pthread_mutex_unlock(&rep->lock);
}

static void on_problem(void *data, const char *message)
{
        struct report *rep = data;

        cli_on_problem(&rep->sink, message);
}

/* A bind that has written everything and waits more than a second says for what. */
static void *wait_notice(void *data)
{
        struct report *rep = data;
        struct timespec t;

        pthread_mutex_lock(&rep->lock);
        while (!rep->done) {
                clock_gettime(CLOCK_REALTIME, &t);
                t.tv_nsec += 100 * 1000 * 1000;
                if (t.tv_nsec >= 1000000000L) {
                        t.tv_sec++;
                        t.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&rep->done_cond, &rep->lock, &t);
                if (!rep->done && !rep->noticed && rep->writes && since(&rep->last_write) > 1.0) {
                        rep->noticed = true;
                        cli_err("waiting for %s%s to appear (udev; up to %g s)", rep->waiting_for,
                                rep->iommufd ? " and each function's /dev/vfio/devices/vfioN" : "",
                                rep->timeout_ms / 1000.0);
                }
        }
        pthread_mutex_unlock(&rep->lock);
        return NULL;
}

/* REP listens to O (which has its options) for VERB */
static void report_init(struct report *rep, struct cli *cli, const char *verb, struct hd_bind_opts *o)
{
        memset(rep, 0, sizeof(*rep));
        rep->cli = cli;
        rep->verb = verb;
        rep->sink.dry_run = o->dry_run;
        rep->sink.verbose = cli->verbose;
        rep->timeout_ms = o->timeout_ms;
        rep->iommufd = o->iommufd;
        o->on_write = on_write;
        o->on_problem = on_problem;
        o->on_cdev = on_cdev;
        o->data = rep;
        pthread_mutex_init(&rep->lock, NULL);
        pthread_cond_init(&rep->done_cond, NULL);
        clock_gettime(CLOCK_MONOTONIC, &rep->start);
}

static void report_free(struct report *rep)
{
        for (size_t i = 0; i < rep->n_touched; i++)
                free(rep->before[i]);
        pthread_mutex_destroy(&rep->lock);
        pthread_cond_destroy(&rep->done_cond);
}

/* "/dev/vfio/1" or "/dev/vfio/1, /dev/vfio/7" for the groups of DEVS */
static void groups_of(struct hd_dev *const *devs, size_t n, char *out, size_t size)
{
        size_t len = 0;

        out[0] = '\0';
        for (size_t i = 0; i < n; i++) {
                int g = hd_dev_get_iommu_group(devs[i]);
                bool dup = false;
                for (size_t k = 0; k < i; k++)
                        dup = dup || hd_dev_get_iommu_group(devs[k]) == g;
                if (g < 0 || dup || len + 24 >= size)
                        continue;
                len += (size_t)snprintf(out + len, size - len, "%s/dev/vfio/%d", len ? ", " : "", g);
        }
}

/* After the call: "ADDR on DRIVER" for every function written to, from a
 * fresh scan; after a failure "(NOT back: was X)" where it is not back. */
static void put_functions(FILE *f, struct report *rep, bool failed)
{
        for (size_t i = 0; i < rep->n_touched; i++) {
                struct hd_dev *d = hd_ctx_find_device(rep->cli->ctx, rep->touched[i]);
                const char *now = d ? hd_dev_get_driver(d) : NULL;
                bool same = now && rep->before[i] ? strcmp(now, rep->before[i]) == 0
                                                  : !now && !rep->before[i];
                fprintf(f, "%s%s on ", i ? ", " : "", rep->touched[i]);
                cli_put_text(f, now ? now : "no driver");
                if (failed && !same) {
                        fputs(" (NOT back: was ", f);
                        cli_put_text(f, rep->before[i] ? rep->before[i] : "no driver");
                        fputs("; see hostdev restore)", f);
                }
        }
}

/* bind --iommufd: "; iommufd cdevs: ADDR NODE, ..." for each function's cdev */
static void put_cdevs(FILE *f, const struct report *rep)
{
        for (size_t i = 0; i < rep->n_cdevs; i++) {
                fputs(i ? ", " : "; iommufd cdevs: ", f);
                cli_put_text(f, rep->cdevs[i].addr);
                fputc(' ', f);
                cli_put_text(f, rep->cdevs[i].node);
        }
}

/* One line: what changed and how long it took, or what a failure after a
 * write rolled back. */
static void report_result(struct report *rep, int r)
{
        double secs = since(&rep->start);

        if (rep->sink.dry_run || (r >= 0 && rep->cli->quiet))
                return;
        if (r < 0 && !rep->writes)     /* a refusal: its one line has said it all */
                return;
        if (hd_ctx_scan(rep->cli->ctx) < 0)     /* the drivers now, as the kernel says */
                return;
        if (r < 0) {
                fprintf(stderr, "hostdev: %s failed after %d write%s and was rolled back: ", rep->verb,
                        rep->writes, rep->writes == 1 ? "" : "s");
                put_functions(stderr, rep, true);
                fputc('\n', stderr);
                return;
        }
        if (r == 0) {
                printf("%s: nothing to do (%.2f s)", rep->verb, secs);
                put_cdevs(stdout, rep);
                putchar('\n');
                return;
        }
        printf("%s: %d function%s changed in %.2f s: ", rep->verb, r, r == 1 ? "" : "s", secs);
        put_functions(stdout, rep, false);
        if (strcmp(rep->verb, "bind") == 0 && rep->waiting_for[0])
                printf("; %s ready", rep->waiting_for);
        put_cdevs(stdout, rep);
        putchar('\n');
}

/* Exit code for a library result; prints the error when no problem line did. */
static int finish(struct cli *cli, struct report *rep, int r, struct hd_dev *const *devs, size_t n)
{
        int code = cli_exit_for(cli, r, devs, n, true);

        if (r < 0 && !rep->sink.problems)
                cli_err("%s: %s", rep->verb, cli_lib_msg(cli, r));
        report_result(rep, r);
        report_free(rep);
        return code;
}

static void bind_usage(FILE *f, const char *verb)
{
        if (strcmp(verb, "bind") == 0)
                fprintf(f, "Usage: hostdev [-q] bind [--force] [--dry-run] [--timeout SEC] [--owner USER[:GROUP]] [--iommufd] DEVICE...\n\n"
                           "Bind every endpoint of the IOMMU groups of DEVICEs to vfio-pci (bridges keep\n"
                           "their driver), verify it, and wait for /dev/vfio/<group>.  Idempotent.  Any\n"
                           "failure rolls back.  Originals are recorded under SYSROOT/run/hostdev/.\n\n"
                           "  -f, --force          bind although the judge says the device is not eligible\n"
                           "                       (only errors the judge documents as forcible)\n"
                           "      --dry-run        print the sysfs writes, in order (with --iommufd then\n"
                           "                       \"wait /dev/vfio/devices/vfioN for ADDR\" per function);\n"
                           "                       change nothing, wait for nothing\n"
                           "  -t, --timeout SEC    wait this long for /dev/vfio/<group> (default 10)\n"
                           "      --owner U[:G]    hand /dev/vfio/<group> (with --iommufd also each\n"
                           "                       /dev/vfio/devices/vfioN) to user U (and group G)\n"
                           "      --iommufd        also wait (--timeout) for each function's\n"
                           "                       /dev/vfio/devices/vfioN; roll back when it does not come\n"
                           "  -q, --quiet          no line on success\n"
                           "  -h, --help           this help\n\n"
                           "Refuses (exit 3) also where it cannot tell whether a device of the groups is\n"
                           "in use (no proc/, unreadable mountinfo or proc/PID/fd), unless --force.\n\n"
                           "One line on success says what changed and how long it took (with --iommufd\n"
                           "also each function's /dev/vfio/devices/vfioN); a failure says what was\n"
                           "rolled back.  A wait of more than a second for the nodes says so.\n\n"
                           "Exit status: 0 bound (or already), 1 error (rolled back), 2 usage,\n"
                           "3 refused (not eligible, or not a PCI function).\n");
        else
                fprintf(f, "Usage: hostdev [-q] unbind [--force] [--dry-run] DEVICE...\n\n"
                           "Give the IOMMU groups of DEVICEs back to the drivers recorded at bind: clear\n"
                           "driver_override, unbind vfio-pci, reprobe, verify.  Refuses while a VM holds\n"
                           "the group.\n\n"
                           "  -f, --force          unbind even while the group is held, or when\n"
                           "                       hostdev cannot tell whether it is\n"
                           "      --dry-run        print the sysfs writes, in order; change nothing\n"
                           "  -q, --quiet          no line on success\n"
                           "  -h, --help           this help\n\n"
                           "Exit status: 0 done (or nothing to do), 1 error (rolled back), 2 usage,\n"
                           "3 refused (a VM holds the group, or not a PCI function).\n");
}

/* Take bind's or unbind's options into O.  Returns: -1 to go on, or an exit code. */
static int take_bind_opts(struct cli *cli, int argc, char **argv, bool bind, struct hd_bind_opts *o)
{
        static const struct option opts[] = {
                { "force", no_argument, NULL, 'f' },
                { "dry-run", no_argument, NULL, OPT_DRY_RUN },
                { "timeout", required_argument, NULL, 't' },
                { "owner", required_argument, NULL, OPT_OWNER },
                { "iommufd", no_argument, NULL, OPT_IOMMUFD },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, bind ? "ft:qh" : "fqh", opts, NULL)) >= 0) {
                switch (c) {
                case 'f': o->force = true; break;
                case 'q': cli->quiet = true; break;
                case OPT_DRY_RUN: o->dry_run = true; break;
                case 't':
                        if (!bind || cli_parse_timeout(optarg, &o->timeout_ms) < 0) {
                                cli_err(bind ? "--timeout: want seconds, got '%s'"
                                             : "unbind takes no --timeout", optarg);
                                return EXIT_USAGE;
                        }
                        break;
                case OPT_OWNER:
                        if (!bind) {
                                cli_err("unbind takes no --owner");
                                return EXIT_USAGE;
                        }
                        o->owner = optarg;
                        break;
                case OPT_IOMMUFD:
                        if (!bind) {
                                cli_err("unbind takes no --iommufd");
                                return EXIT_USAGE;
                        }
                        o->iommufd = true;
                        break;
                case 'h': bind_usage(stdout, argv[0]); return EXIT_OK;
                default: bind_usage(stderr, argv[0]); return EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                cli_err("%s: which device? see hostdev %s --help", argv[0], argv[0]);
                return EXIT_USAGE;
        }
        return -1;
}

/* The waiting notice of a bind that prints its result: started, or not */
static bool notice_start(struct report *rep, pthread_t *waiter)
{
        return rep->waiting_for[0] && pthread_create(waiter, NULL, wait_notice, rep) == 0;
}

static void notice_stop(struct report *rep, pthread_t waiter)
{
        pthread_mutex_lock(&rep->lock);
        rep->done = true;
        pthread_cond_signal(&rep->done_cond);
        pthread_mutex_unlock(&rep->lock);
        pthread_join(waiter, NULL);
}

/* hostdev bind and hostdev unbind (ARGV[0]) */
int cmd_bind(struct cli *cli, int argc, char **argv)
{
        bool bind = strcmp(argv[0], "bind") == 0, waiting = false;
        struct report rep;
        struct hd_bind_opts o;
        struct hd_dev **devs = NULL;
        pthread_t waiter;
        size_t n;
        int r;

        hd_bind_opts_init(&o);
        r = take_bind_opts(cli, argc, argv, bind, &o);
        if (r >= 0)
                return r;
        if (cli_scan(cli) < 0 || cli_resolve(cli, argc - optind, argv + optind, &devs) < 0)
                return EXIT_ERROR;
        n = (size_t)(argc - optind);
        report_init(&rep, cli, argv[0], &o);
        groups_of(devs, n, rep.waiting_for, sizeof(rep.waiting_for));
        if (bind && !o.dry_run && !cli->quiet)
                waiting = notice_start(&rep, &waiter);
        r = bind ? hd_bind(cli->ctx, devs, n, &o) : hd_unbind(cli->ctx, devs, n, &o);
        if (waiting)
                notice_stop(&rep, waiter);
        r = finish(cli, &rep, r, devs, n);
        free(devs);
        return r;
}

static void restore_usage(FILE *f)
{
        fputs("Usage: hostdev restore [--all] [--force] [--dry-run]\n"
              "       hostdev restore --discard\n\n"
              "Finish an unbind or revert a bind that a crashed or killed hostdev left\n"
              "in SYSROOT/run/hostdev/state.json.  With --all, also give every group\n"
              "hostdev bound back to its recorded drivers.  Every entry is checked first\n"
              "(a PCI function of this host in the recorded group, plain driver names,\n"
              "the driver a loaded one, the function on vfio-pci, on no driver or on the\n"
              "recorded one); a journal that fails, is a symlink or not a regular file\n"
              "(or, on the live host, not owned by root) is refused: nothing is written.\n\n"
              "  -a, --all            restore everything hostdev recorded\n"
              "  -f, --force          even groups a VM holds, or whose use cannot be told\n"
              "      --dry-run        print the sysfs writes, in order; change nothing\n"
              "      --discard        after inspecting a refused journal (and putting the\n"
              "                       devices back by hand): set it aside as\n"
              "                       state.json.discarded; writes nothing to sysfs\n"
              "  -q, --quiet          no line on success\n"
              "  -h, --help           this help\n\n"
              "Exit status: 0 done (or nothing to do), 1 error (journal refused, a device\n"
              "failed), 2 usage, 3 refused (in use).\n", f);
}

/* restore --discard: the refused journal set aside */
static int restore_discard(struct cli *cli)
{
        int r = hd_journal_discard(cli->ctx);

        if (r < 0) {
                cli_err("restore --discard: %s", hd_ctx_get_error(cli->ctx));
                return EXIT_ERROR;
        }
        printf("%s\n", r ? "journal set aside as run/hostdev/state.json.discarded"
                          : "no journal to discard");
        return EXIT_OK;
}

int cmd_restore(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "all", no_argument, NULL, 'a' },
                { "force", no_argument, NULL, 'f' },
                { "dry-run", no_argument, NULL, OPT_DRY_RUN },
                { "discard", no_argument, NULL, OPT_DISCARD },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct report rep;
        struct hd_bind_opts o;
        bool all = false, discard = false;
        int c, r;

        hd_bind_opts_init(&o);
        while ((c = getopt_long(argc, argv, "afqh", opts, NULL)) >= 0) {
                switch (c) {
                case 'a': all = true; break;
                case 'f': o.force = true; break;
                case 'q': cli->quiet = true; break;
                case OPT_DRY_RUN: o.dry_run = true; break;
                case OPT_DISCARD: discard = true; break;
                case 'h': restore_usage(stdout); return EXIT_OK;
                default:
                        fprintf(stderr, "Usage: hostdev restore [--all] [--force] [--dry-run] | --discard\n");
                        return EXIT_USAGE;
                }
        }
        if (optind < argc) {
                cli_err("restore takes no devices (use unbind DEVICE, or restore --all)");
                return EXIT_USAGE;
        }
        if (discard && (all || o.force || o.dry_run)) {
                cli_err("restore --discard takes no other option");
                return EXIT_USAGE;
        }
        if (discard)
                return restore_discard(cli);
        if (cli_scan(cli) < 0)
                return EXIT_ERROR;
        report_init(&rep, cli, argv[0], &o);
        r = all ? hd_restore_all(cli->ctx, &o) : hd_recover(cli->ctx, &o);
        return finish(cli, &rep, r, NULL, 0);
}
