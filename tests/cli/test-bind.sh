#!/bin/bash
# hostdev bind / unbind / restore under scripts/fake-kernel: moves, idempotence,
# refusal, rollback after every kind of injected failure, kill after every
# write + restore, parallel binds, the journal and the lock.
. "$TOP/tests/cli/lib.sh"
FIX=workstation-gpu
GPU=0000:01:00.0 AUDIO=0000:01:00.1 PORT=0000:00:01.0 IGPU=0000:00:02.0

# fresh NAME: a loaded, fake-kernel-completed sysroot (lib.sh: state, drv, ovr, hd, same, nwrites)
fresh() { fk_sysroot "$FIX" "$1"; }

[ -x "$FK" ] || { bad "scripts/fake-kernel missing"; finish; exit; }

# ------------------------------------------------------------ bind / again / unbind
R=$(fresh main) || { bad "load $FIX"; finish; exit; }
state "$R" > "$T/orig"
expect_rc 0 "dry-run bind exits 0" "$HOSTDEV" --sysroot "$R" bind --dry-run "$GPU"
cp "$T/out" "$T/plan"
N=$(grep -c '^write ' "$T/plan")
assert "dry-run plans 6 writes (3 per function)" [ "$N" = 6 ]
assert "dry-run: override before unbind before probe" \
        bash -c "sed -n '1p' '$T/plan' | grep -q '01:00.0/driver_override \"vfio-pci\"' &&
                 sed -n '2p' '$T/plan' | grep -q '01:00.0/driver/unbind \"$GPU\"' &&
                 sed -n '3p' '$T/plan' | grep -q 'drivers_probe \"$GPU\"' &&
                 sed -n '4p' '$T/plan' | grep -q '01:00.1/driver_override'"
assert "dry-run never names the root port" bash -c "! grep -q 00:01.0/driver '$T/plan'"
same "dry-run changed nothing" "$R" "$T/orig"
assert "dry-run made no state dir" [ ! -e "$R/run/hostdev/state.json" ]

FAKE_KERNEL_LOG="$T/log1" expect_rc 0 "bind GPU" hd "$R" bind "$GPU"
assert "GPU on vfio-pci" [ "$(drv "$R" $GPU)" = vfio-pci ]
assert "audio on vfio-pci" [ "$(drv "$R" $AUDIO)" = vfio-pci ]
assert "overrides set" [ "$(ovr "$R" $GPU)$(ovr "$R" $AUDIO)" = vfio-pcivfio-pci ]
assert "dev/vfio/1 present" [ -e "$R/dev/vfio/1" ]
assert "root port untouched" [ "$(drv "$R" $PORT)" = pcieport ] && [ "$(ovr "$R" $PORT)" = "(null)" ]
others() { grep -v -e "^$GPU" -e "^$AUDIO" -e '^vfio:' "$1"; }
state "$R" > "$T/now"
assert "only GPU and audio changed" cmp -s <(others "$T/orig") <(others "$T/now")
# plan and log in one shape: "PATH VALUE", the unbind path resolved either way
sed 's/^write \(.*\) "\(.*\)"$/\1 \2/; s|/driver/unbind |/UNBIND |; s|/sys/devices/.*/UNBIND|UNBIND|' \
        "$T/plan" > "$T/plan.norm"
sed 's/ ok$//; s|/sys/bus/pci/drivers/[^/]*/unbind|UNBIND|' "$T/log1" > "$T/log1.norm"
assert "the real writes are exactly the planned ones" diff -u "$T/plan.norm" "$T/log1.norm"
assert "journal records originals" \
        bash -c "grep -q '\"nouveau\"' '$R/run/hostdev/state.json' && grep -q '\"snd_hda_intel\"' '$R/run/hostdev/state.json' && grep -q '\"bound\"' '$R/run/hostdev/state.json'"
state "$R" > "$T/bound"

FAKE_KERNEL_LOG="$T/log2" expect_rc 0 "bind again exits 0" hd "$R" bind "$GPU"
same "bind again changes nothing" "$R" "$T/bound"
assert "bind again writes nothing" [ "$(nwrites "$T/log2")" = 0 ]
expect_rc 0 "dry-run of a bound group" "$HOSTDEV" --sysroot "$R" bind --dry-run "$GPU"
assert "dry-run of a bound group plans nothing" [ ! -s "$T/out" ]
expect_rc 0 "bind by the audio function: same group, nothing to do" hd "$R" bind pci_0000_01_00_1

FAKE_KERNEL_LOG="$T/log3" expect_rc 0 "unbind GPU" hd "$R" unbind "$GPU"
same "unbind restores both drivers, overrides cleared, node gone" "$R" "$T/orig"
assert "journal empty after unbind" bash -c "! grep -q address '$R/run/hostdev/state.json'"
assert "unbind cleared overrides with a newline" grep -q 'driver_override "" ok' "$T/log3"
expect_rc 0 "unbind again: nothing to do" hd "$R" unbind "$GPU"
same "unbind again changes nothing" "$R" "$T/orig"

