#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Cross-check hostdev's list -J with the real peers on the same tree.
   crosscheck.py pci LSPCI_MM_OUTPUT LIST.json   (lspci -mm -D: names agree)
   crosscheck.py scsi LSSCSI_OUTPUT LIST.json    (lsscsi -g: LUNs, sd and sg agree)"""
import json, shlex, sys

kind, peer, listing = sys.argv[1:4]
devs = json.load(open(listing))["devices"]
errors, n = [], 0
if kind == "pci":
    hd = {d["address"]: d for d in devs if d["type"] == "pci"}
    for line in open(peer, errors="replace"):
        f = shlex.split(line)
        if len(f) < 4:
            continue
        addr, vendor, device = f[0], f[2], f[3]
        d = hd.get(addr)
        if d is None:
            errors.append("%s: lspci lists it, hostdev does not" % addr)
            continue
        n += 1
        # lspci falls back to "Vendor 8086" / "Device 1234" where it has no name
        if not vendor.startswith("Vendor ") and d["vendor_name"] != vendor:
            errors.append("%s: vendor %r, lspci %r" % (addr, d["vendor_name"], vendor))
        if not device.startswith("Device ") and d["device_name"] != device:
            errors.append("%s: device %r, lspci %r" % (addr, d["device_name"], device))
else:
    luns = {(d["host"], d["channel"], d["target"], d["lun"]): d for d in devs if d["type"] == "scsi"}
    for line in open(peer, errors="replace"):    # vendor/model may hold any bytes
        f = line.split()
        if not f or not f[0].startswith("[") or f[0].startswith("[N:"):
            continue            # NVMe namespaces ([N:...]) are not SCSI devices
        hctl = tuple(int(x) for x in f[0].strip("[]").split(":"))
        d = luns.get(hctl)
        if d is None:
            errors.append("%s: lsscsi lists it, hostdev does not" % f[0])
            continue
        n += 1
        sg = f[-1] if f[-1].startswith("/dev/sg") else "-"
        blk = f[-2] if f[-2].startswith("/dev/") and not f[-2].startswith("/dev/sg") else "-"
        if sg != ("/dev/" + d["sg"] if d["sg"] else "-"):
            errors.append("%s: sg %s, lsscsi %s" % (f[0], d["sg"], sg))
        if blk != ("/dev/" + d["block"] if d["block"] else "-"):
            errors.append("%s: block %s, lsscsi %s" % (f[0], d["block"], blk))
    if n != len(luns):
        errors.append("hostdev has %d LUNs, lsscsi %d" % (len(luns), n))
for e in errors[:20]:
    print("crosscheck:", e)
print("crosscheck %s: %d compared, %d problems" % (kind, n, len(errors)))
sys.exit(1 if errors else 0)
