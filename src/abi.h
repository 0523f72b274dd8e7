/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * abi.h - the library's side of the options-struct rule of hostdev.h: every
 * caller-allocated options struct starts with `size_t size`, set by its
 * hd_*_opts_init() (or HD_*_OPTS_INIT), and each entry point checks it
 * before reading a field.
 */
#ifndef HOSTDEV_ABI_H
#define HOSTDEV_ABI_H

#include "hostdev-internal.h"

/* OPTS (NULL: the defaults, nothing to check) against the SIZE this library
 * knows for struct NAME.  A smaller size is a struct not filled by its init
 * function (or one from before 1.0); a larger one, from a newer hostdev.h,
 * is taken when every field this library does not know is zero, as Linux
 * takes extensible structs (copy_struct_from_user).
 * Returns: 0; -EINVAL or -E2BIG with a message in CTX. */
static inline int hd__opts_check(struct hd_ctx *ctx, const void *opts, size_t size, const char *name)
{
        const unsigned char *p = opts;
        size_t have;

        if (!opts)
                return 0;
        memcpy(&have, p, sizeof(have));
        if (have < size)
                return hd__error(ctx, -EINVAL, "struct %s: size %zu, want %zu: fill it with its init "
                                 "function before setting fields", name, have, size);
        for (size_t i = size; i < have; i++)
                if (p[i])
                        return hd__error(ctx, -E2BIG, "struct %s: set fields this hostdev (%s) "
                                         "does not know", name, HD_VERSION);
        return 0;
}

#define HD__OPTS_CHECK(ctx, opts, type) hd__opts_check(ctx, opts, sizeof(struct type), #type)

#endif
