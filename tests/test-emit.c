/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Emitters: shell quoting, QEMU arguments, libvirt XML, refusals. */
#include "testlib.h"
#include "emit.h"

static char *ws_dir, *hostile_dir;

static int setup(void **state)
{
        (void)state;
        ws_dir = tl_load_fixture("workstation-gpu");
        hostile_dir = tl_load_fixture("emit-hostile");
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        tl_rm_rf(ws_dir);
        tl_rm_rf(hostile_dir);
        return 0;
}

static struct hd_dev *dev(struct hd_ctx *ctx, const char *name)
{
        struct hd_dev *d = hd_ctx_find_device(ctx, name);
        if (!d)
                fail_msg("no device %s", name);
        return d;
}

/* The argv as one string, elements joined by '|'. */
static char *joined(const struct hd_argv *a)
{
        size_t len = 1;
        char *s;

        for (size_t i = 0; i < hd_argv_get_n(a); i++)
                len += strlen(hd_argv_get(a, i)) + 1;
        s = calloc(1, len);
        assert_non_null(s);
        for (size_t i = 0; i < hd_argv_get_n(a); i++) {
                if (i)
                        strcat(s, "|");
                strcat(s, hd_argv_get(a, i));
        }
        return s;
}

/* Emit NAMES (NULL-terminated) with O and compare with WANT (or expect error ERR). */
static void qemu_case(struct hd_ctx *ctx, const struct hd_qemu_opts *o, const char *want, int err,
                      const char *const *names)
{
        struct hd_dev *devs[16];
        struct hd_argv *a = hd_argv_new();
        size_t n = 0;
        int r;

        assert_non_null(a);
        for (; names[n]; n++)
                devs[n] = dev(ctx, names[n]);
        r = hd_emit_qemu(ctx, devs, n, o, a);
        if (err) {
                assert_int_equal(r, err);
                assert_true(strlen(hd_ctx_get_error(ctx)) > 0);
                assert_int_equal(hd_argv_get_n(a), 0);      /* nothing half-written */
        } else {
                char *s;
                if (r < 0)
                        fail_msg("emit: %s", hd_ctx_get_error(ctx));
                s = joined(a);
                assert_string_equal(s, want);
                free(s);
        }
        hd_argv_free(a);
}

#define NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The format tests force: what the judge thinks is test_refuse_judge's business. */
static void qopts(struct hd_qemu_opts *o)
{
        hd_qemu_opts_init(o);
        o->force = true;
}

/* ---------------------------------------------------------------- shell */

static void shell_case(const char *word, const char *want)
{
        struct hd_argv *a = hd_argv_new();
        char *s;

        assert_int_equal(hd_argv_add(a, word), 0);
        s = hd_argv_to_shell(a);
        assert_non_null(s);
        assert_string_equal(s, want);
        free(s);
        hd_argv_free(a);
}

static void test_shell(void **state)
{
        struct hd_argv *a;
        char *s;

        (void)state;
        shell_case("-device", "-device");
        shell_case("vfio-pci,host=0000:01:00.0,id=x", "vfio-pci,host=0000:01:00.0,id=x");
        shell_case("", "''");
        shell_case("a b", "'a b'");
        shell_case("it's", "'it'\\''s'");
        shell_case("$(reboot)`x`;#~*", "'$(reboot)`x`;#~*'");
        shell_case("caf\xc3\xa9", "'caf\xc3\xa9'");                   /* UTF-8 kept */
        shell_case("a\033[2Jb", "$'a\\x1b[2Jb'");                    /* ESC */
        shell_case("l1\nl2", "$'l1\\x0al2'");
        shell_case("q'\\\x7f", "$'q\\'\\\\\\x7f'");                   /* quote, backslash, DEL */
        shell_case("c1\xc2\x9b", "$'c1\\xc2\\x9b'");                  /* C1 CSI */
        shell_case("bad\xff\xc0\xaf", "$'bad\\xff\\xc0\\xaf'");       /* invalid UTF-8 */

        a = hd_argv_new();
        assert_non_null(a);
        assert_int_equal(hd_argv_add(a, "x"), 0);
        assert_int_equal(hd_argv_add(a, "y z"), 0);
        assert_int_equal(hd_argv_add(a, NULL), -EINVAL);
        assert_int_equal(hd_argv_get_n(a), 2);
        assert_null(hd_argv_get(a, 2));
        s = hd_argv_to_shell(a);
        assert_string_equal(s, "x 'y z'");
        free(s);
        hd_argv_free(a);
        s = hd_argv_to_shell(NULL);
        assert_string_equal(s, "");
        free(s);
}

