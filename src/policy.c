/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The judge: for one device, the devices that go with it ("affected") and
 * every reason passing it through could hurt the host.
 *
 * Affected (Kimchi's rule, extended): the other endpoints of the device's
 * IOMMU group, every tree descendant of the device and of those endpoints,
 * and the SR-IOV VFs of any PF among them with their descendants.  Bridges
 * of the group stay on their host driver and are not expanded.  One mark
 * array over the tree: each device is visited at most once.
 *
 * Reasons are checked over the device and its affected set (a mounted disk
 * below an HBA, an address on a NIC below a USB controller, a QEMU holding
 * /dev/vfio/N of the group); host-wide facts are read once per run
 * (policy-host.c) and config space is parsed in policy-pci.c.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>

#include "policy.h"
#include "strbuf.h"

struct reason {
        char *code;
        enum hd_severity severity;
        char *message;
};

struct hd_verdict {
        struct hd_dev **affected;
        size_t n_affected;
        struct reason *reasons;
        size_t n_reasons, cap_reasons;
        bool oom;
};

/* Host facts live as long as the context's scan (hd_ctx_scan drops them). */
static void host_free(void *p)
{
        hd__host_done(p);
        free(p);
}

/* One judging run: host facts and a scratch mark array shared by its devices. */
struct run {
        struct hd_ctx *ctx;
        struct hd__host *host;  /* cached on the context: read once */
        size_t n_devices;
        bool *mark;             /* by tree index: the device or affected */
        struct hd_dev **queue;
        unsigned flags;
        struct probe *probe;    /* by tree index: what each device's directory says (below) */
        bool held_done;
        unsigned held;          /* HELD_*: the kinds of class device node some process holds */
};

/* One device being judged. */
struct judge {
        struct run *run;
        struct hd_dev *dev;
        struct hd_verdict *v;
        struct hd_dev **set;    /* dev first, then affected (queue order) */
        size_t n_set;
        bool need_proc;         /* a check wanted proc/ and the sysroot has none */
};

HD_EXPORT const char *hd_severity_to_string(enum hd_severity s)
{
        switch (s) {
        case HD_SEVERITY_ERROR: return "error";
        case HD_SEVERITY_WARNING: return "warning";
        case HD_SEVERITY_INFO: return "info";
        }
        return NULL;
}

static void add_reason(struct judge *j, const char *code, enum hd_severity sev, const char *fmt, ...)
        _printf_(4, 5);
static void add_reason(struct judge *j, const char *code, enum hd_severity sev, const char *fmt, ...)
{
        struct hd_verdict *v = j->v;
        char *msg = NULL, *c;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0) {
                v->oom = true;
                return;
        }
        if (v->n_reasons == v->cap_reasons) {
                size_t nc = v->cap_reasons ? v->cap_reasons * 2 : 8;
                struct reason *nr = realloc(v->reasons, nc * sizeof(*nr));
                if (!nr) {
                        free(msg);
                        v->oom = true;
                        return;
                }
                v->reasons = nr;
                v->cap_reasons = nc;
        }
        c = strdup(code);
        if (!c) {
                free(msg);
                v->oom = true;
                return;
        }
        v->reasons[v->n_reasons++] = (struct reason){ c, sev, msg };
}

/* Whether a device of the affected set is in use cannot be told: for a
 * writing verb (HD_JUDGE_WRITE) that is an error unless forced; otherwise a
 * warning that says plainly what bind and unbind will do. */
static enum hd_severity unknown_use_severity(const struct judge *j)
{
        return (j->run->flags & HD_JUDGE_WRITE) && !(j->run->flags & HD_JUDGE_FORCE)
                       ? HD_SEVERITY_ERROR : HD_SEVERITY_WARNING;
}

static const char *unknown_use_note(const struct judge *j)
{
        if (j->run->flags & HD_JUDGE_WRITE)
                return j->run->flags & HD_JUDGE_FORCE ? " (forced)" : "; --force to go ahead anyway";
        return "; so `hostdev bind` and `unbind` refuse (unless --force)";
}

/* ---------------------------------------------------------------- affected */

static bool in_set(const struct judge *j, const struct hd_dev *d)
{
        return d && d->index < j->run->n_devices && j->run->mark[d->index];
}

static void push(struct judge *j, struct hd_dev *d)
{
        if (!d || d->index >= j->run->n_devices || j->run->mark[d->index])
                return;
        j->run->mark[d->index] = true;
        j->set[j->n_set++] = d;
}

static const struct hd__group *dev_group(const struct run *r, const struct hd_dev *d)
{
        if (d->type != HD_DEV_PCI || d->iommu_group < 0 || !hd__ctx_has_iommu(r->ctx))
                return NULL;
        return hd__ctx_group(r->ctx, d->iommu_group);
}

static int cmp_index(const void *a, const void *b)
{
        const struct hd_dev *x = *(const struct hd_dev *const *)a;
        const struct hd_dev *y = *(const struct hd_dev *const *)b;
        return (x->index > y->index) - (x->index < y->index);
}

static int compute_affected(struct judge *j)
{
        const struct hd__group *g = dev_group(j->run, j->dev);

        j->set = j->run->queue;
        j->n_set = 0;
        push(j, j->dev);
        /* an sg node and the block device of its LUN are two doors to one disk:
         * passing the sg node hands the guest the disk the host may be using */
        if (j->dev->type == HD_DEV_SCSI_GENERIC && j->dev->parent &&
            j->dev->parent->type == HD_DEV_SCSI)
                for (struct hd_dev *c = j->dev->parent->first_child; c; c = c->next_sibling)
                        if (c->type == HD_DEV_BLOCK)
                                push(j, c);
        for (size_t i = 0; g && i < g->n; i++)
                if (!hd_dev_is_pci_bridge(g->devs[i]))
                        push(j, g->devs[i]);
        /* breadth first: children and VFs of everything in the set */
        for (size_t q = 0; q < j->n_set; q++) {
                struct hd_dev *x = j->set[q];
                for (struct hd_dev *c = x->first_child; c; c = c->next_sibling)
                        push(j, c);
                for (size_t k = 0; x->type == HD_DEV_PCI && k < x->n_virtfns; k++)
                        push(j, x->virtfns[k]);
        }
        if (j->n_set > 1) {
                j->v->affected = malloc((j->n_set - 1) * sizeof(*j->v->affected));
                if (!j->v->affected)
                        return -ENOMEM;
                memcpy(j->v->affected, j->set + 1, (j->n_set - 1) * sizeof(*j->v->affected));
                j->v->n_affected = j->n_set - 1;
                qsort(j->v->affected, j->v->n_affected, sizeof(*j->v->affected), cmp_index);
        }
        return 0;
}

static void clear_marks(struct judge *j)
{
        for (size_t i = 0; i < j->n_set; i++)
                j->run->mark[j->set[i]->index] = false;
}

