#!/bin/bash
# Fleets: `hostdev metrics` (promtool check metrics on every fixture and a
# generated big server, label escaping, the last apply's record), the
# metrics unit and timer (systemd-analyze verify, the ExecStart script's
# atomic write), the alert rules (promtool check rules, promtool test
# rules), and the Ansible collection contrib/ansible (ansible-doc of each
# module; one set of ansible-playbook runs on workstation-gpu under
# scripts/fake-kernel: check mode writes nothing, the first run changes, the
# second does not, facts match list/groups/status -J, a refused device fails
# with hostdev's message, teardown gives everything back).
. "$TOP/tests/cli/lib.sh"
FK="$TOP/scripts/fake-kernel"
GPU=0000:01:00.0 AUDIO=0000:01:00.1 XHCI=0000:00:14.0 PCHAUDIO=0000:00:1f.3

command -v promtool >/dev/null || { bad "promtool missing (scripts/install-deps: prometheus)"; finish; exit; }
command -v jq >/dev/null || { bad "jq missing (scripts/install-deps)"; finish; exit; }

# the devices metrics exports: PCI endpoints, USB devices but root hubs, sg nodes
want_devices() {
        "$HOSTDEV" --sysroot "$1" --numeric list -J | jq '[.devices[] | select(
                (.type == "pci" and ((.class // "") | startswith("06") | not)) or
                (.type == "usb_device" and (.name | startswith("usb_usb") | not)) or
                .type == "scsi_generic")] | length'
}
jqe() { jq -e "$@" > /dev/null; }
# promtool: exit 0 and not a word of lint
promcheck() {
        promtool check metrics < "$1" > "$T/lint" 2>&1 && [ ! -s "$T/lint" ]
}

# ------------------------------------------------------------ metrics on every fixture
for f in "$TOP"/fixtures/*.umockdev; do
        name=$(basename "$f" .umockdev)
        R=$(load_fixture "$name" "$T/fx") || { bad "load $name"; continue; }
        if ! "$HOSTDEV" --sysroot "$R" metrics > "$T/m" 2>"$T/err"; then
                bad "$name: metrics failed"; head -3 "$T/err"; continue
        fi
        if promcheck "$T/m"; then ok "$name: promtool check metrics"; else bad "$name: promtool"; head -5 "$T/lint"; fi
        n=$(grep -c '^hostdev_device_info{' "$T/m"); w=$(want_devices "$R")
        assert "$name: one hostdev_device_info per passable device ($n)" [ "$n" = "$w" ]
        # one hostdev_iommu_group_viable per group, viable as `groups -J` says
        "$HOSTDEV" --sysroot "$R" groups -J | jq -r '.groups[] | "hostdev_iommu_group_viable{iommu_group=\"\(.group)\"} \(if .viable then 1 else 0 end)"' > "$T/gv"
        assert "$name: group viability matches groups -J ($(wc -l < "$T/gv") groups)" cmp -s "$T/gv" <(grep '^hostdev_iommu_group_viable{' "$T/m")
done
rm -rf "$T/fx"

# ------------------------------------------------------------ the generated big server
SCALE=${FLEET_SCALE:-1}
if "$TOP/scripts/gen-fixture" "$T/big" "$SCALE" > "$T/gen.out" 2>&1; then
        expect_rc 0 "big server (gen-fixture scale $SCALE): metrics" "$HOSTDEV" --sysroot "$T/big" metrics
        cp "$T/out" "$T/m"
        if promcheck "$T/m"; then ok "big server: promtool check metrics ($(wc -l < "$T/m") lines)"; else bad "big server: promtool"; head -5 "$T/lint"; fi
        assert "big server: one hostdev_device_info per passable device" \
                [ "$(grep -c '^hostdev_device_info{' "$T/m")" = "$(want_devices "$T/big")" ]
        expect_rc 0 "big server: metrics --type pci" "$HOSTDEV" --sysroot "$T/big" metrics --type pci
        assert "... only PCI devices" bash -c "! grep '^hostdev_device_info{' '$T/out' | grep -v 'type=\"pci\"' | grep -q ."
        rm -rf "$T/big"
else
        bad "gen-fixture scale $SCALE"; tail -3 "$T/gen.out"
fi

# ------------------------------------------------------------ escaping of attacker-controlled strings
R=$(load_fixture hostile-usb "$T/hostile") || bad "load hostile-usb"
expect_rc 2 "metrics --type net: usage error" "$HOSTDEV" --sysroot "$R" metrics --type net
assert "... with one line naming it" bash -c "[ \$(wc -l < '$T/err') = 1 ] && grep -q \"'net' is not pci\" '$T/err'"
"$HOSTDEV" --sysroot "$R" --numeric metrics > "$T/m"
# product: ESC ] 0 ; pwned BEL ESC [ 2 J ,id=x 'single' "double" <b>&amp; LF second line \xff
# -> hd_escape: \x1b ... \x0a ... \xff (backslashes as \\ in the exposition)
assert "hostile USB strings: quotes and backslashes escaped, controls as \\\\xHH, one line" \
        grep -qF 'product="\\x1b]0;pwned\\x07\\x1b[2J,id=x '"'"'single'"'"' \"double\" <b>&amp;\\x0asecond line \\xff",serial=",hostbus=1\\x09SN123"' "$T/m"
assert "hostile USB strings: no raw control character in the output" \
        bash -c "! LC_ALL=C grep -q \$'[\x01-\x08\x0b-\x1f\x7f]' '$T/m'"
assert "hostile USB strings: every line is a comment or one sample" \
        bash -c "! grep -vE '^(# (HELP|TYPE) .*|[a-z_]+(\{.*\})? [-0-9.e+]+)$' '$T/m' | grep -q ."
golden hostile-usb-metrics.txt "$HOSTDEV" --sysroot "$R" --numeric metrics
rm -rf "$R"

# ------------------------------------------------------------ configured, bound, the last apply
R=$(load_fixture workstation-gpu "$T/ws") && "$FK" --setup "$R" && mkdir -p "$R/etc" || bad "load workstation-gpu"
hd() { "$FK" "$R" -- "$HOSTDEV" --sysroot "$R" "$@"; }
metric() { grep -F "$1" "$T/m" | sed 's/.* //'; }
hd metrics > "$T/m"
assert "no apply yet: no hostdev_apply_* series" bash -c "! grep -q '^hostdev_apply_' '$T/m'"
hd persist --no-apply --owner 0:0 "$GPU" 2>/dev/null
expect_rc 4 "apply --check: changes pending" hd apply --check
assert "apply --check records nothing" [ ! -e "$R/run/hostdev/last-apply.json" ]
t0=$(date +%s)
expect_rc 0 "apply binds the GPU's group" hd apply
t1=$(date +%s)
hd metrics > "$T/m"
assert "last full apply: success 1, 2 changed, 0 failed" \
        [ "$(metric 'hostdev_apply_last_success{scope="full"}')$(metric 'hostdev_apply_last_changed_devices{scope="full"}')$(metric 'hostdev_apply_last_failed_devices{scope="full"}')" = 120 ]
ts=$(metric 'hostdev_apply_last_timestamp_seconds{scope="full"}')
assert "last full apply: its time ($ts) within the run [$t0, $t1]" \
        awk -v t="$ts" -v a="$t0" -v b="$t1" 'BEGIN { exit !(t >= a && t <= b + 1) }'
assert "GPU and audio: configured, on vfio-pci, bound by hostdev" bash -c "
        for d in pci_0000_01_00_0 pci_0000_01_00_1; do
                for m in configured vfio bound_by_hostdev; do
                        grep -qx \"hostdev_device_\$m{device=\\\"\$d\\\"} 1\" '$T/m' || exit 1
                done
        done"
assert "the NIC: not configured, not on vfio-pci" \
        bash -c "grep -qx 'hostdev_device_configured{device=\"pci_0000_02_00_0\"} 0' '$T/m' && grep -qx 'hostdev_device_vfio{device=\"pci_0000_02_00_0\"} 0' '$T/m'"
assert "group 1 configured, group 2 not" \
        bash -c "grep -qx 'hostdev_iommu_group_configured{iommu_group=\"1\"} 1' '$T/m' && grep -qx 'hostdev_iommu_group_configured{iommu_group=\"2\"} 0' '$T/m'"
assert "config: valid, 1 entry" bash -c "grep -qx 'hostdev_config_valid 1' '$T/m' && grep -qx 'hostdev_config_entries 1' '$T/m'"
# persist (a targeted apply) while the journal holds another group hostdev bound
expect_rc 0 "persist the PCH audio while hostdev holds the GPU's group" hd persist "$PCHAUDIO"
assert "... both groups bound by hostdev" bash -c "[ \$('$HOSTDEV' --sysroot '$R' status -J | jq '[.devices[] | select(.bound_by_hostdev and .driver == \"vfio-pci\")] | length') = 4 ]"
cp "$R/run/hostdev/last-apply.json" "$T/last"
hd apply --check > /dev/null
assert "apply --check on a matching host leaves the record alone" cmp -s "$T/last" "$R/run/hostdev/last-apply.json"
expect_rc 0 "apply --device (the udev rule's)" hd apply --device "$GPU"
hd metrics > "$T/m"
assert "scope=\"device\" recorded: success, 0 changed" \
        [ "$(metric 'hostdev_apply_last_success{scope="device"}')$(metric 'hostdev_apply_last_changed_devices{scope="device"}')" = 10 ]
# a refused device: the boot display
echo "vfio 0000:00:02.0" >> "$R/etc/hostdev.conf"
expect_rc 3 "apply with the boot display configured: refused" hd apply
hd metrics > "$T/m"
assert "last full apply: success 0, 1 failed" \
        [ "$(metric 'hostdev_apply_last_success{scope="full"}')$(metric 'hostdev_apply_last_failed_devices{scope="full"}')" = 01 ]
assert "the record holds hostdev's message" jqe '.result == -1 and (.message | test("boot display"))' "$R/run/hostdev/last-apply.json"
if promcheck "$T/m"; then ok "promtool check metrics after applies"; else bad "promtool after applies"; cat "$T/lint"; fi
# a malformed configuration
echo "vfio bogus" >> "$R/etc/hostdev.conf"
expect_rc 0 "metrics with a malformed configuration: exit 0" hd metrics
cp "$T/out" "$T/m"
assert "... hostdev_config_valid 0, no configured series, bound_by_hostdev still there" \
        bash -c "grep -qx 'hostdev_config_valid 0' '$T/m' && ! grep -q '_configured{' '$T/m' &&
                 grep -qx 'hostdev_device_bound_by_hostdev{device=\"pci_0000_01_00_0\"} 1' '$T/m'"
assert "... and the line named on stderr" grep -q "/etc/hostdev.conf:$(wc -l < "$R/etc/hostdev.conf"): " "$T/err"
echo '{"version": 1, "time": "x"}' > "$R/run/hostdev/last-apply-device.json"
expect_rc 0 "a garbled record: metrics still exit 0" hd metrics
assert "... without that scope, with one line on stderr" \
        bash -c "! grep -q 'scope=\"device\"' '$T/out' && grep -q 'not an apply record' '$T/err'"

# ------------------------------------------------------------ the unit, the timer, the rules
U="$T/units"; mkdir -p "$U"
for f in "$TOP"/data/systemd/hostdev-metrics.*; do
        sed "s|@BINDIR@|$(dirname "$HOSTDEV")|g" "$f" > "$U/${f##*/}"
