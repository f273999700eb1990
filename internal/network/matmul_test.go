package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// product names one of the three Pool products with its reference kernel and
// the lengths of its operands.
type product struct {
	name string
	fast func(p *Pool, c, a, b []float64, m, n, k int)
	ref  func(c, a, b []float64, m, n, k int)
}

var products = []product{
	{"MulABt", (*Pool).MulABt, mulABtRef},
	{"MulAtB", (*Pool).MulAtB, mulAtBRef},
	{"MulAB", (*Pool).MulAB, mulABRef},
}

// kernels lists the micro-kernels this machine can run, so the portable
// path and every assembly one are tested wherever they exist. A kernel this
// CPU cannot run is skipped, and said so once (kernelsSkipped).
func kernels() []Kernel { return Kernels() }

func randSlice(r *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = 2*r.Float64() - 1
	}
	return s
}

func maxAbs(s []float64) float64 {
	var m float64
	for _, v := range s {
		m = max(m, math.Abs(v))
	}
	return m
}

// blockSets are the cache blocks the products are tested with: tiny ones,
// so that every shape below crosses several block edges in each direction;
// the defaults, whose edges the shapes straddle; and this machine's.
func blockSets(k Kernel) []struct {
	name string
	blk  blocks
} {
	return []struct {
		name string
		blk  blocks
	}{
		{"tiny", blocks{kc: 16, mc: 12, nc: 16}},
		{"default", defaultBlocks},
		{"machine", machineBlocks(k)},
		// Multiples of the AVX-512 tile (12 rows, 32 float32 columns), so
		// that its blocks split in whole 2×2 panel tiles: the "tiny" set
		// above is not one in float32 and takes the micro-panel split.
		{"tiny12x32", blocks{kc: 16, mc: 24, nc: 32}},
	}
}

// shapes returns (m, n, k) triples around every tile and block boundary:
// mr=6, nr=8, the default blocks kc=256, mc=144, nc=512, and the sizes of
// the issue. Each edge
// size is paired with a few others rather than the full cube, which would
// take minutes under -race.
func shapes(r *rand.Rand) [][3]int {
	edges := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 31, 32, 33,
		63, 64, 65, 127, 128, 129, 143, 144, 145, 255, 256, 257}
	small := []int{1, 5, 6, 7, 8, 9, 17}
	var out [][3]int
	for _, e := range edges {
		s1 := small[r.IntN(len(small))]
		s2 := small[r.IntN(len(small))]
		s3 := edges[r.IntN(len(edges))]
		out = append(out,
			[3]int{e, s1, s3}, [3]int{s1, e, s2}, [3]int{s2, s3, e},
			[3]int{e, e, s1})
	}
	// Blocks larger than nc and kc, with edges in every direction.
	out = append(out, [3]int{145, 513, 257}, [3]int{13, 1031, 9}, [3]int{289, 17, 520},
		[3]int{128, 784, 256}, [3]int{10, 128, 128})
	for range 8 {
		out = append(out, [3]int{1 + r.IntN(200), 1 + r.IntN(200), 1 + r.IntN(200)})
	}
	return out
}

// TestMulMatchesReference compares each product, on each kernel, with the
// naive reference. The fast kernels add in a different order (and with FMA),
// so the tolerance is the rounding bound k·max|a|·max|b|·ε with a margin.
func TestMulMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1^0x9e3779b97f4a7c15))
	var pools []*Pool
	var names []string
	for _, kern := range kernels() {
		for _, bs := range blockSets(kern) {
			pools = append(pools, newPoolBlocks(3, kern, 0, bs.blk))
			names = append(names, kern.String()+"/"+bs.name)
			defer pools[len(pools)-1].Close()
		}
	}
	for _, pr := range products {
		for _, s := range shapes(r) {
			m, n, k := s[0], s[1], s[2]
			a, b := randSlice(r, m*k), randSlice(r, k*n)
			want := make([]float64, m*n)
			pr.ref(want, a, b, m, n, k)
			tol := 4 * float64(max(k, 1)) * maxAbs(a) * maxAbs(b) * 0x1p-52
			for pi, pool := range pools {
				t.Run(fmt.Sprintf("%s/%dx%dx%d/%s", pr.name, m, n, k, names[pi]), func(t *testing.T) {
					got := make([]float64, m*n)
					for i := range got {
						got[i] = math.NaN() // C is overwritten, never read first
					}
					pr.fast(pool, got, a, b, m, n, k)
					worst, at := 0.0, 0
					for i := range want {
						if d := math.Abs(got[i] - want[i]); !(d <= worst) {
							worst, at = d, i
						}
					}
					if !(worst <= tol) {
						t.Errorf("C[%d][%d]: got %v, want %v (|diff| %.3g > tol %.3g)",
							at/n, at%n, got[at], want[at], worst, tol)
					}
				})
			}
		}
	}
}

