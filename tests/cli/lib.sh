# Sourced by tests/cli/test-*.sh.  Provides a temp dir, fixture loading,
# golden comparison and assertions.  Set UPDATE_GOLDEN=1 to rewrite goldens.
set -u
# goldens hold UTF-8 tree lines: pin the locale (outside UTF-8 the tree is ASCII)
export LC_ALL=C.UTF-8
: "${HOSTDEV:?}" "${TOP:?}"
# tmpfs when there is one: loading fixtures creates thousands of files
T=$(mktemp -d /dev/shm/hostdev-cli-XXXXXX 2>/dev/null || mktemp -d /tmp/hostdev-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
# Pinned name data: PCI names from tests/data/pci.ids (tests/data/mk-ids),
# no USB names from the udev hwdb (it cannot be pinned; test-list.sh tests
# it apart), so no golden holds text from this machine's databases
export HOSTDEV_PCI_IDS="$TOP/tests/data/pci.ids" HOSTDEV_USB_HWDB=0
_pass=0; _fail=0
ok()   { _pass=$((_pass+1)); echo "ok: $*"; }
bad()  { _fail=$((_fail+1)); echo "FAIL: $*"; }
# load_fixture NAME [DIR] -> prints the sysroot path
load_fixture() {
        d=${2:-$T/$1}
        rm -rf "$d"
        "$HOSTDEV" fixture load "$TOP/fixtures/$1.umockdev" "$d" >/dev/null || { echo "cannot load $1" >&2; return 1; }
        if [ -d "$TOP/fixtures/$1.extra" ]; then cp -a "$TOP/fixtures/$1.extra/." "$d/"; fi
        echo "$d"
}
# golden FILE CMD... : compare stdout of CMD with fixtures/expected/FILE
golden() {
        f=$1; shift
        out=$("$@" 2>"$T/golden.err"); rc=$?
        if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then printf '%s\n' "$out" > "$TOP/fixtures/expected/$f"; fi
        if printf '%s\n' "$out" | diff -u "$TOP/fixtures/expected/$f" - > "$T/golden.diff"; then
                ok "golden $f"
        else
                bad "golden $f (rc=$rc)"; head -40 "$T/golden.diff"; head -5 "$T/golden.err"
        fi
}
# expect_rc RC DESC CMD...
expect_rc() {
        want=$1; desc=$2; shift 2
        "$@" >"$T/out" 2>"$T/err"; rc=$?
        if [ "$rc" = "$want" ]; then ok "$desc"; else bad "$desc: exit $rc, wanted $want"; head -5 "$T/err"; fi
}
# assert COND-DESC COMMAND... (succeeds when COMMAND exits 0)
assert() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
finish() {
        echo "cli-summary: $_pass passed, $_fail failed"
        [ "$_fail" = 0 ] && [ "$_pass" -gt 0 ]
}

# ---------------------------------------------------------------- fake kernel
# For the writing verbs under scripts/fake-kernel (test-bind.sh, test-apply.sh).
FK="$TOP/scripts/fake-kernel"
# fk_sysroot FIXTURE NAME: a loaded, fake-kernel-completed sysroot $T/NAME
fk_sysroot() {
        local d
        d=$(load_fixture "$1" "$T/$2") || return 1
        "$FK" --setup "$d" || return 1
        echo "$d"
}
# state ROOT: every PCI function's driver and override, and the vfio nodes
state() {
        local a drv ovr
        for p in "$1"/sys/bus/pci/devices/*; do
                a=${p##*/}
                drv=$(readlink "$p/driver" 2>/dev/null); drv=${drv##*/}
                ovr=$(cat "$p/driver_override" 2>/dev/null)
                [ "$ovr" = "(null)" ] && ovr=
                echo "$a driver=${drv:-none} override=${ovr:-none}"
        done
        echo "vfio: $(ls "$1/dev/vfio" 2>/dev/null | tr '\n' ' ')"
}
# drv ROOT ADDR, ovr ROOT ADDR: a function's driver, its driver_override
drv() { local l; l=$(readlink "$1/sys/bus/pci/devices/$2/driver" 2>/dev/null); echo "${l##*/}"; }
ovr() { cat "$1/sys/bus/pci/devices/$2/driver_override" 2>/dev/null; }
# hd ROOT ARGS...: hostdev on ROOT under the fake kernel
hd() { local r=$1; shift; "$FK" "$r" -- "$HOSTDEV" --sysroot "$r" "$@"; }
# same DESC ROOT EXPECTED-FILE: state ROOT is EXPECTED-FILE
same() {
        if state "$2" | diff -u "$3" - > "$T/diff"; then ok "$1"; else bad "$1"; head -20 "$T/diff"; fi
}
# vfio_cdevs ROOT ADDR...: the kernel's part for iommufd, which fake-kernel
# lacks: vfio-dev/vfio0, vfio1, ... below each PCI function ADDR in turn
vfio_cdevs() {
        local r=$1 a i=0
        shift
        for a in "$@"; do
                mkdir -p "$(readlink -f "$r/sys/bus/pci/devices/$a")/vfio-dev/vfio$i"
                i=$((i + 1))
        done
}
# nwrites LOG: the number of writes a fake-kernel log holds (0 without one)
nwrites() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
