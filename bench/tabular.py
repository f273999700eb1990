#!/usr/bin/python3
"""nntrain beside a scikit-learn pipeline on a data set with categories and
missing values (Palmer penguins), on the same rows.

For each seed: a stratified 80/20 split of data/penguins.csv (sklearn's
train_test_split), written as train.csv/test.csv; nntrain trains
configs/penguins.yaml on train.csv with the test file as data.test and no
validation split, and its metrics.json gives the test accuracy; scikit-learn
trains SimpleImputer(mean) + StandardScaler on the numbers and
SimpleImputer(most_frequent) + OneHotEncoder on island and sex, then an
MLPClassifier with the same layers, optimizer, learning rate, batch size and
epochs. Usage: bench/tabular.py NNTRAIN_BINARY [SEEDS]
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NUMBERS = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "year"]
CATEGORIES = ["island", "sex"]


def main():
    binary = os.path.abspath(sys.argv[1])
    seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with open(os.path.join(ROOT, "data", "penguins.csv"), newline="") as f:
        records = list(csv.reader(f))
    header, body = records[0], records[1:]
    species = [r[header.index("species")] for r in body]
    rows = []
    for seed in range(seeds):
        train, test = train_test_split(body, test_size=0.2, stratify=species, random_state=seed)
        with tempfile.TemporaryDirectory() as d:
            for name, part in (("train.csv", train), ("test.csv", test)):
                with open(os.path.join(d, name), "w", newline="") as f:
                    csv.writer(f, lineterminator="\n").writerows([header] + part)
            run = os.path.join(d, "run")
            subprocess.run([binary, "train", "-q", "-c", os.path.join(ROOT, "configs", "penguins.yaml"),
                            "--set", "data.train=" + os.path.join(d, "train.csv"),
                            "--set", "data.test=" + os.path.join(d, "test.csv"),
                            "--set", "data.validation_split=0", "--set", "seed=%d" % seed, "--out", run], check=True)
            with open(os.path.join(run, "metrics.json")) as f:
                ours = json.load(f)["test"]["accuracy"]
        def frame(part):
            x = np.empty((len(part), len(NUMBERS) + len(CATEGORIES)), dtype=object)
            for i, r in enumerate(part):
                for j, c in enumerate(NUMBERS):
                    v = r[header.index(c)]
                    x[i, j] = np.nan if v == "NA" else float(v)
                for j, c in enumerate(CATEGORIES):
                    x[i, len(NUMBERS) + j] = r[header.index(c)]
            return x
        def labels(part):
            return np.array([r[header.index("species")] for r in part])
        nums = list(range(len(NUMBERS)))
        cats = list(range(len(NUMBERS), len(NUMBERS) + len(CATEGORIES)))
        pre = ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), nums),
            ("cat", make_pipeline(SimpleImputer(missing_values="NA", strategy="most_frequent"),
                                  OneHotEncoder(handle_unknown="ignore")), cats),
        ])
        mlp = MLPClassifier(hidden_layer_sizes=(16,), activation="relu", solver="adam", learning_rate_init=0.01,
                            batch_size=32, max_iter=100, alpha=0.0, early_stopping=False, n_iter_no_change=1000,
                            tol=0, random_state=seed)
        model = make_pipeline(pre, mlp).fit(frame(train), labels(train))
        theirs = float((model.predict(frame(test)) == labels(test)).mean())
        rows.append((seed, len(train), len(test), ours, theirs))
        print("seed %d: %d/%d rows, test accuracy nntrain %.4f, scikit-learn %.4f" % rows[-1], flush=True)
    ours = [r[3] for r in rows]
    theirs = [r[4] for r in rows]
    print("mean over %d splits: nntrain %.4f (min %.4f), scikit-learn %.4f (min %.4f)" % (
        len(rows), np.mean(ours), min(ours), np.mean(theirs), min(theirs)))


if __name__ == "__main__":
    main()
