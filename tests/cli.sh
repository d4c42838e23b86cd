#!/bin/sh
# Command-line tests: exit codes, help, written files, byte-identical
# results for any -j, no progress line on a pipe, I/O errors.
# Usage: sh tests/cli.sh [BUILD].  Prints "cli: N passed, N failed".
BUILD=${1:-build}
CP="$BUILD/chokepoint"
T=$(mktemp -d "${TMPDIR:-/tmp}/chokepoint-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_rc RC DESCRIPTION COMMAND...
expect_rc() {
	want=$1 what=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, expected $want"; cat "$T/err"; fi
}

# Fast settings for the default scenario.
cat > "$T/small.yaml" <<YAML
simulation: {duration: 20s, warmup: 2s, replications: 4, seed: 42}
workloads:
  - {name: shoppers, target: lb, rate: 800/s}
  - {name: staff, target: lb, users: 50, think: exp(2s)}
nodes:
  - {name: lb, kind: load_balancer, targets: web}
  - {name: web, kind: server, instances: 4, cores: 2, service: exp(4ms), calls: [db]}
  - {name: db, kind: database, service: exp(1ms)}
  - {name: web-db, kind: link, between: [web, db]}
YAML

expect_rc 0 "--version" "$CP" --version
grep -q '^chokepoint [0-9]' "$T/out" && ok || bad "--version prints the version"
expect_rc 0 "--help" "$CP" --help
grep -q '3  invalid scenario' "$T/out" && ok || bad "--help lists the exit codes"
expect_rc 0 "help run" "$CP" help run
grep -q -- '--reps N' "$T/out" && ok || bad "help run documents --reps"
expect_rc 2 "no command" "$CP"
expect_rc 2 "unknown command" "$CP" frobnicate
grep -q "unknown command 'frobnicate'" "$T/err" && ok || bad "unknown command is named"
expect_rc 2 "run without a file" "$CP" run
expect_rc 2 "bad --jobs" "$CP" run "$T/small.yaml" -j 0
expect_rc 2 "bad --reps" "$CP" run "$T/small.yaml" --reps ten
expect_rc 0 "kinds" "$CP" kinds
for k in workload load_balancer server database link; do
	grep -q "^$k:" "$T/out" && ok || bad "kinds lists $k"
done

expect_rc 3 "validate a broken scenario" "$CP" validate tests/bad/many-errors-at-once.yaml
grep -q '^tests/bad/many-errors-at-once.yaml:15:5: error: unknown key' "$T/err" && ok || bad "errors carry file:line:col"
grep -q '8 errors; nothing was run' "$T/err" && ok || bad "error count is reported"
expect_rc 4 "validate a missing file" "$CP" validate "$T/missing.yaml"
expect_rc 3 "run refuses an invalid scenario" "$CP" run tests/bad/cores-zero.yaml -o "$T/never"
[ ! -e "$T/never" ] && ok || bad "nothing is written for an invalid scenario"
expect_rc 0 "validate good scenarios" "$CP" validate scenarios/three-tier.yaml "$T/small.yaml"
expect_rc 0 "validate reports the files a scenario reads" "$CP" validate tests/memcheck.yaml
grep -q 'reads tests/data/service.csv' "$T/out" && ok || bad "the empirical file read is reported"

# Files that never end, or lead out of the scenario's directory: refused
# at once, before any read.  (None of these can block: a FIFO is opened
# without waiting for a writer.)
mkfifo "$T/fifo.yaml"
expect_rc 4 "a FIFO as the scenario" "$CP" validate "$T/fifo.yaml"
grep -q 'a FIFO (named pipe), not a regular file' "$T/err" && ok || bad "a FIFO scenario is named as such"
ln -s /dev/zero "$T/zero.yaml"
expect_rc 4 "a link to /dev/zero as the scenario" "$CP" validate "$T/zero.yaml"
grep -q 'a character device' "$T/err" && ok || bad "a device scenario is named as such"
mkdir -p "$T/evil/sub"
printf 'simulation: {duration: 10s, warmup: 1s, replications: 2}\nworkloads:\n  - {name: w, target: s, rate: 10/s}\nnodes:\n  - {name: s, kind: server, service: "empirical(%s)"}\n' data.csv > "$T/evil/a.yaml"
mkfifo "$T/evil/data.csv"
expect_rc 3 "a FIFO as an empirical file" "$CP" validate "$T/evil/a.yaml"
grep -q 'a FIFO (named pipe)' "$T/err" && ok || bad "an empirical FIFO is named as such"
rm "$T/evil/data.csv"
echo 'secret-line' > "$T/outside.csv"
ln -s "$T/outside.csv" "$T/evil/data.csv"
expect_rc 3 "an empirical file linked out of the scenario's directory" "$CP" validate "$T/evil/a.yaml"
grep -q 'outside the scenario' "$T/err" && ok || bad "a link out of the directory is refused"
grep -q 'secret-line' "$T/err" && bad "the content of a file outside the directory was printed" || ok
rm "$T/evil/data.csv"
ln -s / "$T/evil/root"
sed 's|empirical(data.csv)|empirical(root/etc/passwd)|' "$T/evil/a.yaml" > "$T/evil/b.yaml"
expect_rc 3 "a directory link to /" "$CP" validate "$T/evil/b.yaml"
grep -q 'outside the scenario' "$T/err" && ok || bad "a directory link to / is refused"
printf '1ms\n2ms\n' > "$T/evil/sub/in.csv"
ln -s sub/in.csv "$T/evil/data.csv"
expect_rc 0 "a link that stays inside the directory" "$CP" validate "$T/evil/a.yaml"
# A scenario path far over 1,023 characters is read as given, not truncated.
long="$T"
while [ ${#long} -lt 1500 ]; do long="$long/a-rather-long-directory-name-for-paths"; done
mkdir -p "$long"
cp "$T/small.yaml" "$long/s.yaml"
expect_rc 0 "a scenario path of ${#long} characters" "$CP" validate "$long/s.yaml"

# One seed range everywhere: what the scenario accepts, the command line too.
expect_rc 2 "--seed past the scenario's range" "$CP" run "$T/small.yaml" --seed 9223372036854775807 --no-write -q
grep -q 'from 0 to 9000000000000000000' "$T/err" && ok || bad "the seed's range is given"
expect_rc 0 "--seed at the top of the range" "$CP" run "$T/small.yaml" --seed 9000000000000000000 -o "$T/topseed" -q
grep -q 'seed: 9000000000000000000' "$T/topseed/scenario.resolved.yaml" && ok || bad "the top seed is written as a number"
# A replay file that starts with a UTF-8 byte-order mark keeps its first arrival.
printf '\357\273\2772s\n3s\n4s\n' > "$T/bom.csv"
printf 'simulation: {duration: 10s, warmup: 1s, replications: 1}\nworkloads:\n  - {name: w, target: s, replay: bom.csv}\nnodes:\n  - {name: s, kind: server, service: exp(1ms)}\n' > "$T/bom.yaml"
expect_rc 0 "a replay file with a byte-order mark" "$CP" run "$T/bom.yaml" -o "$T/bom" -q
awk -F, '$1 == "\"e2e\"" && $2 == "\"requests\"" { exit !($4 == 3) }' "$T/bom/summary.csv" && ok || bad "the first arrival after a byte-order mark was dropped"
# An -o far over a thousand characters, with --access-log: written there,
# nothing left beside it.
longo="$T/o"
while [ ${#longo} -lt 1300 ]; do longo="$longo/an-output-directory-with-a-long-name"; done
expect_rc 0 "-o of ${#longo} characters with --access-log" "$CP" run "$T/small.yaml" -o "$longo/res" -q --access-log
[ -s "$longo/res/access.csv" ] && ok || bad "the long -o holds the access log"
[ "$(ls -a "$longo" | grep -cv '^\.\.*$')" -eq 1 ] && ok || bad "the long -o left temporaries: $(ls -a "$longo")"

# What runs but is probably not meant is a warning at its key: a failure
# after the run's end, one in a zone with nothing in it, a replay measured
# nowhere.  The scenario still validates (exit 0).
printf 'simulation: {duration: 60s, warmup: 10s}\nworkloads:\n  - {name: w, target: web, rate: 10/s}\nnodes:\n  - {name: web, kind: server, instances: 2, zones: 2, service: exp(1ms)}\nfailures:\n  - {node: web, at: 20m}\n  - {zone: c, at: 20s}\n' > "$T/late.yaml"
expect_rc 0 "a scenario with warnings validates" "$CP" validate "$T/late.yaml"
grep -q 'late.yaml:7:21: warning: failure #1: this failure is at 1200s, at or after the run.s end' "$T/err" && ok || bad "a failure after the end is a warning"
grep -q "late.yaml:8:12: warning: failure #2: zone 'c' holds no instance" "$T/err" && ok || bad "a failure in an empty zone is a warning"
printf '1s\n2s\n3s\n' > "$T/early.csv"
printf 'simulation: {duration: 60s, warmup: 10s}\nworkloads:\n  - {name: w, target: web, replay: early.csv}\nnodes:\n  - {name: web, kind: server, service: exp(1ms)}\n' > "$T/early.yaml"
expect_rc 0 "a replay all in the warm-up validates" "$CP" validate "$T/early.yaml"
grep -q 'warning: workload .w.: every arrival of the replay file is in the warm-up' "$T/err" && ok || bad "a replay all in the warm-up is a warning"
# Terminal escape sequences in a value are printed escaped, never raw.
printf 'workloads:\n  - {name: w, target: s, rate: 1/s}\nnodes:\n  - {name: s, kind: "serv\\e[31mer", service: exp(1ms)}\n' > "$T/esc.yaml"
expect_rc 3 "an escape sequence in a value" "$CP" validate "$T/esc.yaml"
grep -q 'serv\\x1b\[31mer' "$T/err" && ok || bad "the escape is shown as \\x1b: $(cat "$T/err")"
tr -d '\033' < "$T/err" | cmp -s - "$T/err" && ok || bad "a raw escape reached the terminal"

# A run writes every file, atomically (no temporary names left behind).
expect_rc 0 "run" "$CP" run "$T/small.yaml" -o "$T/a" -j 1
for f in summary.json summary.csv nodes.csv replications.csv timeseries.csv scenario.resolved.yaml; do
	[ -s "$T/a/$f" ] && ok || bad "run writes $f"
done
[ -z "$(ls -A "$T/a" | grep '\.tmp')" ] && ok || bad "no temporary files remain"
grep -q '"bottleneck"' "$T/a/summary.json" && ok || bad "summary.json names the bottleneck"
grep -q 'Bottleneck: db (database)' "$T/out" && ok || bad "the summary names db as the bottleneck"
grep -q 'HTTPCode_ELB_503_Count' "$T/a/timeseries.csv" && ok || bad "timeseries.csv has CloudWatch names"
[ "$(wc -l < "$T/a/replications.csv")" -gt 100 ] && ok || bad "replications.csv has one row per replication and metric"

# Same scenario and seed: byte-identical files, for any -j and run after run.
expect_rc 0 "run -j 2" "$CP" run "$T/small.yaml" -o "$T/b" -j 2 -q
expect_rc 0 "run again -j 3" "$CP" run "$T/small.yaml" -o "$T/c" -j 3 -q
for f in summary.json summary.csv nodes.csv replications.csv timeseries.csv scenario.resolved.yaml; do
	cmp -s "$T/a/$f" "$T/b/$f" && ok || bad "$f differs between -j 1 and -j 2"
	cmp -s "$T/a/$f" "$T/c/$f" && ok || bad "$f differs between two runs"
done
expect_rc 0 "another seed" "$CP" run "$T/small.yaml" -o "$T/d" --seed 7 -q
cmp -s "$T/a/summary.json" "$T/d/summary.json" && bad "--seed changes the results" || ok
grep -q 'seed: 7' "$T/d/scenario.resolved.yaml" && ok || bad "the resolved scenario records --seed"

# The resolved scenario is itself a valid scenario.
expect_rc 0 "validate the resolved scenario" "$CP" validate "$T/a/scenario.resolved.yaml"

# No progress line when stderr is not a terminal.
"$CP" run "$T/small.yaml" -o "$T/e" >/dev/null 2>"$T/err"
grep -q 'replications [0-9]*/' "$T/err" && bad "a progress line was printed on a pipe" || ok

# An output directory that cannot be created is an I/O error.
: > "$T/file"
expect_rc 4 "unwritable output" "$CP" run "$T/small.yaml" -o "$T/file/sub" -q

# A rerun replaces the results chokepoint wrote, without --force; a
# directory holding anything else is never touched, even with --force.
cp "$T/a/summary.json" "$T/summary.before"
expect_rc 0 "a rerun replaces chokepoint's own results" "$CP" run "$T/small.yaml" -o "$T/a" -q --seed 8
cmp -s "$T/a/summary.json" "$T/summary.before" && bad "the rerun replaced the results" || ok
mkdir -p "$T/lookalike" && echo '{}' > "$T/lookalike/summary.json"
expect_rc 4 "results not written by chokepoint, without --force" "$CP" run "$T/small.yaml" -o "$T/lookalike" -q
grep -q "pass --force" "$T/err" && ok || bad "the refusal says to pass --force"
cp "$T/a/summary.json" "$T/summary.before"
expect_rc 0 "--force replaces results" "$CP" run "$T/small.yaml" -o "$T/a" -q --force --seed 9
cmp -s "$T/a/summary.json" "$T/summary.before" && bad "--force replaced the results" || ok
mkdir -p "$T/mine" && echo precious > "$T/mine/notes.txt"
expect_rc 4 "a foreign directory even with --force" "$CP" run "$T/small.yaml" -o "$T/mine" -q --force
[ "$(cat "$T/mine/notes.txt")" = precious ] && ok || bad "a foreign directory was touched"

# Signals: a long run interrupted leaves either the previous complete results
# or none, and no temporary directory.  No test waits for the clock: each
# signal is sent once the run has shown, on stderr (--progress), that it
# has finished a replication, and the run has 100,000 of them, so it cannot
# end before the signal on any machine.
sed 's/duration: 20s, warmup: 2s, replications: 4/duration: 30s, warmup: 2s, replications: 4/' "$T/small.yaml" > "$T/long.yaml"
# wait_done PID FILE: until the run PID has reported a finished replication
# in FILE, or has exited.
wait_done() {
	while kill -0 "$1" 2>/dev/null && ! grep -q '^chokepoint: replication [0-9]* done' "$2"; do
		sleep 0.05
	done
}
: >"$T/err" # emptied here, before the run starts: wait_done must not read the last run's lines
"$CP" run "$T/long.yaml" -o "$T/sig" -q -j 1 --reps 100000 --progress 2>"$T/err" &
pid=$!
wait_done $pid "$T/err"
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] && ok || bad "SIGINT: exit $rc, expected 130"
grep -q "interrupted after" "$T/err" && ok || bad "SIGINT: the interruption is reported"
[ ! -e "$T/sig" ] && ok || bad "SIGINT: no results written"
ls -a "$T" | grep -q '\.tmp-' && bad "SIGINT: a temporary directory remains" || ok

cp "$T/a/summary.json" "$T/summary.before"
: >"$T/err" # emptied here, before the run starts: wait_done must not read the last run's lines
"$CP" run "$T/long.yaml" -o "$T/a" -q -j 1 --force --reps 100000 --progress 2>"$T/err" &
pid=$!
wait_done $pid "$T/err"
kill -TERM $pid
wait $pid
rc=$?
[ $rc -eq 143 ] && ok || bad "SIGTERM: exit $rc, expected 143"
cmp -s "$T/a/summary.json" "$T/summary.before" && ok || bad "SIGTERM: the previous results changed"

: >"$T/err" # emptied here, before the run starts: wait_done must not read the last run's lines
"$CP" run "$T/long.yaml" -o "$T/part" -q -j 2 --keep-partial --reps 100000 --progress 2>"$T/err" &
pid=$!
wait_done $pid "$T/err"
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] && ok || bad "--keep-partial: exit $rc, expected 130"
grep -q '"partial": true' "$T/part/summary.json" 2>/dev/null && ok || bad "--keep-partial writes partial results"
n=$(sed -n 's/.*"replications": \([0-9]*\),.*/\1/p' "$T/part/summary.json" | head -1)
[ "${n:-0}" -ge 1 ] && [ "${n:-0}" -lt 100000 ] && ok || bad "--keep-partial keeps the $n replications completed"

# The output directory under a running command.  One run owns a directory
# at a time: a second one into it says so and exits 4 at once.
: >"$T/err-a" # emptied here, before the run starts: wait_done must not read the last run's lines
"$CP" run "$T/long.yaml" -o "$T/race" -q -j 1 --reps 100000 --progress --keep-partial 2>"$T/err-a" &
pid=$!
wait_done $pid "$T/err-a"
expect_rc 4 "a second run into a directory a run owns" "$CP" run "$T/small.yaml" -o "$T/race" -q
grep -q "another chokepoint run (pid $pid) is writing" "$T/err" && ok || bad "the second run names the first"
# A file put into it during the run is never moved or replaced: the run's
# results go beside it, under a name of their own.
mkdir -p "$T/race" && echo precious > "$T/race/notes.txt"
kill -INT $pid
wait $pid
[ "$(cat "$T/race/notes.txt")" = precious ] && ok || bad "a file put into the output directory was moved"
[ "$(ls "$T/race")" = notes.txt ] && ok || bad "the output directory gained files: $(ls "$T/race")"
grep -q "changed during the run; the results are in '$T/race.chokepoint-$pid'" "$T/err-a" && ok || bad "the run says where its results went"
[ -s "$T/race.chokepoint-$pid/summary.json" ] && ok || bad "the results were kept beside it"
ls -a "$T" | grep -q '^\.race\.' && bad "temporaries or a lock of the run remain" || ok
# A symbolic link as -o is refused (not followed), before the run.
ln -s "$T/a" "$T/link-to-results"
expect_rc 4 "-o a symbolic link" "$CP" run "$T/small.yaml" -o "$T/link-to-results" -q --force
grep -q "is a symbolic link" "$T/err" && ok || bad "the link is named as such"
[ -s "$T/a/summary.json" ] && ok || bad "the link's target was touched"
# -o "" and an unwritable place are refused before the run (it would take hours).
expect_rc 4 'run -o ""' "$CP" run "$T/long.yaml" -o "" -q --reps 100000
expect_rc 4 "an output directory that cannot be written" "$CP" run "$T/long.yaml" -o /proc/chokepoint-test -q --reps 100000
grep -q "cannot write in '/proc'" "$T/err" && ok || bad "the unwritable place is named"
# A trailing slash and --access-log leave nothing behind.
expect_rc 0 "-o DIR/ with --access-log" "$CP" run "$T/small.yaml" -o "$T/slash/" -q --access-log
[ -s "$T/slash/access.csv" ] && ok || bad "-o DIR/ writes DIR/access.csv"
ls -a "$T" "$T/slash" | grep -q 'access-\|\.lock\|tmp-' && bad "-o DIR/ left temporaries behind" || ok
# The temporaries of a run killed outright (SIGKILL) are removed by the next.
sh -c 'exit 0' & dead=$!
wait $dead
mkdir -p "$T/.slash.tmp-$dead" "$T/.slash.access-$dead" && : > "$T/.slash.tmp-$dead/summary.json" && : > "$T/.slash.access-$dead/part-000001.csv"
expect_rc 0 "a run after one that was killed" "$CP" run "$T/small.yaml" -o "$T/slash" -q
[ ! -e "$T/.slash.tmp-$dead" ] && [ ! -e "$T/.slash.access-$dead" ] && ok || bad "a dead run's temporaries remain"
grep -q "left by a run that died (pid $dead)" "$T/err" && ok || bad "the removal is reported"

# An access-log part that cannot be created (its directory removed under
# the run) is an I/O error, exit 4, naming the file and the reason; nothing
# is written and nothing is left behind.
: >"$T/err-io" # emptied here, before the run starts: wait_done must not read the last run's lines
"$CP" run "$T/long.yaml" -o "$T/io" -q -j 1 --reps 100000 --progress --access-log 2>"$T/err-io" &
pid=$!
wait_done $pid "$T/err-io"
rm -rf "$T/.io.access-$pid"
wait $pid
rc=$?
[ $rc -eq 4 ] && ok || bad "a part file that cannot be created: exit $rc, expected 4"
grep -q "cannot create the access-log part '$T/.io.access-$pid/part-[0-9]*.csv': No such file or directory; no results written" "$T/err-io" && ok || bad "the part file and the reason are named: $(tail -1 "$T/err-io")"
[ ! -e "$T/io" ] && ok || bad "results were written after an I/O error"
ls -a "$T" | grep -q '^\.io\.' && bad "temporaries remain after an I/O error" || ok

# A run stopped by a limit exits 6, says which limit, and writes nothing.
sed 's/seed: 42}/seed: 42, max_events: 1000}/' "$T/small.yaml" > "$T/capped.yaml"
expect_rc 6 "a run past max_events" "$CP" run "$T/capped.yaml" -o "$T/capped" -q
grep -q 'simulation.max_events' "$T/err" && ok || bad "the limit is named"
[ ! -e "$T/capped" ] && ok || bad "nothing is written for a stopped run"

# Failures are recorded one by one, up to simulation.max_failures (default
# 100,000 per replication): past it the run stops (exit 6), memory bounded.
printf 'simulation: {duration: 100s, warmup: 0s, replications: 2, max_events: unlimited}\nworkloads:\n  - {name: w, target: db, rate: 10/s}\nnodes:\n  - {name: db, kind: database, service: exp(1ms)}\nfailures:\n  - {node: db, mtbf: 1ns, mttr: 1ns}\n' > "$T/flaky.yaml"
expect_rc 6 "a failure every nanosecond" "$CP" run "$T/flaky.yaml" -o "$T/flaky" -q
grep -q '100000 failures by .*(simulation.max_failures)' "$T/err" && ok || bad "the failure limit is named"

# The access log: one line per request answered after the warm-up; its
# counts agree with the summary's, and it is the same for any -j.
cat > "$T/crash.yaml" <<YAML
simulation: {duration: 60s, warmup: 5s, replications: 3, seed: 4}
workloads:
  - {name: w, target: lb, rate: 100/s}
nodes:
  - {name: lb, kind: load_balancer, targets: web, health_interval: 5s}
  - {name: web, kind: server, instances: 2, service: exp(4ms)}
failures:
  - {node: web, instance: 1, at: 20s, for: 20s}
YAML
expect_rc 0 "run --access-log" "$CP" run "$T/crash.yaml" -o "$T/al1" -q -j 1 --access-log
expect_rc 0 "run --access-log -j 2" "$CP" run "$T/crash.yaml" -o "$T/al2" -q -j 2 --access-log
cmp -s "$T/al1/access.csv" "$T/al2/access.csv" && ok || bad "access.csv differs between -j 1 and -j 2"
lines=$(($(wc -l < "$T/al1/access.csv") - 1))
requests=$(awk -F, '$2 == "\"e2e\"" && $3 == "\"requests\"" { s += $4 } END { printf "%d", s }' "$T/al1/replications.csv")
[ "$lines" -eq "$requests" ] && ok || bad "access.csv has $lines lines for $requests requests"
log502=$(awk -F, 'NR > 1 && $9 == 502' "$T/al1/access.csv" | wc -l)
sum502=$(awk -F, '$2 == "\"e2e\"" && $3 == "\"status_502\"" { s += $4 } END { printf "%d", s }' "$T/al1/replications.csv")
[ "$log502" -eq "$sum502" ] && [ "$log502" -gt 0 ] && ok || bad "access.csv has $log502 502s, the summary $sum502"
[ "$(cut -d, -f14 "$T/al1/access.csv" | tail -n +2 | grep -cvE '^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$')" -eq 0 ] && ok || bad "trace ids are Root=1-<8 hex>-<24 hex>"
awk -F, 'NR > 1 && NF != 19 { bad = 1 } END { exit bad }' "$T/al1/access.csv" && ok || bad "every access line has 19 fields"
ls -a "$T" | grep -q 'access-' && bad "an access-log parts directory remains" || ok

# Shards and merge: three shards merged equal one process, byte for byte;
# a missing or repeated run, or parts of another seed, are refused.
expect_rc 0 "runs" "$CP" runs "$T/crash.yaml"
[ "$(wc -l < "$T/out")" -eq 4 ] && ok || bad "runs lists one line per run and a header"
for i in 1 2 3; do
	expect_rc 0 "shard $i/3" "$CP" run "$T/crash.yaml" --shard "$i/3" -o "$T/shard$((i - 1))" -q
done
expect_rc 2 "shards count from 1" "$CP" run "$T/crash.yaml" --shard 0/3 -o "$T/shard-zero" -q
grep -q "shards count from 1" "$T/err" && ok || bad "the refusal of shard 0 says shards count from 1"
expect_rc 2 "--shard with trailing junk" "$CP" run "$T/crash.yaml" --shard 1/2junk -o "$T/junk" -q
expect_rc 2 "--runs with trailing junk" "$CP" run "$T/crash.yaml" --runs 0..1x -o "$T/junk" -q
expect_rc 0 "merge" "$CP" merge "$T/shard0" "$T/shard1" "$T/shard2" -o "$T/merged"
expect_rc 0 "the same in one process" "$CP" run "$T/crash.yaml" -o "$T/whole" -q
for f in summary.json summary.csv nodes.csv replications.csv timeseries.csv failures.csv scenario.resolved.yaml; do
	cmp -s "$T/whole/$f" "$T/merged/$f" && ok || bad "merged $f differs from a single run's"
done
expect_rc 3 "merge with a run missing" "$CP" merge "$T/shard0" "$T/shard2" -o "$T/merged-missing"
grep -q 'run 1 of 3 is in none of the partial results' "$T/err" && ok || bad "the missing run is named"
expect_rc 3 "merge with a run twice" "$CP" merge "$T/shard0" "$T/shard0" "$T/shard1" "$T/shard2" -o "$T/merged-dup"
grep -q 'run 0 appears in more than one partial result' "$T/err" && ok || bad "the repeated run is named"
expect_rc 0 "a shard of another seed" "$CP" run "$T/crash.yaml" --shard 2/3 --seed 99 -o "$T/other" -q
expect_rc 3 "merge across seeds" "$CP" merge "$T/shard0" "$T/other" "$T/shard2" -o "$T/merged-mixed"
expect_rc 2 "a shard that selects no run" "$CP" run "$T/crash.yaml" --shard 5/10 -o "$T/empty-shard" -q
grep -q 'shard 5 of 10 selects no run' "$T/err" && ok || bad "the empty shard is named"
# Shards run on different empirical data are different scenarios: refused.
mkdir -p "$T/data1"
printf 'simulation: {duration: 10s, warmup: 1s, replications: 2}\nworkloads:\n  - {name: w, target: s, rate: 10/s}\nnodes:\n  - {name: s, kind: server, service: "empirical(d.csv)"}\n' > "$T/data1/e.yaml"
printf '1ms\n' > "$T/data1/d.csv"
expect_rc 0 "a shard on one data file" "$CP" run "$T/data1/e.yaml" --shard 1/2 -o "$T/ds1" -q
printf '9ms\n' > "$T/data1/d.csv"
expect_rc 0 "a shard on other data" "$CP" run "$T/data1/e.yaml" --shard 2/2 -o "$T/ds2" -q
expect_rc 3 "merge across data files" "$CP" merge "$T/ds1" "$T/ds2" -o "$T/ds"
grep -q 'comes from another scenario' "$T/err" && ok || bad "shards of other data are named another scenario's"
printf '1ms\n' > "$T/data1/d.csv"
expect_rc 0 "the other shard on the first data" "$CP" run "$T/data1/e.yaml" --shard 2/2 -o "$T/ds3" -q
expect_rc 0 "merge shards of the same data" "$CP" merge "$T/ds1" "$T/ds3" -o "$T/ds"
# A tampered partial result ("nan" for a value) is refused.
sed 's/"0x[0-9a-fp.+-]*"/"nan"/' "$T/ds1/partial.json" > "$T/ds1/p" && mv "$T/ds1/p" "$T/ds1/partial.json"
expect_rc 3 "merge a tampered partial result" "$CP" merge "$T/ds1" "$T/ds3" -o "$T/ds-nan"
grep -q 'a metric value is not a number' "$T/err" && ok || bad "the tampered value is named"
expect_rc 0 "runs 1..2" "$CP" run "$T/crash.yaml" --runs 1..2 -o "$T/range" -q
expect_rc 0 "merge a range and a shard" "$CP" merge "$T/range" "$T/shard0" -o "$T/merged2"
cmp -s "$T/whole/summary.json" "$T/merged2/summary.json" && ok || bad "shard + range merge differs"

# N-1 analysis: the balancer and the database are single points of failure,
# one of four web instances is not.
expect_rc 0 "spof" "$CP" spof "$T/small.yaml" --reps 2
grep -q '^lb .*SINGLE POINT OF FAILURE' "$T/out" && ok || bad "spof names lb"
grep -q '^db .*SINGLE POINT OF FAILURE' "$T/out" && ok || bad "spof names db"
grep -q '^web#1 (of 4) .*degrades' "$T/out" && ok || bad "spof: losing one web instance only degrades"
grep -q '^3 single points of failure: lb, db, web-db' "$T/out" && ok || bad "spof sums up (the partitioned link included)"
grep -q '(min/month) *(per hour)' "$T/out" && ok || bad "spof's table gives its units"
grep -q '^lb  *0.00%  *43800.0 ' "$T/out" && ok || bad "spof: without lb, 0% answered and a whole month down"
expect_rc 0 "spof -o" "$CP" spof "$T/small.yaml" --reps 2 -o "$T/spof"
[ "$(grep -c 'SINGLE POINT OF FAILURE' "$T/spof/spof.csv")" -eq 3 ] && ok || bad "spof.csv has the three single points of failure"
grep -q '"format": "chokepoint-spof-1"' "$T/spof/spof.json" && ok || bad "spof writes spof.json"
ls -a "$T/spof" | grep -q '\.tmp-' && bad "spof left a temporary file" || ok

# Pictures: run --plot draws each picture in PNG and SVG with gnuplot, its
# script beside the data; gnuplot says nothing (no error, no warning).
expect_rc 0 "run --plot" "$CP" run "$T/small.yaml" -o "$T/p" -q --plot
[ ! -s "$T/err" ] && ok || { bad "gnuplot printed warnings or errors"; cat "$T/err"; }
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 "x" $5*16777216 + $6*65536 + $7*256 + $8 }'; }
for f in utilization requests errors latency bottleneck health latency-cdf; do
	[ -s "$T/p/$f.gp" ] && [ -s "$T/p/$f.png" ] && head -c 8 "$T/p/$f.png" | grep -q PNG && [ "$(png_size "$T/p/$f.png")" = 760x460 ] &&
		grep -q '<svg' "$T/p/$f.svg" && grep -q 'viewBox="0 0 760 460"' "$T/p/$f.svg" && ok || bad "run --plot draws $f (png 760x460, svg, script)"
done
[ -s "$T/p/style.gp" ] && [ -s "$T/p/vars.gp" ] && ok || bad "the shared style and the run's variables are beside the scripts"
[ "$(grep -c '<figure>' "$T/p/report.html")" -eq 7 ] && grep -q 'class="diagram"' "$T/p/report.html" && ok || bad "report.html shows the diagram and the seven pictures"
grep -q "^logged_requests = 0$" "$T/p/vars.gp" && [ "$(grep -c '^[0-9]' "$T/p/latency-cdf.csv")" -eq $((104 + 208 + 5)) ] && ok || bad "latency-cdf.csv holds the distribution, its band and the five percentiles without an access log"
grep -q '"latency_distribution": {' "$T/p/summary.json" && ok || bad "summary.json has the latency's distribution"
[ ! -e "$T/p/welch.png" ] && ok || bad "no Welch plot from a single period"
[ ! -e "$T/p/instances.png" ] && ok || bad "no instances.png without an autoscaler"
mkdir -p "$T/p-copy" && cp "$T/p/"* "$T/p-copy/"
rm -f "$T/p/"*.png "$T/p/"*.svg "$T/p/"*.gp
expect_rc 0 "plot DIR" "$CP" plot "$T/p"
grep -q "^wrote 14 pictures (png and svg) and their scripts to $T/p/$" "$T/out" && ok || bad "plot says what it drew"
same=1
for f in "$T/p-copy/"*.png "$T/p-copy/"*.svg "$T/p-copy/"*.gp; do cmp -s "$f" "$T/p/$(basename "$f")" || same=0; done
[ "$same" -eq 1 ] && ok || bad "plot DIR gives the same files as run --plot"
(cd "$T/p" && gnuplot -e "fmt='svg'; out='again.svg'" requests.gp) 2>"$T/gperr" && cmp -s "$T/p/again.svg" "$T/p/requests.svg" && [ ! -s "$T/gperr" ] && ok || bad "a script beside the data draws its picture again by itself"
rm -f "$T/p/again.svg"
expect_rc 0 "plot --format png" "$CP" plot --format png "$T/p-copy"
expect_rc 0 "run --plot=none" "$CP" run "$T/small.yaml" -o "$T/p-none" -q --plot=none
[ -s "$T/p-none/latency.gp" ] && ! ls "$T/p-none/" | grep -q '\.png$\|\.svg$' && ok || bad "--plot=none writes the scripts alone"
grep -q "No pictures yet" "$T/p-none/report.html" && grep -q "<h2>Headline</h2>" "$T/p-none/report.html" && ok || bad "a run without pictures still writes report.html, saying how to get them"
expect_rc 0 "run --plot=svg" "$CP" run "$T/small.yaml" -o "$T/p-svg" -q --plot=svg
[ -s "$T/p-svg/latency.svg" ] && [ ! -e "$T/p-svg/latency.png" ] && ok || bad "--plot=svg draws SVG alone"
expect_rc 2 "run --plot=gif" "$CP" run "$T/small.yaml" -o "$T/p-gif" -q --plot=gif
expect_rc 2 "plot --format gif" "$CP" plot --format gif "$T/p"
# Without gnuplot: one warning, the scripts still written, no failure.
rm -f "$T/p-none/"*.gp
PATH=/nonexistent expect_rc 0 "plot without gnuplot" "$CP" plot "$T/p-none"
[ "$(grep -c 'gnuplot not found' "$T/err")" -eq 1 ] && [ -s "$T/p-none/latency.gp" ] && ok || bad "without gnuplot: one warning and the scripts"
expect_rc 4 "plot without results" "$CP" plot "$T/nothing-here"
# A failure is a shaded window, never a series; the last, shorter period is
# a rate, not a drop.
expect_rc 0 "upstream-dies-502 with its pictures" "$CP" run scenarios/upstream-dies-502.yaml -o "$T/u502" -q --plot=png
grep -q "^nodes = 'shoppers lb web web-2-dies'$" "$T/u502/vars.gp" && grep -q "^drawn = '2 3'$" "$T/u502/vars.gp" &&
	grep -q "^array fail_name\[1\] = \['web-2-dies'\]$" "$T/u502/vars.gp" && ok || bad "the failure is a window in vars.gp, not a drawn node"
grep -q 'column("RequestCount")/(\$2-\$1)' "$T/u502/requests.gp" && ok || bad "requests are drawn per second of each period"
# Welch's plot: 11 periods of 60 s, a window of 1 period each side.
[ -s "$T/u502/welch.png" ] && [ "$(($(wc -l < "$T/u502/welch.csv") - 1))" -eq 10 ] &&
	awk -F, 'NR > 1 { p[NR] = $2; a[NR] = $4 } END { exit !(a[3] > 0 && (a[3] - (p[2] + p[3] + p[4]) / 3) ^ 2 < 1e-18 && a[2] == p[2]) }' "$T/u502/welch.csv" &&
	ok || bad "welch.csv: Welch's moving average of the p50 (one period each side; the first alone)"
# A sweep's pictures: latency with its intervals, throughput, cost.
expect_rc 0 "a sweep with --plot" "$CP" run "$T/small.yaml" --set shoppers.rate=200/s,400/s,600/s --reps 2 -o "$T/p-sweep" -q --plot
for f in sweep-latency sweep-throughput sweep-availability sweep-cost; do
	[ -s "$T/p-sweep/$f.png" ] && [ -s "$T/p-sweep/$f.svg" ] && ok || bad "a sweep's $f picture"
done
[ ! -s "$T/err" ] && grep -q "^is_load = 1$" "$T/p-sweep/vars.gp" && ok || bad "a load sweep is drawn against the offered load, without warnings"
# One M/M/c station swept over its load: Erlang C's curves beside the simulation.
expect_rc 0 "an M/M/1 load sweep" "$CP" run scenarios/mm1.yaml --set 'clients.rate=200/s,500/s,800/s' --reps 2 -o "$T/mm1-sweep" -q --plot=png
grep -q '^3,800,0.005,0.0230258509299$' "$T/mm1-sweep/theory.csv" && grep -q '^1,200,0.00125,0.00575646273249$' "$T/mm1-sweep/theory.csv" && grep -q '^has_theory = 1$' "$T/mm1-sweep/vars.gp" && ok || bad "theory.csv: M/M/1's mean 1/(mu-lambda) and p99 ln(100)/(mu-lambda)"
[ ! -e "$T/p-sweep/theory.csv" ] && grep -q '^has_theory = 0$' "$T/p-sweep/vars.gp" && ok || bad "no theory for a scenario that is no single M/M/c station"
# --chart: the key curve in text, in the summary.
expect_rc 0 "run --chart" "$CP" run "$T/small.yaml" -o "$T/p-chart" --chart
grep -q "lb: requests/s (A) and 5xx/s (B) over simulated time (s)" "$T/out" && grep -q '^ *|  *A' "$T/out" && [ -s "$T/p-chart/chart.gp" ] && ok || bad "run --chart draws requests per second in the summary"
expect_rc 0 "a sweep with --chart" "$CP" run "$T/small.yaml" --set shoppers.rate=200/s,400/s,600/s --reps 2 -o "$T/p-sweep-chart" --chart
grep -q "p99 latency (ms) against the offered load (requests/s)" "$T/out" && ok || bad "a sweep's --chart draws its p99 against the load"
expect_rc 2 "--chart with --quiet" "$CP" run "$T/small.yaml" -o "$T/p-chart" --chart -q

# validate counts workloads, nodes, links and failures apart.
expect_rc 0 "validate counts" "$CP" validate "$T/small.yaml"
grep -q 'ok (2 workloads, 3 nodes, 1 link, 0 failures; 4 replications' "$T/out" && ok || bad "validate counts each: $(cat "$T/out")"

# The files a run writes: help run and docs/results.md name every one.
"$CP" help run > "$T/help-run"
for f in $(ls "$T/al1"); do
	grep -q "$f" "$T/help-run" && ok || bad "help run does not list $f"
	grep -q "^## $f" docs/results.md && ok || bad "docs/results.md has no section for $f"
done

# --format json prints the summary as JSON on stdout.
expect_rc 0 "run --format json" "$CP" run "$T/small.yaml" --no-write --format json
head -3 "$T/out" | grep -q '"format": "chokepoint-summary-1"' && ok || bad "--format json prints summary.json"
grep -q '"bottleneck": {' "$T/out" && ok || bad "--format json has the bottleneck"
grep -q 'End to end' "$T/out" && bad "--format json also printed the text summary" || ok

# The numbers a user opens the files to find are on the terminal, when the
# scenario has the part that makes them.
summary_has() { # scenario pattern what
	"$CP" run "scenarios/$1.yaml" --no-write --reps 2 -j 2 > "$T/summary" 2>/dev/null
	grep -q "$2" "$T/summary" && ok || bad "the summary of $1 shows $3"
}
summary_has cache-offload 'cache  *hit ratio [0-9.]*%' "the cache's hit ratio"
summary_has connection-pool-starvation 'pool wait mean [0-9.]*ms' "the pool wait"
summary_has connection-pool-starvation 'Bottleneck: web -> db connection pool (4 per instance)' "the pool as the bottleneck"
summary_has retry-storm '^clients .* [0-9.]*x ' "attempts per request"
summary_has queue-absorbs-burst 'of which 202 Accepted' "202 apart from the other 2xx"
summary_has queue-absorbs-burst 'message wait mean .*depth mean' "the queue's wait and depth"
summary_has api-gateway '^via-gateway ' "each workload side by side"
summary_has saturated-link '^Next: db (database) CPU cores' "where the bottleneck moves next"

# SLO checks: a scenario that meets them exits 0, one that misses one exits
# 1 naming it; summary.json carries the verdicts; --slo-mode=point judges
# the mean alone, and says so.
sed 's/^simulation: {duration: 20s, warmup: 2s, replications: 4, seed: 42}$/&\nslo: ["latency_p99 < 250ms", "availability >= 99.9%", "db.utilization < 90%", "status_503 == 0"]/' "$T/small.yaml" > "$T/slo-ok.yaml"
expect_rc 0 "SLOs met" "$CP" run "$T/slo-ok.yaml" -o "$T/slo-ok"
grep -q '^4 passed, 0 failed$' "$T/out" && ok || bad "the SLO block closes with 4 passed, 0 failed"
grep -q '"verdict": "pass"' "$T/slo-ok/summary.json" && ok || bad "summary.json has the verdicts"
sed 's/db.utilization < 90%/db.utilization < 50%/' "$T/slo-ok.yaml" > "$T/slo-bad.yaml"
expect_rc 1 "an SLO missed" "$CP" run "$T/slo-bad.yaml" -o "$T/slo-bad"
grep -q '✗ db.utilization < 50%  *8[0-9.]*% ' "$T/out" && ok || bad "the missed check is named with its value"
grep -q '^3 passed, 1 failed$' "$T/out" && ok || bad "the SLO block closes with 3 passed, 1 failed"
[ -s "$T/slo-bad/summary.json" ] && ok || bad "results are written when an SLO is missed"
sed 's/db.utilization < 90%/db.utilization < 82.5%/' "$T/slo-ok.yaml" > "$T/slo-edge.yaml"
expect_rc 1 "an SLO on the edge of its interval" "$CP" run "$T/slo-edge.yaml" --no-write
grep -q '? db.utilization < 82.5% .*inconclusive: about [0-9]* replications would likely settle it' "$T/out" && ok || bad "a straddling check is inconclusive, with the replications to settle it"
expect_rc 0 "--slo-mode=point" "$CP" run "$T/slo-ok.yaml" --no-write --slo-mode=point
grep -q 'point mode' "$T/out" && ok || bad "the mode is said"
expect_rc 2 "a bad --slo-mode" "$CP" run "$T/slo-ok.yaml" --no-write --slo-mode=maybe

# check: one or many scenarios, a line per check, JUnit XML that validates
# against tests/junit.xsd, JSON, and the same verdicts for any -j.
expect_rc 0 "check of scenarios that meet their SLOs" "$CP" check "$T/slo-ok.yaml" -j 1
grep -q '^4 passed, 0 failed$' "$T/out" && ok || bad "check closes with 4 passed, 0 failed"
cp "$T/out" "$T/check-j1"
expect_rc 0 "check -j 2" "$CP" check "$T/slo-ok.yaml" -j 2
cmp -s "$T/out" "$T/check-j1" && ok || bad "check differs between -j 1 and -j 2"
expect_rc 1 "check with one SLO missed" "$CP" check "$T/slo-ok.yaml" "$T/slo-bad.yaml" --junit "$T/junit.xml"
grep -q '^7 passed, 1 failed$' "$T/out" && ok || bad "check sums over the scenarios"
xmllint --noout --schema tests/junit.xsd "$T/junit.xml" 2>/dev/null && ok || bad "the JUnit file does not validate against tests/junit.xsd"
grep -q '<testsuite name="[^"]*slo-bad.yaml" tests="4" failures="1"' "$T/junit.xml" && ok || bad "a test suite per scenario with its counts"
grep -q '<failure type="slo" message="db.utilization = 8[0-9.]*% ±[0-9.]*% (95% confidence interval over 4 replications), limit &lt; 50.0%"' "$T/junit.xml" && ok || bad "the failure message gives the value, its interval and the limit"
expect_rc 3 "check of an invalid scenario" "$CP" check tests/bad/cores-zero.yaml --junit "$T/junit-bad.xml"
xmllint --noout --schema tests/junit.xsd "$T/junit-bad.xml" 2>/dev/null && ok || bad "the JUnit file of an invalid scenario validates"
grep -q '<error type="invalid"' "$T/junit-bad.xml" && ok || bad "an invalid scenario is a JUnit error"
expect_rc 1 "check --format json" "$CP" check "$T/slo-bad.yaml" --format json
grep -q '"format": "chokepoint-check-1"' "$T/out" && ok || bad "check --format json prints JSON"
grep -q '"verdict": "fail"' "$T/out" && ok || bad "the JSON carries the verdicts"
ls "$T" | grep -q 'junit.xml.tmp' && bad "a temporary JUnit file remains" || ok

# compare: two scenario files run with common random numbers (paired);
# results directories the same; one web instance fewer is worse (exit 1),
# a scenario against itself unchanged (exit 0).
sed 's/instances: 4/instances: 3/' "$T/small.yaml" > "$T/small-3.yaml"
expect_rc 1 "compare: one web instance fewer" "$CP" compare "$T/small.yaml" "$T/small-3.yaml"
grep -q 'paired t-test (common random numbers)' "$T/out" && ok || bad "two scenario files are compared paired"
grep -q '^web.wait_mean .* worse$' "$T/out" && ok || bad "the wait at web is worse"
grep -q "Holm's correction" "$T/out" && ok || bad "the correction is named"
expect_rc 0 "compare: a scenario with itself" "$CP" compare "$T/small.yaml" "$T/small.yaml"
grep -q '^0 better, 0 worse$' "$T/out" && ok || bad "a scenario against itself changes nothing"
expect_rc 0 "results for compare (base)" "$CP" run "$T/small.yaml" -o "$T/cmp-base" -q
expect_rc 0 "results for compare (candidate)" "$CP" run "$T/small-3.yaml" -o "$T/cmp-cand" -q
expect_rc 1 "compare two results directories" "$CP" compare "$T/cmp-base" "$T/cmp-cand" --format markdown
grep -q '^| `web.wait_mean` | .* | \*\*worse\*\* |$' "$T/out" && ok || bad "markdown for a pull request"
expect_rc 1 "compare a directory and a scenario" "$CP" compare "$T/cmp-base" "$T/small-3.yaml" --format json
grep -q '"test": "paired t"' "$T/out" && ok || bad "a directory and a scenario of the same seed pair up"
grep -q '"verdict": "worse"' "$T/out" && ok || bad "compare --format json has the verdicts"
sed 's/"version": "[^"]*"/"version": "0.0.1"/' "$T/cmp-cand/summary.json" > "$T/cmp-cand/s" && mv "$T/cmp-cand/s" "$T/cmp-cand/summary.json"
"$CP" compare "$T/cmp-base" "$T/cmp-cand" > "$T/out" 2>&1
grep -q 'written by chokepoint .* and 0.0.1: their random numbers are not common; compared unpaired (Welch)' "$T/out" && ok || bad "results of other versions are said to be unpaired"
# Tolerances in the base scenario's file: a 33% busier web tier is within
# its 40%, the command line's overrides it.
sed 's/^simulation: {duration: 20s, warmup: 2s, replications: 4, seed: 42}$/&\ntolerance: ["5%", "utilization=40%"]/' "$T/small.yaml" > "$T/small-tol.yaml"
"$CP" compare "$T/small-tol.yaml" "$T/small-3.yaml" > "$T/out" 2>&1
grep -q '^web.utilization ' "$T/out" && bad "the file's tolerance was not applied" || ok
"$CP" compare "$T/small-tol.yaml" "$T/small-3.yaml" --tolerance utilization=10% > "$T/out" 2>&1
grep -q '^web.utilization .* worse$' "$T/out" && ok || bad "--tolerance overrides the file's"
"$CP" run "$T/small-tol.yaml" -o "$T/cmp-tol" -q
grep -q '"metric": "utilization"' "$T/cmp-tol/summary.json" && ok || bad "summary.json keeps the tolerances for compare"
"$CP" compare "$T/cmp-tol" "$T/small-3.yaml" > "$T/out" 2>&1
grep -q '^web.utilization ' "$T/out" && bad "a results directory's tolerances were not applied" || ok
printf 'workloads:\n  - {name: w, target: s, rate: 1/s}\nnodes:\n  - {name: s, kind: server, service: exp(1ms)}\ntolerance: ["latency=10%%", "lots"]\n' > "$T/badtol.yaml"
expect_rc 3 "bad tolerances" "$CP" validate "$T/badtol.yaml"
grep -q "tolerance: 'latency' is not a metric" "$T/err" && ok || bad "an unknown metric in a tolerance is named"
grep -q "tolerance: 'lots' is not a tolerance" "$T/err" && ok || bad "a malformed tolerance is named"
expect_rc 4 "compare a directory that holds no results" "$CP" compare "$T/mine" "$T/cmp-base"
expect_rc 2 "compare with a bad tolerance" "$CP" compare "$T/cmp-base" "$T/cmp-base" --tolerance lots

# docs/examples: the commands of the CI jobs, run here on a repository of
# one scenario and its baseline: all well (exit 0), then one web instance
# fewer (exit 1, an SLO missed and the comparison worse).
mkdir -p "$T/repo/scenarios" "$T/repo/baseline"
sed 's/^simulation: {duration: 20s, warmup: 2s, replications: 4, seed: 42}$/&\nslo: ["web.utilization < 50%", "availability >= 99.9%"]/' "$T/small.yaml" > "$T/repo/scenarios/shop.yaml"
(cd "$T/repo" && "$OLDPWD/$CP" run scenarios/shop.yaml -o baseline/shop -q) > /dev/null 2>&1
(cd "$T/repo" && CHOKEPOINT="$OLDPWD/$CP" sh "$OLDPWD/docs/examples/ci-check.sh") > "$T/out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok || bad "docs/examples/ci-check.sh on an unchanged design: exit $rc, expected 0"
xmllint --noout --schema tests/junit.xsd "$T/repo/ci-results/junit.xml" 2>/dev/null && ok || bad "the example's JUnit file validates"
grep -q '0 better, 0 worse' "$T/repo/ci-results/compare.md" && ok || bad "the example's comparison finds no change"
sed -i 's/instances: 4/instances: 3/' "$T/repo/scenarios/shop.yaml"
(cd "$T/repo" && CHOKEPOINT="$OLDPWD/$CP" sh "$OLDPWD/docs/examples/ci-check.sh") > "$T/out" 2>&1
rc=$?
[ $rc -eq 1 ] && ok || bad "docs/examples/ci-check.sh on one instance fewer: exit $rc, expected 1"
grep -q 'failures="1"' "$T/repo/ci-results/junit.xml" && ok || bad "the missed SLO is a JUnit failure"
grep -q '\*\*worse\*\*' "$T/repo/ci-results/compare.md" && ok || bad "the comparison marks what got worse"

# kinds shows each key's choices and range.
expect_rc 0 "kinds server" "$CP" kinds server
grep -q '^  mode .*sync|async' "$T/out" && ok || bad "kinds shows a key's choices"
grep -q '^  cores .*1 \.\. 100000' "$T/out" && ok || bad "kinds shows a key's range"

# docs/results.md's metric reference is generated from the metric tables.
"$CP" metrics --markdown > "$T/metrics.md"
sed -n '/^<!-- metrics: begin/,/^<!-- metrics: end/p' docs/results.md | sed '1d;$d' | cmp -s - "$T/metrics.md" && ok || bad "docs/results.md's metric reference is stale: run 'make docs'"

# docs/kinds.md is generated from the parameter tables: it must be current.
"$CP" kinds --markdown > "$T/kinds.md"
tail -n +5 docs/kinds.md | cmp -s - "$T/kinds.md" && ok || bad "docs/kinds.md is stale: run 'make docs'"


# ---- sizes, costs, sweeps and scale (issue 16) ----
cat > "$T/cost.yaml" <<YAML
simulation: {duration: 60s, warmup: 5s, replications: 2, seed: 3}
catalog:
  - {name: two, cores: 2, speed: 2, price: \$0.10/h}
workloads:
  - {name: w, target: web, rate: 100/s}
nodes:
  - {name: web, kind: server, instances: 3, size: two, service: exp(10ms), calls: [db]}
  - {name: db, kind: database, cores: 1000, service: exp(2ms), price: \$0.20/h}
YAML
csv_mean() { # file scope metric
	awk -F, -v s="\"$2\"" -v m="\"$3\"" '$1 == s && $2 == m { print $4 }' "$1"
}
expect_rc 0 "a sized scenario runs" "$CP" run "$T/cost.yaml" -o "$T/cost" -q
[ "$(csv_mean "$T/cost/summary.csv" e2e cost_per_hour)" = "0.5" ] && ok || bad "cost_per_hour is 3 x \$0.10 + \$0.20"
[ "$(csv_mean "$T/cost/summary.csv" e2e cost_per_month)" = "365" ] && ok || bad "cost_per_month is 730 hours of it"
served=$(csv_mean "$T/cost/summary.csv" e2e served_throughput)
permil=$(csv_mean "$T/cost/summary.csv" e2e cost_per_million_requests)
awk -v s="$served" -v p="$permil" 'BEGIN { e = 0.5 / (s * 3600) * 1e6; exit !(p / e < 1.001 && e / p < 1.001) }' && ok || bad "cost per million requests: \$0.5/h over $served/s, got $permil"
util=$(csv_mean "$T/cost/summary.csv" web utilization)
awk -v u="$util" 'BEGIN { exit !(u > 0.07 && u < 0.097) }' && ok || bad "a size's speed divides service times: 100/s x 10ms / 2 / (3 x 2 cores) = 0.083, got $util"
# speed 2 halves every service time exactly: with no queueing (1000 cores), the database's response too.
sed 's/cores: 1000, service/cores: 1000, speed: 2, service/' "$T/cost.yaml" > "$T/fast.yaml"
expect_rc 0 "speed 2" "$CP" run "$T/fast.yaml" -o "$T/fast" -q
slow=$(csv_mean "$T/cost/summary.csv" db response_mean)
fast=$(csv_mean "$T/fast/summary.csv" db response_mean)
awk -v a="$slow" -v b="$fast" 'BEGIN { exit !(b / a > 0.5 - 1e-9 && b / a < 0.5 + 1e-9) }' && ok || bad "speed 2 halves the response exactly: $slow -> $fast"
# The balancer's LCUs from each dimension, and its cost.
lcu_run() { # name extra-lb-keys workload-keys [service]
	cat > "$T/$1.yaml" <<YAML
simulation: {duration: 60s, warmup: 30s, replications: 2, seed: 5}
workloads:
  - {name: w, target: lb, rate: 250/s $3}
nodes:
  - {name: lb, kind: load_balancer, targets: web, idle_timeout: 1h $2}
  - {name: web, kind: server, instances: 2, cores: 100000, workers: 20000, queue: unlimited, service: ${4:-const(1ms)}}
YAML
	"$CP" run "$T/$1.yaml" -o "$T/$1" -q >/dev/null 2>&1
}
lcu_check() { # name expected what
	l=$(csv_mean "$T/$1/summary.csv" lb consumed_lcus)
	c=$(csv_mean "$T/$1/summary.csv" lb cost_per_hour)
	awk -v l="$l" -v e="$2" 'BEGIN { exit !(l > 0.95 * e && l < 1.05 * e) }' && ok || bad "LCUs from $3: $l, expected about $2"
	x=$(csv_mean "$T/$1/summary.csv" lb transfer_cost_per_hour)
	awk -v l="$l" -v c="$c" -v x="$x" 'BEGIN { d = c - (0.0225 + 0.008 * l + x); exit !(d < 1e-9 && d > -1e-9) }' && ok || bad "the balancer costs \$0.0225/h + LCUs x \$0.008/h + transfer: $c for $l LCUs and $x"
}
lcu_run conn "" ", request_size: 100B, response_size: 100B"
lcu_check conn 10 "new connections (250/s over 25)"
lcu_run bytes ", requests_per_connection: 100000" ", request_size: 100B, response_size: 5MB"
lcu_check bytes 4500 "processed bytes (250/s x 5MB per hour, in GB)"
lcu_run rules ", requests_per_connection: 100000, rules: 50" ", request_size: 100B, response_size: 100B"
lcu_check rules 10 "rule evaluations (250/s x 40 paid rules over 1,000)"
lcu_run active ", requests_per_connection: 100000" ", request_size: 100B, response_size: 100B" "const(20s)"
lcu_check active 1.667 "active connections (250/s x 20s over 3,000)"
lcu_run transfer ", requests_per_connection: 100000, transfer_price: \$0.09/GB" ", request_size: 100B, response_size: 1MB"
x=$(csv_mean "$T/transfer/summary.csv" lb transfer_cost_per_hour)
awk -v x="$x" 'BEGIN { exit !(x > 0.97 * 81 && x < 1.03 * 81) }' && ok || bad "data out: 250/s x 1MB = 900 GB/h x \$0.09/GB = \$81/h, got $x"
lcu_check transfer 900 "processed bytes (900 GB/h)"

# Catalog errors are located and suggested.
sed 's/size: two/size: twoo/' "$T/cost.yaml" > "$T/badsize.yaml"
expect_rc 3 "an unknown size" "$CP" validate "$T/badsize.yaml"
grep -q "badsize.yaml:7:.*unknown size 'twoo' in node 'web' (did you mean 'two'?)" "$T/err" && ok || bad "an unknown size is located and suggested"
sed 's|^catalog:|catalog: /etc/passwd\nxcatalog:|' "$T/cost.yaml" > "$T/outside.yaml"
expect_rc 3 "a catalog file outside the scenario's directory" "$CP" validate "$T/outside.yaml"
mkdir -p "$T/cat/catalog" && cp scenarios/catalog/aws-like.yaml "$T/cat/catalog/"
sed 's|^catalog:|catalog: catalog/aws-like.yaml\nunused:|; s/size: two/size: c5.xlarge/' "$T/cost.yaml" | grep -v "^unused\|name: two" > "$T/cat/s.yaml"
expect_rc 0 "a catalog file beside the scenario" "$CP" run "$T/cat/s.yaml" --no-write -q
printf 'catalog:\n  - {name: x, cores: 2, price: $1/h, cpus: 4}\n' > "$T/cat/catalog/bad.yaml"
sed 's|aws-like|bad|' "$T/cat/s.yaml" > "$T/cat/b.yaml"
expect_rc 3 "a catalog file with an error" "$CP" validate "$T/cat/b.yaml"
grep -q "b.yaml:2:10: error: in catalog catalog/bad.yaml:2:38: unknown key 'cpus' in size 'x'" "$T/err" && ok || bad "a catalog file's error names its file, line and column"

# Sweeps: a point is the run with its values set, byte for byte; -j does not matter.
expect_rc 0 "a sweep" "$CP" run "$T/cost.yaml" --set "w.rate=50/s,100/s,150/s" -o "$T/sweep1" -j 1 -q
expect_rc 0 "the same sweep, -j 2" "$CP" run "$T/cost.yaml" --set "w.rate=50/s,100/s,150/s" -o "$T/sweep2" -j 2 -q
cmp -s "$T/sweep1/sweep.csv" "$T/sweep2/sweep.csv" && ok || bad "a sweep's sweep.csv is the same for -j 1 and -j 2"
[ "$(wc -l < "$T/sweep1/sweep.csv")" -eq 4 ] && ok || bad "sweep.csv has a header and a row per point"
expect_rc 0 "one point alone" "$CP" run "$T/cost.yaml" --set "w.rate=100/s" -o "$T/point" -q
col=$(head -1 "$T/sweep1/sweep.csv" | tr ',' '\n' | grep -n '^"e2e.latency_p99 (s)"$' | cut -d: -f1)
inpoint=$(sed -n 3p "$T/sweep1/sweep.csv" | cut -d, -f"$col")
alone=$(csv_mean "$T/point/summary.csv" e2e latency_p99)
[ -n "$inpoint" ] && [ "$inpoint" = "$alone" ] && ok || bad "point 2 of the sweep equals the run with its value set: $inpoint vs $alone"
# ... and so does every end-to-end and node metric of it (the means, as summary.csv writes them).
sed -n '1p;3p' "$T/sweep1/sweep.csv" > "$T/p2.csv"
awk -F, 'NR == FNR { if (FNR == 1) for (i = 1; i <= NF; i++) h[i] = $i; else for (i = 1; i <= NF; i++) v[h[i]] = $i; next }
	FNR > 1 && $2 != "\"events\"" { gsub(/"/, "", $1); gsub(/"/, "", $2); k = "\"" $1 "." $2 " (" $3 ")\""; n++;
		if (!(k in v) || v[k] != $4) { bad++; print "differs: " k " " v[k] " " $4 } }
	END { exit !(n > 100 && bad == 0) }' "$T/p2.csv" "$T/point/summary.csv" > "$T/diff" && ok || { bad "every metric of point 2 equals the separate run's"; head -5 "$T/diff"; }
grep -q '"format": "chokepoint-sweep-1"' "$T/sweep1/sweep.json" && ok || bad "sweep.json is marked"
h_base=$(grep -m1 '"hash"' "$T/cost/summary.json")
h_set=$(grep -m1 '"hash"' "$T/point/summary.json")
[ -n "$h_base" ] && [ "$h_base" != "$h_set" ] && ok || bad "a value set from the command line is part of the scenario's identity (hash)"
# A sweep in shards, merged, is the sweep.
expect_rc 0 "a sweep's shard 1/2" "$CP" run "$T/cost.yaml" --set "w.rate=50/s,100/s,150/s" -o "$T/shard1" --shard 1/2 -j 1
expect_rc 0 "a sweep's shard 2/2" "$CP" run "$T/cost.yaml" --set "w.rate=50/s,100/s,150/s" -o "$T/shard2" --shard 2/2 -j 2
expect_rc 0 "merge a sweep's shards" "$CP" merge "$T/shard2" "$T/shard1" -o "$T/merged"
cmp -s "$T/merged/sweep.csv" "$T/sweep1/sweep.csv" && cmp -s "$T/merged/sweep.json" "$T/sweep1/sweep.json" && ok || bad "merged shards of a sweep give the sweep's files byte for byte"
expect_rc 3 "merge an incomplete sweep" "$CP" merge "$T/shard1" -o "$T/merged1"
grep -q "in point 1 of the sweep: w.rate=50/s" "$T/err" && ok || bad "an incomplete sweep's merge names the point"
[ ! -e "$T/merged1" ] && ok || bad "nothing is written for an incomplete merge"
expect_rc 3 "merge a sweep's shard with a sweep's results" "$CP" merge "$T/shard1" "$T/shard2" "$T/sweep1" -o "$T/merged2"
expect_rc 0 "a shard of another sweep" "$CP" run "$T/cost.yaml" --set "w.rate=50/s,100/s,200/s" -o "$T/shard3" --shard 2/2
expect_rc 3 "merge shards of different sweeps" "$CP" merge "$T/shard1" "$T/shard3" -o "$T/merged2"
grep -q "is a shard of another sweep" "$T/err" && ok || bad "shards of different sweeps are refused"
expect_rc 0 "a sweep reruns into its own directory" "$CP" run "$T/cost.yaml" --set "w.rate=50/s,100/s" -o "$T/sweep1" -q
expect_rc 0 "ranges and zip" "$CP" run "$T/cost.yaml" --set "workloads.w.rate=50/s..150/s:3;web.instances=1..3" --no-write
grep -c '^[0-9] ' "$T/out" | grep -q '^3$' && ok || bad "a zipped range makes 3 points"
expect_rc 3 "a sweep of an unknown key" "$CP" run "$T/cost.yaml" --set "web.instancs=1,2" --no-write
grep -q "has no key 'instancs' (did you mean 'instances'?)" "$T/err" && ok || bad "a sweep's unknown key is suggested"
expect_rc 3 "a swept value out of range" "$CP" run "$T/cost.yaml" --set "web.instances=0,2" --no-write
grep -q "point 1 of the sweep (web.instances=0)" "$T/err" && ok || bad "an invalid point is named"
printf 'sweep:\n  - "w.rate = 50/s, 150/s"\n' >> "$T/cost.yaml"
expect_rc 0 "a sweep: section" "$CP" run "$T/cost.yaml" -o "$T/sweep3" -q
[ "$(wc -l < "$T/sweep3/sweep.csv")" -eq 3 ] && ok || bad "the sweep: section makes the points"

# The scale study of the teaching scenario finds the crossover it was built with.
expect_rc 0 "scale, from the scenario's scale: block" "$CP" scale scenarios/scale-up-vs-scale-out.yaml --csv "$T/scale.csv"
cp "$T/out" "$T/scale-block.out"
"$CP" scale scenarios/scale-up-vs-scale-out.yaml --node web --up big2,big4,big8 --out 1..10 --load 100/s..600/s:6 > "$T/scale-opts.out" 2>/dev/null
cmp -s "$T/scale-block.out" "$T/scale-opts.out" && ok || bad "the scale: block and the same options give the same study"
grep -q "The lines cross between 500/s and 600/s: scale-up is cheaper below, scale-out above." "$T/out" && ok || bad "scale finds the crossover between 500/s and 600/s"
grep -q "^  500/s  *big8 \$0.400/h  *8 x \$0.800/h  *scale-up" "$T/out" && ok || bad "at 500/s big8 (\$0.40/h) beats 8 instances (\$0.80/h)"
grep -q "^  600/s  *cannot  *9 x \$0.900/h  *scale-out" "$T/out" && ok || bad "at 600/s only 9 instances meet the SLO"
grep -q "^  big8 .*500/s .*96.667%" "$T/out" && ok || bad "the single big instance's time availability is 96.7%"
grep -q "^  2 .*100.000%" "$T/out" && ok || bad "two instances survive the crash"
[ "$(grep -c '^scale-' "$T/scale.csv")" -eq 78 ] && ok || bad "scale.csv has a row per configuration and load"
# -o DIR: the study as a results directory, its frontier drawn, its report.
expect_rc 0 "scale -o with its picture" "$CP" scale scenarios/scale-up-vs-scale-out.yaml -o "$T/scale-dir" --plot=svg -q
cmp -s "$T/scale.csv" "$T/scale-dir/scale.csv" && ok || bad "scale -o writes the same scale.csv as --csv"
grep -q '^scale-up,big8,500/s,' "$T/scale-dir/scale-frontier.csv" && grep -q '^scale-out,9,600/s,' "$T/scale-dir/scale-frontier.csv" && ok || bad "scale-frontier.csv: each configuration at the highest load it meets"
cmp -s "$T/scale-block.out" "$T/scale-dir/scale.txt" && ok || bad "scale.txt is the study as printed"
[ -s "$T/scale-dir/scale-cost.svg" ] && grep -q '<figure>' "$T/scale-dir/report.html" && grep -q 'The lines cross between 500/s and 600/s' "$T/scale-dir/report.html" && ok || bad "the scale study's report shows its frontier and its text"
expect_rc 0 "scale -o again into its own directory" "$CP" scale scenarios/scale-up-vs-scale-out.yaml -o "$T/scale-dir" -q
expect_rc 2 "scale --plot without -o" "$CP" scale scenarios/scale-up-vs-scale-out.yaml --plot
# Scaling a tier moves the bottleneck to the next one: a database that no size of web can help.
cat > "$T/next.yaml" <<YAML
simulation: {duration: 2m, warmup: 10s, replications: 3, seed: 4}
catalog:
  - {name: small, cores: 1, price: \$0.10/h}
  - {name: big2, cores: 2, price: \$0.20/h}
  - {name: big4, cores: 4, price: \$0.40/h}
workloads:
  - {name: w, target: web, rate: 100/s}
nodes:
  - {name: web, kind: server, size: small, workers: 512, service: exp(10ms), calls: [db]}
  - {name: db, kind: database, cores: 1, workers: 512, service: exp(3ms)}
slo: ["latency_p99 < 100ms"]
YAML
expect_rc 0 "scale with a database behind" "$CP" scale "$T/next.yaml" --node web --up big2,big4 --out 1..4 --load 100/s..300/s:3
grep -q "from size=big4 the bottleneck moves to db CPU cores: growing web further does not help" "$T/out" && ok || bad "scale-up: the bottleneck moves to the database"
grep -q "from instances=4 the bottleneck moves to db CPU cores" "$T/out" && ok || bad "scale-out: the bottleneck moves to the database"
grep -q "^  300/s  *cannot  *cannot  *neither" "$T/out" && ok || bad "neither strategy carries what the database cannot"
expect_rc 2 "scale without --node" "$CP" scale "$T/cost.yaml" --up two --out 1 --load 100/s
expect_rc 2 "scale of an unknown node" "$CP" scale scenarios/scale-up-vs-scale-out.yaml --node wbe
grep -q "no workload, node or failure is named 'wbe'" "$T/err" && ok || bad "scale names the unknown node"
printf 'scale: {node: web, upp: [a]}\n' >> "$T/cost.yaml"
expect_rc 3 "a scale: block with an unknown key" "$CP" validate "$T/cost.yaml"
grep -q "unknown key 'upp' in 'scale' (did you mean 'up'?)" "$T/err" && ok || bad "the scale: block's unknown key is suggested"

# The teaching sweeps say what their headers claim.
col_of() { # file header -> column number
	head -1 "$1" | tr ',' '\n' | grep -nFx "\"$2\"" | cut -d: -f1
}
expect_rc 0 "the hockey-stick sweep" "$CP" run scenarios/load-sweep-hockey-stick.yaml -o "$T/hockey"
grep -q "^Bottleneck moves from db CPU cores to web CPU cores at point 7 (shoppers.rate=350/s)" "$T/out" && ok || bad "hockey stick: the bottleneck moves from the database to the web tier at 350/s"
grep -q "^Knee: 'shoppers.latency_p99 < 100ms' first fails at point 8 (shoppers.rate=400/s)" "$T/out" && ok || bad "hockey stick: the SLO's knee at 400/s"
c=$(col_of "$T/hockey/sweep.csv" "shoppers.latency_p99 (s)")
[ -n "$c" ] && cut -d, -f"$c" "$T/hockey/sweep.csv" | tail -n +2 | awk 'NR == 1 { first = $1 } NR <= 6 && $1 >= 0.070 { bad = 1 } { last = $1 } END { exit !(!bad && NR == 9 && last > 5 * first) }' && ok || bad "hockey stick: p99 under 70ms up to 300/s, and 5 times higher at 450/s"
c=$(col_of "$T/hockey/sweep.csv" "e2e.cost_per_million_requests (\$)")
[ -n "$c" ] && cut -d, -f"$c" "$T/hockey/sweep.csv" | tail -n +2 | awk 'NR > 1 && $1 >= prev { bad = 1 } { prev = $1 } END { exit bad || NR != 9 }' && ok || bad "hockey stick: the cost per million requests falls at every step"
expect_rc 0 "the over-provisioning sweep" "$CP" run scenarios/over-provisioning.yaml -o "$T/over"
[ "$(grep -c '^[0-9] .* met ' "$T/out")" -eq 6 ] && ok || bad "over-provisioning: every point meets the SLO"
grep -q "^Bottleneck moves from web CPU cores to db CPU cores at point 3 (web.instances=4)" "$T/out" && ok || bad "over-provisioning: from 4 servers on, the database is the bottleneck"
c=$(col_of "$T/over/sweep.csv" "e2e.latency_p99 (s)")
m=$(col_of "$T/over/sweep.csv" "e2e.cost_per_million_requests (\$)")
[ -n "$c" ] && [ -n "$m" ] && awk -F, -v c="$c" -v m="$m" 'NR == 2 { p2 = $c; m2 = $m } NR == 7 { p12 = $c; m12 = $m } END { exit !(p2 - p12 < 0.002 && m12 > 2 * m2) }' "$T/over/sweep.csv" && ok || bad "over-provisioning: 10 more servers buy under 2ms of p99 and double the cost per million"

# A noisy neighbour: a limit per client stops only it, a global one everyone.
expect_rc 0 "the noisy-neighbour sweep" "$CP" run scenarios/noisy-neighbour.yaml -o "$T/noisy"
grep -q "^Knee: 'tenants.error_rate < 1%' first fails at point 2 (gw.rate_limit_by=global" "$T/out" && ok || bad "noisy neighbour: a global limit fails the tenants' SLO"
t=$(col_of "$T/noisy/sweep.csv" "tenants.error_rate (fraction)")
b=$(col_of "$T/noisy/sweep.csv" "big-customer.error_rate (fraction)")
[ -n "$t" ] && [ -n "$b" ] && awk -F, -v t="$t" -v b="$b" 'NR == 2 { ok = $t == 0 && $b > 0.86 && $b < 0.89 } NR == 3 { ok = ok && $t > 0.35 && $t < 0.40 && $b > 0.35 && $b < 0.40 } END { exit !ok }' "$T/noisy/sweep.csv" && ok || bad "noisy neighbour: per client 87.5% and 0% refused; global about 37.5% each"
printf 'workloads: [{name: w, target: gw, rate: 10/s}]\nnodes:\n  - {name: gw, kind: gateway, default: app, rate_limit_by: client}\n  - {name: app, kind: server, service: exp(1ms)}\n' > "$T/limitby.yaml"
printf 'workloads:\n  - {name: a, target: s, rate: 1/s, clients: 9000000}\n  - {name: b, target: s, rate: 1/s, clients: 2000000}\nnodes: [{name: s, kind: server, service: exp(1ms)}]\n' > "$T/clients.yaml"
expect_rc 3 "too many clients" "$CP" validate "$T/clients.yaml"
grep -q "clients.yaml:3:.*workload 'b': the workloads have more than 10000000 clients in all" "$T/err" && ok || bad "the clients of every workload are bounded, the one past the limit named"
expect_rc 3 "rate_limit_by without rate_limit" "$CP" validate "$T/limitby.yaml"
grep -q "'rate_limit_by' applies only with 'rate_limit'" "$T/err" && ok || bad "rate_limit_by without rate_limit is refused"

# An autoscaler's bad keys: named with their position.
asg_bad() { # keys expected-message what
	printf 'workloads: [{name: w, target: lb, rate: 10/s}]\nnodes:\n  - {name: lb, kind: load_balancer, targets: web}\n  - {name: web, kind: server, instances: 2, service: exp(1ms), calls: [db]}\n  - {name: db, kind: database, service: exp(1ms)}\n  - {name: a, kind: autoscaler, max: 4, %s}\n' "$1" > "$T/asg.yaml"
	expect_rc 3 "$3" "$CP" validate "$T/asg.yaml"
	grep -q "asg.yaml:6:[0-9]*: error: .*$2" "$T/err" && ok || { bad "$3"; cat "$T/err"; }
}
asg_bad "group: web" "an autoscaler needs a target: 'target_cpu' (e.g. 50%) or 'target_requests'" "an autoscaler without a target"
asg_bad "group: web, target_cpu: 50%, target_requests: 10" "give one of 'target_cpu' and 'target_requests', not both" "an autoscaler with two targets"
asg_bad "group: web, target_cpu: 50%, min: 5" "'min' (5) is above 'max' (4)" "an autoscaler's min above its max"
asg_bad "group: web, target_cpu: 50%, min: 3" "'web' starts with 2 instances, outside min 3 .. max 4" "a tier that starts outside min..max"
asg_bad "group: db, target_cpu: 50%" "'group' names 'db', a database: an autoscaler scales a server tier" "an autoscaled database"
asg_bad "group: web, target_cpu: 50%, schedule: [{at: 1m, max: 20}]" "entry 1 of 'schedule' raises max above the group's 'max' (4, its slots)" "a scheduled max above the slots"
asg_bad "group: web, target_cpu: 50%, schedule: [{at: 1m}]" "entry 1 of 'schedule' sets nothing" "a scheduled action that sets nothing"
# The summary's autoscaling lines, from the daily curve (two replications).
expect_rc 0 "autoscaling daily curve" "$CP" run scenarios/autoscaling-daily-curve.yaml --reps 2 -o "$T/daily"
grep -q '^Autoscaling fleet: .* instances on average, at most [0-9]*; a fixed fleet of [0-9]* would cost \$.*, scaling saves \$.* ([0-9]*%)' "$T/out" && ok || bad "the summary says what autoscaling saved"
expect_rc 0 "plot an autoscaled run" "$CP" plot "$T/daily"
[ -s "$T/daily/instances.png" ] && head -c 8 "$T/daily/instances.png" | grep -q PNG && [ -s "$T/daily/instances.svg" ] && ok || bad "plot draws instances.png and .svg for an autoscaler"
head -1 "$T/daily/timeseries.csv" | grep -q ",RequestCountPerTarget,GroupDesiredCapacity,GroupInServiceInstances,GroupPendingInstances,GroupTerminatingInstances,RequestCount_half_width,TargetResponseTime_p99_half_width,Utilization_half_width$" && ok || bad "timeseries.csv has the Group columns, then the half-widths"
# The half-widths are the replications' 95% intervals: none with one replication.
expect_rc 0 "one replication" "$CP" run "$T/small.yaml" --reps 1 -o "$T/one-rep" -q
awk -F, 'NR > 1 && ($(NF-2) != 0 || $NF != 0) { bad = 1 } END { exit bad }' "$T/one-rep/timeseries.csv" && ok || bad "one replication: half-widths of 0"
awk -F, 'NR > 1 && $(NF-2) > 0 { some = 1 } END { exit !some }' "$T/daily/timeseries.csv" && ok || bad "two replications: RequestCount's half-width above 0 somewhere"

# ---- plan (issue 17) ----
# The plan: block's mistakes, each named with its position.
plan_bad() { # plan-block expected-message what [extra node keys]
	printf 'catalog:\n  - {name: s1, cores: 1, price: $0.1/h}\n  - {name: s2, cores: 2, price: $0.2/h}\nworkloads: [{name: w, target: lb, rate: 10/s}]\nnodes:\n  - {name: lb, kind: load_balancer, targets: web}\n  - {name: web, kind: server, size: s1, instances: 2, service: exp(1ms)%s}\n%s\nslo: ["latency_p99 < 50ms"]\n' "$4" "$1" > "$T/planbad.yaml"
	expect_rc 3 "$3" "$CP" validate "$T/planbad.yaml"
	grep -q "planbad.yaml:[0-9]*:[0-9]*: error: .*$2" "$T/err" && ok || { bad "$3"; cat "$T/err"; }
}
plan_bad "plan: [web]" "'plan' expects a mapping of tiers" "a plan: block that is a list"
plan_bad "plan: {web: {sise: [s1, s2]}}" "unknown key 'sise' in 'plan' for 'web' (did you mean 'size'?)" "a plan tier's unknown key"
plan_bad "plan: {webb: {instances: 1..4}}" "'plan' names 'webb', which is no node (did you mean 'web'?)" "a plan naming no node"
plan_bad "plan: {lb: {size: [s1, s2]}}" "'plan' varies the size of 'lb', a load_balancer, which has no 'size'" "a plan varying a balancer's size"
plan_bad "plan: {web: {size: [s1, s2]}}" "'plan' varies the size of 'web', which gives 'cores' itself" "a planned size under the node's own cores" ", cores: 4"
plan_bad "plan: {web: {instances: []}}" "'instances' in 'plan' is an empty list" "a plan with an empty list"
plan_bad "plan: {web: {}}" "'web' in 'plan' varies nothing" "a plan tier that varies nothing"
plan_bad "plan: {web: {instances: 1..4}}" "'plan' varies 'web', which an autoscaler grows and shrinks" "a plan of an autoscaled tier" "}
  - {name: asg, kind: autoscaler, group: web, target_cpu: 50%, max: 4"
# The M/M/c case of tests/test_plan.c, small: the plan's values are checked when it runs.
cat > "$T/plan.yaml" <<YAML
simulation: {duration: 1m, warmup: 10s, replications: 4, seed: 3}
catalog:
  - {name: c9, cores: 9, price: \$0.09/h}
  - {name: c10, cores: 10, price: \$0.10/h}
  - {name: c11, cores: 11, price: \$0.11/h}
  - {name: c12, cores: 12, price: \$0.12/h}
  - {name: fast10, cores: 10, speed: 1.2, price: \$0.115/h}
workloads: [{name: users, target: app, rate: 900/s}]
nodes:
  - {name: app, kind: server, size: c12, workers: 10000, queue: unlimited, service: exp(10ms)}
plan:
  app: {size: [c9, c10, c11, c12, fast10], instances: 1..2}
slo: ["latency_mean < 11.5ms", "app.p_wait < 35%"]
YAML
expect_rc 0 "plan of the M/M/c case" "$CP" plan "$T/plan.yaml" --csv "$T/plan.csv" -j 1
cp "$T/out" "$T/plan1.out"
grep -q "^Cheapest design that meets every SLO at 900/s: \$0.115/h" "$T/out" && ok || bad "plan finds fast10 by Erlang C"
grep -q "^  app  *1 x fast10 *10 cores, speed 1.2, \$0.115/h each" "$T/out" && ok || bad "plan prints the winner's tier"
grep -q "✓ app.p_wait < 35%.*margin " "$T/out" && ok || bad "plan prints each SLO's margin"
grep -q "^Search: 10 designs.  Bounds ruled out 1 before simulating (1 tier option over 100% busy" "$T/out" && ok || bad "plan reports the designs the bounds ruled out"
n=$(sed -n 's/.* \([0-9]*\) simulations: .*/\1/p' "$T/out")
[ -n "$n" ] && [ "$(($(wc -l < "$T/plan.csv") - 1))" -eq "$n" ] && head -1 "$T/plan.csv" | grep -q "^design,predicted_cost_per_hour,stage,replications,verdict," && ok || bad "plan.csv has one row per simulation"
"$CP" plan "$T/plan.yaml" -j 2 > "$T/plan2.out" 2>/dev/null
cmp -s "$T/plan1.out" "$T/plan2.out" && ok || bad "plan prints the same for -j 1 and -j 2"
expect_rc 1 "plan at a load no design carries" "$CP" plan "$T/plan.yaml" --load 2500/s
grep -q "^No design meets the SLOs at 2500/s: every option of app is ruled out before simulating" "$T/out" && ok || bad "plan says no design can carry 2500/s"
expect_rc 2 "plan with a bad --load" "$CP" plan "$T/plan.yaml" --load fast
expect_rc 2 "plan with one screening replication" "$CP" plan "$T/plan.yaml" --screen-reps 1
expect_rc 2 "plan of a scenario without a plan: block" "$CP" plan "$T/small.yaml"
grep -q "has no plan: block" "$T/err" && ok || bad "plan asks for a plan: block"
sed 's/^slo: .*//' "$T/plan.yaml" > "$T/plan-noslo.yaml"
expect_rc 2 "plan of a scenario without SLOs" "$CP" plan "$T/plan-noslo.yaml"
sed 's/\[c9, c10, c11, c12, fast10\]/[c10, c99]/' "$T/plan.yaml" > "$T/plan-size.yaml"
expect_rc 3 "plan naming a size the catalog lacks" "$CP" plan "$T/plan-size.yaml"
grep -q "plan-size.yaml:12:[0-9]*: error: 'plan': app.size: 'c99' is no size of the scenario's catalog" "$T/err" && ok || bad "plan names the unknown size with its position"
sed 's/instances: 1..2/instances: [1, x]/' "$T/plan.yaml" > "$T/plan-count.yaml"
expect_rc 3 "plan with a count that is no number" "$CP" plan "$T/plan-count.yaml"
grep -q "plan-count.yaml:12:[0-9]*: error: 'plan': app.instances: 'x' is not an instance count" "$T/err" && ok || bad "plan names the bad count with its position"
expect_rc 0 "help plan" "$CP" help plan
# ---- results in SQLite (issue 18) ----
expect_rc 1 "a run with --sqlite (one SLO fails by design)" "$CP" run tests/data/sql-run.yaml --access-log -o "$T/sqlrun" --sqlite "$T/run.sqlite"
grep -q "^Results written to $T/sqlrun/ and $T/run.sqlite$" "$T/out" && ok || bad "run says where the database went"
# Every table holds as many rows as its CSV has lines after the header.
for pair in summary:summary.csv nodes:nodes.csv replications:replications.csv timeseries:timeseries.csv failures:failures.csv access_log:access.csv; do
	t=${pair%%:*} f=${pair#*:}
	want=$(($(wc -l < "$T/sqlrun/$f") - 1))
	got=$(sqlite3 "$T/run.sqlite" "SELECT COUNT(*) FROM $t")
	[ "$got" -eq "$want" ] && [ "$want" -gt 0 -o "$t" = failures ] && ok || bad "table $t has $got rows, $f $want"
done
[ "$(sqlite3 "$T/run.sqlite" "SELECT COUNT(*) FROM failures")" -eq 2 ] && ok || bad "the failure of each replication is in the database"
[ "$(sqlite3 "$T/run.sqlite" "SELECT value FROM run WHERE key = 'simulation.seed'")" = 9 ] && ok || bad "the run table holds the seed"
[ "$(sqlite3 "$T/run.sqlite" "SELECT typeof(TargetResponseTime_p99) || typeof(node) || typeof(in_warmup) FROM timeseries LIMIT 1")" = realtextinteger ] && ok || bad "numbers are stored as numbers"
expect_rc 0 "export of the same directory" "$CP" export "$T/sqlrun" "$T/export.sqlite"
for t in summary nodes replications timeseries failures access_log slo run; do
	[ "$(sqlite3 "$T/run.sqlite" "SELECT * FROM $t" | md5sum)" = "$(sqlite3 "$T/export.sqlite" "SELECT * FROM $t" | md5sum)" ] || { bad "run --sqlite and export differ in $t"; continue; }
	ok
done
expect_rc 0 "a sweep with --sqlite" "$CP" run tests/data/sql-run.yaml --set web.instances=2,3,4 -o "$T/sqlsweep" --sqlite "$T/sweep.sqlite" -q
[ "$(sqlite3 "$T/sweep.sqlite" "SELECT COUNT(*) FROM sweep_points")" -eq 3 ] && ok || bad "the sweep's three points are in the database"
# docs/sql.md: every query runs against the real run (or sweep) and returns rows.
awk -v dir="$T" '/^```sql$/ { n++; f = dir "/q" n ".sql"; inq = 1; next } /^```$/ { if (inq) close(f); inq = 0; next } inq { print > f }' docs/sql.md
nq=0
for q in "$T"/q*.sql; do
	nq=$((nq + 1))
	db="$T/run.sqlite"
	grep -q '^-- sweep' "$q" && db="$T/sweep.sqlite"
	if out=$(sqlite3 -bail "$db" < "$q" 2>"$T/sqlerr") && [ -n "$out" ] && [ ! -s "$T/sqlerr" ]; then ok; else bad "docs/sql.md query $(basename "$q") on $(basename "$db"): $out $(cat "$T/sqlerr")"; fi
done
[ "$nq" -ge 10 ] && ok || bad "docs/sql.md has its queries ($nq found)"
[ "$(sqlite3 "$T/run.sqlite" "SELECT check_text FROM slo WHERE verdict <> 'pass'")" = "availability >= 99.999%" ] && ok || bad "the SLO that did not pass is in the slo table"
# What export refuses, and leaves untouched.
expect_rc 4 "export of a directory that holds no results" "$CP" export "$T" "$T/none.sqlite"
[ ! -e "$T/none.sqlite" ] && ok || bad "a failed export leaves no file"
mkdir -p "$T/adir"
expect_rc 4 "export onto a directory" "$CP" export "$T/sqlrun" "$T/adir"
[ -d "$T/adir" ] && ok || bad "the directory is left as it was"
mkfifo "$T/fifo.sqlite"
expect_rc 4 "export onto a FIFO" "$CP" export "$T/sqlrun" "$T/fifo.sqlite"
[ -p "$T/fifo.sqlite" ] && ok || bad "the FIFO is left as it was"
echo keep > "$T/target.txt"
ln -s "$T/target.txt" "$T/link.sqlite"
expect_rc 0 "export onto a symbolic link" "$CP" export "$T/sqlrun" "$T/link.sqlite"
[ ! -L "$T/link.sqlite" ] && [ "$(cat "$T/target.txt")" = keep ] && ok || bad "the link is replaced, its target untouched"
ls "$T"/.*.tmp-* >/dev/null 2>&1 && bad "export leaves a temporary behind" || ok
expect_rc 2 "--sqlite with --no-write" "$CP" run tests/data/sql-run.yaml --no-write --sqlite "$T/x.sqlite"
expect_rc 2 "export without its arguments" "$CP" export "$T/sqlrun"
expect_rc 0 "help export" "$CP" help export
# compare --format html: one page, both sides' pictures side by side.
expect_rc 0 "a base with its pictures" "$CP" run "$T/small.yaml" -o "$T/cmp-a" -q --plot=svg
expect_rc 1 "compare --format html against one web server fewer" sh -c "'$CP' run '$T/small.yaml' --set web.instances=3 -o '$T/cmp-b' -q --plot=svg && '$CP' compare '$T/cmp-a' '$T/cmp-b' --format html"
grep -q '^<!DOCTYPE html>' "$T/out" && grep -q '<td class="fail">worse</td>' "$T/out" && [ "$(grep -c '<figure>' "$T/out")" -eq 4 ] && ! grep -Eq '<script|src=' "$T/out" && ok || bad "compare's page lists what got worse with both sides' pictures, self-contained"
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
