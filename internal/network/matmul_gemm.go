package network

// The blocked product behind the three Pool methods. All three are one
// operation on strided views,
//
//	C[i][j] = Σ_p opA(i,p)·opB(p,j)      opA(i,p) = a[i·ars + p·acs]
//	                                     opB(p,j) = b[p·brs + j·bcs]
//
// so MulABt, MulAtB and MulAB differ only in the strides; no transpose is ever
// written to the caller's memory. Operands are copied instead into per-worker
// packed panels, as BLAS does. The loop nest is the BLIS/gonum one, over
// blocks of at most nc, kc and mc split evenly:
//
//	for each column block jc       columns of C
//	  for each k block pc          k, ascending
//	    pack opB[pc:pc+kb, jc:jc+nb] into nr-wide micro-panels
//	    for each row block ic      rows of C
//	      pack opA[ic:ic+mb, pc:pc+kb] into mr-tall micro-panels
//	      for each nr-wide micro-panel of B
//	        for each mr-tall micro-panel of A
//	          micro-kernel: C tile (mr×nr) += A panel · B panel
//
// The kernel and the packing have an AVX2/FMA version (kernel_amd64.s,
// kernel_pack_amd64.s) chosen once per Pool, and a Go version (kernel_go.go
// and the loops below) used on other CPUs and with -tags purego. The AVX-512
// kernels (matmul_gemm512.go) take 2×2 of these micro-panels at a time.
//
// Summation order. The micro-kernel starts its accumulators from C (or from
// zero for the first k block) and adds the products one p at a time, in
// ascending p. Every element of C is therefore the same chain
//
//	c = (((0 + a0·b0) + a1·b1) + …)      (fused multiply-adds on the asm path)
//
// whatever the k blocking, the output partition or the worker that computes
// it. Edge tiles are packed with zero padding and go through the same kernel
// into a scratch tile (or, for a last row tile of 4 or 2 rows on the asm
// path, through a row-limited copy of it that performs the same chain), so no
// element ever switches between the asm and the Go arithmetic. Which of the
// two a Pool uses is fixed when it is created. Results are therefore
// bit-identical for any number of workers.

import "fmt"

// The register tile of the micro-kernel: 12 of the 16 ymm registers
// accumulate an mr×nr tile of C. The cache blocks kc, mc and nc come from the
// machine's cache sizes (blocks.go): kc×nr of packed B stays in L1 while the
// A micro-panels stream past, the mc×kc packed A block in L2, the kc×nc
// packed B block in the core's share of L3.
const (
	mr = 6
	nr = 8
)

// gemmJob describes one product on strided views, plus how its output is cut
// into tasks. A task is a rectangle of C made of whole mr×nr tiles.
type gemmJob struct {
	c                  []float64
	a, b               []float64
	m, n, k            int
	ars, acs, brs, bcs int
	asm                bool   // assembly kernel and packing
	zmm                bool   // AVX-512 kernels (matmul_gemm512.go); asm too
	blk                blocks // cache blocks, those of the Pool's scratch

	taskGrid
}

// taskGrid is how a product's m×n output is cut into tasks, the part of a
// job that does not depend on the element type: gemmJob and gemmJob32 share
// it with their own tile width tn (nr or nr32).
type taskGrid struct {
	tilesM, tilesN int // ⌈m/mr⌉, ⌈n/tn⌉
	pm, pn         int // task grid: pm row bands × pn column bands
}

// scratch is one worker's packing memory, allocated once.
type scratch struct {
	ap   []float64 // mc×kc packed A
	bp   []float64 // kc×nc packed B
	tile [mr * nr]float64
	s32  *scratch32 // the float32 scratch, allocated on first use (matmul_gemm32.go)
}

func newScratch(b blocks) *scratch {
	return &scratch{
		ap: make([]float64, b.mc*b.kc),
		bp: make([]float64, b.kc*b.nc),
	}
}

// checkDims panics on slices too short for the stated shape: a programming
// bug in the caller, not bad input.
func checkDims(op string, c, a, b []float64, m, n, k int) {
	checkShape(op, len(c), len(a), len(b), m, n, k)
}

