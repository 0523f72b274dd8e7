#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Faults at scale (issue 11, item 8), under scripts/fake-kernel on the
# generated big server (scripts/gen-fixture):
#   a) one `bind` of three groups (in two PCI domains), SIGKILLed after its
#      k-th sysfs write for every k, then `restore`: every driver link (both
#      directions) and every driver_override exactly as before;
#   b) ROUNDS rounds of PAR binds of PAR different groups started together,
#      then `restore --all`: all bound and recorded, then all as before;
#   c) ROUNDS rounds of SAME binds of one group started together: all succeed,
#      the journal holds the group once with its host drivers, then as before.
# Prints the figures (writes, kills, rounds, time) and a cli-summary line.
#
#   HOSTDEV=build/hostdev TOP=. tests/stress/scale-faults.sh
#   environment: STRESS_SCALE (8), STRESS_ROUNDS (5), STRESS_PAR (16),
#                STRESS_SAME (8), STRESS_KILL_STEP (1: every write)
. "$TOP/tests/cli/lib.sh"
FK=$TOP/scripts/fake-kernel
SCALE=${STRESS_SCALE:-8} ROUNDS=${STRESS_ROUNDS:-5} PAR=${STRESS_PAR:-16} SAME=${STRESS_SAME:-8}
STEP=${STRESS_KILL_STEP:-1}
t0=$EPOCHREALTIME
secs() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

[ -x "$FK" ] || { bad "scripts/fake-kernel missing"; finish; exit; }
R=$T/big
"$TOP/scripts/gen-fixture" "$R" "$SCALE" >"$T/gen.out" 2>&1 && "$FK" --setup "$R" ||
        { bad "gen-fixture $SCALE / fake-kernel setup"; cat "$T/gen.out"; finish; exit; }
NPCI=$(find "$R/sys/bus/pci/devices" -mindepth 1 -maxdepth 1 | wc -l)
echo "stress: scale $SCALE: $(tail -1 "$T/gen.out" | sed 's/^gen-fixture: [^:]*: scale [0-9]*: //')"

# snap ROOT: every PCI function's driver link and driver_override content
# (verbatim), every drivers/D/ADDR back-link, the vfio group nodes
snap() {
        python3 - "$1" <<'PY'
import os, sys
root = sys.argv[1]
dev = os.path.join(root, 'sys/bus/pci/devices')
for a in sorted(os.listdir(dev)):
    p = os.path.join(dev, a)
    try:
        drv = os.path.basename(os.readlink(os.path.join(p, 'driver')))
    except OSError:
        drv = '-'
    try:
        with open(os.path.join(p, 'driver_override'), 'rb') as f:
            ovr = f.read()
    except OSError as e:
        ovr = ('<%s>' % e.strerror).encode()
    print(a, drv, repr(ovr))
drvs = os.path.join(root, 'sys/bus/pci/drivers')
for d in sorted(os.listdir(drvs)):
    for e in sorted(os.listdir(os.path.join(drvs, d))):
        q = os.path.join(drvs, d, e)
        if os.path.islink(q) and ':' in e:
            print('backlink', d, e, os.readlink(q))
vfio = os.path.join(root, 'dev/vfio')
print('vfio', ' '.join(sorted(os.listdir(vfio))) if os.path.isdir(vfio) else '')
PY
}
hd() { "$FK" "$R" -- "$HOSTDEV" --sysroot "$R" "$@"; }
writes=0
# hdlog ARGS...: hd with every control write counted
hdlog() { FAKE_KERNEL_LOG=$T/writes.log hd "$@"; }
count_writes() { [ -f "$T/writes.log" ] && writes=$((writes + $(wc -l < "$T/writes.log"))); rm -f "$T/writes.log"; }
same() { # same DESC: the tree matches the first snapshot
        if snap "$R" | diff -u "$T/orig" - > "$T/diff"; then ok "$1"; else bad "$1"; head -20 "$T/diff"; fi
}
drv() { local l; l=$(readlink "$R/sys/bus/pci/devices/$1/driver" 2>/dev/null); echo "${l##*/}"; }
# functions FUNC: every non-bridge function of FUNC's IOMMU group
functions() {
        local g a
        g=$(readlink "$R/sys/bus/pci/devices/$1/iommu_group"); g=${g##*/}
        for a in "$R/sys/kernel/iommu_groups/$g/devices/"*; do
                case $(cat "$a/class") in 0x06*) ;; *) echo "${a##*/}" ;; esac
        done
}
# started together: every bind waits at a barrier (a file) the parent creates
# once all are forked
barrier() { until [ -e "$T/go" ]; do sleep 0.005; done; }
go() { sleep 0.2; : > "$T/go"; wait; rm -f "$T/go"; }
group_of() { local g; g=$(readlink "$R/sys/bus/pci/devices/$1/iommu_group"); echo "${g##*/}"; }

