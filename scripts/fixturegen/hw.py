"""Device-level builders on top of umock.py."""
from umock import *   # noqa

KVER = '6.1.0-13-amd64'

# ------------------------------------------------------------ PCI

def _bars(bars, bridge):
    """bars: list of (start, size, kind) kind in mem32 mem64 mem64pref io.
    Returns (config BAR dwords, resource lines)."""
    dw, res = [], []
    for start, size, kind in bars:
        if kind == 'io':
            dw.append(start | 1)
            res.append((start, start + size - 1, 0x40101))
        elif kind == 'mem32':
            dw.append(start)
            res.append((start, start + size - 1, 0x40200))
        else:
            pref = kind.endswith('pref')
            dw.append((start & 0xffffffff) | 0x4 | (0x8 if pref else 0))
            dw.append(start >> 32)
            res.append((start, start + size - 1, 0x14220c if pref else 0x140204))
            res.append((0, 0, 0))
    n = 17 if bridge else 13
    res += [(0, 0, 0)] * (n - len(res))
    text = ''.join('0x%016x 0x%016x 0x%016x\n' % r for r in res)
    return dw, text


def pci(fx, parent, addr, vid, did, cls, rev=0, svid=0, sdid=0, driver=None, group=None,
        caps=(), ext=(), mf=False, bus=None, numa=-1, cpus='0-7', irq=16, reset=None,
        boot_vga=None, cfg=None, bars=(), pin=1, override=None, cfgsize=None, vf=False,
        extra=(), dma_bits=64):
    path = parent + '/' + addr
    bridge = (cls >> 8) in (0x0604, 0x0609)
    hdr = 1 if bridge else 0
    d = fx.dev(path)
    if driver:
        d.e('DRIVER', driver)
    modalias = 'pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02x' % (
        vid, did, svid, sdid, cls >> 16, (cls >> 8) & 0xff, cls & 0xff)
    d.e('PCI_CLASS', '%X' % cls)
    d.e('PCI_ID', '%04X:%04X' % (vid, did))
    d.e('PCI_SUBSYS_ID', '%04X:%04X' % (svid, sdid))
    d.e('PCI_SLOT_NAME', addr)
    d.e('MODALIAS', modalias)
    d.e('SUBSYSTEM', 'pci')
    dw, restext = _bars(bars, bridge)
    if cfg is None:
        cvid, cdid = (0xffff, 0xffff) if vf else (vid, did)
        cfg = pci_config(cvid, cdid, cls, rev, svid, sdid, hdr=hdr, mf=mf, caps=caps, ext=ext,
                         bus=bus, pin=0 if vf else pin, irq=0 if vf else (irq & 0xff),
                         bars=dw, size=cfgsize)
    d.h('config', cfg)
    d.a('vendor', '0x%04x' % vid)
    d.a('device', '0x%04x' % did)
    d.a('subsystem_vendor', '0x%04x' % svid)
    d.a('subsystem_device', '0x%04x' % sdid)
    d.a('class', '0x%06x' % cls)
    d.a('revision', '0x%02x' % rev)
    d.a('modalias', modalias)
    d.a('numa_node', str(numa))
    d.a('irq', str(irq))
    d.a('local_cpulist', cpus)
    d.a('local_cpus', cpumask(cpus))
    d.a('driver_override', override if override else '(null)')
    d.a('enable', '1' if driver else '0')
    d.a('power_state', 'D0')
    d.a('dma_mask_bits', str(dma_bits))
    d.a('resource', restext, nl=False)
    if reset:
        d.a('reset_method', reset)
    if boot_vga is not None:
        d.a('boot_vga', '1' if boot_vga else '0')
    if driver:
        d.l('driver', '/bus/pci/drivers/' + driver)
    if group is not None:
        d.l('iommu_group', '/kernel/iommu_groups/%d' % group)
    for k, v in extra:
        d.a(k, v)
    return d


