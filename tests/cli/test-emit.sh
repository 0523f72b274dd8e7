#!/bin/bash
# hostdev qemu / xml: goldens; the emitted arguments run through Debian 12's
# QEMU 7.2 and the XML through libvirt's schema; hostile device strings
# through every verb and output format.
. "$TOP/tests/cli/lib.sh"

WS=$(load_fixture workstation-gpu) || exit 1
SAS=$(load_fixture server-sas) || exit 1
HOS=$(load_fixture emit-hostile) || exit 1     # ours: hostile USB and SCSI strings
HUSB=$(load_fixture hostile-usb) || exit 1     # the shared hostile USB fixture
ws() { "$HOSTDEV" --sysroot "$WS" --numeric "$@"; }
sas() { "$HOSTDEV" --sysroot "$SAS" --numeric "$@"; }
hos() { "$HOSTDEV" --sysroot "$HOS" --numeric "$@"; }
husb() { "$HOSTDEV" --sysroot "$HUSB" --numeric "$@"; }
HOSTILE_ROM=$'/tmp/rom\e[2J,id=x\n\'"$(reboot)\xff'

# ---------------------------------------------------------------- goldens
# Format tests use --force: what the judge decides is tested by the refusal
# checks below (whatever it decides), not by the goldens.
# lib.sh's golden does not look at the exit status: these must succeed too
eval "lib_$(declare -f golden)"
golden() {
        expect_rc 0 "$1 exits 0" "${@:2}"
        lib_golden "$@"
}
golden workstation-gpu-qemu.txt ws qemu --force --guest-bus pcie.0 01:00.0 01:00.1 1-5.4 scsi_6_0_0_0
golden workstation-gpu-qemu.json ws qemu --force -J --by-id --usb-bus usb --scsi-bus scsi0 --rombar off 01:00.1 1-5.4 sg1
golden workstation-gpu-xml.xml ws xml --force 01:00.0 01:00.1 1-5.4 sg1
golden workstation-gpu-domain-xml.xml ws xml --force --domain --managed --by-id 01:00.0 2-1 scsi_6_0_0_0
golden server-sas-qemu.txt sas qemu --force scsi_0_0_2_0 sg3 sg5
golden server-sas-xml.xml sas xml --force scsi_0_0_2_0 sg3 sg5 sg4
golden hostile-usb-qemu.txt husb qemu --force --romfile "$HOSTILE_ROM" 00:14.0 usb_1_2 usb_1_3
golden hostile-usb-qemu.json husb qemu -J --force --by-id usb_1_2
golden hostile-usb-xml.xml husb xml --force usb_1_2 usb_1_3
golden emit-hostile-qemu.txt hos qemu --force --romfile "$HOSTILE_ROM" 00:14.0 1-5.4 2-1 sg1
golden emit-hostile-qemu.json hos qemu -J --force --romfile "$HOSTILE_ROM" 00:14.0 1-5.4
golden emit-hostile-xml.xml hos xml --force 1-5.4 2-1 sg1

# ---------------------------------------------------------------- exit codes
expect_rc 0 "qemu --help" ws qemu --help
expect_rc 0 "xml --help" ws xml --help
expect_rc 2 "qemu without a device" ws qemu
expect_rc 2 "xml without a device" ws xml --domain
expect_rc 2 "qemu --rombar maybe" ws qemu --rombar maybe 01:00.0
expect_rc 2 "qemu --guest-slot 20" ws qemu --guest-bus pcie.0 --guest-slot 20 01:00.0
expect_rc 2 "qemu --bogus" ws qemu --bogus 01:00.0
expect_rc 1 "qemu of an unknown device" ws qemu 09:00.0
# what a device is (its type, a bridge, a hub) forbids it even with --force:
# the judge's reason, with its [code] (tests/cli/test-agree.sh checks every
# device); refused, exit 3
for d in computer usb_1_5_4_1_0 scsi_host6 scsi_target6_0_0 block_sdb net_enp2s0_18_c0_4d_12_34_56 usb1 usb_1_5 00:01.0; do
        expect_rc 3 "qemu refuses type of $d" ws qemu --force "$d"
        grep -q "cannot be passed through.*\[[a-z-]*\]$" "$T/err" || bad "qemu $d: message: $(cat "$T/err")"
        expect_rc 3 "xml refuses type of $d" ws xml --force "$d"