snap "$R" > "$T/orig"
[ -s "$T/orig" ] && ok "snapshot: $NPCI PCI functions" || { bad "snapshot"; finish; exit; }

# candidate groups: per domain the GPU, four free NVMe (03 carries /), xHCI,
# HBA, then VFs of PF0; checked eligible below
cands=()
for ((u = 0; u < SCALE; u++)); do
        dm=$(printf %04x "$u")
        cands+=("$dm:02:00.0" "$dm:04:00.0" "$dm:05:00.0" "$dm:06:00.0" "$dm:07:00.0" "$dm:09:00.0" "$dm:0a:00.0")
done
for s in 2 3 4 5 6; do for f in 0 1 2 3 4 5 6 7; do cands+=("0000:01:0$s.$f"); done; done
"$HOSTDEV" --numeric --sysroot "$R" check -J "${cands[@]}" > "$T/cands.json" 2>/dev/null
mapfile -t ok_cands < <(jq -r '.devices[] | select(.eligible) | .name' "$T/cands.json" |
        sed -E 's/^pci_([0-9a-f]{4})_([0-9a-f]{2})_([0-9a-f]{2})_([0-7])$/\1:\2:\3.\4/')
[ "${#ok_cands[@]}" -ge "$PAR" ] && ok "${#ok_cands[@]} eligible candidate groups" ||
        { bad "only ${#ok_cands[@]} eligible candidates"; finish; exit; }

# ------------------------------------------------------------ a) kill after every write
THREE=("${ok_cands[0]}" "${ok_cands[2]}" "${ok_cands[${#ok_cands[@]} > 7 ? 8 : 3]}")
ta=$EPOCHREALTIME
expect_rc 0 "a) dry run of bind ${THREE[*]}" "$HOSTDEV" --sysroot "$R" bind --dry-run "${THREE[@]}"
K=$(grep -c '^write ' "$T/out")
nf=0; for d in "${THREE[@]}"; do nf=$((nf + $(functions "$d" | wc -l))); done
assert "a) bind of 3 groups plans 3 writes per function ($nf functions, $K writes)" [ "$K" = $((3 * nf)) ]
kills=0; kfail=0
for ((k = 1; k <= K; k += STEP)); do
        FAKE_KERNEL_KILL_AT=$k hdlog bind "${THREE[@]}" >/dev/null 2>"$T/kill.err"; rc=$?
        count_writes
        [ $rc = 137 ] || { bad "a) kill at write $k: bind exit $rc, wanted 137 (SIGKILL)"; kfail=$((kfail + 1)); }
        kills=$((kills + 1))
        grep -q '"binding"' "$R/run/hostdev/state.json" 2>/dev/null ||
                { bad "a) kill at write $k: the journal shows no bind in progress"; kfail=$((kfail + 1)); }
        hdlog restore >"$T/out" 2>"$T/err"; rc=$?
        count_writes
        [ $rc = 0 ] || { bad "a) restore after kill at $k: exit $rc"; head -3 "$T/err"; kfail=$((kfail + 1)); }
        if ! snap "$R" | diff -u "$T/orig" - > "$T/diff"; then
                bad "a) kill at write $k + restore: tree differs"; head -20 "$T/diff"; kfail=$((kfail + 1))
                rm -rf "$R"; "$TOP/scripts/gen-fixture" "$R" "$SCALE" >/dev/null 2>&1; "$FK" --setup "$R"
        fi
done
[ "$kfail" = 0 ] && ok "a) $kills kills (write 1..$K of one bind of 3 groups, $nf functions) + restore: all $NPCI functions exactly as before"
# and uninterrupted: bind, then restore --all
expect_rc 0 "a) bind of the 3 groups without a kill" hdlog bind "${THREE[@]}"
count_writes
expect_rc 0 "a) restore --all" hdlog restore --all
count_writes
same "a) bind + restore --all: exactly as before"
echo "stress: a) $kills kills after writes 1..$K, restore each: $(secs "$ta") s"

