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
 * The gate shared with emit-libvirt.c lives here too: it asks the judge
 * (hd__judge_gate in policy.c), which holds every reason a device is refused.
 */
#define _GNU_SOURCE

#include "hostdev-internal.h"
#include "emit.h"
#include "policy.h"

#define NODE_NAME_MAX 31        /* QEMU's BlockDriverState.node_name[32] */
#define ID_MAX 64

/* ---------------------------------------------------------------- shared: refusal */

int hd__emit_check(struct hd_ctx *ctx, struct hd_dev *dev, bool force, struct hd_dev **target)
{
        int r;

        /* one source of truth: what the emitters refuse, check calls an error */
        r = hd__judge_gate(ctx, dev, force);
        if (r < 0)
                return r;
        *target = dev;
        if (dev->type == HD_DEV_SCSI)   /* a LUN goes by its sg node (the judge saw one) */
                for (struct hd_dev *c = dev->first_child; c; c = c->next_sibling)
                        if (c->type == HD_DEV_SCSI_GENERIC) {
                                *target = c;
                                break;
                        }
        return 0;
}

/* Trim and squeeze runs of blanks (SCSI INQUIRY strings are space-padded). */
static void squeeze_spaces(char *s)
{
        char *o = s;

        for (const char *p = s; *p; p++) {
                if (*p == ' ' && (o == s || o[-1] == ' '))
                        continue;
                *o++ = *p;
        }
        if (o > s && o[-1] == ' ')
                o--;
        *o = '\0';
}

char *hd__emit_describe(struct hd_dev *dev)
{
        static const char *const keys[][2] = {
                [HD_DEV_PCI] = { "vendor_name", "device_name" },
                [HD_DEV_USB_DEVICE] = { "manufacturer", "product" },
                [HD_DEV_SCSI] = { "vendor", "model" },
        };
        struct hd_value a, b;
        struct hd_dev *d = dev;
        char *s = NULL;

        if (d->type == HD_DEV_SCSI_GENERIC && d->parent && d->parent->type == HD_DEV_SCSI)
                d = d->parent;
        if ((size_t)d->type >= ELEMENTSOF(keys) || !keys[d->type][0])
                return strdup("");
        hd_dev_get_property(d, keys[d->type][0], &a);
        hd_dev_get_property(d, keys[d->type][1], &b);
        if (d->type == HD_DEV_USB_DEVICE && a.kind != HD_VALUE_STRING && b.kind != HD_VALUE_STRING) {
                hd_dev_get_property(d, "vendor_name", &a);
                hd_dev_get_property(d, "product_name", &b);
        }
        if (asprintf(&s, "%s %s%s%s", a.kind == HD_VALUE_STRING ? a.str : "",
                     b.kind == HD_VALUE_STRING ? b.str : "",
                     d->type == HD_DEV_USB_DEVICE && d->serial ? " serial " : "",
                     d->type == HD_DEV_USB_DEVICE && d->serial ? d->serial : "") < 0)
                return NULL;
        squeeze_spaces(s);
        return s;
}

/* ---------------------------------------------------------------- ids and values */

