"""Tiny builder for umockdev-record text files (synthetic hostdev fixtures)."""
import os
import struct


def esc(v):
    """GLib g_strescape(): \\b \\f \\n \\r \\t \\v \\\\ \\" and octal for the rest."""
    if isinstance(v, str):
        v = v.encode('utf-8')
    out = []
    table = {8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 0x5c: '\\\\', 0x22: '\\"'}
    for b in v:
        if b in table:
            out.append(table[b])
        elif b < 0x20 or b >= 0x7f:
            out.append('\\%03o' % b)
        else:
            out.append(chr(b))
    return ''.join(out)


def rel(frm, to):
    """Relative link from device dir FRM (/devices/...) to TO (/bus/...)."""
    return os.path.relpath(to, frm)


class Dev:
    def __init__(self, path):
        self.path = path
        self.node = None
        self.env = []
        self.attrs = {}   # name -> (kind, text)

    def n(self, node):
        self.node = node
        return self

    def e(self, k, v):
        self.env.append((k, str(v)))
        return self

    def a(self, k, v, nl=True):
        if isinstance(v, str):
            v = v.encode('utf-8')
        if nl:
            v = v + b'\n'
        self.attrs[k] = ('A', esc(v))
        return self

    def h(self, k, data):
        self.attrs[k] = ('H', data.hex().upper())
        return self

    def l(self, k, target):
        """Link to an absolute /sys path (made relative) or a ready relative one."""
        if target.startswith('/'):
            target = rel(self.path, target)
        self.attrs[k] = ('L', target)
        return self

    def text(self):
        out = ['P: ' + self.path]
        if self.node:
            out.append('N: ' + self.node)
        out += ['E: %s=%s' % kv for kv in self.env]
        for k in sorted(self.attrs):
            kind, val = self.attrs[k]
            out.append('%s: %s=%s' % (kind, k, val))
        return '\n'.join(out) + '\n'


class Fixture:
    def __init__(self, name, header=None):
        self.name = name
        self.devs = []

    def dev(self, path):
        d = Dev(path)
        self.devs.append(d)
        return d

    def write(self, fn):
        with open(fn, 'w') as f:
            f.write('\n'.join(d.text() for d in self.devs))


# ------------------------------------------------------------ helpers

