#include "textflag.h"

// func fma8(dst, a, b, c *[8]float64)
TEXT ·fma8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ c+24(FP), CX
	VMOVUPD (SI), Z1
	VMOVUPD (DX), Z2
	VMOVUPD (CX), Z0
	VFMADD231PD Z1, Z2, Z0
	VMOVUPD Z0, (DI)
	VZEROUPPER
	RET
