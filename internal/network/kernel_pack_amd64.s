//go:build amd64 && !purego

#include "textflag.h"

// Packing routines for matmul_gemm.go (see packA, packB there). Each fills one
// micro-panel of depth kb from a source whose rows are ld elements apart.
// Packing only moves values, so it cannot change any result bit.

// func packA6T(dst, src *float64, ld, kb int)
// dst[p*6+r] = src[r*ld+p], r < 6: six source rows interleaved, four p at a
// time by 4×4 transposes (rows 0-3) and 2×4 unpacks (rows 4-5).
TEXT ·packA6T(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	MOVQ kb+24(FP), CX
	SHLQ $3, DX
	LEAQ (SI)(DX*2), R8
	ADDQ DX, R8 // R8 = row 3
	MOVQ CX, BX
	SHRQ $2, BX
	ANDQ $3, CX
	TESTQ BX, BX
	JZ a6ttail

a6tloop:
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(DX*1), Y1
	VMOVUPD (SI)(DX*2), Y2
	VMOVUPD (R8), Y3
	VMOVUPD (R8)(DX*1), Y4
	VMOVUPD (R8)(DX*2), Y5
	VUNPCKLPD Y1, Y0, Y6  // r0[0] r1[0] r0[2] r1[2]
	VUNPCKHPD Y1, Y0, Y7  // r0[1] r1[1] r0[3] r1[3]
	VUNPCKLPD Y3, Y2, Y8  // r2[0] r3[0] r2[2] r3[2]
	VUNPCKHPD Y3, Y2, Y9  // r2[1] r3[1] r2[3] r3[3]
	VUNPCKLPD Y5, Y4, Y10 // r4[0] r5[0] r4[2] r5[2]
	VUNPCKHPD Y5, Y4, Y11 // r4[1] r5[1] r4[3] r5[3]
	VPERM2F128 $0x20, Y8, Y6, Y0 // p+0: r0..r3
	VPERM2F128 $0x20, Y9, Y7, Y1 // p+1
	VPERM2F128 $0x31, Y8, Y6, Y2 // p+2
	VPERM2F128 $0x31, Y9, Y7, Y3 // p+3
	VMOVUPD Y0, 0(DI)
	VMOVUPD X10, 32(DI)
	VMOVUPD Y1, 48(DI)
	VMOVUPD X11, 80(DI)
	VMOVUPD Y2, 96(DI)
	VEXTRACTF128 $1, Y10, 128(DI)
	VMOVUPD Y3, 144(DI)
	VEXTRACTF128 $1, Y11, 176(DI)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $192, DI
	DECQ BX
	JNZ a6tloop

a6ttail:
	TESTQ CX, CX
	JZ a6tdone

a6tloop1:
	VMOVSD (SI), X0
	VMOVSD (SI)(DX*1), X1
	VMOVSD (SI)(DX*2), X2
	VMOVSD (R8), X3
	VMOVSD (R8)(DX*1), X4
	VMOVSD (R8)(DX*2), X5
	VMOVSD X0, 0(DI)
	VMOVSD X1, 8(DI)
	VMOVSD X2, 16(DI)
	VMOVSD X3, 24(DI)
	VMOVSD X4, 32(DI)
	VMOVSD X5, 40(DI)
	ADDQ $8, SI
	ADDQ $8, R8
	ADDQ $48, DI
	DECQ CX
	JNZ a6tloop1

a6tdone:
	VZEROUPPER
	RET

// func packB8T(dst, src *float64, ld, kb int)
// dst[p*8+c] = src[c*ld+p], c < 8: eight source rows interleaved, four p at
// a time by two 4×4 transposes.
TEXT ·packB8T(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	MOVQ kb+24(FP), CX
	SHLQ $3, DX
	LEAQ (SI)(DX*2), R8
	ADDQ DX, R8 // R8 = row 3
	LEAQ (R8)(DX*2), R9
	ADDQ DX, R9 // R9 = row 6
	MOVQ CX, BX
	SHRQ $2, BX
	ANDQ $3, CX
	TESTQ BX, BX
	JZ b8ttail

b8tloop:
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(DX*1), Y1
	VMOVUPD (SI)(DX*2), Y2
	VMOVUPD (R8), Y3
	VMOVUPD (R8)(DX*1), Y4
	VMOVUPD (R8)(DX*2), Y5
	VMOVUPD (R9), Y6
	VMOVUPD (R9)(DX*1), Y7
	VUNPCKLPD Y1, Y0, Y8
	VUNPCKHPD Y1, Y0, Y9
	VUNPCKLPD Y3, Y2, Y10
	VUNPCKHPD Y3, Y2, Y11
	VPERM2F128 $0x20, Y10, Y8, Y12
	VPERM2F128 $0x20, Y11, Y9, Y13
	VPERM2F128 $0x31, Y10, Y8, Y14
	VPERM2F128 $0x31, Y11, Y9, Y15
	VMOVUPD Y12, 0(DI)
	VMOVUPD Y13, 64(DI)
	VMOVUPD Y14, 128(DI)
	VMOVUPD Y15, 192(DI)
	VUNPCKLPD Y5, Y4, Y8
	VUNPCKHPD Y5, Y4, Y9
	VUNPCKLPD Y7, Y6, Y10
	VUNPCKHPD Y7, Y6, Y11
	VPERM2F128 $0x20, Y10, Y8, Y12
	VPERM2F128 $0x20, Y11, Y9, Y13
	VPERM2F128 $0x31, Y10, Y8, Y14
	VPERM2F128 $0x31, Y11, Y9, Y15
	VMOVUPD Y12, 32(DI)
	VMOVUPD Y13, 96(DI)
	VMOVUPD Y14, 160(DI)
	VMOVUPD Y15, 224(DI)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $256, DI
	DECQ BX
	JNZ b8tloop

b8ttail:
	TESTQ CX, CX
	JZ b8tdone

b8tloop1:
	VMOVSD (SI), X0
	VMOVSD (SI)(DX*1), X1
	VMOVSD (SI)(DX*2), X2
	VMOVSD (R8), X3
	VMOVSD (R8)(DX*1), X4
	VMOVSD (R8)(DX*2), X5
	VMOVSD (R9), X6
	VMOVSD (R9)(DX*1), X7
	VMOVSD X0, 0(DI)
	VMOVSD X1, 8(DI)
	VMOVSD X2, 16(DI)
	VMOVSD X3, 24(DI)
	VMOVSD X4, 32(DI)
	VMOVSD X5, 40(DI)
	VMOVSD X6, 48(DI)
	VMOVSD X7, 56(DI)
	ADDQ $8, SI
	ADDQ $8, R8
	ADDQ $8, R9
	ADDQ $64, DI
	DECQ CX
	JNZ b8tloop1

b8tdone:
	VZEROUPPER
	RET

// func packA6(dst, src *float64, ld, kb int)
// dst[p*6+r] = src[p*ld+r], r < 6: six contiguous values per p.
TEXT ·packA6(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	MOVQ kb+24(FP), CX
	SHLQ $3, DX
	TESTQ CX, CX
	JZ a6done

a6loop:
	VMOVUPD (SI), Y0
	VMOVUPD 32(SI), X1
	VMOVUPD Y0, (DI)
	VMOVUPD X1, 32(DI)
	ADDQ DX, SI
	ADDQ $48, DI
	DECQ CX
	JNZ a6loop

a6done:
	VZEROUPPER
	RET

// func packB8(dst, src *float64, ld, kb int)
// dst[p*8+c] = src[p*ld+c], c < 8: eight contiguous values per p.
TEXT ·packB8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	MOVQ kb+24(FP), CX
	SHLQ $3, DX
	TESTQ CX, CX
	JZ b8done

b8loop:
	VMOVUPD (SI), Y0
	VMOVUPD 32(SI), Y1
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	ADDQ DX, SI
	ADDQ $64, DI
	DECQ CX
	JNZ b8loop

b8done:
	VZEROUPPER
	RET
