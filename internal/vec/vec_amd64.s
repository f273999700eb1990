//go:build amd64 && !purego

#include "textflag.h"

// The AVX2 loops of vec_amd64.go. Each walks the length of its second slice
// (the Go side has cut the first to it) in blocks of four ymm registers and
// returns the number of values done. Go's assembler takes operands source
// first: VSUBPD Y1, Y3, Y3 is Y3 = Y3 − Y1.

// func subScaled64(w, g []float64, lr float64) int
TEXT ·subScaled64(SB), NOSPLIT, $0-64
	MOVQ w_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ g_len+32(FP), CX
	VBROADCASTSD lr+48(FP), Y0
	ANDQ $-16, CX
	MOVQ CX, ret+56(FP)
	SHRQ $4, CX
	JZ sd_done
sd_loop:
	VMULPD (SI), Y0, Y1
	VMULPD 32(SI), Y0, Y2
	VMULPD 64(SI), Y0, Y3
	VMULPD 96(SI), Y0, Y4
	VMOVUPD (DI), Y5
	VMOVUPD 32(DI), Y6
	VMOVUPD 64(DI), Y7
	VMOVUPD 96(DI), Y8
	VSUBPD Y1, Y5, Y5
	VSUBPD Y2, Y6, Y6
	VSUBPD Y3, Y7, Y7
	VSUBPD Y4, Y8, Y8
	VMOVUPD Y5, (DI)
	VMOVUPD Y6, 32(DI)
	VMOVUPD Y7, 64(DI)
	VMOVUPD Y8, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ CX
	JNZ sd_loop
sd_done:
	VZEROUPPER
	RET

// func subScaled32(w, g []float32, lr float32) int
TEXT ·subScaled32(SB), NOSPLIT, $0-64
	MOVQ w_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ g_len+32(FP), CX
	VBROADCASTSS lr+48(FP), Y0
	ANDQ $-32, CX
	MOVQ CX, ret+56(FP)
	SHRQ $5, CX
	JZ ss_done
ss_loop:
	VMULPS (SI), Y0, Y1
	VMULPS 32(SI), Y0, Y2
	VMULPS 64(SI), Y0, Y3
	VMULPS 96(SI), Y0, Y4
	VMOVUPS (DI), Y5
	VMOVUPS 32(DI), Y6
	VMOVUPS 64(DI), Y7
	VMOVUPS 96(DI), Y8
	VSUBPS Y1, Y5, Y5
	VSUBPS Y2, Y6, Y6
	VSUBPS Y3, Y7, Y7
	VSUBPS Y4, Y8, Y8
	VMOVUPS Y5, (DI)
	VMOVUPS Y6, 32(DI)
	VMOVUPS Y7, 64(DI)
	VMOVUPS Y8, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ CX
	JNZ ss_loop
ss_done:
	VZEROUPPER
	RET

// relu: a = z &^ sign mask, the mask all ones where z's sign bit is set
// (VPCMPGTQ 0 > z as int64; VPSRAD by 31 for float32).

// func relu64(a, z []float64) int
TEXT ·relu64(SB), NOSPLIT, $0-56
	MOVQ a_base+0(FP), DI
	MOVQ z_base+24(FP), SI
	MOVQ z_len+32(FP), CX
	VPXOR Y0, Y0, Y0
	ANDQ $-16, CX
	MOVQ CX, ret+48(FP)
	SHRQ $4, CX
	JZ rd_done
rd_loop:
	VMOVDQU (SI), Y1
	VMOVDQU 32(SI), Y2
	VMOVDQU 64(SI), Y3
	VMOVDQU 96(SI), Y4
	VPCMPGTQ Y1, Y0, Y5
	VPCMPGTQ Y2, Y0, Y6
	VPCMPGTQ Y3, Y0, Y7
	VPCMPGTQ Y4, Y0, Y8
	VPANDN Y1, Y5, Y1
	VPANDN Y2, Y6, Y2
	VPANDN Y3, Y7, Y3
	VPANDN Y4, Y8, Y4
	VMOVDQU Y1, (DI)
	VMOVDQU Y2, 32(DI)
	VMOVDQU Y3, 64(DI)
	VMOVDQU Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ CX
	JNZ rd_loop
rd_done:
	VZEROUPPER
	RET

