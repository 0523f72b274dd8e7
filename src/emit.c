/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What every emitter shares (QEMU arguments, libvirt XML, mdev): the gate
 * that refuses devices (it asks the judge, hd__judge_gate in policy.c, which
 * holds every reason a device is refused), what a device is passed as, its
 * description for comments, the option checks both emitters make alike and
 * the libvirt <domain> wrapper.
 */
#define _GNU_SOURCE

#include "emit.h"
#include "policy.h"

/* ---------------------------------------------------------------- refusal */

struct hd_dev *hd__emit_target(struct hd_dev *dev)
{
        if (dev->type == HD_DEV_SCSI)
                for (struct hd_dev *c = dev->first_child; c; c = c->next_sibling)
                        if (c->type == HD_DEV_SCSI_GENERIC)
                                return c;
        return dev;
}

int hd__emit_check(struct hd_ctx *ctx, struct hd_dev *dev, bool force, struct hd_dev **target)
{
        int r;

        /* one source of truth: what the emitters refuse, check calls an error */
        r = hd__judge_gate(ctx, dev, force);
        if (r < 0)
                return r;
        *target = hd__emit_target(dev);        /* a LUN: the judge saw its sg node */
        return 0;
}

bool hd__emit_listed(struct hd_dev *const *list, size_t n, const struct hd_dev *d)
{
        for (size_t i = 0; i < n; i++)
                if (list[i] == d)
                        return true;
        return false;
}

/* ---------------------------------------------------------------- description */

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

/* ---------------------------------------------------------------- options */

int hd__emit_check_pci_opts(struct hd_ctx *ctx, bool have_bus, int guest_slot, int rombar,
                            const char *romfile)
{
        if (guest_slot > HD_GUEST_SLOT_MAX)
                return hd__error(ctx, -EINVAL, "guest slot %d out of range (0-31)", guest_slot);
        if (guest_slot >= 0 && !have_bus)
                return hd__error(ctx, -EINVAL, "a guest slot needs a guest bus");
        if (rombar > 1)
                return hd__error(ctx, -EINVAL, "rombar is -1, 0 or 1");
        if (romfile && !*romfile)
                return hd__error(ctx, -EINVAL, "empty ROM file name");
        return 0;
}

int hd__emit_check_machine(struct hd_ctx *ctx, const char *machine, bool have_bus)
{
        if (!machine)
                return 0;
        if (!streq(machine, "q35") && !streq(machine, "pc")) {
                _cleanup_free_ char *safe = hd_escape(machine, HD_ESCAPE_TEXT);
                return hd__error(ctx, -EINVAL, "machine '%s': hostdev knows q35 and pc",
                                 safe ? safe : "?");
        }
        if (have_bus)
                return hd__error(ctx, -EINVAL, "a machine type places the devices itself: "
                                 "give it or a guest bus, not both");
        return 0;
}

int hd__emit_check_boot_reset(struct hd_ctx *ctx, const char *boot_what, int boot, int guest_reset)
{
        if (boot < -1)
                return hd__error(ctx, -EINVAL, "%s %d: want 0 or more", boot_what, boot);
        if (guest_reset < -1 || guest_reset > 2)
                return hd__error(ctx, -EINVAL, "guest reset is -1 (leave), 0 (off), 1 (uninitialized) or 2 (on)");
        return 0;
}

/* ---------------------------------------------------------------- libvirt domain */

void hd__xml_domain_open(struct hd__buf *b, const char *machine)
{
        hd__buf_putf(b, "<domain type='kvm'>\n"
                        "  <name>hostdev</name>\n"
                        "  <memory unit='MiB'>1024</memory>\n"
                        "  <os>\n"
                        "    <type arch='x86_64' machine='%s'>hvm</type>\n"
                        "  </os>\n"
                        "  <devices>\n", machine);
}

void hd__xml_domain_close(struct hd__buf *b)
{
        hd__buf_puts(b, "  </devices>\n</domain>\n");
}
