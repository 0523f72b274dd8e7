#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hostdev list/show on every fixture: the tree checked against sysfs by an
# independent script, golden outputs, selection options, and bad input.
. "$(dirname "$0")/lib.sh"

for f in "$TOP"/fixtures/*.umockdev; do
        n=$(basename "$f" .umockdev)
        d=$(load_fixture "$n") || { bad "load $n"; continue; }
        "$HOSTDEV" --sysroot "$d" list -J > "$T/$n.json" 2> "$T/$n.err"
        rc=$?
        if [ $rc = 0 ] && python3 "$TOP/tests/cli/check-tree.py" "$d" "$T/$n.json" > "$T/$n.check"; then
                ok "$n: $(tail -1 "$T/$n.check")"
        else
                bad "$n: rc=$rc"; cat "$T/$n.check" "$T/$n.err" | head -20
        fi
        golden "$n-list.json" "$HOSTDEV" --sysroot "$d" list -J
        golden "$n-tree.txt" "$HOSTDEV" --sysroot "$d" list --tree
        # on one CPU the scan runs in one thread: the same listing and messages
        if command -v taskset >/dev/null; then
                taskset -c 0 "$HOSTDEV" --sysroot "$d" list -J > "$T/$n.one.json" 2> "$T/$n.one.err"
                cmp -s "$T/$n.json" "$T/$n.one.json" && cmp -s "$T/$n.err" "$T/$n.one.err" &&
                        ok "$n: one CPU, one thread: same output" || bad "$n: one-thread scan differs"
        fi
done

# derived fixtures: the committed files are what fixtures/derive.sh makes
mkdir -p "$T/derived"
if sh "$TOP/fixtures/derive.sh" "$T/derived"; then
        for f in "$T"/derived/*.umockdev; do
                cmp -s "$f" "$TOP/fixtures/$(basename "$f")" && ok "derived $(basename "$f") is derive.sh's output" ||
                        bad "fixtures/$(basename "$f") differs from fixtures/derive.sh's output"
        done
else
        bad "fixtures/derive.sh"
fi

# partial recordings (no bus/scsi/devices/hostN, targetH:C:T; server-sas's
# host0 not in class/scsi_host either): every LUN under its target under its
# host, the same parent chain as in the complete recording; the same listing,
# and check's affected set of the HBA holds the host and the targets
export T
for pair in server-sas:server-sas-partial-scsi hwloc-40intel64-xeon-e7-4870:hwloc-partial-scsi; do
        full=${pair%%:*}; part=${pair#*:}
        python3 - "$T/$full.json" "$T/$part.json" <<'PY' && ok "$part: $(cat "$T/chains")" || { bad "$part: LUN parent chains"; cat "$T/chains"; }
import json, os, sys
def chains(f):
    devs = {d["name"]: d for d in json.load(open(f))["devices"]}
    out = {}
    for n, d in devs.items():
        if d["type"] != "scsi":
            continue
        c, p = [], d["parent"]
        while p:
            c.append((devs[p]["type"], p))
            p = devs[p]["parent"]
        out[n] = c
    return out
full, part = chains(sys.argv[1]), chains(sys.argv[2])
msg = open(os.environ["T"] + "/chains", "w")
assert full and full == part, (set(full) ^ set(part), [(n, full[n], part.get(n)) for n in full if full[n] != part.get(n)][:3])
for n, c in part.items():
    types = [t for t, _ in c]
    assert types[:1] == ["scsi_target"] and "scsi_host" in types, (n, c)
    assert types.index("scsi_host") < types.index("pci"), (n, c)
print("%d LUNs, each under its target under its host, as in %s" % (len(part), os.path.basename(sys.argv[1])), file=msg)
PY
        cmp -s "$T/$full.json" "$T/$part.json" && ok "$part: list -J is the complete recording's" || bad "$part: list -J differs from $full's"
done
hba=pci_0000_01_00_0
cp -a "$TOP/fixtures/server-sas.extra/." "$T/server-sas-partial-scsi/" 2>/dev/null
"$HOSTDEV" --numeric --sysroot "$T/server-sas" check -J "$hba" > "$T/c-full" 2>&1
"$HOSTDEV" --numeric --sysroot "$T/server-sas-partial-scsi" check -J "$hba" > "$T/c-part" 2>&1
grep -q scsi_target0_0_0 "$T/c-part" && grep -q scsi_host0 "$T/c-part" && cmp -s "$T/c-full" "$T/c-part" &&
        ok "server-sas-partial-scsi: check $hba: the same verdict, host and targets in it" ||
        { bad "server-sas-partial-scsi: check $hba differs"; diff "$T/c-full" "$T/c-part" | head; }

# uevent DRIVER= against the driver link: the link wins (the binder acts on
# it), for PCI, USB and SCSI, each with one line at -v (none without: a bind
# in flight on a live host is no problem)
d=$T/driver-disagree
got=$("$HOSTDEV" -v --sysroot "$d" list -n -o NAME,DRIVER 2>"$T/dd.err" | awk '$1 ~ /^(pci_0000_01_00_0|usb_1_5_4_1_0|scsi_6_0_0_0)$/ { print $1 "=" $2 }' | tr '\n' ' ')
[ "$got" = "pci_0000_01_00_0=nouveau usb_1_5_4_1_0=usbhid scsi_6_0_0_0=sd " ] && ok "driver-disagree: drivers from the links ($got)" || bad "driver-disagree: $got"
[ "$(grep -c 'the link is used' "$T/dd.err")" = 3 ] && grep -q 'uevent says DRIVER=vfio-pci, the driver link nouveau' "$T/dd.err" &&
        ok "driver-disagree: one line per disagreement at -v" || { bad "driver-disagree messages"; cat "$T/dd.err"; }
"$HOSTDEV" --sysroot "$d" list >/dev/null 2>"$T/dd.err"
[ ! -s "$T/dd.err" ] && ok "driver-disagree: quiet without -v" || { bad "driver-disagree: stderr without -v"; cat "$T/dd.err"; }
"$HOSTDEV" --sysroot "$d" show -J pci_0000_01_00_0 2>/dev/null | jq -e '.devices[0].driver == "nouveau"' >/dev/null &&
        ok "driver-disagree: show -J says nouveau" || bad "driver-disagree: show -J driver"

# USB names from the udev hwdb, tested apart: lib.sh runs everything else
# with HOSTDEV_USB_HWDB=0 because the hwdb cannot be pointed at pinned
# data, so the goldens hold none.  Here, with the hwdb on, a USB device
# without string descriptors shows exactly what this machine's hwdb says
# (systemd-hwdb query / udevadm hwdb --test), one with them shows none.
hwdbq() { systemd-hwdb query "$1" 2>/dev/null || udevadm hwdb --test="$1" 2>/dev/null; }
export -f hwdbq
for n in umockdev-usbkbd hwloc-40intel64-xeon-e7-4870 judge-held umockdev-canon-powershot-sx200; do
        env -u HOSTDEV_USB_HWDB "$HOSTDEV" --sysroot "$T/$n" list -J --type usb_device > "$T/$n.hwdb.json" 2>/dev/null
        HOSTDEV_USB_HWDB=0 "$HOSTDEV" --sysroot "$T/$n" list -J --type usb_device > "$T/$n.nohwdb.json" 2>/dev/null
        python3 - "$T/$n.hwdb.json" "$T/$n.nohwdb.json" > "$T/hwdb.out" <<'PY' && ok "$n: $(cat "$T/hwdb.out")" || { bad "$n: hwdb names"; cat "$T/hwdb.out"; }
import json, subprocess, sys
on = json.load(open(sys.argv[1]))["devices"]
off = json.load(open(sys.argv[2]))["devices"]
n = named = 0
for d in on:
    if d["type"] != "usb_device" or not d.get("vendor_id"):
        continue
    q = subprocess.run(["bash", "-c", "hwdbq usb:v%sp%s" % (d["vendor_id"].upper(), d["product_id"].upper())],
                       capture_output=True, text=True).stdout
    props = dict(l.split("=", 1) for l in q.splitlines() if "=" in l)
    want_v = None if d["manufacturer"] else props.get("ID_VENDOR_FROM_DATABASE")
    want_p = None if d["product"] else props.get("ID_MODEL_FROM_DATABASE")
    assert (d["vendor_name"], d["product_name"]) == (want_v, want_p), (d["name"], d["vendor_name"], d["product_name"], want_v, want_p)
    n += 1
    named += d["vendor_name"] is not None
assert all(d.get("vendor_name") is None and d.get("product_name") is None for d in off), "HOSTDEV_USB_HWDB=0 still names"
assert n > 0
print("%d USB devices agree with the hwdb (%d named from it); none named with HOSTDEV_USB_HWDB=0" % (n, named))
PY
done

# -J --tree nests the same nodes under "children"
d=$T/umockdev-fido2
python3 - "$d" <<'PY' && ok "-J --tree nests the flat list" || bad "-J --tree"
import json, subprocess, sys, os
h = os.environ["HOSTDEV"]
flat = json.loads(subprocess.check_output([h, "--sysroot", sys.argv[1], "list", "-J"]))["devices"]
tree = json.loads(subprocess.check_output([h, "--sysroot", sys.argv[1], "list", "-J", "--tree"]))["devices"]
seen = []
def walk(n, parent):
    assert n["parent"] == parent, (n["name"], n["parent"], parent)
    seen.append(n["name"])
    for c in n.get("children", []):
        walk(c, n["name"])
assert len(tree) == 1 and tree[0]["name"] == "computer"
walk(tree[0], None)
assert seen == [x["name"] for x in flat], "order differs"
PY

# selection and columns
out=$("$HOSTDEV" --sysroot "$d" list --type usb_device -o NAME,ADDRESS -n)
[ "$out" = "$(printf 'usb_usb1  001:001\nusb_1_2   001:002\nusb_1_2_3 001:012')" ] && ok "--type/-o/-n" || { bad "--type/-o/-n"; echo "$out"; }
"$HOSTDEV" --sysroot "$d" list --list-columns | grep -q '^DRIVER' && ok "--list-columns" || bad "--list-columns"
expect_rc 2 "unknown --type" "$HOSTDEV" --sysroot "$d" list --type gpu
expect_rc 2 "unknown column (usage)" "$HOSTDEV" --sysroot "$d" list -o NAME,NOPE

# every way to name a device
for name in pci_0000_05_00_3 0000:05:00.3 05:00.3 usb_1_2_3 1-2.3 1-2.3:1.0; do
        "$HOSTDEV" --sysroot "$d" show "$name" > "$T/show" 2>&1 && ok "show $name" || { bad "show $name"; cat "$T/show"; }
done
"$HOSTDEV" --sysroot "$d" show -J 1-2.3 | python3 -c 'import json,sys; d=json.load(sys.stdin)["devices"][0]; assert d["busnum"]==1 and d["devnum"]==12 and d["vendor_id"]=="1050" and d["product_id"]=="0120", d' \
        && ok "show -J usb contract" || bad "show -J usb contract"
expect_rc 1 "show unknown device" "$HOSTDEV" --sysroot "$d" show pci_0000_99_00_0
[ "$(wc -l < "$T/err")" = 1 ] && grep -q 'pci_0000_99_00_0: no such device' "$T/err" && ok "one-line unknown device" || bad "unknown device message"

# the sysroot: missing, without sys/, and from the environment
expect_rc 1 "missing sysroot" "$HOSTDEV" --sysroot /nonexistent list
[ "$(wc -l < "$T/err")" = 1 ] && ok "missing sysroot: one line" || bad "missing sysroot: $(cat "$T/err")"
mkdir -p "$T/empty"
expect_rc 1 "sysroot without sys/" "$HOSTDEV" --sysroot "$T/empty" list
grep -q 'no sys/' "$T/err" && ok "sysroot without sys/: says why" || bad "no sys/ message"
HOSTDEV_SYSROOT=$d "$HOSTDEV" list -J | grep -q '"usb_1_2_3"' && ok "HOSTDEV_SYSROOT" || bad "HOSTDEV_SYSROOT"
expect_rc 2 "unknown verb" "$HOSTDEV" frobnicate
expect_rc 0 "--help" "$HOSTDEV" --help
expect_rc 0 "--version" "$HOSTDEV" --version

# detail: list -J reads none of the attributes it leaves out (numa_node,
# speed, reset_method, driver_override; sg and block dev, block size, net
# operstate); show -J reads and prints them
d=$(load_fixture workstation-gpu)
strace -f -qq -e trace=openat,readlinkat,faccessat2 -o "$T/trace" "$HOSTDEV" --sysroot "$d" list -J > "$T/lj"
if grep -E '/(numa_node|speed|reset_method|driver_override|operstate|size|dev)"' "$T/trace" > "$T/detail"; then
        bad "list -J read detail attributes"; head -5 "$T/detail"
else
        ok "list -J reads no detail attribute ($(wc -l < "$T/trace") lookups)"
fi
python3 - "$T/lj" <<'PY' && ok "list -J leaves detail keys out" || bad "detail keys in list -J"
import json, sys
for dev in json.load(open(sys.argv[1]))["devices"]:
    for k in ("numa_node", "speed", "reset_method", "driver_override", "operstate", "size", "dev"):
        assert k not in dev, (dev["name"], k)
PY
"$HOSTDEV" --sysroot "$d" show -J net_enp2s0_18_c0_4d_12_34_56 block_sdb scsi_generic_sg1 usb_2_1 pci_0000_01_00_0 > "$T/sj" 2>"$T/serr" &&
python3 - "$T/sj" <<'PY' && ok "show -J reads the detail" || { bad "show -J detail"; cat "$T/serr"; }
import json, sys
devs = {d["type"]: d for d in json.load(open(sys.argv[1]))["devices"]}
assert devs["net"]["operstate"] == "up", devs["net"]
assert devs["block"]["size"] > 0 and ":" in devs["block"]["dev"], devs["block"]
assert ":" in devs["scsi_generic"]["dev"], devs["scsi_generic"]
assert devs["usb_device"]["speed"], devs["usb_device"]
assert "numa_node" in devs["pci"] and "reset_method" in devs["pci"], devs["pci"]
PY

# hostile trees: dangling links, loops, FIFOs, garbage, huge attributes,
# names with spaces and escapes; the scan goes on, never hangs
h=$T/hostile; mkdir -p "$h/sys/bus/pci/devices" "$h/sys/bus/usb/devices" "$h/sys/class/scsi_generic"
dev=$h/sys/devices/pci0000:00/0000:00:01.0
mkdir -p "$dev" "$h/sys/devices/pci0000:00/0000:00:02.0"
ln -s ../../../devices/pci0000:00/0000:00:01.0 "$h/sys/bus/pci/devices/0000:00:01.0"
ln -s ../../../devices/pci0000:00/0000:00:02.0 "$h/sys/bus/pci/devices/0000:00:02.0"
ln -s ../../../devices/nowhere/0000:00:03.0 "$h/sys/bus/pci/devices/0000:00:03.0"     # dangling
ln -s loop "$h/sys/bus/pci/devices/loop"                                             # loop
ln -s /etc "$h/sys/bus/pci/devices/0000:00:04.0"                                     # absolute
ln -s ../../../../../../../../etc "$h/sys/bus/usb/devices/1-1"                       # escapes
printf 'PCI_ID=8086:1234\nPCI_CLASS=20000\n' > "$dev/uevent"
mkfifo "$dev/vendor" "$h/sys/devices/pci0000:00/0000:00:02.0/uevent"
head -c 100000 /dev/urandom > "$dev/numa_node"
printf 'bad\033[2J\n' > "$dev/reset_method"
ln -s "../../../bus/pci/drivers/evil name\033]0;x\007" "$dev/driver"
ln -s ../../../kernel/iommu_groups/notanumber "$dev/iommu_group"
mkdir -p "$h/sys/devices/pci0000:00/0000:00:01.0/host9 x"
ln -s "../../devices/pci0000:00/0000:00:01.0/sg 7" "$h/sys/class/scsi_generic/sg 7"
timeout 10 "$HOSTDEV" --sysroot "$h" list > "$T/hout" 2> "$T/herr"; rc=$?
[ $rc = 0 ] && ok "hostile tree: exit 0" || bad "hostile tree: exit $rc"
grep -q 'pci_0000_00_01_0' "$T/hout" && grep -q 'pci_0000_00_02_0' "$T/hout" && ok "hostile tree: good devices listed" || bad "hostile tree listing"
if LC_ALL=C grep -q $'\033' "$T/hout" "$T/herr"; then bad "raw ESC reached the terminal"; else ok "no raw ESC in text output"; fi
# USB and SCSI are scanned by a second thread: its messages reach stderr too
grep -q 'bus/usb/devices/1-1: link points outside sys/' "$T/herr" && grep -q 'sg 7: no such directory' "$T/herr" &&
        ok "hostile tree: the USB/SCSI thread's warnings are replayed" || { bad "worker warnings lost"; cat "$T/herr"; }
[ "$(wc -l < "$T/herr")" -ge 3 ] && ok "hostile tree: problems reported ($(wc -l < "$T/herr") lines)" || { bad "hostile warnings"; cat "$T/herr"; }
timeout 10 "$HOSTDEV" --sysroot "$h" show 0000:00:01.0 > "$T/hshow" 2>&1; rc=$?
[ $rc = 0 ] && ! LC_ALL=C grep -q $'\033' "$T/hshow" && ok "hostile tree: show reads the huge numa_node and escaped reset_method" || { bad "hostile show: exit $rc"; cat "$T/hshow"; }
timeout 10 "$HOSTDEV" --sysroot "$h" list -J | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["devices"]))' > "$T/hn" && ok "hostile tree: valid JSON ($(cat "$T/hn") nodes)" || bad "hostile JSON"
finish
