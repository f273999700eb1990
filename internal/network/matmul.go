package network

// The three products of an MLP step, on row-major float64 slices. None of them
// materialises a transpose. Each output element is computed by exactly one
// goroutine in a fixed summation order, so results do not depend on the number
// of workers.
//
// This file holds the reference (naive) kernels; the pool and the fast kernels
// live beside them and are tested against these.

// mulABtRef sets
//
//	C[i][j] = Σ_p A[i][p]·B[j][p]        C is m×n, A is m×k, B is n×k
//
// which is the forward product Z = A·Wᵀ.
func mulABtRef(c, a, b []float64, m, n, k int) {
	for i := 0; i < m; i++ {
		ai := a[i*k : i*k+k]
		for j := 0; j < n; j++ {
			bj := b[j*k : j*k+k]
			var s float64
			for p, v := range ai {
				s += v * bj[p]
			}
			c[i*n+j] = s
		}
	}
}

// mulAtBRef sets
//
//	C[i][j] = Σ_p A[p][i]·B[p][j]        C is m×n, A is k×m, B is k×n
//
// which is the weight gradient dW = dZᵀ·A_prev.
func mulAtBRef(c, a, b []float64, m, n, k int) {
	for i := range c[:m*n] {
		c[i] = 0
	}
	for p := 0; p < k; p++ {
		ap := a[p*m : p*m+m]
		bp := b[p*n : p*n+n]
		for i, av := range ap {
			ci := c[i*n : i*n+n]
			for j, bv := range bp {
				ci[j] += av * bv
			}
		}
	}
}

// mulABRef sets
//
//	C[i][j] = Σ_p A[i][p]·B[p][j]        C is m×n, A is m×k, B is k×n
//
// which is the gradient passed down, dA_prev = dZ·W.
func mulABRef(c, a, b []float64, m, n, k int) {
	for i := 0; i < m; i++ {
		ci := c[i*n : i*n+n]
		for j := range ci {
			ci[j] = 0
		}
		for p := 0; p < k; p++ {
			av := a[i*k+p]
			bp := b[p*n : p*n+n]
			for j, bv := range bp {
				ci[j] += av * bv
			}
		}
	}
}
