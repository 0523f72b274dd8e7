#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The command line as admins' hands expect it: util-linux output options on
# every table verb, one meaning per option letter, the exit-code table verb
# by verb, lookups by the names users see and by lspci's -d / --class, the
# bind/unbind/restore messages, and every -J output validated against its
# JSON Schema in doc/schema/.
. "$(dirname "$0")/lib.sh"
FK="$TOP/scripts/fake-kernel"
W=$(load_fixture workstation-gpu) || { bad "load"; finish; exit; }
H() { "$HOSTDEV" --sysroot "$W" "$@"; }
# same DESC GOT WANT
same() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1"; echo "got:  $2"; echo "want: $3"; fi; }

# ------------------------------------------------------------ output options
same "list -n -r -o NAME,CLASS,DRIVER" "$(H list -n -r -o NAME,CLASS,DRIVER | sed -n '3,5p;/^scsi_generic_sg1/p')" \
"pci_0000_00_01_0 PCI\x20bridge pcieport
pci_0000_01_00_0 VGA\x20compatible\x20controller nouveau
pci_0000_01_00_1 Audio\x20device snd_hda_intel
scsi_generic_sg1  "
same "-r keeps the header unless -n" "$(H list -r -o NAME,ID | head -1)" "NAME ID"
same "-P pairs, no header" "$(H list -P -o NAME,CLASS --class gpu)" \
'NAME="pci_0000_01_00_0" CLASS="VGA compatible controller"
NAME="pci_0000_00_02_0" CLASS="VGA compatible controller"'
same "--numeric: CLASS is the code" "$("$HOSTDEV" --sysroot "$W" --numeric list -n -o CLASS,CLASSID -d 10de:1b80)" "0300  030000"
same "-o is case-blind; -n drops the header" "$(H list -n -o name --class nvme)" "pci_0000_03_00_0"
H list -J -o NAME,ADDRESS > "$T/j"
python3 - "$T/j" <<'PY' && ok "list -J -o NAME,ADDRESS: only those keys" || bad "list -J -o"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 1
assert all(set(x) == {"name", "address"} for x in d["devices"]), d["devices"][:2]
x = {x["name"]: x["address"] for x in d["devices"]}
assert x["pci_0000_01_00_0"] == "0000:01:00.0" and x["usb_1_5_4"] == "001:003" and x["computer"] is None
PY
H list -J -O > "$T/j"
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["devices"][1]))' "$T/j")" = "$(H list --list-columns | wc -l)" ] \
        && ok "list -J -O: every column" || bad "list -J -O"
H list -J -T -o NAME > "$T/j"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["devices"]; assert len(d)==1 and d[0]["name"]=="computer" and len(d[0]["children"])>5' "$T/j" \
        && ok "list -J -T -o NAME nests" || bad "list -J -T -o"
same "-T is --tree" "$(H list -T)" "$(H list --tree)"
H list -O > "$T/o"; same "-O: every column in the header" "$(head -1 "$T/o" | wc -w)" "$(H list --list-columns | wc -l)"

# ASCII tree by itself outside UTF-8, and on request
LC_ALL=C "$HOSTDEV" --sysroot "$W" list -T -o NAME > "$T/c"
if LC_ALL=C grep -q $'[\x80-\xff]' "$T/c"; then bad "LC_ALL=C tree is not ASCII"; else ok "LC_ALL=C: ASCII tree"; fi
grep -q '^|-pci_0000_00_01_0$' "$T/c" && grep -q '^| `-pci_0000_01_00_1$' "$T/c" && ok "ASCII tree lines |- and \`-" || bad "ASCII tree lines"
same "list -i under LC_ALL=C" "$(LC_ALL=C "$HOSTDEV" --sysroot "$W" list -i -T -o NAME)" "$(cat "$T/c")"
same "-i in a UTF-8 locale" "$(LC_ALL=C.UTF-8 "$HOSTDEV" --sysroot "$W" list -i -T -o NAME)" "$(cat "$T/c")"
LC_ALL=C.UTF-8 "$HOSTDEV" --sysroot "$W" list -T -o NAME | grep -q '├─' && ok "UTF-8 locale: box lines" || bad "UTF-8 tree"

