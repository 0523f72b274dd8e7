#!/bin/bash
# hostdev prepare / release under scripts/fake-kernel on the workstation-gpu
# fixture; the example unit doc/examples/vm-gpu.service run step by step;
# the emitters' 0.2 options (--with-group, --machine, --boot, --readonly,
# --shareable, --guest-reset, --id/--alias, --syntax json, --interface)
# through QEMU 7.2 and libvirt's schema (virt-xml-validate).
. "$TOP/tests/cli/lib.sh"
GPU=0000:01:00.0 AUDIO=0000:01:00.1 PORT=0000:00:01.0 IGPU=0000:00:02.0
export FAKE_KERNEL_CACHE="$T/fk-cache"

# a fake-kernel workstation-gpu sysroot; hostdev with --numeric (lib.sh's hd without)
fresh() { fk_sysroot workstation-gpu "$1"; }
hd() { local r=$1; shift; "$FK" "$r" -- "$HOSTDEV" --sysroot "$r" --numeric "$@"; }

# ---------------------------------------------------------------- QEMU 7.2
# Accept a run that lasted until the timeout (-S: everything parsed and
# created) or that stopped at a host device this machine does not have;
# never a property, bus or syntax error.
ABSENT="no such host device|failed to open /dev/bus/usb/|Could not open '/dev/sg[0-9]+'|cannot get SG_IO version number"
SYNTAX="property|not found|parameter|invalid|expect|unexpected|duplicate|not available|ambiguous|too long|doesn.t|unknown|usage|requires|must be|already|can't|cannot"
qrun() {        # qrun DESC ARGS...
        local desc=$1; shift
        timeout 20 qemu-system-x86_64 -M q35 -nodefaults -display none -S "$@" </dev/null >"$T/q.out" 2>"$T/q.err"
        qrc=$?
        if [ "$qrc" = 124 ]; then
                ok "qemu accepts $desc (ran until the timeout)"
        elif [ "$qrc" != 0 ] && grep -Eq "$ABSENT" "$T/q.err" && ! grep -Ev "$ABSENT" "$T/q.err" | grep -Eiq "$SYNTAX"; then
                ok "qemu accepts $desc up to the absent host device"
        else
                bad "qemu rejects $desc (exit $qrc)"; head -5 "$T/q.err"
        fi
}
# qcheck DESC ARGV-JSON-FILE: the whole set, then every device alone with
# all the controllers (root ports, bridge, xhci, virtio-scsi) and blockdevs,
# so that each element meets QEMU even after the first absent host device.
qcheck() {
        local desc=$1 file=$2 args=() ctrl=() i v
        mapfile -d '' -t args < <(python3 -c 'import json,sys
for a in json.load(open(sys.argv[1])): sys.stdout.write(a + "\0")' "$file")
        qrun "$desc" "${args[@]}"
        for ((i = 0; i + 1 < ${#args[@]}; i += 2)); do
                case ${args[i+1]} in
                *vfio-pci* | *usb-host* | *scsi-generic*) ;;
                *) ctrl+=("${args[i]}" "${args[i+1]}") ;;
                esac
        done
        for ((i = 0; i + 1 < ${#args[@]}; i += 2)); do
                v=${args[i+1]}
                case $v in
                *vfio-pci* | *usb-host*) qrun "$desc: $v" "${ctrl[@]}" -device "$v" ;;
                *scsi-generic*) qrun "$desc: $v (sg on /dev/null)" \
                        $(printf '%s\n' "${ctrl[@]}" | sed 's|/dev/sg[0-9]*|/dev/null|') -device "$v" ;;
                esac
        done
}
validate() {    # validate DESC FILE
        if virt-xml-validate "$2" domain >"$T/v.out" 2>&1; then ok "virt-xml-validate: $1"
        else bad "virt-xml-validate: $1"; head -5 "$T/v.out"; cat "$2"; fi
}
have_qemu() { command -v qemu-system-x86_64 >/dev/null || { bad "qemu-system-x86_64 missing (scripts/install-deps)"; return 1; }; }
have_schema() { command -v virt-xml-validate >/dev/null || { bad "virt-xml-validate missing (libvirt-clients)"; return 1; }; }

# ---------------------------------------------------------------- prepare / release
R=$(fresh main) || { bad "load fixture"; finish; exit; }
expect_rc 0 "prepare --with-group --machine q35 -J $GPU" hd "$R" prepare --with-group --machine q35 -J "$GPU"
cp "$T/out" "$T/prep.json"
assert "prepare bound the GPU" [ "$(drv "$R" $GPU)" = vfio-pci ]
assert "prepare bound its audio function (the group)" [ "$(drv "$R" $AUDIO)" = vfio-pci ]
assert "the root port stays on pcieport" [ "$(drv "$R" $PORT)" = pcieport ]
assert "prepare waited for dev/vfio/1" [ -e "$R/dev/vfio/1" ]
python3 - "$T/prep.json" <<'PY' && ok "prepare: one root port, both functions on it, multifunction" || bad "prepare arguments: $(cat "$T/prep.json")"
import json, sys
a = json.load(open(sys.argv[1]))
assert a[0::2] == ["-device"] * 3, a
assert a[1] == "pcie-root-port,id=hostdev-rp1,bus=pcie.0,addr=10.0,chassis=1,port=0x80", a
assert a[2 + 1].startswith("vfio-pci,host=0000:01:00.0,") and "bus=hostdev-rp1,addr=00.0,multifunction=on" in a[3], a
assert a[5].startswith("vfio-pci,host=0000:01:00.1,") and "bus=hostdev-rp1,addr=00.1" in a[5], a
PY
have_qemu && qcheck "prepare --with-group --machine q35" "$T/prep.json"
expect_rc 0 "prepare again (already bound) prints the same" hd "$R" prepare --with-group --machine q35 -J "$GPU"
assert "idempotent prepare" cmp -s "$T/out" "$T/prep.json"
expect_rc 0 "prepare --xml --domain --with-group --machine q35" hd "$R" prepare --xml --domain --with-group --machine q35 "$GPU"
cp "$T/out" "$T/prep.xml"
have_schema && validate "prepare --xml --domain --with-group --machine q35" "$T/prep.xml"
grep -q "managed='no'" "$T/prep.xml" && [ "$(grep -c "<hostdev " "$T/prep.xml")" = 2 ] &&
        ok "prepare --xml: both functions, managed='no'" || bad "prepare --xml content"
expect_rc 0 "release $GPU" hd "$R" release "$GPU"
assert "release gave the GPU back to nouveau" [ "$(drv "$R" $GPU)" = nouveau ]
assert "release gave the audio back to snd_hda_intel" [ "$(drv "$R" $AUDIO)" = snd_hda_intel ]
expect_rc 0 "release again: nothing to do" hd "$R" release "$GPU"
expect_rc 0 "release of a USB device: nothing to give back" hd "$R" release 1-5.4

# refusal before any write: one ineligible device among eligible ones
R2=$(fresh refuse) || exit 1
(cd "$R2" && find sys -name driver -o -name driver_override | sort | xargs -I{} sh -c 'printf "%s " {}; readlink {} || cat {}') >"$T/before"
expect_rc 3 "prepare with the boot VGA among the devices exits 3" hd "$R2" prepare "$GPU" "$IGPU"
grep -q "pci_0000_00_02_0: not eligible" "$T/err" && ok "prepare names the ineligible device" || bad "prepare refusal: $(cat "$T/err")"
[ -s "$T/out" ] && bad "prepare printed arguments while refusing" || ok "prepare printed nothing"
(cd "$R2" && find sys -name driver -o -name driver_override | sort | xargs -I{} sh -c 'printf "%s " {}; readlink {} || cat {}') >"$T/after"
assert "prepare wrote nothing before refusing" cmp -s "$T/before" "$T/after"
assert "no journal written" [ ! -e "$R2/run/hostdev/state.json" ]
expect_rc 1 "prepare with a bad option value writes nothing either" hd "$R2" prepare --id '9bad' "$GPU"
assert "GPU still on nouveau" [ "$(drv "$R2" $GPU)" = nouveau ]

# --iommufd: the judge first (no /dev/iommu: refused before binding), then
# the cdevs after binding.  fake-kernel has no iommufd: the test plays the
# kernel's part, making dev/iommu, the devices' vfio-dev/vfioN and (late)
# dev/vfio/devices/vfioN.
cdevs() { vfio_cdevs "$1" $GPU $AUDIO; }   # cdevs ROOT: the GPU's two functions
R5=$(fresh fd1) || exit 1
expect_rc 1 "prepare --iommufd without dev/iommu" hd "$R5" prepare --iommufd --with-group --machine q35 "$GPU"
grep -q "iommufd cannot be used: the host has no /dev/iommu" "$T/err" && ok "the judge says why iommufd cannot be used" || bad "iommufd refusal: $(cat "$T/err")"
assert "nothing bound when iommufd cannot be used" [ "$(drv "$R5" $GPU)" = nouveau ]
: >"$R5/dev/iommu"; cdevs "$R5"
( sleep 0.3; mkdir -p "$R5/dev/vfio/devices"; : >"$R5/dev/vfio/devices/vfio0"; : >"$R5/dev/vfio/devices/vfio1" ) &
expect_rc 0 "prepare --iommufd waits for dev/vfio/devices/vfioN" hd "$R5" prepare --iommufd --with-group --machine q35 "$GPU"
wait
assert "the cdev nodes were there when prepare returned" [ -e "$R5/dev/vfio/devices/vfio1" ]
grep -q -- "-object iommufd,id=hostdev-iommufd .*vfio-pci,host=0000:01:00.0,[^ ]*iommufd=hostdev-iommufd" "$T/out" &&
        ok "prepare --iommufd prints -object iommufd and iommufd=" || bad "prepare --iommufd output: $(cat "$T/out")"
"$HOSTDEV" --sysroot "$R5" --numeric show -J computer "$GPU" "$PORT" >"$T/show.json"
python3 - "$T/show.json" <<'PY' && ok "show: the host has iommufd, the bound GPU its vfio0 cdev" || bad "show iommufd: $(cat "$T/show.json")"
import json, sys
d = {x["name"]: x for x in json.load(open(sys.argv[1]))["devices"]}
assert d["computer"]["iommufd"] is True, d["computer"]
assert d["pci_0000_01_00_0"]["vfio_dev"] == "vfio0", d["pci_0000_01_00_0"]
assert d["pci_0000_00_01_0"]["vfio_dev"] is None
PY
hd "$R5" release "$GPU" >/dev/null 2>&1
"$HOSTDEV" --sysroot "$R2" --numeric show -J computer >"$T/show2.json"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["devices"][0]["iommufd"] is False' "$T/show2.json" &&
        ok "show: no dev/iommu, iommufd false" || bad "show iommufd false: $(cat "$T/show2.json")"
R6=$(fresh fd2) || exit 1
: >"$R6/dev/iommu"; cdevs "$R6"
expect_rc 1 "prepare --iommufd: the cdev node never appears" hd "$R6" prepare --iommufd --timeout 0.3 "$GPU"
grep -q "/dev/vfio/devices/vfio0 did not appear" "$T/err" && ok "says which node did not appear" || bad "timeout message: $(cat "$T/err")"
assert "the group is given back after the timeout" [ "$(drv "$R6" $GPU)$(drv "$R6" $AUDIO)" = nouveausnd_hda_intel ]
R7=$(fresh fd3) || exit 1
: >"$R7/dev/iommu"
expect_rc 1 "prepare --iommufd: vfio-pci gives no cdev" hd "$R7" prepare --iommufd --timeout 0.3 "$GPU"
grep -q "no vfio-dev cdev" "$T/err" && ok "says the kernel gave no cdev" || bad "no-cdev message: $(cat "$T/err")"
assert "the group is given back" [ "$(drv "$R7" $GPU)" = nouveau ]

# --mac/--vlan for QEMU by hand: through the PF over rtnetlink on the live
# host only; below a sysroot --dry-run shows the plan (the sysfs writes, then
# the netlink change, then the arguments), a real run is refused and undone.
SRF=$(load_fixture sriov-nic "$T/srf") || exit 1
"$FK" --setup "$SRF"
VF=0000:3b:02.1
expect_rc 0 "prepare --dry-run --mac --vlan on a VF" hd "$SRF" prepare --dry-run --force --mac 52:54:00:12:34:56 --vlan 42 "$VF"
sed -n 4p "$T/out" | grep -qx "netlink ens1f0 vf 1 mac 52:54:00:12:34:56 vlan 42" &&
        sed -n 3p "$T/out" | grep -q "drivers_probe" && sed -n 5p "$T/out" | grep -q "^-device vfio-pci,host=$VF" &&
        ok "--dry-run: writes, then the VF's netlink change (PF ens1f0, VF 1), then the arguments" ||
        bad "--dry-run plan: $(cat "$T/out")"
assert "--dry-run changed nothing" [ "$(drv "$SRF" $VF)" = iavf ]
expect_rc 1 "prepare --mac below a sysroot (netlink is the live host's)" hd "$SRF" prepare --force --mac 52:54:00:12:34:56 "$VF"
grep -q "netlink cannot be pointed at a sysroot" "$T/err" && ok "says netlink needs the live host" || bad "--mac message: $(cat "$T/err")"
assert "the VF is given back after the refused netlink change" [ "$(drv "$SRF" $VF)" = iavf ]
expect_rc 1 "prepare --mac on a PF" hd "$SRF" prepare --force --mac 52:54:00:12:34:56 0000:3b:00.0
expect_rc 1 "prepare --mac on two VFs" hd "$SRF" prepare --force --mac 52:54:00:12:34:56 "$VF" 0000:3b:02.2
expect_rc 1 "prepare --mac multicast" hd "$SRF" prepare --dry-run --force --mac 01:00:5e:00:00:01 "$VF"
expect_rc 2 "prepare --vlan 4096" hd "$SRF" prepare --force --vlan 4096 "$VF"
expect_rc 2 "prepare --dry-run --env-file" hd "$SRF" prepare --dry-run --env-file "$T/d.env" "$VF"
expect_rc 0 "release --dry-run: nothing recorded, nothing bound" hd "$SRF" release --dry-run "$VF"
assert "release --dry-run prints nothing to do" [ ! -s "$T/out" ]

# usage
expect_rc 0 "prepare --help" "$HOSTDEV" prepare --help
expect_rc 0 "release --help" "$HOSTDEV" release --help
expect_rc 2 "prepare without a device" "$HOSTDEV" --sysroot "$R2" prepare
expect_rc 2 "prepare --qemu --xml" "$HOSTDEV" --sysroot "$R2" prepare --qemu --xml "$GPU"
expect_rc 2 "prepare --xml --env-file" "$HOSTDEV" --sysroot "$R2" prepare --xml --env-file "$T/x.env" "$GPU"
expect_rc 2 "prepare --managed" "$HOSTDEV" --sysroot "$R2" prepare --xml --managed "$GPU"
expect_rc 2 "prepare --xml with a QEMU-only option" "$HOSTDEV" --sysroot "$R2" prepare --xml --x-vga "$GPU"
expect_rc 2 "prepare --machine q36" "$HOSTDEV" --sysroot "$R2" prepare --machine q36 "$GPU"
expect_rc 2 "prepare --xml -J" "$HOSTDEV" --sysroot "$R2" prepare --xml -J "$GPU"
expect_rc 2 "release without a device" "$HOSTDEV" --sysroot "$R2" release

# --env-file: one word per argument, refused (before binding) for a blank
R3=$(fresh env) || exit 1
expect_rc 1 "--env-file refuses an argument with a blank" hd "$R3" prepare --force --romfile "/a b.rom" --env-file "$T/b.env" "$GPU"
assert "no env file written" [ ! -e "$T/b.env" ]
expect_rc 0 "--env-file" hd "$R3" prepare --with-group --machine q35 --env-file "$T/a.env" "$GPU"
assert "--env-file prints nothing" [ ! -s "$T/out" ]
grep -q '^HOSTDEV_ARGS="-device pcie-root-port,id=hostdev-rp1,[^" ]*' "$T/a.env" && ok "env file holds HOSTDEV_ARGS" || bad "env file: $(cat "$T/a.env")"
hd "$R3" release "$GPU" >/dev/null 2>&1

# ---------------------------------------------------------------- the example unit
# Its commands in the order systemd runs them: ExecStartPre, then ExecStart
# with EnvironmentFile= read anew and $HOSTDEV_ARGS split at blanks, then
# ExecStopPost.  Substituted for the test: the hostdev binary (plus
# --sysroot and the fake kernel), the runtime directory, the disk image
# (an empty raw file), accel=kvm/-cpu host (tcg/max) and -m (256M); -S added.
UNIT=$TOP/doc/examples/vm-gpu.service
R4=$(fresh unit) || exit 1
RUN=$T/run-vm-gpu; mkdir -p "$RUN"; : >"$T/disk.img"
if command -v systemd-analyze >/dev/null; then
        sed "s|/usr/local/bin/hostdev|$HOSTDEV|g; s|/var/lib/vm-gpu/disk.qcow2|$T/disk.img|" "$UNIT" >"$T/vm-gpu.service"
        if systemd-analyze verify --man=no "$T/vm-gpu.service" >"$T/verify" 2>&1; then
                ok "systemd-analyze verify accepts the example unit"
        else
                bad "systemd-analyze verify: $(head -3 "$T/verify")"
        fi
fi
key() { sed -n "s/^$1=//p" "$UNIT"; }
DEVICE=$(key Environment | sed -n 's/^DEVICE=//p')
subst() {
        sed -e "s|/usr/local/bin/hostdev|$FK $R4 -- $HOSTDEV --sysroot $R4 --numeric|" \
            -e "s|/run/vm-gpu|$RUN|g" -e "s|\${DEVICE}|$DEVICE|g" \
            -e "s|/var/lib/vm-gpu/disk.qcow2|$T/disk.img,format=raw|" \
            -e 's|accel=kvm|accel=tcg|; s|-cpu host|-cpu max|; s|-m 8G|-m 256M|' \
            -e "s|^/usr/bin/qemu-system-x86_64|timeout 20 qemu-system-x86_64 -S|"
}
assert "the unit names a device" [ -n "$DEVICE" ]
step=0
while IFS= read -r line; do
        step=$((step + 1))
        cmd=$(printf '%s\n' "${line#*=}" | subst)
        case $line in
        ExecStartPre=*)
                eval "set -- $cmd"
                if "$@" >"$T/s.out" 2>"$T/s.err"; then ok "unit step $step (ExecStartPre) ran"; else bad "unit ExecStartPre: $(cat "$T/s.err")"; fi
                assert "after ExecStartPre the group is on vfio-pci" [ "$(drv "$R4" $GPU)$(drv "$R4" $AUDIO)" = vfio-pcivfio-pci ] ;;
        ExecStart=*)
                # EnvironmentFile=-FILE, read as systemd reads it for this step
                envf=$(key EnvironmentFile | sed 's/^-//' | subst)
                HOSTDEV_ARGS=$(sed -n 's/^HOSTDEV_ARGS="\(.*\)"$/\1/p' "$envf")
                assert "the EnvironmentFile holds HOSTDEV_ARGS" [ -n "$HOSTDEV_ARGS" ]
                # unbraced $HOSTDEV_ARGS: split at blanks, no quote processing
                read -r -a words <<<"$HOSTDEV_ARGS"
                eval "set -- ${cmd//\$HOSTDEV_ARGS/}"
                have_qemu && qrun "the unit's ExecStart with \$HOSTDEV_ARGS" "${@:4}" "${words[@]}" ;;
        ExecStopPost=*)
                eval "set -- $cmd"
                if "$@" >"$T/s.out" 2>"$T/s.err"; then ok "unit step $step (ExecStopPost) ran"; else bad "unit ExecStopPost: $(cat "$T/s.err")"; fi
                assert "after ExecStopPost the GPU is back on nouveau" [ "$(drv "$R4" $GPU)" = nouveau ]
                assert "after ExecStopPost the audio is back on snd_hda_intel" [ "$(drv "$R4" $AUDIO)" = snd_hda_intel ] ;;
        esac