// TestMulWorkerCountInvariant checks that 1, 2, 3 and 7 workers, with the
// serial threshold off so every size is split, give the same bits.
func TestMulWorkerCountInvariant(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2^0x9e3779b97f4a7c15))
	counts := []int{1, 2, 3, 7}
	for _, kern := range kernels() {
		pools := make([]*Pool, len(counts))
		for i, w := range counts {
			pools[i] = newPool(w, kern, 0)
			defer pools[i].Close()
		}
		for _, pr := range products {
			for _, s := range shapes(r) {
				m, n, k := s[0], s[1], s[2]
				t.Run(fmt.Sprintf("%s/%s/%dx%dx%d", kern.String(), pr.name, m, n, k), func(t *testing.T) {
					a, b := randSlice(r, m*k), randSlice(r, k*n)
					want := make([]float64, m*n)
					pr.fast(pools[0], want, a, b, m, n, k)
					for i, pool := range pools[1:] {
						got := make([]float64, m*n)
						pr.fast(pool, got, a, b, m, n, k)
						for e := range got {
							if math.Float64bits(got[e]) != math.Float64bits(want[e]) {
								t.Fatalf("%d workers: C[%d][%d]: got %v, want %v (1 worker)",
									counts[i+1], e/n, e%n, got[e], want[e])
							}
						}
					}
				})
			}
		}
	}
}

// TestMulSerialMatchesParallel checks that the serial path below the
// threshold and the split path give the same bits.
func TestMulSerialMatchesParallel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3^0x9e3779b97f4a7c15))
	for _, kern := range kernels() {
		serial := newPool(4, kern, math.MaxInt)
		split := newPool(4, kern, 0)
		defer serial.Close()
		defer split.Close()
		for _, pr := range products {
			t.Run(kern.String()+"/"+pr.name, func(t *testing.T) {
				m, n, k := 150, 530, 270
				a, b := randSlice(r, m*k), randSlice(r, k*n)
				want := make([]float64, m*n)
				got := make([]float64, m*n)
				pr.fast(serial, want, a, b, m, n, k)
				pr.fast(split, got, a, b, m, n, k)
				for e := range got {
					if math.Float64bits(got[e]) != math.Float64bits(want[e]) {
						t.Fatalf("C[%d][%d]: got %v split, want %v serial", e/n, e%n, got[e], want[e])
					}
				}
			})
		}
	}
}

// TestMulExact uses small integers, whose products and sums are exact in any
// order, so every kernel must reproduce the reference bit for bit.
func TestMulExact(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4^0x9e3779b97f4a7c15))
	for _, kern := range kernels() {
		pool := newPool(2, kern, 0)
		defer pool.Close()
		for _, pr := range products {
			t.Run(kern.String()+"/"+pr.name, func(t *testing.T) {
				m, n, k := 37, 45, 300
				a, b := make([]float64, m*k), make([]float64, k*n)
				for i := range a {
					a[i] = float64(r.IntN(17) - 8)
				}
				for i := range b {
					b[i] = float64(r.IntN(17) - 8)
				}
				want := make([]float64, m*n)
				got := make([]float64, m*n)
				pr.ref(want, a, b, m, n, k)
				pr.fast(pool, got, a, b, m, n, k)
				for e := range got {
					if got[e] != want[e] {
						t.Fatalf("C[%d][%d]: got %v, want %v", e/n, e%n, got[e], want[e])
					}
				}
			})
		}
	}
}

// TestMulEmpty covers k = 0 (C must become zero) and m or n = 0 (no-op).
func TestMulEmpty(t *testing.T) {
	pool := newPool(2, KernelGo, 0)
	defer pool.Close()
	for _, pr := range products {
		t.Run(pr.name, func(t *testing.T) {
			c := []float64{1, 2, 3, 4, 5, 6}
			pr.fast(pool, c, nil, nil, 2, 3, 0)
			for i, v := range c {
				if v != 0 {
					t.Errorf("k=0: C[%d] got %v, want 0", i, v)
				}
			}
			pr.fast(pool, nil, nil, []float64{1, 2}, 0, 2, 1) // must not panic
			pr.fast(pool, nil, []float64{1, 2}, nil, 2, 0, 1)
		})
	}
}

