#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Pinned name data: with HOSTDEV_PCI_IDS (set by lib.sh to tests/data/pci.ids)
# PCI names come from that file alone, and HOSTDEV_USB_HWDB=0 turns the udev
# hwdb off, so the goldens hold no text from this machine's databases.
# Proof: in a private mount namespace the system's pci.ids is replaced by a
# copy with every name altered and the hwdb is hidden; unpinned names change,
# the goldens of every fixture still pass.
. "$(dirname "$0")/lib.sh"

pinned=$TOP/tests/data/pci.ids
d=$(load_fixture workstation-gpu) || { bad "load workstation-gpu"; finish; exit; }
gpu=pci_0000_01_00_0
name() { "$HOSTDEV" --sysroot "$d" show -J "$gpu" 2>"$T/name.err" | jq -r '.devices[0] | .vendor_name + " / " + .device_name'; }

[ "$(name)" = "NVIDIA Corporation / GP104 [GeForce GTX 1080]" ] && ok "pinned: $(name)" || bad "pinned name: $(name)"

# the names come from the pinned file, whatever it says
sed 's/^\t1b80  .*/\t1b80  Pinned Test GPU/' "$pinned" > "$T/edited.ids"
[ "$(HOSTDEV_PCI_IDS=$T/edited.ids name)" = "NVIDIA Corporation / Pinned Test GPU" ] &&
        ok "HOSTDEV_PCI_IDS: the name is the file's" || bad "HOSTDEV_PCI_IDS edited: $(HOSTDEV_PCI_IDS=$T/edited.ids name)"
# a device the file does not name has no name: no fallback to the hwdb
grep -v $'^\t1b80  ' "$pinned" > "$T/without.ids"
[ "$(HOSTDEV_PCI_IDS=$T/without.ids name)" = "NVIDIA Corporation / " ] &&
        ok "HOSTDEV_PCI_IDS: no hwdb fallback for a device the file lacks" || bad "fallback: $(HOSTDEV_PCI_IDS=$T/without.ids name)"

# bad values: one line, exit 1
for bad_file in "$T/nonexistent.ids" "$T"; do
        expect_rc 1 "HOSTDEV_PCI_IDS=$(basename "$bad_file")" env HOSTDEV_PCI_IDS="$bad_file" "$HOSTDEV" --sysroot "$d" list
        [ "$(wc -l < "$T/err")" = 1 ] && grep -q "^hostdev: HOSTDEV_PCI_IDS: $bad_file: " "$T/err" &&
                ok "HOSTDEV_PCI_IDS bad: $(cat "$T/err")" || { bad "HOSTDEV_PCI_IDS message"; cat "$T/err"; }
done
HOSTDEV_PCI_IDS= "$HOSTDEV" --sysroot "$d" list >/dev/null 2>&1 && ok "HOSTDEV_PCI_IDS empty: the system's pci.ids" || bad "HOSTDEV_PCI_IDS empty"

# ---------------------------------------------------------------- independence
sys_ids=/usr/share/misc/pci.ids
hwdb=$(for f in /etc/udev/hwdb.bin /lib/udev/hwdb.bin /usr/lib/udev/hwdb.bin; do [ -f "$f" ] && echo "$f" && break; done)
if [ ! -f "$sys_ids" ] || ! unshare -m true 2>/dev/null; then
        echo "note: no $sys_ids or no mount namespaces (needs root): independence not shown"
        finish; exit
fi
# every name altered: "8086  Intel Corporation" -> "8086  ALTERED Intel Corporation"
sed -E 's/^(\t*[0-9a-fA-F]{2,4}( [0-9a-fA-F]{4})?  )/\1ALTERED /; s/^(C [0-9a-fA-F]{2}  )/\1ALTERED /' "$sys_ids" > "$T/altered.ids"
cat > "$T/inside.sh" <<'SH'
set -u
mount --bind "$T/altered.ids" "$1" || exit 90
[ -z "$2" ] || mount --bind /dev/null "$2" || exit 91
. "$TOP/tests/cli/lib.sh"        # a fresh temp dir and counters, the same pinning
# the alteration is real: unpinned, the machine's names change
out=$(HOSTDEV_PCI_IDS= "$HOSTDEV" --sysroot "$D" show -J pci_0000_01_00_0 | jq -r '.devices[0].vendor_name')
[ "$out" = "ALTERED $BEFORE" ] && ok "unpinned, under the altered pci.ids: '$out'" || bad "alteration not seen: '$out'"
lspci -O "sysfs.path=$D/sys/bus/pci" -s 01:00.0 -mm | grep -q ALTERED && ok "lspci sees the altered pci.ids too" || bad "lspci: no ALTERED"
for f in "$TOP"/fixtures/*.umockdev; do
        n=$(basename "$f" .umockdev)
        r=$(load_fixture "$n") || { bad "load $n"; continue; }
        golden "$n-list.json" "$HOSTDEV" --sysroot "$r" list -J
        golden "$n-tree.txt" "$HOSTDEV" --sysroot "$r" list --tree
done
finish
SH
before=$(HOSTDEV_PCI_IDS= "$HOSTDEV" --sysroot "$d" show -J "$gpu" | jq -r '.devices[0].vendor_name')
if UPDATE_GOLDEN=0 D=$d T=$T BEFORE=$before unshare -m --propagation private bash "$T/inside.sh" "$sys_ids" "$hwdb" > "$T/inside.out" 2>&1; then
        ok "altered system pci.ids${hwdb:+, no hwdb}: $(grep -c '^ok: golden' "$T/inside.out") goldens pass ($(tail -1 "$T/inside.out"))"
else
        bad "goldens under an altered pci.ids"; grep -v '^ok' "$T/inside.out" | head -20
fi
grep -E '^ok: (unpinned|lspci)' "$T/inside.out"
cmp -s "$sys_ids" "$T/altered.ids" && bad "the system pci.ids was changed outside the namespace" || ok "the system pci.ids is untouched outside the namespace"
finish
