#!/usr/bin/python3
"""Train the network an nntrain spec describes with a peer library, for comparison.

    /usr/bin/python3 bench/peer.py --tool torch|sklearn --config SPEC.yaml
        [--set key=value]... [--threads N] [--repeat R]
        [--dtype float64|float32] [--loop plain|minimal]

The spec is read the way nntrain reads it (paths relative to the spec file,
--set overriding any dotted key), so the three tools run the same job: the
same CSV rows, normalisation (statistics from the training rows), layer
sizes and activations, loss, optimizer, learning rate, epochs, batch size
and l2, all in float64. Prints one JSON line:

    {"tool", "threads", "dtype", "loop", "blas": {threadpoolctl's OpenBLAS entry},
     "load_seconds", "train_seconds": [one per repeat],
     "rows", "epochs", "samples_per_s" (best repeat),
     "test": [{metric: value}, one per repeat]}

"blas" says which kernel the peer really ran: threadpoolctl's
threadpool_info() for the OpenBLAS that the process loaded (architecture
"Prescott" means OpenBLAS did not recognise the CPU and fell back to SSE3).

--loop minimal is PyTorch at its leanest: each epoch's rows are permuted once
into contiguous tensors and the batches are views of them, and every step is
only zero_grad, forward, loss, backward, step (no per-batch gather, no
.item()). --loop plain gathers each batch by index, as a typical script does.

load_seconds covers reading the CSVs and normalising; train_seconds covers
the epoch loop only, with the data already in memory (the figure nntrain's
`train --json` reports as "seconds" when there is no validation split).

What cannot be made equal is said here rather than hidden:
- sklearn's MLP initialises with its own Glorot-uniform rule and has one
  activation for all hidden layers; its adam puts epsilon outside the bias
  correction (a negligible difference). Its l2 (alpha) is the contract's
  lambda/(2m)·sum(W²), so alpha = train.l2.
- torch mirrors nntrain's init (N(0,1)·scale, zero biases) but with its own
  random numbers, so the runs are statistically, not bitwise, alike.
- validation_split and early stopping are not reproduced: give the peers
  and nntrain a spec with validation_split 0 when comparing.
"""

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import yaml


def set_key(spec, dotted, raw):
    """Sets spec[a][b]... = raw parsed as YAML, as nntrain's --set does."""
    keys = dotted.split(".")
    node = spec
    for k in keys[:-1]:
        if not isinstance(node.get(k), dict):
            node[k] = {}
        node = node[k]
    node[keys[-1]] = yaml.safe_load(raw) if raw != "" else None


def load_spec(path, sets):
    with open(path) as f:
        spec = yaml.safe_load(f)
    for s in sets:
        key, _, raw = s.partition("=")
        set_key(spec, key, raw)
    base = os.path.dirname(os.path.abspath(path))
    data = spec["data"]
    for k in ("train", "test"):
        if data.get(k):
            data[k] = os.path.normpath(os.path.join(base, data[k]))
    return spec


def read_csv(path, target, features):
    """Reads a CSV with a header into (X float64, y as an array of labels or values)."""
    with open(path) as f:
        header = f.readline().strip().split(",")
    targets = target if isinstance(target, list) else [target]
    feats = features or [c for c in header if c not in targets]
    fi = [header.index(c) for c in feats]
    ti = [header.index(c) for c in targets]
    try:
        # One pass when every column is a number (digits, Fashion-MNIST, wave).
        m = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
        return m[:, fi], m[:, ti]
    except ValueError:
        x = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, usecols=fi, ndmin=2)
        y = np.loadtxt(path, delimiter=",", skiprows=1, dtype=str, usecols=ti, ndmin=2)
        return x, y