done < <(grep -E '^Exec(StartPre|Start|StopPost)=' "$UNIT")
assert "the unit has its three steps" [ "$step" -ge 3 ]

# ---------------------------------------------------------------- emitter options
WS=$(load_fixture workstation-gpu "$T/ws") || exit 1
SR=$(load_fixture sriov-nic "$T/sr") || exit 1
ws() { "$HOSTDEV" --sysroot "$WS" --numeric "$@"; }
golden workstation-gpu-qemu-q35.txt ws qemu --force --machine q35 --with-group 01:00.0 00:17.0 00:14.0
golden workstation-gpu-xml-q35.xml ws xml --force --domain --machine q35 --with-group 01:00.0 00:17.0 00:14.0

ws qemu --with-group 01:00.1 >"$T/wg" 2>&1
grep -q 'host=0000:01:00.0' "$T/wg" && grep -q 'host=0000:01:00.1' "$T/wg" && ! grep -q 'host=0000:00:01.0' "$T/wg" &&
        ok "--with-group adds the GPU to its audio function, not the root port" || bad "--with-group: $(cat "$T/wg")"
ws qemu --force --machine pc 01:00.0 01:00.1 >"$T/pc" 2>&1
grep -q 'bus=pci.0,addr=10.0,multifunction=on' "$T/pc" && ok "--machine pc: on pci.0" || bad "--machine pc: $(cat "$T/pc")"
expect_rc 1 "--machine with --guest-bus" ws qemu --force --machine q35 --guest-bus pcie.0 01:00.0
expect_rc 2 "--guest-reset sometimes" ws qemu --guest-reset sometimes 1-5.4
expect_rc 2 "--boot -1" ws qemu --boot -1 1-5.4
expect_rc 2 "--syntax yaml" ws qemu --syntax yaml 1-5.4
expect_rc 1 "--id not a QEMU id" ws qemu --force --id 'a,b' 1-5.4
expect_rc 2 "qemu --interface (an XML option)" ws qemu --interface 1-5.4

