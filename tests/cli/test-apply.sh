#!/bin/bash
# The lifecycle under scripts/fake-kernel on the workstation-gpu fixture:
# hostdev.conf parsing (every malformed line named, nothing applied),
# persist/forget, apply (binds, idempotent, gives back, never touches what
# hostdev did not bind, --check writes nothing, kill after every write then
# apply converges), status -J, the udev rule's RUN command, the systemd units
# (systemd-analyze verify) and the initramfs-tools and dracut hooks.
. "$TOP/tests/cli/lib.sh"
FIX=workstation-gpu
GPU=0000:01:00.0 AUDIO=0000:01:00.1 PORT=0000:00:01.0 NIC=0000:02:00.0 IGPU=0000:00:02.0

# fresh NAME: a fake-kernel sysroot with etc/ (lib.sh: state, drv, ovr, hd, same, nwrites)
fresh() {
        local d
        d=$(fk_sysroot "$FIX" "$1") || return 1
        mkdir -p "$d/etc"
        echo "$d"
}
jq_ok() { jq -e "$1" "$T/out" >/dev/null; }

[ -x "$FK" ] || { bad "scripts/fake-kernel missing"; finish; exit; }
command -v jq >/dev/null || { bad "jq missing (scripts/install-deps)"; finish; exit; }

# ------------------------------------------------------------ parser
R=$(fresh parse) || { bad "load $FIX"; finish; exit; }
state "$R" > "$T/orig"
mkdir -p "$R/etc/hostdev.d"
# each malformed line, alone after two good lines: error names FILE:3, nothing applied
while IFS= read -r line; do
        printf 'vfio %s\n# a comment\n%s\n' "$GPU" "$line" > "$R/etc/hostdev.conf"
        rm -f "$T/log"
        FAKE_KERNEL_LOG="$T/log" hd "$R" apply >"$T/out" 2>"$T/err"; rc=$?
        if [ "$rc" = 1 ] && grep -q '^hostdev: /etc/hostdev.conf:3: ' "$T/err" && [ "$(nwrites "$T/log")" = 0 ]; then
                ok "malformed line '$line': /etc/hostdev.conf:3, exit 1, no write"
        else
                bad "malformed line '$line': rc=$rc"; cat "$T/err"
        fi
done <<'EOF'
bind 0000:01:00.0
vfio
vfio 0000:01:00.9
vfio 01:00
vfio 10de:1b8
vfio 10de:1b80:1458
vfio class:3
vfio class:0x03000
vfio usb:046d
vfio something
vfio 0000:01:00.0
vfio 00:02.0 owner=
vfio 00:02.0 owner=bad/user
vfio 00:02.0 colour=red
vfio 00:02.0 owner=a owner=b
vfio 00:02.0 boot=maybe
vfio 00:02.0 force=please
vfio 00:02.0 note="unterminated
vfio 00:02.0 note="bad \escape"
vfio 00:02.0 =x
vfio 00:02.0 a b c d e f g h i j k l m n o p
EOF
same "after every malformed file: the host untouched" "$R" "$T/orig"
# several bad lines in a drop-in: every one reported, with its own line number
printf 'vfio %s\n' "$GPU" > "$R/etc/hostdev.conf"
printf '# drop-in\nvfio 8086:1234 note="ok"\nvfio bogus\n\nvfio 00:02.0 boot=perhaps\nmdev x\n' > "$R/etc/hostdev.d/50-x.conf"
expect_rc 1 "drop-in with 3 bad lines: exit 1" hd "$R" apply
assert "drop-in errors: lines 3, 5 and 6, each named" \
        bash -c "grep -q '/etc/hostdev.d/50-x.conf:3: ' '$T/err' && grep -q '/etc/hostdev.d/50-x.conf:5: ' '$T/err' &&
                 grep -q '/etc/hostdev.d/50-x.conf:6: ' '$T/err' && grep -q '3 errors in the configuration; nothing was done' '$T/err'"
assert "... and stops there: 4 lines on stderr, no scan, no journal" \
        bash -c "[ \$(wc -l < '$T/err') = 4 ] && [ ! -e '$R/run/hostdev' ]"
