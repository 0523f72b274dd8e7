/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostdev.conf(5): the parser's entries, canonical selectors and line-numbered
 * errors; status and apply --check of sriov/mdev entries and of what hostdev made. */
#include <sys/stat.h>
#include <syslog.h>

#include "config.h"
#include "pciaddr.h"
#include "testlib.h"

struct logged {
        char lines[16][256];
        int n;
};

static void log_fn(void *data, int prio, const char *file, int line, const char *fn,
                   const char *format, va_list args) __attribute__((format(printf, 6, 0)));
static void log_fn(void *data, int prio, const char *file, int line, const char *fn,
                   const char *format, va_list args)
{
        struct logged *l = data;
        (void)file; (void)line; (void)fn;
        if (prio <= LOG_ERR && l->n < 16)
                vsnprintf(l->lines[l->n++], sizeof(l->lines[0]), format, args);
}

static struct hd_ctx *ctx;

/* Parse TEXT in a fresh context (freed by done()), logging errors into L. */
static struct hd_config *parse(const char *text, struct logged *l, int *r)
{
        struct hd_config *c = NULL;

        assert_int_equal(hd_ctx_new(&ctx), 0);
        memset(l, 0, sizeof(*l));
        hd_ctx_set_log_fn(ctx, log_fn, l);
        hd_ctx_set_log_priority(ctx, LOG_ERR);
        assert_int_equal(hd_config_new(ctx, &c), 0);
        *r = hd_config_parse(c, "/etc/hostdev.conf", text);
        return c;
}

static void done(struct hd_config *c)
{
        hd_config_free(c);
        ctx = hd_ctx_unref(ctx);
}

static void test_entries(void **state)
{
        struct logged l;
        int r;
        struct hd_config *c = parse("# comment\n\n"
                                    "vfio 01:00.0 owner=qemu:kvm note=\"the \\\"guest\\\" GPU\" # trailing\n"
                                    "vfio 10DE:1B80\n"
                                    "vfio 8086:1234:1458:3702 boot=no force=yes\n"
                                    "\tvfio class:0x0302\n"
                                    "vfio usb:046d:C52B\n"
                                    "vfio pci_0000_02_00_0\n", &l, &r);
        const struct hd_config_entry *e;

        (void)state;
        assert_int_equal(r, 0);
        assert_int_equal(hd_config_get_n_entries(c), 6);
        e = hd_config_get_entry(c, 0);
        assert_int_equal(e->selector_kind, HD_SELECTOR_ADDRESS);
        assert_string_equal(e->selector, "0000:01:00.0");
        assert_string_equal(e->owner, "qemu:kvm");
        assert_string_equal(e->note, "the \"guest\" GPU");
        assert_true(e->boot);
        assert_int_equal(e->line, 3);
        e = hd_config_get_entry(c, 1);
        assert_int_equal(e->selector_kind, HD_SELECTOR_PCI_IDS);
        assert_string_equal(e->selector, "10de:1b80");
        e = hd_config_get_entry(c, 2);
        assert_string_equal(e->selector, "8086:1234:1458:3702");
        assert_false(e->boot);
        assert_true(e->force);
        e = hd_config_get_entry(c, 3);
        assert_int_equal(e->selector_kind, HD_SELECTOR_CLASS);
        assert_string_equal(e->selector, "class:0302");
        e = hd_config_get_entry(c, 4);
        assert_string_equal(e->selector, "usb:046d:c52b");
        e = hd_config_get_entry(c, 5);
        assert_string_equal(e->selector, "0000:02:00.0");
        assert_string_equal(e->file, "/etc/hostdev.conf");
        done(c);
}

