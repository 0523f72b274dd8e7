# Tests for scripts/fake-kernel: the simulated PCI driver core used to test
# binders on fixture trees.  Builds its own tiny tree; needs no hostdev build.
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${HOSTDEV:=$TOP/build/hostdev}"
export TOP HOSTDEV
. "$TOP/tests/cli/lib.sh"

FK=$TOP/scripts/fake-kernel
export FAKE_KERNEL_CACHE="$T/cache"     # build once per run, in the temp dir
unset FAKE_KERNEL_REFUSE FAKE_KERNEL_NOPROBE FAKE_KERNEL_FAIL FAKE_KERNEL_NO_VFIO_NODE \
      FAKE_KERNEL_VFIO_DELAY_MS FAKE_KERNEL_KILL_AT FAKE_KERNEL_LOG FAKE_KERNEL_ROOT

GPU=0000:01:00.0 AUD=0000:01:00.1 RP=0000:00:01.0 NIC=0000:02:00.0

# add_dev ROOT ADDR DEVPATH(below sys/devices) DRIVER|- CLASS GROUP
add_dev() {
        r=$1 a=$2 p=$3 drv=$4 cls=$5 grp=$6
        d=$r/sys/devices/$p
        up=$(echo "devices/$p" | sed 's|[^/]*|..|g')
        mkdir -p "$d" "$r/sys/kernel/iommu_groups/$grp/devices"
        ln -s "../../../devices/$p" "$r/sys/bus/pci/devices/$a"
        echo "$cls" > "$d/class"; echo 0x10de > "$d/vendor"; echo "0x1${grp}00" > "$d/device"
        ln -s "$up/kernel/iommu_groups/$grp" "$d/iommu_group"
        ln -s "../../../../devices/$p" "$r/sys/kernel/iommu_groups/$grp/devices/$a"
        if [ "$drv" != - ]; then
                mkdir -p "$r/sys/bus/pci/drivers/$drv"
                ln -s "$up/bus/pci/drivers/$drv" "$d/driver"
                ln -s "../../../../devices/$p" "$r/sys/bus/pci/drivers/$drv/$a"
        fi
}

# mk_tree DIR: root port + GPU + audio in group 1, NIC alone in group 2
mk_tree() {
        rm -rf "$1"; mkdir -p "$1/sys/bus/pci/devices" "$1/sys/bus/pci/drivers"
        add_dev "$1" $RP  pci0000:00/$RP                pcieport      0x060400 1
        add_dev "$1" $GPU pci0000:00/$RP/$GPU           nouveau       0x030000 1
        add_dev "$1" $AUD pci0000:00/$RP/$AUD           snd_hda_intel 0x040300 1
        add_dev "$1" $NIC pci0000:00/0000:00:1c.0/$NIC  e1000e        0x020000 2
        echo "$1"
}

R=$(mk_tree "$T/root")
dev() { echo "$R/sys/bus/pci/devices/$1"; }
drv_of() { l=$(readlink "$(dev "$1")/driver") && basename "$l" || echo none; }
ovr_of() { cat "$(dev "$1")/driver_override"; }
# wr FILE VALUE : one `echo VALUE > FILE` (bash) under the fake kernel; stderr in $T/wr.err
wr() { "$FK" "$R" -- bash -c 'echo "$2" > "$1"' _ "$R/$1" "$2" 2>"$T/wr.err"; }
err_is() { grep -q "$1" "$T/wr.err"; }
D() { echo "sys/bus/pci/devices/$1"; }
P=sys/bus/pci/drivers_probe
V=sys/bus/pci/drivers/vfio-pci

# ---------------------------------------------------------------- setup
expect_rc 2 "usage without command" "$FK" "$R"
expect_rc 7 "exit status is COMMAND's" "$FK" "$R" -- sh -c 'exit 7'
out=$("$FK" "$R" -- true 2>&1)
assert "no output from wrapper or shim" test -z "$out"
assert "setup: driver_override (null)" test "$(ovr_of $GPU)" = "(null)"
assert "setup: drivers_probe" test -f "$R/$P"
assert "setup: vfio-pci driver dir" test -f "$R/$V/bind" -a -f "$R/$V/unbind" -a -f "$R/$V/new_id"
assert "setup: control files of recorded drivers" test -f "$R/sys/bus/pci/drivers/nouveau/remove_id"
assert "setup: /dev/vfio/vfio" test -e "$R/dev/vfio/vfio"
assert "setup: original driver recorded" test "$(cat "$R/.fake-kernel/pci/$GPU.original")" = nouveau
(cd "$R" && find . -path ./.fake-kernel/lock -prune -o -print | sort) > "$T/tree1"
"$FK" --setup "$R"
(cd "$R" && find . -path ./.fake-kernel/lock -prune -o -print | sort) > "$T/tree2"
assert "setup is idempotent" cmp -s "$T/tree1" "$T/tree2"