expect_rc 1 "status refuses a malformed configuration too" "$HOSTDEV" --sysroot "$R" status
same "nothing applied for a bad drop-in" "$R" "$T/orig"
# ignored drop-ins: not *.conf, hidden
rm "$R/etc/hostdev.d/50-x.conf"
echo "garbage" > "$R/etc/hostdev.d/README"; echo "garbage" > "$R/etc/hostdev.d/.hidden.conf"
: > "$R/etc/hostdev.conf"
expect_rc 0 "files not named *.conf and hidden ones are skipped" hd "$R" apply --check
# a selector matching nothing is a warning only
printf 'vfio 0000:09:00.0\nvfio 1234:5678\n' > "$R/etc/hostdev.conf"
expect_rc 0 "selectors matching nothing: exit 0" hd "$R" apply
assert "... with a warning naming the line" grep -q '/etc/hostdev.conf:2: 1234:5678 selects no device' "$T/err"
same "... and nothing changed" "$R" "$T/orig"

# ------------------------------------------------------------ persist, apply, again, status, forget
R=$(fresh main) || { bad "load"; finish; exit; }
state "$R" > "$T/orig"
printf '# my devices\n\nvfio 8086:ffff note="kept as it is"\n' > "$R/etc/hostdev.conf"   # a line persist must keep
expect_rc 0 "persist --no-apply GPU" hd "$R" persist --no-apply --owner 0:0 --note "guest GPU" "$GPU"
assert "persist kept the other lines and added one entry" \
        bash -c "grep -qx '# my devices' '$R/etc/hostdev.conf' && grep -qx 'vfio 8086:ffff note=\"kept as it is\"' '$R/etc/hostdev.conf' &&
                 grep -qx 'vfio $GPU owner=0:0 note=\"guest GPU\"' '$R/etc/hostdev.conf'"
assert "persist left no temporary file" bash -c "! ls -A '$R/etc' | grep -q tmp"
same "persist --no-apply changed no device" "$R" "$T/orig"
assert "persist wrote the softdep lines" \
        bash -c "grep -qx 'softdep nouveau pre: vfio-pci' '$R/etc/modprobe.d/hostdev-softdep.conf' &&
                 grep -qx 'softdep snd_hda_intel pre: vfio-pci' '$R/etc/modprobe.d/hostdev-softdep.conf'"
expect_rc 0 "persist again: nothing to edit" hd "$R" persist --no-apply --owner 0:0 --note "guest GPU" "$GPU"
assert "persist again: one entry still" [ "$(grep -c "^vfio $GPU" "$R/etc/hostdev.conf")" = 1 ]

# validate SCHEMA FILE DESC: FILE against doc/schema/SCHEMA.json
schema_ok() {
        if python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
                "$TOP/doc/schema/$1.json" "$2" >"$T/v.err" 2>&1
        then ok "schema $1: $3"; else bad "schema $1: $3"; tail -3 "$T/v.err"; fi
}
rm -f "$T/log"
FAKE_KERNEL_LOG="$T/log" expect_rc 4 "apply --check: changes pending (exit 4)" hd "$R" apply --check -J
assert "--check wrote nothing" [ "$(nwrites "$T/log")" = 0 ]
same "--check changed nothing" "$R" "$T/orig"
assert "--check made no journal" [ ! -e "$R/run/hostdev/state.json" ]
assert "--check -J: 2 would change, GPU bind nouveau -> vfio-pci" \
        jq_ok '.check == true and .changed == 2 and (.devices[] | select(.address == "'$GPU'") |
               .action == "bind" and .changed and .before.driver == "nouveau" and .after.driver == "vfio-pci")'

rm -f "$T/log"
FAKE_KERNEL_LOG="$T/log" expect_rc 0 "apply binds the GPU's group" hd "$R" apply -J
cp "$T/out" "$T/apply1.json"
assert "GPU and audio on vfio-pci" [ "$(drv "$R" $GPU)$(drv "$R" $AUDIO)" = vfio-pcivfio-pci ]
assert "root port untouched" [ "$(drv "$R" $PORT)" = pcieport ]
assert "apply -J: changed 2; per device changed/action/before/after" \
        jq_ok '.changed == 2 and ([.devices[] | select(.changed and .action == "bind")] | length) == 2 and
               (.devices[] | select(.address == "'$AUDIO'") | .before.driver == "snd_hda_intel" and .after.driver == "vfio-pci" and .after.driver_override == "vfio-pci")'
