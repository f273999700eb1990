#!/usr/bin/python3
"""Recompute fixture cases with an independent NumPy backprop (no autograd) and
report the worst difference from each case's expected.json.

This shares no code with make_fixtures.py: it reads spec.yaml, init.json and
data.csv as nntrain would (feature order, class order, normalisation), then
trains with hand-written forward and backward passes and the contract's update
rules written out. Raw tabular files (CONTRACT.md, "Tabular columns": missing
texts, imputation, one-hot blocks, number-only normalisation, delimiter and
decimal mark) are encoded here too, and the fitted columns are compared with
expected.json's. Row weights (data.weight, train.class_weight) enter as the
contract's weighted mean, J = Σ w ℓ / Σ w per batch.

    /usr/bin/python3 testdata/gen/check_numpy.py                 # every case in testdata/fixtures
    /usr/bin/python3 testdata/gen/check_numpy.py CASE_DIR ...    # just these

Exit status 1 when any difference exceeds 1e-12 (relative to max(1, |expected|)),
or when features, targets, classes or normalisation kind disagree.
"""

import csv
import json
import os
import sys

import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "fixtures"))
LIMIT = 1e-12


MISSING_DEFAULT = ("", "NA", "N/A", "NaN", "nan", "NULL", "null")


def sort_names(names):
    """Integer names numerically, others bytewise."""
    try:
        return sorted(names, key=lambda s: int(s))
    except ValueError:
        return sorted(names, key=lambda s: s.encode())


def encode(d, header, body, targets, wcol):
    """The inputs of the raw rows, per CONTRACT.md "Tabular columns": returns
    (input names, X before normalisation, number-input mask, model.json-like columns)."""
    miss = set(d.get("missing", MISSING_DEFAULT))
    how = {"number": "mean", "category": "most_frequent", **d.get("impute", {})}
    dec = d.get("decimal", ".")
    sources = d.get("features") or [h for h in header
                                    if h not in targets and h != wcol and h not in d.get("exclude", [])]
    at = {h: i for i, h in enumerate(header)}

    def number(t):
        if dec == "," and "." in t:
            raise ValueError(t)
        v = float(t.replace(dec, "."))
        if t.lower().lstrip("+-") in ("inf", "infinity", "nan") or "_" in t:
            raise ValueError(t)
        return v

    names, cols, mask, columns = [], [], [], []
    for h in sources:
        cells = [r[at[h]] for r in body]
        known = [c for c in cells if c not in miss]
        try:
            vals = None if h in d.get("categorical", []) else [number(c) for c in known]
        except ValueError:
            vals = None
        if vals is not None:
            fill = {"mean": lambda: sum(vals) / len(vals), "median": lambda: float(np.median(vals)),
                    "zero": lambda: 0.0}[how["number"]]()
            cols.append(np.array([fill if c in miss else number(c) for c in cells]))
            names.append(h)
            mask.append(True)
            columns.append({"name": h, "kind": "number", "fill": fill})
            continue
        own = how["category"] == "missing" and len(known) < len(cells)
        cats = ([""] if own else []) + sort_names(set(known))
        if how["category"] == "missing":
            fill = ""
        else:
            fill = max(cats, key=lambda c: (known.count(c), -cats.index(c)))
        for c in cats:
            cols.append(np.array([1.0 if (fill if v in miss else v) == c else 0.0 for v in cells]))
            names.append(h + "=" + c)
            mask.append(False)
        columns.append({"name": h, "kind": "category", "categories": cats, "fill": fill})
    return names, np.stack(cols, axis=1), np.array(mask), columns