/* ---------------------------------------------------------------- QEMU */

static void test_qemu_pci(void **state)
{
        struct hd_ctx *ctx = tl_ctx(ws_dir, 0);
        struct hd_qemu_opts o;

        (void)state;
        hd_qemu_opts_init(&o);
        assert_int_equal(o.guest_slot, -1);
        assert_int_equal(o.force, false);
        o.force = true;
        assert_int_equal(o.rombar, -1);
        qemu_case(ctx, &o,
                  "-device|vfio-pci,host=0000:01:00.0,id=hostdev-pci_0000_01_00_0|"
                  "-device|vfio-pci,host=0000:01:00.1,id=hostdev-pci_0000_01_00_1",
                  0, NAMES("01:00.0", "pci_0000_01_00_1"));

        /* one guest slot for both functions, in function order whatever the order given */
        o.guest_bus = "pcie.0";
        o.x_vga = true;
        o.rombar = 0;
        o.romfile = "/lib/firmware/gp104,id=evil.rom";
        qemu_case(ctx, &o,
                  "-device|vfio-pci,host=0000:01:00.0,id=hostdev-pci_0000_01_00_0,bus=pcie.0,"
                  "addr=10.0,multifunction=on,rombar=0,romfile=/lib/firmware/gp104,,id=evil.rom,"
                  "x-vga=on|"
                  "-device|vfio-pci,host=0000:01:00.1,id=hostdev-pci_0000_01_00_1,bus=pcie.0,"
                  "addr=10.1,rombar=0",
                  0, NAMES("01:00.1", "01:00.0", "01:00.1"));

        /* two physical devices: two slots from --guest-slot on */
        qopts(&o);
        o.guest_bus = "pcie.0";
        o.guest_slot = 5;
        qemu_case(ctx, &o,
                  "-device|vfio-pci,host=0000:01:00.0,id=hostdev-pci_0000_01_00_0,bus=pcie.0,"
                  "addr=05.0,multifunction=on|"
                  "-device|vfio-pci,host=0000:01:00.1,id=hostdev-pci_0000_01_00_1,bus=pcie.0,"
                  "addr=05.1|"
                  "-device|vfio-pci,host=0000:00:14.0,id=hostdev-pci_0000_00_14_0,bus=pcie.0,"
                  "addr=06.0",
                  0, NAMES("01:00.0", "00:14.0", "01:00.1"));

        /* a lone function 1 becomes guest function 0; a root port's bus starts at slot 0 */
        qopts(&o);
        o.guest_bus = "rp1";
        qemu_case(ctx, &o,
                  "-device|vfio-pci,host=0000:01:00.1,id=hostdev-pci_0000_01_00_1,bus=rp1,addr=00.0",
                  0, NAMES("01:00.1"));

        /* romfile without a display controller: the first PCI device */
        qopts(&o);
        o.romfile = "/x.rom";
        qemu_case(ctx, &o,
                  "-device|vfio-pci,host=0000:00:14.0,id=hostdev-pci_0000_00_14_0,romfile=/x.rom|"
                  "-device|vfio-pci,host=0000:01:00.1,id=hostdev-pci_0000_01_00_1",
                  0, NAMES("00:14.0", "01:00.1"));

        /* option errors leave the list empty */
        qopts(&o);
        o.x_vga = true;
        qemu_case(ctx, &o, NULL, -EINVAL, NAMES("01:00.1"));
        qopts(&o);
        o.guest_bus = "pcie.0,id=x";
        qemu_case(ctx, &o, NULL, -EINVAL, NAMES("01:00.0"));
        qopts(&o);
        o.guest_slot = 3;
        qemu_case(ctx, &o, NULL, -EINVAL, NAMES("01:00.0"));
        qopts(&o);
        o.romfile = "/x.rom";
        qemu_case(ctx, &o, NULL, -EINVAL, NAMES("1-5.4"));
        hd_ctx_unref(ctx);
}