/* ---------------------------------------------------------------- helpers */

static bool passable(enum hd_dev_type t)
{
        return t == HD_DEV_PCI || t == HD_DEV_USB_DEVICE || t == HD_DEV_SCSI ||
               t == HD_DEV_SCSI_GENERIC || t == HD_DEV_MDEV;
}

static const char *owner_note(const struct judge *j, const struct hd_dev *x)
{
        return x == j->dev ? "" : " (affected)";
}

/* ---------------------------------------------------------------- checks: the device itself */

static struct hd_dev *lun_sg(const struct hd_dev *lun)
{
        for (struct hd_dev *c = lun->first_child; c; c = c->next_sibling)
                if (c->type == HD_DEV_SCSI_GENERIC)
                        return c;
        return NULL;
}

/* Whether D itself could be named to qemu/xml (type-wise): no bridge, no hub */
static bool passable_dev(const struct hd_dev *d)
{
        return passable(d->type) && !hd_dev_is_pci_bridge(d) && !hd_dev_is_usb_hub(d) &&
               !hd_dev_is_usb_root_hub(d);
}

static void check_type(struct judge *j)
{
        struct hd_dev *d = j->dev, *up = d->parent;

        if (passable(d->type))
                return;
        while (up && !passable_dev(up))
                up = up->parent;
        /* a LUN goes by its sg node */
        if (up && up->type == HD_DEV_SCSI && lun_sg(up))
                up = lun_sg(up);
        if (d->type == HD_DEV_SYSTEM)
                add_reason(j, "unsupported-type", HD_SEVERITY_ERROR,
                           "the computer itself cannot be passed through");
        else if (up)
                add_reason(j, "unsupported-type", HD_SEVERITY_ERROR,
                           "a %s cannot be passed through on its own; pass %s instead",
                           hd_dev_type_to_string(d->type), up->name);
        else
                add_reason(j, "unsupported-type", HD_SEVERITY_ERROR,
                           "a %s cannot be passed through", hd_dev_type_to_string(d->type));
}

static void check_bridge(struct judge *j)
{
        if (hd_dev_is_pci_bridge(j->dev))
                add_reason(j, "bridge", HD_SEVERITY_ERROR,
                           "PCI class %06llx is a bridge, part of the platform: it cannot be "
                           "passed through (vfio-pci drives endpoints only); pass the devices "
                           "behind it",
                           (long long)j->dev->pci_class);
}

static void check_usb_hub(struct judge *j)
{
        struct hd_dev *d = j->dev;

        if (d->type != HD_DEV_USB_DEVICE)
                return;
        if (hd_dev_is_usb_root_hub(d))
                add_reason(j, "root-hub", HD_SEVERITY_ERROR,
                           "a USB root hub cannot be passed through: it belongs to its host "
                           "controller; pass the controller%s%s or the devices below it",
                           d->parent && d->parent->type == HD_DEV_PCI ? " " : "",
                           d->parent && d->parent->type == HD_DEV_PCI ? d->parent->name : "");
        else if (hd_dev_is_usb_hub(d))
                add_reason(j, "hub", HD_SEVERITY_ERROR,
                           "a USB hub cannot be passed through with usb-host; pass the devices "
                           "below it");
}

/* What qemu and xml need to name the device: an sg node for a LUN, an
 * H:C:T:L above an sg node, a bus and device number for USB. */
static void check_address(struct judge *j)
{
        struct hd_dev *d = j->dev, *lun = d->parent;

        switch (d->type) {
        case HD_DEV_SCSI:
                lun = d;
                if (!lun_sg(d)) {
                        add_reason(j, "no-sg", HD_SEVERITY_ERROR,
                                   "this SCSI device has no sg node to pass through (is the sg "
                                   "module loaded?)");
                        return;
                }
                /* fall through */
        case HD_DEV_SCSI_GENERIC:
                if (!lun || lun->type != HD_DEV_SCSI || lun->scsi_host < 0 ||
                    lun->scsi_channel < 0 || lun->scsi_target < 0 || lun->scsi_lun < 0)
                        add_reason(j, "no-address", HD_SEVERITY_ERROR,
                                   "no SCSI address (H:C:T:L) known for it: libvirt cannot name it");
                break;
        case HD_DEV_USB_DEVICE:
                if (d->busnum <= 0 || d->devnum <= 0)
                        add_reason(j, "no-address", HD_SEVERITY_ERROR,
                                   "its USB bus/device number is unknown: QEMU and libvirt cannot "
                                   "find it");
                break;
        default:
                break;
        }
}

static void check_boot_vga(struct judge *j)
{
        bool force = j->run->flags & HD_JUDGE_FORCE;

        for (size_t i = 0; i < j->n_set; i++) {
                struct hd_dev *x = j->set[i];
                if (x->type != HD_DEV_PCI || x->boot_vga != 1)
                        continue;
                add_reason(j, "boot-vga", force ? HD_SEVERITY_WARNING : HD_SEVERITY_ERROR,
                           "%s%s is the boot display device: binding it takes the host console "
                           "away and can hang the host%s",
                           x->name, owner_note(j, x), force ? " (forced)" : "; --force to accept");
        }
}

static void check_iommu(struct judge *j)
{
        struct hd__host *h = j->run->host;
        struct hd_dev *d = j->dev;
        char vendor[64];
        const char *cpu, *param, *cmdline, *v;
        size_t vl;

        if (hd__ctx_has_iommu(j->run->ctx)) {
                if (d->iommu_group < 0)
                        add_reason(j, "iommu-off", HD_SEVERITY_ERROR,
                                   "%s is in no IOMMU group although the host has some: it is not "
                                   "behind an IOMMU (or the recording lost its iommu_group link)",
                                   d->name);
                return;
        }
        cpu = hd__host_cpu_vendor(h, vendor, sizeof(vendor));
        param = cpu && streq(cpu, "GenuineIntel") ? "intel_iommu=on"
              : cpu && streq(cpu, "AuthenticAMD") ? "amd_iommu=on"
              : "intel_iommu=on (Intel) or amd_iommu=on (AMD)";
        cmdline = hd__host_cmdline(h);
        if (cmdline && (hd__host_cmdline_has(h, "intel_iommu", &v, &vl) ||
                        hd__host_cmdline_has(h, "amd_iommu", &v, &vl)) && vl >= 2 && strncmp(v, "on", 2) == 0)
                add_reason(j, "iommu-off", HD_SEVERITY_ERROR,
                           "the host has no IOMMU groups although the kernel command line asks for "
                           "them: enable VT-d/AMD-Vi in the firmware and look for DMAR/AMD-Vi errors "
                           "in the kernel log");
        else if (cmdline)
                add_reason(j, "iommu-off", HD_SEVERITY_ERROR,
                           "the host has no IOMMU groups: enable VT-d/AMD-Vi in the firmware and add "
                           "%s to the kernel command line (now: \"%.300s\")", param, cmdline);
        else
                add_reason(j, "iommu-off", HD_SEVERITY_ERROR,
                           "the host has no IOMMU groups: enable VT-d/AMD-Vi in the firmware and add "
                           "%s to the kernel command line", param);
}

