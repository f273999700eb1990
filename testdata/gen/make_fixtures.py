#!/usr/bin/python3
"""Generate the PyTorch float64 reference training runs in testdata/fixtures/.

Each case is a folder holding spec.yaml, init.json, data.csv and expected.json,
in the same layout as the public oracle cases (/work/shared/fixtures), which are
kept in testdata/fixtures/ as copies. The training loop below is written plainly
from CONTRACT.md ("Maths"); PyTorch's autograd computes every gradient.

Run with Debian's interpreter (python3-torch 1.13, python3-numpy):

    /usr/bin/python3 testdata/gen/make_fixtures.py            # writes testdata/fixtures/<case>/
    /usr/bin/python3 testdata/gen/make_fixtures.py --out DIR  # writes DIR/<case>/ instead

Before writing, the script retrains the three copied public cases from their
data.csv and init.json and requires its own numbers to match their expected.json
(to 1e-14), so the conventions here are those of the public oracle. After
writing, it perturbs every starting weight by a relative 1e-13 and every input
by 1e-13, and requires the results to move by less than 1e-11: the cases must be
well-conditioned, so any float64 implementation passes at tolerance 1e-9 whatever
its summation order.

The tabular cases (names tab_*) write their data.csv cells as raw text (empty
and "NA" cells, text categories, other delimiters and decimal marks) and encode
them here from CONTRACT.md's "Tabular columns" (tabular_encode): the network
then trains on the encoded inputs, and init.json/expected.json are
nntrain-model/2 with the fitted columns.

The output is deterministic: every random draw comes from a fixed seed, and the
numbers are written with repr, so float64 values round-trip.
"""

import argparse
import csv
import io
import json
import math
import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "fixtures"))
PUBLIC_CASES = ["mse_tanh_sgd_full", "bce_relu_sgd_batch7", "ce_strings_tanh_adam_batch16",
                # from /work/shared/fixtures2: sample weights (data.weight), CONTRACT.md's additions
                "bce_sample_weight_tanh_momentum_batch10"]
TOLERANCE = 1e-9
DEFAULT_ALPHA = 0.01
DEFAULT_MISSING = ["", "NA", "N/A", "NaN", "nan", "NULL", "null"]  # data.missing's default

# ---------------------------------------------------------------------------
# Writing numbers, JSON and CSV exactly.


def num(v):
    """A number as text that reads back to the same float64 (ints stay ints)."""
    if isinstance(v, bool):
        raise TypeError("bool is not a number")
    if isinstance(v, int):
        return str(v)
    v = float(v)
    if v == 0.0:
        v = 0.0  # never write -0.0
    return repr(v)


def _scalar(v):
    if isinstance(v, str):
        return json.dumps(v)
    return num(v)


def _is_scalar(v):
    return isinstance(v, (str, int, float))


def _inline_list(xs):
    return "[" + ", ".join(_scalar(x) for x in xs) + "]"


def _dump(v, ind):
    """JSON in the oracle layout: one-space indent, number lists inline, matrices one row a line."""
    pad = " " * (ind + 1)
    if isinstance(v, dict):
        parts = []
        for k, x in v.items():
            parts.append(pad + json.dumps(k) + ": " + _dump(x, ind + 1))
        return "{\n" + ",\n".join(parts) + "\n" + " " * ind + "}"
    if isinstance(v, list):
        if all(_is_scalar(x) for x in v):
            return _inline_list(v)
        parts = [pad + _dump(x, ind + 1) for x in v]
        return "[\n" + ",\n".join(parts) + "\n" + " " * ind + "]"
    return _scalar(v)


def dump_json(v):
    return _dump(v, 0) + "\n"


def write(path, text):
    with open(path, "w", newline="\n") as f:
        f.write(text)


def csv_text(header, rows):
    """Rows of floats (rounded to 4 decimals), ints and strings, as CSV text."""
    out = [",".join(header)]
    for r in rows:
        cells = []
        for v in r:
            if isinstance(v, str):
                cells.append(v)
            elif isinstance(v, (int, np.integer)):
                cells.append(str(int(v)))
            else:
                cells.append(num(round(float(v), 4)))
        out.append(",".join(cells))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# From CSV text to tensors, following the contract's data rules.


def class_order(labels):
    """Sorted class names: integer names numerically, otherwise bytewise."""
    names = sorted(set(labels))
    if all(re.fullmatch(r"[+-]?[0-9]+", s) for s in names):
        return sorted(names, key=int)
    return sorted(names, key=lambda s: s.encode("utf-8"))


def load_case_data(text, targets, features, loss, out_units, normalize, weight=None, class_weight=None, tab=None):
    """Returns (features, targets, classes or None, normalize dict, X, Y, row weights or None,
    class weights or None) from CSV text; the class weights (one per class) are returned
    only for a cross_entropy target without sample weights, where they are PyTorch's
    CrossEntropyLoss(weight=…).

    weight names the column of sample weights (never an input); class_weight is
    "balanced" or {class name: weight}. A row's weight is class_weight[y]·sample_weight,
    a missing factor being 1 (CONTRACT.md, "Sample and class weights")."""
    columns = None
    if tab is not None:
        # A raw tabular file: kinds, imputation and one-hot encoding as the contract's
        # "Tabular columns" say (tabular_encode); cells are trimmed.
        header, body, features, columns, X, is_num = tabular_encode(text, targets, weight, tab)
        col = {name: i for i, name in enumerate(header)}
    else:
        rows = list(csv.reader(io.StringIO(text)))
        header, body = rows[0], rows[1:]
        col = {name: i for i, name in enumerate(header)}
        if features is None:
            features = [h for h in header if h not in targets and h != weight]
        X = np.array([[float(r[col[f]]) for f in features] for r in body], dtype=np.float64)
        is_num = np.ones(len(features), dtype=bool)
    W = None
    if weight is not None:
        W = np.array([float(r[col[weight]]) for r in body], dtype=np.float64)

    classes, cw_out = None, None
    if loss == "bce" and len(targets) > 1:
        # Several 0/1 targets: multi-label, one sigmoid unit per target, no classes.
        if class_weight is not None:
            raise ValueError("class_weight with a multi-label target")
        Y = np.array([[float(r[col[t]]) for t in targets] for r in body], dtype=np.float64)
        if not np.all((Y == 0) | (Y == 1)):
            raise ValueError("multi-label targets must be 0 or 1")
    elif loss in ("bce", "cross_entropy"):
        if len(targets) != 1:
            raise ValueError("a class target must be one column")
        labels = [r[col[targets[0]]] for r in body]
        classes = class_order(labels)
        idx = np.array([classes.index(s) for s in labels])
        if loss == "bce" and out_units == 1:
            if len(classes) != 2:
                raise ValueError("bce with one unit needs two classes")
            Y = (idx == 1).astype(np.float64).reshape(-1, 1)  # y = 1 is the second class
        else:
            if out_units != len(classes):
                raise ValueError("output units %d != classes %d" % (out_units, len(classes)))
            Y = np.eye(len(classes))[idx]
        if class_weight is not None:
            if class_weight == "balanced":
                # n / (K · n_c), counting training rows whatever their sample weights
                cw = np.array([len(idx) / (len(classes) * np.sum(idx == c)) for c in range(len(classes))])
            else:
                cw = np.ones(len(classes))
                for name, v in class_weight.items():
                    cw[classes.index(str(name))] = v  # keys are class names as in the data
            if W is None and loss == "cross_entropy":
                cw_out = cw
            cwr = cw[idx]
            W = cwr if W is None else cwr * W
    else:
        if class_weight is not None:
            raise ValueError("class_weight with a regression target")
        dec = "." if tab is None else tab.get("decimal", ".")
        Y = np.array([[tab_number(r[col[t]], dec) for t in targets] for r in body], dtype=np.float64)

    d = len(features)
    if normalize == "none":
        offset, scale = np.zeros(d), np.ones(d)
    elif normalize == "standard":
        offset = X.mean(axis=0)
        scale = X.std(axis=0, ddof=0)
    elif normalize == "minmax":
        offset = X.min(axis=0)
        scale = X.max(axis=0) - X.min(axis=0)
    else:
        raise ValueError("normalize " + normalize)
    scale = np.where(scale == 0.0, 1.0, scale)  # a constant column maps to 0, not NaN
    # Normalisation applies to number inputs only: one-hot inputs keep offset 0, scale 1.
    offset = np.where(is_num, offset, 0.0)
    scale = np.where(is_num, scale, 1.0)
    Xn = (X - offset) / scale
    norm = {"kind": normalize, "offset": [float(v) for v in offset], "scale": [float(v) for v in scale]}
    if tab is not None:
        return features, targets, classes, norm, Xn, Y, W, cw_out, columns
    return features, targets, classes, norm, Xn, Y, W, cw_out


# ---------------------------------------------------------------------------
# The network and the training loop (CONTRACT.md "Maths").