// checkShape is checkDims on the slices' lengths, for either element type.
func checkShape(op string, lc, la, lb, m, n, k int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("network: %s: negative dimension m=%d n=%d k=%d", op, m, n, k))
	}
	if lc < m*n || la < m*k || lb < k*n {
		panic(fmt.Sprintf("network: %s: m=%d n=%d k=%d needs len(c)>=%d len(a)>=%d len(b)>=%d, got %d %d %d",
			op, m, n, k, m*n, m*k, k*n, lc, la, lb))
	}
}

// tasks reports the number of tasks of the grid.
func (g *taskGrid) tasks() int { return g.pm * g.pn }

// plan cuts an m×n C of mr×tn tiles into at least want tasks (when there are
// enough tiles), splitting the longer side first. Tasks are no smaller than
// they must be: each task packs its own panels, so more tasks than workers
// only repack operands, and block already walks a large task in cache-sized
// blocks. plan(…, 1) is the single task of the whole of C.
func (g *taskGrid) plan(m, n, tn, want int) {
	g.tilesM = (m + mr - 1) / mr
	g.tilesN = (n + tn - 1) / tn
	g.pm, g.pn = 1, 1
	for g.pm*g.pn < want {
		rowsPer := g.tilesM * mr / g.pm
		colsPer := g.tilesN * tn / g.pn
		switch {
		case colsPer >= rowsPer && g.pn < g.tilesN:
			g.pn++
		case g.pm < g.tilesM:
			g.pm++
		case g.pn < g.tilesN:
			g.pn++
		default:
			return
		}
	}
}

// cell returns task t's rectangle C[i0:i1, j0:j1] of an m×n C of mr×tn
// tiles; i0 and j0 are tile-aligned.
func (g *taskGrid) cell(t, m, n, tn int) (i0, i1, j0, j1 int) {
	ti, tj := t/g.pn, t%g.pn
	i0 = ti * g.tilesM / g.pm * mr
	i1 = min((ti+1)*g.tilesM/g.pm*mr, m)
	j0 = tj * g.tilesN / g.pn * tn
	j1 = min((tj+1)*g.tilesN/g.pn*tn, n)
	return i0, i1, j0, j1
}

// plan cuts the job's C into at least want tasks of mr×nr tiles.
func (j *gemmJob) plan(want int) { j.taskGrid.plan(j.m, j.n, nr, want) }

// run computes task t of the job with the given scratch memory.
func (j *gemmJob) run(s *scratch, t int) {
	i0, i1, j0, j1 := j.cell(t, j.m, j.n, nr)
	j.block(s, i0, i1, j0, j1)
}

// block computes C[i0:i1, j0:j1]. i0 and j0 are tile-aligned. Each loop
// splits its range into the fewest blocks of at most mc, nc or kc and makes
// them as even as whole tiles allow, so a k of 784 runs as 4×196 rather than
// 3×256 + 16 (which would pay the tile load and store for 16 steps).
func (j *gemmJob) block(s *scratch, i0, i1, j0, j1 int) {
	if j.k == 0 {
		for i := i0; i < i1; i++ {
			clear(j.c[i*j.n+j0 : i*j.n+j1])
		}
		return
	}
	kc, mc, nc := j.blk.kc, j.blk.mc, j.blk.nc
	// Blocks split in whole register tiles of the kernel: 2×2 micro-panels
	// for AVX-512 when the blocks are multiples of it (machineBlocks are),
	// so that no block ends in half a tile; else micro-panels.
	um, un := mr, nr
	if j.zmm && mc%(tileZ*mr) == 0 {
		um = tileZ * mr
	}
	if j.zmm && nc%(tileZ*nr) == 0 {
		un = tileZ * nr
	}
	nj := (j1 - j0 + nc - 1) / nc
	tj := (j1 - j0 + un - 1) / un
	np := (j.k + kc - 1) / kc
	ni := (i1 - i0 + mc - 1) / mc
	ti := (i1 - i0 + um - 1) / um
	for bj := range nj {
		jc := j0 + bj*tj/nj*un
		nb := min(j0+(bj+1)*tj/nj*un, j1) - jc
		for bp := range np {
			pc := bp * j.k / np
			kb := (bp+1)*j.k/np - pc
			j.packB(s.bp, pc, kb, jc, nb)
			for bi := range ni {
				ic := i0 + bi*ti/ni*um
				mb := min(i0+(bi+1)*ti/ni*um, i1) - ic
				j.packA(s.ap, ic, mb, pc, kb)
				j.macro(s, ic, mb, jc, nb, kb, bp > 0)
			}
		}
	}
}

