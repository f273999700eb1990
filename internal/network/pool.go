package network

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Pool runs the matrix products of a training run. It is created once per run
// with a fixed number of workers and closed at the end.
//
// Each product is cut into rectangles of whole output tiles; the caller and
// workers−1 helper goroutines claim rectangles until none are left. Products
// below a size threshold run on the calling goroutine. Every element of C is
// computed by one goroutine in one fixed summation order (see
// matmul_gemm.go), so the results are bit-identical for any number of
// workers. A call allocates nothing: the packing memory of every worker
// ((mc+nc)·kc·8 bytes: about 1.3 MiB with the default blocks) is allocated in
// NewPool; the float32 products (MulABt32, MulAtB32, MulAB32,
// matmul_gemm32.go) have their own packing memory of the same element count,
// allocated by each goroutine's first float32 task, so a float64 run never
// pays for it. A pool of one worker starts no goroutine and computes
// everything on the caller.
//
// Between products the helpers spin for a short while before they park,
// when every worker can have a core of its own (see spinFor and spinWhile).
//
// C must not overlap A or B. The methods may be called from several
// goroutines; calls are serialised.
type Pool struct {
	workers   int
	kern      Kernel       // the micro-kernel and packing of every product
	blk       blocks       // cache blocks of every product
	minFlops  int          // products of fewer multiply-adds (m·n·k) run serially
	spin      bool         // helpers spin for the next job before parking (see helper)
	born      time.Time    // the origin of clock
	calmUntil atomic.Int64 // clock time before which nobody spins (see spinWhile)

	mu     sync.Mutex // one product at a time
	job    gemmJob    // the product in flight, written before gen is bumped
	job32  gemmJob32  // the float32 product in flight, when is32
	is32   bool
	next   atomic.Int64 // the next task to claim
	local  *scratch     // packing memory of the calling goroutine
	closed bool
	failed atomic.Pointer[any] // first panic of a goroutine in the job, re-raised by the caller

	// How the caller hands a job to its helpers (see dispatch and helper).
	gen      atomic.Uint64 // bumped once per job, and by Close
	slots    atomic.Int64  // helpers the job still takes
	left     atomic.Int64  // helpers of the job not yet done
	quit     atomic.Bool   // set by Close before its bump of gen
	park     sync.Mutex    // guards the two waits below
	jobReady *sync.Cond    // helpers parked for the next job
	jobDone  *sync.Cond    // the caller parked for the last helper
	parked   atomic.Int32  // helpers waiting on jobReady
	waiting  atomic.Bool   // the caller waits on jobDone
	exited   sync.WaitGroup

	// An elementwise job of Range: fn over [0, rn) in rparts even parts.
	rfn    func(lo, hi int)
	rn     int
	rparts int
}

// serialFlops is the default threshold, in multiply-adds m·n·k, below which a
// product runs on the calling goroutine. At about 40 GFLOP/s per core 2^19
// multiply-adds take some 25 µs; halving that saves less than waking a
// parked worker and repacking A costs on a loaded machine.
const serialFlops = 1 << 19

// NewPool returns a pool of the given number of workers (0 or less means one)
// on the kernel KernelFromEnv names (the fastest by default; a name that
// cannot run here falls back to it: commands check KernelFromEnv first) with
// cache blocks from this machine's cache sizes. The workers are started here
// and live until Close.
func NewPool(workers int) *Pool {
	k, err := KernelFromEnv()
	if err != nil {
		k = Best()
	}
	return NewPoolKernel(workers, k)
}

// NewPoolKernel is NewPool on the given kernel, which must be Available.
func NewPoolKernel(workers int, k Kernel) *Pool {
	if !k.Available() {
		panic("network: kernel " + k.String() + " cannot run here")
	}
	return newPoolBlocks(workers, k, serialFlops, machineBlocks(k))
}

// newPool is NewPoolKernel with the serial threshold exposed for tests.
func newPool(workers int, k Kernel, minFlops int) *Pool {
	return newPoolBlocks(workers, k, minFlops, machineBlocks(k))
}

// newPoolBlocks is newPool with the cache blocks exposed for tests.
// Spinning helps only when every helper and the caller can have a core of
// their own; with more workers than Ps it would take the caller's turn.
func newPoolBlocks(workers int, k Kernel, minFlops int, blk blocks) *Pool {
	return newPoolSpin(workers, k, minFlops, blk, workers <= runtime.GOMAXPROCS(0))
}

