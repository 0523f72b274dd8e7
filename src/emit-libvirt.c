/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt <hostdev> elements (schema: domaincommon.rng, hostdevsubsys*):
 *
 *   <hostdev mode='subsystem' type='pci' managed='no|yes'>
 *     <source><address domain='0xDDDD' bus='0xBB' slot='0xSS' function='0xF'/></source>
 *     [<rom bar='on|off' file='F'/>]
 *     [<address type='pci' domain='0x0000' bus='0xNN' slot='0xSS' function='0xF'
 *               [multifunction='on']/>]             (the guest's address)
 *   <hostdev mode='subsystem' type='usb'>
 *     <source><vendor id='0xVVVV'/><product id='0xPPPP'/><address bus='N' device='N'/></source>
 *   <hostdev mode='subsystem' type='scsi'>
 *     <source><adapter name='scsi_hostH'/><address bus='C' target='T' unit='L'/></source>
 *
 * managed is written for PCI only: it is the one type where it chooses who
 * binds the driver (hostdev with 'no', libvirt with 'yes').  Each element
 * follows a comment naming the device; the names in it are device strings,
 * so they are escaped like terminal text (\xHH), then as XML, and "--" is
 * broken up, so the comment stays a comment.
 */
#define _GNU_SOURCE
#include <linux/pci.h>         /* PCI_DEVFN */

#include "abi.h"
#include "emit.h"

HD_EXPORT void hd_xml_opts_init(struct hd_xml_opts *o)
{
        *o = (struct hd_xml_opts){ .size = sizeof(*o), .guest_bus = -1, .guest_slot = -1,
                                   .rombar = -1, .boot = -1,
                                   .guest_reset = -1, .vlan = -1 };
}

static bool is_q35(const struct hd_xml_opts *o) { return o->machine && streq(o->machine, "q35"); }

/* Text safe for an XML comment or attribute: no control character, no
 * invalid UTF-8, no U+FFFE/U+FFFF (not XML characters), markup as entities. */
static void put_xml_text(struct hd__buf *b, const char *raw, bool comment)
{
        _cleanup_free_ char *s = hd_escape(raw, HD_ESCAPE_TEXT);

        if (!s) {
                b->oom = true;
                return;
        }
        for (const char *p = s; *p; p++) {
                switch (*p) {
                case '&': hd__buf_puts(b, "&amp;"); break;
                case '<': hd__buf_puts(b, "&lt;"); break;
                case '>': hd__buf_puts(b, "&gt;"); break;
                case '\'': hd__buf_puts(b, "&apos;"); break;
                case '"': hd__buf_puts(b, "&quot;"); break;
                case '-':
                        /* "--" may not appear inside a comment */
                        if (comment && b->len && b->s[b->len - 1] == '-')
                                hd__buf_puts(b, " ");
                        hd__buf_puts(b, "-");
                        break;
                default:
                        if ((unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbf &&
                            ((unsigned char)p[2] == 0xbe || (unsigned char)p[2] == 0xbf)) {
                                hd__buf_putf(b, "\\xef\\xbf\\x%02x", (unsigned char)p[2]);
                                p += 2;
                        } else {
                                hd__buf_putn(b, p, 1);
                        }
                }
        }
}

static void put_comment(struct hd__buf *b, const char *ind, struct hd_dev *d)
{
        _cleanup_free_ char *desc = hd__emit_describe(d);
        char ids[32] = "";
        const struct hd_dev *lun = d->parent;

        if (d->type == HD_DEV_PCI && d->vendor >= 0 && d->device >= 0)
                snprintf(ids, sizeof(ids), " %04x:%04x", (unsigned)d->vendor, (unsigned)d->device);
        else if (d->type == HD_DEV_USB_DEVICE && d->usb_vendor >= 0 && d->usb_product >= 0)
                snprintf(ids, sizeof(ids), " %04x:%04x", (unsigned)d->usb_vendor,
                         (unsigned)d->usb_product);
        else if (d->type == HD_DEV_SCSI_GENERIC && lun && lun->type == HD_DEV_SCSI)
                snprintf(ids, sizeof(ids), " %d:%d:%d:%d", lun->scsi_host, lun->scsi_channel,
                         lun->scsi_target, lun->scsi_lun);
        if (!desc) {
                b->oom = true;
                return;
        }
        hd__buf_putf(b, "%s<!-- ", ind);
        put_xml_text(b, d->name, true);
        hd__buf_puts(b, ids);
        if (*desc) {
                hd__buf_puts(b, " ");
                put_xml_text(b, desc, true);
        }
        hd__buf_puts(b, " -->\n");
}

/* <rom> and the guest <address> of a PCI function, after its <source> */
static void put_pci_extra(struct hd__buf *b, const char *ind, const struct hd__pci_place *p,
                          const struct hd_xml_opts *o)
{
        if (o->rombar >= 0 || (p->rom && o->romfile)) {
                hd__buf_putf(b, "%s  <rom", ind);
                if (o->rombar >= 0)
                        hd__buf_putf(b, " bar='%s'", o->rombar ? "on" : "off");
                if (p->rom && o->romfile) {
                        hd__buf_puts(b, " file='");
                        put_xml_text(b, o->romfile, false);
                        hd__buf_puts(b, "'");
                }
                hd__buf_puts(b, "/>\n");
        }
        if (p->slot >= 0)
                hd__buf_putf(b, "%s  <address type='pci' domain='0x0000' bus='0x%02x' slot='0x%02x' "
                             "function='0x%x'%s/>\n", ind,
                             (unsigned)(is_q35(o) ? p->bus : o->guest_bus),
                             (unsigned)p->slot, (unsigned)p->fn,
                             p->multi ? " multifunction='on'" : "");
}

struct xml_state {
        struct hd_dev *boot;    /* gets <boot order> */
        int n_alias;            /* aliases handed out */
};

/* What the 0.2 options add to any element: boot order, alias, SCSI's
 * readonly/shareable, the iommufd driver of a PCI device */
static void put_more(struct hd__buf *b, const char *ind, struct hd_dev *d,
                     const struct hd_xml_opts *o, struct xml_state *st)
{
        if (st->boot == d)
                hd__buf_putf(b, "%s  <boot order='%d'/>\n", ind, o->boot);
        if (o->alias) {
                hd__buf_putf(b, "%s  <alias name='ua-", ind);
                put_xml_text(b, o->alias, false);
                if (st->n_alias++ > 0)
                        hd__buf_putf(b, "-%d", st->n_alias);
                hd__buf_puts(b, "'/>\n");
        }
        if (d->type == HD_DEV_SCSI_GENERIC && o->readonly)
                hd__buf_putf(b, "%s  <readonly/>\n", ind);
        if (d->type == HD_DEV_SCSI_GENERIC && o->shareable)
                hd__buf_putf(b, "%s  <shareable/>\n", ind);
        if (d->type == HD_DEV_PCI && o->iommufd)
                hd__buf_putf(b, "%s  <driver iommufd='yes'/>\n", ind);
}

static void put_pci(struct hd__buf *b, const char *ind, struct hd_dev *d,
                    const struct hd__pci_place *place, const struct hd_xml_opts *o,
                    struct xml_state *st)
{
        put_comment(b, ind, d);
        if (o->interface)
                hd__buf_putf(b, "%s<interface type='hostdev' managed='%s'>\n", ind,
                             o->managed ? "yes" : "no");
        else
                hd__buf_putf(b, "%s<hostdev mode='subsystem' type='pci' managed='%s'>\n", ind,
                             o->managed ? "yes" : "no");
        if (o->mac)
                hd__buf_putf(b, "%s  <mac address='%s'/>\n", ind, o->mac);
        hd__buf_putf(b, "%s  <source>\n", ind);
        hd__buf_putf(b, "%s    <address %sdomain='0x%04x' bus='0x%02x' slot='0x%02x' "
                     "function='0x%x'/>\n", ind, o->interface ? "type='pci' " : "",
                     d->domain, d->bus, d->slot, d->func);
        hd__buf_putf(b, "%s  </source>\n", ind);
        if (o->vlan >= 0)
                hd__buf_putf(b, "%s  <vlan>\n%s    <tag id='%d'/>\n%s  </vlan>\n", ind, ind,
                             o->vlan, ind);
        if (place)
                put_pci_extra(b, ind, place, o);
        put_more(b, ind, d, o, st);
        hd__buf_putf(b, "%s</%s>\n", ind, o->interface ? "interface" : "hostdev");
}

/* <hostdev type='usb'> up to its open <source> */
static int put_usb_source(struct hd_ctx *ctx, struct hd__buf *b, const char *ind, struct hd_dev *d,
                          const struct hd_xml_opts *o)
{
        bool ids = d->usb_vendor >= 0 && d->usb_product >= 0;
        bool addr = !o->by_id && d->busnum > 0 && d->devnum > 0;

        if (o->by_id && !ids)
                return hd__error(ctx, -EINVAL,
                                 "%s: vendor/product ID unknown; cannot pass it by ID", d->name);
        if (!ids && !addr)
                return hd__error(ctx, -EINVAL, "%s: neither ID nor bus address known", d->name);
        put_comment(b, ind, d);
        hd__buf_putf(b, "%s<hostdev mode='subsystem' type='usb'>\n", ind);
        if (o->guest_reset >= 0)
                hd__buf_putf(b, "%s  <source guestReset='%s'>\n", ind,
                             o->guest_reset == 0 ? "off"
                             : o->guest_reset == 1 ? "uninitialized" : "on");
        else
                hd__buf_putf(b, "%s  <source>\n", ind);
        if (ids) {
                hd__buf_putf(b, "%s    <vendor id='0x%04x'/>\n", ind, (unsigned)d->usb_vendor);
                hd__buf_putf(b, "%s    <product id='0x%04x'/>\n", ind, (unsigned)d->usb_product);
        }
        /* decimal: libvirt reads a leading 0 as octal */
        if (addr)
                hd__buf_putf(b, "%s    <address bus='%d' device='%d'/>\n", ind, d->busnum,
                             d->devnum);
        return 0;
}

/* <hostdev type='scsi'> of an sg node up to its open <source> */
static int put_scsi_source(struct hd_ctx *ctx, struct hd__buf *b, const char *ind,
                           struct hd_dev *d)
{
        const struct hd_dev *lun = d->parent;

        if (!lun || lun->type != HD_DEV_SCSI || lun->scsi_host < 0 || lun->scsi_channel < 0 ||
            lun->scsi_target < 0 || lun->scsi_lun < 0)
                return hd__error(ctx, -EINVAL, "%s: no SCSI address (H:C:T:L) above it", d->name);
        put_comment(b, ind, d);
        hd__buf_putf(b, "%s<hostdev mode='subsystem' type='scsi'>\n", ind);
        hd__buf_putf(b, "%s  <source>\n", ind);
        hd__buf_putf(b, "%s    <adapter name='scsi_host%d'/>\n", ind, lun->scsi_host);
        hd__buf_putf(b, "%s    <address bus='%d' target='%d' unit='%d'/>\n", ind,
                     lun->scsi_channel, lun->scsi_target, lun->scsi_lun);
        return 0;
}

static int put_hostdev(struct hd_ctx *ctx, struct hd__buf *b, const char *ind, struct hd_dev *d,
                       const struct hd__pci_place *place, const struct hd_xml_opts *o,
                       struct xml_state *st)
{
        int r;

        switch (d->type) {
        case HD_DEV_PCI:
                put_pci(b, ind, d, place, o, st);
                return 0;
        case HD_DEV_USB_DEVICE:
                r = put_usb_source(ctx, b, ind, d, o);
                break;
        case HD_DEV_SCSI_GENERIC:
                r = put_scsi_source(ctx, b, ind, d);
                break;
        case HD_DEV_MDEV:
                return hd__xml_mdev(ctx, b, ind, d, NULL);
        default:
                return hd__error(ctx, -EINVAL, "%s: cannot be passed through", d->name);
        }
        if (r < 0)
                return r;
        hd__buf_putf(b, "%s  </source>\n", ind);
        put_more(b, ind, d, o, st);
        hd__buf_putf(b, "%s</hostdev>\n", ind);
        return 0;
}

/* xx:xx:xx:xx:xx:xx, unicast */
static bool mac_valid(const char *s)
{
        unsigned v[6];
        char end;

        if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
                                      &v[4], &v[5], &end) != 6)
                return false;
        for (int i = 0; i < 17; i++)
                if (i % 3 == 2 ? s[i] != ':' : !strchr("0123456789abcdefABCDEF", s[i]))
                        return false;
        return !(v[0] & 1);
}

