#!/bin/sh
# make fuzz: runs the scenario-loader fuzzer for SECONDS (default 60) on a
# corpus seeded from scenarios/ and tests/bad/.  Crashes are written to
# fuzz-out/; copy each into tests/fuzz-regressions/ once fixed.
# Usage: sh fuzz/run.sh BUILD SECONDS
BUILD=${1:-build}
SECONDS_=${2:-60}
corpus="$BUILD/fuzz/corpus"
mkdir -p "$corpus" fuzz-out
cp scenarios/*.yaml tests/bad/*.yaml "$corpus"/ 2>/dev/null
cp tests/fuzz-regressions/* "$corpus"/ 2>/dev/null
"$BUILD/fuzz/fuzz_scenario" -max_total_time="$SECONDS_" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
	-dict=fuzz/scenario.dict -artifact_prefix=fuzz-out/ -print_final_stats=1 "$corpus" 2>&1 |
	grep -E '^(#[0-9]+ *DONE|INFO: seed corpus|==[0-9]+==ERROR|SUMMARY|stat::number_of_executed_units|artifact_prefix|Test unit written)' 
found=$(find fuzz-out -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' | head -n 5)
if [ -n "$found" ]; then
	echo "fuzz: the fuzzer found failing inputs:"
	echo "$found"
	exit 1
fi
echo "fuzz: no crash in ${SECONDS_}s"
