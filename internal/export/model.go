package export

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/nntrain/nntrain/internal/network"
)

// Kind says how a source column enters the network.
type Kind int

const (
	// Number is one network input, a missing cell (NaN) replaced by Fill.
	Number Kind = iota
	// Category is one network input per entry of Categories (one-hot); a
	// text not among them gives all zeros.
	Category
)

func (k Kind) String() string {
	if k == Category {
		return "category"
	}
	return "number"
}

// Column is one source column of the rows a model is applied to.
type Column struct {
	Name       string
	Kind       Kind
	Categories []string // Category: the one-hot order, one network input each

	// HasFill says a missing cell is imputed: with FillNumber for a Number,
	// with FillCategory (one of Categories) for a Category. Without it a
	// missing number stays NaN and a missing category gives all zeros.
	HasFill      bool
	FillNumber   float64
	FillCategory string
}

// Inputs is the number of network inputs the column becomes.
func (c Column) Inputs() int {
	if c.Kind == Category {
		return len(c.Categories)
	}
	return 1
}

// Layer is one dense layer, Z = A_prev·Wᵀ + B, A = g(Z).
type Layer struct {
	In, Out    int
	W          []float64 // Out×In, row-major (PyTorch's nn.Linear layout)
	B          []float64 // Out
	Activation network.Activation
	Alpha      float64 // leaky_relu slope
}

// Output says what the last layer's units mean.
type Output int

const (
	// Regression: one unit per target, the prediction itself.
	Regression Output = iota
	// Classes: a softmax unit per class, or for two classes one sigmoid
	// unit whose p is the second class's probability.
	Classes
	// MultiLabel: one sigmoid unit per 0/1 target (bce without classes);
	// a label is on when its unit is ≥ 0.5.
	MultiLabel
)

// Model is everything needed to apply a trained network to raw rows.
type Model struct {
	// Columns are the source columns in input order; their Inputs() add up
	// to the first layer's In.
	Columns []Column
	// Missing lists the cell texts that mean "missing"; a missing category
	// is given to the ONNX graph as Missing[0] (any listed text works).
	Missing []string
	// Offset and Scale map each network input x → (x − Offset)/Scale
	// (one-hot inputs have 0 and 1).
	Offset, Scale []float64
	Layers        []Layer
	Output        Output
	Targets       []string
	Classes       []string // Output == Classes only
	// Info is model.json without its layers, as a JSON object: the
	// safetensors metadata.
	Info json.RawMessage
}

// Inputs is the number of network inputs, after one-hot encoding.
func (m *Model) Inputs() int {
	n := 0
	for _, c := range m.Columns {
		n += c.Inputs()
	}
	return n
}