/* The options added in 0.2 */
static int check_more_opts(struct hd_ctx *ctx, const struct hd_xml_opts *o)
{
        int r = hd__emit_check_machine(ctx, o->machine, o->guest_bus >= 0);

        if (r < 0)
                return r;
        if (o->alias) {
                /* libvirt's user aliases: ua- and [a-zA-Z0-9_-] */
                bool ok = *o->alias && strlen(o->alias) < 64;
                for (const char *p = o->alias; ok && *p; p++)
                        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                             (*p >= '0' && *p <= '9') || *p == '_' || *p == '-';
                if (!ok) {
                        _cleanup_free_ char *safe = hd_escape(o->alias, HD_ESCAPE_TEXT);
                        return hd__error(ctx, -EINVAL, "alias '%s': letters, digits, '_' and '-' "
                                         "only (libvirt writes it ua-ALIAS)", safe ? safe : "?");
                }
        }
        r = hd__emit_check_boot_reset(ctx, "boot order", o->boot, o->guest_reset);
        if (r < 0)
                return r;
        if ((o->mac || o->vlan >= 0) && !o->interface)
                return hd__error(ctx, -EINVAL, "a MAC address or VLAN needs --interface (an SR-IOV VF)");
        if (o->mac && !mac_valid(o->mac)) {
                _cleanup_free_ char *safe = hd_escape(o->mac, HD_ESCAPE_TEXT);
                return hd__error(ctx, -EINVAL, "MAC address '%s': want a unicast xx:xx:xx:xx:xx:xx",
                                 safe ? safe : "?");
        }
        if (o->vlan > 4095)
                return hd__error(ctx, -EINVAL, "VLAN %d out of range (0-4095)", o->vlan);
        return 0;
}

