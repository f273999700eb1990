package network

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// skipNoAVX512 skips a test of the AVX-512 kernels on a CPU (or OS, or
// build) that cannot run them, saying where they are tested instead.
func skipNoAVX512(t *testing.T) {
	t.Helper()
	if !haveAVX512() {
		t.Skip("this CPU, OS or build cannot run the AVX-512 kernels (no AVX512F, no zmm state in XCR0, or -tags purego): " +
			"run them under emulation with scripts/avx512-emu.sh ./internal/network -run AVX512")
	}
}

// zTile is one AVX-512 kernel call: packed panels as macroZ passes them,
// and C inside a larger, guarded matrix.
type zTile struct {
	rows, panels, kb, ldc int
	load                  bool
}

// kbs are the depths each kernel is tested at: around the 4-step unrolling
// and the prefetch distance.
var kbs = []int{1, 2, 3, 4, 5, 7, 8, 9, 16, 31}

// TestKernelAVX512 checks every float64 AVX-512 kernel (1 to 12 rows, one
// or two 8-wide panels) against the exact FMA chain of its definition,
//
//	C[r][q] = fma(A[r][kb-1], B[kb-1][q], … fma(A[r][0], B[0][q], c0))
//
// with c0 = 0 or the old C, bit for bit, and checks that nothing outside the
// tile is written (C sits in a NaN-filled matrix with a row stride wider
// than the tile).
func TestKernelAVX512(t *testing.T) {
	skipNoAVX512(t)
	r := rand.New(rand.NewPCG(41, 41^0x9e3779b97f4a7c15))
	for panels := 1; panels <= tileZ; panels++ {
		for rows := 1; rows <= tileZ*mr; rows++ {
			for _, kb := range kbs {
				for _, load := range []bool{false, true} {
					z := zTile{rows: rows, panels: panels, kb: kb, ldc: panels*nr + 3, load: load}
					t.Run(fmt.Sprintf("%dx%d/kb=%d/load=%v", rows, panels*nr, kb, load), func(t *testing.T) {
						checkKernelZ64(t, r, z)
					})
				}
			}
		}
	}
}

func checkKernelZ64(t *testing.T, r *rand.Rand, z zTile) {
	cols := z.panels * nr
	apan := randSlice(r, 2*mr*z.kb) // two A panels, rows 0-5 and 6-11
	bpan := randSlice(r, cols*z.kb) // the B panels one after the other
	const pad = 2                   // guard rows above and below the tile
	c := make([]float64, (z.rows+2*pad)*z.ldc)
	for i := range c {
		c[i] = math.NaN()
	}
	off := pad*z.ldc + 1
	old := randSlice(r, z.rows*cols)
	for i := range z.rows {
		copy(c[off+i*z.ldc:off+i*z.ldc+cols], old[i*cols:(i+1)*cols])
	}
	kernZ64[z.panels-1][z.rows](z.kb, &apan[0], &bpan[0], &c[off], z.ldc, z.load)
	for i := range z.rows {
		for q := range cols {
			want := 0.0
			if z.load {
				want = old[i*cols+q]
			}
			for p := range z.kb {
				av := apan[(i/mr)*mr*z.kb+p*mr+i%mr]
				bv := bpan[(q/nr)*nr*z.kb+p*nr+q%nr]
				want = math.FMA(av, bv, want)
			}
			if got := c[off+i*z.ldc+q]; math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("C[%d][%d] = %v, want %v (exact FMA chain)", i, q, got, want)
			}
		}
	}
	for e, v := range c {
		i, q := (e-off)/z.ldc, (e-off)%z.ldc
		if e >= off && i < z.rows && q < cols {
			continue
		}
		if !math.IsNaN(v) {
			t.Fatalf("wrote outside the %d×%d tile: c[%d] = %v", z.rows, cols, e, v)
		}
	}
}

// TestKernelAVX512_32 is TestKernelAVX512 for the float32 kernels (16-wide
// panels), against the exact float32 FMA chain (fmaChain32's arithmetic).
func TestKernelAVX512_32(t *testing.T) {
	skipNoAVX512(t)
	r := rand.New(rand.NewPCG(42, 42^0x9e3779b97f4a7c15))
	for panels := 1; panels <= tileZ; panels++ {
		for rows := 1; rows <= tileZ*mr; rows++ {
			for _, kb := range kbs {
				for _, load := range []bool{false, true} {
					z := zTile{rows: rows, panels: panels, kb: kb, ldc: panels*nr32 + 5, load: load}
					t.Run(fmt.Sprintf("%dx%d/kb=%d/load=%v", rows, panels*nr32, kb, load), func(t *testing.T) {
						checkKernelZ32(t, r, z)
					})
				}
			}
		}
	}
}

