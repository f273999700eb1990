#!/usr/bin/python3
"""Write testdata/imbalanced/{train,test}.csv: a 95/5 two-class problem.

    /usr/bin/python3 testdata/gen/make_imbalanced.py

Six features x1..x6 ~ N(0, 1); the rare class "yes" is drawn with probability
sigmoid(1.5·x1 − 1.0·x2 + 0.8·x3·x4 − 4.4), which makes about 5% of the rows
positive and leaves the two classes overlapping, so a model trained on the plain
mean loss predicts almost only "no". x5 and x6 are noise. 3000 training rows,
2000 test rows, from numpy.random.RandomState(95). Deterministic: two runs give
identical bytes.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "imbalanced"))


def rows(rs, n):
    X = np.round(rs.standard_normal((n, 6)), 4)
    z = 1.5 * X[:, 0] - 1.0 * X[:, 1] + 0.8 * X[:, 2] * X[:, 3] - 4.4
    y = rs.uniform(size=n) < 1 / (1 + np.exp(-z))
    return X, np.where(y, "yes", "no")


def write(path, X, y):
    with open(path, "w", newline="\n") as f:
        f.write("x1,x2,x3,x4,x5,x6,label\n")
        for xs, lab in zip(X, y):
            f.write(",".join(repr(float(v)) if v != 0 else "0" for v in xs) + "," + lab + "\n")


def main():
    rs = np.random.RandomState(95)
    os.makedirs(OUT, exist_ok=True)
    for name, n in (("train.csv", 3000), ("test.csv", 2000)):
        X, y = rows(rs, n)
        write(os.path.join(OUT, name), X, y)
        print("%s: %d rows, %d yes (%.1f%%)" % (name, n, (y == "yes").sum(), 100 * (y == "yes").mean()))


if __name__ == "__main__":
    main()