// newPoolSpin is newPoolBlocks with the helpers' spinning exposed for tests.
func newPoolSpin(workers int, k Kernel, minFlops int, blk blocks, spin bool) *Pool {
	if workers < 1 {
		workers = 1
	}
	p := &Pool{
		workers:  workers,
		kern:     k,
		blk:      blk,
		minFlops: minFlops,
		local:    newScratch(blk),
		spin:     spin,
		born:     time.Now(),
	}
	p.jobReady = sync.NewCond(&p.park)
	p.jobDone = sync.NewCond(&p.park)
	// The caller is one of the workers: it claims tasks beside workers−1
	// helpers, so no core idles while it waits.
	if workers > 1 {
		p.exited.Add(workers - 1)
		for range workers - 1 {
			go p.helper(newScratch(blk))
		}
	}
	return p
}

// Kernel reports the micro-kernel the pool runs.
func (p *Pool) Kernel() Kernel { return p.kern }

// Workers reports the pool size.
func (p *Pool) Workers() int { return p.workers }

// Close stops the workers. The pool must not be used afterwards.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	p.quit.Store(true)
	p.gen.Add(1)
	p.park.Lock()
	p.jobReady.Broadcast()
	p.park.Unlock()
	p.exited.Wait()
}

// spinFor bounds how long a helper looks for the next job, and the caller
// for its helpers' end, before parking. The gaps between the products of a
// training step (activations, the loss, the small serial products, the next
// batch's rows) are a few to some 130 µs on Fashion-MNIST; parking in them
// cost a wake-up each time, measured at 20–110 µs before the helper ran
// again on this project's 2-vCPU virtual machines, while the caller worked
// alone. Past this bound (the end of a run, a long serial phase) the
// goroutine parks and leaves the core to others.
const spinFor = 300 * time.Microsecond

// On a machine with more runnable threads than cores, spinning takes turns
// from threads that have work: a Fashion-MNIST run on 2 workers beside one
// busy process took 6.8 s spinning against 4.1 s parking. Two signs of it
// make the pool's goroutines park at once for calmFor before they try
// spinning again: a spinning goroutine that finds more than preemptGap
// between two looks at the clock (the OS ran something else on its core for
// longer than the hiccups of an idle virtual machine, which reach some
// 200 µs), and a helper slot still free when the caller is done with its own
// tasks (see dispatch).
const (
	preemptGap = time.Millisecond
	calmFor    = 100 * time.Millisecond
)

// spinWhile spins while busy reports true, for at most spinFor, and reports
// whether it stopped because busy turned false. It does not spin in a pool
// made without spinning or while the machine is found oversubscribed.
func (p *Pool) spinWhile(busy func() bool) bool {
	if !p.spin {
		return false
	}
	now := p.clock()
	if now < p.calmUntil.Load() {
		return false
	}
	last, deadline := now, now+int64(spinFor)
	for i := 1; busy(); i++ {
		spinPause()
		if i%256 != 0 {
			continue
		}
		now = p.clock()
		switch {
		case now-last > int64(preemptGap):
			p.calmUntil.Store(now + int64(calmFor))
			return false
		case now > deadline:
			return false
		}
		runtime.Gosched() // let a goroutine waiting for this P run
		last = p.clock()  // the time it ran is not the OS's doing
	}
	return true
}

// clock is the pool's monotonic time in nanoseconds.
func (p *Pool) clock() int64 { return int64(time.Since(p.born)) }

// helper is the loop of one helper goroutine: wait for a job (a bump of
// gen), take one of its slots, claim its tasks, and report the end.
//
// The two handshakes, helper parking against dispatch's bump and caller
// parking against the last helper's end, are the same store-then-load pair
// on both sides (parked/gen, waiting/left; Go's atomics are sequentially
// consistent), so at least one side sees the other and no wake-up is lost.
func (p *Pool) helper(s *scratch) {
	defer p.exited.Done()
	var seen uint64
	for {
		g := p.gen.Load()
		if g == seen {
			p.spinWhile(func() bool { g = p.gen.Load(); return g == seen })
		}
		if g == seen {
			p.park.Lock()
			p.parked.Add(1)
			for g = p.gen.Load(); g == seen; g = p.gen.Load() {
				p.jobReady.Wait()
			}
			p.parked.Add(-1)
			p.park.Unlock()
		}
		seen = g
		if p.quit.Load() {
			return
		}
		// A helper that comes late may find the slots of this job taken
		// (or, having seen an earlier bump, take a slot of a newer job:
		// either way it works on the job the slot belongs to).
		if p.slots.Add(-1) < 0 {
			continue
		}
		p.safeClaim(s)
		if p.left.Add(-1) == 0 && p.waiting.Load() {
			p.park.Lock()
			p.jobDone.Signal()
			p.park.Unlock()
		}
	}
}

