#!/usr/bin/env python3
"""exports.py LIB HEADER - the library exports exactly what the header declares.

Every global symbol LIB defines must be a function declared in HEADER (the
documented API), and every function HEADER declares must be defined in LIB.
Exit 0, or 1 with the differences.
"""
import re
import subprocess
import sys


def declared(header):
    text = open(header, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    # Preprocessor lines, with their continuations.
    text = re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)
    names = set()
    for stmt in re.split(r"[;{}]", text):
        stmt = " ".join(stmt.split())
        if not stmt or stmt.startswith("typedef") or stmt.startswith("extern \"C\""):
            continue
        m = re.search(r"\b(\w+)\s*\(", stmt)
        if m and "(*" not in stmt[: m.start() + 2]:
            names.add(m.group(1))
    return names


def defined(lib):
    out = subprocess.run(["nm", "-g", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            # ASan adds __odr_asan.* and __asan_* symbols of its own.
            if parts[2].startswith("__odr_asan") or parts[2].startswith("__asan"):
                continue
            syms.add(parts[2])
    return syms


def main():
    lib, header = sys.argv[1:3]
    decl, syms = declared(header), defined(lib)
    bad = False
    for s in sorted(syms - decl):
        print(f"exported but not declared in {header}: {s}")
        bad = True
    for s in sorted(decl - syms):
        print(f"declared in {header} but not in {lib}: {s}")
        bad = True
    if not syms:
        print(f"{lib} exports nothing")
        bad = True
    sys.exit(1 if bad else 0)


main()
