#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the seed corpora of tests/fuzz/corpus/ from the fixtures.

Small on purpose: a few device blocks per recording, one file per distinct
config dump, uevent and link.  Files named regress-* are kept (regression
inputs); everything named seed-* is rewritten.  Run from the top directory:
    python3 tests/fuzz/mk-seeds.py
"""
import glob
import hashlib
import json
import os
import re

TOP = "tests/fuzz/corpus"
MAX_BLOCKS = 6          # device blocks per recording seed
MAX_PER = 40            # seeds per corpus and kind
MAX_REC = 6000          # bytes per recording seed


def blocks(text):
    return [b for b in re.split(r"\n\s*\n", text) if b.strip()]


def unescape(v):
    return v.encode().decode("unicode_escape").encode("latin-1", "replace")


def put(name, data, seen):
    if isinstance(data, str):
        data = data.encode()
    h = hashlib.sha1(data).hexdigest()[:12]
    if h in seen.setdefault(name, set()) or len(seen[name]) >= MAX_PER:
        return
    seen[name].add(h)
    d = os.path.join(TOP, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + h), "wb") as f:
        f.write(data)


def main():
    for d in glob.glob(TOP + "/*/"):
        for f in glob.glob(d + "seed-*"):
            os.unlink(f)
    seen = {}
    dumps = []
    for fx in sorted(glob.glob("fixtures/*.umockdev")):
        text = open(fx, encoding="utf-8", errors="replace").read()
        bl = blocks(text)
        # recordings: the first blocks, and the PCI ones with their iommu
        # groups (the judge's input), each a few blocks long
        pci = [b for b in bl if "SUBSYSTEM=pci" in b]
        for part in (bl[:MAX_BLOCKS], pci[:MAX_BLOCKS], bl[-MAX_BLOCKS:]):
            rec = ""
            for b in part:
                if len(rec) + len(b) > MAX_REC:
                    break
                rec += b + "\n\n"
            if rec:
                put("fixture", rec, seen)
                put("tree", rec, seen)
        for b in bl:
            lines = b.splitlines()
            path = lines[0][3:] if lines and lines[0].startswith("P: ") else ""
            for ln in lines:
                m = re.match(r"H: config=([0-9A-Fa-f]+)$", ln)
                if m and len(m.group(1)) % 2 == 0:
                    dumps.append(bytes.fromhex(m.group(1)))
                m = re.match(r"A: uevent=(.*)$", ln)
                if m:
                    put("uevent", unescape(m.group(1)), seen)
                m = re.match(r"L: ([^=]+)=(.*)$", ln)
                if m and path.startswith("/devices/"):
                    put("path", "%s\n%s" % (path[1:], m.group(2)), seen)
            ev = "".join(ln[3:] + "\n" for ln in lines if ln.startswith("E: "))
            if ev:
                put("uevent", ev, seen)
    # config dumps: the long ones first (capability lists), then the headers
    # config dumps: round robin over the lengths (4096, 256, 64, ...)
    by_len = {}
    for dump in dumps:
        by_len.setdefault(len(dump), []).append(dump)
    for i in range(MAX_PER):
        for n in sorted(by_len, reverse=True):
            if i < len(by_len[n]):
                put("pcicfg", by_len[n][i], seen)
    for st in ("binding", "bound", "unbinding"):
        j = {"version": 1, "devices": [
            {"address": "0000:01:00.0", "group": 1, "driver": "nvidia",
             "driver_override": None, "state": st, "since": 1764500000},
            {"address": "0000:01:00.1", "group": 1, "driver": None,
             "driver_override": "vfio-pci", "state": "bound", "since": 1764500001}]}
        put("journal", json.dumps(j, indent=2) + "\n", seen)
    put("journal", '{"version":1,"devices":[]}\n', seen)
    # host facts: the proc/ files of each fixture's .extra, NUL-separated, in
    # the order of tests/fuzz/fuzz-host.c
    host_files = ["proc/self/mountinfo", "proc/swaps", "proc/net/route",
                  "proc/net/if_inet6", "proc/net/fib_trie", "proc/interrupts",
                  "proc/cmdline", "proc/cpuinfo", "proc/sys/kernel/osrelease"]
    for extra in sorted(glob.glob("fixtures/*.extra")):
        parts = []
        for f in host_files:
            p = os.path.join(extra, f)
            data = open(p, "rb").read()[:4096] if os.path.isfile(p) else b""
            parts.append(data.replace(b"\0", b""))
        if any(parts):
            put("host", b"\0".join(parts), seen)


if __name__ == "__main__":
    main()
