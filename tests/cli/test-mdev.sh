#!/bin/bash
# Mediated devices and SR-IOV under scripts/fake-kernel on the vgpu-host and
# gvtg-host fixtures: scan (types, existing mdevs, names), create a vGPU, check
# it, emit QEMU arguments QEMU 7.2 parses up to the absent device and XML
# virt-xml-validate accepts, remove it; persist one vGPU and 8 VFs, apply
# makes both and a second apply changes nothing; sriov set is refused while a
# VF is on vfio-pci; a kill after every write of sriov set, then restore,
# gives back the tree exactly; fake-kernel's failure injection rolls back.
# status and metrics show the PF and the vGPU; removed entries are undone by
# apply (only what hostdev made); apply --device takes a PF and an mdev.
# run/hostdev/mdev.json is read strictly: a symlink, a FIFO, a directory, on
# the live host (a chroot) one not owned by root, refused by every reader.
. "$TOP/tests/cli/lib.sh"
FK="$TOP/scripts/fake-kernel"
export FAKE_KERNEL_CACHE="$T/cache"
unset FAKE_KERNEL_REFUSE FAKE_KERNEL_NOPROBE FAKE_KERNEL_FAIL FAKE_KERNEL_NO_VFIO_NODE \
      FAKE_KERNEL_VFIO_DELAY_MS FAKE_KERNEL_KILL_AT FAKE_KERNEL_LOG FAKE_KERNEL_ROOT
GPU=0000:01:00.0 PF=0000:3b:00.0 IGPU=0000:00:02.0
GVT=4b20d080-1b54-4048-85b3-a6a62d165c01
U1=6f1f0b3c-2a43-4e7b-9d55-1b0b6a1c0de1

fresh() {
        local d
        d=$(load_fixture "$1" "$T/$2") || return 1
        "$FK" --setup "$d" || return 1
        mkdir -p "$d/etc"
        echo "$d"
}
hd() { local r=$1; shift; "$FK" "$r" -- "$HOSTDEV" --sysroot "$r" "$@"; }
# everything under sys/ and dev/: paths, types, link targets, file contents
jqe() { jq -e "$@" >/dev/null; }
# validate SCHEMA FILE DESC: FILE against doc/schema/SCHEMA.json
schema_ok() {
        if python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
                "$TOP/doc/schema/$1.json" "$2" >"$T/v.err" 2>&1
        then ok "schema $1: $3"; else bad "schema $1: $3"; tail -3 "$T/v.err"; fi
}
tree() { (cd "$1" && find sys dev -printf '%p %y %l\n' | sort && find sys dev -type f -print0 | sort -z | xargs -0 md5sum); }

# ---------------------------------------------------------------- scan
G=$(fresh gvtg-host g) || exit 1
out=$("$HOSTDEV" --sysroot "$G" list --type mdev -o NAME,TYPE,DRIVER,GROUP --noheadings 2>&1 || "$HOSTDEV" --sysroot "$G" list --type mdev)
assert "gvtg-host: list --type mdev shows the existing mdev under its libvirt name" \
        grep -q "mdev_4b20d080_1b54_4048_85b3_a6a62d165c01_0000_00_02_0" <<<"$out"
golden gvtg-host-show-mdev.txt "$HOSTDEV" --sysroot "$G" show "$GVT"
golden gvtg-host-show-parent.json "$HOSTDEV" --sysroot "$G" show -J "$IGPU"
for n in "$GVT" "mdev_${GVT//-/_}" "mdev_${GVT//-/_}_0000_00_02_0"; do
        assert "mdev found as $n" bash -c '"$1" --sysroot "$2" show "$3" | grep -q "^uuid: $4"' _ "$HOSTDEV" "$G" "$n" "$GVT"
done
expect_rc 1 "an mdev name with another parent is unknown" "$HOSTDEV" --sysroot "$G" show "mdev_${GVT//-/_}_0000_00_14_0"
assert "tree: the mdev sits under its parent" bash -c '"$1" --sysroot "$2" show -J "$3" | grep -q "\"parent\":.*\"pci_0000_00_02_0\""' _ "$HOSTDEV" "$G" "$GVT"
"$HOSTDEV" --sysroot "$G" check "$IGPU" >"$T/c.out" 2>&1
assert "check of a parent warns that its mdevs go with it (mdev-active)" grep -q "mdev-active" "$T/c.out"

