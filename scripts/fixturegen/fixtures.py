#!/usr/bin/env python3
"""Generate hostdev's synthetic umockdev fixtures (fixtures/*.umockdev + .extra/)."""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hw import *   # noqa

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures')

MOUNT_BASE = """\
21 28 0:20 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
23 28 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=16318280k,nr_inodes=4079570,mode=755,inode64
24 23 0:22 / /dev/pts rw,nosuid,noexec,relatime shared:3 - devpts devpts rw,gid=5,mode=620,ptmxmode=000
25 28 0:23 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=3269712k,mode=755,inode64
"""
MOUNT_TAIL = """\
26 21 0:6 / /sys/kernel/security rw,nosuid,nodev,noexec,relatime shared:8 - securityfs securityfs rw
27 23 0:24 / /dev/shm rw,nosuid,nodev shared:4 - tmpfs tmpfs rw,inode64
29 21 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
30 21 0:27 / /sys/fs/pstore rw,nosuid,nodev,noexec,relatime shared:10 - pstore pstore rw
31 21 0:28 / /sys/firmware/efi/efivars rw,nosuid,nodev,noexec,relatime shared:11 - efivarfs efivarfs rw
"""
SWAPS_HDR = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n'
ROUTE_HDR = ('Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT'
             '                                                       \n')



def extra(name, files):
    base = os.path.join(OUT, name + '.extra')
    if os.path.isdir(base):
        shutil.rmtree(base)
    for rel_, content in files.items():
        p = os.path.join(base, rel_)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'wb') as f:
            f.write(content.encode('utf-8') if isinstance(content, str) else content)


def modules_dep(kver=KVER):
    return {
        'lib/modules/%s/modules.dep' % kver:
            'kernel/drivers/vfio/vfio.ko: kernel/virt/lib/irqbypass.ko\n'
            'kernel/drivers/vfio/vfio_iommu_type1.ko: kernel/drivers/vfio/vfio.ko kernel/virt/lib/irqbypass.ko\n'
            'kernel/drivers/vfio/pci/vfio-pci-core.ko: kernel/drivers/vfio/vfio.ko kernel/virt/lib/irqbypass.ko\n'
            'kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/pci/vfio-pci-core.ko kernel/drivers/vfio/vfio.ko kernel/virt/lib/irqbypass.ko\n'
            'kernel/virt/lib/irqbypass.ko:\n'
            'kernel/drivers/net/ethernet/intel/igb/igb.ko: kernel/drivers/dca/dca.ko kernel/drivers/i2c/algos/i2c-algo-bit.ko\n'
            'kernel/drivers/dca/dca.ko:\n'
            'kernel/drivers/i2c/algos/i2c-algo-bit.ko:\n'
            'kernel/drivers/usb/storage/usb-storage.ko:\n'
            'kernel/drivers/hid/usbhid/usbhid.ko: kernel/drivers/hid/hid.ko\n'
            'kernel/drivers/hid/hid.ko:\n',
        'lib/modules/%s/modules.alias' % kver:
            '# Aliases extracted from modules themselves.\n'
            'alias vfio_pci vfio-pci\n'
            'alias vfio-pci vfio_pci\n'
            'alias char-major-10-196 vfio\n'
            'alias devname:vfio/vfio vfio\n',
        'proc/sys/kernel/osrelease': kver + '\n',
    }


def vfio_loaded():
    return {
        'sys/module/vfio_pci/initstate': 'live\n',
        'sys/module/vfio_pci/refcnt': '0\n',
        'sys/module/vfio_pci/parameters/disable_vga': 'N\n',
        'sys/module/vfio_pci/parameters/ids': '\n',
        'sys/module/vfio_pci_core/initstate': 'live\n',
        'sys/module/vfio/initstate': 'live\n',
        'sys/module/vfio_iommu_type1/initstate': 'live\n',
        'sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts': 'N\n',
        'dev/vfio/vfio': '',
    }


def dmar(fx, n):
    d = fx.dev('/devices/virtual/iommu/dmar%d' % n).e('SUBSYSTEM', 'iommu')
    d.a('intel-iommu/version', '1:0').a('intel-iommu/cap', '1c0000c40660462')
    d.a('intel-iommu/ecap', '19e2ff0505e')





