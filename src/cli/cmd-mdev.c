/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostdev mdev create|remove, hostdev sriov set: thin wrappers around
 * hd_mdev_create(), hd_mdev_remove() and hd_sriov_set(); and what `show`
 * adds for an mdev parent (its types) and an SR-IOV PF (its counts).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cli.h"
#include "output.h"

/* Exit code of a writing call R; its error said unless a problem line did */
static int finish(struct cli *cli, const struct cli_sink *sink, const char *verb, int r)
{
        return r >= 0 ? EXIT_OK : cli_lib_fail(cli, verb, r, sink->problems > 0);
}

static void mdev_usage(FILE *f)
{
        fputs("Usage: hostdev mdev create [--uuid UUID] [--force] [--dry-run] PARENT TYPE\n"
              "       hostdev mdev remove [--force] [--dry-run] MDEV\n"
              "       hostdev mdev persist [--uuid UUID] PARENT TYPE\n"
              "       hostdev mdev forget UUID\n"
              "       hostdev mdev qemu [--display] [--ramfb] [--force] MDEV...\n"
              "       hostdev mdev xml [--display] [--ramfb] [--domain] [--force] MDEV...\n\n"
              "create: make a mediated device of TYPE (hostdev show PARENT lists the types)\n"
              "        and print its UUID; refused when the parent has no driver or the type\n"
              "        no available instances.\n"
              "remove: remove MDEV (its UUID, mdev_<uuid> or mdev_<uuid>_<parent>); refused\n"
              "        while a process holds it unless --force.\n"
              "Both are journaled under SYSROOT/run/hostdev/ and undone by `hostdev restore --all`.\n"
              "persist: add \"mdev UUID parent=.. type=..\" to hostdev.conf(5) (apply creates it);\n"
              "        prints the UUID.  forget: drop that entry (the mdev stays).\n"
              "qemu:   print -device vfio-pci|vfio-ccw|vfio-ap,sysfsdev=... (by the type's device_api)\n"
              "xml:    print libvirt <hostdev mode='subsystem' type='mdev' model=...>\n\n"
              "      --display     display=on (vfio-pci mdevs)\n"
              "      --ramfb       display=on plus ramfb (QEMU: vfio-pci-nohotplug)\n"
              "      --domain      xml: wrap in a minimal <domain> (for virt-xml-validate)\n"
              "      --uuid UUID   the new device's UUID (default: a random one)\n"
              "  -f, --force       create although no instance is available / remove although held\n"
              "      --dry-run     print the sysfs writes; change nothing\n"
              "  -v, --verbose     print each sysfs write on stderr\n", f);
}

static void sriov_usage(FILE *f)
{
        fputs("Usage: hostdev sriov set [--dry-run] PF N\n"
              "       hostdev sriov persist PF N | forget PF   (\"sriov PF numvfs=N\" in hostdev.conf(5))\n\n"
              "Set the number of VFs of the SR-IOV physical function PF to N, going through 0\n"
              "when changing a non-zero count (as the kernel requires).  Refused while a VF is\n"
              "on vfio-pci, held by a process or bound by hostdev.  Journaled under\n"
              "SYSROOT/run/hostdev/ and undone by `hostdev restore`.\n\n"
              "      --dry-run     print the sysfs writes; change nothing\n"
              "  -v, --verbose     print each sysfs write on stderr\n", f);
}

enum { OPT_UUID = 0x100, OPT_DRY, OPT_DISPLAY, OPT_RAMFB, OPT_DOMAIN };

/* hostdev mdev's options, before and after the sub-verb */
struct mdev_args {
        struct cli_sink sink;
        struct hd_bind_opts o;
        struct hd_mdev_emit_opts eo;
        const char *uuid;
};