def read_data(folder, spec):
    d = spec["data"]
    with open(os.path.join(folder, d["train"]), newline="") as f:
        rows = [[c.strip() for c in r] for r in csv.reader(f, delimiter=d.get("delimiter", ","))]
    header, body = rows[0], rows[1:]
    targets = d["target"] if isinstance(d["target"], list) else [d["target"]]
    wcol = d.get("weight")
    at = {h: i for i, h in enumerate(header)}
    features, X, is_num, columns = encode(d, header, body, targets, wcol)
    dec = d.get("decimal", ".")
    # Row weights: class_weight[y] times the data.weight column, each 1 when absent.
    w = np.ones(len(body))
    if wcol:
        w = np.array([float(r[at[wcol]]) for r in body])
    cw_spec = spec["train"].get("class_weight")

    out_units = spec["model"]["layers"][-1]["units"]
    classes = None
    if spec["loss"] == "bce" and len(targets) > 1:
        Y = np.array([[float(r[at[h]]) for h in targets] for r in body])  # multi-label
    elif spec["loss"] in ("bce", "cross_entropy"):
        labels = [r[at[targets[0]]] for r in body]
        uniq = set(labels)
        try:
            classes = sorted(uniq, key=lambda s: int(s))
        except ValueError:
            classes = sorted(uniq, key=lambda s: s.encode())
        k = np.array([classes.index(s) for s in labels])
        if cw_spec == "balanced":
            counts = np.bincount(k, minlength=len(classes))
            w = w * (len(k) / (len(classes) * counts))[k]
        elif cw_spec:
            by_name = {str(key): float(v) for key, v in cw_spec.items()}  # YAML reads 10: as an int
            per = np.array([by_name.get(c, 1.0) for c in classes])
            w = w * per[k]
        if out_units == 1:
            Y = (k == 1).astype(float)[:, None]
        else:
            Y = np.zeros((len(k), len(classes)))
            Y[np.arange(len(k)), k] = 1.0
    else:
        Y = np.array([[float(r[at[h]].replace(dec, ".")) for h in targets] for r in body])

    kind = d.get("normalize", "none")
    if kind == "standard":
        off = np.sum(X, axis=0) / X.shape[0]
        sc = np.sqrt(np.sum((X - off) ** 2, axis=0) / X.shape[0])
    elif kind == "minmax":
        off = np.min(X, axis=0)
        sc = np.max(X, axis=0) - off
    else:
        off, sc = np.zeros(X.shape[1]), np.ones(X.shape[1])
    sc[sc == 0] = 1.0
    off[~is_num], sc[~is_num] = 0.0, 1.0  # one-hot inputs are not normalised
    return features, targets, classes, kind, off, sc, (X - off) / sc, Y, w, columns


def g(z, act, alpha):
    if act == "linear":
        return z
    if act == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if act == "tanh":
        return np.tanh(z)
    if act == "relu":
        return np.where(z > 0, z, 0.0)
    if act == "leaky_relu":
        return np.where(z > 0, z, alpha * z)
    raise ValueError(act)


def g_prime(z, a, act, alpha):
    """g'(z), given a = g(z)."""
    if act == "linear":
        return np.ones_like(z)
    if act == "sigmoid":
        return a * (1.0 - a)
    if act == "tanh":
        return 1.0 - a * a
    if act == "relu":
        return (z > 0).astype(float)          # relu'(0) = 0
    if act == "leaky_relu":
        return np.where(z > 0, 1.0, alpha)    # leaky_relu'(0) = alpha
    raise ValueError(act)


