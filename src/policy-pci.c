/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI config space for the judge: reset capabilities (PCIe FLR, AF FLR, PM
 * No_Soft_Reset) and ACS.  The dump is read through the rooted path layer
 * (the `config` attribute below the device) and parsed here with bounded
 * walks: it is untrusted input.  libpci is not used for this on purpose: its
 * sysfs back end opens absolute paths, its error hook may not return, and a
 * failed read comes back as 0xff bytes, which would read as "FLR supported"
 * - a guess that says "safe".  Anything short or odd makes the result
 * "unknown" (cfg->ok = false, with the reason in cfg->why).
 */
#define _GNU_SOURCE
#include <limits.h>

#include "policy.h"

#define CFG_MAX 4096

static unsigned rd8(const unsigned char *b, size_t o) { return b[o]; }
static unsigned rd16(const unsigned char *b, size_t o) { return b[o] | (unsigned)b[o + 1] << 8; }
static uint32_t rd32(const unsigned char *b, size_t o)
{
        return b[o] | (uint32_t)b[o + 1] << 8 | (uint32_t)b[o + 2] << 16 | (uint32_t)b[o + 3] << 24;
}

static void unknown(struct hd__pcicfg *c, const char *fmt, ...) _printf_(2, 3);
static void unknown(struct hd__pcicfg *c, const char *fmt, ...)
{
        va_list ap;

        c->ok = false;
        va_start(ap, fmt);
        vsnprintf(c->why, sizeof(c->why), fmt, ap);
        va_end(ap);
}

static void parse_ext(const unsigned char *b, size_t len, struct hd__pcicfg *c)
{
        bool seen[CFG_MAX / 4] = { false };
        size_t pos = 0x100;

        if (len < 0x104)
                return;         /* ext_ok stays false: not in the dump */
        c->ext_ok = true;
        for (int ttl = 0; ttl < 1024 && pos >= 0x100 && pos + 4 <= len; ttl++) {
                uint32_t hdr = rd32(b, pos);
                unsigned id = hdr & 0xffff;
                size_t next = (hdr >> 20) & 0xffc;

                if (hdr == 0 || hdr == 0xffffffffu || seen[pos / 4])
                        break;
                seen[pos / 4] = true;
                if (id == 0x000d) {
                        if (pos + 8 > len) {
                                c->ext_ok = false;
                                return;
                        }
                        c->acs = true;
                        c->acs_cap = rd16(b, pos + 4);
                        c->acs_ctrl = rd16(b, pos + 6);
                }
                if (next == 0)
                        break;
                pos = next;
        }
}

void hd__pcicfg_parse(const unsigned char *b, size_t len, struct hd__pcicfg *c)
{
        bool seen[256] = { false };
        size_t pos;

        memset(c, 0, sizeof(*c));
        c->port_type = -1;
        c->len = len;
        c->ok = true;
        if (len < 64) {
                unknown(c, "config space holds %zu bytes, not even the header", len);
                return;
        }
        if (rd16(b, 0) == 0xffff) {
                unknown(c, "config space reads all ones (device gone or powered off)");
                return;
        }
        if (!(rd16(b, 0x06) & 0x10))
                return;         /* no capability list: nothing to find */
        pos = rd8(b, 0x34) & 0xfc;
        for (int ttl = 0; ttl < 48 && pos; ttl++) {
                unsigned id;
                if (pos < 0x40) {
                        unknown(c, "capability pointer 0x%02zx points into the header", pos);
                        return;
                }
                if (pos + 8 > len) {
                        unknown(c, "config space truncated at %zu bytes, capabilities at 0x%02zx unread",
                                len, pos);
                        return;
                }
                if (seen[pos])
                        break;
                seen[pos] = true;
                id = rd8(b, pos);
                switch (id) {
                case 0x01:      /* power management: PMCSR at +4 */
                        c->pm = true;
                        c->pm_reset = !(rd16(b, pos + 4) & 0x0008);
                        break;
                case 0x10:      /* PCI Express: caps at +2, DevCap at +4 */
                        c->pcie = true;
                        c->port_type = (int)((rd16(b, pos + 2) >> 4) & 0xf);
                        c->flr = (rd32(b, pos + 4) >> 28) & 1;
                        break;
                case 0x13:      /* advanced features: AF caps at +3 */
                        c->af_flr = (rd8(b, pos + 3) & 0x03) == 0x03;
                        break;
                default:
                        break;
                }
                pos = rd8(b, pos + 1) & 0xfc;
        }
        if (c->pcie)
                parse_ext(b, len, c);
}

void hd__pcicfg_read(struct hd_ctx *ctx, const struct hd_dev *dev, struct hd__pcicfg *c)
{
        char rel[PATH_MAX];
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r;

        memset(c, 0, sizeof(*c));
        c->port_type = -1;
        if (snprintf(rel, sizeof(rel), "%s/config", dev->path) >= (int)sizeof(rel)) {
                unknown(c, "config space path too long");
                return;
        }
        r = hd__read_alloc_at(hd__root_sysfd(hd__ctx_root(ctx)), rel, CFG_MAX, &buf, &len);
        if (r < 0) {
                unknown(c, "config space unreadable: %s", strerror(-r));
                return;
        }
        hd__pcicfg_parse((const unsigned char *)buf, len, c);
}
