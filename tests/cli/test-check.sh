#!/bin/bash
# hostdev check / groups / list --eligible over every fixture: goldens, the
# expected verdicts per device, exit codes and bad input.
. "$(dirname "$0")/lib.sh"

FIXTURES="workstation-gpu server-sas sriov-nic iommu-off vmd-domain hostile-usb multi-root
          judge-reset judge-held judge-novfio judge-amd umockdev-fido2 ghw-415ee03b"

names() { "$HOSTDEV" --numeric --sysroot "$1" list -n -o NAME; }

# lib.sh's helpers use $f and $d themselves: the loop keeps its own names
for fx in $FIXTURES; do
        [ -f "$TOP/fixtures/$fx.umockdev" ] || { bad "fixture $fx missing"; continue; }
        root=$(load_fixture "$fx") || { bad "load $fx"; continue; }
        # shellcheck disable=SC2046
        golden "$fx-check.json" "$HOSTDEV" --numeric --sysroot "$root" check -J $(names "$root")
        golden "$fx-groups.txt" "$HOSTDEV" --numeric --sysroot "$root" groups
        "$HOSTDEV" --numeric --sysroot "$root" check -J $(names "$root") > "$T/$fx.json" 2>/dev/null
        assert "$fx: check -J is valid JSON with a verdict per device" \
                test "$(jq '.devices | length' "$T/$fx.json")" = "$(names "$root" | wc -l)"
        "$HOSTDEV" --numeric --sysroot "$root" groups -J > "$T/$fx-groups.json" 2>/dev/null
        assert "$fx: groups -J is valid JSON" jq -e .groups "$T/$fx-groups.json" >/dev/null
done

# expect FIXTURE DEVICE yes|no [+code|-code|=affected,list]...
expect() {
        local f=$1 dev=$2 want=$3 c; shift 3
        local j="$T/$f.json" got
        got=$(jq -r --arg n "$dev" '.devices[] | select(.name == $n) | if .eligible then "yes" else "no" end' "$j")
        if [ "$got" != "$want" ]; then bad "$f $dev: eligible $got, wanted $want"; return; fi
        for c in "$@"; do
                case $c in
                +*) jq -e --arg n "$dev" --arg c "${c#+}" \
                        '.devices[] | select(.name == $n) | any(.reasons[]; .code == $c)' "$j" >/dev/null ||
                        { bad "$f $dev: no ${c#+}"; return; } ;;
                -*) jq -e --arg n "$dev" --arg c "${c#-}" \
                        '.devices[] | select(.name == $n) | any(.reasons[]; .code == $c) | not' "$j" >/dev/null ||
                        { bad "$f $dev: unexpected ${c#-}"; return; } ;;
                =*) got=$(jq -r --arg n "$dev" '.devices[] | select(.name == $n) | .affected | join(",")' "$j")
                    [ "$got" = "${c#=}" ] || { bad "$f $dev: affected '$got', wanted '${c#=}'"; return; } ;;
                esac
        done
        ok "$f $dev: $want $*"
}

# workstation-gpu: the must-shows, and absences on a healthy host
expect workstation-gpu pci_0000_01_00_0 yes =pci_0000_01_00_1 +group-shared -boot-vga -iommu-off \
        -vfio-unavailable -unsafe-interrupts -acs-override -no-reset -held -unknown -acs-missing
expect workstation-gpu pci_0000_01_00_1 yes =pci_0000_01_00_0
expect workstation-gpu pci_0000_00_02_0 no +boot-vga -bridge =
expect workstation-gpu pci_0000_00_01_0 no +bridge =pci_0000_01_00_0,pci_0000_01_00_1
expect workstation-gpu pci_0000_00_1f_0 no +bridge
expect workstation-gpu pci_0000_00_00_0 no +bridge
expect workstation-gpu pci_0000_02_00_0 no +net-up -disk-mounted
expect workstation-gpu pci_0000_03_00_0 no +disk-mounted -net-up
expect workstation-gpu pci_0000_00_17_0 no +disk-mounted
expect workstation-gpu usb_usb1 no +root-hub
expect workstation-gpu usb_1_5 no +hub -root-hub
expect workstation-gpu usb_1_5_4 yes -hub -root-hub -held
expect workstation-gpu usb_2_1 yes -disk-mounted
expect workstation-gpu scsi_generic_sg1 yes =block_sdb,block_sdb1
expect workstation-gpu scsi_generic_sg0 no +disk-mounted =block_sda,block_sda1
expect workstation-gpu usb_1_5_4_1_0 no +unsupported-type
expect workstation-gpu computer no +unsupported-type
# the USB controller drags the stick's disk and sg node with it
jq -e '.devices[] | select(.name == "pci_0000_00_14_0") | .affected | index("block_sdb1") and index("scsi_generic_sg1")' \
        "$T/workstation-gpu.json" >/dev/null && ok "workstation-gpu: xHCI affects the stick's disk and sg" ||
        bad "workstation-gpu: xHCI affected set misses the stick"