V=$(fresh vgpu-host v) || exit 1
golden vgpu-host-show-parent.txt "$HOSTDEV" --sysroot "$V" show "$GPU" "$PF"

# ---------------------------------------------------------------- create, check, emit, remove
expect_rc 3 "a type with no available instances is refused" hd "$V" mdev create "$GPU" nvidia-234
assert "... with the reason" grep -q "mdev-no-instances" "$T/err"
expect_rc 1 "an unknown type is an error" hd "$V" mdev create "$GPU" nvidia-999
expect_rc 1 "a bad --uuid is an error" hd "$V" mdev create --uuid not-a-uuid "$GPU" nvidia-223
before=$(tree "$V")
hd "$V" mdev create --dry-run --uuid "$U1" "$GPU" nvidia-223 >"$T/dry" 2>&1
assert "create --dry-run prints the write" grep -q "mdev_supported_types/nvidia-223/create \"$U1\"" "$T/dry"
assert "create --dry-run changes nothing" [ "$before" = "$(tree "$V")" ]
got=$(hd "$V" mdev create --uuid "$U1" "$GPU" nvidia-223); rc=$?
assert "mdev create prints the UUID (rc=$rc)" [ "$rc" = 0 ] && [ "$got" = "$U1" ]
assert "the vGPU exists with its type link" [ "$(readlink "$V/sys/bus/mdev/devices/$U1/mdev_type")" = "../mdev_supported_types/nvidia-223" ]
assert "available_instances went down" [ "$(cat "$V/sys/bus/pci/devices/$GPU/mdev_supported_types/nvidia-223/available_instances")" = 7 ]
gen=$(hd "$V" mdev create "$GPU" nvidia-222); rc=$?
assert "mdev create without --uuid makes a random one" bash -c '[ "$0" = 0 ] && [[ "$1" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]' "$rc" "$gen"
expect_rc 0 "check the vGPU" hd "$V" check "$U1"
assert "check says ELIGIBLE" grep -q "ELIGIBLE" "$T/out"
hd "$V" mdev qemu "$U1" >"$T/q1"; hd "$V" mdev qemu --ramfb "$U1" >"$T/q2"; hd "$V" qemu "$U1" >"$T/q3"
assert "qemu: vfio-pci,sysfsdev=" grep -qx -- "-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$U1,id=mdev-6f1f0b3c" "$T/q1"
assert "qemu --ramfb: vfio-pci-nohotplug with display and ramfb" grep -q "vfio-pci-nohotplug,sysfsdev=.*,display=on,ramfb=on" "$T/q2"
assert "the qemu verb takes an mdev too" cmp -s "$T/q1" "$T/q3"
ABSENT="no such host device"
SYNTAX="property|not found|parameter|invalid|expect|unexpected|duplicate|not available|ambiguous|unknown|must be"
for f in q1 q2; do
        eval "set -- $(cat "$T/$f")"
        if command -v qemu-system-x86_64 >/dev/null; then
                timeout 20 qemu-system-x86_64 -M q35 -nodefaults -display none -S "$@" </dev/null >"$T/qo" 2>"$T/qe"; qrc=$?
                if [ "$qrc" = 124 ] || { grep -Eq "$ABSENT" "$T/qe" && ! grep -Eiq "$SYNTAX" "$T/qe"; }; then
                        ok "QEMU parses $f up to the absent device: $(head -c 160 "$T/qe")"
                else
                        bad "QEMU rejects $f (rc=$qrc)"; head -3 "$T/qe"
                fi
        else
                bad "qemu-system-x86_64 is not installed (scripts/install-deps)"
        fi
done
for d in "" "--display" "--ramfb"; do
        hd "$V" mdev xml --domain $d "$U1" >"$T/d.xml"
        if virt-xml-validate "$T/d.xml" domain >"$T/v.out" 2>&1; then ok "virt-xml-validate: mdev xml $d"
        else bad "virt-xml-validate: mdev xml $d"; cat "$T/v.out"; fi