# ====================================================================== 1
def workstation_gpu():
    fx = Fixture('workstation-gpu')
    R = '/devices/pci0000:00'
    C = '0-7'
    dmar(fx, 0)
    dmar(fx, 1)
    pci(fx, R, '0000:00:00.0', 0x8086, 0x3ec2, 0x060000, rev=0x0d, svid=0x1458, sdid=0x5000,
        driver='skl_uncore', group=0, caps=[cap_vendor(12)], irq=0, pin=0, cpus=C)
    rp1 = root_port(fx, R, '0000:00:01.0', 0x8086, 0x1901, 1, group=1, acs=False, aer=True,
                    svid=0x1458, sdid=0x5000, rev=0x0d, speed=3, width=16, irq=122, slotnr=1,
                    cpus=C).path
    pci(fx, rp1, '0000:01:00.0', 0x10de, 0x1b80, 0x030000, rev=0xa1, svid=0x10de, sdid=0x119e,
        driver='nouveau', group=1, mf=True, boot_vga=False, reset='flr bus', irq=130, cpus=C,
        caps=[cap_pm(), cap_msi(), cap_pcie(PCIE_LEGACY, flr=True, speed=3, width=16)],
        bars=[(0xf6000000, 0x1000000, 'mem32'), (0xe0000000, 0x10000000, 'mem64pref'),
              (0xf0000000, 0x2000000, 'mem64pref'), (0xe000, 0x80, 'io')])
    pci(fx, rp1, '0000:01:00.1', 0x10de, 0x10f0, 0x040300, rev=0xa1, svid=0x10de, sdid=0x119e,
        driver='snd_hda_intel', group=1, reset='bus', irq=17, pin=2, cpus=C,
        caps=[cap_pm(nsr=True), cap_msi(), cap_pcie(PCIE_EP, flr=False, speed=3, width=16)],
        bars=[(0xf7080000, 0x4000, 'mem32')])
    pci(fx, R, '0000:00:02.0', 0x8086, 0x3e92, 0x030000, rev=0x02, svid=0x1458, sdid=0xd000,
        driver='i915', group=2, boot_vga=True, reset='pm', irq=135, cpus=C,
        caps=[cap_vendor(12), cap_pcie(PCIE_RCIEP, flr=False, speed=1, width=1), cap_msi(),
              cap_pm()],
        bars=[(0xde000000, 0x1000000, 'mem64'), (0xc0000000, 0x10000000, 'mem64pref'),
              (0xf000, 0x40, 'io')])
    X = pci(fx, R, '0000:00:14.0', 0x8086, 0xa36d, 0x0c0330, rev=0x10, svid=0x1458, sdid=0x5007,
            driver='xhci_hcd', group=3, mf=True, reset='pm', irq=125, cpus=C,
            caps=[cap_pm(d1d2=False, pme=0x19), cap_msi()],
            bars=[(0xdf300000, 0x10000, 'mem64')]).path
    pci(fx, R, '0000:00:14.2', 0x8086, 0xa36f, 0x050000, rev=0x10, svid=0x1458, sdid=0x5007,
        group=3, irq=255, pin=0, cpus=C, caps=[cap_pm()],
        bars=[(0xdf316000, 0x2000, 'mem64'), (0xdf31b000, 0x1000, 'mem64')])
    A = pci(fx, R, '0000:00:17.0', 0x8086, 0xa352, 0x010601, rev=0x10, svid=0x1458, sdid=0xb005,
            driver='ahci', group=4, reset='pm', irq=126, cpus=C,
            caps=[cap_msi(), cap_pm(), (0x12, b'\x10\x00\x48\x00\x00\x00')],
            bars=[(0xdf314000, 0x2000, 'mem32'), (0xdf31c000, 0x100, 'mem32'),
                  (0xf090, 8, 'io'), (0xf080, 4, 'io'), (0xf060, 0x20, 'io'),
                  (0xdf31a000, 0x800, 'mem32')]).path
    rp5 = root_port(fx, R, '0000:00:1c.0', 0x8086, 0xa33c, 2, group=5, acs=True, rev=0xf0,
                    svid=0x1458, sdid=0x5001, speed=1, width=1, irq=123, slotnr=8, cpus=C).path
    nic = pci(fx, rp5, '0000:02:00.0', 0x8086, 0x1539, 0x020000, rev=0x03, svid=0x1458,
              sdid=0xe000, driver='igb', group=6, reset='flr bus', irq=16, cpus=C,
              caps=[cap_pm(), cap_msi(maskable=True, vectors_log2=0), cap_msix(5),
                    cap_pcie(PCIE_EP, flr=True, speed=1, width=1)],
              ext=[ext_aer(), ext_dsn(0x18c04dfffe123456), ext_ltr()],
              bars=[(0xdf200000, 0x20000, 'mem32'), (0xd000, 0x20, 'io'),
                    (0xdf220000, 0x4000, 'mem32')]).path
    net(fx, nic, 'enp2s0', 2, '18:c0:4d:12:34:56', 'up', 1000)
    rp9 = root_port(fx, R, '0000:00:1d.0', 0x8086, 0xa330, 3, group=8, acs=False, rev=0xf0,
                    svid=0x1458, sdid=0x5001, speed=3, width=4, irq=124, slotnr=12, cpus=C).path
    nv = pci(fx, rp9, '0000:03:00.0', 0x144d, 0xa808, 0x010802, rev=0x00, svid=0x144d,
             sdid=0xa801, driver='nvme', group=8, reset='flr bus', irq=16, cpus=C,
             caps=[cap_pm(), cap_msi(), cap_pcie(PCIE_EP, flr=True, speed=3, width=4),
                   cap_msix(33)],
             ext=[ext_aer(), ext_dsn(0x0025385b71b00001), ext_ltr()],
             bars=[(0xdf100000, 0x4000, 'mem64')]).path
    nvme(fx, nv, 0, 'Samsung SSD 970 EVO Plus 1TB', 'S4EWNX0R123456A', '2B2QEXM7', 1953525168,
         parts=[(1, 2048, 1048576), (2, 1050624, 1884160000), (3, 1885210624, 67108864)])
    pci(fx, R, '0000:00:1f.0', 0x8086, 0xa305, 0x060100, rev=0x10, svid=0x1458, sdid=0x5001,
        group=7, mf=True, irq=0, pin=0, cpus=C)
    pci(fx, R, '0000:00:1f.3', 0x8086, 0xa348, 0x040380, rev=0x10, svid=0x1458, sdid=0xa0c8,
        driver='snd_hda_intel', group=7, irq=136, cpus=C, caps=[cap_pm(), cap_msi()],
        bars=[(0xdf310000, 0x4000, 'mem64'), (0xdf000000, 0x100000, 'mem64')])
    pci(fx, R, '0000:00:1f.4', 0x8086, 0xa323, 0x0c0500, rev=0x10, svid=0x1458, sdid=0x5001,
        driver='i801_smbus', group=7, irq=16, cpus=C,
        bars=[(0xdf31a100, 0x100, 'mem64'), (0, 0, 'mem32'), (0, 0, 'mem32'),
              (0xefa0, 0x20, 'io')])

    # USB: high-speed bus 1 and SuperSpeed bus 2 on the xHCI
    u1, _ = root_hub(fx, X, 1, '480', 16, '0000:00:14.0')
    hub, _ = usb_device(fx, u1.path, '1-5', 1, 2, 0x05e3, 0x0610, 0x9226, '480', dcls=9, dproto=2,
                        manufacturer='GenesysLogic', product='USB2.1 Hub',
                        ifaces=[(9, 0, 2, 1, b'', 'hub')], maxchild=4, maxpower=100,
                        removable='fixed')
    usb_device(fx, hub.path, '1-5.4', 1, 3, 0x046d, 0xc31c, 0x6400, '1.5',
               manufacturer='Logitech', product='USB Keyboard',
               ifaces=[(3, 1, 1, 1, HID_KBD, 'usbhid'), (3, 0, 0, 1, HID_MOUSE, 'usbhid')],
               maxpower=90, removable='removable')
    u2, _ = root_hub(fx, X, 2, '10000', 10, '0000:00:14.0')
    stick, sif = usb_device(fx, u2.path, '2-1', 2, 2, 0x0781, 0x5581, 0x0100, '5000',
                            manufacturer=' USB', product=' SanDisk 3.2Gen1',
                            serial='0401a1b2c3d4e5f60718293a4b5c6d7e8f9001234567',
                            ifaces=[(8, 6, 0x50, 2, b'', 'usb-storage')], maxpower=896,
                            removable='removable')
    h6 = scsi_host(fx, sif[0].path, 6, 'usb-storage')
    t6 = scsi_target(fx, h6, 6, 0, 0)
    l6 = scsi_lun(fx, t6, (6, 0, 0, 0), 'SanDisk', 'Ultra', '1.00', level=7)
    sg(fx, l6, 1)
    block(fx, l6, 'sdb', 8, 16, 60063744, removable=1, parts=[(1, 32, 60063712)])

    # SATA: six AHCI ports -> host0..host5, a disk on port 1
    for i in range(6):
        h = scsi_host(fx, '%s/ata%d' % (A, i + 1), i, 'ahci')
        if i == 0:
            t = scsi_target(fx, h, 0, 0, 0)
            l0 = scsi_lun(fx, t, (0, 0, 0, 0), 'ATA', 'Samsung SSD 860', '4B6Q', level=6)
            sg(fx, l0, 0)
            block(fx, l0, 'sda', 8, 0, 1953525168, parts=[(1, 2048, 1953521664)])
    fx.write(os.path.join(OUT, 'workstation-gpu.umockdev'))

    mounts = (MOUNT_BASE +
              '28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro\n' +
              MOUNT_TAIL +
              '45 28 259:1 / /boot/efi rw,relatime shared:30 - vfat /dev/nvme0n1p1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro\n'
              '47 28 8:1 / /srv/data rw,relatime shared:32 - ext4 /dev/sda1 rw\n')
    files = {
        'proc/cmdline': 'BOOT_IMAGE=/vmlinuz root=/dev/nvme0n1p2 ro quiet intel_iommu=on iommu=pt\n',
        'proc/self/mountinfo': mounts,
        'proc/swaps': SWAPS_HDR + '/dev/nvme0n1p3                          partition\t33554428\t0\t\t-2\n',
        'proc/net/route': ROUTE_HDR +
            route_line('enp2s0', '00000000', '0101A8C0', 3, 100, '00000000') +
            route_line('enp2s0', '0001A8C0', '00000000', 1, 100, '00FFFFFF'),
        'proc/net/if_inet6': if_inet6([(2, '18:c0:4d:12:34:56', 'enp2s0')]),
        'proc/net/fib_trie': fib_trie('192.168.1.23', 24),
        'proc/interrupts': interrupts(8, True, [
            (122, '16384', 'PCIe PME'), (123, '468992', 'PCIe PME'), (124, '473088', 'PCIe PME'),
            (125, '327680', 'xhci_hcd'), (126, '376832', 'ahci[0000:00:17.0]'),
            (127, '1048576', 'enp2s0'), (128, '1048577', 'enp2s0-rx-0'),
            (130, '524288', 'nvkm'), (131, '1572864', 'nvme0q0'), (132, '1572865', 'nvme0q1'),
            (135, '32768', 'i915'), (136, '514048', 'snd_hda_intel:card0')]),
    }
    files.update(vfio_loaded())
    files.update(modules_dep())
    extra('workstation-gpu', files)



def ivhd(fx, pci_path, n):
    d = fx.dev('%s/iommu/ivhd%d' % (pci_path, n)).e('SUBSYSTEM', 'iommu')
    d.a('amd-iommu/cap', '0x00190040').a('amd-iommu/features', '0x25bf732fa2295afe')
    d.l('device', '../../../' + pci_path.rsplit('/', 1)[1])