static void check_vfio(struct judge *j)
{
        struct hd__host *h = j->run->host;

        if (streq_ptr(j->dev->driver, "vfio-pci"))
                return;
        hd__host_vfio(h);
        switch (h->vfio) {
        case HD__VFIO_LOADED:
                break;
        case HD__VFIO_LOADABLE:
        case HD__VFIO_UNKNOWN:
                add_reason(j, "vfio-unavailable", HD_SEVERITY_WARNING, "%s", h->vfio_msg);
                break;
        case HD__VFIO_MISSING:
                add_reason(j, "vfio-unavailable", HD_SEVERITY_ERROR, "%s", h->vfio_msg);
                break;
        }
}

/* Only where the host has /dev/iommu: elsewhere the group's /dev/vfio/N is all there is. */
static void check_iommufd(struct judge *j)
{
        const char *why = NULL;
        int r;

        if (!hd__host_iommufd(j->run->host))
                return;
        r = hd__iommufd_usable(j->run->ctx, j->dev, true, &why);
        if (r < 0)
                add_reason(j, "no-iommufd", HD_SEVERITY_INFO, "cannot tell whether iommufd can be "
                           "used: %s", hd_ctx_get_error(j->run->ctx));
        else
                add_reason(j, r ? "iommufd" : "no-iommufd", HD_SEVERITY_INFO, "iommufd %s: %s",
                           r ? "can be used" : "cannot be used", why);
}

static void check_group(struct judge *j)
{
        const struct hd__group *g = dev_group(j->run, j->dev);
        struct hd__buf others = { 0 };
        size_t n = 0;
        bool wide = false;

        if (!g)
                return;
        for (size_t i = 0; i < g->n; i++) {
                struct hd_dev *m = g->devs[i];
                if (m == j->dev || hd_dev_is_pci_bridge(m))
                        continue;
                hd__buf_putf(&others, "%s%s", n++ ? ", " : "", m->name);
                if (!hd__pci_same_slot(m, j->dev))
                        wide = true;
        }
        if (n)
                add_reason(j, "group-shared", HD_SEVERITY_WARNING,
                           "IOMMU group %d also holds %s: they are passed through together (see affected)",
                           g->id, hd__buf_str(&others));
        hd__buf_done(&others);
        if (!wide)
                return;

        /* why is the group wide: a bridge upstream without ACS */
        for (struct hd_dev *p = j->dev->parent; p && p->type == HD_DEV_PCI; p = p->parent) {
                struct hd__pcicfg c;
                unsigned need;
                if (!p->pci_class || (p->pci_class >> 8) != PCI_CLASS_BRIDGE_PCI)
                        continue;
                hd__pcicfg_read(j->run->ctx, p, &c);
                if (!c.ok) {
                        add_reason(j, "unknown", HD_SEVERITY_WARNING,
                                   "%s upstream: %s: cannot tell whether it isolates with ACS",
                                   p->name, c.why);
                        continue;
                }
                if (c.pcie && c.port_type == PCI_EXP_TYPE_UPSTREAM)  /* need no ACS */
                        continue;
                if (c.pcie && !c.ext_ok) {
                        add_reason(j, "unknown", HD_SEVERITY_WARNING,
                                   "%s upstream: extended config space not in the dump "
                                   "(%zu bytes): cannot tell whether it has ACS", p->name, c.len);
                        continue;
                }
                need = c.acs_cap & HD_ACS_NEEDED;
                if (!c.pcie)
                        add_reason(j, "acs-missing", HD_SEVERITY_WARNING,
                                   "%s upstream is a conventional PCI bridge: no ACS, so devices below "
                                   "it cannot be isolated; that is why IOMMU group %d is wide",
                                   p->name, g->id);
                else if (!c.acs)
                        add_reason(j, "acs-missing", HD_SEVERITY_WARNING,
                                   "%s upstream has no ACS capability: it cannot isolate the devices "
                                   "below it; that is why IOMMU group %d is wide", p->name, g->id);
                else if ((c.acs_ctrl & need) != need)
                        add_reason(j, "acs-missing", HD_SEVERITY_WARNING,
                                   "%s upstream has ACS but does not enable it (control 0x%04x, "
                                   "capability 0x%04x); that is why IOMMU group %d is wide",
                                   p->name, c.acs_ctrl, c.acs_cap, g->id);
        }
}

static void check_acs_override(struct judge *j)
{
        const char *v;
        size_t vl;

        if (hd__host_cmdline_has(j->run->host, "pcie_acs_override", &v, &vl))
                add_reason(j, "acs-override", HD_SEVERITY_WARNING,
                           "pcie_acs_override%s%.*s is on the kernel command line: the IOMMU groups "
                           "may claim an isolation the hardware does not give",
                           vl ? "=" : "", (int)(vl > 200 ? 200 : vl), v);
}

static void check_sriov(struct judge *j)
{
        for (size_t i = 0; i < j->n_set; i++) {
                struct hd_dev *x = j->set[i];
                struct hd__buf vfs = { 0 };
                if (x->type != HD_DEV_PCI || !x->n_virtfns)
                        continue;
                for (size_t k = 0; k < x->n_virtfns && k < 8; k++)
                        hd__buf_putf(&vfs, "%s%s", k ? ", " : "", x->virtfns[k]->name);
                if (x->n_virtfns > 8)
                        hd__buf_putf(&vfs, ", ...");
                add_reason(j, "sriov-active", HD_SEVERITY_WARNING,
                           "%s%s is an SR-IOV PF with %zu enabled VF%s (%s): unbinding its driver "
                           "destroys them and whatever uses them",
                           x->name, owner_note(j, x), x->n_virtfns, x->n_virtfns == 1 ? "" : "s",
                           hd__buf_str(&vfs));
                hd__buf_done(&vfs);
        }
}

/* A mediated device works while its parent's driver is up and it is on an
 * mdev driver; a parent's mdevs vanish when the parent leaves its driver. */