def cost_and_grads(Ws, bs, acts, alphas, loss, l2, X, Y, w, drops=None):
    """J = Σ w_i ℓ_i / Σ w_i (+ the unweighted l2 term) and its gradients; with w all 1
    this is the plain mean. dZ[L] row i carries w_i / Σw instead of 1/m.
    drops[l], when not None, is layer l's dropout noise keep/(1-p): the layer passes on A*noise."""
    m = X.shape[0]
    c = (w / w.sum())[:, None]
    drops = drops or [None] * len(Ws)
    As, Zs, Gs = [X], [], []  # Gs[l]: g(Z) of hidden layer l before dropout
    for l in range(len(Ws)):
        Z = As[-1] @ Ws[l].T + bs[l]
        Zs.append(Z)
        if l < len(Ws) - 1:
            Gs.append(g(Z, acts[l], alphas[l]))
            As.append(Gs[-1] if drops[l] is None else Gs[-1] * drops[l])
    Z = Zs[-1]
    if loss == "mse":
        A = g(Z, acts[-1], alphas[-1])
        J = np.sum(c * (Y - A) ** 2) / 2
        dZ = (A - Y) * c * g_prime(Z, A, acts[-1], alphas[-1])
    elif loss == "bce":
        J = np.sum(c * (np.maximum(Z, 0) + np.log1p(np.exp(-np.abs(Z))) - Y * Z))
        dZ = (1.0 / (1.0 + np.exp(-Z)) - Y) * c
    elif loss == "cross_entropy":
        s = Z - Z.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        J = -np.sum(c * Y * logp)
        dZ = (np.exp(logp) - Y) * c
    else:
        raise ValueError(loss)
    if l2 > 0:
        J += l2 / (2 * m) * sum(np.sum(W * W) for W in Ws)
    gW, gb = [None] * len(Ws), [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        gW[l] = dZ.T @ As[l] + (l2 / m) * Ws[l]
        gb[l] = dZ.sum(axis=0)
        if l > 0:
            dA = dZ @ Ws[l]
            if drops[l - 1] is not None:
                dA = dA * drops[l - 1]
            dZ = dA * g_prime(Zs[l - 1], Gs[l - 1], acts[l - 1], alphas[l - 1])
    return J, gW, gb


def lr_of_epoch(sc, base, e, epochs):
    """The contract's closed forms (plateau is stepped in train)."""
    k = sc["kind"]
    if k == "step":
        return base * sc.get("gamma", 0.1) ** ((e - 1) // sc["step_size"])
    if k == "exponential":
        return base * sc["gamma"] ** (e - 1)
    if k == "cosine":
        T, eta = sc.get("t_max", epochs), sc.get("eta_min", 0.0)
        return eta + (base - eta) * (1 + np.cos(np.pi * (e - 1) / T)) / 2
    raise ValueError(k)


def train(spec, init, X, Y, w, masks=None):
    Ws = [np.array(L["weight"], dtype=float) for L in init["layers"]]
    bs = [np.array(L["bias"], dtype=float) for L in init["layers"]]
    layers = spec["model"]["layers"]
    acts = [L["activation"] for L in layers]
    alphas = [L.get("alpha", 0.01) for L in layers]
    t = spec["train"]
    opt, lr, l2 = t["optimizer"], t["learning_rate"], t.get("l2", 0.0)
    mu = t.get("momentum", 0.9)
    b1, b2 = t.get("betas", [0.9, 0.999])
    eps = float(t.get("eps", 1e-8))  # PyYAML reads 1e-06 (no dot) as text
    wd, alpha, clip = t.get("weight_decay", 0.01), t.get("alpha", 0.99), t.get("clip_norm", 0.0)
    sc = t.get("schedule")
    base = lr
    best, bad = np.inf, 0
    ps = [L.get("dropout", 0.0) for L in layers]
    masks = iter(masks or [])
    lrs = []
    params = Ws + bs
    vel = [np.zeros_like(p) for p in params]
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    step = 0
    n = X.shape[0]
    bsz = t["batch_size"] or n
    losses = []
    for epoch in range(1, t["epochs"] + 1):
        if sc is not None and sc["kind"] != "plateau":
            lr = lr_of_epoch(sc, base, epoch, t["epochs"])
        lrs.append(lr)
        tot, cnt = 0.0, 0
        for s in range(0, n, bsz):
            xb, yb = X[s:s + bsz], Y[s:s + bsz]
            drops = [None] * len(Ws)
            for l, p in enumerate(ps):
                if p > 0:
                    mk = next(masks)
                    assert mk["layer"] == l
                    drops[l] = np.array(mk["keep"], dtype=float) / (1 - p)
            J, gW, gb = cost_and_grads(params[:len(Ws)], params[len(Ws):], acts, alphas, spec["loss"], l2, xb, yb,
                                       w[s:s + bsz], drops)
            tot += xb.shape[0] * J
            cnt += xb.shape[0]
            grads = gW + gb
            if clip > 0:
                norm = np.sqrt(sum(np.sum(gr * gr) for gr in grads))
                if clip / (norm + 1e-6) < 1:
                    grads = [gr * (clip / (norm + 1e-6)) for gr in grads]
            step += 1
            for i, (p, gr) in enumerate(zip(params, grads)):
                if opt == "sgd":
                    p -= lr * gr
                elif opt == "momentum":
                    vel[i] = mu * vel[i] + gr
                    p -= lr * vel[i]
                elif opt == "nesterov":
                    vel[i] = mu * vel[i] + gr
                    p -= lr * (gr + mu * vel[i])
                elif opt in ("adam", "adamw"):
                    if opt == "adamw":
                        p -= lr * wd * p  # decoupled: every parameter, before the Adam step
                    m1[i] = b1 * m1[i] + (1 - b1) * gr
                    m2[i] = b2 * m2[i] + (1 - b2) * gr * gr
                    mh = m1[i] / (1 - b1 ** step)
                    vh = m2[i] / (1 - b2 ** step)
                    p -= lr * mh / (np.sqrt(vh) + eps)
                elif opt == "rmsprop":
                    m2[i] = alpha * m2[i] + (1 - alpha) * gr * gr
                    p -= lr * gr / (np.sqrt(m2[i]) + eps)
                else:
                    raise ValueError(opt)
        losses.append(tot / cnt)
        if sc is not None and sc["kind"] == "plateau":  # on train_loss: these cases have no validation rows
            if losses[-1] < best * (1 - sc.get("threshold", 1e-4)):
                best, bad = losses[-1], 0
            else:
                bad += 1
            if bad > sc.get("patience", 10):
                new = max(lr * sc.get("factor", 0.1), sc.get("min_lr", 0.0))
                if lr - new > 1e-8:
                    lr = new
                bad = 0
    return params[:len(Ws)], params[len(Ws):], losses, lrs


def rel(got, want):
    got, want = np.asarray(got, float), np.asarray(want, float)
    return float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want)))) if want.size else 0.0


