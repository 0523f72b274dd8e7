/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The floor for `make bench`: what a naive scanner costs, and nothing more.
 * Enumerates sys/bus/pci/devices, sys/bus/usb/devices and
 * sys/class/scsi_generic of a sysroot and, by full path, opens and reads:
 *   per PCI function  vendor device class subsystem_vendor subsystem_device
 *                     revision numa_node driver_override (8 reads) and
 *                     readlink driver, iommu_group, physfn (3 readlinks);
 *   per USB device    idVendor idProduct bcdDevice busnum devnum speed
 *                     manufacturer product serial (9 reads; interfaces,
 *                     whose names hold ':', are skipped);
 *   per sg node       dev (1 read).
 * No parsing, no tree, no output beyond one line of counts.  Absent
 * attributes and links (physfn on a PF, serial on many devices) still cost
 * the failed syscall, as they would for the naive scanner.
 * Usage: floor SYSROOT
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long n_ok, n_missing, n_bytes;

static void read_attr(const char *dir, const char *name, const char *attr)
{
        char path[PATH_MAX], buf[4096];
        ssize_t n;
        int fd;

        snprintf(path, sizeof(path), "%s/%s/%s", dir, name, attr);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                n_missing++;
                return;
        }
        n = read(fd, buf, sizeof(buf));
        close(fd);
        if (n < 0) {
                n_missing++;
                return;
        }
        n_ok++;
        n_bytes += n;
}

static void read_link(const char *dir, const char *name, const char *attr)
{
        char path[PATH_MAX], buf[PATH_MAX];
        ssize_t n;

        snprintf(path, sizeof(path), "%s/%s/%s", dir, name, attr);
        n = readlink(path, buf, sizeof(buf));
        if (n < 0) {
                n_missing++;
                return;
        }
        n_ok++;
        n_bytes += n;
}

static long walk(const char *root, const char *rel, void (*fn)(const char *dir, const char *name))
{
        char dir[PATH_MAX];
        struct dirent *de;
        long count = 0;
        DIR *d;

        snprintf(dir, sizeof(dir), "%s/sys/%s", root, rel);
        d = opendir(dir);
        if (!d)
                return 0;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                fn(dir, de->d_name);
                count++;
        }
        closedir(d);
        return count;
}

static long n_usb_dev;

static void pci_fn(const char *dir, const char *name)
{
        static const char *const attrs[] = {
                "vendor", "device", "class", "subsystem_vendor", "subsystem_device",
                "revision", "numa_node", "driver_override",
        };
        for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
                read_attr(dir, name, attrs[i]);
        read_link(dir, name, "driver");
        read_link(dir, name, "iommu_group");
        read_link(dir, name, "physfn");
}

static void usb_fn(const char *dir, const char *name)
{
        static const char *const attrs[] = {
                "idVendor", "idProduct", "bcdDevice", "busnum", "devnum", "speed",
                "manufacturer", "product", "serial",
        };
        if (strchr(name, ':'))
                return;                 /* an interface */
        n_usb_dev++;
        for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
                read_attr(dir, name, attrs[i]);
}

static void sg_fn(const char *dir, const char *name)
{
        read_attr(dir, name, "dev");
}

int main(int argc, char **argv)
{
        long n_pci, n_sg;

        if (argc != 2) {
                fprintf(stderr, "usage: %s SYSROOT\n", argv[0]);
                return 2;
        }
        n_pci = walk(argv[1], "bus/pci/devices", pci_fn);
        walk(argv[1], "bus/usb/devices", usb_fn);
        n_sg = walk(argv[1], "class/scsi_generic", sg_fn);
        printf("pci %ld usb_device %ld scsi_generic %ld reads %ld missing %ld bytes %ld\n",
               n_pci, n_usb_dev, n_sg, n_ok, n_missing, n_bytes);
        return n_pci + n_usb_dev + n_sg > 0 ? 0 : 1;
}
