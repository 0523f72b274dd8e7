/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trust in the binder: fresh facts on every writing call, the unknown
 * refused, interrupted groups reported, the journal parsed as hostile input. */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "testlib.h"
#include "state.h"

struct plan {
        int writes;
        int problems;
        char last[1024];
};

static void on_write(void *data, const char *path, const char *value)
{
        struct plan *p = data;
        (void)path;
        (void)value;
        p->writes++;
}

static void on_problem(void *data, const char *msg)
{
        struct plan *p = data;
        p->problems++;
        snprintf(p->last, sizeof(p->last), "%s", msg);
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

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
        char cmd[4096];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(cmd, sizeof(cmd), fmt, ap);
        va_end(ap);
        if (system(cmd) != 0)
                fail_msg("failed: %s", cmd);
}

#define GPU_DIR "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0"
#define AUDIO_DIR "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.1"

/* Group 1 of workstation-gpu as a finished `hostdev bind` leaves it. */
static void put_group1_on_vfio(const char *dir)
{
        sh("cd '%s' && mkdir -p sys/bus/pci/drivers/vfio-pci dev/vfio run/hostdev && "
           "for f in " GPU_DIR " " AUDIO_DIR "; do "
           "  ln -sfn ../../../../bus/pci/drivers/vfio-pci $f/driver && "
           "  echo vfio-pci > $f/driver_override && "
           "  sed -i 's/^DRIVER=.*/DRIVER=vfio-pci/' $f/uevent; done && "
           ": > dev/vfio/1 && "
           "printf '%%s' '{\"version\":1,\"devices\":["
           "{\"address\":\"0000:01:00.0\",\"group\":1,\"driver\":\"nouveau\","
           "\"driver_override\":null,\"state\":\"bound\",\"since\":1},"
           "{\"address\":\"0000:01:00.1\",\"group\":1,\"driver\":\"snd_hda_intel\","
           "\"driver_override\":null,\"state\":\"bound\",\"since\":1}]}' > run/hostdev/state.json",
           dir);
}

static bool has_reason(const struct hd_verdict *v, const char *code, enum hd_severity want)
{
        for (size_t i = 0; i < hd_verdict_get_n_reasons(v); i++) {
                const char *c = NULL;
                enum hd_severity sev;
                if (hd_verdict_get_reason(v, i, &c, &sev, NULL) == 0 && strcmp(c, code) == 0 &&
                    sev == want)
                        return true;
        }
        return false;
}

/* scan, judge, then a process opens /dev/vfio/1: hd_unbind on the SAME
 * context must see it (the judge's cached facts are not the binder's). */
static void test_unbind_sees_new_holder(void **state)
{
        char *dir = tl_load_fixture("workstation-gpu");
        struct hd_ctx *ctx;
        struct hd_dev *gpu;
        struct hd_verdict *v = NULL;
        struct hd_bind_opts o;
        struct plan p;
        (void)state;

        put_group1_on_vfio(dir);
        ctx = tl_ctx(dir, 0);
        gpu = hd_ctx_find_device(ctx, "01:00.0");
        assert_non_null(gpu);
        /* before the VM starts: the unbind would go ahead */
        opts_for(&o, &p, true);
        assert_int_equal(hd_unbind(ctx, &gpu, 1, &o), 2);
        assert_true(p.writes > 0);
        /* judged free, and the facts cached on the context */
        assert_int_equal(hd_judge(ctx, gpu, 0, &v), 0);
        assert_false(has_reason(v, "held", HD_SEVERITY_ERROR));
        v = hd_verdict_free(v);

        /* a VM opens the group */
        sh("cd '%s' && mkdir -p proc/4242/fd && ln -s /dev/vfio/1 proc/4242/fd/17 && "
           "echo qemu-system-x86 > proc/4242/comm", dir);
        opts_for(&o, &p, false);
        assert_int_equal(hd_unbind(ctx, &gpu, 1, &o), -EPERM);
        assert_int_equal(p.writes, 0);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "in use"));
        assert_non_null(strstr(hd_ctx_get_error(ctx), "pid 4242"));
        /* and the judge after it reads afresh too */
        assert_int_equal(hd_judge(ctx, gpu, 0, &v), 0);
        assert_true(has_reason(v, "held", HD_SEVERITY_ERROR));
        hd_verdict_free(v);
        /* restore --all on the same context refuses as well */
        opts_for(&o, &p, false);
        assert_int_equal(hd_restore_all(ctx, &o), -EPERM);
        assert_int_equal(p.writes, 0);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* No proc/: check warns and says bind refuses; bind refuses unless forced. */