// func relu32(a, z []float32) int
TEXT ·relu32(SB), NOSPLIT, $0-56
	MOVQ a_base+0(FP), DI
	MOVQ z_base+24(FP), SI
	MOVQ z_len+32(FP), CX
	ANDQ $-32, CX
	MOVQ CX, ret+48(FP)
	SHRQ $5, CX
	JZ rs_done
rs_loop:
	VMOVDQU (SI), Y1
	VMOVDQU 32(SI), Y2
	VMOVDQU 64(SI), Y3
	VMOVDQU 96(SI), Y4
	VPSRAD $31, Y1, Y5
	VPSRAD $31, Y2, Y6
	VPSRAD $31, Y3, Y7
	VPSRAD $31, Y4, Y8
	VPANDN Y1, Y5, Y1
	VPANDN Y2, Y6, Y2
	VPANDN Y3, Y7, Y3
	VPANDN Y4, Y8, Y4
	VMOVDQU Y1, (DI)
	VMOVDQU Y2, 32(DI)
	VMOVDQU Y3, 64(DI)
	VMOVDQU Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ CX
	JNZ rs_loop
rs_done:
	VZEROUPPER
	RET

// reluGrad: d = d &^ (a == +0 as bits).

// func reluGrad64(d, a []float64) int
TEXT ·reluGrad64(SB), NOSPLIT, $0-56
	MOVQ d_base+0(FP), DI
	MOVQ a_base+24(FP), SI
	MOVQ a_len+32(FP), CX
	VPXOR Y0, Y0, Y0
	ANDQ $-16, CX
	MOVQ CX, ret+48(FP)
	SHRQ $4, CX
	JZ gd_done
gd_loop:
	VPCMPEQQ (SI), Y0, Y1
	VPCMPEQQ 32(SI), Y0, Y2
	VPCMPEQQ 64(SI), Y0, Y3
	VPCMPEQQ 96(SI), Y0, Y4
	VPANDN (DI), Y1, Y1
	VPANDN 32(DI), Y2, Y2
	VPANDN 64(DI), Y3, Y3
	VPANDN 96(DI), Y4, Y4
	VMOVDQU Y1, (DI)
	VMOVDQU Y2, 32(DI)
	VMOVDQU Y3, 64(DI)
	VMOVDQU Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ CX
	JNZ gd_loop
gd_done:
	VZEROUPPER
	RET

// func reluGrad32(d, a []float32) int
TEXT ·reluGrad32(SB), NOSPLIT, $0-56
	MOVQ d_base+0(FP), DI
	MOVQ a_base+24(FP), SI
	MOVQ a_len+32(FP), CX
	VPXOR Y0, Y0, Y0
	ANDQ $-32, CX
	MOVQ CX, ret+48(FP)
	SHRQ $5, CX
	JZ gs_done
gs_loop:
	VPCMPEQD (SI), Y0, Y1
	VPCMPEQD 32(SI), Y0, Y2
	VPCMPEQD 64(SI), Y0, Y3
	VPCMPEQD 96(SI), Y0, Y4
	VPANDN (DI), Y1, Y1
	VPANDN 32(DI), Y2, Y2
	VPANDN 64(DI), Y3, Y3
	VPANDN 96(DI), Y4, Y4
	VMOVDQU Y1, (DI)
	VMOVDQU Y2, 32(DI)
	VMOVDQU Y3, 64(DI)
	VMOVDQU Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ CX
	JNZ gs_loop
gs_done:
	VZEROUPPER
	RET

// func add64(dst, src []float64) int
TEXT ·add64(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), CX
	ANDQ $-16, CX
	MOVQ CX, ret+48(FP)
	SHRQ $4, CX
	JZ a64_done
a64_loop:
	VMOVUPD (DI), Y1
	VMOVUPD 32(DI), Y2
	VMOVUPD 64(DI), Y3
	VMOVUPD 96(DI), Y4
	VADDPD (SI), Y1, Y1
	VADDPD 32(SI), Y2, Y2
	VADDPD 64(SI), Y3, Y3
	VADDPD 96(SI), Y4, Y4
	VMOVUPD Y1, (DI)
	VMOVUPD Y2, 32(DI)
	VMOVUPD Y3, 64(DI)
	VMOVUPD Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ CX
	JNZ a64_loop
