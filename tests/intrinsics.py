#!/usr/bin/env python3
"""intrinsics.py - the intrinsic function tables, and the examples of
docs/intrinsics.md, run through aslc.

    tests/intrinsics.py ASLC [FILE...]

Each FILE is either a table, tests/intrinsics/NAME.json, a JSON array of
cases:

    {"call": "States.MathAdd($.a, 1)",    the field value, as written
     "input": {"a": 41},                  the state's input (default {})
     "output": 42,                        the value the call gives, or
     "error": "States.Runtime",           the error it fails with, and
     "cause": "...",                      the cause after the state prefix
     "match": "^[0-9a-f-]{36}$",          or: a string output matching this
     "range": [1, 10],                    or: an integer in [lo, hi)
     "seed": 7,                           run with --seed 7, twice: the two
                                          outputs must be equal
     "repeat": {"s": ["A", 10001]},       input field s is "A" 10001 times
     "source": "..."}                     where the expected value comes from

or a Markdown file whose tables headed | Call | Input | Result | hold one
case per row: the cells are `call`, `input JSON` (or empty for {}), and
`result JSON` or `States.Runtime`: `cause`.

Every file becomes one state machine: a Choice on $.case sends each case
to its own Pass state "case N" whose Parameters evaluate the call, so the
whole table is compiled once and run once per case. A result must equal
the expected one exactly: 4 and 4.0 differ, as do key sets.

Environment: RUNWRAP, a command to run the executables under (valgrind).
Exit status 1 when a case fails.
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

ROW = re.compile(r"^\|(.*)\|\s*$")


def strict_equal(a, b):
    """JSON equality that tells 4 from 4.0 and true from 1."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b))
    return a == b


def cells(line):
    """The cells of a Markdown table row; a | inside `code` stays."""
    out, cur, code = [], "", False
    for ch in ROW.match(line).group(1):
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return out


def code_of(cell, where):
    m = re.fullmatch(r"`(.*)`", cell)
    if not m:
        raise ValueError(f"{where}: expected `code`, got {cell!r}")
    return m.group(1)


def markdown_cases(path):
    cases = []
    header = False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            where = f"{path}:{n}"
            if not ROW.match(line):
                header = False
                continue
            c = cells(line)
            if c[:3] == ["Call", "Input", "Result"]:
                header = True
                continue
            if not header or set(c[0]) <= set("-: "):
                continue
            case = {"call": code_of(c[0], where), "where": where}
            if c[1]:
                case["input"] = json.loads(code_of(c[1], where))
            m = re.fullmatch(r"`States\.Runtime`:\s*`(.*)`", c[2])
            if m:
                case["error"] = "States.Runtime"
                case["cause"] = m.group(1)
            else:
                case["output"] = json.loads(code_of(c[2], where))
            cases.append(case)
    if not cases:
        raise ValueError(f"{path}: no | Call | Input | Result | rows")
    return cases


def table_cases(path):
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)
    for i, case in enumerate(cases):
        case["where"] = f"{path}[{i}]"
    return cases


def machine(cases):
    rules = [{"Variable": "$.case", "NumericEquals": i, "Next": f"case {i}"}
             for i in range(len(cases))]
    states = {"Dispatch": {"Type": "Choice", "Choices": rules}}
    for i, case in enumerate(cases):
        states[f"case {i}"] = {
            "Type": "Pass",
            "InputPath": "$.input",
            "Parameters": {"value.$": case["call"]},
            "OutputPath": "$.value",
            "End": True,
        }
    return {"StartAt": "Dispatch", "States": states}


def run(exe, i, case, runwrap):
    given = dict(case.get("input", {}))
    for k, (text, times) in case.get("repeat", {}).items():
        given[k] = text * times
    inp = json.dumps({"case": i, "input": given})
    cmd = runwrap + [exe, "--result", "--input-json", inp]
    if "seed" in case:
        cmd += ["--seed", str(case["seed"])]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode == 99:
        return None, "valgrind: " + p.stderr
    try:
        got = json.loads(p.stdout)
    except ValueError:
        return None, f"exit {p.returncode}, not JSON: {p.stdout!r} {p.stderr!r}"
    # The DescribeExecution fields are checked elsewhere (tests/cli.sh).
    return {k: v for k, v in got.items() if k in ("status", "output", "error", "cause")}, None


def check(exe, i, case, runwrap):
    """None when the case holds, else why not."""
    got, why = run(exe, i, case, runwrap)
    if why:
        return why
    if "error" in case:
        prefix = (f"An error occurred while executing the state 'case {i}' "
                  "(entered at the event id #4). ")
        want = {"status": "FAILED", "error": case["error"],
                "cause": prefix + case["cause"]}
        return None if got == want else f"want {json.dumps(want)}"
    if got.get("status") != "SUCCEEDED":
        return "failed"
    out = got["output"]
    if "match" in case:
        if not isinstance(out, str) or not re.search(case["match"], out):
            return f"want a string matching {case['match']}"
    elif "range" in case:
        lo, hi = case["range"]
        if not isinstance(out, int) or isinstance(out, bool) or not lo <= out < hi:
            return f"want an integer in [{lo}, {hi})"
    elif not strict_equal(out, case["output"]):
        return f"want {json.dumps(case['output'], ensure_ascii=False)}"
    if "seed" in case:
        again, why = run(exe, i, case, runwrap)
        if why or again != got:
            return f"--seed {case['seed']} is not repeatable: {again}"
    return None


def main():
    aslc, files = sys.argv[1], sys.argv[2:]
    runwrap = shlex.split(os.environ.get("RUNWRAP", ""))
    failed = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            cases = markdown_cases(path) if path.endswith(".md") else table_cases(path)
            src = os.path.join(tmp, "table.asl.json")
            exe = os.path.join(tmp, "table")
            with open(src, "w", encoding="utf-8") as f:
                json.dump(machine(cases), f, ensure_ascii=False, indent=1)
            backend = os.environ.get("ASLC_BACKEND")
            p = subprocess.run([aslc] + (["--backend=" + backend] if backend else []) +
                               ["-O0", "-Wno-intrinsic", src, "-o", exe],
                               capture_output=True, text=True)
            if p.returncode != 0:
                print(f"{path}: does not compile:\n{p.stderr}")
                failed += 1
                continue
            bad = 0
            for i, case in enumerate(cases):
                total += 1
                why = check(exe, i, case, runwrap)
                if why:
                    bad += 1
                    got, _ = run(exe, i, case, runwrap)
                    print(f"{case['where']}: {case['call']}\n    {why}\n"
                          f"    got  {json.dumps(got, ensure_ascii=False)}")
            failed += bad
            print(f"{path}: {len(cases) - bad}/{len(cases)}")
    print(f"{total - failed} of {total} cases")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