static void test_errors(void **state)
{
        struct logged l;
        int r;
        struct hd_config *c = parse("vfio 01:00.0\n"
                                    "vfio 01:00.0\n"              /* 2: twice */
                                    "frob 01:00.1\n"              /* 3: kind */
                                    "vfio 1:2:3\n"                /* 4: selector */
                                    "vfio 01:00.1 owner\n"        /* 5: no = */
                                    "vfio 01:00.2 note=\"x\n"     /* 6: quote */
                                    "vfio 01:00.3\n", &l, &r);

        (void)state;
        assert_int_equal(r, -EINVAL);
        assert_int_equal(hd_config_get_n_errors(c), 5);
        assert_int_equal(l.n, 5);
        assert_non_null(strstr(l.lines[0], "/etc/hostdev.conf:2: 0000:01:00.0 is already configured at /etc/hostdev.conf:1"));
        assert_non_null(strstr(l.lines[1], "/etc/hostdev.conf:3: unknown entry 'frob'"));
        assert_non_null(strstr(l.lines[2], "/etc/hostdev.conf:4: '1:2:3' is no selector"));
        assert_non_null(strstr(l.lines[3], "/etc/hostdev.conf:5: "));
        assert_non_null(strstr(l.lines[4], "/etc/hostdev.conf:6: unterminated quote"));
        done(c);
}

/* mdev and sriov rows: canonical UUID/address, their keys, and their own errors */
static void test_mdev_sriov(void **state)
{
        struct logged l;
        int r;
        struct hd_config *c = parse("mdev 6F1F0B3C-2A43-4E7B-9D55-1B0B6A1C0DE1 parent=01:00.0 type=nvidia-222\n"
                                    "sriov 3b:00.0 numvfs=8 boot=no\n"
                                    "vfio 3b:00.0\n"                    /* another kind: no clash */
                                    "mdev 6f1f0b3c-2a43-4e7b-9d55-1b0b6a1c0de1 parent=01:00.0 type=x\n"  /* 4: twice */
                                    "mdev not-a-uuid parent=01:00.0 type=x\n"      /* 5 */
                                    "mdev 11111111-2222-3333-4444-555555555555 type=x\n"  /* 6: no parent */
                                    "sriov 3b:00.1\n"                   /* 7: no numvfs */
                                    "sriov 3b:00.1 numvfs=-1\n"         /* 8 */
                                    "sriov 3b:00.1 numvfs=2 owner=x\n", /* 9: vfio's key */
                                    &l, &r);
        const struct hd_config_entry *e;

        (void)state;
        assert_int_equal(r, -EINVAL);
        assert_int_equal(hd_config_get_n_errors(c), 6);
        assert_non_null(strstr(l.lines[0], "hostdev.conf:4: 6f1f0b3c-2a43-4e7b-9d55-1b0b6a1c0de1 is already configured"));
        assert_non_null(strstr(l.lines[1], "hostdev.conf:5: mdev: want mdev UUID"));
        assert_non_null(strstr(l.lines[2], "hostdev.conf:6: mdev 11111111-2222-3333-4444-555555555555: parent= and type= are required"));
        assert_non_null(strstr(l.lines[3], "hostdev.conf:7: sriov 0000:3b:00.1: numvfs= is required"));
        assert_non_null(strstr(l.lines[4], "hostdev.conf:8: sriov: numvfs '-1'"));
        assert_non_null(strstr(l.lines[5], "hostdev.conf:9: sriov: unknown or repeated key 'owner'"));
        done(c);

        c = parse("mdev 6F1F0B3C-2A43-4E7B-9D55-1B0B6A1C0DE1 parent=01:00.0 type=nvidia-222\n"
                  "sriov 3b:00.0 numvfs=8 boot=no note=\"eight VFs\"\n", &l, &r);
        assert_int_equal(r, 0);
        e = hd_config_get_entry(c, 0);
        assert_int_equal(e->kind, HD_CONFIG_MDEV);
        assert_string_equal(e->selector, "6f1f0b3c-2a43-4e7b-9d55-1b0b6a1c0de1");
        assert_string_equal(e->parent, "0000:01:00.0");
        assert_string_equal(e->mdev_type, "nvidia-222");
        assert_true(e->boot);
        e = hd_config_get_entry(c, 1);
        assert_int_equal(e->kind, HD_CONFIG_SRIOV);
        assert_string_equal(e->selector, "0000:3b:00.0");
        assert_int_equal(e->numvfs, 8);
        assert_false(e->boot);
        assert_string_equal(e->note, "eight VFs");
        assert_string_equal(hd_config_kind_to_string(e->kind), "sriov");
        done(c);
}

