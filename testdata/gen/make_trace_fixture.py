#!/usr/bin/python3
"""Generate the PyTorch reference passes of `nntrain trace` in testdata/trace/.

Each case is a folder with spec.yaml, data.csv, init.json (a model.json with the
starting weights) and expected.json, which holds what

    nntrain trace --config CASE/spec.yaml --init CASE/init.json --rows ROWS --format json

must print: {"rows", "cost", "layers": [{"W", "B", "Z", "A", "dA", "dZ", "dW", "dB"}], "dX"},
the rows being expected.json's own "rows". Every value is PyTorch 1.13's, float64:
the forward pass is written plainly from CONTRACT.md (Z = A_prev·Wᵀ + B, A = g(Z),
the loss of the chosen rows, the l2 term), and autograd gives every gradient; Z and A
keep theirs with retain_grad(), X has requires_grad for dX. The loss is written in
A, the output layer's activations (for bce and cross_entropy too), so that A's
gradient exists: it is the contract's ∂J/∂A[L].

Run with Debian's interpreter (python3-torch 1.13):

    /usr/bin/python3 testdata/gen/make_trace_fixture.py

The output is deterministic (fixed seeds; numbers written with repr).
"""

import json
import os

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "trace"))

# name, seed, inputs, layers [(units, activation, alpha)], loss, normalize, l2, data rows, traced rows,
# and optionally the row weights of the contract's "Sample and class weights": class_weight (a
# {class: weight} map, train.class_weight) and sample_weight (True: a column "w" of per-row weights,
# data.weight), J then being Σ wᵢ ℓᵢ / Σ wᵢ.
CASES = [
    ("mse_tanh_leaky_linear_l2", 11, 3, [(5, "tanh", None), (4, "leaky_relu", 0.1), (2, "linear", None)],
     "mse", "none", 0.05, 10, [0, 2, 3, 7]),
    ("bce_relu_sigmoid_sigmoid", 12, 4, [(6, "relu", None), (3, "sigmoid", None), (1, "sigmoid", None)],
     "bce", "none", 0.0, 9, [1, 4, 8]),
    ("ce_leaky_tanh_softmax_standard", 13, 3, [(5, "leaky_relu", None), (4, "tanh", None), (3, "softmax", None)],
     "cross_entropy", "standard", 0.01, 12, [0, 1, 5, 6, 11]),
    # Class weights alone: J must also be torch's CrossEntropyLoss(weight=...) (checked below).
    ("ce_class_weight", 14, 3, [(5, "tanh", None), (3, "softmax", None)],
     "cross_entropy", "standard", 0.02, 12, [0, 1, 2, 5, 6, 11], {"a": 3.0, "c": 0.5}, False),
    # Class and sample weights, one traced row of sample weight 0.
    ("bce_class_and_sample_weight", 15, 3, [(4, "relu", None), (1, "sigmoid", None)],
     "bce", "none", 0.0, 10, [0, 1, 3, 4, 7], {"1": 4.0}, True),
]


def num(v):
    v = float(v)
    if v == 0.0:
        v = 0.0  # never -0.0
    return repr(v)


def row(xs):
    return "[" + ", ".join(num(x) for x in xs) + "]"


def mat(m):
    return "[" + ", ".join(row(r) for r in m) + "]"


def activate(z, act, alpha):
    if act == "linear":
        return z
    if act == "tanh":
        return torch.tanh(z)
    if act == "sigmoid":
        return torch.sigmoid(z)
    if act == "relu":
        return torch.relu(z)
    if act == "leaky_relu":
        return torch.nn.functional.leaky_relu(z, alpha)
    if act == "softmax":
        return torch.softmax(z, dim=1)
    raise ValueError(act)


