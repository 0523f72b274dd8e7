#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# iommufd in the judge and the binder, on workstation-gpu under
# scripts/fake-kernel with SYSROOT/dev/iommu made by the test: `check` says
# whether iommufd can be used (and nothing where the host has no /dev/iommu:
# the goldens), `bind --iommufd` waits for /dev/vfio/devices/vfioN and rolls
# back when it does not come, names the cdevs on success, shows the wait in
# a dry run, and gives them to --owner as it does the group's node.  fake-kernel has no iommufd: the test plays the
# kernel's part (the functions' vfio-dev/vfioN in sysfs, the nodes in dev/).
. "$TOP/tests/cli/lib.sh"
GPU=0000:01:00.0 AUDIO=0000:01:00.1
export FAKE_KERNEL_CACHE="$T/fk-cache"

# a fake-kernel workstation-gpu sysroot; hostdev with --numeric (lib.sh's hd without)
fresh() { fk_sysroot workstation-gpu "$1"; }
hd() { local r=$1; shift; "$FK" "$r" -- "$HOSTDEV" --sysroot "$r" --numeric "$@"; }
cdevs() { vfio_cdevs "$1" $GPU $AUDIO; }   # cdevs ROOT: the GPU's two functions
nodes() { mkdir -p "$1/dev/vfio/devices"; : >"$1/dev/vfio/devices/vfio0"; : >"$1/dev/vfio/devices/vfio1"; }
# ids FILE...: uid:gid of each FILE, one line
ids() { stat -c %u:%g "$@" | tr '\n' ' ' | sed 's/ $//'; }
# reason CODE SEVERITY JSON-FILE: the one device's reasons hold CODE at SEVERITY
reason() {
        python3 - "$@" <<'PY'
import json, sys
code, sev, f = sys.argv[1:4]
d = json.load(open(f))["devices"][0]
sys.exit(0 if any(r["code"] == code and r["severity"] == sev for r in d["reasons"]) else 1)
PY
}

# ---------------------------------------------------------------- the judge
R=$(fresh judge) || exit 1
expect_rc 0 "check without /dev/iommu" hd "$R" check "$GPU"
cp "$T/out" "$T/check-before"
grep -q iommufd "$T/out" && bad "check speaks of iommufd without /dev/iommu" || ok "no word of iommufd without /dev/iommu"
: >"$R/dev/iommu"
expect_rc 0 "check with /dev/iommu: still eligible" hd "$R" check "$GPU"
grep -qx "  info iommufd: iommufd can be used: the host has /dev/iommu; whether vfio-pci gives the device a cdev shows once it is bound" "$T/out" &&
        ok "check: iommufd can be used (before binding)" || bad "check iommufd line: $(cat "$T/out")"
diff <(grep -v iommufd "$T/out") "$T/check-before" >/dev/null &&
        ok "check: only the iommufd line is new" || bad "check changed otherwise: $(diff <(grep -v iommufd "$T/out") "$T/check-before")"
hd "$R" check -J "$GPU" >"$T/c.json" 2>/dev/null
assert "check -J: reason iommufd, severity info" reason iommufd info "$T/c.json"
expect_rc 0 "check of a USB device with /dev/iommu" hd "$R" check usb_1_5_4
grep -q iommufd "$T/out" && bad "check speaks of iommufd for a USB device" || ok "iommufd is for PCI functions only"

# bound without a cdev (a kernel without CONFIG_VFIO_DEVICE_CDEV)
rm "$R/dev/iommu"
expect_rc 0 "plain bind" hd "$R" bind "$GPU"
: >"$R/dev/iommu"
expect_rc 0 "check of the bound GPU" hd "$R" check "$GPU"
grep -q "info no-iommufd: iommufd cannot be used: bound to vfio-pci without a vfio-dev cdev" "$T/out" &&
        ok "check: no cdev, iommufd cannot be used" || bad "check no-cdev line: $(cat "$T/out")"