static void check_mdev(struct judge *j)
{
        struct hd_dev *d = j->dev, *p = d->parent;

        if (d->type == HD_DEV_MDEV) {
                if (!p || p->type != HD_DEV_PCI || !p->driver)
                        add_reason(j, "mdev-parent-down", HD_SEVERITY_ERROR,
                                   "the parent %s of mediated device %s has no driver: the vendor "
                                   "driver that backs the mdev is not running",
                                   p ? p->name : "(none)", d->sysname);
                if (!d->driver)
                        add_reason(j, "mdev-no-driver", HD_SEVERITY_ERROR,
                                   "mediated device %s is bound to no driver (vfio_mdev or the "
                                   "vendor's): no VFIO device to open", d->sysname);
                if (d->mdev_group < 0)
                        add_reason(j, "no-iommu-group", HD_SEVERITY_ERROR,
                                   "mediated device %s has no IOMMU group", d->sysname);
                return;
        }
        for (size_t i = 0; i < j->n_set; i++) {
                struct hd_dev *x = j->set[i];
                struct hd__buf ms = { 0 };
                size_t n = 0;
                if (x->type != HD_DEV_PCI)
                        continue;
                for (struct hd_dev *c = x->first_child; c; c = c->next_sibling)
                        if (c->type == HD_DEV_MDEV)
                                hd__buf_putf(&ms, "%s%s", n++ ? ", " : "", c->sysname);
                if (n)
                        add_reason(j, "mdev-active", HD_SEVERITY_WARNING,
                                   "%s%s is the parent of %zu mediated device%s (%s): taking it "
                                   "from its driver destroys them and whatever uses them",
                                   x->name, owner_note(j, x), n, n == 1 ? "" : "s", hd__buf_str(&ms));
                hd__buf_done(&ms);
        }
}

static void check_interrupts(struct judge *j)
{
        struct hd__host *h = j->run->host;

        hd__host_irq(h);
        if (h->allow_unsafe == HD__YES)
                add_reason(j, "unsafe-interrupts", HD_SEVERITY_WARNING,
                           "vfio_iommu_type1 allow_unsafe_interrupts=1: a guest can inject "
                           "interrupts (MSI) into the host");
        if (h->remap == HD__NO)
                add_reason(j, "unsafe-interrupts", HD_SEVERITY_WARNING,
                           "no interrupt remapping (%s): the device's MSIs are not isolated from the host",
                           h->irq_how);
        else if (h->remap == HD__UNKNOWN && h->have_proc)
                add_reason(j, "unknown", HD_SEVERITY_WARNING,
                           "cannot tell whether interrupt remapping is on: %s", h->irq_how);
}

static bool has_token(const char *list, const char *tok)
{
        size_t tl = strlen(tok);
        for (const char *p = list; *p;) {
                size_t l;
                p += strspn(p, " \t");
                l = strcspn(p, " \t");
                if (l == tl && strncmp(p, tok, tl) == 0)
                        return true;
                p += l;
        }
        return false;
}

/* D's reset_method: the loaded detail when a getter has read it, else read
 * now into BUF (the judge needs this attribute alone, not the rest of the
 * detail: numa_node, driver_override).  Returns: NULL when D has none. */
static const char *reset_method(const struct judge *j, const struct hd_dev *d, char *buf, size_t size)
{
        if (d->detail_done)
                return d->reset_method;
        return hd__dev_read_opt(j->run->ctx, d, "reset_method", buf, size);
}

/* Whether D sits below a PCI bridge, whose secondary bus reset resets it */
static bool behind_bridge(const struct hd_dev *d)
{
        return d->parent && d->parent->type == HD_DEV_PCI && hd_dev_is_pci_bridge(d->parent);
}

/* Whether the bus of bridge P holds a PCI function outside the set */
static bool bus_has_others(const struct judge *j, const struct hd_dev *p)
{
        for (struct hd_dev *s = p->first_child; s; s = s->next_sibling)
                if (s->type == HD_DEV_PCI && !in_set(j, s))
                        return true;
        return false;
}

/* The PCI functions outside the set on bridge P's bus, ", " between them */
static void put_bus_others(const struct judge *j, const struct hd_dev *p, struct hd__buf *b)
{
        size_t n = 0;

        for (struct hd_dev *s = p->first_child; s; s = s->next_sibling)
                if (s->type == HD_DEV_PCI && !in_set(j, s)) {
                        if (n++)
                                hd__buf_putn(b, ", ", 2);
                        hd__buf_puts(b, s->name);
                }
}

/* A secondary bus reset touches every function on the bus: it is a way to
 * reset D alone only when the rest of the bus goes with it.  The list of
 * the others is formatted only for the one message that names them. */
static void check_reset(struct judge *j)
{
        struct hd_dev *d = j->dev;
        struct hd__buf others = { 0 };
        struct hd__pcicfg c;
        char buf[HD_ATTR_MAX];
        const char *methods, *bus_why;
        bool bus_ok;

        if (hd_dev_is_pci_bridge(d))
                return;
        bus_ok = behind_bridge(d) && !bus_has_others(j, d->parent);

        methods = reset_method(j, d, buf, sizeof(buf));
        if (methods) {
                static const char *const fn_methods[] = { "flr", "af_flr", "pm", "device_specific",
                                                          "acpi", "cxl_bus", "bus" };
                for (size_t i = 0; i < ELEMENTSOF(fn_methods); i++)
                        if (has_token(methods, fn_methods[i]))
                                return;
                if (!*methods)
                        add_reason(j, "no-reset", HD_SEVERITY_WARNING,
                                   "reset_method is empty: the kernel will not reset %s between guests",
                                   d->name);
                else
                        add_reason(j, "no-reset", HD_SEVERITY_WARNING,
                                   "reset_method \"%.100s\" offers no reset the kernel can use", methods);
                return;
        }
        if (bus_ok)
                return;
        hd__pcicfg_read(j->run->ctx, d, &c);
        if (!c.ok) {
                add_reason(j, "unknown", HD_SEVERITY_WARNING,
                           "%s: %s: cannot tell whether it can be reset", d->name, c.why);
                return;
        }
        if (c.flr || c.af_flr || c.pm_reset)
                return;
        if (behind_bridge(d))
                put_bus_others(j, d->parent, &others);
        bus_why = others.len ? "a bus reset would also reset " : "it sits on a root bus (no bus reset)";
        add_reason(j, "no-reset", HD_SEVERITY_WARNING,
                   "no reset without touching others: no function-level reset (PCIe or AF), %s, "
                   "and %s%s",
                   c.pm ? "PM reset blocked by No_Soft_Reset" : "no PM capability",
                   bus_why, hd__buf_str(&others));
        hd__buf_done(&others);
}

/* A bind or unbind of the group that the binder's journal says was cut
 * short: the group is half-way, whatever its drivers say. */
static bool check_interrupted(struct judge *j)
{
        struct hd__host *h = j->run->host;
        const struct hd__group *g = dev_group(j->run, j->dev);
        struct hd_dev *const *devs = g ? g->devs : &j->dev;
        size_t n = g ? g->n : 1;

        hd__host_journal(h);
        if (h->journal_err < 0)
                add_reason(j, "unknown", HD_SEVERITY_WARNING,
                           "%s (until then `hostdev bind`, `unbind` and `restore` write nothing)",
                           h->journal_msg);
        for (size_t i = 0; i < n; i++) {
                enum hd__interrupted st = hd__host_interrupted(h, devs[i]->address);
                bool bind = st == HD__INTERRUPTED_BIND;
                if (st == HD__INTERRUPTED_NONE)
                        continue;
                add_reason(j, "interrupted", HD_SEVERITY_ERROR,
                           "a hostdev %s of IOMMU group %d was interrupted (%s is \"%s\" in "
                           "run/hostdev/state.json): run `hostdev restore` to %s it",
                           bind ? "bind" : "unbind", j->dev->iommu_group, devs[i]->address,
                           bind ? "binding" : "unbinding", bind ? "revert" : "finish");
                return true;
        }
        return false;
}