/* Take options with OPTSTRING into M.  Returns: -1 to go on, or an exit code. */
static int take_mdev_opts(struct mdev_args *m, int argc, char **argv, const char *optstring)
{
        static const struct option opts[] = {
                { "uuid", required_argument, NULL, OPT_UUID },
                { "force", no_argument, NULL, 'f' },
                { "dry-run", no_argument, NULL, OPT_DRY },
                { "verbose", no_argument, NULL, 'v' },
                { "display", no_argument, NULL, OPT_DISPLAY },
                { "ramfb", no_argument, NULL, OPT_RAMFB },
                { "domain", no_argument, NULL, OPT_DOMAIN },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, optstring, opts, NULL)) >= 0) {
                switch (c) {
                case OPT_UUID: m->uuid = optarg; break;
                case OPT_DISPLAY: m->eo.display = true; break;
                case OPT_RAMFB: m->eo.ramfb = true; break;
                case OPT_DOMAIN: m->eo.domain = true; break;
                case 'f': m->o.force = m->eo.force = true; break;
                case OPT_DRY: m->o.dry_run = true; break;
                case 'v': m->sink.verbose++; break;
                case 'h': mdev_usage(stdout); return EXIT_OK;
                default: mdev_usage(stderr); return EXIT_USAGE;
                }
        }
        return -1;
}

static int mdev_emit_qemu(struct cli *cli, struct hd_dev **devs, size_t n,
                          const struct hd_mdev_emit_opts *eo)
{
        struct hd_argv *a = hd_argv_new();
        char *line = NULL;
        int r = a ? hd_emit_qemu_mdev(cli->ctx, devs, n, eo, a) : -ENOMEM;

        if (r >= 0 && !(line = hd_argv_to_shell(a)))
                r = -ENOMEM;
        if (r >= 0)
                printf("%s\n", line);
        free(line);
        hd_argv_free(a);
        return r;
}

static int mdev_emit_xml(struct cli *cli, struct hd_dev **devs, size_t n,
                         const struct hd_mdev_emit_opts *eo)
{
        char *xml = NULL;
        int r = hd_emit_libvirt_mdev(cli->ctx, devs, n, eo, &xml);

        if (r >= 0)
                fputs(xml, stdout);
        free(xml);
        return r;
}

/* mdev qemu|xml MDEV... */
static int mdev_emit(struct cli *cli, struct mdev_args *m, const char *sub, int n, char **names)
{
        struct hd_dev **devs = NULL;
        int r;

        if (n < 1) {
                cli_err("mdev %s: which mdev?", sub);
                return EXIT_USAGE;
        }
        if (cli_scan(cli) < 0 || cli_resolve(cli, n, names, &devs) < 0)
                return EXIT_ERROR;
        r = strcmp(sub, "qemu") == 0 ? mdev_emit_qemu(cli, devs, (size_t)n, &m->eo)
                                     : mdev_emit_xml(cli, devs, (size_t)n, &m->eo);
        free(devs);
        if (r < 0) {
                cli_err("mdev %s: %s", sub, cli_lib_msg(cli, r));
                return r == -EPERM ? EXIT_UNSAFE : EXIT_ERROR;
        }
        return EXIT_OK;
}

/* mdev create PARENT TYPE */
static int mdev_create(struct cli *cli, struct mdev_args *m, const char *sub, int n, char **args)
{
        struct hd_dev *parent;
        char out[37] = "";
        int r;

        if (n != 2) {
                cli_err("mdev create: PARENT TYPE expected");
                return EXIT_USAGE;
        }
        parent = cli_find_one(cli, args[0]);
        if (!parent)
                return EXIT_ERROR;
        r = hd_mdev_create(cli->ctx, parent, args[1], m->uuid, &m->o, out);
        if (r >= 0 && !m->o.dry_run)
                printf("%s\n", out);
        return finish(cli, &m->sink, "mdev create", r);
}

/* mdev remove MDEV */
static int mdev_remove(struct cli *cli, struct mdev_args *m, const char *sub, int n, char **args)
{
        struct hd_dev *mdev;

        if (m->uuid) {
                cli_err("mdev remove: --uuid is for create; name the mdev");
                return EXIT_USAGE;
        }
        if (n != 1) {
                cli_err("mdev remove: which mdev?");
                return EXIT_USAGE;
        }
        mdev = cli_find_one(cli, args[0]);
        if (!mdev)
                return EXIT_ERROR;
        return finish(cli, &m->sink, "mdev remove", hd_mdev_remove(cli->ctx, mdev, &m->o));
}

/* A random (version 4) UUID into OUT.  Returns: 0, or -1 after a message. */
static int random_uuid(char out[37])
{
        unsigned char b[16];

        if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
                cli_err("mdev persist: cannot make a UUID; give --uuid");
                return -1;
        }
        b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
        b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
        snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                 b[13], b[14], b[15]);
        return 0;
}