others() { grep -v -e "^$GPU" -e "^$AUDIO" -e '^vfio:' "$1"; }
state "$R" > "$T/bound"
assert "only GPU and audio changed" cmp -s <(others "$T/orig") <(others "$T/bound")
NW=$(nwrites "$T/log")
rm -f "$T/log"
FAKE_KERNEL_LOG="$T/log" expect_rc 0 "second apply" hd "$R" apply
assert "second apply says 0 changed" grep -qx 'apply: 0 changed, 0 failed' "$T/out"
assert "second apply writes nothing" [ "$(nwrites "$T/log")" = 0 ]
expect_rc 0 "apply --check on a matching host: exit 0" hd "$R" apply --check

expect_rc 0 "status -J" hd "$R" status -J
cp "$T/out" "$T/status.json"
schema_ok status "$T/status.json" "status -J"
schema_ok apply "$T/apply1.json" "apply -J"
assert "status -J: GPU configured (selected), bound by hostdev, original nouveau, group 1" \
        jq_ok '.devices[] | select(.address == "'$GPU'") | .configured and .selected and .bound_by_hostdev and
               .driver == "vfio-pci" and .original_driver == "nouveau" and .group == 1 and .entry == "/etc/hostdev.conf:4" and .owner == "0:0"'
assert "status -J: audio configured (its group), bound by hostdev, original snd_hda_intel" \
        jq_ok '.devices[] | select(.address == "'$AUDIO'") | .configured and (.selected | not) and .bound_by_hostdev and
               .original_driver == "snd_hda_intel"'
assert "status -J: exactly GPU and audio" jq_ok '(.devices | length) == 2'
expect_rc 0 "status (text)" hd "$R" status
assert "status text: GPU yes/yes, audio group/yes" \
        bash -c "grep -q '^$GPU *1 yes *yes *vfio-pci *nouveau' '$T/out' && grep -q '^$AUDIO *1 group *yes *vfio-pci *snd_hda_intel' '$T/out'"

# owner= changed in the configuration: apply hands /dev/vfio/1 over, and only that
sed -i "s/^vfio $GPU owner=0:0/vfio $GPU owner=nobody:nogroup/" "$R/etc/hostdev.conf"
rm -f "$T/log"
FAKE_KERNEL_LOG="$T/log" expect_rc 0 "apply after owner= changed" hd "$R" apply -J
assert "... /dev/vfio/1 now owned by nobody:nogroup, reported as changed, no sysfs write" \
        bash -c "[ \"\$(stat -c %u:%g '$R/dev/vfio/1')\" = 65534:65534 ] && [ ! -s '$T/log' ] &&
                 jq -e '.changed == 2 and (.devices[0].after.vfio_node_owner == \"65534:65534\") and (.devices[0].before.vfio_node_owner == \"0:0\")' '$T/out' >/dev/null"
expect_rc 0 "apply again" hd "$R" apply
assert "... 0 changed" grep -qx 'apply: 0 changed, 0 failed' "$T/out"

# forget --no-apply, then apply gives both back
expect_rc 0 "forget --no-apply GPU" hd "$R" forget --no-apply "$GPU"
assert "forget removed the entry, kept the rest" \
        bash -c "! grep -q '^vfio $GPU' '$R/etc/hostdev.conf' && grep -q 'kept as it is' '$R/etc/hostdev.conf'"
assert "forget removed the softdep file (nothing configured)" [ ! -e "$R/etc/modprobe.d/hostdev-softdep.conf" ]
expect_rc 0 "forget again: not configured is no error" hd "$R" forget --no-apply "$GPU"
expect_rc 0 "apply after forget" hd "$R" apply -J
assert "apply after forget: both given back (unbind, changed 2)" \
        jq_ok '.changed == 2 and ([.devices[] | select(.action == "unbind" and .changed)] | length) == 2'
same "apply after forget: the host is as it was" "$R" "$T/orig"
assert "journal empty again" bash -c "! grep -q '$GPU' '$R/run/hostdev/state.json'"
expect_rc 0 "apply again after forget" hd "$R" apply
assert "... 0 changed" grep -qx 'apply: 0 changed, 0 failed' "$T/out"