/* --interface: PCI SR-IOV virtual functions only */
static int check_interface(struct hd_ctx *ctx, struct hd_dev **devs, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (devs[i]->type != HD_DEV_PCI || !hd_dev_get_physfn(devs[i]))
                        return hd__error(ctx, -EINVAL, "%s: --interface is for SR-IOV virtual "
                                         "functions (libvirt sets their MAC and VLAN through the PF)",
                                         devs[i]->name);
        }
        return 0;
}

static int check_opts(struct hd_ctx *ctx, const struct hd_xml_opts *o)
{
        if (o->guest_bus > 255)
                return hd__error(ctx, -EINVAL, "guest bus %d out of range (0-255)", o->guest_bus);
        /* a machine type places the devices on a guest bus of its own */
        return hd__emit_check_pci_opts(ctx, o->guest_bus >= 0 || o->machine, o->guest_slot,
                                       o->rombar, o->romfile);
}

/* The placement of the PCI functions among DEVS (*ret, in emission order) */
static int place_pci(struct hd_ctx *ctx, struct hd_dev **devs, size_t n,
                     const struct hd_xml_opts *o, struct hd__pci_place **ret,
                     struct hd__topology *topo)
{
        struct hd_dev **pci = calloc(n + 1, sizeof(*pci));
        char bus[16];
        size_t np = 0;
        int r;