def amd_rc(fx, R, seg_bus, group, numa, cpus, iommu_n=None):
    """EPYC/Ryzen root complex 00.0 (+ IOMMU function 00.2, which has no group)."""
    b = seg_bus
    pci(fx, R, '0000:%s:00.0' % b, 0x1022, 0x1480, 0x060000, svid=0x1022, sdid=0x1480,
        group=group, numa=numa, cpus=cpus, irq=0, pin=0, mf=iommu_n is not None)
    if iommu_n is not None:
        io = pci(fx, R, '0000:%s:00.2' % b, 0x1022, 0x1481, 0x080600, svid=0x1022, sdid=0x1481,
                 numa=numa, cpus=cpus, irq=28, caps=[cap_msi(), (0x0f, b'\x00' * 22)])
        ivhd(fx, io.path, iommu_n)


# ====================================================================== 2
def server_sas():
    fx = Fixture('server-sas')
    R0, R8 = '/devices/pci0000:00', '/devices/pci0000:80'
    C0, C1 = '0-31,64-95', '32-63,96-127'
    amd_rc(fx, R0, '00', 0, 0, C0, iommu_n=0)
    pci(fx, R0, '0000:00:01.0', 0x1022, 0x1482, 0x060000, group=1, numa=0, cpus=C0, irq=0, pin=0,
        mf=True)
    rp = root_port(fx, R0, '0000:00:01.1', 0x1022, 0x1483, 0x01, group=2, numa=0, cpus=C0,
                   svid=0x1022, sdid=0x1453, speed=3, width=8, irq=26, slotnr=1).path
    hba = pci(fx, rp, '0000:01:00.0', 0x1000, 0x0097, 0x010700, rev=0x02, svid=0x1000,
              sdid=0x30e0, driver='mpt3sas', group=3, numa=0, cpus=C0, irq=33, reset='bus',
              caps=[cap_pm(), cap_pcie(PCIE_EP, flr=False, speed=3, width=8), cap_msi(),
                    cap_msix(96)],
              ext=[ext_aer(), (0x0019, 1, b'\0' * 0x28)],
              bars=[(0xe000, 0x100, 'io'), (0xf7240000, 0x10000, 'mem64'),
                    (0xf7200000, 0x40000, 'mem64')]).path
    pci(fx, R0, '0000:00:03.0', 0x1022, 0x1482, 0x060000, group=4, numa=0, cpus=C0, irq=0, pin=0,
        mf=True)
    rp3 = root_port(fx, R0, '0000:00:03.1', 0x1022, 0x1483, 0x02, group=5, numa=0, cpus=C0,
                    svid=0x1022, sdid=0x1453, speed=2, width=4, irq=27, slotnr=3).path
    for fn, grp, ifn, idx, mac, oper in ((0, 6, 'eno1', 2, 'ac:1f:6b:00:10:a0', 'up'),
                                          (1, 7, 'eno2', 3, 'ac:1f:6b:00:10:a1', 'down')):
        d = pci(fx, rp3, '0000:02:00.%d' % fn, 0x8086, 0x1521, 0x020000, rev=0x01, svid=0x15d9,
                sdid=0x1521, driver='igb', group=grp, numa=0, cpus=C0, irq=40 + fn, pin=1 + fn,
                mf=True, reset='flr bus',
                caps=[cap_pm(), cap_msi(maskable=True), cap_msix(10),
                      cap_pcie(PCIE_EP, flr=True, speed=2, width=4)],
                ext=[ext_aer(), ext_ari(1 if fn == 0 else 0), ext_dsn(0xac1f6bffff0010a0),
                     ext_sriov(7, 0, 0x80, 4, 0x1520), ext_acs(cap=0x0040, ctl=0)],
                bars=[(0xf7100000 + fn * 0x100000, 0x100000, 'mem32'),
                      (0xd000 + fn * 0x20, 0x20, 'io'),
                      (0xf7300000 + fn * 0x4000, 0x4000, 'mem32')],
                extra=[('sriov_totalvfs', '7'), ('sriov_numvfs', '0'),
                       ('sriov_offset', '128'), ('sriov_stride', '4'),
                       ('sriov_vf_device', '1520'), ('sriov_drivers_autoprobe', '1')]).path
        net(fx, d, ifn, idx, mac, oper, 1000)

    amd_rc(fx, R8, '80', 8, 1, C1, iommu_n=1)
    pci(fx, R8, '0000:80:01.0', 0x1022, 0x1482, 0x060000, group=9, numa=1, cpus=C1, irq=0, pin=0,
        mf=True)
    rp8 = root_port(fx, R8, '0000:80:01.1', 0x1022, 0x1483, 0x81, group=10, numa=1, cpus=C1,
                    svid=0x1022, sdid=0x1453, speed=3, width=8, irq=50, slotnr=5).path
    fc = pci(fx, rp8, '0000:81:00.0', 0x1077, 0x2031, 0x0c0400, rev=0x02, svid=0x1077,
             sdid=0x0241, driver='qla2xxx', group=11, numa=1, cpus=C1, irq=60, reset='flr bus',
             caps=[cap_pm(), cap_pcie(PCIE_EP, flr=True, speed=3, width=8), cap_msix(32)],
             ext=[ext_aer(), ext_ari(0)],
             bars=[(0x380000200000, 0x200000, 'mem64pref'), (0x380000400000, 0x2000, 'mem64pref'),
                   (0x380000000000, 0x100000, 'mem64pref')]).path

    # mpt3sas: host0 -> port-0:N -> end_device-0:N -> target0:0:N -> 0:0:N:0
    h0 = scsi_host(fx, hba, 0, 'mpt3sas')
    disks = [('sda', 0, [(1, 2048, 1048576), (2, 1050624, 7812984832)]),
             ('sdb', 16, [(1, 2048, 134217728)]),
             ('sdc', 32, []), ('sdd', 48, [])]
    for t, (name, minor, parts) in enumerate(disks):
        tp = scsi_target(fx, '%s/port-0:%d/end_device-0:%d' % (h0, t, t), 0, 0, t)
        lun = scsi_lun(fx, tp, (0, 0, t, 0), 'SEAGATE', 'ST4000NM0025', 'E002', level=7)
        sg(fx, lun, t)
        block(fx, lun, name, 8, minor, 7814037168, parts=parts, rotational=1)
    tp = scsi_target(fx, '%s/port-0:4/end_device-0:4' % h0, 0, 0, 4)
    lun = scsi_lun(fx, tp, (0, 0, 4, 0), 'LSI', 'VirtualSES', '03', stype=13, driver=None, level=6)
    sg(fx, lun, 4)

    # qla2xxx: host1 + fc_host, one remote port with one LUN
    h1 = scsi_host(fx, fc, 1, 'qla2xxx')
    f = fx.dev(h1 + '/fc_host/host1').e('SUBSYSTEM', 'fc_host')
    f.a('node_name', '0x20000024ff000001').a('port_name', '0x21000024ff000001')
    f.a('port_id', '0x010100').a('port_state', 'Online').a('port_type', 'NPort (fabric via point-to-point)')
    f.a('speed', '16 Gbit').a('supported_speeds', '4 Gbit, 8 Gbit, 16 Gbit')
    f.a('fabric_name', '0x100000051e000001').a('supported_classes', 'Class 3')
    f.a('symbolic_name', 'QLE2670 FW:v8.08.207 DVR:v10.02.08.100-k')
    f.l('device', '../../../host1')
    rp_ = h1 + '/rport-1:0-0'
    r = fx.dev(rp_ + '/fc_remote_ports/rport-1:0-0').e('SUBSYSTEM', 'fc_remote_ports')
    r.a('node_name', '0x200000a098000001').a('port_name', '0x200100a098000001')
    r.a('port_id', '0x010200').a('port_state', 'Online').a('roles', 'FCP Target')
    r.a('scsi_target_id', '0').a('supported_classes', 'Class 3')
    r.l('device', '../../../rport-1:0-0')
    tp = scsi_target(fx, rp_, 1, 0, 0)
    lun = scsi_lun(fx, tp, (1, 0, 0, 0), 'NETAPP', 'LUN C-Mode', '9800', level=6)
    sg(fx, lun, 5)
    block(fx, lun, 'sde', 8, 64, 2147483648)
    fx.write(os.path.join(OUT, 'server-sas.umockdev'))

    mounts = (MOUNT_BASE +
              '28 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw,errors=remount-ro\n' +
              MOUNT_TAIL +
              '45 28 8:1 / /boot/efi rw,relatime shared:30 - vfat /dev/sda1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro\n')
    files = {
        'proc/cmdline': 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=/dev/sda2 ro amd_iommu=on iommu=pt console=ttyS0,115200n8\n',
        'proc/self/mountinfo': mounts,
        'proc/swaps': SWAPS_HDR + '/dev/sdb1                               partition\t67108860\t0\t\t-2\n',
        'proc/net/route': ROUTE_HDR +
            route_line('eno1', '00000000', '0100000A', 3, 0, '00000000') +
            route_line('eno1', '0000000A', '00000000', 1, 0, '00FFFFFF'),
        'proc/net/if_inet6': if_inet6([(2, 'ac:1f:6b:00:10:a0', 'eno1')]),
        'proc/net/fib_trie': fib_trie('10.0.0.15', 24),
        'proc/interrupts': interrupts(128, True, [
            (26, '4096', 'PCIe PME, aerdrv'), (27, '12288', 'PCIe PME, aerdrv'),
            (33, '524288', 'mpt3sas0-msix0'), (34, '524289', 'mpt3sas0-msix1'),
            (40, '1048576', 'eno1'), (41, '1050624', 'eno2'),
            (50, '67112960', 'PCIe PME, aerdrv'), (60, '68157440', 'qla2xxx (default)'),
            (61, '68157441', 'qla2xxx (rsp_q)')]),
    }
    files.update(modules_dep())
    extra('server-sas', files)


