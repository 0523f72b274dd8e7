/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU arguments that pass host devices to a guest (checked against the
 * properties of QEMU 7.2):
 *
 *   PCI   -device vfio-pci,host=DDDD:BB:SS.F,id=hostdev-NAME
 *         [,bus=BUS,addr=SS.F[,multifunction=on]][,rombar=N][,romfile=F][,x-vga=on]
 *   USB   -device qemu-xhci,id=hostdev-xhci            (unless usb_bus names one)
 *         -device usb-host,hostdevice=/dev/bus/usb/BBB/DDD|vendorid=0xVVVV,productid=0xPPPP,
 *                 id=hostdev-NAME,bus=XHCI.0
 *   SCSI  -device virtio-scsi-pci,id=hostdev-scsi      (unless scsi_bus names one)
 *         -blockdev driver=host_device,filename=/dev/sgN,node-name=hostdev-sgN
 *         -device scsi-generic,drive=hostdev-sgN,id=hostdev-NAME,bus=SCSI.0
 *
 * Output order: PCI, then USB, then SCSI, each in the order given (PCI
 * functions of one slot together, by function).  IDs come from the device
 * names, so the same devices give the same arguments on every run.  Every
 * option value has ',' doubled, whatever its origin.
 *
 * The gate and the option checks shared with emit-libvirt.c are in emit.c.
 */
#define _GNU_SOURCE
#include <linux/pci.h>         /* PCI_DEVFN */

#include "abi.h"
#include "emit.h"

#define NODE_NAME_MAX 31        /* QEMU's BlockDriverState.node_name[32] */
#define ID_MAX 64

/* ---------------------------------------------------------------- ids and values */

/* The devices to pass, by kind (NULL-terminated: hd__emit_add_groups) */
struct devs {
        struct hd_dev **pci, **usb, **sg;
        size_t npci, nusb, nsg;
};

struct emit {
        struct hd_ctx *ctx;
        const struct hd_qemu_opts *o;
        struct hd_argv *argv;
        struct hd__strv ids;    /* every id and node-name handed out */
        struct hd_dev *boot;    /* gets bootindex (the first device named) */
        const char *iommufd;    /* id of the iommufd object */
        struct hd__topology topo;
        const char **bus_ids;   /* q35: QEMU id of controller index i */
};

static bool id_char(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_';
}

/* QEMU's id_wellformed(): a letter, then letters, digits, '-', '.', '_'. */
static bool id_valid(const char *s)
{
        if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
                return false;
        for (; *s; s++)
                if (!id_char(*s))
                        return false;
        return true;
}

/* PREFIX + RAW (characters QEMU refuses become '_') + SUFFIX, at most MAX
 * characters, made unique with "-2", "-3"...  Returns: borrowed id or NULL (ENOMEM). */
static const char *make_id_prefixed(struct emit *e, const char *prefix, const char *raw,
                                    const char *suffix, size_t max)
{
        char base[ID_MAX + 1], id[ID_MAX + 16];
        size_t len = 0, room;

        len = (size_t)snprintf(base, sizeof(base), "%s", prefix);
        room = max - len - strlen(suffix) - 4;  /* leave room for "-NNN" */
        for (const char *p = raw; *p && len < sizeof(base) - 1 && room > 0; p++, room--)
                base[len++] = id_char(*p) ? *p : '_';
        base[len] = '\0';
        snprintf(id, sizeof(id), "%s%s", base, suffix);
        for (unsigned n = 2; hd__strv_has(&e->ids, id) && n < 1000; n++)
                snprintf(id, sizeof(id), "%s-%u%s", base, n, suffix);
        if (hd__strv_add(&e->ids, id) < 0)
                return NULL;
        return e->ids.v[e->ids.n - 1];
}

/* "hostdev-" + RAW + SUFFIX, as make_id_prefixed() */
static const char *make_id(struct emit *e, const char *raw, const char *suffix, size_t max)
{
        return make_id_prefixed(e, "hostdev-", raw, suffix, max);
}

/* The id of device D: the admin's id (ID, ID-2, ...) or hostdev-NAME */
static const char *dev_id(struct emit *e, const struct hd_dev *d)
{
        if (e->o->id)
                return make_id_prefixed(e, "", e->o->id, "", ID_MAX);
        return make_id(e, d->name, "", ID_MAX);
}