def fit_norm(kind, x):
    """The contract's normalisation: x -> (x - offset) / scale, a zero scale becoming 1."""
    if kind in (None, "none"):
        return np.zeros(x.shape[1]), np.ones(x.shape[1])
    if kind == "standard":
        off, scale = x.mean(axis=0), x.std(axis=0)  # population std (ddof 0)
    elif kind == "minmax":
        off, scale = x.min(axis=0), x.max(axis=0) - x.min(axis=0)
    else:
        raise SystemExit(f"peer.py: unknown normalize {kind!r}")
    scale = np.where(scale == 0, 1.0, scale)
    return off, scale


def sort_classes(values):
    """Class order of the contract: integers numerically, strings bytewise."""
    uniq = set(values.tolist())
    try:
        return sorted(uniq, key=float)
    except ValueError:
        return sorted(uniq, key=lambda s: s.encode())


def load(spec):
    d = spec["data"]
    xtr, ytr = read_csv(d["train"], d["target"], d.get("features"))
    xte = yte = None
    if d.get("test"):
        xte, yte = read_csv(d["test"], d["target"], d.get("features"))
    off, scale = fit_norm(d.get("normalize", "none"), xtr)
    xtr = (xtr - off) / scale
    if xte is not None:
        xte = (xte - off) / scale
    classes = None
    if spec["loss"] in ("cross_entropy", "bce"):
        classes = sort_classes(ytr[:, 0])
        index = {c: i for i, c in enumerate(classes)}
        ytr = np.array([index[v] for v in ytr[:, 0].tolist()], dtype=np.int64)
        if yte is not None:
            yte = np.array([index[v] for v in yte[:, 0].tolist()], dtype=np.int64)
    else:
        ytr, yte = ytr.astype(np.float64), (yte.astype(np.float64) if yte is not None else None)
    return xtr, ytr, xte, yte, classes


def load_cached(spec, cache):
    """load(), kept as .npz in cache keyed by the files and the settings that shape the arrays.

    Only for figures that exclude loading (the training loop alone): it saves
    re-parsing a 130 MB CSV in every run.
    """
    import hashlib

    d = spec["data"]
    key = [spec["loss"], d["target"], d.get("features"), d.get("normalize", "none")]
    for k in ("train", "test"):
        if d.get(k):
            st = os.stat(d[k])
            key += [d[k], st.st_size, st.st_mtime_ns]
    path = os.path.join(cache, hashlib.sha1(json.dumps(key).encode()).hexdigest()[:16] + ".npz")
    if os.path.exists(path):
        z = np.load(path, allow_pickle=False)
        get = lambda k: z[k] if k in z.files else None
        classes = get("classes")
        return get("xtr"), get("ytr"), get("xte"), get("yte"), (classes.tolist() if classes is not None else None)
    xtr, ytr, xte, yte, classes = load(spec)
    arrays = {"xtr": xtr, "ytr": ytr}
    if xte is not None:
        arrays.update(xte=xte, yte=yte)
    if classes is not None:
        arrays["classes"] = np.array([str(c) for c in classes])
    os.makedirs(cache, exist_ok=True)
    tmp = path + ".tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, path)
    return xtr, ytr, xte, yte, classes


def r2(y, p):
    """r² averaged over targets (sklearn's uniform_average, force_finite)."""
    ss_res = ((y - p) ** 2).sum(axis=0)
    ss_tot = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(ss_tot == 0, np.where(ss_res == 0, 1.0, 0.0), 1 - ss_res / ss_tot)
    return float(s.mean())


def score(classes, y, p):
    if classes is not None:
        return {"accuracy": float((p == y).mean())}
    return {"r2": r2(y, p)}