        *ret = calloc(n + 1, sizeof(**ret));
        if (!pci || !*ret) {
                free(pci);
                return hd__error(ctx, -ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < n; i++)
                if (devs[i]->type == HD_DEV_PCI)
                        pci[np++] = devs[i];
        if (np == 0 && (o->romfile || o->rombar >= 0)) {
                free(pci);
                return hd__error(ctx, -EINVAL, "ROM options need a PCI device among the devices");
        }
        snprintf(bus, sizeof(bus), "bus %d", o->guest_bus);
        if (is_q35(o))
                r = hd__emit_q35_place(ctx, pci, np,
                                       o->guest_slot >= 0 ? o->guest_slot : HD_GUEST_FIRST_SLOT,
                                       *ret, topo);
        else
                r = hd__emit_pci_place(ctx, pci, np, o->guest_bus >= 0,
                               o->guest_slot >= 0 ? o->guest_slot
                               : o->guest_bus == 0 ? HD_GUEST_FIRST_SLOT : 0,
                               bus, *ret);
        free(pci);
        return r == -ENOMEM ? hd__error(ctx, r, "out of memory") : r;
}

/* The q35 controllers (after pcie-root with a whole domain) */
static void put_controllers(struct hd__buf *b, const char *ind, const struct hd__topology *t,
                            bool domain)
{
        if (domain)
                hd__buf_putf(b, "%s<controller type='pci' index='0' model='pcie-root'/>\n", ind);
        for (size_t k = 0; k < t->n_ports; k++) {
                const struct hd__port *p = &t->ports[k];
                hd__buf_putf(b, "%s<controller type='pci' index='%d' model='pcie-root-port'>\n", ind,
                             p->index);
                hd__buf_putf(b, "%s  <model name='pcie-root-port'/>\n", ind);
                hd__buf_putf(b, "%s  <target chassis='%d' port='0x%x'/>\n", ind, p->index,
                             (unsigned)PCI_DEVFN(p->slot, p->fn));
                hd__buf_putf(b, "%s  <address type='pci' domain='0x0000' bus='0x00' slot='0x%02x' "
                             "function='0x%x'%s/>\n", ind, (unsigned)p->slot, (unsigned)p->fn,
                             p->multi ? " multifunction='on'" : "");
                hd__buf_putf(b, "%s</controller>\n", ind);
        }
        if (t->bridge > 0) {
                hd__buf_putf(b, "%s<controller type='pci' index='%d' model='pcie-to-pci-bridge'>\n",
                             ind, t->bridge);
                hd__buf_putf(b, "%s  <model name='pcie-pci-bridge'/>\n", ind);
                hd__buf_putf(b, "%s  <address type='pci' domain='0x0000' bus='0x%02x' slot='0x00' "
                             "function='0x0'/>\n", ind, (unsigned)(t->bridge - 1));
                hd__buf_putf(b, "%s</controller>\n", ind);
        }
}

/* Every option, before any device is judged */
static int check_all_opts(struct hd_ctx *ctx, const struct hd_xml_opts *o,
                          struct hd_dev *const *devs, size_t n)
{
        int r = check_opts(ctx, o);

