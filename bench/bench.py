#!/usr/bin/python3
"""nntrain beside PyTorch and scikit-learn: throughput, end to end, results.

    /usr/bin/python3 bench/bench.py [throughput|e2e|results|all]... [--runs 3]

Run it through bench/run.sh, which builds nntrain and makes the data first.
Each part prints a Markdown table on stdout; the raw JSON of every run is
appended to bench/out/raw.jsonl.

- throughput: the loop alone, data in memory, float64, plain sgd (momentum 0,
  no l2), same net, batch and epochs in all three tools (bench/specs/).
  samples/s = rows x epochs / training seconds, median of --runs runs,
  for each setting tried (nntrain workers, torch threads, BLAS threads);
  the ratio compares nntrain's best with each peer's best.
- e2e: a whole Fashion-MNIST run from the CSVs (load, train, score the
  test rows), wall time and peak memory from /usr/bin/time -v.
- results: each configs/*.yaml job trained on the same rows by the three
  tools, the held-out test metric beside the training time. iris, digits and
  wave have no test file, so a fixed split (20 %, stratified for classes,
  random_state 0) is written to bench/out/splits/ and given to every tool.
  validation_split is set to 0 (and early stopping off) so all three train
  on exactly those rows for the spec's full number of epochs.

Peers run at their real best. bench/blas.py asks which core OpenBLAS picked
(threadpoolctl) and, when it fell back to a weaker one than the CPU runs
(Debian's 0.3.21 picks SSE3 "Prescott" on CPUs it does not know), sets
OPENBLAS_CORETYPE to the best core that loads and computes correctly, for
the peers' processes only (never for nntrain). Any OPENBLAS_CORETYPE /
OPENBLAS_L2_SIZE of the machine is removed for the peers first. Every peer
row says which OpenBLAS core it ran (its own threadpoolctl report).

The throughput part also runs PyTorch's minimal loop (contiguous per-epoch
permutation, batches as views, zero_grad/forward/loss/backward/step only)
and both PyTorch loops in float32, its default dtype, beside nntrain with
train.precision float32. Each ratio compares tools at the same precision:
nntrain's best float64 setting with each float64 peer, its best float32
setting with each float32 peer.
"""

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
PY = "/usr/bin/python3"
PEER = os.path.join(ROOT, "bench", "peer.py")
UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
PEER_ENV = {}  # set once in main() from bench/blas.py: what the peers run with

# Settings tried for each tool; the fastest is quoted.
NNTRAIN_WORKERS = (1, 2)
TORCH_THREADS = (  # (label, torch.set_num_threads, extra environment)
    ("1 thread", 1, {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}),
    ("2 threads, OMP_WAIT_POLICY=PASSIVE", 2,
     {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "OMP_WAIT_POLICY": "PASSIVE"}),
    # OpenMP's default spin-waiting: fastest on an idle machine, but when other
    # processes hold the cores the spinning threads starve each other (a 3 s
    # digits run took 139 s at load 15), so it is tried only with --spin.
    ("2 threads", 2, {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}),
)
SKLEARN_THREADS = (
    ("BLAS 1 thread", {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}),
    ("BLAS 2 threads", {"OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"}),
)

THROUGHPUT_JOBS = (
    ("digits 64-32-10, batch 32", "bench/specs/throughput-digits.yaml"),
    ("Fashion-MNIST 784-256-128-10, batch 128", "bench/specs/throughput-fashion.yaml"),
)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def record(part, obj):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "raw.jsonl"), "a") as f:
        f.write(json.dumps({"part": part, "time": time.strftime("%Y-%m-%dT%H:%M:%S"), **obj}) + "\n")


def shell(env_extra, argv):
    """The command as a person would type it, for the tables."""
    pre = []
    if argv[0] == PY:
        pre = ["env"] + [f"-u {v}" for v in UNSET] + [f"{k}={v}" for k, v in PEER_ENV.items()]
    pre += [f"{k}={v}" for k, v in env_extra.items()]
    rel = [a.replace(ROOT + "/", "") for a in argv]
    return " ".join(pre + [shlex.quote(a) for a in rel])


