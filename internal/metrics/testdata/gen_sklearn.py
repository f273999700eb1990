#!/usr/bin/python3
"""Expected metrics from scikit-learn for metrics_sklearn_test.go.

Run once with Debian's scikit-learn (apt-get install python3-sklearn):

    /usr/bin/python3 gen_sklearn.py > sklearn.json

The Go tests read sklearn.json; they never run Python. The inputs are drawn
here with a fixed seed and stored beside the expected figures.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    mean_absolute_error,
    mean_squared_error,
    precision_recall_fscore_support,
    r2_score,
)

rng = np.random.RandomState(20261128)


def classification():
    # Five classes: "eel" (4) never occurs in the truth, "cat" (2) is never
    # predicted, so both zero_division cases enter the macro averages.
    classes = ["ant", "bee", "cat", "dog", "eel"]
    n = 60
    y_true = rng.choice([0, 1, 2, 3], size=n, p=[0.3, 0.3, 0.15, 0.25])
    y_pred = y_true.copy()
    noisy = rng.rand(n) < 0.35
    y_pred[noisy] = rng.choice([0, 1, 3, 4], size=noisy.sum())
    y_pred[y_pred == 2] = 3
    labels = list(range(len(classes)))
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, average=None, zero_division=0)
    mp, mr, mf, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, average="macro", zero_division=0)
    return {
        "classes": classes,
        "true": y_true.tolist(),
        "pred": y_pred.tolist(),
        "accuracy": accuracy_score(y_true, y_pred),
        "precision": mp,
        "recall": mr,
        "f1": mf,
        "per_class": {
            c: {"precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i])}
            for i, c in enumerate(classes)
        },
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def regression(name, exact_constant):
    # Three targets; the last is constant, predicted exactly or not, so r2
    # covers force_finite's two cases (1 and 0).
    rows, cols = 30, 3
    y = rng.randn(rows, cols) * [1.0, 3.0, 0.0] + [0.5, -2.0, 2.5]
    yhat = y + rng.randn(rows, cols) * [0.3, 2.5, 0.0 if exact_constant else 0.1]
    return {
        "name": name,
        "rows": rows,
        "cols": cols,
        "y": y.ravel().tolist(),
        "yhat": yhat.ravel().tolist(),
        "mse": mean_squared_error(y, yhat),
        # The contract's rmse is the root of the plain mean over all outputs;
        # scikit-learn's squared=False averages the per-target roots instead,
        # so it is kept only as a reminder that the two differ.
        "rmse": float(np.sqrt(mean_squared_error(y, yhat))),
        "sklearn_rmse_uniform_average": mean_squared_error(y, yhat, squared=False),
        "mae": mean_absolute_error(y, yhat),
        "r2": r2_score(y, yhat, force_finite=True),
        "r2_per_target": r2_score(y, yhat, multioutput="raw_values", force_finite=True).tolist(),
    }


out = {
    "sklearn_version": sklearn.__version__,
    "classification": classification(),
    "regression": [
        regression("constant target missed", exact_constant=False),
        regression("constant target exact", exact_constant=True),
    ],
}
json.dump(out, sys.stdout, indent=1, default=float)
sys.stdout.write("\n")
