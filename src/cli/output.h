/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Table, tree and JSON output of devices, from one row model. */
#ifndef HOSTDEV_OUTPUT_H
#define HOSTDEV_OUTPUT_H
#include <cjson/cJSON.h>
#include "cli.h"

struct column {
        const char *name;
        char *(*get)(struct hd_dev *d);         /* malloc'd raw cell text */
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
};

/* The options every verb that prints a table shares: -J -o -O -n -r -P -i -T
 * (and --tree); the long options' codes are the letters. */
#define OUT_SHORT_OPTS "Jo:OnrPiT"
#define OUT_LONG_OPTS                                            \
        { "json", no_argument, NULL, 'J' },                      \
        { "output", required_argument, NULL, 'o' },              \
        { "output-all", no_argument, NULL, 'O' },                \
        { "noheadings", no_argument, NULL, 'n' },                \
        { "raw", no_argument, NULL, 'r' },                       \
        { "pairs", no_argument, NULL, 'P' },                     \
        { "ascii", no_argument, NULL, 'i' },                     \
        { "tree", no_argument, NULL, 'T' }
/* Take option C (with ARG) into O.  Returns 1 taken, 0 not one of these. */
int out_take_opt(struct out_opts *o, int c, const char *arg);
/* After parsing: the locale decides the tree's lines unless -i.  Returns 0,
 * or -1 after a message for conflicting formats. */
int out_opts_finish(struct out_opts *o);
/* The columns of O (-o, -O or the default); -1 after a message. */
int out_select_columns(const struct out_opts *o, const struct column **sel, size_t *nsel);
/* Print ROWS as a table, raw, pairs or (with -o/-O) JSON of the columns.
 * SHOW (by device index, may be NULL) decides the tree's siblings. */
int out_rows(struct cli *cli, const struct out_opts *o, struct hd_dev *const *rows, size_t n,
             const bool *show);
/* One device as a JSON object of the selected columns (lower-case keys;
 * empty cells are null). */
cJSON *out_json_columns(const struct column *const *sel, size_t nsel, struct hd_dev *d);
/* Is D selected by O's --type, -d and --class?  (-1 after a message for a bad -d) */
int out_dev_selected(const struct out_opts *o, struct hd_dev *d);
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
/* Node colours by the judge's verdict on every shown device (index order);
 * malloc'd, NULL after a message. */
#define OUT_FILL_ELIGIBLE "#c6efc6"
#define OUT_FILL_REFUSED "#f6c6c6"
#define OUT_FILL_AFFECTED "#ffe08a"
#define OUT_FILL_PART "#e8e8e8"
#define OUT_DOT_LEGEND "green: eligible for passthrough; red: not eligible; grey: goes only with its parent " \
                       "(bridge, hub, interface, disk, ...); dashed boxes: IOMMU groups"
const char **out_eligibility_fill(struct cli *cli, const bool *show, size_t n);
int out_eligible_filter(struct cli *cli, bool *show, size_t n);
/* A JSON document's root object, with its "version" key. */
cJSON *out_json_root(void);
/* Is the locale's character set UTF-8? */
bool out_locale_utf8(void);

int out_devices(struct cli *cli, const struct out_opts *o);
void out_list_columns(const struct column *columns);
/* A device's properties as a JSON object (strings made valid UTF-8). */
cJSON *out_json_device(struct hd_dev *d);
/* Add a string that may hold attacker-controlled bytes. */
void out_json_add_string(cJSON *obj, const char *key, const char *s);
/* Write JSON text with DEL and C1 controls (valid UTF-8, which cJSON leaves
 * raw, but terminal escapes all the same) as \u escapes. */
void out_put_json(FILE *f, const char *s, size_t len);
/* Print and free a JSON document; returns 0 or -1. */
int out_print_json(cJSON *root);
/* The same, FORMATTED or on one line. */
int out_print_json_fmt(cJSON *root, bool formatted);
#endif
