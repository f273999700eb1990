#!/usr/bin/env bash
# Predicts, with LLVM's static machine-code analyser (llvm-mca), how close the
# main loop of each micro-kernel comes to its CPU's FMA peak, on CPUs this
# machine may not have. It is a model, not a measurement: llvm-mca assumes
# every load hits L1 and knows nothing of packing, edges, the pool or the
# clock, so a figure here is an upper bound of the inner loop alone. The
# benchmarks (BenchmarkMul, BenchmarkMul32 and BenchmarkPeakFMA) measure; this
# script says whether the loop itself is scheduled to reach the peak, which is
# all one can learn of the AVX-512 kernels without an AVX-512 machine.
#
#	scripts/kernel-mca.sh [CPU ...]    (default: the CPUs below)
#
# For each kernel it disassembles the built test binary, takes the loop closed
# by the function's longest backward branch (the unrolled k loop), and runs it
# through llvm-mca for each CPU, beside the loop of the peak function of the
# same width (peakFMA, peakFMA32, peakFMA512, peakFMA512_32: independent FMAs
# only). The predicted share of peak is the kernel's FMAs per cycle over the
# peak loop's, the same ratio BenchmarkMul reports against BenchmarkPeakFMA.
# "bound" is llvm-mca's port-pressure bound of the same ratio (Block
# RThroughput), what the loop would reach if the scheduler were perfect.
#
# Read the models with care. LLVM 19's skylake-avx512 and cascadelake charge
# every zmm load and broadcast an extra p015 uop, which is the whole of the
# 92% those rows print (measured tables such as uops.info's give those loads
# as one load-port uop on these cores, as far as this author recalls; not
# checked from here); its icelake-server and sapphirerapids models have one
# 512-bit FMA unit, so they print 1 FMA a cycle for kernel and peak alike;
# its znver4 model puts each zmm broadcast on an FMA pipe (67%).
#
# Needs objdump (binutils) and llvm-mca (Debian's llvm-19), installed when
# missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cpus=("$@")
if [[ ${#cpus[@]} -eq 0 ]]; then
	cpus=(znver3 znver4 skylake skylake-avx512 cascadelake icelake-server sapphirerapids)
fi

# The newest llvm-mca installed: LLVM 14's scheduling models are older (no
# znver4, and a znver3 model of one FMA a cycle), so Debian's llvm-19 is
# installed when missing.
mca=$(compgen -c llvm-mca- | sort -t- -k3 -n | tail -1 || true)
need=()
command -v objdump >/dev/null || need+=(binutils)
[[ -n $mca ]] || need+=(llvm-19)
if [[ ${#need[@]} -gt 0 ]]; then
	apt-get install -y -qq "${need[@]}" >/dev/null
	mca=$(compgen -c llvm-mca- | sort -t- -k3 -n | tail -1)
fi
echo "$($mca --version | grep -m1 -o 'LLVM version [0-9.]*'), $mca" >&2

work=$(mktemp -d)
trap '[[ -n ${KEEP_MCA:-} ]] || rm -rf "$work"' EXIT
bin=$work/network.test
(cd "$root" && go test -c -o "$bin" ./internal/network)
pkg=github.com/nntrain/nntrain/internal/network

# loop SYMBOL writes the instructions of SYMBOL's longest backward-branch loop,
# without the branch, to stdout.
loop() {
	objdump -d --no-show-raw-insn --disassemble="$pkg.$1.abi0" "$bin" |
		awk '
		function hex(s,   i, v) {
			v = 0
			for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		/^ +[0-9a-f]+:\t/ {
			addr = hex(substr($1, 1, length($1) - 1))
			n++; at[n] = addr
			line = $0; sub(/^ +[0-9a-f]+:\t/, "", line); ins[n] = line
			if ($2 ~ /^j/ && $2 != "jmp" && $3 ~ /^[0-9a-f]+$/) {
				target = hex($3)
				if (target < addr && addr - target > best) {
					best = addr - target; from = target; to = n
				}
			}
		}
		END {
			if (!best) { print "no loop" > "/dev/stderr"; exit 1 }
			for (i = 1; i < to; i++) if (at[i] >= from) print ins[i]
		}'
}

# cycles CPU FILE prints llvm-mca's simulated cycles per iteration of FILE's
# loop and its port-pressure bound.
cycles() {
	"$mca" -mtriple=x86_64-unknown-linux-gnu -mcpu="$1" -iterations=1000 \
		-timeline=false "$2" 2>/dev/null |
		awk '/^Iterations:/ { it = $2 } /^Total Cycles:/ { c = $3 } /^Block RThroughput:/ { b = $3 }
			END { printf "%.3f %.3f", c / it, b }'
}

# kernels: symbol, its peak loop, the width and element type it names.
kernels=(
	"kernAsm peakFMA float64-AVX2(6x8)"
	"kernAsm32 peakFMA32 float32-AVX2(6x16)"
	"kernZ12x16 peakFMA512 float64-AVX512(12x16)"
	"kernZ32_12x32 peakFMA512_32 float32-AVX512(12x32)"
)

printf '%-28s %-16s %9s %8s %9s %8s %7s\n' kernel cpu cyc/iter FMA/cyc peak/cyc "of peak" bound
for k in "${kernels[@]}"; do
	read -r sym peak label <<<"$k"
	loop "$sym" >"$work/k.s"
	loop "$peak" >"$work/p.s"
	fk=$(grep -c vfmadd "$work/k.s")
	fp=$(grep -c vfmadd "$work/p.s")
	for cpu in "${cpus[@]}"; do
		case $label in
		*AVX512*) [[ $cpu == skylake || $cpu == znver[123] ]] && continue ;;
		esac
		read -r ck bk <<<"$(cycles "$cpu" "$work/k.s")"
		read -r cp bp <<<"$(cycles "$cpu" "$work/p.s")"
		awk -v l="$label" -v c="$cpu" -v fk="$fk" -v ck="$ck" -v bk="$bk" -v fp="$fp" -v cp="$cp" -v bp="$bp" 'BEGIN {
			printf "%-28s %-16s %9.2f %8.2f %9.2f %7.1f%% %6.1f%%\n", l, c, ck, fk / ck, fp / cp,
				100 * (fk / ck) / (fp / cp), 100 * (fk / bk) / (fp / bp)
		}'
	done
done
