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

#include "hostdev-internal.h"
#include "emit.h"

HD_EXPORT void hd_xml_opts_init(struct hd_xml_opts *o)
{
        memset(o, 0, sizeof(*o));
        o->guest_bus = -1;
        o->guest_slot = -1;
        o->rombar = -1;
}

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
                             "function='0x%x'%s/>\n", ind, (unsigned)o->guest_bus,
                             (unsigned)p->slot, (unsigned)p->fn,
                             p->multi ? " multifunction='on'" : "");
}

static int put_hostdev(struct hd_ctx *ctx, struct hd__buf *b, const char *ind, struct hd_dev *d,
                       const struct hd__pci_place *place, const struct hd_xml_opts *o)
{
        const struct hd_dev *lun = d->parent;
        bool ids, addr;

        switch (d->type) {
        case HD_DEV_PCI:
                put_comment(b, ind, d);
                hd__buf_putf(b, "%s<hostdev mode='subsystem' type='pci' managed='%s'>\n", ind,
                             o->managed ? "yes" : "no");
                hd__buf_putf(b, "%s  <source>\n", ind);
                hd__buf_putf(b, "%s    <address domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                             "function='0x%x'/>\n", ind, d->domain, d->bus, d->slot, d->func);
                hd__buf_putf(b, "%s  </source>\n", ind);
                if (place)
                        put_pci_extra(b, ind, place, o);
                hd__buf_putf(b, "%s</hostdev>\n", ind);
                return 0;
        case HD_DEV_USB_DEVICE:
                ids = d->usb_vendor >= 0 && d->usb_product >= 0;
                addr = !o->by_id && d->busnum > 0 && d->devnum > 0;
                if (o->by_id && !ids)
                        return hd__error(ctx, -EINVAL,
                                         "%s: vendor/product ID unknown; cannot pass it by ID", d->name);
                if (!ids && !addr)
                        return hd__error(ctx, -EINVAL, "%s: neither ID nor bus address known",
                                         d->name);
                put_comment(b, ind, d);
                hd__buf_putf(b, "%s<hostdev mode='subsystem' type='usb'>\n", ind);
                hd__buf_putf(b, "%s  <source>\n", ind);
                if (ids) {
                        hd__buf_putf(b, "%s    <vendor id='0x%04x'/>\n", ind, (unsigned)d->usb_vendor);
                        hd__buf_putf(b, "%s    <product id='0x%04x'/>\n", ind,
                                     (unsigned)d->usb_product);
                }
                /* decimal: libvirt reads a leading 0 as octal */
                if (addr)
                        hd__buf_putf(b, "%s    <address bus='%d' device='%d'/>\n", ind, d->busnum,
                                     d->devnum);
                break;
        case HD_DEV_SCSI_GENERIC:
                if (!lun || lun->type != HD_DEV_SCSI || lun->scsi_host < 0 || lun->scsi_channel < 0 ||
                    lun->scsi_target < 0 || lun->scsi_lun < 0)
                        return hd__error(ctx, -EINVAL, "%s: no SCSI address (H:C:T:L) above it",
                                         d->name);
                put_comment(b, ind, d);
                hd__buf_putf(b, "%s<hostdev mode='subsystem' type='scsi'>\n", ind);
                hd__buf_putf(b, "%s  <source>\n", ind);
                hd__buf_putf(b, "%s    <adapter name='scsi_host%d'/>\n", ind, lun->scsi_host);
                hd__buf_putf(b, "%s    <address bus='%d' target='%d' unit='%d'/>\n", ind,
                             lun->scsi_channel, lun->scsi_target, lun->scsi_lun);
                break;
        case HD_DEV_MDEV:
                return hd__xml_mdev(ctx, b, ind, d, NULL);
        default:
                return hd__error(ctx, -EINVAL, "%s: cannot be passed through", d->name);
        }
        hd__buf_putf(b, "%s  </source>\n", ind);
        hd__buf_putf(b, "%s</hostdev>\n", ind);
        return 0;
}

static int check_opts(struct hd_ctx *ctx, const struct hd_xml_opts *o)
{
        if (o->guest_bus > 255)
                return hd__error(ctx, -EINVAL, "guest bus %d out of range (0-255)", o->guest_bus);
        return hd__emit_check_pci_opts(ctx, o->guest_bus >= 0, o->guest_slot, o->rombar,
                                       o->romfile);
}

/* The placement of the PCI functions among DEVS (*ret, in emission order) */
static int place_pci(struct hd_ctx *ctx, struct hd_dev **devs, size_t n,
                     const struct hd_xml_opts *o, struct hd__pci_place **ret)
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
        r = hd__emit_pci_place(ctx, pci, np, o->guest_bus >= 0,
                               o->guest_slot >= 0 ? o->guest_slot : o->guest_bus == 0 ? 0x10 : 0,
                               bus, *ret);
        free(pci);
        return r == -ENOMEM ? hd__error(ctx, r, "out of memory") : r;
}

HD_EXPORT int hd_emit_libvirt_xml(struct hd_ctx *ctx, struct hd_dev *const *devs, size_t n,
                                  const struct hd_xml_opts *opts, char **ret)
{
        struct hd_xml_opts defaults;
        struct hd__buf b = { 0 };
        struct hd_dev **done = NULL;
        struct hd__pci_place *place = NULL;
        size_t ndone = 0;
        const char *ind;
        int r = 0;

        if (!opts) {
                hd_xml_opts_init(&defaults);
                opts = &defaults;
        }
        if (!ret || (n && !devs))
                return hd__error(ctx, -EINVAL, "no result pointer");
        *ret = NULL;
        r = check_opts(ctx, opts);
        if (r < 0)
                return r;
        done = calloc(n + 1, sizeof(*done));
        if (!done)
                return hd__error(ctx, -ENOMEM, "out of memory");
        /* judge everything before writing anything */
        for (size_t i = 0; i < n && r >= 0; i++) {
                struct hd_dev *t;
                bool seen = false;
                r = hd__emit_check(ctx, devs[i], opts->force, &t);
                for (size_t k = 0; r >= 0 && k < ndone; k++)
                        seen |= done[k] == t;
                if (r >= 0 && !seen)
                        done[ndone++] = t;
        }
        if (r < 0)
                goto out;
        r = place_pci(ctx, done, ndone, opts, &place);
        if (r < 0)
                goto out;
        ind = opts->domain ? "    " : "";
        if (opts->domain)
                hd__buf_puts(&b, "<domain type='kvm'>\n"
                                 "  <name>hostdev</name>\n"
                                 "  <memory unit='MiB'>1024</memory>\n"
                                 "  <os>\n"
                                 "    <type arch='x86_64' machine='q35'>hvm</type>\n"
                                 "  </os>\n"
                                 "  <devices>\n");
        for (size_t i = 0, k = 0; i < ndone && r >= 0; i++) {
                /* PCI functions in their placement order, the rest as given */
                struct hd_dev *d = done[i];
                const struct hd__pci_place *p = NULL;
                if (d->type == HD_DEV_PCI) {
                        p = &place[k++];
                        d = p->dev;
                }
                r = put_hostdev(ctx, &b, ind, d, p, opts);
        }
        if (r < 0)
                goto out;
        if (opts->domain)
                hd__buf_puts(&b, "  </devices>\n</domain>\n");
        *ret = hd__buf_steal(&b);
        if (!*ret)
                r = hd__error(ctx, -ENOMEM, "out of memory");
out:
        free(hd__buf_steal(&b));
        free(done);
        free(place);
        return r < 0 ? r : 0;
}
