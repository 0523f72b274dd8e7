#!/bin/sh
# Project promises checked on every `make check`.
rc=0
# no "/sys literal outside the rooted path layer
hits=$(grep -rln --include='*.c' --include='*.h' '"/sys' src include | grep -v '^src/path.c$')
if [ -n "$hits" ]; then echo "style: \"/sys literal outside src/path.c: $hits"; rc=1; fi
# the library never prints or exits
hits=$(grep -nE '\b(printf|puts|exit|fprintf)\s*\(' src/*.c | grep -v 'snprintf\|vsnprintf\|fprintf(f,\|fprintf(out,' )
if [ -n "$hits" ]; then echo "style: library prints or exits:"; echo "$hits"; rc=1; fi
[ $rc = 0 ] && echo "style: 2 passed, 0 failed"
exit $rc