def activate(z, act, alpha):
    if act == "linear":
        return z
    if act == "sigmoid":
        return torch.sigmoid(z)
    if act == "tanh":
        return torch.tanh(z)
    if act == "relu":
        return F.relu(z)  # relu'(0) = 0
    if act == "leaky_relu":
        return F.leaky_relu(z, negative_slope=alpha)  # leaky_relu'(0) = alpha
    if act == "softmax":
        return torch.softmax(z, dim=1)
    raise ValueError(act)


def forward_z(Ws, Bs, layers, A, masks=None):
    """Output pre-activation Z[L]; each layer Z = A_prev · Wᵀ + B (nn.Linear layout).

    masks gives a layer with dropout p its keep mask (0/1, m×units) of this batch: the layer
    passes on A ⊙ keep/(1−p), as F.dropout(A, p, training=True) does with that draw
    (noise.bernoulli_(1−p).div_(1−p); A·noise), so autograd's backward is PyTorch's too."""
    for l, (W, B) in enumerate(zip(Ws, Bs)):
        Z = A @ W.T + B
        if l == len(Ws) - 1:
            return Z
        A = activate(Z, layers[l]["activation"], layers[l].get("alpha", DEFAULT_ALPHA))
        p = layers[l].get("dropout", 0.0)
        if p > 0:
            noise = torch.tensor(masks[l], dtype=A.dtype).div_(1 - p)
            A = A * noise


def row_terms(Z, Y, loss, out_act):
    """ℓ_i of each row: its term of the unweighted J times m."""
    if loss == "mse":
        return ((Y - activate(Z, out_act, DEFAULT_ALPHA)) ** 2).sum(dim=1) / 2
    if loss == "bce":
        return (torch.clamp(Z, min=0) + torch.log1p(torch.exp(-Z.abs())) - Y * Z).sum(dim=1)
    if loss == "cross_entropy":
        return -(Y * F.log_softmax(Z, dim=1)).sum(dim=1)
    raise ValueError(loss)


def batch_cost(Z, Y, loss, out_act, Ws, l2, w=None, cw=None):
    """J of one batch, m its rows; l2 adds λ/(2m) Σ‖W‖² (weights only).

    With row weights w: J = Σ w_i ℓ_i / Σ w_i (CONTRACT.md, "Sample and class
    weights"). When the weights are class weights cw of a cross_entropy target,
    J is PyTorch's own F.cross_entropy(weight=cw), checked against that formula."""
    m = Z.shape[0]
    if w is not None:
        J = (w * row_terms(Z, Y, loss, out_act)).sum() / w.sum()
        if cw is not None:
            J_torch = F.cross_entropy(Z, Y.argmax(dim=1), weight=cw)  # CrossEntropyLoss(weight=…)
            agree = 1e-14 if Z.dtype == torch.float64 else 1e-6  # two summation orders in Z's precision
            if abs(J_torch.item() - J.item()) > agree * max(1.0, abs(J.item())):
                sys.exit("class-weighted cross_entropy: Σwℓ/Σw %r != PyTorch's %r" % (J.item(), J_torch.item()))
            J = J_torch
        if l2 > 0:
            J = J + l2 / (2 * m) * sum((W ** 2).sum() for W in Ws)  # the l2 term is not weighted
        return J
    if loss == "mse":
        J = ((Y - activate(Z, out_act, DEFAULT_ALPHA)) ** 2).sum() / (2 * m)
    elif loss == "bce":
        # 1/m Σ [log(1+e^z) − y·z], written stably as max(z,0) + log1p(e^−|z|) − y·z.
        J = (torch.clamp(Z, min=0) + torch.log1p(torch.exp(-Z.abs())) - Y * Z).sum() / m
    elif loss == "cross_entropy":
        J = -(Y * F.log_softmax(Z, dim=1)).sum() / m
    else:
        raise ValueError(loss)
    if l2 > 0:
        J = J + l2 / (2 * m) * sum((W ** 2).sum() for W in Ws)
    return J


def make_optimizer(params, opt):
    """The spec's optimizer as torch.optim builds it, PyTorch's defaults where the spec is silent."""
    lr = opt["learning_rate"]
    kind = opt["optimizer"]
    betas = tuple(opt.get("betas", (0.9, 0.999)))
    eps = opt.get("eps", 1e-8)
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, foreach=False)  # w −= lr·g
    if kind == "momentum":
        # v = μ·v + g; w −= lr·v (no dampening, v starts at 0)
        return torch.optim.SGD(params, lr=lr, momentum=opt.get("momentum", 0.9), foreach=False)
    if kind == "nesterov":
        # v = μ·v + g; w −= lr·(g + μ·v)
        return torch.optim.SGD(params, lr=lr, momentum=opt.get("momentum", 0.9), nesterov=True, foreach=False)
    if kind == "adam":
        # β1 0.9, β2 0.999, ε 1e-8 by default, bias-corrected; a step per batch
        return torch.optim.Adam(params, lr=lr, betas=betas, eps=eps, foreach=False)
    if kind == "adamw":
        # w ·= 1 − lr·λ (every parameter, biases too), then the Adam step
        return torch.optim.AdamW(params, lr=lr, betas=betas, eps=eps, weight_decay=opt.get("weight_decay", 0.01),
                                 foreach=False)
    if kind == "rmsprop":
        # s = α·s + (1−α)·g²; w −= lr·g/(√s + ε); momentum 0, not centered
        return torch.optim.RMSprop(params, lr=lr, alpha=opt.get("alpha", 0.99), eps=eps, foreach=False)
    raise ValueError(kind)


def make_scheduler(optim, opt):
    """The spec's schedule as torch.optim.lr_scheduler builds it (None without one)."""
    sc = opt.get("schedule")
    if sc is None:
        return None
    S = torch.optim.lr_scheduler
    if sc["kind"] == "step":
        return S.StepLR(optim, step_size=sc["step_size"], gamma=sc.get("gamma", 0.1))
    if sc["kind"] == "exponential":
        return S.ExponentialLR(optim, gamma=sc["gamma"])
    if sc["kind"] == "cosine":
        return S.CosineAnnealingLR(optim, T_max=sc.get("t_max", opt["epochs"]), eta_min=sc.get("eta_min", 0.0))
    if sc["kind"] == "plateau":
        return S.ReduceLROnPlateau(optim, mode="min", factor=sc.get("factor", 0.1), patience=sc.get("patience", 10),
                                   threshold=sc.get("threshold", 1e-4), threshold_mode="rel", cooldown=0,
                                   min_lr=sc.get("min_lr", 0.0), eps=1e-8)
    raise ValueError(sc["kind"])


def train(init_layers, layers, loss, opt, X, Y, W=None, cw=None, masks=None, stats=None, dtype=torch.float64):
    """Trains from init_layers; returns (final [(W, B)] as lists, train_loss per epoch, lr per epoch).

    dtype is the precision of every tensor (parameters, inputs, targets, weights, and so
    the optimizer's state); make_fixtures32.py trains in torch.float32.

    W: each row's weight in the loss, or None; cw: the class weights those came
    from when they are class weights alone of a cross_entropy target (then the
    batch cost is PyTorch's CrossEntropyLoss(weight=cw)).

    masks, for a case with dropout, is the list of every keep mask in the order the batches
    use them: for each batch, one per dropout layer in layer order ({"layer": l, "keep": m×units}).
    stats, when given, collects how often clipping scaled the gradient."""
    Ws = [torch.tensor(L["weight"], dtype=dtype, requires_grad=True) for L in init_layers]
    Bs = [torch.tensor(L["bias"], dtype=dtype, requires_grad=True) for L in init_layers]
    params = [p for pair in zip(Ws, Bs) for p in pair]
    optim = make_optimizer(params, opt)
    sched = make_scheduler(optim, opt)
    clip = opt.get("clip_norm", 0.0)
    drop_layers = [l for l, L_ in enumerate(layers) if L_.get("dropout", 0.0) > 0]
    next_mask = iter(masks or [])

    Xt = torch.tensor(X, dtype=dtype)
    Yt = torch.tensor(Y, dtype=dtype)
    Wt = None if W is None else torch.tensor(W, dtype=dtype)
    cwt = None if cw is None else torch.tensor(cw, dtype=dtype)
    n = Xt.shape[0]
    bs = opt["batch_size"] or n  # 0 = the whole training set
    out_act = layers[-1]["activation"]
    losses, lrs = [], []
    for _ in range(opt["epochs"]):
        lrs.append(optim.param_groups[0]["lr"])
        total, rows = 0.0, 0
        for start in range(0, n, bs):  # shuffle: false, file order, last partial batch kept
            xb, yb = Xt[start:start + bs], Yt[start:start + bs]
            m = xb.shape[0]
            bm = {}
            for l in drop_layers:
                mk = next(next_mask)
                assert mk["layer"] == l and len(mk["keep"]) == m, (mk["layer"], l)
                bm[l] = mk["keep"]
            wb = None if Wt is None else Wt[start:start + bs]
            J = batch_cost(forward_z(Ws, Bs, layers, xb, bm), yb, loss, out_act, Ws, opt["l2"], wb, cwt)
            optim.zero_grad()
            J.backward()
            if clip > 0:
                # after the l2 term (part of J), before the optimizer; over every W and B
                norm = torch.nn.utils.clip_grad_norm_(params, clip)
                if stats is not None:
                    stats["steps"] = stats.get("steps", 0) + 1
                    stats["clipped"] = stats.get("clipped", 0) + (clip / (norm.item() + 1e-6) < 1)
            optim.step()
            total += m * J.item()  # taken before the update; batches weigh their rows m, not Σw
            rows += m
        losses.append(total / rows)
        if sched is not None:  # stepped once after each epoch
            if isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
                sched.step(losses[-1])  # no validation rows: it watches train_loss
            else:
                sched.step()
    if next(next_mask, None) is not None:
        raise ValueError("masks left over")
    final = [(W.detach().tolist(), B.detach().tolist()) for W, B in zip(Ws, Bs)]
    return final, losses, lrs