def root_port(fx, parent, addr, vid, did, sec, group=None, acs=True, numa=-1, cpus='0-7',
              irq=120, svid=0, sdid=0, speed=3, width=4, slotnr=0, aer=True, ari=False,
              rev=0, reset=None, mf=False, sub=None):
    caps = [cap_pcie(PCIE_ROOT, slot=True, speed=speed, width=width, slotnr=slotnr, ari_fwd=ari),
            cap_msi(), cap_ssvid(svid, sdid), cap_pm()]
    ext = []
    if aer:
        ext.append(ext_aer(root=True))
    if acs:
        ext.append(ext_acs())
    return pci(fx, parent, addr, vid, did, 0x060400, rev=rev, svid=svid, sdid=sdid,
               driver='pcieport', group=group, caps=caps, ext=ext, bus=(int(addr.split(':')[1], 16), sec, sub if sub is not None else sec),
               numa=numa, cpus=cpus, irq=irq, reset=reset, mf=mf,
               cfgsize=4096)


# ------------------------------------------------------------ USB

SPEED_VER = {'1.5': ' 1.10', '12': ' 2.00', '480': ' 2.00', '5000': ' 3.00', '10000': ' 3.10',
             '20000': ' 3.20'}


def usb_device(fx, parent, name, busnum, devnum, vid, pid, bcd, speed, dcls=0, dsub=0, dproto=0,
               manufacturer=None, product=None, serial=None, ifaces=(), maxchild=0,
               removable='unknown', maxpower=100, driver='usb', usbver=None, raw_attrs=()):
    """ifaces: list of (cls, sub, proto, neps, extra_desc, driver). Returns (dev, [ifaces])."""
    path = parent + '/' + name
    if usbver is None:
        usbver = {'1.5': 0x0110, '12': 0x0200, '480': 0x0200, '5000': 0x0300,
                  '10000': 0x0310, '20000': 0x0320}[speed]
    mps0 = 9 if usbver >= 0x0300 else 64
    desc = usb_descriptors(vid, pid, bcd, dcls, dsub, dproto, mps0 if usbver < 0x300 else 9,
                           usbver, [i[:5] for i in ifaces], maxpower,
                           iman=1 if manufacturer is not None else 0,
                           iprod=2 if product is not None else 0,
                           iser=3 if serial is not None else 0)
    d = fx.dev(path)
    d.n('bus/usb/%03d/%03d=%s' % (busnum, devnum, desc.hex().upper()))
    d.e('DEVNAME', '/dev/bus/usb/%03d/%03d' % (busnum, devnum))
    d.e('DEVTYPE', 'usb_device')
    d.e('DRIVER', driver)
    d.e('PRODUCT', '%x/%x/%x' % (vid, pid, bcd))
    d.e('TYPE', '%d/%d/%d' % (dcls, dsub, dproto))
    d.e('BUSNUM', '%03d' % busnum)
    d.e('DEVNUM', '%03d' % devnum)
    minor = (busnum - 1) * 128 + devnum - 1
    d.e('MAJOR', '189')
    d.e('MINOR', str(minor))
    d.e('SUBSYSTEM', 'usb')
    d.a('authorized', '1')
    d.a('bConfigurationValue', '1')
    d.a('bDeviceClass', '%02x' % dcls)
    d.a('bDeviceSubClass', '%02x' % dsub)
    d.a('bDeviceProtocol', '%02x' % dproto)
    d.a('bMaxPacketSize0', str(mps0 if usbver < 0x300 else 9))
    d.a('bMaxPower', '%dmA' % maxpower)
    d.a('bNumConfigurations', '1')
    d.a('bNumInterfaces', '%2d' % len(ifaces))
    d.a('bcdDevice', '%04x' % bcd)
    d.a('bmAttributes', 'e0' if dcls == 9 else 'a0')
    d.a('busnum', str(busnum))
    d.a('devnum', str(devnum))
    d.a('devpath', name.split('-', 1)[1] if '-' in name else '0')
    d.a('dev', '189:%d' % minor)
    d.h('descriptors', desc)
    d.a('idVendor', '%04x' % vid)
    d.a('idProduct', '%04x' % pid)
    d.a('maxchild', str(maxchild))
    d.a('quirks', '0x0')
    d.a('removable', removable)
    d.a('speed', speed)
    d.a('version', ' %x.%02x' % (usbver >> 8, usbver & 0xff))
    d.a('configuration', '', nl=False)
    if manufacturer is not None:
        d.a('manufacturer', manufacturer)
    if product is not None:
        d.a('product', product)
    if serial is not None:
        d.a('serial', serial)
    for k, v in raw_attrs:
        d.attrs[k] = ('A', v)
    d.l('driver', '/bus/usb/drivers/' + driver)
    ifs = []
    for i, (ic, isc, ip, neps, _extra, idrv) in enumerate(ifaces):
        ipath = '%s/%s:1.%d' % (path, name if name[:3] != 'usb' else '%s-0' % name[3:], i)
        it = fx.dev(ipath)
        modalias = 'usb:v%04Xp%04Xd%04Xdc%02Xdsc%02Xdp%02Xic%02Xisc%02Xip%02Xin%02X' % (
            vid, pid, bcd, dcls, dsub, dproto, ic, isc, ip, i)
        it.e('DEVTYPE', 'usb_interface')
        if idrv:
            it.e('DRIVER', idrv)
        it.e('PRODUCT', '%x/%x/%x' % (vid, pid, bcd))
        it.e('TYPE', '%d/%d/%d' % (dcls, dsub, dproto))
        it.e('INTERFACE', '%d/%d/%d' % (ic, isc, ip))
        it.e('MODALIAS', modalias)
        it.e('SUBSYSTEM', 'usb')
        it.a('authorized', '1')
        it.a('bAlternateSetting', ' 0')
        it.a('bInterfaceClass', '%02x' % ic)
        it.a('bInterfaceNumber', '%02x' % i)
        it.a('bInterfaceProtocol', '%02x' % ip)
        it.a('bInterfaceSubClass', '%02x' % isc)
        it.a('bNumEndpoints', '%02x' % neps)
        it.a('modalias', modalias)
        it.a('supports_autosuspend', '1')
        if idrv:
            it.l('driver', '/bus/usb/drivers/' + idrv)
        ifs.append(it)
    return d, ifs


