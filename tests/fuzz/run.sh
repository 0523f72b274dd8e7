#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every libFuzzer harness in $1/fuzz for $2 seconds each, one after the
# other, over a working corpus in $1/fuzz/corpus/NAME seeded from
# tests/fuzz/corpus/NAME (seeds and regress-* inputs, all run first).
# Prints executions per harness; a crash, leak, timeout or sanitizer report
# fails the run and leaves the input in $1/fuzz/crash-NAME-*.
B=${1:-build-fuzz}
SECS=${2:-60}
pass=0; fail=0
for bin in "$B"/fuzz/fuzz-*; do
        [ -x "$bin" ] || continue
        case "$bin" in *.log) continue ;; esac
        name=${bin##*/fuzz-}
        work=$B/fuzz/corpus/$name
        mkdir -p "$work"
        log=$B/fuzz/$name.log
        # -rss_limit_mb: the tree harness writes files; 2 GB is plenty
        "$bin" -max_total_time="$SECS" -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 \
                -artifact_prefix="$B/fuzz/crash-$name-" "$work" "tests/fuzz/corpus/$name" \
                >"$log" 2>&1
        rc=$?
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
        if [ "$rc" = 0 ]; then
                pass=$((pass+1))
                echo "fuzz: $name: ${execs:-?} executions in ${SECS}s, $cov, no finding"
        else
                fail=$((fail+1))
                echo "FAIL: fuzz: $name: exit $rc after ${execs:-?} executions; see $log"
                grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" | head -5
        fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
