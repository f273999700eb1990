package network

// Pool runs the matrix products of a training run. It is created once per run
// with a fixed number of workers and closed at the end.
//
// This first version computes on the calling goroutine; the worker pool and
// the blocked kernels replace the bodies without changing the methods.
type Pool struct {
	workers int
}

// NewPool returns a pool of the given number of workers (0 or less means one).
func NewPool(workers int) *Pool {
	if workers < 1 {
		workers = 1
	}
	return &Pool{workers: workers}
}

// Workers reports the pool size.
func (p *Pool) Workers() int { return p.workers }

// Close stops the workers. The pool must not be used afterwards.
func (p *Pool) Close() {}

// MulABt sets C = A·Bᵀ; C is m×n, A is m×k, B is n×k (row-major).
func (p *Pool) MulABt(c, a, b []float64, m, n, k int) { mulABtRef(c, a, b, m, n, k) }

// MulAtB sets C = Aᵀ·B; C is m×n, A is k×m, B is k×n (row-major).
func (p *Pool) MulAtB(c, a, b []float64, m, n, k int) { mulAtBRef(c, a, b, m, n, k) }

// MulAB sets C = A·B; C is m×n, A is m×k, B is k×n (row-major).
func (p *Pool) MulAB(c, a, b []float64, m, n, k int) { mulABRef(c, a, b, m, n, k) }