# ---------------------------------------------------------------- driver_override
wr "$(D $GPU)/driver_override" vfio-pci
assert "override reads back" test "$(ovr_of $GPU)" = vfio-pci
"$FK" "$R" -- bash -c 'echo -n pci-stub > "$1"' _ "$(dev $GPU)/driver_override"
assert "override without newline" test "$(ovr_of $GPU)" = pci-stub
wr "$(D $GPU)/driver_override" ""
assert "writing \\n clears override" test "$(ovr_of $GPU)" = "(null)"

# ---------------------------------------------------------------- unbind / bind / probe
wr "$(D $GPU)/driver/unbind" $NIC
assert "unbind of a device not bound to D: ENODEV" err_is "No such device"
wr "$(D $GPU)/driver/unbind" $GPU
assert "unbind via driver/unbind link" test "$(drv_of $GPU)" = none
assert "unbind removes back-link" test ! -e "$R/sys/bus/pci/drivers/nouveau/$GPU" -a ! -L "$R/sys/bus/pci/drivers/nouveau/$GPU"
wr $V/bind $GPU
assert "bind vfio-pci without override: ENODEV" err_is "No such device"
wr "$(D $GPU)/driver_override" vfio-pci
wr sys/bus/pci/drivers/nouveau/bind $GPU
assert "bind other than override: ENODEV" err_is "No such device"
wr $V/bind $GPU
assert "bind vfio-pci with override" test "$(drv_of $GPU)" = vfio-pci
assert "bind creates back-link" test "$(readlink -f "$R/$V/$GPU")" = "$(readlink -f "$(dev $GPU)")"
assert "driver link is relative, right depth" test "$(readlink "$(dev $GPU)/driver")" = ../../../../bus/pci/drivers/vfio-pci
wr $V/bind $GPU
assert "bind when already bound: EBUSY" err_is "Device or resource busy"
assert "GPU alone on vfio: group 1 not viable, no node" test ! -e "$R/dev/vfio/1"

wr "$(D $AUD)/driver_override" vfio-pci
wr "$(D $AUD)/driver/unbind" $AUD
wr $P $AUD
assert "drivers_probe binds the override" test "$(drv_of $AUD)" = vfio-pci
assert "whole group on vfio (bridge on pcieport ignored): /dev/vfio/1" test -f "$R/dev/vfio/1"
wr $P $AUD; rc=$?
assert "drivers_probe of a bound device: success, no change" test $rc = 0 -a "$(drv_of $AUD)" = vfio-pci
wr $P 0000:09:00.0
assert "drivers_probe of unknown address: ENODEV" err_is "No such device"

wr $V/unbind $AUD
assert "member leaves vfio-pci: node removed" test ! -e "$R/dev/vfio/1"
"$FK" "$R" -- sh -c 'echo 0000:00:01.0 > "$1"' _ "$(dev $RP)/driver/unbind"
assert "driverless bridge" test "$(drv_of $RP)" = none
wr $V/unbind $AUD; wr $P $AUD
assert "driverless bridge ignored: node back" test -f "$R/dev/vfio/1"

wr "$(D $AUD)/driver_override" ""
wr $V/unbind $AUD
wr $P $AUD; rc=$?
assert "override cleared: probe restores original driver" test $rc = 0 -a "$(drv_of $AUD)" = snd_hda_intel
assert "host driver back: no node" test ! -e "$R/dev/vfio/1"
wr "$(D $RP)/driver_override" ""
wr $P $RP
assert "probe rebinds bridge to pcieport" test "$(drv_of $RP)" = pcieport
wr "$(D $NIC)/driver_override" no-such-driver
wr "$(D $NIC)/driver/unbind" $NIC
wr $P $NIC; rc=$?
assert "probe with override of a missing driver: success, binds nothing" test $rc = 0 -a "$(drv_of $NIC)" = none
wr "$(D $NIC)/driver_override" ""
wr sys/bus/pci/drivers/e1000e/bind $NIC
assert "bind original driver by bind file" test "$(drv_of $NIC)" = e1000e