hd "$R" check -J "$GPU" >"$T/c2.json" 2>/dev/null
assert "check -J: reason no-iommufd, severity info" reason no-iommufd info "$T/c2.json"
cdevs "$R"
expect_rc 0 "check of the bound GPU with its cdev" hd "$R" check "$GPU"
grep -q "info iommufd: iommufd can be used: bound to vfio-pci with a vfio-dev cdev" "$T/out" &&
        ok "check: bound with a cdev, iommufd can be used" || bad "check cdev line: $(cat "$T/out")"

# ---------------------------------------------------------------- bind --iommufd
R1=$(fresh wait) || exit 1
: >"$R1/dev/iommu"; cdevs "$R1"
( sleep 0.3; nodes "$R1" ) &
expect_rc 0 "bind --iommufd waits for /dev/vfio/devices/vfioN" hd "$R1" bind --iommufd "$GPU"
wait
grep -Eqx "bind: 2 functions changed in [0-9.]+ s: $GPU on vfio-pci, $AUDIO on vfio-pci; /dev/vfio/1 ready; iommufd cdevs: $GPU /dev/vfio/devices/vfio0, $AUDIO /dev/vfio/devices/vfio1" "$T/out" &&
        ok "bind --iommufd names each function's cdev, as the host sees it" || bad "bind --iommufd result: $(cat "$T/out")"
assert "the cdev nodes were there when bind returned" [ -e "$R1/dev/vfio/devices/vfio1" ]
assert "the group is on vfio-pci" [ "$(drv "$R1" $GPU)$(drv "$R1" $AUDIO)" = vfio-pcivfio-pci ]
grep -Eq '"state":[[:space:]]*"bound"' "$R1/run/hostdev/state.json" && ok "journal: bound" || bad "journal after bind --iommufd: $(cat "$R1/run/hostdev/state.json")"
expect_rc 0 "bind --iommufd again: nothing to change, the nodes are there" hd "$R1" bind --iommufd "$GPU"
grep -Eqx "bind: nothing to do \([0-9.]+ s\); iommufd cdevs: $GPU /dev/vfio/devices/vfio0, $AUDIO /dev/vfio/devices/vfio1" "$T/out" &&
        ok "nothing to do still names the cdevs" || bad "bind --iommufd again: $(cat "$T/out")"
expect_rc 0 "bind without --iommufd" hd "$R1" bind "$GPU"
grep -q "iommufd\|/dev/vfio/devices" "$T/out" && bad "plain bind speaks of cdevs: $(cat "$T/out")" || ok "plain bind names no cdevs"
expect_rc 0 "bind --iommufd --dry-run of the bound group" hd "$R1" bind --iommufd --dry-run "$GPU"
printf 'wait /dev/vfio/devices/vfio0 for %s\nwait /dev/vfio/devices/vfio1 for %s\n' $GPU $AUDIO | cmp -s - "$T/out" &&
        ok "dry run of a bound group: no writes, the two cdev waits with their numbers" || bad "dry run of the bound group: $(cat "$T/out")"
expect_rc 2 "unbind takes no --iommufd" hd "$R1" unbind --iommufd "$GPU"
grep -q "unbind takes no --iommufd" "$T/err" && ok "says unbind takes no --iommufd" || bad "unbind --iommufd: $(cat "$T/err")"
expect_rc 0 "unbind" hd "$R1" unbind "$GPU"

R2=$(fresh late) || exit 1
: >"$R2/dev/iommu"; cdevs "$R2"
expect_rc 1 "bind --iommufd: the node never appears" hd "$R2" bind --iommufd --timeout 0.3 "$GPU"
grep -q "/dev/vfio/devices/vfio0 did not appear" "$T/err" && ok "says which node did not appear" || bad "timeout message: $(cat "$T/err")"
assert "rolled back to the original drivers" [ "$(drv "$R2" $GPU)$(drv "$R2" $AUDIO)" = nouveausnd_hda_intel ]
grep -q '"address"' "$R2/run/hostdev/state.json" && bad "records left in the journal" || ok "no record left in the journal"

