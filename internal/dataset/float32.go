package dataset

import (
	"fmt"
	"math"
	"strconv"
)

// float is the element type of a set's inputs: float64 (Set.X) or float32
// (Set.X32, Config.Float32).
type float interface{ float32 | float64 }

// roundNumbers rounds the number columns of a raw row-major matrix to
// float32 values in place (NaN, a missing cell, stays NaN); category codes
// are left exact. A number beyond float32's range is an error naming its
// line (lines[row]) and column.
func roundNumbers(x []float64, columns []SourceColumn, lines []int, path string) error {
	nf := len(columns)
	for i := 0; i < len(x); i += nf {
		for j, c := range columns {
			if c.Kind == KindCategory {
				continue
			}
			v := float32(x[i+j])
			if math.IsInf(float64(v), 0) {
				e := &Error{Path: path, Column: c.Name, Err: float32Overflow(x[i+j])}
				if lines != nil {
					e.Line = lines[i/nf]
				}
				return e
			}
			x[i+j] = float64(v)
		}
	}
	return nil
}

// float32Overflow is the error of a number that float32 cannot hold.
func float32Overflow(v float64) error {
	return fmt.Errorf("%s is too large for float32, in which a float32 run reads its inputs (at most ±%g)",
		strconv.FormatFloat(v, 'g', -1, 64), math.MaxFloat32)
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
