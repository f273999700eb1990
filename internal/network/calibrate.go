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
var wideKernel = sync.OnceValue(func() Kernel { return calibrate(KernelAVX512) })

// calibrate times the AVX-512 and AVX2 kernels and returns the faster. The
// operands are made once and each kernel's pool serves both precisions, so
// that the time goes to the products rather than to first touches of fresh
// memory (costly page faults in a virtual machine). wide is the kernel timed
// in AVX-512's place: KernelAVX512, or KernelAVX2 standing in for it where
// BenchmarkCalibration runs on a CPU without AVX-512.
func calibrate(wide Kernel) Kernel {
	ops := newCalOperands()
	pools := map[Kernel]*Pool{}
	defer func() {
		for _, p := range pools {
			p.Close()
		}
	}()
	return fasterKernel(func(k Kernel, f32 bool) time.Duration {
		if k == KernelAVX512 {
			k = wide
		}
		if pools[k] == nil {
			pools[k] = calPool(k)
		}
		return ops.time(pools[k], f32)
	})
}

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
	calWarm = 500 * time.Microsecond
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

// calPool is a pool of one worker on kernel k with this machine's blocks for
// k cut to the timed product, so that it does not allocate and fault in
// megabytes of packing memory that the product would not use (calM and calN
// are multiples of every register tile, so the cut blocks remain valid).
func calPool(k Kernel) *Pool {
	blk := machineBlocks(k)
	blk.mc, blk.nc = min(blk.mc, calM), min(blk.nc, calN)
	return newPoolSpin(1, k, 0, blk, false)
}

// calOperands are A, B and C of the timed product in both precisions.
type calOperands struct {
	a, b, c       []float64
	a32, b32, c32 []float32
}

func newCalOperands() *calOperands {
	return &calOperands{
		a: calOperand[float64](calM * calK), b: calOperand[float64](calN * calK), c: make([]float64, calM*calN),
		a32: calOperand[float32](calM * calK), b32: calOperand[float32](calN * calK), c32: make([]float32, calM*calN),
	}
}

// time returns the fastest of calReps products on p, after calWarm of
// untimed ones.
func (o *calOperands) time(p *Pool, f32 bool) time.Duration {
	mul := func() { p.MulABt(o.c, o.a, o.b, calM, calN, calK) }
	if f32 {
		mul = func() { p.MulABt32(o.c32, o.a32, o.b32, calM, calN, calK) }
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
func calOperand[T Float](n int) []T {
	v := make([]T, n)
	for i := range v {
		v[i] = T(i%251)/125.5 - 1 + 1.0/1024
	}
	return v
}
