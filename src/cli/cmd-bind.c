/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostdev bind / unbind / restore: thin wrappers around hd_bind(),
 * hd_unbind(), hd_restore_all() and hd_recover().  One line per problem on
 * stderr; --dry-run prints the planned sysfs writes on stdout, in order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct report {
        bool dry_run;
        int verbose;
        int problems;
};

/* "write PATH VALUE" with VALUE in double quotes, C-escaped ("\n" clears). */
static void put_write(FILE *f, const char *path, const char *value)
{
        fputs("write ", f);
        cli_put_text(f, path);
        fputs(" \"", f);
        for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
                if (*p == '\n')
                        fputs("\\n", f);
                else if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p < 0x20 || *p == 0x7f)
                        fprintf(f, "\\x%02x", *p);
                else
                        fputc(*p, f);
        }
        fputs("\"\n", f);
}

static void on_write(void *data, const char *path, const char *value)
{
        struct report *rep = data;

        if (rep->dry_run) {
                put_write(stdout, path, value);
        } else if (rep->verbose) {
                fputs("hostdev: ", stderr);
                put_write(stderr, path, value);
        }
}

static void on_problem(void *data, const char *message)
{
        struct report *rep = data;

        rep->problems++;
        cli_err("%s", message);
}

/* Exit code for a library result; prints the error when no problem line did. */
static int finish(struct cli *cli, const struct report *rep, const char *verb, int r)
{
        if (r >= 0)
                return EXIT_OK;
        if (!rep->problems)
                cli_err("%s: %s", verb, *hd_ctx_get_error(cli->ctx) ? hd_ctx_get_error(cli->ctx)
                                                                     : strerror(-r));
        return r == -EPERM ? EXIT_UNSAFE : EXIT_ERROR;
}

static void bind_usage(FILE *f, const char *verb)
{
        if (strcmp(verb, "bind") == 0)
                fprintf(f, "Usage: hostdev bind [--force] [--dry-run] [--timeout SEC] [--owner USER[:GROUP]] DEVICE...\n\n"
                           "Bind every endpoint of the IOMMU groups of DEVICEs to vfio-pci (bridges keep\n"
                           "their driver), verify it, and wait for /dev/vfio/<group>.  Idempotent.  Any\n"
                           "failure rolls back.  Originals are recorded under SYSROOT/run/hostdev/.\n\n"
                           "  -f, --force          bind although the judge says the device is not eligible\n"
                           "                       (only errors the judge documents as forcible)\n"
                           "      --dry-run        print the sysfs writes, in order; change nothing\n"
                           "  -t, --timeout SEC    wait this long for /dev/vfio/<group> (default 10)\n"
                           "  -o, --owner U[:G]    hand /dev/vfio/<group> to user U (and group G)\n"
                           "  -h, --help           this help\n\n"
                           "Refuses (exit 3) also where it cannot tell whether a device of the groups is\n"
                           "in use (no proc/, unreadable mountinfo or proc/PID/fd), unless --force.\n\n"
                           "Exit status: 0 bound (or already), 1 error (rolled back), 3 not eligible.\n");
        else
                fprintf(f, "Usage: hostdev unbind [--force] [--dry-run] DEVICE...\n\n"
                           "Give the IOMMU groups of DEVICEs back to the drivers recorded at bind: clear\n"
                           "driver_override, unbind vfio-pci, reprobe, verify.  Refuses while a VM holds\n"
                           "the group.\n\n"
                           "  -f, --force          unbind even while the group is held, or when\n"
                           "                       hostdev cannot tell whether it is\n"
                           "      --dry-run        print the sysfs writes, in order; change nothing\n"
                           "  -h, --help           this help\n\n"
                           "Exit status: 0 done (or nothing to do), 1 error (rolled back), 3 held.\n");
}

static int parse_timeout(const char *s, int *ms)
{
        char *end;
        double v;

        errno = 0;
        v = strtod(s, &end);
        if (errno || end == s || *end || !(v >= 0) || v > 86400)
                return -1;
        *ms = (int)(v * 1000 + 0.5);
        return 0;
}

