#!/bin/bash
# One source of truth for refusals: over every device of every fixture,
# `check DEV` exits 0 exactly when `qemu DEV` and `xml DEV` succeed.  A
# refusal by qemu or xml names, as [code], a reason that check gives that
# device at severity error, and both emitters refuse alike (same exit).
# Counts per fixture and in total are printed.
. "$(dirname "$0")/lib.sh"

tot_dev=0; tot_ok=0; tot_refused=0; tot_bad=0; n_fx=0
# agree NAME ROOT: the assertion for every device of the tree at ROOT
agree() {
        local fx=$1 root=$2 n nok nref nbad d c q x why e code name elig codes
        local -a devs
        local -A verdict=() errors=()
        n_fx=$((n_fx + 1))
        h() { "$HOSTDEV" --numeric --sysroot "$root" "$@"; }
        h list -J > "$T/list.json" 2>"$T/err" || { bad "$fx: list -J"; return; }
        mapfile -t devs < <(jq -r '.devices[].name' "$T/list.json")
        # one judging run for every device: its verdict and error codes by name
        # shellcheck disable=SC2046
        h check -J "${devs[@]}" > "$T/all.json" 2>/dev/null
        while IFS=$'\t' read -r name elig codes; do
                verdict[$name]=$elig; errors[$name]=" $codes "
        done < <(jq -r '.devices[] | [.name, (.eligible | tostring),
                        ([.reasons[] | select(.severity == "error") | .code] | join(" "))] | @tsv' "$T/all.json")
        n=0; nok=0; nref=0; nbad=0
        for d in "${devs[@]}"; do
                n=$((n + 1))
                h check "$d" >/dev/null 2>&1; c=$?
                h qemu "$d" >/dev/null 2>"$T/q.err"; q=$?
                h xml "$d" >/dev/null 2>"$T/x.err"; x=$?
                why=""
                case $c in 0|3) ;; *) why="check exits $c" ;; esac
                if [ -z "$why" ] && { [ "$c" = 0 ] && [ "${verdict[$d]:-}" != true ]; } ||
                   { [ "$c" = 3 ] && [ "${verdict[$d]:-}" != false ]; }; then
                        why="check $d exits $c but check -J of all says eligible=${verdict[$d]:-none}"
                fi
                if [ -z "$why" ] && [ "$c" = 0 ]; then
                        [ "$q" = 0 ] && [ "$x" = 0 ] || why="eligible but qemu exits $q, xml $x: $(head -1 "$T/q.err") $(head -1 "$T/x.err")"
                elif [ -z "$why" ]; then
                        if [ "$q" = 0 ] || [ "$x" = 0 ]; then
                                why="not eligible but qemu exits $q, xml $x"
                        elif [ "$q" != "$x" ] || { [ "$q" != 1 ] && [ "$q" != 3 ]; }; then
                                why="qemu exits $q, xml $x"
                        else
                                for e in "$T/q.err" "$T/x.err"; do
                                        code=$(sed -n '1s/.*\[\([a-z-]*\)\].*/\1/p' "$e")
                                        if [ "$(wc -l < "$e")" != 1 ] || [ -z "$code" ] ||
                                           [[ "${errors[$d]}" != *" $code "* ]]; then
                                                why="refusal '$(head -1 "$e")' names no error reason of check (${errors[$d]})"
                                        fi
                                done
                        fi
                fi
                if [ -n "$why" ]; then
                        nbad=$((nbad + 1)); bad "$fx $d: $why"
                elif [ "$c" = 0 ]; then
                        nok=$((nok + 1))
                else
                        nref=$((nref + 1))
                fi
        done
        echo "agree: $fx: $n devices, $nok eligible and emitted, $nref refused by all three, $nbad disagree"
        [ "$nbad" = 0 ] && ok "$fx: check, qemu and xml agree on all $n devices"
        tot_dev=$((tot_dev + n)); tot_ok=$((tot_ok + nok)); tot_refused=$((tot_refused + nref))
        tot_bad=$((tot_bad + nbad))
}

for fx_file in "$TOP"/fixtures/*.umockdev; do
        fx=$(basename "$fx_file" .umockdev)
        root=$(load_fixture "$fx") || { bad "load $fx"; continue; }
        agree "$fx" "$root"
        [ "$fx" = workstation-gpu ] || rm -rf "$root"
done

# What qemu and xml need to name a device is the judge's too: a LUN without
# its sg node (no-sg) and a USB device without bus/device number (no-address)
# are errors of check, refused by both emitters even with --force.
root=$T/workstation-gpu
lun=$root/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0
usb=$root/sys/devices/pci0000:00/0000:00:14.0/usb1/1-5/1-5.4
rm -rf "$lun/scsi_generic" "$root/sys/class/scsi_generic/sg0" "$usb/busnum" "$usb/devnum"
sed -i '/^BUSNUM=/d; /^DEVNUM=/d' "$usb/uevent"
for pair in scsi_0_0_0_0:no-sg usb_1_5_4:no-address; do
        d=${pair%%:*} code=${pair#*:}
        expect_rc 3 "trimmed: check $d exits 3" "$HOSTDEV" --numeric --sysroot "$root" check "$d"
        grep -q "^  error $code: " "$T/out" && ok "trimmed: check $d: error $code" ||
                bad "trimmed: check $d: no error $code: $(cat "$T/out")"
        for verb in qemu xml; do
                expect_rc 3 "trimmed: $verb --force $d refused" "$HOSTDEV" --numeric --sysroot "$root" $verb --force "$d"
                grep -q "^hostdev: $d: .*\[$code\]$" "$T/err" && ok "trimmed: $verb $d names [$code]" ||
                        bad "trimmed: $verb $d: $(cat "$T/err")"
        done
done
agree workstation-gpu-trimmed "$root"
echo "agree: total: $n_fx fixtures, $tot_dev devices, $tot_ok eligible and emitted, $tot_refused refused by all three, $tot_bad disagree"
[ "$n_fx" -gt 16 ] && [ "$tot_dev" -gt 300 ] && ok "agreement covered $n_fx fixtures, $tot_dev devices" ||
        bad "too few fixtures/devices ($n_fx, $tot_dev)"
finish