def run(argv, env_extra=None, timed=False):
    """Runs argv from the repo root; returns (stdout, wall seconds, peak RSS MiB or None)."""
    env = dict(os.environ)
    if argv[0] == PY:
        for v in UNSET:
            env.pop(v, None)
        env.update(PEER_ENV)
    env.update(env_extra or {})
    if timed:
        argv = ["/usr/bin/time", "-v"] + argv
    t0 = time.perf_counter()
    p = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    rss = None
    if timed:
        for line in p.stderr.splitlines():
            if "Maximum resident set size" in line:
                rss = int(line.split(":")[1]) / 1024
    return p.stdout, wall, rss


def last_json(out):
    return json.loads(out.strip().splitlines()[-1])


def nntrain_cmd(nntrain, spec, sets):
    argv = [nntrain, "train", "--config", os.path.join(ROOT, spec), "--quiet", "--json",
            "--out", os.path.join(OUT, "runs", os.path.basename(spec).rsplit(".", 1)[0])]
    for s in sets:
        argv += ["--set", s]
    return argv


def peer_cmd(tool, spec, sets, threads=0, repeat=1, dtype="float64", loop="plain"):
    argv = [PY, PEER, "--tool", tool, "--config", os.path.join(ROOT, spec), "--repeat", str(repeat)]
    if dtype != "float64":
        argv += ["--dtype", dtype]
    if loop != "plain":
        argv += ["--loop", loop]
    if threads:
        argv += ["--threads", str(threads)]
    for s in sets:
        argv += ["--set", s]
    return argv


def metric_of(metrics):
    """The test metric of an nntrain metrics object: accuracy or r2."""
    t = metrics["test"]
    return ("accuracy", t["accuracy"]) if "accuracy" in t else ("r2", t["r2"])


def fmt_rate(x):
    return f"{x:,.0f}"


# ---------------------------------------------------------------- throughput

def throughput(args):
    print("## Throughput: the training loop alone, data in memory (float64 and float32, plain sgd)\n")
    cache = os.path.join(OUT, "cache")
    for title, spec in THROUGHPUT_JOBS:
        if args.only and not any(o in spec for o in args.only.split(",")):
            continue
        # Every setting of every tool, as (tool, label, env, argv); each run is its
        # own process and the runs are interleaved (1st of each, 2nd of each, ...)
        # so that load from elsewhere on the machine falls on all tools alike.
        settings = [("nntrain", f"workers {w}", {}, nntrain_cmd(args.nntrain, spec, [f"train.workers={w}"]))
                    for w in NNTRAIN_WORKERS]
        settings += [("nntrain float32", f"workers {w}", {},
                      nntrain_cmd(args.nntrain, spec, [f"train.workers={w}", "train.precision=float32"]))
                     for w in NNTRAIN_WORKERS]
        for dtype in ("float64", "float32"):
            for loop in ("plain", "minimal"):
                tool = "PyTorch" if dtype == "float64" else "PyTorch float32"
                settings += [(tool, f"{loop} loop, {label}", env,
                              peer_cmd("torch", spec, [], threads=th, dtype=dtype, loop=loop) + ["--cache", cache])
                             for label, th, env in TORCH_THREADS[:3 if args.spin else 2]]
        settings += [("scikit-learn", label, env, peer_cmd("sklearn", spec, []) + ["--cache", cache])
                     for label, env in SKLEARN_THREADS]
        secs = {i: [] for i in range(len(settings))}
        kern = {}  # setting -> the OpenBLAS core the peer reported, or nntrain's kernel
        n_rows = epochs = None
        loads = []
        for r in range(args.runs):
            for i, (tool, label, env, argv) in enumerate(settings):
                out, _, _ = run(argv, env)
                js = last_json(out)
                if tool.startswith("nntrain"):
                    t = js["seconds"]
                    n_rows, epochs = js["metrics"]["train"]["rows"], js["epochs"]
                    kern[i] = f"nntrain {js.get('kernel', '?')}"
                else:
                    t = js["train_seconds"][0]
                    b = js.get("blas") or {}
                    kern[i] = f"{b.get('internal_api', '?')} {b.get('version', '')} {b.get('architecture', '?')}"
                record("throughput", {"job": spec, "tool": tool, "setting": label, "run": r + 1, "seconds": t})
                log(f"{spec} run {r + 1} {tool} {label}: {t:.3f}s")
                secs[i].append(t)
            loads.append(os.getloadavg()[0])
        rows = []  # (tool, setting, median seconds, samples/s, command)
        for i, (tool, label, env, argv) in enumerate(settings):
            med = statistics.median(secs[i])
            rows.append((tool, label, med, n_rows * epochs / med, shell(env, argv), secs[i], kern.get(i, "?")))
        best = {}
        for r in rows:
            if r[0] not in best or r[3] > best[r[0]][3]:
                best[r[0]] = r
        def nn_of(tool):  # nntrain's best at the tool's precision
            return best["nntrain float32" if "float32" in tool else "nntrain"][3]
        if "fashion" in spec:
            # The end-to-end and Fashion-MNIST results runs use each tool's fastest setting.
            args.workers = int(best["nntrain"][1].split()[-1])
            args.torch_setting = [t[0] for t in TORCH_THREADS].index(best["PyTorch"][1].split(", ", 1)[1])
            args.sklearn_setting = [t[0] for t in SKLEARN_THREADS].index(best["scikit-learn"][1])
        print(f"### {title}: {n_rows} rows x {epochs} epochs, median of {args.runs} interleaved runs "
              f"(1-min load after each round: {', '.join(f'{l:.1f}' for l in loads)})\n")
        print("| tool | setting | kernel | train s (runs) | samples/s (median) | nntrain best at this precision ÷ this |")
        print("| --- | --- | --- | ---: | ---: | ---: |")
        for r in rows:
            mark = " **(best)**" if best[r[0]] is r else ""
            runs = ", ".join(f"{t:.2f}" for t in r[5])
            print(f"| {r[0]} | {r[1]}{mark} | {r[6]} | {r[2]:.3f} ({runs}) | {fmt_rate(r[3])} | {nn_of(r[0]) / r[3]:.2f}× |")
        print("\nCommands (peers read the same spec; `--cache` keeps the parsed arrays between runs, "
              "which the loop time does not include anyway):\n")
        for r in rows:
            print(f"- {r[0]}, {r[1]}: `{r[4]}`")
        print()


