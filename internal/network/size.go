package network

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
)

// Shape is the size of one layer: W is Out×In, B has Out entries.
type Shape struct{ In, Out int }

// Weights is Out·In; it fits an int64 for any In, Out < 2³¹.
func (s Shape) Weights() int64 { return int64(s.Out) * int64(s.In) }

// Params is Out·In + Out.
func (s Shape) Params() int64 { return s.Weights() + int64(s.Out) }

// Shapes returns the layer shapes New would build, and the total parameter
// count exactly (it may pass 2⁶³: three layers of 2³¹−1 units), allocating
// nothing of the network's size, so that the size of any spec can be
// printed. It panics as New does on inputs < 1, no layers or a layer of
// units < 1.
func Shapes(inputs int, layers []LayerSpec) ([]Shape, *big.Int) {
	if inputs < 1 || len(layers) == 0 {
		panic(fmt.Sprintf("network: Shapes(%d inputs, %d layers)", inputs, len(layers)))
	}
	var out []Shape
	total, in := new(big.Int), inputs
	for _, l := range layers {
		if l.Units < 1 || l.Units > math.MaxInt32 || in > math.MaxInt32 {
			panic(fmt.Sprintf("network: layer of %d units after %d", l.Units, in))
		}
		s := Shape{In: in, Out: l.Units}
		out = append(out, s)
		total.Add(total, big.NewInt(s.Params()))
		in = l.Units
	}
	return out, total
}

// SizeError says that a network does not fit: its parameter count and the
// bytes training it needs, against the limit, and the layer that is the
// largest part of it.
type SizeError struct {
	Params *big.Int
	Bytes  uint64 // math.MaxUint64 when the count overflows
	Limit  uint64
	Layer  int // index of the (first) layer with the most units
	// Batch is true when the parameters alone would fit: a smaller batch,
	// not smaller layers, is the remedy.
	Batch bool
	// Precision is the run's: float32 counts 4 bytes a value, beside the
	// float64 parameters and gradients of the job's network.
	Precision Precision
}

func (e *SizeError) Error() string {
	need := "more than 2⁶⁴ bytes"
	if e.Bytes != math.MaxUint64 {
		need = fmtBytes(e.Bytes)
	}
	fix := "make the layers smaller"
	if e.Batch {
		fix = "set a smaller train.batch_size: the parameters would fit, a batch's activations do not"
	}
	what := "8 bytes each"
	if e.Precision == Float32 {
		what = "4 bytes each in float32, and the parameters and gradients again in float64"
	}
	return fmt.Sprintf("a network of %s parameters needs %s to train (parameters, gradients, optimizer state and a batch's activations, %s), more than this machine's %s of memory; %s",
		groupDigits(e.Params.String()), need, what, fmtBytes(e.Limit), fix)
}

// CheckSize reports a *SizeError when training the network would need more
// than limit bytes: slots copies of the parameters (the parameters, their
// gradients, the optimizer's moments, a best-epoch copy) and the Z, A and
// dZ buffers of a batch of rows (and a layer with dropout's mask and
// output), in the run's precision p; a float32 run also holds the job's
// float64 network (its parameters and gradients), into which it writes its
// result. The arithmetic saturates instead of overflowing. A limit of 0
// checks only that the size is representable.
func CheckSize(inputs int, layers []LayerSpec, rows, slots int, p Precision, limit uint64) error {
	shapes, total := Shapes(inputs, layers)
	largest := 0
	var units uint64
	for i, s := range shapes {
		if s.Out > shapes[largest].Out {
			largest = i
		}
		units += 3 * uint64(s.Out)
		if layers[i].Dropout > 0 {
			units += 2 * uint64(s.Out)
		}
	}
	bytes, batch := uint64(math.MaxUint64), false
	if total.IsUint64() {
		size, shadow := uint64(8), uint64(0)
		if p == Float32 {
			size, shadow = 4, satMul(total.Uint64(), 2*8)
		}
		params := satAdd(satMul(satMul(total.Uint64(), uint64(slots)), size), shadow)
		a := satMul(satMul(uint64(max(rows, 1)), units), size)
		bytes = satAdd(params, a)
		// The parameters alone would fit: the batch is what is too big.
		batch = limit > 0 && params <= limit
	}
	// Every buffer is one Go slice: its length must fit an int, even where
	// the machine's memory is not known.
	fits := total.IsInt64() && bytes/8 <= math.MaxInt
	if fits && (limit == 0 || bytes <= limit) {
		return nil
	}
	return &SizeError{Params: total, Bytes: bytes, Limit: limit, Layer: largest, Batch: batch, Precision: p}
}

func satMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

func satAdd(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return math.MaxUint64
	}
	return s
}

// fmtBytes writes a byte count with a binary unit: 23.4 GiB.
func fmtBytes(b uint64) string {
	if b == 0 {
		return "(unknown)"
	}
	v, units := float64(b), []string{"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v, i = v/1024, i+1
	}
	if i == 0 {
		return fmt.Sprintf("%d bytes", b)
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// groupDigits puts a comma every three digits: 4,000,000,013.
func groupDigits(s string) string {
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
