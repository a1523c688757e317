#!/bin/sh
# cli.sh - the command lines of aslc and of the executables it builds:
# options, exit status, stdout and stderr, installation. Run by runtests.
set -u

BUILD=${BUILD:-build}
ASLC=${ASLC:-$PWD/$BUILD/aslc}
RUNWRAP=${RUNWRAP:-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/aslc-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
checks=0
failures=0

# check NAME COMMAND...: the command must succeed.
check() {
	name=$1
	shift
	checks=$((checks + 1))
	if ! "$@" >"$TMP/check.out" 2>&1; then
		failures=$((failures + 1))
		echo "FAIL: $name"
		sed 's/^/    /' "$TMP/check.out" | head -20
	fi
}

# status WANT COMMAND...: run the command (stdout to out, stderr to err),
# and check its exit status.
status() {
	want=$1
	shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "exit status $got, expected $want: $*"
		cat "$TMP/err"
		return 1
	fi
}

contains() { grep -q -- "$2" "$1" || { echo "$1 does not contain '$2':"; cat "$1"; return 1; }; }
empty() { [ ! -s "$1" ] || { echo "$1 is not empty:"; cat "$1"; return 1; }; }
same() { cmp -s "$1" "$2" || { echo "$1 and $2 differ"; diff "$1" "$2" | head; return 1; }; }
# undated FILE: a --result line without its startDate and stopDate, which
# differ between two runs, into FILE.undated.
undated() { sed -E 's/"startDate":"[^"]*","stopDate":"[^"]*",//' "$1" >"$1.undated"; }

HELLO=examples/hello/hello.asl.json

# ---- aslc ----
t_aslc_usage() {
	status 0 "$ASLC" --help && contains "$TMP/out" "usage: aslc" &&
	status 0 "$ASLC" --version && contains "$TMP/out" "^aslc 0.1.0 (runtime libaslrt 0.1.0, ABI [0-9]*)$" &&
	status 2 "$ASLC" && contains "$TMP/err" "no definition given" &&
	status 2 "$ASLC" --frobnicate $HELLO && contains "$TMP/err" "unknown option --frobnicate" &&
	status 2 "$ASLC" -Wno-such-warning $HELLO && contains "$TMP/err" "unknown warning option" &&
	status 2 "$ASLC" "$TMP/missing.asl.json" && contains "$TMP/err" "cannot open"
}
check "aslc usage and exit status" t_aslc_usage

t_aslc_check() {
	status 0 "$ASLC" --check $HELLO && empty "$TMP/err" && empty "$TMP/out" &&
	status 1 "$ASLC" --check tests/errors/next-unknown.asl.json &&
	contains "$TMP/err" "aslc: 3 errors" &&
	printf 'StartAt: A\nStates: {A: {Type: Succeed}}\n' >"$TMP/def.yml" &&
	status 0 "$ASLC" --check "$TMP/def.yml" && empty "$TMP/err" &&
	printf 'StartAt: B\nStates: {A: {Type: Succeed}}\n' >"$TMP/def.yaml" &&
	status 1 "$ASLC" --check "$TMP/def.yaml" &&
	contains "$TMP/err" "def.yaml:1:10: error: \"StartAt\" names unknown state \"B\"" &&
	status 1 "$ASLC" -Werror --check tests/errors/retry-catch-warnings.asl.json &&
	contains "$TMP/err" "error: a catcher without \"ResultPath\"" &&
	status 0 "$ASLC" -Wno-catch-drops-input -Wno-unmatched-error --check tests/errors/retry-catch-warnings.asl.json &&
	empty "$TMP/err"
}
check "aslc --check and warnings" t_aslc_check

# The look of diagnostics: the source line and a caret (forced here, as
# stderr is not a terminal), colour, and one JSON document for tools.
t_aslc_diagnostics_look() {
	status 1 "$ASLC" --check -fdiagnostics-show-caret tests/errors/next-unknown.asl.json &&
	printf '%s\n' \
		'tests/errors/next-unknown.asl.json:4:43: error: "Next" names unknown state "Chrage"; did you mean "Charge"? [/States/Validate/Next]' \
		'    4 |     "Validate": { "Type": "Pass", "Next": "Chrage" },' \
		'      |                                           ^' >"$TMP/want" &&
	head -3 "$TMP/err" >"$TMP/got" && same "$TMP/want" "$TMP/got" &&
	status 1 "$ASLC" --check tests/errors/next-unknown.asl.json &&
	! grep -q '^ *4 |' "$TMP/err" &&
	status 1 "$ASLC" --check -fdiagnostics-color=always tests/errors/next-unknown.asl.json &&
	grep -q "$(printf '\033')\\[1;31merror:" "$TMP/err" &&
	status 1 "$ASLC" --check -fdiagnostics-color=never tests/errors/next-unknown.asl.json &&
	! grep -q "$(printf '\033')" "$TMP/err" &&
	status 1 "$ASLC" --check --diagnostics-format=json -Wextra tests/errors/next-unknown.asl.json &&
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["errors"] == 3 and d["warnings"] == 0, d
e = d["diagnostics"][0]
assert (e["severity"], e["line"], e["column"], e["pointer"], e["option"]) == \
	("error", 4, 43, "/States/Validate/Next", None), e
assert e["message"] == "\"Next\" names unknown state \"Chrage\"; did you mean \"Charge\"?", e
' "$TMP/err" &&
	status 0 "$ASLC" --check --diagnostics-format=json -Wextra tests/errors/lint-warnings.asl.json &&
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["errors"] == 0 and d["warnings"] == 3, d
assert [w["option"] for w in d["diagnostics"]] == ["-Wtask-no-timeout", "-Wretry-all-default",
	"-Wcatch-drops-input"], d
' "$TMP/err" &&
	status 0 "$ASLC" --check --diagnostics-format=json $HELLO &&
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["diagnostics"] == [] and d["errors"] == 0, d
' "$TMP/err" &&
	status 1 "$ASLC" --check --diagnostics-format=json tests/errors/json-malformed.asl.json &&
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["errors"] == 1 and d["diagnostics"][0]["line"] > 0, d
' "$TMP/err" &&
	status 2 "$ASLC" --check --diagnostics-format=xml $HELLO && contains "$TMP/err" "unknown option" &&
	status 2 "$ASLC" --check -fdiagnostics-color=sometimes $HELLO && contains "$TMP/err" "unknown option" &&
	status 2 "$ASLC" --check -Werror=no-such-warning $HELLO && contains "$TMP/err" "unknown warning option" &&
	status 0 "$ASLC" --check -Werror=catch-drops-input -Wno-error=catch-drops-input tests/errors/lint-werror.asl.json &&
	status 2 "$ASLC" --check "$TMP/none.asl.json" && contains "$TMP/err" "cannot open"
}
check "aslc diagnostics: caret, colour, JSON, exit status" t_aslc_diagnostics_look

t_aslc_outputs() {
	(cd "$TMP" && status 0 "$ASLC" -S "$OLDPWD/$HELLO") && [ -s "$TMP/hello.c" ] &&
	status 0 "$ASLC" -S $HELLO -o - && contains "$TMP/out" "^st_1_PickTone:" &&
	cp "$TMP/out" "$TMP/first.c" &&
	status 0 "$ASLC" -S $HELLO -o - && same "$TMP/first.c" "$TMP/out" &&
	status 0 "$ASLC" -S -g $HELLO -o "$TMP/g.c" &&
	contains "$TMP/g.c" "^#line 7 \"examples/hello/hello.asl.json\"" &&
	contains "$TMP/g.c" "^#line [0-9]* \"$TMP/g.c\"" &&
	(cd "$TMP" && status 0 "$ASLC" -O0 "$OLDPWD/$HELLO") && [ -x "$TMP/hello" ] &&
	status 0 "$ASLC" -O0 --name Greeter $HELLO -o "$TMP/greeter" &&
	status 0 "$TMP/greeter" --version && contains "$TMP/out" 'state machine "Greeter"'
}
check "aslc outputs: -S, -o, -g, default names, determinism" t_aslc_outputs

# ---- a generated executable ----
"$ASLC" -O0 $HELLO -o "$TMP/hello" 2>"$TMP/err" || { cat "$TMP/err"; exit 1; }

t_exe_io() {
	echo '{"name": "Ada", "excited": true}' >"$TMP/in.json" &&
	status 0 $RUNWRAP "$TMP/hello" --input "$TMP/in.json" &&
	contains "$TMP/out" '^{"greeting":"Hello","name":"Ada","tone":"excited"}$' && empty "$TMP/err" &&
	status 0 $RUNWRAP "$TMP/hello" --input-json '{"name":"B","excited":false}' &&
	contains "$TMP/out" '"name":"B","tone":"calm"' &&
	status 0 sh -c "echo '{\"name\":\"C\"}' | $RUNWRAP $TMP/hello" &&
	contains "$TMP/out" '"name":"C"' &&
	status 0 sh -c "echo '{\"name\":\"C2\"}' | $RUNWRAP $TMP/hello --input -" &&
	contains "$TMP/out" '"name":"C2"' &&
	status 0 sh -c "$RUNWRAP $TMP/hello --result --input-json '{\"name\":\"D\",\"excited\":1}'" &&
	contains "$TMP/out" '"status":"SUCCEEDED",.*"input":{"name":"D","excited":1},"output":{"greeting":"Hello","name":"D","tone":"calm"}}$'
}
check "executable: input from stdin, --input, --input-json; --result" t_exe_io

# --result carries DescribeExecution's fields; under --clock=virtual the
# stopDate is the logical end: 90 s of Wait after the startDate.
t_result_describes() {
	printf '{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":90,"Next":"F"},
	  "F":{"Type":"Fail","Error":"Late","Cause":"too slow"}}}' >"$TMP/late.asl.json" &&
	"$ASLC" -O0 "$TMP/late.asl.json" -o "$TMP/late" &&
	status 1 $RUNWRAP "$TMP/late" --result --clock=virtual --name run-1 --region eu-west-1 \
		--account 111122223333 --input-json '{"n": [1, 2]}' &&
	python3 - "$TMP/out" <<'PY'
import datetime, json, sys
r = json.load(open(sys.argv[1]))
assert list(r) == ["executionArn", "stateMachineArn", "name", "status", "startDate",
                   "stopDate", "input", "error", "cause"], list(r)
assert r["executionArn"] == "arn:aws:states:eu-west-1:111122223333:execution:late:run-1", r
assert r["stateMachineArn"] == "arn:aws:states:eu-west-1:111122223333:stateMachine:late", r
assert (r["name"], r["status"], r["input"]) == ("run-1", "FAILED", {"n": [1, 2]}), r
assert (r["error"], r["cause"]) == ("Late", "too slow"), r
t = [datetime.datetime.strptime(r[k], "%Y-%m-%dT%H:%M:%S.%fZ") for k in ("startDate", "stopDate")]
assert 90 <= (t[1] - t[0]).total_seconds() < 91, r
PY
}
check "--result: the DescribeExecution fields, the stopDate on the logical clock" t_result_describes

t_exe_failures() {
	status 1 $RUNWRAP "$TMP/hello" --input-json '{}' && empty "$TMP/out" &&
	contains "$TMP/err" 'execution failed in state "Greet": States.Runtime: An error occurred' &&
	status 1 $RUNWRAP "$TMP/hello" --result --input-json '{}' &&
	contains "$TMP/out" '"status":"FAILED",.*"input":{},"error":"States.Runtime","cause":' &&
	status 2 $RUNWRAP "$TMP/hello" --input-json '{"name": ' && contains "$TMP/err" "is not JSON" &&
	status 2 $RUNWRAP "$TMP/hello" --input "$TMP/none.json" && contains "$TMP/err" "cannot open" &&
	status 2 $RUNWRAP "$TMP/hello" --bogus && contains "$TMP/err" "unknown option '--bogus'" &&
	status 2 $RUNWRAP "$TMP/hello" --clock=fast && contains "$TMP/err" "--clock must be real or virtual" &&
	status 2 $RUNWRAP "$TMP/hello" --input && contains "$TMP/err" "needs a value" &&
	status 0 $RUNWRAP "$TMP/hello" --help && contains "$TMP/out" "usage: hello" &&
	status 0 $RUNWRAP "$TMP/hello" --version && contains "$TMP/out" "aslc runtime 0.1.0"
}
check "executable: failures, bad input and usage" t_exe_failures