done
if command -v systemd-analyze >/dev/null; then
        for u in hostdev-metrics.service hostdev-metrics.timer; do
                (cd "$U" && timeout 120 systemd-analyze verify --man=no "./$u") >"$T/out" 2>"$T/err"; rc=$?
                grep -v -e 'Cannot stat' -e 'Failed to open /etc/systemd' -e 'hostdev-apply.service' "$T/err" > "$T/err2"
                if [ "$rc" = 0 ] && [ ! -s "$T/err2" ]; then ok "systemd-analyze verify $u"; else bad "verify $u"; cat "$T/err"; fi
        done
else
        bad "systemd-analyze missing"
fi
# the ExecStart line, as systemd hands it to sh ($$ is systemd's $)
script=$(sed -n "s/^ExecStart=\/bin\/sh -ec '\(.*\)'$/\1/p" "$U/hostdev-metrics.service" | sed 's/\$\$/$/g')
assert "the unit's ExecStart is a /bin/sh -ec script" [ -n "$script" ]
D="$T/textfile"; mkdir -p "$D"
HOSTDEV_TEXTFILE_DIR="$D" HOSTDEV_SYSROOT="$R" sh -ec "$script" 2>/dev/null
assert "the unit's script wrote hostdev.prom, nothing else" bash -c "[ \"\$(ls -A '$D')\" = hostdev.prom ]"
if promcheck "$D/hostdev.prom"; then ok "hostdev.prom passes promtool"; else bad "hostdev.prom: promtool"; fi
cp "$D/hostdev.prom" "$T/prev"
HOSTDEV_TEXTFILE_DIR="$D" HOSTDEV_SYSROOT="$T/nonexistent" sh -ec "$script" 2>/dev/null; rc=$?
assert "a failing hostdev: the script fails ($rc), the previous file stays, no temporary left" \
        bash -c "[ $rc != 0 ] && cmp -s '$T/prev' '$D/hostdev.prom' && [ \"\$(ls -A '$D')\" = hostdev.prom ]"