# ====================================================================== 3
def sriov_nic():
    fx = Fixture('sriov-nic')
    R0, R3 = '/devices/pci0000:00', '/devices/pci0000:3a'
    C = '0-17,36-53'
    dmar(fx, 0)
    dmar(fx, 1)
    pci(fx, R0, '0000:00:00.0', 0x8086, 0x2020, 0x060000, rev=0x04, svid=0x15d9, sdid=0x095d,
        group=0, numa=0, cpus=C, irq=0, pin=0, caps=[cap_pcie(PCIE_ROOT, speed=3, width=4)])
    rp = root_port(fx, R0, '0000:00:1c.0', 0x8086, 0xa190, 0x02, sub=0x03, group=1, numa=0,
                   cpus=C, rev=0xf9, svid=0x15d9, sdid=0x095d, speed=1, width=1, irq=25).path
    br = pci(fx, rp, '0000:02:00.0', 0x1a03, 0x1150, 0x060400, rev=0x04, group=2, numa=0, cpus=C,
             irq=0, pin=0, bus=(0x02, 0x03, 0x03),
             caps=[cap_pcie(PCIE_TO_PCI, speed=1, width=1), cap_ssvid(0x15d9, 0x095d),
                   cap_pm()]).path
    pci(fx, br, '0000:03:00.0', 0x1a03, 0x2000, 0x030000, rev=0x41, svid=0x15d9, sdid=0x095d,
        driver='ast', group=2, numa=0, cpus=C, irq=16, boot_vga=True,
        caps=[cap_pm(d1d2=True), cap_msi(bits64=False)],
        bars=[(0xf6000000, 0x1000000, 'mem32'), (0xf7000000, 0x20000, 'mem32'),
              (0xe000, 0x80, 'io')], dma_bits=32)
    rp3 = root_port(fx, R3, '0000:3a:00.0', 0x8086, 0x2030, 0x3b, group=20, numa=0, cpus=C,
                    rev=0x04, svid=0x15d9, sdid=0x095d, speed=3, width=8, irq=30, ari=True,
                    slotnr=4).path
    vfs = []
    for pf, grp, numvfs, offset in ((0, 21, 4, 16), (1, 22, 0, 79)):
        addr = '0000:3b:00.%d' % pf
        virt = []
        if numvfs:
            for i in range(numvfs):
                rid = pf + offset + i
                virt.append(('virtfn%d' % i, '../0000:3b:%02x.%d' % (rid >> 3, rid & 7)))
        d = pci(fx, rp3, addr, 0x8086, 0x1572, 0x020000, rev=0x02, svid=0x8086, sdid=0x0007,
                driver='i40e', group=grp, numa=0, cpus=C, irq=0, pin=1, mf=True,
                reset='flr bus',
                caps=[cap_pm(), cap_msi(maskable=True), cap_msix(129),
                      cap_pcie(PCIE_EP, flr=True, speed=3, width=8)],
                ext=[ext_aer(), ext_ari(1 if pf == 0 else 0), ext_dsn(0x3cfdfeffffa0b1c0 + pf),
                     ext_sriov(64, numvfs, offset, 1, 0x154c), ext_acs(cap=0x0040, ctl=0)],
                bars=[(0x38bffa000000 + pf * 0x1000000, 0x1000000, 'mem64pref'),
                      (0x38bffc008000 + pf * 0x8000, 0x8000, 'mem64pref')],
                extra=[('sriov_totalvfs', '64'), ('sriov_numvfs', str(numvfs)),
                       ('sriov_offset', str(offset)), ('sriov_stride', '1'),
                       ('sriov_vf_device', '154c'), ('sriov_drivers_autoprobe', '1'),
                       ('sriov_vf_total_msix', '0')])
        for k, v in virt:
            d.l(k, v)
        net(fx, d.path, 'ens1f%d' % pf, 4 + pf, '3c:fd:fe:a0:b1:c%d' % pf,
            'up' if pf == 0 else 'down', 10000)
        if pf == 0:
            vfs = [v[1][3:] for v in virt]
    for i, vaddr in enumerate(vfs):
        d = pci(fx, rp3, vaddr, 0x8086, 0x154c, 0x020000, rev=0x02, svid=0x8086, sdid=0x0000,
                driver='iavf', group=23 + i, numa=0, cpus=C, irq=0, pin=0, reset='flr',
                vf=True,
                caps=[cap_msix(5), cap_pcie(PCIE_EP, flr=True, speed=3, width=8)],
                ext=[ext_aer(), ext_ari(0)],
                bars=[(0x38bffc000000 + i * 0x10000, 0x10000, 'mem64pref'),
                      (0x38bffc100000 + i * 0x4000, 0x4000, 'mem64pref')])
        d.l('physfn', '../0000:3b:00.0')
        net(fx, d.path, 'ens1f0v%d' % i, 10 + i, '0a:5e:11:00:00:%02x' % i, 'down', 10000)
    fx.write(os.path.join(OUT, 'sriov-nic.umockdev'))

    files = {
        'proc/cmdline': 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=/dev/mapper/vg0-root ro intel_iommu=on\n',
        'proc/self/mountinfo': MOUNT_BASE +
            '28 1 253:0 / / rw,relatime shared:1 - ext4 /dev/mapper/vg0-root rw,errors=remount-ro\n' +
            MOUNT_TAIL,
        'proc/swaps': SWAPS_HDR,
        'proc/net/route': ROUTE_HDR,
        'proc/net/if_inet6': if_inet6([(4, '3c:fd:fe:a0:b1:c0', 'ens1f0')]),
        'proc/net/fib_trie': 'Main:\n  +-- 0.0.0.0/0 1 0 0\nLocal:\n  +-- 0.0.0.0/0 1 0 0\n',
        'proc/interrupts': interrupts(72, True, [
            (25, '14680064', 'PCIe PME, aerdrv'), (30, '31457280', 'PCIe PME, aerdrv'),
            (31, '31981568', 'i40e-0000:3b:00.0:misc'), (32, '31981569', 'i40e-ens1f0-TxRx-0'),
            (33, '31983616', 'i40e-0000:3b:00.1:misc'), (34, '31997952', 'iavf-0000:3b:02.0:mbx')]),
    }
    files.update(vfio_loaded())
    files.update(modules_dep())
    extra('sriov-nic', files)


