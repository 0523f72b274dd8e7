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

enum { O_QEMU = EMIT_OPT_LAST + 1, O_XML, O_ENV_FILE, O_TIMEOUT, O_OWNER, O_DRY_RUN, O_MAC, O_VLAN };

/* "write PATH VALUE" (--dry-run), VALUE in double quotes, C-escaped */
static void on_write(void *data, const char *path, const char *value)
{
        (void)data;
        fputs("write ", stdout);
        cli_put_text(stdout, path);
        fputs(" \"", stdout);
        for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
                if (*p == '\n')
                        fputs("\\n", stdout);
                else if (*p == '"' || *p == '\\')
                        printf("\\%c", *p);
                else if (*p < 0x20 || *p >= 0x7f)
                        printf("\\x%02x", *p);
                else
                        putchar(*p);
        }
        fputs("\"\n", stdout);
}

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

static void on_problem(void *data, const char *message)
{
        int *problems = data;

        (*problems)++;
        cli_err("%s", message);
}

static int parse_timeout(const char *s, int *ms)
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

/* The PCI functions among DEVS (the sg node of a LUN is no PCI function). */
static size_t pci_only(struct hd_dev **devs, size_t n, struct hd_dev **out)
{
        size_t m = 0;

        for (size_t i = 0; i < n; i++)
                if (hd_dev_get_type(devs[i]) == HD_DEV_PCI)
                        out[m++] = devs[i];
        return m;
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

/* --iommufd after binding: the cdevs of the functions passed (with
 * --with-group the whole groups) must be there */
static int iommufd_wait(struct cli *cli, struct hd_dev **pci, size_t n, bool group, int timeout_ms)
{
        struct hd_dev **all = NULL;
        size_t m = 0, cap = 0;
        int r;

        for (size_t i = 0; i < n; i++) {
                size_t nm = 1;
                struct hd_dev *const *members = &pci[i];
                if (group && hd_dev_get_iommu_group(pci[i]) >= 0)
                        members = hd_ctx_get_iommu_group_devices(cli->ctx,
                                                                 hd_dev_get_iommu_group(pci[i]), &nm);
                for (size_t k = 0; members && k < nm; k++) {
                        if (m == cap) {
                                struct hd_dev **na = realloc(all, (cap = cap * 2 + 8) * sizeof(*na));
                                if (!na) {
                                        free(all);
                                        cli_err("out of memory");
                                        return -1;
                                }
                                all = na;
                        }
                        all[m++] = members[k];
                }
        }
        r = hd_iommufd_wait(cli->ctx, all, m, timeout_ms);
        free(all);
        if (r < 0) {
                cli_err("--iommufd: %s", hd_ctx_get_error(cli->ctx));
                return -1;
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
              "      --owner U[:G]     hand /dev/vfio/<group> to user U (and group G)\n"
              "      --dry-run         print the sysfs writes (and netlink changes) instead,\n"
              "                        then the arguments; change nothing\n"
              "      --mac MAC, --vlan ID  QEMU output: set the MAC / VLAN tag of the one SR-IOV\n"
              "                        VF named through its PF over rtnetlink (live host;\n"
              "                        release puts the old ones back); with --xml they go\n"
              "                        to <interface> as in hostdev xml\n"
              "      --iommufd         also: refuse unless the judge says iommufd can be used\n"
              "                        (/dev/iommu), then wait for /dev/vfio/devices/vfioN\n"
              "  -f, --force           bind and emit although the judge says not eligible\n"
              "  -h, --help            this help\n\n"
              "QEMU output options:\n", f);
        emit_args_help(f, EMIT_QEMU);
        fputs("\nXML output options:\n", f);
        emit_args_help(f, EMIT_XML);
        fputs("\nExit status: 0 bound and printed, 1 error (rolled back), 2 usage, 3 not eligible.\n", f);
}

int cmd_prepare(struct cli *cli, int argc, char **argv)
{
        struct option opts[64];
        struct emit_args a;
        struct hd_bind_opts bo;
        struct hd_vf_net_opts vo;
        struct hd_dev **devs = NULL, **pci = NULL, *vf = NULL;
        struct hd_argv *args = NULL;
        const char *env_file = NULL, *mac_arg = NULL, *vlan_arg = NULL;
        char *xml = NULL;
        int c, r, problems = 0, rc = EXIT_ERROR;
        size_t no = 0, n, npci;
        bool want_xml = false, want_qemu = false;

        opts[no++] = (struct option){ "qemu", no_argument, NULL, O_QEMU };
        opts[no++] = (struct option){ "dry-run", no_argument, NULL, O_DRY_RUN };
        opts[no++] = (struct option){ "mac", required_argument, NULL, O_MAC };
        opts[no++] = (struct option){ "vlan", required_argument, NULL, O_VLAN };
        opts[no++] = (struct option){ "xml", no_argument, NULL, O_XML };
        opts[no++] = (struct option){ "env-file", required_argument, NULL, O_ENV_FILE };
        opts[no++] = (struct option){ "timeout", required_argument, NULL, 't' };
        opts[no++] = (struct option){ "owner", required_argument, NULL, 'o' };
        opts[no++] = (struct option){ "json", no_argument, NULL, 'J' };
        opts[no++] = (struct option){ "force", no_argument, NULL, 'f' };
        opts[no++] = (struct option){ "help", no_argument, NULL, 'h' };
        for (size_t i = 0; i < emit_long_opts_n(); i++)
                opts[no++] = emit_long_opts[i];
        opts[no] = (struct option){ 0 };
        emit_args_init(&a, EMIT_QEMU);
        hd_bind_opts_init(&bo);
        hd_vf_net_opts_init(&vo);
        while ((c = getopt_long(argc, argv, "t:Jfh", opts, NULL)) >= 0) {
                switch (c) {
                case O_QEMU: want_qemu = true; break;
                case O_XML: want_xml = true; break;
                case O_ENV_FILE: env_file = optarg; break;
                case O_DRY_RUN: bo.dry_run = vo.dry_run = true; break;
                case O_MAC: mac_arg = optarg; break;
                case O_VLAN: vlan_arg = optarg; break;
                case 't':
                        if (parse_timeout(optarg, &bo.timeout_ms) < 0) {
                                cli_err("--timeout: want seconds, got '%s'", optarg);
                                return EXIT_USAGE;
                        }
                        break;
                case 'o': bo.owner = optarg; break;
                case 'J': a.json = true; break;
                case 'f': a.q.force = a.x.force = bo.force = true; break;
                case 'h': prepare_usage(stdout); return EXIT_OK;
                default:
                        if (c >= EMIT_OPT_FIRST && c < EMIT_OPT_LAST) {
                                if (emit_args_take(&a, c, optarg) < 0)
                                        return EXIT_USAGE;
                                break;
                        }
                        prepare_usage(stderr);
                        return EXIT_USAGE;
                }
        }
        if (want_xml && want_qemu) {
                cli_err("prepare: --qemu or --xml, not both");
                return EXIT_USAGE;
        }
        a.kind = want_xml ? EMIT_XML : EMIT_QEMU;
        /* --mac/--vlan: the XML's <interface> (libvirt sets them), or for QEMU
         * by hand, set here through the PF */
        if (a.kind == EMIT_XML) {
                if ((mac_arg && emit_args_take_name(&a, "mac", mac_arg) < 0) ||
                    (vlan_arg && emit_args_take_name(&a, "vlan", vlan_arg) < 0))
                        return EXIT_USAGE;
        } else if (mac_arg || vlan_arg) {
                char *end;
                long v;
                if (vlan_arg) {
                        errno = 0;
                        v = strtol(vlan_arg, &end, 10);
                        if (errno || end == vlan_arg || *end || v < 0 || v > 4095) {
                                cli_err("--vlan: '%s' is not a VLAN id (0-4095)", vlan_arg);
                                return EXIT_USAGE;
                        }
                        vo.vlan = (int)v;
                }
                vo.mac = mac_arg;
        }
        if (a.x.managed) {
                cli_err("prepare binds the groups itself: --managed (libvirt binds) does not go with it");
                return EXIT_USAGE;
        }
        if (env_file && bo.dry_run) {
                cli_err("--dry-run writes nothing: not with --env-file");
                return EXIT_USAGE;
        }
        if (env_file && (a.kind == EMIT_XML || a.json)) {
                cli_err("--env-file takes the QEMU arguments as words: not with --xml or --json");
                return EXIT_USAGE;
        }
        if (emit_args_finish(&a) < 0)
                return EXIT_USAGE;
        if (optind >= argc) {
                cli_err("prepare: no device given; see hostdev prepare --help");
                return EXIT_USAGE;
        }
        if (cli_scan(cli) < 0 || cli_resolve(cli, argc - optind, argv + optind, &devs) < 0)
                return EXIT_ERROR;
        n = (size_t)(argc - optind);
        /* judge and build first: nothing is written when this refuses */
        r = emit_args_run(cli, &a, devs, n, &args, &xml);
        if (r < 0) {
                cli_err("%s", *hd_ctx_get_error(cli->ctx) ? hd_ctx_get_error(cli->ctx) : strerror(-r));
                rc = r == -EPERM ? EXIT_UNSAFE : EXIT_ERROR;
                goto out;
        }
        pci = calloc(n + 1, sizeof(*pci));
        if (!pci) {
                cli_err("out of memory");
                goto out;
        }
        npci = pci_only(devs, n, pci);
        if ((vo.mac || vo.vlan >= 0) && !(vf = the_vf(pci, npci)))
                goto out;
        if (a.q.iommufd && iommufd_usable(cli, pci, npci) < 0)
                goto out;
        bo.on_problem = on_problem;
        bo.data = &problems;
        if (bo.dry_run)
                bo.on_write = on_write;
        vo.on_change = on_change;
        vo.data = &vo.dry_run;
        if (npci > 0) {
                r = hd_bind(cli->ctx, pci, npci, &bo);
                if (r < 0) {
                        if (!problems)
                                cli_err("prepare: %s", *hd_ctx_get_error(cli->ctx)
                                                       ? hd_ctx_get_error(cli->ctx) : strerror(-r));
                        rc = r == -EPERM ? EXIT_UNSAFE : EXIT_ERROR;
                        goto out;
                }
                if (!bo.dry_run && a.q.iommufd &&
                    iommufd_wait(cli, pci, npci, a.q.with_group,
                                 bo.timeout_ms > 0 ? bo.timeout_ms : 10000) < 0) {
                        /* give back what this run bound: the host as it was */
                        if (r > 0)
                                hd_unbind(cli->ctx, pci, npci, &bo);
                        goto out;
                }
                if (vf && hd_vf_net_set(cli->ctx, vf, &vo) < 0) {
                        cli_err("%s", hd_ctx_get_error(cli->ctx));
                        if (r > 0 && !bo.dry_run)
                                hd_unbind(cli->ctx, pci, npci, &bo);
                        goto out;
                }
        }
        if (env_file)
                rc = write_env_file(env_file, args) < 0 ? EXIT_ERROR : EXIT_OK;
        else
                rc = emit_args_print(&a, args, xml);
out:
        hd_argv_free(args);
        free(xml);
        free(pci);
        free(devs);
        return rc;
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
        struct hd_dev **devs = NULL, **pci = NULL;
        int c, r = 0, problems = 0;
        size_t n, npci;

        hd_bind_opts_init(&bo);
        hd_vf_net_opts_init(&vo);
        while ((c = getopt_long(argc, argv, "fh", opts, NULL)) >= 0) {
                switch (c) {
                case 'f': bo.force = true; break;
                case 'N': bo.dry_run = vo.dry_run = true; break;
                case 'h':
                        fputs("Usage: hostdev release [--force] [--dry-run] DEVICE...\n\n"
                              "End of a VM: give the IOMMU groups of the PCI DEVICEs back to the drivers\n"
                              "recorded by prepare/bind (as hostdev unbind), and a VF's MAC and VLAN as\n"
                              "prepare --mac/--vlan found them.  Other devices need nothing given back.\n"
                              "Refuses while a VM still holds a group.\n\n"
                              "  -f, --force    give the groups back even while held\n"
                              "      --dry-run  print the sysfs writes and netlink changes; change nothing\n"
                              "  -h, --help     this help\n\n"
                              "Exit status: 0 done (or nothing to do), 1 error, 2 usage, 3 held.\n", stdout);
                        return EXIT_OK;
                default:
                        fputs("Usage: hostdev release [--force] DEVICE...\n", stderr);
                        return EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                cli_err("release: no device given; see hostdev release --help");
                return EXIT_USAGE;
        }
        if (cli_scan(cli) < 0 || cli_resolve(cli, argc - optind, argv + optind, &devs) < 0)
                return EXIT_ERROR;
        n = (size_t)(argc - optind);
        pci = calloc(n + 1, sizeof(*pci));
        if (!pci) {
                free(devs);
                cli_err("out of memory");
                return EXIT_ERROR;
        }
        npci = pci_only(devs, n, pci);
        bo.on_problem = on_problem;
        bo.data = &problems;
        if (bo.dry_run)
                bo.on_write = on_write;
        vo.on_change = on_change;
        vo.data = &vo.dry_run;
        /* a VF's MAC and VLAN as prepare --mac/--vlan found them */
        for (size_t i = 0; i < npci && r >= 0; i++)
                if (hd_dev_get_physfn(pci[i]))
                        r = hd_vf_net_restore(cli->ctx, pci[i], &vo);
        if (r < 0) {
                cli_err("%s", hd_ctx_get_error(cli->ctx));
                problems++;
        }
        if (r >= 0 && npci)
                r = hd_unbind(cli->ctx, pci, npci, &bo);
        free(pci);
        free(devs);
        if (r >= 0)
                return EXIT_OK;
        if (!problems)
                cli_err("release: %s", *hd_ctx_get_error(cli->ctx) ? hd_ctx_get_error(cli->ctx)
                                                                   : strerror(-r));
        return r == -EPERM ? EXIT_UNSAFE : EXIT_ERROR;
}