static void test_unknown_refused(void **state)
{
        char *dir = tl_load_fixture("workstation-gpu");
        struct hd_ctx *ctx;
        struct hd_dev *nvme;
        struct hd_verdict *v = NULL;
        struct hd_bind_opts o;
        struct plan p;
        (void)state;

        sh("rm -rf '%s/proc'", dir);
        ctx = tl_ctx(dir, 0);
        nvme = hd_ctx_find_device(ctx, "03:00.0");
        assert_non_null(nvme);
        assert_int_equal(hd_judge(ctx, nvme, 0, &v), 0);
        assert_true(has_reason(v, "unknown", HD_SEVERITY_WARNING));
        assert_false(has_reason(v, "unknown", HD_SEVERITY_ERROR));
        v = hd_verdict_free(v);
        assert_int_equal(hd_judge(ctx, nvme, HD_JUDGE_WRITE, &v), 0);
        assert_true(has_reason(v, "unknown", HD_SEVERITY_ERROR));
        assert_false(hd_verdict_is_eligible(v));
        v = hd_verdict_free(v);
        assert_int_equal(hd_judge(ctx, nvme, HD_JUDGE_WRITE | HD_JUDGE_FORCE, &v), 0);
        assert_false(has_reason(v, "unknown", HD_SEVERITY_ERROR));
        v = hd_verdict_free(v);

        opts_for(&o, &p, true);
        assert_int_equal(hd_bind(ctx, &nvme, 1, &o), -EPERM);
        assert_int_equal(p.writes, 0);
        assert_non_null(strstr(p.last, "(unknown)"));
        opts_for(&o, &p, true);
        o.force = true;
        assert_true(hd_bind(ctx, &nvme, 1, &o) > 0);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* A half-bound group reads "interrupted", never "already-vfio". */
static void test_interrupted(void **state)
{
        char *dir = tl_load_fixture("workstation-gpu");
        struct hd_ctx *ctx;
        struct hd_dev *gpu;
        struct hd_verdict *v = NULL;
        (void)state;

        put_group1_on_vfio(dir);
        sh("cd '%s' && sed -i 's/\"bound\"/\"binding\"/' run/hostdev/state.json", dir);
        ctx = tl_ctx(dir, 0);
        gpu = hd_ctx_find_device(ctx, "01:00.0");
        assert_int_equal(hd_judge(ctx, gpu, 0, &v), 0);
        assert_true(has_reason(v, "interrupted", HD_SEVERITY_ERROR));
        assert_false(has_reason(v, "already-vfio", HD_SEVERITY_INFO));
        v = hd_verdict_free(v);
        hd_ctx_unref(ctx);

        sh("cd '%s' && sed -i 's/\"binding\"/\"bound\"/' run/hostdev/state.json", dir);
        ctx = tl_ctx(dir, 0);
        gpu = hd_ctx_find_device(ctx, "01:00.0");
        assert_int_equal(hd_judge(ctx, gpu, 0, &v), 0);
        assert_false(has_reason(v, "interrupted", HD_SEVERITY_ERROR));
        assert_true(has_reason(v, "already-vfio", HD_SEVERITY_INFO));
        hd_verdict_free(v);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

static int parse(const char *entry)
{
        char text[2048];
        struct hd_ctx *ctx = NULL;
        struct hd__state *s = calloc(1, sizeof(*s));
        int r;

        assert_non_null(s);
        s->dirfd = s->lockfd = -1;
        s->dry_run = true;
        snprintf(text, sizeof(text), "{\"version\":1,\"devices\":[%s]}", entry);
        assert_int_equal(hd_ctx_new(&ctx), 0);
        r = hd__state_parse(ctx, s, text);
        if (r < 0)      /* one line, naming what is wrong */
                assert_null(strchr(hd_ctx_get_error(ctx), '\n'));
        hd__state_close(s);
        hd_ctx_unref(ctx);
        return r;
}

#define E(g, drv, ovr, st, since)                                                               \
        "{\"address\":\"0000:01:00.0\",\"group\":" g ",\"driver\":" drv                        \
        ",\"driver_override\":" ovr ",\"state\":\"" st "\"" since "}"

static void test_parse_hostile(void **state)
{
        static const char *const bad[] = {
                E("1e300", "\"nouveau\"", "null", "bound", ""),
                E("-3e9", "\"nouveau\"", "null", "bound", ""),
                E("-1", "\"nouveau\"", "null", "bound", ""),
                E("1.5", "\"nouveau\"", "null", "bound", ""),
                E("\"1\"", "\"nouveau\"", "null", "bound", ""),
                E("1", "\"nouveau\"", "null", "bound", ",\"since\":1e300"),
                E("1", "\"nouveau\"", "null", "bound", ",\"since\":-1e300"),
                E("1", "\"nouveau\"", "null", "bound", ",\"since\":\"now\""),
                E("1", "\"evil;rm\"", "null", "binding", ""),
                E("1", "\"../x\"", "null", "binding", ""),
                E("1", "\".\"", "null", "binding", ""),
                E("1", "\"a b\"", "null", "binding", ""),
                E("1", "\"-n\"", "null", "binding", ""),
                E("1", "\"nouveau\"", "\"evil;rm\"", "binding", ""),
                E("1", "\"nouveau\"", "\"x/y\"", "binding", ""),
                E("1", "7", "null", "binding", ""),
                E("1", "\"nouveau\"", "null", "maybe", ""),
                E("2147483648", "\"nouveau\"", "null", "bound", ""),
                E("1", "\"nouveau\"", "null", "bound", "") "," E("1", "null", "null", "bound", ""),
                "7",
        };
        (void)state;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (parse(bad[i]) != -EBADMSG)
                        fail_msg("entry %zu accepted: %s", i, bad[i]);
        assert_int_equal(parse(E("1", "\"nouveau\"", "null", "bound", ",\"since\":1700000000")), 0);
        assert_int_equal(parse(E("2147483647", "\"snd_hda_intel\"", "\"vfio-pci\"", "unbinding", "")), 0);
        assert_int_equal(parse(E("0", "null", "null", "binding", "")), 0);
        assert_true(hd__driver_name_ok("3w-sas"));
        assert_false(hd__driver_name_ok(""));
}

#define A(addr)                                                                                 \
        "{\"address\":\"" addr "\",\"group\":1,\"driver\":\"nouveau\",\"driver_override\":null," \
        "\"state\":\"bound\"}"

/* Addresses go through the one strict parser: the fuzz regressions stay
 * refused, a VMD domain (5 digits, as Linux names it) is taken. */
static void test_parse_address(void **state)
{
        static const char *const bad[] = {
                A("0000:00:00.8"), A("0000:00:20.0"), A(" 000:00:00.0"), A("0x00:00:00.0"),
                A("0000:00:1F.0"), A("-000:00:00.0"), A("01:00.0"), A("0000:01:00.0 "), A(""),
                ("{\"address\":1,\"group\":1,\"driver\":null,\"driver_override\":null,"
                 "\"state\":\"bound\"}"),
        };
        (void)state;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (parse(bad[i]) != -EBADMSG)
                        fail_msg("entry %zu accepted: %s", i, bad[i]);
        assert_int_equal(parse(A("0000:00:1f.7")), 0);
        assert_int_equal(parse(A("10000:e1:00.0")), 0);
}

/* ---------------------------------------------------------------- the journal on disk */

/* A bare sysroot (sys/ only) and a context rooted there, not scanned. */
static struct hd_ctx *bare_root(char **dir)
{
        struct hd_ctx *ctx = NULL;

        *dir = strdup("/tmp/hostdev-state-XXXXXX");
        assert_non_null(*dir);
        assert_non_null(mkdtemp(*dir));
        sh("mkdir -p '%s/sys'", *dir);
        assert_int_equal(hd_ctx_new(&ctx), 0);
        if (hd_ctx_set_sysroot(ctx, *dir) < 0)
                fail_msg("sysroot %s: %s", *dir, hd_ctx_get_error(ctx));
        return ctx;
}

static char *journal_text(const char *dir)
{
        char path[1024];
        char *text = NULL;
        size_t len = 0;
        FILE *f;

        snprintf(path, sizeof(path), "%s/" HD_STATE_DIR "/" HD_STATE_FILE, dir);
        f = fopen(path, "r");
        if (!f)
                return NULL;
        assert_int_not_equal(getdelim(&text, &len, '\0', f), -1);
        fclose(f);
        return text;
}

static void put_journal(const char *dir, const char *text)
{
        char path[1024];
        FILE *f;

        sh("mkdir -p '%s/" HD_STATE_DIR "'", dir);
        snprintf(path, sizeof(path), "%s/" HD_STATE_DIR "/" HD_STATE_FILE, dir);
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

/* Records written, read back field by field, removed and written again. */
static void test_save_load(void **state)
{
        char *dir, *text, path[1024];
        struct hd_ctx *ctx = bare_root(&dir);
        struct hd__state *s = NULL;
        struct hd__rec *rec = NULL;
        struct stat st;
        cJSON *doc, *devs, *e;
        (void)state;

        assert_int_equal(hd__state_open(ctx, false, 0, &s), 0);
        assert_int_equal(s->n, 0);
        assert_int_equal(hd__state_add(s, "0000:01:00.0", 1, "nouveau", NULL, HD__REC_BINDING,
                                       &rec), 0);
        rec->since = 1700000000;
        assert_int_equal(hd__state_add(s, "10000:e1:00.0", 7, NULL, "vfio-pci", HD__REC_BOUND,
                                       NULL), 0);
        assert_int_equal(hd__state_add(s, "0000:01:00.0 ", 1, NULL, NULL, HD__REC_BOUND, NULL),
                         -EINVAL);
        assert_ptr_equal(hd__state_find(s, "0000:01:00.0"), rec);
        assert_null(hd__state_find(s, "0000:01:00.1"));
        assert_int_equal(hd__state_save(ctx, s), 0);

        /* what is on disk: valid JSON as documented in state.c, a line at the end */
        text = journal_text(dir);
        assert_non_null(text);
        assert_int_equal(text[strlen(text) - 1], '\n');
        doc = cJSON_Parse(text);
        assert_non_null(doc);
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(doc, "version")->valueint, 1);
        devs = cJSON_GetObjectItemCaseSensitive(doc, "devices");
        assert_int_equal(cJSON_GetArraySize(devs), 2);
        e = cJSON_GetArrayItem(devs, 0);
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "address")->valuestring,
                            "0000:01:00.0");
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "driver")->valuestring, "nouveau");
        assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(e, "driver_override")));
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "state")->valuestring, "binding");
        assert_true(cJSON_GetObjectItemCaseSensitive(e, "since")->valuedouble == 1700000000.0);
        cJSON_Delete(doc);
        free(text);
        snprintf(path, sizeof(path), "%s/" HD_STATE_DIR "/" HD_STATE_FILE, dir);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0644);
        hd__state_close(s);

        /* read back */
        s = NULL;
        assert_int_equal(hd__state_open(ctx, false, 0, &s), 0);
        assert_int_equal(s->n, 2);
        rec = hd__state_find(s, "0000:01:00.0");
        assert_non_null(rec);
        assert_int_equal(rec->group, 1);
        assert_string_equal(rec->driver, "nouveau");
        assert_null(rec->override);
        assert_int_equal(rec->state, HD__REC_BINDING);
        assert_true(rec->since == 1700000000);
        rec = hd__state_find(s, "10000:e1:00.0");
        assert_non_null(rec);
        assert_int_equal(rec->group, 7);
        assert_null(rec->driver);
        assert_string_equal(rec->override, "vfio-pci");
        assert_int_equal(rec->state, HD__REC_BOUND);

        /* removed, and the rest kept */
        hd__state_remove(s, "0000:01:00.0");
        hd__state_remove(s, "0000:02:00.0");            /* not there: nothing happens */
        assert_int_equal(s->n, 1);
        assert_int_equal(hd__state_save(ctx, s), 0);
        hd__state_close(s);
        s = NULL;
        assert_int_equal(hd__state_open(ctx, false, 0, &s), 0);
        assert_int_equal(s->n, 1);
        assert_string_equal(s->recs[0]->address, "10000:e1:00.0");
        hd__state_close(s);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* A dry run creates nothing, locks nothing and saves nothing. */
