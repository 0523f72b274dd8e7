# bash completion for hostdev(8)                    -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
# Verbs, options, option values and device names; the devices come from the
# live host or from the --sysroot on the command line (or $HOSTDEV_SYSROOT),
# asked of hostdev itself (list -n -r -o NAME).

# Verbs and options are read from hostdev's own help, so a new verb or option
# completes without touching this file.
_hostdev_verbs() {
        "${_hostdev_cmd:-hostdev}" --help 2>/dev/null | sed -n '/^Verbs:/,/^$/{/^  [a-z]/s/^  \([a-z-]*\).*/\1/p}'
}
_hostdev_verb_opts() {
        "${_hostdev_cmd:-hostdev}" "$1" --help 2>/dev/null |
                sed -n 's/^ \{1,\}\(-[A-Za-z]\), \(--[a-z][a-z-]*\).*/\1 \2/p; s/^ \{1,\}\(--[a-z][a-z-]*\).*/\1/p'
}
# Does VERB take DEVICE arguments (its usage line says so)?
_hostdev_takes_devices() {
        "${_hostdev_cmd:-hostdev}" "$1" --help 2>/dev/null | head -1 | grep -q 'DEVICE'
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
                COMPREPLY=($(compgen -W "system pci usb_device usb_interface scsi_host scsi_target scsi scsi_generic net block mdev" -- "$cur")); return ;;
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
                *) COMPREPLY=($(compgen -W "$(_hostdev_verbs)" -- "$cur")) ;;
                esac
                return
        fi
        case $cur in
        -*)
                COMPREPLY=($(compgen -W "$(_hostdev_verb_opts "$verb") --sysroot" -- "$cur"))
                return ;;
        esac
        if [ "$verb" = fixture ]; then
                COMPREPLY=($(compgen -f -- "$cur"))
        elif _hostdev_takes_devices "$verb"; then
                COMPREPLY=($(compgen -W "$(_hostdev_run "$root" list -n -r -o NAME | grep -vx computer)" -- "$cur"))
        fi
}
complete -F _hostdev hostdev