done
assert "xml: type='mdev' model='vfio-pci' and the uuid" grep -q "<address uuid='$U1'/>" "$T/d.xml"
golden vgpu-host-mdev-xml.xml hd "$V" mdev xml --display "$U1"
expect_rc 0 "mdev remove" hd "$V" mdev remove "$U1"
assert "the vGPU is gone" [ ! -e "$V/sys/bus/mdev/devices/$U1" ]
assert "available_instances is back" [ "$(cat "$V/sys/bus/pci/devices/$GPU/mdev_supported_types/nvidia-223/available_instances")" = 8 ]
expect_rc 0 "restore --all removes what hostdev made" hd "$V" restore --all
assert "... the random one is gone too" [ ! -e "$V/sys/bus/mdev/devices/$gen" ]

# failure injection: a failed create leaves nothing and no journal record
V=$(fresh vgpu-host vf) || exit 1
before=$(tree "$V")
FAKE_KERNEL_FAIL="$GPU/create:EIO" expect_rc 1 "an injected create failure is an error" hd "$V" mdev create "$GPU" nvidia-223
assert "... and changes nothing" [ "$before" = "$(tree "$V")" ]
assert "... and leaves no journal record" [ ! -e "$V/run/hostdev/mdev.json" ]
hd "$V" mdev create --uuid "$U1" "$GPU" nvidia-223 >/dev/null
FAKE_KERNEL_FAIL="$U1/remove:EBUSY" expect_rc 1 "an injected remove failure is an error" hd "$V" mdev remove "$U1"
assert "... the mdev stays, still recorded as created" bash -c '[ -e "$1/sys/bus/mdev/devices/$2" ] && grep -q "\"created\"" "$1/run/hostdev/mdev.json"' _ "$V" "$U1"

# ---------------------------------------------------------------- persist + apply
V=$(fresh vgpu-host va) || exit 1
expect_rc 0 "mdev persist" hd "$V" mdev persist --uuid "$U1" "$GPU" nvidia-222
expect_rc 0 "sriov persist" hd "$V" sriov persist "$PF" 8
cat "$V/etc/hostdev.conf" >"$T/conf"
assert "hostdev.conf holds both entries" bash -c 'grep -qx "mdev $2 parent=0000:01:00.0 type=nvidia-222" "$1" && grep -qx "sriov 0000:3b:00.0 numvfs=8" "$1"' _ "$T/conf" "$U1"
hd "$V" apply >"$T/a1" 2>&1; rc=$?
assert "apply makes both (rc=$rc): $(tail -1 "$T/a1")" grep -qx "apply: 2 changed, 0 failed" "$T/a1"
assert "8 VFs exist" [ "$(ls -d "$V"/sys/bus/pci/devices/$PF/virtfn* | wc -l)" = 8 ]
assert "the vGPU exists" [ -e "$V/sys/bus/mdev/devices/$U1" ]
hd "$V" apply >"$T/a2" 2>&1
assert "a second apply changes nothing: $(tail -1 "$T/a2")" grep -qx "apply: 0 changed, 0 failed" "$T/a2"
expect_rc 0 "apply --check after that reports nothing to do" hd "$V" apply --check

# ---------------------------------------------------------------- sriov set
expect_rc 0 "bind a VF to vfio-pci" hd "$V" bind 0000:3b:02.1
before=$(tree "$V")
expect_rc 3 "sriov set to a new count while a VF is on vfio-pci is refused" hd "$V" sriov set "$PF" 4
assert "... naming the VF" grep -q "sriov-vf-in-use.*pci_0000_3b_02_1 is on vfio-pci" "$T/err"
assert "... and nothing changed" [ "$before" = "$(tree "$V")" ]
expect_rc 1 "more VFs than sriov_totalvfs is an error" hd "$V" sriov set "$PF" 65
expect_rc 2 "a VF count that is no number is a usage error" hd "$V" sriov set "$PF" many
hd "$V" sriov set --dry-run 0000:3b:00.0 4 >"$T/dry" 2>&1
expect_rc 0 "unbind the VF" hd "$V" unbind 0000:3b:02.1
hd "$V" sriov set --dry-run "$PF" 4 >"$T/dry" 2>&1
assert "sriov set --dry-run: through 0" bash -c 'grep -q "sriov_numvfs \"0\"" "$1" && grep -q "sriov_numvfs \"4\"" "$1"' _ "$T/dry"

