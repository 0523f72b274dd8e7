/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI config space for the judge: reset capabilities (PCIe FLR, AF FLR, PM
 * No_Soft_Reset) and ACS.
 *
 * Who does what:
 *
 * - hostdev reads the dump itself, through the rooted path layer (the
 *   `config` attribute below the device, at most 4096 bytes), and validates
 *   it before libpci sees it: unreadable, shorter than the 64-byte header,
 *   or vendor 0xffff (all ones: device gone or powered off) => "unknown".
 *
 * - libpci does the rest on those same bytes: one `struct pci_access` per
 *   context (method linux-sysfs, "sysfs.path" = <sysroot>/sys/bus/pci), a
 *   pci_dev per device whose config cache (pci_setup_cache) is the validated
 *   dump padded with 0xff to 4096 bytes.  Every read is therefore served
 *   from that snapshot: libpci never opens the device's file by an absolute
 *   path, never reads a second, different copy, and the padding is exactly
 *   what libpci itself would return for a failed read.  Capability discovery
 *   is libpci's walk (pci_fill_info with PCI_FILL_CAPS|PCI_FILL_EXT_CAPS,
 *   loop-protected), lookup is pci_find_cap / pci_find_cap_nr, and
 *   registers are read with pci_read_byte/word/long at cap->addr + offset.
 *
 * - hostdev checks what libpci does not, so a short or odd dump never reads
 *   as "FLR supported" (0xff padding would): each pointer of the standard
 *   capability list is followed over libpci's list and must lie at or after
 *   0x40 (not in the header) and leave a whole 8-byte capability inside the
 *   dump, else "unknown"; a list entry libpci dropped (ID 0xff) and a
 *   duplicated PM, PCIe or AF capability are "unknown" too; no register is
 *   trusted unless offset + size lies inside the dump's length.  The
 *   extended list counts only as far as it stays at or above 0x100 and inside
 *   the dump; fewer than 0x104 bytes leave ACS unknown (cfg->ext_ok false), as
 *   does an ACS capability cut off by the end of the dump.
 *
 * - the handle follows pcilib.h: libpci's error hook longjmps back to the
 *   guard around every libpci call, and the device becomes "unknown";
 *   warnings and debug output are silenced.
 *
 * The result says "unknown" with cfg->ok = false and the reason in cfg->why.
 */
#define _GNU_SOURCE
#include <limits.h>
#include "pciaddr.h"
#include "pcilib.h"
#include "policy.h"

#define CFG_MAX PCI_CFG_SPACE_EXP_SIZE
#define CAP_PTR_MASK 0xfcu              /* a capability pointer's low two bits are reserved */
#define CAP_TTL 48                      /* at most (256 - 64) / 4 capabilities: the kernel's bound */
#define EXT_CAP_HEADER 4                /* bytes of an extended capability's header */
#define EXP_FLAGS_TYPE_SHIFT 4          /* PCI_EXP_FLAGS_TYPE: bits 7:4 */
#define VENDOR_NONE 0xffffu             /* an absent function reads all ones */

/* ---------------------------------------------------------------- per-context libpci handle */
struct pcilib {
        struct pci_access *pacc;        /* NULL when libpci could not be set up */
        char why[200];
};

static void pcilib_free(void *p)
{
        struct pcilib *l = p;

        if (!l)
                return;
        hd__pci_free(l->pacc);
        free(l);
}

static struct pcilib *pcilib_get(struct hd_ctx *ctx)
{
        struct pcilib *l = hd__ctx_get_cache(ctx, HD__CACHE_PCI_CONFIG);
        char rel[64], path[PATH_MAX];
        const char *root;
        struct hd__pci_guard g;
        struct pci_access *volatile pacc = NULL;
        int n;

        if (l)
                return l;
        l = calloc(1, sizeof(*l));
        if (!l)
                return NULL;
        root = hd__root_path(hd__ctx_root(ctx));
        if (hd__sysroot_rel("bus/pci", rel, sizeof(rel)) < 0 ||
            (n = snprintf(path, sizeof(path), "%s%s%s", root,
                          *root && root[strlen(root) - 1] == '/' ? "" : "/", rel)) < 0 ||
            (size_t)n >= sizeof(path)) {
                snprintf(l->why, sizeof(l->why), "libpci: sysroot path too long");
                goto done;
        }

        hd__pci_guard_push(&g);
        if (setjmp(g.env) == 0) {
                pacc = hd__pci_alloc();
                pacc->method = PCI_ACCESS_SYS_BUS_PCI;
                if (pci_set_param(pacc, "sysfs.path", path) < 0)
                        pacc->error("no sysfs.path parameter");
                pci_init(pacc);
                l->pacc = pacc;
        } else {
                snprintf(l->why, sizeof(l->why), "libpci: %s", hd__pci_guard_msg());
        }
        hd__pci_guard_pop(&g);
        if (!l->pacc)
                hd__pci_free(pacc);
done:
        hd__ctx_set_cache(ctx, HD__CACHE_PCI_CONFIG, l, pcilib_free);
        return l;
}