/* mdev persist PARENT TYPE: prints the UUID */
static int mdev_persist(struct cli *cli, struct mdev_args *m, const char *sub, int n, char **args)
{
        const char *parent, *uuid = m->uuid;
        char gen[37];
        struct hd_dev *p;

        if (n != 2) {
                cli_err("mdev persist: PARENT TYPE expected");
                return EXIT_USAGE;
        }
        p = cli_find_one(cli, args[0]);
        if (!p)
                return EXIT_ERROR;
        parent = hd_dev_get_pci_address(p);
        if (!parent) {
                cli_err("mdev persist: %s is not a PCI function", hd_dev_get_name(p));
                return EXIT_ERROR;
        }
        if (!uuid && random_uuid(gen) < 0)
                return EXIT_ERROR;
        uuid = uuid ? uuid : gen;
        if (hd_config_persist_mdev(cli->ctx, parent, args[1], uuid, NULL) < 0) {
                cli_err("mdev persist: %s", hd_ctx_get_error(cli->ctx));
                return EXIT_ERROR;
        }
        printf("%s\n", uuid);
        return EXIT_OK;
}

/* mdev forget UUID, sriov forget PF: drop the entry KIND NAME from hostdev.conf */
static int forget_entry(struct cli *cli, const char *verb, int kind, const char *name)
{
        if (hd_config_forget_entry(cli->ctx, kind, name) < 0) {
                cli_err("%s: %s", verb, hd_ctx_get_error(cli->ctx));
                return EXIT_ERROR;
        }
        return EXIT_OK;
}

static int mdev_forget(struct cli *cli, struct mdev_args *m, const char *sub, int n, char **args)
{
        if (n != 1) {
                cli_err("mdev forget: UUID expected");
                return EXIT_USAGE;
        }
        return forget_entry(cli, "mdev forget", HD_CONFIG_MDEV, args[0]);
}

static const struct mdev_sub {
        const char *name;
        int (*fn)(struct cli *cli, struct mdev_args *m, const char *sub, int n, char **args);
} mdev_subs[] = {
        { "create", mdev_create },
        { "remove", mdev_remove },
        { "persist", mdev_persist },
        { "forget", mdev_forget },
        { "qemu", mdev_emit },
        { "xml", mdev_emit },
};

int cmd_mdev(struct cli *cli, int argc, char **argv)
{
        struct mdev_args m = { .sink.verbose = cli->verbose };
        const char *sub;
        int r;

        hd_bind_opts_init(&m.o);
        hd_mdev_emit_opts_init(&m.eo);
        r = take_mdev_opts(&m, argc, argv, "+fvh");
        if (r >= 0)
                return r;
        if (optind >= argc) {
                cli_err("mdev: create or remove?");
                return EXIT_USAGE;
        }
        sub = argv[optind++];
        r = take_mdev_opts(&m, argc, argv, "fvh");      /* options may also follow the sub-verb */
        if (r >= 0)
                return r;
        cli_sink_attach(&m.sink, &m.o);
        for (size_t i = 0; i < sizeof(mdev_subs) / sizeof(mdev_subs[0]); i++)
                if (strcmp(sub, mdev_subs[i].name) == 0)
                        return mdev_subs[i].fn(cli, &m, sub, argc - optind, argv + optind);
        cli_err("mdev: unknown sub-verb '%s' (create, remove, qemu, xml)", sub);
        return EXIT_USAGE;
}

/* sriov persist PF N */
static int sriov_persist(struct cli *cli, struct hd_dev *pf, long n)
{
        const char *a = hd_dev_get_pci_address(pf);
        int r = a ? hd_config_persist_sriov(cli->ctx, a, (int)n, NULL) : -EINVAL;

        if (r < 0) {
                cli_err("sriov persist: %s", a ? hd_ctx_get_error(cli->ctx) : "not a PCI function");
                return EXIT_ERROR;
        }
        return EXIT_OK;
}