# iommu-off: no PCI endpoint is eligible, each says iommu-off
n=$(jq '[.devices[] | select(.name | startswith("pci_")) | select(.eligible)] | length' "$T/iommu-off.json")
m=$(jq '[.devices[] | select(.name | startswith("pci_")) | select(any(.reasons[]; .code == "iommu-off") | not)] | length' "$T/iommu-off.json")
if [ "$n" = 0 ] && [ "$m" = 0 ]; then ok "iommu-off: no PCI device eligible, all say iommu-off"; else bad "iommu-off: $n eligible, $m without iommu-off"; fi
expect iommu-off pci_0000_01_00_1 no +iommu-off -group-shared
expect judge-amd pci_0000_00_08_0 no +iommu-off
jq -r '.devices[] | select(.name == "pci_0000_00_08_0") | .reasons[] | select(.code == "iommu-off") | .message' \
        "$T/judge-amd.json" | grep -q 'amd_iommu=on' && ok "judge-amd: advice names amd_iommu=on" || bad "judge-amd: advice"
# server-sas: mounted disk below the HBA, vfio loadable (warning)
expect server-sas pci_0000_01_00_0 no +disk-mounted
expect server-sas scsi_0_0_2_0 yes -disk-mounted
expect server-sas pci_0000_02_00_0 no +net-up
# sriov-nic: a PF with VFs takes them along
expect sriov-nic pci_0000_3b_00_0 yes +sriov-active
expect sriov-nic pci_0000_3b_02_0 yes -sriov-active
jq -e '.devices[] | select(.name == "pci_0000_3b_00_0") | .affected | index("pci_0000_3b_02_3")' \
        "$T/sriov-nic.json" >/dev/null && ok "sriov-nic: the PF's VFs are affected" || bad "sriov-nic: VFs not affected"
# judge-reset: reset, ACS and host-wide warnings
expect judge-reset pci_0000_00_02_0 yes -no-reset -unknown +vfio-unavailable +acs-override +unsafe-interrupts
expect judge-reset pci_0000_00_03_0 yes -no-reset -unknown
expect judge-reset pci_0000_00_04_0 yes -no-reset -unknown
expect judge-reset pci_0000_00_05_0 yes +no-reset
expect judge-reset pci_0000_00_06_0 yes +unknown -no-reset
expect judge-reset pci_0000_00_07_0 yes +unknown -no-reset
expect judge-reset pci_0000_00_08_0 yes +unknown -no-reset
expect judge-reset pci_0000_00_09_0 yes +no-reset
expect judge-reset pci_0000_00_0a_0 yes -no-reset
expect judge-reset pci_0000_01_00_0 yes +no-reset -group-shared -acs-missing
expect judge-reset pci_0000_01_01_0 yes -no-reset -group-shared
expect judge-reset pci_0000_02_00_0 yes +group-shared +acs-missing =pci_0000_02_01_0
expect judge-reset pci_0000_03_00_0 yes +group-shared +acs-missing
expect judge-reset pci_0000_04_00_0 yes +group-shared -acs-missing +unknown
# judge-held: holders, dm holder mounted, addresses
expect judge-held pci_0000_01_00_0 no +held +already-vfio -vfio-unavailable -unsafe-interrupts -acs-override
expect judge-held usb_1_2 no +held
expect judge-held usb_1_3 yes -held
expect judge-held scsi_generic_sg2 no +held
expect judge-held pci_0000_00_17_0 no +held +disk-mounted
expect judge-held pci_0000_00_19_0 yes +net-up
expect judge-held pci_0000_00_1a_0 no +net-up
expect judge-held pci_0000_00_1b_0 no +net-up
expect judge-held pci_0000_00_14_0 no +held -already-vfio
jq -r '.devices[] | select(.name == "pci_0000_01_00_0") | .reasons[] | select(.code == "held") | .message' \
        "$T/judge-held.json" | grep -q 'pid 4242 (qemu-system-x86), VM "vm1"' && ok "judge-held: names pid, command and VM" ||
        bad "judge-held: holder not named"