// safeClaim runs claim and hands a panic to the caller, which re-raises it
// on its own goroutine where the command can recover it: a bug must not
// kill the process from a worker with a Go stack trace.
func (p *Pool) safeClaim(s *scratch) {
	defer func() {
		if r := recover(); r != nil {
			v := r // escapes only when there was a panic
			p.failed.CompareAndSwap(nil, &v)
		}
	}()
	p.claim(s)
}

// claim runs tasks of the current job (a product, or a Range when rfn is
// set) until none are left.
func (p *Pool) claim(s *scratch) {
	n := p.job.tasks()
	switch {
	case p.rfn != nil:
		n = p.rparts
	case p.is32:
		p.claim32(s.f32(p.blk))
		return
	}
	for {
		t := int(p.next.Add(1) - 1)
		if t >= n {
			return
		}
		if p.rfn != nil {
			p.rfn(rangePart(p.rn, p.rparts, t))
		} else {
			p.job.run(s, t)
		}
	}
}

// claim32 runs tasks of the current float32 product until none are left.
func (p *Pool) claim32(s *scratch32) {
	n := p.job32.tasks()
	for {
		t := int(p.next.Add(1) - 1)
		if t >= n {
			return
		}
		p.job32.run(s, t)
	}
}

// dispatch runs the job set by the caller on up to n goroutines, the caller
// and n−1 helpers, waits until every helper that joined is done with it,
// and re-raises on the caller's goroutine the first panic any of them hit.
// The job's fields are written before the slots and gen, so a helper that
// takes a slot sees them; the caller clears them only after the last helper
// that took one is done.
func (p *Pool) dispatch(n int) {
	p.next.Store(0)
	if n < 2 {
		p.claim(p.local) // a job of one task: nobody to hand it to
		return
	}
	p.left.Store(int64(n - 1))
	p.slots.Store(int64(n - 1))
	p.gen.Add(1)
	parked := p.parked.Load()
	if parked > 0 {
		p.park.Lock()
		p.jobReady.Broadcast()
		p.park.Unlock()
	}
	p.safeClaim(p.local)
	// Every task is claimed now. Slots no helper has taken yet are taken
	// back, so the caller waits only for helpers at work, not for one the
	// OS has not run since the bump (on a loaded machine, for a whole time
	// slice of another process). A spinning helper takes its slot within a
	// microsecond, long before the caller is done with its own tasks: a
	// slot left while no helper was parked means one was spinning off its
	// core, so the machine is oversubscribed.
	if k := p.slots.Swap(0); k > 0 {
		p.left.Add(-k)
		if parked == 0 && p.spin {
			p.calmUntil.Store(p.clock() + int64(calmFor))
		}
	}
	if p.left.Load() != 0 {
		p.awaitHelpers()
	}
	if r := p.failed.Swap(nil); r != nil {
		panic(*r)
	}
}

// awaitHelpers waits for left to reach 0: spinning for a while (the
// helpers are running and about to end), then parked.
func (p *Pool) awaitHelpers() {
	if p.spinWhile(func() bool { return p.left.Load() != 0 }) {
		return
	}
	if p.left.Load() == 0 {
		return
	}
	p.park.Lock()
	p.waiting.Store(true)
	for p.left.Load() != 0 {
		p.jobDone.Wait()
	}
	p.waiting.Store(false)
	p.park.Unlock()
}

// MulABt sets C = A·Bᵀ; C is m×n, A is m×k, B is n×k (row-major).
//
//	C[i][j] = Σ_p A[i][p]·B[j][p]
//
// It panics if a slice is shorter than its shape.
func (p *Pool) MulABt(c, a, b []float64, m, n, k int) {
	checkDims("MulABt", c, a, b, m, n, k)
	p.gemm(c, a, b, m, n, k, k, 1, 1, k)
}

// MulAtB sets C = Aᵀ·B; C is m×n, A is k×m, B is k×n (row-major).
//
//	C[i][j] = Σ_p A[p][i]·B[p][j]
//
// It panics if a slice is shorter than its shape.
func (p *Pool) MulAtB(c, a, b []float64, m, n, k int) {
	checkDims("MulAtB", c, a, b, m, n, k)
	p.gemm(c, a, b, m, n, k, 1, m, n, 1)
}

