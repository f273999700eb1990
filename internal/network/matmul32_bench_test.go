package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkMul32 is BenchmarkMul on the float32 products, at the same
// shapes, so the two rates sit side by side:
//
//	go test -run '^$' -bench 'Mul(32)?$|PeakFMA' -benchtime 1s ./internal/network/
func BenchmarkMul32(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9^0x9e3779b97f4a7c15))
	for _, kern := range kernels() {
		for _, w := range []int{1, 2} {
			pool := newPool(w, kern, serialFlops)
			for _, s := range benchShapes {
				a, bb, c := randSlice32(r, s.m*s.k), randSlice32(r, s.k*s.n), make([]float32, s.m*s.n)
				fast := products32[s.prod].fast
				b.Run(fmt.Sprintf("%s/w=%d/%s", kern.String(), w, s.name), func(b *testing.B) {
					b.ReportAllocs()
					fast(pool, c, a, bb, s.m, s.n, s.k) // allocates the float32 scratch
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

// BenchmarkPeakFMA32 is BenchmarkPeakFMA on float32 lanes (8-wide on AVX2,
// 16-wide on AVX-512): the ceiling of the float32 products.
func BenchmarkPeakFMA32(b *testing.B) {
	benchPeak(b, "avx2", peakFMA32, peakFMA32Flops)
	benchPeak(b, "avx512", peakFMA512_32, peakFMA512_32Flops)
}

// BenchmarkKernel32 measures the float32 micro-kernel of each kernel alone
// on L1-resident panels of depth kc (the kernel's machine blocks): 6×16 for
// Go and AVX2, 12×32 for AVX-512.
func BenchmarkKernel32(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9^0x9e3779b97f4a7c15))
	for _, kern := range kernels() {
		kc := machineBlocks(kern).kc
		rows, cols := mr, nr32
		if kern == KernelAVX512 {
			rows, cols = tileZ*mr, tileZ*nr32
		}
		a, bb, c := randSlice32(r, kc*rows), randSlice32(r, kc*cols), make([]float32, rows*cols)
		b.Run(kern.String(), func(b *testing.B) {
			const batch = 64
			best := time.Duration(math.MaxInt64)
			for b.Loop() {
				t0 := time.Now()
				for range batch {
					if kern == KernelAVX512 {
						kernZ32[tileZ-1][rows](kc, &a[0], &bb[0], &c[0], cols, true)
					} else {
						microKernel32(kern != KernelGo, kc, a, bb, c, nr32, true)
					}
				}
				best = min(best, time.Since(t0))
			}
			b.ReportMetric(float64(2*rows*cols*kc*batch)/best.Seconds()/1e9, "best-GFLOP/s")
		})
	}
}

// BenchmarkPack32 is BenchmarkPack on the float32 packing, in ns per element
// of the fastest call.
func BenchmarkPack32(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9^0x9e3779b97f4a7c15))
	m, n, k := defaultBlocks.mc, 384, defaultBlocks.kc
	a, bb := randSlice32(r, m*k), randSlice32(r, k*n)
	s := newScratch32(blocks{kc: k, mc: m, nc: n})
	layouts := []struct {
		name string
		j    gemmJob32
	}{
		{"ABt", gemmJob32{a: a, b: bb, m: m, n: n, k: k, ars: k, acs: 1, brs: 1, bcs: k}},
		{"AtB", gemmJob32{a: a, b: bb, m: m, n: n, k: k, ars: 1, acs: m, brs: n, bcs: 1}},
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
