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
	if vec.Is32[T]() {
		return Float32
	}
	return Float64
}

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
	if vec.Is32[T]() {
		p.MulABt32(vec.As32(c), vec.As32(a), vec.As32(b), m, n, k)
		return
	}
	p.MulABt(vec.As64(c), vec.As64(a), vec.As64(b), m, n, k)
}

func MulAtB[T Float](p *Pool, c, a, b []T, m, n, k int) {
	if vec.Is32[T]() {
		p.MulAtB32(vec.As32(c), vec.As32(a), vec.As32(b), m, n, k)
		return
	}
	p.MulAtB(vec.As64(c), vec.As64(a), vec.As64(b), m, n, k)
}

func MulAB[T Float](p *Pool, c, a, b []T, m, n, k int) {
	if vec.Is32[T]() {
		p.MulAB32(vec.As32(c), vec.As32(a), vec.As32(b), m, n, k)
		return
	}
	p.MulAB(vec.As64(c), vec.As64(a), vec.As64(b), m, n, k)
}
