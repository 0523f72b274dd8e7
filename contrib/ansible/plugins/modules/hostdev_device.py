#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: hostdev_device
short_description: Put a device's IOMMU group on vfio-pci, for now or for good
version_added: 0.1.0
description:
  - Drives C(hostdev) on the managed host for one device (a PCI function for
    the desired states).
  - I(state=persisted) adds an address entry for the device to
    C(/etc/hostdev.conf) (C(hostdev persist --no-apply)) and then applies it
    to that device's IOMMU group (C(hostdev apply --device)), so the group is on
    vfio-pci now and after every boot.
  - I(state=forgotten) removes the device's address entry (C(hostdev forget
    --no-apply)) and applies, which gives a group hostdev bound back to its
    original drivers. A device selected by another entry (vendor/device IDs,
    class) fails, naming the line to edit (use M(hostdev.hostdev.hostdev_config)).
  - I(state=bound) and I(state=unbound) are one-shot C(hostdev bind) and
    C(hostdev unbind), not kept across reboots. The next full C(hostdev apply)
    (M(hostdev.hostdev.hostdev_config), C(hostdev-apply.service)) gives such a
    group back, as it does every group hostdev bound that no entry selects;
    use I(state=persisted) for devices that stay.
  - Before changing anything, the persisted and forgotten states run the
    edit and C(hostdev apply --check) against a scratch copy of the
    configuration, so a device hostdev refuses fails the task before the
    configuration is touched.
  - C(changed) is exact - the configuration files differ, or hostdev wrote to
    sysfs or changed the owner of C(/dev/vfio/N) (C(apply -J) per device
    C(changed), or the writes C(hostdev -v bind) reports).
options:
  device:
    description:
      - The device, as C(hostdev) names it - a PCI address (C(0000:01:00.0),
        C(01:00.0)) or a node-device name (C(pci_0000_01_00_0)).
    type: str
    required: true
    aliases: [name]
  state:
    description:
      - C(persisted) - configured in hostdev.conf and on vfio-pci.
      - C(forgotten) - not configured by address; given back if hostdev bound it.
      - C(bound) - on vfio-pci until unbound or reboot (C(hostdev bind)).
      - C(unbound) - given back to the drivers recorded at bind (C(hostdev unbind)).
    type: str
    choices: [bound, unbound, persisted, forgotten]
    default: persisted
  owner:
    description:
      - C(USER[:GROUP]) to own C(/dev/vfio/N), for an unprivileged QEMU
        (C(owner=) of the entry, or C(bind --owner)).
    type: str
  note:
    description: A note kept with the configuration entry (I(state=persisted)).
    type: str
  boot:
    description:
      - With C(false) the entry says C(boot=no) - the udev rule and the boot unit
        leave it alone; C(hostdev apply) binds it (I(state=persisted)).
    type: bool
    default: true
  force:
    description:
      - Bind although the judge says the device is not eligible (only errors
        the judge documents as forcible, such as C(boot-vga)); for unbind,
        even while a VM holds the group. Persisted as C(force=yes).
    type: bool
    default: false
  timeout:
    description: Seconds C(hostdev bind) waits for C(/dev/vfio/N) (I(state=bound)).
    type: float
extends_documentation_fragment:
  - hostdev.hostdev.common
attributes:
  check_mode:
    support: full
    description: C(hostdev apply --check) on a scratch copy of the configuration, or C(--dry-run).
  diff_mode:
    support: full
    description: The configuration files before and after, and per device the driver, override and C(/dev/vfio/N) owner before and after.
author:
  - hostdev contributors
'''

EXAMPLES = r'''
- name: The GPU (and its audio function) belongs to VMs, now and after reboots
  hostdev.hostdev.hostdev_device:
    device: "0000:01:00.0"
    owner: libvirt-qemu:kvm
    note: win11 GPU

- name: Give it back to the host for good
  hostdev.hostdev.hostdev_device:
    device: "0000:01:00.0"
    state: forgotten

- name: Bind a NIC for this CI job only
  hostdev.hostdev.hostdev_device:
    device: pci_0000_02_00_0
    state: bound
    timeout: 20

- name: Against a recorded host, to see what would change
  hostdev.hostdev.hostdev_device:
    device: "01:00.0"
    sysroot: /srv/recorded/host1
  check_mode: true
  diff: true
'''

RETURN = r'''
changed:
  description: Whether the configuration or the host changed (would, in check mode).
  type: bool
  returned: always
config_changed:
  description: Whether a configuration file changed (would change).
  type: bool
  returned: state is persisted or forgotten
devices:
  description:
    - The PCI functions C(hostdev apply) changed or failed (would change) - name,
      address, group, action (C(bind), C(unbind)), changed, failed, C(before) and
      C(after) (each with driver, driver_override, vfio_node_owner), message.
    - For bound and unbound, every endpoint of the device's group with its
      driver before and after.
  type: list
  elements: dict
  returned: always
  sample:
    - name: pci_0000_01_00_0
      address: "0000:01:00.0"
      group: 1
      action: bind
      changed: true
      failed: false
      before: {driver: nouveau, driver_override: null, vfio_node_owner: null}
      after: {driver: vfio-pci, driver_override: vfio-pci, vfio_node_owner: "0:0"}
      message: null
