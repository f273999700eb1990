#!/usr/bin/python3
"""Which OpenBLAS kernel the peers run, and the OPENBLAS_CORETYPE that gives them their best.

    /usr/bin/python3 bench/blas.py        prints the choice as JSON

Debian's OpenBLAS 0.3.21 picks its kernels by CPU model; on a model it does
not know (Intel Xeon guests with AVX-512, seen here) it falls back to the
SSE3 "Prescott" kernels, some 5x slower than its AVX-512 ones. A benchmark
that leaves it so measures a crippled peer. choose() asks a child process
which core OpenBLAS detected (threadpoolctl), and when that is weaker than
what the CPU's flags allow, forces the best core that (1) OpenBLAS then
reports as loaded and (2) computes a float64 and a float32 product that agree
with a plain NumPy einsum (no BLAS) to rounding. The variable is set for the
peers' processes only, never for nntrain, the tests or CI.
"""

import json
import subprocess
import sys

PY = "/usr/bin/python3"

# OpenBLAS cores from weakest to strongest, as 0.3.21 names them in
# threadpoolctl's "architecture"; Zen runs the Haswell kernels.
RANK = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Bulldozer", "Piledriver",
        "Steamroller", "Excavator", "Sandybridge", "Haswell", "Zen", "SkylakeX", "Cooperlake",
        "SapphireRapids"]

PROBE = r"""
import json, numpy as np, torch
from threadpoolctl import threadpool_info
r = np.random.default_rng(0)
ok = True
for dt, tol in ((np.float64, 1e-12), (np.float32, 1e-4)):
    a, b = r.standard_normal((67, 301)).astype(dt), r.standard_normal((301, 45)).astype(dt)
    ref = np.einsum("ik,kj->ij", a.astype(np.float64), b.astype(np.float64))
    got = (torch.from_numpy(a) @ torch.from_numpy(b)).double().numpy()
    ok = ok and bool(np.max(np.abs(got - ref)) <= tol * np.max(np.abs(ref)))
arch = next((l.get("architecture") for l in threadpool_info() if l.get("internal_api") == "openblas"), None)
print(json.dumps({"architecture": arch, "correct": ok}))
"""


def probe(coretype=None):
    import os
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    p = subprocess.run([PY, "-c", PROBE], env=env, capture_output=True, text=True)
    if p.returncode != 0:  # an illegal instruction, say: the core does not run here
        return {"architecture": None, "correct": False, "error": p.stderr.strip()[-300:]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def candidates(flags):
    """Cores this CPU's flags allow, strongest first."""
    out = []
    if {"avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512cd"} <= flags:
        if "avx512_bf16" in flags:
            out.append("Cooperlake")
        out.append("SkylakeX")
    if {"avx2", "fma"} <= flags:
        out.append("Haswell")
    if "avx" in flags:
        out.append("Sandybridge")
    return out


def rank(arch):
    return RANK.index(arch) if arch in RANK else -1


def choose():
    """{"detected", "coretype" (None = leave OpenBLAS's own choice), "architecture", "tried"}."""
    base = probe()
    res = {"detected": base["architecture"], "coretype": None, "architecture": base["architecture"], "tried": []}
    for c in candidates(cpu_flags()):
        if rank(c) <= rank(base["architecture"]):
            break  # OpenBLAS's own pick is as good
        got = probe(c)
        res["tried"].append({"coretype": c, **got})
        if got["correct"] and got["architecture"] == c:
            res.update(coretype=c, architecture=c)
            break
    return res


if __name__ == "__main__":
    print(json.dumps(choose()))