def cpumask(cpulist):
    cpus = set()
    for part in cpulist.split(','):
        if '-' in part:
            a, b = part.split('-')
            cpus.update(range(int(a), int(b) + 1))
        else:
            cpus.add(int(part))
    m = 0
    for c in cpus:
        m |= 1 << c
    words = []
    nwords = max(1, (max(cpus) + 32) // 32)
    for i in range(nwords):
        words.append('%08x' % ((m >> (32 * i)) & 0xffffffff))
    s = ','.join(reversed(words))
    return s.lstrip('0,') if nwords == 1 else s


# ------------------------------------------------------------ PCI config space

def cap_pm(nsr=False, d1d2=False, pme=0x00):
    pmc = 0x0003 | (0x0600 if d1d2 else 0) | (pme << 11)
    pmcsr = (0x0008 if nsr else 0)
    return (0x01, struct.pack('<HHBB', pmc, pmcsr, 0, 0))


def cap_msi(bits64=True, maskable=False, vectors_log2=0):
    ctl = (0x0080 if bits64 else 0) | (0x0100 if maskable else 0) | (vectors_log2 << 1)
    body = struct.pack('<HIIH', ctl, 0, 0, 0) + (b'\0' * (10 if maskable else 0))
    return (0x05, body + b'\0' * ((-(len(body) + 2)) % 4))


def cap_msix(table_size, bir=0, table_off=0x2000, pba_off=0x3000):
    return (0x11, struct.pack('<HII', table_size - 1, table_off | bir, pba_off | bir))


def cap_ssvid(svid, sdid):
    return (0x0d, struct.pack('<HHH', 0, svid, sdid))


def cap_vendor(n=12):
    return (0x09, bytes([n]) + b'\0' * (n - 3))


PCIE_EP, PCIE_LEGACY, PCIE_ROOT, PCIE_UP, PCIE_DOWN, PCIE_TO_PCI, PCIE_RCIEP = 0, 1, 4, 5, 6, 7, 9


def cap_pcie(ptype, flr=False, slot=False, speed=3, width=4, port=0, ari_fwd=False,
             mps=1, slotnr=0):
    capreg = 2 | (ptype << 4) | (0x100 if slot else 0)
    devcap = mps | (1 << 15) | (0x7 << 6 if ptype in (PCIE_EP, PCIE_LEGACY, PCIE_RCIEP) else 0)
    if flr:
        devcap |= 1 << 28
    devctl = 0x2810
    devsta = 0x0000
    linkcap = speed | (width << 4) | (0x3 << 10) | (port << 24)
    if ptype in (PCIE_ROOT, PCIE_DOWN):
        linkcap |= 1 << 20  # DLLLA reporting capable
    linkctl = 0x0040
    linksta = speed | (width << 4) | (0x2000 if ptype in (PCIE_ROOT, PCIE_DOWN) else 0)
    slotcap = (slotnr << 19) | 0x60 if slot else 0
    slotctl, slotsta = 0, (0x0040 if slot else 0)
    rootctl, rootcap, rootsta = 0, 0, 0
    devcap2 = 0x0000001f | (0x20 if ari_fwd or ptype in (PCIE_ROOT, PCIE_DOWN) else 0)
    devctl2 = 0x0020 if ari_fwd else 0
    linkcap2 = ((1 << (speed + 1)) - 2) & 0xfe
    linkctl2 = speed
    body = struct.pack('<HIHHIHHIHHHHIIHHIHHIHH', capreg, devcap, devctl, devsta, linkcap,
                       linkctl, linksta, slotcap, slotctl, slotsta, rootctl, rootcap, rootsta,
                       devcap2, devctl2, 0, linkcap2, linkctl2, 0, 0, 0, 0)
    return (0x10, body)


def ext_aer(root=False):
    return (0x0001, 2, b'\0' * (0x44 if root else 0x34))


def ext_acs(cap=0x5f, ctl=0x1d):
    return (0x000d, 1, struct.pack('<HH', cap, ctl))


def ext_ari(next_fn=0):
    return (0x000e, 1, struct.pack('<HH', next_fn << 8, 0))


def ext_dsn(serial):
    return (0x0003, 1, struct.pack('<Q', serial))


def ext_sriov(total, num, offset, stride, vf_did, fdl=0):
    ctl = (0x0009 if num else 0) | 0x0010  # VF enable + MSE, ARI capable hierarchy
    body = struct.pack('<IHHHHHBBHHHHII', 0x2, ctl, 0, total, total, num, fdl, 0,
                       offset, stride, 0, vf_did, 0x553, 0x1)
    body += struct.pack('<6I', 0x0c, 0, 0, 0x0c, 0, 0) + struct.pack('<I', 0)
    return (0x0010, 1, body)


def ext_ltr():
    return (0x0018, 1, struct.pack('<HH', 0x1003, 0x1003))


def pci_config(vid, did, cls, rev=0, svid=0, sdid=0, hdr=0, mf=False, caps=(), ext=(),
               size=None, bus=None, pin=1, irq=0xff, bars=(), command=0x0406, io=False):
    if size is None:
        size = 4096 if ext else 256
    c = bytearray(size)
    struct.pack_into('<HHHH', c, 0, vid, did, command | (1 if io else 0),
                     0x0010 if caps else 0x0000)
    c[8] = rev
    c[9] = cls & 0xff
    c[10] = (cls >> 8) & 0xff
    c[11] = (cls >> 16) & 0xff
    c[12] = 0x10
    c[14] = hdr | (0x80 if mf else 0)
    if hdr == 0:
        for i, b in enumerate(bars[:6]):
            struct.pack_into('<I', c, 0x10 + 4 * i, b)
        struct.pack_into('<HH', c, 0x2c, svid, sdid)
    else:
        for i, b in enumerate(bars[:2]):
            struct.pack_into('<I', c, 0x10 + 4 * i, b)
        pri, sec, sub = bus
        c[0x18], c[0x19], c[0x1a] = pri, sec, sub
        c[0x1c], c[0x1d] = 0xf0, 0x00          # I/O window closed
        struct.pack_into('<HHHH', c, 0x20, 0xfff0, 0x0000, 0xfff1, 0x0001)
        struct.pack_into('<H', c, 0x3e, 0x0010)
    c[0x3c] = irq
    c[0x3d] = pin
    # capability list
    off = 0x40
    prev = 0x34
    for cid, body in caps:
        c[prev] = off
        c[off] = cid
        c[off + 2:off + 2 + len(body)] = body
        prev = off + 1
        off += 2 + len(body)
        off = (off + 3) & ~3
        assert off < 0x100, 'capabilities overflow'
    c[prev] = 0
    if ext:
        assert size == 4096
        off = 0x100
        for i, (eid, ver, body) in enumerate(ext):
            ln = 4 + len(body)
            nxt = (off + ln + 3) & ~3 if i + 1 < len(ext) else 0
            struct.pack_into('<I', c, off, eid | (ver << 16) | (nxt << 20))
            c[off + 4:off + 4 + len(body)] = body
            off = nxt
    return bytes(c)


def ff_config(n=256):
    return b'\xff' * n


# ------------------------------------------------------------ USB descriptors

def usb_descriptors(vid, pid, bcd, dcls=0, dsub=0, dproto=0, mps0=64, usbver=0x0200,
                    ifaces=(), maxpower=50, selfpowered=False, remote_wakeup=False, iman=1,
                    iprod=2, iser=3):
    """ifaces: list of (cls, sub, proto, n_endpoints, extra_bytes)."""
    dev = struct.pack('<BBHBBBBHHHBBBB', 18, 1, usbver, dcls, dsub, dproto, mps0, vid, pid, bcd,
                      iman, iprod, iser, 1)
    body = b''
    ep_addr = 1
    for i, (ic, isc, ip, neps, extra) in enumerate(ifaces):
        body += struct.pack('<BBBBBBBBB', 9, 4, i, 0, neps, ic, isc, ip, 0)
        body += extra
        for j in range(neps):
            if ic == 8:      # bulk in / bulk out
                addr = (0x80 | ep_addr) if j == 0 else ep_addr
                body += struct.pack('<BBBBHB', 7, 5, addr, 2, 512 if usbver >= 0x0200 else 64, 0)
            else:            # interrupt in
                body += struct.pack('<BBBBHB', 7, 5, 0x80 | ep_addr, 3, 8 if ic == 3 else 4, 10 if ic == 3 else 12)
            ep_addr += 1
    attrs = 0x80 | (0x40 if selfpowered else 0) | (0x20 if remote_wakeup else 0)
    cfg = struct.pack('<BBHBBBBB', 9, 2, 9 + len(body), len(ifaces), 1, 0, attrs,
                      maxpower // (8 if usbver >= 0x0300 else 2))
    return dev + cfg + body


HID_KBD = struct.pack('<BBHBBBH', 9, 0x21, 0x0111, 0, 1, 0x22, 65)
HID_MOUSE = struct.pack('<BBHBBBH', 9, 0x21, 0x0111, 0, 1, 0x22, 52)


# ------------------------------------------------------------ proc files

def route_line(ifname, dest, gw, flags, metric, mask):
    return '%s\t%s\t%s\t%04X\t0\t0\t%d\t%s\t0\t0\t0                                                                               \n' % (
        ifname, dest, gw, flags, metric, mask)


def interrupts(ncpu, ir, entries):
    """proc/interrupts: entries are (irq, hwirq, name) MSI vectors; IR- prefix when remapped."""
    chip = 'IR-PCI-MSI' if ir else 'PCI-MSI'
    out = ' ' * 11 + ''.join('CPU%-8d' % i for i in range(ncpu)).rstrip() + '\n'
    def row(label, counts, rest):
        return '%4s: %s  %s\n' % (label, ''.join('%10d ' % c for c in counts), rest)
    out += row('0', [44] + [0] * (ncpu - 1), '  IO-APIC    2-edge      timer')
    out += row('8', [0] * ncpu, '  IO-APIC    8-edge      rtc0')
    out += row('9', [0] * ncpu, '  IO-APIC    9-fasteoi   acpi')
    for irq, hw, name in entries:
        out += row(str(irq), [(irq * 37) % 1000] + [0] * (ncpu - 1), '%s %s-edge      %s' % (chip, hw, name))
    out += row('NMI', [0] * ncpu, '  Non-maskable interrupts')
    out += row('LOC', [123456] * ncpu, '  Local timer interrupts')
    out += 'ERR:          0\nMIS:          0\n'
    return out


def fib_trie(addr, prefix):
    """A minimal proc/net/fib_trie holding one IPv4 address (LOCAL /32 entry)."""
    net_ = '.'.join(addr.split('.')[:3]) + '.0'
    bc = '.'.join(addr.split('.')[:3]) + '.255'
    body = ('  +-- 0.0.0.0/0 3 0 5\n     |-- 0.0.0.0\n        /0 universe UNICAST\n'
            '     +-- %s/%d 2 0 2\n        |-- %s\n           /%d link UNICAST\n'
            '        |-- %s\n           /32 host LOCAL\n'
            '        |-- %s\n           /32 link BROADCAST\n' % (net_, prefix, net_, prefix, addr, bc))
    return 'Main:\n' + body + 'Local:\n' + body


def if_inet6(entries):
    out = '00000000000000000000000000000001 01 80 10 80       lo\n'
    for ifindex, mac, name in entries:
        b = [int(x, 16) for x in mac.split(':')]
        eui = '%02x%02x%02xfffe%02x%02x%02x' % (b[0] ^ 2, b[1], b[2], b[3], b[4], b[5])
        out += 'fe80000000000000%s %02x 40 20 80 %8s\n' % (eui, ifindex, name)
    return out