static void test_dry_run(void **state)
{
        char *dir, path[1024];
        struct hd_ctx *ctx = bare_root(&dir);
        struct hd__state *s = NULL;
        (void)state;

        assert_int_equal(hd__state_open(ctx, true, 0, &s), 0);
        assert_int_equal(s->dirfd, -1);
        assert_int_equal(s->lockfd, -1);
        assert_int_equal(hd__state_add(s, "0000:01:00.0", 1, "nouveau", NULL, HD__REC_BINDING,
                                       NULL), 0);
        assert_int_equal(hd__state_save(ctx, s), 0);
        hd__state_close(s);
        snprintf(path, sizeof(path), "%s/run", dir);
        assert_int_equal(access(path, F_OK), -1);

        /* with a journal there, a dry run reads it and leaves it as it was */
        put_journal(dir, "{\"version\":1,\"devices\":[" A("0000:01:00.0") "]}");
        s = NULL;
        assert_int_equal(hd__state_open(ctx, true, 0, &s), 0);
        assert_int_equal(s->n, 1);
        hd__state_remove(s, "0000:01:00.0");
        assert_int_equal(hd__state_save(ctx, s), 0);
        hd__state_close(s);
        s = NULL;
        assert_int_equal(hd__state_open(ctx, true, 0, &s), 0);
        assert_int_equal(s->n, 1);
        hd__state_close(s);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* One writer at a time: a second one gives up after its timeout; readers
 * (dry runs) do not wait. */
static void test_lock(void **state)
{
        char *dir;
        struct hd_ctx *ctx = bare_root(&dir);
        struct hd__state *a = NULL, *b = NULL;
        (void)state;

        assert_int_equal(hd__state_open(ctx, false, 0, &a), 0);
        assert_int_equal(hd__state_open(ctx, false, 50, &b), -ETIMEDOUT);
        assert_null(b);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "another hostdev holds the lock"));
        assert_int_equal(hd__state_open(ctx, true, 0, &b), 0);
        hd__state_close(b);
        b = NULL;
        hd__state_close(a);
        assert_int_equal(hd__state_open(ctx, false, 0, &b), 0);
        hd__state_close(b);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* What is not a journal hostdev wrote is refused with one line saying so. */
