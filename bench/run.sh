#!/usr/bin/env bash
# nntrain beside PyTorch and scikit-learn (issues 4 and 5).
#
#   bench/run.sh [throughput|e2e|results|all]... [--runs N] [bench.py options]
#
# Builds nntrain into bench/out/, makes the Fashion-MNIST CSVs when missing,
# prints the machine and its load, then runs bench/bench.py, which prints
# Markdown tables on stdout (progress on stderr; raw JSON in bench/out/raw.jsonl).
# Needs Debian's python3-torch, python3-sklearn, python3-yaml and time.
# The machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed only in the
# peers' own commands (env -u), never here.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p bench/out

missing=()
for pkg in python3-torch python3-sklearn python3-yaml time; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
	sudo=
	[[ $(id -u) -ne 0 ]] && sudo=sudo
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
fi

go build -o bench/out/nntrain ./cmd/nntrain
scripts/fashion-mnist.sh >&2

echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- cmd internal || echo ' (with uncommitted changes in cmd/ or internal/)')."
echo
echo '```'
lscpu | head -20 | grep -E 'Model name|^CPU\(s\)|Thread|Core|L1d|L2|L3|Flags' | cut -c1-120
echo "go: $(go env GOVERSION); python: $(/usr/bin/python3 -c 'import sys, numpy, torch, sklearn; print(sys.version.split()[0], "numpy", numpy.__version__, "torch", torch.__version__, "sklearn", sklearn.__version__)')"
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-<unset>} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-<unset>} (removed for the peers only)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo '```'
echo
/usr/bin/python3 bench/bench.py "$@"
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg)."