        if (r >= 0)
                r = check_more_opts(ctx, o);
        if (r >= 0 && o->interface)
                r = check_interface(ctx, (struct hd_dev **)devs, n);
        return r;
}

/* What DEVS are passed as, each once, through the gate (every one before
 * anything is written), then the rest of their groups with --with-group.
 * Returns: 0 and *RET (*NRET of them, caller frees), -errno (message set). */
static int judge_all(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                     const struct hd_xml_opts *o, struct hd_dev ***ret, size_t *nret)
{
        struct hd_dev **done = calloc(n + 1, sizeof(*done));
        size_t ndone = 0;
        int r = 0;

        if (!done)
                return hd__error(ctx, -ENOMEM, "out of memory");
        for (size_t i = 0; i < n && r >= 0; i++) {
                struct hd_dev *t;
                r = hd__emit_check(ctx, devs[i], o->force, &t);
                if (r >= 0 && !hd__emit_listed(done, ndone, t))
                        done[ndone++] = t;
        }
        if (r >= 0 && o->with_group)
                r = hd__emit_add_groups(ctx, &done, &ndone);
        *ret = done;
        *nret = ndone;
        return r;
}

/* The elements of the N devices DONE (PCI functions in their placement
 * order PLACE, the rest as given), in a <domain> with --domain */
static int put_all(struct hd_ctx *ctx, struct hd__buf *b, struct hd_dev **done, size_t n,
                   const struct hd__pci_place *place, const struct hd__topology *topo,
                   const struct hd_xml_opts *o)
{
        struct xml_state st = { 0 };
        const char *ind = o->domain ? "    " : "";
        int r = 0;

        if (o->boot >= 0 && n > 0)
                st.boot = done[0];      /* what the first device named is passed as */
        if (o->domain)
                hd__xml_domain_open(b, o->machine ? o->machine : "q35");
        if (is_q35(o))
                put_controllers(b, ind, topo, o->domain);
        for (size_t i = 0, k = 0; i < n && r >= 0; i++) {
                struct hd_dev *d = done[i];
                const struct hd__pci_place *p = NULL;
                if (d->type == HD_DEV_PCI) {
                        p = &place[k++];
                        d = p->dev;
                }
                r = put_hostdev(ctx, b, ind, d, p, o, &st);
        }
        if (r >= 0 && o->domain)
                hd__xml_domain_close(b);
        return r;
}

HD_EXPORT int hd_emit_libvirt_xml(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                                  const struct hd_xml_opts *opts, char **ret)
{
        struct hd_xml_opts defaults;
        struct hd__buf b = { 0 };
        struct hd_dev **done = NULL;
        struct hd__pci_place *place = NULL;
        struct hd__topology topo = { .bridge = -1 };
        size_t ndone = 0;
        int r;

        if (!opts) {
                hd_xml_opts_init(&defaults);
                opts = &defaults;
        }
        r = HD__OPTS_CHECK(ctx, opts, hd_xml_opts);
        if (r < 0)
                return r;
        if (!ret || (n && !devs))
                return hd__error(ctx, -EINVAL, "no result pointer");
        *ret = NULL;
        r = check_all_opts(ctx, opts, devs, n);
        if (r < 0)
                return r;
        if (opts->machine && streq(opts->machine, "pc")) {
                /* pc: the PCI root bus, as --guest-bus 0 */
                defaults = *opts;
                defaults.guest_bus = 0;
                opts = &defaults;
        }
        r = judge_all(ctx, devs, n, opts, &done, &ndone);
        if (r >= 0)
                r = place_pci(ctx, done, ndone, opts, &place, &topo);
        if (r >= 0)
                r = put_all(ctx, &b, done, ndone, place, &topo, opts);
        if (r >= 0 && !(*ret = hd__buf_steal(&b)))
                r = hd__error(ctx, -ENOMEM, "out of memory");
        hd__buf_done(&b);
        free(done);
        free(place);
        hd__topology_done(&topo);
        return r < 0 ? r : 0;
}
