#!/bin/sh
# Run every cmocka unit test binary in $1/tests; print one summary line.
B=${1:-build}
pass=0; fail=0
for t in "$B"/tests/test-*; do
        [ -x "$t" ] || continue
        if "$t" >"$t.log" 2>&1; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $t"; cat "$t.log"; fi
        grep -E '^\[  (PASSED|FAILED)' "$t.log" | sed "s|^|$(basename "$t"): |"
done
echo "unit: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
