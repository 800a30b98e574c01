#!/usr/bin/env python3
"""Aggregates a PyTorch/Chrome trace (DJL's JniUtils.stopProfile or torch.profiler export) by op name
(self time = duration minus nested children), and sums the volume copied by aten::copy_.

    python3 benchmarks/pytorch/trace_summary.py TRACE.json [updates=4] [rows=20]
"""
import json
import sys
from collections import defaultdict

path = sys.argv[1]
updates = int(sys.argv[2]) if len(sys.argv) > 2 else 4
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 20
with open(path) as f:
    data = json.load(f)
events = data["traceEvents"] if isinstance(data, dict) else data
ops = [e for e in events if e.get("ph") == "X" and "dur" in e]
ops.sort(key=lambda e: (e.get("tid"), e["ts"], -e["dur"]))
# self time: duration minus direct children's durations (per thread, nested intervals)
self_time = defaultdict(float)
count = defaultdict(int)
stack = []
for e in ops:
    end = e["ts"] + e["dur"]
    while stack and (stack[-1][0] != e.get("tid") or stack[-1][1] <= e["ts"]):
        stack.pop()
    if stack:
        self_time[stack[-1][2]] -= e["dur"]
    self_time[e["name"]] += e["dur"]
    count[e["name"]] += 1
    stack.append((e.get("tid"), end, e["name"]))
top_level = len([1 for e in ops])
total = sum(self_time.values())
copies = [e for e in ops if e["name"] == "aten::copy_"]


def numel(e):
    shape = e.get("shape") or (e.get("args") or {}).get("Input Dims") or [[]]
    n = 1
    for d in (shape[0] if shape and shape[0] else [0]):
        n *= d
    return n


copied = sum(numel(e) for e in copies)
print(f"aten::copy_: {len(copies) / updates:.0f} calls, {copied / updates / 1e6:.1f} M floats per update, "
      f"{sum(1 for e in copies if numel(e) >= 100_000) / updates:.0f} of them >= 100k elements")
print(f"{len(ops)} op events ({len(ops) / updates:.0f} per update), total self time {total / 1e3 / updates:.1f} ms per update")
print(f"{'op':45s} {'self ms/upd':>11s} {'%':>6s} {'calls/upd':>10s}")
for name, t in sorted(self_time.items(), key=lambda kv: -kv[1])[:rows]:
    print(f"{name[:45]:45s} {t / 1e3 / updates:11.2f} {100 * t / total:6.1f} {count[name] / updates:10.0f}")