HUB_IF = (9, 0, 0, 1, b'', 'hub')


def root_hub(fx, hcd_path, busnum, speed, nports, hcd_addr, kver=KVER, hcd='xhci-hcd',
             product='xHCI Host Controller'):
    pid = {'480': 2, '5000': 3, '10000': 3, '20000': 3, '12': 1}[speed]
    bcd = 0x0601
    return usb_device(fx, hcd_path, 'usb%d' % busnum, busnum, 1, 0x1d6b, pid, bcd, speed,
                      dcls=9, dsub=0, dproto=3 if pid == 3 else 1,
                      manufacturer='Linux %s %s' % (kver, hcd), product=product,
                      serial=hcd_addr, ifaces=[HUB_IF], maxchild=nports, maxpower=0)


# ------------------------------------------------------------ SCSI / block

def scsi_host(fx, parent, n, proc_name, extra_path=''):
    p = '%s/host%d' % (parent, n)
    fx.dev(p).e('DEVTYPE', 'scsi_host').e('SUBSYSTEM', 'scsi')
    c = fx.dev('%s/scsi_host/host%d' % (p, n)).e('SUBSYSTEM', 'scsi_host')
    c.a('proc_name', proc_name).a('unique_id', str(n + 1)).a('state', 'running')
    c.l('device', '../../../host%d' % n)
    return p


def scsi_target(fx, parent, h, c, t):
    p = '%s/target%d:%d:%d' % (parent, h, c, t)
    fx.dev(p).e('DEVTYPE', 'scsi_target').e('SUBSYSTEM', 'scsi')
    return p


SCSI_MODALIAS = 'scsi:t-0x%02x'


def scsi_lun(fx, target_path, hctl, vendor, model, rev, stype=0, driver='sd', level=7):
    p = '%s/%d:%d:%d:%d' % ((target_path,) + hctl)
    d = fx.dev(p)
    d.e('DEVTYPE', 'scsi_device')
    if driver:
        d.e('DRIVER', driver)
    d.e('MODALIAS', SCSI_MODALIAS % stype)
    d.e('SUBSYSTEM', 'scsi')
    d.a('vendor', '%-8s' % vendor)
    d.a('model', '%-16s' % model)
    d.a('rev', '%-4s' % rev)
    d.a('type', str(stype))
    d.a('scsi_level', str(level))
    d.a('state', 'running')
    d.a('queue_depth', '32')
    d.a('timeout', '30')
    d.a('modalias', SCSI_MODALIAS % stype)
    if driver:
        d.l('driver', '/bus/scsi/drivers/' + driver)
    return p


