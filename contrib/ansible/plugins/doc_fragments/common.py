# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
# Options every hostdev module takes.

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  binary:
    description:
      - The C(hostdev) program to run on the managed host, a name looked up
        in C(PATH) or an absolute path.
    type: str
    default: hostdev
  sysroot:
    description:
      - Passed as C(--sysroot) - the host below this directory (its C(sys/),
        C(etc/), C(run/), C(dev/), C(proc/)) instead of the live one. For
        recorded hosts, fixtures and tests.
      - Omit it for the live host.
    type: path
requirements:
  - hostdev 0.1.0 or later on the managed host
notes:
  - The modules parse the C(-J) output of C(hostdev); what they report is
    what C(hostdev) reports.
  - When C(hostdev) refuses a device (not eligible, held by a VM, a
    malformed configuration) the task fails with C(hostdev)'s own message,
    one line per problem, as C(msg).
'''
