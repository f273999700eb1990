package vec

import (
	"math"
	"unsafe"
)

// SubScaled sets w[i] −= lr·g[i] for every i of g (w is at least as long):
// the product rounded, then the difference, as Go's w[i] -= lr*g[i].
func SubScaled[T Float](w, g []T, lr T) {
	w = w[:len(g)]
	done := 0
	if useAsm {
		if Is32[T]() {
			done = subScaled32(As32(w), As32(g), float32(lr))
		} else {
			done = subScaled64(As64(w), As64(g), float64(lr))
		}
	}
	w, g = w[done:], g[done:]
	for i, gi := range g {
		w[i] -= T(lr * gi)
	}
}

// Add sets dst[i] += src[i] for every i of src (dst is at least as long):
// a bias added to a row of Z, or a row of dZ added into the bias gradient.
func Add[T Float](dst, src []T) {
	dst = dst[:len(src)]
	done := 0
	if useAsm {
		if Is32[T]() {
			done = add32(As32(dst), As32(src))
		} else {
			done = add64(As64(dst), As64(src))
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
		if Is32[T]() {
			done = relu32(As32(a), As32(z))
		} else {
			done = relu64(As64(a), As64(z))
		}
	}
	if Is32[T]() {
		a, z := As32(a[done:]), As32(z[done:])
		for i, v := range z {
			b := math.Float32bits(v)
			a[i] = math.Float32frombits(b &^ uint32(int32(b)>>31))
		}
		return
	}
	a64, z64 := As64(a[done:]), As64(z[done:])
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
		if Is32[T]() {
			done = reluGrad32(As32(d), As32(a))
		} else {
			done = reluGrad64(As64(d), As64(a))
		}
	}
	if Is32[T]() {
		d, a := As32(d[done:]), As32(a[done:])
		for i, v := range a {
			x := math.Float32bits(v)
			m := uint32(int32(x|-x) >> 31)
			d[i] = math.Float32frombits(math.Float32bits(d[i]) & m)
		}
		return
	}
	d64, a64 := As64(d[done:]), As64(a[done:])
	for i, v := range a64 {
		x := math.Float64bits(v)
		m := uint64(int64(x|-x) >> 63)
		d64[i] = math.Float64frombits(math.Float64bits(d64[i]) & m)
	}
}

// AdamCoef are the per-step factors of one Adam or AdamW update (see
// Adam), in the element type of the run.
type AdamCoef[T Float] struct {
	Decay   T // 1 − lr·λ for AdamW; 1 for Adam, which leaves w as it is
	B1, C1  T // β1 and 1 − β1
	B2, C2  T // β2 and 1 − β2
	BC2Sqrt T // √(1 − β2^t)
	Eps     T
	Step    T // lr / (1 − β1^t)
}

// Adam runs PyTorch's Adam (AdamW with a Decay below 1) update of every i
// of g, each operation rounded in the order of
//
//	w *= Decay
//	m = B1·m + C1·g
//	v = B2·v + (C2·g)·g
//	w −= Step · (m / (√v / BC2Sqrt + Eps))
//
// with √ correctly rounded in T (the float64 root of a float32 rounds to
// the float32 root, so this is also the Go loop's float32 result).
func Adam[T Float](w, g, m, v []T, c *AdamCoef[T]) {
	w, m, v = w[:len(g)], m[:len(g)], v[:len(g)]
	done := 0
	if useAsm {
		if Is32[T]() {
			done = adam32(As32(w), As32(g), As32(m), As32(v), (*AdamCoef[float32])(unsafe.Pointer(c)))
		} else {
			done = adam64(As64(w), As64(g), As64(m), As64(v), (*AdamCoef[float64])(unsafe.Pointer(c)))
		}
	}
	w, g, m, v = w[done:], g[done:], m[done:], v[done:]
	for i, gi := range g {
		w[i] *= c.Decay
		m[i] = T(c.B1*m[i]) + T(c.C1*gi)
		v[i] = T(c.B2*v[i]) + T(T(c.C2*gi)*gi)
		w[i] -= T(c.Step * (m[i] / (T(sqrt(v[i])/c.BC2Sqrt) + c.Eps)))
	}
}

// sqrt is math.Sqrt in T (correctly rounded in float32 too).
func sqrt[T Float](v T) T { return T(math.Sqrt(float64(v))) }