# ------------------------------------------------------------ refusal
R=$(fresh vga)
FAKE_KERNEL_LOG="$T/logv" expect_rc 3 "boot VGA refused (exit 3)" hd "$R" bind "$IGPU"
assert "refusal says why on stderr" [ -s "$T/err" ]
same "boot VGA untouched" "$R" "$T/orig"
assert "boot VGA refusal writes nothing" [ "$(nwrites "$T/logv")" = 0 ]
expect_rc 3 "a bridge is refused (exit 3)" hd "$R" bind "$PORT"
same "bridge untouched" "$R" "$T/orig"
expect_rc 1 "unknown device" hd "$R" bind 0000:42:00.0

# ------------------------------------------------------------ failure half way
R=$(fresh half)
FAKE_KERNEL_FAIL=$AUDIO/driver_override:EACCES expect_rc 1 "audio override unwritable: exit 1" \
        hd "$R" bind "$GPU"
assert "one line per problem, naming the device" grep -q "$AUDIO" "$T/err"
assert "GPU back on nouveau" [ "$(drv "$R" $GPU)" = nouveau ]
same "failure half way: nothing else changed" "$R" "$T/orig"
assert "journal empty after rollback" bash -c "! grep -q address '$R/run/hostdev/state.json'"

inject() { # inject DESC ENV=VALUE [hostdev args...]
        local desc=$1 env=$2; shift 2
        R=$(fresh inj)
        env "$env" "$FK" "$R" -- "$HOSTDEV" --sysroot "$R" "$@" >"$T/out" 2>"$T/err"; rc=$?
        if [ $rc = 1 ]; then ok "$desc: exit 1"; else bad "$desc: exit $rc, wanted 1"; cat "$T/err"; fi
        same "$desc: rolled back" "$R" "$T/orig"
}
inject "vfio-pci refuses the audio function" "FAKE_KERNEL_REFUSE=vfio-pci:$AUDIO" bind "$GPU"
inject "probe never comes for the GPU" "FAKE_KERNEL_NOPROBE=$GPU" bind "$GPU"
inject "probe never comes for the audio" "FAKE_KERNEL_NOPROBE=$AUDIO" bind "$GPU"
inject "/dev/vfio node never appears" FAKE_KERNEL_NO_VFIO_NODE=1 bind --timeout 0.3 "$GPU"
inject "unbind of the audio driver fails" "FAKE_KERNEL_FAIL=$AUDIO/unbind:EBUSY" bind "$GPU"
inject "drivers_probe fails" "FAKE_KERNEL_FAIL=$AUDIO/drivers_probe:EIO" bind "$GPU"
inject "node slower than --timeout" FAKE_KERNEL_VFIO_DELAY_MS=1500 bind --timeout 0.2 "$GPU"

R=$(fresh slow)
FAKE_KERNEL_VFIO_DELAY_MS=300 expect_rc 0 "slow udev within --timeout" hd "$R" bind --timeout 5 "$GPU"
assert "slow node arrived" [ -e "$R/dev/vfio/1" ]

# unbind failing half way goes back to vfio-pci, still recorded
R=$(fresh unbf)
hd "$R" bind "$GPU" >/dev/null 2>&1
state "$R" > "$T/bound"
FAKE_KERNEL_REFUSE="snd_hda_intel:$AUDIO" FAKE_KERNEL_FAIL="snd_hda_intel/bind:ENODEV" \
        expect_rc 1 "unbind: audio driver will not take it back" hd "$R" unbind "$GPU"
same "failed unbind rolled back onto vfio-pci" "$R" "$T/bound"
assert "still recorded as bound" grep -q '"bound"' "$R/run/hostdev/state.json"
expect_rc 0 "unbind later succeeds" hd "$R" unbind "$GPU"
same "then everything is back" "$R" "$T/orig"

# ------------------------------------------------------------ held by a VM
R=$(fresh held)
hd "$R" bind "$GPU" >/dev/null 2>&1
state "$R" > "$T/bound"
mkdir -p "$R/proc/4242/fd"
ln -s /dev/vfio/1 "$R/proc/4242/fd/17"
echo qemu-system-x86 > "$R/proc/4242/comm"
printf 'qemu-system-x86_64\0-name\0guest=win11\0' > "$R/proc/4242/cmdline"
FAKE_KERNEL_LOG="$T/logh" expect_rc 3 "unbind while a VM holds /dev/vfio/1: refused (exit 3)" hd "$R" unbind "$GPU"
assert "the refusal names the holder" grep -q 4242 "$T/err"
same "held group untouched" "$R" "$T/bound"
assert "held refusal writes nothing" [ "$(nwrites "$T/logh")" = 0 ]
expect_rc 3 "restore --all skips a held group (exit 3)" hd "$R" restore --all
same "held group untouched by restore --all" "$R" "$T/bound"
expect_rc 0 "unbind --force while held" hd "$R" unbind --force "$GPU"
same "forced unbind restores" "$R" "$T/orig"
rm -rf "$R/proc/4242"

