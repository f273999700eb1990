package network

// allKernels lists every Kernel, slowest first; a new kernel is added here.
var allKernels = []Kernel{KernelGo, KernelAVX2, KernelAVX512}

// Kernels returns the kernels this build and CPU can run (each one
// NNTRAIN_KERNEL can force), so that tests can run a job on every one.
func Kernels() []Kernel {
	var ks []Kernel
	for _, k := range allKernels {
		if k.Available() {
			ks = append(ks, k)
		}
	}
	return ks
}
