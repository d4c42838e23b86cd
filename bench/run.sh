#!/bin/sh
# make bench: runs each benchmark on one thread and prints customers/s,
# events/s, ns/event, peak RSS and the ratio to the reference loop.
# Usage: sh bench/run.sh BUILD [--quick]   (--quick: short sizes, for CI)
# Machine-readable results go to BUILD/bench/results.csv.
BUILD=${1:-build}
QUICK=${2:-}
OUT="$BUILD/bench/results.csv"
scale=1
[ "$QUICK" = "--quick" ] && scale=20

echo "benchmark,customers,events,seconds,customers_per_s,events_per_s,ns_per_event,peak_rss_kib,ref_customers_per_s,ratio" > "$OUT"
printf '%-14s %12s %14s %14s %10s %12s %10s\n' benchmark customers customers/s events/s ns/event peak_RSS vs_ref

run() { # name scenario [ref-kind ref-customers]
	name=$1 sc=$2
	set -- $("$BUILD/bench/bench" "$sc" "$scale") || { echo "$name: bench failed"; exit 1; }
	c=$1 e=$2 s=$3 rss=$4
	ref_cps="" ratio=""
	if [ -n "$REF" ]; then
		set -- $("$BUILD/bench/ref_mm1" $REF "$c")
		ref_cps=$(awk -v c="$1" -v s="$3" 'BEGIN { printf "%.0f", c / s }')
		ratio=$(awk -v a="$c" -v s="$s" -v r="$ref_cps" 'BEGIN { printf "%.2f", a / s / r }')
	fi
	awk -v n="$name" -v c="$c" -v e="$e" -v s="$s" -v rss="$rss" -v rc="$ref_cps" -v ra="$ratio" 'BEGIN {
		printf "%-14s %12d %14.0f %14.0f %10.1f %9.1fMiB %10s\n", n, c, c / s, e / s, 1e9 * s / e, rss / 1024, ra
	}'
	echo "$name,$c,$e,$s,$(awk -v c="$c" -v s="$s" 'BEGIN{printf "%.0f", c/s}'),$(awk -v e="$e" -v s="$s" 'BEGIN{printf "%.0f", e/s}'),$(awk -v e="$e" -v s="$s" 'BEGIN{printf "%.1f", 1e9*s/e}'),$rss,$ref_cps,$ratio" >> "$OUT"
}

REF="mm1" run B1-mm1 bench/b1-mm1.yaml
REF="tandem" run B2-tandem bench/b2-tandem.yaml
REF="" run B3-three-tier bench/b3-three-tier.yaml
echo "results: $OUT"
