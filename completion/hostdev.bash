# bash completion for hostdev(8)                    -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
# Verbs, options, option values and device names; the devices come from the
# live host or from the --sysroot on the command line (or $HOSTDEV_SYSROOT),
# asked of hostdev itself (list -n -r -o NAME).

_hostdev_verbs="list show check groups qemu xml bind unbind restore fixture"
_hostdev_table_opts="-J --json -o --output -O --output-all -n --noheadings -r --raw -P --pairs -i --ascii -T --tree --list-columns --dot"

_hostdev_verb_opts() {
        case $1 in
        list)    echo "$_hostdev_table_opts -d --device --class --type -e --eligible -h --help" ;;
        groups)  echo "$_hostdev_table_opts -h --help" ;;
        show)    echo "-J --json -h --help" ;;
        check)   echo "-J --json --dot -f --force -d --device --class --type -h --help" ;;
        qemu)    echo "-J --json --guest-bus --guest-slot --usb-bus --scsi-bus --by-id --rombar --romfile --x-vga -f --force -h --help" ;;
        xml)     echo "--managed --domain --by-id --guest-bus --guest-slot --rombar --romfile -f --force -h --help" ;;
        bind)    echo "-f --force --dry-run -t --timeout --owner -q --quiet -h --help" ;;
        unbind)  echo "-f --force --dry-run -q --quiet -h --help" ;;
        restore) echo "-a --all -f --force --dry-run -q --quiet -h --help" ;;
        fixture) echo "-h --help" ;;
        esac
}

# _hostdev_run SYSROOT ARGS...: hostdev's answer, nothing on failure
_hostdev_run() {
        local root=$1
        shift
        if [ -n "$root" ]; then
                "${_hostdev_cmd:-hostdev}" --sysroot "$root" --numeric "$@" 2>/dev/null
        else
                "${_hostdev_cmd:-hostdev}" --numeric "$@" 2>/dev/null
        fi
}

_hostdev() {
        local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
        local verb="" root=${HOSTDEV_SYSROOT:-} i w
        COMPREPLY=()
        for ((i = 1; i < COMP_CWORD; i++)); do
                w=${COMP_WORDS[i]}
                case $w in
                --sysroot) root=${COMP_WORDS[i+1]}; i=$((i + 1)) ;;
                --sysroot=*) root=${w#--sysroot=} ;;
                -*) ;;
                *) if [ -z "$verb" ]; then verb=$w; fi ;;
                esac
        done
        # ~ as the shell would expand it
        case $root in "~"/*) root=$HOME/${root#"~/"} ;; esac

        case $prev in
        --sysroot)
                COMPREPLY=($(compgen -d -- "$cur")); return ;;
        -o|--output)
                local cols pre=""
                case $cur in *,*) pre=${cur%,*},; esac
                cols=$(_hostdev_run "$root" "${verb:-list}" --list-columns | awk '{print $1}')
                COMPREPLY=($(compgen -P "$pre" -W "$cols" -- "${cur##*,}"))
                compopt -o nospace 2>/dev/null
                return ;;
        --type)
                COMPREPLY=($(compgen -W "system pci usb_device usb_interface scsi_host scsi_target scsi scsi_generic net block" -- "$cur")); return ;;
        --class)
                COMPREPLY=($(compgen -W "gpu nic nvme usb audio storage" -- "$cur")); return ;;
        -d|--device)
                COMPREPLY=($(compgen -W "$(_hostdev_run "$root" list -n -r -o ID | sort -u)" -- "$cur")); return ;;
        --rombar)
                COMPREPLY=($(compgen -W "on off" -- "$cur")); return ;;
        --romfile)
                COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --owner)
                COMPREPLY=($(compgen -u -- "$cur")); return ;;
        -t|--timeout|--guest-bus|--guest-slot|--usb-bus|--scsi-bus)
                return ;;
        esac

        if [ -z "$verb" ]; then
                case $cur in
                -*) COMPREPLY=($(compgen -W "--sysroot --numeric -q --quiet -v --verbose -h --help -V --version" -- "$cur")) ;;
                *) COMPREPLY=($(compgen -W "$_hostdev_verbs" -- "$cur")) ;;
                esac
                return
        fi
        case $cur in
        -*)
                COMPREPLY=($(compgen -W "$(_hostdev_verb_opts "$verb") --sysroot" -- "$cur"))
                return ;;
        esac
        case $verb in
        show|check|qemu|xml|bind|unbind)
                COMPREPLY=($(compgen -W "$(_hostdev_run "$root" list -n -r -o NAME | grep -vx computer)" -- "$cur")) ;;
        fixture)
                COMPREPLY=($(compgen -f -- "$cur")) ;;
        esac
}
complete -F _hostdev hostdev