/* ",KEY=VALUE" with every ',' of VALUE doubled (QemuOpts and keyval both). */
static void opt(struct hd__buf *b, const char *key, const char *value)
{
        hd__buf_putf(b, ",%s=", key);
        for (const char *p = value; *p; p++)
                hd__buf_putn(b, *p == ',' ? ",," : p, *p == ',' ? 2 : 1);
}

static void optf(struct hd__buf *b, const char *key, const char *fmt, ...) _printf_(3, 4);
static void optf(struct hd__buf *b, const char *key, const char *fmt, ...)
{
        char val[128];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(val, sizeof(val), fmt, ap);
        va_end(ap);
        opt(b, key, val);
}

/* Append OPTION and the finished value string B. */
static int put(struct emit *e, const char *option, struct hd__buf *b)
{
        _cleanup_free_ char *s = hd__buf_steal(b);
        int r;

        if (!s)
                return -ENOMEM;
        if (e->o->json) {
                char *js = hd__emit_to_json(option, s);
                if (!js)
                        return -ENOMEM;
                free(s);
                s = js;
        }
        r = hd_argv_add(e->argv, option);
        if (r >= 0)
                r = hd_argv_add(e->argv, s);
        return r;
}

/* ---------------------------------------------------------------- PCI */

static bool is_vga(const struct hd_dev *d)
{
        return d->pci_class >= 0 && (d->pci_class >> 8) == HD_PCI_CLASS_DISPLAY_VGA;
}

static int emit_pci(struct emit *e, const struct hd__pci_place *p)
{
        const struct hd_qemu_opts *o = e->o;
        struct hd__buf b = { 0 };
        const char *id = dev_id(e, p->dev);
        const char *bus = e->bus_ids ? e->bus_ids[p->bus] : o->guest_bus;

        if (!id)
                return -ENOMEM;
        hd__buf_puts(&b, "vfio-pci");
        opt(&b, "host", p->dev->address);
        opt(&b, "id", id);
        if (bus) {
                opt(&b, "bus", bus);
                optf(&b, "addr", "%02x.%x", p->slot, p->fn);
                if (p->multi)
                        opt(&b, "multifunction", "on");
        }
        if (o->rombar >= 0)
                optf(&b, "rombar", "%d", o->rombar ? 1 : 0);
        if (p->rom && o->romfile)
                opt(&b, "romfile", o->romfile);
        if (o->x_vga && is_vga(p->dev))
                opt(&b, "x-vga", "on");
        if (e->boot == p->dev)
                optf(&b, "bootindex", "%d", o->boot);
        if (e->iommufd)
                opt(&b, "iommufd", e->iommufd);
        return put(e, "-device", &b);
}

static bool is_root_bus(const char *bus)
{
        return streq(bus, "pcie.0") || streq(bus, "pci.0");
}

/* -object iommufd,id=hostdev-iommufd (once, before the first vfio-pci) */
static int emit_iommufd(struct emit *e)
{
        struct hd__buf b = { 0 };

        if (!e->o->iommufd || e->iommufd)
                return 0;
        e->iommufd = make_id(e, "iommufd", "", ID_MAX);
        if (!e->iommufd)
                return -ENOMEM;
        hd__buf_puts(&b, "iommufd");
        opt(&b, "id", e->iommufd);
        return put(e, "-object", &b);
}

/* -device pcie-root-port for each root port of the q35 layout */
static int emit_root_ports(struct emit *e)
{
        const struct hd__topology *t = &e->topo;
        int r = 0;

        for (size_t k = 0; k < t->n_ports && r >= 0; k++) {
                const struct hd__port *p = &t->ports[k];
                struct hd__buf b = { 0 };
                char raw[16];

                snprintf(raw, sizeof(raw), "rp%d", p->index);
                e->bus_ids[p->index] = make_id(e, raw, "", ID_MAX);
                if (!e->bus_ids[p->index])
                        return -ENOMEM;
                hd__buf_puts(&b, "pcie-root-port");
                opt(&b, "id", e->bus_ids[p->index]);
                opt(&b, "bus", "pcie.0");
                optf(&b, "addr", "%02x.%x", p->slot, p->fn);
                if (p->multi)
                        opt(&b, "multifunction", "on");
                optf(&b, "chassis", "%d", p->index);
                optf(&b, "port", "0x%02x", PCI_DEVFN(p->slot, p->fn));
                r = put(e, "-device", &b);
        }
        return r;
}