t_exe_empty_input() {
	"$ASLC" -O0 tests/run/execution-empty-input/machine.asl.json -o "$TMP/empty" &&
	status 0 sh -c "$RUNWRAP $TMP/empty </dev/null" && contains "$TMP/out" '^{}$' &&
	status 0 sh -c "printf ' \n' | $RUNWRAP $TMP/empty" && contains "$TMP/out" '^{}$'
}
check "executable: empty input is {}" t_exe_empty_input

t_exe_bindings() {
	"$ASLC" -O0 tests/run/task-program/machine.asl.json -o "$TMP/task" &&
	status 2 $RUNWRAP "$TMP/task" --input-json '{}' &&
	contains "$TMP/err" "these Task states have nothing to run" &&
	contains "$TMP/err" "arn:aws:lambda:us-east-1:123456789012:function:Echo" &&
	contains "$TMP/err" "arn:aws:states:::dynamodb:putItem" &&
	status 2 $RUNWRAP "$TMP/task" --bind Echo=cat --input-json '{}' &&
	contains "$TMP/err" "dynamodb:putItem" &&
	status 2 $RUNWRAP "$TMP/task" --bind NoEquals && contains "$TMP/err" "NAME=COMMAND"
}
check "executable: unbound Task resources stop it before it starts" t_exe_bindings

# Documents print as the service prints them (reals as Java does); input
# may carry a byte order mark, \u0000 and blanks around it.
t_exe_printing() {
	"$ASLC" -O0 tests/run/execution-empty-input/machine.asl.json -o "$TMP/pass" &&
	status 0 $RUNWRAP "$TMP/pass" --input-json '[100.0, 1E7, 0.00001, 2.5, 3, -0.0, 1e21, "\u0000"]' &&
	contains "$TMP/out" '^\[100.0,1.0E7,1.0E-5,2.5,3,-0.0,1.0E21,"\\u0000"\]$' &&
	printf '\357\273\277 {"a": 1}\n\n' >"$TMP/bom.json" &&
	status 0 $RUNWRAP "$TMP/pass" --input "$TMP/bom.json" && contains "$TMP/out" '^{"a":1}$' &&
	status 2 $RUNWRAP "$TMP/pass" --input-json '123456789012345678901234' &&
	contains "$TMP/err" "integers of up to 64 bits"
}
check "executable: number printing and odd but valid input" t_exe_printing

t_exe_options() {
	status 2 $RUNWRAP "$TMP/hello" --name '' && contains "$TMP/err" "--name needs a non-empty UTF-8 value" &&
	status 2 $RUNWRAP "$TMP/hello" --region "$(printf '\377')" && contains "$TMP/err" "non-empty UTF-8" &&
	status 2 $RUNWRAP "$TMP/hello" --seed -1 && contains "$TMP/err" "--seed needs a number" &&
	status 2 $RUNWRAP "$TMP/hello" --max-events lots && contains "$TMP/err" "--max-events needs a number" &&
	status 2 $RUNWRAP "$TMP/hello" --history-max 0 && contains "$TMP/err" "--history-max needs a number above 0" &&
	"$ASLC" -O0 tests/run/task-program/machine.asl.json -o "$TMP/task2" &&
	status 0 $RUNWRAP "$TMP/task2" --input-json '{"order":{"id":1}}' --bind Echo=false \
		--bind Echo="cat >/dev/null; echo '{\"got\":1,\"resource\":2,\"state\":3}'" \
		--bind arn:aws:states:::dynamodb:putItem=cat && contains "$TMP/out" '"echo":1'
}
check "executable: option values are checked; the last --bind wins" t_exe_options

t_aslc_output_safety() {
	mkdir -p "$TMP/safe" && cp $HELLO "$TMP/safe/machine" &&
	(cd "$TMP/safe" && status 2 "$ASLC" machine) && contains "$TMP/err" "is the definition itself" &&
	status 2 "$ASLC" $HELLO -o - && contains "$TMP/err" "use -S" &&
	status 2 "$ASLC" $HELLO -o "$TMP/no/such/dir/x" && contains "$TMP/err" "cannot write" &&
	status 2 "$ASLC" $HELLO -o "$TMP" && contains "$TMP/err" "is a directory" &&
	mkfifo "$TMP/fifo" && status 2 "$ASLC" $HELLO -o "$TMP/fifo" &&
	contains "$TMP/err" "not a regular file" && [ -p "$TMP/fifo" ] &&
	mkdir "$TMP/tmpdir" &&
	status 2 env TMPDIR="$TMP/tmpdir" "$ASLC" --cc /nonexistent/cc $HELLO -o "$TMP/x" &&
	contains "$TMP/err" "cannot run the C compiler" &&
	[ -z "$(ls -A "$TMP/tmpdir")" ] &&
	status 2 "$ASLC" --name '' $HELLO && contains "$TMP/err" "non-empty UTF-8"
}
check "aslc: outputs never overwrite the definition; temp files are removed" t_aslc_output_safety

# Under --clock=virtual a Wait returns at once, but the context object
# sees the time it would have taken.
t_virtual_clock() {
	printf '%s' '{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":7200,"Next":"P"},
	  "P":{"Type":"Pass","Parameters":{"start.$":"$$.Execution.StartTime","now.$":"$$.State.EnteredTime"},"End":true}}}' \
		>"$TMP/clock.asl.json" &&
	"$ASLC" -O0 "$TMP/clock.asl.json" -o "$TMP/clock" &&
	status 0 $RUNWRAP "$TMP/clock" --clock=virtual &&
	start=$(sed 's/.*"start":"\([^"]*\)".*/\1/' "$TMP/out") &&
	now=$(sed 's/.*"now":"\([^"]*\)".*/\1/' "$TMP/out") &&
	elapsed=$(( $(date -u -d "$now" +%s) - $(date -u -d "$start" +%s) )) &&
	{ [ $elapsed -ge 7200 ] && [ $elapsed -lt 7260 ] ||
	  { echo "EnteredTime is $elapsed s after StartTime, expected 7200"; false; }; }
}
check "virtual clock: Wait is instant, \$\$ times advance" t_virtual_clock

# A program that writes a large result before reading a large input must
# not deadlock the executable (both pipes are non-blocking).
t_task_big_both_ways() {
	"$ASLC" -O0 tests/run/execution-timeout-in-task/machine.asl.json -o "$TMP/bigio" &&
	big=$(head -c 150000 /dev/zero | tr '\0' x) &&
	printf '{"big":"%s"}' "$big" >"$TMP/bigio.json" &&
	printf '#!/bin/sh\nprintf %s "\\""; head -c 100000 /dev/zero | tr "\\\\0" y; printf %s "\\""; cat >/dev/null\n' \
		'"%s"' '"%s"' >"$TMP/writer.sh" && chmod +x "$TMP/writer.sh" &&
	status 0 $RUNWRAP "$TMP/bigio" --input "$TMP/bigio.json" \
		--bind "Echo=$TMP/writer.sh" &&
	[ "$(wc -c <"$TMP/out")" -gt 100000 ]
}
check "task: a large result before a large input does not deadlock" t_task_big_both_ways

# Reals count as the service prints them (0.1 is 3 bytes, not 19).
t_result_size_of_reals() {
	{
		printf '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true,"Result":['
		i=0
		while [ $i -lt 40000 ]; do printf '0.1,'; i=$((i + 1)); done
		printf '0.1]}}}'
	} >"$TMP/reals.asl.json" &&
	"$ASLC" -O0 "$TMP/reals.asl.json" -o "$TMP/reals" &&
	# 40,001 reals of 3 bytes, 40,000 commas, [ ] and a newline
	status 0 $RUNWRAP "$TMP/reals" && [ "$(wc -c <"$TMP/out")" -eq 160006 ]
}
check "a 160 KB Result of reals is within the limit" t_result_size_of_reals

# A closed stdin, or an interrupted executable, leave no task program
# without input or running on.
# no_orphan PATTERN: no process matches PATTERN (given 3 s to die).
no_orphan() {
	i=0
	while pgrep -f "$1" >/dev/null; do
		i=$((i + 1))
		if [ $i -gt 60 ]; then
			echo "a task program ($1) outlived the executable"; pkill -f "$1"; return 1
		fi
		sleep 0.05
	done
}

# started PATTERN: wait (up to 10 s, for a loaded machine) until a process
# matches PATTERN: the task program is running.
started() {
	i=0
	until pgrep -f "$1" >/dev/null; do
		i=$((i + 1))
		if [ $i -gt 200 ]; then
			echo "the task program ($1) never started"; return 1
		fi
		sleep 0.05
	done
}

t_task_process_hygiene() {
	"$ASLC" -O0 tests/run/task-program-empty-output/machine.asl.json -o "$TMP/hyg" &&
	status 0 sh -c "$TMP/hyg --input-json '{\"a\":1}' --bind Echo=cat <&-" &&
	contains "$TMP/out" '"r":{"a":1}' || return 1
	# Killed by a signal, the executable ends its task program first.
	n=0
	for sig in TERM USR1 ALRM; do
		n=$((n + 1))
		{ "$TMP/hyg" --input-json '{}' --bind Echo="sleep 37.$n" >/dev/null 2>&1 & } &&
		pid=$! && started "sleep 37.$n" && kill -$sig $pid && { wait $pid; true; } &&
		no_orphan "sleep 37.$n" || return 1
	done
	# A signal ignored when it starts (nohup) stays ignored.
	{ nohup "$TMP/hyg" --input-json '{}' --bind Echo='sleep 0.6; echo 1' >"$TMP/nohup.out" 2>/dev/null & } &&
	pid=$! && sleep 0.3 && kill -HUP $pid && wait $pid &&
	contains "$TMP/nohup.out" '"r":1'
}
check "task: closed stdin; fatal signals end the task program too; nohup" t_task_process_hygiene