a64_done:
	VZEROUPPER
	RET

// func add32(dst, src []float32) int
TEXT ·add32(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), CX
	ANDQ $-32, CX
	MOVQ CX, ret+48(FP)
	SHRQ $5, CX
	JZ a32_done
a32_loop:
	VMOVUPS (DI), Y1
	VMOVUPS 32(DI), Y2
	VMOVUPS 64(DI), Y3
	VMOVUPS 96(DI), Y4
	VADDPS (SI), Y1, Y1
	VADDPS 32(SI), Y2, Y2
	VADDPS 64(SI), Y3, Y3
	VADDPS 96(SI), Y4, Y4
	VMOVUPS Y1, (DI)
	VMOVUPS Y2, 32(DI)
	VMOVUPS Y3, 64(DI)
	VMOVUPS Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ CX
	JNZ a32_loop
a32_done:
	VZEROUPPER
	RET

// adam: one ymm of each slice a turn (the root and the divisions bound it,
// not the loads); the eight factors stay in Y8-Y15.

// func adam64(w, g, m, v []float64, c *AdamCoef[float64]) int
TEXT ·adam64(SB), NOSPLIT, $0-112
	MOVQ w_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ g_len+32(FP), CX
	MOVQ m_base+48(FP), R8
	MOVQ v_base+72(FP), R9
	MOVQ c+96(FP), AX
	VBROADCASTSD 0(AX), Y8
	VBROADCASTSD 8(AX), Y9
	VBROADCASTSD 16(AX), Y10
	VBROADCASTSD 24(AX), Y11
	VBROADCASTSD 32(AX), Y12
	VBROADCASTSD 40(AX), Y13
	VBROADCASTSD 48(AX), Y14
	VBROADCASTSD 56(AX), Y15
	ANDQ $-4, CX
	MOVQ CX, ret+104(FP)
	SHRQ $2, CX
	JZ ad64_done
ad64_loop:
	VMOVUPD (SI), Y0
	VMULPD (DI), Y8, Y1
	VMULPD (R8), Y9, Y2
	VMULPD Y0, Y10, Y3
	VADDPD Y3, Y2, Y2
	VMOVUPD Y2, (R8)
	VMULPD (R9), Y11, Y4
	VMULPD Y0, Y12, Y5
	VMULPD Y0, Y5, Y5
	VADDPD Y5, Y4, Y4
	VMOVUPD Y4, (R9)
	VSQRTPD Y4, Y4
	VDIVPD Y13, Y4, Y4
	VADDPD Y14, Y4, Y4
	VDIVPD Y4, Y2, Y2
	VMULPD Y2, Y15, Y2
	VSUBPD Y2, Y1, Y1
	VMOVUPD Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNZ ad64_loop
ad64_done:
	VZEROUPPER
	RET

// adam: one ymm of each slice a turn (the root and the divisions bound it,
// not the loads); the eight factors stay in Y8-Y15.

// func adam32(w, g, m, v []float32, c *AdamCoef[float32]) int
TEXT ·adam32(SB), NOSPLIT, $0-112
	MOVQ w_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ g_len+32(FP), CX
	MOVQ m_base+48(FP), R8
	MOVQ v_base+72(FP), R9
	MOVQ c+96(FP), AX
	VBROADCASTSS 0(AX), Y8
	VBROADCASTSS 4(AX), Y9
	VBROADCASTSS 8(AX), Y10
	VBROADCASTSS 12(AX), Y11
	VBROADCASTSS 16(AX), Y12
	VBROADCASTSS 20(AX), Y13
	VBROADCASTSS 24(AX), Y14
	VBROADCASTSS 28(AX), Y15
	ANDQ $-8, CX
	MOVQ CX, ret+104(FP)
	SHRQ $3, CX
	JZ ad32_done
ad32_loop:
	VMOVUPS (SI), Y0
	VMULPS (DI), Y8, Y1
	VMULPS (R8), Y9, Y2
	VMULPS Y0, Y10, Y3
	VADDPS Y3, Y2, Y2
	VMOVUPS Y2, (R8)
	VMULPS (R9), Y11, Y4
	VMULPS Y0, Y12, Y5
	VMULPS Y0, Y5, Y5
	VADDPS Y5, Y4, Y4
	VMOVUPS Y4, (R9)
	VSQRTPS Y4, Y4
	VDIVPS Y13, Y4, Y4
	VADDPS Y14, Y4, Y4
	VDIVPS Y4, Y2, Y2
	VMULPS Y2, Y15, Y2
	VSUBPS Y2, Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNZ ad32_loop
