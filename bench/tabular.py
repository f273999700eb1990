#!/usr/bin/python3
"""nntrain beside a scikit-learn pipeline on real data sets with categories
and missing values, on the same rows:

  penguins  data/penguins.csv, configs/penguins.yaml (3 species, softmax)
  titanic   data/titanic.csv, configs/titanic.yaml (survived no/yes, one
            sigmoid unit with bce)

For each data set and seed: a stratified 80/20 split of the file (sklearn's
train_test_split), written as train.csv/test.csv; nntrain trains the config
on train.csv with the test file as data.test and no validation split, and
its metrics.json gives the test accuracy (and roc_auc for two classes);
scikit-learn trains SimpleImputer(mean) + StandardScaler on the number
columns and SimpleImputer(most_frequent) + OneHotEncoder on the text
columns, then an MLPClassifier with the same layers, activation, optimizer,
learning rate, batch size and epochs (no l2, no early stopping), scored on
the same test rows. The figures are means over the seeds.

Usage: bench/tabular.py NNTRAIN_BINARY [SEEDS [DATASET...]]
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

# max_iter is the epoch count, as nntrain's train.epochs: the run stops there
# by design, so sklearn's "not converged" warning is noise.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What each config says, spelled out for scikit-learn: the number and text
# columns (the config's inputs), the target, and the hidden layer.
DATASETS = {
    "penguins": dict(csv="penguins.csv", config="penguins.yaml", target="species",
                     numbers=["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "year"],
                     categories=["island", "sex"], hidden=16, activation="relu", lr=0.01, batch=32, epochs=100),
    "titanic": dict(csv="titanic.csv", config="titanic.yaml", target="survived",
                    numbers=["age"], categories=["sex", "passengerClass"],
                    hidden=16, activation="relu", lr=0.01, batch=32, epochs=100),
}
MISSING = "NA"  # how both files write a missing cell (the configs' data.missing)


def run_one(binary, ds, header, train, test, seed):
    """Test (accuracy, roc_auc or None) of nntrain and of scikit-learn."""
    with tempfile.TemporaryDirectory() as d:
        for name, part in (("train.csv", train), ("test.csv", test)):
            with open(os.path.join(d, name), "w", newline="") as f:
                csv.writer(f, lineterminator="\n").writerows([header] + part)
        run = os.path.join(d, "run")
        subprocess.run([binary, "train", "-q", "-c", os.path.join(ROOT, "configs", ds["config"]),
                        "--set", "data.train=" + os.path.join(d, "train.csv"),
                        "--set", "data.test=" + os.path.join(d, "test.csv"),
                        "--set", "data.validation_split=0", "--set", "seed=%d" % seed, "--out", run], check=True)
        with open(os.path.join(run, "metrics.json")) as f:
            m = json.load(f)["test"]
        ours = (m["accuracy"], m.get("roc_auc"))

    cols = ds["numbers"] + ds["categories"]

    def frame(part):
        x = np.empty((len(part), len(cols)), dtype=object)
        for i, r in enumerate(part):
            for j, c in enumerate(cols):
                v = r[header.index(c)].strip()
                if c in ds["numbers"]:
                    x[i, j] = np.nan if v == MISSING else float(v)
                else:
                    x[i, j] = v
        return x

    def labels(part):
        return np.array([r[header.index(ds["target"])] for r in part])

    nums = list(range(len(ds["numbers"])))
    cats = list(range(len(ds["numbers"]), len(cols)))
    pre = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), nums),
        ("cat", make_pipeline(SimpleImputer(missing_values=MISSING, strategy="most_frequent"),
                              OneHotEncoder(handle_unknown="ignore")), cats),
    ])
    mlp = MLPClassifier(hidden_layer_sizes=(ds["hidden"],), activation=ds["activation"], solver="adam",
                        learning_rate_init=ds["lr"], batch_size=ds["batch"], max_iter=ds["epochs"], alpha=0.0,
                        early_stopping=False, n_iter_no_change=100000, tol=0, random_state=seed)
    model = make_pipeline(pre, mlp).fit(frame(train), labels(train))
    y = labels(test)
    acc = float((model.predict(frame(test)) == y).mean())
    auc = None
    classes = sorted(set(labels(train)))
    if len(classes) == 2:
        # The positive class is the second in sorted order, as nntrain's.
        pos = list(model.classes_).index(classes[1])
        auc = float(roc_auc_score(y == classes[1], model.predict_proba(frame(test))[:, pos]))
    return ours, (acc, auc)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    names = sys.argv[3:] or list(DATASETS)
    table = []
    for name in names:
        ds = DATASETS[name]
        with open(os.path.join(ROOT, "data", ds["csv"]), newline="") as f:
            records = list(csv.reader(f))
        header, body = records[0], records[1:]
        y = [r[header.index(ds["target"])] for r in body]
        missing = sum(any(r[header.index(c)].strip() == MISSING for c in ds["numbers"] + ds["categories"]) for r in body)
        res = []
        for seed in range(seeds):
            train, test = train_test_split(body, test_size=0.2, stratify=y, random_state=seed)
            ours, theirs = run_one(binary, ds, header, train, test, seed)
            res.append((ours, theirs))
            line = "%s seed %d: %d/%d rows, test accuracy nntrain %.4f, scikit-learn %.4f" % (
                name, seed, len(train), len(test), ours[0], theirs[0])
            if ours[1] is not None:
                line += "; roc_auc nntrain %.4f, scikit-learn %.4f" % (ours[1], theirs[1])
            print(line, flush=True)
        table.append((name, len(body), missing, len(set(y)), res))

    def stat(vals):
        return "%.4f (min %.4f)" % (np.mean(vals), min(vals))

    print()
    print("means over %d stratified 80/20 splits (seeds 0..%d); command: bench/tabular.py %s %d %s" % (
        seeds, seeds - 1, sys.argv[1], seeds, " ".join(names)))
    print("| data set | rows | rows with NA | classes | nntrain test accuracy | scikit-learn test accuracy | nntrain test roc_auc | scikit-learn test roc_auc |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, rows, missing, k, res in table:
        cells = [stat([r[0][0] for r in res]), stat([r[1][0] for r in res])]
        if res[0][0][1] is not None:
            cells += [stat([r[0][1] for r in res]), stat([r[1][1] for r in res])]
        else:
            cells += ["—", "—"]
        print("| %s | %d | %d | %d | %s |" % (name, rows, missing, k, " | ".join(cells)))


if __name__ == "__main__":
    main()
