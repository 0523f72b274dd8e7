#!/bin/bash
# Trust (issue 11): the writing verbs under scripts/fake-kernel refuse what
# they cannot tell is unused, report half-bound groups, treat the journal as
# hostile input, never block on a FIFO, never unbind a device that is not on
# vfio-pci.
. "$TOP/tests/cli/lib.sh"
FK="$TOP/scripts/fake-kernel"
FIX=workstation-gpu
GPU=0000:01:00.0 AUDIO=0000:01:00.1 NVME=0000:03:00.0 AHCI=0000:00:17.0

[ -x "$FK" ] || { bad "scripts/fake-kernel missing"; finish; exit; }

fresh() {
        local d
        d=$(load_fixture "$FIX" "$T/$1") || return 1
        "$FK" --setup "$d" || return 1
        echo "$d"
}
hd() { local r=$1; shift; "$FK" "$r" -- "$HOSTDEV" --sysroot "$r" "$@"; }
drv() { local l; l=$(readlink "$1/sys/bus/pci/devices/$2/driver" 2>/dev/null); echo "${l##*/}"; }
# snapshot ROOT: every path and link target, every driver_override, the
# journal (the empty lock file and its directories, created by every writing
# verb before it reads the journal, are not state)
snapshot() {
        (cd "$1" && find . -path ./.fake-kernel -prune -o -printf '%p %l\n' |
                grep -Ev '^\./run(/hostdev(/lock)?)? $' | sort
         for p in sys/bus/pci/devices/*; do echo "${p##*/} override=$(cat "$p/driver_override")"; done
         for f in run/hostdev/state*; do [ -f "$f" ] && [ ! -L "$f" ] && { echo "== $f"; cat "$f"; }; done
         [ -e outside ] && { echo "== outside"; cat outside; }) 2>/dev/null
}
unchanged() { # unchanged DESC ROOT BEFORE-FILE
        if snapshot "$2" | diff -u "$3" - > "$T/diff"; then ok "$1"; else bad "$1"; head -20 "$T/diff"; fi
}
one_line() { # one_line DESC: stderr of the last expect_rc is one line
        if [ "$(wc -l < "$T/err")" = 1 ]; then ok "$1"; else bad "$1"; cat "$T/err"; fi
}

# ------------------------------------------------------------ no proc/: the unknown is refused
R=$(fresh noproc) || { bad "load $FIX"; finish; exit; }
rm -rf "$R/proc"
expect_rc 0 "check of the NVMe without proc/ (warnings only)" "$HOSTDEV" --sysroot "$R" check "$NVME"
assert "check says plainly that bind would refuse" grep -q 'bind` and `unbind` refuse' "$T/out"
snapshot "$R" > "$T/before"
expect_rc 3 "bind of the NVMe (mounted /) without proc/: refused, exit 3" hd "$R" bind "$NVME"
assert "the refusal says unknown" grep -q '(unknown)' "$T/err"
cp "$T/err" "$T/noproc.err"
unchanged "refused bind changed nothing" "$R" "$T/before"
expect_rc 3 "bind --dry-run refuses too" "$HOSTDEV" --sysroot "$R" bind --dry-run "$NVME"
expect_rc 0 "bind --force of the NVMe without proc/ goes ahead" hd "$R" bind --force "$NVME"
assert "forced: NVMe on vfio-pci" [ "$(drv "$R" $NVME)" = vfio-pci ]
expect_rc 3 "unbind without proc/: cannot tell whether it is held, exit 3" hd "$R" unbind "$NVME"
assert "forced bind's group still on vfio-pci" [ "$(drv "$R" $NVME)" = vfio-pci ]
expect_rc 0 "unbind --force without proc/" hd "$R" unbind --force "$NVME"
assert "NVMe back on nvme" [ "$(drv "$R" $NVME)" = nvme ]
# with proc/ the mounted root refuses on its own, and is not "unknown"
R=$(fresh withproc)
expect_rc 3 "with proc/: bind of the NVMe refused for the mounted disk" hd "$R" bind "$NVME"
assert "disk-mounted, not unknown" bash -c "grep -q disk-mounted '$T/err' && ! grep -q '(unknown)' '$T/err'"
# no readable mount table: the mounted root cannot be seen, so it is unknown
R=$(fresh nomounts)
rm -f "$R/proc/self/mountinfo" "$R/proc/mounts"
expect_rc 3 "no proc/self/mountinfo: bind of the NVMe refused" hd "$R" bind "$NVME"
assert "it says mounts are unknown" grep -q 'mounts are unknown' "$T/err"
assert "NVMe keeps nvme" [ "$(drv "$R" $NVME)" = nvme ]
# an unreadable fd directory is unknown too (proc/PID/fd a file here)
R=$(fresh fdbad)
mkdir -p "$R/proc/777"; echo x > "$R/proc/777/fd"
expect_rc 3 "an unreadable proc/PID/fd: bind of the GPU refused" hd "$R" bind "$GPU"
assert "it names the unreadable process list" grep -q 'open files of 1 process' "$T/err"
assert "GPU untouched" [ "$(drv "$R" $GPU)" = nouveau ]