# persist (with apply) and forget (with apply) in one step each
expect_rc 0 "persist applies at once" hd "$R" persist "$GPU"
assert "persist: group on vfio-pci" [ "$(drv "$R" $GPU)$(drv "$R" $AUDIO)" = vfio-pcivfio-pci ]
expect_rc 0 "forget gives back at once" hd "$R" forget "$GPU"
same "forget: the host is as it was" "$R" "$T/orig"

# a selector by IDs, an entry with boot=no
printf 'vfio 10de:1b80 boot=no\n' > "$R/etc/hostdev.conf"
expect_rc 0 "apply --boot leaves boot=no alone" hd "$R" apply --boot
same "... nothing changed" "$R" "$T/orig"
expect_rc 0 "apply binds an ID-selected GPU" hd "$R" apply
assert "... GPU on vfio-pci" [ "$(drv "$R" $GPU)" = vfio-pci ]
expect_rc 1 "forget of an ID-selected device: refused, naming the line" hd "$R" forget --no-apply "$GPU"
assert "... names /etc/hostdev.conf:1" grep -q "selected by '10de:1b80' at /etc/hostdev.conf:1" "$T/err"
: > "$R/etc/hostdev.conf"
expect_rc 0 "apply with the entry gone" hd "$R" apply
same "... given back" "$R" "$T/orig"

# ------------------------------------------------------------ never touches what hostdev did not bind
R=$(fresh foreign) || { bad "load"; finish; exit; }
# someone else (not hostdev) puts the NIC on vfio-pci
"$FK" "$R" -- sh -c "printf vfio-pci > '$R/sys/bus/pci/devices/$NIC/driver_override' &&
                      printf $NIC > '$R/sys/bus/pci/devices/$NIC/driver/unbind' &&
                      printf $NIC > '$R/sys/bus/pci/drivers_probe'"
assert "setup: the NIC is on vfio-pci, not by hostdev" [ "$(drv "$R" $NIC)" = vfio-pci ]
state "$R" > "$T/orig"
printf 'vfio %s\n' "$GPU" > "$R/etc/hostdev.conf"
rm -f "$T/log"
FAKE_KERNEL_LOG="$T/log" expect_rc 0 "apply with a foreign vfio-pci device" hd "$R" apply
assert "the foreign NIC stays on vfio-pci" [ "$(drv "$R" $NIC)" = vfio-pci ]
assert "no write names the NIC" bash -c "! grep -q '$NIC' '$T/log'"
state "$R" > "$T/now"
assert "only GPU and audio changed" cmp -s <(others "$T/orig") <(others "$T/now")
: > "$R/etc/hostdev.conf"
rm -f "$T/log"
FAKE_KERNEL_LOG="$T/log" expect_rc 0 "apply with nothing configured" hd "$R" apply
same "GPU and audio back, the NIC still on vfio-pci" "$R" "$T/orig"
assert "still no write names the NIC" bash -c "! grep -q '$NIC' '$T/log'"
expect_rc 0 "status: the foreign NIC is not listed" hd "$R" status -J
assert "... (nothing configured, nothing held)" jq_ok '(.devices | length) == 0'

# ------------------------------------------------------------ status names the holder
R=$(load_fixture judge-held "$T/held") || { bad "load judge-held"; finish; exit; }
mkdir -p "$R/etc"; printf 'vfio %s\n' "$GPU" > "$R/etc/hostdev.conf"
expect_rc 0 "status -J on a host where a VM holds the GPU" "$HOSTDEV" --sysroot "$R" status -J
assert "status -J: held_by names the QEMU process; not bound by hostdev" \
        jq_ok '.devices[] | select(.address == "'$GPU'") | (.held_by | test("pid 4242")) and (.bound_by_hostdev | not) and .driver == "vfio-pci"'
"$FK" --setup "$R" >/dev/null 2>&1
rm -f "$T/log"
FAKE_KERNEL_LOG="$T/log" expect_rc 0 "apply: a group already on vfio-pci (by someone else) is left as it is" hd "$R" apply
assert "... no write" [ "$(nwrites "$T/log")" = 0 ]
: > "$R/etc/hostdev.conf"
FAKE_KERNEL_LOG="$T/log" expect_rc 0 "apply with the entry gone: hostdev did not bind it, so nothing is given back" hd "$R" apply
assert "... no write, still on vfio-pci" bash -c "[ ! -s '$T/log' ] && [ \"\$(readlink '$R/sys/bus/pci/devices/$GPU/driver')\" != '' ]"