# ------------------------------------------------------------ --owner
R=$(fresh own)
expect_rc 0 "bind --owner nobody" hd "$R" bind --owner nobody:nogroup "$GPU"
assert "dev/vfio/1 owned by nobody" [ "$(stat -c %U "$R/dev/vfio/1")" = nobody ]
expect_rc 1 "bind --owner of an unknown user" hd "$R" bind --owner no-such-user-xyz "$GPU"
expect_rc 2 "bind --timeout garbage is a usage error" hd "$R" bind --timeout soon "$GPU"

# ------------------------------------------------------------ restore --all
R=$(fresh all)
hd "$R" bind "$GPU" >/dev/null 2>&1
expect_rc 0 "restore without --all leaves completed binds" hd "$R" restore
assert "still bound" [ "$(drv "$R" $GPU)" = vfio-pci ]
expect_rc 0 "restore --all --dry-run" hd "$R" restore --all --dry-run
assert "restore --all --dry-run plans the unbind" grep -q "driver_override \"\\\\n\"" "$T/out"
assert "still bound after dry run" [ "$(drv "$R" $GPU)" = vfio-pci ]
expect_rc 0 "restore --all" hd "$R" restore --all
same "restore --all gives everything back" "$R" "$T/orig"

# ------------------------------------------------------------ kill after every write
for k in $(seq 1 "$N"); do
        R=$(fresh "kill$k")
        FAKE_KERNEL_KILL_AT=$k hd "$R" bind "$GPU" >/dev/null 2>&1; rc=$?
        [ $rc = 137 ] || bad "kill at write $k: bind exit $rc, wanted 137 (SIGKILL)"
        assert "kill at write $k: journal says a bind was in progress" grep -q '"binding"' "$R/run/hostdev/state.json"
        hd "$R" restore >"$T/out" 2>"$T/err" || { bad "restore after kill at $k"; cat "$T/err"; }
        same "kill at write $k + restore: tree exactly as before" "$R" "$T/orig"
done
# a kill while restoring is repaired by the next run too
R=$(fresh killr)
FAKE_KERNEL_KILL_AT=4 hd "$R" bind "$GPU" >/dev/null 2>&1
FAKE_KERNEL_KILL_AT=1 hd "$R" restore >/dev/null 2>&1
expect_rc 0 "restore after a killed restore" hd "$R" restore
same "killed bind, killed restore, restore: as before" "$R" "$T/orig"
# the next bind finishes the job itself
R=$(fresh killb)
FAKE_KERNEL_KILL_AT=2 hd "$R" bind "$GPU" >/dev/null 2>&1
expect_rc 0 "bind after a killed bind" hd "$R" bind "$GPU"
same "bind after a killed bind ends bound" "$R" "$T/bound"
# a killed unbind is finished by restore
R=$(fresh killu)
hd "$R" bind "$GPU" >/dev/null 2>&1
FAKE_KERNEL_KILL_AT=4 hd "$R" unbind "$GPU" >/dev/null 2>&1
assert "journal says an unbind was in progress" grep -q '"unbinding"' "$R/run/hostdev/state.json"
expect_rc 0 "restore after a killed unbind" hd "$R" restore
same "killed unbind + restore: finished" "$R" "$T/orig"

# ------------------------------------------------------------ parallel
R=$(fresh par)
OTHER=${OTHER:-0000:00:1f.3}
( hd "$R" bind "$GPU" >"$T/p1.out" 2>"$T/p1.err"; echo $? > "$T/p1.rc" ) &
( hd "$R" bind "$OTHER" >"$T/p2.out" 2>"$T/p2.err"; echo $? > "$T/p2.rc" ) &
wait
assert "parallel bind of group 1 succeeds" [ "$(cat "$T/p1.rc")" = 0 ]
assert "parallel bind of another group succeeds" [ "$(cat "$T/p2.rc")" = 0 ] || cat "$T/p2.err"
assert "both groups on vfio-pci" [ "$(drv "$R" $GPU)$(drv "$R" $OTHER)" = vfio-pcivfio-pci ]
assert "journal holds both groups" [ "$(grep -c '"bound"' "$R/run/hostdev/state.json")" -ge 3 ]
expect_rc 0 "restore --all after parallel binds" hd "$R" restore --all
same "both groups restored" "$R" "$T/orig"

R=$(fresh par2)
for i in 1 2 3; do
        ( hd "$R" bind "$GPU" >/dev/null 2>"$T/q$i.err"; echo $? > "$T/q$i.rc" ) &
done
wait
assert "three parallel binds of the same group all succeed" \
        [ "$(cat "$T/q1.rc" "$T/q2.rc" "$T/q3.rc" | tr -d '\n')" = 000 ]
state "$R" > "$T/par2.state"
assert "same group bound once" [ "$(grep -c '"address"' "$R/run/hostdev/state.json")" = 2 ]
expect_rc 0 "unbind after parallel binds" hd "$R" unbind "$GPU"
same "same-group parallel binds: unbind restores" "$R" "$T/orig"

# ------------------------------------------------------------ journal robustness
R=$(fresh bad)
mkdir -p "$R/run/hostdev"; echo '{ not json' > "$R/run/hostdev/state.json"
expect_rc 1 "a corrupt journal stops bind" hd "$R" bind "$GPU"
same "nothing written with a corrupt journal" "$R" "$T/orig"

finish
