package export

import (
	"fmt"
	"math"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/nntrain/nntrain/internal/export/onnxpb"
	"github.com/nntrain/nntrain/internal/network"
)

// The ONNX versions written: IR version 8 with opset 17 (ONNX 1.12), and
// version 3 of the ai.onnx.ml domain of the same release, used only when a
// column is a category.
const (
	onnxIRVersion = 8
	onnxOpset     = 17
	onnxMLOpset   = 3
	mlDomain      = "ai.onnx.ml"
)

// The graph's output names, fixed by the contract.
const (
	outY     = "y"
	outLabel = "label"
	outProbs = "probabilities"
)

// internal names start with this, so they cannot meet a column's name.
const internalPrefix = "nntrain/"

// EncodeONNX writes m as an ONNX model. The graph takes one [N, 1] tensor
// per source column, named as the column (float or double for a number,
// string for a category), and computes, as predict does on CSV rows:
//
//	number:   x = IsNaN(x) ? fill : x                      (IsNaN, Where)
//	category: text → fill when it is a missing text        (ai.onnx.ml LabelEncoder)
//	          one-hot over the categories, zeros if unseen (ai.onnx.ml OneHotEncoder)
//	X = concat(columns) ; X = (X − offset) / scale         (Concat, Sub, Div)
//	A = g(A_prev·Wᵀ + B) per layer                         (Gemm transB=1, activation)
//
// Outputs: regression y [N, targets]; classes label (string [N]) and
// probabilities [N, K] (for one sigmoid unit [N, 2]: 1−p, p); multi-label
// probabilities [N, targets] and label (int64 0/1 [N, targets], 1 where
// the probability is ≥ 0.5, as predict decides a label).
func EncodeONNX(m *Model, p Precision) ([]byte, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	for _, c := range m.Columns {
		switch {
		case c.Name == outY || c.Name == outLabel || c.Name == outProbs:
			return nil, fmt.Errorf("column %q has the name of an ONNX output; rename it to export the model", c.Name)
		case strings.HasPrefix(c.Name, internalPrefix):
			return nil, fmt.Errorf("column %q: names starting with %q are kept for the graph's own tensors", c.Name, internalPrefix)
		}
	}
	g := &graph{p: p, elem: onnxpb.TensorProto_FLOAT}
	if p == Float64 {
		g.elem = onnxpb.TensorProto_DOUBLE
	}
	var parts []string
	for i, c := range m.Columns {
		parts = append(parts, g.column(i, c, m.Missing))
	}
	x := parts[0]
	if len(parts) > 1 {
		x = g.node("Concat", parts, "inputs", attrInt("axis", 1))
	}
	if !identity(m.Offset, m.Scale) {
		x = g.node("Sub", []string{x, g.constFloats("offset", m.Offset, int64(len(m.Offset)))}, "centred")
		x = g.node("Div", []string{x, g.constFloats("scale", m.Scale, int64(len(m.Scale)))}, "normalised")
	}
	last := len(m.Layers) - 1
	for i, l := range m.Layers {
		x = g.layer(i, l, x, i == last && m.Output == Regression)
	}
	out := int64(m.Layers[last].Out)
	switch m.Output {
	case Regression:
		g.output(outY, g.elem, dimN(), dimV(out))
	case MultiLabel:
		g.rename(x, outProbs)
		half := g.constScalar("half", 0.5)
		on := g.node("GreaterOrEqual", []string{outProbs, half}, "on")
		g.nodeTo("Cast", []string{on}, outLabel, attrInt("to", int64(onnxpb.TensorProto_INT64)))
		g.output(outLabel, onnxpb.TensorProto_INT64, dimN(), dimV(out))
		g.output(outProbs, g.elem, dimN(), dimV(out))
	case Classes:
		var idx string
		if out == 1 {
			// One sigmoid unit p: predict's class is 1 when p ≥ 0.5.
			pr := x
			q := g.node("Sub", []string{g.constScalar("one", 1), pr}, "one_minus_p")
			g.nodeTo("Concat", []string{q, pr}, outProbs, attrInt("axis", 1))
			on := g.node("GreaterOrEqual", []string{pr, g.constScalar("half", 0.5)}, "on")
			i64 := g.node("Cast", []string{on}, "on_int", attrInt("to", int64(onnxpb.TensorProto_INT64)))
			idx = g.node("Squeeze", []string{i64, g.constInts("axis1", []int64{1})}, "class_index")
			out = 2
		} else {
			// ArgMax takes the first of equal maxima, as predict does.
			g.rename(x, outProbs)
			idx = g.node("ArgMax", []string{outProbs}, "class_index", attrInt("axis", 1), attrInt("keepdims", 0))
		}
		g.nodeTo("Gather", []string{g.constStrings("classes", m.Classes), idx}, outLabel, attrInt("axis", 0))
		g.output(outLabel, onnxpb.TensorProto_STRING, dimN())
		g.output(outProbs, g.elem, dimN(), dimV(out))
	}

	opsets := []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(onnxOpset)}}
	if g.usesML {
		opsets = append(opsets, &onnxpb.OperatorSetIdProto{Domain: proto.String(mlDomain), Version: proto.Int64(onnxMLOpset)})
	}
	mp := &onnxpb.ModelProto{
		IrVersion:    proto.Int64(onnxIRVersion),
		OpsetImport:  opsets,
		ProducerName: proto.String("nntrain"),
		DocString:    proto.String("A multilayer perceptron trained by nntrain, with its preprocessing: feed the raw columns."),
		Graph: &onnxpb.GraphProto{
			Name:        proto.String("nntrain"),
			Node:        g.nodes,
			Initializer: g.inits,
			Input:       g.inputs,
			Output:      g.outputs,
			ValueInfo:   g.values,
		},
	}
	if len(m.Info) > 0 {
		mp.MetadataProps = []*onnxpb.StringStringEntryProto{{Key: proto.String("nntrain"), Value: proto.String(string(m.Info))}}
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(mp)
}