// macro runs the micro-kernel over an mb×nb block of C at (ic, jc), from
// packed panels of depth kb. load says whether the accumulators start from C.
func (j *gemmJob) macro(s *scratch, ic, mb, jc, nb, kb int, load bool) {
	asm := j.asm
	ldc := j.n
	jr0 := 0
	if j.zmm {
		jr0 = j.macroZ(s, ic, mb, jc, nb, kb, load)
	}
	for jr := jr0; jr < nb; jr += nr {
		bpan := s.bp[jr*kb : jr*kb+kb*nr]
		nn := min(nr, nb-jr)
		for ir := 0; ir < mb; ir += mr {
			apan := s.ap[ir*kb : ir*kb+kb*mr]
			mm := min(mr, mb-ir)
			off := (ic+ir)*ldc + jc + jr
			if mm == mr && nn == nr {
				microKernel(asm, kb, apan, bpan, j.c[off:], ldc, load)
				continue
			}
			if asm && nn == nr && (mm == 4 || mm == 2) {
				// Last row tile of 4 or 2 rows: a row-limited copy of the
				// assembly kernel, same chain per element, straight into C.
				c := j.c[off : off+(mm-1)*ldc+nr]
				if mm == 4 {
					kernAsm4(kb, &apan[0], &bpan[0], &c[0], ldc, load)
				} else {
					kernAsm2(kb, &apan[0], &bpan[0], &c[0], ldc, load)
				}
				continue
			}
			// Edge tile: same kernel, into the scratch tile.
			t := s.tile[:]
			if load {
				for r := 0; r < mm; r++ {
					copy(t[r*nr:r*nr+nn], j.c[off+r*ldc:off+r*ldc+nn])
				}
			}
			microKernel(asm, kb, apan, bpan, t, nr, load)
			for r := 0; r < mm; r++ {
				copy(j.c[off+r*ldc:off+r*ldc+nn], t[r*nr:r*nr+nn])
			}
		}
	}
}

// microKernel sets the mr×nr tile at c (row stride ldc) to
// (load ? c : 0) + Σ_p a[p·mr+r]·b[p·nr+q], adding in ascending p.
func microKernel(asm bool, kb int, a, b, c []float64, ldc int, load bool) {
	if asm {
		_ = a[kb*mr-1]
		_ = b[kb*nr-1]
		_ = c[(mr-1)*ldc+nr-1]
		kernAsm(kb, &a[0], &b[0], &c[0], ldc, load)
		return
	}
	kernGo(kb, a, b, c, ldc, load)
}

// packA copies opA[ic:ic+mb, pc:pc+kb] into mr-tall micro-panels: panel q
// holds rows ic+q·mr … as dst[q·mr·kb + p·mr + r]; rows past mb are zero.
// The source is read in its memory order: row by row for A·… products,
// p by p (across all panels at once) for the Aᵀ·… product.
func (j *gemmJob) packA(dst []float64, ic, mb, pc, kb int) {
	full := mb / mr * mr
	switch {
	case j.acs == 1: // rows of opA contiguous in p
		ars := j.ars
		for ir := 0; ir < full; ir += mr {
			pan := dst[ir*kb : ir*kb+kb*mr]
			base := (ic+ir)*ars + pc
			if j.asm {
				_ = j.a[base+5*ars+kb-1]
				packA6T(&pan[0], &j.a[base], ars, kb)
				continue
			}
			r0 := j.a[base : base+kb]
			r1 := j.a[base+ars : base+ars+kb]
			r2 := j.a[base+2*ars : base+2*ars+kb]
			r3 := j.a[base+3*ars : base+3*ars+kb]
			r4 := j.a[base+4*ars : base+4*ars+kb]
			r5 := j.a[base+5*ars : base+5*ars+kb]
			for p := range r0 {
				d := pan[p*mr : p*mr+mr : p*mr+mr]
				d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
			}
		}
	case j.ars == 1 && j.asm: // columns of opA contiguous in i
		acs := j.acs
		for ir := 0; ir < full; ir += mr {
			base := pc*acs + ic + ir
			_ = j.a[base+(kb-1)*acs+mr-1]
			packA6(&dst[ir*kb], &j.a[base], acs, kb)
		}
	case j.ars == 1:
		for p := 0; p < kb; p++ {
			row := j.a[(pc+p)*j.acs+ic:]
			row = row[:full]
			for ir := 0; ir < full; ir += mr {
				src := row[ir : ir+mr : ir+mr]
				d := dst[ir*kb+p*mr : ir*kb+p*mr+mr : ir*kb+p*mr+mr]
				d[0], d[1], d[2], d[3], d[4], d[5] = src[0], src[1], src[2], src[3], src[4], src[5]
			}
		}
	default:
		full = 0
	}
	for ir := full; ir < mb; ir += mr { // edge panel, or every panel if strided
		pan := dst[ir*kb : ir*kb+kb*mr]
		mm := min(mr, mb-ir)
		base := (ic+ir)*j.ars + pc*j.acs
		for p := 0; p < kb; p++ {
			for r := 0; r < mr; r++ {
				v := 0.0
				if r < mm {
					v = j.a[base+r*j.ars+p*j.acs]
				}
				pan[p*mr+r] = v
			}
		}
	}
}

