#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check `hostdev list -J` against the sysfs tree it came from, independently
of hostdev's code: every PCI function of sys/bus/pci/devices, every USB device
and interface of sys/bus/usb/devices and every sg node of class/scsi_generic
is listed exactly once, under its nearest listed sysfs ancestor, with the
IOMMU group and driver its links name (the link, never uevent's DRIVER=);
parents come before children.  SCSI: every host, target and LUN of
bus/scsi/devices and every host of class/scsi_host is listed, and every
directory named hostH or targetH:C:T above a LUN listed is listed too, so a
LUN sits under its target under its host even in a partial recording.
Usage: check-tree.py SYSROOT LIST.json   (prints a summary, exits 1 on mismatch)"""
import json, os, sys

root, listing = sys.argv[1], sys.argv[2]
sysdir = os.path.join(root, "sys")
devs = json.load(open(listing))["devices"]
errors = []

def link_targets(d):
    p = os.path.join(sysdir, d)
    if not os.path.isdir(p):
        return {}
    out = {}
    for n in os.listdir(p):
        lp = os.path.join(p, n)
        if os.path.islink(lp):
            out[n] = os.path.normpath(os.path.join("/sys", d, os.readlink(lp)))
    return out

def link_base(path, name):
    lp = os.path.join(root, path.lstrip("/"), name)
    return os.path.basename(os.readlink(lp).rstrip("/")) if os.path.islink(lp) else None

pci = {os.path.basename(t): t for t in link_targets("bus/pci/devices").values()}
usb = {os.path.basename(t): t for t in link_targets("bus/usb/devices").values()}
sg = {os.path.basename(t): t for t in link_targets("class/scsi_generic").values()}
scsi = set(link_targets("bus/scsi/devices").values())
# class/scsi_host/hostN -> DEV/scsi_host/hostN: DEV is the host
scsi |= {os.path.dirname(os.path.dirname(t)) for t in link_targets("class/scsi_host").values()}

by_name, by_path, seen_order = {}, {}, {}
for i, d in enumerate(devs):
    if d["name"] in by_name:
        errors.append("duplicate name %s" % d["name"])
    by_name[d["name"]] = d
    seen_order[d["name"]] = i
    if d["sysfs_path"]:
        by_path[d["sysfs_path"]] = d

def listed(type_set, kind):
    got = {d["sysfs_path"] for d in devs if d["type"] in type_set}
    if kind == "pci":
        want = set(pci.values())
    elif kind == "usb":
        want = set(usb.values())
    else:
        want = set(sg.values())
    for p in sorted(want - got):
        errors.append("%s %s missing from the listing" % (kind, p))
    for p in sorted(got - want):
        errors.append("%s %s listed but not in sysfs" % (kind, p))
    return len(got & want)

def scsi_kind(name):
    """("host"|"target"|"lun", numbers) of a SCSI directory name, else None"""
    for prefix, kind, n in (("host", "host", 1), ("target", "target", 3), ("", "lun", 4)):
        if not name.startswith(prefix):
            continue
        parts = name[len(prefix):].split(":")
        if len(parts) == n and all(p.isdigit() for p in parts):
            return kind, tuple(int(p) for p in parts)
    return None

# entries that are none of the three are no SCSI devices (hostdev skips them)
scsi = {p for p in scsi if scsi_kind(os.path.basename(p))}
scsi_types = {"host": "scsi_host", "target": "scsi_target", "lun": "scsi"}
got_scsi = {d["sysfs_path"] for d in devs if d["type"] in scsi_types.values()}
for p in sorted(scsi - got_scsi):
    errors.append("scsi %s missing from the listing" % p)
for d in devs:
    if d["type"] in scsi_types.values():
        k = scsi_kind(os.path.basename(d["sysfs_path"]))
        if not k or scsi_types[k[0]] != d["type"]:
            errors.append("%s: type %s for %s" % (d["name"], d["type"], d["sysfs_path"]))

# every LUN: the target of its H:C:T and the host of its H above it in its
# path are listed, and its parents lead up to them in that order
n_chain = 0
for d in devs:
    if d["type"] != "scsi":
        continue
    hctl = scsi_kind(os.path.basename(d["sysfs_path"]))[1]
    want, anc = [], os.path.dirname(d["sysfs_path"])
    while anc not in ("/sys", "/", ""):
        k = scsi_kind(os.path.basename(anc))
        if k == ("target", hctl[:3]) and not want:
            want.append(anc)
        elif k == ("host", hctl[:1]):
            want.append(anc)
            break
        anc = os.path.dirname(anc)
    chain, p = [], d["parent"]
    while p is not None and p in by_name:
        chain.append(by_name[p]["sysfs_path"])
        p = by_name[p]["parent"]
    for w in want:
        if w not in by_path:
            errors.append("%s: %s above it is not listed" % (d["name"], w))
    if [c for c in chain if c in want] != want:
        errors.append("%s: parents %s, not under %s" % (d["name"], chain, want))
    else:
        n_chain += 1
    if link_base(d["sysfs_path"], "driver") != d["driver"]:
        errors.append("%s: driver %s, link says %s" % (d["name"], d["driver"], link_base(d["sysfs_path"], "driver")))

n_pci = listed({"pci"}, "pci")
n_usb = listed({"usb_device", "usb_interface"}, "usb")
n_sg = listed({"scsi_generic"}, "sg")

for d in devs:
    if d["name"] == "computer":
        if d["parent"] is not None:
            errors.append("computer has a parent")
        continue
    path = d["sysfs_path"]
    parent = "computer"
    anc = os.path.dirname(path)
    while anc not in ("/sys", "/", ""):
        if anc in by_path:
            parent = by_path[anc]["name"]
            break
        anc = os.path.dirname(anc)
    if d["parent"] != parent:
        errors.append("%s: parent %s, expected %s" % (d["name"], d["parent"], parent))
    elif seen_order[parent] >= seen_order[d["name"]]:
        errors.append("%s listed before its parent" % d["name"])
    if d["type"] == "pci":
        g = link_base(path, "iommu_group")
        if (None if g is None else int(g)) != d["iommu_group"]:
            errors.append("%s: iommu_group %s, link says %s" % (d["name"], d["iommu_group"], g))
        if link_base(path, "driver") != d["driver"]:
            errors.append("%s: driver %s, link says %s" % (d["name"], d["driver"], link_base(path, "driver")))
        addr = os.path.basename(path)
        if d["address"] != addr:
            errors.append("%s: address %s != %s" % (d["name"], d["address"], addr))
    if d["type"] in ("usb_device", "usb_interface") and link_base(path, "driver") != d["driver"]:
        errors.append("%s: driver %s, link says %s" % (d["name"], d["driver"], link_base(path, "driver")))

for e in errors[:30]:
    print("check-tree:", e)
print("check-tree: %d pci, %d usb, %d sg, %d scsi (%d LUNs under target and host), %d nodes, %d problems"
      % (n_pci, n_usb, n_sg, len(got_scsi & scsi), n_chain, len(devs), len(errors)))
sys.exit(1 if errors else 0)
