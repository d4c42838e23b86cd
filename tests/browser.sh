#!/bin/sh
# report.html in a real browser: Debian's chromium, headless, installed by
# the project's own install step when missing.  For a run's report, a
# sweep's and compare's page (--format html): the page is self-contained (no network, no script, no external
# style or font), renders without a console message, every picture and
# the diagram have a size above zero, nothing is wider than a phone's
# screen; screenshots at phone (390x844) and desktop (1280x900) widths go
# to OUT (default BUILD/artifacts), which CI keeps.
# Usage: sh tests/browser.sh BUILD [OUT].  Prints "browser: N passed, N failed".
BUILD=${1:-build}
OUT=${2:-$BUILD/artifacts}
CP="$BUILD/chokepoint"
command -v chromium >/dev/null 2>&1 || sh tools/install-deps.sh chromium || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/chokepoint-browser.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$OUT"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
browse() { # extra-flags... url: chromium headless, its own profile, no sandbox (CI runs as root)
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$T/profile" \
		--disable-extensions --hide-scrollbars "$@"
}
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 "x" $5*16777216 + $6*65536 + $7*256 + $8 }'; }

"$CP" run scenarios/upstream-dies-502.yaml -o "$T/run" -q --plot=svg || { echo "browser: the run failed"; exit 1; }
"$CP" run scenarios/load-sweep-hockey-stick.yaml -o "$T/sweep" -q --plot=svg --reps 3 || { echo "browser: the sweep failed"; exit 1; }
# compare's page: the run against one web server more (1: worse metrics found, as expected)
"$CP" run scenarios/upstream-dies-502.yaml --set web.instances=5 -o "$T/run5" -q --plot=svg || { echo "browser: the candidate failed"; exit 1; }
mkdir -p "$T/compare"
"$CP" compare "$T/run" "$T/run5" --format html > "$T/compare/report.html"
[ $? -le 1 ] || { echo "browser: compare failed"; exit 1; }
# pictures: the inline SVGs each report must show (the diagram besides, for a run)
for spec in run:9 sweep:4 compare:4; do
	name=${spec%%:*} want=${spec#*:}
	page="$T/$name/report.html"
	[ -s "$page" ] && ok || { bad "$name: no report.html"; continue; }
	# Self-contained: nothing fetched, nothing run.
	if grep -Eiq '<script|<link|<iframe|<object|<embed|@import|url\((https?:|//)|src=' "$page" ||
		grep -Eo '(xlink:)?href="[^"]*"' "$page" | grep -vq '"#'; then
		bad "$name: report.html refers to something outside itself"
	else
		ok
	fi
	# No console message while it loads and renders.
	browse --enable-logging=stderr --v=0 --dump-dom "file://$page" > /dev/null 2> "$T/$name.log"
	if grep -q ':CONSOLE' "$T/$name.log"; then bad "$name: console messages"; grep ':CONSOLE' "$T/$name.log"; else ok; fi
	# Every top-level picture has a size; nothing wider than the phone.
	sed 's|</body>|<script>(function(){var e=document.querySelectorAll("body svg:not(svg svg), body img"),z=0;e.forEach(function(x){var r=x.getBoundingClientRect();if(!(r.width>0\&\&r.height>0))z++;});document.title="probe "+e.length+" "+z+" "+document.documentElement.scrollWidth+" "+window.innerWidth;})();</script></body>|' "$page" > "$T/$name-probe.html"
	probe=$(browse --window-size=390,844 --dump-dom "file://$T/$name-probe.html" 2>/dev/null | sed -n 's|.*<title>probe \([0-9]*\) \([0-9]*\) \([0-9]*\) \([0-9]*\)</title>.*|\1 \2 \3 \4|p')
	set -- $probe
	[ $# -eq 4 ] && [ "$1" -ge "$want" ] && [ "$2" -eq 0 ] && ok || bad "$name: pictures $1 (want at least $want), of no size $2"
	# (headless chromium lays a page out at least 500 px wide: the phone
	# screenshot below shows 390)
	[ $# -eq 4 ] && [ "$3" -le "$4" ] && ok || bad "$name: the page is $3 px wide in a $4 px window: it scrolls sideways"
	# Screenshots, kept by CI.
	for shot in phone:390,844 desktop:1280,900; do
		w=${shot%%:*} size=${shot#*:}
		rm -f "$OUT/report-$name-$w.png"
		browse --window-size="$size" --screenshot="$OUT/report-$name-$w.png" "file://$page" > /dev/null 2>&1
		[ -s "$OUT/report-$name-$w.png" ] && [ "$(png_size "$OUT/report-$name-$w.png")" = "$(echo "$size" | tr , x)" ] &&
			ok || bad "$name: no $w screenshot of the stated size"
	done
done
echo "browser: $pass passed, $fail failed (screenshots in $OUT)"
[ "$fail" -eq 0 ]
