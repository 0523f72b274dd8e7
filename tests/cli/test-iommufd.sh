#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# iommufd in the judge and the binder, on workstation-gpu under
# scripts/fake-kernel with SYSROOT/dev/iommu made by the test: `check` says
# whether iommufd can be used (and nothing where the host has no /dev/iommu:
# the goldens), `bind --iommufd` waits for /dev/vfio/devices/vfioN and rolls
# back when it does not come.  fake-kernel has no iommufd: the test plays the
# kernel's part (the functions' vfio-dev/vfioN in sysfs, the nodes in dev/).
. "$TOP/tests/cli/lib.sh"
GPU=0000:01:00.0 AUDIO=0000:01:00.1
export FAKE_KERNEL_CACHE="$T/fk-cache"

# a fake-kernel workstation-gpu sysroot; hostdev with --numeric (lib.sh's hd without)
fresh() { fk_sysroot workstation-gpu "$1"; }
hd() { local r=$1; shift; "$FK" "$r" -- "$HOSTDEV" --sysroot "$r" --numeric "$@"; }
cdevs() { vfio_cdevs "$1" $GPU $AUDIO; }   # cdevs ROOT: the GPU's two functions
nodes() { mkdir -p "$1/dev/vfio/devices"; : >"$1/dev/vfio/devices/vfio0"; : >"$1/dev/vfio/devices/vfio1"; }
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
assert "the cdev nodes were there when bind returned" [ -e "$R1/dev/vfio/devices/vfio1" ]
assert "the group is on vfio-pci" [ "$(drv "$R1" $GPU)$(drv "$R1" $AUDIO)" = vfio-pcivfio-pci ]
grep -Eq '"state":[[:space:]]*"bound"' "$R1/run/hostdev/state.json" && ok "journal: bound" || bad "journal after bind --iommufd: $(cat "$R1/run/hostdev/state.json")"
expect_rc 0 "bind --iommufd again: nothing to change, the nodes are there" hd "$R1" bind --iommufd "$GPU"
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
expect_rc 0 "bind --iommufd --dry-run waits for nothing" hd "$R3" bind --iommufd --dry-run --timeout 0.3 "$GPU"
assert "the dry run changed nothing" [ "$(drv "$R3" $GPU)" = nouveau ]
"$HOSTDEV" bind --help | grep -q -- "--iommufd" && ok "bind --help names --iommufd" || bad "bind --help lacks --iommufd"
finish
