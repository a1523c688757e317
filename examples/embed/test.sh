#!/bin/sh
# test.sh - the embedding example, built from an installed aslc, as a user
# would: `make install DESTDIR=...` into a temporary prefix, then
#
#   make    examples/embed/Makefile: app (quote and shipping embedded with
#           aslc -c) and quote (an executable), from the installed aslc and
#           pkg-config's aslrt; then touching the definition, a handler
#           source or a header rebuilds exactly what depends on it
#   cmake   examples/embed/CMakeLists.txt: find_package(aslc),
#           aslc_embed_workflow and aslc_add_workflow
#
# and the installed library exports only what the installed header
# declares (tests/exports.py). Run by tests/runtests from the top of the
# tree; ASLC (its directory is the build), ASLC_BACKEND, JSONEQ, RUNWRAP
# and SAN_FLAGS (a sanitizer build's flags) come from there.
set -u

ASLC=${ASLC:-$PWD/build/aslc}
JSONEQ=${JSONEQ:-$PWD/build/jsoneq}
RUNWRAP=${RUNWRAP:-}
BUILD=$(basename "$(dirname "$ASLC")")
DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$DIR/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/aslc-embed.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
failures=0
checks=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { checks=$((checks + 1)); }

# ---- install into a temporary prefix ----
PREFIX=/opt/aslc-test
ROOT=$TMP/root
if ! make -s -C "$TOP" install BUILD="$BUILD" PREFIX=$PREFIX DESTDIR="$ROOT" >"$TMP/install.log" 2>&1; then
	cat "$TMP/install.log"
	echo "FAIL: make install"
	exit 1
fi
P=$ROOT$PREFIX
export PATH="$P/bin:$PATH" PKG_CONFIG_PATH="$P/lib/pkgconfig"
# Nothing may come from the build tree.
unset ASLC_RUNTIME_DIR ASLC_INCLUDE_DIR
ASLCFLAGS=${ASLC_BACKEND:+--backend=$ASLC_BACKEND}
# A sanitizer build's runtime needs the sanitizer at every link.
CFLAGS="-O1 -g ${SAN_FLAGS:-}"
LDFLAGS="${SAN_FLAGS:-}"

check
python3 "$TOP/tests/exports.py" "$P/lib/libaslrt.a" "$P/include/aslrt.h" >"$TMP/exports" 2>&1 ||
	fail "the installed libaslrt.a exports what aslrt.h does not declare: $(cat "$TMP/exports")"

# run NAME EXPECTED-STATUS PROGRAM ARGS... < input: run, keep stdout in $TMP/out.
run() {
	want=$1
	shift
	$RUNWRAP "$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	[ "$got" -eq "$want" ] || { fail "$* exited $got, not $want: $(cat "$TMP/err")"; return 1; }
}

# Both builds give the same programs: check them the same way. $1: the build dir.
programs() {
	b=$1
	check
	run 0 "$b/app" <"$DIR/order.json" && "$JSONEQ" "$DIR/expected.json" "$TMP/out" 2>"$TMP/why" ||
		fail "$b/app: $(cat "$TMP/why" "$TMP/out" 2>/dev/null)"
	check
	# The host's own price list, given to its handlers as asl_options.data.
	run 0 "$b/app" --prices=sale <"$DIR/order.json" && grep -q '"amount":55.0' "$TMP/out" ||
		fail "$b/app --prices=sale: $(cat "$TMP/out")"
	check
	# A Catch, then a Fail state: the error reaches the host.
	echo '{"country": "US", "lines": [{"sku": "kiwi", "qty": 1}]}' >"$TMP/kiwi.json"
	run 1 "$b/app" <"$TMP/kiwi.json" &&
		grep -q '^quote failed in state Rejected: QuoteRejected: kiwi$' "$TMP/err" ||
		fail "$b/app on an unknown SKU: $(cat "$TMP/err")"
	check
	echo 'not json' | run 1 "$b/app" && grep -q "quote did not start: the input is not JSON" "$TMP/err" ||
		fail "$b/app on input that is not JSON: $(cat "$TMP/err")"
	check
	# The executable, with the same handlers compiled in.
	run 0 "$b/quote" --input "$DIR/order.json" && grep -q '"total":{"amount":110.0' "$TMP/out" ||
		fail "$b/quote: $(cat "$TMP/out" "$TMP/err")"
	check
	# Each object exports its two symbols and nothing else.
	for o in "$b"/quote.o "$b"/aslc/quote.o; do
		[ -f "$o" ] || continue
		nm -g --defined-only "$o" | awk 'NF == 3 && $3 !~ /^__odr_asan/ { print $3 }' | sort >"$TMP/syms"
		printf 'quote_program\nquote_run\n' | cmp -s - "$TMP/syms" ||
			fail "$o exports: $(cat "$TMP/syms")"
	done
}

