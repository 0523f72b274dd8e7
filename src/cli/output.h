/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The output of the verbs that list devices.  output.c: tables (also raw
 * and KEY="value" pairs) and the text tree from the column table (struct
 * column, -o/-O); JSON either of those columns (with -o/-O) or of every
 * device property (out_json_device; list -J streams it).  dot.c: Graphviz.
 * eligible.c: the judge's verdicts for list --eligible and the colours.
 */
#ifndef HOSTDEV_OUTPUT_H
#define HOSTDEV_OUTPUT_H
#include <cjson/cJSON.h>
#include "cli.h"

struct column {
        const char *name;
        /* malloc'd raw cell text; DATA: the verb's (struct out_opts' data) */
        char *(*get)(struct hd_dev *d, const void *data);
        const char *help;
};

/* The format of the JSON outputs; scripts check the top-level "version"
 * key (doc/json.md, doc/schema/).  Raised when a key changes meaning or
 * goes away; new keys may come without a raise. */
#define OUT_JSON_VERSION 1

enum out_format { OUT_TABLE, OUT_RAW, OUT_PAIRS, OUT_JSON, OUT_DOT };

struct out_opts {
        const struct column *columns;
        const char *colspec;                    /* -o, or the verb's default */
        bool columns_given;                     /* -o or -O: JSON keys are the columns */
        bool output_all;                        /* -O */
        enum out_format fmt;
        bool tree, ascii, noheadings, eligible;
        int type;                               /* -1: all */
        const char *id_spec;                    /* -d [VENDOR]:[DEVICE][:CLASS] */
        const char *class_name;                 /* --class NAME */
        const void *data;                       /* for the columns' getters */
};

/* The options every verb that prints a table shares: -J -o -O -n -r -P -i -T
 * (the long options' codes are the letters), --dot and --list-columns. */
#define OUT_SHORT_OPTS "Jo:OnrPiT"
#define OUT_LONG_OPTS                                            \
        { "json", no_argument, NULL, 'J' },                      \
        { "output", required_argument, NULL, 'o' },              \
        { "output-all", no_argument, NULL, 'O' },                \
        { "noheadings", no_argument, NULL, 'n' },                \
        { "raw", no_argument, NULL, 'r' },                       \
        { "pairs", no_argument, NULL, 'P' },                     \
        { "ascii", no_argument, NULL, 'i' },                     \
        { "tree", no_argument, NULL, 'T' },                      \
        { "dot", no_argument, NULL, OPT_DOT },                   \
        { "list-columns", no_argument, NULL, OPT_LIST_COLUMNS }
/* ---------------------------------------------------------------- output.c */
/* Take option C (with ARG) into O; --list-columns prints O's columns.
 * Returns: 1 taken, 2 the columns printed (the verb exits 0), 0 not one of these. */
int out_take_opt(struct out_opts *o, int c, const char *arg);
/* After parsing: the locale decides the tree's lines unless -i.  Returns 0,
 * or -1 after a message for conflicting formats. */
int out_opts_finish(struct out_opts *o);
/* Is the locale's character set UTF-8? */
bool out_locale_utf8(void);
/* Print the names and help of COLUMNS (--list-columns). */
void out_list_columns(const struct column *columns);
/* The columns of O (-o, -O or the default); -1 after a message. */
int out_select_columns(const struct out_opts *o, const struct column **sel, size_t *nsel);
/* Is D selected by O's --type, -d and --class?  (-1 after a message for a bad -d) */
int out_dev_selected(const struct out_opts *o, struct hd_dev *d);
/* Print ROWS as a table, raw, pairs or (with -o/-O) JSON of the columns.
 * SHOW (by device index, may be NULL) decides the tree's siblings. */
int out_rows(struct cli *cli, const struct out_opts *o, struct hd_dev *const *rows, size_t n,
             const bool *show);
/* hostdev list: the devices O selects in O's format.  Returns: 0 or -1. */
int out_devices(struct cli *cli, const struct out_opts *o);

/* One device as a JSON object of the selected columns (lower-case keys;
 * empty cells are null); DATA for their getters. */
cJSON *out_json_columns(const struct column *const *sel, size_t nsel, struct hd_dev *d,
                        const void *data);
/* A device's properties as a JSON object (strings made valid UTF-8). */
cJSON *out_json_device(struct hd_dev *d);
/* Add a string that may hold attacker-controlled bytes. */
void out_json_add_string(cJSON *obj, const char *key, const char *s);
/* A JSON document's root object, with its "version" key. */
cJSON *out_json_root(void);
/* Write JSON text with DEL and C1 controls (valid UTF-8, which cJSON leaves
 * raw, but terminal escapes all the same) as \u escapes. */
void out_put_json(FILE *f, const char *s, size_t len);
/* Print and free a JSON document; returns 0 or -1. */
int out_print_json(cJSON *root);
/* The same, FORMATTED or on one line. */
int out_print_json_fmt(cJSON *root, bool formatted);

/* ---------------------------------------------------------------- dot.c */
/* Graphviz of devices: SHOW (by index) the nodes, tree edges, IOMMU groups
 * as clusters, FILL (by index, may hold NULL) the node colours; HIGHLIGHT
 * (by index, may be NULL) drawn bold. */
int out_dot(struct cli *cli, const bool *show, const char *const *fill, const bool *highlight,
            const char *title);
/* The arrays out_dot() takes, one entry per device index */
struct out_dot_marks {
        bool *show, *bold;
        const char **fill;
};
/* All false and NULL.  Returns: 0, or -1 after a message. */
int out_dot_marks_init(struct cli *cli, struct out_dot_marks *m);
void out_dot_marks_free(struct out_dot_marks *m);
#define OUT_FILL_ELIGIBLE "#c6efc6"
#define OUT_FILL_REFUSED "#f6c6c6"
#define OUT_FILL_AFFECTED "#ffe08a"
#define OUT_FILL_PART "#e8e8e8"
#define OUT_DOT_LEGEND "green: eligible for passthrough; red: not eligible; grey: goes only with its parent " \
                       "(bridge, hub, interface, disk, ...); dashed boxes: IOMMU groups"

/* ---------------------------------------------------------------- eligible.c */
/* Node colours by the judge's verdict on every shown device (SHOW by index,
 * N): malloc'd, by index; NULL after a message. */
const char **out_eligibility_fill(struct cli *cli, const bool *show, size_t n);
/* list --eligible: clear SHOW (by index, N) where the judge says not
 * eligible.  Returns: 0, or -1 after a message. */
int out_eligible_filter(struct cli *cli, bool *show, size_t n);
#endif
