#!/bin/sh
# make fuzz: runs each libFuzzer harness for SECONDS (default 60):
#  - fuzz_scenario, the scenario loader, seeded from scenarios/, tests/bad/
#    and tests/fuzz-regressions/, with a dictionary of the format's words;
#  - fuzz_partial, the results reader of `chokepoint merge`, seeded with a
#    real partial result.
# Failing inputs are written to fuzz-out/; once fixed, each goes into
# tests/fuzz-regressions/.  Usage: sh fuzz/run.sh BUILD SECONDS
BUILD=${1:-build}
SECONDS_=${2:-60}
mkdir -p fuzz-out
run() { # name corpus dict
	"$BUILD/fuzz/$1" -max_total_time="$SECONDS_" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
		${3:+-dict=$3} -artifact_prefix=fuzz-out/ -print_final_stats=1 "$2" 2>&1 |
		grep -E '^(INFO: seed corpus|==[0-9]+==ERROR|SUMMARY|stat::number_of_executed_units|Test unit written)'
}

corpus="$BUILD/fuzz/corpus"
mkdir -p "$corpus"
cp scenarios/*.yaml tests/bad/*.yaml "$corpus"/ 2>/dev/null
cp tests/fuzz-regressions/*.yaml "$corpus"/ 2>/dev/null
echo "fuzz: the scenario loader, ${SECONDS_}s"
run fuzz_scenario "$corpus" fuzz/scenario.dict

pcorpus="$BUILD/fuzz/partial-corpus"
mkdir -p "$pcorpus"
"$BUILD/chokepoint" run tests/memcheck.yaml --shard 0/2 -o "$BUILD/fuzz/seed-partial" -q --force >/dev/null 2>&1 &&
	cp "$BUILD/fuzz/seed-partial/partial.json" "$pcorpus/seed.json"
echo "fuzz: the results reader, ${SECONDS_}s"
run fuzz_partial "$pcorpus"

found=$(find fuzz-out -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' | head -n 5)
if [ -n "$found" ]; then
	echo "fuzz: the fuzzers found failing inputs:"
	echo "$found"
	exit 1
fi
echo "fuzz: no crash in ${SECONDS_}s of each"
