package network

import (
	"fmt"
	"os"
	"strings"
	"sync"
)

// Kernel names a matrix-product micro-kernel with its packing routines.
// Which one a Pool uses is fixed when the Pool is created: by default the
// fastest this CPU runs (Best), or the one the NNTRAIN_KERNEL environment variable
// names (benchmarks and tests reach every path on any machine that way).
// Kernels differ in the last bits (FMA or not), never in the summation
// order, so one kernel gives the same bits for any number of workers; the
// AVX-512 and AVX2 kernels both add one FMA per step, so they give the same
// bits as each other.
type Kernel int

const (
	KernelGo     Kernel = iota // portable Go, used with -tags purego and off amd64
	KernelAVX2                 // 256-bit AVX2 + FMA assembly (kernel_amd64.s)
	KernelAVX512               // 512-bit AVX-512F assembly (kernel512_amd64.s), AVX2 at the edges
)

// KernelEnv is the environment variable that forces a kernel: auto (the
// default), avx512, avx2 or go.
const KernelEnv = "NNTRAIN_KERNEL"

func (k Kernel) String() string {
	switch k {
	case KernelGo:
		return "go"
	case KernelAVX2:
		return "avx2"
	case KernelAVX512:
		return "avx512"
	}
	return fmt.Sprintf("Kernel(%d)", int(k))
}

// Available reports whether this build and this CPU can run the kernel.
func (k Kernel) Available() bool {
	switch k {
	case KernelGo:
		return true
	case KernelAVX2:
		return haveAsm()
	case KernelAVX512:
		return haveAVX512()
	}
	return false
}

// Best returns the fastest kernel this CPU runs. Where AVX-512 runs, that is
// AVX-512 or AVX2, whichever ran a product faster when first asked
// (calibrate.go: AVX-512 is not faster on every CPU that has it); else
// AVX2+FMA, else Go.
func Best() Kernel {
	if KernelAVX512.Available() {
		return wideKernel()
	}
	if KernelAVX2.Available() {
		return KernelAVX2
	}
	return KernelGo
}

// ParseKernel reads a kernel name as NNTRAIN_KERNEL gives it: "" and
// "auto" mean Best; a kernel this machine or build cannot run is an error.
func ParseKernel(name string) (Kernel, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "auto":
		return Best(), nil
	case "go", "purego":
		return KernelGo, nil
	case "avx2":
		if !KernelAVX2.Available() {
			return 0, fmt.Errorf("%s=%s: this CPU or build has no AVX2+FMA kernel (use auto or go)", KernelEnv, name)
		}
		return KernelAVX2, nil
	case "avx512":
		if !KernelAVX512.Available() {
			return 0, fmt.Errorf("%s=%s: this CPU or build has no AVX-512 kernel (AVX512F with OS support; use auto, avx2 or go)", KernelEnv, name)
		}
		return KernelAVX512, nil
	}
	return 0, fmt.Errorf("%s=%q: unknown kernel (want auto, avx512, avx2 or go)", KernelEnv, name)
}

// envKernel is the kernel NNTRAIN_KERNEL asks for, read once.
var envKernel = sync.OnceValues(func() (Kernel, error) {
	return ParseKernel(os.Getenv(KernelEnv))
})

// KernelFromEnv returns the kernel new Pools use and an error when
// NNTRAIN_KERNEL names one that cannot run here; a command checks it first so
// that the user gets a message instead of a fallback.
func KernelFromEnv() (Kernel, error) { return envKernel() }
