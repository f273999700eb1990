//go:build amd64 && !purego

package network

import "golang.org/x/sys/cpu"

// haveAsm reports whether the AVX2/FMA micro-kernel can run on this CPU.
func haveAsm() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }

// kernAsm is kernGo with 256-bit fused multiply-adds: it sets the mr×nr tile
// at c (row stride ldc elements) to (load ? c : 0) + Σ_p a[p·mr+r]·b[p·nr+q],
// in ascending p, each step one FMA. Implemented in kernel_amd64.s.
//
//go:noescape
func kernAsm(kb int, a, b, c *float64, ldc int, load bool)

// peakFMAFlops is the number of floating-point operations per iteration of
// peakFMA: twelve 4-wide fused multiply-adds.
const peakFMAFlops = 12 * 4 * 2

// peakFMA runs iters iterations of twelve independent register-only FMAs,
// enough chains to cover the FMA latency on both pipes; it measures peak.
//
//go:noescape
func peakFMA(iters int)

// The packing routines of kernel_pack_amd64.s; every element they address
// must lie inside the caller's slices (kb = 0 copies nothing).
//
//	packA6T: dst[p·6+r] = src[r·ld+p]   six rows interleaved (A·… products)
//	packB8T: dst[p·8+c] = src[c·ld+p]   eight rows interleaved (A·Bᵀ)
//	packA6:  dst[p·6+r] = src[p·ld+r]   six contiguous per p (Aᵀ·B)
//	packB8:  dst[p·8+c] = src[p·ld+c]   eight contiguous per p (…·B)

//go:noescape
func packA6T(dst, src *float64, ld, kb int)

//go:noescape
func packB8T(dst, src *float64, ld, kb int)

//go:noescape
func packA6(dst, src *float64, ld, kb int)

//go:noescape
func packB8(dst, src *float64, ld, kb int)

// kernAsm4 and kernAsm2 are kernAsm for the first 4 or 2 rows of the tile
// (kernel_edge_amd64.s): the same chain per element, so the same bits.
//
//go:noescape
func kernAsm4(kb int, a, b, c *float64, ldc int, load bool)

//go:noescape
func kernAsm2(kb int, a, b, c *float64, ldc int, load bool)

// kernAsm32 is kernGo32 with 256-bit fused multiply-adds on float32: it sets
// the mr×nr32 tile at c (row stride ldc elements) to
// (load ? c : 0) + Σ_p a[p·mr+r]·b[p·nr32+q], in ascending p, each step one
// FMA. Implemented in kernel32_amd64.s.
//
//go:noescape
func kernAsm32(kb int, a, b, c *float32, ldc int, load bool)

// peakFMA32Flops is the number of floating-point operations per iteration of
// peakFMA32: twelve 8-wide float32 fused multiply-adds.
const peakFMA32Flops = 12 * 8 * 2

// peakFMA32 is peakFMA on float32 lanes: the float32 FMA peak.
//
//go:noescape
func peakFMA32(iters int)

// The float32 packing routines of kernel32_pack_amd64.s; every element they
// address must lie inside the caller's slices (kb = 0 copies nothing).
//
//	packA6T32: dst[p·6+r]  = src[r·ld+p]   six rows interleaved (A·… products)
//	packB8T32: dst[p·16+c] = src[c·ld+p]   eight rows into half a 16-wide panel (A·Bᵀ)
//	packA6_32: dst[p·6+r]  = src[p·ld+r]   six contiguous per p (Aᵀ·B)
//	packB16_32: dst[p·16+c] = src[p·ld+c]  sixteen contiguous per p (…·B)

//go:noescape
func packA6T32(dst, src *float32, ld, kb int)

//go:noescape
func packB8T32(dst, src *float32, ld, kb int)

//go:noescape
func packA6_32(dst, src *float32, ld, kb int)

//go:noescape
func packB16_32(dst, src *float32, ld, kb int)

// kernAsm32_4 and kernAsm32_2 are kernAsm32 for the first 4 or 2 rows of the
// tile (kernel32_edge_amd64.s): the same chain per element, so the same bits.
//
//go:noescape
func kernAsm32_4(kb int, a, b, c *float32, ldc int, load bool)

//go:noescape
func kernAsm32_2(kb int, a, b, c *float32, ldc int, load bool)