static void test_load_refused(void **state)
{
        static const struct {
                const char *text;
                int err;
                const char *says;
        } bad[] = {
                { "", -EBADMSG, "not a hostdev journal" },
                { "[1,2]", -EBADMSG, "not a hostdev journal" },
                { "{\"version\":2,\"devices\":[]}", -EPROTO, "unknown journal version" },
                { "{\"devices\":[]}", -EPROTO, "unknown journal version" },
                { "{\"version\":1,\"devices\":{}}", -EBADMSG, "is not a list" },
                { "{\"version\":1,\"devices\":[7]}", -EBADMSG, "entry 0: not an object" },
                { "{\"version\":1,\"devices\":[" A("0000:01:00.0") "," A("0000:01:00.0") "]}",
                  -EBADMSG, "recorded twice" },
        };
        char *dir;
        struct hd_ctx *ctx = bare_root(&dir);
        (void)state;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct hd__state *s = NULL;
                int r;
                put_journal(dir, bad[i].text);
                r = hd__state_open(ctx, false, 0, &s);
                if (r != bad[i].err || !strstr(hd_ctx_get_error(ctx), bad[i].says))
                        fail_msg("journal %zu: %d (%s)", i, r, hd_ctx_get_error(ctx));
                assert_null(s);
                assert_null(strchr(hd_ctx_get_error(ctx), '\n'));
        }
        /* an empty list and no list are no records */
        for (int k = 0; k < 2; k++) {
                struct hd__state *s = NULL;
                put_journal(dir, k ? "{\"version\":1}" : "{\"version\":1,\"devices\":[]}");
                assert_int_equal(hd__state_open(ctx, false, 0, &s), 0);
                assert_int_equal(s->n, 0);
                hd__state_close(s);
        }
        /* a symlink or a directory in the journal's place, a file in the directory's */
        sh("cd '%s' && rm -f " HD_STATE_DIR "/" HD_STATE_FILE " && echo '{}' > elsewhere && "
           "ln -s ../../elsewhere " HD_STATE_DIR "/" HD_STATE_FILE, dir);
        assert_int_equal(hd__state_open(ctx, true, 0, &(struct hd__state *){ NULL }), -ELOOP);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "symbolic link"));
        sh("cd '%s' && rm " HD_STATE_DIR "/" HD_STATE_FILE " && mkdir " HD_STATE_DIR "/"
           HD_STATE_FILE, dir);
        assert_true(hd__state_open(ctx, true, 0, &(struct hd__state *){ NULL }) < 0);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "not a regular file"));
        sh("cd '%s' && rm -r run && mkdir run && : > " HD_STATE_DIR, dir);
        assert_true(hd__state_open(ctx, false, 0, &(struct hd__state *){ NULL }) < 0);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "not a directory"));
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

