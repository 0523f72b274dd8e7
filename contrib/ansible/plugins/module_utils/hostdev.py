# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
"""Running hostdev from Ansible modules: the command line, its -J output,
its messages, the configuration files, and a scratch sysroot for dry runs.

Dry runs of configuration edits use an *overlay sysroot*: a temporary
directory whose entries are symlinks to the real sysroot's (sys, dev, proc,
...) except etc/, where hostdev.conf, hostdev.d/ and modprobe.d/ are copies
(everything else in etc/ is a symlink), and run/hostdev/, which holds a copy
of hostdev's journal (hostdev takes its lock there, and never walks a
symlink to create it).  hostdev edits the copies
there (persist --no-apply, a drop-in written by the module) and
`apply --check` judges the result against the real host: the prediction is
hostdev's own, and nothing of the real host is written.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import shutil
import tempfile

from contextlib import contextmanager

COMMON_ARGS = dict(
    binary=dict(type='str', default='hostdev'),
    sysroot=dict(type='path'),
)

# the configuration files as hostdev.conf(5) lists them, relative to etc/
CONF = 'hostdev.conf'
CONF_DIR = 'hostdev.d'
SOFTDEP = 'modprobe.d/hostdev-softdep.conf'
# what an edit may touch in etc/ (persist also rewrites the softdep file)
EDITABLE = (CONF, CONF_DIR, 'modprobe.d')

# exit codes of hostdev
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_UNSAFE, EXIT_CHANGES = 0, 1, 2, 3, 4


class Hostdev(object):
    def __init__(self, module):
        self.module = module
        binary = module.params['binary']
        if os.path.sep in binary:
            self.bin = binary
        else:
            self.bin = module.get_bin_path(binary, required=True)
        self.sysroot = module.params.get('sysroot')
        self.commands = []

    # ------------------------------------------------------------ running

    def root(self):
        return self.sysroot or '/'

    def run(self, args, sysroot=None, verbose=False):
        """Run hostdev ARGS; returns (rc, stdout, stderr)."""
        cmd = [self.bin]
        root = sysroot or self.sysroot
        if root:
            cmd += ['--sysroot', root]
        if verbose:
            cmd.append('-v')
        cmd += list(args)
        self.commands.append(cmd)
        return self.module.run_command(cmd, environ_update=dict(LC_ALL='C'))

    @staticmethod
    def message(rc, out, err):
        """hostdev's own message: its stderr lines (without debug and write
        reports), else the exit status."""
        lines = [l for l in err.splitlines()
                 if l.strip() and not l.startswith('hostdev: write ')
                 and not l.startswith('hostdev: debug: ')]
        if lines:
            return '\n'.join(lines)
        return 'hostdev exited with status %d' % rc

    def fail(self, rc, out, err, **extra):
        self.module.fail_json(msg=self.message(rc, out, err), rc=rc, stdout=out, stderr=err,
                              commands=self.commands, **extra)

    def run_ok(self, args, ok=(EXIT_OK,), sysroot=None, verbose=False):
        rc, out, err = self.run(args, sysroot=sysroot, verbose=verbose)
        if rc not in ok:
            self.fail(rc, out, err)
        return rc, out, err

    def json(self, args, ok=(EXIT_OK,), sysroot=None):
        """Run ARGS (which ask for -J) and parse stdout; fail with hostdev's
        message on another exit status or on output that is not JSON."""
        rc, out, err = self.run(args, sysroot=sysroot)
        if rc not in ok:
            # a refusal still prints the JSON report: keep it for the caller
            extra = {}
            try:
                extra['report'] = json.loads(out)
            except ValueError:
                pass
            self.fail(rc, out, err, **extra)
        try:
            return rc, json.loads(out), err
        except ValueError as e:
            self.module.fail_json(msg='hostdev %s: output is not JSON: %s' % (args[0], e),
                                  rc=rc, stdout=out, stderr=err, commands=self.commands)

    # ------------------------------------------------------------ configuration

    def etc(self, root=None):
        return os.path.join(root or self.root(), 'etc')

    def config_files(self, root=None):
        """[(shown path, real path)] in hostdev's reading order."""
        etc = self.etc(root)
        files = [('/etc/' + CONF, os.path.join(etc, CONF))]
        d = os.path.join(etc, CONF_DIR)
        try:
            names = sorted(os.listdir(d))
        except OSError:
            names = []
        for n in names:
            if n.startswith('.') or not n.endswith('.conf'):
                continue
            files.append(('/etc/%s/%s' % (CONF_DIR, n), os.path.join(d, n)))
        return files

    def read_config(self, root=None, softdep=False):
        """{shown path: text} of the files that exist; with SOFTDEP also the
        modprobe.d file hostdev derives from them (persist, softdep --write)."""
        texts = {}
        files = self.config_files(root)
        if softdep:
            files.append(('/etc/' + SOFTDEP, os.path.join(self.etc(root), SOFTDEP)))
        for shown, real in files:
            try:
                with open(real, 'rb') as f:
                    texts[shown] = f.read().decode('utf-8', 'replace')
            except (IOError, OSError):
                continue
        return texts

    @contextmanager
    def overlay(self):
        """A scratch sysroot: the real one, with private copies of the
        configuration files (see the module's docstring)."""
        real = self.root()
        tmp = tempfile.mkdtemp(prefix='hostdev-ansible-')
        try:
            for name in os.listdir(real):
                if name not in ('etc', 'run'):
                    os.symlink(os.path.join(real, name), os.path.join(tmp, name))
            # hostdev creates and locks run/hostdev/ and never walks a symlink
            # on the way: a private one, with a copy of the journal
            run, orun = os.path.join(real, 'run'), os.path.join(tmp, 'run')
            os.mkdir(orun)
            if os.path.isdir(run):
                for name in os.listdir(run):
                    if name != 'hostdev':
                        os.symlink(os.path.join(run, name), os.path.join(orun, name))
            os.mkdir(os.path.join(orun, 'hostdev'))
            journal = os.path.join(run, 'hostdev', 'state.json')
            if os.path.isfile(journal):
                shutil.copy2(journal, os.path.join(orun, 'hostdev', 'state.json'))
            etc = os.path.join(real, 'etc')
            oetc = os.path.join(tmp, 'etc')
            os.mkdir(oetc)
            if os.path.isdir(etc):
                for name in os.listdir(etc):
                    src, dst = os.path.join(etc, name), os.path.join(oetc, name)
                    if name not in EDITABLE:
                        os.symlink(src, dst)
                    elif os.path.isdir(src) and not os.path.islink(src):
                        shutil.copytree(src, dst, symlinks=True)
                    elif os.path.isfile(src):
                        shutil.copy2(src, dst)
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def config_diffs(before, after):
    """Ansible diff entries for the configuration files that differ."""
    diffs = []
    for path in sorted(set(before) | set(after)):
        b, a = before.get(path, ''), after.get(path, '')
        if before.get(path) != after.get(path):
            diffs.append(dict(before_header=path, after_header=path, before=b, after=a))
    return diffs


def apply_diff(report):
    """One Ansible diff entry for what an apply -J --diff report changes (or
    would), or None when nothing."""
    before, after = [], []
    for d in report.get('devices', []):
        if d.get('changed') and d.get('diff'):
            before.append(d['diff'].get('before', ''))
            after.append(d['diff'].get('after', ''))
    if not before:
        return None
    return dict(before_header='devices (hostdev apply)', after_header='devices (hostdev apply)',
                before=''.join(before), after=''.join(after))


def report_diffs(module, before, after, report):
    """The Ansible diff entries of a run (configuration files, then devices),
    after passing the apply report's warnings on to MODULE."""
    diffs = config_diffs(before, after)
    dev_diff = apply_diff(report)
    if dev_diff:
        diffs.append(dev_diff)
    for w in report.get('warnings', []):
        module.warn('hostdev: %s' % w)
    return diffs


def apply_summary(report):
    """The devices of an apply report that matter: changed or failed."""
    return [dict(name=d.get('name'), address=d.get('address'), group=d.get('group'),
                 action=d.get('action'), changed=d.get('changed'), failed=d.get('failed'),
                 before=d.get('before'), after=d.get('after'), message=d.get('message'))
            for d in report.get('devices', []) if d.get('changed') or d.get('failed')]