# ---------------------------------------------------------------------- e2e

E2E_SPEC = "bench/specs/throughput-fashion.yaml"
E2E_SETS = ["data.test=" + os.path.join(ROOT, "data", "fashion-mnist", "test.csv")]


def e2e(args):
    print("## End to end: Fashion-MNIST from the CSVs (load, train, score the test rows)\n")
    jobs = [("nntrain", f"workers {args.workers}", {},
             nntrain_cmd(args.nntrain, E2E_SPEC, E2E_SETS + [f"train.workers={args.workers}"])),
            ("nntrain float32", f"workers {args.workers}", {},
             nntrain_cmd(args.nntrain, E2E_SPEC, E2E_SETS + [f"train.workers={args.workers}", "train.precision=float32"]))]
    tl, th, tenv = TORCH_THREADS[args.torch_setting]
    jobs.append(("PyTorch", tl, tenv, peer_cmd("torch", E2E_SPEC, E2E_SETS, threads=th)))
    jobs.append(("PyTorch float32", tl, tenv, peer_cmd("torch", E2E_SPEC, E2E_SETS, threads=th, dtype="float32")))
    sl, senv = SKLEARN_THREADS[args.sklearn_setting]
    jobs.append(("scikit-learn", sl, senv, peer_cmd("sklearn", E2E_SPEC, E2E_SETS)))
    res = {i: {"wall": [], "rss": [], "train": [], "load": [], "acc": None} for i in range(len(jobs))}
    loads = []
    for r in range(args.runs):  # interleaved, as in throughput
        for i, (tool, label, env, argv) in enumerate(jobs):
            out, wall, peak = run(argv, env, timed=True)
            js = last_json(out)
            d = res[i]
            d["wall"].append(wall)
            d["rss"].append(peak)
            if tool.startswith("nntrain"):
                d["train"].append(js["seconds"])
                d["acc"] = js["metrics"]["test"]["accuracy"]
            else:
                d["train"].append(js["train_seconds"][0])
                d["load"].append(js["load_seconds"])
                d["acc"] = js["test"][0]["accuracy"]
            record("e2e", {"tool": tool, "setting": label, "run": r + 1, "wall": wall, "peak_rss_mib": peak, "out": js})
            log(f"e2e run {r + 1} {tool}: wall {wall:.2f}s rss {peak:.0f} MiB")
        loads.append(os.getloadavg()[0])
    rows = []
    for i, (tool, label, env, argv) in enumerate(jobs):
        d = res[i]
        rows.append((tool, label, statistics.median(d["wall"]), statistics.median(d["train"]),
                     statistics.median(d["load"]) if d["load"] else None, max(d["rss"]), d["acc"],
                     shell(env, argv), d["wall"]))
    nn = rows[0][2]
    print(f"60000 training rows, 10000 test rows, the throughput job (plain sgd, 2 epochs); median of {args.runs} "
          f"interleaved runs, peak memory the largest (1-min load after each round: {', '.join(f'{l:.1f}' for l in loads)}).\n")
    print("| tool | setting | wall s (runs) | of which train loop s | CSV load + normalise s | peak RSS MiB | test accuracy | wall ÷ nntrain wall |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        load = f"{r[4]:.2f}" if r[4] is not None else "–"
        runs = ", ".join(f"{t:.1f}" for t in r[8])
        print(f"| {r[0]} | {r[1]} | {r[2]:.2f} ({runs}) | {r[3]:.2f} | {load} | {r[5]:.0f} | {r[6]:.4f} | {r[2] / nn:.2f}× |")
    print("\nWall time includes interpreter start and imports for the peers, and writing the run folder "
          "(model.json, cost.csv, cost.png, metrics.json) for nntrain. Commands (each under `/usr/bin/time -v`):\n")
    for r in rows:
        print(f"- {r[0]}: `{r[7]}`")
    print()


# ------------------------------------------------------------------ results

RESULT_JOBS = (
    ("iris", "configs/iris.yaml", True),
    ("digits", "configs/digits.yaml", True),
    ("wave", "configs/wave.yaml", False),
    ("Fashion-MNIST", "configs/fashion-mnist.yaml", None),  # has its own test file
)


def make_splits():
    """Fixed 80/20 splits (stratified for class targets) of the bundled data sets."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    d = os.path.join(OUT, "splits")
    os.makedirs(d, exist_ok=True)
    for name, target, stratify in (("iris", "species", True), ("digits", "digit", True), ("wave", "y", False)):
        src = os.path.join(ROOT, "data", name + ".csv")
        with open(src) as f:
            lines = f.read().splitlines()
        header, body = lines[0], lines[1:]
        ti = header.split(",").index(target)
        labels = [l.split(",")[ti] for l in body]
        tr, te = train_test_split(np.arange(len(body)), test_size=0.2, random_state=0,
                                  stratify=labels if stratify else None)
        for part, idx in (("train", tr), ("test", te)):
            with open(os.path.join(d, f"{name}-{part}.csv"), "w") as f:
                f.write("\n".join([header] + [body[i] for i in sorted(idx)]) + "\n")
    return d


def results(args):
    splits = make_splits()
    cache = os.path.join(OUT, "cache")
    print("## Results: test metric and training time, same job in each tool\n")
    print("| data | spec | rows train/test | tool | test metric | train s | wall s | peak RSS MiB |")
    print("| --- | --- | --- | --- | ---: | ---: | ---: | ---: |")
    cmds = []
    for name, spec, has_split in RESULT_JOBS:
        if args.only and not any(o in spec for o in args.only.split(",")):
            continue
        sets = ["data.validation_split=0", "train.early_stopping=null"]
        if has_split is not None:
            key = name.lower()
            sets += [f"data.train={os.path.join(splits, key + '-train.csv')}",
                     f"data.test={os.path.join(splits, key + '-test.csv')}"]
        runs = 1 if name == "Fashion-MNIST" else args.runs
        big = name == "Fashion-MNIST"
        tl, th, tenv = TORCH_THREADS[args.torch_setting] if big else TORCH_THREADS[0]
        sl, senv = SKLEARN_THREADS[args.sklearn_setting] if big else SKLEARN_THREADS[0]
        w = args.workers if big else 1
        jobs = [("nntrain", f"workers {w}", {}, nntrain_cmd(args.nntrain, spec, sets + [f"train.workers={w}"])),
                ("PyTorch", tl, tenv, peer_cmd("torch", spec, sets, threads=th, repeat=runs) + ["--cache", cache]),
                ("scikit-learn", sl, senv, peer_cmd("sklearn", spec, sets, repeat=runs) + ["--cache", cache])]
        for tool, label, env, argv in jobs:
            if tool == "nntrain":
                secs, walls, rss = [], [], []
                for r in range(runs):
                    out, wall, peak = run(argv, env, timed=True)
                    js = last_json(out)
                    secs.append(js["seconds"])
                    walls.append(wall)
                    rss.append(peak)
                mname, mval = metric_of(js["metrics"])
                rows_s = f"{js['metrics']['train']['rows']}/{js['metrics']['test']['rows']}"
                wall, peak = statistics.median(walls), max(rss)
            else:
                out, wall, peak = run(argv, env, timed=True)
                js = last_json(out)
                secs = js["train_seconds"]
                mname, mval = next(iter(js["test"][0].items()))
                wall = None  # one process ran all repeats
            record("results", {"job": spec, "tool": tool, "setting": label, "seconds": secs, mname: mval,
                               "peak_rss_mib": peak})
            log(f"results {name} {tool}: {mname} {mval:.4f} train {secs}")
            w_s = f"{wall:.2f}" if wall is not None else "–"
            print(f"| {name} | `{spec}` | {rows_s} | {tool} ({label}) | {mname} {mval:.4f} | "
                  f"{statistics.median(secs):.3f} | {w_s} | {peak:.0f} |")
            cmds.append((name, tool, shell(env, argv)))
    print("\ntrain s: the training loop, median of the runs (Fashion-MNIST: one run); the metric is the run "
          "seeded with the spec's seed. Peers' wall time is not shown because one process ran all repeats; "
          "their peak memory is with the arrays read from bench/out/cache rather than parsed from CSV "
          "(see the end-to-end table for that).\n")
    print("Commands:\n")
    for name, tool, c in cmds:
        print(f"- {name}, {tool}: `{c}`")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("parts", nargs="*", default=["all"])
    ap.add_argument("--runs", type=int, default=3, help="runs per setting; the median is quoted")
    ap.add_argument("--nntrain", default=os.path.join(OUT, "nntrain"))
    # Settings for e2e and the Fashion-MNIST results; a throughput run in the
    # same invocation replaces them by the fastest it measured.
    ap.add_argument("--workers", type=int, default=2, help="nntrain workers for e2e and Fashion-MNIST results")
    ap.add_argument("--torch-setting", type=int, default=0,
                    help="index into TORCH_THREADS for e2e and Fashion-MNIST results")
    ap.add_argument("--sklearn-setting", type=int, default=0,
                    help="index into SKLEARN_THREADS for e2e and Fashion-MNIST results")
    ap.add_argument("--spin", action="store_true",
                    help="also try torch with 2 threads and OpenMP's default spin-waiting (only on an idle machine)")
    ap.add_argument("--only", default="", help="comma-separated job names (e.g. digits,iris) to run alone")
    args = ap.parse_args()
    parts = ["throughput", "e2e", "results"] if "all" in args.parts else args.parts
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import blas
    choice = blas.choose()
    if choice["coretype"]:
        PEER_ENV["OPENBLAS_CORETYPE"] = choice["coretype"]
    tried = "; ".join(f"{t['coretype']}: {'ok' if t['correct'] and t['architecture'] == t['coretype'] else 'rejected'}"
                      for t in choice["tried"]) or "none needed"
    print(f"OpenBLAS detected core: {choice['detected']}; peers run with "
          f"{'OPENBLAS_CORETYPE=' + choice['coretype'] if choice['coretype'] else 'its own choice'} "
          f"(core {choice['architecture']}; forced cores tried: {tried}).\n")
    record("blas", choice)
    for p in parts:
        {"throughput": throughput, "e2e": e2e, "results": results}[p](args)


if __name__ == "__main__":
    main()
