#!/bin/sh
# Runs every test binary in BUILD/tests and the command-line tests, then
# prints one closing line "N passed, N failed".  Exit status 0 only when
# nothing failed.  Usage: sh tests/run.sh [BUILD]
BUILD=${1:-build}
passed=0
failed=0
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ $rc -ne 0 ] && [ -z "$f" ]; then
		echo "$t: exited with status $rc"
		failed=$((failed + 1))
	fi
done
# tests/NAME.sh: its closing line "NAME: N passed, N failed" adds to the totals;
# without it, the script did not finish.
script() {
	out=$(sh "tests/$1.sh" "$BUILD" 2>&1)
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed\$/\1/p")
	f=$(printf '%s\n' "$out" | sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed\$/\2/p")
	[ -n "$p" ] || { echo "tests/$1.sh did not finish"; f=$((${f:-0} + 1)); }
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
}
script cli
script golden
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