# ------------------------------------------------------------ half-bound: interrupted
R=$(fresh half)
FAKE_KERNEL_KILL_AT=4 hd "$R" bind "$GPU" >/dev/null 2>&1
assert "killed after write 4: the GPU is on vfio-pci, the audio is not" \
        [ "$(drv "$R" $GPU)/$(drv "$R" $AUDIO)" = vfio-pci/snd_hda_intel ]
expect_rc 3 "check of the half-bound GPU: exit 3" "$HOSTDEV" --sysroot "$R" check "$GPU"
cp "$T/out" "$T/half.out"
assert "check says interrupted and points at restore" grep -q 'interrupted.*hostdev restore' "$T/out"
assert "check never says already-vfio for it" bash -c "! grep -q already-vfio '$T/out'"
expect_rc 0 "restore" hd "$R" restore
expect_rc 0 "check after restore: eligible again" "$HOSTDEV" --sysroot "$R" check "$GPU"
assert "no longer interrupted" bash -c "! grep -q interrupted '$T/out'"

# ------------------------------------------------------------ the tampered journal
R=$(fresh tamper)
hd "$R" bind "$GPU" >/dev/null 2>&1 || bad "bind for the tamper tests"
cp "$R/run/hostdev/state.json" "$T/good.json"
tamper() { # tamper DESC SED-EXPRESSION: restore --all refuses, nothing changes
        local what=$1
        sed "$2" "$T/good.json" > "$R/run/hostdev/state.json"
        snapshot "$R" > "$T/before"
        expect_rc 1 "journal with $what: restore --all refused" hd "$R" restore --all
        one_line "journal with $what: one line"
        unchanged "journal with $what: tree byte-identical" "$R" "$T/before"
        expect_rc 1 "journal with $what: restore refused" hd "$R" restore
        expect_rc 1 "journal with $what: unbind refused" hd "$R" unbind "$GPU"
        expect_rc 1 "journal with $what: bind refused" hd "$R" bind 0000:00:1f.3
        unchanged "journal with $what: still identical after all verbs" "$R" "$T/before"
}
tamper 'driver "evil;rm"' 's/"nouveau"/"evil;rm"/'
cp "$T/err" "$T/evil.err"
tamper 'driver "../x"' 's/"nouveau"/"..\/x"/'
cp "$T/err" "$T/dotdot.err"
tamper 'a driver that is not loaded' 's/"nouveau"/"nosuchdrv"/'
tamper 'override "a b"' 's/"driver_override":[[:space:]]*null/"driver_override": "a b"/'
tamper 'group 1e300' 's/"group":[[:space:]]*1/"group": 1e300/'
tamper 'group -3e9' 's/"group":[[:space:]]*1/"group": -3e9/'
tamper 'since 1e300' 's/"since":[[:space:]]*[0-9]*/"since": 1e300/'
tamper 'the wrong group' 's/"group":[[:space:]]*1/"group": 7/'
tamper 'an address not on this host' 's/0000:01:00.1/0000:42:00.0/'
# a symlink to another file: never followed
echo '{"version":1,"devices":[{"address":"0000:00:17.0","group":4,"driver":"ahci","driver_override":null,"state":"binding"}]}' > "$R/outside"
rm -f "$R/run/hostdev/state.json"; ln -s ../../outside "$R/run/hostdev/state.json"
snapshot "$R" > "$T/before"
expect_rc 1 "a symlinked journal: restore --all refused" hd "$R" restore --all
one_line "a symlinked journal: one line"
cp "$T/err" "$T/symlink.err"
assert "it says symbolic link and what to do" grep -q 'symbolic link.*restore --discard' "$T/err"
unchanged "a symlinked journal: tree byte-identical" "$R" "$T/before"
expect_rc 1 "a symlinked journal: check still works, restore refused" hd "$R" restore
expect_rc 0 "restore --discard sets it aside" hd "$R" restore --discard
assert "the link itself was moved, its target kept" \
        bash -c "[ -L '$R/run/hostdev/state.json.discarded' ] && [ ! -e '$R/run/hostdev/state.json' ] && [ -s '$R/outside' ]"
