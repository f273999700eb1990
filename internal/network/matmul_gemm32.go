package network

// The float32 blocked product behind MulABt32, MulAtB32 and MulAB32: the
// loop nest, task plan and summation order of matmul_gemm.go, on float32
// operands and a 6×16 register tile (two 8-wide ymm vectors per row, the same
// register plan as the float64 kernel). It is a second typed copy of
// gemmJob rather than a generic one so that the float64 path, whose
// assembly, packing routines and tile shape are its own, stays exactly the
// code that was measured. The packing has AVX versions
// (kernel32_pack_amd64.s) beside the Go loops, as in float64.
//
// Summation order. As in float64: each element of C is the chain
//
//	c = (((0 + a0·b0) + a1·b1) + …)      one FMA per p on the asm path,
//	                                     a float32-rounded product and add
//	                                     on the Go path
//
// in ascending p, whatever the cache blocks, the output partition or the
// worker, so results are bit-identical for any number of workers.

// The register tile of the float32 micro-kernel: mr rows of two 8-wide
// vectors.
const nr32 = 16

// gemmJob32 is gemmJob on float32 operands.
type gemmJob32 struct {
	c                  []float32
	a, b               []float32
	m, n, k            int
	ars, acs, brs, bcs int
	asm                bool
	zmm                bool // AVX-512 kernels (matmul_gemm512.go); asm too
	blk                blocks

	taskGrid // tiles of mr×nr32
}

// scratch32 is one worker's float32 packing memory, allocated the first time
// the worker runs a float32 product.
type scratch32 struct {
	ap   []float32 // mc×kc packed A
	bp   []float32 // kc×⌈nc/nr32⌉·nr32 packed B
	tile [mr * nr32]float32
}

func newScratch32(b blocks) *scratch32 {
	nc := (b.nc + nr32 - 1) / nr32 * nr32
	return &scratch32{
		ap: make([]float32, b.mc*b.kc),
		bp: make([]float32, b.kc*nc),
	}
}

// f32 returns the float32 scratch of s, allocating it on first use. Only the
// goroutine that owns s calls it.
func (s *scratch) f32(b blocks) *scratch32 {
	if s.s32 == nil {
		s.s32 = newScratch32(b)
	}
	return s.s32
}

// checkDims32 is checkDims on float32 slices.
func checkDims32(op string, c, a, b []float32, m, n, k int) {
	checkShape(op, len(c), len(a), len(b), m, n, k)
}

// plan is gemmJob.plan with nr32-wide tiles.
func (j *gemmJob32) plan(want int) { j.taskGrid.plan(j.m, j.n, nr32, want) }

// run is gemmJob.run with nr32-wide tiles.
func (j *gemmJob32) run(s *scratch32, t int) {
	i0, i1, j0, j1 := j.cell(t, j.m, j.n, nr32)
	j.block(s, i0, i1, j0, j1)
}

