#!/bin/sh
# deps.sh - install the Debian packages aslc needs to build and test.
#
#   scripts/deps.sh           install what is missing (apt-get; sudo if not root)
#   scripts/deps.sh --check   exit 0 if everything is there, 1 otherwise
#
# Build: a C compiler, make, pkg-config, jansson, libyaml (YAML definitions),
# libtcc (--backend=tcc, aslc run), LLVM 15 (--backend=llvm; optional:
# without it aslc builds and says the backend is unavailable).
# Tests: clang and tcc (the generated C must compile cleanly under gcc,
# clang and tcc), valgrind, and python3 for the conformance runner, procps
# (pgrep) for the tests, graphviz (dot: aslc graph --format=svg, and the
# tests render every drawing with it), cmake (the embedding example is built
# with CMake too), groff-base (the man page is checked), binutils (ld and
# objcopy make libaslrt.a and -c objects export only their API).
set -eu

PACKAGES="gcc make pkg-config libjansson-dev libyaml-dev clang tcc libtcc-dev llvm-15-dev valgrind python3 procps graphviz cmake groff-base binutils"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ "${1:-}" = "--check" ]; then
	if [ -n "$missing" ]; then
		echo "missing Debian packages:$missing" >&2
		exit 1
	fi
	exit 0
fi

if [ -z "$missing" ]; then
	echo "all Debian packages aslc needs are installed"
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps.sh: need root (or sudo) to install:$missing" >&2
	exit 1
fi

echo "installing:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
