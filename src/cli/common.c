/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every verb shares: the error line, escaped text, the one scan, device
 * names, exit codes for library failures, the --timeout value, and the
 * listener a writing verb gives the library (planned writes, problems).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_err(const char *fmt, ...)
{
        char msg[1024];
        char *safe;
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        safe = hd_escape(msg, HD_ESCAPE_TEXT);
        fprintf(stderr, "hostdev: %s\n", safe ? safe : msg);
        free(safe);
}

void cli_put_text(FILE *f, const char *s)
{
        char *safe = hd_escape(s ? s : "", HD_ESCAPE_TEXT);
        fputs(safe ? safe : "?", f);
        free(safe);
}

void *cli_calloc(size_t n, size_t size)
{
        void *p = calloc(n + 1, size);

        if (!p)
                cli_err("out of memory");
        return p;
}

const char *cli_lib_msg(struct cli *cli, int r)
{
        const char *msg = hd_ctx_get_error(cli->ctx);

        return *msg ? msg : strerror(-r);
}

int cli_lib_fail(struct cli *cli, const char *what, int r, bool said)
{
        if (!said && what)
                cli_err("%s: %s", what, cli_lib_msg(cli, r));
        else if (!said)
                cli_err("%s", cli_lib_msg(cli, r));
        return r == -EPERM ? EXIT_REFUSED : EXIT_ERROR;
}

int cli_scan(struct cli *cli)
{
        int r;

        if (cli->scanned)
                return 0;
        r = hd_ctx_scan(cli->ctx);
        if (r < 0) {
                cli_err("scan: %s", cli_lib_msg(cli, r));
                return -1;
        }
        cli->scanned = true;
        return 0;
}

int cli_resolve(struct cli *cli, int n, char **names, struct hd_dev ***ret)
{
        struct hd_dev **devs = cli_calloc((size_t)n, sizeof(*devs));

        if (!devs)
                return -1;
        for (int i = 0; i < n; i++) {
                devs[i] = hd_ctx_find_device(cli->ctx, names[i]);
                if (!devs[i]) {
                        cli_err("%s: no such device", names[i]);
                        free(devs);
                        return -1;
                }
        }
        *ret = devs;
        return 0;
}

struct hd_dev *cli_find_one(struct cli *cli, const char *name)
{
        struct hd_dev *d;

        if (cli_scan(cli) < 0)
                return NULL;
        d = hd_ctx_find_device(cli->ctx, name);
        if (!d)
                cli_err("%s: no such device", name);
        return d;
}

int cli_exit_for(struct cli *cli, int r, struct hd_dev *const *devs, size_t n, bool pci_only)
{
        struct hd_verdict **vs;
        int code = EXIT_ERROR;

        if (r >= 0)
                return EXIT_OK;
        if (r == -EPERM)
                return EXIT_REFUSED;
        if (r != -EINVAL || !n)
                return EXIT_ERROR;
        for (size_t i = 0; pci_only && i < n; i++)
                if (hd_dev_get_type(devs[i]) != HD_DEV_PCI)
                        return EXIT_REFUSED;
        vs = calloc(n, sizeof(*vs));
        if (!vs || hd_judge_many(cli->ctx, devs, n, HD_JUDGE_FORCE, vs) < 0) {
                free(vs);
                return EXIT_ERROR;
        }
        for (size_t i = 0; i < n; i++) {
                if (!hd_verdict_is_eligible(vs[i]))
                        code = EXIT_REFUSED;
                hd_verdict_free(vs[i]);
        }
        free(vs);
        return code;
}

int cli_parse_timeout(const char *s, int *ms)
{
        char *end;
        double v;

        errno = 0;
        v = strtod(s, &end);
        if (errno || end == s || *end || !(v >= 0) || v > 86400)
                return -1;
        *ms = (int)(v * 1000 + 0.5);
        return 0;
}

void cli_put_write(FILE *f, const char *path, const char *value)
{
        fputs("write ", f);
        cli_put_text(f, path);
        fputs(" \"", f);
        for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
                if (*p == '\n')
                        fputs("\\n", f);
                else if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p < ' ' || *p >= 0x7f)
                        fprintf(f, "\\x%02x", *p);
                else
                        fputc(*p, f);
        }
        fputs("\"\n", f);
}

void cli_put_wait(FILE *f, const char *address, const char *node)
{
        fputs("wait ", f);
        cli_put_text(f, node ? node : "/dev/vfio/devices/vfioN");
        fputs(" for ", f);
        cli_put_text(f, address);
        fputc('\n', f);
}

void cli_on_write(void *sink, const char *path, const char *value)
{
        const struct cli_sink *s = sink;

        if (s->dry_run) {
                cli_put_write(stdout, path, value);
        } else if (s->verbose) {
                fputs("hostdev: ", stderr);
                cli_put_write(stderr, path, value);
        }
}

void cli_on_problem(void *sink, const char *message)
{
        struct cli_sink *s = sink;

        s->problems++;
        cli_err("%s", message);
}

void cli_on_cdev(void *sink, const char *address, const char *node)
{
        const struct cli_sink *s = sink;

        if (s->dry_run) {
                cli_put_wait(stdout, address, node);
        } else if (s->verbose) {
                fputs("hostdev: ", stderr);
                cli_put_text(stderr, address);
                fputs(": ", stderr);
                cli_put_text(stderr, node);
                fputs(" ready\n", stderr);
        }
}

void cli_sink_attach(struct cli_sink *s, struct hd_bind_opts *o)
{
        s->dry_run = o->dry_run;
        o->on_write = cli_on_write;
        o->on_problem = cli_on_problem;
        o->on_cdev = cli_on_cdev;
        o->data = s;
}
