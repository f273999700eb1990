#!/usr/bin/python3
"""Generate the PyTorch float32 reference training runs in testdata/fixtures32/.

The cases of `train.precision: float32` (CONTRACT.md, "Precision"): the same
layout as testdata/fixtures/ (spec.yaml, init.json, data.csv, expected.json,
masks.json for dropout), the same synthetic data and training loop, imported
from make_fixtures.py, but with every tensor torch.float32: the parameters, the
inputs, targets and row weights, and so torch.optim's state. Each run happens
under torch.set_default_dtype(torch.float32), as a PyTorch user's default
float32 run does; the starting weights are PyTorch's default nn.Linear
initialisation drawn in float32 under torch.manual_seed(seed).

Run with Debian's interpreter (python3-torch 1.13, python3-numpy):

    /usr/bin/python3 testdata/gen/make_fixtures32.py            # writes testdata/fixtures32/<case>/
    /usr/bin/python3 testdata/gen/make_fixtures32.py --out DIR  # writes DIR/<case>/ instead

What differs from the float64 cases:
- spec.yaml has `precision: float32` under `train:`;
- init.json and expected.json's "final" carry `"precision": "float32"` after
  "format", and their weights are float32 values written with repr(float(v)), so
  they are exact (a float32 reads back from them unchanged);
- train_loss is Σ m_b·J_b / Σ m_b of the float32 batch costs J_b (summed as
  Python floats, as `total += m * J.item()` does), rounded to float32;
- "tolerance" is 1e-5, the contract's float32 promise;
- the float32 inputs are float32((x − offset)/scale), the normalisation done in
  float64 as make_fixtures.py does; "final.normalize" holds the float64 statistics.

Conditioning check: every case is also trained in float64 from the same
float32-valued starting weights, inputs, targets and weights, and every weight,
bias and train_loss of the float32 run must be within 1e-6·max(1, |float64|) of
the float64 run's (and clipping must scale the same steps). The float32 result
is then within a tenth of the 1e-5 tolerance of the exact computation, so any
correct float32 implementation, summing in another order, passes at 1e-5. The
script prints the worst figure of each case and stops when one exceeds 1e-6.
"""

import argparse
import contextlib
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_fixtures as mf  # noqa: E402  (the data, the loop, the writers)

DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "fixtures32"))
TOLERANCE = 1e-5
CONDITION = 1e-6  # |float32 − float64| / max(1, |float64|) allowed by the conditioning check
SOURCE = "testdata/gen/make_fixtures32.py; PyTorch float32 reference"


def base(name, **train):
    """A float64 case of make_fixtures.py by name, with train keys overridden and
    train.precision float32."""
    found = [c for c in mf.CASES if c["name"] == name]
    if len(found) != 1:
        raise KeyError(name)
    c = dict(found[0])
    c["train"] = dict(c["train"], precision="float32", **train)
    return c


def renamed(c, name, note):
    c = dict(c, name=name)
    c["note"] = note
    return c


# The float64 cases taken over, each named as there. Where a float64 case is
# ill-conditioned for float32 (its float32 and float64 runs differ by more than
# 1e-6), the override says what was changed to bring it under.
CASES = [
    base("mse_tanh_momentum09_batch12"),
    base("mse_sigmoid_momentum05_batch10"),
    base("mse_leaky_default_sgd_full"),
    base("ce_leaky02_adam_batch10"),
    base("mse_linear_hidden_sgd_batch8"),
    base("mse_l2_sgd_batch13"),
    base("ce_l2_adam_batch9"),
    base("ce_deep4_adam_batch16"),
    base("mse_two_targets_sgd_batch10"),
    base("bce_no_yes_first_momentum_batch10"),
    base("ce_standard_adam_batch16"),
    base("mse_minmax_sgd_batch10"),
    base("mse_adam_full"),
    base("ce_momentum_default_full"),
    base("ce_class_weight_balanced_l2_sgd_batch10"),
    base("bce_sample_weight_sgd_batch7"),
    base("bce_multilabel_adam_batch10"),
    base("mse_nesterov_tanh_batch10"),
    base("ce_nesterov_default_batch12"),
    # AdamW's decay w ·= 1 − lr·λ multiplies by the float32 rounding of 1 − lr·λ every step
    # (PyTorch casts the scalar to the tensor's type), an error that compounds step by step:
    # at 30 epochs (150 steps) float32 is 2.9e-6 from float64, at 10 (50 steps) 8.5e-7.
    base("ce_adamw_default_batch10", epochs=10),
    base("mse_adamw_wd_betas_batch8", epochs=12),  # 30 epochs: 1.7e-6; 15: 9.2e-7; 12: 7.2e-7
    base("mse_rmsprop_default_batch10"),
    base("bce_rmsprop_alpha09_batch8"),
    base("ce_clip_sgd_batch10"),
    base("ce_cosine_tmax8_adam_batch10"),
    base("mse_step_gamma03_nesterov_batch10"),
    base("mse_dropout_tanh_sgd_batch10"),
    base("ce_dropout2_adam_batch12"),
    base("ce_wide_relu_adam_batch27"),
    base("tab_median_tie_standard_ce_adam_batch10"),
    base("tab_missing_texts_semicolon_bce_sgd_batch10"),
    base("tab_own_category_zero_minmax_mse_momentum_batch8"),
    base("ce_sample_and_class_weight_sgd_batch10"),
    base("mse_sample_weight_momentum_batch9"),
    renamed(base("mse_two_targets_sgd_batch10", epochs=80), "mse_two_targets_sgd_batch10_80epochs",
            "the float64 case's data and net, 80 epochs (400 steps)"),
]