// packB copies opB[pc:pc+kb, jc:jc+nb] into nr-wide micro-panels: panel q
// holds columns jc+q·nr … as dst[q·nr·kb + p·nr + c]; columns past nb are
// zero. Like packA it reads the source in memory order.
func (j *gemmJob) packB(dst []float64, pc, kb, jc, nb int) {
	full := nb / nr * nr
	switch {
	case j.bcs == 1 && j.asm: // rows of opB contiguous in j
		brs := j.brs
		for jr := 0; jr < full; jr += nr {
			base := pc*brs + jc + jr
			_ = j.b[base+(kb-1)*brs+nr-1]
			packB8(&dst[jr*kb], &j.b[base], brs, kb)
		}
	case j.bcs == 1:
		for p := 0; p < kb; p++ {
			row := j.b[(pc+p)*j.brs+jc:]
			row = row[:full]
			for jr := 0; jr < full; jr += nr {
				src := row[jr : jr+nr : jr+nr]
				d := dst[jr*kb+p*nr : jr*kb+p*nr+nr : jr*kb+p*nr+nr]
				d[0], d[1], d[2], d[3] = src[0], src[1], src[2], src[3]
				d[4], d[5], d[6], d[7] = src[4], src[5], src[6], src[7]
			}
		}
	case j.brs == 1: // columns of opB contiguous in p
		bcs := j.bcs
		for jr := 0; jr < full; jr += nr {
			pan := dst[jr*kb : jr*kb+kb*nr]
			base := (jc+jr)*bcs + pc
			if j.asm {
				_ = j.b[base+7*bcs+kb-1]
				packB8T(&pan[0], &j.b[base], bcs, kb)
				continue
			}
			c0 := j.b[base : base+kb]
			c1 := j.b[base+bcs : base+bcs+kb]
			c2 := j.b[base+2*bcs : base+2*bcs+kb]
			c3 := j.b[base+3*bcs : base+3*bcs+kb]
			c4 := j.b[base+4*bcs : base+4*bcs+kb]
			c5 := j.b[base+5*bcs : base+5*bcs+kb]
			c6 := j.b[base+6*bcs : base+6*bcs+kb]
			c7 := j.b[base+7*bcs : base+7*bcs+kb]
			for p := range c0 {
				d := pan[p*nr : p*nr+nr : p*nr+nr]
				d[0], d[1], d[2], d[3] = c0[p], c1[p], c2[p], c3[p]
				d[4], d[5], d[6], d[7] = c4[p], c5[p], c6[p], c7[p]
			}
		}
	default:
		full = 0
	}
	for jr := full; jr < nb; jr += nr { // edge panel, or every panel if strided
		pan := dst[jr*kb : jr*kb+kb*nr]
		nn := min(nr, nb-jr)
		base := pc*j.brs + (jc+jr)*j.bcs
		for p := 0; p < kb; p++ {
			for q := 0; q < nr; q++ {
				v := 0.0
				if q < nn {
					v = j.b[base+p*j.brs+q*j.bcs]
				}
				pan[p*nr+q] = v
			}
		}
	}
}