def blas_info():
    """threadpoolctl's view of the BLAS this process loaded (None without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    for lib in threadpool_info():
        if lib.get("internal_api") in ("openblas", "mkl", "blis"):
            return {k: lib.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "filepath")}
    return None


def train_torch(spec, xtr, ytr, xte, classes, seed, dtype="float64", loop="plain"):
    import torch
    import torch.nn.functional as F

    torch.manual_seed(seed)
    tdt = {"float64": torch.float64, "float32": torch.float32}[dtype]
    layers, tr = spec["model"]["layers"], spec["train"]
    init = spec["model"].get("init", "normal")
    init_scale = spec["model"].get("init_scale", 0.01)
    acts = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    mods, fan_in, linears = [], xtr.shape[1], []
    for i, l in enumerate(layers):
        lin = torch.nn.Linear(fan_in, l["units"]).to(tdt)
        s = {"normal": init_scale, "xavier": (1 / fan_in) ** 0.5, "he": (2 / fan_in) ** 0.5, "zeros": 0.0}[init]
        with torch.no_grad():
            lin.weight.normal_(0, 1).mul_(s)
            lin.bias.zero_()
        mods.append(lin)
        linears.append(lin)
        a = l.get("activation", "linear")
        last = i == len(layers) - 1
        if a == "leaky_relu":
            mods.append(torch.nn.LeakyReLU(l.get("alpha", 0.01)))
        elif a in acts and not last:
            mods.append(acts[a]())
        elif not (last and a in ("softmax", "linear")) and a != "linear":
            raise SystemExit(f"peer.py: torch: output activation {a!r} not supported here")
        fan_in = l["units"]
    net = torch.nn.Sequential(*mods)
    opt_name, lr = tr.get("optimizer", "sgd"), tr["learning_rate"]
    if opt_name == "adam":
        opt = torch.optim.Adam(net.parameters(), lr=lr)
    else:
        mom = tr.get("momentum", 0.9) if opt_name == "momentum" else 0.0
        opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=mom)
    l2 = tr.get("l2", 0.0) or 0.0
    X = torch.from_numpy(xtr).to(tdt)
    Y = torch.from_numpy(ytr)
    if classes is None:
        Y = Y.to(tdt)
    if classes is None and Y.dim() == 1:
        Y = Y[:, None]
    n, epochs = X.shape[0], tr["epochs"]
    bs = tr.get("batch_size", 32) or n
    shuffle = spec["data"].get("shuffle", True)
    ce = spec["loss"] == "cross_entropy"

    t0 = time.perf_counter()
    if loop == "minimal":
        for _ in range(epochs):
            if shuffle:
                perm = torch.randperm(n)
                Xe, Ye = X[perm], Y[perm]
            else:
                Xe, Ye = X, Y
            for lo in range(0, n, bs):
                xb, yb = Xe[lo:lo + bs], Ye[lo:lo + bs]
                opt.zero_grad(set_to_none=True)
                out = net(xb)
                if ce:
                    loss = F.cross_entropy(out, yb)
                else:
                    loss = ((out - yb) ** 2).sum() / (2 * xb.shape[0])
                if l2:
                    loss = loss + l2 / (2 * xb.shape[0]) * sum((lin.weight ** 2).sum() for lin in linears)
                loss.backward()
                opt.step()
    for _ in range(epochs if loop == "plain" else 0):
        perm = torch.randperm(n) if shuffle else torch.arange(n)
        for lo in range(0, n, bs):
            idx = perm[lo:lo + bs]
            xb, yb = X[idx], Y[idx]
            out = net(xb)
            m = xb.shape[0]
            if ce:
                loss = F.cross_entropy(out, yb)
            else:  # the contract's mse: 1/(2m) sum over rows and outputs
                loss = ((out - yb) ** 2).sum() / (2 * m)
            if l2:
                loss = loss + l2 / (2 * m) * sum((lin.weight ** 2).sum() for lin in linears)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    secs = time.perf_counter() - t0

    pred = None
    if xte is not None:
        with torch.no_grad():
            out = net(torch.from_numpy(xte).to(tdt)).double().numpy()
        pred = out.argmax(axis=1) if ce else out
    return secs, pred


def train_sklearn(spec, xtr, ytr, xte, classes, seed, dtype="float64", loop="plain"):
    if dtype != "float64":
        raise SystemExit("peer.py: sklearn's MLP is benchmarked in float64 only")
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    layers, tr = spec["model"]["layers"], spec["train"]
    hidden = [l["units"] for l in layers[:-1]]
    acts = {l.get("activation", "linear") for l in layers[:-1]}
    if len(acts) > 1:
        raise SystemExit(f"peer.py: sklearn: one activation for all hidden layers, got {sorted(acts)}")
    act = {"relu": "relu", "tanh": "tanh", "sigmoid": "logistic", "linear": "identity"}[acts.pop()]
    out_act = layers[-1].get("activation")
    if (classes is not None and out_act != "softmax") or (classes is None and out_act != "linear"):
        raise SystemExit(f"peer.py: sklearn: output {out_act!r} with loss {spec['loss']!r} not supported")
    opt_name = tr.get("optimizer", "sgd")
    epochs = tr["epochs"]
    kw = dict(
        hidden_layer_sizes=hidden, activation=act, alpha=tr.get("l2", 0.0) or 0.0,
        batch_size=tr.get("batch_size", 32) or xtr.shape[0], learning_rate="constant",
        learning_rate_init=tr["learning_rate"], max_iter=epochs,
        shuffle=spec["data"].get("shuffle", True), random_state=seed,
        tol=0.0, n_iter_no_change=10**9, early_stopping=False,
    )
    if opt_name == "adam":
        kw.update(solver="adam")
    else:
        kw.update(solver="sgd", momentum=tr.get("momentum", 0.9) if opt_name == "momentum" else 0.0,
                  nesterovs_momentum=False)
    est = (MLPClassifier if classes is not None else MLPRegressor)(**kw)
    y = ytr if classes is not None or ytr.shape[1] > 1 else ytr[:, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = time.perf_counter()
        est.fit(xtr, y)
        secs = time.perf_counter() - t0
    if est.n_iter_ != epochs:
        raise SystemExit(f"peer.py: sklearn stopped after {est.n_iter_} of {epochs} epochs")
    pred = None
    if xte is not None:
        pred = est.predict(xte)
        if classes is None and pred.ndim == 1:
            pred = pred[:, None]
    return secs, pred


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tool", choices=("torch", "sklearn"), required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--set", action="append", default=[], dest="sets")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0 = leave as is)")
    ap.add_argument("--repeat", type=int, default=1, help="train this many times on the loaded data")
    ap.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    ap.add_argument("--loop", choices=("plain", "minimal"), default="plain", help="torch only; see above")
    ap.add_argument("--cache", help="keep the parsed, normalised arrays in this folder (load_seconds then means little)")
    a = ap.parse_args()

    spec = load_spec(a.config, a.sets)
    if spec["data"].get("validation_split"):
        raise SystemExit("peer.py: validation_split is not reproduced; set data.validation_split=0")
    if a.tool == "torch":
        import torch
        if a.threads:
            torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    xtr, ytr, xte, yte, classes = load_cached(spec, a.cache) if a.cache else load(spec)
    load_secs = time.perf_counter() - t0

    trainer = train_torch if a.tool == "torch" else train_sklearn
    times, tests = [], []
    for r in range(a.repeat):
        secs, pred = trainer(spec, xtr, ytr, xte, classes, spec.get("seed", 42) + r, a.dtype, a.loop)
        times.append(secs)
        if pred is not None:
            tests.append(score(classes, yte, pred))
    epochs = spec["train"]["epochs"]
    res = {
        "tool": a.tool, "dtype": a.dtype, "loop": a.loop, "blas": blas_info(), "load_seconds": load_secs, "cached": bool(a.cache),
        "train_seconds": times, "rows": int(xtr.shape[0]), "epochs": epochs,
        "samples_per_s": xtr.shape[0] * epochs / min(times),
    }
    if a.tool == "torch":
        res["threads"] = torch.get_num_threads()
    else:  # numpy's BLAS decides; the caller sets OPENBLAS_NUM_THREADS
        res["threads"] = os.environ.get("OPENBLAS_NUM_THREADS")
    if tests:
        res["test"] = tests  # one per repeat; the first used the spec's seed
    print(json.dumps(res))


if __name__ == "__main__":
    sys.exit(main())