# ====================================================================== 4
def iommu_off():
    fx = Fixture('iommu-off')
    R = '/devices/pci0000:00'
    C = '0-11'
    pci(fx, R, '0000:00:00.0', 0x1022, 0x1480, 0x060000, svid=0x1849, sdid=0x1480, cpus=C, irq=0,
        pin=0)
    pci(fx, R, '0000:00:01.0', 0x1022, 0x1482, 0x060000, cpus=C, irq=0, pin=0, mf=True)
    rp1 = root_port(fx, R, '0000:00:01.1', 0x1022, 0x1483, 0x01, cpus=C, svid=0x1849,
                    sdid=0x1453, speed=3, width=16, irq=26, slotnr=1, mf=True).path
    rp2 = root_port(fx, R, '0000:00:01.2', 0x1022, 0x1483, 0x02, cpus=C, svid=0x1849,
                    sdid=0x1453, speed=2, width=1, irq=27, slotnr=2).path
    pci(fx, rp1, '0000:01:00.0', 0x1002, 0x67df, 0x030000, rev=0xe7, svid=0x1da2, sdid=0xe366,
        driver='amdgpu', mf=True, boot_vga=True, reset='bus', cpus=C, irq=52,
        caps=[cap_vendor(0x10), cap_pm(), cap_pcie(PCIE_LEGACY, speed=3, width=16), cap_msi()],
        bars=[(0xe0000000, 0x10000000, 'mem64pref'), (0xf0000000, 0x200000, 'mem64pref'),
              (0xe000, 0x100, 'io'), (0xfcc00000, 0x40000, 'mem32')])
    pci(fx, rp1, '0000:01:00.1', 0x1002, 0xaaf0, 0x040300, svid=0x1da2, sdid=0xaaf0,
        driver='snd_hda_intel', reset='bus', cpus=C, irq=53, pin=2,
        caps=[cap_vendor(0x10), cap_pm(), cap_pcie(PCIE_LEGACY, speed=3, width=16), cap_msi()],
        bars=[(0xfcc60000, 0x4000, 'mem64')])
    nic = pci(fx, rp2, '0000:02:00.0', 0x10ec, 0x8168, 0x020000, rev=0x15, svid=0x1849,
              sdid=0x8168, driver='r8169', reset='bus', cpus=C, irq=40,
              caps=[cap_pm(d1d2=True), cap_msi(), cap_pcie(PCIE_EP, speed=1, width=1),
                    cap_msix(4)],
              bars=[(0xf000, 0x100, 'io'), (0xfcb04000, 0x1000, 'mem64'),
                    (0xfcb00000, 0x4000, 'mem64')]).path
    net(fx, nic, 'enp2s0', 2, '70:85:c2:aa:bb:cc', 'up', 1000)
    pci(fx, R, '0000:00:08.0', 0x1022, 0x1482, 0x060000, cpus=C, irq=0, pin=0, mf=True)
    rp8 = pci(fx, R, '0000:00:08.1', 0x1022, 0x1484, 0x060400, driver='pcieport', cpus=C,
              irq=28, bus=(0x00, 0x03, 0x03),
              caps=[cap_pcie(PCIE_ROOT, speed=4, width=16), cap_msi(), cap_pm()]).path
    x = pci(fx, rp8, '0000:03:00.0', 0x1022, 0x149c, 0x0c0330, svid=0x1849, sdid=0xffff,
            driver='xhci_hcd', reset='pm', cpus=C, irq=60,
            caps=[cap_vendor(0x10), cap_pm(), cap_pcie(PCIE_EP, speed=4, width=16), cap_msi(),
                  cap_msix(8)],
            bars=[(0xfc900000, 0x100000, 'mem64')]).path
    u1, _ = root_hub(fx, x, 1, '480', 4, '0000:03:00.0')
    usb_device(fx, u1.path, '1-1', 1, 2, 0x046d, 0xc077, 0x7200, '1.5', manufacturer='Logitech',
               product='USB Optical Mouse', ifaces=[(3, 1, 2, 1, HID_MOUSE, 'usbhid')],
               maxpower=100, removable='removable')
    root_hub(fx, x, 2, '5000', 4, '0000:03:00.0')
    fx.write(os.path.join(OUT, 'iommu-off.umockdev'))
    extra('iommu-off', {
        'proc/cmdline': 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=UUID=4f1c2b7a-0d1e-4c55-9a1e-2f3b4c5d6e7f ro quiet splash\n',
        'proc/self/mountinfo': MOUNT_BASE +
            '28 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw,errors=remount-ro\n' + MOUNT_TAIL,
        'proc/swaps': SWAPS_HDR,
        'proc/net/route': ROUTE_HDR +
            route_line('enp2s0', '00000000', '0100A8C0', 3, 100, '00000000') +
            route_line('enp2s0', '0000A8C0', '00000000', 1, 100, '00FFFFFF'),
        'proc/net/if_inet6': if_inet6([(2, '70:85:c2:aa:bb:cc', 'enp2s0')]),
        'proc/net/fib_trie': fib_trie('192.168.0.42', 24),
        'proc/interrupts': interrupts(12, False, [
            (26, '4096', 'PCIe PME'), (27, '4608', 'PCIe PME'), (40, '1048576', 'enp2s0'),
            (52, '524288', 'amdgpu'), (53, '526336', 'snd_hda_intel:card0'),
            (60, '1572864', 'xhci_hcd')]),
        'proc/sys/kernel/osrelease': KVER + '\n',
    })


