#!/bin/sh
# conformance-engine.sh - how `make conformance` runs one recorded case:
#
#   conformance-engine.sh BUILD DEFINITION INPUT WORKDIR TASK_MOCKS
#
# Compiles the definition with aslc and runs it with --result on the
# virtual clock, the recorded task outcomes replayed through a mock file
# (tests/task_mocks.py). A definition aslc rejects for a reason of the
# language (not a feature it lacks) is reported as INVALID_DEFINITION, as
# the service rejects it when it is created. ASLC_BACKEND=tcc builds each
# case with --backend=tcc.
set -u
build=$1 definition=$2 input=$3 workdir=$4 task_mocks=$5
here=$(cd "$(dirname "$0")" && pwd)

"$build/aslc" ${ASLC_BACKEND:+--backend=$ASLC_BACKEND} -O0 --name conformance "$definition" -o "$workdir/machine" 2>"$workdir/aslc.err"
rc=$?
if [ $rc -eq 1 ] && ! grep -q "not supported yet" "$workdir/aslc.err"; then
	echo '{"status":"INVALID_DEFINITION"}'
	exit 0
fi
if [ $rc -ne 0 ]; then
	cat "$workdir/aslc.err" >&2
	exit $rc
fi
python3 "$here/task_mocks.py" "$task_mocks" "$definition" conformance >"$workdir/mocks.json" &&
exec "$workdir/machine" --input "$input" --result --clock=virtual \
	--mock-config "$workdir/mocks.json" --test-case recorded