if have_qemu; then
        for syn in opts json; do
                ws qemu -J --force --syntax $syn --machine q35 --with-group --boot 1 --id gpu 01:00.0 00:17.0 00:14.0 >"$T/a1.json" &&
                        qcheck "--syntax $syn q35 root ports, pcie-pci-bridge, --boot, --id" "$T/a1.json"
                ws qemu -J --force --syntax $syn --guest-reset uninitialized --boot 2 1-5.4 2-1 >"$T/a2.json" &&
                        qcheck "--syntax $syn --guest-reset uninitialized --boot (USB)" "$T/a2.json"
                ws qemu -J --force --syntax $syn --guest-reset off 1-5.4 >"$T/a3.json" &&
                        qcheck "--syntax $syn --guest-reset off" "$T/a3.json"
                ws qemu -J --force --syntax $syn --readonly --shareable --boot 3 sg1 >"$T/a4.json" &&
                        qcheck "--syntax $syn --readonly --shareable --boot (SCSI)" "$T/a4.json"
                ws qemu -J --force --syntax $syn --machine pc --rombar off --x-vga 01:00.0 01:00.1 >"$T/a5.json" &&
                        timeout 20 qemu-system-x86_64 -M pc -nodefaults -display none -S \
                        $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))))' "$T/a5.json") 2>"$T/q.err"
                grep -q "no such host device" "$T/q.err" && ok "--syntax $syn --machine pc on -M pc" || bad "--machine pc: $(cat "$T/q.err")"
        done
        python3 - "$T/a4.json" <<'PY' && ok "JSON: typed values (bool, number)" || bad "JSON values: $(cat "$T/a4.json")"