# judge-novfio: vfio-pci neither loaded nor loadable
expect judge-novfio pci_0000_00_1f_3 no +vfio-unavailable +iommu-off
jq -r '.devices[] | select(.name == "pci_0000_00_1f_3") | .reasons[] | select(.code == "vfio-unavailable") | .severity' \
        "$T/judge-novfio.json" | grep -qx error && ok "judge-novfio: vfio-unavailable is an error" || bad "judge-novfio: severity"
# a recording without proc/ or modules: warnings saying so, no invented errors
expect umockdev-fido2 pci_0000_05_00_3 yes +unknown +vfio-unavailable
expect umockdev-fido2 usb_1_2_3 yes +unknown

# ---------------------------------------------------------------- CLI behaviour
d=$T/workstation-gpu   # load_fixture's default place
expect_rc 0 "check: all eligible exits 0" "$HOSTDEV" --numeric --sysroot "$d" check 01:00.0 01:00.1
expect_rc 3 "check: any not eligible exits 3" "$HOSTDEV" --numeric --sysroot "$d" check 01:00.0 00:02.0
grep -q '^pci_0000_00_02_0 (0000:00:02.0): NOT ELIGIBLE$' "$T/out" && grep -q '^  error boot-vga: ' "$T/out" &&
        ok "check: text shows the verdict and 'severity code: message'" || bad "check: text format"
expect_rc 0 "check --force lowers boot-vga" "$HOSTDEV" --numeric --sysroot "$d" check --force 00:02.0
grep -q '^  warning boot-vga: ' "$T/out" && ok "check --force: boot-vga is a warning" || bad "check --force"
expect_rc 1 "check: unknown device exits 1" "$HOSTDEV" --numeric --sysroot "$d" check -J 01:00.0 nosuchdev
if [ ! -s "$T/out" ] && [ "$(wc -l < "$T/err")" = 1 ] && grep -q nosuchdev "$T/err"; then
        ok "check: unknown device is one line naming it, no partial JSON"
else bad "check: unknown device output"; cat "$T/out" "$T/err"; fi
expect_rc 2 "check: no device is a usage error" "$HOSTDEV" --numeric --sysroot "$d" check
expect_rc 0 "list --eligible" "$HOSTDEV" --numeric --sysroot "$d" list --eligible -n -o NAME
if grep -qx pci_0000_01_00_0 "$T/out" && ! grep -qx pci_0000_00_02_0 "$T/out" && ! grep -qx usb_usb1 "$T/out"; then
        ok "list --eligible keeps the GPU, drops the boot GPU and root hubs"
else bad "list --eligible"; cat "$T/out"; fi
golden "workstation-gpu-eligible-groups.txt" "$HOSTDEV" --numeric --sysroot "$d" list --eligible -n -o NAME
"$HOSTDEV" --numeric --sysroot "$d" groups -J > "$T/groups.json"
[ "$(jq '.groups[] | select(.group == 1) | .viable' "$T/groups.json")" = true ] &&
[ "$(jq '.groups[] | select(.group == 2) | .viable' "$T/groups.json")" = false ] &&
        ok "groups: GPU group viable, boot GPU group not" || bad "groups: viability"
expect_rc 0 "groups on an IOMMU-off host" "$HOSTDEV" --numeric --sysroot "$T/iommu-off" groups
grep -q 'No IOMMU groups' "$T/out" && ok "groups: says there are none" || bad "groups: IOMMU off text"
# an sg node is the same disk as its LUN's block device: a mounted partition
# of sda makes sg0 ineligible; the unmounted USB stick's sg1 stays eligible
"$HOSTDEV" --numeric --sysroot "$T/workstation-gpu" check -J sg0 sg1 > "$T/sg.json"
[ "$(jq -r '.devices[0].affected | join(" ")' "$T/sg.json")" = "block_sda block_sda1" ] &&
        jq -e '.devices[0].eligible == false and any(.devices[0].reasons[]; .code == "disk-mounted")' "$T/sg.json" >/dev/null &&
        ok "sg0: its disk's mounted partition makes it ineligible" || { bad "sg0 verdict"; cat "$T/sg.json"; }
jq -e '.devices[1].eligible == true and (.devices[1].affected | index("block_sdb")) != null' "$T/sg.json" >/dev/null &&
        ok "sg1: eligible, its disk affected" || bad "sg1 verdict"