func checkKernelZ32(t *testing.T, r *rand.Rand, z zTile) {
	cols := z.panels * nr32
	apan := randSlice32(r, 2*mr*z.kb)
	bpan := randSlice32(r, cols*z.kb)
	const pad = 2
	c := make([]float32, (z.rows+2*pad)*z.ldc)
	nan := float32(math.NaN())
	for i := range c {
		c[i] = nan
	}
	off := pad*z.ldc + 1
	old := randSlice32(r, z.rows*cols)
	for i := range z.rows {
		copy(c[off+i*z.ldc:off+i*z.ldc+cols], old[i*cols:(i+1)*cols])
	}
	kernZ32[z.panels-1][z.rows](z.kb, &apan[0], &bpan[0], &c[off], z.ldc, z.load)
	for i := range z.rows {
		for q := range cols {
			var want float32
			if z.load {
				want = old[i*cols+q]
			}
			for p := range z.kb {
				av := apan[(i/mr)*mr*z.kb+p*mr+i%mr]
				bv := bpan[(q/nr32)*nr32*z.kb+p*nr32+q%nr32]
				want = fma32(av, bv, want)
			}
			if got := c[off+i*z.ldc+q]; math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("C[%d][%d] = %v, want %v (exact FMA chain)", i, q, got, want)
			}
		}
	}
	for e, v := range c {
		i, q := (e-off)/z.ldc, (e-off)%z.ldc
		if e >= off && i < z.rows && q < cols {
			continue
		}
		if v == v {
			t.Fatalf("wrote outside the %d×%d tile: c[%d] = %v", z.rows, cols, e, v)
		}
	}
}

// fma32 is VFMADD231PS on one lane: a·b + c computed exactly and rounded
// once to float32 (to nearest even), without big.Float, so that the kernel
// tests stay fast under emulation. a·b is exact in float64 (24+24 bits);
// s = fl64(a·b + c) with its error e (TwoSum: s + e is the exact sum). The
// float32 rounding of s + e is that of s, except when s is exactly halfway
// between two float32 values and e ≠ 0: then the exact sum lies on e's side
// of the halfway point. (No float32 halfway point, being a float64 value,
// can lie strictly between s and s + e, which is within half a float64 ulp
// of s.) TestFMA32 checks it against big.Float.
func fma32(a, b, c float32) float32 {
	p := float64(a) * float64(b)
	s := p + float64(c)
	bb := s - p
	e := (p - (s - bb)) + (float64(c) - bb)
	r := float32(s)
	if e == 0 || float64(r) == s {
		return r
	}
	// The float32 neighbour of r on s's side; s is halfway iff it is the
	// mean of the two (a float64 sum of float32 values and 2·s are exact).
	o := math.Nextafter32(r, float32(math.Copysign(math.Inf(1), s-float64(r))))
	if float64(r)+float64(o) != 2*s {
		return r
	}
	if (e > 0) == (o > r) {
		return o
	}
	return r
}

// TestFMA32 checks fma32 against the exact big.Float computation, on random
// operands and on sums built to fall exactly halfway between two float32
// values with a small remainder on either side.
func TestFMA32(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 45^0x9e3779b97f4a7c15))
	exact := func(a, b, c float32) float32 {
		x := new(big.Float).SetPrec(400).SetFloat64(float64(a))
		x.Mul(x, new(big.Float).SetFloat64(float64(b)))
		x.Add(x, new(big.Float).SetFloat64(float64(c)))
		v, _ := x.Float32()
		return v
	}
	check := func(a, b, c float32) {
		t.Helper()
		if got, want := fma32(a, b, c), exact(a, b, c); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("fma32(%v, %v, %v) = %v, want %v", a, b, c, got, want)
		}
	}
	for range 100000 {
		a, b := 2*r.Float32()-1, 2*r.Float32()-1
		c := (2*r.Float32() - 1) * float32(math.Ldexp(1, r.IntN(60)-30))
		check(a, b, c)
	}
	// a·b = 1 + 2⁻²⁴ + tiny: with c = 0 the product alone is a halfway
	// case once the tiny part is removed; a c of ±2⁻⁶⁰ tips it.
	for _, c := range []float32{0, 0x1p-60, -0x1p-60, 0x1p-80, -0x1p-80} {
		a := float32(1 + 0x1p-12)
		b := float32(1 + 0x1p-12)
		check(a, b, c) // 1 + 2⁻¹¹ + 2⁻²⁴: exactly halfway, then tipped by c
		check(-a, b, c)
		check(a, 1-0x1p-24, c)
	}
}