expect_rc 0 "promtool check rules data/prometheus/hostdev.rules.yml" promtool check rules "$TOP/data/prometheus/hostdev.rules.yml"
(cd "$TOP/data/prometheus" && promtool test rules hostdev.rules.test.yml) > "$T/out" 2>&1
assert "promtool test rules: the alerts fire as the test says" grep -q SUCCESS "$T/out"

# ------------------------------------------------------------ the Ansible collection
if ! command -v ansible-playbook >/dev/null; then
        bad "ansible-playbook missing (scripts/install-deps: ansible-core)"; finish; exit
fi
mkdir -p "$T/col/ansible_collections/hostdev"
ln -s "$TOP/contrib/ansible" "$T/col/ansible_collections/hostdev/hostdev"
export ANSIBLE_COLLECTIONS_PATH="$T/col" ANSIBLE_HOME="$T/ansible" ANSIBLE_LOCAL_TEMP="$T/ansible/tmp" \
       ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_NOCOLOR=1 \
       ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_DEPRECATION_WARNINGS=0 \
       ANSIBLE_CALLBACK_PLUGINS="$TOP/contrib/ansible/tests/callback" ANSIBLE_STDOUT_CALLBACK=hostdev_test_json
for m in hostdev_facts hostdev_device hostdev_config; do
        ansible-doc "hostdev.hostdev.$m" > "$T/doc" 2>&1; rc=$?
        if [ "$rc" = 0 ] && grep -q '^OPTIONS' "$T/doc" && grep -q '^EXAMPLES' "$T/doc" && grep -q '^RETURN VALUES' "$T/doc"; then
                ok "ansible-doc hostdev.hostdev.$m renders options, examples, return values"
        else
                bad "ansible-doc $m (rc=$rc)"; head -5 "$T/doc"
        fi