# kill after every write of sriov set 8 -> 4, then restore: the tree exactly as before
base=$(tree "$V")
k=1; n_ok=0; n_all=0
while :; do
        FAKE_KERNEL_KILL_AT=$k hd "$V" sriov set "$PF" 4 >/dev/null 2>&1; rc=$?
        [ "$rc" = 137 ] || break
        n_all=$((n_all + 1))
        hd "$V" restore >/dev/null 2>&1
        if [ "$base" = "$(tree "$V")" ]; then n_ok=$((n_ok + 1)); else
                diff <(echo "$base") <(tree "$V") | head -5; fi
        k=$((k + 1))
done
assert "sriov set 8->4: killed after each of its $n_all writes, restore gave the tree back exactly $n_ok/$n_all times" \
        [ "$n_all" = 2 ] && [ "$n_ok" = "$n_all" ]
assert "without a kill sriov set 8->4 completes" [ "$(cat "$V/sys/bus/pci/devices/$PF/sriov_numvfs")" = 4 ]
# the same from 0: one write
V=$(fresh vgpu-host vk) || exit 1
base=$(tree "$V")
FAKE_KERNEL_KILL_AT=1 hd "$V" sriov set "$PF" 8 >/dev/null 2>&1; rc=$?
hd "$V" restore >/dev/null 2>&1
assert "sriov set 0->8 killed after its write (rc=$rc), restore: the tree exactly" [ "$base" = "$(tree "$V")" ]
FAKE_KERNEL_FAIL="$PF/sriov_numvfs:EIO" expect_rc 1 "an injected sriov_numvfs failure is an error" hd "$V" sriov set "$PF" 8
assert "... and changes nothing" [ "$base" = "$(tree "$V")" ]

# ---------------------------------------------------------------- GVT-g, vfio-ap by device_api
G=$(fresh gvtg-host gc) || exit 1
expect_rc 2 "mdev create with one argument is a usage error" hd "$G" mdev create 00:02.0
got=$(hd "$G" mdev create 00:02.0 i915-GVTg_V5_8); rc=$?
assert "GVT-g: mdev create on the iGPU (rc=$rc)" [ "$rc" = 0 ] && [ -e "$G/sys/bus/mdev/devices/$got" ]
assert "GVT-g: the second mdev has a group of its own" \
        [ "$(readlink "$G/sys/bus/mdev/devices/$got/iommu_group")" != "$(readlink "$G/sys/bus/mdev/devices/$GVT/iommu_group")" ]
expect_rc 0 "GVT-g: V5_4 has one instance left" hd "$G" mdev create 00:02.0 i915-GVTg_V5_4
expect_rc 3 "GVT-g: ... and then none" hd "$G" mdev create 00:02.0 i915-GVTg_V5_4
printf 'vfio-ap\n' > "$G/sys/bus/pci/devices/$IGPU/mdev_supported_types/i915-GVTg_V5_4/device_api"
hd "$G" qemu "$GVT" >"$T/ap"
assert "device_api vfio-ap: -device vfio-ap,sysfsdev=" grep -q -- "-device vfio-ap,sysfsdev=/sys/bus/mdev/devices/$GVT," "$T/ap"
hd "$G" mdev xml --domain "$GVT" >"$T/ap.xml"
assert "device_api vfio-ap: model='vfio-ap'" grep -q "type='mdev' model='vfio-ap'" "$T/ap.xml"
if virt-xml-validate "$T/ap.xml" domain >"$T/v.out" 2>&1; then ok "virt-xml-validate: vfio-ap mdev"
else bad "virt-xml-validate: vfio-ap mdev"; cat "$T/v.out"; fi
expect_rc 1 "display is for vfio-pci mdevs only" hd "$G" mdev qemu --display "$GVT"

# ---------------------------------------------------------------- a VF count and a VF for vfio-pci in one apply
V=$(fresh vgpu-host vv) || exit 1
printf 'sriov 0000:3b:00.0 numvfs=2\nvfio 0000:3b:02.1\n' >"$V/etc/hostdev.conf"
hd "$V" apply >"$T/a1" 2>&1
assert "apply: VF count first, then the configured VF's bind: $(tr '\n' ';' <"$T/a1")" \
        bash -c 'grep -q "sriov numvfs=0 -> numvfs=2" "$1" && grep -q "0000:3b:02.1 .*bind iavf -> vfio-pci" "$1" && grep -qx "apply: 2 changed, 0 failed" "$1"' _ "$T/a1"
