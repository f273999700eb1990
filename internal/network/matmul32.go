package network

// The reference (naive) float32 kernels, the float32 twins of matmul.go.
// Each sum is formed in float32 from zero in ascending p, every product
// rounded to float32 before the add (the explicit conversion stops the
// compiler fusing it on some architectures), so the Go micro-kernel must
// reproduce them bit for bit and the FMA kernel to rounding.

// mulABtRef32 sets C[i][j] = Σ_p A[i][p]·B[j][p]; C is m×n, A is m×k, B is n×k.
func mulABtRef32(c, a, b []float32, m, n, k int) {
	for i := 0; i < m; i++ {
		ai := a[i*k : i*k+k]
		for j := 0; j < n; j++ {
			bj := b[j*k : j*k+k]
			var s float32
			for p, v := range ai {
				s += float32(v * bj[p])
			}
			c[i*n+j] = s
		}
	}
}

// mulAtBRef32 sets C[i][j] = Σ_p A[p][i]·B[p][j]; C is m×n, A is k×m, B is k×n.
func mulAtBRef32(c, a, b []float32, m, n, k int) {
	clear(c[:m*n])
	for p := 0; p < k; p++ {
		ap := a[p*m : p*m+m]
		bp := b[p*n : p*n+n]
		for i, av := range ap {
			ci := c[i*n : i*n+n]
			for j, bv := range bp {
				ci[j] += float32(av * bv)
			}
		}
	}
}

// mulABRef32 sets C[i][j] = Σ_p A[i][p]·B[p][j]; C is m×n, A is m×k, B is k×n.
func mulABRef32(c, a, b []float32, m, n, k int) {
	for i := 0; i < m; i++ {
		ci := c[i*n : i*n+n]
		clear(ci)
		for p := 0; p < k; p++ {
			av := a[i*k+p]
			bp := b[p*n : p*n+n]
			for j, bv := range bp {
				ci[j] += float32(av * bv)
			}
		}
	}
}
