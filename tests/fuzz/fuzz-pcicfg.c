/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Config-space decoding (src/policy-pci.c): a dump of up to 4096 bytes
 * through libpci's capability walk and hostdev's own checks. */
#include "fuzz.h"

#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"

static struct hd_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        char dir[] = "/tmp/hostdev-fuzz-pcicfg-XXXXXX", sys[64];

        (void)argc; (void)argv;
        if (!mkdtemp(dir))
                abort();
        snprintf(sys, sizeof(sys), "%s/sys", dir);
        if (mkdir(sys, 0755) < 0)
                abort();
        ctx = fz_ctx();
        if (hd_ctx_set_sysroot(ctx, dir) < 0)    /* an empty one: libpci reads no host file */
                abort();
        rmdir(sys);
        rmdir(dir);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct hd__pcicfg c, again;

        hd__pcicfg_parse(ctx, data, size, &c);
        /* the per-context libpci handle keeps nothing from one dump to the next */
        hd__pcicfg_parse(ctx, data, size, &again);
        if (c.ok != again.ok || c.pcie != again.pcie || c.flr != again.flr ||
            c.af_flr != again.af_flr || c.pm_reset != again.pm_reset || c.acs != again.acs ||
            c.acs_cap != again.acs_cap || c.acs_ctrl != again.acs_ctrl ||
            strcmp(c.why, again.why) != 0)
                abort();
        if ((c.flr && !c.pcie) || (c.pm_reset && !c.pm) || (c.port_type != -1 && !c.pcie))
                abort();
        if (!c.ok && !c.why[0])
                abort();                /* "unknown" always says why */
        if (c.ok && size < 64)
                abort();
        if (c.acs && !c.ext_ok)
                abort();
        if (c.ext_ok && (!c.pcie || c.len < 0x104))
                abort();
        if (c.len > 4096)
                abort();
        return 0;
}