def check(folder):
    with open(os.path.join(folder, "spec.yaml")) as f:
        spec = yaml.safe_load(f)
    with open(os.path.join(folder, "init.json")) as f:
        init = json.load(f)
    with open(os.path.join(folder, "expected.json")) as f:
        exp = json.load(f)
    features, targets, classes, kind, off, sc, X, Y, w, columns = read_data(folder, spec)
    fin = exp["final"]
    problems = []
    if "columns" in fin:
        for got, want in zip(columns, fin["columns"]):
            same = {k: v for k, v in got.items() if k != "fill"} == {k: v for k, v in want.items() if k != "fill"}
            if isinstance(got["fill"], str):
                same = same and got["fill"] == want["fill"]
            else:
                same = same and rel(got["fill"], want["fill"]) <= LIMIT
            if not same:
                problems.append("column %s, expected %s" % (got, want))
        if len(columns) != len(fin["columns"]):
            problems.append("%d columns, expected %d" % (len(columns), len(fin["columns"])))
    if fin["features"] != features or init["features"] != features:
        problems.append("features %s, expected %s" % (features, fin["features"]))
    if fin["targets"] != targets:
        problems.append("targets %s, expected %s" % (targets, fin["targets"]))
    if fin.get("classes") != classes:
        problems.append("classes %s, expected %s" % (classes, fin.get("classes")))
    if fin["normalize"]["kind"] != kind:
        problems.append("normalize %s, expected %s" % (kind, fin["normalize"]["kind"]))
    masks = None
    if os.path.exists(os.path.join(folder, "masks.json")):
        with open(os.path.join(folder, "masks.json")) as f:
            masks = json.load(f)["masks"]
    Ws, bs, losses, lrs = train(spec, init, X, Y, w, masks)
    if "lr" in exp:
        if len(lrs) != len(exp["lr"]):
            problems.append("%d lr values, expected %d" % (len(lrs), len(exp["lr"])))
        elif rel(lrs, exp["lr"]) > LIMIT:
            problems.append("lr differs by %.3g" % rel(lrs, exp["lr"]))
    worst = max([rel(W, L["weight"]) for W, L in zip(Ws, fin["layers"])] +
                [rel(b, L["bias"]) for b, L in zip(bs, fin["layers"])] +
                [rel(losses, exp["train_loss"]) if len(losses) == len(exp["train_loss"]) else float("inf")])
    norm = max(rel(off, fin["normalize"].get("offset", [0.0] * len(off))),
               rel(sc, fin["normalize"].get("scale", [1.0] * len(sc))))
    return worst, norm, problems


def main():
    folders = sys.argv[1:] or sorted(
        os.path.join(FIXTURES, d) for d in os.listdir(FIXTURES)
        if os.path.isfile(os.path.join(FIXTURES, d, "expected.json")))
    bad = False
    overall = 0.0
    for folder in folders:
        worst, norm, problems = check(folder)
        overall = max(overall, worst, norm)
        flag = "ok" if worst <= LIMIT and norm <= LIMIT and not problems else "FAIL"
        bad |= flag != "ok"
        print("%-4s %-38s params+losses %.2g  normalize %.2g %s"
              % (flag, os.path.basename(folder), worst, norm, "; ".join(problems)))
    print("worst difference over %d cases: %.3g" % (len(folders), overall))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
