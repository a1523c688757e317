#!/usr/bin/env python3
"""compare.py EXPRS EXPECTED ACTUAL [KNOWN]: line by line, JSON-equal
(numbers by value); prints each difference with its expression, and the
count. KNOWN lists the expressions where aslc differs on purpose, and why:
those are counted apart, and fail the run if they no longer differ
(unless marked "some_data": they differ on some data sets only;
"without_data": only where there is no input document). A
result {"refused": WHY} (aslc does not compile what the expression uses,
and says so) is counted apart too, with the reasons."""
import json
import sys


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b if isinstance(a, bool) and isinstance(b, bool) else False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def main():
    exprs, expected, actual = (open(f, encoding='utf-8').read().splitlines() for f in sys.argv[1:4])
    known = {}
    if len(sys.argv) > 4:
        known = {k['expr']: k for k in json.load(open(sys.argv[4], encoding='utf-8'))}
    bad = explained = refused = 0
    reasons = {}
    for i, (e, x, a) in enumerate(zip(exprs, expected, actual)):
        got = json.loads(a)
        if isinstance(got, dict) and 'refused' in got:
            refused += 1
            reasons[got['refused']] = reasons.get(got['refused'], 0) + 1
            continue
        differs = not same(json.loads(x), got)
        expr = json.loads(e)
        has_data = isinstance(expr, dict) and 'data' in expr
        if isinstance(expr, dict) and isinstance(expr.get('expr'), str):
            expr = expr['expr']
        expr = expr if isinstance(expr, str) else e
        # An entry with "without_data" is about the cases with no input document.
        if expr in known and not (known[expr].get('without_data') and has_data):
            # "some_data": it differs on some of the data sets only.
            if not differs and known[expr].get('some_data'):
                continue
            explained += 1
            if not differs:
                bad += 1
                print(f'line {i + 1}: {e} is listed as a known difference but agrees')
            continue
        if differs:
            bad += 1
            if bad <= 10:
                print(f'line {i + 1}: {e}\n  reference: {x}\n  aslc:      {a}')
    if len(exprs) != len(actual):
        print(f'{len(exprs)} expressions, {len(actual)} results')
        bad += 1
    for why, n in sorted(reasons.items(), key=lambda r: -r[1]):
        print(f'refused {n}: {why}')
    print(f'{len(exprs) - bad - explained - refused} of {len(exprs)} agree, {explained} known differences'
          + (f', {refused} refused' if refused else ''))
    return 1 if bad else 0


sys.exit(main())
