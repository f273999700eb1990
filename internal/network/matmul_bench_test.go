package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// benchShape is one product of a 784-256-128-10 MLP step with batch 128.
type benchShape struct {
	name    string
	prod    int // index into products
	m, n, k int
}

var benchShapes = []benchShape{
	// Forward Z = A·Wᵀ: A is batch×in, W is out×in.
	{"fwd/128x784_x_256x784T", 0, 128, 256, 784},
	{"fwd/128x256_x_128x256T", 0, 128, 128, 256},
	{"fwd/128x128_x_10x128T", 0, 128, 10, 128},
	// Weight gradient dW = dZᵀ·A_prev: dZ is batch×out, A_prev is batch×in.
	{"dW/128x256T_x_128x784", 1, 256, 784, 128},
	{"dW/128x128T_x_128x256", 1, 128, 256, 128},
	{"dW/128x10T_x_128x128", 1, 10, 128, 128},
	// Gradient passed down dA_prev = dZ·W.
	{"dA/128x256_x_256x784", 2, 128, 784, 256},
	{"dA/128x128_x_128x256", 2, 128, 256, 128},
	{"dA/128x10_x_10x128", 2, 128, 128, 10},
}

// reportGFLOPs reports the rate of b.N products of m·n·k multiply-adds per
// wall second and, when cpu0 (cpuSeconds at the start) is known, per CPU
// second of the whole process: with w workers on an idle machine the second
// is about the first divided by w, and it stays meaningful when other jobs
// take turns on the cores.
func reportGFLOPs(b *testing.B, m, n, k int, cpu0 float64) {
	flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu := cpuSeconds() - cpu0; cpu0 > 0 && cpu > 0 {
		b.ReportMetric(flops/cpu/1e9, "GFLOP/cpu-s")
	}
}

// reportBest reports the rate of the fastest single product, the one least
// disturbed by other jobs on a shared machine.
func reportBest(b *testing.B, m, n, k int, best time.Duration) {
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)/best.Seconds()/1e9, "best-GFLOP/s")
}

// BenchmarkMul measures each MLP product on each kernel with 1 and 2 workers:
//
//	go test -run '^$' -bench 'Mul$' -benchtime 2s ./internal/network/
func BenchmarkMul(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9^0x9e3779b97f4a7c15))
	for _, kern := range kernels() {
		for _, w := range []int{1, 2} {
			pool := newPool(w, kern, serialFlops)
			for _, s := range benchShapes {
				a, bb, c := randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), make([]float64, s.m*s.n)
				fast := products[s.prod].fast
				b.Run(fmt.Sprintf("%s/w=%d/%s", kern.String(), w, s.name), func(b *testing.B) {
					b.ReportAllocs()
					cpu0 := cpuSeconds()
					best := time.Duration(math.MaxInt64)
					for b.Loop() {
						t0 := time.Now()
						fast(pool, c, a, bb, s.m, s.n, s.k)
						best = min(best, time.Since(t0))
					}
					reportGFLOPs(b, s.m, s.n, s.k, cpu0)
					reportBest(b, s.m, s.n, s.k, best)
				})
			}
			pool.Close()
		}
	}
}

// BenchmarkGonumDgemm is the same set of products through gonum's Dgemm,
// which splits across GOMAXPROCS goroutines itself, as the baseline.
func BenchmarkGonumDgemm(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9^0x9e3779b97f4a7c15))
	var impl gonum.Implementation
	for _, s := range benchShapes {
		a, bb, c := randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), make([]float64, s.m*s.n)
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuSeconds()
			best := time.Duration(math.MaxInt64)
			for b.Loop() {
				t0 := time.Now()
				switch s.prod {
				case 0:
					impl.Dgemm(blas.NoTrans, blas.Trans, s.m, s.n, s.k, 1, a, s.k, bb, s.k, 0, c, s.n)
				case 1:
					impl.Dgemm(blas.Trans, blas.NoTrans, s.m, s.n, s.k, 1, a, s.m, bb, s.n, 0, c, s.n)
				case 2:
					impl.Dgemm(blas.NoTrans, blas.NoTrans, s.m, s.n, s.k, 1, a, s.k, bb, s.n, 0, c, s.n)
				}
				best = min(best, time.Since(t0))
			}
			reportGFLOPs(b, s.m, s.n, s.k, cpu0)
			reportBest(b, s.m, s.n, s.k, best)
		})
	}
}

