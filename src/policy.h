/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private declarations of the judge (policy*.c); never installed. */
#ifndef HOSTDEV_POLICY_H
#define HOSTDEV_POLICY_H

#include <linux/pci_regs.h>     /* PCI_ACS_*, PCI_EXP_TYPE_*, config space sizes */
#include <net/if.h>             /* IFF_UP (policy.c) */
#include <pci/header.h>         /* PCI_CLASS_* (libpci's, as pcilib.h has them) */
#include <stdint.h>

#include "hostdev-internal.h"

/* ---------------------------------------------------------------- host facts (policy-host.c)
 * Read lazily, the first time a check needs each group of facts, and then
 * cached on the context (HD__CACHE_JUDGE) for every later judge until the
 * next hd_ctx_scan() or writing call (hd_bind, hd_unbind, hd_restore_all,
 * hd_recover drop it at their start and end, so they decide on facts read
 * then). */
struct hd__state;
enum hd__tristate { HD__NO = 0, HD__YES = 1, HD__UNKNOWN = -1 };

enum hd__vfio_state {
        HD__VFIO_LOADED,         /* sys/module/vfio_pci or the vfio-pci driver exists */
        HD__VFIO_LOADABLE,       /* listed by libkmod in lib/modules/<release> */
        HD__VFIO_MISSING,        /* neither */
        HD__VFIO_UNKNOWN,        /* the sysroot holds nothing to tell */
};

struct hd__holder {
        int pid;
        char *comm;             /* proc/PID/comm, or NULL */
        char *vm;               /* QEMU -name guest=NAME, or NULL */
        char *target;           /* "/dev/..." the fd points at */
};

struct hd__mount {
        char *devnum;           /* "maj:min" */
        char *source;           /* "/dev/sda1" or whatever the fs calls it */
        char *target;           /* mount point (still octal-escaped) */
};

struct hd__route {
        char iface[32];
        uint32_t dest, mask;    /* as stored (network order bytes) */
};

struct hd__addr {
        char iface[32];
        char text[48];
};

struct hd__host {
        struct hd_ctx *ctx;
        int rootfd, sysfd;
        bool live;
        bool have_proc;

        bool cmdline_done;
        char *cmdline;          /* NULL: unreadable */

        bool iommufd_done;
        bool iommufd;           /* SYSROOT/dev/iommu exists */
        bool vfio_done;
        enum hd__vfio_state vfio;
        char vfio_msg[512];

        bool irq_done;
        int remap;              /* hd__tristate: interrupt remapping on */
        int allow_unsafe;       /* hd__tristate: vfio_iommu_type1 allow_unsafe_interrupts */
        char irq_how[160];      /* how remapping was decided */

        bool holders_done;
        int holders_err;        /* 0 or -errno (-ENOENT: no proc/) */
        size_t holders_unreadable;      /* processes whose fd/ could not be listed */
        int holders_unreadable_err;     /* the first such errno (negative) */
        struct hd__holder *holders;
        size_t n_holders;

        bool mounts_done;
        int mounts_err, swaps_err;
        struct hd__mount *mounts;
        size_t n_mounts;
        char **swaps;           /* swap file/device names */
        size_t n_swaps;

        bool net_done;
        int route_err, inet6_err, fib_err;
        struct hd__route *routes;
        size_t n_routes;
        struct hd__addr *addrs; /* global IPv6 addresses, and IPv4 ones mapped by route */
        size_t n_addrs;
        uint32_t *local4;       /* LOCAL /32 addresses from fib_trie */
        size_t n_local4;

        bool journal_done;
        int journal_err;        /* 0, or -errno: the journal is unreadable or malformed */
        char journal_msg[512];  /* why, when journal_err */
        struct hd__state *journal;       /* the binder's journal (read-only), or NULL */
};

void hd__host_init(struct hd__host *h, struct hd_ctx *ctx);
void hd__host_done(struct hd__host *h);
const char *hd__host_cmdline(struct hd__host *h);
/* Whether the kernel command line holds the parameter KEY (KEY or KEY=...). */
bool hd__host_cmdline_has(struct hd__host *h, const char *key, const char **value, size_t *vlen);
void hd__host_vfio(struct hd__host *h);
/* Whether the host has /dev/iommu (read once). */
bool hd__host_iommufd(struct hd__host *h);
void hd__host_irq(struct hd__host *h);
void hd__host_holders(struct hd__host *h);
void hd__host_mounts(struct hd__host *h);
void hd__host_net(struct hd__host *h);
/* Read the binder's journal (SYSROOT/run/hostdev/state.json) without
 * locking or creating anything. */
void hd__host_journal(struct hd__host *h);
/* Whether the journal records an interrupted bind or unbind of the PCI
 * function ADDRESS (state "binding" or "unbinding"). */
enum hd__interrupted { HD__INTERRUPTED_NONE, HD__INTERRUPTED_BIND, HD__INTERRUPTED_UNBIND };
enum hd__interrupted hd__host_interrupted(struct hd__host *h, const char *address);
/* "GenuineIntel"/"AuthenticAMD" from proc/cpuinfo, or NULL. */
const char *hd__host_cpu_vendor(struct hd__host *h, char *buf, size_t size);

/* ---------------------------------------------------------------- config space (policy-pci.c) */
struct hd__pcicfg {
        bool ok;                /* the header and capability list could be read */
        char why[160];          /* when !ok: what was wrong */
        size_t len;
        bool pcie;
        int port_type;          /* PCIe capability device/port type; -1 not PCIe */
        bool flr;               /* PCIe DevCap FLR */
        bool af_flr;            /* AF capability: TP and FLR */
        bool pm;                /* PM capability present */
        bool pm_reset;          /* PM capability with No_Soft_Reset clear */
        bool ext_ok;            /* extended config space was readable */
        bool acs;               /* ACS extended capability present */
        unsigned acs_cap, acs_ctrl;
};

/* Read and parse DEV's config space.  Never fails: cfg->ok says whether it could. */
void hd__pcicfg_read(struct hd_ctx *ctx, const struct hd_dev *dev, struct hd__pcicfg *cfg);
/* Judge a dump held in memory, with CTX's libpci handle, as if it were the
 * config space of 0000:00:00.0 (exposed for tests of hostile dumps). */
void hd__pcicfg_parse(struct hd_ctx *ctx, const unsigned char *b, size_t len, struct hd__pcicfg *cfg);

/* ---------------------------------------------------------------- iommufd (iommufd.c)
 * Whether DEV can be passed through iommufd, HOST_HAS_IOMMU saying whether
 * the host has /dev/iommu: vfio-pci's cdev is read from sysfs now.  *WHY: a
 * constant sentence.  Returns: 1 yes, 0 no, or a negative errno (message in ctx). */
int hd__iommufd_usable(struct hd_ctx *ctx, struct hd_dev *dev, bool host_has_iommu,
                       const char **why);

/* ---------------------------------------------------------------- the emitters' gate (policy.c)
 * Whether qemu/xml may pass DEV, by the judge's verdict alone: 0 when it has
 * no reason of severity error (or FORCE and none that describes what the
 * device is: unsupported-type, bridge, root-hub, hub, no-sg, no-address).
 * Returns: 0; -EINVAL for such a reason, -EPERM for another error reason
 * without FORCE (message: the device, the reason and its [code]); or the
 * judge's negative errno. */
int hd__judge_gate(struct hd_ctx *ctx, struct hd_dev *dev, bool force);

/* ACS controls a port needs for isolation: Source Validation, P2P Request
 * Redirect, P2P Completion Redirect, Upstream Forwarding */
#define HD_ACS_NEEDED (PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

#endif
