#!/usr/bin/env python3
"""Minimal umockdev text -> sysfs tree loader, only to validate fixtures before the
real `hostdev fixture load` exists."""
import os
import re
import sys


def unesc(s):
    out = bytearray()
    i = 0
    t = {'n': 10, 't': 9, 'r': 13, 'b': 8, 'f': 12, 'v': 11, '\\': 92, '"': 34}
    while i < len(s):
        c = s[i]
        if c == '\\' and i + 1 < len(s):
            n = s[i + 1]
            if n in t:
                out.append(t[n]); i += 2; continue
            m = re.match(r'[0-7]{1,3}', s[i + 1:])
            if m:
                out.append(int(m.group(0), 8) & 0xff); i += 1 + len(m.group(0)); continue
        out += c.encode('utf-8'); i += 1
    return bytes(out)


def load(fn, root):
    sysd = os.path.join(root, 'sys')
    devs = []
    cur = None
    for line in open(fn, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line:
            continue
        k, v = line[0], line[3:]
        if k == 'P':
            cur = {'path': v, 'E': [], 'A': [], 'L': [], 'H': [], 'N': None}
            devs.append(cur)
        elif k == 'N':
            cur['N'] = v
        elif k in 'EALH':
            name, _, val = v.partition('=')
            cur[k].append((name, val))
    for d in devs:
        p = sysd + d['path']
        os.makedirs(p, exist_ok=True)
        env = dict(d['E'])
        with open(p + '/uevent', 'w') as f:
            for kk, vv in d['E']:
                if kk in ('SUBSYSTEM',) or kk.startswith('ID_') or kk in ('TAGS', 'CURRENT_TAGS'):
                    continue
                f.write('%s=%s\n' % (kk, vv))
        for name, val in d['A']:
            os.makedirs(os.path.dirname(p + '/' + name), exist_ok=True)
            open(p + '/' + name, 'wb').write(unesc(val))
        for name, val in d['H']:
            open(p + '/' + name, 'wb').write(bytes.fromhex(val))
        for name, val in d['L']:
            lp = p + '/' + name
            if os.path.lexists(lp):
                os.unlink(lp)
            os.symlink(val, lp)
            tgt = os.path.normpath(os.path.join(p, val))
            if name == 'driver':
                os.makedirs(tgt, exist_ok=True)
                bl = os.path.join(tgt, os.path.basename(p))
                if not os.path.lexists(bl):
                    os.symlink(os.path.relpath(p, tgt), bl)
            if name == 'iommu_group':
                os.makedirs(tgt + '/devices', exist_ok=True)
                bl = os.path.join(tgt, 'devices', os.path.basename(p))
                if not os.path.lexists(bl):
                    os.symlink(os.path.relpath(p, tgt + '/devices'), bl)
        sub = env.get('SUBSYSTEM')
        if sub:
            bus = sub in ('pci', 'usb', 'scsi')
            if bus:
                sd = os.path.join(sysd, 'bus', sub)
                os.makedirs(sd + '/devices', exist_ok=True)
                os.makedirs(sd + '/drivers', exist_ok=True)
                l = os.path.join(sd, 'devices', os.path.basename(p))
            else:
                sd = os.path.join(sysd, 'class', sub)
                os.makedirs(sd, exist_ok=True)
                l = os.path.join(sd, os.path.basename(p))
            if not os.path.lexists(l):
                os.symlink(os.path.relpath(p, os.path.dirname(l)), l)
            sl = p + '/subsystem'
            if not os.path.lexists(sl):
                os.symlink(os.path.relpath(sd, p), sl)
            if sub == 'block' and env.get('DEVTYPE') == 'disk':
                os.makedirs(sysd + '/block', exist_ok=True)
                l = os.path.join(sysd, 'block', os.path.basename(p))
                if not os.path.lexists(l):
                    os.symlink(os.path.relpath(p, sysd + '/block'), l)
        if d['N']:
            node, _, content = d['N'].partition('=')
            np_ = os.path.join(root, 'dev', node)
            os.makedirs(os.path.dirname(np_), exist_ok=True)
            open(np_, 'wb').write(bytes.fromhex(content) if content else b'')
    return len(devs)


if __name__ == '__main__':
    print(load(sys.argv[1], sys.argv[2]))
