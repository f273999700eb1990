package network

import (
	"fmt"

	"github.com/nntrain/nntrain/internal/vec"
)

// Float is the element type a network computes in: float64, the default,
// which keeps every exactness promise, or float32 (train.precision). The
// network, its workspace and the products are generic over it; a scalar
// the spec gives (a slope, a dropout probability) stays float64 and is
// converted once where it meets the values.
//
// Generics, rather than a second typed copy of each file, keep one body for
// each formula: the float64 instantiation is the code that was there before,
// bit for bit, and the float32 one cannot drift from it.
type Float interface{ float32 | float64 }

// Precision is the element type of a run, parsed once from its spec name.
type Precision int

const (
	Float64 Precision = iota // the default
	Float32
)

var precisionNames = [...]string{"float64", "float32"}

func (p Precision) String() string {
	if p < 0 || int(p) >= len(precisionNames) {
		return fmt.Sprintf("Precision(%d)", int(p))
	}
	return precisionNames[p]
}

// ParsePrecision maps a spec name to its Precision.
func ParsePrecision(s string) (Precision, error) {
	for i, n := range precisionNames {
		if n == s {
			return Precision(i), nil
		}
	}
	return 0, fmt.Errorf("unknown precision %q (want float64 or float32)", s)
}

// PrecisionOf is the Precision of the element type T.
func PrecisionOf[T Float]() Precision {
	if is32[T]() {
		return Float32
	}
	return Float64
}

// is32, as64 and as32 are vec's Is32, As64 and As32 (a []T viewed as its
// own element type, for the typed kernels, without copying or allocating).
func is32[T Float]() bool           { return vec.Is32[T]() }
func as64[T Float](s []T) []float64 { return vec.As64(s) }
func as32[T Float](s []T) []float32 { return vec.As32(s) }

// Convert returns src as a new []D, each value rounded to D (float64 to
// float32 rounds to nearest; float32 to float64 is exact).
func Convert[D, S Float](src []S) []D {
	if src == nil {
		return nil
	}
	dst := make([]D, len(src))
	for i, v := range src {
		dst[i] = D(v)
	}
	return dst
}

// MulABt, MulAtB and MulAB are the Pool's products in T: the float64 kernels
// for float64, the float32 ones (MulABt32, …) for float32.
func MulABt[T Float](p *Pool, c, a, b []T, m, n, k int) {
	if is32[T]() {
		p.MulABt32(as32(c), as32(a), as32(b), m, n, k)
		return
	}
	p.MulABt(as64(c), as64(a), as64(b), m, n, k)
}

func MulAtB[T Float](p *Pool, c, a, b []T, m, n, k int) {
	if is32[T]() {
		p.MulAtB32(as32(c), as32(a), as32(b), m, n, k)
		return
	}
	p.MulAtB(as64(c), as64(a), as64(b), m, n, k)
}

func MulAB[T Float](p *Pool, c, a, b []T, m, n, k int) {
	if is32[T]() {
		p.MulAB32(as32(c), as32(a), as32(b), m, n, k)
		return
	}
	p.MulAB(as64(c), as64(a), as64(b), m, n, k)
}