# groups takes the same options
same "groups -n -r -o GROUP,ADDRESS,ELIGIBLE" "$(H groups -n -r -o GROUP,ADDRESS,ELIGIBLE | sed -n '2,4p')" \
"1 0000:00:01.0 bridge
1 0000:01:00.0 yes
1 0000:01:00.1 yes"
same "groups -P" "$(H groups -P -o GROUP,VIABLE | head -1)" 'GROUP="0" VIABLE="no"'
H groups -J -o ADDRESS,ELIGIBLE > "$T/j"
python3 -c 'import json,sys; g=json.load(open(sys.argv[1]))["groups"]; assert g[1]["devices"][1]=={"address":"0000:01:00.0","eligible":"yes"}, g[1]' "$T/j" \
        && ok "groups -J -o: the devices hold the columns" || bad "groups -J -o"
expect_rc 2 "groups: unknown column" H groups -o NOPE

# one meaning per option letter, across every verb's --help
for v in $("$HOSTDEV" --help | sed -n '/^Verbs:/,/^$/p' | awk 'NR > 1 && NF {print $1}'); do
        "$HOSTDEV" $v --help | grep -oE '^ +-[A-Za-z], --[a-z][a-z-]*' | sed "s/^ */$v /"
done > "$T/letters"
"$HOSTDEV" --help | grep -oE '^ +-[A-Za-z], --[a-z][a-z-]*' | sed 's/^ */global /' >> "$T/letters"
clash=$(awk '{sub(",","",$2); if (($2 in m) && m[$2] != $3) print $2 ": " m[$2] " and " $3; m[$2]=$3}' "$T/letters" | sort -u)
[ -z "$clash" ] && ok "one meaning per letter ($(awk '{print $2}' "$T/letters" | sort -u | wc -l) letters in $(wc -l < "$T/letters") uses)" \
        || bad "letters with two meanings: $clash"
for v in list groups; do
        for o in "-J, --json" "-o, --output" "-O, --output-all" "-n, --noheadings" "-r, --raw" "-P, --pairs" "-i, --ascii" "-T, --tree"; do
                "$HOSTDEV" $v --help | grep -q -- "$o" || bad "$v --help lacks $o"
        done
done
ok "list and groups document -J -o -O -n -r -P -i -T"
expect_rc 2 "the old global -n is refused" "$HOSTDEV" --sysroot "$W" -n list
grep -q -- '--numeric' "$T/err" && ok "... and points to --numeric" || bad "old -n message: $(cat "$T/err")"
expect_rc 2 "list -t is not --tree any more" H list -t
expect_rc 2 "bind -o is not --owner any more" H bind -o root 01:00.0

# ------------------------------------------------------------ lookups
while read -r name want; do
        got=$(H show "$name" 2>&1 | sed -n 's/^name: //p')
        same "show $name" "$got" "$want"
done <<'EOF2'
/dev/sg1 scsi_generic_sg1
sg1 scsi_generic_sg1
enp2s0 net_enp2s0_18_c0_4d_12_34_56
/dev/sdb block_sdb
sdb1 block_sdb1
/dev/nvme0 pci_0000_03_00_0
/dev/nvme0n1p2 block_nvme0n1p2
/dev/bus/usb/001/003 usb_1_5_4
001:003 usb_1_5_4
1:3 usb_1_5_4
6:0:0:0 scsi_6_0_0_0
6:0:0 scsi_target6_0_0
host6 scsi_host6
/dev/vfio/1 pci_0000_01_00_0
/dev/vfio/8 pci_0000_03_00_0
1-5.4:1.0 usb_1_5_4_1_0
0000:01:00.0 pci_0000_01_00_0
EOF2
for name in /dev/sg7 /dev/vfio/99 001:099 9:0:0:0 eth9 /dev/bus/usb/1 /dev/nvme7 /etc/passwd; do
        expect_rc 1 "show $name: no such device" H show "$name"
done
# every ADDRESS the table prints names its device
H list -n -r -o NAME,ADDRESS | while read -r name addr; do
        [ -n "$addr" ] || continue
        got=$(H show "$addr" 2>/dev/null | sed -n 's/^name: //p')
        [ "$got" = "$name" ] || echo "$addr -> '$got', wanted $name"