static void test_names(void **state)
{
        (void)state;

        assert_string_equal(hd__rec_state_to_string(HD__REC_BINDING), "binding");
        assert_string_equal(hd__rec_state_to_string(HD__REC_BOUND), "bound");
        assert_string_equal(hd__rec_state_to_string(HD__REC_UNBINDING), "unbinding");
        assert_string_equal(hd__rec_state_to_string((enum hd__rec_state)42), "?");
        assert_true(hd__driver_name_ok("vfio-pci"));
        assert_true(hd__driver_name_ok("snd_hda_intel"));
        assert_true(hd__driver_name_ok("_x.y+z"));
        assert_false(hd__driver_name_ok("-n"));
        assert_false(hd__driver_name_ok("a/b"));
        assert_false(hd__driver_name_ok("a b"));
        assert_false(hd__driver_name_ok("0123456789012345678901234567890123456789012345678901234567890123x"));
        assert_true(hd__driver_name_ok("0123456789012345678901234567890123456789012345678901234567890123"));
}

/* The mdev journal is read as strictly as state.json, by every reader: a
 * symlink, a FIFO, a directory, an oversized file, on the live host a file
 * not owned by root, and text that is no journal are refused with one line;
 * the binder proper (hd__state_open, not a dry run) refuses them too. */
