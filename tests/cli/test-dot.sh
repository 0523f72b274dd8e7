#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# list --dot, groups --dot, check --dot rendered by the real Graphviz `dot`:
# the SVG is well-formed XML and holds every device (by its name in a node's
# text), one node per device, one cluster per IOMMU group, colours by the
# judge's verdict, the affected set highlighted; hostile device strings stay
# text (no control character reaches dot or the SVG).
. "$(dirname "$0")/lib.sh"
command -v dot >/dev/null || { bad "graphviz 'dot' missing (scripts/install-deps)"; finish; exit; }

# svgcheck SVG JSON-LIST KIND: every device of the JSON listing in the SVG
svgcheck() {
        python3 - "$@" <<'PY'
import json, sys, xml.etree.ElementTree as ET
svg, listing, kind = sys.argv[1:4]
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(svg).getroot()
texts = [t.text or "" for t in root.iter(ns + "text")]
nodes = [g for g in root.iter(ns + "g") if g.get("class") == "node"]
clusters = [g for g in root.iter(ns + "g") if g.get("class") == "cluster"]
data = json.load(open(listing))
if kind == "list":
    names = [d["name"] for d in data["devices"]]
else:   # groups
    names = [x["name"] for g in data["groups"] for x in g["devices"]]
missing = [n for n in names if n not in texts]
assert not missing, "missing from the SVG: %s" % missing[:5]
assert len(nodes) == len(names), "%d nodes for %d devices" % (len(nodes), len(names))
if kind == "groups":
    assert len(clusters) == len(data["groups"]), "%d clusters, %d groups" % (len(clusters), len(data["groups"]))
print("%d devices, %d nodes, %d clusters" % (len(names), len(nodes), len(clusters)))
PY
}

for fx in workstation-gpu emit-hostile hostile-usb sriov-nic server-sas iommu-off multi-root; do
        r=$(load_fixture "$fx") || { bad "load $fx"; continue; }
        "$HOSTDEV" --sysroot "$r" list -J > "$T/$fx.json"
        "$HOSTDEV" --sysroot "$r" list --dot > "$T/$fx.dot"; rc=$?
        [ $rc = 0 ] && ok "$fx: list --dot exits 0" || bad "$fx: list --dot exit $rc"
        if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]' "$T/$fx.dot"; then bad "$fx: control character in the dot text"
        else ok "$fx: no control character in the dot text"; fi
        if dot -Tsvg "$T/$fx.dot" > "$T/$fx.svg" 2> "$T/$fx.doterr" && [ ! -s "$T/$fx.doterr" ]; then
                ok "$fx: dot renders it without a warning"
        else
                bad "$fx: dot: $(head -3 "$T/$fx.doterr")"
        fi
        out=$(svgcheck "$T/$fx.svg" "$T/$fx.json" list 2>&1) && ok "$fx: list SVG: $out" || bad "$fx: list SVG: $out"
        "$HOSTDEV" --sysroot "$r" groups -J > "$T/$fx-g.json"
        "$HOSTDEV" --sysroot "$r" groups --dot | dot -Tsvg > "$T/$fx-g.svg" 2>"$T/err"
        out=$(svgcheck "$T/$fx-g.svg" "$T/$fx-g.json" groups 2>&1) && ok "$fx: groups SVG: $out" || bad "$fx: groups SVG: $out"
done

# the hostile USB strings: their escaped text in the picture, nothing raw
r=$T/emit-hostile
grep -q 'Evil\\\\x1b\]0;pwned\\\\x07 Corp' "$T/emit-hostile.dot" && ok "hostile: controls as \\\\xHH in dot" \
        || bad "hostile: escaped text not in the dot output"
grep -q 'Evil\\x1b\]0;pwned\\x07 Corp' "$T/emit-hostile.svg" && ok "hostile: the SVG shows the escapes as text" \
        || bad "hostile: the SVG lacks the escaped text"

# colours: on the workstation the GPU is eligible (green), the boot VGA is not (red)
r=$T/workstation-gpu
grep -A1 'pci_0000_01_00_0' "$T/workstation-gpu.dot" | grep -q '#c6efc6' && ok "eligible GPU is green" || bad "GPU colour"
grep 'n[0-9]* \[label="pci_0000_00_02_0' "$T/workstation-gpu.dot" | grep -q '#f6c6c6' && ok "boot VGA is red" \
        || bad "boot VGA colour"
grep -c 'subgraph cluster_group' "$T/workstation-gpu.dot" | grep -qx 9 && ok "nine IOMMU groups, nine clusters" \
        || bad "clusters: $(grep -c 'subgraph cluster_group' "$T/workstation-gpu.dot")"

# check --dot: the judged device bold, its affected set amber, the whole tree drawn
"$HOSTDEV" --sysroot "$r" check --dot 01:00.0 > "$T/check.dot"; rc=$?
[ $rc = 0 ] && ok "check --dot of the eligible GPU exits 0" || bad "check --dot exit $rc"
grep 'label="pci_0000_01_00_0' "$T/check.dot" | grep -q 'penwidth=3' && ok "check --dot: the device is bold" \
        || bad "check --dot: device not highlighted"
grep 'label="pci_0000_01_00_1' "$T/check.dot" | grep -q '#ffe08a' && ok "check --dot: its affected audio function amber" \
        || bad "check --dot: affected not highlighted"
[ "$(grep -c '#ffe08a' "$T/check.dot")" = 1 ] && ok "check --dot: only the affected set is amber" \
        || bad "check --dot: $(grep -c '#ffe08a' "$T/check.dot") amber nodes"
dot -Tsvg "$T/check.dot" > "$T/check.svg" && out=$(svgcheck "$T/check.svg" "$T/workstation-gpu.json" list 2>&1) \
        && ok "check --dot SVG: $out" || bad "check --dot SVG: $out"
expect_rc 3 "check --dot of the boot VGA still exits 3" "$HOSTDEV" --sysroot "$r" check --dot 00:02.0
grep -q 'digraph' "$T/out" && ok "... and prints the picture" || bad "check --dot 00:02.0 printed no graph"
"$HOSTDEV" --sysroot "$r" check --dot --class gpu | grep -c 'penwidth=3' | grep -qx 2 && ok "check --dot --class gpu: both GPUs bold" \
        || bad "check --dot --class gpu"

# list --dot with a selection: the selected devices and their ancestors only
"$HOSTDEV" --sysroot "$r" list --dot --class nvme | grep -c '\[label=' | grep -qx 3 \
        && ok "list --dot --class nvme: computer, root port, controller" || bad "list --dot --class nvme"

# the README picture is what `make picture` makes from the fixture
if [ -f "$TOP/doc/workstation-gpu.svg" ]; then
        python3 - "$TOP/doc/workstation-gpu.svg" "$T/workstation-gpu.svg" <<'PY' && ok "doc/workstation-gpu.svg is current (make picture)" || bad "doc/workstation-gpu.svg is stale: run make picture"
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
t = lambda f: sorted(x.text or "" for x in ET.parse(f).getroot().iter(ns + "text"))
sys.exit(0 if t(sys.argv[1]) == t(sys.argv[2]) else 1)
PY
else
        bad "doc/workstation-gpu.svg missing (make picture)"
fi
finish