// Momentum runs PyTorch's SGD update with momentum μ (no dampening) on every
// i of g, each operation rounded in the order of
//
//	v = μ·v + g
//	w −= lr·v              (nesterov false)
//	w −= lr·(g + μ·v)      (nesterov true)
func Momentum[T Float](w, g, v []T, lr, mu T, nesterov bool) {
	w, v = w[:len(g)], v[:len(g)]
	done := 0
	if useAsm {
		switch {
		case Is32[T]() && nesterov:
			done = nesterov32(As32(w), As32(g), As32(v), float32(lr), float32(mu))
		case Is32[T]():
			done = momentum32(As32(w), As32(g), As32(v), float32(lr), float32(mu))
		case nesterov:
			done = nesterov64(As64(w), As64(g), As64(v), float64(lr), float64(mu))
		default:
			done = momentum64(As64(w), As64(g), As64(v), float64(lr), float64(mu))
		}
	}
	w, g, v = w[done:], g[done:], v[done:]
	if nesterov {
		for i, gi := range g {
			v[i] = T(mu*v[i]) + gi
			w[i] -= T(lr * (gi + T(mu*v[i])))
		}
		return
	}
	for i, gi := range g {
		v[i] = T(mu*v[i]) + gi
		w[i] -= T(lr * v[i])
	}
}

// RMSprop runs PyTorch's RMSprop update (momentum 0, not centred) on every i
// of g, each operation rounded in the order of
//
//	s = α·s + (c·g)·g      (c = 1 − α)
//	w −= lr·(g / (√s + ε))
func RMSprop[T Float](w, g, s []T, lr, alpha, c, eps T) {
	w, s = w[:len(g)], s[:len(g)]
	done := 0
	if useAsm {
		k := [4]T{lr, alpha, c, eps}
		if Is32[T]() {
			done = rmsprop32(As32(w), As32(g), As32(s), (*[4]float32)(unsafe.Pointer(&k)))
		} else {
			done = rmsprop64(As64(w), As64(g), As64(s), (*[4]float64)(unsafe.Pointer(&k)))
		}
	}
	w, g, s = w[done:], g[done:], s[done:]
	for i, gi := range g {
		s[i] = T(alpha*s[i]) + T(T(c*gi)*gi)
		w[i] -= T(lr * (gi / (sqrt(s[i]) + eps)))
	}
}

// LeakyReLU sets a[i] = z[i] where z[i] > 0, else alpha·z[i] (NaN takes
// the second branch, as in the Go loop), for every i of z.
func LeakyReLU[T Float](a, z []T, alpha T) {
	a = a[:len(z)]
	done := 0
	if useAsm {
		if Is32[T]() {
			done = leakyReLU32(As32(a), As32(z), float32(alpha))
		} else {
			done = leakyReLU64(As64(a), As64(z), float64(alpha))
		}
	}
	a, z = a[done:], z[done:]
	for i, v := range z {
		if v > 0 {
			a[i] = v
		} else {
			a[i] = T(alpha * v)
		}
	}
}

// LeakyReLUGrad multiplies d[i] by alpha where z[i] is not above 0
// (leaky_relu'(0) = alpha, as PyTorch's), for every i of z.
func LeakyReLUGrad[T Float](d, z []T, alpha T) {
	d = d[:len(z)]
	done := 0
	if useAsm {
		if Is32[T]() {
			done = leakyReLUGrad32(As32(d), As32(z), float32(alpha))
		} else {
			done = leakyReLUGrad64(As64(d), As64(z), float64(alpha))
		}
	}
	d, z = d[done:], z[done:]
	for i, v := range z {
		if !(v > 0) {
			d[i] *= alpha
		}
	}
}

// SigmoidGrad sets d[i] *= a[i]·(1 − a[i]), the sigmoid's derivative from
// its output, for every i of a.
func SigmoidGrad[T Float](d, a []T) {
	d = d[:len(a)]
	done := 0
	if useAsm {
		if Is32[T]() {
			done = sigmoidGrad32(As32(d), As32(a), 1)
		} else {
			done = sigmoidGrad64(As64(d), As64(a), 1)
		}
	}
	d, a = d[done:], a[done:]
	for i, v := range a {
		d[i] *= T(v * (1 - v))
	}
}

// TanhGrad sets d[i] *= 1 − a[i]·a[i], tanh's derivative from its output,
// for every i of a.
func TanhGrad[T Float](d, a []T) {
	d = d[:len(a)]
	done := 0
	if useAsm {
		if Is32[T]() {
			done = tanhGrad32(As32(d), As32(a), 1)
		} else {
			done = tanhGrad64(As64(d), As64(a), 1)
		}
	}
	d, a = d[done:], a[done:]
	for i, v := range a {
		d[i] *= 1 - T(v*v)
	}
}
