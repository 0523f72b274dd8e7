/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostdev prepare / release: a VM's start and stop in one step each.
 * prepare builds the QEMU arguments (or XML) first, which judges every
 * device and checks every option, so that a refusal comes before anything
 * is written; then binds the IOMMU groups of the PCI devices (hd_bind, which
 * waits for /dev/vfio/N), then prints the arguments or writes them as a
 * systemd EnvironmentFile=.  release gives the groups back (hd_unbind).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "emit-args.h"

enum { O_QEMU = EMIT_OPT_LAST + 1, O_XML, O_ENV_FILE, O_DRY_RUN, O_MAC, O_VLAN };

/* a VF's MAC/VLAN change, made (-v) or planned (--dry-run) */
static void on_change(void *data, const char *what)
{
        const bool *dry = data;

        if (*dry)
                printf("%s\n", what);
        else
                cli_err("%s", what);
}

/* prepare --mac/--vlan: the one SR-IOV VF among the PCI devices */
static struct hd_dev *the_vf(struct hd_dev **pci, size_t n)
{
        if (n != 1 || !hd_dev_get_physfn(pci[0])) {
                cli_err("--mac/--vlan set one SR-IOV virtual function: name exactly one VF "
                        "(and no other PCI device)");
                return NULL;
        }
        return pci[0];
}

/* The PCI functions among DEVS (the sg node of a LUN is no PCI function),
 * malloc'd, in *NPCI.  Returns: NULL after a message. */
static struct hd_dev **pci_only(struct hd_dev **devs, size_t n, size_t *npci)
{
        struct hd_dev **pci = cli_calloc(n, sizeof(*pci));

        *npci = 0;
        for (size_t i = 0; pci && i < n; i++)
                if (hd_dev_get_type(devs[i]) == HD_DEV_PCI)
                        pci[(*npci)++] = devs[i];
        return pci;
}

/* Problems counted, planned sysfs writes, cdev waits and VF changes printed
 * on a dry run (writes made and cdevs ready on stderr with -v) */
static void listen(struct cli *cli, struct cli_sink *sink, struct hd_bind_opts *bo,
                   struct hd_vf_net_opts *vo)
{
        cli_sink_attach(sink, bo);
        sink->verbose = cli->verbose;
        vo->on_change = on_change;
        vo->data = &vo->dry_run;
}

/* --iommufd: every PCI device must be able to use it (the judge), before binding */
static int iommufd_usable(struct cli *cli, struct hd_dev **pci, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                const char *why = NULL;
                int r = hd_judge_iommufd(cli->ctx, pci[i], &why);

                if (r < 0) {
                        cli_err("--iommufd: %s", hd_ctx_get_error(cli->ctx));
                        return -1;
                }
                if (r == 0) {
                        cli_err("%s: iommufd cannot be used: %s", hd_dev_get_name(pci[i]), why);
                        return -1;
                }
        }
        return 0;
}

/* A word systemd hands over unchanged when it splits $HOSTDEV_ARGS at
 * whitespace, and that needs no quoting in the file: printable ASCII
 * without quotes, backslash, '$' and '`'. */
static bool env_safe(const char *s)
{
        if (!*s)
                return false;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
                if (*p <= ' ' || *p >= 0x7f || strchr("\"'\\$`", *p))
                        return false;
        return true;
}

/* Write "HOSTDEV_ARGS=..." to PATH: a temporary file beside it, renamed over it. */
static int write_env_file(const char *path, const struct hd_argv *a)
{
        char *copy = strdup(path), *tmp = NULL;
        FILE *f = NULL;
        int fd = -1, r = -1;

        for (size_t i = 0; i < hd_argv_get_n(a); i++)
                if (!env_safe(hd_argv_get(a, i))) {
                        cli_err("--env-file: argument '%s' holds a blank, quote, backslash, '$' or "
                                "a character outside ASCII; systemd splits $HOSTDEV_ARGS at blanks, "
                                "so it cannot go there (print the arguments instead)",
                                hd_argv_get(a, i));
                        free(copy);
                        return -1;
                }
        if (!copy || asprintf(&tmp, "%s/.hostdev-env-XXXXXX", dirname(copy)) < 0) {
                cli_err("out of memory");
                free(copy);
                return -1;
        }
        fd = mkstemp(tmp);
        if (fd < 0 || fchmod(fd, 0644) < 0 || !(f = fdopen(fd, "w"))) {
                cli_err("--env-file %s: %s", path, strerror(errno));
                goto out;
        }
        fd = -1;
        fputs("# written by hostdev prepare; for EnvironmentFile= and $HOSTDEV_ARGS\nHOSTDEV_ARGS=\"", f);
        for (size_t i = 0; i < hd_argv_get_n(a); i++)
                fprintf(f, "%s%s", i ? " " : "", hd_argv_get(a, i));
        fputs("\"\n", f);
        if (fflush(f) != 0 || fsync(fileno(f)) < 0 || fclose(f) != 0) {
                f = NULL;
                cli_err("--env-file %s: %s", path, strerror(errno));
                goto out;
        }
        f = NULL;
        if (rename(tmp, path) < 0) {
                cli_err("--env-file %s: %s", path, strerror(errno));
                goto out;
        }
        r = 0;
out:
        if (f)
                fclose(f);
        if (fd >= 0)
                close(fd);
        if (r < 0 && tmp)
                unlink(tmp);
        free(tmp);
        free(copy);
        return r;
}

