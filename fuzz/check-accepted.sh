#!/bin/sh
# check-accepted.sh - every definition aslc accepts must give C that
# compiles without a warning.
#
#   fuzz/check-accepted.sh [DIR ...]    (default: tests/fuzz/corpus)
#
# For each file in the directories (a seed corpus, or the corpus a fuzz
# run grew, build-fuzz/corpus), runs `aslc -S --no-version`; where aslc
# accepts the input (exit 0), compiles the C as aslc's driver would
# (compiler/cc.c: -std=c11 -I include) with -Wall -Wextra -Wpedantic
# -Werror -c, as the cc suite of tests/runtests does.
# Inputs that give the same C are compiled once. Inputs aslc rejects are
# counted and skipped; aslc crashing (exit status above 2) is a failure
# too. Failing inputs are copied to $OUT (default build-fuzz/rejected-c)
# with the compiler's messages. Exit status 1 if anything failed.
#
# With CHECK_LLVM=1, every accepted input also goes through the llvm
# backend: `aslc --emit-llvm` at -O0 and -O2 must build, verify and
# optimise its module (no C is involved).
#
# Environment: BUILD (default build), CHECK_CC (default gcc),
# CHECK_CFLAGS (default -std=c11 -Wall -Wextra -Wpedantic -Werror), OUT,
# ASLC_FLAGS (more aslc options, e.g. -g for #line directives),
# CHECK_SUFFIX (.asl.yaml: read every input as YAML, for the corpus of
# make fuzz-yaml-run).
set -u

BUILD=${BUILD:-build}
ASLC=$PWD/$BUILD/aslc
CHECK_CC=${CHECK_CC:-gcc}
CHECK_CFLAGS=${CHECK_CFLAGS:--std=c11 -Wall -Wextra -Wpedantic -Werror}
OUT=${OUT:-build-fuzz/rejected-c}
ASLC_FLAGS=${ASLC_FLAGS:-}
CHECK_SUFFIX=${CHECK_SUFFIX:-}
CHECK_LLVM=${CHECK_LLVM:-}
[ $# -gt 0 ] || set -- tests/fuzz/corpus

if [ ! -x "$ASLC" ]; then
	echo "check-accepted: $ASLC is missing; run make" >&2
	exit 2
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/aslc-check.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
mkdir -p "$OUT"
: > "$TMP/seen"

total=0 accepted=0 rejected=0 unique=0 failed=0
for dir in "$@"; do
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		total=$((total + 1))
		in=$f
		if [ -n "$CHECK_SUFFIX" ]; then	# read as, e.g., YAML
			in=$TMP/input$CHECK_SUFFIX
			cp "$f" "$in"
		fi
		# shellcheck disable=SC2086
		"$ASLC" $ASLC_FLAGS -S --no-version --name fuzz -o "$TMP/out.c" "$in" 2>"$TMP/aslc.err" </dev/null
		st=$?
		if [ $st -eq 1 ] || [ $st -eq 2 ]; then
			rejected=$((rejected + 1))
			continue
		elif [ $st -ne 0 ]; then
			failed=$((failed + 1))
			echo "[FAIL] $f: aslc exit status $st"
			cp "$f" "$OUT/" && cp "$TMP/aslc.err" "$OUT/$(basename "$f").aslc.err"
			continue
		fi
		accepted=$((accepted + 1))
		sum=$(cksum < "$TMP/out.c")
		if grep -qxF "$sum" "$TMP/seen"; then
			continue
		fi
		echo "$sum" >> "$TMP/seen"
		unique=$((unique + 1))
		# shellcheck disable=SC2086
		if ! $CHECK_CC $CHECK_CFLAGS -Iinclude -c -o "$TMP/out.o" "$TMP/out.c" \
		     >"$TMP/cc.err" 2>&1; then
			failed=$((failed + 1))
			echo "[FAIL] $f: the generated C does not compile cleanly"
			sed 's/^/    /' "$TMP/cc.err" | head -20
			cp "$f" "$OUT/" && cp "$TMP/cc.err" "$OUT/$(basename "$f").cc.err"
		fi
		for level in ${CHECK_LLVM:+-O0 -O2}; do
			# shellcheck disable=SC2086
			if ! "$ASLC" $ASLC_FLAGS --emit-llvm $level --name fuzz -o "$TMP/out.ll" "$in" \
			     >"$TMP/llvm.err" 2>&1 </dev/null; then
				failed=$((failed + 1))
				echo "[FAIL] $f: the llvm backend fails at $level"
				sed 's/^/    /' "$TMP/llvm.err" | head -20
				cp "$f" "$OUT/" && cp "$TMP/llvm.err" "$OUT/$(basename "$f").llvm.err"
			fi
		done
	done
done
echo "check-accepted: $total inputs, $accepted accepted ($unique distinct C files compiled), $rejected rejected, $failed failed"
[ $failed -eq 0 ]
