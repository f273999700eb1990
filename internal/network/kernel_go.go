package network

// kernGo is the portable micro-kernel: it sets the mr×nr tile at c (row
// stride ldc) to (load ? c : 0) + Σ_p a[p·mr+r]·b[p·nr+q], one p at a time in
// ascending order. a is an mr-tall packed panel of depth kb, b an nr-wide one.
//
// It works one row of the tile at a time with eight scalar accumulators (the
// packed B panel stays in L1 across the six rows). The explicit float64
// conversions keep each product rounded before the add, so the compiler does
// not fuse them on some architectures and not others.
func kernGo(kb int, a, b, c []float64, ldc int, load bool) {
	a = a[:kb*mr]
	b = b[:kb*nr]
	for r := 0; r < mr; r++ {
		cr := c[r*ldc : r*ldc+nr : r*ldc+nr]
		var s0, s1, s2, s3, s4, s5, s6, s7 float64
		if load {
			s0, s1, s2, s3, s4, s5, s6, s7 = cr[0], cr[1], cr[2], cr[3], cr[4], cr[5], cr[6], cr[7]
		}
		for p := 0; p < kb; p++ {
			av := a[p*mr+r]
			bp := b[p*nr : p*nr+nr : p*nr+nr]
			s0 += float64(av * bp[0])
			s1 += float64(av * bp[1])
			s2 += float64(av * bp[2])
			s3 += float64(av * bp[3])
			s4 += float64(av * bp[4])
			s5 += float64(av * bp[5])
			s6 += float64(av * bp[6])
			s7 += float64(av * bp[7])
		}
		cr[0], cr[1], cr[2], cr[3], cr[4], cr[5], cr[6], cr[7] = s0, s1, s2, s3, s4, s5, s6, s7
	}
}

// kernGo32 is kernGo on float32: it sets the mr×nr32 tile at c (row stride
// ldc) to (load ? c : 0) + Σ_p a[p·mr+r]·b[p·nr32+q], one p at a time in
// ascending order, each product rounded to float32 before the add. It works
// on one half-row of eight columns at a time, so the accumulators stay in
// registers.
func kernGo32(kb int, a, b, c []float32, ldc int, load bool) {
	a = a[:kb*mr]
	b = b[:kb*nr32]
	for r := 0; r < mr; r++ {
		for h := 0; h < nr32; h += 8 {
			cr := c[r*ldc+h : r*ldc+h+8 : r*ldc+h+8]
			var s0, s1, s2, s3, s4, s5, s6, s7 float32
			if load {
				s0, s1, s2, s3, s4, s5, s6, s7 = cr[0], cr[1], cr[2], cr[3], cr[4], cr[5], cr[6], cr[7]
			}
			for p := 0; p < kb; p++ {
				av := a[p*mr+r]
				bp := b[p*nr32+h : p*nr32+h+8 : p*nr32+h+8]
				s0 += float32(av * bp[0])
				s1 += float32(av * bp[1])
				s2 += float32(av * bp[2])
				s3 += float32(av * bp[3])
				s4 += float32(av * bp[4])
				s5 += float32(av * bp[5])
				s6 += float32(av * bp[6])
				s7 += float32(av * bp[7])
			}
			cr[0], cr[1], cr[2], cr[3], cr[4], cr[5], cr[6], cr[7] = s0, s1, s2, s3, s4, s5, s6, s7
		}
	}
}