# ------------------------------------------------------------ kill after every write, then apply again
# bind direction: apply of a fresh config, killed after write k; once for the
# GPU's group, once for two groups (the GPU and the xHCI controller by class)
kill_bind() {   # kill_bind NAME CONFIG-TEXT
        local name=$1 conf=$2 R N conv=0 k rc1 rc2 rc3
        R=$(fresh "${name}ref") || return
        printf '%s' "$conf" > "$R/etc/hostdev.conf"
        state "$R" > "$T/kill-orig"
        rm -f "$T/log"
        FAKE_KERNEL_LOG="$T/log" hd "$R" apply >/dev/null 2>&1
        state "$R" > "$T/kill-want"
        N=$(nwrites "$T/log")
        assert "$name: reference apply makes $N writes" [ "$N" -ge 6 ]
        for k in $(seq 1 "$N"); do
                R=$(fresh "$name$k") || break
                printf '%s' "$conf" > "$R/etc/hostdev.conf"
                FAKE_KERNEL_KILL_AT=$k hd "$R" apply >/dev/null 2>&1; rc1=$?
                hd "$R" apply >/dev/null 2>"$T/err"; rc2=$?
                hd "$R" apply > "$T/out3" 2>/dev/null; rc3=$?
                if [ "$rc1" = 137 ] && [ "$rc2" = 0 ] && [ "$rc3" = 0 ] && state "$R" | cmp -s - "$T/kill-want" &&
                   grep -qx 'apply: 0 changed, 0 failed' "$T/out3" && ! grep -q '"binding"\|"unbinding"' "$R/run/hostdev/state.json"; then
                        conv=$((conv+1))
                else
                        echo "$name: kill at $k: rc $rc1/$rc2/$rc3"; state "$R" | diff "$T/kill-want" - | head -5; head -3 "$T/err"
                fi
                rm -rf "$R"
        done
        echo "kill-convergence ($name): $conv/$N"
        assert "$name: killed after each of the $N writes, apply again converges ($conv/$N)" [ "$conv" = "$N" ]
}
kill_bind kbind "vfio $GPU
"
kill_bind ktwo "vfio $GPU
vfio class:0c0330
"
# the reference host of the give-back direction: nothing bound
R=$(fresh kref) || { bad "load"; finish; exit; }
state "$R" > "$T/kill-orig"
# give-back direction: the entry removed, apply killed after write k
R=$(fresh gref) || { bad "load"; finish; exit; }
printf 'vfio %s\n' "$GPU" > "$R/etc/hostdev.conf"
hd "$R" apply >/dev/null 2>&1
cp -a "$R" "$T/gbase"
: > "$R/etc/hostdev.conf"
rm -f "$T/log"
FAKE_KERNEL_LOG="$T/log" hd "$R" apply >/dev/null 2>&1
N=$(nwrites "$T/log")
assert "reference give-back restores the host ($N writes)" cmp -s <(state "$R") "$T/kill-orig"
conv=0
for k in $(seq 1 "$N"); do
        R="$T/g$k"; rm -rf "$R"; cp -a "$T/gbase" "$R"
        : > "$R/etc/hostdev.conf"
        FAKE_KERNEL_KILL_AT=$k hd "$R" apply >/dev/null 2>&1; rc1=$?
        hd "$R" apply >/dev/null 2>"$T/err"; rc2=$?
        if [ "$rc1" = 137 ] && [ "$rc2" = 0 ] && state "$R" | cmp -s - "$T/kill-orig"; then
                conv=$((conv+1))
        else
                echo "give-back kill at $k: rc $rc1/$rc2"; state "$R" | diff "$T/kill-orig" - | head -5; head -3 "$T/err"
        fi
        rm -rf "$R"
done
echo "kill-convergence (give back): $conv/$N"
assert "give back: killed after each of the $N writes, apply again converges ($conv/$N)" [ "$conv" = "$N" ]