done

if [ "${BUILD##*/}" = build-asan ] && [ -z "${FLEET_ANSIBLE:-}" ]; then
        # the hostdev commands the modules run are tested under ASan by test-apply.sh
        echo "note: ansible-playbook runs skipped under ASan (FLEET_ANSIBLE=1 runs them)"
        finish; exit
fi
R=$(load_fixture workstation-gpu "$T/play") && "$FK" --setup "$R" && mkdir -p "$R/etc" || bad "load workstation-gpu"
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec "%s" "%s" -- "%s" "$@"\n' "$FK" "$R" "$HOSTDEV" > "$T/bin/hostdev"
chmod +x "$T/bin/hostdev"
play() {
        local out=$1; shift
        ansible-playbook -c local -i localhost, -e "sysroot=$R" -e "hostdev_bin=$T/bin/hostdev" "$@" > "$out" 2>"$T/play.err"
}
changed() { jq '.stats.localhost.changed' "$1"; }
# the host as a test sees it: drivers, overrides, vfio nodes, every file in etc/ and run/
snapshot() {
        for p in "$R"/sys/bus/pci/devices/*; do
                echo "${p##*/} $(readlink "$p/driver" | sed 's|.*/||') $(cat "$p/driver_override" 2>/dev/null)"
        done
        ls "$R/dev/vfio" 2>/dev/null
        (cd "$R" && find etc run -type f 2>/dev/null | sort | xargs -r sha256sum)
}
snapshot > "$T/orig"
SITE="$TOP/contrib/ansible/tests/site.yml" TEARDOWN="$TOP/contrib/ansible/tests/teardown.yml"

play "$T/p1.json" "$SITE" --check --diff; rc=$?
assert "check mode: exit 0, changed $(changed "$T/p1.json") > 0" [ "$rc" = 0 -a "$(changed "$T/p1.json")" -gt 0 ]
assert "check mode writes nothing (sysfs, /dev/vfio, etc/, run/)" cmp -s "$T/orig" <(snapshot)
assert "check mode: the GPU task's diff shows nouveau -> vfio-pci and the new entry" \
        jqe '[.plays[0].tasks[0].hosts.localhost.diff[] | .after] | join("") |
               test("vfio 0000:01:00.0 owner=0:0") and test("0000:01:00.0: driver=vfio-pci")' "$T/p1.json"

