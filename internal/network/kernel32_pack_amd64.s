//go:build amd64 && !purego

#include "textflag.h"

// Transposing packing routines for matmul_gemm32.go (packA, packB there).
// Packing only moves values, so it cannot change any result bit.

// func packA6T32(dst, src *float32, ld, kb int)
// dst[p*6+r] = src[r*ld+p], r < 6: six source rows interleaved, four p at a
// time by a 4×4 transpose (rows 0-3) and a 2×4 unpack (rows 4-5).
TEXT ·packA6T32(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	MOVQ kb+24(FP), CX
	SHLQ $2, DX
	LEAQ (SI)(DX*2), R8
	ADDQ DX, R8 // R8 = row 3
	MOVQ CX, BX
	SHRQ $2, BX
	ANDQ $3, CX
	TESTQ BX, BX
	JZ a6ttail

a6tloop:
	VMOVUPS (SI), X0
	VMOVUPS (SI)(DX*1), X1
	VMOVUPS (SI)(DX*2), X2
	VMOVUPS (R8), X3
	VMOVUPS (R8)(DX*1), X4
	VMOVUPS (R8)(DX*2), X5
	VUNPCKLPS X1, X0, X6 // r0[0] r1[0] r0[1] r1[1]
	VUNPCKHPS X1, X0, X7 // r0[2] r1[2] r0[3] r1[3]
	VUNPCKLPS X3, X2, X8 // r2[0] r3[0] r2[1] r3[1]
	VUNPCKHPS X3, X2, X9 // r2[2] r3[2] r2[3] r3[3]
	VUNPCKLPS X5, X4, X10 // r4[0] r5[0] r4[1] r5[1]
	VUNPCKHPS X5, X4, X11 // r4[2] r5[2] r4[3] r5[3]
	VSHUFPS $0x44, X8, X6, X0 // p+0: r0..r3
	VSHUFPS $0xEE, X8, X6, X1 // p+1
	VSHUFPS $0x44, X9, X7, X2 // p+2
	VSHUFPS $0xEE, X9, X7, X3 // p+3
	VMOVUPS X0, 0(DI)
	VMOVSD X10, 16(DI)
	VMOVUPS X1, 24(DI)
	VMOVHPS X10, 40(DI)
	VMOVUPS X2, 48(DI)
	VMOVSD X11, 64(DI)
	VMOVUPS X3, 72(DI)
	VMOVHPS X11, 88(DI)
	ADDQ $16, SI
	ADDQ $16, R8
	ADDQ $96, DI
	DECQ BX
	JNZ a6tloop

a6ttail:
	TESTQ CX, CX
	JZ a6tdone

a6tloop1:
	VMOVSS (SI), X0
	VMOVSS (SI)(DX*1), X1
	VMOVSS (SI)(DX*2), X2
	VMOVSS (R8), X3
	VMOVSS (R8)(DX*1), X4
	VMOVSS (R8)(DX*2), X5
	VMOVSS X0, 0(DI)
	VMOVSS X1, 4(DI)
	VMOVSS X2, 8(DI)
	VMOVSS X3, 12(DI)
	VMOVSS X4, 16(DI)
	VMOVSS X5, 20(DI)
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $24, DI
	DECQ CX
	JNZ a6tloop1

a6tdone:
	VZEROUPPER
	RET

// func packB8T32(dst, src *float32, ld, kb int)
// dst[p*16+c] = src[c*ld+p], c < 8: eight source rows interleaved into one
// half of a 16-wide panel, eight p at a time by an 8×8 transpose.
TEXT ·packB8T32(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	MOVQ kb+24(FP), CX
	SHLQ $2, DX
	LEAQ (SI)(DX*2), R8
	ADDQ DX, R8 // R8 = row 3
	LEAQ (R8)(DX*2), R9
	ADDQ DX, R9 // R9 = row 6
	MOVQ CX, BX
	SHRQ $3, BX
	ANDQ $7, CX
	TESTQ BX, BX
	JZ b8ttail

b8tloop:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(DX*1), Y1
	VMOVUPS (SI)(DX*2), Y2
	VMOVUPS (R8), Y3
	VMOVUPS (R8)(DX*1), Y4
	VMOVUPS (R8)(DX*2), Y5
	VMOVUPS (R9), Y6
	VMOVUPS (R9)(DX*1), Y7
	VUNPCKLPS Y1, Y0, Y8  // r0 r1 at p0 p1 | p4 p5
	VUNPCKHPS Y1, Y0, Y9  // r0 r1 at p2 p3 | p6 p7
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0 // rows 0-3 at p0 | p4
	VSHUFPS $0xEE, Y10, Y8, Y1 // p1 | p5
	VSHUFPS $0x44, Y11, Y9, Y2 // p2 | p6
	VSHUFPS $0xEE, Y11, Y9, Y3 // p3 | p7
	VSHUFPS $0x44, Y14, Y12, Y4 // rows 4-7 at p0 | p4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8  // p0
	VPERM2F128 $0x20, Y5, Y1, Y9  // p1
	VPERM2F128 $0x20, Y6, Y2, Y10 // p2
	VPERM2F128 $0x20, Y7, Y3, Y11 // p3
	VPERM2F128 $0x31, Y4, Y0, Y12 // p4
	VPERM2F128 $0x31, Y5, Y1, Y13 // p5
	VPERM2F128 $0x31, Y6, Y2, Y14 // p6
	VPERM2F128 $0x31, Y7, Y3, Y15 // p7
	VMOVUPS Y8, 0(DI)
	VMOVUPS Y9, 64(DI)
	VMOVUPS Y10, 128(DI)
	VMOVUPS Y11, 192(DI)
	VMOVUPS Y12, 256(DI)
	VMOVUPS Y13, 320(DI)
	VMOVUPS Y14, 384(DI)
	VMOVUPS Y15, 448(DI)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $512, DI
	DECQ BX
	JNZ b8tloop

b8ttail:
	TESTQ CX, CX
	JZ b8tdone

b8tloop1:
	VMOVSS (SI), X0
	VMOVSS (SI)(DX*1), X1
	VMOVSS (SI)(DX*2), X2
	VMOVSS (R8), X3
	VMOVSS (R8)(DX*1), X4
	VMOVSS (R8)(DX*2), X5
	VMOVSS (R9), X6
	VMOVSS (R9)(DX*1), X7
	VMOVSS X0, 0(DI)
	VMOVSS X1, 4(DI)
	VMOVSS X2, 8(DI)
	VMOVSS X3, 12(DI)
	VMOVSS X4, 16(DI)
	VMOVSS X5, 20(DI)
	VMOVSS X6, 24(DI)
	VMOVSS X7, 28(DI)
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $4, R9
	ADDQ $64, DI
	DECQ CX
	JNZ b8tloop1

b8tdone:
	VZEROUPPER
	RET

// func packA6_32(dst, src *float32, ld, kb int)
// dst[p*6+r] = src[p*ld+r], r < 6: six contiguous values per p.
TEXT ·packA6_32(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	MOVQ kb+24(FP), CX
	SHLQ $2, DX
	TESTQ CX, CX
	JZ a6done

a6loop:
	VMOVUPS (SI), X0
	VMOVSD 16(SI), X1
	VMOVUPS X0, (DI)
	VMOVSD X1, 16(DI)
	ADDQ DX, SI
	ADDQ $24, DI
	DECQ CX
	JNZ a6loop

a6done:
	RET

// func packB16_32(dst, src *float32, ld, kb int)
// dst[p*16+c] = src[p*ld+c], c < 16: sixteen contiguous values per p.
TEXT ·packB16_32(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	MOVQ kb+24(FP), CX
	SHLQ $2, DX
	TESTQ CX, CX
	JZ b16done

b16loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ DX, SI
	ADDQ $64, DI
	DECQ CX
	JNZ b16loop

b16done:
	VZEROUPPER
	RET