done > "$T/addr"
[ ! -s "$T/addr" ] && ok "every ADDRESS cell names its device" || { bad "ADDRESS lookups"; head "$T/addr"; }
same "check -d 10de:" "$(H check -d 10de: | grep -E '^[a-z]')" \
"pci_0000_01_00_0 (0000:01:00.0): ELIGIBLE
pci_0000_01_00_1 (0000:01:00.1): ELIGIBLE"
same "list --class gpu" "$(H list -n -o NAME,CLASS --class gpu)" \
"pci_0000_01_00_0 VGA compatible controller
pci_0000_00_02_0 VGA compatible controller"
same "list -d ::0300 as lspci" "$(H list -n -o NAME -d ::0300)" "$(H list -n -o NAME --class gpu)"
same "list -d ::03 (base class)" "$(H list -n -o NAME -d ::03)" "$(H list -n -o NAME --class gpu)"
same "list -d 8086::0c03" "$(H list -n -o NAME -d 8086::0c03)" "pci_0000_00_14_0"
same "list -d 046d: (USB vendor)" "$(H list -n -o NAME -d 046d:)" "usb_1_5_4"
same "list -d ::0106 (SATA)" "$(H list -n -o NAME -d ::0106)" "pci_0000_00_17_0"
same "list -d 0781:5581 (USB, as lsusb -d)" "$(H list -n -o NAME -d 0781:5581)" "usb_2_1"
same "--class storage" "$(H list -n -o NAME --class storage)" "usb_2_1
pci_0000_00_17_0
pci_0000_03_00_0"
same "--class nic" "$(H list -n -o NAME --class nic)" "pci_0000_02_00_0"
same "--class audio" "$(H list -n -o NAME --class audio)" "pci_0000_01_00_1
pci_0000_00_1f_3"
same "--class usb" "$(H list -n -o NAME --class usb)" "pci_0000_00_14_0"
same "--class nvme" "$(H list -n -o NAME --class nvme)" "pci_0000_03_00_0"
same "check --class gpu judges both" "$(H check -J --class gpu | python3 -c 'import json,sys; print(" ".join(d["name"] for d in json.load(sys.stdin)["devices"]))')" \
        "pci_0000_01_00_0 pci_0000_00_02_0"
for bad_d in 10de 1:2:3:4 xyz: ::123 12345: ; do expect_rc 2 "-d '$bad_d' is a usage error" H list -d "$bad_d"; done
expect_rc 2 "--class bogus" H list --class bogus
grep -q 'gpu, nic, nvme, usb, audio, storage' "$T/err" && ok "--class bogus lists the names" || bad "--class message"
expect_rc 1 "check -d matching nothing" H check -d ffff:
grep -q 'no device matches' "$T/err" && ok "... says so" || bad "check -d nothing: $(cat "$T/err")"

# ------------------------------------------------------------ exit codes, verb by verb
# verb  0: ok   1: error   2: usage   3: refused
R=$(load_fixture workstation-gpu "$T/rw") && "$FK" --setup "$R" || bad "fake-kernel setup"
K() { "$FK" "$R" -- "$HOSTDEV" --sysroot "$R" "$@"; }
KFAIL() { FAKE_KERNEL_FAIL=0000:01:00.1/drivers_probe:EIO "$FK" "$R" -- "$HOSTDEV" --sysroot "$R" "$@"; }
while IFS='|' read -r want desc cmd; do
        [ -n "$want" ] || continue
        # shellcheck disable=SC2086
        eval "expect_rc $want \"exit $want: $desc\" $cmd"