static void check_already(struct judge *j)
{
        if (check_interrupted(j))
                return;
        if (streq_ptr(j->dev->driver, "vfio-pci"))
                add_reason(j, "already-vfio", HD_SEVERITY_INFO,
                           "already bound to vfio-pci; nothing to change");
}

/* ---------------------------------------------------------------- what a device's directory says
 * Read once per run, the first time a judged set holds the device, and
 * kept in run->probe for the other sets that hold it (a PF's VFs are in
 * the PF's set and their own): the device nodes of a PCI function's class
 * devices, whether a network interface is up by its flags, a block
 * device's holders.  The run ends with the call: a later hd_judge*() reads
 * them again. */

/* A block device and its dm/md holders, by name and maj:min. */
struct blk {
        char name[NAME_MAX + 1];
        char alias[NAME_MAX + 16];      /* "mapper/NAME" for dm, or "" */
        char devnum[64];
        int via;                        /* index of the holder's child, -1 the device itself */
};

static void collect_holders(struct hd__host *h, struct blk *b, size_t *n, size_t max, size_t from,
                            const char *holders_rel)
{
        int fd = hd__open_dir_at(h->sysfd, holders_rel);
        struct dirent *de;
        DIR *d;

        if (fd < 0 || !(d = fdopendir(fd))) {
                if (fd >= 0)
                        close(fd);
                return;
        }
        while ((de = readdir(d)) && *n < max) {
                char rel[PATH_MAX], buf[NAME_MAX + 1];
                struct blk *x;
                bool dup = false;
                if (de->d_name[0] == '.')
                        continue;
                for (size_t i = 0; i < *n && !dup; i++)
                        dup = streq(b[i].name, de->d_name);
                if (dup)
                        continue;
                x = &b[(*n)++];
                memset(x, 0, sizeof(*x));
                snprintf(x->name, sizeof(x->name), "%s", de->d_name);
                x->via = (int)from;
                snprintf(rel, sizeof(rel), "class/block/%s/dev", de->d_name);
                if (hd__read_at(h->sysfd, rel, buf, sizeof(buf)) > 0)
                        snprintf(x->devnum, sizeof(x->devnum), "%.63s", buf);
                snprintf(rel, sizeof(rel), "class/block/%s/dm/name", de->d_name);
                if (hd__read_at(h->sysfd, rel, buf, sizeof(buf)) > 0)
                        snprintf(x->alias, sizeof(x->alias), "mapper/%s", buf);
        }
        closedir(d);
}

/* One device's entry: a device has one type, so one of the parts below is
 * used, and DONE says it was read. */
struct probe {
        bool done;
        struct hd__strv nodes;  /* PCI: "/dev/..." of its vfio-dev, drm, sound and nvidia nodes */
        bool flags_up;          /* net: IFF_UP in its flags */
        char *devnum;           /* block: its "maj:min" (NULL: unknown) */
        struct blk *holders;    /* block: its holders and theirs (the blk after the device's own) */
        size_t n_holders;
};

static void probe_free(struct probe *p, size_t n)
{
        for (size_t i = 0; p && i < n; i++) {
                hd__strv_done(&p[i].nodes);
                free(p[i].devnum);
                free(p[i].holders);
        }
        free(p);
}

/* X/SUBDIR in sysfs as a directory stream, or NULL */
static DIR *open_subdir(struct judge *j, const struct hd_dev *x, const char *subdir)
{
        char rel[PATH_MAX];
        DIR *dd;
        int fd;

        snprintf(rel, sizeof(rel), "%s/%s", x->path, subdir);
        fd = hd__open_dir_at(j->run->host->sysfd, rel);
        if (fd < 0)
                return NULL;
        dd = fdopendir(fd);
        if (!dd)
                close(fd);
        return dd;
}

static void add_node(struct judge *j, struct probe *p, const char *prefix, const char *name)
{
        if (hd__strv_addf(&p->nodes, "%s%s", prefix, name) < 0)
                j->v->oom = true;
}

/* The device nodes of X's class devices in X/SUBDIR, named PREFIX + entry */
static void probe_class_nodes(struct judge *j, struct probe *p, const struct hd_dev *x,
                              const char *subdir, const char *prefix)
{
        struct dirent *de;
        DIR *dd = open_subdir(j, x, subdir);

        if (!dd)
                return;
        while ((de = readdir(dd)))
                if (de->d_name[0] != '.')
                        add_node(j, p, prefix, de->d_name);
        closedir(dd);
}

/* ALSA nodes of a sound card (a GPU's HDMI audio held by PipeWire):
 * <dev>/sound/cardN/{controlCN,pcmCNDMp,...} -> /dev/snd/... */
static void probe_sound_nodes(struct judge *j, struct probe *p, const struct hd_dev *x)
{
        char sub[NAME_MAX + 8];
        struct dirent *de;
        DIR *dd = open_subdir(j, x, "sound");

        if (!dd)
                return;
        while ((de = readdir(dd)))
                if (startswith(de->d_name, "card")) {
                        snprintf(sub, sizeof(sub), "sound/%s", de->d_name);
                        probe_class_nodes(j, p, x, sub, "/dev/snd/");
                }
        closedir(dd);
}

/* NVIDIA's proprietary driver: /dev/nvidiaN, N the "Device Minor" in
 * proc/driver/nvidia/gpus/ADDRESS/information (nvidia-persistenced, CUDA
 * jobs and Xorg hold it) */
static void probe_nvidia_node(struct judge *j, struct probe *p, const struct hd_dev *x)
{
        struct hd__host *h = j->run->host;
        char rel[PATH_MAX], info[4096], node[64];
        const char *m;
        int minor;

        if (!streq_ptr(x->driver, "nvidia") || !h->have_proc)
                return;
        snprintf(rel, sizeof(rel), "proc/driver/nvidia/gpus/%s/information", x->address);
        if (hd__read_at(h->rootfd, rel, info, sizeof(info)) < 0 || !(m = strstr(info, "Device Minor:")))
                return;
        m += strlen("Device Minor:");
        m += strspn(m, " \t");
        if (hd__parse_dec_list(m, 0, &minor, 1) != 1)
                return;
        snprintf(node, sizeof(node), "%d", minor);
        add_node(j, p, "/dev/nvidia", node);
}