# ------------------------------------------------------------ the udev rule's RUN command
RULE="$TOP/data/udev/05-hostdev.rules"
RUN=$(sed -n 's/.*RUN+="\([^"]*\)".*/\1/p' "$RULE")
assert "the rule runs hostdev apply --boot --device %k" [ "$RUN" = "@BINDIR@/hostdev apply --boot --device %k" ]
# udev runs RUN entries in rule order: ours must come before the rule that loads host drivers
first_kmod=$(grep -l 'kmod load' /usr/lib/udev/rules.d/*.rules 2>/dev/null | xargs -r -n1 basename | LC_ALL=C sort | head -1)
if [ -n "$first_kmod" ]; then
        assert "05-hostdev.rules sorts before $first_kmod (which loads host drivers)" \
                bash -c "[ \"\$(printf '%s\n' 05-hostdev.rules '$first_kmod' | LC_ALL=C sort | head -1)\" = 05-hostdev.rules ]"
fi
# the command as udev would run it for KERNEL, with the sysroot of the test
udev_run() {    # udev_run ROOT KERNEL
        local cmd=${RUN//@BINDIR@\/hostdev/$HOSTDEV --sysroot $1}
        cmd=${cmd//%k/$2}
        # udev's environment for RUN programs; shellcheck disable=SC2086
        SEQNUM=4242 ACTION=add SUBSYSTEM=pci DEVPATH=/devices/pci0000:00/$2 "$FK" "$1" -- $cmd
}
R=$(fresh udev) || { bad "load"; finish; exit; }
# freshly added: no driver yet (the host driver's module is not loaded)
"$FK" "$R" -- sh -c "printf $GPU > '$R/sys/bus/pci/drivers/nouveau/unbind' && printf $AUDIO > '$R/sys/bus/pci/drivers/snd_hda_intel/unbind'"
assert "setup: GPU and audio have no driver" [ -z "$(drv "$R" $GPU)$(drv "$R" $AUDIO)" ]
printf 'vfio %s\n' "$GPU" > "$R/etc/hostdev.conf"
state "$R" > "$T/before"
rm -f "$T/log"
FAKE_KERNEL_LOG="$T/log" expect_rc 0 "udev RUN for the added GPU" udev_run "$R" "$GPU"
assert "udev RUN: override set" [ "$(ovr "$R" $GPU)" = vfio-pci ]
assert "udev RUN: GPU and its audio function on vfio-pci" [ "$(drv "$R" $GPU)$(drv "$R" $AUDIO)" = vfio-pcivfio-pci ]
assert "udev RUN: the override is the first write" bash -c "head -1 '$T/log' | grep -q '$GPU/driver_override vfio-pci ok'"
assert "udev RUN: /dev/vfio/1" [ -e "$R/dev/vfio/1" ]
state "$R" > "$T/now"
assert "udev RUN: nothing else changed" cmp -s <(others "$T/before") <(others "$T/now")
rm -f "$T/log"
FAKE_KERNEL_LOG="$T/log" expect_rc 0 "udev RUN for an unconfigured device" udev_run "$R" "$NIC"
assert "... writes nothing" [ "$(nwrites "$T/log")" = 0 ]
FAKE_KERNEL_LOG="$T/log" expect_rc 0 "udev RUN for the GPU again (change event replay)" udev_run "$R" "$GPU"
assert "... writes nothing" [ "$(nwrites "$T/log")" = 0 ]
# a built-in host driver already took it: the rule moves it over
R=$(fresh udev2) || { bad "load"; finish; exit; }
printf 'vfio %s\n' "$GPU" > "$R/etc/hostdev.conf"
expect_rc 0 "udev RUN for a GPU a built-in driver already bound" udev_run "$R" "$GPU"
assert "... now on vfio-pci" [ "$(drv "$R" $GPU)$(drv "$R" $AUDIO)" = vfio-pcivfio-pci ]
expect_rc 1 "apply --device: unknown address" hd "$R" apply --device 0000:42:00.0
assert "... one clear line" grep -q 'no such PCI function' "$T/err"
expect_rc 1 "apply --device: not a PCI address" hd "$R" apply --device sda
expect_rc 2 "apply DEVICE (not --device): usage" hd "$R" apply "$GPU"

# the targeted scan finds the same group members and subtree as the full scan
R=$(fresh scan) || { bad "load"; finish; exit; }
printf 'vfio %s\nvfio usb:0781:5581\n' "$GPU" > "$R/etc/hostdev.conf"
expect_rc 4 "check --device of a USB controller selected by a USB device below it" hd "$R" apply --check -J --device 0000:00:14.0
assert "... the controller would be bound (usb: selector found in the targeted scan)" \
        jq_ok '.devices[] | select(.address == "0000:00:14.0") | .action == "bind" and .selected'

# ------------------------------------------------------------ systemd units
if command -v systemd-analyze >/dev/null; then
        U="$T/units"; mkdir -p "$U"
        for f in "$TOP"/data/systemd/*.service; do
                sed "s|@BINDIR@|$(dirname "$HOSTDEV")|g" "$f" > "$U/${f##*/}"
        done
        # the README's VM unit
        sed -n '/^# vm-example.service begin/,/^# vm-example.service end/p' "$TOP/README.md" |
                grep -v '^# vm-example' | grep -v '^```' > "$U/vm-example.service"
        assert "README carries the VM unit example" grep -q '^BindsTo=hostdev-bind@' "$U/vm-example.service"
        for u in hostdev-apply.service hostdev-bind@pci_0000_01_00_0.service vm-example.service; do
                (cd "$U" && timeout 120 systemd-analyze verify --man=no "./$u") >"$T/out" 2>"$T/err"; rc=$?
                grep -v -e 'Cannot stat' -e 'Failed to open /etc/systemd' "$T/err" > "$T/err2"
                if [ "$rc" = 0 ] && [ ! -s "$T/err2" ]; then ok "systemd-analyze verify $u"; else bad "verify $u"; cat "$T/err"; fi
        done
        assert "bind template: StopWhenUnneeded=yes" grep -qx 'StopWhenUnneeded=yes' "$U/hostdev-bind@.service"