# ---------------------------------------------------------------- new_id / remove_id
wr "$(D $NIC)/driver/unbind" $NIC
wr $V/new_id "10de 1200"
assert "new_id binds matching driverless device" test "$(drv_of $NIC)" = vfio-pci
assert "single-device group on vfio: /dev/vfio/2" test -f "$R/dev/vfio/2"
wr $V/new_id "10de 1200"
assert "new_id twice: EEXIST" err_is "File exists"
wr $V/remove_id "10de 1200"; rc1=$?
wr $V/remove_id "10de 1200"
assert "remove_id, then ENODEV" test $rc1 = 0 && err_is "No such device"
wr "$(D $NIC)/driver/unbind" $NIC; wr $P $NIC
assert "back to e1000e" test "$(drv_of $NIC)" = e1000e -a ! -e "$R/dev/vfio/2"

# ---------------------------------------------------------------- other writers
"$FK" "$R" -- sh -c 'echo vfio-pci > "$1"' _ "$(dev $NIC)/driver_override"
assert "dash echo" test "$(ovr_of $NIC)" = vfio-pci
"$FK" "$R" -- sh -c '/bin/echo 0000:02:00.0 > "$1"' _ "$(dev $NIC)/driver/unbind"
assert "coreutils echo (stdio, fclose)" test "$(drv_of $NIC)" = none
"$FK" "$R" -- sh -c 'echo 0000:02:00.0 | tee "$1" >/dev/null' _ "$R/$P"
assert "tee (unbuffered stdio)" test "$(drv_of $NIC)" = vfio-pci
assert "control file stays empty" test ! -s "$R/$P"
"$FK" "$R" -- bash -c 'printf "\n" > "$1"; cat "$1"' _ "$(dev $NIC)/driver_override" > "$T/out"
assert "bash printf clears, reads back (null)" test "$(cat "$T/out")" = "(null)"
if command -v python3 >/dev/null; then
        "$FK" "$R" -- python3 -c 'import sys,errno
try:
    with open(sys.argv[1], "w") as f:
        f.write("0000:02:00.0\n")
except OSError as e:
    sys.exit(0 if e.errno == errno.ENODEV else 1)
sys.exit(2)' "$R/sys/bus/pci/drivers/e1000e/unbind"
        assert "python write gets ENODEV" test $? = 0
