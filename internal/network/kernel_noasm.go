//go:build !amd64 || purego

package network

// haveAsm reports whether the assembly micro-kernel can run here. Builds
// without it (other architectures, or -tags purego) always use kernGo.
func haveAsm() bool { return false }

func kernAsm(kb int, a, b, c *float64, ldc int, load bool) {
	panic("network: assembly micro-kernel not built")
}

// peakFMAFlops is the number of floating-point operations per iteration of
// peakFMA.
const peakFMAFlops = 0

func peakFMA(iters int) { panic("network: assembly FMA probe not built") }

func packA6T(dst, src *float64, ld, kb int) { panic("network: assembly packing not built") }
func packB8T(dst, src *float64, ld, kb int) { panic("network: assembly packing not built") }
func packA6(dst, src *float64, ld, kb int)  { panic("network: assembly packing not built") }
func packB8(dst, src *float64, ld, kb int)  { panic("network: assembly packing not built") }

func kernAsm4(kb int, a, b, c *float64, ldc int, load bool) {
	panic("network: assembly micro-kernel not built")
}

func kernAsm2(kb int, a, b, c *float64, ldc int, load bool) {
	panic("network: assembly micro-kernel not built")
}

func kernAsm32(kb int, a, b, c *float32, ldc int, load bool) {
	panic("network: assembly micro-kernel not built")
}

// peakFMA32Flops is the number of floating-point operations per iteration of
// peakFMA32.
const peakFMA32Flops = 0

func peakFMA32(iters int) { panic("network: assembly FMA probe not built") }

func packA6T32(dst, src *float32, ld, kb int)  { panic("network: assembly packing not built") }
func packB8T32(dst, src *float32, ld, kb int)  { panic("network: assembly packing not built") }
func packA6_32(dst, src *float32, ld, kb int)  { panic("network: assembly packing not built") }
func packB16_32(dst, src *float32, ld, kb int) { panic("network: assembly packing not built") }

func kernAsm32_4(kb int, a, b, c *float32, ldc int, load bool) {
	panic("network: assembly micro-kernel not built")
}

func kernAsm32_2(kb int, a, b, c *float32, ldc int, load bool) {
	panic("network: assembly micro-kernel not built")
}