#define U1 "6f1f0b3c-2a43-4e7b-9d55-1b0b6a1c0de1"
#define PF "0000:3b:00.0"

/* vgpu-host with the PF at 4 VFs by hostdev's doing (its journal says it
 * had 0): a context on it and the configuration TEXT. */
static struct hd_ctx *made_host(char **dir, const char *text, struct hd_config **c)
{
        char path[512];
        FILE *f;
        struct hd_ctx *x;

        *dir = tl_load_fixture("vgpu-host");
        snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/" PF "/sriov_numvfs", *dir);
        assert_non_null(f = fopen(path, "w"));
        fputs("4\n", f);
        fclose(f);
        snprintf(path, sizeof(path), "%s/run", *dir);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/run/hostdev", *dir);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/run/hostdev/mdev.json", *dir);
        assert_non_null(f = fopen(path, "w"));
        fputs("{\"version\": 1, \"changes\": [{\"kind\": \"sriov\", \"pf\": \"" PF "\", "
              "\"path\": \"devices/x\", \"original\": 0, \"from\": 0, \"state\": \"changed\"}]}\n", f);
        fclose(f);
        x = tl_ctx(*dir, 0);
        assert_int_equal(hd_config_new(x, c), 0);
        assert_int_equal(hd_config_parse(*c, "/etc/hostdev.conf", text), 0);
        return x;
}

static const struct hd_report_item *item_of(const struct hd_report *rep, enum hd_action a)
{
        for (size_t i = 0; i < hd_report_get_n_items(rep); i++)
                if (hd_report_get_item(rep, i)->action == a)
                        return hd_report_get_item(rep, i);
        return NULL;
}

/* status: a PF and an mdev an entry or the journal names */
static void test_status_made(void **state)
{
        struct hd_config *c = NULL;
        struct hd_report *rep = NULL;
        const struct hd_report_item *it;
        char *dir;
        struct hd_ctx *x = made_host(&dir, "sriov 3b:00.0 numvfs=8\n"
                                           "mdev " U1 " parent=01:00.0 type=nvidia-222\n", &c);

        (void)state;
        assert_int_equal(hd_status(x, c, &rep), 2);
        assert_non_null(it = item_of(rep, HD_ACTION_SRIOV));
        assert_string_equal(it->address, PF);
        assert_true(it->configured && it->by_hostdev);
        assert_int_equal(it->entry->numvfs, 8);
        assert_string_equal(it->driver_after, "numvfs=4");
        assert_string_equal(it->original_driver, "numvfs=0");
        assert_non_null(it = item_of(rep, HD_ACTION_MDEV));
        assert_string_equal(it->address, U1);   /* absent: its parent stands for it */
        assert_string_equal(it->name, "mdev_6f1f0b3c_2a43_4e7b_9d55_1b0b6a1c0de1_0000_01_00_0");
        assert_int_equal(hd_dev_get_type(it->dev), HD_DEV_PCI);
        assert_true(it->configured);
        assert_false(it->by_hostdev);
        assert_null(it->driver_after);
        assert_int_equal(hd_report_get_n_warnings(rep), 0);
        hd_report_free(rep);
        hd_config_free(c);
        hd_ctx_unref(x);
        tl_rm_rf(dir);
}

/* apply --check: a count hostdev changed goes back once its entry is gone,
 * and only then */