done <<'EOF2'
0|list|H list
1|list: sysroot missing|"$HOSTDEV" --sysroot /nonexistent list
2|list: unknown option|H list --bogus
2|list: unknown column|H list -o NOPE
0|show|H show 01:00.0
1|show: no such device|H show 0000:42:00.0
2|show: no device|H show
0|check: eligible|H check 01:00.0
1|check: no such device|H check 0000:42:00.0
2|check: no device|H check
3|check: boot VGA not eligible|H check 00:02.0
3|check: a bridge|H check 00:01.0
0|groups|H groups
1|groups: sysroot missing|"$HOSTDEV" --sysroot /nonexistent groups
2|groups: unexpected argument|H groups 01:00.0
0|qemu: GPU|H qemu 01:00.0
1|qemu: no such device|H qemu 0000:42:00.0
2|qemu: no device|H qemu
3|qemu: boot VGA not eligible|H qemu 00:02.0
3|qemu: a bridge is refused|H qemu 00:01.0
3|qemu: a USB hub is refused|H qemu usb_1_5
0|xml: GPU|H xml 01:00.0
1|xml: no such device|H xml 0000:42:00.0
2|xml: no device|H xml
3|xml: boot VGA not eligible|H xml 00:02.0
3|xml: a bridge is refused|H xml 00:01.0
1|bind: a failure, rolled back|KFAIL bind 01:00.0
0|bind: GPU|K bind 01:00.0
1|bind: no such device|K bind 0000:42:00.0
2|bind: no device|K bind
3|bind: boot VGA not eligible|K bind 00:02.0
3|bind: a bridge is refused|K bind 00:01.0
3|bind: a USB device is refused (not a PCI function)|K bind 1-5.4
0|unbind: GPU|K unbind 01:00.0
1|unbind: no such device|K unbind 0000:42:00.0
2|unbind: no device|K unbind
0|restore|K restore
1|restore: sysroot missing|"$HOSTDEV" --sysroot /nonexistent restore
2|restore: takes no device|K restore 01:00.0
0|fixture|"$HOSTDEV" fixture load "$TOP/fixtures/umockdev-fido2.umockdev" "$T/fx"
1|fixture: no such file|"$HOSTDEV" fixture load /nonexistent "$T/fx2"
2|fixture: no arguments|"$HOSTDEV" fixture
2|unknown verb|"$HOSTDEV" frobnicate
EOF2
# held: unbind and restore --all refuse with 3
K bind 01:00.0 >/dev/null 2>&1
mkdir -p "$R/proc/4242/fd" && ln -s /dev/vfio/1 "$R/proc/4242/fd/17" && echo qemu-system-x86 > "$R/proc/4242/comm"
expect_rc 3 "exit 3: unbind while a VM holds the group" K unbind 01:00.0
expect_rc 3 "exit 3: restore --all while a VM holds the group" K restore --all
rm -rf "$R/proc/4242"
K unbind 01:00.0 >/dev/null 2>&1
"$HOSTDEV" --help | grep -q '^  3  refused' && ok "--help: the exit-code table" || bad "--help lacks the exit codes"
man -l "$TOP/man/hostdev.8" 2>/dev/null | grep -A16 '^EXIT STATUS' | grep -qi 'refused' && ok "man page: EXIT STATUS" || bad "man page exit status"

# ------------------------------------------------------------ messages
K bind 01:00.0 > "$T/out" 2> "$T/err"
[ "$(wc -l < "$T/out")" = 1 ] && grep -qE '^bind: 2 functions changed in [0-9.]+ s: 0000:01:00.0 on vfio-pci, 0000:01:00.1 on vfio-pci; /dev/vfio/1 ready$' "$T/out" \
        && ok "bind: one line, what changed and how long: $(cat "$T/out")" || bad "bind message: $(cat "$T/out" "$T/err")"
K bind 01:00.0 > "$T/out"; grep -q '^bind: nothing to do' "$T/out" && ok "bind again: nothing to do" || bad "bind again: $(cat "$T/out")"
K -q unbind 01:00.0 > "$T/out" 2>&1; [ ! -s "$T/out" ] && ok "-q silences unbind" || bad "-q: $(cat "$T/out")"
K bind -q 01:00.0 > "$T/out" 2>&1; [ ! -s "$T/out" ] && ok "bind -q is silent" || bad "bind -q: $(cat "$T/out")"
K unbind 01:00.0 > "$T/out"; grep -qE '^unbind: 2 functions changed in [0-9.]+ s: 0000:01:00.0 on nouveau, 0000:01:00.1 on snd_hda_intel$' "$T/out" \
        && ok "unbind: one line" || bad "unbind message: $(cat "$T/out")"