# ====================================================================== 5
def vmd_domain():
    fx = Fixture('vmd-domain')
    R = '/devices/pci0000:00'
    C = '0-19'
    dmar(fx, 0)
    dmar(fx, 1)
    pci(fx, R, '0000:00:00.0', 0x8086, 0x4668, 0x060000, rev=0x02, svid=0x1043, sdid=0x8882,
        group=0, cpus=C, irq=0, pin=0, caps=[cap_vendor(12)])
    pci(fx, R, '0000:00:02.0', 0x8086, 0x4680, 0x030000, rev=0x0c, svid=0x1043, sdid=0x8882,
        driver='i915', group=1, boot_vga=True, reset='flr', cpus=C, irq=150,
        caps=[cap_vendor(12), cap_pcie(PCIE_RCIEP, flr=True, speed=1, width=1), cap_msi(),
              cap_pm()],
        bars=[(0x6000000000, 0x1000000, 'mem64'), (0x4000000000, 0x10000000, 'mem64pref'),
              (0x5000, 0x40, 'io')])
    vmd = pci(fx, R, '0000:00:0e.0', 0x8086, 0x467f, 0x010400, svid=0x1043, sdid=0x8882,
              driver='vmd', group=3, cpus=C, irq=0, pin=0,
              caps=[cap_pcie(PCIE_RCIEP, speed=1, width=1), cap_msix(64), cap_pm()],
              bars=[(0x6002000000, 0x2000000, 'mem64'), (0x72000000, 0x2000000, 'mem32'),
                    (0x6001100000, 0x100000, 'mem64')]).path
    D = vmd + '/pci10000:e0'
    rp = root_port(fx, D, '10000:e0:06.0', 0x8086, 0x464d, 0xe1, group=3, rev=0x02,
                   svid=0x1043, sdid=0x8882, speed=4, width=4, irq=0, slotnr=6, cpus=C).path
    nv = pci(fx, rp, '10000:e1:00.0', 0x144d, 0xa80a, 0x010802, svid=0x144d, sdid=0xa801,
             driver='nvme', group=3, reset='flr bus', cpus=C, irq=0,
             caps=[cap_pm(), cap_msi(), cap_pcie(PCIE_EP, flr=True, speed=4, width=4),
                   cap_msix(130)],
             ext=[ext_aer(), ext_dsn(0x0025384b21a00001)],
             bars=[(0x72000000, 0x4000, 'mem64')]).path
    nvme(fx, nv, 0, 'Samsung SSD 980 PRO 1TB', 'S5GXNX0T123456B', '5B2QGXA7', 1953525168,
         parts=[(1, 2048, 1048576), (2, 1050624, 1952472064)], addr='10000:e1:00.0')
    x = pci(fx, R, '0000:00:14.0', 0x8086, 0x7ae0, 0x0c0330, rev=0x11, svid=0x1043, sdid=0x8882,
            driver='xhci_hcd', group=2, reset='pm', cpus=C, irq=140,
            caps=[cap_pm(pme=0x19), cap_msi()], bars=[(0x6001200000, 0x10000, 'mem64')]).path
    root_hub(fx, x, 1, '480', 16, '0000:00:14.0')
    root_hub(fx, x, 2, '20000', 10, '0000:00:14.0')
    rp1c = root_port(fx, R, '0000:00:1c.0', 0x8086, 0x7ab8, 0x03, group=4, rev=0x11,
                     svid=0x1043, sdid=0x8882, speed=2, width=1, irq=122, slotnr=9, cpus=C).path
    nic = pci(fx, rp1c, '0000:03:00.0', 0x8086, 0x15f3, 0x020000, rev=0x03, svid=0x1043,
              sdid=0x87d2, driver='igc', group=5, reset='flr bus', cpus=C, irq=16,
              caps=[cap_pm(), cap_msi(maskable=True), cap_msix(5),
                    cap_pcie(PCIE_EP, flr=True, speed=2, width=1)],
              ext=[ext_aer(), ext_dsn(0x244bfeffff5a6b7c)],
              bars=[(0x74300000, 0x100000, 'mem32'), (0x74400000, 0x4000, 'mem32')]).path
    net(fx, nic, 'enp3s0', 2, '24:4b:fe:5a:6b:7c', 'up', 2500)
    fx.write(os.path.join(OUT, 'vmd-domain.umockdev'))
    files = {
        'proc/cmdline': 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=/dev/nvme0n1p2 ro quiet intel_iommu=on\n',
        'proc/self/mountinfo': MOUNT_BASE +
            '28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro\n' +
            MOUNT_TAIL +
            '45 28 259:1 / /boot/efi rw,relatime shared:30 - vfat /dev/nvme0n1p1 rw,fmask=0077,dmask=0077\n',
        'proc/swaps': SWAPS_HDR,
        'proc/net/route': ROUTE_HDR +
            route_line('enp3s0', '00000000', '0101A8C0', 3, 100, '00000000') +
            route_line('enp3s0', '0001A8C0', '00000000', 1, 100, '00FFFFFF'),
        'proc/net/if_inet6': if_inet6([(2, '24:4b:fe:5a:6b:7c', 'enp3s0')]),
        'proc/net/fib_trie': fib_trie('192.168.1.77', 24),
        'proc/interrupts': interrupts(20, True, [
            (122, '458752', 'PCIe PME'), (124, '229376', 'vmd0'), (125, '229377', 'vmd1'),
            (140, '327680', 'xhci_hcd'), (150, '32768', 'i915'), (16, '1572864', 'enp3s0')]),
    }
    files.update(vfio_loaded())
    files.update(modules_dep())
    extra('vmd-domain', files)


# ====================================================================== 6
HOSTILE_PRODUCT = (b'\x1b]0;pwned\x07\x1b[2J,id=x \'single\' "double" <b>&amp;\n'
                   b'second line \xff')
HOSTILE_MANUFACTURER = b'$(reboot) `id` ; rm -rf / #'
HOSTILE_SERIAL = b',hostbus=1\tSN123'


def hostile_usb():
    fx = Fixture('hostile-usb')
    R = '/devices/pci0000:00'
    C = '0-7'
    dmar(fx, 0)
    pci(fx, R, '0000:00:00.0', 0x8086, 0x3ec2, 0x060000, rev=0x0d, svid=0x1458, sdid=0x5000,
        driver='skl_uncore', group=0, caps=[cap_vendor(12)], irq=0, pin=0, cpus=C)
    x = pci(fx, R, '0000:00:14.0', 0x8086, 0xa36d, 0x0c0330, rev=0x10, svid=0x1458, sdid=0x5007,
            driver='xhci_hcd', group=3, reset='pm', irq=125, cpus=C,
            caps=[cap_pm(pme=0x19), cap_msi()], bars=[(0xdf300000, 0x10000, 'mem64')]).path
    u1, _ = root_hub(fx, x, 1, '480', 16, '0000:00:14.0')
    usb_device(fx, u1.path, '1-2', 1, 4, 0x1234, 0x5678, 0x0100, '12',
               manufacturer=HOSTILE_MANUFACTURER, product=HOSTILE_PRODUCT,
               serial=HOSTILE_SERIAL, ifaces=[(3, 0, 0, 1, HID_MOUSE, 'usbhid')], maxpower=100,
               removable='removable')
    usb_device(fx, u1.path, '1-3', 1, 5, 0x046d, 0xc52b, 0x1211, '12',
               ifaces=[(3, 1, 1, 1, HID_KBD, 'usbhid'), (3, 1, 2, 1, HID_MOUSE, 'usbhid'),
                       (3, 0, 0, 1, HID_MOUSE, 'usbhid')],
               maxpower=98, removable='removable')
    root_hub(fx, x, 2, '10000', 10, '0000:00:14.0')
    fx.write(os.path.join(OUT, 'hostile-usb.umockdev'))
    files = {
        'proc/cmdline': 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro intel_iommu=on\n',
        'proc/self/mountinfo': MOUNT_BASE +
            '28 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n' + MOUNT_TAIL,
        'proc/swaps': SWAPS_HDR,
        'proc/interrupts': interrupts(8, True, [(125, '327680', 'xhci_hcd')]),
        'proc/sys/kernel/osrelease': KVER + '\n',
    }
    files.update(vfio_loaded())
    extra('hostile-usb', files)


