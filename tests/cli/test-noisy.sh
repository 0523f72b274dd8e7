# The library never prints or exits, and does not flood: a pci.ids that
# libpci cannot parse (libpci's default error hook would exit(1)) is one
# warning and no names; 100,000 dangling bus/pci/devices links are ten
# warnings and one "... and K more" line.
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${HOSTDEV:=$TOP/build/hostdev}"
export TOP HOSTDEV
. "$TOP/tests/cli/lib.sh"

root=$(load_fixture judge-amd) || exit 1

# ---------------------------------------------------------------- bad pci.ids
# the pinned name list (HOSTDEV_PCI_IDS) is read by libpci's own parser
printf '\tbeef  Orphan device\n' > "$T/bad.ids"
HOSTDEV_PCI_IDS="$T/bad.ids" "$HOSTDEV" --sysroot "$root" list >"$T/out" 2>"$T/err"
rc=$?
assert "bad pci.ids: list exits 0 (was: libpci exit(1))" test "$rc" = 0
assert "bad pci.ids: one warning naming libpci's parse error" \
        test "$(grep -c 'PCI names: libpci: Parse error at .*line 1; names off' "$T/err")" = 1
assert "bad pci.ids: nothing else on stderr" test "$(wc -l < "$T/err")" = 1
assert "bad pci.ids: devices still listed" grep -q '^pci_0000_00_00_0 ' "$T/out"

# ---------------------------------------------------------------- 100,000 dangling links
python3 - "$root/sys/bus/pci/devices" <<'PY'
import os, sys
d = sys.argv[1]
for i in range(100000):
    dom, r = 1 + i // 65536, i % 65536
    a = "%04x:%02x:%02x.%d" % (dom, r // 256, (r % 256) // 8, r % 8)
    os.symlink("../../../devices/pci%04x:%02x/%s" % (dom, r // 256, a), os.path.join(d, a))
PY
expect_rc 0 "100,000 dangling links: list succeeds" "$HOSTDEV" --sysroot "$root" --numeric list
assert "100,000 dangling links: 11 stderr lines" test "$(wc -l < "$T/err")" = 11
assert "100,000 dangling links: 10 of them name a device" \
        test "$(grep -c 'no such directory, skipped$' "$T/err")" = 10
assert "100,000 dangling links: one summary of the other 99,990" \
        grep -q '^hostdev: warning: \.\.\. and 99990 more warnings like "devices/pci000' "$T/err"
assert "100,000 dangling links: the real devices are listed" grep -q '^pci_0000_00_00_0 ' "$T/out"
finish
