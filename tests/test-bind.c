/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The binder without a fake kernel: dry-run plans, refusals, the journal. */
#include <fcntl.h>
#include <sys/stat.h>

#include "testlib.h"

struct plan {
        char lines[32][512];
        int n;
        int problems;
};

static void on_write(void *data, const char *path, const char *value)
{
        struct plan *p = data;

        if (p->n < 32)
                snprintf(p->lines[p->n], sizeof(p->lines[0]), "%s=%s", path,
                         strcmp(value, "\n") == 0 ? "\\n" : value);
        p->n++;
}

static void on_problem(void *data, const char *msg)
{
        struct plan *p = data;
        (void)msg;
        p->problems++;
}

static void opts_for(struct hd_bind_opts *o, struct plan *p, bool dry)
{
        memset(p, 0, sizeof(*p));
        hd_bind_opts_init(o);
        o->dry_run = dry;
        o->on_write = on_write;
        o->on_problem = on_problem;
        o->data = p;
}

static void put(const char *dir, const char *rel, const char *text)
{
        char path[1024], cmd[1200];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
        assert_int_equal(system(cmd), 0);
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static void test_dry_run_plan(void **state)
{
        char *dir = tl_load_fixture("workstation-gpu"), path[1024];
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        struct hd_dev *gpu = hd_ctx_find_device(ctx, "01:00.0");
        struct hd_bind_opts o;
        struct plan p;
        struct stat st;
        (void)state;

        assert_non_null(gpu);
        opts_for(&o, &p, true);
        assert_int_equal(hd_bind(ctx, &gpu, 1, &o), 2);
        assert_int_equal(p.n, 6);
        assert_non_null(strstr(p.lines[0], "0000:01:00.0/driver_override=vfio-pci"));
        assert_non_null(strstr(p.lines[1], "0000:01:00.0/driver/unbind=0000:01:00.0"));
        assert_string_equal(p.lines[2], "/sys/bus/pci/drivers_probe=0000:01:00.0");
        assert_non_null(strstr(p.lines[3], "0000:01:00.1/driver_override=vfio-pci"));
        assert_non_null(strstr(p.lines[4], "0000:01:00.1/driver/unbind=0000:01:00.1"));
        assert_string_equal(p.lines[5], "/sys/bus/pci/drivers_probe=0000:01:00.1");
        assert_int_equal(p.problems, 0);
        snprintf(path, sizeof(path), "%s/run/hostdev", dir);
        assert_int_not_equal(stat(path, &st), 0);       /* a dry run creates nothing */
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

static void test_refusals(void **state)
{
        char *dir = tl_load_fixture("workstation-gpu");
        struct hd_ctx *ctx = tl_ctx(dir, 0);
        struct hd_dev *port = hd_ctx_find_device(ctx, "00:01.0");
        struct hd_dev *igpu = hd_ctx_find_device(ctx, "00:02.0");
        struct hd_dev *usb = hd_ctx_find_device(ctx, "1-5.4");
        struct hd_bind_opts o;
        struct plan p;
        (void)state;

        opts_for(&o, &p, true);
        assert_int_equal(hd_bind(ctx, &port, 1, &o), -EPERM);     /* bridges keep their driver */
        assert_int_equal(hd_bind(ctx, &igpu, 1, &o), -EPERM);     /* boot VGA */
        assert_true(p.problems >= 2);
        assert_int_equal(p.n, 0);
        if (usb)
                assert_int_equal(hd_bind(ctx, &usb, 1, &o), -EINVAL);
        assert_int_equal(hd_bind(ctx, NULL, 0, &o), -EINVAL);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* An interrupted bind in the journal is reverted first, even in a dry run's plan. */
static void test_journal_recovery_plan(void **state)
{
        char *dir = tl_load_fixture("workstation-gpu");
        struct hd_ctx *ctx;
        struct hd_bind_opts o;
        struct plan p;
        (void)state;

        put(dir, "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/driver_override", "vfio-pci\n");
        put(dir, "run/hostdev/state.json",
            "{\"version\":1,\"devices\":[{\"address\":\"0000:01:00.0\",\"group\":1,"
            "\"driver\":\"nouveau\",\"driver_override\":null,\"state\":\"binding\",\"since\":1}]}\n");
        ctx = tl_ctx(dir, 0);
        opts_for(&o, &p, true);
        assert_int_equal(hd_recover(ctx, &o), 1);
        assert_int_equal(p.n, 1);
        assert_non_null(strstr(p.lines[0], "0000:01:00.0/driver_override=\\n"));
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

static void test_journal_corrupt(void **state)
{
        static const char *const bad[] = {
                "{ not json",
                "{\"version\":2,\"devices\":[]}",
                "{\"version\":1,\"devices\":[{\"address\":\"0000:01:00.0\",\"group\":1,"
                "\"driver\":\"../../x\",\"driver_override\":null,\"state\":\"bound\"}]}",
                "{\"version\":1,\"devices\":[{\"address\":\"../0000\",\"group\":1,"
                "\"driver\":null,\"driver_override\":null,\"state\":\"bound\"}]}",
                "{\"version\":1,\"devices\":[{\"address\":\"0000:01:00.0\",\"group\":1,"
                "\"driver\":null,\"driver_override\":null,\"state\":\"maybe\"}]}",
        };
        (void)state;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char *dir = tl_load_fixture("workstation-gpu");
                struct hd_ctx *ctx;
                struct hd_dev *gpu;
                struct hd_bind_opts o;
                struct plan p;
                int r;

                put(dir, "run/hostdev/state.json", bad[i]);
                ctx = tl_ctx(dir, 0);
                gpu = hd_ctx_find_device(ctx, "01:00.0");
                opts_for(&o, &p, false);
                r = hd_bind(ctx, &gpu, 1, &o);
                if (r != -EBADMSG && r != -EPROTO)
                        fail_msg("journal %zu: got %d (%s)", i, r, hd_ctx_get_error(ctx));
                assert_int_equal(p.n, 0);       /* nothing written */
                hd_ctx_unref(ctx);
                tl_rm_rf(dir);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_dry_run_plan),
                cmocka_unit_test(test_refusals),
                cmocka_unit_test(test_journal_recovery_plan),
                cmocka_unit_test(test_journal_corrupt),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
