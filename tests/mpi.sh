#!/bin/sh
# make mpi-test: chokepoint-mpi on 2 ranks gives the same files as one
# process.  mpirun runs as root in CI, hence --allow-run-as-root.
BUILD=${1:-build}
T=$(mktemp -d "${TMPDIR:-/tmp}/chokepoint-mpi.XXXXXX")
trap 'rm -rf "$T"' EXIT
MPIRUN="mpirun -np 2 --oversubscribe"
[ "$(id -u)" -eq 0 ] && MPIRUN="$MPIRUN --allow-run-as-root"
fail=0
$MPIRUN "$BUILD/chokepoint-mpi" tests/memcheck.yaml -o "$T/mpi" --reps 5 || fail=1
"$BUILD/chokepoint" run tests/memcheck.yaml -o "$T/one" --reps 5 -q || fail=1
for f in summary.json summary.csv nodes.csv replications.csv timeseries.csv failures.csv scenario.resolved.yaml; do
	cmp -s "$T/one/$f" "$T/mpi/$f" || { echo "mpi: $f differs from a single run's"; fail=1; }
done
[ -e "$T/mpi.parts" ] && { echo "mpi: the parts directory remains"; fail=1; }
if [ $fail -eq 0 ]; then echo "mpi: 1 passed, 0 failed"; else echo "mpi: 0 passed, 1 failed"; fi
exit $fail
