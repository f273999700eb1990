package vec

import "math"

// SubScaled sets w[i] −= lr·g[i] for every i of g (w is at least as long):
// the product rounded, then the difference, as Go's w[i] -= lr*g[i].
func SubScaled[T Float](w, g []T, lr T) {
	w = w[:len(g)]
	done := 0
	if useAsm {
		if is32[T]() {
			done = subScaled32(as32(w), as32(g), float32(lr))
		} else {
			done = subScaled64(as64(w), as64(g), float64(lr))
		}
	}
	w, g = w[done:], g[done:]
	for i, gi := range g {
		w[i] -= lr * gi
	}
}

// Add sets dst[i] += src[i] for every i of src (dst is at least as long):
// a bias added to a row of Z, or a row of dZ added into the bias gradient.
func Add[T Float](dst, src []T) {
	dst = dst[:len(src)]
	done := 0
	if useAsm {
		if is32[T]() {
			done = add32(as32(dst), as32(src))
		} else {
			done = add64(as64(dst), as64(src))
		}
	}
	dst, src = dst[done:], src[done:]
	for i, v := range src {
		dst[i] += v
	}
}

// ReLU sets a[i] = max(z[i], 0) for every i of z without a branch per value
// (on a batch of activations about half are negative, and mispredicted
// branches cost more than the arithmetic): the sign bit of z, spread over
// its word, clears every negative value and −0 to +0. A NaN keeps its
// sign's fate: +NaN stays NaN, as in PyTorch's relu.
func ReLU[T Float](a, z []T) {
	a = a[:len(z)]
	done := 0
	if useAsm {
		if is32[T]() {
			done = relu32(as32(a), as32(z))
		} else {
			done = relu64(as64(a), as64(z))
		}
	}
	if is32[T]() {
		a, z := as32(a[done:]), as32(z[done:])
		for i, v := range z {
			b := math.Float32bits(v)
			a[i] = math.Float32frombits(b &^ uint32(int32(b)>>31))
		}
		return
	}
	a64, z64 := as64(a[done:]), as64(z[done:])
	for i, v := range z64 {
		b := math.Float64bits(v)
		a64[i] = math.Float64frombits(b &^ uint64(int64(b)>>63))
	}
}

// ReLUGrad zeroes d[i] where a[i] = relu(z[i]) is 0, that is where z ≤ 0
// (relu'(0) = 0, as PyTorch's), without a branch: a is never negative, so
// a ≠ 0 exactly when its bits x are not 0, when x | −x has its sign bit.
func ReLUGrad[T Float](d, a []T) {
	d = d[:len(a)]
	done := 0
	if useAsm {
		if is32[T]() {
			done = reluGrad32(as32(d), as32(a))
		} else {
			done = reluGrad64(as64(d), as64(a))
		}
	}
	if is32[T]() {
		d, a := as32(d[done:]), as32(a[done:])
		for i, v := range a {
			x := math.Float32bits(v)
			m := uint32(int32(x|-x) >> 31)
			d[i] = math.Float32frombits(math.Float32bits(d[i]) & m)
		}
		return
	}
	d64, a64 := as64(d[done:]), as64(a[done:])
	for i, v := range a64 {
		x := math.Float64bits(v)
		m := uint64(int64(x|-x) >> 63)
		d64[i] = math.Float64frombits(math.Float64bits(d64[i]) & m)
	}
}