def sg(fx, lun_path, n):
    p = '%s/scsi_generic/sg%d' % (lun_path, n)
    d = fx.dev(p).n('sg%d' % n)
    d.e('DEVNAME', '/dev/sg%d' % n).e('MAJOR', '21').e('MINOR', str(n)).e('SUBSYSTEM', 'scsi_generic')
    d.a('dev', '21:%d' % n)
    d.l('device', '../../../' + lun_path.rsplit('/', 1)[1])
    for lun in fx.devs:
        if lun.path == lun_path:
            lun.l('generic', 'scsi_generic/sg%d' % n)
    return p


def block(fx, parent, name, major, minor, sectors, removable=0, parts=(), device_link=None,
          rotational=0, extra=(), glue=True):
    """parts: list of (partno, start, size)."""
    p = ('%s/block/%s' if glue else '%s/%s') % (parent, name)
    d = fx.dev(p).n(name)
    d.e('DEVNAME', '/dev/' + name).e('DEVTYPE', 'disk').e('MAJOR', str(major))
    d.e('MINOR', str(minor)).e('SUBSYSTEM', 'block')
    d.a('dev', '%d:%d' % (major, minor)).a('size', str(sectors)).a('removable', str(removable))
    d.a('ro', '0')
    d.a('queue/rotational', str(rotational)).a('queue/logical_block_size', '512')
    for k, v in extra:
        d.a(k, v)
    d.l('device', device_link or '../../../' + parent.rsplit('/', 1)[1])
    for partno, start, size in parts:
        pname = name + ('p%d' % partno if name[-1].isdigit() else str(partno))
        q = fx.dev('%s/%s' % (p, pname)).n(pname)
        q.e('DEVNAME', '/dev/' + pname).e('DEVTYPE', 'partition').e('PARTN', str(partno))
        q.e('MAJOR', str(major)).e('MINOR', str(minor + partno)).e('SUBSYSTEM', 'block')
        q.a('dev', '%d:%d' % (major, minor + partno)).a('partition', str(partno))
        q.a('start', str(start)).a('size', str(size)).a('ro', '0')
    return p


def net(fx, parent, ifname, ifindex, mac, oper='up', speed=1000, mtu=1500, extra=()):
    p = '%s/net/%s' % (parent, ifname)
    d = fx.dev(p)
    d.e('INTERFACE', ifname).e('IFINDEX', str(ifindex)).e('SUBSYSTEM', 'net')
    d.a('address', mac).a('addr_len', '6').a('broadcast', 'ff:ff:ff:ff:ff:ff')
    d.a('operstate', oper).a('carrier', '1' if oper == 'up' else '0')
    d.a('ifindex', str(ifindex)).a('iflink', str(ifindex)).a('mtu', str(mtu))
    d.a('type', '1').a('flags', '0x1003' if oper == 'up' else '0x1002').a('dev_port', '0')
    d.a('speed', str(speed) if oper == 'up' else '-1').a('duplex', 'full' if oper == 'up' else 'unknown')
    d.a('addr_assign_type', '0')
    for k, v in extra:
        d.a(k, v)
    d.l('device', '../../../' + parent.rsplit('/', 1)[1])
    return p


def nvme(fx, pci_path, n, model, serial, fw, sectors, parts=(), addr=None):
    cp = '%s/nvme/nvme%d' % (pci_path, n)
    d = fx.dev(cp).n('nvme%d' % n)
    d.e('DEVNAME', '/dev/nvme%d' % n).e('MAJOR', '241').e('MINOR', str(n))
    d.e('NVME_TRTYPE', 'pcie').e('SUBSYSTEM', 'nvme')
    d.a('dev', '241:%d' % n).a('model', '%-40s' % model).a('serial', '%-20s' % serial)
    d.a('firmware_rev', '%-8s' % fw).a('transport', 'pcie').a('state', 'live')
    d.a('address', addr or pci_path.rsplit('/', 1)[1]).a('cntlid', '6').a('numa_node', '-1')
    d.l('device', '../../../' + pci_path.rsplit('/', 1)[1])
    bp = block(fx, cp, 'nvme%dn1' % n, 259, n * 8, sectors, parts=parts,
               device_link='../../nvme%d' % n, glue=False, extra=(('nsid', '1'), ('wwid', 'eui.' + '0025385b71b0%04x' % n)))
    return cp, bp