static int bind_or_unbind(struct cli *cli, int argc, char **argv, bool bind)
{
        static const struct option opts[] = {
                { "force", no_argument, NULL, 'f' },
                { "dry-run", no_argument, NULL, 'N' },
                { "timeout", required_argument, NULL, 't' },
                { "owner", required_argument, NULL, 'o' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct report rep = { .verbose = cli->verbose };
        struct hd_bind_opts o;
        struct hd_dev **devs = NULL;
        int c, r;

        hd_bind_opts_init(&o);
        while ((c = getopt_long(argc, argv, bind ? "ft:o:h" : "fh", opts, NULL)) >= 0) {
                switch (c) {
                case 'f': o.force = true; break;
                case 'N': o.dry_run = true; break;
                case 't':
                        if (!bind || parse_timeout(optarg, &o.timeout_ms) < 0) {
                                cli_err(bind ? "--timeout: want seconds, got '%s'"
                                             : "unbind takes no --timeout", optarg);
                                return EXIT_USAGE;
                        }
                        break;
                case 'o':
                        if (!bind) {
                                cli_err("unbind takes no --owner");
                                return EXIT_USAGE;
                        }
                        o.owner = optarg;
                        break;
                case 'h': bind_usage(stdout, argv[0]); return EXIT_OK;
                default: bind_usage(stderr, argv[0]); return EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                cli_err("%s: which device? see hostdev %s --help", argv[0], argv[0]);
                return EXIT_USAGE;
        }
        rep.dry_run = o.dry_run;
        o.on_write = on_write;
        o.on_problem = on_problem;
        o.data = &rep;
        if (cli_scan(cli) < 0)
                return EXIT_ERROR;
        if (cli_resolve(cli, argc - optind, argv + optind, &devs) < 0)
                return EXIT_ERROR;
        r = bind ? hd_bind(cli->ctx, devs, (size_t)(argc - optind), &o)
                 : hd_unbind(cli->ctx, devs, (size_t)(argc - optind), &o);
        free(devs);
        return finish(cli, &rep, argv[0], r);
}

int cmd_bind(struct cli *cli, int argc, char **argv)
{
        return bind_or_unbind(cli, argc, argv, true);
}

int cmd_unbind(struct cli *cli, int argc, char **argv)
{
        return bind_or_unbind(cli, argc, argv, false);
}

int cmd_restore(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "all", no_argument, NULL, 'a' },
                { "force", no_argument, NULL, 'f' },
                { "dry-run", no_argument, NULL, 'N' },
                { "discard", no_argument, NULL, 'D' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct report rep = { .verbose = cli->verbose };
        struct hd_bind_opts o;
        bool all = false, discard = false;
        int c, r;

        hd_bind_opts_init(&o);
        while ((c = getopt_long(argc, argv, "afh", opts, NULL)) >= 0) {
                switch (c) {
                case 'a': all = true; break;
                case 'f': o.force = true; break;
                case 'N': o.dry_run = true; break;
                case 'D': discard = true; break;
                case 'h':
                        printf("Usage: hostdev restore [--all] [--force] [--dry-run]\n"
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
                               "  -h, --help           this help\n\n"
                               "Exit status: 0 done, 1 error (journal refused, a device failed), 3 in use.\n");
                        return EXIT_OK;
                default:
                        fprintf(stderr, "Usage: hostdev restore [--all] [--force] [--dry-run] | --discard\n");
                        return EXIT_USAGE;
                }
        }
        if (optind < argc) {
                cli_err("restore takes no devices (use unbind DEVICE, or restore --all)");
                return EXIT_USAGE;
        }
        if (discard) {
                if (all || o.force || o.dry_run) {
                        cli_err("restore --discard takes no other option");
                        return EXIT_USAGE;
                }
                r = hd_journal_discard(cli->ctx);
                if (r < 0) {
                        cli_err("restore --discard: %s", hd_ctx_get_error(cli->ctx));
                        return EXIT_ERROR;
                }
                printf("%s\n", r ? "journal set aside as run/hostdev/state.json.discarded"
                          : "no journal to discard");
                return EXIT_OK;
        }
        rep.dry_run = o.dry_run;
        o.on_write = on_write;
        o.on_problem = on_problem;
        o.data = &rep;
        if (cli_scan(cli) < 0)
                return EXIT_ERROR;
        r = all ? hd_restore_all(cli->ctx, &o) : hd_recover(cli->ctx, &o);
        return finish(cli, &rep, argv[0], r);
}
