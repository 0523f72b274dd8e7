#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The big-tree scan is complete: generate the synthetic big server
# (scripts/gen-fixture, scale 8 unless BENCH_COUNTS_SCALE says otherwise),
# list it, and compare the devices per type with the generator's counts.json
# and, independently of both, with the tree itself (ls/find of the bus and
# class directories); then check-tree.py checks parents, groups and drivers.
. "$(dirname "$0")/lib.sh"

scale=${BENCH_COUNTS_SCALE:-8}
gen=$TOP/scripts/gen-fixture
if [ ! -x "$gen" ]; then
        bad "scripts/gen-fixture missing"
        finish; exit
fi
d=$T/big
if "$gen" "$d" "$scale" >"$T/gen.out" 2>&1 && [ -s "$d/counts.json" ]; then
        ok "gen-fixture scale $scale"
else
        bad "gen-fixture scale $scale"; tail -5 "$T/gen.out"; finish; exit
fi

"$HOSTDEV" --sysroot "$d" list -J >"$T/list.json" 2>"$T/list.err"
rc=$?
if [ $rc = 0 ]; then ok "list -J exits 0"; else bad "list -J: exit $rc"; head -5 "$T/list.err"; fi
if [ ! -s "$T/list.err" ]; then
        ok "no warnings on a clean tree"
else
        bad "warnings on a clean tree"; head -5 "$T/list.err"
fi

# entries of a bus/class directory, optionally only names matching / not
# matching a pattern, optionally without links into devices/virtual
n_entries() { find "$1" -mindepth 1 -maxdepth 1 "${@:2}" | wc -l; }
s=$d/sys
{
        echo "pci $(n_entries "$s/bus/pci/devices")"
        echo "usb_device $(n_entries "$s/bus/usb/devices" ! -name '*:*')"
        echo "usb_interface $(n_entries "$s/bus/usb/devices" -name '*:*')"
        echo "scsi_generic $(n_entries "$s/class/scsi_generic")"
        echo "scsi_host $(n_entries "$s/bus/scsi/devices" -name 'host*')"
        echo "scsi_target $(n_entries "$s/bus/scsi/devices" -name 'target*')"
        echo "scsi $(n_entries "$s/bus/scsi/devices" -name '[0-9]*:*:*:*')"
        echo "net $(n_entries "$s/class/net" ! -lname '*devices/virtual/*')"
        echo "block $(n_entries "$s/class/block" ! -lname '*devices/virtual/*')"
        echo "sriov_vf $(find "$s/devices" -name physfn -type l | wc -l)"
        echo "iommu_groups $(n_entries "$s/kernel/iommu_groups")"
} >"$T/tree.counts"

if python3 - "$d/counts.json" "$T/list.json" "$T/tree.counts" "$scale" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))
devs = json.load(open(sys.argv[2]))["devices"]
tree = dict((l.split()[0], int(l.split()[1])) for l in open(sys.argv[3]))
scale = int(sys.argv[4])
got = {}
for x in devs:
    got[x["type"]] = got.get(x["type"], 0) + 1
pci = [x for x in devs if x["type"] == "pci"]
got["sriov_vf"] = sum(1 for x in pci if x.get("physfn"))
got["vfio_bound"] = sum(1 for x in pci if x.get("driver") == "vfio-pci")
got["iommu_groups"] = len({x["iommu_group"] for x in pci if x.get("iommu_group") is not None})
got["total"] = len(devs)
fails = 0
def check(what, a, b):
    global fails
    if a == b:
        print("ok: %s %d" % (what, a))
    else:
        print("FAIL: %s: %s, wanted %s" % (what, a, b))
        fails += 1
for k in sorted(want):
    check("%s: listing vs counts.json" % k, got.get(k, 0), want[k])
for k in sorted(tree):
    if k == "iommu_groups":     # groups may be empty in the tree, never in the listing
        if got[k] > tree[k]:
            check("iommu_groups: listing <= tree", got[k], tree[k])
        continue
    check("%s: listing vs the tree" % k, got.get(k, 0), tree[k])
# the generator's own promise, so a shrunken generator cannot pass silently
per_unit = {"pci": 150, "usb_device": 40, "scsi_generic": 45}
for k, n in per_unit.items():
    if want.get(k, 0) < n * scale:
        print("FAIL: counts.json %s %d: fewer than %d per scale unit" % (k, want.get(k, 0), n))
        fails += 1
print("fails %d" % fails)
sys.exit(1 if fails else 0)
PY
then
        ok "scale $scale: every type counted as in counts.json and the tree"
else
        bad "scale $scale: counts differ"
fi

if python3 "$TOP/tests/cli/check-tree.py" "$d" "$T/list.json" >"$T/check" 2>&1; then
        ok "scale $scale: $(tail -1 "$T/check")"
else
        bad "scale $scale: check-tree"; head -20 "$T/check"
fi

# with two CPUs list -J renders the objects of a big listing on two threads
# (src/cli/output.c): the same bytes as on one CPU, flat, as a tree and with
# a selection
if command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then
        for opts in "" "-T" "--type pci"; do
                taskset -c 0 "$HOSTDEV" --sysroot "$d" list -J $opts >"$T/one.json" 2>&1
                "$HOSTDEV" --sysroot "$d" list -J $opts >"$T/two.json" 2>&1
                cmp -s "$T/one.json" "$T/two.json" &&
                        ok "list -J $opts: two threads print what one does ($(wc -c <"$T/two.json") bytes)" ||
                        bad "list -J $opts: two threads differ from one"
        done
fi
finish
