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

struct out_opts {
        const struct column *columns;
        const char *colspec;
        bool json, tree, eligible, noheadings;
        int type;                               /* -1: all */
};

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
