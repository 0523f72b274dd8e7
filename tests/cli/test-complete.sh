#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bash and zsh completion, run for real: the bash function with COMP_WORDS
# set as readline sets them, the zsh function autoloaded from completion/
# with compadd recording what it is offered.  Devices come from a sysroot
# (on the command line and from $HOSTDEV_SYSROOT); every option in each
# verb's --help is offered; `make install` puts both files where the shells look.
. "$(dirname "$0")/lib.sh"
export PATH="$(dirname "$HOSTDEV"):$PATH"
ROOT=$(load_fixture workstation-gpu) || { bad "load"; finish; exit; }
"$HOSTDEV" --sysroot "$ROOT" --numeric list -n -r -o NAME | grep -vx computer | sort > "$T/names"

# bcomp WORDS...: what bash's completion offers for the last word, sorted
bcomp() {
        bash -c 'source "$TOP/completion/hostdev.bash"
                COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
                _hostdev; printf "%s\n" "${COMPREPLY[@]}"' bash "$@" | sed '/^$/d' | sort
}
# zcomp WORDS...: the same in zsh (the completion widget's $PREFIX is the
# typed word: compadd offers the words that start with it)
zcomp() {
        zsh -f -c 'fpath=("$TOP/completion" $fpath); autoload -U _hostdev
                compadd() {
                        local pre="" w
                        while (( $# )); do
                                case $1 in -p|-S|-P|-J|-X) [[ $1 == -p ]] && pre=$2; shift 2 ;;
                                --) shift; break ;; -*) shift ;; *) break ;; esac
                        done
                        # as compadd: only the words that start with the typed prefix
                        for w in "$@"; do [[ $pre$w == ${PREFIX}* ]] && print -r -- "$pre$w"; done
                }
                _files() { print -r -- "<files>"; }
                _users() { print -r -- "<users>"; }
                words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}; _hostdev' zsh "$@" | sed '/^$/d' | sort
}

for sh in bash zsh; do
        c=${sh:0:1}comp
        $c hostdev "" > "$T/v"
        assert "$sh: verbs" grep -qx bind "$T/v"
        "$HOSTDEV" --help | sed -n '/^Verbs:/,/^$/p' | awk 'NR > 1 && NF {print $1}' | sort > "$T/vw"
        diff -q "$T/vw" "$T/v" >/dev/null && ok "$sh: every verb of --help ($(wc -l < "$T/v"))" \
                || bad "$sh: verbs: $(tr '\n' ' ' < "$T/v")"
        $c hostdev --sysroot "$ROOT" list "" > "$T/o"
        [ ! -s "$T/o" ] && ok "$sh: list takes no device" || bad "$sh: list offered $(head -3 "$T/o")"
        $c hostdev --sysroot "$ROOT" bind "" > "$T/b"
        if diff -u "$T/names" "$T/b" > "$T/diff"; then ok "$sh: bind <TAB> offers the sysroot's $(wc -l < "$T/b") devices"
        else bad "$sh: bind <TAB>"; head "$T/diff"; fi
        $c hostdev --sysroot "$ROOT" bind pci_0000_01 > "$T/b2"
        [ "$(tr '\n' ' ' < "$T/b2")" = "pci_0000_01_00_0 pci_0000_01_00_1 " ] && ok "$sh: bind pci_0000_01<TAB>" \
                || bad "$sh: bind pci_0000_01<TAB>: $(cat "$T/b2")"
        HOSTDEV_SYSROOT=$ROOT $c hostdev check scsi_gen > "$T/e"
        [ "$(tr '\n' ' ' < "$T/e")" = "scsi_generic_sg0 scsi_generic_sg1 " ] && ok "$sh: devices from \$HOSTDEV_SYSROOT" \
                || bad "$sh: HOSTDEV_SYSROOT: $(cat "$T/e")"
        $c hostdev --sysroot "$ROOT" list -o NAME,CL > "$T/o"
        [ "$(tr '\n' ' ' < "$T/o")" = "NAME,CLASS NAME,CLASSID " ] && ok "$sh: -o NAME,CL<TAB>" || bad "$sh: -o: $(cat "$T/o")"
        $c hostdev groups -o EL > "$T/o"
        [ "$(cat "$T/o")" = ELIGIBLE ] && ok "$sh: groups -o has its own columns" || bad "$sh: groups -o: $(cat "$T/o")"
        $c hostdev list --class "" > "$T/o"
        [ "$(tr '\n' ' ' < "$T/o")" = "audio gpu nic nvme storage usb " ] && ok "$sh: --class values" || bad "$sh: --class: $(cat "$T/o")"
        $c hostdev list --type "" | grep -qx scsi_generic && ok "$sh: --type values" || bad "$sh: --type"
        $c hostdev --sysroot "$ROOT" list -d 10 | grep -qx 10de:1b80 && ok "$sh: -d offers the IDs" || bad "$sh: -d IDs"
        $c hostdev qemu --rombar "" | tr '\n' ' ' | grep -qx "off on " && ok "$sh: --rombar values" || bad "$sh: --rombar"
        $c hostdev --sysroot "$ROOT" --sys > "$T/o"
        grep -qx -- --sysroot "$T/o" && ok "$sh: global options" || bad "$sh: global options"
        # every long option in each verb's --help is offered
        for verb in $(cat "$T/vw"); do
                "$HOSTDEV" $verb --help | grep -oE '^ +(-[A-Za-z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+' |
                        grep -vx -- --sysroot | sort -u > "$T/want"
                $c hostdev $verb -- | sort -u > "$T/got"
                missing=$(comm -23 "$T/want" "$T/got" | tr '\n' ' ')
                [ -z "$missing" ] && ok "$sh: $verb: every option of --help ($(wc -l < "$T/want"))" \
                        || bad "$sh: $verb: not offered: $missing"
        done
done

# installed where each shell looks
make -s -C "$TOP" install-completion DESTDIR="$T/inst" PREFIX=/usr >/dev/null 2>&1
assert "make install: bash completion" [ -f "$T/inst/usr/share/bash-completion/completions/hostdev" ]
assert "make install: zsh completion" [ -f "$T/inst/usr/share/zsh/site-functions/_hostdev" ]
# and a login shell there finds them: zsh's fpath holds /usr/local/share/zsh/site-functions
zsh -f -c 'print -l $fpath' | grep -qx /usr/local/share/zsh/site-functions && ok "zsh looks in PREFIX=/usr/local's site-functions" \
        || bad "zsh fpath lacks /usr/local/share/zsh/site-functions"
finish