/* ---------------------------------------------------------------- capabilities */
static void unknown(struct hd__pcicfg *c, const char *fmt, ...) _printf_(2, 3);
static void unknown(struct hd__pcicfg *c, const char *fmt, ...)
{
        va_list ap;

        c->ok = false;
        va_start(ap, fmt);
        vsnprintf(c->why, sizeof(c->why), fmt, ap);
        va_end(ap);
}

/* Whether a register read at OFF of SIZE bytes comes from the dump itself
 * rather than from libpci's 0xff fill. */
static bool inside(const struct hd__pcicfg *c, unsigned off, unsigned size)
{
        return off + size <= c->len;
}

static struct pci_cap *cap_at(struct pci_dev *dev, unsigned addr, unsigned type)
{
        for (struct pci_cap *cap = dev->first_cap; cap; cap = cap->next)
                if (cap->type == type && cap->addr == addr)
                        return cap;
        return NULL;
}

/* The standard list, as libpci found it, with hostdev's own checks on every
 * link: returns false (and says why) when the list cannot be trusted. */
static bool check_list(struct pci_dev *dev, struct hd__pcicfg *c)
{
        bool seen[PCI_CFG_SPACE_SIZE] = { false };
        unsigned pos;

        if (!(pci_read_word(dev, PCI_STATUS) & PCI_STATUS_CAP_LIST))
                return true;    /* no capability list: nothing to find */
        pos = pci_read_byte(dev, PCI_CAPABILITY_LIST) & CAP_PTR_MASK;
        for (int ttl = 0; ttl < CAP_TTL && pos; ttl++) {
                if (pos < PCI_STD_HEADER_SIZEOF) {
                        unknown(c, "capability pointer 0x%02x points into the header", pos);
                        return false;
                }
                if (!inside(c, pos, 8)) {
                        unknown(c, "config space truncated at %zu bytes, capabilities at 0x%02x unread",
                                c->len, pos);
                        return false;
                }
                if (seen[pos])
                        break;  /* a loop: libpci stopped here too */
                seen[pos] = true;
                if (!cap_at(dev, pos, PCI_CAP_NORMAL)) {
                        unknown(c, "capability at 0x%02x has ID 0x%02x: the list is corrupt", pos,
                                pci_read_byte(dev, pos));
                        return false;
                }
                pos = pci_read_byte(dev, pos + PCI_CAP_LIST_NEXT) & CAP_PTR_MASK;
        }
        return true;
}

/* The one capability ID, or NULL; false when it appears more than once. */
static bool find_one(struct pci_dev *dev, unsigned id, struct pci_cap **ret, struct hd__pcicfg *c)
{
        unsigned n = 0;

        *ret = pci_find_cap_nr(dev, id, PCI_CAP_NORMAL, &n);
        if (n > 1) {
                unknown(c, "%u capabilities with ID 0x%02x: cannot tell which one is true", n, id);
                return false;
        }
        return true;
}

static void read_ext(struct pci_dev *dev, struct hd__pcicfg *c)
{
        struct pci_cap *acs;

        if (c->len < PCI_CFG_SPACE_SIZE + EXT_CAP_HEADER)
                return;         /* ext_ok stays false: not in the dump */
        c->ext_ok = true;
        acs = pci_find_cap(dev, PCI_EXT_CAP_ID_ACS, PCI_CAP_EXTENDED);
        if (!acs)
                return;
        /* libpci's extended list is in chain order from 0x100; a link below
         * 0x100 or past the dump ends the part of it hostdev believes */
        for (struct pci_cap *cap = dev->first_cap; cap; cap = cap->next) {
                if (cap->type != PCI_CAP_EXTENDED)
                        continue;
                if (cap->addr < PCI_CFG_SPACE_SIZE || !inside(c, cap->addr, EXT_CAP_HEADER))
                        return;
                if (cap == acs)
                        break;
        }
        if (!inside(c, acs->addr + PCI_ACS_CAP, 2) || !inside(c, acs->addr + PCI_ACS_CTRL, 2)) {
                c->ext_ok = false;
                return;
        }
        c->acs = true;
        c->acs_cap = pci_read_word(dev, acs->addr + PCI_ACS_CAP);
        c->acs_ctrl = pci_read_word(dev, acs->addr + PCI_ACS_CTRL);
}