static void test_mdev_journal_strict(void **state)
{
        char *dir, path[1024];
        struct hd_ctx *ctx = bare_root(&dir);
        _cleanup_close_ int dfd = -1;
        _cleanup_free_ char *text = NULL;
        struct hd__state *s = NULL;
        cJSON *doc = NULL;
        (void)state;

        sh("mkdir -p '%s/" HD_STATE_DIR "'", dir);
        snprintf(path, sizeof(path), "%s/" HD_STATE_DIR, dir);
        dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(dfd >= 0);
        snprintf(path, sizeof(path), "%s/" HD_STATE_DIR "/" HD_MDEV_JOURNAL, dir);

        /* none, no directory: no journal, no error */
        assert_int_equal(hd__mdev_journal_read(ctx, dfd, &doc), 0);
        assert_null(doc);
        assert_int_equal(hd__mdev_journal_read(ctx, -1, &doc), 0);
        assert_null(doc);
        /* a good one */
        sh("echo '{\"version\":1,\"changes\":[{\"kind\":\"mdev\"}]}' > '%s'", path);
        assert_int_equal(hd__mdev_journal_read(ctx, dfd, &doc), 0);
        assert_non_null(doc);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "changes")), 1);
        cJSON_Delete(doc);
        assert_int_equal(hd__mdev_journal_read(ctx, dfd, NULL), 0);
        assert_int_equal(hd__state_open(ctx, false, 0, &s), 0);
        s = hd__state_close(s);
        /* under a sysroot, as for state.json, the owner is not checked */
        assert_int_equal(chown(path, 12345, 12345), 0);
        assert_int_equal(hd__mdev_journal_read(ctx, dfd, NULL), 0);
        /* on the live host it is: only root's is read (state.json the same) */
        assert_int_equal(hd__state_read_file(ctx, dfd, HD_MDEV_JOURNAL, 4096, true, "hint", &text),
                         -EACCES);
        assert_null(text);
        assert_string_equal(hd_ctx_get_error(ctx), HD_STATE_DIR "/" HD_MDEV_JOURNAL " is owned by "
                            "uid 12345, not root: hostdev (as root) never writes it so; hint");
        assert_int_equal(chown(path, 0, 0), 0);
        assert_int_equal(hd__state_read_file(ctx, dfd, HD_MDEV_JOURNAL, 4096, true, "hint", &text), 0);
        assert_non_null(strstr(text, "changes"));
        assert_int_equal(hd__state_read_file(ctx, dfd, "nothing-here", 4096, true, "hint", &text),
                         -ENOENT);
        /* larger than the bound */
        assert_int_equal(hd__state_read_file(ctx, dfd, HD_MDEV_JOURNAL, 8, false, "hint",
                                             &(char *){ NULL }), -EFBIG);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "larger than 8 bytes"));
        /* text that is no journal */
        sh("echo '[1,2]' > '%s'", path);
        assert_int_equal(hd__mdev_journal_read(ctx, dfd, &doc), -EINVAL);
        assert_null(doc);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "not a hostdev journal"));
        /* a symlink to a good journal elsewhere: not followed */
        sh("cd '%s' && echo '{\"version\":1,\"changes\":[]}' > elsewhere && rm '%s' && "
           "ln -s ../../elsewhere '%s'", dir, path, path);
        assert_int_equal(hd__mdev_journal_read(ctx, dfd, &doc), -ELOOP);
        assert_null(doc);
        assert_non_null(strstr(hd_ctx_get_error(ctx), HD_MDEV_JOURNAL " is a symbolic link"));
        assert_null(strchr(hd_ctx_get_error(ctx), '\n'));
        assert_int_equal(hd__state_open(ctx, false, 0, &s), -ELOOP);
        assert_null(s);
        assert_int_equal(hd__state_open(ctx, true, 0, &s), 0);    /* a dry run: not the binder */
        s = hd__state_close(s);
        /* a FIFO (refused at once, not waited on) and a directory */
        sh("rm '%s' && mkfifo '%s'", path, path);
        assert_int_equal(hd__mdev_journal_read(ctx, dfd, &doc), -EINVAL);
        assert_non_null(strstr(hd_ctx_get_error(ctx), HD_MDEV_JOURNAL " is not a regular file"));
        assert_int_equal(hd__state_open(ctx, false, 0, &s), -EINVAL);
        sh("rm '%s' && mkdir '%s'", path, path);
        assert_int_equal(hd__mdev_journal_read(ctx, dfd, &doc), -EISDIR);
        assert_non_null(strstr(hd_ctx_get_error(ctx), "not a regular file"));
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