static void test_qemu_usb_scsi(void **state)
{
        struct hd_ctx *ctx = tl_ctx(ws_dir, 0);
        struct hd_qemu_opts o;

        (void)state;
        qopts(&o);
        qemu_case(ctx, &o,
                  "-device|qemu-xhci,id=hostdev-xhci|"
                  "-device|usb-host,hostdevice=/dev/bus/usb/001/003,id=hostdev-usb_1_5_4,bus=hostdev-xhci.0|"
                  "-device|usb-host,hostdevice=/dev/bus/usb/002/002,id=hostdev-usb_2_1,bus=hostdev-xhci.0",
                  0, NAMES("1-5.4", "usb_2_1"));
        o.by_id = true;
        o.usb_bus = "usb";
        qemu_case(ctx, &o,
                  "-device|usb-host,vendorid=0x046d,productid=0xc31c,id=hostdev-usb_1_5_4,bus=usb.0",
                  0, NAMES("1-5.4"));

        /* a LUN is passed by its sg node; PCI before USB before SCSI */
        qopts(&o);
        qemu_case(ctx, &o,
                  "-device|vfio-pci,host=0000:01:00.0,id=hostdev-pci_0000_01_00_0|"
                  "-device|qemu-xhci,id=hostdev-xhci|"
                  "-device|usb-host,hostdevice=/dev/bus/usb/001/003,id=hostdev-usb_1_5_4,bus=hostdev-xhci.0|"
                  "-device|virtio-scsi-pci,id=hostdev-scsi|"
                  "-blockdev|driver=host_device,filename=/dev/sg1,node-name=hostdev-sg1|"
                  "-device|scsi-generic,drive=hostdev-sg1,id=hostdev-scsi_generic_sg1,bus=hostdev-scsi.0",
                  0, NAMES("scsi_6_0_0_0", "1-5.4", "01:00.0", "sg1"));
        o.scsi_bus = "scsi0";
        qemu_case(ctx, &o,
                  "-blockdev|driver=host_device,filename=/dev/sg0,node-name=hostdev-sg0|"
                  "-device|scsi-generic,drive=hostdev-sg0,id=hostdev-scsi_generic_sg0,bus=scsi0.0",
                  0, NAMES("sg0"));
        hd_ctx_unref(ctx);
}

/* Appending to a list that holds arguments already keeps them, also on failure. */
static void test_qemu_append(void **state)
{
        struct hd_ctx *ctx = tl_ctx(ws_dir, 0);
        struct hd_argv *a = hd_argv_new();
        struct hd_dev *devs[2] = { dev(ctx, "01:00.0"), dev(ctx, "usb1") };
        struct hd_qemu_opts o;

        (void)state;
        qopts(&o);
        assert_int_equal(hd_argv_add(a, "-m"), 0);
        assert_int_equal(hd_argv_add(a, "2G"), 0);
        assert_int_equal(hd_emit_qemu(ctx, devs + 1, 1, NULL, a), -EINVAL);    /* defaults */
        assert_int_equal(hd_argv_get_n(a), 2);
        assert_int_equal(hd_emit_qemu(ctx, devs, 2, &o, a), -EINVAL);
        assert_int_equal(hd_argv_get_n(a), 2);
        assert_int_equal(hd_emit_qemu(ctx, devs, 1, &o, a), 0);
        assert_int_equal(hd_argv_get_n(a), 4);
        assert_string_equal(hd_argv_get(a, 2), "-device");
        hd_argv_free(a);
        hd_ctx_unref(ctx);
}

static void test_refuse_types(void **state)
{
        static const char *const names[] = {
                "computer", "usb_1_5_4_1_0", "scsi_host6", "scsi_target6_0_0", "block_sdb",
                "net_enp2s0_18_c0_4d_12_34_56", "usb1", "usb_1_5", "00:01.0",
        };
        struct hd_ctx *ctx = tl_ctx(ws_dir, 0);
        struct hd_xml_opts xo;
        struct hd_qemu_opts o;

        (void)state;
        hd_qemu_opts_init(&o);
        o.force = true;         /* types are refused even with force */
        hd_xml_opts_init(&xo);
        xo.force = true;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                struct hd_dev *d = dev(ctx, names[i]);
                struct hd_argv *a = hd_argv_new();
                char *xml = (char *)"untouched";
                assert_int_equal(hd_emit_qemu(ctx, &d, 1, &o, a), -EINVAL);
                assert_non_null(strstr(hd_ctx_get_error(ctx), hd_dev_get_name(d)));
                assert_int_equal(hd_argv_get_n(a), 0);
                assert_int_equal(hd_emit_libvirt_xml(ctx, &d, 1, &xo, &xml), -EINVAL);
                assert_null(xml);
                hd_argv_free(a);
        }
        /* the hint names what to pass instead */
        {
                struct hd_dev *d = dev(ctx, "block_sdb");
                struct hd_argv *a = hd_argv_new();
                assert_int_equal(hd_emit_qemu(ctx, &d, 1, &o, a), -EINVAL);
                assert_non_null(strstr(hd_ctx_get_error(ctx), "scsi_generic_sg1"));
                hd_argv_free(a);
        }
        hd_ctx_unref(ctx);
}

