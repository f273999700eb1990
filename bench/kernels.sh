#!/usr/bin/env bash
# The kernels' speed against the FMA peak of the widest vector unit this CPU
# runs, as a Markdown table (issue 13's kernel goal: >= 70% of the peak on 1
# worker, >= 60% on 2, at the three large products of the Fashion-MNIST net).
#
#	bench/kernels.sh [--count N] [--benchtime D]    (defaults 3 and 300ms)
#
# Runs BenchmarkMul, BenchmarkMul32, BenchmarkPeakFMA and BenchmarkPeakFMA32
# (which skip the kernels this CPU cannot run) N times, takes the best of each,
# and prints the table with bench/kernels.py; the raw output is kept in
# bench/out/kernels.txt. Exits 1 when the widest kernel misses the goal.
# Products and peaks are measured in the same go test run; a busy machine
# lowers both, so run it when nothing else is.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
count=3
benchtime=300ms
while [[ $# -gt 0 ]]; do
	case $1 in
	--count) count=$2; shift ;;
	--benchtime) benchtime=$2; shift ;;
	*) echo "usage: $0 [--count N] [--benchtime D]" >&2; exit 2 ;;
	esac
	shift
done
mkdir -p bench/out

echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git rev-parse --short HEAD), load before $(cut -d' ' -f1-3 /proc/loadavg):"
echo
echo '```'
lscpu | grep -E 'Model name|^CPU\(s\)|L1d|L2' | cut -c1-100
echo "vector: $(grep -m1 -ow -E 'avx2|fma' /proc/cpuinfo | sort -u | tr '\n' ' ')$(grep -m1 -o -w -E 'avx512[a-z]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo '```'
echo
go test -run '^$' -bench 'Mul32$|Mul$|PeakFMA' -benchtime "$benchtime" -count "$count" ./internal/network/ |
	tee bench/out/kernels.txt | python3 bench/kernels.py
