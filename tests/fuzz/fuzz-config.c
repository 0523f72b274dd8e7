/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The configuration parser (src/config.c hd_config_parse, hostdev.conf(5))
 * over a memory buffer: every entry it keeps has a canonical selector of a
 * known kind; a malformed line is an error, never a crash. */
#include "fuzz.h"

#include <errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct hd_ctx *ctx = fz_ctx();
        struct hd_config *c = NULL;
        char *text = fz_str(data, size);
        int r;

        if (hd_config_new(ctx, &c) < 0)
                abort();
        r = hd_config_parse(c, "fuzz.conf", text);
        if (r < 0 && r != -EINVAL && r != -ENOMEM)
                abort();
        if (r == -EINVAL && hd_config_get_n_errors(c) == 0)
                abort();        /* a refusal counts the bad lines */
        for (size_t i = 0; i < hd_config_get_n_entries(c); i++) {
                const struct hd_config_entry *e = hd_config_get_entry(c, i);
                if (!e || !e->selector || !*e->selector || !e->file ||
                    !hd_selector_kind_to_string(e->selector_kind) || e->n_match < 0 ||
                    e->n_match > 4)
                        abort();
                for (const char *p = e->selector; *p; p++)
                        if (*p >= 'A' && *p <= 'F')
                                abort();        /* canonical: lower-case hex */
        }
        hd_config_free(c);
        free(text);
        hd_ctx_unref(ctx);
        return 0;
}
