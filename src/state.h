/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The binder's state and journal (state.c): SYSROOT/run/hostdev/state.json
 * records, for every PCI function hostdev has taken from its driver, the
 * driver and driver_override it had before, and whether that change is
 * complete ("bound") or in progress ("binding", "unbinding").  It is written
 * atomically before every change, under the exclusive lock
 * SYSROOT/run/hostdev/lock.  Private to the library: the binder (bind.c,
 * bind-mdev.c, state.c) writes it; apply, status and the judge read it.
 */
#ifndef HOSTDEV_STATE_H
#define HOSTDEV_STATE_H

#include <stdarg.h>

#include "hostdev-internal.h"

#define HD_STATE_DIR "run/hostdev"      /* relative to the sysroot */
#define HD_STATE_FILE "state.json"
#define HD_STATE_LOCK "lock"
#define HD_STATE_DISCARDED ".discarded"      /* hd_journal_discard(): state.json.discarded */

/* The journal of mdevs and VF counts (bind-mdev.c), beside state.json;
 * apply-mdev.c reads it to know what hostdev made. */
#define HD_MDEV_JOURNAL "mdev.json"
#define HD_MDEV_JOURNAL_MAX (1u << 20)
struct cJSON;
/* TEXT as an mdev journal (an object with a "changes" array) into *DOC.
 * Returns: 0, or -EINVAL with *DOC NULL when it is not one. */
int hd__mdev_journal_parse(const char *text, struct cJSON **doc);
/* state.c: the mdev journal in the state directory DIRFD, read as strictly as
 * state.json (hd__state_read_file; on the live host as the sysroot says) and
 * parsed into *DOC (DOC NULL: only checked).  hd__state_open checks it too
 * before the binder proper (not a dry run) goes on.  Every reader uses this.
 * Returns: 0 (*DOC NULL when there is none, or DIRFD < 0), or a negative
 * errno (one-line message in ctx). */
int hd__mdev_journal_read(struct hd_ctx *ctx, int dirfd, struct cJSON **doc);

enum hd__rec_state {
        HD__REC_BINDING,         /* a bind was in progress: revert it */
        HD__REC_BOUND,           /* on vfio-pci by our doing */
        HD__REC_UNBINDING,       /* an unbind was in progress: finish it */
};

struct hd__rec {
        char address[32];       /* DDDD:BB:SS.F */
        int group;
        char *driver;           /* original driver, NULL: none */
        char *override;         /* original driver_override, NULL: none */
        enum hd__rec_state state;
        long long since;        /* time of the record (seconds since the epoch) */
};

struct hd__state {
        int dirfd;              /* SYSROOT/run/hostdev, -1 when absent (dry run) */
        int lockfd;             /* -1 when not locked (dry run) */
        bool dry_run;           /* keep changes in memory */
        struct hd__rec **recs;
        size_t n, cap;
};

const char *hd__rec_state_to_string(enum hd__rec_state s);
/* A plain driver name ([A-Za-z0-9_][A-Za-z0-9_.+-]*, at most 64): what the
 * journal may name as a driver or driver_override. */
bool hd__driver_name_ok(const char *s);

/* Read NAME in the state directory DIRFD (at most MAX bytes) into *TEXT
 * (malloc'd): refused unless a regular file, not a symlink, and, on the LIVE
 * host, owned by root; HINT (what to do) ends every message.
 * Returns: 0, -ENOENT (no message) when there is none, or a negative errno
 * (message in ctx). */
int hd__state_read_file(struct hd_ctx *ctx, int dirfd, const char *name, size_t max, bool live,
                        const char *hint, char **text);

/* Open the state directory, take the lock (waiting up to LOCK_TIMEOUT_MS) and
 * load the journal.  DRY_RUN: create nothing, lock nothing, save nothing.
 * Refused (message saying what to do): a state directory or journal that is
 * a symlink or not a regular file/directory, a journal not owned by root on
 * the live host, any malformed field (hd__state_parse); unless DRY_RUN, also
 * an mdev journal hd__mdev_journal_read refuses.
 * Returns: 0 or a negative errno (message in ctx). */
int hd__state_open(struct hd_ctx *ctx, bool dry_run, int lock_timeout_ms, struct hd__state **ret);
/* Release the lock and free. Returns NULL. */
struct hd__state *hd__state_close(struct hd__state *s);
struct hd__rec *hd__state_find(const struct hd__state *s, const char *address);
/* Add a record (copying strings).  Returns: 0 or -ENOMEM; *ret borrowed. */
int hd__state_add(struct hd__state *s, const char *address, int group, const char *driver,
                  const char *override, enum hd__rec_state state, struct hd__rec **ret);
void hd__state_remove(struct hd__state *s, const char *address);
/* Parse journal TEXT (NUL-terminated) into S, appending records; every field
 * is range- and syntax-checked.  Touches nothing on disk (a fuzz target).
 * Returns: 0 or a negative errno (message in ctx). */
int hd__state_parse(struct hd_ctx *ctx, struct hd__state *s, const char *text);
/* Write the journal atomically (no-op in a dry run).  Returns: 0 or a negative errno. */
int hd__state_save(struct hd_ctx *ctx, struct hd__state *s);

/* bind.c: say what went wrong in a binder job (printf FMT, AP): to
 * OPTS->on_problem, else to the log; it also becomes CTX's error.
 * Returns: ERR (a negative errno). */
int hd__bind_vreport(struct hd_ctx *ctx, const struct hd_bind_opts *opts, int err,
                     const char *fmt, va_list ap) _printf_(4, 0);

/* bind-mdev.c: undo interrupted mdev and VF-count changes (ALL: also the
 * finished ones hostdev made), under the lock ST holds.  Returns: changed or -errno. */
int hd__mdev_restore(struct hd_ctx *ctx, struct hd__state *st, const struct hd_bind_opts *opts,
                     bool all);

/* apply-record.c: the wall clock in seconds; write the record of the last
 * apply of SCOPE (atomically; a failure is logged and returned). */
double hd__now(void);
int hd__apply_record(struct hd_ctx *ctx, enum hd_apply_scope scope, const struct hd_apply_record *rec);

#endif
