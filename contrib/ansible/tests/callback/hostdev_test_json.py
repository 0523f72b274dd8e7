# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
# A stdout callback for tests/cli/test-fleet.sh: the whole run as one JSON
# document at the end, {"plays": [{"name", "tasks": [{"task": {"name"},
# "hosts": {HOST: result}}]}], "stats": {HOST: {"ok", "changed", ...}}}
# (ansible-core ships no JSON stdout callback).

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: hostdev_test_json
type: stdout
short_description: the run as one JSON document (tests only)
description:
  - Prints every task result and the recap as one JSON document when the run ends.
'''

import json

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'hostdev_test_json'

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.plays = []

    def v2_playbook_on_play_start(self, play):
        self.plays.append(dict(name=play.get_name(), tasks=[]))

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.plays[-1]['tasks'].append(dict(task=dict(name=task.get_name()), hosts={}))

    def _result(self, result, **extra):
        r = dict(result._result)
        r.update(extra)
        self.plays[-1]['tasks'][-1]['hosts'][result._host.get_name()] = r

    def v2_runner_on_ok(self, result):
        self._result(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, failed=True)

    def v2_runner_on_skipped(self, result):
        self._result(result, skipped=True)

    def v2_runner_on_unreachable(self, result):
        self._result(result, unreachable=True)

    def v2_playbook_on_stats(self, stats):
        hosts = dict((h, stats.summarize(h)) for h in sorted(stats.processed))
        self._display.display(json.dumps(dict(plays=self.plays, stats=hosts), indent=2, sort_keys=True))