// BenchmarkCalibration is what the kernel choice of Best costs once per
// process where AVX-512 runs (calibrate.go). Without AVX-512, AVX2 is timed
// in both places, which costs about the same (the warm-ups dominate).
func BenchmarkCalibration(b *testing.B) {
	if !KernelAVX2.Available() {
		b.Skip("no AVX2 kernel on this CPU or build: nothing is timed")
	}
	wide := KernelAVX2
	if KernelAVX512.Available() {
		wide = KernelAVX512
	}
	b.Logf("AVX-512 timed as %v", wide)
	for b.Loop() {
		calibrate(wide)
	}
}

// BenchmarkPeakFMA states the machine's peak: a register-only loop of
// independent fused multiply-adds (peakFMA, 4-wide on AVX2; peakFMA512,
// 8-wide on AVX-512), on one goroutine, on two (the peak of the 2-worker
// products) and on GOMAXPROCS goroutines at once.
func BenchmarkPeakFMA(b *testing.B) {
	benchPeak(b, "avx2", peakFMA, peakFMAFlops)
	benchPeak(b, "avx512", peakFMA512, peakFMA512Flops)
}

// benchPeak runs one FMA probe of the named kernel, skipped when this CPU
// or build cannot run it. The g goroutines are started once and released
// together for each measured round, so the figure for several goroutines
// does not include starting them (a parked thread takes up to 100 µs to
// run on a virtual machine, as long as a whole short round).
func benchPeak(b *testing.B, name string, probe func(iters int), flopsPerIter float64) {
	if _, err := ParseKernel(name); err != nil {
		b.Run(name, func(b *testing.B) { b.Skip(err) })
		return
	}
	const iters = 1 << 18
	for _, g := range slices.Compact([]int{1, min(2, runtime.GOMAXPROCS(0)), runtime.GOMAXPROCS(0)}) {
		b.Run(fmt.Sprintf("%s/goroutines=%d", name, g), func(b *testing.B) {
			start := make([]chan struct{}, g)
			var wg sync.WaitGroup
			for i := range start {
				start[i] = make(chan struct{})
				go func() {
					for range start[i] {
						probe(iters)
						wg.Done()
					}
				}()
			}
			defer func() {
				for _, c := range start {
					close(c)
				}
			}()
			// One unmeasured round wakes every goroutine's thread.
			wg.Add(g)
			for _, c := range start {
				c <- struct{}{}
			}
			wg.Wait()
			cpu0 := cpuSeconds()
			best := time.Duration(math.MaxInt64)
			for b.Loop() {
				t0 := time.Now()
				wg.Add(g)
				for _, c := range start {
					c <- struct{}{}
				}
				wg.Wait()
				best = min(best, time.Since(t0))
			}
			b.ReportMetric(float64(g)*float64(iters)*flopsPerIter/best.Seconds()/1e9, "best-GFLOP/s")
			flops := float64(g) * float64(iters) * flopsPerIter * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if cpu := cpuSeconds() - cpu0; cpu > 0 {
				b.ReportMetric(flops/cpu/1e9, "GFLOP/cpu-s")
			}
		})
	}
}