static struct probe *probe_of(const struct judge *j, const struct hd_dev *x)
{
        return &j->run->probe[x->index];
}

/* The kinds of class device node a process holds open: only those are
 * looked for (a holder's target is compared whole with the node's name). */
enum { HELD_VFIO_DEV = 1, HELD_DRI = 2, HELD_SND = 4, HELD_NVIDIA = 8 };

static unsigned held_classes(struct judge *j)
{
        const struct hd__host *h = j->run->host;

        if (!j->run->held_done) {
                j->run->held_done = true;
                for (size_t i = 0; i < h->n_holders; i++) {
                        const char *t = h->holders[i].target;
                        j->run->held |= startswith(t, "/dev/vfio/devices/") ? HELD_VFIO_DEV
                                      : startswith(t, "/dev/dri/") ? HELD_DRI
                                      : startswith(t, "/dev/snd/") ? HELD_SND
                                      : startswith(t, "/dev/nvidia") ? HELD_NVIDIA : 0;
                }
        }
        return j->run->held;
}

/* The device nodes of PCI function X that a process may hold: iommufd
 * cdevs (<dev>/vfio-dev/vfioN -> /dev/vfio/devices/vfioN), DRM nodes of a
 * GPU (<dev>/drm/cardN -> /dev/dri/cardN, renderDN), ALSA nodes, NVIDIA's;
 * of each kind only when some process holds a node of that kind. */
static const struct hd__strv *pci_nodes(struct judge *j, const struct hd_dev *x)
{
        struct probe *p = probe_of(j, x);
        unsigned held = held_classes(j);

        if (!p->done) {
                p->done = true;
                if (held & HELD_VFIO_DEV)
                        probe_class_nodes(j, p, x, "vfio-dev", "/dev/vfio/devices/");
                if (held & HELD_DRI)
                        probe_class_nodes(j, p, x, "drm", "/dev/dri/");
                if (held & HELD_SND)
                        probe_sound_nodes(j, p, x);
                if (held & HELD_NVIDIA)
                        probe_nvidia_node(j, p, x);
        }
        return &p->nodes;
}

/* Whether net interface X's flags say IFF_UP */
static bool net_flags_up(struct judge *j, const struct hd_dev *x)
{
        struct probe *p = probe_of(j, x);
        char rel[PATH_MAX], flags[32];

        if (!p->done) {
                p->done = true;
                snprintf(rel, sizeof(rel), "%s/flags", x->path);
                p->flags_up = hd__read_at(j->run->host->sysfd, rel, flags, sizeof(flags)) > 0 &&
                              (strtoul(flags, NULL, 16) & IFF_UP);
        }
        return p->flags_up;
}

/* Block device X's "maj:min": the loaded detail when a getter has read
 * it, else its dev attribute (the judge needs it alone, not the size).
 * Returns: 0 or -ENOMEM. */
static int block_devnum(struct judge *j, const struct hd_dev *x, char **ret)
{
        char buf[HD_ATTR_MAX];
        const char *dev = x->detail_done ? x->devnode_dev
                                         : hd__dev_read_opt(j->run->ctx, x, "dev", buf, sizeof(buf));

        *ret = dev ? strdup(dev) : NULL;
        return dev && !*ret ? -ENOMEM : 0;
}

/* Block device X's holders, B[0] X itself: holders of holders, breadth
 * first, at most MAX in all.  Returns: how many (1: none). */
static size_t block_holders(struct judge *j, const struct hd_dev *x, struct blk *b, size_t max)
{
        struct probe *p = probe_of(j, x);
        size_t n = 1;

        if (!p->done && block_devnum(j, x, &p->devnum) < 0)
                j->v->oom = true;
        memset(&b[0], 0, sizeof(b[0]));
        snprintf(b[0].name, sizeof(b[0].name), "%s", x->sysname);
        snprintf(b[0].devnum, sizeof(b[0].devnum), "%.63s", p->devnum ? p->devnum : "");
        b[0].via = -1;
        if (p->done) {
                if (p->n_holders)
                        memcpy(b + 1, p->holders, p->n_holders * sizeof(*b));
                return p->n_holders + 1;
        }
        p->done = true;
        for (size_t i = 0; i < n && n < max; i++) {
                char rel[PATH_MAX];
                if (i == 0)
                        snprintf(rel, sizeof(rel), "%s/holders", x->path);
                else
                        snprintf(rel, sizeof(rel), "class/block/%.*s/holders", NAME_MAX, b[i].name);
                collect_holders(j->run->host, b, &n, max, i, rel);
        }
        if (n > 1) {
                p->holders = malloc((n - 1) * sizeof(*b));
                if (!p->holders) {
                        j->v->oom = true;
                        return n;
                }
                memcpy(p->holders, b + 1, (n - 1) * sizeof(*b));
                p->n_holders = n - 1;
        }
        return n;
}

/* ---------------------------------------------------------------- checks: in use */

static void match_holders(struct judge *j, const char *node, const struct hd_dev *x)
{
        struct hd__host *h = j->run->host;

        for (size_t i = 0; i < h->n_holders; i++) {
                const struct hd__holder *o = &h->holders[i];
                if (!streq(o->target, node))
                        continue;
                add_reason(j, "held", HD_SEVERITY_ERROR,
                           "%s is open in pid %d (%s)%s%s%s, for %s%s",
                           node, o->pid, o->comm ? o->comm : "?", o->vm ? ", VM \"" : "",
                           o->vm ? o->vm : "", o->vm ? "\"" : "", x->name, owner_note(j, x));
        }
}

static void match_pci_nodes(struct judge *j, const struct hd_dev *x)
{
        const struct hd__strv *nodes = pci_nodes(j, x);

        for (size_t k = 0; k < nodes->n; k++)
                match_holders(j, nodes->v[k], x);
}

static void check_held(struct judge *j)
{
        struct hd__host *h = j->run->host;
        int last_group = -1;

        hd__host_holders(h);
        if (h->holders_err == -ENOENT && !h->have_proc) {
                j->need_proc = true;
                return;
        }
        if (h->holders_err < 0) {
                add_reason(j, "unknown", unknown_use_severity(j),
                           "cannot list the processes' open files: %s%s", strerror(-h->holders_err),
                           unknown_use_note(j));
                return;
        }
        if (h->holders_unreadable)
                add_reason(j, "unknown", unknown_use_severity(j),
                           "cannot list the open files of %zu process%s (proc/PID/fd: %s)%s",
                           h->holders_unreadable, h->holders_unreadable == 1 ? "" : "es",
                           strerror(-h->holders_unreadable_err), unknown_use_note(j));
        if (!h->n_holders)
                return;         /* no process holds a device node */
        for (size_t i = 0; i < j->n_set; i++) {
                struct hd_dev *x = j->set[i];
                char node[PATH_MAX];
                switch (x->type) {
                case HD_DEV_PCI:
                        if (x->iommu_group >= 0 && x->iommu_group != last_group) {
                                last_group = x->iommu_group;
                                snprintf(node, sizeof(node), "/dev/vfio/%d", x->iommu_group);
                                match_holders(j, node, x);
                        }
                        match_pci_nodes(j, x);
                        break;
                case HD_DEV_USB_DEVICE:
                        if (x->busnum >= 0 && x->devnum >= 0) {
                                snprintf(node, sizeof(node), "/dev/bus/usb/%03d/%03d", x->busnum, x->devnum);
                                match_holders(j, node, x);
                        }
                        break;
                case HD_DEV_SCSI_GENERIC:
                case HD_DEV_BLOCK:
                        snprintf(node, sizeof(node), "/dev/%s", x->sysname);
                        match_holders(j, node, x);
                        break;
                case HD_DEV_MDEV:
                        if (x->mdev_group >= 0) {
                                snprintf(node, sizeof(node), "/dev/vfio/%d", x->mdev_group);
                                match_holders(j, node, x);
                        }
                        break;
                default:
                        break;
                }
        }
}

