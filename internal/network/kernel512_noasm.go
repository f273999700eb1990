//go:build !amd64 || purego

package network

// haveAVX512 reports whether the AVX-512 kernels can run: never in builds
// without assembly.
func haveAVX512() bool { return false }

// The kernel tables of the AVX-512 path are empty here; macroZ is never
// called because haveAVX512 is false.
var (
	kernZ64 [2][2*mr + 1]kernFunc
	kernZ32 [2][2*mr + 1]kernFunc32
)

const (
	peakFMA512Flops    = 0
	peakFMA512_32Flops = 0
)

func peakFMA512(iters int)    { panic("network: assembly FMA probe not built") }
func peakFMA512_32(iters int) { panic("network: assembly FMA probe not built") }