// TestMulAVX512SameBitsAsAVX2 checks the promise of matmul_gemm512.go: every
// product, float64 and float32, at every shape around the tile and block
// edges, gives on the AVX-512 kernel exactly the bits of the AVX2 kernel,
// for every block set (so also the row and column remainders, the one-panel
// kernels and the AVX2 edge path inside an AVX-512 product) and for 1 and 3
// workers.
func TestMulAVX512SameBitsAsAVX2(t *testing.T) {
	skipNoAVX512(t)
	r := rand.New(rand.NewPCG(43, 43^0x9e3779b97f4a7c15))
	ref := newPoolBlocks(1, KernelAVX2, 0, defaultBlocks)
	defer ref.Close()
	var pools []*Pool
	var names []string
	for _, bs := range blockSets(KernelAVX512) {
		for _, w := range []int{1, 3} {
			pools = append(pools, newPoolBlocks(w, KernelAVX512, 0, bs.blk))
			names = append(names, fmt.Sprintf("%s/w=%d", bs.name, w))
			defer pools[len(pools)-1].Close()
		}
	}
	for pi, pr := range products {
		pr32 := products32[pi]
		for _, s := range shapes(r) {
			m, n, k := s[0], s[1], s[2]
			a, b := randSlice(r, m*k), randSlice(r, k*n)
			want := make([]float64, m*n)
			pr.fast(ref, want, a, b, m, n, k)
			a32, b32 := randSlice32(r, m*k), randSlice32(r, k*n)
			want32 := make([]float32, m*n)
			pr32.fast(ref, want32, a32, b32, m, n, k)
			for i, pool := range pools {
				got := make([]float64, m*n)
				pr.fast(pool, got, a, b, m, n, k)
				for e := range got {
					if math.Float64bits(got[e]) != math.Float64bits(want[e]) {
						t.Fatalf("%s %dx%dx%d %s: C[%d][%d] = %v, want %v (AVX2)",
							pr.name, m, n, k, names[i], e/n, e%n, got[e], want[e])
					}
				}
				got32 := make([]float32, m*n)
				pr32.fast(pool, got32, a32, b32, m, n, k)
				for e := range got32 {
					if math.Float32bits(got32[e]) != math.Float32bits(want32[e]) {
						t.Fatalf("%s %dx%dx%d %s: C[%d][%d] = %v, want %v (AVX2)",
							pr32.name, m, n, k, names[i], e/n, e%n, got32[e], want32[e])
					}
				}
			}
		}
	}
}

// operandIndex returns the indices of opA(i,p) and opB(p,j) in the operands
// of products[pi] (MulABt, MulAtB, MulAB).
func operandIndex(pi, m, n, k, i, j, p int) (int, int) {
	switch pi {
	case 0:
		return i*k + p, j*k + p
	case 1:
		return p*m + i, p*n + j
	}
	return i*k + p, p*n + j
}

// TestMulFMAChain checks each FMA kernel's float64 products against the
// exact FMA chain in ascending p (math.FMA), bit for bit, at shapes that
// cross every AVX-512 row remainder, the one- and two-panel kernels, the
// partial-panel edge and several k blocks.
func TestMulFMAChain(t *testing.T) {
	r := rand.New(rand.NewPCG(44, 44^0x9e3779b97f4a7c15))
	shapes := [][3]int{{1, 1, 1}, {11, 7, 3}, {13, 35, 41}, {25, 24, 300}, {128, 10, 128}, {30, 57, 9}}
	for _, kern := range kernels() {
		if kern == KernelGo {
			continue
		}
		for _, bs := range blockSets(kern) {
			pool := newPoolBlocks(2, kern, 0, bs.blk)
			for pi, pr := range products {
				for _, s := range shapes {
					m, n, k := s[0], s[1], s[2]
					a, b := randSlice(r, m*k), randSlice(r, k*n)
					got := make([]float64, m*n)
					pr.fast(pool, got, a, b, m, n, k)
					for e := range got {
						want := 0.0
						for p := range k {
							ai, bi := operandIndex(pi, m, n, k, e/n, e%n, p)
							want = math.FMA(a[ai], b[bi], want)
						}
						if math.Float64bits(got[e]) != math.Float64bits(want) {
							t.Fatalf("%s/%s/%s %dx%dx%d: C[%d][%d] = %v, want %v (exact FMA chain)",
								kern, bs.name, pr.name, m, n, k, e/n, e%n, got[e], want)
						}
					}
				}
			}
			pool.Close()
		}
	}
}

// TestDispatchAVX512 checks that a Pool on the AVX-512 kernel runs the
// AVX-512 kernels, which the bits cannot show (they equal AVX2's): the
// kernel tables are wrapped with counters for one product per precision.
func TestDispatchAVX512(t *testing.T) {
	skipNoAVX512(t)
	saved64, saved32 := kernZ64, kernZ32
	defer func() { kernZ64, kernZ32 = saved64, saved32 }()
	calls := 0
	for q := range kernZ64 {
		for rows := 1; rows < len(kernZ64[q]); rows++ {
			f, f32 := saved64[q][rows], saved32[q][rows]
			kernZ64[q][rows] = func(kb int, a, b, c *float64, ldc int, load bool) { calls++; f(kb, a, b, c, ldc, load) }
			kernZ32[q][rows] = func(kb int, a, b, c *float32, ldc int, load bool) { calls++; f32(kb, a, b, c, ldc, load) }
		}
	}
	const m, n, k = 30, 40, 20
	for _, kern := range []Kernel{KernelAVX2, KernelAVX512} {
		p := NewPoolKernel(1, kern)
		calls = 0
		p.MulABt(make([]float64, m*n), make([]float64, m*k), make([]float64, n*k), m, n, k)
		p.MulABt32(make([]float32, m*n), make([]float32, m*k), make([]float32, n*k), m, n, k)
		p.Close()
		if got := calls > 0; got != (kern == KernelAVX512) {
			t.Errorf("%s pool: %d AVX-512 kernel calls", kern, calls)
		}
	}
}