static bool names_blk(const char *src, const struct blk *b)
{
        if (!src || !startswith(src, "/dev/"))
                return false;
        src += 5;
        return streq(src, b->name) || (b->alias[0] && streq(src, b->alias));
}

static void check_disk(struct judge *j, struct hd_dev *x)
{
        struct hd__host *h = j->run->host;
        struct blk b[32];
        size_t n;

        hd__host_mounts(h);
        if (!h->have_proc) {
                j->need_proc = true;
                return;
        }
        n = block_holders(j, x, b, ELEMENTSOF(b));
        for (size_t i = 0; i < n; i++) {
                const char *aff = x == j->dev ? "" : ", affected";
                char via[NAME_MAX + 32] = "";
                /* precision-bounded: names are NAME_MAX at most, a cut is harmless */
                if (i)
                        snprintf(via, sizeof(via), " through %.128s%s%.100s", b[i].name,
                                 b[i].alias[0] ? " = " : "", b[i].alias);
                for (size_t k = 0; k < h->n_mounts; k++) {
                        const struct hd__mount *m = &h->mounts[k];
                        if ((b[i].devnum[0] && streq_ptr(m->devnum, b[i].devnum)) || names_blk(m->source, &b[i]))
                                add_reason(j, "disk-mounted", HD_SEVERITY_ERROR,
                                           "%s (%s%s)%s is mounted on %s: the host would lose the filesystem",
                                           x->name, x->sysname, aff, via, m->target);
                }
                for (size_t k = 0; k < h->n_swaps; k++)
                        if (names_blk(h->swaps[k], &b[i]))
                                add_reason(j, "disk-mounted", HD_SEVERITY_ERROR,
                                           "%s (%s%s)%s is in use as swap", x->name, x->sysname,
                                           aff, via);
        }
}

static void check_net(struct judge *j, struct hd_dev *x)
{
        struct hd__host *h = j->run->host;
        struct hd__buf addrs = { 0 };
        size_t n_addr = 0, n_route = 0;
        bool up;
        const char *aff = x == j->dev ? "" : ", affected";

        hd__dev_load_detail(x);
        up = streq_ptr(x->operstate, "up") || net_flags_up(j, x);
        hd__host_net(h);
        if (!h->have_proc)
                j->need_proc = true;
        for (size_t i = 0; i < h->n_addrs; i++)
                if (streq(h->addrs[i].iface, x->sysname))
                        hd__buf_putf(&addrs, "%s%s", n_addr++ ? ", " : "", h->addrs[i].text);
        for (size_t i = 0; i < h->n_routes; i++)
                if (streq(h->routes[i].iface, x->sysname))
                        n_route++;
        if (n_route)
                hd__buf_putf(&addrs, "%s%zu route%s", n_addr ? " and " : "", n_route, n_route == 1 ? "" : "s");
        if (n_addr || n_route)
                add_reason(j, "net-up", HD_SEVERITY_ERROR,
                           "%s (%s%s) carries %s%s: the host loses this connection",
                           x->name, x->sysname, aff, n_addr ? "address " : "", hd__buf_str(&addrs));
        else if (up)
                add_reason(j, "net-up", HD_SEVERITY_WARNING,
                           "%s (%s%s) is up (no address or route seen)", x->name, x->sysname, aff);
        /* no if_inet6 is normal (IPv6 disabled); no route table is not */
        if (h->have_proc && (h->route_err < 0 || (h->inet6_err < 0 && h->inet6_err != -ENOENT)) &&
            (up || n_addr || n_route))
                add_reason(j, "unknown", unknown_use_severity(j),
                           "%s: cannot read %s: its addresses and routes are unknown%s", x->sysname,
                           h->route_err < 0 ? "proc/net/route" : "proc/net/if_inet6",
                           unknown_use_note(j));
        hd__buf_done(&addrs);
}

static void check_in_use(struct judge *j)
{
        struct hd__host *h = j->run->host;
        bool any_block = false;

        check_held(j);
        for (size_t i = 0; i < j->n_set; i++) {
                struct hd_dev *x = j->set[i];
                if (x->type == HD_DEV_BLOCK) {
                        check_disk(j, x);
                        any_block = true;
                } else if (x->type == HD_DEV_NET) {
                        check_net(j, x);
                }
        }
        if (any_block && h->have_proc && h->mounts_err < 0)
                add_reason(j, "unknown", unknown_use_severity(j),
                           "cannot read proc/self/mountinfo or proc/mounts: %s; mounts are unknown%s",
                           strerror(-h->mounts_err), unknown_use_note(j));
        if (any_block && h->have_proc && h->swaps_err < 0 && h->swaps_err != -ENOENT)
                add_reason(j, "unknown", unknown_use_severity(j), "cannot read proc/swaps: %s%s",
                           strerror(-h->swaps_err), unknown_use_note(j));
}

/* ---------------------------------------------------------------- the run */

static void verdict_free(struct hd_verdict *v)
{
        if (!v)
                return;
        for (size_t i = 0; i < v->n_reasons; i++) {
                free(v->reasons[i].code);
                free(v->reasons[i].message);
        }
        free(v->reasons);
        free(v->affected);
        free(v);
}

