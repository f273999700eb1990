package network

import (
	"sync"
	"time"
)

// Choosing between the AVX-512 and AVX2 kernels by timing them.
//
// AVX-512 is not faster on every CPU that has it. Its FMA peak is twice
// AVX2's only where the core has two 512-bit FMA units: Zen 4 runs a zmm FMA
// as two 256-bit halves, some Xeon Silver and Bronze parts have one 512-bit
// unit, and on a Skylake-SP the 512-bit licence lowers the clock. Where the
// zmm peak is no higher, what decides is the rest of the loop (the AVX-512
// kernel broadcasts one A value per two FMAs; how much a zmm broadcast costs
// is a property of the core), and no CPUID bit tells any of this. So Best
// times both kernels once per process at a product of a training step's
// shape and takes the faster. Both kernels give the same bits (see Kernel),
// so the choice changes the speed only, never a result.

// wideKernel is the kernel Best picks on a CPU that runs both AVX-512 and
// AVX2, timed at the first call.
var wideKernel = sync.OnceValue(func() Kernel { return fasterKernel(timeProduct) })

// The timed product: C = A·Bᵀ of a forward pass, a batch of calM rows
// through a layer of calK inputs and calN units (6.3 million
// floating-point operations: about 0.15 ms on one AVX2 core in float64). A,
// B and C (0.6 MB in float64) stay in L2 or L3 as in training.
const calM, calN, calK = 96, 128, 256

// calReps is how many timed products each kernel and precision gets (the
// fastest counts: a product stretched by preemption or another tenant is
// left out); calWarm is how long each runs before those, so that packing
// memory is touched, caches are filled and a CPU that changes its clock for
// 512-bit work has done so.
const (
	calReps = 5
	calWarm = time.Millisecond
)

// fasterKernel returns KernelAVX512 or KernelAVX2, whichever timeOf says is
// faster: the geometric mean of its float64 and float32 times is compared,
// so that each precision counts alike. A tie goes to AVX-512, whose larger
// tile makes fewer kernel calls. AVX2 is timed first, so that it does not run
// at a clock lowered by the AVX-512 runs before it.
func fasterKernel(timeOf func(k Kernel, f32 bool) time.Duration) Kernel {
	var t [2][2]float64 // [AVX2, AVX-512][float64, float32], in seconds
	for i, k := range []Kernel{KernelAVX2, KernelAVX512} {
		for j, f32 := range []bool{false, true} {
			t[i][j] = timeOf(k, f32).Seconds()
		}
	}
	if t[1][0]*t[1][1] <= t[0][0]*t[0][1] {
		return KernelAVX512
	}
	return KernelAVX2
}

// timeProduct returns the fastest of calReps products of the calibration
// shape on kernel k, with one worker and this machine's blocks for k.
func timeProduct(k Kernel, f32 bool) time.Duration {
	p := newPoolSpin(1, k, 0, machineBlocks(k), false)
	defer p.Close()
	var mul func()
	if f32 {
		a, b, c := calOperand[float32](calM*calK), calOperand[float32](calN*calK), make([]float32, calM*calN)
		mul = func() { p.MulABt32(c, a, b, calM, calN, calK) }
	} else {
		a, b, c := calOperand[float64](calM*calK), calOperand[float64](calN*calK), make([]float64, calM*calN)
		mul = func() { p.MulABt(c, a, b, calM, calN, calK) }
	}
	for start := time.Now(); time.Since(start) < calWarm; {
		mul()
	}
	best := time.Duration(1<<63 - 1)
	for range calReps {
		start := time.Now()
		mul()
		best = min(best, time.Since(start))
	}
	return best
}

// calOperand returns n values in [-1, 1): normal numbers, as a layer's
// weights and activations are (subnormal operands would be timed on a slow
// path of some CPUs).
func calOperand[T float32 | float64](n int) []T {
	v := make([]T, n)
	for i := range v {
		v[i] = T(i%251)/125.5 - 1 + 1.0/1024
	}
	return v
}