/* Whatever the judge decides, the emitters follow it, over every device:
 * eligible -> emitted; an error that says what the device is (type, bridge,
 * hub, no sg node or address) -> -EINVAL even with force; another error ->
 * -EPERM naming the device and the reason's [code], emitted with force. */
static bool structural(const char *code)
{
        static const char *const codes[] = { "unsupported-type", "bridge", "root-hub", "hub",
                                             "no-sg", "no-address" };
        for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
                if (strcmp(code, codes[i]) == 0)
                        return true;
        return false;
}

static void test_refuse_judge(void **state)
{
        struct hd_ctx *ctx = tl_ctx(ws_dir, 0);
        size_t refused = 0, hard_refused = 0;

        (void)state;
        for (size_t i = 0; i < hd_ctx_get_n_devices(ctx); i++) {
                struct hd_dev *d = hd_ctx_get_device(ctx, i);
                struct hd_verdict *v = NULL;
                struct hd_qemu_opts o;
                struct hd_xml_opts xo;
                struct hd_argv *a;
                char *xml = NULL, tag[64] = "";
                const char *code;
                enum hd_severity sev;
                bool ok, hard = false;
                int want;

                assert_int_equal(hd_judge(ctx, d, 0, &v), 0);
                ok = hd_verdict_is_eligible(v);
                for (size_t k = 0; hd_verdict_get_reason(v, k, &code, &sev, NULL) == 0; k++)
                        if (sev == HD_SEVERITY_ERROR && (!tag[0] || (!hard && structural(code)))) {
                                hard = structural(code);
                                snprintf(tag, sizeof(tag), "[%s]", code);
                        }
                hd_verdict_free(v);
                hd_qemu_opts_init(&o);
                hd_xml_opts_init(&xo);
                a = hd_argv_new();
                if (ok) {
                        assert_int_equal(hd_emit_qemu(ctx, &d, 1, &o, a), 0);
                        assert_int_equal(hd_emit_libvirt_xml(ctx, &d, 1, &xo, &xml), 0);
                        assert_true(hd_argv_get_n(a) >= 2);
                        assert_non_null(xml);
                        free(xml);
                        hd_argv_free(a);
                        continue;
                }
                refused++;
                hard_refused += hard;
                want = hard ? -EINVAL : -EPERM;
                assert_int_equal(hd_emit_qemu(ctx, &d, 1, &o, a), want);
                assert_non_null(strstr(hd_ctx_get_error(ctx), hd_dev_get_name(d)));
                assert_non_null(strstr(hd_ctx_get_error(ctx), tag));
                if (!hard)
                        assert_non_null(strstr(hd_ctx_get_error(ctx), "not eligible"));
                assert_int_equal(hd_argv_get_n(a), 0);
                assert_int_equal(hd_emit_libvirt_xml(ctx, &d, 1, &xo, &xml), want);
                assert_non_null(strstr(hd_ctx_get_error(ctx), tag));
                assert_null(xml);
                o.force = xo.force = true;
                assert_int_equal(hd_emit_qemu(ctx, &d, 1, &o, a), hard ? -EINVAL : 0);
                assert_int_equal(hd_emit_libvirt_xml(ctx, &d, 1, &xo, &xml), hard ? -EINVAL : 0);
                assert_true(hard ? hd_argv_get_n(a) == 0 : hd_argv_get_n(a) >= 2);
                assert_true(hard ? xml == NULL : xml != NULL);
                free(xml);
                hd_argv_free(a);
        }
        assert_true(hard_refused > 0 && refused > hard_refused);
        print_message("judge refused %zu of the workstation's %zu devices (%zu even forced)\n",
                      refused, hd_ctx_get_n_devices(ctx), hard_refused);
        hd_ctx_unref(ctx);
}

/* ---------------------------------------------------------------- XML */

static void xml_case(struct hd_ctx *ctx, const struct hd_xml_opts *o, const char *want,
                     const char *const *names)
{
        struct hd_dev *devs[16];
        char *xml = NULL;
        size_t n = 0;

        for (; names[n]; n++)
                devs[n] = dev(ctx, names[n]);
        if (hd_emit_libvirt_xml(ctx, devs, n, o, &xml) < 0)
                fail_msg("xml: %s", hd_ctx_get_error(ctx));
        assert_string_equal(xml, want);
        free(xml);
}

