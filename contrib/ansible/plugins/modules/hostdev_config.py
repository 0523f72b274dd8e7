#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: hostdev_config
short_description: Manage a hostdev.conf drop-in and apply it
version_added: 0.1.0
description:
  - Writes (or removes) one drop-in C(/etc/hostdev.d/NAME.conf) of
    hostdev.conf(5), from a list of entries or verbatim text, atomically, and
    then runs C(hostdev apply) so the host matches the whole configuration.
  - The new file is checked first by C(hostdev) itself - C(hostdev apply --check)
    (or C(hostdev status) with I(apply=false)) on a scratch copy of the
    configuration. A malformed line, or a device C(apply) would refuse, fails
    the task with hostdev's line-numbered message and nothing is written.
  - The modprobe C(softdep) lines hostdev derives from the configuration
    (C(/etc/modprobe.d/hostdev-softdep.conf), C(hostdev softdep --write)) are
    regenerated with it, as C(hostdev persist) does.
  - C(changed) is exact - the file's or the softdep file's bytes differ, or
    C(apply -J) changed a device.
options:
  name:
    description:
      - The drop-in's name, C(/etc/hostdev.d/NAME.conf); C(.conf) is added when
        missing. Letters, digits, C(.), C(_), C(-), C(@); not starting with a dot.
    type: str
    required: true
  state:
    description: C(present) writes the file, C(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  entries:
    description:
      - The entries, one line each (C(KIND SELECTOR [owner=..] [note=..] [boot=no] [force=yes])).
      - Mutually exclusive with I(content).
    type: list
    elements: dict
    suboptions:
      selector:
        description:
          - A PCI address, C(VVVV:DDDD[:SSSS:ssss]) IDs, C(class:CC[SS[PP]]) or
            C(usb:VVVV:PPPP), as hostdev.conf(5) says.
        type: str
        required: true
      kind:
        description: The entry kind (the first word of the line).
        type: str
        default: vfio
      owner:
        description: C(USER[:GROUP]) of C(/dev/vfio/N).
        type: str
      note:
        description: Free text kept with the entry.
        type: str
      boot:
        description: C(false) writes C(boot=no) (the udev rule and the boot unit skip it).
        type: bool
        default: true
      force:
        description: C(true) writes C(force=yes) (bind despite the judge's forcible errors).
        type: bool
        default: false
  content:
    description: The file's text, verbatim (entry kinds this module does not model).
    type: str
  apply:
    description:
      - Run C(hostdev apply) after the change (and judge it in check mode). With
        C(false) the file is only written, after C(hostdev status) has parsed it.
    type: bool
    default: true
extends_documentation_fragment:
  - hostdev.hostdev.common
attributes:
  check_mode:
    support: full
    description: The file is not written; C(hostdev apply --check) judges the new configuration.
  diff_mode:
    support: full
    description: The file before and after, and per device what C(apply) changes.
author:
  - hostdev contributors
'''

EXAMPLES = r'''
- name: Every NVIDIA GPU and the NIC go to VMs
  hostdev.hostdev.hostdev_config:
    name: 50-vms
    entries:
      - selector: "10de:1b80"
        owner: libvirt-qemu:kvm
        note: GPUs for the render VMs
      - selector: "0000:02:00.0"
        boot: false

- name: Verbatim text, applied later by hostdev-apply.service
  hostdev.hostdev.hostdev_config:
    name: 60-class
    content: |
      # 3D controllers
      vfio class:0302
    apply: false

- name: Drop it, giving back what it bound
  hostdev.hostdev.hostdev_config:
    name: 50-vms
    state: absent
'''

RETURN = r'''
changed:
  description: Whether the drop-in, the softdep file or the host changed (would change).
  type: bool
  returned: always
file_changed:
  description: Whether the drop-in's bytes changed (would change).
  type: bool
  returned: always
path:
  description: The drop-in as the host sees it.
  type: str
  returned: always
  sample: /etc/hostdev.d/50-vms.conf
devices:
  description: The PCI functions C(hostdev apply) changed or failed (would change), as in M(hostdev.hostdev.hostdev_device).
  type: list
  elements: dict
  returned: always
hostdev_warnings:
  description: hostdev's warnings (entries selecting no device, ...); each is also an Ansible warning.
  type: list
  elements: str
  returned: always
commands:
  description: The hostdev command lines run.
  type: list
  elements: list
  returned: always
'''

import os
import re
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hostdev.hostdev.plugins.module_utils.hostdev import (
    COMMON_ARGS, CONF_DIR, EXIT_CHANGES, EXIT_OK, Hostdev, apply_summary,
    report_diffs)

HEADER = '# Managed by Ansible (hostdev.hostdev.hostdev_config); local edits are overwritten.\n'
BARE = re.compile(r'^[^\s"#\\]+$')


def quote(v):
    """A value as hostdev.conf writes it: bare when safe, else "..." with \\" and \\\\."""
    if BARE.match(v):
        return v
    return '"%s"' % v.replace('\\', '\\\\').replace('"', '\\"')


def render(module):
    p = module.params
    if p['content'] is not None:
        text = p['content']
        return text if not text or text.endswith('\n') else text + '\n'
    lines = [HEADER]
    for e in p['entries'] or []:
        words = [e['kind'], e['selector']]
        if e.get('owner'):
            words.append('owner=' + quote(e['owner']))
        if e.get('note') is not None:
            words.append('note=' + quote(e['note']))
        if not e.get('boot', True):
            words.append('boot=no')
        if e.get('force'):
            words.append('force=yes')
        lines.append(' '.join(words) + '\n')
    return ''.join(lines)


def put(path, text):
    """Write TEXT to PATH (None: remove) atomically."""
    if text is None:
        if os.path.lexists(path):
            os.unlink(path)
        return
    d = os.path.dirname(path)
    if not os.path.isdir(d):
        os.makedirs(d, 0o755)
    fd, tmp = tempfile.mkstemp(prefix='.', suffix='.tmp', dir=d)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(text.encode('utf-8'))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.rename(tmp, path)
    except Exception:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main():
    entry = dict(selector=dict(type='str', required=True), kind=dict(type='str', default='vfio'),
                 owner=dict(type='str'), note=dict(type='str'),
                 boot=dict(type='bool', default=True), force=dict(type='bool', default=False))
    spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        entries=dict(type='list', elements='dict', options=entry),
        content=dict(type='str'),
        apply=dict(type='bool', default=True),
    )
    spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           mutually_exclusive=[('entries', 'content')])
    p = module.params
    h = Hostdev(module)
    name = p['name'] if p['name'].endswith('.conf') else p['name'] + '.conf'
    if not re.match(r'^[A-Za-z0-9_@-][A-Za-z0-9_.@-]*$', name):
        module.fail_json(msg='name: %r is not a drop-in name (letters, digits, . _ - @)' % p['name'])
    shown = '/etc/%s/%s' % (CONF_DIR, name)
    want = render(module) if p['state'] == 'present' else None

    before = h.read_config(softdep=True)
    # hostdev judges the new configuration on a scratch copy first
    with h.overlay() as ov:
        put(os.path.join(ov, 'etc', CONF_DIR, name), want)
        if p['apply']:
            rc, report, err = h.json(['apply', '--check', '-J', '--diff'],
                                     ok=(EXIT_OK, EXIT_CHANGES), sysroot=ov)
        else:
            h.json(['status', '-J'], sysroot=ov)
            report = {}
        # the modprobe softdep lines follow the configuration (as persist does)
        h.run_ok(['softdep', '--write'], sysroot=ov)
        after = h.read_config(ov, softdep=True)
    file_changed = before.get(shown) != after.get(shown)
    files_changed = before != after
    if not module.check_mode:
        if file_changed:
            put(os.path.join(h.etc(), CONF_DIR, name), want)
        if files_changed:
            h.run_ok(['softdep', '--write'])
        if p['apply']:
            rc, report, err = h.json(['apply', '-J', '--diff'])
    diffs = report_diffs(module, before, after, report)
    result = dict(changed=files_changed or report.get('changed', 0) > 0, file_changed=file_changed,
                  path=shown, devices=apply_summary(report),
                  hostdev_warnings=report.get('warnings', []), commands=h.commands)
    if module._diff:
        result['diff'] = diffs
    module.exit_json(**result)


if __name__ == '__main__':
    main()
