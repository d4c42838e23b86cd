#!/bin/sh
# The pictures of docs/tutorial.md, made by the very commands the tutorial
# shows (each run writes into a scratch directory; the pictures named here
# are copied to OUT).  `make docs-img` writes docs/img/; `make
# docs-img-check` (run by .ci/run) makes them again elsewhere and fails if
# any differs from what docs/img/ holds.
# Usage: sh tools/docs-img.sh BUILD OUT
set -eu
BUILD=${1:-build}
OUT=${2:-docs/img}
CP="$BUILD/chokepoint"
T=$(mktemp -d "${TMPDIR:-/tmp}/chokepoint-docs-img.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$OUT"
run() { "$CP" "$@" -q || [ $? -eq 1 ]; } # 1: an SLO missed, results written
# 1. The first run, and where it is slow.
run run scenarios/three-tier.yaml --plot=png -o "$T/first"
cp "$T/first/bottleneck.png" "$OUT/first-run-bottleneck.png"
cp "$T/first/latency.png" "$OUT/first-run-latency.png"
# 2. A second database core: the bottleneck moves (a tie with the web tier).
run run scenarios/three-tier.yaml --set db.cores=2 --plot=png -o "$T/db2"
cp "$T/db2/bottleneck.png" "$OUT/db-two-cores-bottleneck.png"
# 3. More load: the hockey stick.
run run scenarios/load-sweep-hockey-stick.yaml --plot=png -o "$T/sweep"
cp "$T/sweep/sweep-latency.png" "$OUT/hockey-stick.png"
# 4. Breaking the database.
run run scenarios/spof-database.yaml --plot=png -o "$T/spof"
cp "$T/spof/errors.png" "$OUT/database-down-errors.png"
run run scenarios/database-failover.yaml --plot=png -o "$T/failover"
cp "$T/failover/errors.png" "$OUT/database-failover-errors.png"
echo "docs-img: wrote $(ls "$OUT" | wc -l) pictures to $OUT"