static void test_xml(void **state)
{
        struct hd_ctx *ctx = tl_ctx(ws_dir, 0);
        struct hd_xml_opts o;

        (void)state;
        hd_xml_opts_init(&o);
        o.force = true;
        xml_case(ctx, &o,
                 "<!-- pci_0000_01_00_1 10de:10f0 -->\n"
                 "<hostdev mode='subsystem' type='pci' managed='no'>\n"
                 "  <source>\n"
                 "    <address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>\n"
                 "  </source>\n"
                 "</hostdev>\n"
                 "<!-- usb_1_5_4 046d:c31c Logitech USB Keyboard -->\n"
                 "<hostdev mode='subsystem' type='usb'>\n"
                 "  <source>\n"
                 "    <vendor id='0x046d'/>\n"
                 "    <product id='0xc31c'/>\n"
                 "    <address bus='1' device='3'/>\n"
                 "  </source>\n"
                 "</hostdev>\n"
                 "<!-- scsi_generic_sg1 6:0:0:0 SanDisk Ultra -->\n"
                 "<hostdev mode='subsystem' type='scsi'>\n"
                 "  <source>\n"
                 "    <adapter name='scsi_host6'/>\n"
                 "    <address bus='0' target='0' unit='0'/>\n"
                 "  </source>\n"
                 "</hostdev>\n",
                 NAMES("01:00.1", "1-5.4", "scsi_6_0_0_0", "sg1"));
        o.managed = o.domain = o.by_id = true;
        xml_case(ctx, &o,
                 "<domain type='kvm'>\n"
                 "  <name>hostdev</name>\n"
                 "  <memory unit='MiB'>1024</memory>\n"
                 "  <os>\n"
                 "    <type arch='x86_64' machine='q35'>hvm</type>\n"
                 "  </os>\n"
                 "  <devices>\n"
                 "    <!-- pci_0000_01_00_0 10de:1b80 -->\n"
                 "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
                 "      <source>\n"
                 "        <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
                 "      </source>\n"
                 "    </hostdev>\n"
                 "    <!-- usb_2_1 0781:5581 USB SanDisk 3.2Gen1 serial "
                 "0401a1b2c3d4e5f60718293a4b5c6d7e8f9001234567 -->\n"
                 "    <hostdev mode='subsystem' type='usb'>\n"
                 "      <source>\n"
                 "        <vendor id='0x0781'/>\n"
                 "        <product id='0x5581'/>\n"
                 "      </source>\n"
                 "    </hostdev>\n"
                 "  </devices>\n"
                 "</domain>\n",
                 NAMES("01:00.0", "2-1"));
        hd_ctx_unref(ctx);
}

/* ---------------------------------------------------------------- hostile strings */

