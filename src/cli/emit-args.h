/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The emitter options shared by hostdev qemu, xml and prepare (emit-args.c). */
#ifndef HOSTDEV_EMIT_ARGS_H
#define HOSTDEV_EMIT_ARGS_H
#include <getopt.h>
#include "cli.h"

enum emit_kind { EMIT_QEMU = 1, EMIT_XML = 2 };

struct emit_args {
        enum emit_kind kind;    /* what the verb prints */
        struct hd_qemu_opts q;
        struct hd_xml_opts x;
        const char *guest_bus;  /* as given: a QEMU id, or a libvirt index */
        bool json;              /* qemu -J: a JSON array */
        unsigned given;         /* EMIT_QEMU/EMIT_XML bits of options only one emitter takes */
        const char *only_qemu, *only_xml;       /* such an option's name, for the message */
};

/* getopt_long option codes of the shared options: EMIT_OPT_FIRST and up,
 * below EMIT_OPT_LAST; a verb's own long-only codes start above it */
#define EMIT_OPT_FIRST 256
#define EMIT_OPT_LAST 300
/* A verb's getopt_long table: its OWN options (terminated), then the shared
 * ones, terminated, in OUT[SIZE].  Returns: the number of options. */
size_t emit_opts_table(struct option *out, size_t size, const struct option *own);

void emit_args_init(struct emit_args *a, enum emit_kind kind);
/* Take option C with ARG.
 * Returns: 1 taken, 0 not a shared option, or -1 after printing a usage error. */
int emit_args_take(struct emit_args *a, int c, const char *arg);
/* The same for the shared option called NAME (without "--").
 * Returns: 0, or -1 after printing a usage error (or for an unknown NAME). */
int emit_args_take_name(struct emit_args *a, const char *name, const char *arg);
/* After the options: convert the guest bus for the chosen kind, refuse
 * options of the other emitter.  Returns: 0, or -1 after printing a usage error. */
int emit_args_finish(struct emit_args *a);
/* Print the help lines of the shared options for KIND. */
void emit_args_help(FILE *f, enum emit_kind kind);

/* Run the chosen emitter on DEVS.  Prints nothing; *argv (QEMU) or *xml.
 * Returns: 0 or a negative errno (message in the context). */
int emit_args_run(struct cli *cli, const struct emit_args *a, struct hd_dev **devs, size_t n,
                  struct hd_argv **argv, char **xml);
/* Print what emit_args_run() made, as qemu/xml print it.  Returns: an exit code. */
int emit_args_print(const struct emit_args *a, const struct hd_argv *argv, const char *xml);
#endif
