#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: hostdev_facts
short_description: Host devices, IOMMU groups, hostdev status and configuration as facts
version_added: 0.1.0
description:
  - Runs C(hostdev list -J), C(hostdev groups -J) and C(hostdev status -J) on
    the managed host and reads C(/etc/hostdev.conf) and C(/etc/hostdev.d/*.conf),
    and sets them as the fact C(ansible_facts.hostdev), for inventories and
    for choosing devices in later tasks.
  - Changes nothing. A malformed configuration does not fail the task - it is
    reported as C(config.valid=false) with hostdev's line-numbered errors,
    and C(status) is then empty.
options:
  gather:
    description: What to gather; fewer parts, fewer C(hostdev) runs.
    type: list
    elements: str
    choices: [devices, groups, status, config]
    default: [devices, groups, status, config]
extends_documentation_fragment:
  - hostdev.hostdev.common
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: Nothing changes.
  facts:
    support: full
    description: Sets C(ansible_facts.hostdev).
author:
  - hostdev contributors
'''

EXAMPLES = r'''
- name: Inventory of passthrough devices
  hostdev.hostdev.hostdev_facts:

- name: The addresses of the host's display controllers (PCI class 03)
  ansible.builtin.debug:
    msg: "{{ ansible_facts.hostdev.devices | selectattr('class', 'defined')
             | selectattr('class', 'match', '03') | map(attribute='address') | list }}"

- name: Only the IOMMU groups, on a recorded host
  hostdev.hostdev.hostdev_facts:
    gather: [groups]
    sysroot: /srv/recorded/host1
'''

RETURN = r'''
ansible_facts:
  description: Facts under the key C(hostdev).
  returned: always
  type: complex
  contains:
    hostdev:
      description: What hostdev knows of the host.
      type: complex
      contains:
        version:
          description: C(hostdev -V).
          type: str
          sample: hostdev 0.1.0
        devices:
          description:
            - The C(devices) array of C(hostdev list -J) as it is - every device in
              tree order, parents first, with name, type, parent, sysfs_path and its
              type's properties (PCI address, IDs, class, names, driver, iommu_group, ...).
          type: list
          elements: dict
          returned: when gathered
        groups:
          description:
            - The C(groups) array of C(hostdev groups -J) - per IOMMU group its number,
              whether it is viable, its functions (eligible or not) and the judge's reasons.
          type: list
          elements: dict
          returned: when gathered
        status:
          description:
            - The C(devices) array of C(hostdev status -J) - every PCI function that is
              configured or that hostdev holds, with configured, selected, entry,
              bound_by_hostdev, driver, original_driver, held_by.
          type: list
          elements: dict
          returned: when gathered
        config:
          description: The configuration.
          type: complex
          returned: when gathered
          contains:
            valid:
              description: Whether hostdev accepts the configuration.
              type: bool
            errors:
              description: hostdev's messages for a malformed configuration (C(FILE:LINE:) ...).
              type: list
              elements: str
            files:
              description: The configuration files that exist, in reading order, with their text.
              type: list
              elements: dict
              sample: [{path: /etc/hostdev.conf, content: "vfio 0000:01:00.0 owner=0:0\n"}]
            entries:
              description:
                - The entries that select a device of this host, from C(status -J) -
                  entry (C(FILE:LINE)), selector, owner, note and the addresses selected.
              type: list
              elements: dict
            warnings:
              description: hostdev's warnings (entries selecting no device, ...).
              type: list
              elements: str
'''

import json

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hostdev.hostdev.plugins.module_utils.hostdev import (
    COMMON_ARGS, EXIT_ERROR, EXIT_OK, Hostdev)


def entries_of(status):
    seen = {}
    for d in status:
        if not d.get('entry') or not d.get('selected'):
            continue
        e = seen.setdefault(d['entry'], dict(entry=d['entry'], selector=d.get('selector'),
                                             owner=d.get('owner'), note=d.get('note'),
                                             addresses=[]))
        e['addresses'].append(d.get('address'))
    return list(seen.values())


def main():
    parts = ['devices', 'groups', 'status', 'config']
    spec = dict(gather=dict(type='list', elements='str', choices=parts, default=parts))
    spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    h = Hostdev(module)
    want = set(module.params['gather'])
    facts = {}
    rc, out, err = h.run_ok(['--version'])
    facts['version'] = out.strip()
    if 'devices' in want:
        facts['devices'] = h.json(['list', '-J'])[1].get('devices', [])
    if 'groups' in want:
        facts['groups'] = h.json(['groups', '-J'])[1].get('groups', [])
    if want & set(['status', 'config']):
        rc, out, err = h.run(['status', '-J'])
        texts = h.read_config()
        config = dict(valid=rc == EXIT_OK, errors=[], warnings=[], entries=[],
                      files=[dict(path=shown, content=texts[shown])
                             for shown, real in h.config_files() if shown in texts])
        status = []
        if rc == EXIT_OK:
            try:
                st = json.loads(out)
            except ValueError as e:
                module.fail_json(msg='hostdev status: output is not JSON: %s' % e, stdout=out)
            status = st.get('devices', [])
            config['warnings'] = st.get('warnings', [])
            config['entries'] = entries_of(status)
        elif rc == EXIT_ERROR and 'in the configuration' in err:
            config['errors'] = [l[len('hostdev: '):] if l.startswith('hostdev: ') else l
                                for l in err.splitlines() if l.strip()]
        else:
            h.fail(rc, out, err)
        if 'status' in want:
            facts['status'] = status
        if 'config' in want:
            facts['config'] = config
    module.exit_json(changed=False, ansible_facts=dict(hostdev=facts), commands=h.commands)


if __name__ == '__main__':
    main()