done
expect_rc 1 "qemu --usb-bus with a comma" ws qemu --force --usb-bus 'usb,id=x' 1-5.4
expect_rc 1 "qemu --x-vga without a VGA device" ws qemu --force --x-vga 01:00.1
# The judge decides (src/policy.c); qemu and xml follow: an ineligible device
# exits 3 with one line naming it and prints nothing, --force emits it; an
# eligible one needs no --force.
judged=0
for d in pci_0000_00_02_0 pci_0000_03_00_0 pci_0000_00_17_0 pci_0000_01_00_0 pci_0000_01_00_1 \
         pci_0000_00_14_0 usb_1_5_4 usb_2_1 scsi_generic_sg0 scsi_generic_sg1 scsi_0_0_0_0; do
        verdict=$(ws check "$d" 2>/dev/null | grep -m1 "^$d[ :]")
        case $verdict in
        *"NOT ELIGIBLE"*)
                judged=$((judged + 1))
                expect_rc 3 "qemu refuses ineligible $d" ws qemu "$d"
                if [ "$(wc -l < "$T/err")" = 1 ] && grep -q "^hostdev: $d: not eligible" "$T/err"; then
                        ok "qemu $d: one line naming it"
                else
                        bad "qemu $d: refusal message: $(cat "$T/err")"
                fi
                [ -s "$T/out" ] && bad "qemu $d: printed arguments while refusing"
                expect_rc 3 "xml refuses ineligible $d" ws xml "$d"
                expect_rc 0 "qemu --force $d" ws qemu --force "$d"
                expect_rc 0 "xml --force $d" ws xml --force "$d" ;;
        *ELIGIBLE*)
                judged=$((judged + 1))
                expect_rc 0 "qemu of eligible $d" ws qemu "$d"
                expect_rc 0 "xml of eligible $d" ws xml "$d" ;;
        *)      echo "note: no verdict for $d from check" ;;
        esac
done
assert "the judge gave verdicts to compare with" [ "$judged" -gt 0 ]
out1=$(ws qemu --force 01:00.0 1-5.4 sg1); out2=$(ws qemu --force 01:00.0 1-5.4 sg1)
assert "qemu ids are stable across runs" [ "$out1" = "$out2" ]
assert "qemu output has no duplicate ids" \
        bash -c '[ -z "$(printf "%s\n" "$1" | grep -o "id=[^, ]*" | sort | uniq -d)" ]' _ "$(ws qemu --force 01:00.0 01:00.1 00:14.0 1-5.4 2-1 sg0 sg1)"