import json, sys
a = [json.loads(x) if x.startswith("{") else x for x in json.load(open(sys.argv[1]))]
assert a[3]["read-only"] is True and a[5]["share-rw"] is True and a[5]["bootindex"] == 3, a
PY
fi
if have_schema; then
        ws xml --force --domain --machine q35 --with-group --boot 1 --alias gpu 01:00.0 00:17.0 1-5.4 sg1 \
                --guest-reset uninitialized --readonly --shareable >"$T/x1.xml" && validate "q35, boot, alias, guestReset, readonly, shareable" "$T/x1.xml"
        python3 - "$T/x1.xml" <<'PY' && ok "xml: controllers and addresses as placed" || bad "xml placement"
import sys, xml.etree.ElementTree as ET
d = ET.parse(sys.argv[1]).getroot().find('devices')
c = {x.get('index'): x for x in d.findall('controller')}
assert c['0'].get('model') == 'pcie-root'
assert c['1'].get('model') == 'pcie-root-port' and c['1'].find('target').attrib == {'chassis': '1', 'port': '0x80'}
assert c['1'].find('address').get('multifunction') == 'on'
assert c['3'].get('model') == 'pcie-to-pci-bridge' and c['3'].find('address').get('bus') == '0x02'
h = d.findall('hostdev')
gpu = [x for x in h if x.find('source/address') is not None and x.find('source/address').get('bus') == '0x01']
assert [g.find('address').get('bus') for g in gpu] == ['0x01', '0x01'], gpu
assert gpu[0].find('boot').get('order') == '1' and gpu[0].find('alias').get('name') == 'ua-gpu'
usb = [x for x in h if x.get('type') == 'usb'][0]
assert usb.find('source').get('guestReset') == 'uninitialized'
scsi = [x for x in h if x.get('type') == 'scsi'][0]
assert scsi.find('readonly') is not None and scsi.find('shareable') is not None
PY
        ws xml --force --domain --machine pc 01:00.0 01:00.1 >"$T/x2.xml" && validate "--machine pc" "$T/x2.xml"
        "$HOSTDEV" --sysroot "$SR" --numeric xml --force --domain --interface --managed --mac 52:54:00:12:34:56 --vlan 42 --boot 2 --alias vf0 3b:02.0 >"$T/x3.xml" &&
                validate "--interface --mac --vlan on an SR-IOV VF" "$T/x3.xml"
        grep -q "<interface type='hostdev' managed='yes'>" "$T/x3.xml" && grep -q "<tag id='42'/>" "$T/x3.xml" &&
                ok "xml --interface: interface type='hostdev' with MAC and VLAN" || bad "xml --interface: $(cat "$T/x3.xml")"