// MulAB sets C = A·B; C is m×n, A is m×k, B is k×n (row-major).
//
//	C[i][j] = Σ_p A[i][p]·B[p][j]
//
// It panics if a slice is shorter than its shape.
func (p *Pool) MulAB(c, a, b []float64, m, n, k int) {
	checkDims("MulAB", c, a, b, m, n, k)
	p.gemm(c, a, b, m, n, k, k, 1, n, 1)
}

// gemm computes C[i][j] = Σ_p a[i·ars+p·acs]·b[p·brs+j·bcs].
func (p *Pool) gemm(c, a, b []float64, m, n, k, ars, acs, brs, bcs int) {
	if m == 0 || n == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		panic("network: Pool used after Close")
	}
	defer func() { p.job = gemmJob{} }() // drop the caller's slices, also after a panic
	p.job = gemmJob{c: c, a: a, b: b, m: m, n: n, k: k, ars: ars, acs: acs, brs: brs, bcs: bcs,
		asm: p.kern != KernelGo, zmm: p.kern == KernelAVX512, blk: p.blk}
	if p.workers == 1 || m*n*k < p.minFlops {
		p.job.plan(1)
		p.job.run(p.local, 0)
		return
	}
	p.job.plan(p.workers)
	p.dispatch(min(p.workers, p.job.tasks()))
}

// MulABt32 is MulABt on float32: C = A·Bᵀ; C is m×n, A is m×k, B is n×k.
//
//	C[i][j] = Σ_p A[i][p]·B[j][p]
//
// The sum is formed in float32, in ascending p (one FMA per p on the
// assembly kernel). It panics if a slice is shorter than its shape. Each
// worker's float32 packing memory is allocated by its first float32 product.
func (p *Pool) MulABt32(c, a, b []float32, m, n, k int) {
	checkDims32("MulABt32", c, a, b, m, n, k)
	p.gemm32(c, a, b, m, n, k, k, 1, 1, k)
}

// MulAtB32 is MulAtB on float32: C = Aᵀ·B; C is m×n, A is k×m, B is k×n.
//
//	C[i][j] = Σ_p A[p][i]·B[p][j]
//
// It panics if a slice is shorter than its shape.
func (p *Pool) MulAtB32(c, a, b []float32, m, n, k int) {
	checkDims32("MulAtB32", c, a, b, m, n, k)
	p.gemm32(c, a, b, m, n, k, 1, m, n, 1)
}

// MulAB32 is MulAB on float32: C = A·B; C is m×n, A is m×k, B is k×n.
//
//	C[i][j] = Σ_p A[i][p]·B[p][j]
//
// It panics if a slice is shorter than its shape.
func (p *Pool) MulAB32(c, a, b []float32, m, n, k int) {
	checkDims32("MulAB32", c, a, b, m, n, k)
	p.gemm32(c, a, b, m, n, k, k, 1, n, 1)
}

// gemm32 is gemm on float32 operands.
func (p *Pool) gemm32(c, a, b []float32, m, n, k, ars, acs, brs, bcs int) {
	if m == 0 || n == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		panic("network: Pool used after Close")
	}
	defer func() { p.job32, p.is32 = gemmJob32{}, false }() // drop the caller's slices, also after a panic
	p.job32 = gemmJob32{c: c, a: a, b: b, m: m, n: n, k: k, ars: ars, acs: acs, brs: brs, bcs: bcs,
		asm: p.kern != KernelGo, zmm: p.kern == KernelAVX512, blk: p.blk}
	if p.workers == 1 || m*n*k < p.minFlops {
		p.job32.plan(1)
		p.job32.run(p.local.f32(p.blk), 0)
		return
	}
	p.is32 = true
	p.job32.plan(p.workers)
	p.dispatch(min(p.workers, p.job32.tasks()))
}

// rangePart returns part t of [0, n) cut into parts even pieces.
func rangePart(n, parts, t int) (int, int) {
	return n * t / parts, n * (t + 1) / parts
}

// Range calls fn(lo, hi) on pieces that cover [0, n) once, on the workers,
// with at least grain indices in each piece; a range too small to split, or
// a pool of one worker, runs fn(0, n) on the caller. fn must treat each
// index on its own (elementwise work), so that the result does not depend
// on how the range is cut. To allocate nothing per call, pass a func value
// made once (a method value kept in a struct), not a new closure.
func (p *Pool) Range(n, grain int, fn func(lo, hi int)) {
	parts := min(p.workers, n/max(grain, 1))
	if parts < 2 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		panic("network: Pool used after Close")
	}
	defer func() { p.rfn = nil }()
	p.rfn, p.rn, p.rparts = fn, n, parts
	p.dispatch(parts)
}
