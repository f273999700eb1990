//go:build amd64 && !purego

package network

import "golang.org/x/sys/cpu"

//go:generate go run gen_kernel512.go

// haveAVX512 reports whether the AVX-512 kernels can run: the CPU has
// AVX512F and the OS saves the zmm and opmask state (x/sys/cpu checks XCR0).
// They use only AVX512F instructions; the packing and the edge path are the
// AVX2 ones, so AVX2+FMA is required too (every AVX512F CPU has them).
func haveAVX512() bool { return haveAsm() && cpu.X86.HasAVX512F }

// peakFMA512Flops and peakFMA512_32Flops are the floating-point operations
// per iteration of peakFMA512 and peakFMA512_32: 24 512-bit FMAs of 8
// float64 or 16 float32 lanes.
const (
	peakFMA512Flops    = 24 * 8 * 2
	peakFMA512_32Flops = 24 * 16 * 2
)