fi
expect_rc 1 "xml --interface on a PF" "$HOSTDEV" --sysroot "$SR" xml --force --interface 3b:00.0
expect_rc 1 "xml --mac without --interface" "$HOSTDEV" --sysroot "$SR" xml --force --mac 52:54:00:12:34:56 3b:02.0
expect_rc 1 "xml --interface --mac multicast" "$HOSTDEV" --sysroot "$SR" xml --force --interface --mac 01:00:5e:00:00:01 3b:02.0
expect_rc 2 "xml --vlan 4096" "$HOSTDEV" --sysroot "$SR" xml --force --interface --vlan 4096 3b:02.0
expect_rc 1 "xml --alias with a dot" ws xml --force --alias a.b 01:00.0

# many devices: ten root ports take two pcie.0 slots (8 + 2, multifunction on
# each function 0), numbered on; conventional devices share one bridge
XE=$(load_fixture hwloc-40intel64-xeon-e7-4870 "$T/xe") || exit 1
SAS=$(load_fixture server-sas "$T/sas") || exit 1
endpoints() {   # every PCI endpoint hostdev qemu --force takes
        local fx=$1 d
        for d in $("$HOSTDEV" --sysroot "$fx" --numeric list -J | python3 -c 'import json,sys
def walk(x):
    if isinstance(x, dict):
        if x.get("type") == "pci": yield x["name"]
        for v in x.values(): yield from walk(v)
    elif isinstance(x, list):
        for v in x: yield from walk(v)
print(" ".join(walk(json.load(sys.stdin))))'); do
                "$HOSTDEV" --sysroot "$fx" --numeric qemu --force "$d" >/dev/null 2>&1 && echo "$d"
        done
}
for fx in "$XE" "$SAS"; do
        mapfile -t eps < <(endpoints "$fx")
        "$HOSTDEV" --sysroot "$fx" --numeric qemu -J --force --machine q35 "${eps[@]}" >"$T/many.json" || bad "qemu --machine q35 on ${fx##*/}"
        python3 - "$T/many.json" <<'PY' && ok "${fx##*/}: ${#eps[@]} endpoints, root ports numbered as libvirt does" || bad "${fx##*/} layout: $(head -c 600 "$T/many.json")"
import json, sys
a = json.load(open(sys.argv[1]))
rp = [dict(kv.split("=", 1) for kv in x.split(",")[1:]) for x in a if x.startswith("pcie-root-port,")]
assert rp, a
for k, p in enumerate(rp):
    slot, fn = 0x10 + k // 8, k % 8
    assert p["addr"] == "%02x.%x" % (slot, fn) and p["chassis"] == str(k + 1), p
    assert p["port"] == "0x%02x" % (slot << 3 | fn), p
    assert (p.get("multifunction") == "on") == (fn == 0 and len(rp) - k // 8 * 8 > 1), p
br = [x for x in a if x.startswith("pcie-pci-bridge,")]
assert len(br) <= 1 and (not br or "bus=hostdev-rp%d," % len(rp) in br[0]), br
PY
        have_qemu && qcheck "${fx##*/}: every endpoint with --machine q35" "$T/many.json"
        if have_schema; then
                "$HOSTDEV" --sysroot "$fx" --numeric xml --force --domain --machine q35 "${eps[@]}" >"$T/many.xml" &&
                        validate "${fx##*/}: every endpoint with --machine q35" "$T/many.xml"
        fi
done

# hostile strings in --syntax json: the shell line reads back to JSON whose
# romfile is the exact bytes given (no ',,' left, no ',id=x' injection)
HOSTILE_ROM=$'/tmp/rom\e[2J,id=x\n\'"$(reboot)'
line=$(ws qemu --force --syntax json --romfile "$HOSTILE_ROM" 01:00.0)
eval "set -- $line"
python3 -c 'import json, sys
o = json.loads(sys.argv[2])
assert o["driver"] == "vfio-pci" and o["romfile"] == sys.argv[3] and "x" not in o.get("id", ""), o' "$@" "$HOSTILE_ROM" &&
        ok "--syntax json: hostile romfile comes back exact" || bad "--syntax json hostile: $line"
printf '%s' "$line" | grep -q $'\e' && bad "--syntax json: raw ESC on the shell line" || ok "--syntax json: the shell line is printable"

# --guest-slot moves the root ports; pcie.0 ends at slot 1f
mapfile -t eps < <(endpoints "$XE")
"$HOSTDEV" --sysroot "$XE" --numeric qemu --force --machine q35 --guest-slot 1e "${eps[@]}" >"$T/gs" 2>&1
grep -q 'pcie-root-port,id=hostdev-rp1,bus=pcie.0,addr=1e.0,multifunction=on,chassis=1,port=0xf0' "$T/gs" &&
        grep -q 'pcie-root-port,id=hostdev-rp9,bus=pcie.0,addr=1f.0,multifunction=on,chassis=9,port=0xf8' "$T/gs" &&
        ok "--machine q35 --guest-slot 1e: ports from 1e.0, the ninth at 1f.0" || bad "--guest-slot with q35: $(head -c 400 "$T/gs")"
expect_rc 1 "--machine q35 --guest-slot 1f with ten ports" "$HOSTDEV" --sysroot "$XE" --numeric qemu --force --machine q35 --guest-slot 1f "${eps[@]}"
grep -q "root ports do not fit on pcie.0" "$T/err" && ok "says the ports do not fit" || bad "port overflow: $(cat "$T/err")"
grep -q "machine='pc'" "$T/x2.xml" 2>/dev/null && ok "xml --domain --machine pc: machine='pc'" || bad "xml --machine pc domain"

# --iommufd: QEMU 7.2 predates it; the form is checked against QEMU's source
# (see the man page): one -object iommufd, iommufd= on every vfio-pci.
ws qemu --force --iommufd --machine q35 01:00.0 01:00.1 1-5.4 >"$T/fd"
[ "$(grep -o -- '-object iommufd,id=hostdev-iommufd' "$T/fd" | wc -l)" = 1 ] &&
        [ "$(grep -o 'vfio-pci[^ ]*,iommufd=hostdev-iommufd' "$T/fd" | wc -l)" = 2 ] &&
        ! grep -q 'usb-host[^ ]*iommufd' "$T/fd" && ok "--iommufd: one object, iommufd= on each vfio-pci" || bad "--iommufd: $(cat "$T/fd")"
ws xml --force --iommufd 01:00.0 1-5.4 >"$T/fdx"
[ "$(grep -c "<driver iommufd='yes'/>" "$T/fdx")" = 1 ] && ok "xml --iommufd: <driver iommufd='yes'/> on PCI only" || bad "xml --iommufd: $(cat "$T/fdx")"
finish
