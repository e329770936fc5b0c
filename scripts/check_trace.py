#!/usr/bin/env python3
"""Recomputes every head's weights and the output of an attnviz trace.json from its inputs alone.

    attnviz --export out --format json && python3 scripts/check_trace.py out/trace.json

Plain Python, no packages: the README's worked example of reading the JSON from another tool.
Covers the dot-product scores (scaled_dot, dot) and the none/causal masks.
"""
import json
import math
import sys


def matmul(a, b):  # (n × m) · (m × p)
    return [[sum(x * y for x, y in zip(row, col)) for col in zip(*b)] for row in a]


def columns(m, start, count):
    return [row[start:start + count] for row in m]


def close(a, b):
    return abs(a - b) <= 1e-5 * max(1.0, abs(b))


def main(path):
    t = json.load(open(path, encoding="utf-8"))
    c = t["config"]
    if c["score"] not in ("scaled_dot", "dot"):
        sys.exit(f"this example covers scaled_dot and dot, not {c['score']}")
    d_k = c["d_k"]
    concat = [[] for _ in t["x_query"]]
    for h, head in enumerate(t["heads"]):
        q = matmul(t["x_query"], columns(t["w_q"], h * d_k, d_k))  # n_q × d_k
        k = matmul(t["x_key"], columns(t["w_k"], h * d_k, d_k))    # n_k × d_k
        v = matmul(t["x_key"], columns(t["w_v"], h * d_k, d_k))    # n_k × d_k
        scale = math.sqrt(d_k) if c["score"] == "scaled_dot" else 1.0
        for i, q_i in enumerate(q):
            s = [sum(a * b for a, b in zip(q_i, k_j)) / scale / c["temperature"] for k_j in k]
            visible = [c["mask"] != "causal" or j <= i for j in range(len(k))]
            top = max(x for x, seen in zip(s, visible) if seen)
            e = [math.exp(x - top) if seen else 0.0 for x, seen in zip(s, visible)]
            w = [x / sum(e) for x in e]
            assert all(map(close, w, head["weights"][i])), f"head {h + 1}, query {i + 1}"
            concat[i] += [sum(w[j] * v[j][col] for j in range(len(k))) for col in range(d_k)]
    output = matmul(concat, t["w_o"])  # n_q × d_model
    for i, row in enumerate(output):
        assert all(map(close, row, t["output"][i])), f"output row {i + 1}"
    print(f"{len(t['heads'])} heads: every weight and the output match")


if __name__ == "__main__":
    main(sys.argv[1])