else
        bad "systemd-analyze missing (scripts/install-deps)"
fi

# ------------------------------------------------------------ initramfs hooks
R=$(fresh initramfs) || { bad "load"; finish; exit; }
printf 'vfio %s note="initramfs"\n' "$GPU" > "$R/etc/hostdev.conf"
mkdir -p "$R/etc/hostdev.d"; printf 'vfio 10de:ffff\n' > "$R/etc/hostdev.d/10-more.conf"
HOOKBIN=$(dirname "$HOSTDEV")
subst() { sed -e "s|@BINDIR@|$HOOKBIN|g; s|@UDEVRULESDIR@|$T/rules|g" "$1" > "$2"; chmod +x "$2"; }
mkdir -p "$T/rules"; subst "$RULE" "$T/rules/05-hostdev.rules"
if [ -f /usr/share/initramfs-tools/hook-functions ]; then
        subst "$TOP/data/initramfs-tools/hooks/hostdev" "$T/hook"
        D="$T/initramfs-tools"; mkdir -p "$D"
        # mkinitramfs' environment for hooks; no kernel modules on this machine,
        # so the module step is stubbed and its arguments recorded
        cat > "$T/run-hook" <<EOF
. /usr/share/initramfs-tools/hook-functions
manual_add_modules() { echo "\$@" >> "$D.modules"; }
. "$T/hook"
EOF
        sed -i 's|^\. /usr/share/initramfs-tools/hook-functions$|:|' "$T/hook"
        DESTDIR="$D" version=$(uname -r) verbose=n MODULESDIR="/lib/modules/$(uname -r)" CONFDIR=/etc/initramfs-tools \
                HOSTDEV_SYSROOT="$R" sh "$T/run-hook" > "$T/out" 2>"$T/err"; rc=$?
        # pack it as mkinitramfs would, and list the image with initramfs-tools' lister
        (cd "$D" && find . | LC_ALL=C sort | cpio -o -H newc 2>/dev/null | gzip) > "$T/initrd-tools.img"
        lsinitramfs "$T/initrd-tools.img" | sed 's|^|./|' | LC_ALL=C sort > "$T/initramfs-tools.list"
        echo "initramfs-tools image contents (lsinitramfs):"; sed 's/^/  /' "$T/initramfs-tools.list"
        assert "initramfs-tools hook ran (rc $rc)" [ "$rc" = 0 ]
        assert "initramfs-tools: hostdev, its libraries, config, drop-in, rule, softdep" \
                bash -c "grep -q '^.$HOOKBIN/hostdev\$' '$T/initramfs-tools.list' && grep -q 'libkmod.so' '$T/initramfs-tools.list' &&
                         grep -q '^./etc/hostdev.conf\$' '$T/initramfs-tools.list' && grep -q '^./etc/hostdev.d/10-more.conf\$' '$T/initramfs-tools.list' &&
                         grep -q '^./usr/lib/udev/rules.d/05-hostdev.rules\$' '$T/initramfs-tools.list' &&
                         grep -qx 'softdep nouveau pre: vfio-pci' '$D/etc/modprobe.d/hostdev-softdep.conf'"
        assert "initramfs-tools: vfio modules requested" grep -q 'vfio_pci' "$D.modules"
        # no configuration: nothing added
        D2="$T/initramfs-empty"; mkdir -p "$D2"; E="$T/emptyroot"; mkdir -p "$E/etc"
        DESTDIR="$D2" HOSTDEV_SYSROOT="$E" sh "$T/run-hook" >/dev/null 2>&1
        assert "initramfs-tools: nothing configured, nothing added" [ -z "$(ls -A "$D2")" ]