# ====================================================================== 7
def multi_root():
    fx = Fixture('multi-root')
    cpus = ['0-15', '16-31', '32-47', '48-63']

    def rc(bus, node, group):
        R = '/devices/pci0000:%02x' % bus
        pci(fx, R, '0000:%02x:00.0' % bus, 0x1022, 0x1480, 0x060000, svid=0x1022, sdid=0x1480,
            group=group, numa=node, cpus=cpus[node], irq=0, pin=0)
        return R

    R = rc(0x00, 0, 0)
    rp = root_port(fx, R, '0000:00:01.1', 0x1022, 0x1483, 0x01, group=1, numa=0, cpus=cpus[0],
                   svid=0x1022, sdid=0x1453, speed=3, width=4, irq=26, slotnr=1).path
    nv = pci(fx, rp, '0000:01:00.0', 0x144d, 0xa808, 0x010802, svid=0x144d, sdid=0xa801,
             driver='nvme', group=2, numa=0, cpus=cpus[0], reset='flr bus', irq=30,
             caps=[cap_pm(), cap_msi(), cap_pcie(PCIE_EP, flr=True, speed=3, width=4),
                   cap_msix(33)],
             ext=[ext_aer(), ext_dsn(0x0025385b71b00002)],
             bars=[(0xf6e00000, 0x4000, 'mem64')]).path
    nvme(fx, nv, 0, 'Samsung SSD 970 PRO 512GB', 'S463NF0K123456C', '1B2QEXP7', 1000215216,
         parts=[(1, 2048, 1048576), (2, 1050624, 999162511)])

    R = rc(0x40, 1, 3)
    rp = root_port(fx, R, '0000:40:01.1', 0x1022, 0x1483, 0x41, group=4, numa=1, cpus=cpus[1],
                   svid=0x1022, sdid=0x1453, speed=3, width=16, irq=40, slotnr=2).path
    for fn in (0, 1):
        d = pci(fx, rp, '0000:41:00.%d' % fn, 0x15b3, 0x1017, 0x020000, svid=0x15b3,
                sdid=0x0007, driver='mlx5_core', group=5 + fn, numa=1, cpus=cpus[1],
                reset='flr bus', irq=0, pin=1 + fn, mf=True,
                caps=[cap_pcie(PCIE_EP, flr=True, speed=3, width=16), cap_vendor(0x18),
                      cap_msix(64), cap_pm()],
                ext=[ext_aer(), ext_ari(1 if fn == 0 else 0), ext_acs(cap=0x0040, ctl=0)],
                bars=[(0x21fe000000 + fn * 0x2000000, 0x2000000, 'mem64pref')]).path
        net(fx, d, 'enp65s0f%dnp%d' % (fn, fn), 3 + fn, 'b8:59:9f:01:02:0%d' % fn,
            'up' if fn == 0 else 'down', 25000)

    R = rc(0x80, 2, 7)
    rp = root_port(fx, R, '0000:80:01.1', 0x1022, 0x1483, 0x81, sub=0x82, group=8, numa=2,
                   cpus=cpus[2], svid=0x1022, sdid=0x1453, speed=2, width=1, irq=50,
                   slotnr=3).path
    br = pci(fx, rp, '0000:81:00.0', 0x1b21, 0x1080, 0x060401, rev=0x04, group=9, numa=2,
             cpus=cpus[2], irq=0, pin=0, bus=(0x81, 0x82, 0x82),
             caps=[cap_msi(), cap_pm(), cap_pcie(PCIE_TO_PCI, speed=1, width=1),
                   cap_ssvid(0x1849, 0x1080)], ext=[ext_aer()]).path
    pci(fx, br, '0000:82:00.0', 0x1102, 0x0002, 0x040100, rev=0x0a, svid=0x1102, sdid=0x8064,
        driver='snd_emu10k1', group=9, numa=2, cpus=cpus[2], irq=51,
        caps=[cap_pm(d1d2=True)], bars=[(0xb000, 0x20, 'io')], dma_bits=31)
    nic = pci(fx, br, '0000:82:01.0', 0x10ec, 0x8139, 0x020000, rev=0x10, svid=0x10ec,
              sdid=0x8139, driver='8139too', group=9, numa=2, cpus=cpus[2], irq=52, pin=2,
              caps=[cap_pm(d1d2=True)],
              bars=[(0xa000, 0x100, 'io'), (0xf6800000, 0x100, 'mem32')], dma_bits=32).path
    net(fx, nic, 'enp130s1', 5, '00:e0:4c:81:39:01', 'down', 100)

    R = rc(0xc0, 3, 10)
    rp = root_port(fx, R, '0000:c0:01.1', 0x1022, 0x1483, 0xc1, group=11, numa=3, cpus=cpus[3],
                   svid=0x1022, sdid=0x1453, speed=3, width=8, irq=60, slotnr=4).path
    full = pci_config(0x14e4, 0x16d8, 0x020000, 0x01, 0x14e4, 0x4163,
                      caps=[cap_pm(), cap_pcie(PCIE_EP, flr=True, speed=3, width=8)])
    pci(fx, rp, '0000:c1:00.0', 0x14e4, 0x16d8, 0x020000, rev=0x01, svid=0x14e4, sdid=0x4163,
        driver='bnxt_en', group=12, numa=3, cpus=cpus[3], reset='flr bus', irq=61,
        cfg=full[:10], bars=[(0x38bff0000000, 0x10000, 'mem64pref')])
    rp = root_port(fx, R, '0000:c0:03.1', 0x1022, 0x1483, 0xc2, group=13, numa=3, cpus=cpus[3],
                   svid=0x1022, sdid=0x1453, speed=3, width=16, irq=62, slotnr=5).path
    pci(fx, rp, '0000:c2:00.0', 0x10de, 0x1e87, 0x030000, rev=0xa1, svid=0x10de, sdid=0x12b0,
        group=14, numa=3, cpus=cpus[3], boot_vga=False, reset='bus', irq=255,
        cfg=ff_config(256), mf=True,
        bars=[(0xf4000000, 0x1000000, 'mem32'), (0x38a000000000, 0x10000000, 'mem64pref')])
    fx.write(os.path.join(OUT, 'multi-root.umockdev'))
    files = {
        'proc/cmdline': 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=/dev/nvme0n1p2 ro amd_iommu=on\n',
        'proc/self/mountinfo': MOUNT_BASE +
            '28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw\n' + MOUNT_TAIL,
        'proc/swaps': SWAPS_HDR,
        'proc/net/route': ROUTE_HDR +
            route_line('enp65s0f0np0', '00000000', '0100000A', 3, 0, '00000000') +
            route_line('enp65s0f0np0', '0000000A', '00000000', 1, 0, '00FFFFFF'),
        'proc/net/if_inet6': if_inet6([(3, 'b8:59:9f:01:02:00', 'enp65s0f0np0')]),
        'proc/net/fib_trie': fib_trie('10.0.0.31', 24),
        'proc/interrupts': interrupts(64, True, [
            (26, '4096', 'PCIe PME, aerdrv'), (30, '524288', 'nvme0q0'),
            (40, '33558528', 'PCIe PME, aerdrv'), (41, '34078720', 'mlx5_async0@pci:0000:41:00.0'),
            (50, '67112960', 'PCIe PME, aerdrv'), (60, '100667392', 'PCIe PME, aerdrv'),
            (61, '101187584', 'bnxt_en-TxRx-0')]),
    }
    files.update(vfio_loaded())
    files.update(modules_dep())
    extra('multi-root', files)


# ====================================================================== mdev / SR-IOV
# NVIDIA-style vGPU types (T4 profiles; name/description/device_api as the vendor driver
# publishes them under mdev_supported_types, see SYNTHETIC.md for the sources).
T4_TYPES = [
    # (type id, name, framebuffer MiB, heads, max resolution, max instances, available)
    ('nvidia-222', 'GRID T4-1B', 1024, 4, '5120x2880', 16, 16),
    ('nvidia-223', 'GRID T4-2B', 2048, 4, '5120x2880', 8, 8),
    ('nvidia-230', 'GRID T4-16Q', 16384, 4, '7680x4320', 1, 1),
    ('nvidia-231', 'GRID T4-1A', 1024, 1, '1280x1024', 16, 16),
    ('nvidia-234', 'GRID T4-16A', 16384, 1, '1280x1024', 1, 0),
]


def mdev_types(d, types):
    for tid, name, desc, api, avail in types:
        d.a('mdev_supported_types/%s/name' % tid, name)
        d.a('mdev_supported_types/%s/description' % tid, desc)
        d.a('mdev_supported_types/%s/device_api' % tid, api)
        d.a('mdev_supported_types/%s/available_instances' % tid, str(avail))


def mdev_dev(fx, parent, uuid, tid, group, driver='vfio_mdev'):
    d = fx.dev(parent + '/' + uuid).e('MDEV_TYPE', tid).e('DRIVER', driver).e('SUBSYSTEM', 'mdev')
    d.l('mdev_type', '../mdev_supported_types/' + tid)
    d.l('iommu_group', '/kernel/iommu_groups/%d' % group)
    d.l('driver', '/bus/mdev/drivers/' + driver)
    return d


