package export

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/nntrain/nntrain/internal/export/onnxpb"
	"github.com/nntrain/nntrain/internal/network"
)

func decodeONNX(t *testing.T, b []byte) *onnxpb.ModelProto {
	t.Helper()
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(b, &mp); err != nil {
		t.Fatal(err)
	}
	return &mp
}

type port struct {
	name string
	elem onnxpb.TensorProto_DataType
	dims string
}

func ports(vs []*onnxpb.ValueInfoProto) []port {
	var out []port
	for _, v := range vs {
		tt := v.GetType().GetTensorType()
		var d []string
		for _, x := range tt.GetShape().GetDim() {
			if x.GetDimParam() != "" {
				d = append(d, x.GetDimParam())
			} else {
				d = append(d, strconv.FormatInt(x.GetDimValue(), 10))
			}
		}
		out = append(out, port{v.GetName(), onnxpb.TensorProto_DataType(tt.GetElemType()), strings.Join(d, ",")})
	}
	return out
}

// TestONNXInterface checks what a caller sees of each graph: opsets, the
// inputs (one per source column) and the outputs, their types and shapes.
func TestONNXInterface(t *testing.T) {
	F, D, S, I := onnxpb.TensorProto_FLOAT, onnxpb.TensorProto_DOUBLE, onnxpb.TensorProto_STRING, onnxpb.TensorProto_INT64
	numbers := func(out Output, act network.Activation, units int, classes []string, targets []string) *Model {
		return &Model{Columns: []Column{{Name: "x1"}, {Name: "x2"}}, Offset: []float64{1, 2}, Scale: []float64{3, 4},
			Layers: []Layer{{In: 2, Out: units, W: make([]float64, 2*units), B: make([]float64, units), Activation: act}},
			Output: out, Classes: classes, Targets: targets}
	}
	cases := []struct {
		name    string
		m       *Model
		p       Precision
		ml      bool
		in, out []port
	}{
		{"regression", numbers(Regression, network.Linear, 2, nil, []string{"a", "b"}), Float32, false,
			[]port{{"x1", F, "N,1"}, {"x2", F, "N,1"}}, []port{{"y", F, "N,2"}}},
		{"regression float64", numbers(Regression, network.Linear, 1, nil, []string{"a"}), Float64, false,
			[]port{{"x1", D, "N,1"}, {"x2", D, "N,1"}}, []port{{"y", D, "N,1"}}},
		{"softmax", numbers(Classes, network.Softmax, 3, []string{"a", "b", "c"}, []string{"t"}), Float32, false,
			[]port{{"x1", F, "N,1"}, {"x2", F, "N,1"}}, []port{{"label", S, "N"}, {"probabilities", F, "N,3"}}},
		{"one sigmoid unit", numbers(Classes, network.Sigmoid, 1, []string{"no", "yes"}, []string{"t"}), Float64, false,
			[]port{{"x1", D, "N,1"}, {"x2", D, "N,1"}}, []port{{"label", S, "N"}, {"probabilities", D, "N,2"}}},
		{"multi-label", numbers(MultiLabel, network.Sigmoid, 2, nil, []string{"a", "b"}), Float32, false,
			[]port{{"x1", F, "N,1"}, {"x2", F, "N,1"}}, []port{{"label", I, "N,2"}, {"probabilities", F, "N,2"}}},
		{"categories", runtimeCases[0].build(), Float64, true,
			[]port{{"island", S, "N,1"}, {"bill_length_mm", D, "N,1"}, {"sex", S, "N,1"}, {"body_mass_g", D, "N,1"}, {"colour", S, "N,1"}, {"year", S, "N,1"}},
			[]port{{"label", S, "N"}, {"probabilities", D, "N,3"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := EncodeONNX(c.m, c.p)
			if err != nil {
				t.Fatal(err)
			}
			mp := decodeONNX(t, b)
			if mp.GetIrVersion() != 8 {
				t.Errorf("ir_version %d, want 8", mp.GetIrVersion())
			}
			want := map[string]int64{"": 17}
			if c.ml {
				want["ai.onnx.ml"] = 3
			}
			got := map[string]int64{}
			for _, o := range mp.GetOpsetImport() {
				got[o.GetDomain()] = o.GetVersion()
			}
			if len(got) != len(want) || got[""] != 17 || got["ai.onnx.ml"] != want["ai.onnx.ml"] {
				t.Errorf("opsets %v, want %v", got, want)
			}
			if g := ports(mp.GetGraph().GetInput()); !slices.Equal(g, c.in) {
				t.Errorf("inputs %v, want %v", g, c.in)
			}
			if g := ports(mp.GetGraph().GetOutput()); !slices.Equal(g, c.out) {
				t.Errorf("outputs %v, want %v", g, c.out)
			}
			var gemms int
			for _, n := range mp.GetGraph().GetNode() {
				if n.GetOpType() == "Gemm" {
					gemms++
					if a := n.GetAttribute(); len(a) != 1 || a[0].GetName() != "transB" || a[0].GetI() != 1 {
						t.Errorf("Gemm attributes %v, want transB=1", a)
					}
				}
			}
			if gemms != len(c.m.Layers) {
				t.Errorf("%d Gemm nodes for %d layers", gemms, len(c.m.Layers))
			}
			checkTopology(t, mp.GetGraph())
		})
	}
}

// TestLeakyReLUAlpha: in float64 an alpha that float32 cannot hold is
// kept as a double constant, not LeakyRelu's float32 attribute.
func TestLeakyReLUAlpha(t *testing.T) {
	for _, c := range []struct {
		alpha float64
		p     Precision
		op    string
	}{{0.01, Float32, "LeakyRelu"}, {0.25, Float64, "LeakyRelu"}, {0.01, Float64, "Where"}} {
		m := &Model{Columns: []Column{{Name: "x"}}, Offset: []float64{0}, Scale: []float64{1}, Targets: []string{"y"},
			Layers: []Layer{{In: 1, Out: 1, W: []float64{1}, B: []float64{0}, Activation: network.LeakyReLU, Alpha: c.alpha}}}
		b, err := EncodeONNX(m, c.p)
		if err != nil {
			t.Fatal(err)
		}
		nodes := decodeONNX(t, b).GetGraph().GetNode()
		if op := nodes[len(nodes)-1].GetOpType(); op != c.op {
			t.Errorf("alpha %v %s: last node %s, want %s", c.alpha, c.p, op, c.op)
		}
	}
}

func TestCheckRejects(t *testing.T) {
	ok := func() *Model { return runtimeCases[0].build() }
	cases := []struct {
		name string
		edit func(m *Model)
		want string
	}{
		{"no columns", func(m *Model) { m.Columns = nil }, "no input columns"},
		{"twice", func(m *Model) { m.Columns[1].Name = m.Columns[0].Name }, "listed twice"},
		{"fill not a category", func(m *Model) { m.Columns[2].FillCategory = "other" }, "not one of its categories"},
		{"no categories", func(m *Model) { m.Columns[0].Categories = nil }, "needs categories"},
		{"offsets", func(m *Model) { m.Offset = m.Offset[1:] }, "one per input"},
		{"zero scale", func(m *Model) { m.Scale[0] = 0 }, "normalisation of input 0"},
		{"layer shape", func(m *Model) { m.Layers[0].In++ }, "layers[0]"},
		{"classes", func(m *Model) { m.Classes = m.Classes[:2] }, "does not fit"},
		{"hidden softmax", func(m *Model) { m.Layers[0].Activation = network.Softmax }, "only allowed on the output layer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := ok()
			c.edit(m)
			if err := m.Check(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Check() = %v, want an error containing %q", err, c.want)
			}
		})
	}
	if err := ok().Check(); err != nil {
		t.Errorf("a good model: %v", err)
	}
	for _, name := range []string{"y", "label", "probabilities", "nntrain/x"} {
		m := ok()
		m.Columns[1].Name = name
		if _, err := EncodeONNX(m, Float32); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("column named %q: err = %v", name, err)
		}
	}
}

// checkTopology: every node reads only graph inputs, constants or outputs
// of nodes before it, every tensor is written once, and every graph output
// is written.
func checkTopology(t *testing.T, g *onnxpb.GraphProto) {
	t.Helper()
	known := map[string]bool{}
	for _, v := range g.GetInput() {
		known[v.GetName()] = true
	}
	for _, c := range g.GetInitializer() {
		if known[c.GetName()] {
			t.Errorf("%s is defined twice", c.GetName())
		}
		known[c.GetName()] = true
	}
	for _, n := range g.GetNode() {
		for _, in := range n.GetInput() {
			if !known[in] {
				t.Errorf("%s reads %s before anything writes it", n.GetName(), in)
			}
		}
		for _, o := range n.GetOutput() {
			if known[o] {
				t.Errorf("%s writes %s, written before", n.GetName(), o)
			}
			known[o] = true
		}
	}
	for _, o := range g.GetOutput() {
		if !known[o.GetName()] {
			t.Errorf("output %s is never written", o.GetName())
		}
	}
}