play "$T/p2.json" "$SITE"; rc=$?
assert "first run: exit 0, changed $(changed "$T/p2.json") > 0" [ "$rc" = 0 -a "$(changed "$T/p2.json")" -gt 0 ]
drv() { local l; l=$(readlink "$R/sys/bus/pci/devices/$1/driver"); echo "${l##*/}"; }
assert "first run: GPU, audio and xHCI on vfio-pci" [ "$(drv $GPU)$(drv $AUDIO)$(drv $XHCI)" = vfio-pcivfio-pcivfio-pci ]
assert "first run: the entry and the drop-in written" \
        bash -c "grep -qx 'vfio $GPU owner=0:0 note=\"guest GPU\"' '$R/etc/hostdev.conf' && grep -qx 'vfio class:0c0330 note=\"USB for the VM\"' '$R/etc/hostdev.d/50-usb.conf'"
assert "first run: per-device changed as apply reports it (GPU task: 2 devices)" \
        jqe '.plays[0].tasks[0].hosts.localhost | .changed and .config_changed and ([.devices[] | select(.changed)] | length) == 2' "$T/p2.json"

snapshot > "$T/bound"
play "$T/p3.json" "$SITE"; rc=$?
assert "second run: exit 0, changed=0" [ "$rc" = 0 -a "$(changed "$T/p3.json")" = 0 ]
# (an apply that changes nothing still records its time in run/hostdev/last-apply*.json)
norec() { grep -v ' run/hostdev/last-apply' "$@"; }
snapshot | norec > "$T/again"
if cmp -s <(norec "$T/bound") "$T/again"; then ok "second run wrote nothing but the apply records"
else bad "second run wrote something"; diff <(norec "$T/bound") "$T/again" | head; fi
facts() { jq -S "[.plays[0].tasks[] | select(.task.name == \"What hostdev knows now\")][0].hosts.localhost.ansible_facts.hostdev.$1" "$T/p3.json"; }
assert "facts: devices == list -J .devices" cmp -s <(facts devices) <("$HOSTDEV" --sysroot "$R" list -J | jq -S .devices)
assert "facts: groups == groups -J .groups" cmp -s <(facts groups) <("$HOSTDEV" --sysroot "$R" groups -J | jq -S .groups)
assert "facts: status == status -J .devices" cmp -s <(facts status) <("$HOSTDEV" --sysroot "$R" status -J | jq -S .devices)
assert "facts: config valid, both files, the two entries" \
        jqe '[.plays[0].tasks[] | select(.task.name == "What hostdev knows now")][0].hosts.localhost.ansible_facts.hostdev.config |
               .valid and ([.files[].path] == ["/etc/hostdev.conf", "/etc/hostdev.d/50-usb.conf"]) and
               ([.entries[].selector] | sort) == ["0000:01:00.0", "class:0c0330"]' "$T/p3.json"

play "$T/p4.json" "$SITE" --check --diff; rc=$?
assert "check mode on a converged host: changed=0" [ "$rc" = 0 -a "$(changed "$T/p4.json")" = 0 ]

play "$T/p5.json" "$TEARDOWN" --diff; rc=$?
jq '.plays[0].tasks[0].hosts.localhost' "$T/p5.json" > "$T/refused"
reason=$("$HOSTDEV" --sysroot "$R" check -J 0000:00:02.0 | jq -r '.devices[0].reasons[] | select(.code == "boot-vga") | .message')
assert "refused device: the task fails with hostdev's message" \
        jqe --arg r "$reason" '.failed and .rc == 3 and (.msg | startswith("hostdev: 0000:00:02.0: ")) and (.msg | contains($r))' "$T/refused"
assert "refused device: nothing written for it" bash -c "! grep -q '00:02.0' '$R/etc/hostdev.conf'"
assert "teardown: exit 0 (the refusal ignored), 4 tasks changed" [ "$rc" = 0 -a "$(changed "$T/p5.json")" = 4 ]
assert "teardown: one-shot bind wrote, unbind wrote" \
        jqe '[.plays[0].tasks[3,4].hosts.localhost | .changed and (.writes | length) > 0] == [true, true]' "$T/p5.json"
snapshot | grep -v -e ' etc/' -e ' run/' > "$T/end"
assert "teardown: every driver and override as before" cmp -s <(grep -v -e ' etc/' -e ' run/' "$T/orig") "$T/end"
finish
