#!/usr/bin/env python3
"""compare.py EXPRS EXPECTED ACTUAL [KNOWN]: line by line, JSON-equal
(numbers by value); prints each difference with its expression, and the
count. KNOWN lists the expressions where aslc differs on purpose, and why:
those are counted apart, and fail the run if they no longer differ."""
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
        known = {k['expr']: k['why'] for k in json.load(open(sys.argv[4], encoding='utf-8'))}
    bad = explained = 0
    for i, (e, x, a) in enumerate(zip(exprs, expected, actual)):
        differs = not same(json.loads(x), json.loads(a))
        expr = json.loads(e)
        if isinstance(expr, dict) and isinstance(expr.get('expr'), str):
            expr = expr['expr']
        expr = expr if isinstance(expr, str) else e
        if expr in known:
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
    print(f'{len(exprs) - bad - explained} of {len(exprs)} agree, {explained} known differences')
    return 1 if bad else 0


sys.exit(main())