static void prepare_usage(FILE *f)
{
        fputs("Usage: hostdev prepare [--qemu|--xml] [OPTIONS] [--env-file FILE] DEVICE...\n\n"
              "Start of a VM in one step: judge every DEVICE (refusing before anything is\n"
              "written when one is not eligible), bind the IOMMU groups of the PCI devices to\n"
              "vfio-pci, wait for /dev/vfio/<group>, then print the QEMU arguments (as\n"
              "hostdev qemu) or the libvirt XML (as hostdev xml, managed='no').\n\n"
              "  --qemu                QEMU arguments (default)\n"
              "  --xml                 libvirt <hostdev> XML\n"
              "  --env-file FILE       write HOSTDEV_ARGS=\"...\" to FILE for systemd's\n"
              "                        EnvironmentFile= (ExecStart=... $HOSTDEV_ARGS) instead of\n"
              "                        printing; refused for an argument holding a blank or quote\n"
              "  -t, --timeout SEC     wait this long for /dev/vfio/<group> (default 10)\n"
              "      --owner U[:G]     hand /dev/vfio/<group> (with --iommufd also each\n"
              "                        /dev/vfio/devices/vfioN) to user U (and group G)\n"
              "      --dry-run         print the sysfs writes (and netlink changes, and with\n"
              "                        --iommufd the cdev waits) instead, then the arguments;\n"
              "                        change nothing\n"
              "      --mac MAC, --vlan ID  QEMU output: set the MAC / VLAN tag of the one SR-IOV\n"
              "                        VF named through its PF over rtnetlink (live host;\n"
              "                        release puts the old ones back); with --xml they go\n"
              "                        to <interface> as in hostdev xml\n"
              "      --iommufd         also: refuse unless the judge says iommufd can be used\n"
              "                        (/dev/iommu), then wait for each function's\n"
              "                        /dev/vfio/devices/vfioN (rolled back if one does not\n"
              "                        come); with -v each is named on stderr\n"
              "  -f, --force           bind and emit although the judge says not eligible\n"
              "  -h, --help            this help\n\n"
              "QEMU output options:\n", f);
        emit_args_help(f, EMIT_QEMU);
        fputs("\nXML output options:\n", f);
        emit_args_help(f, EMIT_XML);
        fputs("\nExit status: 0 bound and printed, 1 error (rolled back), 2 usage, 3 not eligible.\n", f);
}

struct prepare {
        struct emit_args a;
        struct hd_bind_opts bo;
        struct hd_vf_net_opts vo;
        struct cli_sink sink;
        const char *env_file, *mac, *vlan;
        bool xml, qemu;
};