# ------------------------------------------------------------ b) PAR binds at once
tb=$EPOCHREALTIME
GROUPS16=("${ok_cands[@]:0:$PAR}")
bfail=0
for ((round = 1; round <= ROUNDS; round++)); do
        for ((i = 0; i < PAR; i++)); do
                ( barrier; FAKE_KERNEL_LOG=$T/wb$i.log hd bind "${GROUPS16[$i]}" >/dev/null 2>"$T/b$i.err"; echo $? > "$T/b$i.rc" ) &
        done
        go
        for ((i = 0; i < PAR; i++)); do
                d=${GROUPS16[$i]}
                [ "$(cat "$T/b$i.rc")" = 0 ] || { bad "b) round $round: bind $d exit $(cat "$T/b$i.rc"): $(head -1 "$T/b$i.err")"; bfail=$((bfail + 1)); }
                for f in $(functions "$d"); do
                        [ "$(drv "$f")" = vfio-pci ] || { bad "b) round $round: $f not on vfio-pci"; bfail=$((bfail + 1)); }
                        jq -e --arg a "$f" 'any(.devices[]; .address == $a and .state == "bound" and .driver != "vfio-pci")' \
                                "$R/run/hostdev/state.json" >/dev/null ||
                                { bad "b) round $round: $f not recorded with its host driver"; bfail=$((bfail + 1)); }
                done
                [ -e "$R/dev/vfio/$(group_of "$d")" ] || { bad "b) round $round: no dev/vfio node for $d"; bfail=$((bfail + 1)); }
                [ -f "$T/wb$i.log" ] && writes=$((writes + $(wc -l < "$T/wb$i.log"))); rm -f "$T/wb$i.log"
        done
        expect_rc 0 "b) round $round: restore --all after $PAR parallel binds" hdlog restore --all
        count_writes
        same "b) round $round: $PAR groups bound at once, restore --all: as before" || bfail=$((bfail + 1))
done
[ "$bfail" = 0 ] && ok "b) $ROUNDS rounds of $PAR parallel binds + restore --all"
echo "stress: b) $ROUNDS rounds x $PAR binds at once: $(secs "$tb") s"

# ------------------------------------------------------------ c) SAME binds of one group at once
tc=$EPOCHREALTIME
G=${ok_cands[0]}
mapfile -t GF < <(functions "$G")
cfail=0
for ((round = 1; round <= ROUNDS; round++)); do
        for ((i = 0; i < SAME; i++)); do
                ( barrier; FAKE_KERNEL_LOG=$T/wc$i.log hd bind "$G" >/dev/null 2>"$T/c$i.err"; echo $? > "$T/c$i.rc" ) &
        done
        go
        for ((i = 0; i < SAME; i++)); do
                [ "$(cat "$T/c$i.rc")" = 0 ] || { bad "c) round $round: bind $i exit $(cat "$T/c$i.rc"): $(head -1 "$T/c$i.err")"; cfail=$((cfail + 1)); }
                [ -f "$T/wc$i.log" ] && writes=$((writes + $(wc -l < "$T/wc$i.log"))); rm -f "$T/wc$i.log"
        done
        n=$(jq '.devices | length' "$R/run/hostdev/state.json")
        [ "$n" = "${#GF[@]}" ] || { bad "c) round $round: journal holds $n entries, wanted ${#GF[@]}"; cfail=$((cfail + 1)); }
        for f in "${GF[@]}"; do
                [ "$(drv "$f")" = vfio-pci ] || { bad "c) round $round: $f not on vfio-pci"; cfail=$((cfail + 1)); }
                want=$(grep "^$f " "$T/orig" | cut -d' ' -f2)
                jq -e --arg a "$f" --arg d "$want" 'any(.devices[]; .address == $a and .driver == $d)' \
                        "$R/run/hostdev/state.json" >/dev/null ||
                        { bad "c) round $round: $f not recorded with its host driver $want"; cfail=$((cfail + 1)); }
        done
        expect_rc 0 "c) round $round: restore --all after $SAME binds of $G" hdlog restore --all
        count_writes
        same "c) round $round: as before" || cfail=$((cfail + 1))
done
[ "$cfail" = 0 ] && ok "c) $ROUNDS rounds of $SAME parallel binds of one group ($G, ${#GF[@]} functions)"
echo "stress: c) $ROUNDS rounds x $SAME binds of $G at once: $(secs "$tc") s"

echo "stress: scale $SCALE ($NPCI PCI functions): $writes sysfs control writes, $kills kills," \
     "$((ROUNDS * 2)) parallel rounds ($PAR groups, $SAME same-group), $(secs "$t0") s, $_fail failed"
finish