// BenchmarkKernel measures each micro-kernel alone on L1-resident panels of
// depth kc (the kernel's machine blocks): the ceiling for the blocked
// products. The tile is 6×8 for Go and AVX2, 12×16 for AVX-512.
func BenchmarkKernel(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9^0x9e3779b97f4a7c15))
	for _, kern := range kernels() {
		kc := machineBlocks(kern).kc
		rows, cols := mr, nr
		if kern == KernelAVX512 {
			rows, cols = tileZ*mr, tileZ*nr
		}
		a, bb, c := randSlice(r, kc*rows), randSlice(r, kc*cols), make([]float64, rows*cols)
		b.Run(kern.String(), func(b *testing.B) {
			const batch = 64 // calls per timing, so the clock is read rarely
			cpu0 := cpuSeconds()
			best := time.Duration(math.MaxInt64)
			for b.Loop() {
				t0 := time.Now()
				for range batch {
					if kern == KernelAVX512 {
						kernZ64[tileZ-1][rows](kc, &a[0], &bb[0], &c[0], cols, true)
					} else {
						microKernel(kern != KernelGo, kc, a, bb, c, nr, true)
					}
				}
				best = min(best, time.Since(t0))
			}
			b.ReportMetric(float64(2*rows*cols*kc*batch)/best.Seconds()/1e9, "best-GFLOP/s")
			reportGFLOPs(b, rows, cols, kc*batch, cpu0)
		})
	}
}

// BenchmarkPack measures packing one mc×kc A block and one kc×392 B block
// (the default blocks: 144×256 and 256×392) per operand layout, in ns per
// element of the fastest call.
func BenchmarkPack(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9^0x9e3779b97f4a7c15))
	m, n, k := defaultBlocks.mc, 392, defaultBlocks.kc
	a, bb := randSlice(r, m*k), randSlice(r, k*n)
	s := newScratch(blocks{kc: k, mc: m, nc: n})
	layouts := []struct {
		name string
		j    gemmJob
	}{
		{"ABt", gemmJob{a: a, b: bb, m: m, n: n, k: k, ars: k, acs: 1, brs: 1, bcs: k}},
		{"AtB", gemmJob{a: a, b: bb, m: m, n: n, k: k, ars: 1, acs: m, brs: n, bcs: 1}},
	}
	for _, kern := range kernels() {
		for _, l := range layouts {
			j := l.j
			j.asm = kern != KernelGo
			for _, op := range []string{"A", "B"} {
				b.Run(kern.String()+"/"+l.name+"/"+op, func(b *testing.B) {
					best := time.Duration(math.MaxInt64)
					for b.Loop() {
						t0 := time.Now()
						if op == "A" {
							j.packA(s.ap, 0, m, 0, k)
						} else {
							j.packB(s.bp, 0, k, 0, n)
						}
						best = min(best, time.Since(t0))
					}
					el := m * k
					if op == "B" {
						el = n * k
					}
					b.ReportMetric(float64(best.Nanoseconds())/float64(el), "best-ns/elt")
				})
			}
		}
	}
}

// BenchmarkMLPStep runs the nine products of one 784-256-128-10 step with
// batch 128 back to back, as the trainer issues them, and reports their
// combined rate.
func BenchmarkMLPStep(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9^0x9e3779b97f4a7c15))
	type operands struct{ a, b, c []float64 }
	ops := make([]operands, len(benchShapes))
	var madds float64
	for i, s := range benchShapes {
		ops[i] = operands{randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), make([]float64, s.m*s.n)}
		madds += float64(s.m) * float64(s.n) * float64(s.k)
	}
	for _, kern := range kernels() {
		for _, w := range []int{1, 2} {
			pool := newPool(w, kern, serialFlops)
			b.Run(fmt.Sprintf("%s/w=%d", kern.String(), w), func(b *testing.B) {
				b.ReportAllocs()
				best := time.Duration(math.MaxInt64)
				for b.Loop() {
					t0 := time.Now()
					for i, s := range benchShapes {
						products[s.prod].fast(pool, ops[i].c, ops[i].a, ops[i].b, s.m, s.n, s.k)
					}
					best = min(best, time.Since(t0))
				}
				b.ReportMetric(2*madds*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				b.ReportMetric(2*madds/best.Seconds()/1e9, "best-GFLOP/s")
			})
			pool.Close()
		}
	}
}