// identity says the normalisation maps every input to itself.
func identity(offset, scale []float64) bool {
	for i := range offset {
		if offset[i] != 0 || scale[i] != 1 {
			return false
		}
	}
	return true
}

// graph collects nodes, constants and the graph's inputs and outputs.
type graph struct {
	p       Precision
	elem    onnxpb.TensorProto_DataType // FLOAT or DOUBLE
	nodes   []*onnxpb.NodeProto
	inits   []*onnxpb.TensorProto
	inputs  []*onnxpb.ValueInfoProto
	outputs []*onnxpb.ValueInfoProto
	values  []*onnxpb.ValueInfoProto // types of intermediate tensors
	consts  map[string]string        // constant name → tensor name, shared
	usesML  bool
}

// node adds op(in) → a new tensor named after what, and returns that name.
func (g *graph) node(op string, in []string, what string, attrs ...*onnxpb.AttributeProto) string {
	name := fmt.Sprintf("%s%d/%s", internalPrefix, len(g.nodes), what)
	g.nodeTo(op, in, name, attrs...)
	return name
}

// nodeTo adds op(in) → out.
func (g *graph) nodeTo(op string, in []string, out string, attrs ...*onnxpb.AttributeProto) {
	n := &onnxpb.NodeProto{Input: in, Output: []string{out}, OpType: proto.String(op), Attribute: attrs,
		Name: proto.String(fmt.Sprintf("%s%s_%d", internalPrefix, op, len(g.nodes)))}
	if op == "LabelEncoder" || op == "OneHotEncoder" {
		n.Domain = proto.String(mlDomain)
		g.usesML = true
	}
	g.nodes = append(g.nodes, n)
}

// rename makes the node that produced tensor from produce to instead.
func (g *graph) rename(from, to string) {
	for _, n := range g.nodes {
		for i, o := range n.Output {
			if o == from {
				n.Output[i] = to
				return
			}
		}
	}
	panic("export: no node produces " + from)
}