FAKE_KERNEL_FAIL=0000:01:00.1/drivers_probe:EIO K bind 01:00.0 > "$T/out" 2> "$T/err"
grep -qE 'bind failed after [0-9]+ writes and was rolled back: 0000:01:00.0 on nouveau, 0000:01:00.1 on snd_hda_intel$' "$T/err" \
        && ok "a failure says what was rolled back" || bad "failure message: $(cat "$T/err")"
[ ! -s "$T/out" ] && ok "... and prints nothing on stdout" || bad "failure stdout: $(cat "$T/out")"
K bind 00:02.0 > /dev/null 2> "$T/err"; [ "$(wc -l < "$T/err")" = 1 ] && ok "a refusal is one line: $(cat "$T/err")" || bad "refusal: $(cat "$T/err")"
FAKE_KERNEL_VFIO_DELAY_MS=1600 K bind --timeout 5 01:00.0 > "$T/out" 2> "$T/err"
grep -q '^hostdev: waiting for /dev/vfio/1 to appear' "$T/err" && ok "a wait over a second says for what: $(cat "$T/err")" \
        || bad "no waiting message: $(cat "$T/err")"
K unbind 01:00.0 > /dev/null 2>&1
FAKE_KERNEL_VFIO_DELAY_MS=300 K bind --timeout 5 01:00.0 > /dev/null 2> "$T/err"
[ ! -s "$T/err" ] && ok "a short wait says nothing" || bad "short wait: $(cat "$T/err")"
K unbind 01:00.0 > /dev/null 2>&1
K restore --all > "$T/out"; grep -q '^restore: nothing to do' "$T/out" && ok "restore: one line" || bad "restore: $(cat "$T/out")"
K bind --dry-run 01:00.0 > "$T/out"; grep -vq '^write ' "$T/out" && bad "dry-run printed more than writes" || ok "dry-run: only the writes"

# ------------------------------------------------------------ every -J output against its schema
validate() { # validate SCHEMA FILE DESC
        if python3 - "$TOP/doc/schema/$1.json" "$2" > "$T/v.err" 2>&1 <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
PY
        then ok "schema $1: $3"; else bad "schema $1: $3"; tail -3 "$T/v.err"; fi
}
for f in "$TOP"/fixtures/*.umockdev; do
        n=$(basename "$f" .umockdev)
        r=$(load_fixture "$n" "$T/s-$n") || { bad "load $n"; continue; }
        names=$("$HOSTDEV" --sysroot "$r" list -n -r -o NAME)
        "$HOSTDEV" --sysroot "$r" list -J > "$T/a.json"; validate list "$T/a.json" "$n list -J"
        "$HOSTDEV" --sysroot "$r" list -J -T > "$T/a.json"; validate list "$T/a.json" "$n list -J --tree"
        "$HOSTDEV" --sysroot "$r" list -J -O -T > "$T/a.json"; validate columns "$T/a.json" "$n list -J -O --tree"
        "$HOSTDEV" --sysroot "$r" list -J -o NAME,ADDRESS > "$T/a.json"; validate columns "$T/a.json" "$n list -J -o"
        # shellcheck disable=SC2086
        "$HOSTDEV" --sysroot "$r" show -J $names > "$T/a.json"; validate show "$T/a.json" "$n show -J (every device)"
        # shellcheck disable=SC2086
        "$HOSTDEV" --sysroot "$r" check -J $names > "$T/a.json"; validate check "$T/a.json" "$n check -J (every device)"
        "$HOSTDEV" --sysroot "$r" groups -J > "$T/a.json"; validate groups "$T/a.json" "$n groups -J"
        "$HOSTDEV" --sysroot "$r" groups -J -O > "$T/a.json"; validate groups "$T/a.json" "$n groups -J -O"
        el=$("$HOSTDEV" --sysroot "$r" list -n -r -o NAME --eligible --type pci | head -2)
        if [ -n "$el" ]; then
                # shellcheck disable=SC2086
                "$HOSTDEV" --sysroot "$r" qemu -J $el > "$T/a.json" && validate qemu "$T/a.json" "$n qemu -J"
        fi
done
finish