// block is gemmJob.block: C[i0:i1, j0:j1] in even cache blocks.
func (j *gemmJob32) block(s *scratch32, i0, i1, j0, j1 int) {
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
	um, un := mr, nr32
	if j.zmm && mc%(tileZ*mr) == 0 {
		um = tileZ * mr
	}
	if j.zmm && nc%(tileZ*nr32) == 0 {
		un = tileZ * nr32
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

// macro runs the micro-kernel over an mb×nb block of C at (ic, jc); edge
// tiles go through the scratch tile with the same kernel, or, for a last row
// tile of 4 or 2 rows on the asm path, through a row-limited copy of it.
func (j *gemmJob32) macro(s *scratch32, ic, mb, jc, nb, kb int, load bool) {
	asm := j.asm
	ldc := j.n
	jr0 := 0
	if j.zmm {
		jr0 = j.macroZ(s, ic, mb, jc, nb, kb, load)
	}
	for jr := jr0; jr < nb; jr += nr32 {
		bpan := s.bp[jr*kb : jr*kb+kb*nr32]
		nn := min(nr32, nb-jr)
		for ir := 0; ir < mb; ir += mr {
			apan := s.ap[ir*kb : ir*kb+kb*mr]
			mm := min(mr, mb-ir)
			off := (ic+ir)*ldc + jc + jr
			if mm == mr && nn == nr32 {
				microKernel32(asm, kb, apan, bpan, j.c[off:], ldc, load)
				continue
			}
			if asm && nn == nr32 && (mm == 4 || mm == 2) {
				// Last row tile of 4 or 2 rows: a row-limited copy of the
				// assembly kernel, same chain per element, straight into C.
				c := j.c[off : off+(mm-1)*ldc+nr32]
				if mm == 4 {
					kernAsm32_4(kb, &apan[0], &bpan[0], &c[0], ldc, load)
				} else {
					kernAsm32_2(kb, &apan[0], &bpan[0], &c[0], ldc, load)
				}
				continue
			}
			// Edge tile: same kernel, into the scratch tile.
			t := s.tile[:]
			if load {
				for r := 0; r < mm; r++ {
					copy(t[r*nr32:r*nr32+nn], j.c[off+r*ldc:off+r*ldc+nn])
				}
			}
			microKernel32(asm, kb, apan, bpan, t, nr32, load)
			for r := 0; r < mm; r++ {
				copy(j.c[off+r*ldc:off+r*ldc+nn], t[r*nr32:r*nr32+nn])
			}
		}
	}
}

// microKernel32 sets the mr×nr32 tile at c (row stride ldc) to
// (load ? c : 0) + Σ_p a[p·mr+r]·b[p·nr32+q], adding in ascending p.
func microKernel32(asm bool, kb int, a, b, c []float32, ldc int, load bool) {
	if asm {
		_ = a[kb*mr-1]
		_ = b[kb*nr32-1]
		_ = c[(mr-1)*ldc+nr32-1]
		kernAsm32(kb, &a[0], &b[0], &c[0], ldc, load)
		return
	}
	kernGo32(kb, a, b, c, ldc, load)
}

// packA copies opA[ic:ic+mb, pc:pc+kb] into mr-tall micro-panels,
// dst[q·mr·kb + p·mr + r], rows past mb zero, reading the source in memory
// order.
func (j *gemmJob32) packA(dst []float32, ic, mb, pc, kb int) {
	full := mb / mr * mr
	switch {
	case j.acs == 1: // rows of opA contiguous in p
		ars := j.ars
		for ir := 0; ir < full; ir += mr {
			pan := dst[ir*kb : ir*kb+kb*mr]
			base := (ic+ir)*ars + pc
			if j.asm {
				_ = j.a[base+5*ars+kb-1]
				packA6T32(&pan[0], &j.a[base], ars, kb)
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
			packA6_32(&dst[ir*kb], &j.a[base], acs, kb)
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
				var v float32
				if r < mm {
					v = j.a[base+r*j.ars+p*j.acs]
				}
				pan[p*mr+r] = v
			}
		}
	}
}

// packB copies opB[pc:pc+kb, jc:jc+nb] into nr32-wide micro-panels,
// dst[q·nr32·kb + p·nr32 + c], columns past nb zero.
func (j *gemmJob32) packB(dst []float32, pc, kb, jc, nb int) {
	full := nb / nr32 * nr32
	switch {
	case j.bcs == 1 && j.asm: // rows of opB contiguous in j
		brs := j.brs
		for jr := 0; jr < full; jr += nr32 {
			base := pc*brs + jc + jr
			_ = j.b[base+(kb-1)*brs+nr32-1]
			packB16_32(&dst[jr*kb], &j.b[base], brs, kb)
		}
	case j.bcs == 1:
		for p := 0; p < kb; p++ {
			row := j.b[(pc+p)*j.brs+jc:]
			row = row[:full]
			for jr := 0; jr < full; jr += nr32 {
				copy(dst[jr*kb+p*nr32:jr*kb+p*nr32+nr32], row[jr:jr+nr32])
			}
		}
	case j.brs == 1: // columns of opB contiguous in p
		bcs := j.bcs
		for jr := 0; jr < full; jr += nr32 {
			pan := dst[jr*kb : jr*kb+kb*nr32]
			if j.asm {
				base := (jc+jr)*bcs + pc
				_ = j.b[base+(nr32-1)*bcs+kb-1]
				packB8T32(&pan[0], &j.b[base], bcs, kb)
				packB8T32(&pan[8], &j.b[base+8*bcs], bcs, kb)
				continue
			}
			// Eight source columns at a time: sixteen live slices would
			// spill, eight stay in registers.
			for h := 0; h < nr32; h += 8 {
				base := (jc+jr+h)*bcs + pc
				c0 := j.b[base : base+kb]
				c1 := j.b[base+bcs : base+bcs+kb]
				c2 := j.b[base+2*bcs : base+2*bcs+kb]
				c3 := j.b[base+3*bcs : base+3*bcs+kb]
				c4 := j.b[base+4*bcs : base+4*bcs+kb]
				c5 := j.b[base+5*bcs : base+5*bcs+kb]
				c6 := j.b[base+6*bcs : base+6*bcs+kb]
				c7 := j.b[base+7*bcs : base+7*bcs+kb]
				for p := range c0 {
					d := pan[p*nr32+h : p*nr32+h+8 : p*nr32+h+8]
					d[0], d[1], d[2], d[3] = c0[p], c1[p], c2[p], c3[p]
					d[4], d[5], d[6], d[7] = c4[p], c5[p], c6[p], c7[p]
				}
			}
		}
	default:
		full = 0
	}
	for jr := full; jr < nb; jr += nr32 { // edge panel, or every panel if strided
		pan := dst[jr*kb : jr*kb+kb*nr32]
		nn := min(nr32, nb-jr)
		base := pc*j.brs + (jc+jr)*j.bcs
		for p := 0; p < kb; p++ {
			for q := 0; q < nr32; q++ {
				var v float32
				if q < nn {
					v = j.b[base+p*j.brs+q*j.bcs]
				}
				pan[p*nr32+q] = v
			}
		}
	}
}