hd "$V" apply >"$T/a2" 2>&1
assert "... and a second apply changes nothing" grep -qx "apply: 0 changed, 0 failed" "$T/a2"

# ---------------------------------------------------------------- status, metrics, undo of removed entries
V=$(fresh vgpu-host vu) || exit 1
hd "$V" mdev persist --uuid "$U1" "$GPU" nvidia-222 >/dev/null
hd "$V" sriov persist "$PF" 8 >/dev/null
expect_rc 0 "apply makes the vGPU and 8 VFs" hd "$V" apply -J
cp "$T/out" "$T/ap.json"
schema_ok apply "$T/ap.json" "apply -J with a VF count and an mdev"
assert "apply -J: action sriov numvfs=0 -> numvfs=8 with its entry, action mdev none -> mdev UUID" \
        jqe --arg u "$U1" '([.devices[] | select(.action == "sriov" and .before.driver == "numvfs=0" and .after.driver == "numvfs=8" and .entry == "/etc/hostdev.conf:2")] | length == 1) and ([.devices[] | select(.action == "mdev" and .before.driver == null and .after.driver == "mdev " + $u)] | length == 1)' "$T/ap.json"
golden vgpu-host-status.txt hd "$V" status
hd "$V" status -J >"$T/st.json"
schema_ok status "$T/st.json" "status -J with a PF and an mdev"
assert "status -J: the PF with 8 of 64 VFs, 8 wanted, 0 originally, changed by hostdev" \
        jqe '.sriov == [{"name":"pci_0000_3b_00_0","address":"0000:3b:00.0","configured":true,"entry":"/etc/hostdev.conf:2","selector":"0000:3b:00.0","owner":null,"note":null,"changed_by_hostdev":true,"numvfs":8,"totalvfs":64,"configured_numvfs":8,"original_numvfs":0}]' "$T/st.json"
assert "status -J: the vGPU present, configured, created by hostdev, its type and parent" \
        jqe --arg u "$U1" '.mdevs | length == 1 and .[0].uuid == $u and .[0].present and .[0].configured and .[0].created_by_hostdev and .[0].type == "nvidia-222" and .[0].parent == "0000:01:00.0"' "$T/st.json"
assert "status -J: no PCI function listed for them" jqe '.devices == []' "$T/st.json"
hd "$V" metrics >"$T/m"
if promtool check metrics <"$T/m" >"$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then ok "promtool check metrics with mdevs and VFs"
else bad "promtool with mdevs and VFs"; head -5 "$T/lint"; fi
assert "metrics: VF count, total, wanted, changed by hostdev" bash -c '
        grep -qx "hostdev_sriov_numvfs{device=\"pci_0000_3b_00_0\"} 8" "$1" &&
        grep -qx "hostdev_sriov_totalvfs{device=\"pci_0000_3b_00_0\"} 64" "$1" &&
        grep -qx "hostdev_sriov_configured_numvfs{device=\"pci_0000_3b_00_0\"} 8" "$1" &&
        grep -qx "hostdev_sriov_changed_by_hostdev{device=\"pci_0000_3b_00_0\"} 1" "$1"' _ "$T/m"
assert "metrics: the vGPU's info, created by hostdev, configured; nvidia-222 down to 15" bash -c '
        grep -q "^hostdev_mdev_info{device=\"mdev_${2//-/_}_0000_01_00_0\",uuid=\"$2\",parent=\"pci_0000_01_00_0\",mdev_type=\"nvidia-222\"" "$1" &&
        grep -qx "hostdev_mdev_created_by_hostdev{device=\"mdev_${2//-/_}_0000_01_00_0\"} 1" "$1" &&
        grep -qx "hostdev_mdev_configured{device=\"mdev_${2//-/_}_0000_01_00_0\"} 1" "$1" &&
        grep -qx "hostdev_mdev_available_instances{device=\"pci_0000_01_00_0\",mdev_type=\"nvidia-222\"} 15" "$1"' _ "$T/m" "$U1"
