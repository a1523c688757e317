#!/usr/bin/env python3
"""gen500.py - write a deterministic 500-state definition for bench/backends.sh.

    python3 bench/gen500.py > gen500.asl.json

61 segments of eight states each, in a chain, then a Parallel (two
branches of three Pass states), a Map (an iterator of three Pass states)
and a Succeed: 61*8 + 7 + 4 + 1 = 500 states. A segment:

    Prep   Pass, Parameters with States.Format / States.MathAdd / States.ArrayLength
    Score  Task (Score in bench/gen500_handlers.c), Retry on Gen.Transient,
           Catch on States.ALL to Recover
    Route  Choice: NumericLessThan, And, Or with StringEquals, Not; Default
    Low, Mid, High, Recover   Pass states setting $.route
    Join   Pass, Parameters that carry n, tag, items on and drop the rest

The Parallel and Map sit after segment 30. Every state is reachable and
`aslc --check` gives no warning. The Score handler fails now and then
(deterministically), so a run walks Retry and Catch paths too.
"""
import json
import sys

SEGMENTS = 61
MIDDLE = 30          # the Parallel and Map follow this segment
ARN = "arn:aws:lambda:us-east-1:123456789012:function:Score"


def seg_name(i, s):
    return f"S{i:02d}_{s}"


def segment(i, nxt):
    n = lambda s: seg_name(i, s)
    route = lambda r: {"Type": "Pass", "Result": {"r": r, "at": i},
                       "ResultPath": "$.route", "Next": n("Join")}
    return {
        n("Prep"): {
            "Type": "Pass",
            "Parameters": {
                "step": i,
                "label.$": f"States.Format('s{i}-{{}}-{{}}', $.tag, $.n)",
                "sum.$": f"States.MathAdd($.n, {i})",
                "count.$": "States.ArrayLength($.items)",
            },
            "ResultPath": "$.prep",
            "Next": n("Score"),
        },
        n("Score"): {
            "Type": "Task",
            "Resource": ARN,
            "Parameters": {"n.$": "$.n", "k": i, "sum.$": "$.prep.sum"},
            "ResultSelector": {"v.$": "$.v", "n.$": "$.n"},
            "ResultPath": "$.score",
            "TimeoutSeconds": 30,
            "Retry": [{"ErrorEquals": ["Gen.Transient"], "IntervalSeconds": 1,
                       "MaxAttempts": 2, "BackoffRate": 2.0}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                       "Next": n("Recover")}],
            "Next": n("Route"),
        },
        n("Route"): {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.score.v", "NumericLessThan": 30, "Next": n("Low")},
                {"And": [{"Variable": "$.score.v", "NumericGreaterThanEquals": 30},
                         {"Variable": "$.score.v", "NumericLessThan": 60}],
                 "Next": n("Mid")},
                {"Or": [{"Variable": "$.score.v", "NumericGreaterThanEquals": 90},
                        {"Variable": "$.tag", "StringEquals": "hot"}],
                 "Next": n("High")},
                {"Not": {"Variable": "$.prep.label", "StringMatches": "s*-gen-*"},
                 "Next": n("Low")},
            ],
            "Default": n("Mid"),
        },
        n("Low"): route("low"),
        n("Mid"): route("mid"),
        n("High"): route("high"),
        n("Recover"): {"Type": "Pass", "Parameters": {"r": "recovered", "error.$": "$.error.Error"},
                       "ResultPath": "$.route", "Next": n("Join")},
        n("Join"): {
            "Type": "Pass",
            "Parameters": {
                "n.$": "States.MathAdd($.n, 1)",
                "tag.$": "$.tag",
                "items.$": "$.items",
                "last.$": "$.route.r",
            },
            "Next": nxt,
        },
    }


def branch(b):
    p = lambda s: f"Fan_B{b}_{s}"
    return {
        "StartAt": p("A"),
        "States": {
            p("A"): {"Type": "Pass", "Parameters": {"b": b, "n.$": "$.n",
                                                  "id.$": f"States.Format('b{b}-{{}}', $.n)"},
                     "Next": p("B")},
            p("B"): {"Type": "Pass", "Parameters": {"b.$": "$.b", "id.$": "$.id",
                                                  "x.$": f"States.MathAdd($.n, {b * 10})"},
                     "Next": p("C")},
            p("C"): {"Type": "Pass", "ResultPath": "$.done", "Result": True, "End": True},
        },
    }


def main():
    states = {}
    for i in range(SEGMENTS):
        if i == MIDDLE:
            nxt = "Fan"
        elif i == SEGMENTS - 1:
            nxt = "Done"
        else:
            nxt = seg_name(i + 1, "Prep")
        states.update(segment(i, nxt))
    states["Fan"] = {
        "Type": "Parallel",
        "Branches": [branch(1), branch(2)],
        "ResultPath": "$.fan",
        "Next": "Each",
    }
    states["Each"] = {
        "Type": "Map",
        "ItemsPath": "$.items",
        "MaxConcurrency": 2,
        "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "tag.$": "$.tag"},
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Each_A",
            "States": {
                "Each_A": {"Type": "Pass", "Parameters": {"i.$": "$.i",
                           "s.$": "States.Format('{}#{}', $.tag, $.v)"}, "Next": "Each_B"},
                "Each_B": {"Type": "Pass", "Parameters": {"i.$": "$.i", "s.$": "$.s",
                           "w.$": "States.MathAdd($.i, 100)"}, "Next": "Each_C"},
                "Each_C": {"Type": "Pass", "OutputPath": "$.w", "End": True},
            },
        },
        "ResultPath": "$.each",
        "Next": seg_name(MIDDLE + 1, "Prep"),
    }
    states["Done"] = {"Type": "Succeed"}
    count = len(states) + sum(len(b["States"]) for b in states["Fan"]["Branches"]) + \
        len(states["Each"]["ItemProcessor"]["States"])
    assert count == 500, count
    doc = {
        "Comment": "Generated by bench/gen500.py: 500 states (61 segments of Pass/Task/Choice, "
                   "a Parallel, a Map) for bench/backends.sh. Tasks: bench/gen500_handlers.c.",
        "StartAt": seg_name(0, "Prep"),
        "States": states,
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
