/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The recording loader's parser (src/fixture.c) over a memory buffer:
 * lines, blocks, unescaping, hex, names and link targets; nothing written. */
#include "fuzz.h"

#include "hostdev-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct hd_ctx *ctx = fz_ctx();
        int r = hd__fixture_load_mem(ctx, data, size, NULL);

        if (r < 0 && r != -ENOMEM)
                abort();        /* a recording is never refused whole for its content */
        hd_ctx_unref(ctx);
        return 0;
}
