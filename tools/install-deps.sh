#!/bin/sh
# Install the Debian packages chokepoint needs to build, test and plot, if any is missing.
# Run by `make deps` (and so by `make run` and `make test`); with arguments,
# installs those packages instead (`make fuzz` asks for clang this way).  Uses apt-get directly as root,
# through sudo otherwise; when neither works it names the packages and exits non-zero.
set -u
PKGS="libgsl-dev libcsv-dev libcmocka-dev libyaml-dev libcyaml-dev libjansson-dev libsqlite3-dev sqlite3 gnuplot-nox pkg-config"
[ $# -gt 0 ] && PKGS="$*"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "chokepoint: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo -n"
else
	echo "chokepoint: cannot install packages (not root and no password-less sudo)." >&2
	echo "chokepoint: please run: sudo apt-get install$missing" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "chokepoint: apt-get not found; install these packages by hand:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2 || { echo "chokepoint: 'apt-get update' failed" >&2; exit 1; }
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -q --no-install-recommends $missing >&2; then
	echo "chokepoint: 'apt-get install' failed; please install:$missing" >&2
	exit 1
fi
