package network

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// product32 is product on float32.
type product32 struct {
	name string
	fast func(p *Pool, c, a, b []float32, m, n, k int)
	ref  func(c, a, b []float32, m, n, k int)
	// at returns opA(i,p) and opB(p,j) of the product's layout.
	at func(a, b []float32, m, n, k, i, j, p int) (float32, float32)
}

var products32 = []product32{
	{"MulABt32", (*Pool).MulABt32, mulABtRef32,
		func(a, b []float32, m, n, k, i, j, p int) (float32, float32) { return a[i*k+p], b[j*k+p] }},
	{"MulAtB32", (*Pool).MulAtB32, mulAtBRef32,
		func(a, b []float32, m, n, k, i, j, p int) (float32, float32) { return a[p*m+i], b[p*n+j] }},
	{"MulAB32", (*Pool).MulAB32, mulABRef32,
		func(a, b []float32, m, n, k, i, j, p int) (float32, float32) { return a[i*k+p], b[p*n+j] }},
}

func randSlice32(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = 2*r.Float32() - 1
	}
	return s
}

func maxAbs32(s []float32) float64 {
	var m float64
	for _, v := range s {
		m = max(m, math.Abs(float64(v)))
	}
	return m
}

// fmaChain32 is the float32 chain of the FMA kernel for one element,
// c = fma(a_p, b_p, c) in ascending p, each step computed exactly with
// big.Float and rounded once to float32 (to nearest even), as VFMADD231PS
// does.
func fmaChain32(pr product32, a, b []float32, m, n, k, i, j int) float32 {
	var c float32
	prod, sum := new(big.Float).SetPrec(400), new(big.Float).SetPrec(400)
	x, y := new(big.Float), new(big.Float)
	for p := range k {
		av, bv := pr.at(a, b, m, n, k, i, j, p)
		prod.Mul(x.SetFloat64(float64(av)), y.SetFloat64(float64(bv)))
		sum.Add(prod, x.SetFloat64(float64(c)))
		c, _ = sum.Float32()
	}
	return c
}

