#!/usr/bin/env python3
"""stress.py: the evaluator's stress corpus on stdout, one JSON case per
line: every expression of parse.exprs (hand-written, generated and
mutated, most of them odd) on five data sets, with two variables bound.
gen-eval.cjs runs them through jsonata 2.0.6 into stress.expected;
unit/jsonata-stress through aslc."""
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
datas = [None,
         {"a": 1, "b": [1, 2, 3], "c": {"d": "x", "e": [{"f": 1}, {"f": 2}]}, "s": "Hello World"},
         [{"name": "a", "v": 3}, {"name": "b", "v": 1}],
         "text",
         [[1, [2]], {"k": [3]}]]
for line in open(os.path.join(here, 'parse.exprs'), encoding='utf-8'):
    e = json.loads(line)
    for d in datas:
        c = {"expr": e, "bindings": {"x": 5, "arr": [1, 2, 3]}}
        if d is not None:
            c["data"] = d
        print(json.dumps(c))
