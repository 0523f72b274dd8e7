/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostdev.conf(5): the parser's entries, canonical selectors and line-numbered errors. */
#include <syslog.h>

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

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_entries),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_mdev_sriov),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
