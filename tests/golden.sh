#!/bin/sh
# Golden results: selected scenarios, run with their own seed and 2
# replications, must write summary.csv and failures.csv byte for byte as
# tests/golden/ holds them, so that any change to the numbers (how the
# engine draws or uses its random numbers, a model's behaviour, a metric
# added) is deliberate and reviewed.  `make golden` rewrites them and
# says which changed.
# Usage: sh tests/golden.sh BUILD [--update].  Prints "golden: N passed, N failed".
BUILD=${1:-build}
UPDATE=${2:-}
CP="$BUILD/chokepoint"
T=$(mktemp -d "${TMPDIR:-/tmp}/chokepoint-golden.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
for s in mm1 three-tier request-classes zone-failure-two-zones connection-pool-starvation; do
	"$CP" run "scenarios/$s.yaml" --reps 2 -j 2 -o "$T/$s" -q > /dev/null 2>"$T/err"
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then # 1: an SLO missed at 2 replications, results written
		fail=$((fail + 1))
		echo "FAIL: golden $s: the run exited $rc"
		cat "$T/err"
		continue
	fi
	for f in summary.csv failures.csv; do
		want="tests/golden/$s/$f"
		if [ "$UPDATE" = "--update" ]; then
			mkdir -p "tests/golden/$s"
			if [ ! -e "$want" ]; then
				echo "golden: $want is new"
				cp "$T/$s/$f" "$want"
			elif ! cmp -s "$T/$s/$f" "$want"; then
				echo "golden: $want changed ($(diff "$want" "$T/$s/$f" | grep -c '^>') lines)"
				cp "$T/$s/$f" "$want"
			fi
			pass=$((pass + 1))
		elif cmp -s "$T/$s/$f" "$want"; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL: golden $want differs (run 'make golden' if the change is meant; first lines that differ:)"
			diff "$want" "$T/$s/$f" | head -6
		fi
	done
done
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