ad32_done:
	VZEROUPPER
	RET

// momentum and nesterov: two ymm of each slice a turn; lr in Y14, μ in Y15.
// rmsprop: one ymm a turn (the root and the division bound it); lr, α,
// 1 − α and ε in Y12-Y15.

// func momentum64(w, g, v []float64, lr, mu float64) int
TEXT ·momentum64(SB), NOSPLIT, $0-96
	MOVQ w_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ g_len+32(FP), CX
	MOVQ v_base+48(FP), R8
	VBROADCASTSD lr+72(FP), Y14
	VBROADCASTSD mu+80(FP), Y15
	ANDQ $-8, CX
	MOVQ CX, ret+88(FP)
	SHRQ $3, CX
	JZ mom64_done
mom64_loop:
	VMOVUPD (SI), Y0
	VMOVUPD 32(SI), Y1
	VMULPD (R8), Y15, Y2
	VMULPD 32(R8), Y15, Y3
	VADDPD Y0, Y2, Y2
	VADDPD Y1, Y3, Y3
	VMOVUPD Y2, (R8)
	VMOVUPD Y3, 32(R8)
	VMULPD Y2, Y14, Y2
	VMULPD Y3, Y14, Y3
	VMOVUPD (DI), Y4
	VMOVUPD 32(DI), Y5
	VSUBPD Y2, Y4, Y4
	VSUBPD Y3, Y5, Y5
	VMOVUPD Y4, (DI)
	VMOVUPD Y5, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, R8
	DECQ CX
	JNZ mom64_loop
mom64_done:
	VZEROUPPER
	RET

// func nesterov64(w, g, v []float64, lr, mu float64) int
TEXT ·nesterov64(SB), NOSPLIT, $0-96
	MOVQ w_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ g_len+32(FP), CX
	MOVQ v_base+48(FP), R8
	VBROADCASTSD lr+72(FP), Y14
	VBROADCASTSD mu+80(FP), Y15
	ANDQ $-8, CX
	MOVQ CX, ret+88(FP)
	SHRQ $3, CX
	JZ nes64_done
nes64_loop:
	VMOVUPD (SI), Y0
	VMOVUPD 32(SI), Y1
	VMULPD (R8), Y15, Y2
	VMULPD 32(R8), Y15, Y3
	VADDPD Y0, Y2, Y2
	VADDPD Y1, Y3, Y3
	VMOVUPD Y2, (R8)
	VMOVUPD Y3, 32(R8)
	VMULPD Y2, Y15, Y2
	VMULPD Y3, Y15, Y3
	VADDPD Y2, Y0, Y2
	VADDPD Y3, Y1, Y3
	VMULPD Y2, Y14, Y2
	VMULPD Y3, Y14, Y3
	VMOVUPD (DI), Y4
	VMOVUPD 32(DI), Y5
	VSUBPD Y2, Y4, Y4
	VSUBPD Y3, Y5, Y5
	VMOVUPD Y4, (DI)
	VMOVUPD Y5, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, R8
	DECQ CX
	JNZ nes64_loop
nes64_done:
	VZEROUPPER
	RET

// func rmsprop64(w, g, s []float64, k *[4]float64) int
TEXT ·rmsprop64(SB), NOSPLIT, $0-88
	MOVQ w_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ g_len+32(FP), CX
	MOVQ s_base+48(FP), R8
	MOVQ k+72(FP), AX
	VBROADCASTSD 0(AX), Y12
	VBROADCASTSD 8(AX), Y13
	VBROADCASTSD 16(AX), Y14
	VBROADCASTSD 24(AX), Y15
	ANDQ $-4, CX
	MOVQ CX, ret+80(FP)
	SHRQ $2, CX
	JZ rms64_done