static int judge_one(struct run *r, struct hd_dev *dev, struct hd_verdict **ret)
{
        struct judge j = { .run = r, .dev = dev };
        int err;

        if (!dev || dev->ctx != r->ctx || dev->index >= r->n_devices ||
            hd_ctx_get_device(r->ctx, dev->index) != dev)
                return hd__error(r->ctx, -EINVAL, "judge: the device is not from this context's scan");
        j.v = calloc(1, sizeof(*j.v));
        if (!j.v)
                return -ENOMEM;
        err = compute_affected(&j);
        if (err < 0)
                goto fail;

        check_type(&j);
        if (dev->type == HD_DEV_PCI) {
                check_bridge(&j);
                check_boot_vga(&j);
                check_iommu(&j);
                check_vfio(&j);
                check_iommufd(&j);
        } else {
                check_usb_hub(&j);
                check_address(&j);
                check_boot_vga(&j);
        }
        if (passable(dev->type))
                check_in_use(&j);
        if (dev->type == HD_DEV_PCI || dev->type == HD_DEV_MDEV)
                check_mdev(&j);
        if (dev->type == HD_DEV_PCI) {
                check_group(&j);
                check_acs_override(&j);
                check_sriov(&j);
                check_interrupts(&j);
                check_reset(&j);
        } else if (passable(dev->type)) {
                check_sriov(&j);
        }
        if (j.need_proc)
                add_reason(&j, "unknown", unknown_use_severity(&j),
                           "the sysroot has no proc/: open files, mounts, swap, addresses and routes "
                           "were not checked%s", unknown_use_note(&j));
        if (dev->type == HD_DEV_PCI)
                check_already(&j);
        clear_marks(&j);
        if (j.v->oom) {
                err = -ENOMEM;
                goto fail;
        }
        *ret = j.v;
        return 0;
fail:
        clear_marks(&j);
        verdict_free(j.v);
        return err;
}

static void run_done(struct run *r)
{
        free(r->mark);
        free(r->queue);
        probe_free(r->probe, r->n_devices + 1);
        r->mark = NULL;
        r->queue = NULL;
        r->probe = NULL;
}

static int run_init(struct run *r, struct hd_ctx *ctx, unsigned flags)
{
        memset(r, 0, sizeof(*r));
        r->ctx = ctx;
        r->flags = flags;
        if (!hd__ctx_scan(ctx))
                return hd__error(ctx, -ENODATA, "judge: the context has not been scanned");
        r->n_devices = hd_ctx_get_n_devices(ctx);
        r->mark = calloc(r->n_devices + 1, sizeof(*r->mark));
        r->queue = calloc(r->n_devices + 1, sizeof(*r->queue));
        r->probe = calloc(r->n_devices + 1, sizeof(*r->probe));
        if (!r->mark || !r->queue || !r->probe) {
                run_done(r);
                return -ENOMEM;
        }
        r->host = hd__ctx_get_cache(ctx, HD__CACHE_JUDGE);
        if (!r->host) {
                r->host = calloc(1, sizeof(*r->host));
                if (!r->host) {
                        run_done(r);
                        return -ENOMEM;
                }
                hd__host_init(r->host, ctx);
                hd__ctx_set_cache(ctx, HD__CACHE_JUDGE, r->host, host_free);
        }
        return 0;
}

HD_EXPORT int hd_judge_many(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n, unsigned flags,
                            struct hd_verdict **ret)
{
        struct run r;
        int err;

        if (!ctx || (n && (!devs || !ret)))
                return -EINVAL;
        err = run_init(&r, ctx, flags);
        if (err < 0)
                return err;
        for (size_t i = 0; i < n; i++) {
                err = judge_one(&r, devs[i], &ret[i]);
                if (err < 0) {
                        while (i-- > 0)
                                ret[i] = hd_verdict_free(ret[i]);
                        break;
                }
        }
        run_done(&r);
        return err < 0 ? err : 0;
}

HD_EXPORT int hd_judge(struct hd_ctx *ctx, struct hd_dev *dev, unsigned flags, struct hd_verdict **ret)
{
        if (!ret)
                return -EINVAL;
        return hd_judge_many(ctx, &dev, 1, flags, ret);
}

/* ---------------------------------------------------------------- the emitters' gate */

/* Reasons that say what the device is, not how the host uses it: no
 * --force makes such a device passable. */
static bool reason_is_structural(const char *code)
{
        static const char *const codes[] = { "unsupported-type", "bridge", "root-hub", "hub",
                                             "no-sg", "no-address" };

        for (size_t i = 0; i < ELEMENTSOF(codes); i++)
                if (streq(code, codes[i]))
                        return true;
        return false;
}

int hd__judge_gate(struct hd_ctx *ctx, struct hd_dev *dev, bool force)
{
        _cleanup_free_ char *why = NULL;
        const struct reason *first = NULL, *hard = NULL;
        struct hd_verdict *v = NULL;
        int r;

        r = hd_judge(ctx, dev, force ? HD_JUDGE_FORCE : 0, &v);
        if (r < 0) {
                if (!*hd_ctx_get_error(ctx))
                        hd__error(ctx, r, "%s: cannot judge: %s", hd_dev_get_name(dev), strerror(-r));
                return r;
        }
        for (size_t i = 0; i < v->n_reasons && !hard; i++) {
                const struct reason *x = &v->reasons[i];
                if (x->severity != HD_SEVERITY_ERROR)
                        continue;
                if (!first)
                        first = x;
                if (reason_is_structural(x->code))
                        hard = x;
        }
        if (hard || (first && !force)) {
                const struct reason *x = hard ? hard : first;
                /* reasons may quote device strings: keep the message one safe line */
                why = hd_escape(x->message, HD_ESCAPE_TEXT);
                if (hard)
                        r = hd__error(ctx, -EINVAL, "%s: %s [%s]", dev->name, why ? why : "?",
                                      x->code);
                else
                        r = hd__error(ctx, -EPERM, "%s: not eligible for passthrough: %s [%s]%s",
                                      dev->name, why ? why : "?", x->code,
                                      why && strstr(why, "--force") ? "" : " (--force overrides)");
        }
        verdict_free(v);
        return r;
}

HD_EXPORT struct hd_verdict *hd_verdict_free(struct hd_verdict *v)
{
        verdict_free(v);
        return NULL;
}

HD_EXPORT bool hd_verdict_is_eligible(const struct hd_verdict *v)
{
        if (!v)
                return false;
        for (size_t i = 0; i < v->n_reasons; i++)
                if (v->reasons[i].severity == HD_SEVERITY_ERROR)
                        return false;
        return true;
}

HD_EXPORT size_t hd_verdict_get_n_affected(const struct hd_verdict *v) { return v ? v->n_affected : 0; }

HD_EXPORT struct hd_dev *hd_verdict_get_affected(const struct hd_verdict *v, size_t i)
{
        return v && i < v->n_affected ? v->affected[i] : NULL;
}

HD_EXPORT size_t hd_verdict_get_n_reasons(const struct hd_verdict *v) { return v ? v->n_reasons : 0; }

HD_EXPORT int hd_verdict_get_reason(const struct hd_verdict *v, size_t i, const char **code,
                                    enum hd_severity *severity, const char **message)
{
        if (!v || i >= v->n_reasons)
                return -ENOENT;
        if (code)
                *code = v->reasons[i].code;
        if (severity)
                *severity = v->reasons[i].severity;
        if (message)
                *message = v->reasons[i].message;
        return 0;
}