static void test_apply_undo(void **state)
{
        struct hd_apply_opts o;
        struct hd_config *c = NULL;
        struct hd_report *rep = NULL;
        const struct hd_report_item *it;
        char *dir;
        struct hd_ctx *x = made_host(&dir, "", &c);

        (void)state;
        hd_apply_opts_init(&o);
        o.check = true;
        assert_int_equal(hd_apply(x, c, &o, &rep), 1);
        assert_non_null(it = item_of(rep, HD_ACTION_SRIOV));
        assert_true(it->changed && it->by_hostdev && !it->configured);
        assert_null(it->entry);
        assert_string_equal(it->driver_before, "numvfs=4");
        assert_string_equal(it->driver_after, "numvfs=0");
        hd_report_free(rep);
        hd_config_free(c);
        hd_ctx_unref(x);
        tl_rm_rf(dir);

        x = made_host(&dir, "sriov 3b:00.0 numvfs=4\n", &c);
        assert_int_equal(hd_apply(x, c, &o, &rep), 0);
        assert_null(item_of(rep, HD_ACTION_SRIOV));
        hd_report_free(rep);
        hd_config_free(c);
        hd_ctx_unref(x);
        tl_rm_rf(dir);
}

/* The PCI address selectors hostdev.conf(5) documents (DDDD:BB:SS.F,
 * BB:SS.F, pci_DDDD_BB_SS_F; hex in either case) and nothing else: a domain,
 * when given, of 4 to 8 digits, every field at most 8 digits and in range. */
static void test_address_canon(void **state)
{
        static const struct { const char *in, *out; } good[] = {
                { "0000:01:00.0", "0000:01:00.0" }, { "01:00.0", "0000:01:00.0" },
                { "1:2.3", "0000:01:02.3" }, { "ABCD:0A:1F.7", "abcd:0a:1f.7" },
                { "10000:e1:00.0", "10000:e1:00.0" }, { "0000:001:00.00", "0000:01:00.0" },
                { "ffffffff:ff:1f.7", "ffffffff:ff:1f.7" }, { "pci_0000_02_00_1", "0000:02:00.1" },
                { "pci_000a_02_1f_7", "000a:02:1f.7" }, { "00000:01.0", "0000:00:01.0" },
                { "pci_0000:01:00.0", "0000:01:00.0" },
        };
        static const char *const bad[] = {
                "", "01:00", "0000:01:00", "1:00:02.0", "000:01:00.0", "0000:01:20.0",
                "0000:01:00.8", "0000:100:00.0", " 0000:01:00.0", "0000:01:00.0 ", "0000:01:00.0\n",
                "+1:00.0", "0x1:00.0", "0000::00.0", "0000:01:00.0.1", "0000:01:00:0",
                /* more than 8 digits a field: sscanf("%x") took these, the first
                 * two as 0000:01:00.0 */
                "000000000:01:00.0", "100000000:01:00.0", "0000:000000001:00.0",
                "pci_0000_01_00", "pci_01_00_0", "pci_0000_01_00_0_1", "pci_0000_01_00_0 ",
                "g000:01:00.0", "0000:01:00.g",
        };
        char out[HD_PCIADDR_MAX], small[12];
        (void)state;

        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
                memset(out, 0, sizeof(out));
                if (!hd__pci_address_canon(good[i].in, out, sizeof(out)) || !streq(out, good[i].out))
                        fail_msg("'%s': want %s, got '%s'", good[i].in, good[i].out, out);
        }
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (hd__pci_address_canon(bad[i], out, sizeof(out)))
                        fail_msg("'%s' taken as %s", bad[i], out);
        /* the canonical form must fit OUT */
        assert_false(hd__pci_address_canon("0000:01:00.0", small, sizeof(small)));
        assert_true(hd__pci_address_canon("0000:01:00.0", out, 13));
        assert_string_equal(out, "0000:01:00.0");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_entries),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_mdev_sriov),
                cmocka_unit_test(test_status_made),
                cmocka_unit_test(test_apply_undo),
                cmocka_unit_test(test_address_canon),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