fi
if printf 'int main(void){return 0;}' | cc -fsanitize=address -x c -o "$T/probe-asan" - 2>/dev/null; then
        cat > "$T/w.c" <<'EOF'
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
/* w DIR REL VALUE: hostdev's way (openat + one write); exit = errno */
int main(int c, char **v)
{
        int d = open(v[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int fd = openat(d, v[2], O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        if (c != 4 || fd < 0)
                return 100;
        return write(fd, v[3], strlen(v[3])) == (ssize_t)strlen(v[3]) ? 0 : errno;
}
EOF
        cc -fsanitize=address,undefined -g -o "$T/w-asan" "$T/w.c"
        "$FK" "$R" -- "$T/w-asan" "$R" sys/bus/pci/drivers/vfio-pci/unbind $NIC; rc=$?
        "$FK" "$R" -- "$T/w-asan" "$R" sys/bus/pci/drivers/vfio-pci/unbind $NIC; rc2=$?
        assert "ASan binary: unbind ok, then ENODEV" test $rc = 0 -a $rc2 = 19
fi
echo plain > "$T/plain"
"$FK" "$R" -- sh -c 'echo one > "$1"; echo two > "$2/class"' _ "$T/plain" "$(dev $NIC)"
assert "other files pass through" test "$(cat "$T/plain")" = one -a "$(cat "$(dev $NIC)/class")" = two
echo 0x020000 > "$(dev $NIC)/class"
wr $P $NIC

# ---------------------------------------------------------------- odd input
wr sys/bus/pci/drivers/e1000e/bind "../../../../etc"
assert "path-like address: ENODEV" err_is "No such device"
wr sys/bus/pci/drivers/e1000e/bind "$(head -c 3000 /dev/zero | tr '\0' x)"
assert "long garbage: ENODEV" err_is "No such device"
mkdir -p "$R/sys/devices/pci0000:00/0000:00:1f.0"
ln -s ../../../devices/nowhere "$R/sys/bus/pci/devices/0000:00:1f.7"
ln -s ../../../devices/pci0000:00/0000:00:1f.0 "$R/sys/bus/pci/devices/0000:00:1f.0"
ln -s ../../../bus/pci/drivers/gone "$R/sys/devices/pci0000:00/0000:00:1f.0/driver"
"$FK" "$R" -- true; rc=$?
assert "odd tree: setup survives" test $rc = 0 -a -d "$R/sys/bus/pci/drivers/gone"
wr $P 0000:00:1f.7
assert "dangling device link: ENODEV" err_is "No such device"
wr sys/bus/pci/drivers/gone/unbind 0000:00:1f.0
wr $P 0000:00:1f.0; rc=$?
assert "rebinds recorded driver; no iommu_group is fine" test $rc = 0 -a "$(drv_of 0000:00:1f.0)" = gone

# ---------------------------------------------------------------- injections
R=$(mk_tree "$T/inj")
export FAKE_KERNEL_LOG="$T/log"
FAKE_KERNEL_REFUSE="vfio-pci:$NIC" wr "$(D $NIC)/driver_override" vfio-pci
FAKE_KERNEL_REFUSE="vfio-pci:$NIC" wr "$(D $NIC)/driver/unbind" $NIC
FAKE_KERNEL_REFUSE="vfio-pci:$NIC" wr $P $NIC; rc=$?
assert "REFUSE: probe succeeds, binds nothing" test $rc = 0 -a "$(drv_of $NIC)" = none
FAKE_KERNEL_REFUSE="vfio-pci:$NIC" wr $V/bind $NIC
assert "REFUSE: bind fails ENODEV" err_is "No such device"
FAKE_KERNEL_NOPROBE="$GPU,$NIC" wr $P $NIC; rc=$?
assert "NOPROBE: success, nothing bound" test $rc = 0 -a "$(drv_of $NIC)" = none
FAKE_KERNEL_NO_VFIO_NODE=1 wr $P $NIC
assert "NO_VFIO_NODE: bound, no node" test "$(drv_of $NIC)" = vfio-pci -a ! -e "$R/dev/vfio/2"
wr $V/unbind $NIC
FAKE_KERNEL_FAIL="$AUD/driver_override:EACCES" wr "$(D $AUD)/driver_override" vfio-pci
assert "FAKE_KERNEL_FAIL by name: EACCES, unchanged" err_is "Permission denied" && test "$(ovr_of $AUD)" = "(null)"
FAKE_KERNEL_FAIL="*/drivers_probe:13" wr $P $NIC
assert "FAKE_KERNEL_FAIL by number, wildcard: EACCES, nothing bound" err_is "Permission denied" && test "$(drv_of $NIC)" = none
FAKE_KERNEL_FAIL="$GPU/unbind:EBUSY,$NIC/bind:EIO" wr "$(D $GPU)/driver/unbind" $GPU
assert "FAKE_KERNEL_FAIL unbind: EBUSY, still bound" err_is "Device or resource busy" && test "$(drv_of $GPU)" = nouveau
FAKE_KERNEL_FAIL="vfio-pci/new_id:ENOMEM" wr $V/new_id "10de 1200"
assert "FAKE_KERNEL_FAIL keyed by driver" err_is "Cannot allocate memory"
wr $P $NIC
grep -q "^/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.1/driver_override vfio-pci EACCES$" "$T/log" &&
grep -q "^/sys/bus/pci/drivers_probe 0000:02:00.0 ok$" "$T/log" &&
grep -q "^/sys/bus/pci/drivers/vfio-pci/new_id 10de\\\\x201200 ENOMEM$" "$T/log"
assert "LOG: one 'path value result' line per control write" test $? = 0
n=$(wc -l < "$T/log")
assert "LOG: $n lines, other writes not logged" test "$n" = 12
unset FAKE_KERNEL_LOG

# delayed node: like a slow udev
wr "$(D $NIC)/driver_override" vfio-pci; wr "$(D $NIC)/driver/unbind" $NIC
FAKE_KERNEL_VFIO_DELAY_MS=300 wr $P $NIC
assert "VFIO_DELAY_MS: bound, node not yet there" test "$(drv_of $NIC)" = vfio-pci -a ! -e "$R/dev/vfio/2"
i=0; while [ ! -e "$R/dev/vfio/2" ] && [ $i -lt 40 ]; do sleep 0.1; i=$((i+1)); done
assert "VFIO_DELAY_MS: node appears later (${i}00 ms)" test -e "$R/dev/vfio/2" -a $i -ge 1

# KILL_AT: dies right after the 2nd effective write took effect
wr "$(D $NIC)/driver_override" ""; wr $V/unbind $NIC; wr $P $NIC
{ FAKE_KERNEL_KILL_AT=2 "$FK" "$R" -- sh -c '
        echo vfio-pci > "$1/driver_override"; echo 0000:02:00.0 > "$1/driver/unbind"
        echo 0000:02:00.0 > "$2"; touch "$3"' _ "$(dev $NIC)" "$R/$P" "$T/survived"; } 2>/dev/null
rc=$?
assert "KILL_AT=2: SIGKILLed (rc $rc)" test $rc = 137 -a ! -e "$T/survived"
assert "KILL_AT=2: first two writes took effect, third never ran" \
        test "$(ovr_of $NIC)" = vfio-pci -a "$(drv_of $NIC)" = none
FAKE_KERNEL_KILL_AT=1 "$FK" "$R" -- sh -c '
        echo x > "$1"; sh -c "echo 0000:02:00.0 > \"\$2\"" _ "$1" "$2"; echo rc=$?' _ "$T/plain" "$R/$P" > "$T/out" 2>/dev/null
assert "KILL_AT counts per process" test "$(cat "$T/out")" = rc=137 -a "$(drv_of $NIC)" = vfio-pci

# parallel: two binders under one root, plus a race on one device
R=$(mk_tree "$T/par")
export FAKE_KERNEL_LOG="$T/plog"
bind_grp() {    # bind_grp ADDR... : override, unbind, probe each, hostdev-style
        "$FK" "$R" -- sh -c 'for a; do d=$R/sys/bus/pci/devices/$a
                echo vfio-pci > $d/driver_override; echo $a > $d/driver/unbind
                echo $a > $R/sys/bus/pci/drivers_probe; done' _ "$@"
}
export R
bind_grp $GPU $AUD & p1=$!
bind_grp $NIC & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
assert "parallel binds: both succeed" test $r1 = 0 -a $r2 = 0
assert "parallel binds: all on vfio-pci, both nodes" \
        test "$(drv_of $GPU)$(drv_of $AUD)$(drv_of $NIC)" = vfio-pcivfio-pcivfio-pci -a -f "$R/dev/vfio/1" -a -f "$R/dev/vfio/2"
race() { "$FK" "$R" -- sh -c 'i=0; while [ $i -lt 15 ]; do i=$((i+1))
        echo $1 > $R/sys/bus/pci/drivers/vfio-pci/unbind; echo $1 > $R/sys/bus/pci/drivers/vfio-pci/bind
        done 2>/dev/null; exit 0' _ "$1"; }
race $NIC & race $NIC & race $NIC & race $NIC & wait
links=$(ls "$R"/sys/bus/pci/drivers/*/ | grep -c "^$NIC\$")
case $(drv_of $NIC) in
vfio-pci) want=1 ;;
*) want=0 ;;
esac
assert "race: driver link and back-links consistent" test "$links" = $want
if [ $want = 1 ]; then assert "race: node present while bound" test -e "$R/dev/vfio/2"
else assert "race: no node while unbound" test ! -e "$R/dev/vfio/2"; fi
bad_lines=$(grep -cvE '^/sys/[^ ]+ [^ ]+ (ok|E[A-Z]+)$' "$T/plog")
assert "race: log lines intact ($(wc -l < "$T/plog") lines)" test "$bad_lines" = 0 -a "$(wc -l < "$T/plog")" = 129
unset FAKE_KERNEL_LOG

finish