int cmd_sriov(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "dry-run", no_argument, NULL, OPT_DRY },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct cli_sink sink = { .verbose = cli->verbose };
        struct hd_bind_opts o;
        struct hd_dev *pf;
        char *end;
        long n;
        int c, r;

        hd_bind_opts_init(&o);
        while ((c = getopt_long(argc, argv, "vh", opts, NULL)) >= 0) {
                switch (c) {
                case OPT_DRY: o.dry_run = true; break;
                case 'v': sink.verbose++; break;
                case 'h': sriov_usage(stdout); return EXIT_OK;
                default: sriov_usage(stderr); return EXIT_USAGE;
                }
        }
        if (argc - optind == 2 && strcmp(argv[optind], "forget") == 0)
                return forget_entry(cli, "sriov forget", HD_CONFIG_SRIOV, argv[optind + 1]);
        if (argc - optind != 3 || (strcmp(argv[optind], "set") != 0 && strcmp(argv[optind], "persist") != 0)) {
                cli_err("sriov: expected: set PF N, persist PF N or forget PF");
                return EXIT_USAGE;
        }
        errno = 0;
        n = strtol(argv[optind + 2], &end, 10);
        if (errno || end == argv[optind + 2] || *end || n < 0 || n > 65535) {
                cli_err("sriov set: '%s' is not a VF count", argv[optind + 2]);
                return EXIT_USAGE;
        }
        cli_sink_attach(&sink, &o);
        pf = cli_find_one(cli, argv[optind + 1]);
        if (!pf)
                return EXIT_ERROR;
        if (strcmp(argv[optind], "persist") == 0)
                return sriov_persist(cli, pf, n);
        r = hd_sriov_set(cli->ctx, pf, (int)n, &o);
        if (r == 0 && !o.dry_run && sink.verbose)
                fprintf(stderr, "hostdev: nothing to change\n");
        return finish(cli, &sink, "sriov set", r);
}

/* ---------------------------------------------------------------- show */
void cli_show_mdev_text(struct cli *cli, struct hd_dev *d)
{
        struct hd_mdev_type *t = NULL;
        int total, num, ap;
        int n = hd_dev_get_mdev_types(cli->ctx, d, &t);

        for (int i = 0; i < n; i++) {
                printf("mdev_type: %s", t[i].id);
                fputs(" name=", stdout);
                cli_put_text(stdout, t[i].name ? t[i].name : "-");
                fputs(" device_api=", stdout);
                cli_put_text(stdout, t[i].device_api ? t[i].device_api : "-");
                printf(" available_instances=%ld\n", t[i].available);
                if (t[i].description) {
                        fputs("  description: ", stdout);
                        for (const char *s = t[i].description; *s; s++) {
                                char one[2] = { *s == '\n' ? ';' : *s, 0 };
                                if (*s == '\n' && !s[1])
                                        break;
                                cli_put_text(stdout, *s == '\n' ? "; " : one);
                        }
                        putchar('\n');
                }
        }
        if (n > 0)
                hd_mdev_types_free(t, (size_t)n);
        if (hd_dev_get_sriov(cli->ctx, d, &total, &num, &ap) == 0)
                printf("sriov_totalvfs: %d\nsriov_numvfs: %d\nsriov_drivers_autoprobe: %d\n", total, num, ap);
}

void cli_show_mdev_json(struct cli *cli, struct hd_dev *d, struct cJSON *o)
{
        struct hd_mdev_type *t = NULL;
        int total, num, ap;
        int n = hd_dev_get_mdev_types(cli->ctx, d, &t);

        if (n > 0) {
                cJSON *arr = cJSON_AddArrayToObject(o, "mdev_types");
                for (int i = 0; i < n; i++) {
                        cJSON *x = cJSON_CreateObject();
                        out_json_add_string(x, "id", t[i].id);
                        if (t[i].name) out_json_add_string(x, "name", t[i].name);
                        else cJSON_AddNullToObject(x, "name");
                        if (t[i].description) out_json_add_string(x, "description", t[i].description);
                        else cJSON_AddNullToObject(x, "description");
                        if (t[i].device_api) out_json_add_string(x, "device_api", t[i].device_api);
                        else cJSON_AddNullToObject(x, "device_api");
                        cJSON_AddNumberToObject(x, "available_instances", (double)t[i].available);
                        cJSON_AddItemToArray(arr, x);
                }
                hd_mdev_types_free(t, (size_t)n);
        }
        if (hd_dev_get_sriov(cli->ctx, d, &total, &num, &ap) == 0) {
                cJSON_AddNumberToObject(o, "sriov_totalvfs", total);
                cJSON_AddNumberToObject(o, "sriov_numvfs", num);
                cJSON_AddNumberToObject(o, "sriov_drivers_autoprobe", ap);
        }
}