// TestMul32MatchesReference compares each float32 product with the naive
// float32 reference around every tile and block edge (tiny, default and
// this machine's blocks). The Go kernel forms the same chain as the
// reference (rounded product, then add, ascending p) and must match it bit
// for bit; the FMA kernel must match the exact FMA chain bit for bit on the
// smaller shapes and the reference to k·max|a|·max|b|·ε everywhere.
func TestMul32MatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 21^0x9e3779b97f4a7c15))
	type namedPool struct {
		name string
		asm  bool
		p    *Pool
	}
	var pools []namedPool
	for _, kern := range kernels() {
		for _, bs := range blockSets(kern) {
			p := newPoolBlocks(3, kern, 0, bs.blk)
			defer p.Close()
			pools = append(pools, namedPool{kern.String() + "/" + bs.name, kern != KernelGo, p})
		}
	}
	for _, pr := range products32 {
		for _, s := range shapes(r) {
			m, n, k := s[0], s[1], s[2]
			a, b := randSlice32(r, m*k), randSlice32(r, k*n)
			want := make([]float32, m*n)
			pr.ref(want, a, b, m, n, k)
			tol := 4 * float64(max(k, 1)) * maxAbs32(a) * maxAbs32(b) * 0x1p-23
			var fma []float32 // the exact FMA chain, for shapes small enough
			if m*n*k <= 1<<17 {
				fma = make([]float32, m*n)
				for e := range fma {
					fma[e] = fmaChain32(pr, a, b, m, n, k, e/n, e%n)
				}
			}
			for _, np := range pools {
				t.Run(fmt.Sprintf("%s/%dx%dx%d/%s", pr.name, m, n, k, np.name), func(t *testing.T) {
					got := make([]float32, m*n)
					for i := range got {
						got[i] = float32(math.NaN()) // C is overwritten, never read first
					}
					pr.fast(np.p, got, a, b, m, n, k)
					exact := want
					if np.asm {
						exact = fma
					}
					for e := range exact {
						if math.Float32bits(got[e]) != math.Float32bits(exact[e]) {
							t.Fatalf("C[%d][%d]: got %v, want %v bit for bit", e/n, e%n, got[e], exact[e])
						}
					}
					worst, at := 0.0, 0
					for i := range want {
						if d := math.Abs(float64(got[i]) - float64(want[i])); !(d <= worst) {
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

// TestMul32WorkerCountInvariant checks that 1, 2, 3 and 7 workers, with the
// serial threshold off, give the same float32 bits.
func TestMul32WorkerCountInvariant(t *testing.T) {
	r := rand.New(rand.NewPCG(22, 22^0x9e3779b97f4a7c15))
	counts := []int{1, 2, 3, 7}
	for _, kern := range kernels() {
		pools := make([]*Pool, len(counts))
		for i, w := range counts {
			pools[i] = newPool(w, kern, 0)
			defer pools[i].Close()
		}
		for _, pr := range products32 {
			for _, s := range shapes(r) {
				m, n, k := s[0], s[1], s[2]
				t.Run(fmt.Sprintf("%s/%s/%dx%dx%d", kern.String(), pr.name, m, n, k), func(t *testing.T) {
					a, b := randSlice32(r, m*k), randSlice32(r, k*n)
					want := make([]float32, m*n)
					pr.fast(pools[0], want, a, b, m, n, k)
					for i, pool := range pools[1:] {
						got := make([]float32, m*n)
						pr.fast(pool, got, a, b, m, n, k)
						for e := range got {
							if math.Float32bits(got[e]) != math.Float32bits(want[e]) {
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

// TestBlocks32SameBits checks the summation-order promise across cache
// blocks for float32, and serial against split.
func TestBlocks32SameBits(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 23^0x9e3779b97f4a7c15))
	const m, n, k = 150, 530, 300
	a, b := randSlice32(r, m*k), randSlice32(r, k*n)
	for _, kern := range kernels() {
		for _, pr := range products32 {
			serial := newPool(4, kern, math.MaxInt)
			want := make([]float32, m*n)
			pr.fast(serial, want, a, b, m, n, k)
			serial.Close()
			for _, bs := range blockSets(kern) {
				p := newPoolBlocks(2, kern, 0, bs.blk)
				got := make([]float32, m*n)
				pr.fast(p, got, a, b, m, n, k)
				p.Close()
				for e := range got {
					if math.Float32bits(got[e]) != math.Float32bits(want[e]) {
						t.Fatalf("%s/%s blocks %s: C[%d][%d] = %v, want %v (serial, machine blocks)",
							kern.String(), pr.name, bs.name, e/n, e%n, got[e], want[e])
					}
				}
			}
		}
	}
}

// TestMul32Exact uses small integers, whose products and sums are exact in
// float32 in any order, so every kernel must reproduce the reference.
func TestMul32Exact(t *testing.T) {
	r := rand.New(rand.NewPCG(24, 24^0x9e3779b97f4a7c15))
	for _, kern := range kernels() {
		pool := newPool(2, kern, 0)
		defer pool.Close()
		for _, pr := range products32 {
			t.Run(kern.String()+"/"+pr.name, func(t *testing.T) {
				m, n, k := 37, 45, 300 // |sum| ≤ 300·64 < 2^24
				a, b := make([]float32, m*k), make([]float32, k*n)
				for i := range a {
					a[i] = float32(r.IntN(17) - 8)
				}
				for i := range b {
					b[i] = float32(r.IntN(17) - 8)
				}
				want := make([]float32, m*n)
				got := make([]float32, m*n)
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

// TestMul32EdgeRowsSameBits checks that rows of a partial row tile (through
// the scratch tile) get the bits of the same rows inside a full tile.
func TestMul32EdgeRowsSameBits(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 25^0x9e3779b97f4a7c15))
	const full, n, k = 12, 37, 45
	for _, kern := range kernels() {
		pool := newPool(1, kern, 0)
		defer pool.Close()
		for _, pr := range products32 {
			a12, b := randSlice32(r, full*k), randSlice32(r, k*n)
			want := make([]float32, full*n)
			pr.fast(pool, want, a12, b, full, n, k)
			for m := 1; m < full; m++ {
				a := a12[:m*k]
				if pr.name == "MulAtB32" {
					a = make([]float32, k*m)
					for p := range k {
						copy(a[p*m:p*m+m], a12[p*full:p*full+m])
					}
				}
				got := make([]float32, m*n)
				pr.fast(pool, got, a, b, m, n, k)
				for e := range got {
					if math.Float32bits(got[e]) != math.Float32bits(want[e]) {
						t.Fatalf("%s/%s m=%d: C[%d][%d]: got %v, want %v (row inside a full tile)",
							kern.String(), pr.name, m, e/n, e%n, got[e], want[e])
					}
				}
			}
		}
	}
}

// TestMul32Empty covers k = 0 (C must become zero) and m or n = 0 (no-op).
func TestMul32Empty(t *testing.T) {
	pool := newPool(2, KernelGo, 0)
	defer pool.Close()
	for _, pr := range products32 {
		t.Run(pr.name, func(t *testing.T) {
			c := []float32{1, 2, 3, 4, 5, 6}
			pr.fast(pool, c, nil, nil, 2, 3, 0)
			for i, v := range c {
				if v != 0 {
					t.Errorf("k=0: C[%d] got %v, want 0", i, v)
				}
			}
			pr.fast(pool, nil, nil, []float32{1, 2}, 0, 2, 1)
			pr.fast(pool, nil, []float32{1, 2}, nil, 2, 0, 1)
		})
	}
}

// TestMul32ShortSlicePanics checks that a too-short operand panics.
func TestMul32ShortSlicePanics(t *testing.T) {
	pool := NewPool(2)
	defer pool.Close()
	for _, pr := range products32 {
		t.Run(pr.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("got no panic, want one for len(b) < k·n")
				}
			}()
			pr.fast(pool, make([]float32, 6), make([]float32, 6), make([]float32, 5), 2, 3, 3)
		})
	}
}

// TestMul32NoAllocs checks that the float32 scratch is allocated by the
// first float32 product (on the caller and on each worker) and that
// products allocate nothing after it, serial or split, and that a float64
// pool that never runs a float32 product never allocates it.
func TestMul32NoAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count")
	}
	r := rand.New(rand.NewPCG(26, 26^0x9e3779b97f4a7c15))
	for _, minFlops := range []int{0, math.MaxInt} {
		pool := newPool(2, Best(), minFlops)
		m, n, k := 64, 80, 70
		a, b, c := randSlice32(r, m*k), randSlice32(r, k*n), make([]float32, m*n)
		if pool.local.s32 != nil {
			t.Fatal("float32 scratch allocated before the first float32 product")
		}
		for _, pr := range products32 {
			pr.fast(pool, c, a, b, m, n, k) // first call: the scratch of whoever runs a task
		}
		for _, pr := range products32 {
			if got := testing.AllocsPerRun(20, func() { pr.fast(pool, c, a, b, m, n, k) }); got != 0 {
				t.Errorf("minFlops=%d %s: got %v allocs per call, want 0", minFlops, pr.name, got)
			}
		}
		pool.Close()
	}
}

// TestMul32MixedWithFloat64 interleaves float32 and float64 products on one
// pool: neither disturbs the other's job or scratch.
func TestMul32MixedWithFloat64(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 27^0x9e3779b97f4a7c15))
	const m, n, k = 70, 90, 50
	pool := newPool(3, Best(), 0)
	defer pool.Close()
	a32, b32 := randSlice32(r, m*k), randSlice32(r, k*n)
	a64, b64 := randSlice(r, m*k), randSlice(r, k*n)
	want32, want64 := make([]float32, m*n), make([]float64, m*n)
	pool.MulABt32(want32, a32, b32, m, n, k)
	pool.MulABt(want64, a64, b64, m, n, k)
	for range 3 {
		got32, got64 := make([]float32, m*n), make([]float64, m*n)
		pool.MulABt(got64, a64, b64, m, n, k)
		pool.MulABt32(got32, a32, b32, m, n, k)
		for e := range got32 {
			if math.Float32bits(got32[e]) != math.Float32bits(want32[e]) || math.Float64bits(got64[e]) != math.Float64bits(want64[e]) {
				t.Fatalf("C[%d][%d]: got %v/%v, want %v/%v", e/n, e%n, got32[e], got64[e], want32[e], want64[e])
			}
		}
	}
}

// TestPack32AsmMatchesGo checks the float32 assembly packing against the Go
// packing, bit for bit, for each operand layout and depths around the 4- and
// 8-step unrolling, with edge panels.
func TestPack32AsmMatchesGo(t *testing.T) {
	if !haveAsm() {
		t.Skip("no assembly on this build")
	}
	r := rand.New(rand.NewPCG(28, 28^0x9e3779b97f4a7c15))
	const m, n = 29, 53 // 4 full A panels + 5 rows, 3 full B panels + 5 columns
	for _, kb := range []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31} {
		k := kb + 3 // pack from p = 2, so rows are not at the start of the slice
		a, b := randSlice32(r, m*k), randSlice32(r, k*n)
		layouts := []struct {
			name string
			j    gemmJob32
		}{
			{"ABt", gemmJob32{a: a, b: b, m: m, n: n, k: k, ars: k, acs: 1, brs: 1, bcs: k}},
			{"AtB", gemmJob32{a: a, b: b, m: m, n: n, k: k, ars: 1, acs: m, brs: n, bcs: 1}},
			{"AB", gemmJob32{a: a, b: b, m: m, n: n, k: k, ars: k, acs: 1, brs: n, bcs: 1}},
		}
		for _, l := range layouts {
			t.Run(fmt.Sprintf("%s/kb=%d", l.name, kb), func(t *testing.T) {
				goJ, asmJ := l.j, l.j
				asmJ.asm = true
				size := 64 * 64
				want, got := make([]float32, size), make([]float32, size)
				for i := range got {
					got[i] = float32(math.NaN())
				}
				goJ.packA(want, 1, m-1, 2, kb)
				asmJ.packA(got, 1, m-1, 2, kb)
				for i := range (m - 1 + mr - 1) / mr * mr * kb {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("packA[%d]: got %v, want %v", i, got[i], want[i])
					}
				}
				goJ.packB(want, 2, kb, 1, n-1)
				asmJ.packB(got, 2, kb, 1, n-1)
				for i := range (n - 1 + nr32 - 1) / nr32 * nr32 * kb {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("packB[%d]: got %v, want %v", i, got[i], want[i])
					}
				}
			})
		}
	}
}

// TestKernelDispatch32 checks that each kernel a Pool can be given runs its
// own float32 micro-kernel: the Go kernel reproduces the rounded-product
// reference bit for bit, the AVX2 and AVX-512 ones the exact FMA chain.
func TestKernelDispatch32(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 29^0x9e3779b97f4a7c15))
	const m, n, k = 13, 35, 41
	a, b := randSlice32(r, m*k), randSlice32(r, n*k)
	for _, kern := range allKernels {
		t.Run(kern.String(), func(t *testing.T) {
			if !kern.Available() {
				t.Skipf("kernel %s cannot run on this CPU or build", kern)
			}
			p := NewPoolKernel(2, kern)
			defer p.Close()
			got := make([]float32, m*n)
			p.MulABt32(got, a, b, m, n, k)
			want := make([]float32, m*n)
			if kern == KernelGo {
				mulABtRef32(want, a, b, m, n, k)
			} else {
				for e := range want {
					want[e] = fmaChain32(products32[0], a, b, m, n, k, e/n, e%n)
				}
			}
			for e := range got {
				if math.Float32bits(got[e]) != math.Float32bits(want[e]) {
					t.Fatalf("C[%d][%d]: got %v, want %v", e/n, e%n, got[e], want[e])
				}
			}
		})
	}
}
