#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The ABI is written down: libhostdev.so exports exactly the functions
# scripts/libhostdev.sym lists, each under its version node; every HD_EXPORT
# function of src/ and every prototype of include/hostdev.h is listed there;
# the version has one source (HD_VERSION).
. "$(dirname "$0")/lib.sh"

sym=$TOP/scripts/libhostdev.sym
so=$BUILD/libhostdev.so
# the map's names (global: entries, comments dropped), sorted
sed -e 's|/\*.*\*/||' -e '/\/\*/,/\*\//d' "$sym" | grep -oE '^[[:space:]]*hd_[a-z0-9_]+;' | tr -d ' \t;' |
        sort > "$T/map"
sort -u "$T/map" | cmp -s - "$T/map" && ok "the map lists each symbol once" || bad "a symbol listed twice"
grep -q '^[[:space:]]*\*;' "$sym" && grep -q '^local:' "$sym" && ! grep -qE '^[[:space:]]*hd_[a-z0-9_]*\*' "$sym" &&
        ok "the map is an explicit list (no glob but local: *)" || bad "the map has a glob"
# exported (defined, code) from the shared library, with their version
nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' > "$T/exports.v"
sed 's/@.*//' "$T/exports.v" | sort > "$T/exports"
if diff -u "$T/map" "$T/exports" > "$T/d1"; then ok "libhostdev.so exports exactly the map ($(wc -l < "$T/map") functions)"
else bad "exports differ from the map (- map, + exported):"; grep '^[-+]h' "$T/d1"; fi
n=$(grep -cv '@@HOSTDEV_' "$T/exports.v")
[ "$n" = 0 ] && ok "every export carries a HOSTDEV_ version" || bad "$n exports without a version node"
# HD_EXPORT definitions in src/
grep -rhE '^HD_EXPORT ' "$TOP"/src --include='*.c' | grep -oE '\bhd_[a-z0-9_]+\(' |
        awk '{ sub(/\($/, ""); print }' | sort -u > "$T/hdexport"
if diff -u "$T/map" "$T/hdexport" > "$T/d2"; then ok "every HD_EXPORT function is in the map, and only they"
else bad "HD_EXPORT differs from the map (- map, + HD_EXPORT):"; grep '^[-+]h' "$T/d2"; fi
# prototypes of the public header (a name followed by its parameter list)
grep -oE '\bhd_[a-z0-9_]+ *\(' "$TOP/include/hostdev.h" | tr -d ' (' | sort -u > "$T/proto"
if diff -u "$T/map" "$T/proto" > "$T/d3"; then ok "every prototype of hostdev.h is in the map, and only they"
else bad "hostdev.h differs from the map (- map, + hostdev.h):"; grep '^[-+]h' "$T/d3"; fi
# every prototype of hostdev.h has its own "Returns:" line: in the comment
# since the previous declaration, or at the end of its line
python3 - "$TOP/include/hostdev.h" > "$T/returns" <<'PY'
import re, sys
proto = re.compile(r'^[a-z].*?\b(hd_[a-z0-9_]+)\s*\(')
seen = cont = False
for l in open(sys.argv[1]).read().split('\n'):
    s = l.strip()
    m = proto.match(l)
    if m and not s.startswith(('/*', '*', '#', 'typedef')):
        if not seen and 'Returns:' not in l:
            print(m.group(1))
        seen, cont = False, not s.endswith(';')
        continue
    if cont:
        cont = not s.endswith(';')
        continue
    if s == '':
        seen = False
    if 'Returns:' in l:
        seen = True
PY
[ ! -s "$T/returns" ] && ok "every export has a Returns: line in hostdev.h" ||
        bad "no Returns: line for: $(tr '\n' ' ' < "$T/returns")"
# one version: the Makefile reads HD_VERSION
hv=$(sed -n 's/^#define HD_VERSION "\(.*\)"$/\1/p' "$TOP/include/hostdev.h")
mv=$(make -s -C "$TOP" --no-print-directory --eval 'print-version: ; @echo $(VERSION)' print-version)
[ -n "$hv" ] && [ "$hv" = "$mv" ] && ok "one version: HD_VERSION $hv is the Makefile's" ||
        bad "version: hostdev.h '$hv', Makefile '$mv'"
grep -qE '^VERSION *:?= *[0-9]' "$TOP/Makefile" && bad "the Makefile spells the version itself" ||
        ok "the Makefile spells no version of its own"
[ "$("$HOSTDEV" --version)" = "hostdev $hv" ] && ok "hostdev --version says $hv" || bad "hostdev --version"
finish