struct emit {
        struct hd_ctx *ctx;
        const struct hd_qemu_opts *o;
        struct hd_argv *argv;
        char **ids;             /* every id and node-name handed out */
        size_t n_ids;
        bool oom;
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

static bool id_used(const struct emit *e, const char *id)
{
        for (size_t i = 0; i < e->n_ids; i++)
                if (streq(e->ids[i], id))
                        return true;
        return false;
}

/* PREFIX + RAW (characters QEMU refuses become '_') + SUFFIX, at most MAX
 * characters, made unique with "-2", "-3"...  Returns: borrowed id or NULL (ENOMEM). */
static const char *make_id_prefixed(struct emit *e, const char *prefix, const char *raw,
                                    const char *suffix, size_t max)
{
        char base[ID_MAX + 1], id[ID_MAX + 16];
        size_t len = 0, room;
        char **nv;

        len = (size_t)snprintf(base, sizeof(base), "%s", prefix);
        room = max - len - strlen(suffix) - 4;  /* leave room for "-NNN" */
        for (const char *p = raw; *p && len < sizeof(base) - 1 && room > 0; p++, room--)
                base[len++] = id_char(*p) ? *p : '_';
        base[len] = '\0';
        snprintf(id, sizeof(id), "%s%s", base, suffix);
        for (unsigned n = 2; id_used(e, id) && n < 1000; n++)
                snprintf(id, sizeof(id), "%s-%u%s", base, n, suffix);
        nv = realloc(e->ids, (e->n_ids + 1) * sizeof(*nv));
        if (!nv)
                return NULL;
        e->ids = nv;
        e->ids[e->n_ids] = strdup(id);
        if (!e->ids[e->n_ids])
                return NULL;
        return e->ids[e->n_ids++];
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

static bool is_vga(const struct hd_dev *d) { return d->pci_class >= 0 && (d->pci_class >> 8) == 0x0300; }

static int emit_pci(struct emit *e, const struct hd__pci_place *p)
{
        const struct hd_qemu_opts *o = e->o;
        struct hd__buf b = { 0 };
        const char *id = dev_id(e, p->dev);

        if (!id)
                return -ENOMEM;
        hd__buf_puts(&b, "vfio-pci");
        opt(&b, "host", p->dev->address);
        opt(&b, "id", id);
        if (e->bus_ids) {
                opt(&b, "bus", e->bus_ids[p->bus]);
                optf(&b, "addr", "%02x.%x", p->slot, p->fn);
                if (p->multi)
                        opt(&b, "multifunction", "on");
        } else if (o->guest_bus) {
                opt(&b, "bus", o->guest_bus);
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

/* The root ports and the pcie-pci-bridge of the q35 layout, then the devices */
static int emit_q35(struct emit *e, struct hd_dev **pci, size_t n, struct hd__pci_place *place)
{
        struct hd__topology *t = &e->topo;
        int r = hd__emit_q35_place(e->ctx, pci, n, e->o->guest_slot >= 0 ? e->o->guest_slot : 0x10,
                                   place, t);

        if (r < 0)
                return r;
        e->bus_ids = calloc(t->n_ports + 3, sizeof(*e->bus_ids));
        if (!e->bus_ids)
                return -ENOMEM;
        e->bus_ids[0] = "pcie.0";
        for (size_t k = 0; k < t->n_ports; k++) {
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
                optf(&b, "port", "0x%02x", p->slot << 3 | p->fn);
                r = put(e, "-device", &b);
                if (r < 0)
                        return r;
        }
        if (t->bridge > 0) {
                struct hd__buf b = { 0 };

                e->bus_ids[t->bridge] = make_id(e, "pcibr", "", ID_MAX);
                if (!e->bus_ids[t->bridge])
                        return -ENOMEM;
                hd__buf_puts(&b, "pcie-pci-bridge");
                opt(&b, "id", e->bus_ids[t->bridge]);
                opt(&b, "bus", e->bus_ids[t->bridge - 1]);
                opt(&b, "addr", "00.0");
                r = put(e, "-device", &b);
                if (r < 0)
                        return r;
        }
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
                               : o->guest_bus && is_root_bus(o->guest_bus) ? 0x10 : 0,
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

static int emit_all_usb(struct emit *e, struct hd_dev **usb, size_t n)
{
        const struct hd_qemu_opts *o = e->o;
        const char *bus = o->usb_bus;
        int r;

        if (n == 0)
                return 0;
        r = add_controller(e, &bus, "xhci", "qemu-xhci");
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                struct hd_dev *d = usb[i];
                struct hd__buf b = { 0 };
                const char *id;

                hd__buf_puts(&b, "usb-host");
                if (o->by_id) {
                        r = usb_ids_unique(e, d);
                        if (r < 0) {
                                free(hd__buf_steal(&b));
                                return r;
                        }
                        optf(&b, "vendorid", "0x%04x", (unsigned)d->usb_vendor);
                        optf(&b, "productid", "0x%04x", (unsigned)d->usb_product);
                } else {
                        if (d->busnum <= 0 || d->devnum <= 0) {
                                free(hd__buf_steal(&b));
                                return hd__error(e->ctx, -EINVAL, "%s: USB bus/device number unknown",
                                                 d->name);
                        }
                        optf(&b, "hostdevice", "/dev/bus/usb/%03d/%03d", d->busnum, d->devnum);
                }
                id = dev_id(e, d);
                if (!id) {
                        free(hd__buf_steal(&b));
                        return -ENOMEM;
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
                r = put(e, "-device", &b);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---------------------------------------------------------------- SCSI generic */

static int emit_all_sg(struct emit *e, struct hd_dev **sg, size_t n)
{
        const struct hd_qemu_opts *o = e->o;
        const char *bus = o->scsi_bus;
        int r;

        if (n == 0)
                return 0;
        r = add_controller(e, &bus, "scsi", "virtio-scsi-pci");
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                struct hd_dev *d = sg[i];
                struct hd__buf b = { 0 };
                const char *node = make_id(e, d->sysname, "", NODE_NAME_MAX), *id;

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
                r = put(e, "-device", &b);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---------------------------------------------------------------- entry */

HD_EXPORT void hd_qemu_opts_init(struct hd_qemu_opts *o)
{
        memset(o, 0, sizeof(*o));
        o->guest_slot = -1;
        o->rombar = -1;
        o->boot = -1;
        o->guest_reset = -1;
}

/* The options added in 0.2 */
static int check_more_opts(struct hd_ctx *ctx, const struct hd_qemu_opts *o)
{
        int r = hd__emit_check_machine(ctx, o->machine, o->guest_bus != NULL);

        if (r < 0)
                return r;
        if (o->id && !id_valid(o->id)) {
                _cleanup_free_ char *safe = hd_escape(o->id, HD_ESCAPE_TEXT);
                return hd__error(ctx, -EINVAL, "id '%s' is not a QEMU id (a letter, then "
                                 "letters, digits, '-', '.', '_')", safe ? safe : "?");
        }
        if (o->id && strlen(o->id) > ID_MAX - 8)
                return hd__error(ctx, -EINVAL, "id longer than %d characters", ID_MAX - 8);
        if (o->boot < -1)
                return hd__error(ctx, -EINVAL, "boot index %d: want 0 or more", o->boot);
        if (o->guest_reset < -1 || o->guest_reset > 2)
                return hd__error(ctx, -EINVAL, "guest reset is -1 (leave), 0 (off), 1 (uninitialized) or 2 (on)");
        return 0;
}

static int check_opts(struct hd_ctx *ctx, const struct hd_qemu_opts *o)
{
        static const char *const what[] = { "guest bus", "USB bus", "SCSI bus" };
        const char *ids[] = { o->guest_bus, o->usb_bus, o->scsi_bus };

        for (size_t i = 0; i < ELEMENTSOF(ids); i++)
                if (ids[i] && !id_valid(ids[i])) {
                        _cleanup_free_ char *safe = hd_escape(ids[i], HD_ESCAPE_TEXT);
                        return hd__error(ctx, -EINVAL, "%s '%s' is not a QEMU id (a letter, then "
                                         "letters, digits, '-', '.', '_')", what[i],
                                         safe ? safe : "?");
                }
        /* a machine type places the devices on a guest bus of its own */
        return hd__emit_check_pci_opts(ctx, o->guest_bus != NULL || o->machine, o->guest_slot,
                                       o->rombar, o->romfile);
}

static bool listed(struct hd_dev **list, size_t n, const struct hd_dev *d)
{
        for (size_t i = 0; i < n; i++)
                if (list[i] == d)
                        return true;
        return false;
}

/* What D is passed as (a LUN by its sg node), for --boot */
static struct hd_dev *boot_target(struct hd_dev *d)
{
        if (d->type == HD_DEV_SCSI)
                for (struct hd_dev *c = d->first_child; c; c = c->next_sibling)
                        if (c->type == HD_DEV_SCSI_GENERIC)
                                return c;
        return d;
}

HD_EXPORT int hd_emit_qemu(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                           const struct hd_qemu_opts *opts, struct hd_argv *argv)
{
        struct hd_qemu_opts defaults;
        struct emit e = { .ctx = ctx, .argv = argv };
        struct hd_dev **pci = NULL, **usb = NULL, **sg = NULL;
        size_t npci = 0, nusb = 0, nsg = 0, start = hd_argv_get_n(argv);
        int r;

        if (!opts) {
                hd_qemu_opts_init(&defaults);
                opts = &defaults;
        }
        e.o = opts;
        if (!argv || (n && !devs))
                return hd__error(ctx, -EINVAL, "no argument list");
        r = check_opts(ctx, opts);
        if (r >= 0)
                r = check_more_opts(ctx, opts);
        if (r < 0)
                return r;
        if (opts->machine && streq(opts->machine, "pc")) {
                /* pc: the PCI root bus, as --guest-bus pci.0 */
                defaults = *opts;
                defaults.guest_bus = "pci.0";
                e.o = opts = &defaults;
        }
        pci = calloc(n + 1, sizeof(*pci));
        usb = calloc(n + 1, sizeof(*usb));
        sg = calloc(n + 1, sizeof(*sg));
        if (!pci || !usb || !sg) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < n; i++) {
                struct hd_dev *t;
                r = hd__emit_check(ctx, devs[i], opts->force, &t);
                if (r < 0)
                        goto out;
                /* the same device named twice is passed once */
                if (t->type == HD_DEV_PCI && !listed(pci, npci, t))
                        pci[npci++] = t;
                else if (t->type == HD_DEV_USB_DEVICE && !listed(usb, nusb, t))
                        usb[nusb++] = t;
                else if (t->type == HD_DEV_SCSI_GENERIC && !listed(sg, nsg, t))
                        sg[nsg++] = t;
                else if (t->type == HD_DEV_MDEV && (r = hd__emit_qemu_mdev(ctx, t, NULL, argv)) < 0)
                        goto out;
        }
        if (opts->with_group)
                r = hd__emit_add_groups(ctx, &pci, &npci);
        if (r < 0)
                goto out;
        if (opts->boot >= 0 && n > 0)
                e.boot = boot_target(devs[0]);
        r = emit_all_pci(&e, pci, npci);
        if (r >= 0)
                r = emit_all_usb(&e, usb, nusb);
        if (r >= 0)
                r = emit_all_sg(&e, sg, nsg);
out:
        if (r == -ENOMEM)
                hd__error(ctx, r, "out of memory");
        if (r < 0 && argv)
                hd__argv_truncate(argv, start);
        for (size_t i = 0; i < e.n_ids; i++)
                free(e.ids[i]);
        free(e.ids);
        free(e.bus_ids);
        hd__topology_done(&e.topo);
        free(pci);
        free(usb);
        free(sg);
        return r < 0 ? r : 0;
}