def default_init(seed, sizes):
    """PyTorch's default nn.Linear initialisation in float64 under torch.manual_seed(seed)."""
    torch.manual_seed(seed)
    mods = [torch.nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])]
    return [(m.weight.detach().tolist(), m.bias.detach().tolist()) for m in mods]


def model_json(features, targets, classes, norm, loss, layers, params, tab=None, columns=None):
    """model.json: format 1, or with tab (a tabular case) format 2 with its columns,
    missing texts, delimiter and decimal mark (CONTRACT.md, "model.json, format 2")."""
    fmt = "nntrain-model/1" if tab is None else "nntrain-model/2"
    m = {"format": fmt, "features": list(features), "targets": list(targets)}
    if classes is not None:
        m["classes"] = list(classes)
    if tab is not None:
        m["columns"] = columns
    m["normalize"] = norm
    m["loss"] = loss
    if tab is not None:
        m["missing"] = list(tab.get("missing", DEFAULT_MISSING))
        m["delimiter"] = tab.get("delimiter", ",")
        m["decimal"] = tab.get("decimal", ".")
    out = []
    n_in = len(features)
    for L, (W, B) in zip(layers, params):
        d = {"in": n_in, "out": L["units"], "activation": L["activation"]}
        if L["activation"] == "leaky_relu":
            d["alpha"] = L.get("alpha", DEFAULT_ALPHA)
        d["weight"] = W
        d["bias"] = B
        out.append(d)
        n_in = L["units"]
    m["layers"] = out
    return m


# ---------------------------------------------------------------------------
# Spec YAML.


def yaml_list(xs):
    return "[" + ", ".join(xs) + "]"