static bool valid_utf8_no_controls(const char *s, bool allow_newline)
{
        const unsigned char *p = (const unsigned char *)s;

        while (*p) {
                size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3
                         : (*p & 0xf8) == 0xf0 ? 4 : 0;
                if (n == 0)
                        return false;
                if (n == 1 && ((*p < 0x20 && !(allow_newline && *p == '\n')) || *p == 0x7f))
                        return false;
                if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
                        return false;
                if (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
                        return false;
                for (size_t i = 1; i < n; i++)
                        if ((p[i] & 0xc0) != 0x80)
                                return false;
                p += n;
        }
        return true;
}

static void test_hostile(void **state)
{
        struct hd_ctx *ctx = tl_ctx(hostile_dir, 1);
        struct hd_dev *devs[3] = { dev(ctx, "1-5.4"), dev(ctx, "2-1"), dev(ctx, "sg1") };
        struct hd_qemu_opts o;
        struct hd_xml_opts xo;
        struct hd_argv *a = hd_argv_new();
        char *xml = NULL, *line;

        (void)state;
        hd_xml_opts_init(&xo);
        xo.domain = xo.force = true;    /* about escaping, not the judge */
        assert_int_equal(hd_emit_libvirt_xml(ctx, devs, 3, &xo, &xml), 0);
        assert_true(valid_utf8_no_controls(xml, true));
        /* every comment closes where it should: "--" only in its delimiters */
        for (const char *p = xml; (p = strstr(p, "--")); p += 2)
                assert_true((p > xml + 1 && p[-1] == '!' && p[-2] == '<') || p[2] == '>');
        assert_null(strstr(xml, "<x>"));
        assert_null(strstr(xml, "<b>"));
        assert_non_null(strstr(xml, "&lt;b&gt;&amp;amp;&quot;&apos;"));
        assert_non_null(strstr(xml, "\\x1b]0;pwned\\x07"));
        free(xml);

        hd_qemu_opts_init(&o);
        o.force = true;
        o.romfile = "/tmp/\033[2J,id=x\n'\xff";
        devs[0] = dev(ctx, "00:14.0");
        assert_int_equal(hd_emit_qemu(ctx, devs, 3, &o, a), 0);
        assert_non_null(strstr(hd_argv_get(a, 1), "romfile=/tmp/\033[2J,,id=x\n'\xff"));
        line = hd_argv_to_shell(a);
        assert_true(valid_utf8_no_controls(line, false));
        assert_non_null(strstr(line, "$'vfio-pci,"));
        free(line);
        hd_argv_free(a);
        hd_ctx_unref(ctx);
}

/* ---------------------------------------------------------------- emit.c, the common part */

static void test_common(void **state)
{
        struct hd_ctx *ctx = tl_ctx(ws_dir, 0);
        struct hd_dev *gpu = dev(ctx, "01:00.0"), *audio = dev(ctx, "01:00.1");
        struct hd_dev *igd = dev(ctx, "00:02.0"), *lun = dev(ctx, "scsi_6_0_0_0");
        struct hd_dev *sg = dev(ctx, "sg1"), *list[] = { gpu, sg };
        struct hd__buf b = { 0 };
        char *s;

        (void)state;
        /* what a device is passed as: a LUN by its sg node */
        assert_ptr_equal(hd__emit_target(lun), sg);
        assert_ptr_equal(hd__emit_target(gpu), gpu);
        assert_true(hd__emit_listed(list, 2, sg));
        assert_false(hd__emit_listed(list, 1, sg));
        /* one physical device: the functions of one slot */
        assert_true(hd__pci_same_slot(gpu, audio));
        assert_false(hd__pci_same_slot(gpu, igd));
        /* INQUIRY padding squeezed; an sg node is described by its LUN */
        s = hd__emit_describe(sg);
        assert_string_equal(s, "SanDisk Ultra");
        free(s);

        assert_int_equal(hd__emit_check_boot_reset(ctx, "boot order", -2, -1), -EINVAL);
        assert_string_equal(hd_ctx_get_error(ctx), "boot order -2: want 0 or more");
        assert_int_equal(hd__emit_check_boot_reset(ctx, "boot index", 0, 3), -EINVAL);
        assert_int_equal(hd__emit_check_boot_reset(ctx, "boot index", 0, 2), 0);
        assert_int_equal(hd__emit_check_machine(ctx, "q35", true), -EINVAL);
        assert_int_equal(hd__emit_check_machine(ctx, "pc", false), 0);
        assert_int_equal(hd__emit_check_machine(ctx, "virt", false), -EINVAL);
        assert_string_equal(hd_ctx_get_error(ctx), "machine 'virt': hostdev knows q35 and pc");
        assert_int_equal(hd__emit_check_pci_opts(ctx, true, HD_GUEST_SLOT_MAX + 1, -1, NULL), -EINVAL);
        assert_int_equal(hd__emit_check_pci_opts(ctx, true, HD_GUEST_SLOT_MAX, -1, NULL), 0);
        assert_int_equal(hd__emit_check_pci_opts(ctx, false, 3, -1, NULL), -EINVAL);
        assert_int_equal(hd__emit_check_pci_opts(ctx, false, -1, 1, ""), -EINVAL);

        hd__xml_domain_open(&b, "pc");
        hd__xml_domain_close(&b);
        s = hd__buf_steal(&b);
        assert_string_equal(s, "<domain type='kvm'>\n  <name>hostdev</name>\n"
                               "  <memory unit='MiB'>1024</memory>\n  <os>\n"
                               "    <type arch='x86_64' machine='pc'>hvm</type>\n  </os>\n"
                               "  <devices>\n  </devices>\n</domain>\n");
        free(s);
        hd_ctx_unref(ctx);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_shell),
                cmocka_unit_test(test_qemu_pci),
                cmocka_unit_test(test_qemu_usb_scsi),
                cmocka_unit_test(test_qemu_append),
                cmocka_unit_test(test_refuse_types),
                cmocka_unit_test(test_refuse_judge),
                cmocka_unit_test(test_xml),
                cmocka_unit_test(test_hostile),
                cmocka_unit_test(test_common),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