writes:
  description: The sysfs writes C(hostdev bind)/C(unbind) made (would make), as C(write PATH "VALUE").
  type: list
  elements: str
  returned: state is bound or unbound
hostdev_warnings:
  description: hostdev's warnings (entries selecting nothing, groups left alone); each is also an Ansible warning.
  type: list
  elements: str
  returned: state is persisted or forgotten
commands:
  description: The hostdev command lines run.
  type: list
  elements: list
  returned: always
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hostdev.hostdev.plugins.module_utils.hostdev import (
    COMMON_ARGS, EXIT_CHANGES, EXIT_OK, Hostdev, apply_summary, report_diffs)


def edit_args(p):
    if p['state'] == 'forgotten':
        return ['forget', '--no-apply', p['device']]
    args = ['persist', '--no-apply']
    if p['owner']:
        args += ['--owner', p['owner']]
    if p['note'] is not None:
        args += ['--note', p['note']]
    if not p['boot']:
        args.append('--no-boot')
    if p['force']:
        args.append('--force')
    return args + [p['device']]


def desired(module, h):
    """persisted / forgotten: edit hostdev.conf, apply the device's group."""
    p = module.params
    apply_args = ['apply', '-J', '--diff', '--device', p['device']]
    before = h.read_config(softdep=True)
    # the edit and the apply, judged on a scratch copy first
    with h.overlay() as ov:
        h.run_ok(edit_args(p), sysroot=ov)
        after = h.read_config(ov, softdep=True)
        rc, report, err = h.json(apply_args[:1] + ['--check'] + apply_args[1:],
                                 ok=(EXIT_OK, EXIT_CHANGES), sysroot=ov)
    if not module.check_mode:
        h.run_ok(edit_args(p))
        after = h.read_config(softdep=True)
        rc, report, err = h.json(apply_args)
    diffs = report_diffs(module, before, after, report)
    config_changed = before != after
    return dict(changed=config_changed or report.get('changed', 0) > 0,
                config_changed=config_changed, devices=apply_summary(report),
                hostdev_warnings=report.get('warnings', []), diff=diffs)


def group_of(h, device):
    """The endpoints of DEVICE's IOMMU group: [(address, driver)], from list -J."""
    rc, shown, err = h.json(['show', '-J', device])
    devs = shown.get('devices') or [{}]
    group = devs[0].get('iommu_group')
    if group is None:
        return [(devs[0].get('address') or devs[0].get('name'), devs[0].get('driver'))]
    rc, listed, err = h.json(['list', '-J', '--type', 'pci'])
    return [(d['address'], d.get('driver')) for d in listed.get('devices', [])
            if d.get('iommu_group') == group and not (d.get('class') or '').startswith('06')]


def text_of(members):
    return ''.join('%s: driver=%s\n' % (a, drv or 'none') for a, drv in members)


def oneshot(module, h):
    """bound / unbound: hostdev bind / unbind, changed when it writes."""
    p = module.params
    bind = p['state'] == 'bound'
    args = ['bind' if bind else 'unbind']
    if bind and p['owner']:
        args += ['--owner', p['owner']]
    if bind and p['timeout'] is not None:
        args += ['--timeout', '%g' % p['timeout']]
    if p['force']:
        args.append('--force')
    before = group_of(h, p['device'])
    if module.check_mode:
        rc, out, err = h.run_ok(args + ['--dry-run', p['device']])
        writes = [l for l in out.splitlines() if l.startswith('write ')]
        if not writes:
            after = before
        elif bind:
            after = [(a, 'vfio-pci') for a, drv in before]
        else:
            rc, st, err = h.json(['status', '-J'])
            orig = dict((d['address'], d.get('original_driver')) for d in st.get('devices', [])
                        if d.get('bound_by_hostdev'))
            after = [(a, orig.get(a, drv)) for a, drv in before]
    else:
        rc, out, err = h.run_ok(args + [p['device']], verbose=True)
        writes = [l[len('hostdev: '):] for l in err.splitlines() if l.startswith('hostdev: write ')]
        after = group_of(h, p['device'])
    devices = [dict(address=a, before=dict(driver=b), after=dict(driver=c),
                    changed=b != c) for (a, b), (x, c) in zip(before, after)]
    diff = dict(before_header='IOMMU group of %s' % p['device'],
                after_header='IOMMU group of %s' % p['device'],
                before=text_of(before), after=text_of(after))
    return dict(changed=bool(writes), writes=writes, devices=devices, diff=diff)


def main():
    spec = dict(
        device=dict(type='str', required=True, aliases=['name']),
        state=dict(type='str', default='persisted',
                   choices=['bound', 'unbound', 'persisted', 'forgotten']),
        owner=dict(type='str'),
        note=dict(type='str'),
        boot=dict(type='bool', default=True),
        force=dict(type='bool', default=False),
        timeout=dict(type='float'),
    )
    spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    h = Hostdev(module)
    if module.params['state'] in ('persisted', 'forgotten'):
        result = desired(module, h)
    else:
        result = oneshot(module, h)
    if not module._diff:
        result.pop('diff', None)
    result['commands'] = h.commands
    module.exit_json(**result)


if __name__ == '__main__':
    main()