/* Take prepare's options into P.  Returns: -1 to go on, or an exit code. */
static int take_prepare_opts(struct prepare *p, int argc, char **argv)
{
        static const struct option own[] = {
                { "qemu", no_argument, NULL, O_QEMU },
                { "dry-run", no_argument, NULL, O_DRY_RUN },
                { "mac", required_argument, NULL, O_MAC },
                { "vlan", required_argument, NULL, O_VLAN },
                { "xml", no_argument, NULL, O_XML },
                { "env-file", required_argument, NULL, O_ENV_FILE },
                { "timeout", required_argument, NULL, 't' },
                { "owner", required_argument, NULL, 'o' },
                { "json", no_argument, NULL, 'J' },
                { "force", no_argument, NULL, 'f' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct option opts[64];
        int c, r;

        emit_opts_table(opts, sizeof(opts) / sizeof(opts[0]), own);
        while ((c = getopt_long(argc, argv, "t:Jfh", opts, NULL)) >= 0) {
                r = emit_args_take(&p->a, c, optarg);
                if (r < 0)
                        return EXIT_USAGE;
                if (r)
                        continue;
                switch (c) {
                case O_QEMU: p->qemu = true; break;
                case O_XML: p->xml = true; break;
                case O_ENV_FILE: p->env_file = optarg; break;
                case O_DRY_RUN: p->bo.dry_run = p->vo.dry_run = true; break;
                case O_MAC: p->mac = optarg; break;
                case O_VLAN: p->vlan = optarg; break;
                case 't':
                        if (cli_parse_timeout(optarg, &p->bo.timeout_ms) < 0) {
                                cli_err("--timeout: want seconds, got '%s'", optarg);
                                return EXIT_USAGE;
                        }
                        break;
                case 'o': p->bo.owner = optarg; break;
                case 'J': p->a.json = true; break;
                case 'f': p->a.q.force = p->a.x.force = p->bo.force = true; break;
                case 'h': prepare_usage(stdout); return EXIT_OK;
                default: prepare_usage(stderr); return EXIT_USAGE;
                }
        }
        return -1;
}

/* --mac/--vlan: the XML's <interface> (libvirt sets them), or for QEMU by
 * hand, set here through the PF.  Returns: 0, or -1 after a message. */
static int take_vf_net(struct prepare *p)
{
        char *end;
        long v;

        if (p->a.kind == EMIT_XML)
                return (p->mac && emit_args_take_name(&p->a, "mac", p->mac) < 0) ||
                       (p->vlan && emit_args_take_name(&p->a, "vlan", p->vlan) < 0) ? -1 : 0;
        if (p->vlan) {
                errno = 0;
                v = strtol(p->vlan, &end, 10);
                if (errno || end == p->vlan || *end || v < 0 || v > 4095) {
                        cli_err("--vlan: '%s' is not a VLAN id (0-4095)", p->vlan);
                        return -1;
                }
                p->vo.vlan = (int)v;
        }
        p->vo.mac = p->mac;
        return 0;
}

/* After the options: what goes together.  Returns: 0, or -1 after a message. */
static int prepare_check(struct prepare *p, int argc)
{
        if (p->xml && p->qemu) {
                cli_err("prepare: --qemu or --xml, not both");
                return -1;
        }
        p->a.kind = p->xml ? EMIT_XML : EMIT_QEMU;
        if (take_vf_net(p) < 0)
                return -1;
        if (p->a.x.managed) {
                cli_err("prepare binds the groups itself: --managed (libvirt binds) does not go with it");
                return -1;
        }
        if (p->env_file && p->bo.dry_run) {
                cli_err("--dry-run writes nothing: not with --env-file");
                return -1;
        }
        if (p->env_file && (p->a.kind == EMIT_XML || p->a.json)) {
                cli_err("--env-file takes the QEMU arguments as words: not with --xml or --json");
                return -1;
        }
        if (emit_args_finish(&p->a) < 0)
                return -1;
        if (optind >= argc) {
                cli_err("prepare: no device given; see hostdev prepare --help");
                return -1;
        }
        return 0;
}

/* Bind the groups of PCI (N) (with --iommufd hd_bind also waits for every
 * function's cdev and rolls back when one does not come), set VF's MAC and
 * VLAN; what this run bound is given back when a later step fails.
 * Returns: -1 to go on, or an exit code after a message. */
static int prepare_bind(struct cli *cli, struct prepare *p, struct hd_dev **pci, size_t n,
                        struct hd_dev *vf)
{
        int r = hd_bind(cli->ctx, pci, n, &p->bo);

        if (r < 0)
                return cli_lib_fail(cli, "prepare", r, p->sink.problems > 0);
        if (vf && hd_vf_net_set(cli->ctx, vf, &p->vo) < 0) {
                cli_err("%s", hd_ctx_get_error(cli->ctx));
                if (r > 0 && !p->bo.dry_run)
                        hd_unbind(cli->ctx, pci, n, &p->bo);
                return EXIT_ERROR;
        }
        return -1;
}

/* Judged and built (ARGS or XML): check the PCI functions among DEVS, bind
 * them, then print or write the result.  Returns: an exit code. */
static int prepare_run(struct cli *cli, struct prepare *p, struct hd_dev **devs, size_t n,
                       const struct hd_argv *args, const char *xml)
{
        struct hd_dev *vf = NULL;
        size_t npci;
        struct hd_dev **pci = pci_only(devs, n, &npci);
        int rc = EXIT_ERROR;

        if (!pci)
                return EXIT_ERROR;
        if ((p->vo.mac || p->vo.vlan >= 0) && !(vf = the_vf(pci, npci)))
                goto out;
        if (p->a.q.iommufd && iommufd_usable(cli, pci, npci) < 0)
                goto out;
        p->bo.iommufd = p->a.q.iommufd;
        listen(cli, &p->sink, &p->bo, &p->vo);
        rc = npci > 0 ? prepare_bind(cli, p, pci, npci, vf) : -1;
        if (rc >= 0)
                goto out;
        if (p->env_file)
                rc = write_env_file(p->env_file, args) < 0 ? EXIT_ERROR : EXIT_OK;
        else
                rc = emit_args_print(&p->a, args, xml);
out:
        free(pci);
        return rc;
}

int cmd_prepare(struct cli *cli, int argc, char **argv)
{
        struct prepare p = { 0 };
        struct hd_dev **devs = NULL;
        struct hd_argv *args = NULL;
        char *xml = NULL;
        size_t n;
        int r;

        emit_args_init(&p.a, EMIT_QEMU);
        hd_bind_opts_init(&p.bo);
        hd_vf_net_opts_init(&p.vo);
        r = take_prepare_opts(&p, argc, argv);
        if (r >= 0)
                return r;
        if (prepare_check(&p, argc) < 0)
                return EXIT_USAGE;
        if (cli_scan(cli) < 0 || cli_resolve(cli, argc - optind, argv + optind, &devs) < 0)
                return EXIT_ERROR;
        n = (size_t)(argc - optind);
        /* judge and build first: nothing is written when this refuses */
        r = emit_args_run(cli, &p.a, devs, n, &args, &xml);
        r = r < 0 ? cli_lib_fail(cli, NULL, r, false) : prepare_run(cli, &p, devs, n, args, xml);
        hd_argv_free(args);
        free(xml);
        free(devs);
        return r;
}

static void release_usage(FILE *f)
{
        fputs("Usage: hostdev release [--force] [--dry-run] DEVICE...\n\n"
              "End of a VM: give the IOMMU groups of the PCI DEVICEs back to the drivers\n"
              "recorded by prepare/bind (as hostdev unbind), and a VF's MAC and VLAN as\n"
              "prepare --mac/--vlan found them.  Other devices need nothing given back.\n"
              "Refuses while a VM still holds a group.\n\n"
              "  -f, --force    give the groups back even while held\n"
              "      --dry-run  print the sysfs writes and netlink changes; change nothing\n"
              "  -h, --help     this help\n\n"
              "Exit status: 0 done (or nothing to do), 1 error, 2 usage, 3 held.\n", f);
}

/* Give back the VFs' MAC and VLAN (as prepare --mac/--vlan found them), then
 * the groups of PCI (N).  Returns: an exit code. */
static int release_pci(struct cli *cli, struct hd_dev **pci, size_t n, struct hd_bind_opts *bo,
                       struct hd_vf_net_opts *vo)
{
        struct cli_sink sink = { 0 };
        int r = 0;

        listen(cli, &sink, bo, vo);
        for (size_t i = 0; i < n && r >= 0; i++)
                if (hd_dev_get_physfn(pci[i]))
                        r = hd_vf_net_restore(cli->ctx, pci[i], vo);
        if (r < 0) {
                cli_err("%s", hd_ctx_get_error(cli->ctx));
                sink.problems++;
        }
        if (r >= 0 && n)
                r = hd_unbind(cli->ctx, pci, n, bo);
        return r >= 0 ? EXIT_OK : cli_lib_fail(cli, "release", r, sink.problems > 0);
}

int cmd_release(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "force", no_argument, NULL, 'f' },
                { "dry-run", no_argument, NULL, 'N' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct hd_bind_opts bo;
        struct hd_vf_net_opts vo;
        struct hd_dev **devs = NULL, **pci;
        size_t npci;
        int c, r;

        hd_bind_opts_init(&bo);
        hd_vf_net_opts_init(&vo);
        while ((c = getopt_long(argc, argv, "fh", opts, NULL)) >= 0) {
                switch (c) {
                case 'f': bo.force = true; break;
                case 'N': bo.dry_run = vo.dry_run = true; break;
                case 'h': release_usage(stdout); return EXIT_OK;
                default: fputs("Usage: hostdev release [--force] DEVICE...\n", stderr); return EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                cli_err("release: no device given; see hostdev release --help");
                return EXIT_USAGE;
        }
        if (cli_scan(cli) < 0 || cli_resolve(cli, argc - optind, argv + optind, &devs) < 0)
                return EXIT_ERROR;
        pci = pci_only(devs, (size_t)(argc - optind), &npci);
        r = pci ? release_pci(cli, pci, npci, &bo, &vo) : EXIT_ERROR;
        free(pci);
        free(devs);
        return r;
}
