#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make install honours PREFIX and DESTDIR; the pkg-config file lets a program
# build against the installed library; the unit points at the installed binary.
. "$(dirname "$0")/lib.sh"

b=$(basename "$BUILD")
inst=$T/inst
make -s -C "$TOP" install B="$b" PREFIX=/opt/hd DESTDIR="$inst" > "$T/install.log" 2>&1 &&
        ok "make install PREFIX=/opt/hd DESTDIR=..." || { bad "make install"; tail -5 "$T/install.log"; }
for f in bin/hostdev lib/libhostdev.so.0.1.0 lib/libhostdev.so.0 lib/libhostdev.so lib/libhostdev.a \
         include/hostdev.h lib/pkgconfig/hostdev.pc share/man/man8/hostdev.8 lib/systemd/system/hostdev-bind@.service \
         share/man/man5/hostdev.conf.5 lib/systemd/system/hostdev-apply.service \
         lib/systemd/system/hostdev-metrics.service lib/systemd/system/hostdev-metrics.timer \
         share/hostdev/prometheus/hostdev.rules.yml; do
        assert "installed $f" test -e "$inst/opt/hd/$f"
done
# udev, initramfs-tools and dracut read their own directories (below DESTDIR)
for f in etc/udev/rules.d/05-hostdev.rules etc/initramfs-tools/hooks/hostdev usr/lib/dracut/modules.d/90hostdev/module-setup.sh; do
        assert "installed /$f" test -e "$inst/$f"
done
grep -q 'RUN+="/opt/hd/bin/hostdev apply --boot --device %k"' "$inst/etc/udev/rules.d/05-hostdev.rules" &&
        ok "udev rule runs the installed binary" || bad "udev rule RUN"
assert "initramfs-tools hook executable, names the installed rule" \
        bash -c "test -x '$inst/etc/initramfs-tools/hooks/hostdev' && grep -q '^RULE=/etc/udev/rules.d/05-hostdev.rules' '$inst/etc/initramfs-tools/hooks/hostdev'"
grep -q '^ExecStart=/opt/hd/bin/hostdev apply --boot' "$inst/opt/hd/lib/systemd/system/hostdev-apply.service" &&
        ok "apply unit runs the installed binary" || bad "apply unit ExecStart"
grep -q '^ExecStart=/opt/hd/bin/hostdev bind' "$inst/opt/hd/lib/systemd/system/hostdev-bind@.service" &&
        ok "unit runs the installed binary" || bad "unit ExecStart"
grep -q "^ExecStart=/bin/sh -ec '.* /opt/hd/bin/hostdev metrics > " "$inst/opt/hd/lib/systemd/system/hostdev-metrics.service" &&
        ok "metrics unit runs the installed binary" || bad "metrics unit ExecStart"
# exports: the public hd_ API only
n=$(nm -D --defined-only "$inst/opt/hd/lib/libhostdev.so" | awk '$2 == "T" && $3 !~ /^hd_[a-z]/' | wc -l)
[ "$n" = 0 ] && ok "only hd_* exported" || bad "$n non-API symbols exported"
export PKG_CONFIG_SYSROOT_DIR=$inst PKG_CONFIG_PATH=$inst/opt/hd/lib/pkgconfig
[ "$(pkg-config --modversion hostdev)" = 0.1.0 ] && ok "pkg-config finds hostdev 0.1.0" || bad "pkg-config"
case "$BUILD" in
*asan*) ok "sanitizer build: a program linking it needs the sanitizer runtime; built in the plain pass" ;;
*)
        cat > "$T/prog.c" <<'C'
#include <hostdev.h>
#include <stdio.h>
int main(int argc, char **argv)
{
        struct hd_ctx *ctx;
        struct hd_dev *d;
        if (hd_ctx_new(&ctx) < 0 || hd_ctx_set_sysroot(ctx, argv[1]) < 0 || hd_ctx_scan(ctx) < 0)
                return 1;
        d = hd_ctx_find_device(ctx, argc > 2 ? argv[2] : "computer");
        printf("%s %s\n", d ? hd_dev_get_name(d) : "-", d ? hd_dev_type_to_string(hd_dev_get_type(d)) : "-");
        hd_ctx_unref(ctx);
        return d ? 0 : 1;
}
C
        # shellcheck disable=SC2046
        cc -o "$T/prog" "$T/prog.c" $(pkg-config --cflags --libs hostdev) -Wl,-rpath,"$inst/opt/hd/lib" \
                2> "$T/cc.err" && ok "a program builds with pkg-config --cflags --libs hostdev" ||
                { bad "build against the installed library"; head -5 "$T/cc.err"; }
        d=$(load_fixture umockdev-fido2)
        [ "$("$T/prog" "$d" 1-2.3)" = "usb_1_2_3 usb_device" ] && ok "it scans a fixture through libhostdev.so" ||
                bad "program output: $("$T/prog" "$d" 1-2.3 2>&1)"
        ;;
esac
finish