static void read_caps(struct pci_dev *dev, struct hd__pcicfg *c)
{
        struct pci_cap *pm, *exp, *af;

        pci_fill_info(dev, PCI_FILL_CAPS | PCI_FILL_EXT_CAPS);
        if (!check_list(dev, c))
                return;
        if (!find_one(dev, PCI_CAP_ID_PM, &pm, c) || !find_one(dev, PCI_CAP_ID_EXP, &exp, c) ||
            !find_one(dev, PCI_CAP_ID_AF, &af, c))
                return;
        if (pm) {
                if (!inside(c, pm->addr + PCI_PM_CTRL, 2))
                        goto cut;
                c->pm = true;
                c->pm_reset = !(pci_read_word(dev, pm->addr + PCI_PM_CTRL) & PCI_PM_CTRL_NO_SOFT_RST);
        }
        if (exp) {
                if (!inside(c, exp->addr + PCI_EXP_FLAGS, 2) || !inside(c, exp->addr + PCI_EXP_DEVCAP, 4))
                        goto cut;
                c->pcie = true;
                c->port_type = (pci_read_word(dev, exp->addr + PCI_EXP_FLAGS) & PCI_EXP_FLAGS_TYPE) >> EXP_FLAGS_TYPE_SHIFT;
                c->flr = !!(pci_read_long(dev, exp->addr + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLRESET);
        }
        if (af) {
                if (!inside(c, af->addr + PCI_AF_CAP, 1))
                        goto cut;
                c->af_flr = (pci_read_byte(dev, af->addr + PCI_AF_CAP) & (PCI_AF_CAP_TP | PCI_AF_CAP_FLR)) ==
                            (PCI_AF_CAP_TP | PCI_AF_CAP_FLR);
        }
        if (c->pcie)
                read_ext(dev, c);
        return;
cut:
        unknown(c, "config space truncated at %zu bytes, a capability is cut off", c->len);
}

/* Validate the dump, then let libpci find the capabilities in it. */
static void parse(struct hd_ctx *ctx, unsigned dom, unsigned bus, unsigned slot, unsigned func,
                  const unsigned char *b, size_t len, struct hd__pcicfg *c)
{
        unsigned char cfg[CFG_MAX];
        struct pcilib *l;
        struct hd__pci_guard g;
        struct pci_dev *volatile dev = NULL;
        volatile bool failed = false;

        memset(c, 0, sizeof(*c));
        c->port_type = -1;
        c->len = len;
        c->ok = true;
        if (len < PCI_STD_HEADER_SIZEOF) {
                unknown(c, "config space holds %zu bytes, not even the header", len);
                return;
        }
        if ((b[PCI_VENDOR_ID] | (unsigned)b[PCI_VENDOR_ID + 1] << 8) == VENDOR_NONE) {
                unknown(c, "config space reads all ones (device gone or powered off)");
                return;
        }
        if (len > CFG_MAX)
                c->len = len = CFG_MAX;
        l = pcilib_get(ctx);
        if (!l) {
                unknown(c, "libpci: out of memory");
                return;
        }
        if (!l->pacc) {
                unknown(c, "%s", l->why);
                return;
        }
        memcpy(cfg, b, len);
        memset(cfg + len, 0xff, CFG_MAX - len);

        hd__pci_guard_push(&g);
        if (setjmp(g.env) == 0) {
                dev = pci_get_dev(l->pacc, (int)dom, (int)bus, (int)slot, (int)func);
                pci_setup_cache(dev, cfg, CFG_MAX);
                read_caps(dev, c);
        } else {
                unknown(c, "libpci: %s", hd__pci_guard_msg());
                failed = true;
        }
        if (dev) {
                if (setjmp(g.env) == 0)
                        pci_free_dev(dev);
        }
        hd__pci_guard_pop(&g);
        if (failed) {           /* pcilib.h: a handle that failed is not used again */
                snprintf(l->why, sizeof(l->why), "libpci: %s", hd__pci_guard_msg());
                hd__pci_free(l->pacc);
                l->pacc = NULL;
        }
}

void hd__pcicfg_parse(struct hd_ctx *ctx, const unsigned char *b, size_t len, struct hd__pcicfg *c)
{
        parse(ctx, 0, 0, 0, 0, b, len, c);
}

void hd__pcicfg_read(struct hd_ctx *ctx, const struct hd_dev *dev, struct hd__pcicfg *c)
{
        char rel[PATH_MAX];
        _cleanup_free_ char *buf = NULL;
        const char *addr = hd_dev_get_pci_address(dev);
        struct hd_pciaddr a;
        size_t len = 0;
        int r;

        memset(c, 0, sizeof(*c));
        c->port_type = -1;
        if (!hd__pciaddr_parse(addr, &a) || a.domain > INT_MAX) {
                unknown(c, "no PCI address");
                return;
        }
        if (snprintf(rel, sizeof(rel), "%s/config", dev->path) >= (int)sizeof(rel)) {
                unknown(c, "config space path too long");
                return;
        }
        r = hd__read_alloc_at(hd__root_sysfd(hd__ctx_root(ctx)), rel, CFG_MAX, &buf, &len);
        if (r < 0) {
                unknown(c, "config space unreadable: %s", strerror(-r));
                return;
        }
        parse(ctx, a.domain, a.bus, a.slot, a.func, (const unsigned char *)buf, len, c);
}
