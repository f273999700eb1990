#!/usr/bin/python3
"""Expected metrics from scikit-learn for sklearn_test.go.

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
    average_precision_score,
    confusion_matrix,
    hamming_loss,
    mean_absolute_error,
    mean_squared_error,
    precision_recall_fscore_support,
    r2_score,
    roc_auc_score,
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


def binary(name, y_true, score):
    # The positive class is 1; roc_auc_score and average_precision_score
    # group tied scores into one threshold, which the ties cases exercise.
    y_true = np.asarray(y_true)
    score = np.asarray(score, dtype=np.float64)
    return {
        "name": name,
        "true": y_true.tolist(),
        "score": score.tolist(),
        "roc_auc": roc_auc_score(y_true, score),
        "average_precision": average_precision_score(y_true, score),
    }


def binaries():
    n = 50
    y = (rng.rand(n) < 0.35).astype(int)
    s = np.clip(0.5 + 0.25 * (2 * y - 1) + 0.3 * rng.randn(n), 0, 1)
    cases = [binary("continuous", y, s)]
    # Scores on a coarse grid: many ties, within a class and across classes.
    y = (rng.rand(n) < 0.4).astype(int)
    s = np.round(np.clip(0.5 + 0.15 * (2 * y - 1) + 0.25 * rng.randn(n), 0, 1), 1)
    cases.append(binary("ties on a 0.1 grid", y, s))
    # Three distinct scores only, 5% positives.
    n = 80
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, 4, replace=False)] = 1
    s = rng.choice([0.2, 0.5, 0.9], size=n, p=[0.5, 0.3, 0.2])
    s[y == 1] = rng.choice([0.5, 0.9], size=4)
    cases.append(binary("imbalanced, three scores", y, s))
    cases.append(binary("every score tied", [0, 1, 1, 0, 0, 1, 0], [0.3] * 7))
    cases.append(binary("perfectly separated", [0, 0, 1, 1, 0, 1], [0.1, 0.2, 0.8, 0.7, 0.3, 0.95]))
    cases.append(binary("perfectly reversed", [1, 1, 0, 0], [0.1, 0.2, 0.8, 0.7]))
    return cases


def multilabel():
    # Four labels: "c" is never on in the truth and "d" is never predicted,
    # so both zero_division cases enter the macro averages; some scores sit
    # exactly on the 0.5 threshold, which counts as on.
    labels = ["a", "b", "c", "d"]
    n = 40
    y = (rng.rand(n, 4) < [0.5, 0.3, 0.0, 0.4]).astype(int)
    p = np.clip(0.5 + 0.3 * (2 * y - 1) + 0.3 * rng.randn(n, 4), 0, 1)
    p[:, 3] = np.minimum(p[:, 3], 0.45)
    p[rng.choice(n, 5, replace=False), 0] = 0.5
    pred = (p >= 0.5).astype(int)
    pr, rc, f, s = precision_recall_fscore_support(y, pred, average=None, zero_division=0)
    mp, mr, mf, _ = precision_recall_fscore_support(y, pred, average="macro", zero_division=0)
    return {
        "targets": labels,
        "true": y.ravel().tolist(),
        "prob": p.ravel().tolist(),
        "accuracy": accuracy_score(y, pred),
        "hamming_accuracy": 1 - hamming_loss(y, pred),
        "precision": mp,
        "recall": mr,
        "f1": mf,
        "per_target": {
            t: {"precision": pr[i], "recall": rc[i], "f1": f[i], "support": int(s[i])}
            for i, t in enumerate(labels)
        },
    }


# The draws of classification() and regression() come first, so that adding
# cases after them leaves their inputs as they were.
out = {
    "sklearn_version": sklearn.__version__,
    "classification": classification(),
    "regression": [
        regression("constant target missed", exact_constant=False),
        regression("constant target exact", exact_constant=True),
    ],
}
out["binary"] = binaries()
out["multilabel"] = multilabel()
json.dump(out, sys.stdout, indent=1, default=float)
sys.stdout.write("\n")