@contextlib.contextmanager
def default_dtype(dt):
    old = torch.get_default_dtype()
    torch.set_default_dtype(dt)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


def f32(a):
    """An array's values rounded to float32, held as float64 (exact)."""
    return None if a is None else np.asarray(a, dtype=np.float32).astype(np.float64)


def run(c, init_layers, X, Y, W, cw, masks, dtype):
    stats = {}
    with default_dtype(dtype):
        final, losses, lrs = mf.train(init_layers, c["layers"], c["loss"], c["train"], X, Y, W, cw, masks, stats,
                                      dtype=dtype)
    return final, losses, lrs, stats


def worst_gap(final32, losses32, final64, losses64):
    """The largest |float32 − float64| / max(1, |float64|) and where it is."""
    worst, where = 0.0, ""
    for l, ((W32, B32), (W64, B64)) in enumerate(zip(final32, final64)):
        for what, a, b in (("weight", W32, W64), ("bias", B32, B64)):
            a, b = np.ravel(a), np.ravel(b)
            d = np.abs(a - b) / np.maximum(1.0, np.abs(b))
            k = int(np.argmax(d))
            if d[k] > worst:
                worst, where = float(d[k]), "layers[%d].%s" % (l, what)
    for k, (a, b) in enumerate(zip(losses32, losses64)):
        d = abs(a - b) / max(1.0, abs(b))
        if d > worst:
            worst, where = d, "train_loss[%d]" % k
    return worst, where


def with_precision(m):
    """model.json with "precision": "float32" after "format"."""
    out = {"format": m["format"], "precision": "float32"}
    out.update((k, v) for k, v in m.items() if k != "format")
    return out


class IllConditioned(Exception):
    pass


def make_case(c, out):
    data, features, targets, classes, norm, X, Y, W, cw, columns, tab = mf.prepare(c)
    layers = c["layers"]
    sizes = [len(features)] + [L_["units"] for L_ in layers]
    with default_dtype(torch.float32):
        params = mf.default_init(c["seed"], sizes)
    init = mf.model_json(features, targets, classes, norm, c["loss"], layers, params, tab, columns)
    X, Y, W, cw = f32(X), f32(Y), f32(W), f32(cw)
    masks = mf.dropout_masks(c, layers, X.shape[0])

    final, losses, lrs, stats = run(c, init["layers"], X, Y, W, cw, masks, torch.float32)
    mf.check_case(c, stats, lrs, losses)
    for v in losses + [x for W_, B_ in final for x in np.ravel(W_).tolist() + B_]:
        if not np.isfinite(v):
            sys.exit("case %s: non-finite result" % c["name"])
    for W_, B_ in final:
        if not np.array_equal(f32(W_), np.array(W_)) or not np.array_equal(f32(B_), np.array(B_)):
            sys.exit("case %s: a final weight is not a float32 value" % c["name"])

    final64, losses64, lrs64, stats64 = run(c, init["layers"], X, Y, W, cw, masks, torch.float64)
    if lrs64 != lrs or stats64 != stats:
        sys.exit("case %s: float64 took other decisions (lr %s vs %s, clipping %s vs %s)"
                 % (c["name"], lrs64, lrs, stats64, stats))
    gap, where = worst_gap(final, losses, final64, losses64)
    if gap > CONDITION:
        raise IllConditioned("case %s: ill-conditioned for float32, |f32 - f64| reaches %.3g at %s (> %g)"
                             % (c["name"], gap, where, CONDITION))

    expected = {"final": with_precision(mf.model_json(features, targets, classes, norm, c["loss"], layers, final,
                                                      tab, columns)),
                "train_loss": [float(np.float32(v)) for v in losses], "tolerance": TOLERANCE}
    if "schedule" in c["train"]:
        expected["lr"] = lrs
    folder = os.path.join(out, c["name"])
    os.makedirs(folder, exist_ok=True)
    mf.write(os.path.join(folder, "spec.yaml"), mf.spec_yaml(c, SOURCE))
    mf.write(os.path.join(folder, "data.csv"), data)
    mf.write(os.path.join(folder, "init.json"), mf.dump_json(with_precision(init)))
    mf.write(os.path.join(folder, "expected.json"), mf.dump_json(expected))
    mask_path = os.path.join(folder, "masks.json")
    if masks:
        mf.write(mask_path, mf.dump_json({"p": [L_.get("dropout", 0.0) for L_ in layers], "masks": masks}))
    elif os.path.exists(mask_path):
        os.remove(mask_path)
    return gap, where, losses


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="folder for the case folders (default testdata/fixtures32)")
    ap.add_argument("--keep-going", action="store_true",
                    help="report every ill-conditioned case (writing none of them) before failing")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    names, worst, failed = set(), 0.0, []
    for c in CASES:
        assert c["name"] not in names, c["name"]
        names.add(c["name"])
        try:
            gap, where, losses = make_case(c, args.out)
        except IllConditioned as e:
            if not args.keep_going:
                sys.exit(str(e))
            print(e)
            failed.append(c["name"])
            continue
        worst = max(worst, gap)
        print("case %-40s loss %.4f -> %.4f  |f32-f64| worst %.3g (%.2f of %g) at %s"
              % (c["name"], losses[0], losses[-1], gap, gap / CONDITION, CONDITION, where))
    if failed:
        sys.exit("%d ill-conditioned cases: %s" % (len(failed), " ".join(failed)))
    print("%d cases; worst |f32-f64|/max(1,|f64|) over all: %.3g" % (len(CASES), worst))


if __name__ == "__main__":
    main()