# a vGPU made by hand is hostdev's too (its journal), as a hand bind is
U2=0d1e2f30-4152-4637-8899-aabbccddeeff
hd "$V" mdev create --uuid "$U2" "$GPU" nvidia-223 >/dev/null
hd "$V" mdev forget "$U1" >/dev/null; hd "$V" sriov forget "$PF" >/dev/null
before=$(tree "$V")
expect_rc 4 "entries removed: apply --check says what would go" hd "$V" apply --check
assert "... the vGPUs and the VF count" bash -c 'grep -q "would mdev mdev $2 -> none" "$1" && grep -q "would mdev mdev $3 -> none" "$1" && grep -q "would sriov numvfs=8 -> numvfs=0" "$1"' _ "$T/out" "$U1" "$U2"
assert "... and changes nothing" [ "$before" = "$(tree "$V")" ]
hd "$V" apply >"$T/a1" 2>&1; rc=$?
assert "apply undoes what hostdev made for the removed entries (rc=$rc): $(tail -1 "$T/a1")" grep -qx "apply: 3 changed, 0 failed" "$T/a1"
assert "... the vGPUs are gone, the PF has 0 VFs, the journal is empty" bash -c '[ ! -e "$1/sys/bus/mdev/devices/$2" ] && [ ! -e "$1/sys/bus/mdev/devices/$3" ] && [ "$(cat "$1/sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs")" = 0 ] && [ ! -e "$1/run/hostdev/mdev.json" ]' _ "$V" "$U1" "$U2"
hd "$V" apply >"$T/a2" 2>&1
assert "... and a second apply changes nothing" grep -qx "apply: 0 changed, 0 failed" "$T/a2"
# what hostdev did not make stays: GVT-g's existing mdev, with an empty configuration
G=$(fresh gvtg-host gu) || exit 1
: >"$G/etc/hostdev.conf"
golden gvtg-host-metrics.txt "$HOSTDEV" --sysroot "$G" --numeric metrics
hd "$G" apply >"$T/a1" 2>&1
assert "gvtg-host: apply leaves the mdev hostdev did not make: $(tail -1 "$T/a1")" \
        bash -c 'grep -qx "apply: 0 changed, 0 failed" "$1" && [ -e "$2/sys/bus/mdev/devices/$3" ]' _ "$T/a1" "$G" "$GVT"
# apply --device: a PF's VF count (and its VF's bind), an mdev by its name
V=$(fresh vgpu-host vd) || exit 1
printf 'mdev %s parent=%s type=nvidia-222\nsriov %s numvfs=2\nvfio 0000:3b:02.1\n' "$U1" "$GPU" "$PF" >"$V/etc/hostdev.conf"
hd "$V" apply --device "$PF" >"$T/a1" 2>&1
assert "apply --device PF: the VF count, then the VF it made is bound: $(tr '\n' ';' <"$T/a1")" \
        bash -c 'grep -q "sriov numvfs=0 -> numvfs=2" "$1" && grep -q "0000:3b:02.1 .*bind iavf -> vfio-pci" "$1" && grep -qx "apply: 2 changed, 0 failed" "$1" && ! grep -q " mdev " "$1"' _ "$T/a1"
hd "$V" apply --device "mdev_${U1//-/_}" >"$T/a2" 2>&1
assert "apply --device mdev_<uuid>: the vGPU: $(tr '\n' ';' <"$T/a2")" \
        bash -c 'grep -qx "apply: 1 changed, 0 failed" "$1" && [ -e "$2/sys/bus/mdev/devices/$3" ]' _ "$T/a2" "$V" "$U1"
hd "$V" apply >"$T/a3" 2>&1
assert "... then a full apply changes nothing" grep -qx "apply: 0 changed, 0 failed" "$T/a3"

