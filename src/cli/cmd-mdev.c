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

struct mreport {
        bool dry_run;
        int verbose;
        int problems;
};

static void put_write(FILE *f, const char *path, const char *value)
{
        fputs("write ", f);
        cli_put_text(f, path);
        fputs(" \"", f);
        cli_put_text(f, value);
        fputs("\"\n", f);
}

static void on_write(void *data, const char *path, const char *value)
{
        struct mreport *rep = data;

        if (rep->dry_run) {
                put_write(stdout, path, value);
        } else if (rep->verbose) {
                fputs("hostdev: ", stderr);
                put_write(stderr, path, value);
        }
}

static void on_problem(void *data, const char *message)
{
        struct mreport *rep = data;

        rep->problems++;
        cli_err("%s", message);
}

static int finish(struct cli *cli, const struct mreport *rep, const char *verb, int r)
{
        if (r >= 0)
                return EXIT_OK;
        if (!rep->problems)
                cli_err("%s: %s", verb, *hd_ctx_get_error(cli->ctx) ? hd_ctx_get_error(cli->ctx)
                                                                     : strerror(-r));
        return r == -EPERM ? EXIT_UNSAFE : EXIT_ERROR;
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

static int mdev_emit(struct cli *cli, const char *sub, int n, char **names,
                     const struct hd_mdev_emit_opts *eo)
{
        struct hd_dev **devs = NULL;
        int r;

        if (n < 1) {
                cli_err("mdev %s: which mdev?", sub);
                return EXIT_USAGE;
        }
        if (cli_scan(cli) < 0 || cli_resolve(cli, n, names, &devs) < 0)
                return EXIT_ERROR;
        if (strcmp(sub, "qemu") == 0) {
                struct hd_argv *a = hd_argv_new();
                char *line = NULL;
                r = a ? hd_emit_qemu_mdev(cli->ctx, devs, (size_t)n, eo, a) : -ENOMEM;
                if (r >= 0 && !(line = hd_argv_to_shell(a)))
                        r = -ENOMEM;
                if (r >= 0)
                        printf("%s\n", line);
                free(line);
                hd_argv_free(a);
        } else {
                char *xml = NULL;
                r = hd_emit_libvirt_mdev(cli->ctx, devs, (size_t)n, eo, &xml);
                if (r >= 0)
                        fputs(xml, stdout);
                free(xml);
        }
        free(devs);
        if (r < 0) {
                cli_err("mdev %s: %s", sub, *hd_ctx_get_error(cli->ctx) ? hd_ctx_get_error(cli->ctx)
                                                                         : strerror(-r));
                return r == -EPERM ? EXIT_UNSAFE : EXIT_ERROR;
        }
        return EXIT_OK;
}

int cmd_mdev(struct cli *cli, int argc, char **argv)
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
        struct mreport rep = { .verbose = cli->verbose };
        struct hd_mdev_emit_opts eo;
        struct hd_bind_opts o;
        const char *uuid = NULL, *sub;
        struct hd_dev **devs = NULL;
        int c, r;

        hd_bind_opts_init(&o);
        hd_mdev_emit_opts_init(&eo);
        while ((c = getopt_long(argc, argv, "+fvh", opts, NULL)) >= 0) {
                switch (c) {
                case OPT_UUID: uuid = optarg; break;
                case OPT_DISPLAY: eo.display = true; break;
                case OPT_RAMFB: eo.ramfb = true; break;
                case OPT_DOMAIN: eo.domain = true; break;
                case 'f': o.force = eo.force = true; break;
                case OPT_DRY: o.dry_run = rep.dry_run = true; break;
                case 'v': rep.verbose++; break;
                case 'h': mdev_usage(stdout); return EXIT_OK;
                default: mdev_usage(stderr); return EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                cli_err("mdev: create or remove?");
                return EXIT_USAGE;
        }
        sub = argv[optind++];
        /* options may also follow the sub-verb */
        while ((c = getopt_long(argc, argv, "fvh", opts, NULL)) >= 0) {
                switch (c) {
                case OPT_UUID: uuid = optarg; break;
                case OPT_DISPLAY: eo.display = true; break;
                case OPT_RAMFB: eo.ramfb = true; break;
                case OPT_DOMAIN: eo.domain = true; break;
                case 'f': o.force = eo.force = true; break;
                case OPT_DRY: o.dry_run = rep.dry_run = true; break;
                case 'v': rep.verbose++; break;
                case 'h': mdev_usage(stdout); return EXIT_OK;
                default: mdev_usage(stderr); return EXIT_USAGE;
                }
        }
        o.on_write = on_write;
        o.on_problem = on_problem;
        o.data = &rep;
        if (strcmp(sub, "create") == 0) {
                char out[37] = "";
                if (argc - optind != 2) {
                        cli_err("mdev create: PARENT TYPE expected");
                        return EXIT_USAGE;
                }
                if (cli_scan(cli) < 0 || cli_resolve(cli, 1, argv + optind, &devs) < 0)
                        return EXIT_ERROR;
                r = hd_mdev_create(cli->ctx, devs[0], argv[optind + 1], uuid, &o, out);
                free(devs);
                if (r >= 0 && !o.dry_run)
                        printf("%s\n", out);
                return finish(cli, &rep, "mdev create", r);
        }
        if (strcmp(sub, "remove") == 0) {
                if (uuid) {
                        cli_err("mdev remove: --uuid is for create; name the mdev");
                        return EXIT_USAGE;
                }
                if (argc - optind != 1) {
                        cli_err("mdev remove: which mdev?");
                        return EXIT_USAGE;
                }
                if (cli_scan(cli) < 0 || cli_resolve(cli, 1, argv + optind, &devs) < 0)
                        return EXIT_ERROR;
                r = hd_mdev_remove(cli->ctx, devs[0], &o);
                free(devs);
                return finish(cli, &rep, "mdev remove", r);
        }
        if (strcmp(sub, "persist") == 0) {
                char gen[37];
                const char *parent;
                struct hd_dev *p;
                if (argc - optind != 2) {
                        cli_err("mdev persist: PARENT TYPE expected");
                        return EXIT_USAGE;
                }
                if (cli_scan(cli) < 0 || cli_resolve(cli, 1, argv + optind, &devs) < 0)
                        return EXIT_ERROR;
                p = devs[0];
                free(devs);
                parent = hd_dev_get_pci_address(p);
                if (!parent) {
                        cli_err("mdev persist: %s is not a PCI function", hd_dev_get_name(p));
                        return EXIT_ERROR;
                }
                if (!uuid) {
                        /* a random (version 4) UUID, printed below */
                        unsigned char b[16];
                        if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
                                cli_err("mdev persist: cannot make a UUID; give --uuid");
                                return EXIT_ERROR;
                        }
                        b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
                        b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
                        snprintf(gen, sizeof(gen), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                                 "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5], b[6],
                                 b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
                        uuid = gen;
                }
                r = hd_config_persist_mdev(cli->ctx, parent, argv[optind + 1], uuid, NULL);
                if (r < 0) {
                        cli_err("mdev persist: %s", hd_ctx_get_error(cli->ctx));
                        return EXIT_ERROR;
                }
                printf("%s\n", uuid);
                return EXIT_OK;
        }
        if (strcmp(sub, "forget") == 0) {
                if (argc - optind != 1) {
                        cli_err("mdev forget: UUID expected");
                        return EXIT_USAGE;
                }
                r = hd_config_forget_entry(cli->ctx, HD_CONFIG_MDEV, argv[optind]);
                if (r < 0) {
                        cli_err("mdev forget: %s", hd_ctx_get_error(cli->ctx));
                        return EXIT_ERROR;
                }
                return EXIT_OK;
        }
        if (strcmp(sub, "qemu") == 0 || strcmp(sub, "xml") == 0)
                return mdev_emit(cli, sub, argc - optind, argv + optind, &eo);
        cli_err("mdev: unknown sub-verb '%s' (create, remove, qemu, xml)", sub);
        return EXIT_USAGE;
}

int cmd_sriov(struct cli *cli, int argc, char **argv)
{
        static const struct option opts[] = {
                { "dry-run", no_argument, NULL, OPT_DRY },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct mreport rep = { .verbose = cli->verbose };
        struct hd_bind_opts o;
        struct hd_dev **devs = NULL;
        char *end;
        long n;
        int c, r;

        hd_bind_opts_init(&o);
        while ((c = getopt_long(argc, argv, "vh", opts, NULL)) >= 0) {
                switch (c) {
                case OPT_DRY: o.dry_run = rep.dry_run = true; break;
                case 'v': rep.verbose++; break;
                case 'h': sriov_usage(stdout); return EXIT_OK;
                default: sriov_usage(stderr); return EXIT_USAGE;
                }
        }
        if (argc - optind == 2 && strcmp(argv[optind], "forget") == 0) {
                r = hd_config_forget_entry(cli->ctx, HD_CONFIG_SRIOV, argv[optind + 1]);
                if (r < 0) {
                        cli_err("sriov forget: %s", hd_ctx_get_error(cli->ctx));
                        return EXIT_ERROR;
                }
                return EXIT_OK;
        }
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
        o.on_write = on_write;
        o.on_problem = on_problem;
        o.data = &rep;
        if (cli_scan(cli) < 0 || cli_resolve(cli, 1, argv + optind + 1, &devs) < 0)
                return EXIT_ERROR;
        if (strcmp(argv[optind], "persist") == 0) {
                const char *a = hd_dev_get_pci_address(devs[0]);
                r = a ? hd_config_persist_sriov(cli->ctx, a, (int)n, NULL) : -EINVAL;
                free(devs);
                if (r < 0) {
                        cli_err("sriov persist: %s", a ? hd_ctx_get_error(cli->ctx) : "not a PCI function");
                        return EXIT_ERROR;
                }
                return EXIT_OK;
        }
        r = hd_sriov_set(cli->ctx, devs[0], (int)n, &o);
        free(devs);
        if (r == 0 && !o.dry_run && rep.verbose)
                fprintf(stderr, "hostdev: nothing to change\n");
        return finish(cli, &rep, "sriov set", r);
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