# Killed while Parallel branches run task programs on the pool's threads,
# the executable ends every one of them, then dies of the signal.
t_parallel_signal_ends_programs() {
	cat >"$TMP/psig.asl.json" <<'JSON'
{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
 {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:A", "End": true}}},
 {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:B", "End": true}}},
 {"StartAt": "C", "States": {"C": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:C", "End": true}}}]}}}
JSON
	"$ASLC" -O0 "$TMP/psig.asl.json" -o "$TMP/psig" || return 1
	{ "$TMP/psig" --max-threads 3 --input-json '{}' --bind A="sleep 39.1" --bind B="sleep 39.2" \
		--bind C="sleep 39.3" >/dev/null 2>&1 & } &&
	pid=$! && started "sleep 39.1" && started "sleep 39.2" && started "sleep 39.3" &&
	kill -TERM $pid && { wait $pid; [ $? -eq 143 ]; } &&
	no_orphan "sleep 39.1" && no_orphan "sleep 39.2" && no_orphan "sleep 39.3"
}
check "Parallel: a fatal signal ends every branch's task program" t_parallel_signal_ends_programs

# The service's 256 KiB limit on a state's result.
t_data_limit() {
	big=$(head -c 262144 /dev/zero | tr '\0' 'a') &&
	printf '{"StartAt":"Big","States":{"Big":{"Type":"Pass","Result":"%s","End":true}}}' "$big" >"$TMP/big.asl.json" &&
	"$ASLC" -O0 "$TMP/big.asl.json" -o "$TMP/big" &&
	status 1 $RUNWRAP "$TMP/big" --result &&
	contains "$TMP/out" '"error":"States.DataLimitExceeded"' &&
	contains "$TMP/out" "The state/task 'Big' returned a result with a size exceeding the maximum number of bytes service limit." &&
	printf '"%s"' "$big" >"$TMP/big.json" &&
	status 2 $RUNWRAP "$TMP/hello" --input "$TMP/big.json" &&
	contains "$TMP/err" "more than the service's limit of 262144 bytes"
}
check "the 256 KiB payload limit" t_data_limit

# --payload-limit moves that limit, or lifts it (0), for the input, state
# outputs and results from handlers and programs.
t_payload_limit() {
	big=$(head -c 262144 /dev/zero | tr '\0' 'a') &&
	printf '{"name":"%s"}' "$big" >"$TMP/bigname.json" &&
	status 0 $RUNWRAP "$TMP/big" --payload-limit 0 && [ "$(wc -c <"$TMP/out")" -eq 262147 ] &&
	status 0 $RUNWRAP "$TMP/big" --payload-limit=262146 &&
	status 1 $RUNWRAP "$TMP/big" --payload-limit 262145 &&
	contains "$TMP/err" "States.DataLimitExceeded" &&
	status 0 $RUNWRAP "$TMP/hello" --payload-limit 0 --input "$TMP/bigname.json" &&
	contains "$TMP/out" '"greeting":"Hello"' &&
	status 2 $RUNWRAP "$TMP/hello" --payload-limit 10 --input-json '{"name":"0123456789"}' &&
	contains "$TMP/err" "the input is 21 bytes, more than the payload limit of 10 bytes" &&
	status 1 $RUNWRAP "$TMP/hello" --payload-limit 40 --input-json '{"name":"0123456789"}' &&
	contains "$TMP/err" "States.DataLimitExceeded" &&
	cat >"$TMP/one.asl.json" <<'JSON' &&
{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:T",
 "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 3}], "End": true}}}
JSON
	"$ASLC" -O0 "$TMP/one.asl.json" -o "$TMP/one" &&
	status 0 $RUNWRAP "$TMP/one" --clock=virtual --payload-limit 20 \
		--bind T='if [ "$ASL_RETRY_COUNT" = 2 ]; then echo "{\"retries\":$ASL_RETRY_COUNT}"; else echo "{\"errorType\":\"Busy\"}"; exit 1; fi' &&
	contains "$TMP/out" '^{"retries":2}$' &&
	status 1 $RUNWRAP "$TMP/one" --payload-limit 10 --bind T='echo "{\"retries\":0}"' &&
	contains "$TMP/err" "States.DataLimitExceeded" &&
	status 2 $RUNWRAP "$TMP/hello" --payload-limit -1 && contains "$TMP/err" "needs a number of bytes" &&
	status 2 $RUNWRAP "$TMP/hello" --payload-limit x
}
check "--payload-limit moves or lifts the payload limit; programs see ASL_RETRY_COUNT" t_payload_limit

# A machine of more than 256 states is split over several C functions;
# transitions cross them both ways (S255 -> S256, Clear -> S300).
t_large_machine() {
	{
		printf '{"StartAt":"S0","States":{'
		i=0
		while [ $i -lt 600 ]; do
			if [ $i -eq 599 ]; then next=Back; else next=S$((i + 1)); fi
			printf '"S%d":{"Type":"Pass","Result":%d,"ResultPath":"$.last","Next":"%s"},' $i $i $next
			i=$((i + 1))
		done
		printf '"Back":{"Type":"Choice","Choices":[{"Variable":"$.again","BooleanEquals":true,"Next":"Clear"}],"Default":"Done"},'
		printf '"Clear":{"Type":"Pass","Result":false,"ResultPath":"$.again","Next":"S300"},'
		printf '"Done":{"Type":"Succeed","InputPath":"$.missing"}}}'
	} >"$TMP/large.asl.json" &&
	"$ASLC" -S "$TMP/large.asl.json" -o "$TMP/large.c" &&
	contains "$TMP/large.c" "^sm_0_part_2(asl_ctx" &&
	"$ASLC" ${ASLC_BACKEND:+--backend=$ASLC_BACKEND} -O1 "$TMP/large.asl.json" -o "$TMP/large" &&
	status 1 $RUNWRAP "$TMP/large" --result --input-json '{"again": true}' &&
	# ExecutionStarted, then 600 + 1 + 1 + 300 + 1 states of 2 events each:
	# Done is entered at event 1 + 2 * 903 + 1.
	contains "$TMP/out" "entered at the event id #1808)" &&
	# --test-state starts at any state of any part, and stops at the next.
	status 0 $RUNWRAP "$TMP/large" --test-state S555 --input-json '{}' &&
	contains "$TMP/out" '^{"output":"{\\"last\\":555}","nextState":"S556","status":"SUCCEEDED"}$' &&
	status 0 $RUNWRAP "$TMP/large" --test-state Clear --input-json '{"again": true}' &&
	contains "$TMP/out" '"nextState":"S300"'
}
check "a machine larger than one C function; --test-state in any part" t_large_machine

# The runtime exports what aslrt.h declares, and nothing else: a program
# linking it may name its own functions as it likes (but asl_*).
t_exports() {
	python3 tests/exports.py "$BUILD/libaslrt.a" include/aslrt.h &&
	# The check sees a symbol too many: the runtime's objects, unlocalized.
	ar rcs "$TMP/raw.a" "$BUILD"/runtime/*.o &&
	! python3 tests/exports.py "$TMP/raw.a" include/aslrt.h >/dev/null
}
check "libaslrt exports exactly the functions aslrt.h declares" t_exports

# make install honours PREFIX and DESTDIR; the installed aslc finds its
# runtime, and pkg-config and CMake describe it, relative to themselves.
t_install() {
	make -s install BUILD="$BUILD" PREFIX=/opt/aslc DESTDIR="$TMP/root" >"$TMP/install.log" 2>&1 &&
	[ -x "$TMP/root/opt/aslc/bin/aslc" ] && [ -f "$TMP/root/opt/aslc/lib/libaslrt.a" ] &&
	[ -f "$TMP/root/opt/aslc/include/aslrt.h" ] &&
	[ -f "$TMP/root/opt/aslc/share/man/man1/aslc.1" ] &&
	[ -f "$TMP/root/opt/aslc/lib/cmake/aslc/aslcConfig.cmake" ] &&
	[ -f "$TMP/root/opt/aslc/lib/cmake/aslc/aslcConfigVersion.cmake" ] &&
	"$TMP/root/opt/aslc/bin/aslc" -O0 $HELLO -o "$TMP/installed-hello" &&
	status 0 "$TMP/installed-hello" --input-json '{"name":"I"}' &&
	contains "$TMP/out" '"name":"I"' &&
	contains "$TMP/root/opt/aslc/lib/pkgconfig/aslrt.pc" '^prefix=${pcfiledir}/../..$' &&
	status 0 env PKG_CONFIG_PATH="$TMP/root/opt/aslc/lib/pkgconfig" pkg-config --cflags --libs aslrt &&
	contains "$TMP/out" "-I$TMP/root/opt/aslc/lib/pkgconfig/../../include" &&
	contains "$TMP/out" "-L$TMP/root/opt/aslc/lib/pkgconfig/../../lib -laslrt" &&
	contains "$TMP/out" "-ljansson" &&
	# Another layout: the library directory two levels down.
	make -s install BUILD="$BUILD" PREFIX=/usr/local LIBDIR=/usr/local/lib/x86_64 \
		DESTDIR="$TMP/root2" >"$TMP/install.log" 2>&1 &&
	contains "$TMP/root2/usr/local/lib/x86_64/pkgconfig/aslrt.pc" '^prefix=${pcfiledir}/../../..$' &&
	contains "$TMP/root2/usr/local/lib/x86_64/pkgconfig/aslrt.pc" '^libdir=${prefix}/lib/x86_64$' &&
	contains "$TMP/root2/usr/local/lib/x86_64/cmake/aslc/aslcConfig.cmake" '/../../../..".*ABSOLUTE' &&
	make -s uninstall PREFIX=/opt/aslc DESTDIR="$TMP/root" >/dev/null 2>&1 &&
	[ ! -e "$TMP/root/opt/aslc/bin/aslc" ] && [ ! -e "$TMP/root/opt/aslc/share/man/man1/aslc.1" ] &&
	[ ! -e "$TMP/root/opt/aslc/lib/cmake/aslc" ]
}
check "make install and uninstall with PREFIX and DESTDIR; pkg-config" t_install

# ---- aslc -c: workflows inside a C program (docs/embedding.md) ----
SAN_FLAGS=${SAN_FLAGS:-}
# Compile and link a host program against the build tree, as pkg-config would.
host_cc() { cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror $SAN_FLAGS -Iinclude "$@" \
	"$BUILD/libaslrt.a" -ljansson -lm -lpthread; }

t_object_names() {
	mkdir -p "$TMP/obj" &&
	cp examples/order-routing/order-routing.asl.json "$TMP/obj/" &&
	(cd "$TMP/obj" && "$ASLC" -c order-routing.asl.json --header routing.h) &&
	# The default output and prefix come from the file's name.
	nm -g --defined-only "$TMP/obj/order-routing.o" | awk 'NF == 3 && $3 !~ /^__odr_asan/ { print $3 }' >"$TMP/syms" &&
	printf 'order_routing_program\norder_routing_run\n' | same - "$TMP/syms" &&
	contains "$TMP/obj/routing.h" "^int order_routing_run(const char \*input, const asl_options \*opt, asl_result \*res);" &&
	contains "$TMP/obj/routing.h" "^#ifndef ASLC_ORDER_ROUTING_H" &&
	cp $HELLO "$TMP/obj/2fa.asl.json" && (cd "$TMP/obj" && "$ASLC" -c 2fa.asl.json) &&
	nm -g --defined-only "$TMP/obj/2fa.o" | grep -q " T _2fa_run$" &&
	"$ASLC" -c --prefix r2 $HELLO -o "$TMP/obj/r2.o" &&
	nm -g --defined-only "$TMP/obj/r2.o" | grep -q " T r2_run$" &&
	status 2 "$ASLC" -c --prefix 2bad $HELLO -o "$TMP/obj/x.o" && contains "$TMP/err" "a prefix is a C identifier" &&
	status 2 "$ASLC" -c --prefix asl_x $HELLO -o "$TMP/obj/x.o" && contains "$TMP/err" "are the runtime's" &&
	status 2 "$ASLC" --header "$TMP/obj/x.h" $HELLO -o "$TMP/obj/x" && contains "$TMP/err" "--header goes with -c" &&
	status 2 "$ASLC" --prefix p $HELLO && contains "$TMP/err" "--prefix goes with -c" &&
	status 2 "$ASLC" run -c $HELLO && contains "$TMP/err" "do not apply to aslc run" &&
	status 2 "$ASLC" -c $HELLO -o - && contains "$TMP/err" "cannot be written to stdout" &&
	status 2 "$ASLC" -c $HELLO -lm -o "$TMP/obj/x.o" && contains "$TMP/err" "-c makes an object" &&
	cp $HELLO "$TMP/obj/h.asl.json" &&
	status 2 "$ASLC" -c "$TMP/obj/h.asl.json" --header "$TMP/obj/h.asl.json" -o "$TMP/obj/x.o" &&
	contains "$TMP/err" "is the definition itself" && same $HELLO "$TMP/obj/h.asl.json" &&
	status 2 "$ASLC" "$TMP/obj/h.asl.json" -MD -MF "$TMP/obj/h.asl.json" -o "$TMP/obj/x" &&
	same $HELLO "$TMP/obj/h.asl.json" &&
	# objcopy failing: no half-made object, and the message names it.
	status 2 env OBJCOPY=false "$ASLC" -c examples/order/order.asl.json examples/order/handlers.c \
		-o "$TMP/obj/o.o" && contains "$TMP/err" "'false' failed on" && [ ! -e "$TMP/obj/o.o" ] &&
	# -c -S: the C of the object, with no main.
	"$ASLC" -c -S --prefix hi $HELLO -o "$TMP/obj/hi.c" &&
	contains "$TMP/obj/hi.c" "^hi_run(const char \*input" && ! grep -q "main(" "$TMP/obj/hi.c" &&
	# A header that has not changed is not written again.
	touch -d '2001-01-01' "$TMP/obj/routing.h" &&
	(cd "$TMP/obj" && "$ASLC" -c order-routing.asl.json --header routing.h) &&
	[ "$(stat -c %Y "$TMP/obj/routing.h")" = "$(date -d 2001-01-01 +%s)" ] &&
	(cd "$TMP/obj" && "$ASLC" -c --prefix other order-routing.asl.json --header routing.h) &&
	contains "$TMP/obj/routing.h" "other_run"
}
check "aslc -c: object, header, prefix from the file name or --prefix" t_object_names

# Two workflows with handlers of the same names, each in its object with
# its own handler table: one program links both, and runs both (api.c);
# with every backend.
t_object_link() {
	for b in cc tcc llvm; do
		case $b in
		tcc) [ -z "$SAN_FLAGS" ] || continue ;;
		llvm) "$ASLC" --backend=llvm --emit-llvm $HELLO -o "$TMP/probe.ll" 2>/dev/null || continue ;;
		esac
		mkdir -p "$TMP/link-$b" &&
		"$ASLC" --backend=$b -c tests/embed/greet.asl.json --header "$TMP/link-$b/greet.h" \
			-o "$TMP/link-$b/greet.o" &&
		"$ASLC" --backend=$b -c examples/order/order.asl.json examples/order/handlers.c \
			--header "$TMP/link-$b/order.h" -o "$TMP/link-$b/order.o" &&
		# The same handlers again, under another prefix: no clash.
		"$ASLC" --backend=$b -c --prefix order2 examples/order/order.asl.json \
			examples/order/handlers.c -o "$TMP/link-$b/order2.o" &&
		nm -g --defined-only "$TMP/link-$b/order.o" | awk 'NF == 3 && $3 !~ /^__odr_asan/ { print $3 }' >"$TMP/syms" &&
		printf 'order_program\norder_run\n' | same - "$TMP/syms" &&
		host_cc -I"$TMP/link-$b" -o "$TMP/link-$b/api" tests/embed/api.c "$TMP/link-$b/greet.o" \
			"$TMP/link-$b/order.o" "$TMP/link-$b/order2.o" &&
		status 0 $RUNWRAP "$TMP/link-$b/api" "$TMP/link-$b" examples/order/cases/happy-path/input.json \
			examples/order/MockConfigFile.json ||
		{ echo "backend $b"; return 1; }
	done
}
check "aslc -c: two workflows and their handlers in one program; asl_execute (tests/embed/api.c)" t_object_link

# The helper threads of Parallel and Map across executions (pool.c):
# reused, within each execution's max_threads, started again after fork
# (which ThreadSanitizer does not follow).
t_embed_pool() {
	mkdir -p "$TMP/pool" &&
	"$ASLC" -c tests/embed/fan.asl.json --header "$TMP/pool/fan.h" -o "$TMP/pool/fan.o" &&
	host_cc -I"$TMP/pool" -o "$TMP/pool/pool" tests/embed/pool.c "$TMP/pool/fan.o" &&
	case "$SAN_FLAGS" in
	*thread*) status 0 $RUNWRAP "$TMP/pool/pool" nofork ;;
	*) status 0 $RUNWRAP "$TMP/pool/pool" ;;
	esac
}
check "asl_execute: Parallel's helper threads reused across executions, within max_threads (tests/embed/pool.c)" t_embed_pool

# Out of memory: a workflow run with each of its allocations failing in
# turn (tests/oom/failalloc.c). Every run ends in a clean way: the right
# output, a failure that says out of memory (or a handler's that its
# Catch takes), or a refusal that says so; never a crash, and never an
# output or a path that a failed allocation changed (jansson's parser can
# lose a character then: the executable refuses what it parsed through
# one). The sanitizers have allocators of their own: not under them.
#
#	oom_sweep PROGRAM INPUT	after failalloc.so is built
oom_sweep() {
	exe=$1 in=$2 &&
	shift 2 &&
	status 0 "$exe" --clock=virtual "$@" <"$in" && cp "$TMP/out" "$TMP/oom/want" &&
	k=0 &&
	while [ $k -lt 5000 ]; do
		rm -f "$TMP/oom/mark"
		FAIL_ALLOC=$k FAIL_ALLOC_MARK="$TMP/oom/mark" LD_PRELOAD="$TMP/oom/failalloc.so" \
			"$exe" --clock=virtual "$@" <"$in" >"$TMP/oom/out" 2>"$TMP/oom/err"
		rc=$?
		[ -e "$TMP/oom/mark" ] || break
		case $rc in
		0) cmp -s "$TMP/oom/out" "$TMP/oom/want" || { echo "allocation $k: another output"; return 1; } ;;
		1) grep -q -e 'States.Runtime: out of memory$' -e "returned NULL without calling asl_call_fail" \
			-e 'OrderFailed: Order could not be completed; compensation ran$' "$TMP/oom/err" ||
			{ echo "allocation $k: $(cat "$TMP/oom/err")"; return 1; } ;;
		2) grep -q -e 'out of memory$' -e 'Cannot allocate memory$' "$TMP/oom/err" ||
			{ echo "allocation $k: $(cat "$TMP/oom/err")"; return 1; } ;;
		*) echo "allocation $k: exit status $rc: $(cat "$TMP/oom/err")"; return 1 ;;
		esac
		k=$((k + 1))
	done
	# It reached the end, past a few dozen allocations.
	[ -e "$TMP/oom/mark" ] && { echo "more than 5000 allocations"; return 1; }
	[ $k -gt 30 ]
}
t_out_of_memory() {
	mkdir -p "$TMP/oom" &&
	cc -shared -fPIC -O2 -o "$TMP/oom/failalloc.so" tests/oom/failalloc.c &&
	"$ASLC" examples/order/order.asl.json examples/order/handlers.c -o "$TMP/oom/order" &&
	oom_sweep "$TMP/oom/order" examples/order/cases/happy-path/input.json &&
	# States.StringToJson parses too: a string of JSON in the input.
	printf '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true,"Parameters":{"v.$":"States.StringToJson($.s)"}}}}' \
		>"$TMP/oom/parse.asl.json" &&
	printf '{"s":"{\\"card\\":\\"4242-4242-4242-4242\\",\\"n\\":[1,2,3]}"}' >"$TMP/oom/parse.json" &&
	"$ASLC" "$TMP/oom/parse.asl.json" -o "$TMP/oom/parse" &&
	oom_sweep "$TMP/oom/parse" "$TMP/oom/parse.json" &&
	contains "$TMP/oom/want" '"card":"4242-4242-4242-4242"' &&
	# Distributed Maps that list a bucket, and read each object listed.
	for t in list flatten; do
		d=$PWD/tests/run/map-item-reader-$t &&
		"$ASLC" "$d/machine.asl.json" -o "$TMP/oom/$t" || return 1
	done &&
	oom_sweep "$TMP/oom/list" tests/run/map-item-reader-list/input.json \
		--bind s3://b="$PWD/tests/run/map-item-reader-list/bucket" \
		--bind s3://b/special/="$PWD/tests/run/map-item-reader-list/other" &&
	contains "$TMP/oom/want" '"special/s.txt"' &&
	oom_sweep "$TMP/oom/flatten" /dev/null --bind s3://b="$PWD/tests/run/map-item-reader-flatten/bucket" &&
	contains "$TMP/oom/want" '"washer"'
}
if [ -z "$SAN_FLAGS" ]; then
	check "out of memory at each allocation (the order saga, States.StringToJson, ItemReader listings): a clean end, never a crash or another output" t_out_of_memory
fi

# -MD and its companions write the rule gcc would: the output, then the
# definition, the handler files and their headers.
t_depfiles() {
	mkdir -p "$TMP/deps/inc dir" &&
	printf '#define SUFFIX "!"\n' >"$TMP/deps/inc dir/suffix.h" &&
	cat >"$TMP/deps/h.c" <<-'EOF' &&
	#include "aslrt.h"
	#include "suffix.h"
	#include <math.h>
	double twice(double);
	static json_t *
	shout(asl_call *call, json_t *in)
	{
		(void)call;
		(void)in;
		return json_pack("{s:s, s:f}", "text", "hi" SUFFIX GREETING, "n", twice(sqrt(4.0)));
	}
	ASL_HANDLERS({ "shout", shout });
	EOF
	printf 'double twice(double x) { return 2 * x; }\n' >"$TMP/deps/twice.c" &&
	cc -c -o "$TMP/deps/twice.o" "$TMP/deps/twice.c" && ar rcs "$TMP/deps/libtwice.a" "$TMP/deps/twice.o" &&
	# -I, -D (with a space in the value), -L and -l reach the compiler and the link.
	"$ASLC" -MD tests/embed/greet.asl.json "$TMP/deps/h.c" -I "$TMP/deps/inc dir" \
		-D'GREETING=" there"' -L"$TMP/deps" -ltwice -lm -o "$TMP/deps/greet" &&
	status 0 $RUNWRAP "$TMP/deps/greet" --input-json '{}' &&
	contains "$TMP/out" '"text":"hi! there","n":4.0' &&
	# -MD: OUT.d, system headers included; the space in a name escaped.
	contains "$TMP/deps/greet.d" "^$TMP/deps/greet: tests/embed/greet.asl.json" &&
	contains "$TMP/deps/greet.d" "inc\\\\ dir/suffix.h" &&
	contains "$TMP/deps/greet.d" "/math.h" &&
	! grep -q "^[^ ].*:$" "$TMP/deps/greet.d" &&
	# -MMD -MF -MT -MP: no system headers, a file and target of our own,
	# and an empty rule for each prerequisite but the definition.
	"$ASLC" -MMD -MF "$TMP/deps/x.dep" -MT mytarget -MP tests/embed/greet.asl.json "$TMP/deps/h.c" \
		-I "$TMP/deps/inc dir" -D'GREETING=""' -L"$TMP/deps" -ltwice -lm -o "$TMP/deps/greet" &&
	contains "$TMP/deps/x.dep" "^mytarget: tests/embed/greet.asl.json $TMP/deps/h.c" &&
	! grep -q "/math.h" "$TMP/deps/x.dep" &&
	contains "$TMP/deps/x.dep" "^$TMP/deps/h.c:$" &&
	contains "$TMP/deps/x.dep" "suffix.h:$" &&
	! grep -q "^tests/embed/greet.asl.json:" "$TMP/deps/x.dep" &&
	[ "$(grep -c "^$TMP/deps/h.c:$" "$TMP/deps/x.dep")" = 1 ] &&
	# -c: the object's rule; -S: the C's.
	"$ASLC" -c -MD tests/embed/greet.asl.json -o "$TMP/deps/g.o" &&
	contains "$TMP/deps/g.d" "^$TMP/deps/g.o: tests/embed/greet.asl.json$" &&
	status 2 "$ASLC" -MF x.d $HELLO && contains "$TMP/err" "go with -MD or -MMD" &&
	status 2 "$ASLC" --check -MD $HELLO && contains "$TMP/err" "do not apply to --check"
}
check "-MD, -MMD, -MF, -MT, -MP; -I, -D, -L and -l" t_depfiles

# aslc --help and the man page list the same options; so do an
# executable's --help and the man page (tests/man-options.sh).
t_man() {
	"$ASLC" -O0 $HELLO -o "$TMP/man-hello" &&
	sh tests/man-options.sh "$ASLC" docs/aslc.1 "$TMP/man-hello"
	r=$?
	[ $r -eq 77 ] && echo "note: groff is not installed: the man page check is skipped" >&2 && return 0
	return $r
}
check "aslc --help, an executable's --help and aslc.1 list the same options" t_man

# ---- Task bindings: mock files, bindings files, C handlers ----

# A mock file is checked before anything runs, and its errors name the place.
t_mock_config_errors() {
	"$ASLC" -O0 tests/run/retry-succeeds-on-third-attempt/machine.asl.json -o "$TMP/saga" &&
	m() { printf '%s\n' "$1" >"$TMP/m.json"; }
	m '{"StateMachines": {"saga": {"TestCases": {"t": {"Charge": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": {"Payload": 1}}}}}' &&
	status 0 "$TMP/saga" --mock-config "$TMP/m.json" --test-case t --state-machine saga --input-json '{}' &&
	status 2 "$TMP/saga" --mock-config "$TMP/m.json" --test-case t &&
	contains "$TMP/err" 'no state machine "machine" in "StateMachines" (it has "saga")' &&
	contains "$TMP/err" "--state-machine NAME" &&
	status 2 "$TMP/saga" --mock-config "$TMP/m.json" --test-case nope --state-machine saga &&
	contains "$TMP/err" 'no test case "nope" for the state machine "saga" (it has "t")' &&
	status 2 "$TMP/saga" --mock-config "$TMP/m.json" &&
	contains "$TMP/err" "needs --test-case" &&
	status 2 "$TMP/saga" --mock-config "$TMP/none.json" --test-case t &&
	contains "$TMP/err" "none.json" &&
	m '{"StateMachines": {"machine": {"TestCases": {"t": {"Charged": "R"}}}}, "MockedResponses": {"R": {}}}' &&
	status 2 "$TMP/saga" --mock-config "$TMP/m.json" --test-case t &&
	contains "$TMP/err" '"Charged", which is not a Task state' &&
	m '{"StateMachines": {"machine": {"TestCases": {"t": {"Charge": "Q"}}}}, "MockedResponses": {"R": {}}}' &&
	status 2 "$TMP/saga" --mock-config "$TMP/m.json" --test-case t &&
	contains "$TMP/err" '"Q", which is not in "MockedResponses"' &&
	m '{"StateMachines": {"machine": {"TestCases": {"t": {"Charge": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": 1}, "2": {"Return": 2}}}}' &&
	status 2 "$TMP/saga" --mock-config "$TMP/m.json" --test-case t &&
	contains "$TMP/err" "invocation 1 is not mocked" &&
	m '{"StateMachines": {"machine": {"TestCases": {"t": {"Charge": "R"}}}}, "MockedResponses": {"R": {"0-2": {"Return": 1}, "1": {"Return": 2}}}}' &&
	status 2 "$TMP/saga" --mock-config "$TMP/m.json" --test-case t &&
	contains "$TMP/err" "invocation 1 is mocked twice" &&
	m '{"StateMachines": {"machine": {"TestCases": {"t": {"Charge": "R"}}}}, "MockedResponses": {"R": {"first": {"Return": 1}}}}' &&
	status 2 "$TMP/saga" --mock-config "$TMP/m.json" --test-case t &&
	contains "$TMP/err" '"first" is not an invocation number' &&
	m '{"StateMachines": {"machine": {"TestCases": {"t": {"Charge": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}}' &&
	status 2 "$TMP/saga" --mock-config "$TMP/m.json" --test-case t &&
	contains "$TMP/err" 'exactly one of "Return" or "Throw"' &&
	m '{"StateMachines": {"machine": {"TestCases": {"t": {"Charge": "R"}}}}, "MockedResponses": {"R": {"0": {"Throw": {"Cause": "c"}}}}}' &&
	status 2 "$TMP/saga" --mock-config "$TMP/m.json" --test-case t &&
	contains "$TMP/err" 'must throw {"Error"' &&
	m '{"StateMachines": {"machine": {"TestCases": {"t": {}}}}, "MockedResponses": {}' &&
	status 2 "$TMP/saga" --mock-config "$TMP/m.json" --test-case t &&
	contains "$TMP/err" "m.json:2:0: '}' expected" &&
	# The file the Step Functions Local way: $SFN_MOCK_CONFIG.
	m '{"StateMachines": {"machine": {"TestCases": {"t": {"Charge": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": {"Payload": 5}}}}}' &&
	status 0 env SFN_MOCK_CONFIG="$TMP/m.json" "$TMP/saga" --test-case t --input-json '{}' &&
	contains "$TMP/out" '"paid":5'
}
check "mock files: every mistake stops the executable before it starts" t_mock_config_errors

# A legacy Lambda's mocked response is the Invoke response; an activity
# cannot be mocked.
t_mock_shapes() {
	printf '%s\n' '{"StartAt":"L","States":{"L":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Next":"A"},"A":{"Type":"Task","Resource":"arn:aws:states:us-east-1:1:activity:a","End":true}}}' >"$TMP/shapes.asl.json" &&
	"$ASLC" -O0 "$TMP/shapes.asl.json" -o "$TMP/shapes" &&
	printf '%s\n' '{"StateMachines": {"shapes": {"TestCases": {"t": {"L": "R"}, "u": {"A": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": {"body": 1}}}}}' >"$TMP/m.json" &&
	status 2 "$TMP/shapes" --mock-config "$TMP/m.json" --test-case t &&
	contains "$TMP/err" 'must return the Lambda Invoke response' &&
	status 2 "$TMP/shapes" --mock-config "$TMP/m.json" --test-case u &&
	contains "$TMP/err" 'activity states cannot be mocked'
}
check "mock files: Lambda responses, and no activities" t_mock_shapes

t_bindings_file_errors() {
	"$ASLC" -O0 tests/run/task-program/machine.asl.json -o "$TMP/task" &&
	printf '[1]\n' >"$TMP/b.json" &&
	status 2 "$TMP/task" --bindings "$TMP/b.json" && contains "$TMP/err" "bindings are an object" &&
	printf '{"Echo": {"Command": "cat", "Timout": 3}}\n' >"$TMP/b.json" &&
	status 2 "$TMP/task" --bindings "$TMP/b.json" && contains "$TMP/err" '"Timout" is not a field of a binding' &&
	printf '{"Echo": {"Command": "cat", "Timeout": 0}}\n' >"$TMP/b.json" &&
	status 2 "$TMP/task" --bindings "$TMP/b.json" && contains "$TMP/err" '"Echo" must be a command' &&
	printf '{"Echo": ""}\n' >"$TMP/b.json" &&
	status 2 "$TMP/task" --bindings "$TMP/b.json" && contains "$TMP/err" '"Echo" must be a command' &&
	printf '{"Echo": "cat",}\n' >"$TMP/b.json" &&
	status 2 "$TMP/task" --bindings "$TMP/b.json" && contains "$TMP/err" "b.json:1:" &&
	status 2 "$TMP/task" --bindings "$TMP/nothing.json" && contains "$TMP/err" "nothing.json"
}
check "bindings files: mistakes are errors that name them" t_bindings_file_errors

# Errors in a handler file are the handler's, not aslc's; a table that is
# missing, or names nothing the machine runs, is said so.
t_c_handler_build() {
	printf '#include "aslrt.h"\nint broken(void) { return nope; }\n' >"$TMP/bad.c" &&
	status 2 "$ASLC" -O0 tests/run/c-handlers/machine.asl.json "$TMP/bad.c" -o "$TMP/h" &&
	contains "$TMP/err" "failed on $TMP/bad.c" && ! grep -q "aslc bug" "$TMP/err" &&
	printf '#include "aslrt.h"\nint unused;\n' >"$TMP/notable.c" &&
	status 2 "$ASLC" -O0 tests/run/c-handlers/machine.asl.json "$TMP/notable.c" -o "$TMP/h" &&
	contains "$TMP/err" "linking the handlers failed: the handler files must define the table once, with ASL_HANDLERS" &&
	! grep -q "aslc bug" "$TMP/err" &&
	printf '#include "aslrt.h"\nstatic json_t *f(asl_call *c, json_t *i) { (void)c; return json_incref(i); }\nASL_HANDLERS({ "Validat", f });\n' >"$TMP/typo.c" &&
	status 0 "$ASLC" -O0 tests/run/c-handlers/machine.asl.json "$TMP/typo.c" -o "$TMP/h" &&
	status 2 "$TMP/h" --input-json '{}' &&
	contains "$TMP/err" '"Validate": arn:aws:lambda:us-east-1:123456789012:function:Validate' &&
	contains "$TMP/err" '"Charge": arn:aws:states:::lambda:invoke (FunctionName Charge)'
}
check "C handlers: build errors and unbound states" t_c_handler_build

# A state output over 256 KiB ends the execution: no Catch takes it.
t_state_output_limit_is_terminal() {
	printf '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","ResultPath":"$.r","Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.caught","Next":"C"}],"Retry":[{"ErrorEquals":["States.ALL"]}],"End":true},"C":{"Type":"Pass","End":true}}}' >"$TMP/out-limit.asl.json" &&
	"$ASLC" -O0 "$TMP/out-limit.asl.json" -o "$TMP/out-limit" &&
	printf '{"big":"%s"}' "$(head -c 200000 /dev/zero | tr '\0' a)" >"$TMP/out-limit.json" &&
	status 1 $RUNWRAP "$TMP/out-limit" --result --clock=virtual --input "$TMP/out-limit.json" \
		--bind f='cat >/dev/null; printf "\"%s\"" "$(head -c 100000 /dev/zero | tr "\\0" b)"' &&
	contains "$TMP/out" '"error":"States.DataLimitExceeded"' &&
	contains "$TMP/out" "The state/task 'T' returned a result"
}
check "a state output over the limit is never retried or caught" t_state_output_limit_is_terminal

# Without pidfd_open (old kernels, some sandboxes, valgrind) task programs
# are still seen to exit. A preloaded shim takes the call away.
t_task_without_pidfd() {
	case "$BUILD" in *san*) return 0 ;; esac	# ASan must be loaded first
	printf '%s\n' '#define _GNU_SOURCE' '#include <dlfcn.h>' '#include <errno.h>' '#include <stdarg.h>' \
		'#include <sys/syscall.h>' \
		'long syscall(long n, ...) { va_list ap; long a[6]; int i; long (*real)(long, ...);' \
		'  va_start(ap, n); for (i = 0; i < 6; i++) a[i] = va_arg(ap, long); va_end(ap);' \
		'  if (n == SYS_pidfd_open) { errno = ENOSYS; return -1; }' \
		'  real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");' \
		'  return real(n, a[0], a[1], a[2], a[3], a[4], a[5]); }' >"$TMP/nopidfd.c" &&
	cc -shared -fPIC -o "$TMP/nopidfd.so" "$TMP/nopidfd.c" -ldl &&
	"$ASLC" -O0 tests/run/task-program-empty-output/machine.asl.json -o "$TMP/nopid" &&
	status 0 env LD_PRELOAD="$TMP/nopidfd.so" timeout 10 "$TMP/nopid" --input-json '{}' \
		--bind Echo='echo 1; exec >&-; sleep 0.2' &&
	contains "$TMP/out" '"r":1'
}
check "task programs without pidfd_open" t_task_without_pidfd

# When a branch fails, the other branches stop: one waiting (real clock)
# never runs its next state, one running a program has it killed.
t_parallel_stops_branches() {
	cat >"$TMP/stop.asl.json" <<'JSON'
{"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "End": true, "Branches": [
  {"StartAt": "Fails", "States": {"Fails": {"Type": "Fail", "Error": "Early", "Cause": "at once"}}},
  {"StartAt": "Waits", "States": {
    "Waits": {"Type": "Wait", "Seconds": 2, "Next": "Marks"},
    "Marks": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Mark", "End": true}}},
  {"StartAt": "Runs", "States": {
    "Runs": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Slow", "End": true}}}
]}}}
JSON
	"$ASLC" -O0 "$TMP/stop.asl.json" -o "$TMP/stop" &&
	status 1 $RUNWRAP "$TMP/stop" --result --input-json '{}' \
		--bind Mark="touch '$TMP/marked'" --bind Slow="sleep 30; touch '$TMP/slow'" &&
	contains "$TMP/out" '"error":"Early","cause":"at once"' &&
	[ ! -e "$TMP/marked" ] && [ ! -e "$TMP/slow" ] &&
	! pgrep -f "sleep 30; touch $TMP/slow" >/dev/null
}
check "Parallel: a failing branch stops the others" t_parallel_stops_branches

# --max-threads bounds the threads of every Parallel and Map together.
t_max_threads() {
	status 2 "$TMP/stop" --max-threads 0 && contains "$TMP/err" "--max-threads needs a number" &&
	status 2 "$TMP/stop" --max-threads x && contains "$TMP/err" "--max-threads needs a number" &&
	status 0 "$TMP/stop" --help && contains "$TMP/out" "--max-threads N"
}
check "executable: --max-threads" t_max_threads

# S3 names of Distributed Maps are bound to local files and directories:
# unbound ones stop the executable before it starts; a ResultWriter writes
# the manifest and result files the service writes to S3.
t_s3_bindings() {
	mkdir -p "$TMP/s3/in" "$TMP/s3/out" &&
	printf 'name\na\nb\nc\n' >"$TMP/s3/in/list.csv" &&
	cat >"$TMP/s3/m.asl.json" <<'JSON'
{"StartAt": "Each", "States": {"Each": {"Type": "Map", "Label": "Run", "End": true,
  "ToleratedFailureCount": 1,
  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
    "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
    "Parameters": {"Bucket": "in", "Key.$": "$.key"}},
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
    "StartAt": "Check", "States": {
      "Check": {"Type": "Choice", "Choices": [{"Variable": "$.name", "StringEquals": "b", "Next": "Bad"}], "Default": "Ok"},
      "Ok": {"Type": "Pass", "End": true},
      "Bad": {"Type": "Fail", "Error": "E", "Cause": "b is bad"}}},
  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
    "Parameters": {"Bucket": "out", "Prefix": "runs/"}}}}}
JSON
	"$ASLC" -O0 "$TMP/s3/m.asl.json" -o "$TMP/s3/m" &&
	status 2 "$TMP/s3/m" --input-json '{"key": "list.csv"}' &&
	contains "$TMP/err" "nothing is bound to s3://out" &&
	status 1 "$TMP/s3/m" --result --input-json '{"key": "../x"}' --bind s3://in="$TMP/s3/in" \
		--bind arn:aws:s3:::out="$TMP/s3/out" &&
	contains "$TMP/out" 'States.ItemReaderFailed","cause":"the key \\"../x\\" leaves the directory' &&
	printf '{"s3://in": "in", "s3://out": "out"}' >"$TMP/s3/bindings.json" &&
	status 0 $RUNWRAP "$TMP/s3/m" --result --input-json '{"key": "list.csv"}' \
		--bindings "$TMP/s3/bindings.json" &&
	contains "$TMP/out" '"MapRunArn":"arn:aws:states:us-east-1:123456789012:mapRun:m/Run:' &&
	contains "$TMP/out" '"ResultWriterDetails":{"Bucket":"out","Key":"runs/' &&
	run=$(ls "$TMP/s3/out/runs") &&
	contains "$TMP/s3/out/runs/$run/manifest.json" \
		"{\"DestinationBucket\":\"out\",\"MapRunArn\":\"arn:aws:states:us-east-1:123456789012:mapRun:m/Run:$run\",\"ResultFiles\":{\"FAILED\":\[{\"Key\":\"runs/$run/FAILED_0.json\",\"Size\":" &&
	contains "$TMP/s3/out/runs/$run/SUCCEEDED_0.json" '"Input":"{\\"name\\":\\"a\\"}","InputDetails":{"Included":true}' &&
	contains "$TMP/s3/out/runs/$run/SUCCEEDED_0.json" '"Status":"SUCCEEDED"' &&
	contains "$TMP/s3/out/runs/$run/FAILED_0.json" '^\[{"Cause":"b is bad","Error":"E","ExecutionArn":"arn:aws:states:us-east-1:123456789012:execution:m/Run:'
}
check "Distributed Map: S3 bindings, ItemReader, ResultWriter files" t_s3_bindings

# s3:listObjectsV2: an item is what the service gives a child, LastModified
# the file's time in epoch seconds; $$.Map.Item.Source is the bucket's URI
# for a listing, STATE_DATA for an inline Map. A listing needs some
# binding of its bucket (one of a prefix is enough); a bound directory
# that is missing or a file, a dangling link, a file name that is not UTF-8, a field ListObjectsV2
# has and aslc does not list by, or a compressed object fails the Map Run.
t_s3_listing() {
	mkdir -p "$TMP/ls/b/logs" &&
	printf 'hello\n' >"$TMP/ls/b/logs/a.txt" &&
	touch -d @1668699881 "$TMP/ls/b/logs/a.txt" &&
	cat >"$TMP/ls/m.asl.json" <<'JSON'
{"StartAt": "List", "States": {
  "List": {"Type": "Map", "ResultPath": "$.listed", "Next": "Inline",
    "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2",
      "Parameters": {"Bucket": "b", "Prefix": "logs/"}},
    "ItemSelector": {"item.$": "$$.Map.Item"},
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
      "StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}}},
  "Inline": {"Type": "Map", "ItemsPath": "$.xs", "ResultPath": "$.inline", "End": true,
    "ItemSelector": {"item.$": "$$.Map.Item"},
    "ItemProcessor": {"StartAt": "Echo2", "States": {"Echo2": {"Type": "Pass", "End": true}}}}}}
JSON
	"$ASLC" -O0 "$TMP/ls/m.asl.json" -o "$TMP/ls/m" &&
	status 2 "$TMP/ls/m" --input-json '{"xs": [7]}' &&
	contains "$TMP/err" "nothing is bound to s3://b" &&
	status 0 $RUNWRAP "$TMP/ls/m" --input-json '{"xs": [7]}' --bind s3://b/logs/="$TMP/ls/b/logs" &&
	printf '%s\n' '{"xs":[7],"listed":[{"item":{"Index":0,"Value":{"Etag":"\"b1946ac92492d2347c6235b4d2611184\"","Key":"logs/a.txt","LastModified":1668699881,"Size":6,"StorageClass":"STANDARD"},"Source":"s3://b"}}],"inline":[{"item":{"Index":0,"Value":7,"Source":"STATE_DATA"}}]}' >"$TMP/ls/want" &&
	same "$TMP/out" "$TMP/ls/want" &&
	status 1 $RUNWRAP "$TMP/ls/m" --result --input-json '{"xs": []}' --bind s3://b="$TMP/ls/none" &&
	contains "$TMP/out" '"error":"States.ItemReaderFailed","cause":"Cannot list s3://b/ (.*/ls/none): No such file or directory"' &&
	status 1 $RUNWRAP "$TMP/ls/m" --result --input-json '{"xs": []}' --bind s3://b="$TMP/ls/b/logs/a.txt" &&
	contains "$TMP/out" '"cause":"Cannot list s3://b/ (.*/a.txt): a bucket or a prefix is bound to a directory, not a file"' &&
	ln -s nowhere "$TMP/ls/b/logs/dangling" &&
	status 1 $RUNWRAP "$TMP/ls/m" --result --input-json '{"xs": []}' --bind s3://b="$TMP/ls/b" &&
	contains "$TMP/out" '"cause":"Cannot list s3://b/logs/dangling (.*/dangling): No such file or directory"' &&
	rm "$TMP/ls/b/logs/dangling" &&
	printf 'x' >"$TMP/ls/b/logs/$(printf 'bad\377')" &&
	status 1 $RUNWRAP "$TMP/ls/m" --result --input-json '{"xs": []}' --bind s3://b="$TMP/ls/b" &&
	contains "$TMP/out" '"error":"States.ItemReaderFailed","cause":"The file .*/ls/b/logs/bad.* has a name that is not UTF-8, which no S3 key is"' &&
	cat >"$TMP/ls/j.asl.json" <<'JSON'
{"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
  "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2",
    "Arguments": "{% {'Bucket': 'b', 'Prefix': 'logs/', 'Delimiter': '/'} %}"},
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}
JSON
	"$ASLC" -O0 "$TMP/ls/j.asl.json" -o "$TMP/ls/j" &&
	status 1 $RUNWRAP "$TMP/ls/j" --result --bind s3://b="$TMP/ls/b" &&
	contains "$TMP/out" '"cause":"aslc does not support \\"Delimiter\\" in the Arguments of a listing' &&
	mkdir -p "$TMP/ls/gz" && printf 'a\n1\n' | gzip >"$TMP/ls/gz/x.csv.gz" &&
	cat >"$TMP/ls/g.asl.json" <<'JSON'
{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
    "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
    "Parameters": {"Bucket": "g", "Key": "x.csv.gz"}},
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}
JSON
	"$ASLC" -O0 "$TMP/ls/g.asl.json" -o "$TMP/ls/g" &&
	status 1 $RUNWRAP "$TMP/ls/g" --result --bind s3://g="$TMP/ls/gz" &&
	contains "$TMP/out" '"cause":"The object s3://g/x.csv.gz is compressed (gzip or zstd), which aslc does not read yet"' &&
	# getObject: the Source of every item is the object's URI.
	printf '[10, 20]' >"$TMP/ls/gz/two.json" &&
	cat >"$TMP/ls/o.asl.json" <<'JSON'
{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
    "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "g", "Key": "two.json"}},
  "ItemSelector": {"item.$": "$$.Map.Item"},
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}
JSON
	"$ASLC" -O0 "$TMP/ls/o.asl.json" -o "$TMP/ls/o" &&
	status 0 $RUNWRAP "$TMP/ls/o" --bind s3://g="$TMP/ls/gz" &&
	printf '%s\n' '[{"item":{"Index":0,"Value":10,"Source":"s3://g/two.json"}},{"item":{"Index":1,"Value":20,"Source":"s3://g/two.json"}}]' >"$TMP/ls/owant" &&
	same "$TMP/out" "$TMP/ls/owant"
}
check "Distributed Map: s3:listObjectsV2 items, Source, bindings and failures; compressed objects" t_s3_listing

# The benchmark's definitions and handler build without a warning, and the
# CPU-bound Map gives the same output, in item order, on 1 and 2 threads.
t_bench_builds() {
	for d in bench/map.asl.json bench/parallel.asl.json; do
		status 0 "$ASLC" --check "$d" && empty "$TMP/err" || return 1
	done
	status 0 "$ASLC" bench/cpu.asl.json bench/cpu_handlers.c -o "$TMP/cpu" && empty "$TMP/err" &&
	echo '{"maxConcurrency": 2, "rounds": 1000, "items": [1, 2, 3, 4, 5, 6, 7]}' >"$TMP/cpu.json" &&
	status 0 $RUNWRAP "$TMP/cpu" --max-threads 1 --input "$TMP/cpu.json" && cp "$TMP/out" "$TMP/cpu1" &&
	status 0 $RUNWRAP "$TMP/cpu" --max-threads 2 --input "$TMP/cpu.json" && same "$TMP/cpu1" "$TMP/out" &&
	contains "$TMP/out" '^\[{"seed":1,"h":"[0-9a-f]\{8\}"},{"seed":2,'
}
check "bench definitions build; threads keep item order" t_bench_builds

# ---- YAML definitions ----

# yaml_twin YAML JSON [INPUT]: both give the same C, but for the file name
# (in the header comment and the program's .source), and, given an input,
# programs that print the same result.
yaml_twin() {
	status 0 "$ASLC" -S "$1" -o "$TMP/yaml.c" &&
	status 0 "$ASLC" -S "$2" -o "$TMP/json.c" &&
	sed "s|$1|DEFINITION|" "$TMP/yaml.c" >"$TMP/yaml.sed.c" &&
	sed "s|$2|DEFINITION|" "$TMP/json.c" >"$TMP/json.sed.c" &&
	same "$TMP/json.sed.c" "$TMP/yaml.sed.c" &&
	[ "$(grep -c DEFINITION "$TMP/yaml.sed.c")" -eq 2 ] || return 1
	[ -n "${3:-}" ] || return 0
	status 0 "$ASLC" -O0 "$1" -o "$TMP/yaml" &&
	status 0 "$ASLC" -O0 "$2" -o "$TMP/json" &&
	status 0 $RUNWRAP "$TMP/json" --result --name x --input "$3" && undated "$TMP/out" &&
	cp "$TMP/out.undated" "$TMP/json.out" &&
	status 0 $RUNWRAP "$TMP/yaml" --result --name x --input "$3" && undated "$TMP/out" &&
	same "$TMP/json.out" "$TMP/out.undated" &&
	contains "$TMP/out" '"status":"SUCCEEDED"'
}

t_yaml_twins() {
	yaml_twin tests/yaml/hello.asl.yaml $HELLO examples/hello/input.json &&
	yaml_twin tests/yaml/order.asl.yaml examples/order/order.asl.json &&
	yaml_twin tests/yaml/flow.asl.yaml tests/yaml/flow.asl.json tests/yaml/flow.input.json &&
	yaml_twin tests/yaml/anchors.asl.yaml tests/yaml/anchors.asl.json tests/yaml/anchors.input.json &&
	(cd "$TMP" && status 0 "$ASLC" -S "$OLDPWD/tests/yaml/hello.asl.yaml") && [ -s "$TMP/hello.c" ] &&
	status 0 "$ASLC" -S -g tests/yaml/hello.asl.yaml -o "$TMP/g.c" &&
	contains "$TMP/g.c" '^#line 9 "tests/yaml/hello.asl.yaml"'
}
check "YAML definitions compile to the C of their JSON twins" t_yaml_twins

# hello_as_cc B: hello built by backend B gives what the cc build gives.
hello_as_cc() {
	status 0 "$ASLC" --backend=$1 $HELLO -o "$TMP/hello-$1" && empty "$TMP/err" &&
	status 0 "$ASLC" --backend=cc $HELLO -o "$TMP/hello-cc" &&
	$RUNWRAP "$TMP/hello-$1" --input examples/hello/input.json >"$TMP/$1.out" 2>&1 &&
	$RUNWRAP "$TMP/hello-cc" --input examples/hello/input.json >"$TMP/cc.out" 2>&1 &&
	same "$TMP/cc.out" "$TMP/$1.out" && contains "$TMP/$1.out" '"name":"world"'
}
# order_as_cc B: the order saga with C handlers built by backend B runs
# every case as the cc build does: same result, same handler calls.
order_as_cc() {
	status 0 "$ASLC" --backend=$1 examples/order/order.asl.json examples/order/handlers.c \
		-o "$TMP/order-$1" &&
	status 0 "$ASLC" examples/order/order.asl.json examples/order/handlers.c -o "$TMP/order-cc" &&
	for c in examples/order/cases/*/; do
		for exe in order-$1 order-cc; do
			(cd examples/order && ORDER_LOG="$TMP/$exe.log" $RUNWRAP "$TMP/$exe" --result \
				--clock=virtual --max-threads 1 --name c --input "cases/$(basename "$c")/input.json") \
				>"$TMP/$exe.out" 2>&1
			undated "$TMP/$exe.out"
		done
		same "$TMP/order-cc.out.undated" "$TMP/order-$1.out.undated" &&
		same "$TMP/order-cc.log" "$TMP/order-$1.log" || return 1
		rm -f "$TMP/order-cc.log" "$TMP/order-$1.log"
	done
}

# ---- history and trace ----
# The history's timestamps are the execution's logical time: a retry's
# back-off shows between a failed attempt and the next (1 s, then 2 s).
t_history_backoff() {
	"$ASLC" -O0 examples/order/order.asl.json examples/order/handlers.c -o "$TMP/order-h" &&
	(cd examples/order && ORDER_LOG=/dev/null $RUNWRAP "$TMP/order-h" --clock=virtual \
		--input cases/gateway-timeout-then-success/input.json --history "$TMP/h.jsonl") \
		>"$TMP/out" 2>"$TMP/err" &&
	python3 - "$TMP/h.jsonl" >"$TMP/gaps" <<'PY' &&
import json, sys
from datetime import datetime
ev = [json.loads(l) for l in open(sys.argv[1])]
t = lambda e: datetime.strptime(e["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
for a, b in zip(ev, ev[1:]):
    if a["type"] == "LambdaFunctionFailed":
        print(b["type"], round(t(b) - t(a)))
PY
	contains "$TMP/gaps" "^LambdaFunctionScheduled 1$" &&
	contains "$TMP/gaps" "^LambdaFunctionScheduled 2$"
}
check "history: a retry's back-off shows in the timestamps" t_history_backoff

t_history_options() {
	status 0 $RUNWRAP "$TMP/hello" --input-json '{"name":"h"}' --history - &&
	contains "$TMP/err" '"type":"ExecutionSucceeded","id":10' &&
	status 0 $RUNWRAP "$TMP/hello" --input-json '{"name":"h"}' --history "$TMP/h2.jsonl" \
		--history-max 3 &&
	[ "$(wc -l <"$TMP/h2.jsonl")" -eq 3 ] &&
	contains "$TMP/err" "the history stops at 3 events (--history-max); 7 more were not written" &&
	status 2 $RUNWRAP "$TMP/hello" --input-json '{}' --history "$TMP/no/such/dir/h" &&
	contains "$TMP/err" "cannot write the history to" &&
	status 2 $RUNWRAP "$TMP/hello" --history-max 0 && contains "$TMP/err" "above 0"
}
check "history: --history -, --history-max, an unwritable file" t_history_options

t_trace() {
	(cd examples/order && ORDER_LOG=/dev/null $RUNWRAP "$TMP/order-h" --clock=virtual \
		--max-threads 1 --trace --input cases/payment-declined/input.json) >"$TMP/out" 2>"$TMP/err"
	contains "$TMP/err" '^order-h:   ValidateLines (Task) [0-9.]* ms, succeeded$' &&
	contains "$TMP/err" '^order-h: ChargePayment (Task) [0-9.]* ms, caught PaymentDeclined$' &&
	contains "$TMP/err" '^order-h: OrderFailed (Fail) [0-9.]* ms, failed: OrderFailed: Order could not be completed' &&
	! grep -q "$(printf '\033')" "$TMP/err" &&
	(cd examples/order && ORDER_LOG=/dev/null $RUNWRAP "$TMP/order-h" --clock=virtual \
		--trace --input cases/gateway-timeout-then-success/input.json) >"$TMP/out" 2>"$TMP/err"
	contains "$TMP/err" '^order-h: ChargePayment (Task) [3-9]\.[0-9]* s, 3 attempts, succeeded$'
}
check "--trace: a line per state, attempts and outcome" t_trace

# Names from the definition reach the terminal only as text on one line.
t_trace_names() {
	printf '{"StartAt":"a\\nb\\u001b[2J","States":{"a\\nb\\u001b[2J":{"Type":"Pass","End":true}}}' \
		>"$TMP/tnames.asl.json" &&
	"$ASLC" -O0 "$TMP/tnames.asl.json" -o "$TMP/tnames" &&
	status 0 $RUNWRAP "$TMP/tnames" --trace --input-json '{}' &&
	contains "$TMP/err" '^tnames: a\\nb?\[2J (Pass) [0-9.]* ms, succeeded$' &&
	[ "$(wc -l <"$TMP/err")" -eq 1 ] && ! grep -q "$(printf '\033')" "$TMP/err"
}
check "--trace: control characters in names are escaped" t_trace_names

# ---- backends: --backend=tcc (libtcc) and aslc run ----
# A sanitizer build of aslc refuses the tcc backend (its runtime needs the
# sanitizer libraries, which tcc cannot link); these checks are skipped.
if "$ASLC" run $HELLO -- --input-json '{}' 2>&1 | grep -q "not available in a sanitizer build"; then
	echo "skipped: the tcc backend (sanitizer build)"
else
t_backend_tcc_hello() { hello_as_cc tcc; }
check "--backend=tcc: hello gives what the cc build gives" t_backend_tcc_hello

t_backend_tcc_order() { order_as_cc tcc; }
check "--backend=tcc: the order saga with C handlers, every case as with cc" t_backend_tcc_order

t_aslc_run() {
	status 0 "$ASLC" $HELLO -o "$TMP/hello" &&
	"$TMP/hello" --input-json '{"name":"x"}' >"$TMP/want" &&
	status 0 "$ASLC" run $HELLO -- --input-json '{"name":"x"}' && same "$TMP/want" "$TMP/out" &&
	empty "$TMP/err" &&
	printf '{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}}' >"$TMP/fail.asl.json" &&
	status 1 "$ASLC" run "$TMP/fail.asl.json" && contains "$TMP/err" 'fail: execution failed in state "F": E' &&
	status 1 "$ASLC" run "$TMP/fail.asl.json" -- --result &&
	contains "$TMP/out" '"status":"FAILED"' &&
	status 0 "$ASLC" run examples/order/order.asl.json examples/order/handlers.c -- \
		--clock=virtual --max-threads 1 --input examples/order/cases/happy-path/input.json &&
	contains "$TMP/out" '"tracking":"TRK-o-1001"' &&
	# Helper threads run code of the in-memory image: they end before it.
	printf '{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[%s,%s]}}}' \
		'{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}' \
		'{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}' >"$TMP/par.asl.json" &&
	status 0 "$ASLC" run "$TMP/par.asl.json" -- --input-json '{"x":1}' &&
	printf '[{"x":1},{"x":1}]\n' | same - "$TMP/out" &&
	status 2 "$ASLC" run $HELLO -o "$TMP/x" && contains "$TMP/err" "writes no file" &&
	status 2 "$ASLC" run --backend=cc $HELLO && contains "$TMP/err" "needs tcc"
}
check "aslc run: same output and exit status as the executable" t_aslc_run

t_backend_errors() {
	printf 'int f(void) { return 1 }\n' >"$TMP/bad.c" &&
	status 2 "$ASLC" --backend=tcc $HELLO "$TMP/bad.c" -o "$TMP/x" &&
	contains "$TMP/err" "aslc: tcc failed on $TMP/bad.c:" &&
	contains "$TMP/err" "bad.c:1: error: ';' expected" &&
	! grep -q "aslc bug" "$TMP/err" && [ ! -e "$TMP/x" ] &&
	status 2 "$ASLC" run $HELLO "$TMP/bad.c" && contains "$TMP/err" "tcc failed on $TMP/bad.c" &&
	printf '#include "aslrt.h"\nint unused;\n' >"$TMP/notable.c" &&
	status 2 "$ASLC" --backend=tcc tests/run/c-handlers/machine.asl.json "$TMP/notable.c" -o "$TMP/x" &&
	contains "$TMP/err" "linking the handlers failed" && ! grep -q "aslc bug" "$TMP/err" &&
	status 2 "$ASLC" --backend=gcc $HELLO -o "$TMP/x" &&
	contains "$TMP/err" "unknown backend gcc (cc, tcc or llvm)" &&
	# An object tcc cannot link (thread-local storage): its linker ends
	# the process; aslc still says why, and fails as a build does.
	printf '#include "aslrt.h"\nstatic _Thread_local int n;\nstatic json_t *count(asl_call *c, json_t *in) { (void)c; n++; return json_incref(in); }\nASL_HANDLERS({ "Count", count });\n' >"$TMP/tls.c" &&
	cc -c -Iinclude -o "$TMP/tls.o" "$TMP/tls.c" &&
	status 2 "$ASLC" --backend=tcc $HELLO "$TMP/tls.o" -o "$TMP/x" &&
	contains "$TMP/err" "tcc stopped while linking" && contains "$TMP/err" "Unknown relocation type" &&
	status 2 "$ASLC" run $HELLO "$TMP/tls.o" && contains "$TMP/err" "tcc stopped while linking"
}
check "backends: handler errors are the user's; unknown backend is a usage error" t_backend_errors
fi

# ---- the llvm backend (LLVM-C): LLVM IR built from the IR, no C ----
if "$ASLC" --backend=llvm $HELLO -o "$TMP/probe" 2>&1 | grep -q "llvm backend is not available"; then
	echo "skipped: the llvm backend (aslc built without LLVM)"
else
t_backend_llvm_hello() {
	hello_as_cc llvm &&
	# No C is written: -v shows only the link, of an object.
	status 0 "$ASLC" --backend=llvm -v $HELLO -o "$TMP/hello-llvm" &&
	contains "$TMP/err" 'aslc-.*\.o ' && ! grep -q '\.c ' "$TMP/err"
}
check "--backend=llvm: hello gives what the cc build gives" t_backend_llvm_hello

t_backend_llvm_order() { order_as_cc llvm; }
check "--backend=llvm: the order saga with C handlers, every case as with cc" t_backend_llvm_order

# --emit-llvm: the module, verified and optimised at the -O level given.
# Strings from the definition are LLVM constants, never names or code.
t_emit_llvm() {
	(cd "$TMP" && status 0 "$ASLC" --emit-llvm "$OLDPWD/$HELLO") &&
	contains "$TMP/hello.ll" '^define internal ptr @sm_0(ptr %ctx, ptr %input)' &&
	contains "$TMP/hello.ll" '^@aslg_program = ' && contains "$TMP/hello.ll" '^define .*@main(' &&
	status 0 "$ASLC" --emit-llvm -O0 $HELLO -o - && contains "$TMP/out" 'st_1_PickTone:' &&
	contains "$TMP/out" 'alloca ptr' &&
	status 0 "$ASLC" --emit-llvm -O2 $HELLO -o - && ! grep -q 'alloca' "$TMP/out" &&
	printf '{"StartAt":"a\\"}\\n@x = global","States":{"a\\"}\\n@x = global":{"Type":"Pass","Result":"\\u0001\\"","End":true}}}' \
		>"$TMP/inject.asl.json" &&
	status 0 "$ASLC" --emit-llvm -O0 "$TMP/inject.asl.json" -o "$TMP/inject.ll" &&
	! grep -q '^@x' "$TMP/inject.ll" &&
	status 0 "$ASLC" --backend=llvm "$TMP/inject.asl.json" -o "$TMP/inject" &&
	status 0 $RUNWRAP "$TMP/inject" --input-json '{}' && contains "$TMP/out" '"\\u0001\\""' &&
	status 2 "$ASLC" --backend=llvm -g $HELLO -o "$TMP/x" && contains "$TMP/err" "-g is not supported" &&
	status 2 "$ASLC" -S --emit-llvm $HELLO && contains "$TMP/err" "choose one" &&
	status 2 "$ASLC" run --backend=llvm $HELLO && contains "$TMP/err" "needs tcc"
}
check "--emit-llvm writes the module; no definition text becomes IR" t_emit_llvm

# A machine of more than 256 states is split into functions, as in C.
t_llvm_large() {
	[ -f "$TMP/large.asl.json" ] &&
	status 0 "$ASLC" --emit-llvm -O0 "$TMP/large.asl.json" -o - &&
	contains "$TMP/out" '^define internal ptr @sm_0_part_2(ptr %ctx, ptr %input, ptr %next)' &&
	status 0 "$ASLC" --backend=llvm "$TMP/large.asl.json" -o "$TMP/large-llvm" &&
	status 1 $RUNWRAP "$TMP/large-llvm" --result --input-json '{"again": true}' &&
	contains "$TMP/out" "entered at the event id #1808)" &&
	status 0 $RUNWRAP "$TMP/large-llvm" --test-state S555 --input-json '{}' &&
	contains "$TMP/out" '"nextState":"S556"' &&
	status 0 $RUNWRAP "$TMP/large-llvm" --test-state Back --input-json '{"again": false}' &&
	contains "$TMP/out" '"nextState":"Done"' 
}
check "--backend=llvm: a machine larger than one function" t_llvm_large

t_backend_llvm_errors() {
	printf 'int f(void) { return 1 }\n' >"$TMP/bad.c" &&
	status 2 "$ASLC" --backend=llvm $HELLO "$TMP/bad.c" -o "$TMP/x" &&
	contains "$TMP/err" "failed on $TMP/bad.c" && ! grep -q "aslc bug" "$TMP/err" &&
	[ ! -e "$TMP/x" ] &&
	printf '#include "aslrt.h"\nint unused;\n' >"$TMP/notable.c" &&
	status 2 "$ASLC" --backend=llvm tests/run/c-handlers/machine.asl.json "$TMP/notable.c" \
		-o "$TMP/x" &&
	contains "$TMP/err" "linking the handlers failed" && ! grep -q "aslc bug" "$TMP/err" &&
	mkdir -p "$TMP/tmpdir-llvm" &&
	status 2 env TMPDIR="$TMP/tmpdir-llvm" "$ASLC" --backend=llvm --cc /nonexistent/cc $HELLO \
		-o "$TMP/x" &&
	contains "$TMP/err" "cannot run the C compiler" &&
	[ -z "$(ls -A "$TMP/tmpdir-llvm")" ]
}
check "--backend=llvm: handler errors are the user's; the object is removed" t_backend_llvm_errors
fi

# ---- aslc graph ----
GRAPH=tests/graph
ORDER=examples/order/order.asl.json
have_dot() { command -v dot >/dev/null 2>&1; }
have_dot || echo "note: Graphviz (dot) is not installed: the graph render checks are skipped"

t_graph_usage() {
	status 0 "$ASLC" --help && contains "$TMP/out" "aslc graph" &&
	status 0 "$ASLC" graph $HELLO && contains "$TMP/out" "^digraph aslc {" && empty "$TMP/err" &&
	status 2 "$ASLC" graph --format=png $HELLO && contains "$TMP/err" "unknown graph format png" &&
	status 2 "$ASLC" graph -S $HELLO && contains "$TMP/err" "do not apply" &&
	status 2 "$ASLC" graph $HELLO --history && contains "$TMP/err" "needs an argument" &&
	status 2 "$ASLC" --format=dot $HELLO && contains "$TMP/err" "unknown option" &&
	status 1 "$ASLC" graph tests/errors/next-unknown.asl.json &&
	contains "$TMP/err" "aslc: 3 errors" && empty "$TMP/out" &&
	status 2 "$ASLC" graph $HELLO -o $HELLO && contains "$TMP/err" "is the definition itself" &&
	status 0 "$ASLC" graph $HELLO -o "$TMP/hello.dot" && empty "$TMP/out" &&
	contains "$TMP/hello.dot" 'm0_s0 \[label="Greet"' &&
	printf 'StartAt: A\nStates: {A: {Type: Pass, Next: B}, B: {Type: Succeed}}\n' >"$TMP/g.asl.yaml" &&
	status 0 "$ASLC" graph --format=mermaid "$TMP/g.asl.yaml" &&
	contains "$TMP/out" 'm0_s0 --> m0_s1'
}
check "aslc graph: usage, errors, -o, YAML" t_graph_usage

# Every example's DOT renders with Graphviz.
t_graph_dot_examples() {
	have_dot || return 0
	for def in examples/*/*.asl.json $GRAPH/*.asl.json; do
		status 0 "$ASLC" graph "$def" -o "$TMP/ex.dot" &&
		dot -Tsvg "$TMP/ex.dot" -o "$TMP/ex.svg" &&
		contains "$TMP/ex.svg" "<svg" || { echo "  for $def"; return 1; }
	done
}
check "aslc graph: the DOT of every example renders with dot" t_graph_dot_examples

# Mermaid: no parser is packaged for Debian, so the checks are structural;
# with MERMAID_MODULES (npm install mermaid@11 jsdom there) every example
# and the hostile names are parsed by Mermaid's own parser, or with mmdc
# (mermaid-cli) on PATH rendered.
t_graph_mermaid() {
	status 0 "$ASLC" graph --format=mermaid $ORDER && cp "$TMP/out" "$TMP/order.mmd" &&
	head -1 "$TMP/order.mmd" | grep -qx "flowchart TB" &&
	for id in m0_s0 m0_s1 m0_s2 m0_s3 m0_s4 m0_s5 m0_s6 m0_s7 m0_s8 m1_s0 m2_s0 m3_s0 \
			m3_s1 m3_s2; do
		contains "$TMP/order.mmd" "^ *$id[[({/]" || return 1
	done &&
	contains "$TMP/order.mmd" '^    subgraph m1 \["ValidateOrder: branch 1"\]$' &&
	contains "$TMP/order.mmd" '^    subgraph m3 \["ValidateOrder: branch 3"\]$' &&
	contains "$TMP/order.mmd" 'm3_s0 -->|"$.card matches #34;\*-\*-\*-\*#34;"| m3_s1' &&
	contains "$TMP/order.mmd" 'm0_s2 -.->|"Catch States.ALL"| m0_s7' &&
	contains "$TMP/order.mmd" 'm0_s1 -.->|"Retry InventoryBusy ×3"| m0_s1' &&
	status 0 "$ASLC" graph --format=mermaid $GRAPH/hostile.asl.json &&
	contains "$TMP/out" '^        subgraph m2 \["inner #34;P#34;: branch 1"\]$' &&
	cp "$TMP/out" "$TMP/hostile.mmd" &&
	for f in examples/*/*.asl.json; do
		"$ASLC" graph --format=mermaid "$f" -o "$TMP/ex-$(basename "$f" .asl.json).mmd" || return 1
	done &&
	if [ -n "${MERMAID_MODULES:-}" ]; then
		${NODE:-node} tests/graph/mermaid-parse.mjs "$TMP"/*.mmd || return 1
	elif command -v mmdc >/dev/null 2>&1; then
		for f in "$TMP"/*.mmd; do
			mmdc -q -i "$f" -o "$TMP/mmd.svg" || return 1
		done
	else
		echo "note: neither MERMAID_MODULES nor mmdc: the Mermaid output is not parsed"
	fi
}
check "aslc graph --format=mermaid" t_graph_mermaid

# State names that try to close the label, open HTML, a comment, a
# directive or another edge stay inside their labels.
t_graph_hostile() {
	status 0 "$ASLC" graph --format=mermaid $GRAPH/hostile.asl.json &&
	python3 - "$TMP/out" <<'PY' &&
import re, sys
ok = re.compile(r"""^(flowchart\ TB
|\ \ \ \ classDef\ \w+\ [\w:\#,-]+
|\ *m\d+_(s\d+|start|end)(\[|\(|\{|\[/|\(\[|\{\{|\[\[|\[\(|\(\(|\(\(\()"[^"]*"
	(\]|\)|\}|/\]|\]\)|\}\}|\]\]|\)\]|\)\)|\)\)\))(:::\w+)?
|\ *subgraph\ m\d+\ \["[^"]*"\]
|\ *direction\ TB
|\ *end
|\ \ \ \ class\ [\w,]+\ marker
|\ \ \ \ m\d+_\w+\ (-->|-\.->|-\.-)(\|"[^"]*"\|)?\ m\d+_\w+
|\ \ \ \ (style|linkStyle)\ \S+\ [\w:\#,.-]+
)$""", re.X)
text = open(sys.argv[1], encoding="utf-8").read()
for n, line in enumerate(text.split("\n")[:-1], 1):
    assert ok.match(line), (n, line)
    assert "%%" not in line and "\u2028" not in line, (n, line)
    assert "<" not in line.replace("<br>", ""), (n, line)
PY
	{ have_dot || return 0; } &&
	status 0 "$ASLC" graph $GRAPH/hostile.asl.json -o "$TMP/hostile.dot" &&
	dot -Tjson "$TMP/hostile.dot" -o "$TMP/hostile.json" &&
	python3 - $GRAPH/hostile.asl.json "$TMP/hostile.json" <<'PY'
import json, re, sys
names = []
def walk(m):
    for name, st in m["States"].items():
        names.append(name)
        for b in st.get("Branches", []):
            walk(b)
        if "ItemProcessor" in st:
            walk(st["ItemProcessor"])
walk(json.load(open(sys.argv[1], encoding="utf-8")))
g = json.load(open(sys.argv[2], encoding="utf-8"))
labels = []
for o in g["objects"]:
    assert re.fullmatch(r"cluster_m\d+|m\d+_(s\d+|start|end)", o["name"]), o["name"]
    if re.fullmatch(r"m\d+_s\d+", o["name"]):
        # dot -Tjson keeps the label's escapes, \\ and \n.
        labels.append(re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1),
                             o["label"]))
assert sorted(labels) == sorted(names), (labels, names)
PY
}
check "aslc graph: hostile state names stay in their labels" t_graph_hostile

# The history of a failed order (tests/graph/order-history.jsonl): states
# entered are green, the Fail state red, the edges taken bold.
t_graph_history() {
	H=$GRAPH/order-history.jsonl
	status 0 "$ASLC" graph $ORDER --history $H && cp "$TMP/out" "$TMP/h.dot" &&
	contains "$TMP/h.dot" '^	m0_s2 \[label="ChargePayment".*fillcolor="#c8e6c9"' &&
	contains "$TMP/h.dot" '^		m3_s1 \[label="CardLooksValid".*fillcolor="#c8e6c9"' &&
	contains "$TMP/h.dot" '^	m0_s8 \[label="OrderFailed".*fillcolor="#ffcdd2"' &&
	! grep -q '^	m0_s3 .*fillcolor' "$TMP/h.dot" &&
	! grep -q '^		m3_s2 .*fillcolor' "$TMP/h.dot" &&
	contains "$TMP/h.dot" '^	m0_s2 -> m0_s7 \[style=dashed, color="#2e7d32".*penwidth=2.5' &&
	contains "$TMP/h.dot" '^	m0_s1 -> m0_s2 .*penwidth=2.5' &&
	! grep -q '^	m0_s2 -> m0_s3 .*penwidth' "$TMP/h.dot" &&
	! grep -q '^	m3_s0 -> m3_s2 .*penwidth' "$TMP/h.dot" &&
	status 0 "$ASLC" graph --format=mermaid $ORDER --history=$H &&
	contains "$TMP/out" '^    style m0_s8 fill:#ffcdd2' &&
	contains "$TMP/out" '^    style m0_s7 fill:#c8e6c9' &&
	! grep -q 'style m0_s3 ' "$TMP/out" &&
	contains "$TMP/out" '^    linkStyle [0-9]* stroke:#2e7d32' &&
	printf '%s\n' \
		'{"type":"ExecutionStarted","id":1,"previousEventId":0}' \
		'{"type":"PassStateEntered","id":2,"previousEventId":1,"stateEnteredEventDetails":{"name":"Greet"}}' \
		'{"type":"ExecutionFailed","id":3,"previousEventId":2,"executionFailedEventDetails":{"error":"X"}}' \
		>"$TMP/h1.jsonl" &&
	status 0 "$ASLC" graph $HELLO --history "$TMP/h1.jsonl" &&
	contains "$TMP/out" 'm0_s0 \[label="Greet".*fillcolor="#ffcdd2"' &&
	printf '{"type":"ExecutionStarted","id":1}\n[1, 2\n' >"$TMP/bad.jsonl" &&
	status 2 "$ASLC" graph $HELLO --history "$TMP/bad.jsonl" &&
	contains "$TMP/err" "bad.jsonl:2: not a JSON line" &&
	printf '{"id":1}\n' >"$TMP/bad.jsonl" &&
	status 2 "$ASLC" graph $HELLO --history "$TMP/bad.jsonl" &&
	contains "$TMP/err" 'bad.jsonl:1: a history event needs a "type"' &&
	status 2 "$ASLC" graph $HELLO --history "$TMP/missing.jsonl" &&
	contains "$TMP/err" "cannot open"
}
check "aslc graph --history colours the execution" t_graph_history

t_graph_svg() {
	mkdir -p "$TMP/nodot" &&
	status 2 env PATH="$TMP/nodot" "$ASLC" graph --format=svg $ORDER &&
	contains "$TMP/err" "needs Graphviz" && contains "$TMP/err" "apt-get install graphviz" &&
	empty "$TMP/out" &&
	{ have_dot || return 0; } &&
	status 0 "$ASLC" graph --format=svg $ORDER -o "$TMP/order.svg" && empty "$TMP/out" &&
	contains "$TMP/order.svg" "<svg" && contains "$TMP/order.svg" ">ChargePayment<" &&
	status 0 "$ASLC" graph --format=svg $HELLO && contains "$TMP/out" ">Greet<"
}
check "aslc graph --format=svg runs Graphviz, or says it is needed" t_graph_svg

echo "$checks checks, $failures failed"
[ $failures -eq 0 ]