func (g *graph) init(t *onnxpb.TensorProto) string {
	g.inits = append(g.inits, t)
	return t.GetName()
}

// constFloats is a tensor of the graph's precision with the given dims.
func (g *graph) constFloats(what string, v []float64, dims ...int64) string {
	t := &onnxpb.TensorProto{Name: proto.String(fmt.Sprintf("%sconst%d/%s", internalPrefix, len(g.inits), what)),
		Dims: dims, DataType: proto.Int32(int32(g.elem))}
	t.RawData = g.p.appendLE(make([]byte, 0, g.p.size()*len(v)), v)
	return g.init(t)
}

// constScalar is a scalar of the graph's precision, made once per name.
func (g *graph) constScalar(what string, v float64) string {
	if g.consts == nil {
		g.consts = map[string]string{}
	}
	key := fmt.Sprintf("%s=%x", what, math.Float64bits(v))
	if n, ok := g.consts[key]; ok {
		return n
	}
	n := g.constFloats(what, []float64{v})
	g.consts[key] = n
	return n
}

func (g *graph) constInts(what string, v []int64) string {
	return g.init(&onnxpb.TensorProto{Name: proto.String(fmt.Sprintf("%sconst%d/%s", internalPrefix, len(g.inits), what)),
		Dims: []int64{int64(len(v))}, DataType: proto.Int32(int32(onnxpb.TensorProto_INT64)), Int64Data: v})
}

func (g *graph) constStrings(what string, v []string) string {
	t := &onnxpb.TensorProto{Name: proto.String(fmt.Sprintf("%sconst%d/%s", internalPrefix, len(g.inits), what)),
		Dims: []int64{int64(len(v))}, DataType: proto.Int32(int32(onnxpb.TensorProto_STRING))}
	for _, s := range v {
		t.StringData = append(t.StringData, []byte(s))
	}
	return g.init(t)
}

func (g *graph) input(name string, elem onnxpb.TensorProto_DataType) {
	g.inputs = append(g.inputs, valueInfo(name, elem, dimN(), dimV(1)))
}

func (g *graph) output(name string, elem onnxpb.TensorProto_DataType, dims ...*onnxpb.TensorShapeProto_Dimension) {
	g.outputs = append(g.outputs, valueInfo(name, elem, dims...))
}

// column adds source column i as a graph input with its imputation and
// encoding, and returns the tensor of its network inputs: [N, Inputs()].
func (g *graph) column(i int, c Column, missing []string) string {
	if c.Kind == Number {
		g.input(c.Name, g.elem)
		if !c.HasFill {
			return c.Name
		}
		nan := g.node("IsNaN", []string{c.Name}, c.Name+"/missing")
		return g.node("Where", []string{nan, g.constFloats(c.Name+"/fill", []float64{c.FillNumber}), c.Name}, c.Name+"/imputed")
	}
	g.input(c.Name, onnxpb.TensorProto_STRING)
	x := c.Name
	if c.HasFill && len(missing) > 0 {
		// Each category maps to itself, each missing text to the fill, and
		// anything else to a text that is no category (so: all zeros).
		var keys, vals []string
		isMissing := map[string]bool{}
		for _, s := range missing {
			if !isMissing[s] {
				isMissing[s] = true
				keys, vals = append(keys, s), append(vals, c.FillCategory)
			}
		}
		for _, s := range c.Categories {
			if !isMissing[s] {
				keys, vals = append(keys, s), append(vals, s)
			}
		}
		x = g.node("LabelEncoder", []string{x}, c.Name+"/filled",
			attrStrings("keys_strings", keys), attrStrings("values_strings", vals),
			attrString("default_string", notAmong(c.Categories)))
	}
	// OneHotEncoder gives float [N, 1, K]; zeros=1 makes an unseen text all
	// zeros instead of an error, as predict treats it.
	oh := g.node("OneHotEncoder", []string{x}, c.Name+"/onehot", attrStrings("cats_strings", c.Categories), attrInt("zeros", 1))
	// ONNX 1.12 has no shape inference for OneHotEncoder: declaring its
	// output lets the checker's full (strict) check type the rest.
	g.values = append(g.values, valueInfo(oh, onnxpb.TensorProto_FLOAT, dimN(), dimV(1), dimV(int64(len(c.Categories)))))
	oh = g.node("Squeeze", []string{oh, g.constInts("axis1", []int64{1})}, c.Name+"/onehot2d")
	if g.p == Float64 {
		oh = g.node("Cast", []string{oh}, c.Name+"/onehot64", attrInt("to", int64(onnxpb.TensorProto_DOUBLE)))
	}
	return oh
}

