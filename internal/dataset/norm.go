package dataset

import (
	"fmt"
	"math"
)

// Norm maps each column x → (x − Offset)/Scale. Its statistics come from
// the training rows only and travel with the model.
type Norm struct {
	Kind   NormKind
	Offset []float64
	Scale  []float64
}

// NormKind is a normalisation, parsed once from its spec name.
type NormKind int

const (
	NormNone NormKind = iota
	NormStandard
	NormMinMax
)

var normNames = [...]string{"none", "standard", "minmax"}

func (k NormKind) String() string {
	if k < 0 || int(k) >= len(normNames) {
		return fmt.Sprintf("NormKind(%d)", int(k))
	}
	return normNames[k]
}

// ParseNormKind maps a spec or model.json name to its NormKind.
func ParseNormKind(s string) (NormKind, error) {
	for i, n := range normNames {
		if n == s {
			return NormKind(i), nil
		}
	}
	return 0, fmt.Errorf("%q is not one of none, standard, minmax", s)
}

// FitNorm computes the statistics of kind over x, rows × cols row-major:
//
//	none:     offset 0,    scale 1
//	standard: offset mean, scale √(Σ(x−mean)²/rows)   (population std, ddof 0, as sklearn)
//	minmax:   offset min,  scale max − min
//
// A zero scale (a constant column) becomes 1, so the column maps to 0
// instead of NaN. With no rows the map is the identity. FitNorm panics on an
// unknown kind or when x is shorter than rows*cols.
func FitNorm(kind NormKind, x []float64, rows, cols int) Norm { return fitNorm(kind, x, rows, cols) }

// FitNorm32 is FitNorm over float32 values (a set read with
// Config.Float32), its statistics computed in float64.
func FitNorm32(kind NormKind, x []float32, rows, cols int) Norm { return fitNorm(kind, x, rows, cols) }

func fitNorm[T float](kind NormKind, x []T, rows, cols int) Norm {
	if len(x) < rows*cols {
		panic(fmt.Sprintf("dataset: FitNorm: len(x) = %d < %d×%d", len(x), rows, cols))
	}
	n := Norm{Kind: kind, Offset: make([]float64, cols), Scale: make([]float64, cols)}
	for j := range n.Scale {
		n.Scale[j] = 1
	}
	if rows == 0 {
		return n
	}
	switch kind {
	case NormNone:
	case NormStandard:
		// Two passes: the mean first, then squared deviations from it, which
		// stays accurate when the mean is large against the spread.
		for i := 0; i < rows; i++ {
			for j, v := range x[i*cols : (i+1)*cols] {
				n.Offset[j] += float64(v)
			}
		}
		for j := range n.Offset {
			n.Offset[j] /= float64(rows)
		}
		ss := make([]float64, cols)
		for i := 0; i < rows; i++ {
			for j, v := range x[i*cols : (i+1)*cols] {
				d := float64(v) - n.Offset[j]
				ss[j] += d * d
			}
		}
		for j := range ss {
			n.Scale[j] = math.Sqrt(ss[j] / float64(rows))
		}
	case NormMinMax:
		hi := make([]float64, cols)
		for j, v := range x[:cols] {
			n.Offset[j], hi[j] = float64(v), float64(v)
		}
		for i := 1; i < rows; i++ {
			for j, v := range x[i*cols : (i+1)*cols] {
				n.Offset[j] = min(n.Offset[j], float64(v))
				hi[j] = max(hi[j], float64(v))
			}
		}
		for j := range hi {
			n.Scale[j] = hi[j] - n.Offset[j]
		}
	default:
		panic(fmt.Sprintf("dataset: FitNorm: unknown kind %v", kind))
	}
	for j, s := range n.Scale {
		if s == 0 {
			n.Scale[j] = 1
		}
	}
	return n
}

// Apply normalises x in place; x is row-major with len(n.Offset) columns.
// A Norm with no offsets (kind none as read from a model) leaves x alone.
// It panics when len(x) is not a multiple of the column count or Offset
// and Scale differ in length.
func (n Norm) Apply(x []float64) { applyNorm(n, x) }

// Apply32 is Apply on float32 inputs: each value is normalised in float64
// and rounded to float32.
func (n Norm) Apply32(x []float32) { applyNorm(n, x) }

// ApplySet normalises the inputs of s in place, X or X32.
func (n Norm) ApplySet(s *Set) {
	if s.X32 != nil {
		applyNorm(n, s.X32)
	} else {
		applyNorm(n, s.X)
	}
}

func applyNorm[T float](n Norm, x []T) {
	cols := len(n.Offset)
	if cols == 0 && len(n.Scale) == 0 {
		return
	}
	if len(n.Scale) != cols || len(x)%cols != 0 {
		panic(fmt.Sprintf("dataset: Norm.Apply: %d offsets, %d scales, len(x) = %d", cols, len(n.Scale), len(x)))
	}
	for i := 0; i < len(x); i += cols {
		row := x[i : i+cols]
		for j := range row {
			// Divide rather than multiply by 1/scale: it is what the
			// contract's formula and PyTorch's reference compute.
			row[j] = T((float64(row[j]) - n.Offset[j]) / n.Scale[j])
		}
	}
}