# ---- make ----
M=$TMP/make
mkdir "$M"
cp "$DIR"/*.c "$DIR"/*.h "$DIR"/*.asl.json "$DIR/Makefile" "$M/"
mk() { make -C "$M" ASLC=aslc ASLCFLAGS="$ASLCFLAGS" CFLAGS="$CFLAGS" LDFLAGS="$LDFLAGS" "$@" >"$TMP/make.log" 2>&1; }
check
if mk; then
	programs "$M"
else
	fail "make: $(cat "$TMP/make.log")"
fi

# The outputs of the make build, with their modification times.
OUTPUTS="app quote app.o pricing.o quote.o shipping.o quote.h shipping.h"
stamps() { (cd "$M" && for f in $OUTPUTS; do echo "$f $(stat -c %Y.%y "$f")"; done) >"$1"; }
# rebuilt TOUCHED EXPECTED...: touch TOUCHED, make; exactly EXPECTED changed.
rebuilt() {
	touched=$1
	shift
	check
	stamps "$TMP/before"
	# File times have a resolution: make must see the touch as newer.
	sleep 1
	touch "$M/$touched"
	mk || { fail "make after touching $touched: $(cat "$TMP/make.log")"; return; }
	stamps "$TMP/after"
	changed=$(diff "$TMP/before" "$TMP/after" | sed -n 's/^> \([^ ]*\) .*/\1/p' | sort | tr '\n' ' ')
	expect=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$changed" = "$expect" ] ||
		fail "touching $touched rebuilt [$changed], not [$expect]"
}
rebuilt quote.asl.json quote.o quote app
rebuilt shipping.asl.json shipping.o app
rebuilt handlers.c quote
rebuilt pricing.c pricing.o app quote
rebuilt pricing.h pricing.o app.o app quote
check
stamps "$TMP/before"
mk && stamps "$TMP/after" && cmp -s "$TMP/before" "$TMP/after" ||
	fail "make with nothing touched rebuilt something"
check
# A definition aslc refuses stops the build, with its diagnostic.
sleep 1
printf '{"StartAt": "Nowhere", "States": {}}\n' >"$M/shipping.asl.json"
mk && fail "make went on with a broken definition"
grep -q "shipping.asl.json" "$TMP/make.log" || fail "no diagnostic for the broken definition: $(cat "$TMP/make.log")"

# ---- cmake ----
if command -v cmake >/dev/null 2>&1; then
	C=$TMP/cmake
	check
	if CFLAGS="$CFLAGS" LDFLAGS="$LDFLAGS" cmake -S "$DIR" -B "$C" -DCMAKE_PREFIX_PATH="$P" \
		-DASLCFLAGS="$ASLCFLAGS" >"$TMP/cmake.log" 2>&1 &&
		cmake --build "$C" >>"$TMP/cmake.log" 2>&1; then
		programs "$C"
		# A newer definition is compiled again; the rest is left alone.
		check
		sleep 1
		cp "$DIR/shipping.asl.json" "$TMP/shipping.asl.json"
		touch "$DIR/shipping.asl.json"
		cmake --build "$C" >"$TMP/cmake.log" 2>&1
		grep -q "aslc: .*shipping.o" "$TMP/cmake.log" && ! grep -q "aslc: .*quote" "$TMP/cmake.log" ||
			fail "cmake after touching shipping.asl.json: $(cat "$TMP/cmake.log")"
	else
		fail "cmake: $(cat "$TMP/cmake.log")"
	fi
else
	echo "note: cmake is not installed: the CMake build is skipped"
fi

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