def vgpu_host():
    """NVIDIA-style vGPU host: a Tesla T4 offering vGPU types, and an X710 PF with 0 of 64 VFs."""
    fx = Fixture('vgpu-host')
    R0, R3 = '/devices/pci0000:00', '/devices/pci0000:3a'
    C = '0-15'
    dmar(fx, 0)
    pci(fx, R0, '0000:00:00.0', 0x8086, 0x2020, 0x060000, rev=0x04, svid=0x15d9, sdid=0x095d,
        group=0, numa=0, cpus=C, irq=0, pin=0, caps=[cap_pcie(PCIE_ROOT, speed=3, width=4)])
    rp = root_port(fx, R0, '0000:00:01.0', 0x8086, 0x2030, 0x01, group=1, numa=0, cpus=C,
                   rev=0x04, svid=0x15d9, sdid=0x095d, speed=3, width=16, irq=26, slotnr=1).path
    gpu = pci(fx, rp, '0000:01:00.0', 0x10de, 0x1eb8, 0x030200, rev=0xa1, svid=0x10de, sdid=0x12a2,
              driver='nvidia', group=2, numa=0, cpus=C, irq=40, reset='flr bus', boot_vga=False,
              caps=[cap_pm(), cap_msi(), cap_pcie(PCIE_EP, flr=True, speed=3, width=16)],
              bars=[(0xde000000, 0x1000000, 'mem32'), (0x38bfe0000000, 0x10000000, 'mem64pref'),
                    (0x38bff0000000, 0x2000000, 'mem64pref')])
    mdev_types(gpu, [(t, n, 'num_heads=%d, frl_config=%d, framebuffer=%dM, max_resolution=%s, max_instance=%d'
                      % (h, 45 if n.endswith('Q') or n.endswith('B') else 60, fb, res, mx), 'vfio-pci', av)
                     for t, n, fb, h, res, mx, av in T4_TYPES])
    rp3 = root_port(fx, R3, '0000:3a:00.0', 0x8086, 0x2030, 0x3b, group=20, numa=0, cpus=C,
                    rev=0x04, svid=0x15d9, sdid=0x095d, speed=3, width=8, irq=30, ari=True,
                    slotnr=4).path
    d = pci(fx, rp3, '0000:3b:00.0', 0x8086, 0x1572, 0x020000, rev=0x02, svid=0x8086, sdid=0x0007,
            driver='i40e', group=21, numa=0, cpus=C, irq=0, pin=1, reset='flr bus',
            caps=[cap_pm(), cap_msi(maskable=True), cap_msix(129),
                  cap_pcie(PCIE_EP, flr=True, speed=3, width=8)],
            ext=[ext_aer(), ext_ari(0), ext_dsn(0x3cfdfeffffa0b2c0),
                 ext_sriov(64, 0, 16, 1, 0x154c), ext_acs(cap=0x0040, ctl=0)],
            bars=[(0x38bffa000000, 0x1000000, 'mem64pref'), (0x38bffc008000, 0x8000, 'mem64pref')],
            extra=[('sriov_totalvfs', '64'), ('sriov_numvfs', '0'), ('sriov_offset', '16'),
                   ('sriov_stride', '1'), ('sriov_vf_device', '154c'),
                   ('sriov_drivers_autoprobe', '1'), ('sriov_vf_total_msix', '0')])
    net(fx, d.path, 'ens2f0', 4, '3c:fd:fe:a0:b2:c0', 'down', 10000)
    fx.write(os.path.join(OUT, 'vgpu-host.umockdev'))
    files = {
        'proc/cmdline': 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=/dev/mapper/vg0-root ro intel_iommu=on\n',
        'proc/self/mountinfo': MOUNT_BASE +
            '28 1 253:0 / / rw,relatime shared:1 - ext4 /dev/mapper/vg0-root rw,errors=remount-ro\n' +
            MOUNT_TAIL,
        'proc/swaps': SWAPS_HDR,
        'proc/net/route': ROUTE_HDR,
        'proc/net/if_inet6': '',
        'proc/net/fib_trie': 'Main:\n  +-- 0.0.0.0/0 1 0 0\nLocal:\n  +-- 0.0.0.0/0 1 0 0\n',
        'proc/interrupts': interrupts(16, True, [(26, '524288', 'PCIe PME, aerdrv'),
                                                 (40, '1048576', 'nvidia')]),
    }
    # iavf, the X710's VF driver, is loaded (no VF yet): its driver directory exists
    for f in ('bind', 'unbind', 'new_id', 'remove_id'):
        files['sys/bus/pci/drivers/iavf/' + f] = ''
    files['sys/module/iavf/initstate'] = 'live\n'
    files.update(vfio_loaded())
    files.update(modules_dep())
    extra('vgpu-host', files)


GVT_TYPES = [
    # (type id, name, low_gm MB, high_gm MB, fence, resolution, weight, available)
    ('i915-GVTg_V5_4', 'GVTg_V5_4', 128, 512, 4, '1920x1200', 4, 1),
    ('i915-GVTg_V5_8', 'GVTg_V5_8', 64, 384, 4, '1024x768', 2, 2),
]
GVT_MDEV = '4b20d080-1b54-4048-85b3-a6a62d165c01'


def gvtg_host():
    """Intel GVT-g: the UHD 630 iGPU on i915 offers two types; one mdev exists already."""
    fx = Fixture('gvtg-host')
    R = '/devices/pci0000:00'
    C = '0-7'
    dmar(fx, 0)
    dmar(fx, 1)
    pci(fx, R, '0000:00:00.0', 0x8086, 0x3ec2, 0x060000, rev=0x0d, svid=0x1458, sdid=0x5000,
        driver='skl_uncore', group=0, caps=[cap_vendor(12)], irq=0, pin=0, cpus=C)
    g = pci(fx, R, '0000:00:02.0', 0x8086, 0x3e92, 0x030000, rev=0x02, svid=0x1458, sdid=0xd000,
            driver='i915', group=1, boot_vga=True, reset='pm', irq=135, cpus=C,
            caps=[cap_vendor(12), cap_pcie(PCIE_RCIEP, flr=False, speed=1, width=1), cap_msi(),
                  cap_pm()],
            bars=[(0xde000000, 0x1000000, 'mem64'), (0xc0000000, 0x10000000, 'mem64pref'),
                  (0xf000, 0x40, 'io')])
    mdev_types(g, [(t, n, 'low_gm_size: %dMB\nhigh_gm_size: %dMB\nfence: %d\nresolution: %s\nweight: %d'
                    % (lo, hi, fe, res, w), 'vfio-pci', av) for t, n, lo, hi, fe, res, w, av in GVT_TYPES])
    g.l('mdev_supported_types/i915-GVTg_V5_4/devices/' + GVT_MDEV, '../../../' + GVT_MDEV)
    mdev_dev(fx, g.path, GVT_MDEV, 'i915-GVTg_V5_4', 9)
    pci(fx, R, '0000:00:14.0', 0x8086, 0xa36d, 0x0c0330, rev=0x10, svid=0x1458, sdid=0x5007,
        driver='xhci_hcd', group=2, reset='pm', irq=125, cpus=C,
        caps=[cap_pm(d1d2=False, pme=0x19), cap_msi()], bars=[(0xdf300000, 0x10000, 'mem64')])
    fx.write(os.path.join(OUT, 'gvtg-host.umockdev'))
    files = {
        'proc/cmdline': 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=/dev/sda2 ro intel_iommu=on i915.enable_gvt=1\n',
        'proc/self/mountinfo': MOUNT_BASE +
            '28 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n' + MOUNT_TAIL,
        'proc/swaps': SWAPS_HDR,
        'proc/net/route': ROUTE_HDR,
        'proc/net/if_inet6': '',
        'proc/net/fib_trie': 'Main:\n  +-- 0.0.0.0/0 1 0 0\nLocal:\n  +-- 0.0.0.0/0 1 0 0\n',
        'proc/interrupts': interrupts(8, True, [(135, '32768', 'i915')]),
    }
    files.update(vfio_loaded())
    files.update(modules_dep())
    extra('gvtg-host', files)


if __name__ == '__main__':
    which = sys.argv[2:] or None
    for name, fn in list(globals().items()):
        if callable(fn) and fn.__module__ == '__main__' and name not in ('extra', 'modules_dep',
                'vfio_loaded', 'dmar', 'route_line', 'ivhd', 'amd_rc', 'interrupts', 'fib_trie', 'if_inet6', 'mdev_types', 'mdev_dev') and not name.startswith('_'):
            if which is None or name.replace('_', '-') in which:
                fn()
