#!/bin/bash
# dracut module: carry hostdev into the initramfs, so configured devices are
# claimed for vfio-pci even when their host driver loads from the initramfs.
# What goes in: hostdev and its libraries, hostdev.conf(5) and its drop-ins,
# the vfio modules, the udev rule that runs `hostdev apply --boot --device %k`
# for each added PCI function, and modprobe softdep lines that make the host
# drivers of configured devices wait for vfio-pci.
# HOSTDEV_SYSROOT (default: none) reads the configuration below another root,
# for tests and image builders.

hostdev_root() { echo "${HOSTDEV_SYSROOT:-}"; }

hostdev_configured() {
        local root f
        root=$(hostdev_root)
        [[ -s $root/etc/hostdev.conf ]] && return 0
        for f in "$root"/etc/hostdev.d/*.conf; do
                [[ -s $f ]] && return 0
        done
        return 1
}

# called by dracut: include only when hostdev is installed and configured
check() {
        require_binaries @BINDIR@/hostdev || return 1
        hostdev_configured || return 255
        return 0
}

depends() {
        echo udev-rules
        return 0
}

installkernel() {
        hostonly='' instmods vfio vfio_iommu_type1 vfio_pci vfio_pci_core vfio_virqfd
}

install() {
        local root f softdep
        root=$(hostdev_root)
        inst_binary @BINDIR@/hostdev
        [[ -s $root/etc/hostdev.conf ]] && inst_simple "$root/etc/hostdev.conf" /etc/hostdev.conf
        for f in "$root"/etc/hostdev.d/*.conf; do
                [[ -s $f ]] && inst_simple "$f" "/etc/hostdev.d/${f##*/}"
        done
        inst_rules @UDEVRULESDIR@/05-hostdev.rules
        softdep=$(mktemp)
        if [[ -n $root ]]; then
                @BINDIR@/hostdev --sysroot "$root" softdep > "$softdep" || :
        else
                @BINDIR@/hostdev softdep > "$softdep" || :
        fi
        chmod 0644 "$softdep"
        [[ -s $softdep ]] && inst_simple "$softdep" /etc/modprobe.d/hostdev-softdep.conf
        rm -f "$softdep"
}
