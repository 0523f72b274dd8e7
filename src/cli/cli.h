/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hostdev command: shared declarations of the verb files. */
#ifndef HOSTDEV_CLI_H
#define HOSTDEV_CLI_H
#include <stdbool.h>
#include <stdio.h>
#include "hostdev.h"

/* One meaning each, the same for every verb (hostdev --help, hostdev(8)). */
enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_REFUSED = 3, EXIT_CHANGES = 4 };
#define EXIT_UNSAFE EXIT_REFUSED

/* Long-only options' codes, one value each across all verbs. */
enum {
        OPT_CLASS = 0x100, OPT_TYPE, OPT_LIST_COLUMNS, OPT_DOT, OPT_DRY_RUN, OPT_NUMERIC, OPT_OWNER,
        OPT_SYSROOT, OPT_DISCARD, OPT_IOMMUFD,
};
/* Device selection shared by list and check: -d, --class, --type. */
#define CLI_SELECT_OPTS                                          \
        { "device", required_argument, NULL, 'd' },              \
        { "class", required_argument, NULL, OPT_CLASS },           \
        { "type", required_argument, NULL, OPT_TYPE }

/* Global options, parsed before the verb. */
struct cli {
        struct hd_ctx *ctx;
        const char *sysroot;    /* NULL: live host (or $HOSTDEV_SYSROOT) */
        bool numeric;           /* --numeric: no name lookups */
        bool quiet;             /* -q: no success messages */
        int verbose;
        bool scanned;           /* cli_scan() has run */
};

/* Every verb: ARGV[0] is the verb itself; parse with getopt_long; return an exit code. */
typedef int (*cli_verb_fn)(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_groups(struct cli *cli, int argc, char **argv);
/* qemu and xml, bind and unbind: one function each pair, told apart by ARGV[0] */
int cmd_emit(struct cli *cli, int argc, char **argv);
int cmd_bind(struct cli *cli, int argc, char **argv);
int cmd_restore(struct cli *cli, int argc, char **argv);
int cmd_fixture(struct cli *cli, int argc, char **argv);
int cmd_persist(struct cli *cli, int argc, char **argv);
int cmd_forget(struct cli *cli, int argc, char **argv);
int cmd_apply(struct cli *cli, int argc, char **argv);
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_softdep(struct cli *cli, int argc, char **argv);
int cmd_mdev(struct cli *cli, int argc, char **argv);
int cmd_sriov(struct cli *cli, int argc, char **argv);
/* cmd-mdev.c: what show adds for an mdev parent (types) and an SR-IOV PF (counts) */
struct cJSON;
void cli_show_mdev_text(struct cli *cli, struct hd_dev *d);
void cli_show_mdev_json(struct cli *cli, struct hd_dev *d, struct cJSON *o);
int cmd_metrics(struct cli *cli, int argc, char **argv);

int cmd_prepare(struct cli *cli, int argc, char **argv);
int cmd_release(struct cli *cli, int argc, char **argv);

/* ---------------------------------------------------------------- common.c
 * What every verb shares (cmd-apply.c and cmd-metrics.c too). */
/* Print "hostdev: MSG" on stderr (one line, escaped for the terminal). */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print S to F with control characters and invalid UTF-8 escaped. */
void cli_put_text(FILE *f, const char *s);
/* N+1 zeroed elements of SIZE (room for a terminator; never calloc(0)).
 * Returns: the memory, or NULL after printing "out of memory". */
void *cli_calloc(size_t n, size_t size);
/* The message of a failed library call R: the context's, or strerror(-R). */
const char *cli_lib_msg(struct cli *cli, int r);
/* After a failed library call R: unless SAID (a problem line has said it),
 * print "WHAT: message" (only the message when WHAT is NULL).
 * Returns: the exit code, EXIT_REFUSED for -EPERM, else EXIT_ERROR. */
int cli_lib_fail(struct cli *cli, const char *what, int r, bool said);
/* Scan the sysroot (once per run); on failure print the error and return -1. */
int cli_scan(struct cli *cli);
/* Resolve NAMES (node names, PCI addresses, USB sysnames, sgN) into devices;
 * prints one line naming the first unknown and returns -1.  *ret is malloc'd. */
int cli_resolve(struct cli *cli, int n, char **names, struct hd_dev ***ret);
/* Scan, then the one device NAME (as cli_resolve).  Returns: NULL after a message. */
struct hd_dev *cli_find_one(struct cli *cli, const char *name);
/* Exit code for a failed library call R on DEVS (N, may be 0): 3 when the
 * library refused (-EPERM: the judge, or a held group) or, on -EINVAL, the
 * judge finds a device not eligible or PCI_ONLY and a device is not a PCI
 * function; 1 otherwise. */
int cli_exit_for(struct cli *cli, int r, struct hd_dev *const *devs, size_t n, bool pci_only);
/* --timeout SEC (0 to 86400, fractions allowed) into *MS.  Returns: 0 or -1. */
int cli_parse_timeout(const char *s, int *ms);
/* "write PATH "VALUE"" and a newline: PATH escaped, VALUE C-escaped ("\n"
 * for the newline that clears, \xHH outside printable ASCII). */
void cli_put_write(FILE *f, const char *path, const char *value);
/* "wait NODE for ADDRESS" and a newline, both escaped: the wait for a
 * function's iommufd cdev; NODE NULL (its number not known before vfio-pci
 * drives the function) gives /dev/vfio/devices/vfioN. */
void cli_put_wait(FILE *f, const char *address, const char *node);

/* What a writing verb hears from the library (struct hd_bind_opts). */
struct cli_sink {
        bool dry_run;           /* each planned write on stdout */
        int verbose;            /* each write made on stderr */
        int problems;           /* problem lines printed */
};
/* on_write: a planned write (dry run) on stdout, a made one (verbose) on stderr */
void cli_on_write(void *sink, const char *path, const char *value);
/* on_problem: the line on stderr, counted */
void cli_on_problem(void *sink, const char *message);
/* on_cdev: a planned cdev wait (dry run) on stdout, a cdev ready (verbose) on stderr */
void cli_on_cdev(void *sink, const char *address, const char *node);
/* Take O's dry_run into S and make S O's listener (on_write, on_problem, on_cdev, data). */
void cli_sink_attach(struct cli_sink *s, struct hd_bind_opts *o);

/* ---------------------------------------------------------------- cmd-list.c */
struct out_opts;
/* Take a selection option (-d, --class, --type) into O: 1 taken, 0 not one,
 * -1 after a message. */
int cli_take_select(struct out_opts *o, int c, const char *arg);
#endif
