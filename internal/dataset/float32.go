package dataset

// float is the element type of a set's inputs: float64 (Set.X) or float32
// (Set.X32, Config.Float32).
type float interface{ float32 | float64 }

// roundNumbers rounds the number columns of a raw row-major matrix to
// float32 values in place (NaN, a missing cell, stays NaN); category codes
// are left exact.
func roundNumbers(x []float64, columns []SourceColumn) {
	nf := len(columns)
	for j, c := range columns {
		if c.Kind == KindCategory {
			continue
		}
		for i := j; i < len(x); i += nf {
			x[i] = float64(float32(x[i]))
		}
	}
}

// X64 returns the inputs in float64: X itself, or a float64 copy of X32
// (exact) for a set read with Config.Float32. It is for the few users of
// a handful of rows (a trace, a gradient check, a plot of two inputs),
// never for a whole large set.
func (s *Set) X64() []float64 {
	if s.X32 == nil {
		return s.X
	}
	x := make([]float64, len(s.X32))
	for i, v := range s.X32 {
		x[i] = float64(v)
	}
	return x
}