// TestMulShortSlicePanics checks that a too-short operand is reported as a
// programming bug, before any worker touches it.
func TestMulShortSlicePanics(t *testing.T) {
	pool := NewPool(2)
	defer pool.Close()
	for _, pr := range products {
		t.Run(pr.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("got no panic, want one for len(b) < k·n")
				}
			}()
			pr.fast(pool, make([]float64, 6), make([]float64, 6), make([]float64, 5), 2, 3, 3)
		})
	}
}

// TestMulNoAllocs checks that a product, split across workers, allocates
// nothing in steady state.
func TestMulNoAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count")
	}
	r := rand.New(rand.NewPCG(5, 5^0x9e3779b97f4a7c15))
	pool := newPool(2, Best(), 0)
	defer pool.Close()
	m, n, k := 64, 80, 70
	a, b, c := randSlice(r, m*k), randSlice(r, k*n), make([]float64, m*n)
	for _, pr := range products {
		if got := testing.AllocsPerRun(20, func() { pr.fast(pool, c, a, b, m, n, k) }); got != 0 {
			t.Errorf("%s: got %v allocs per call, want 0", pr.name, got)
		}
	}
}

// TestPackAsmMatchesGo checks the assembly packing routines against the Go
// ones, bit for bit, for each operand layout and depths around the 4-step
// unrolling, with edge panels.
func TestPackAsmMatchesGo(t *testing.T) {
	if !haveAsm() {
		t.Skip("no assembly on this build")
	}
	r := rand.New(rand.NewPCG(6, 6^0x9e3779b97f4a7c15))
	const m, n = 29, 37 // 4 full A panels + 5 rows, 4 full B panels + 5 columns
	for _, kb := range []int{1, 2, 3, 4, 5, 7, 8, 9, 31} {
		k := kb + 3 // pack from p = 2, so rows are not at the start of the slice
		a, b := randSlice(r, m*k), randSlice(r, k*n)
		layouts := []struct {
			name string
			j    gemmJob
		}{
			{"ABt", gemmJob{a: a, b: b, m: m, n: n, k: k, ars: k, acs: 1, brs: 1, bcs: k}},
			{"AtB", gemmJob{a: a, b: b, m: m, n: n, k: k, ars: 1, acs: m, brs: n, bcs: 1}},
			{"AB", gemmJob{a: a, b: b, m: m, n: n, k: k, ars: k, acs: 1, brs: n, bcs: 1}},
		}
		for _, l := range layouts {
			t.Run(fmt.Sprintf("%s/kb=%d", l.name, kb), func(t *testing.T) {
				goJ, asmJ := l.j, l.j
				asmJ.asm = true
				size := defaultBlocks.mc * defaultBlocks.kc
				want, got := make([]float64, size), make([]float64, size)
				goJ.packA(want, 1, m-1, 2, kb)
				asmJ.packA(got, 1, m-1, 2, kb)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("packA[%d]: got %v, want %v", i, got[i], want[i])
					}
				}
				goJ.packB(want, 2, kb, 1, n-1)
				asmJ.packB(got, 2, kb, 1, n-1)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("packB[%d]: got %v, want %v", i, got[i], want[i])
					}
				}
			})
		}
	}
}

// TestMulEdgeRowsSameBits checks that rows in the last, partial row tile
// (computed by the row-limited kernels or through the scratch tile) get the
// same bits as the same rows inside a full tile: C for the first m rows of A
// must equal the first m rows of C for 12 rows of A.
func TestMulEdgeRowsSameBits(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7^0x9e3779b97f4a7c15))
	const full, n, k = 12, 19, 45
	for _, kern := range kernels() {
		pool := newPool(1, kern, 0)
		defer pool.Close()
		for _, pr := range products {
			a12, b := randSlice(r, full*k), randSlice(r, k*n)
			want := make([]float64, full*n)
			pr.fast(pool, want, a12, b, full, n, k)
			for m := 1; m < full; m++ {
				a := a12[:m*k] // first m rows of A (m×k)
				if pr.name == "MulAtB" {
					a = make([]float64, k*m) // first m columns of A (k×m)
					for p := range k {
						copy(a[p*m:p*m+m], a12[p*full:p*full+m])
					}
				}
				got := make([]float64, m*n)
				pr.fast(pool, got, a, b, m, n, k)
				for e := range got {
					if math.Float64bits(got[e]) != math.Float64bits(want[e]) {
						t.Fatalf("%s/%s m=%d: C[%d][%d]: got %v, want %v (row inside a full tile)",
							kern.String(), pr.name, m, e/n, e%n, got[e], want[e])
					}
				}
			}
		}
	}
}