# a GPU whose DRM render node a process holds open (a compositor, a CUDA job):
# not eligible, and the message names the node and the process
g=$(load_fixture workstation-gpu "$T/gpu-drm") || exit 1
gpu="$g/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0"
mkdir -p "$gpu/drm/card1" "$gpu/drm/renderD128" "$g/proc/7777/fd"
printf 'gnome-shell\n' > "$g/proc/7777/comm"
printf 'gnome-shell\0' > "$g/proc/7777/cmdline"
ln -s /dev/dri/renderD128 "$g/proc/7777/fd/12"
"$HOSTDEV" --sysroot "$g" check -J pci_0000_01_00_0 > "$T/drm.json"
jq -r '.devices[0] | select(.eligible == false) | .reasons[] | select(.code == "held") | .message' "$T/drm.json" |
        grep -q '/dev/dri/renderD128 is open in pid 7777 (gnome-shell)' &&
        ok "GPU with an open DRM render node: held, naming node and process" || { bad "DRM holder"; cat "$T/drm.json"; }
# and its HDMI audio function's ALSA nodes held by a sound server
aud="$g/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.1"
mkdir -p "$aud/sound/card1/controlC1" "$aud/sound/card1/pcmC1D3p" "$g/proc/7778/fd"
printf 'pipewire\n' > "$g/proc/7778/comm"
ln -s /dev/snd/pcmC1D3p "$g/proc/7778/fd/30"
"$HOSTDEV" --sysroot "$g" check -J pci_0000_01_00_1 |
        jq -r '.devices[0].reasons[] | select(.code == "held") | .message' | grep -q '/dev/snd/pcmC1D3p is open in pid 7778 (pipewire)' &&
        ok "GPU audio with an open ALSA node: held" || bad "ALSA holder"
# with NVIDIA's own driver the node is /dev/nvidiaN, N from its proc file
sed -i 's/^DRIVER=nouveau$/DRIVER=nvidia/' "$gpu/uevent"
mkdir -p "$g/sys/bus/pci/drivers/nvidia"      # the driver link is what counts
ln -sfn ../../../../bus/pci/drivers/nvidia "$gpu/driver"
mkdir -p "$g/proc/driver/nvidia/gpus/0000:01:00.0" "$g/proc/7779/fd"
printf 'Model: \t\t NVIDIA GeForce GTX 1080\nIRQ:   \t\t 140\nDevice Minor: \t\t 3\nBus Location: \t\t 0000:01:00.0\n' \
        > "$g/proc/driver/nvidia/gpus/0000:01:00.0/information"
printf 'nvidia-persiste\n' > "$g/proc/7779/comm"
ln -s /dev/nvidia3 "$g/proc/7779/fd/4"
"$HOSTDEV" --sysroot "$g" check -J pci_0000_01_00_0 |
        jq -r '.devices[0].reasons[] | select(.code == "held") | .message' | grep -q '/dev/nvidia3 is open in pid 7779 (nvidia-persiste)' &&
        ok "GPU on the nvidia driver with /dev/nvidia3 open: held" || bad "nvidia holder"
rm "$g/proc/7777/fd/12" "$g/proc/7778/fd/30" "$g/proc/7779/fd/4"
"$HOSTDEV" --sysroot "$g" check -J pci_0000_01_00_0 | jq -e '.devices[0].eligible and all(.devices[0].reasons[]; .code != "held")' >/dev/null &&
        ok "the same GPU with its DRM nodes closed: eligible" || bad "DRM nodes closed"

# the judge looks at a device's class directories once per run, however many
# judged sets hold it (a PF's VFs are in the PF's set and their own), and only
# for the kinds of node some process holds (here an iommufd cdev)
s=$(load_fixture sriov-nic "$T/probe") || exit 1
mkdir -p "$s/proc/9001/fd"
printf 'qemu\n' > "$s/proc/9001/comm"
ln -s /dev/vfio/devices/vfio7 "$s/proc/9001/fd/30"
strace -f -qq -e trace=openat -o "$T/probe.trace" "$HOSTDEV" --numeric --sysroot "$s" check -J -d : > "$T/probe.json"
n_vfio=$(grep -c '/vfio-dev"' "$T/probe.trace")
n_paths=$(grep -o '"[^"]*/vfio-dev"' "$T/probe.trace" | sort -u | wc -l)
n_pci=$(jq '[.devices[].name | select(startswith("pci_"))] | length' "$T/probe.json")
[ "$n_vfio" = "$n_pci" ] && [ "$n_vfio" = "$n_paths" ] &&
        ok "check -d : looks at each function's vfio-dev once ($n_vfio functions)" ||
        bad "vfio-dev opened $n_vfio times for $n_paths functions of $n_pci judged"
! grep -q -E '/(drm|sound)"' "$T/probe.trace" &&
        ok "check -d : with no DRM or ALSA node held looks for none" || bad "drm/sound looked for unheld"
finish