# ---------------------------------------------------------------- the mdev journal, read strictly
# run/hostdev/mdev.json is trusted as state.json is: a symlink, a FIFO, a
# directory are refused by every verb that reads it (one line, exit 1, the
# host unchanged); on the live host one not owned by root is refused too
V=$(fresh vgpu-host vj) || exit 1
J="$V/run/hostdev/mdev.json"
hd "$V" mdev create --uuid "$U1" "$GPU" nvidia-223 >/dev/null
printf 'mdev %s parent=%s type=nvidia-223\nsriov %s numvfs=2\n' "$U1" "$GPU" "$PF" >"$V/etc/hostdev.conf"
cp "$J" "$T/mdev.good"
jtree() { tree "$1"; (cd "$1" && find run -printf '%p %y %l\n' | sort); }
one_line() { if [ "$(wc -l <"$T/err")" = 1 ]; then ok "$1"; else bad "$1"; cat "$T/err"; fi; }
refused() { # refused WHAT GREP-PATTERN: every reader refuses the journal now in place
        local before; before=$(jtree "$V")
        for verb in "mdev remove $U1" "mdev create $GPU nvidia-222" "sriov set $PF 2" "restore" \
                    "restore --all" "apply" "apply --check" "status"; do
                # shellcheck disable=SC2086
                expect_rc 1 "a $1 mdev journal: $verb refused" timeout 20 "$FK" "$V" -- "$HOSTDEV" --sysroot "$V" $verb
                one_line "... in one line: $(head -c 150 "$T/err")"
                assert "... saying why" grep -q "run/hostdev/mdev.json $2" "$T/err"
        done
        assert "a $1 mdev journal: the host unchanged after all verbs" [ "$before" = "$(jtree "$V")" ]
}
cp "$T/mdev.good" "$V/outside.json"; rm "$J"; ln -s ../../outside.json "$J"
refused symlinked "is a symbolic link"
rm "$J"; mkfifo "$J"
refused FIFO "is not a regular file"
rm "$J"; mkdir "$J"
refused "directory for an" "is not a regular file"
rmdir "$J"; cp "$T/mdev.good" "$J"
# under a sysroot the owner is not checked, as for state.json
chown nobody "$J"
expect_rc 0 "under a sysroot an mdev journal owned by nobody is read (as state.json)" hd "$V" status
assert "... and shows the vGPU hostdev made" grep -q "^$U1 .* yes  *yes" "$T/out"
# the live host: the sysroot as / in a private mount namespace, the host's
# /usr and /proc (for the sanitizers) mounted in it, no pinned name data; its
# dynamic loader runs hostdev (the fixture's lib/ holds only modules)
LDSO=$(readlink -f "$(ldd "$HOSTDEV" | awk '$1 ~ /^\/.*ld-linux/ { print $1 }')")
live() {
        unshare -m sh -c 'r=$1 hd=$2 ld=$3; shift 3; unset HOSTDEV_PCI_IDS
                mkdir -p "$r/usr" "$r/proc" && : >"$r/.hostdev" && mount --bind /usr "$r/usr" &&
                mount --bind /proc "$r/proc" &&
                mount --bind "$hd" "$r/.hostdev" && exec chroot "$r" "$ld" /.hostdev "$@"' \
                _ "$V" "$HOSTDEV" "$LDSO" "$@"
}
if case $LDSO in /usr/*) true;; *) false;; esac && unshare -m true 2>/dev/null && command -v chroot >/dev/null; then
        before=$(jtree "$V")
        for verb in "mdev remove $U1" "sriov set $PF 2" "restore --all" "apply" "status"; do
                # shellcheck disable=SC2086
                expect_rc 1 "live host, mdev journal owned by nobody: $verb refused" live $verb
                one_line "... in one line"
                assert "... saying whose it is" grep -q "run/hostdev/mdev.json is owned by uid $(id -u nobody), not root" "$T/err"
        done
        assert "live host, mdev journal owned by nobody: the host unchanged" [ "$before" = "$(jtree "$V")" ]
        chown root "$J"
        expect_rc 0 "live host, mdev journal owned by root: status reads it" live status
        assert "... and shows the vGPU hostdev made" grep -q "^$U1 .* yes  *yes" "$T/out"
else
        echo "skip: no private mount namespace here: the live-host owner check is not run"
fi
chown root "$J"
# the normal path still works: apply keeps the vGPU and sets the VF count, restore --all undoes both
hd "$V" apply >"$T/a1" 2>&1
assert "a good mdev journal: apply works: $(tail -1 "$T/a1")" grep -qx "apply: 1 changed, 0 failed" "$T/a1"
expect_rc 0 "a good mdev journal: restore --all works" hd "$V" restore --all
assert "... the vGPU gone, no VFs, no journal" bash -c '[ ! -e "$1/sys/bus/mdev/devices/$2" ] && [ "$(cat "$1/sys/bus/pci/devices/$3/sriov_numvfs")" = 0 ] && [ ! -e "$1/run/hostdev/mdev.json" ]' _ "$V" "$U1" "$PF"

finish
