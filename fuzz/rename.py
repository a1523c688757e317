#!/usr/bin/env python3
"""rename.py - valid definitions with hostile names, for check-accepted.sh.

    fuzz/rename.py OUTDIR [SEED]

libFuzzer's mutations rarely keep a definition valid, so few of its inputs
reach the C emitter with unusual text. This script takes the definitions of
tests/run, tests/gen and examples and writes two variants of each to OUTDIR
(one with raw UTF-8, one with \\u escapes) in which state names, comments,
error names, Result and Parameters strings and keys, and Choice strings are
replaced by random text made of what is hard to put in C: comment
delimiters, trigraphs, backslashes, quotes, control characters, non-ASCII,
printf conversions, and lengths around where the emitter splits literals.
Transitions follow the renaming, so most variants stay valid. Then:

    fuzz/rename.py /tmp/renamed && fuzz/check-accepted.sh /tmp/renamed
"""
import glob
import json
import os
import random
import sys

HARD = ["*/", "/*", "??/", "??=", "??'", "??", "?", "\\", '"', "'", "\n",
        "\t", "\r", "\x01", "\x7f", "\u2028", "é", "日本", "😀", "%s", "%n",
        "{}", "$", "#", "{%", "%}"]


def text(lengths):
    n = random.choice(lengths)
    s = ""
    while len(s) < n:
        s += random.choice(HARD + ["abcdefgh"] * 4)
    return s[:n] or "a"


def name():
    return text([1, 3, 8, 40, 75, 80])	# a state name has 1 to 80


def long():
    return text([5, 71, 72, 73, 74, 150, 300])


def data(v):
    if isinstance(v, str):
        return long()
    if isinstance(v, dict):
        return {long(): data(x) for x in v.values()}
    if isinstance(v, list):
        return [data(x) for x in v]
    return v


def walk(v, ren):
    if isinstance(v, list):
        return [walk(x, ren) for x in v]
    if not isinstance(v, dict):
        return v
    out = {}
    for k, x in v.items():
        if k == "States" and isinstance(x, dict):
            out[k] = {ren.setdefault(n, name()): walk(s, ren) for n, s in x.items()}
        elif k in ("Next", "Default", "StartAt") and isinstance(x, str):
            out[k] = ren.setdefault(x, name())
        elif k in ("Comment", "Cause", "Error", "StringEquals", "StringLessThan",
                   "StringGreaterThan", "StringMatches") and isinstance(x, str):
            out[k] = long()
        elif k == "ErrorEquals" and isinstance(x, list):
            out[k] = [e if e.startswith("States.") else long() for e in x]
        elif k == "Result":
            out[k] = data(x)
        elif k in ("Parameters", "ItemSelector", "ResultSelector") and isinstance(x, dict):
            out[k] = {kk if kk.endswith(".$") else long():
                      xx if kk.endswith(".$") else data(xx) for kk, xx in x.items()}
        else:
            out[k] = walk(x, ren)
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: fuzz/rename.py OUTDIR [SEED]")
    outdir = sys.argv[1]
    random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 6)
    os.makedirs(outdir, exist_ok=True)
    files = sorted(glob.glob("tests/run/*/machine.asl.json") +
                   glob.glob("tests/gen/*.asl.json") +
                   glob.glob("examples/*/*.asl.json"))
    for i, f in enumerate(files):
        try:
            with open(f, encoding="utf-8") as fh:
                m = json.load(fh)
        except (ValueError, UnicodeDecodeError):
            continue	# the invalid ones of the suite
        for ascii_only in (False, True):
            path = os.path.join(outdir, "%03d-%s.asl.json" % (i, "ascii" if ascii_only else "utf8"))
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(walk(m, {}), fh, ensure_ascii=ascii_only)


main()
