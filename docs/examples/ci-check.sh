#!/bin/sh
# ci-check.sh - the commands of the CI jobs in this directory, runnable by
# hand: check every scenario's SLOs (JUnit for the CI's test view), run the
# scenario a change touches, and compare it with the baseline kept in the
# repository (Markdown for a pull-request comment).  Exit 0 when all is
# well, 1 when an SLO is missed or a metric got measurably worse.
#
#   CHOKEPOINT   the program (default: chokepoint on the PATH)
#   SCENARIO     the scenario compared with its baseline (default scenarios/shop.yaml)
#   BASELINE     its baseline results directory (default baseline/shop)
#   OUT          where results go (default ci-results)
set -u
CHOKEPOINT=${CHOKEPOINT:-chokepoint}
SCENARIO=${SCENARIO:-scenarios/shop.yaml}
BASELINE=${BASELINE:-baseline/shop}
OUT=${OUT:-ci-results}
mkdir -p "$OUT"
status=0
"$CHOKEPOINT" check scenarios/*.yaml --junit "$OUT/junit.xml" || status=1
"$CHOKEPOINT" run "$SCENARIO" -o "$OUT/candidate" -q --force || [ $? -eq 1 ] || exit 4
"$CHOKEPOINT" compare "$BASELINE" "$OUT/candidate" --format markdown > "$OUT/compare.md" || status=1
cat "$OUT/compare.md"
exit $status