// notAmong returns a text that is none of cats.
func notAmong(cats []string) string {
	s := "\x00unseen"
	for {
		found := false
		for _, c := range cats {
			if c == s {
				found = true
				break
			}
		}
		if !found {
			return s
		}
		s += "\x00"
	}
}

// layer adds Z = A·Wᵀ + B and A = g(Z) for layer i and returns A's name;
// for the output layer of a regression the last tensor is named y.
func (g *graph) layer(i int, l Layer, x string, isY bool) string {
	pre := fmt.Sprintf("layers.%d", i)
	w := g.constFloats(pre+".weight", l.W, int64(l.Out), int64(l.In))
	b := g.constFloats(pre+".bias", l.B, int64(l.Out))
	z := g.node("Gemm", []string{x, w, b}, pre+"/z", attrInt("transB", 1))
	a := z
	switch l.Activation {
	case network.Linear:
	case network.ReLU:
		a = g.node("Relu", []string{z}, pre+"/a")
	case network.Sigmoid:
		a = g.node("Sigmoid", []string{z}, pre+"/a")
	case network.Tanh:
		a = g.node("Tanh", []string{z}, pre+"/a")
	case network.Softmax:
		a = g.node("Softmax", []string{z}, pre+"/a", attrInt("axis", 1))
	case network.LeakyReLU:
		if g.p == Float32 || float64(float32(l.Alpha)) == l.Alpha {
			a = g.node("LeakyRelu", []string{z}, pre+"/a", attrFloat("alpha", float32(l.Alpha)))
		} else {
			// LeakyRelu's alpha attribute is a float32: 0.01 would become
			// 0.0099999998, 2e-9 off predict in float64. Spelled out, alpha
			// stays a double: z > 0 ? z : alpha·z, as predict computes it.
			pos := g.node("Greater", []string{z, g.constScalar("zero", 0)}, pre+"/positive")
			az := g.node("Mul", []string{z, g.constScalar("alpha", l.Alpha)}, pre+"/alpha_z")
			a = g.node("Where", []string{pos, z, az}, pre+"/a")
		}
	default:
		panic("export: unknown activation " + l.Activation.String())
	}
	if isY {
		g.rename(a, outY)
		return outY
	}
	return a
}

func valueInfo(name string, elem onnxpb.TensorProto_DataType, dims ...*onnxpb.TensorShapeProto_Dimension) *onnxpb.ValueInfoProto {
	return &onnxpb.ValueInfoProto{Name: proto.String(name), Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{
		TensorType: &onnxpb.TypeProto_Tensor{ElemType: proto.Int32(int32(elem)), Shape: &onnxpb.TensorShapeProto{Dim: dims}}}}}
}

func dimN() *onnxpb.TensorShapeProto_Dimension {
	return &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: "N"}}
}

func dimV(v int64) *onnxpb.TensorShapeProto_Dimension {
	return &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: v}}
}

func attrInt(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(v)}
}

func attrFloat(name string, v float32) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_FLOAT.Enum(), F: proto.Float32(v)}
}

func attrString(name, v string) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte(v)}
}

func attrStrings(name string, v []string) *onnxpb.AttributeProto {
	a := &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_STRINGS.Enum()}
	for _, s := range v {
		a.Strings = append(a.Strings, []byte(s))
	}
	return a
}