/* -device pcie-pci-bridge on the last root port, when the layout has one */
static int emit_pci_bridge(struct emit *e)
{
        const struct hd__topology *t = &e->topo;
        struct hd__buf b = { 0 };

        if (t->bridge <= 0)
                return 0;
        e->bus_ids[t->bridge] = make_id(e, "pcibr", "", ID_MAX);
        if (!e->bus_ids[t->bridge])
                return -ENOMEM;
        hd__buf_puts(&b, "pcie-pci-bridge");
        opt(&b, "id", e->bus_ids[t->bridge]);
        opt(&b, "bus", e->bus_ids[t->bridge - 1]);
        opt(&b, "addr", "00.0");
        return put(e, "-device", &b);
}

/* The root ports and the pcie-pci-bridge of the q35 layout, then the devices */
static int emit_q35(struct emit *e, struct hd_dev **pci, size_t n, struct hd__pci_place *place)
{
        struct hd__topology *t = &e->topo;
        int r = hd__emit_q35_place(e->ctx, pci, n, e->o->guest_slot >= 0 ? e->o->guest_slot
                                   : HD_GUEST_FIRST_SLOT, place, t);

        if (r < 0)
                return r;
        e->bus_ids = calloc(t->n_ports + 3, sizeof(*e->bus_ids));
        if (!e->bus_ids)
                return -ENOMEM;
        e->bus_ids[0] = "pcie.0";
        r = emit_root_ports(e);
        if (r >= 0)
                r = emit_pci_bridge(e);
        if (r >= 0)
                r = emit_iommufd(e);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = emit_pci(e, &place[i]);
        return r;
}

static int emit_all_pci(struct emit *e, struct hd_dev **pci, size_t n)
{
        const struct hd_qemu_opts *o = e->o;
        struct hd__pci_place *place;
        bool any_vga = false;
        int r;

        if (n == 0) {
                if (o->romfile || o->rombar >= 0 || o->x_vga)
                        return hd__error(e->ctx, -EINVAL,
                                         "ROM and VGA options need a PCI device among the devices");
                return 0;
        }
        for (size_t i = 0; i < n; i++)
                any_vga |= is_vga(pci[i]);
        if (o->x_vga && !any_vga)
                return hd__error(e->ctx, -EINVAL, "x-vga needs a VGA controller (class 0300) "
                                 "among the devices");
        place = calloc(n, sizeof(*place));
        if (!place)
                return -ENOMEM;
        if (o->machine && streq(o->machine, "q35")) {
                r = emit_q35(e, pci, n, place);
                free(place);
                return r;
        }
        r = emit_iommufd(e);
        if (r >= 0)
                r = hd__emit_pci_place(e->ctx, pci, n, o->guest_bus != NULL,
                               o->guest_slot >= 0 ? o->guest_slot
                               : o->guest_bus && is_root_bus(o->guest_bus) ? HD_GUEST_FIRST_SLOT
                               : 0,
                               o->guest_bus, place);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = emit_pci(e, &place[i]);
        free(place);
        return r;
}

/* ---------------------------------------------------------------- USB */

static int usb_ids_unique(struct emit *e, struct hd_dev *d)
{
        size_t same = 0;

        if (d->usb_vendor < 0 || d->usb_product < 0)
                return hd__error(e->ctx, -EINVAL, "%s: vendor/product ID unknown; cannot pass it by ID",
                                 d->name);
        for (size_t i = 0; i < hd_ctx_get_n_devices(e->ctx); i++) {
                struct hd_dev *x = hd_ctx_get_device(e->ctx, i);
                if (x->type == HD_DEV_USB_DEVICE && x->usb_vendor == d->usb_vendor &&
                    x->usb_product == d->usb_product)
                        same++;
        }
        if (same > 1)
                return hd__error(e->ctx, -EINVAL,
                                 "%s: %zu USB devices have ID %04x:%04x; QEMU would take any of them "
                                 "by ID: pass it by bus address instead", d->name, same,
                                 (unsigned)d->usb_vendor, (unsigned)d->usb_product);
        return 0;
}

/* The controller devices hang on: *BUS when the admin named one, else a new
 * MODEL device with a stable id made from NAME, whose id goes into *BUS. */
static int add_controller(struct emit *e, const char **bus, const char *name, const char *model)
{
        struct hd__buf b = { 0 };

        if (*bus)
                return 0;
        *bus = make_id(e, name, "", ID_MAX);
        if (!*bus)
                return -ENOMEM;
        hd__buf_puts(&b, model);
        opt(&b, "id", *bus);
        return put(e, "-device", &b);
}