/* hd_journal_discard sets the journal aside, whatever it is, following nothing. */
static void test_discard(void **state)
{
        char *dir = tl_load_fixture("workstation-gpu"), path[1024];
        struct hd_ctx *ctx;
        struct stat st;
        (void)state;

        ctx = tl_ctx(dir, 0);
        assert_int_equal(hd_journal_discard(ctx), 0);   /* none */
        sh("cd '%s' && mkdir -p run/hostdev && echo secret > outside && "
           "ln -s ../../outside run/hostdev/state.json", dir);
        assert_int_equal(hd_journal_discard(ctx), 1);
        snprintf(path, sizeof(path), "%s/run/hostdev/state.json.discarded", dir);
        assert_int_equal(lstat(path, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        snprintf(path, sizeof(path), "%s/outside", dir);
        assert_int_equal(stat(path, &st), 0);           /* the target is untouched */
        assert_int_equal(st.st_size, 7);
        hd_ctx_unref(ctx);
        tl_rm_rf(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_unbind_sees_new_holder),
                cmocka_unit_test(test_unknown_refused),
                cmocka_unit_test(test_interrupted),
                cmocka_unit_test(test_parse_hostile),
                cmocka_unit_test(test_parse_address),
                cmocka_unit_test(test_save_load),
                cmocka_unit_test(test_dry_run),
                cmocka_unit_test(test_lock),
                cmocka_unit_test(test_load_refused),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_discard),
                cmocka_unit_test(test_mdev_journal_strict),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