def make_case(name, seed, n_in, layers, loss, normalize, l2, n_rows, rows, class_weight=None, sample_weight=False):
    rng = np.random.RandomState(seed)
    feats = ["x%d" % (i + 1) for i in range(n_in)]
    X = np.round(rng.normal(size=(n_rows, n_in)) * 2 + 1, 4)
    n_out = layers[-1][0]
    if loss == "mse":
        targets = ["y%d" % (i + 1) for i in range(n_out)]
        T = np.round(rng.normal(size=(n_rows, n_out)), 4)
        Y = T
        classes = None
        cells = [[num(v) for v in r] for r in T]
    elif loss == "bce":
        targets = ["y"]
        lab = np.array([i % 2 for i in range(n_rows)])
        rng.shuffle(lab)
        classes = ["0", "1"]
        Y = lab.reshape(-1, 1).astype(float)
        cells = [[str(v)] for v in lab]
    else:
        targets = ["species"]
        classes = ["a", "b", "c"][:n_out]
        lab = np.array([i % n_out for i in range(n_rows)])
        rng.shuffle(lab)
        Y = np.eye(n_out)[lab]
        cells = [[classes[v]] for v in lab]

    # Normalisation from every training row (no validation split), as nntrain.
    if normalize == "standard":
        off, sc = X.mean(axis=0), X.std(axis=0, ddof=0)
        sc[sc == 0] = 1
        Xn = (X - off) / sc
    else:
        Xn = X

    # Starting weights: N(0, 1)·0.8, biases N(0, 1)·0.3.
    Ws, Bs, prev = [], [], n_in
    for units, _, _ in layers:
        Ws.append(np.round(rng.normal(size=(units, prev)) * 0.8, 6))
        Bs.append(np.round(rng.normal(size=units) * 0.3, 6))
        prev = units

    # Row weights wᵢ = class_weight[yᵢ] · sample_weightᵢ, a missing factor being 1.
    weighted = class_weight is not None or sample_weight
    SW = None
    if sample_weight:
        SW = np.round(rng.uniform(0.2, 3.0, size=n_rows), 3)
        SW[rows[2]] = 0.0  # a traced row that counts for nothing
    Wrow = np.ones(n_rows)
    if class_weight is not None:
        Wrow *= np.array([class_weight.get(classes[v], 1.0) for v in lab])
    if SW is not None:
        Wrow *= SW

    m = len(rows)
    x = torch.tensor(Xn[rows], requires_grad=True)
    y = torch.tensor(Y[rows])
    W = [torch.tensor(w, requires_grad=True) for w in Ws]
    B = [torch.tensor(b, requires_grad=True) for b in Bs]
    Z, A = [], []
    a = x
    for (units, act, alpha), w, b in zip(layers, W, B):
        z = a @ w.T + b
        z.retain_grad()
        a = activate(z, act, 0.01 if alpha is None else alpha)
        a.retain_grad()
        Z.append(z)
        A.append(a)
    if weighted:
        # J = Σ wᵢ ℓᵢ / Σ wᵢ, ℓᵢ row i's term of the unweighted loss times m.
        wr = torch.tensor(Wrow[rows])
        if loss == "mse":
            ell = ((a - y) ** 2).sum(dim=1) / 2
        elif loss == "bce":
            ell = -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).sum(dim=1)
        else:
            ell = -(y * torch.log(a)).sum(dim=1)
        J = (wr * ell).sum() / wr.sum()
        if loss == "cross_entropy" and not sample_weight:
            # The contract: for cross_entropy this is PyTorch's CrossEntropyLoss(weight=…).
            cw = torch.tensor([class_weight.get(c, 1.0) for c in classes])
            ref = torch.nn.CrossEntropyLoss(weight=cw)(Z[-1], torch.tensor(lab[rows]))
            assert abs(ref.item() - J.item()) <= 1e-15 * max(1.0, abs(J.item())), (ref.item(), J.item())
    elif loss == "mse":
        J = ((a - y) ** 2).sum() / (2 * m)
    elif loss == "bce":
        J = -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).sum() / m
    else:
        J = -(y * torch.log(a)).sum() / m
    J = J + l2 / (2 * m) * sum((w * w).sum() for w in W)
    J.backward()

    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "data.csv"), "w") as f:
        f.write(",".join(feats + targets + (["w"] if SW is not None else [])) + "\n")
        for i, (xr, cr) in enumerate(zip(X, cells)):
            f.write(",".join([num(v) for v in xr] + cr + ([num(SW[i])] if SW is not None else [])) + "\n")
    spec = ["# nntrain trace case %s (generated by testdata/gen/make_trace_fixture.py; PyTorch float64 reference)" % name,
            "name: " + name, "seed: %d" % seed, "data:", "  train: data.csv",
            "  target: " + (targets[0] if len(targets) == 1 else "[" + ", ".join(targets) + "]"),
            "  shuffle: false", "  normalize: " + normalize]
    if SW is not None:
        spec.append("  weight: w")
    spec += ["model:", "  init: xavier", "  layers:"]
    for units, act, alpha in layers:
        extra = "" if alpha is None else ", alpha: %s" % num(alpha)
        spec.append("    - {units: %d, activation: %s%s}" % (units, act, extra))
    spec += ["loss: " + loss, "train:", "  learning_rate: 0.1", "  epochs: 1", "  l2: %s" % num(l2)]
    if class_weight is not None:
        spec.append("  class_weight: {%s}" % ", ".join("%s: %s" % (k, num(v)) for k, v in class_weight.items()))
    spec += ["output:", "  dir: run"]
    with open(os.path.join(d, "spec.yaml"), "w") as f:
        f.write("\n".join(spec) + "\n")

    lines = ["{", ' "format": "nntrain-model/1",', ' "features": %s,' % json.dumps(feats),
             ' "targets": %s,' % json.dumps(targets)]
    if classes is not None:
        lines.append(' "classes": %s,' % json.dumps(classes))
    lines += [' "normalize": {"kind": "none"},', ' "loss": "%s",' % loss, ' "layers": [']
    prev = n_in
    for i, ((units, act, alpha), w, b) in enumerate(zip(layers, Ws, Bs)):
        al = "" if alpha is None else ', "alpha": %s' % num(alpha)
        lines.append('  {"in": %d, "out": %d, "activation": "%s"%s, "weight": %s, "bias": %s}%s'
                     % (prev, units, act, al, mat(w), row(b), "," if i < len(layers) - 1 else ""))
        prev = units
    lines += [" ]", "}"]
    with open(os.path.join(d, "init.json"), "w") as f:
        f.write("\n".join(lines) + "\n")

    g = lambda t: t.detach().numpy()
    out = ["{", ' "rows": [%s],' % ", ".join(str(r) for r in rows), ' "cost": %s,' % num(J.item()), ' "layers": [']
    for i in range(len(layers)):
        parts = [
            ('W', mat(g(W[i]))), ('B', row(g(B[i]))), ('Z', mat(g(Z[i]))), ('A', mat(g(A[i]))),
            ('dA', mat(g(A[i].grad))), ('dZ', mat(g(Z[i].grad))), ('dW', mat(g(W[i].grad))), ('dB', row(g(B[i].grad))),
        ]
        out.append("  {\n" + ",\n".join('   "%s": %s' % kv for kv in parts) + "\n  }" + ("," if i < len(layers) - 1 else ""))
    out += [" ],", ' "dX": %s' % mat(g(x.grad)), "}"]
    with open(os.path.join(d, "expected.json"), "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote", d, "J =", J.item(), "row weights", list(Wrow[rows]) if weighted else None)


def main():
    for c in CASES:
        make_case(*c)


if __name__ == "__main__":
    main()