/* N devices on one controller (*add_controller): EMIT_ONE each */
static int emit_on_controller(struct emit *e, struct hd_dev **devs, size_t n, const char *bus,
                              const char *name, const char *model,
                              int (*emit_one)(struct emit *, const char *bus, struct hd_dev *))
{
        int r;

        if (n == 0)
                return 0;
        r = add_controller(e, &bus, name, model);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = emit_one(e, bus, devs[i]);
        return r;
}

static int emit_usb(struct emit *e, const char *bus, struct hd_dev *d)
{
        const struct hd_qemu_opts *o = e->o;
        struct hd__buf b = { 0 };
        const char *id;
        int r = o->by_id ? usb_ids_unique(e, d) : 0;

        if (r < 0)
                return r;
        if (!o->by_id && (d->busnum <= 0 || d->devnum <= 0))
                return hd__error(e->ctx, -EINVAL, "%s: USB bus/device number unknown", d->name);
        id = dev_id(e, d);
        if (!id)
                return -ENOMEM;
        hd__buf_puts(&b, "usb-host");
        if (o->by_id) {
                optf(&b, "vendorid", "0x%04x", (unsigned)d->usb_vendor);
                optf(&b, "productid", "0x%04x", (unsigned)d->usb_product);
        } else {
                optf(&b, "hostdevice", "/dev/bus/usb/%03d/%03d", d->busnum, d->devnum);
        }
        opt(&b, "id", id);
        optf(&b, "bus", "%s.0", bus);
        /* libvirt's guestReset: off, uninitialized (only while not configured), on */
        if (o->guest_reset >= 0)
                opt(&b, "guest-reset", o->guest_reset ? "on" : "off");
        if (o->guest_reset > 0)
                opt(&b, "guest-resets-all", o->guest_reset > 1 ? "on" : "off");
        if (e->boot == d)
                optf(&b, "bootindex", "%d", o->boot);
        return put(e, "-device", &b);
}

/* ---------------------------------------------------------------- SCSI generic */

static int emit_sg(struct emit *e, const char *bus, struct hd_dev *d)
{
        const struct hd_qemu_opts *o = e->o;
        struct hd__buf b = { 0 };
        const char *node = make_id(e, d->sysname, "", NODE_NAME_MAX), *id;
        int r;

        if (!node)
                return -ENOMEM;
        /* QEMU runs on the host: the host's node, not the sysroot's */
        hd__buf_puts(&b, "driver=host_device");
        optf(&b, "filename", "/dev/%s", d->sysname);
        opt(&b, "node-name", node);
        if (o->readonly)
                opt(&b, "read-only", "on");
        r = put(e, "-blockdev", &b);
        if (r < 0)
                return r;
        id = dev_id(e, d);
        if (!id)
                return -ENOMEM;
        hd__buf_puts(&b, "scsi-generic");
        opt(&b, "drive", node);
        opt(&b, "id", id);
        optf(&b, "bus", "%s.0", bus);
        if (o->shareable)
                opt(&b, "share-rw", "on");
        if (e->boot == d)
                optf(&b, "bootindex", "%d", o->boot);
        return put(e, "-device", &b);
}

/* ---------------------------------------------------------------- entry */

HD_EXPORT void hd_qemu_opts_init(struct hd_qemu_opts *o)
{
        *o = (struct hd_qemu_opts){ .size = sizeof(*o), .guest_slot = -1, .rombar = -1, .boot = -1, .guest_reset = -1 };
}

/* WHAT (an option naming a QEMU id) is ID valid?  Returns: 0, -EINVAL (message set). */
static int check_id(struct hd_ctx *ctx, const char *what, const char *id)
{
        _cleanup_free_ char *safe = NULL;

        if (!id || id_valid(id))
                return 0;
        safe = hd_escape(id, HD_ESCAPE_TEXT);
        return hd__error(ctx, -EINVAL, "%s '%s' is not a QEMU id (a letter, then "
                         "letters, digits, '-', '.', '_')", what, safe ? safe : "?");
}

/* The options added in 0.2 */
static int check_more_opts(struct hd_ctx *ctx, const struct hd_qemu_opts *o)
{
        int r = hd__emit_check_machine(ctx, o->machine, o->guest_bus != NULL);

        if (r >= 0)
                r = check_id(ctx, "id", o->id);
        if (r < 0)
                return r;
        if (o->id && strlen(o->id) > ID_MAX - 8)
                return hd__error(ctx, -EINVAL, "id longer than %d characters", ID_MAX - 8);
        return hd__emit_check_boot_reset(ctx, "boot index", o->boot, o->guest_reset);
}