expect_rc 0 "restore --discard again: nothing to discard" hd "$R" restore --discard
expect_rc 2 "restore --discard --all is a usage error" hd "$R" restore --discard --all
# a journal that is a FIFO, a directory; a state directory that is a symlink
mkfifo "$R/run/hostdev/state.json"
expect_rc 1 "a FIFO journal: refused at once" timeout 10 "$FK" "$R" -- "$HOSTDEV" --sysroot "$R" restore --all
assert "not a regular file" grep -q 'not a regular file' "$T/err"
rm -f "$R/run/hostdev/state.json"
mv "$R/run/hostdev" "$R/run/elsewhere"; ln -s elsewhere "$R/run/hostdev"
snapshot "$R" > "$T/before"
expect_rc 1 "a symlinked run/hostdev: refused" hd "$R" restore --all
assert "it says not followed" grep -q 'does not follow' "$T/err"
unchanged "a symlinked run/hostdev: tree byte-identical" "$R" "$T/before"
expect_rc 1 "a symlinked run/hostdev: dry run refused too" "$HOSTDEV" --sysroot "$R" bind --dry-run "$GPU"
rm "$R/run/hostdev"; mv "$R/run/elsewhere" "$R/run/hostdev"
cp "$T/good.json" "$R/run/hostdev/state.json"
expect_rc 0 "the good journal still restores" hd "$R" restore --all
assert "GPU back on nouveau" [ "$(drv "$R" $GPU)" = nouveau ]

# a driver_override that would not read back as a valid journal is not recorded
R=$(fresh oddovr)
printf 'a;b\n' > "$R/sys/bus/pci/devices/$AUDIO/driver_override"
snapshot "$R" > "$T/before"
expect_rc 1 "bind with a driver_override 'a;b' in the group: refused" hd "$R" bind "$GPU"
assert "it says why" grep -q 'not a plain driver name' "$T/err"
unchanged "odd override: tree byte-identical" "$R" "$T/before"

# ------------------------------------------------------------ stale and forged entries
for st in binding unbinding bound; do
        R=$(fresh "stale-$st")
        mkdir -p "$R/run/hostdev"
        # what hostdev would have recorded for the AHCI controller: it keeps ahci
        printf '{"version":1,"devices":[{"address":"%s","group":4,"driver":"ahci","driver_override":null,"state":"%s","since":1}]}\n' \
                "$AHCI" "$st" > "$R/run/hostdev/state.json"
        FAKE_KERNEL_LOG="$T/stale.log" expect_rc 0 "stale $st entry for the AHCI: restore --all" hd "$R" restore --all
        assert "stale $st entry: ahci keeps its driver" [ "$(drv "$R" $AHCI)" = ahci ]
        assert "stale $st entry: no unbind written" bash -c "! grep -q unbind '$T/stale.log' 2>/dev/null"
        # forged: the journal claims it came from another (loaded) driver
        printf '{"version":1,"devices":[{"address":"%s","group":4,"driver":"nouveau","driver_override":null,"state":"%s","since":1}]}\n' \
                "$AHCI" "$st" > "$R/run/hostdev/state.json"
        snapshot "$R" > "$T/before"
        expect_rc 1 "forged $st entry for the AHCI: refused" hd "$R" restore --all
        one_line "forged $st entry: one line"
        assert "forged $st entry: ahci keeps its driver" [ "$(drv "$R" $AHCI)" = ahci ]
        unchanged "forged $st entry: tree byte-identical" "$R" "$T/before"
done
cp "$T/err" "$T/forged.err"

# ------------------------------------------------------------ a FIFO as driver_override
R=$(fresh fifo)
o="$R/sys/bus/pci/devices/$GPU/driver_override"
rm -f "$o"; mkfifo "$o"
start=$(date +%s)
# the shim without the wrapper's setup pass (which would itself write to the FIFO)
SHIM=$("$FK" --print-lib)
expect_rc 1 "bind with a FIFO driver_override fails (no hang)" \
        env LD_PRELOAD="$SHIM" FAKE_KERNEL_ROOT="$R" \
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        timeout 20 "$HOSTDEV" --sysroot "$R" bind --timeout 2 "$GPU"
took=$(( $(date +%s) - start ))
cp "$T/err" "$T/fifo.err"
assert "bind returned within its timeout (${took}s)" [ "$took" -le 3 ]
assert "GPU keeps nouveau" [ "$(drv "$R" $GPU)" = nouveau ]
assert "the FIFO is still a FIFO" [ -p "$o" ]
assert "the error says what it found" grep -q "$GPU: writing 'vfio-pci' to driver_override failed: not a sysfs attribute" "$T/err"

finish
