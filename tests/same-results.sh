#!/bin/sh
# same-results.sh - a refactor proves itself: every shipped scenario,
# tests/memcheck.yaml and the benchmarks' scenarios, run by the current
# tree and by BASE (a commit, built in a temporary worktree), must write
# summary.csv, nodes.csv, timeseries.csv, failures.csv and summary.json byte for byte
# alike.  Usage: sh tests/same-results.sh [BASE] (default HEAD~1), or
# `make same-results BASE=<commit>`.  Prints "same-results: N passed, N failed".
set -u
BASE=${1:-HEAD~1}
T=$(mktemp -d "${TMPDIR:-/tmp}/chokepoint-same.XXXXXX")
trap 'git worktree remove --force "$T/base" >/dev/null 2>&1; rm -rf "$T"' EXIT
git worktree add --detach "$T/base" "$BASE" >/dev/null 2>&1 || { echo "same-results: cannot check out '$BASE'"; exit 2; }
echo "building $BASE ($(git -C "$T/base" log -1 --format=%h))"
make -s -C "$T/base" all >/dev/null 2>&1 || { echo "same-results: '$BASE' does not build"; exit 2; }
make -s all >/dev/null || exit 2
pass=0
fail=0
for s in scenarios/*.yaml tests/memcheck.yaml bench/*.yaml; do
	name=$(echo "$s" | tr '/' '_')
	# Two replications, each scenario's own seed; an SLO missed (exit 1) still writes.
	(cd "$T/base" && ./build/chokepoint run "$OLDPWD/$s" --reps 2 -j 2 -o "$T/old/$name" -q) > /dev/null 2>&1
	./build/chokepoint run "$PWD/$s" --reps 2 -j 2 -o "$T/new/$name" -q > /dev/null 2>&1 # the same path: summary.json names it
	if [ ! -e "$T/old/$name/summary.csv" ] && [ -e "$T/new/$name/summary.csv" ]; then
		echo "skipped: $s ($BASE cannot run it: a kind or key it does not have)"
		continue
	fi
	for f in summary.csv nodes.csv timeseries.csv failures.csv summary.json scenario.resolved.yaml; do
		if [ ! -e "$T/old/$name/$f" ] && [ ! -e "$T/new/$name/$f" ]; then
			continue
		elif cmp -s "$T/old/$name/$f" "$T/new/$name/$f"; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL: $s: $f differs from $BASE's"
			diff "$T/old/$name/$f" "$T/new/$name/$f" 2>&1 | head -4
		fi
	done
done
echo "same-results: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