// Check reports the first inconsistency of m; every exporter calls it.
func (m *Model) Check() error {
	if len(m.Columns) == 0 {
		return fmt.Errorf("model has no input columns")
	}
	if len(m.Layers) == 0 {
		return fmt.Errorf("model has no layers")
	}
	seen := map[string]bool{}
	for i, c := range m.Columns {
		if c.Name == "" {
			return fmt.Errorf("columns[%d] has no name", i)
		}
		if seen[c.Name] {
			return fmt.Errorf("column %q is listed twice", c.Name)
		}
		seen[c.Name] = true
		switch c.Kind {
		case Number:
			if c.HasFill && (math.IsNaN(c.FillNumber) || math.IsInf(c.FillNumber, 0)) {
				return fmt.Errorf("column %q: fill is not finite", c.Name)
			}
		case Category:
			if len(c.Categories) == 0 {
				return fmt.Errorf("column %q: a category column needs categories", c.Name)
			}
			cats := map[string]bool{}
			for _, s := range c.Categories {
				if cats[s] {
					return fmt.Errorf("column %q: category %q is listed twice", c.Name, s)
				}
				cats[s] = true
			}
			if c.HasFill && !cats[c.FillCategory] {
				return fmt.Errorf("column %q: fill %q is not one of its categories", c.Name, c.FillCategory)
			}
		default:
			return fmt.Errorf("column %q: unknown kind %d", c.Name, c.Kind)
		}
	}
	in := m.Inputs()
	if len(m.Offset) != in || len(m.Scale) != in {
		return fmt.Errorf("normalisation has %d offsets and %d scales, want one per input (%d)", len(m.Offset), len(m.Scale), in)
	}
	for i, s := range m.Scale {
		if s == 0 || !finite(s) || !finite(m.Offset[i]) {
			return fmt.Errorf("normalisation of input %d: offset %v, scale %v", i, m.Offset[i], s)
		}
	}
	for i, l := range m.Layers {
		want := in
		if i > 0 {
			want = m.Layers[i-1].Out
		}
		if l.In != want || l.Out < 1 || len(l.W) != l.In*l.Out || len(l.B) != l.Out {
			return fmt.Errorf("layers[%d]: in %d, out %d, %d weights, %d biases do not fit %d inputs", i, l.In, l.Out, len(l.W), len(l.B), want)
		}
		if l.Activation == network.Softmax && i != len(m.Layers)-1 {
			return fmt.Errorf("layers[%d]: softmax is only allowed on the output layer", i)
		}
	}
	last := m.Layers[len(m.Layers)-1]
	switch m.Output {
	case Regression, MultiLabel:
		if len(m.Classes) != 0 || last.Out != len(m.Targets) {
			return fmt.Errorf("output layer has %d units for %d targets and %d classes", last.Out, len(m.Targets), len(m.Classes))
		}
		if m.Output == MultiLabel && last.Activation != network.Sigmoid {
			return fmt.Errorf("multi-label output needs a sigmoid output layer, got %s", last.Activation)
		}
	case Classes:
		ok := (last.Activation == network.Softmax && last.Out == len(m.Classes) && last.Out >= 2) ||
			(last.Activation == network.Sigmoid && last.Out == 1 && len(m.Classes) == 2)
		if !ok || len(m.Targets) != 1 {
			return fmt.Errorf("output layer (%d %s units) does not fit %d classes of %d targets", last.Out, last.Activation, len(m.Classes), len(m.Targets))
		}
	default:
		return fmt.Errorf("unknown output kind %d", m.Output)
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Precision is the element type of the exported tensors.
type Precision int

const (
	Float32 Precision = iota
	Float64
)

func (p Precision) String() string {
	if p == Float64 {
		return "float64"
	}
	return "float32"
}

// size is the bytes of one element.
func (p Precision) size() int {
	if p == Float64 {
		return 8
	}
	return 4
}

// appendLE appends v to dst as elements of precision p, little-endian: the
// raw data of an ONNX tensor and of a safetensors tensor alike.
func (p Precision) appendLE(dst []byte, v []float64) []byte {
	for _, x := range v {
		if p == Float64 {
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(x))
		} else {
			dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(float32(x)))
		}
	}
	return dst
}

// ParsePrecision maps a --precision value to its Precision.
func ParsePrecision(s string) (Precision, error) {
	switch s {
	case "float32":
		return Float32, nil
	case "float64":
		return Float64, nil
	}
	return 0, fmt.Errorf("unknown precision %q (want float32 or float64)", s)
}

// Format is a file format export writes.
type Format int

const (
	ONNX Format = iota
	Safetensors
)

var formatNames = [...]string{"onnx", "safetensors"}

func (f Format) String() string { return formatNames[f] }

// ParseFormat maps a --format value to its Format.
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if n == s {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("unknown format %q (want %s)", s, strings.Join(formatNames[:], " or "))
}

// Encode writes m in format f at precision p.
func Encode(m *Model, f Format, p Precision) ([]byte, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	switch f {
	case ONNX:
		return EncodeONNX(m, p)
	case Safetensors:
		return EncodeSafetensors(m, p)
	}
	return nil, fmt.Errorf("unknown format %d", f)
}