static int check_opts(struct hd_ctx *ctx, const struct hd_qemu_opts *o)
{
        int r = check_id(ctx, "guest bus", o->guest_bus);

        if (r >= 0)
                r = check_id(ctx, "USB bus", o->usb_bus);
        if (r >= 0)
                r = check_id(ctx, "SCSI bus", o->scsi_bus);
        if (r < 0)
                return r;
        /* a machine type places the devices on a guest bus of its own */
        r = hd__emit_check_pci_opts(ctx, o->guest_bus != NULL || o->machine, o->guest_slot,
                                    o->rombar, o->romfile);
        return r < 0 ? r : check_more_opts(ctx, o);
}

/* The devices by kind, each once, every one through the gate first; an
 * mdev goes out at once (hd__emit_qemu_mdev).  Returns: 0, -errno (message set). */
static int sort_devices(struct emit *e, struct hd_dev *const *devs, size_t n, struct devs *by)
{
        for (size_t i = 0; i < n; i++) {
                struct hd_dev *t;
                int r = hd__emit_check(e->ctx, devs[i], e->o->force, &t);

                if (r < 0)
                        return r;
                /* the same device named twice is passed once */
                if (t->type == HD_DEV_PCI && !hd__emit_listed(by->pci, by->npci, t))
                        by->pci[by->npci++] = t;
                else if (t->type == HD_DEV_USB_DEVICE && !hd__emit_listed(by->usb, by->nusb, t))
                        by->usb[by->nusb++] = t;
                else if (t->type == HD_DEV_SCSI_GENERIC && !hd__emit_listed(by->sg, by->nsg, t))
                        by->sg[by->nsg++] = t;
                else if (t->type == HD_DEV_MDEV)
                        r = hd__emit_qemu_mdev(e->ctx, t, NULL, e->argv);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Everything the devices need, in order: PCI, USB, SCSI */
static int emit_devices(struct emit *e, struct hd_dev *const *devs, size_t n, struct devs *by)
{
        int r = sort_devices(e, devs, n, by);

        if (r >= 0 && e->o->with_group)
                r = hd__emit_add_groups(e->ctx, &by->pci, &by->npci);
        if (r < 0)
                return r;
        if (e->o->boot >= 0 && n > 0)
                e->boot = hd__emit_target(devs[0]);
        r = emit_all_pci(e, by->pci, by->npci);
        if (r >= 0)
                r = emit_on_controller(e, by->usb, by->nusb, e->o->usb_bus, "xhci", "qemu-xhci",
                                       emit_usb);
        if (r >= 0)
                r = emit_on_controller(e, by->sg, by->nsg, e->o->scsi_bus, "scsi", "virtio-scsi-pci",
                                       emit_sg);
        return r;
}

HD_EXPORT int hd_emit_qemu(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                           const struct hd_qemu_opts *opts, struct hd_argv *argv)
{
        struct hd_qemu_opts defaults;
        struct emit e = { .ctx = ctx, .argv = argv };
        struct devs by = { 0 };
        size_t start = hd_argv_get_n(argv);
        int r;

        if (!opts) {
                hd_qemu_opts_init(&defaults);
                opts = &defaults;
        }
        r = HD__OPTS_CHECK(ctx, opts, hd_qemu_opts);
        if (r < 0)
                return r;
        e.o = opts;
        if (!argv || (n && !devs))
                return hd__error(ctx, -EINVAL, "no argument list");
        r = check_opts(ctx, opts);
        if (r < 0)
                return r;
        if (opts->machine && streq(opts->machine, "pc")) {
                /* pc: the PCI root bus, as --guest-bus pci.0 */
                defaults = *opts;
                defaults.guest_bus = "pci.0";
                e.o = opts = &defaults;
        }
        by.pci = calloc(n + 1, sizeof(*by.pci));
        by.usb = calloc(n + 1, sizeof(*by.usb));
        by.sg = calloc(n + 1, sizeof(*by.sg));
        r = by.pci && by.usb && by.sg ? emit_devices(&e, devs, n, &by) : -ENOMEM;
        if (r == -ENOMEM)
                hd__error(ctx, r, "out of memory");
        if (r < 0)
                hd__argv_truncate(argv, start);
        hd__strv_done(&e.ids);
        free(e.bus_ids);
        hd__topology_done(&e.topo);
        free(by.pci);
        free(by.usb);
        free(by.sg);
        return r < 0 ? r : 0;
}
