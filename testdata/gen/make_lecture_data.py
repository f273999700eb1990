#!/usr/bin/python3
"""Write configs/lecture/231.csv, the two-input data set of the lecture's 2-3-1 net.

80 points in the plane, label 1 inside the circle of radius 1.5 and 0 on the
ring between radius 2 and 3: a class a single neuron cannot separate and
three tanh units can (roughly as a triangle). Deterministic (fixed seed), the
numbers rounded to 2 decimals so the file reads like a hand-made table.

    /usr/bin/python3 testdata/gen/make_lecture_data.py
"""

import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "configs", "lecture", "231.csv"))


def main():
    rng = random.Random(231)
    rows = []
    for label, (r0, r1) in ((1, (0.0, 1.5)), (0, (2.0, 3.0))):
        for _ in range(40):
            # uniform over the disc or ring's area
            r = math.sqrt(rng.uniform(r0 * r0, r1 * r1))
            t = rng.uniform(0, 2 * math.pi)
            rows.append((round(r * math.cos(t), 2), round(r * math.sin(t), 2), label))
    rng.shuffle(rows)
    with open(OUT, "w") as f:
        f.write("x1,x2,y\n")
        for x1, x2, y in rows:
            f.write(f"{x1},{x2},{y}\n")


if __name__ == "__main__":
    main()
