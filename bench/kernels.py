"""Kernel speed against the FMA peak, as issue 13 states its goal.

Reads `go test -bench 'Mul32$|Mul$|PeakFMA' ./internal/network/` output on
stdin (bench/kernels.sh runs it) and prints a Markdown table: for each kernel
and precision, the best single call at the three large products of the
784-256-128-10 net with batch 128 (forward, dW, dA of the first layer) on 1
and on 2 workers, and each as a share of the FMA peak of the widest vector
unit this CPU runs (BenchmarkPeakFMA / BenchmarkPeakFMA32 in the same run: 1
goroutine for 1 worker, 2 goroutines for 2). The goal is >= 70% on 1
worker and >= 60% on 2; rows of a narrower kernel than the widest are shown
for comparison and are not held to it.

With -count N the best of the N runs of each benchmark is taken, for the
products and the peaks alike.
"""

import re
import sys

# The three large products of the net, by benchmark name.
LARGE = {
    "fwd/128x784_x_256x784T": "forward",
    "dW/128x256T_x_128x784": "dW",
    "dA/128x256_x_256x784": "dA",
}
# Vector width of each kernel, widest last.
WIDTH = {"go": 0, "avx2": 256, "avx512": 512}
GOALS = {1: 70.0, 2: 60.0}

line_re = re.compile(r"^Benchmark(Mul32|Mul|PeakFMA32|PeakFMA)/(\S+?)-\d+\s.*?([\d.]+) best-GFLOP/s")


def main():
    prod = {}  # (prec, kernel, workers, shape) -> best GFLOP/s
    peak = {}  # (prec, kernel, goroutines) -> best GFLOP/s
    header = []
    for line in sys.stdin:
        if line.startswith("cpu:"):
            header.append(line.strip())
        m = line_re.match(line)
        if not m:
            continue
        bench, name, gflops = m.group(1), m.group(2), float(m.group(3))
        prec = "float32" if bench.endswith("32") else "float64"
        parts = name.split("/")
        if bench.startswith("PeakFMA"):
            key = (prec, parts[0], int(parts[1].split("=")[1]))
            peak[key] = max(peak.get(key, 0.0), gflops)
        else:
            shape = "/".join(parts[2:])
            if shape in LARGE:
                key = (prec, parts[0], int(parts[1].split("=")[1]), shape)
                prod[key] = max(prod.get(key, 0.0), gflops)
    if not prod or not peak:
        sys.exit("kernels.py: no Mul or PeakFMA benchmark lines on stdin")

    for h in dict.fromkeys(header):
        print(f"`{h}`  ")
    print()
    print("| kernel | 1 worker: forward / dW / dA GFLOP/s | % of 1-core peak | 2 workers | % of 2-core peak | goal |")
    print("| --- | --- | --- | --- | --- | --- |")
    missed = False
    for prec in ("float64", "float32"):
        kernels = sorted({k for (p, k, _, _) in prod if p == prec}, key=WIDTH.get)
        peaks = sorted({k for (p, k, _) in peak if p == prec}, key=WIDTH.get)
        if not peaks:
            continue
        widest = peaks[-1]
        gor = {g for (p, k, g) in peak if p == prec and k == widest}
        cells = []
        for kern in kernels:
            if kern == "go":
                continue
            row = [f"{prec} {kern}"]
            ok = True
            for w in (1, 2):
                vals = [prod.get((prec, kern, w, s)) for s in LARGE]
                if None in vals or w not in gor:
                    row += ["—", "—"]
                    continue
                p = peak[(prec, widest, w)]
                shares = [100 * v / p for v in vals]
                row.append(" / ".join(f"{v:.1f}" for v in vals))
                row.append(f"{min(shares):.0f}–{max(shares):.0f}% of {p:.1f} ({widest})")
                ok = ok and min(shares) >= GOALS[w]
            if kern == widest:
                row.append("met" if ok else "**missed**")
                missed = missed or not ok
            else:
                row.append(f"(narrower than {widest})")
            cells.append(row)
        for row in cells:
            print("| " + " | ".join(row) + " |")
    print()
    print("Goal: the widest kernel at >= 70% of its peak on 1 worker and >= 60% on 2, at all three products.")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
