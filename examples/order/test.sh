#!/bin/sh
# test.sh - run every case of the order saga three ways, and check each:
#
#   C handlers    aslc order.asl.json handlers.c -o order
#   programs      ./order --bindings bindings.json      (handlers/orders.py)
#   mocks         ./order --mock-config MockConfigFile.json --test-case NAME
#
# cases/NAME/ holds input.json, expected.json (the result), test-case (the
# MockConfigFile test case) and steps (the handlers that must run, in
# order; handlers append to $ORDER_LOG). The validation is a Parallel whose
# branches run at once: the runs that check the order of the steps run
# them one at a time (--max-threads 1); the mock runs use threads. Run by
# tests/runtests from the top of the tree; ASLC, JSONEQ and RUNWRAP come
# from there.
set -u

ASLC=${ASLC:-$PWD/build/aslc}
JSONEQ=${JSONEQ:-$PWD/build/jsoneq}
RUNWRAP=${RUNWRAP:-}
DIR=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/aslc-order.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
failures=0
runs=0

"$ASLC" ${ASLC_BACKEND:+--backend=$ASLC_BACKEND} -O0 "$DIR/order.asl.json" "$DIR/handlers.c" -o "$TMP/order-c" || exit 1
"$ASLC" ${ASLC_BACKEND:+--backend=$ASLC_BACKEND} -O0 "$DIR/order.asl.json" -o "$TMP/order" || exit 1

# run CASE HOW EXE ARGS...: run one case; check the result and the steps.
run() {
	c=$1 how=$2 exe=$3
	shift 3
	runs=$((runs + 1))
	: >"$TMP/log"
	(cd "$DIR" && ORDER_LOG="$TMP/log" $RUNWRAP "$exe" --result --clock=virtual --name "$c" \
		--input "cases/$c/input.json" "$@") >"$TMP/result.json" 2>"$TMP/err"
	if [ $? -eq 99 ]; then
		echo "FAIL: $c ($how): valgrind"; cat "$TMP/err"; failures=$((failures + 1)); return
	fi
	if ! "$JSONEQ" "$DIR/cases/$c/expected.json" "$TMP/result.json" 2>"$TMP/why"; then
		echo "FAIL: $c ($how): the result differs"; cat "$TMP/why" "$TMP/result.json" "$TMP/err"
		failures=$((failures + 1)); return
	fi
	# The history, as the service records it for the same task results.
	if [ -n "${HIST:-}" ] &&
	   ! "$JSONEQ" --lines "$DIR/cases/$c/history.json" "$TMP/history.jsonl" 2>"$TMP/why"; then
		echo "FAIL: $c ($how): the history differs"; cat "$TMP/why" "$TMP/history.jsonl"
		failures=$((failures + 1)); return
	fi
	if [ "$how" != mocks ] && ! cmp -s "$DIR/cases/$c/steps" "$TMP/log"; then
		echo "FAIL: $c ($how): the handlers ran in another order"
		diff "$DIR/cases/$c/steps" "$TMP/log"
		failures=$((failures + 1))
	fi
}

for d in "$DIR"/cases/*/; do
	c=$(basename "$d")
	HIST=1 run "$c" "C handlers" "$TMP/order-c" --max-threads 1 --history "$TMP/history.jsonl"
	run "$c" programs "$TMP/order" --bindings bindings.json --max-threads 1
	run "$c" mocks "$TMP/order" --mock-config MockConfigFile.json --test-case "$(cat "$d/test-case")"
done
echo "$runs runs, $failures failed"
[ $failures -eq 0 ]