def spec_yaml(c, source="testdata/gen/make_fixtures.py; PyTorch float64 reference"):
    t = c["target"]
    lines = [
        "# nntrain fixture case %s (generated by %s)" % (c["name"], source),
        "name: " + c["name"],
        "seed: %d" % c["seed"],
        "data:",
        "  train: data.csv",
        "  target: " + (yaml_list(t) if isinstance(t, list) else t),
    ]
    if c.get("features"):
        lines.append("  features: " + yaml_list(c["features"]))
    if c.get("weight"):
        lines.append("  weight: " + c["weight"])
    tab = c.get("tab")
    if tab is not None:
        for k in ("exclude", "categorical"):
            if k in tab:
                lines.append("  %s: %s" % (k, yaml_list(tab[k])))
        if "missing" in tab:
            lines.append("  missing: [" + ", ".join(json.dumps(x) for x in tab["missing"]) + "]")
        if "impute" in tab:
            lines.append("  impute: {" + ", ".join("%s: %s" % kv for kv in tab["impute"].items()) + "}")
        for k in ("delimiter", "decimal"):
            if k in tab:
                lines.append("  %s: %s" % (k, json.dumps(tab[k])))
    lines += [
        "  validation_split: 0",
        "  shuffle: false",
        "  normalize: " + c.get("normalize", "none"),
        "model:",
        "  init: " + c.get("init", "xavier"),
    ]
    if "init_scale" in c:
        lines.append("  init_scale: " + num(c["init_scale"]))
    lines.append("  layers:")
    for L in c["layers"]:
        s = "    - {units: %d, activation: %s" % (L["units"], L["activation"])
        if "alpha" in L:
            s += ", alpha: " + num(L["alpha"])
        if "dropout" in L:
            s += ", dropout: " + num(L["dropout"])
        lines.append(s + "}")
    o = c["train"]
    lines += ["loss: " + c["loss"], "train:"]
    if "precision" in o:
        lines.append("  precision: " + o["precision"])
    lines += ["  optimizer: " + o["optimizer"], "  learning_rate: " + num(o["learning_rate"])]
    if "momentum" in o:
        lines.append("  momentum: " + num(o["momentum"]))
    if "betas" in o:
        lines.append("  betas: [%s, %s]" % (num(o["betas"][0]), num(o["betas"][1])))
    for k in ("eps", "weight_decay", "alpha", "clip_norm"):
        if k in o:
            lines.append("  %s: %s" % (k, num(o[k])))
    if "schedule" in o:
        sc = o["schedule"]
        lines.append("  schedule: {" + ", ".join(
            "%s: %s" % (k, v if isinstance(v, str) else num(v)) for k, v in sc.items()) + "}")
    lines += [
        "  epochs: %d" % o["epochs"],
        "  batch_size: %d" % o["batch_size"],
        "  l2: " + num(float(o["l2"])),
    ]
    cw = o.get("class_weight")
    if cw == "balanced":
        lines.append("  class_weight: balanced")
    elif cw is not None:
        lines.append("  class_weight: {" + ", ".join("%s: %s" % (k, num(float(v))) for k, v in cw.items()) + "}")
    lines += [
        "output:",
        "  dir: runs/" + c["name"],
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Synthetic data. Each maker takes a RandomState and returns (header, rows).
# Features are uniform on [-2, 2] unless said otherwise, rounded to 4 decimals.


def u(rs, n, d, lo=-2.0, hi=2.0):
    return np.round(rs.uniform(lo, hi, size=(n, d)), 4)


def noise(rs, n, s=0.05):
    return s * rs.standard_normal(n)


def reg_smooth(n, d):
    """One smooth regression target y after d features."""
    def make(rs):
        X = u(rs, n, d)
        w = np.linspace(0.8, -0.6, d)
        y = np.tanh(X @ w) + 0.3 * np.sin(X[:, 0]) + noise(rs, n)
        return ["x%d" % (j + 1) for j in range(d)] + ["y"], [list(X[i]) + [y[i]] for i in range(n)]
    return make


def reg_nonlinear(n):
    """y = |x1| − 0.5·x2 + 0.3·x1·x3: needs the negative side of the hidden units."""
    def make(rs):
        X = u(rs, n, 3)
        y = np.abs(X[:, 0]) - 0.5 * X[:, 1] + 0.3 * X[:, 0] * X[:, 2] + noise(rs, n)
        y = 0.5 * y
        return ["x1", "x2", "x3", "y"], [list(X[i]) + [y[i]] for i in range(n)]
    return make


def reg_linear(n):
    def make(rs):
        X = u(rs, n, 4)
        y = 0.7 * X[:, 0] - 0.4 * X[:, 1] + 0.2 * X[:, 2] + 0.1 * X[:, 3] + 0.3 + noise(rs, n)
        return ["x1", "x2", "x3", "x4", "y"], [list(X[i]) + [y[i]] for i in range(n)]
    return make


def reg_two_targets(n):
    def make(rs):
        X = u(rs, n, 3)
        y1 = np.tanh(0.8 * X[:, 0] - 0.5 * X[:, 1]) + noise(rs, n)
        y2 = 0.4 * X[:, 2] - 0.3 * X[:, 0] * X[:, 1] + 0.2 + noise(rs, n)
        return ["x1", "x2", "x3", "y1", "y2"], [list(X[i]) + [y1[i], y2[i]] for i in range(n)]
    return make


def reg_subset(n):
    """Columns x1..x4 then y; y depends on x3 and x1 only (x2, x4 unused and noisy)."""
    def make(rs):
        X = u(rs, n, 4)
        y = np.tanh(1.2 * X[:, 2]) - 0.4 * X[:, 0] + noise(rs, n)
        return ["x1", "x2", "x3", "x4", "y"], [list(X[i]) + [y[i]] for i in range(n)]
    return make


def reg_target_middle(n):
    """Columns x1, x2, y, x3: the target sits between features."""
    def make(rs):
        X = u(rs, n, 3)
        y = 0.6 * np.maximum(X[:, 0], 0) - 0.4 * X[:, 1] + 0.25 * X[:, 2] + noise(rs, n)
        return ["x1", "x2", "y", "x3"], [[X[i, 0], X[i, 1], y[i], X[i, 2]] for i in range(n)]
    return make


def reg_minmax(n):
    """Features on very different ranges plus a constant column (its range is 0, so scale 1)."""
    def make(rs):
        a = np.round(rs.uniform(100, 300, n), 4)
        b = np.round(rs.uniform(-0.05, 0.05, n), 4)
        c = np.full(n, 3.25)
        d = rs.randint(0, 10, n)  # integer-valued column, written as integers
        y = 0.01 * (a - 200) + 20 * b + 0.1 * (d - 4.5) + noise(rs, n)
        header = ["mass", "tilt", "gauge", "count", "y"]
        return header, [[a[i], b[i], c[i], int(d[i]), y[i]] for i in range(n)]
    return make


def cls_scores(X, Wc, bc, rs, s=0.3):
    sc = X @ Wc.T + bc + s * rs.standard_normal((X.shape[0], Wc.shape[0]))
    return np.argmax(sc, axis=1)


def cls_strings(n, d, names, first):
    """A string class target after d features; the first row's class is names[first]."""
    def make(rs):
        X = u(rs, n, d)
        Wc = np.round(rs.uniform(-1.5, 1.5, size=(len(names), d)), 2)
        k = cls_scores(X, Wc, np.zeros(len(names)), rs)
        k[0] = first
        labels = [names[i] for i in k]
        return ["x%d" % (j + 1) for j in range(d)] + ["class"], [list(X[i]) + [labels[i]] for i in range(n)]
    return make


def cls_int_labels(n):
    """Integer labels 2, 7, 10 in the order 10, 2, 7 of first appearance (numeric sort ≠ string sort)."""
    def make(rs):
        X = u(rs, n, 2)
        ang = np.arctan2(X[:, 1], X[:, 0])
        k = ((ang + np.pi) / (2 * np.pi / 3)).astype(int) % 3
        vals = np.array([2, 7, 10])
        lab = vals[k]
        lab[0], lab[1], lab[2] = 10, 2, 7
        return ["x1", "x2", "label"], [[X[i, 0], X[i, 1], int(lab[i])] for i in range(n)]
    return make


def cls_no_yes_first(n):
    """Target column first: answer,x1,x2,x3 with no/yes, the first row being yes."""
    def make(rs):
        X = u(rs, n, 3)
        s = 1.1 * X[:, 0] - 0.8 * X[:, 1] * X[:, 2] + 0.3 + 0.4 * rs.standard_normal(n)
        lab = np.where(s > 0, "yes", "no")
        lab[0] = "yes"
        return ["answer", "x1", "x2", "x3"], [[lab[i], X[i, 0], X[i, 1], X[i, 2]] for i in range(n)]
    return make


def cls_standard(n):
    """Three classes from features on very different scales (income, age, ratio)."""
    def make(rs):
        inc = np.round(rs.uniform(20000, 90000, n), 4)
        age = rs.randint(18, 80, n)
        ratio = np.round(rs.uniform(-0.02, 0.02, n), 4)
        z = np.stack([(inc - 55000) / 20000, (age - 49) / 18, ratio / 0.01], axis=1)
        Wc = np.array([[1.0, -0.5, 0.3], [-0.8, 1.0, 0.2], [0.0, -0.3, -1.0]])
        k = cls_scores(z, Wc, np.zeros(3), rs)
        names = ["gold", "silver", "bronze"]
        return ["income", "age", "ratio", "tier"], [[inc[i], int(age[i]), ratio[i], names[k[i]]] for i in range(n)]
    return make


def cls_deep(n):
    def make(rs):
        X = u(rs, n, 3)
        s = np.sin(1.5 * X[:, 0]) + X[:, 1] * X[:, 2] * 0.5 + 0.3 * rs.standard_normal(n)
        lab = np.where(s > 0, "up", "down")
        lab[0] = "up"
        return ["x1", "x2", "x3", "trend"], [list(X[i]) + [lab[i]] for i in range(n)]
    return make


def cls_imbalanced(n, names, cuts):
    """Classes from a noisy score cut at `cuts` (ascending): names[0] below the first cut, ...;
    with cuts near the top the later classes are rare."""
    def make(rs):
        X = u(rs, n, 2)
        sc = 0.8 * X[:, 0] + 0.5 * X[:, 1] + 0.4 * rs.standard_normal(n)
        k = np.searchsorted(np.array(cuts), sc)
        labels = [names[i] for i in k]
        return ["x1", "x2", "class"], [list(X[i]) + [labels[i]] for i in range(n)]
    return make


def cls_weighted_binary(n):
    """x1, w, x2, label: 0/1 labels; the sample weight column w sits between the features
    and holds 0 for three rows."""
    def make(rs):
        X = u(rs, n, 2)
        s = 1.2 * X[:, 0] - 0.7 * X[:, 1] + 0.4 + 0.5 * rs.standard_normal(n)
        lab = (s > 0).astype(int)
        w = np.round(rs.choice([0.25, 0.5, 1.0, 2.0, 4.0], size=n), 4)
        w[[3, 17, 30]] = 0.0
        return ["x1", "w", "x2", "label"], [[X[i, 0], w[i], X[i, 1], int(lab[i])] for i in range(n)]
    return make


def reg_weighted(n):
    """x1, x2, x3, y, importance: one regression target, sample weights last (two of them 0)."""
    def make(rs):
        X = u(rs, n, 3)
        y = np.tanh(0.9 * X[:, 0] - 0.4 * X[:, 2]) + 0.2 * X[:, 1] + noise(rs, n)
        w = np.round(rs.uniform(0.2, 3.0, n), 2)
        w[[5, 22]] = 0.0
        return ["x1", "x2", "x3", "y", "importance"], [list(X[i]) + [y[i], w[i]] for i in range(n)]
    return make


def cls_weighted_int(n):
    """x1, x2, weight, label with integer labels 2, 7, 10 and sample weights."""
    def make(rs):
        X = u(rs, n, 2)
        ang = np.arctan2(X[:, 1], X[:, 0]) + 0.3 * rs.standard_normal(n)
        k = ((ang + np.pi) / (2 * np.pi / 3)).astype(int) % 3
        lab = np.array([2, 7, 10])[k]
        w = np.round(rs.uniform(0.1, 2.0, n), 2)
        w[7] = 0.0
        return ["x1", "x2", "weight", "label"], [[X[i, 0], X[i, 1], w[i], int(lab[i])] for i in range(n)]
    return make


def multilabel(n):
    """x1, x2, x3 and three 0/1 targets t1, t2, t3 (several labels may be on at once)."""
    def make(rs):
        X = u(rs, n, 3)
        t1 = (X[:, 0] + 0.3 * rs.standard_normal(n) > 0).astype(int)
        t2 = (X[:, 1] * X[:, 2] + 0.3 * rs.standard_normal(n) > 0.2).astype(int)
        t3 = (np.sin(X[:, 2]) - 0.5 * X[:, 0] + 0.3 * rs.standard_normal(n) > 0.5).astype(int)
        return ["x1", "x2", "x3", "t1", "t2", "t3"], [list(X[i]) + [int(t1[i]), int(t2[i]), int(t3[i])] for i in range(n)]
    return make


# ---------------------------------------------------------------------------
# The cases. layers: the spec's layers (alpha only when the spec gives it).


def L(units, act, **kw):
    d = {"units": units, "activation": act}
    d.update(kw)
    return d


def T(optimizer, lr, epochs, batch_size, l2=0.0, **kw):
    d = {"optimizer": optimizer, "learning_rate": lr, "epochs": epochs, "batch_size": batch_size, "l2": l2}
    d.update(kw)
    return d


CASES = [
    dict(name="mse_tanh_momentum09_batch12", seed=201, rows=40, data=reg_smooth(40, 3), target="y",
         layers=[L(5, "tanh"), L(1, "linear")], loss="mse",
         train=T("momentum", 0.02, 30, 12, momentum=0.9),
         note="momentum μ 0.9; batches 12+12+12+4"),
    dict(name="mse_sigmoid_momentum05_batch10", seed=202, rows=45, data=reg_smooth(45, 2), target="y",
         layers=[L(6, "sigmoid"), L(1, "linear")], loss="mse",
         train=T("momentum", 0.1, 30, 10, momentum=0.5),
         note="momentum μ 0.5; sigmoid hidden layer; batches 4×10+5"),
    dict(name="mse_leaky_default_sgd_full", seed=203, rows=40, data=reg_nonlinear(40), target="y",
         layers=[L(5, "leaky_relu"), L(1, "linear")], loss="mse",
         train=T("sgd", 0.05, 40, 0), init="he",
         note="leaky_relu without alpha in the spec: model.json carries alpha 0.01"),
    dict(name="ce_leaky02_adam_batch10", seed=204, rows=50, data=cls_strings(50, 2, ["cat", "dog", "owl"], 2),
         target="class", layers=[L(6, "leaky_relu", alpha=0.2), L(3, "softmax")], loss="cross_entropy",
         train=T("adam", 0.01, 30, 10), init="he",
         note="leaky_relu alpha 0.2 given in the spec; batches 5×10"),
    dict(name="mse_linear_hidden_sgd_batch8", seed=205, rows=36, data=reg_linear(36), target="y",
         layers=[L(3, "linear"), L(1, "linear")], loss="mse",
         train=T("sgd", 0.05, 25, 8),
         note="linear hidden layer; batches 4×8+4"),
    dict(name="mse_l2_sgd_batch13", seed=206, rows=40, data=reg_smooth(40, 3), target="y",
         layers=[L(4, "tanh"), L(1, "linear")], loss="mse",
         train=T("sgd", 0.1, 30, 13, l2=0.05),
         note="l2 0.05; batches 13+13+13+1 (the last adds λ/2 Σ‖W‖²)"),
    dict(name="ce_l2_adam_batch9", seed=207, rows=46, data=cls_strings(46, 3, ["a", "b", "c"], 1),
         target="class", layers=[L(5, "relu"), L(3, "softmax")], loss="cross_entropy",
         train=T("adam", 0.01, 30, 9, l2=0.1), init="he",
         note="l2 0.1 through Adam's moments; batches 5×9+1"),
    dict(name="ce_deep4_adam_batch16", seed=208, rows=60, data=cls_deep(60), target="trend",
         layers=[L(8, "tanh"), L(7, "relu"), L(6, "sigmoid"), L(5, "leaky_relu", alpha=0.1), L(2, "softmax")],
         loss="cross_entropy", train=T("adam", 0.005, 30, 16),
         note="3→8 tanh→7 relu→6 sigmoid→5 leaky_relu(0.1)→2 softmax; batches 16+16+16+12"),
    dict(name="mse_two_targets_sgd_batch10", seed=209, rows=50, data=reg_two_targets(50), target=["y1", "y2"],
         layers=[L(6, "tanh"), L(2, "linear")], loss="mse",
         train=T("sgd", 0.1, 30, 10),
         note="target [y1, y2]: two regression outputs"),
    dict(name="ce_int_labels_sgd_batch12", seed=210, rows=48, data=cls_int_labels(48), target="label",
         layers=[L(5, "tanh"), L(3, "softmax")], loss="cross_entropy",
         train=T("sgd", 0.3, 30, 12),
         note="integer labels 2, 7, 10 (first seen 10, 2, 7); classes \"2\",\"7\",\"10\""),
    dict(name="mse_features_x3_x1_sgd_full", seed=211, rows=40, data=reg_subset(40), target="y",
         features=["x3", "x1"], layers=[L(4, "tanh"), L(1, "linear")], loss="mse",
         train=T("sgd", 0.1, 30, 0),
         note="data.features [x3, x1] out of file order; x2, x4 unused"),
    dict(name="mse_target_middle_adam_batch8", seed=212, rows=40, data=reg_target_middle(40), target="y",
         layers=[L(4, "relu"), L(1, "linear")], loss="mse",
         train=T("adam", 0.01, 30, 8), init="he",
         note="columns x1,x2,y,x3: target in the middle"),
    dict(name="bce_no_yes_first_momentum_batch10", seed=213, rows=44, data=cls_no_yes_first(44), target="answer",
         layers=[L(4, "tanh"), L(1, "sigmoid")], loss="bce",
         train=T("momentum", 0.05, 30, 10, momentum=0.9),
         note="string classes no/yes (yes = 1, first row yes); target is the first column; batches 4×10+4"),
    dict(name="ce_standard_adam_batch16", seed=214, rows=54, data=cls_standard(54), target="tier",
         layers=[L(5, "tanh"), L(3, "softmax")], loss="cross_entropy", normalize="standard",
         train=T("adam", 0.01, 30, 16),
         note="normalize standard (mean, population std) on income/age/ratio; classes bronze<gold<silver"),
    dict(name="mse_minmax_sgd_batch10", seed=215, rows=40, data=reg_minmax(40), target="y",
         layers=[L(5, "sigmoid"), L(1, "linear")], loss="mse", normalize="minmax",
         train=T("sgd", 0.5, 30, 10),
         note="normalize minmax; column gauge is constant (range 0 → scale 1)"),
    dict(name="mse_adam_full", seed=216, rows=40, data=reg_smooth(40, 3), target="y",
         layers=[L(5, "tanh"), L(1, "linear")], loss="mse",
         train=T("adam", 0.01, 40, 0),
         note="adam, whole set per batch (one step an epoch)"),
    dict(name="mse_adam_batch1", seed=217, rows=30, data=reg_smooth(30, 2), target="y",
         layers=[L(4, "tanh"), L(1, "linear")], loss="mse",
         train=T("adam", 0.005, 8, 1),
         note="adam, one row per batch (240 steps)"),
    dict(name="ce_momentum_default_full", seed=218, rows=45, data=cls_strings(45, 2, ["left", "mid", "right"], 2),
         target="class", layers=[L(5, "tanh"), L(3, "softmax")], loss="cross_entropy",
         train=T("momentum", 0.2, 40, 0), init="normal", init_scale=0.01,
         note="momentum with μ left to its default 0.9; whole set per batch"),
    dict(name="bce_momentum05_batch1", seed=219, rows=30, data=cls_strings(30, 2, ["0", "1"], 1),
         target="class", layers=[L(4, "tanh"), L(1, "sigmoid")], loss="bce",
         train=T("momentum", 0.02, 8, 1, momentum=0.5),
         note="momentum μ 0.5, one row per batch; labels 0/1"),
    # CONTRACT.md's additions, "Sample and class weights" and "Several 0/1 targets with bce".
    dict(name="ce_class_weight_balanced_l2_sgd_batch10", seed=220, rows=60,
         data=cls_imbalanced(60, ["common", "middling", "rare"], [0.5, 1.3]), target="class",
         layers=[L(5, "tanh"), L(3, "softmax")], loss="cross_entropy",
         train=T("sgd", 0.3, 30, 10, l2=0.02, class_weight="balanced"),
         note="class_weight balanced, n/(K·n_c); J is CrossEntropyLoss(weight=…); the l2 term unweighted"),
    dict(name="ce_class_weight_map_int_adam_batch8", seed=221, rows=44, data=cls_int_labels(44), target="label",
         layers=[L(5, "tanh"), L(3, "softmax")], loss="cross_entropy",
         train=T("adam", 0.01, 30, 8, class_weight={10: 3.0, 2: 0.5}),
         note="class_weight {10: 3.0, 2: 0.5}: keys name the classes \"10\" and \"2\"; 7 is not listed, so 1"),
    dict(name="bce_class_weight_balanced_momentum_batch12", seed=222, rows=50,
         data=cls_imbalanced(50, ["no", "yes"], [1.0]), target="class",
         layers=[L(4, "tanh"), L(1, "sigmoid")], loss="bce",
         train=T("momentum", 0.1, 30, 12, momentum=0.9, class_weight="balanced"),
         note="class_weight balanced with one sigmoid unit: yes (y = 1) is rare"),
    dict(name="bce_sample_weight_sgd_batch7", seed=223, rows=45, data=cls_weighted_binary(45), target="label",
         weight="w", layers=[L(4, "tanh"), L(1, "sigmoid")], loss="bce",
         train=T("sgd", 0.5, 25, 7),
         note="data.weight w between the features (never an input); three rows of weight 0"),
    dict(name="mse_sample_weight_momentum_batch9", seed=224, rows=40, data=reg_weighted(40), target="y",
         weight="importance", layers=[L(5, "tanh"), L(1, "linear")], loss="mse",
         train=T("momentum", 0.05, 30, 9, momentum=0.9),
         note="data.weight importance, last column; J = Σ w·½(y−a)² / Σ w; two rows of weight 0"),
    dict(name="ce_sample_and_class_weight_sgd_batch10", seed=225, rows=48, data=cls_weighted_int(48),
         target="label", weight="weight", layers=[L(5, "tanh"), L(3, "softmax")], loss="cross_entropy",
         train=T("sgd", 0.2, 30, 10, class_weight={7: 2.5}),
         note="row weight = class_weight[y]·sample weight: class 7 ×2.5 times data.weight"),
    dict(name="bce_multilabel_adam_batch10", seed=226, rows=50, data=multilabel(50), target=["t1", "t2", "t3"],
         layers=[L(6, "tanh"), L(3, "sigmoid")], loss="bce",
         train=T("adam", 0.01, 30, 10),
         note="three 0/1 targets with bce: multi-label, one sigmoid unit per target, no classes"),
]


# The training options of CONTRACT.md's additions: optimizers, clipping, schedules, dropout.
CASES += [
    dict(name="mse_nesterov_tanh_batch10", seed=230, rows=45, data=reg_smooth(45, 3), target="y",
         layers=[L(5, "tanh"), L(1, "linear")], loss="mse",
         train=T("nesterov", 0.05, 30, 10, momentum=0.8),
         note="nesterov μ 0.8: SGD(momentum, nesterov=True), w −= lr·(g + μ·v)"),
    dict(name="ce_nesterov_default_batch12", seed=231, rows=48, data=cls_strings(48, 2, ["a", "b", "c"], 0),
         target="class", layers=[L(6, "tanh"), L(3, "softmax")], loss="cross_entropy",
         train=T("nesterov", 0.1, 30, 12),
         note="nesterov with μ left to its default 0.9"),
    dict(name="ce_adamw_default_batch10", seed=232, rows=50, data=cls_strings(50, 3, ["x", "y", "z"], 1),
         target="class", layers=[L(6, "tanh"), L(3, "softmax")], loss="cross_entropy",
         train=T("adamw", 0.02, 30, 10),
         note="adamw with its defaults: weight_decay 0.01 on every W and B, betas (0.9, 0.999), eps 1e-8"),
    dict(name="mse_adamw_wd_betas_batch8", seed=233, rows=40, data=reg_smooth(40, 2), target="y",
         layers=[L(5, "relu"), L(1, "linear")], loss="mse", init="he",
         train=T("adamw", 0.02, 30, 8, betas=[0.8, 0.99], eps=1e-6, weight_decay=0.1),
         note="adamw with betas, eps and weight_decay 0.1 given"),
    dict(name="mse_adam_betas_eps_l2_batch10", seed=234, rows=40, data=reg_smooth(40, 3), target="y",
         layers=[L(5, "tanh"), L(1, "linear")], loss="mse",
         train=T("adam", 0.01, 30, 10, l2=0.05, betas=[0.85, 0.995], eps=1e-7),
         note="adam with betas and eps given; l2 through the moments"),
    dict(name="mse_rmsprop_default_batch10", seed=235, rows=40, data=reg_smooth(40, 3), target="y",
         layers=[L(5, "tanh"), L(1, "linear")], loss="mse",
         train=T("rmsprop", 0.005, 30, 10),
         note="rmsprop with its defaults: alpha 0.99, eps 1e-8, momentum 0, not centered"),
    dict(name="bce_rmsprop_alpha09_batch8", seed=236, rows=44, data=cls_no_yes_first(44), target="answer",
         layers=[L(4, "tanh"), L(1, "sigmoid")], loss="bce",
         train=T("rmsprop", 0.01, 25, 8, alpha=0.9, eps=1e-6),
         note="rmsprop alpha 0.9, eps 1e-6; batches 5×8+4"),
    dict(name="ce_clip_sgd_batch10", seed=237, rows=50, data=cls_strings(50, 2, ["p", "q", "r"], 2),
         target="class", layers=[L(6, "tanh"), L(3, "softmax")], loss="cross_entropy",
         train=T("sgd", 0.5, 30, 10, clip_norm=0.3),
         note="clip_norm 0.3: the whole gradient scaled to norm 0.3 when longer"),
    dict(name="mse_clip_l2_adam_batch8", seed=238, rows=40, data=reg_nonlinear(40), target="y",
         layers=[L(6, "tanh"), L(1, "linear")], loss="mse",
         train=T("adam", 0.02, 30, 8, l2=0.1, clip_norm=0.15),
         note="clip_norm 0.15 after the l2 term, before adam"),
    dict(name="ce_exponential_sgd_batch10", seed=239, rows=50, data=cls_strings(50, 2, ["e", "f", "g"], 0),
         target="class", layers=[L(5, "tanh"), L(3, "softmax")], loss="cross_entropy",
         train=T("sgd", 0.5, 30, 10, schedule={"kind": "exponential", "gamma": 0.9}),
         note="ExponentialLR(gamma 0.9): lr of epoch e = 0.5·0.9^(e−1), multiplied once per epoch"),
    dict(name="mse_cosine_default_momentum_batch10", seed=240, rows=40, data=reg_smooth(40, 3), target="y",
         layers=[L(5, "tanh"), L(1, "linear")], loss="mse",
         train=T("momentum", 0.05, 30, 10, momentum=0.9, schedule={"kind": "cosine"}),
         note="CosineAnnealingLR with t_max left to epochs (30), eta_min 0"),
    dict(name="ce_cosine_tmax8_adam_batch10", seed=241, rows=50, data=cls_strings(50, 3, ["u", "v", "w"], 1),
         target="class", layers=[L(6, "tanh"), L(3, "softmax")], loss="cross_entropy",
         train=T("adam", 0.02, 30, 10, schedule={"kind": "cosine", "t_max": 8, "eta_min": 0.001}),
         note="CosineAnnealingLR(t_max 8, eta_min 0.001) over 30 epochs: past t_max the lr rises again"),
    dict(name="mse_step_gamma03_nesterov_batch10", seed=242, rows=40, data=reg_smooth(40, 2), target="y",
         layers=[L(5, "tanh"), L(1, "linear")], loss="mse",
         train=T("nesterov", 0.1, 30, 10, schedule={"kind": "step", "step_size": 7, "gamma": 0.3}),
         note="StepLR(step_size 7, gamma 0.3): 0.3 is not a power of 2, so lr·γ·γ is not lr·γ²"),
    dict(name="mse_plateau_sgd_batch10", seed=243, rows=40, data=reg_smooth(40, 3), target="y",
         layers=[L(5, "tanh"), L(1, "linear")], loss="mse",
         train=T("sgd", 0.3, 40, 10, schedule={"kind": "plateau", "factor": 0.5, "patience": 1, "threshold": 0.05}),
         note="ReduceLROnPlateau(factor 0.5, patience 1, threshold 0.05) on train_loss (no validation rows)"),
    dict(name="mse_dropout_tanh_sgd_batch10", seed=244, rows=40, data=reg_smooth(40, 3), target="y",
         layers=[L(8, "tanh", dropout=0.3), L(1, "linear")], loss="mse",
         train=T("sgd", 0.05, 30, 10),
         note="dropout 0.3 on the hidden layer, masks from masks.json"),
    dict(name="ce_wide_relu_adam_batch27", seed=246, rows=108,
         data=cls_strings(108, 37, ["low", "mid", "high"], 1), target="class",
         layers=[L(40, "relu"), L(20, "tanh"), L(3, "softmax")], loss="cross_entropy", init="he",
         train=T("adam", 0.005, 12, 27),
         note="37 inputs → 40 relu → 20 tanh → 3 softmax, batches of 27: products wide enough for "
              "the AVX-512 kernels' whole 12-row, two-panel tiles (float64 12×16, float32 12×32) and "
              "their row-remainder, one-panel and partial-panel edges, which the small cases never reach"),
    dict(name="ce_dropout2_adam_batch12", seed=245, rows=48, data=cls_strings(48, 2, ["k", "l", "m"], 2),
         target="class", layers=[L(8, "relu", dropout=0.2), L(6, "tanh", dropout=0.5), L(3, "softmax")],
         loss="cross_entropy", init="he",
         train=T("adam", 0.01, 25, 12),
         note="dropout 0.2 and 0.5 on two hidden layers with adam, masks from masks.json"),
]

# ---------------------------------------------------------------------------
# Raw tabular files (CONTRACT.md, "Tabular columns"), encoded here from the
# contract's words alone: the column kinds, missing texts, imputation fitted on
# the training rows (all rows: validation_split is 0), one-hot blocks at the
# column's place, categories sorted like classes, number-only normalisation.

NUMBER_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def is_number(text, dec):
    """A plain decimal number with decimal mark dec (the generated files hold no inf/nan)."""
    if dec != "." and "." in text:
        return False
    return NUMBER_RE.fullmatch(text.replace(dec, ".")) is not None


def tab_number(text, dec):
    text = text.strip()
    if not is_number(text, dec):
        raise ValueError("not a number: %r" % text)
    return float(text.replace(dec, "."))


def category_order(texts):
    """Categories as classes sort (integers numerically, other text bytewise), with the ""
    of impute.category: missing before every other text."""
    rest = [t for t in set(texts) if t != ""]
    out = class_order(rest) if rest else []
    return ([""] if "" in texts else []) + out


def tabular_encode(text, targets, weight, tab):
    """Returns (header, trimmed rows, input names, model.json columns, X before
    normalisation, per input whether it is a number input)."""
    dec = tab.get("decimal", ".")
    rows = list(csv.reader(io.StringIO(text), delimiter=tab.get("delimiter", ",")))
    rows = [[cell.strip() for cell in r] for r in rows]  # every field is trimmed
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    missing = set(tab.get("missing", DEFAULT_MISSING))
    imp = {"number": "mean", "category": "most_frequent"}
    imp.update(tab.get("impute", {}))
    sources = [h for h in header if h not in targets and h != weight and h not in tab.get("exclude", [])]
    names, columns, blocks, is_num = [], [], [], []
    for name in sources:
        cells = [r[col[name]] for r in body]
        present = [v for v in cells if v not in missing]
        assert present, name
        category = name in tab.get("categorical", []) or any(not is_number(v, dec) for v in present)
        if not category:
            vals = [tab_number(v, dec) for v in present]
            if imp["number"] == "mean":
                fill = math.fsum(vals) / len(vals)
            elif imp["number"] == "median":
                v = sorted(vals)
                k = len(v)
                fill = v[k // 2] if k % 2 else (v[k // 2 - 1] + v[k // 2]) / 2
            elif imp["number"] == "zero":
                fill = 0.0
            else:
                raise ValueError(imp["number"])
            blocks.append(np.array([[fill if v in missing else tab_number(v, dec)] for v in cells]))
            names.append(name)
            is_num.append(True)
            columns.append({"name": name, "kind": "number", "fill": fill})
            continue
        seen = list(present)
        if imp["category"] == "missing" and len(present) < len(cells):
            seen.append("")  # the missing cells' own category
        cats = category_order(seen)
        if imp["category"] == "most_frequent":
            counts = {c_: present.count(c_) for c_ in cats}
            top = max(counts.values())
            fill = [c_ for c_ in cats if counts[c_] == top][0]  # ties: the first in sorted order
        elif imp["category"] == "missing":
            fill = ""
        else:
            raise ValueError(imp["category"])
        filled = [fill if v in missing else v for v in cells]
        blocks.append(np.array([[1.0 if v == c_ else 0.0 for c_ in cats] for v in filled]))
        names += ["%s=%s" % (name, c_) for c_ in cats]
        is_num += [False] * len(cats)
        columns.append({"name": name, "kind": "category", "categories": cats, "fill": fill})
    X = np.concatenate(blocks, axis=1)
    return header, body, names, columns, X, np.array(is_num)


def fmt_num(v, dec=".", places=4):
    """A number rounded to places decimals as CSV text with decimal mark dec."""
    return num(round(float(v), places)).replace(".", dec)


def spread(rs, n, counts):
    """A shuffled list of n labels with the given {label: count} (None = missing)."""
    out = [k for k, m in counts.items() for _ in range(m)]
    assert len(out) == n, (len(out), n)
    return [out[i] for i in rs.permutation(n)]


def tab_median_tie(n):
    """x1, colour (text; Green/blue/red; 5 missing cells; red and Green tie at 17), size (6
    missing cells of 50: 44 values, median = mean of two), tier (hi/lo/mid)."""
    def make(rs):
        x1 = u(rs, n, 1)[:, 0]
        size = np.round(rs.uniform(10, 60, n), 4)
        colour = spread(rs, n, {"red": 17, "Green": 17, "blue": 11, None: 5})
        while colour[0] != "red":  # the file meets red first; the tie must still go to Green
            colour = colour[1:] + colour[:1]
        size_missing = set(rs.choice(np.arange(1, n), 6, replace=False).tolist())
        cv = {"Green": 0.8, "blue": -0.6, "red": 0.0, None: 0.1}
        s = 0.9 * x1 + 0.06 * (size - 35) + np.array([cv[k] for k in colour]) + 0.4 * rs.standard_normal(n)
        tier = np.where(s < -0.5, "lo", np.where(s < 0.5, "mid", "hi"))
        pad = ["  red", "Green ", " blue "]  # trimmed like every field
        rows = []
        for i in range(n):
            c_ = "" if colour[i] is None else colour[i]
            if i in (3, 11, 29) and c_:
                c_ = {"red": pad[0], "Green": pad[1], "blue": pad[2]}[c_]
            sz = "NA" if i in size_missing else fmt_num(size[i])
            rows.append([fmt_num(x1[i]), c_, sz, str(tier[i])])
        return ["x1", "colour", "size", "tier"], rows
    return make


def check_median_tie(features, columns, X):
    size = [c_ for c_ in columns if c_["name"] == "size"][0]
    colour = [c_ for c_ in columns if c_["name"] == "colour"][0]
    assert colour["categories"] == ["Green", "blue", "red"], colour
    assert colour["fill"] == "Green", colour  # tie with red, which comes first in the file
    print("  median fill of size %r (mean of two middle values)" % size["fill"])


def tab_own_category(n):
    """id (excluded), x1 (in [1, 3], 5 missing cells -> 0, the new minimum), grade (integers
    1, 2, 3, 10 listed in categorical, 6 missing cells -> its own "" category), site (text,
    nothing missing), x2, y (regression)."""
    def make(rs):
        x1 = np.round(rs.uniform(1, 3, n), 4)
        x2 = u(rs, n, 1)[:, 0]
        grade = spread(rs, n, {10: 13, 2: 11, 1: 9, 3: 7, None: 6})
        while grade[0] != 10:  # 10 first in the file: bytewise "10" < "2", numerically last
            grade = grade[1:] + grade[:1]
        site = spread(rs, n, {"north": 18, "south": 16, "east": 12})
        x1_missing = set(rs.choice(np.arange(1, n), 5, replace=False).tolist())
        gv = {1: -0.4, 2: 0.1, 3: 0.3, 10: 0.6, None: -0.2}
        sv = {"north": 0.2, "south": -0.3, "east": 0.0}
        x1f = np.array([0.0 if i in x1_missing else x1[i] for i in range(n)])
        y = (0.3 * x1f + 0.5 * np.tanh(x2) + np.array([gv[k] for k in grade]) + np.array([sv[k] for k in site])
             + noise(rs, n))
        rows = []
        for i in range(n):
            rows.append([str(101 + 7 * i), "" if i in x1_missing else fmt_num(x1[i]),
                         "" if grade[i] is None else str(grade[i]), site[i], fmt_num(x2[i]), fmt_num(y[i])])
        return ["id", "x1", "grade", "site", "x2", "y"], rows
    return make


def check_own_category(features, columns, X):
    want = ["x1", "grade=", "grade=1", "grade=2", "grade=3", "grade=10",
            "site=east", "site=north", "site=south", "x2"]
    assert features == want, features


def tab_missing_texts(n):
    """x1 (cells "?" and "NA" missing -> mean), colour (N/A, blue, red: "N/A" is a real category
    here, since data.missing is ["?", "NA"]; 3 cells "?"), x2, answer (yes/no). Delimiter ";",
    decimal ","."""
    def make(rs):
        X = u(rs, n, 2)
        colour = spread(rs, n, {"red": 19, "blue": 16, "N/A": 12, None: 3})
        x1_missing = dict(zip(rs.choice(np.arange(1, n), 4, replace=False).tolist(), ["?", "NA", " ? ", "NA"]))
        cv = {"red": 0.6, "blue": -0.5, "N/A": 0.1, None: 0.0}
        x1f = np.array([0.0 if i in x1_missing else X[i, 0] for i in range(n)])
        s = 1.1 * x1f - 0.7 * X[:, 1] + np.array([cv[k] for k in colour]) + 0.4 * rs.standard_normal(n)
        ans = np.where(s > 0, "yes", "no")
        ans[0] = "no"
        rows = []
        for i in range(n):
            rows.append([x1_missing.get(i, fmt_num(X[i, 0], ",")), "?" if colour[i] is None else colour[i],
                         fmt_num(X[i, 1], ","), str(ans[i])])
        return ["x1", "colour", "x2", "answer"], rows
    return make


def check_missing_texts(features, columns, X):
    want = ["x1", "colour=N/A", "colour=blue", "colour=red", "x2"]
    assert features == want, features
    assert columns[1]["fill"] == "red", columns[1]


# Raw tabular files: kinds, missing texts, imputation, one-hot encoding, number-only
# normalisation, delimiter and decimal mark (CONTRACT.md, "Tabular columns").
CASES += [
    dict(name="tab_median_tie_standard_ce_adam_batch10", seed=250, rows=50, data=tab_median_tie(50),
         target="tier", normalize="standard",
         tab=dict(impute={"number": "median", "category": "most_frequent"}, check=check_median_tie),
         layers=[L(6, "tanh"), L(3, "softmax")], loss="cross_entropy",
         train=T("adam", 0.01, 30, 10),
         note="median of 44 values (mean of the two middle ones); most_frequent tie red/Green goes to Green "
              "(first bytewise); standard normalisation of x1 and size only; cells trimmed"),
    dict(name="tab_own_category_zero_minmax_mse_momentum_batch8", seed=251, rows=46, data=tab_own_category(46),
         target="y", normalize="minmax",
         tab=dict(exclude=["id"], categorical=["grade"], impute={"number": "zero", "category": "missing"},
                  check=check_own_category),
         layers=[L(5, "tanh"), L(1, "linear")], loss="mse",
         train=T("momentum", 0.02, 30, 8, momentum=0.9),
         note="id excluded; grade integers in categorical with a \"\" category first, then 1, 2, 3, 10; "
              "x1 missing -> 0 before minmax (0 is its new min); site text without missing cells has no \"\""),
    dict(name="tab_missing_texts_semicolon_bce_sgd_batch10", seed=252, rows=50, data=tab_missing_texts(50),
         target="answer",
         tab=dict(missing=["?", "NA"], delimiter=";", decimal=",", check=check_missing_texts),
         layers=[L(4, "tanh"), L(1, "sigmoid")], loss="bce",
         train=T("sgd", 0.3, 30, 10),
         note="data.missing [\"?\", \"NA\"] (so \"N/A\" is a category), delimiter ;, decimal comma; "
              "x1 mean over non-missing, colour most_frequent; bce yes/no"),
]


def public_as_case(folder):
    """The parts of a public case the training loop needs, read from its files."""
    import yaml  # only for reading the public specs back
    with open(os.path.join(folder, "spec.yaml")) as f:
        spec = yaml.safe_load(f)
    with open(os.path.join(folder, "init.json")) as f:
        init = json.load(f)
    with open(os.path.join(folder, "data.csv")) as f:
        data = f.read()
    with open(os.path.join(folder, "expected.json")) as f:
        expected = json.load(f)
    return spec, init, data, expected


def verify_public(out):
    """Retrains each public case from its files; our numbers must match its expected.json."""
    worst = 0.0
    for name in PUBLIC_CASES:
        folder = os.path.join(out, name)
        if not os.path.isdir(folder):
            print("skip public case %s (not in %s)" % (name, out))
            continue
        spec, init, data, expected = public_as_case(folder)
        t = spec["data"]["target"]
        targets = t if isinstance(t, list) else [t]
        layers = spec["model"]["layers"]
        _, _, classes, norm, X, Y, W, cw = load_case_data(
            data, targets, spec["data"].get("features"), spec["loss"], layers[-1]["units"],
            spec["data"]["normalize"], spec["data"].get("weight"), spec["train"].get("class_weight"))
        final, losses, _ = train(init["layers"], layers, spec["loss"], spec["train"], X, Y, W, cw)
        d = max_diff(final, losses, expected)
        worst = max(worst, d)
        print("public %-32s max |ours - expected| / max(1,|expected|) = %.3g" % (name, d))
        if d > 1e-14:
            sys.exit("public case %s: our training loop disagrees with the oracle (%g)" % (name, d))
    return worst


def max_diff(final, losses, expected):
    worst = 0.0
    for (W, B), E in zip(final, expected["final"]["layers"]):
        for got, want in zip(np.ravel(W).tolist() + list(B), np.ravel(E["weight"]).tolist() + list(E["bias"])):
            worst = max(worst, abs(got - want) / max(1.0, abs(want)))
    if len(losses) != len(expected["train_loss"]):
        return float("inf")
    for got, want in zip(losses, expected["train_loss"]):
        worst = max(worst, abs(got - want) / max(1.0, abs(want)))
    return worst


def perturbed(init_layers, seed):
    """Every starting weight and bias times (1 ± 1e-13), signs from a fixed RandomState."""
    rs = np.random.RandomState(seed + 9000)
    out = []
    for L_ in init_layers:
        W = np.array(L_["weight"])
        B = np.array(L_["bias"])
        W = W * (1 + 1e-13 * rs.choice([-1.0, 1.0], size=W.shape))
        B = B * (1 + 1e-13 * rs.choice([-1.0, 1.0], size=B.shape))
        out.append({"weight": W.tolist(), "bias": B.tolist()})
    return out


def prepare(c):
    """A case's data.csv text and what training needs from it: (data, features, targets,
    classes, norm, X, Y, W, cw, columns, tab); columns is None unless tabular."""
    rs = np.random.RandomState(c["seed"])
    header, rows = c["data"](rs)
    assert len(rows) == c["rows"], (c["name"], len(rows))
    tab = c.get("tab")
    if tab is None:
        data = csv_text(header, rows)
    else:  # the maker wrote every cell as text already
        d_ = tab.get("delimiter", ",")
        data = "\n".join(d_.join(r) for r in [header] + rows) + "\n"
    t = c["target"]
    targets = t if isinstance(t, list) else [t]
    layers = c["layers"]
    got = load_case_data(
        data, targets, c.get("features"), c["loss"], layers[-1]["units"], c.get("normalize", "none"),
        c.get("weight"), c["train"].get("class_weight"), tab)
    features, targets, classes, norm, X, Y, W, cw = got[:8]
    columns = got[8] if tab is not None else None
    if tab is not None and "check" in tab:
        tab["check"](features, columns, X)
    return data, features, targets, classes, norm, X, Y, W, cw, columns, tab


def make_case(c, out):
    data, features, targets, classes, norm, X, Y, W, cw, columns, tab = prepare(c)
    layers = c["layers"]
    sizes = [len(features)] + [L_["units"] for L_ in layers]
    params = default_init(c["seed"], sizes)
    init = model_json(features, targets, classes, norm, c["loss"], layers, params, tab, columns)
    masks = dropout_masks(c, layers, X.shape[0])
    stats = {}
    final, losses, lrs = train(init["layers"], layers, c["loss"], c["train"], X, Y, W, cw, masks, stats)
    check_case(c, stats, lrs, losses)
    for v in losses + [x for W, B in final for x in np.ravel(W).tolist() + B]:
        if not np.isfinite(v):
            sys.exit("case %s: non-finite result" % c["name"])
    expected = {"final": model_json(features, targets, classes, norm, c["loss"], layers, final, tab, columns),
                "train_loss": losses, "tolerance": TOLERANCE}
    if "schedule" in c["train"]:
        expected["lr"] = lrs

    # Well-conditioned: nudging every start value by a relative 1e-13 and every (normalised)
    # input by 1e-13 moves no result by 1e-11, so summation order and normalisation rounding
    # cannot matter at tolerance 1e-9.
    Xp = X + 1e-13 * np.random.RandomState(c["seed"] + 9001).choice([-1.0, 1.0], size=X.shape)
    pf, pl, plr = train(perturbed(init["layers"], c["seed"]), layers, c["loss"], c["train"], Xp, Y, W, cw, masks)
    if plr != lrs:
        sys.exit("case %s: a 1e-13 nudge changed the learning rates %s -> %s" % (c["name"], lrs, plr))
    sens = max_diff(pf, pl, expected)
    if sens > 1e-11:
        sys.exit("case %s: ill-conditioned, a 1e-13 start nudge moved results by %g" % (c["name"], sens))

    folder = os.path.join(out, c["name"])
    os.makedirs(folder, exist_ok=True)
    write(os.path.join(folder, "spec.yaml"), spec_yaml(c))
    write(os.path.join(folder, "data.csv"), data)
    write(os.path.join(folder, "init.json"), dump_json(init))
    write(os.path.join(folder, "expected.json"), dump_json(expected))
    if masks:
        write(os.path.join(folder, "masks.json"), dump_json({"p": [L_.get("dropout", 0.0) for L_ in layers],
                                                              "masks": masks}))
    elif os.path.exists(os.path.join(folder, "masks.json")):
        os.remove(os.path.join(folder, "masks.json"))
    return sens, losses


def dropout_masks(c, layers, n):
    """Keep masks (0/1) for every batch and dropout layer, in the order training uses them,
    drawn from their own RandomState: keep with probability 1 − p."""
    drop = [(l, L_["dropout"]) for l, L_ in enumerate(layers) if L_.get("dropout", 0.0) > 0]
    if not drop:
        return None
    rs = np.random.RandomState(c["seed"] + 5000)
    bs = c["train"]["batch_size"] or n
    out = []
    for _ in range(c["train"]["epochs"]):
        for start in range(0, n, bs):
            m = min(bs, n - start)
            for l, p in drop:
                keep = (rs.uniform(size=(m, layers[l]["units"])) >= p).astype(int)
                out.append({"layer": l, "keep": keep.tolist()})
    return out


def check_case(c, stats, lrs, losses):
    """The case tests what it says: clipping really clips, a schedule really moves the lr;
    and plateau's comparisons are never close calls (rounding cannot flip them)."""
    o = c["train"]
    sc = o.get("schedule", {})
    if sc.get("kind") == "plateau":
        best, margin = float("inf"), float("inf")
        for v in losses:
            bar = best * (1 - sc.get("threshold", 1e-4))
            if bar != float("inf"):
                margin = min(margin, abs(v - bar) / v)
            if v < bar:
                best = v
        if margin < 1e-6:
            sys.exit("case %s: a plateau comparison is within %g of its threshold" % (c["name"], margin))
        print("  %s: plateau comparisons clear their threshold by a relative %.2g at least" % (c["name"], margin))
    if o.get("clip_norm", 0) > 0:
        frac = stats["clipped"] / stats["steps"]
        if not 0.2 <= frac <= 0.95:
            sys.exit("case %s: clipping scaled %d of %d steps; want some but not all" % (c["name"], stats["clipped"], stats["steps"]))
        print("  %s: clipping scaled %d of %d steps" % (c["name"], stats["clipped"], stats["steps"]))
    if "schedule" in o:
        changes = sum(1 for a, b in zip(lrs, lrs[1:]) if a != b)
        if changes < 2:
            sys.exit("case %s: the learning rate changed %d times" % (c["name"], changes))
        print("  %s: lr %s" % (c["name"], " ".join("%.4g" % v for v in lrs)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="folder for the case folders (default testdata/fixtures)")
    ap.add_argument("--public", default=DEFAULT_OUT,
                    help="folder holding the copied public cases to verify the loop against")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    verify_public(args.public)
    names = set()
    for c in CASES:
        assert c["name"] not in names, c["name"]
        names.add(c["name"])
        sens, losses = make_case(c, args.out)
        print("case %-36s loss %.4f -> %.4f  1e-13 nudges moved results by %.2g"
              % (c["name"], losses[0], losses[-1], sens))


if __name__ == "__main__":
    main()