R3=$(fresh nocdev) || exit 1
: >"$R3/dev/iommu"
expect_rc 1 "bind --iommufd: vfio-pci gives no cdev" hd "$R3" bind --iommufd --timeout 0.3 "$GPU"
grep -q "no vfio-dev cdev" "$T/err" && ok "says the kernel gave no cdev" || bad "no-cdev message: $(cat "$T/err")"
assert "rolled back" [ "$(drv "$R3" $GPU)$(drv "$R3" $AUDIO)" = nouveausnd_hda_intel ]
# a dry run shows the waits after the writes, and does not wait: no cdev
# will come here, and it returns well within --timeout
t0=$(date +%s%N)
expect_rc 0 "bind --iommufd --dry-run" hd "$R3" bind --iommufd --dry-run --timeout 20 "$GPU"
t1=$(date +%s%N)
assert "the dry run did not wait (under 10 s of the 20)" [ $(((t1 - t0) / 1000000)) -lt 10000 ]
assert "the dry run plans 6 writes" [ "$(grep -c '^write ' "$T/out")" = 6 ]
tail -n 2 "$T/out" | cmp -s - <(printf 'wait /dev/vfio/devices/vfioN for %s\nwait /dev/vfio/devices/vfioN for %s\n' $GPU $AUDIO) &&
        ok "dry run: after the writes, one cdev wait per function (no number before vfio-pci drives it)" ||
        bad "dry run plan: $(cat "$T/out")"
assert "the dry run changed nothing" [ "$(drv "$R3" $GPU)" = nouveau ]
assert "the dry run made no cdev node" [ ! -e "$R3/dev/vfio/devices" ]
expect_rc 0 "bind --dry-run without --iommufd" hd "$R3" bind --dry-run "$GPU"
grep -q '^wait' "$T/out" && bad "plain dry run shows a cdev wait" || ok "plain dry run: no cdev wait"
expect_rc 0 "prepare --iommufd --dry-run" hd "$R3" prepare --iommufd --dry-run "$GPU"
grep -q '^write ' "$T/out" && sed -n '7,8p' "$T/out" | grep -c "^wait /dev/vfio/devices/vfioN for " | grep -qx 2 &&
        sed -n 9p "$T/out" | grep -q -- "-object iommufd" &&
        ok "prepare --dry-run: the writes, the cdev waits, then the arguments" || bad "prepare --iommufd --dry-run: $(cat "$T/out")"
assert "prepare --dry-run changed nothing" [ "$(drv "$R3" $GPU)" = nouveau ]

# ---------------------------------------------------------------- --owner
# the cdevs are given to the owner as the group's node is; nothing of that is
# journaled: vfio-pci letting a function go removes both nodes (the kernel;
# fake-kernel removes the group's, the test plays the kernel for the cdevs)
R4=$(fresh owner) || exit 1
: >"$R4/dev/iommu"; cdevs "$R4"; nodes "$R4"
expect_rc 0 "bind --iommufd --owner 4242:4343" hd "$R4" bind --iommufd --owner 4242:4343 "$GPU"
assert "the group node and both cdevs go to 4242:4343" \
        [ "$(ids "$R4/dev/vfio/1" "$R4/dev/vfio/devices/vfio0" "$R4/dev/vfio/devices/vfio1")" = "4242:4343 4242:4343 4242:4343" ]
grep -q 4242 "$R4/run/hostdev/state.json" && bad "owner journaled" || ok "the owner is not journaled (as for the group node)"
expect_rc 0 "bind --iommufd --owner nobody:nogroup, the group bound already" hd "$R4" bind --iommufd --owner nobody:nogroup "$GPU"
assert "a bound group's nodes change hands too" \
        [ "$(stat -c %U:%G "$R4/dev/vfio/1" "$R4/dev/vfio/devices/vfio0" "$R4/dev/vfio/devices/vfio1" | sort -u)" = nobody:nogroup ]
