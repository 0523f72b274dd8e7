#!/bin/sh
# Run every CLI test script tests/cli/test-*.sh against $1/hostdev.
B=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
HOSTDEV="$top/$B/hostdev"; export HOSTDEV
BUILD="$top/$B"; export BUILD
TOP="$top"; export TOP
pass=0; fail=0
for t in "$top"/tests/cli/test-*.sh; do
        [ -f "$t" ] || continue
        name=$(basename "$t" .sh)
        log="$BUILD/cli-$name.log"
        if bash "$t" >"$log" 2>&1; then
                pass=$((pass+1))
        else
                fail=$((fail+1)); echo "FAIL: $name"; tail -40 "$log"
        fi
        grep -E '^cli-summary:' "$log" | sed "s|^cli-summary:|$name:|"
done
echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