# ---------------------------------------------------------------- QEMU 7.2
# Accept a QEMU run only when it ran until the timeout (everything accepted,
# -S keeps the guest stopped) or failed because the host device is absent
# here; never on a property, bus or syntax error.
ABSENT="no such host device|failed to open /dev/bus/usb/|failed to find host usb device|Could not open '/dev/bus/usb/|Could not open '/dev/sg[0-9]+'|cannot get SG_IO version number"
SYNTAX="property|not found|parameter|invalid|expect|unexpected|duplicate|not available|ambiguous|too long|doesn.t|unknown|usage|requires|must be|already"
QEMU_TIMEOUT=${QEMU_TIMEOUT:-20}
qemu_run() {
        local desc=$1; shift
        timeout "$QEMU_TIMEOUT" qemu-system-x86_64 -M q35 -nodefaults -display none -S "$@" \
                </dev/null >"$T/q.out" 2>"$T/q.err"
        qrc=$?
        if [ "$qrc" = 124 ]; then
                ok "qemu accepts $desc (ran until the timeout)"
        elif [ "$qrc" != 0 ] && grep -Eq "$ABSENT" "$T/q.err" && ! grep -Eiq "$SYNTAX" "$T/q.err"; then
                ok "qemu accepts $desc up to the absent host device ($(grep -Eo "$ABSENT" "$T/q.err" | head -1))"
        else
                bad "qemu rejects $desc (exit $qrc)"; head -5 "$T/q.err"
        fi
}
# qemu_check FIXTURE-FN DESC EXTRA-ARGS -- HOSTDEV-QEMU-ARGS: run the emitted arguments
# whole, then (when the whole run stopped early at an absent device) each
# device alone with the controllers, so that every element meets QEMU;
# scsi-generic is tried on a /dev/null backend (not an sg node, so its
# properties and bus are checked, then it fails on SG_IO).
qemu_check() {
        local fx=$1 desc=$2 extra=() ctrl=() args=() i k v node bd
        shift 2
        while [ "$1" != -- ]; do extra+=("$1"); shift; done
        shift
        if ! $fx qemu -J --force "$@" >"$T/args.json" 2>"$T/args.err"; then
                bad "hostdev qemu $*: $(cat "$T/args.err")"; return
        fi
        mapfile -d '' -t args < <(python3 -c 'import json,sys
for a in json.load(sys.stdin): sys.stdout.write(a + "\0")' <"$T/args.json")
        qemu_run "$desc" "${extra[@]}" "${args[@]}"
        [ "$qrc" = 124 ] && return
        for ((i = 0; i + 1 < ${#args[@]}; i += 2)); do
                case ${args[i+1]} in qemu-xhci,* | virtio-scsi-pci,*) ctrl+=("${args[i]}" "${args[i+1]}") ;; esac
        done
        for ((i = 0; i + 1 < ${#args[@]}; i += 2)); do
                v=${args[i+1]}
                case $v in
                vfio-pci,*) qemu_run "$desc: $v" "${extra[@]}" -device "$v" ;;
                usb-host,*) qemu_run "$desc: $v" "${extra[@]}" "${ctrl[@]}" -device "$v" ;;
                scsi-generic,*)
                        node=${v#*drive=}; node=${node%%,*}
                        for ((k = 0; k + 1 < ${#args[@]}; k += 2)); do
                                case ${args[k+1]} in *node-name=$node | *node-name=$node,*)
                                        bd=$(printf '%s' "${args[k+1]}" | sed 's|filename=/dev/sg[0-9]*|filename=/dev/null|')
                                        qemu_run "$desc: $v (on /dev/null)" "${extra[@]}" "${ctrl[@]}" -blockdev "$bd" -device "$v" ;;
                                esac
                        done ;;
                esac
        done
}
if command -v qemu-system-x86_64 >/dev/null; then
        qemu_check ws "PCI GPU+audio as one multifunction slot" -- \
                --guest-bus pcie.0 --rombar on --x-vga --romfile /usr/share/nonexistent,rom.bin 01:00.0 01:00.1
        qemu_check ws "PCI on a root port" -device pcie-root-port,id=rp1,chassis=1 -- --guest-bus rp1 01:00.0 01:00.1
        qemu_check ws "PCI xHCI at guest slot 1c" -- --guest-bus pcie.0 --guest-slot 1c 00:14.0
        qemu_check ws "USB by bus/device" -- 1-5.4 2-1
        qemu_check ws "USB by ID on the VM's controller" -device qemu-xhci,id=usb -- --by-id --usb-bus usb 1-5.4
        qemu_check ws "sg node of a LUN" -- scsi_6_0_0_0
        qemu_check ws "sg on the VM's controller" -device virtio-scsi-pci,id=scsi0 -- --scsi-bus scsi0 sg1 sg0
        qemu_check ws "PCI, USB and sg together" -- --guest-bus pcie.0 01:00.1 1-5.4 sg1
        qemu_check sas "SAS disks and enclosure by sg" -- scsi_0_0_2_0 sg3 sg4 sg5
        qemu_check sas "SAS HBA and dual-port NIC (forced)" -- --force --guest-bus pcie.0 01:00.0 02:00.0 02:00.1
        qemu_check husb "hostile USB devices" -- --force usb_1_2 usb_1_3
else
        bad "qemu-system-x86_64 is not installed (scripts/install-deps)"
fi

# ---------------------------------------------------------------- libvirt schema
validate() {    # validate DESC FILE
        if virt-xml-validate "$2" domain >"$T/v.out" 2>&1; then ok "virt-xml-validate: $1"
        else bad "virt-xml-validate: $1"; head -5 "$T/v.out"; fi
}
if command -v virt-xml-validate >/dev/null; then
        ws xml --force --domain 01:00.0 01:00.1 1-5.4 sg1 >"$T/d1.xml" && validate "PCI, USB, sg in --domain" "$T/d1.xml"
        ws xml --force --domain --managed --by-id 01:00.0 2-1 scsi_6_0_0_0 >"$T/d2.xml" && validate "--managed --by-id" "$T/d2.xml"
        # a bare fragment, wrapped by hand as a user would paste it
        ws xml --force 01:00.1 2-1 sg0 >"$T/frag.xml"
        { printf "<domain type='kvm'><name>t</name><memory>65536</memory><os><type arch='x86_64' machine='q35'>hvm</type></os><devices>\n"
          cat "$T/frag.xml"; printf '</devices></domain>\n'; } >"$T/d3.xml"
        validate "fragment pasted into a domain" "$T/d3.xml"
        hos xml --domain --force 1-5.4 2-1 sg1 >"$T/d4.xml" && validate "hostile strings" "$T/d4.xml"
        husb xml --domain --force usb_1_2 usb_1_3 >"$T/d5.xml" && validate "hostile-usb" "$T/d5.xml"
        sas xml --domain --force 01:00.0 02:00.1 sg0 sg4 scsi_1_0_0_0 >"$T/d6.xml" && validate "SAS sg and PCI" "$T/d6.xml"
        # guest placement and ROM: the GPU's two functions share guest slot 0x10
        # on bus 0, function 0 multifunction; the ROM file only on the GPU
        ws xml --force --domain --guest-bus 0 --rombar off --romfile "/var/lib/rom/a&b'.rom" \
                01:00.1 01:00.0 2-1 >"$T/d7.xml" && validate "--guest-bus 0 --rombar --romfile" "$T/d7.xml"
        python3 - "$T/d7.xml" <<'PY' && ok "xml: guest addresses and ROM as placed" || bad "xml: guest addresses and ROM"
import sys, xml.etree.ElementTree as ET
hd = ET.parse(sys.argv[1]).getroot().find('devices').findall('hostdev')
pci = [h for h in hd if h.get('type') == 'pci']
got = [(h.find('source/address').get('function'), h.find('address').attrib, h.find('rom').attrib) for h in pci]
assert [g[0] for g in got] == ['0x0', '0x1'], got               # function 0 first
assert all(g[1]['type'] == 'pci' and g[1]['bus'] == '0x00' and g[1]['slot'] == '0x10' for g in got), got
assert got[0][1]['function'] == '0x0' and got[0][1].get('multifunction') == 'on', got
assert got[1][1]['function'] == '0x1' and 'multifunction' not in got[1][1], got
assert got[0][2] == {'bar': 'off', 'file': "/var/lib/rom/a&b'.rom"}, got   # the display controller
assert got[1][2] == {'bar': 'off'}, got
usb = [h for h in hd if h.get('type') == 'usb']
assert len(usb) == 1 and usb[0].find('address') is None and usb[0].find('rom') is None, usb
PY
        ws xml --force --domain --guest-bus 3 01:00.0 >"$T/d8.xml" && validate "--guest-bus 3 (a root port)" "$T/d8.xml"
        grep -q "<address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>" "$T/d8.xml" &&
                ok "xml: slot 0 on a bus other than 0" || { bad "xml: slot on bus 3"; cat "$T/d8.xml"; }
else
        bad "virt-xml-validate is not installed (libvirt-clients)"
fi

# ---------------------------------------------------------------- hostile strings
# Every verb and output format on the hostile fixture: stdout and stderr are
# valid UTF-8 without a raw control character (only \n), JSON parses, XML
# parses, and ",id=x" in an option value comes out as ",,id=x".
safe_text() {   # safe_text FORMAT FILE: valid UTF-8; no C0 but \n (and JSON's indenting \t), DEL, C1
        python3 -c '
import sys
fmt, b = sys.argv[1], open(sys.argv[2], "rb").read()
try:
    s = b.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("invalid UTF-8: %s" % e)
ok = "\n\t" if fmt == "json" else "\n"
bad = [c for c in s if (ord(c) < 0x20 and c not in ok) or 0x7f <= ord(c) < 0xa0 or
       (fmt == "xml" and c in "\ufffe\uffff")]
sys.exit("raw control characters: %r" % bad[:5] if bad else 0)' "$@"
}
# Verbs of other files are checked too; their findings are reported as
# XFAIL (not counted) so that this file tests what it owns.
hostile_verb() {        # hostile_verb [--other] FORMAT ARGS...: FORMAT text|json|xml|shell
        fail=bad
        if [ "$1" = --other ]; then fail=xfail; shift; fi
        fmt=$1; shift
        set -- "$(printf '%q ' "$@")"  # a printable description for the log
        eval "$HFX $1" >"$T/h.out" 2>"$T/h.err"; hrc=$?
        if ! safe_text "$fmt" "$T/h.out" >"$T/h.why" 2>&1 || ! safe_text text "$T/h.err" >>"$T/h.why" 2>&1; then
                $fail "hostile: $* (exit $hrc): $(cat "$T/h.why")"; return
        fi
        case $fmt in
        json)   [ "$hrc" != 0 ] || python3 -m json.tool "$T/h.out" >/dev/null 2>"$T/h.why" ||
                        { $fail "hostile: $*: invalid JSON: $(head -2 "$T/h.why")"; return; } ;;
        xml)    [ "$hrc" != 0 ] || { printf '<r>'; cat "$T/h.out"; printf '</r>'; } |
                        python3 -c 'import sys, xml.dom.minidom as m; m.parseString(sys.stdin.buffer.read())' 2>"$T/h.why" ||
                        { $fail "hostile: $*: invalid XML: $(tail -1 "$T/h.why")"; return; } ;;
        esac
        ok "hostile: $* ($fmt, exit $hrc) is escaped"
}
xfail() { echo "XFAIL: $*"; }
hostile_all() {         # hostile_all FIXTURE-FN PCI DEVICE...
        HFX=$1; pci=$2; shift 2
        devs=$*
        for v in "list" "list --tree" "show $devs" "check $devs" "groups"; do
                hostile_verb --other text $v
        done
        for v in "list -J" "list -J --tree" "check -J $devs" "groups -J"; do
                hostile_verb --other json $v
        done
        hostile_verb shell qemu --force "$pci" "$@"
        hostile_verb shell qemu --force --romfile "$HOSTILE_ROM" "$pci"
        hostile_verb json qemu -J --force --romfile "$HOSTILE_ROM" "$pci" "$@"
        hostile_verb json qemu -J --force --by-id "$@"
        hostile_verb xml xml --force "$@"
        hostile_verb xml xml --force --domain --by-id --managed "$pci" "$@"
        hostile_verb text qemu "$@"             # refused or not: messages escaped
        hostile_verb text xml "$@"
        hostile_verb text qemu --usb-bus $'x\e[2J' "$@"
        hostile_verb text qemu --romfile $'\e[2J' "$@"
}
hostile_all hos 00:14.0 1-5.4 2-1 sg1
hostile_all husb 00:14.0 usb_1_2 usb_1_3

# the shell line reads back to the exact bytes; the comma is doubled
line=$(hos qemu --force --romfile "$HOSTILE_ROM" 00:14.0)
eval "set -- $line"
assert "hostile: shell line reads back to the same argv" [ "$#" = 2 ] && \
        assert "hostile: romfile value is exact with ',' doubled" [ "$2" = "vfio-pci,host=0000:00:14.0,id=hostdev-pci_0000_00_14_0,romfile=${HOSTILE_ROM//,/,,}" ]
python3 -c 'import json,sys; a = json.load(open(sys.argv[1]))
sys.exit(0 if all(",id=x" not in x.replace(",,", "") for x in a) else 1)' \
        <(hos qemu -J --force --romfile "$HOSTILE_ROM" 00:14.0) && ok "hostile: no ',id=x' injection in JSON" ||
        bad "hostile: ',id=x' reached QEMU undoubled"
grep -q $'\e' <(hos xml --force 1-5.4 2-1 sg1) && bad "hostile: ESC in XML" || ok "hostile: no ESC in XML"

# XML placement and ROM options that cannot be honoured
expect_rc 1 "xml: --guest-slot without --guest-bus" ws xml --force --guest-slot 5 01:00.0
grep -q 'a guest slot needs a guest bus' "$T/err" && ok "xml: says why" || { bad "xml guest-slot message"; cat "$T/err"; }
expect_rc 2 "xml: --guest-bus 256" ws xml --force --guest-bus 256 01:00.0
expect_rc 2 "xml: --guest-bus x" ws xml --force --guest-bus x 01:00.0
expect_rc 2 "xml: --rombar maybe" ws xml --force --rombar maybe 01:00.0
expect_rc 1 "xml: ROM options without a PCI device" ws xml --force --rombar on 2-1
expect_rc 1 "xml: no slot left past 1f" ws xml --force --guest-bus 0 --guest-slot 1f 01:00.0 00:14.0
grep -q 'no guest slot left' "$T/err" && ok "xml: slot overflow message" || { bad "xml slot overflow message"; cat "$T/err"; }
# the ROM file, with no display controller among the devices, goes to the
# lowest function of the first slot, however the devices were named
SRIOV=$(load_fixture sriov-nic) || exit 1
for bus in "" "--guest-bus pcie.0"; do
        "$HOSTDEV" --sysroot "$SRIOV" qemu --force $bus --romfile /x.rom 3b:00.1 3b:00.0 > "$T/rom" 2>&1
        if grep -q 'host=0000:3b:00.0,[^ ]*romfile=/x.rom' "$T/rom" && [ "$(grep -o romfile= "$T/rom" | wc -l)" = 1 ]; then
                if [ -z "$bus" ]; then
                        bad "qemu: without a guest bus the ROM follows the order given"; cat "$T/rom"
                else
                        ok "qemu $bus: ROM on function 0 though named second"
                fi
        elif [ -z "$bus" ] && grep -q 'host=0000:3b:00.1,[^ ]*romfile=/x.rom' "$T/rom"; then
                ok "qemu: without a guest bus the ROM goes to the first device named"
        else
                bad "qemu $bus: ROM placement"; cat "$T/rom"
        fi
done
"$HOSTDEV" --sysroot "$SRIOV" xml --force --guest-bus 0 --romfile /x.rom 3b:00.1 3b:00.0 > "$T/romx" 2>&1
python3 - "$T/romx" <<'PY' && ok "xml --guest-bus 0: ROM on function 0 though named second" || { bad "xml ROM placement"; cat "$T/romx"; }
import sys, xml.etree.ElementTree as ET
root = ET.fromstring("<r>" + open(sys.argv[1]).read() + "</r>")
got = {h.find('source/address').get('function'): h.find('rom') for h in root.findall('hostdev')}
assert got['0x0'] is not None and got['0x0'].get('file') == '/x.rom' and got['0x1'] is None, got
PY
finish