expect_rc 0 "bind --owner without --iommufd" hd "$R4" bind --owner 4242 "$GPU"
assert "without --iommufd only the group node changes hands" \
        [ "$(stat -c %u "$R4/dev/vfio/1")$(stat -c %U "$R4/dev/vfio/devices/vfio0")" = 4242nobody ]
expect_rc 0 "unbind" hd "$R4" unbind "$GPU"
assert "unbind: the group node went with vfio-pci" [ ! -e "$R4/dev/vfio/1" ]
assert "unbind chowns nothing back (the kernel removes the cdevs too)" \
        [ "$(stat -c %U "$R4/dev/vfio/devices/vfio0")" = nobody ]
rm -rf "$R4/dev/vfio/devices" "$R4"/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.?/vfio-dev
# prepare: the same, through hd_bind
cdevs "$R4"; nodes "$R4"
expect_rc 0 "-v prepare --iommufd --owner 4242:4343" hd "$R4" -v prepare --iommufd --owner 4242:4343 "$GPU"
assert "prepare: the group node and both cdevs go to 4242:4343" \
        [ "$(ids "$R4/dev/vfio/1" "$R4/dev/vfio/devices/vfio0" "$R4/dev/vfio/devices/vfio1")" = "4242:4343 4242:4343 4242:4343" ]
grep -qx "hostdev: $GPU: /dev/vfio/devices/vfio0 ready" "$T/err" && grep -qx "hostdev: $AUDIO: /dev/vfio/devices/vfio1 ready" "$T/err" &&
        ok "prepare -v names each cdev on stderr" || bad "prepare -v stderr: $(cat "$T/err")"
grep -q -- "-object iommufd" "$T/out" && ! grep -q /dev/vfio "$T/out" && ok "prepare's stdout holds only the arguments" || bad "prepare stdout: $(cat "$T/out")"
expect_rc 0 "release" hd "$R4" release "$GPU"
assert "release: the group is given back" [ "$(drv "$R4" $GPU)$(drv "$R4" $AUDIO)" = nouveausnd_hda_intel ]

# a cdev that never comes: rolled back, and no cdev changed hands
R5=$(fresh ownfail) || exit 1
: >"$R5/dev/iommu"; cdevs "$R5"; mkdir -p "$R5/dev/vfio/devices"; : >"$R5/dev/vfio/devices/vfio0"
expect_rc 1 "bind --iommufd --owner: vfio1 never appears" hd "$R5" bind --iommufd --owner 4242:4343 --timeout 0.3 "$GPU"
grep -q "/dev/vfio/devices/vfio1 did not appear" "$T/err" && ok "says vfio1 did not appear" || bad "ownfail message: $(cat "$T/err")"
assert "rolled back" [ "$(drv "$R5" $GPU)$(drv "$R5" $AUDIO)" = nouveausnd_hda_intel ]
assert "vfio0 kept its owner" [ "$(ids "$R5/dev/vfio/devices/vfio0")" = 0:0 ]

# the notice of a wait of more than a second names the cdevs
R6=$(fresh slow) || exit 1
: >"$R6/dev/iommu"; cdevs "$R6"
( sleep 1.6; nodes "$R6" ) &
expect_rc 0 "bind --iommufd, the cdevs late" hd "$R6" bind --iommufd "$GPU"
wait
grep -q "waiting for /dev/vfio/1 and each function's /dev/vfio/devices/vfioN to appear" "$T/err" &&
        ok "the waiting notice names the cdevs" || bad "waiting notice: $(cat "$T/err")"
"$HOSTDEV" bind --help | grep -q -- "--iommufd" && ok "bind --help names --iommufd" || bad "bind --help lacks --iommufd"
"$HOSTDEV" bind --help | grep -A1 -- "--owner" | grep -q "vfioN" && ok "bind --help: --owner names the cdevs" || bad "bind --help --owner"
finish
