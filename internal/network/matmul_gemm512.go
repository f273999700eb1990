package network

// The AVX-512 path of the blocked products. It keeps the packed panels of
// matmul_gemm.go (A in mr=6-tall panels, B in nr-wide ones: 8 float64 or
// nr32=16 float32, one zmm register each) and runs kernels that take two A
// panels and two B panels at once: a 12×16 float64 or 12×32 float32 tile of
// C in 24 of the 32 zmm registers (gen_kernel512.go). The row remainder of a
// block (1 to 11 rows) and a last full B panel go through row-limited and
// one-panel copies of the same kernel, straight into C; only a last, partial
// B panel (n not a multiple of 8 or 16) is left to the AVX2 edge path.
//
// Bits. Every element of C is the chain of kernAsm and kernAsm32, one FMA per
// p in ascending p, starting from 0 or from C: the AVX-512 and AVX2 kernels
// give the same bits, so which of them computes an element (a question of
// its position, block and task) changes nothing, and a product gives the
// same bits on either kernel, for any worker count and cache blocks.

// kernFunc and kernFunc32 are the signature of the assembly micro-kernels.
type (
	kernFunc   func(kb int, a, b, c *float64, ldc int, load bool)
	kernFunc32 func(kb int, a, b, c *float32, ldc int, load bool)
)

// tileZ is the register tile of the AVX-512 kernels in packed panels: 2 A
// panels by 2 B panels. It is the unit the blocks and the block loops split
// in (blocks.go, gemmJob.block).
const tileZ = 2

// macroZ runs the AVX-512 kernels over the full-width B panels of an mb×nb
// block of C at (ic, jc) and returns the column (relative to jc) where the
// panels it left, at most one partial panel, begin.
func (j *gemmJob) macroZ(s *scratch, ic, mb, jc, nb, kb int, load bool) int {
	ldc := j.n
	full := nb / nr * nr
	for jr := 0; jr < full; {
		panels := min(tileZ, (full-jr)/nr)
		bpan := s.bp[jr*kb : (jr+panels*nr)*kb]
		kern := kernZ64[panels-1]
		for ir := 0; ir < mb; ir += tileZ * mr {
			rows := min(tileZ*mr, mb-ir)
			apan := s.ap[ir*kb : ir*kb+(rows+mr-1)/mr*mr*kb]
			off := (ic+ir)*ldc + jc + jr
			c := j.c[off : off+(rows-1)*ldc+panels*nr]
			kern[rows](kb, &apan[0], &bpan[0], &c[0], ldc, load)
		}
		jr += panels * nr
	}
	return full
}

// macroZ is gemmJob.macroZ on float32: B panels of nr32.
func (j *gemmJob32) macroZ(s *scratch32, ic, mb, jc, nb, kb int, load bool) int {
	ldc := j.n
	full := nb / nr32 * nr32
	for jr := 0; jr < full; {
		panels := min(tileZ, (full-jr)/nr32)
		bpan := s.bp[jr*kb : (jr+panels*nr32)*kb]
		kern := kernZ32[panels-1]
		for ir := 0; ir < mb; ir += tileZ * mr {
			rows := min(tileZ*mr, mb-ir)
			apan := s.ap[ir*kb : ir*kb+(rows+mr-1)/mr*mr*kb]
			off := (ic+ir)*ldc + jc + jr
			c := j.c[off : off+(rows-1)*ldc+panels*nr32]
			kern[rows](kb, &apan[0], &bpan[0], &c[0], ldc, load)
		}
		jr += panels * nr32
	}
	return full
}