rms64_loop:
	VMOVUPD (SI), Y0
	VMULPD (R8), Y13, Y1
	VMULPD Y0, Y14, Y2
	VMULPD Y0, Y2, Y2
	VADDPD Y2, Y1, Y1
	VMOVUPD Y1, (R8)
	VSQRTPD Y1, Y1
	VADDPD Y15, Y1, Y1
	VDIVPD Y1, Y0, Y0
	VMULPD Y0, Y12, Y0
	VMOVUPD (DI), Y3
	VSUBPD Y0, Y3, Y3
	VMOVUPD Y3, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, R8
	DECQ CX
	JNZ rms64_loop
rms64_done:
	VZEROUPPER
	RET

// func momentum32(w, g, v []float32, lr, mu float32) int
TEXT ·momentum32(SB), NOSPLIT, $0-88
	MOVQ w_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ g_len+32(FP), CX
	MOVQ v_base+48(FP), R8
	VBROADCASTSS lr+72(FP), Y14
	VBROADCASTSS mu+76(FP), Y15
	ANDQ $-16, CX
	MOVQ CX, ret+80(FP)
	SHRQ $4, CX
	JZ mom32_done
mom32_loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMULPS (R8), Y15, Y2
	VMULPS 32(R8), Y15, Y3
	VADDPS Y0, Y2, Y2
	VADDPS Y1, Y3, Y3
	VMOVUPS Y2, (R8)
	VMOVUPS Y3, 32(R8)
	VMULPS Y2, Y14, Y2
	VMULPS Y3, Y14, Y3
	VMOVUPS (DI), Y4
	VMOVUPS 32(DI), Y5
	VSUBPS Y2, Y4, Y4
	VSUBPS Y3, Y5, Y5
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, R8
	DECQ CX
	JNZ mom32_loop
mom32_done:
	VZEROUPPER
	RET

// func nesterov32(w, g, v []float32, lr, mu float32) int
TEXT ·nesterov32(SB), NOSPLIT, $0-88
	MOVQ w_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ g_len+32(FP), CX
	MOVQ v_base+48(FP), R8
	VBROADCASTSS lr+72(FP), Y14
	VBROADCASTSS mu+76(FP), Y15
	ANDQ $-16, CX
	MOVQ CX, ret+80(FP)
	SHRQ $4, CX
	JZ nes32_done
nes32_loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMULPS (R8), Y15, Y2
	VMULPS 32(R8), Y15, Y3
	VADDPS Y0, Y2, Y2
	VADDPS Y1, Y3, Y3
	VMOVUPS Y2, (R8)
	VMOVUPS Y3, 32(R8)
	VMULPS Y2, Y15, Y2
	VMULPS Y3, Y15, Y3
	VADDPS Y2, Y0, Y2
	VADDPS Y3, Y1, Y3
	VMULPS Y2, Y14, Y2
	VMULPS Y3, Y14, Y3
	VMOVUPS (DI), Y4
	VMOVUPS 32(DI), Y5
	VSUBPS Y2, Y4, Y4
	VSUBPS Y3, Y5, Y5
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, R8
	DECQ CX
	JNZ nes32_loop
nes32_done:
	VZEROUPPER
	RET

// func rmsprop32(w, g, s []float32, k *[4]float32) int
TEXT ·rmsprop32(SB), NOSPLIT, $0-88
	MOVQ w_base+0(FP), DI
	MOVQ g_base+24(FP), SI
	MOVQ g_len+32(FP), CX
	MOVQ s_base+48(FP), R8
	MOVQ k+72(FP), AX
	VBROADCASTSS 0(AX), Y12
	VBROADCASTSS 4(AX), Y13
	VBROADCASTSS 8(AX), Y14
	VBROADCASTSS 12(AX), Y15
	ANDQ $-8, CX
	MOVQ CX, ret+80(FP)
	SHRQ $3, CX
	JZ rms32_done
rms32_loop:
	VMOVUPS (SI), Y0
	VMULPS (R8), Y13, Y1
	VMULPS Y0, Y14, Y2
	VMULPS Y0, Y2, Y2
	VADDPS Y2, Y1, Y1
	VMOVUPS Y1, (R8)
	VSQRTPS Y1, Y1
	VADDPS Y15, Y1, Y1
	VDIVPS Y1, Y0, Y0
	VMULPS Y0, Y12, Y0
	VMOVUPS (DI), Y3
	VSUBPS Y0, Y3, Y3
	VMOVUPS Y3, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, R8
	DECQ CX
	JNZ rms32_loop
rms32_done:
	VZEROUPPER
	RET