else
        bad "initramfs-tools-core missing (scripts/install-deps)"
fi
if [ -f /usr/lib/dracut/dracut-init.sh ] && [ -x /usr/lib/dracut/dracut-install ]; then
        subst "$TOP/data/dracut/90hostdev/module-setup.sh" "$T/module-setup.sh"
        D="$T/dracut"; mkdir -p "$D"
        # dracut's own functions (dracut-core: inst_binary, inst_simple,
        # inst_rules through dracut-install); only instmods is stubbed, as this
        # machine has no kernel modules to copy
        cat > "$T/run-dracut" <<EOF
export initdir="$D" dracutbasedir=/usr/lib/dracut DRACUT_INSTALL=/usr/lib/dracut/dracut-install
export udevdir=/usr/lib/udev hostonly= kernel=\$(uname -r)
. /usr/lib/dracut/dracut-functions.sh
. /usr/lib/dracut/dracut-init.sh
instmods() { echo "\$@" >> "$D.modules"; }
. "$T/module-setup.sh"
check; rc=\$?; [ \$rc = 0 ] || exit \$rc
depends >/dev/null
installkernel
install
EOF
        HOSTDEV_SYSROOT="$R" bash "$T/run-dracut" > "$T/out" 2>"$T/err"; rc=$?
        (cd "$D" && find . | LC_ALL=C sort | cpio -o -H newc 2>/dev/null | gzip) > "$T/initrd-dracut.img"
        lsinitrd "$T/initrd-dracut.img" > "$T/lsinitrd.out" 2>&1
        awk '$1 ~ /^[-l]/ { print "./" $9 }' "$T/lsinitrd.out" | LC_ALL=C sort > "$T/dracut.list"
        echo "dracut image contents (lsinitrd):"; sed 's/^/  /' "$T/dracut.list"
        assert "dracut: the softdep file is world-readable" bash -c "grep -q '^-rw-r--r-- .* etc/modprobe.d/hostdev-softdep.conf\$' '$T/lsinitrd.out'"
        assert "dracut module ran (rc $rc)" [ "$rc" = 0 ]
        assert "dracut: hostdev, its libraries, config, drop-in, rule, softdep" \
                bash -c "grep -q '^.$HOOKBIN/hostdev\$' '$T/dracut.list' && grep -q 'libkmod.so' '$T/dracut.list' &&
                         grep -q '^./etc/hostdev.conf\$' '$T/dracut.list' && grep -q '^./etc/hostdev.d/10-more.conf\$' '$T/dracut.list' &&
                         grep -q '/rules.d/05-hostdev.rules\$' '$T/dracut.list' &&
                         grep -qx 'softdep nouveau pre: vfio-pci' '$D/etc/modprobe.d/hostdev-softdep.conf'"
        assert "dracut: vfio modules requested" grep -q 'vfio_pci' "$D.modules"
        E="$T/emptyroot"; mkdir -p "$E/etc"
        HOSTDEV_SYSROOT="$E" bash "$T/run-dracut" >/dev/null 2>&1; rc=$?
        assert "dracut: check() says 255 (not needed) without a configuration" [ "$rc" = 255 ]
else
        bad "dracut-core missing (scripts/install-deps)"
fi

finish
