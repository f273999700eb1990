package model

import (
	"bytes"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
)

// fuzzSeeds are model.json files a user might hand to --model or --init:
// the contract's example, every activation, a regression model, an older or
// newer format, and files that are nearly right.
var fuzzSeeds = []string{
	// Format 2: a category column with the "" of impute missing, a number
	// column without a fill (impute error), semicolons and decimal commas.
	`{"format": "nntrain-model/2", "features": ["sex=", "sex=female", "sex=male", "age"], "targets": ["y"], "classes": ["no", "yes"],
 "columns": [{"name": "sex", "kind": "category", "categories": ["", "female", "male"], "fill": ""}, {"name": "age", "kind": "number"}],
 "missing": ["", "NA"], "delimiter": ";", "decimal": ",",
 "normalize": {"kind": "standard", "offset": [0, 0, 0, 29.69], "scale": [1, 1, 1, 14.5]}, "loss": "bce",
 "layers": [{"in": 4, "out": 1, "activation": "sigmoid", "weight": [[0.1, 0.2, 0.3, 0.4]], "bias": [0]}]}`,
	// Format 2 as the PyTorch reference writes it.
	`{"format": "nntrain-model/2", "features": ["x1", "colour=blue", "colour=red", "grade=1", "grade=10"], "targets": ["outcome"],
 "columns": [{"name": "x1", "kind": "number", "fill": 0.09707166666666667}, {"name": "colour", "kind": "category", "categories": ["blue", "red"], "fill": "blue"},
  {"name": "grade", "kind": "category", "categories": ["1", "10"], "fill": "10"}],
 "normalize": {"kind": "none"}, "loss": "mse", "missing": ["", "NA"], "delimiter": ",", "decimal": ".",
 "layers": [{"in": 5, "out": 1, "activation": "linear", "weight": [[1, 2, 3, 4, 5]], "bias": [0.5]}]}`,
	// The contract's example.
	`{"format": "nntrain-model/1", "features": ["x1", "x2"], "targets": ["y"], "classes": ["no", "yes"],
 "normalize": {"kind": "standard", "offset": [0.1, 0.2], "scale": [1.5, 2.0]}, "loss": "bce",
 "layers": [
  {"in": 2, "out": 3, "activation": "tanh", "weight": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], "bias": [0, 0, 0]},
  {"in": 3, "out": 1, "activation": "sigmoid", "weight": [[0.7, 0.8, 0.9]], "bias": [0]}]}`,
	// Three classes, leaky_relu with alpha, softmax, class names, min-max.
	`{"format":"nntrain-model/1","features":["a","b"],"targets":["species"],"classes":["0","1","2"],
 "class_names":{"0":"setosa","1":"versicolor","2":"virginica"},
 "normalize":{"kind":"minmax","offset":[4.3,2],"scale":[3.6,2.4]},"loss":"cross_entropy",
 "layers":[{"in":2,"out":2,"activation":"leaky_relu","alpha":0.2,"weight":[[-0.5,1e-300],[5e-324,-0]],"bias":[1.7976931348623157e308,-2]},
 {"in":2,"out":3,"activation":"softmax","weight":[[1,2],[3,4],[5,6]],"bias":[0,0,0]}]}`,
	// Regression, two targets, normalize left out, relu and linear.
	`{"format":"nntrain-model/1","features":["x"],"targets":["y1","y2"],"loss":"mse",
 "layers":[{"in":1,"out":1,"activation":"relu","weight":[[0.1]],"bias":[0.2]},
 {"in":1,"out":2,"activation":"linear","weight":[[1],[2]],"bias":[3,4]}]}`,
	// normalize none with no offset/scale; an unknown key is ignored.
	`{"format":"nntrain-model/1","features":["x"],"targets":["y"],"loss":"mse","normalize":{"kind":"none"},"future":{"x":1},
 "layers":[{"in":1,"out":1,"activation":"linear","weight":[[0.1]],"bias":[0.2],"note":"hi"}]}`,
	// Nearly right: other format, wrong shapes, bad types, not JSON.
	`{"format":"nntrain-model/2","features":["x"],"targets":["y"],"loss":"mse","layers":[]}`,
	`{"format":"keras","config":{}}`,
	`{"format":"nntrain-model/1","features":["x"],"targets":["y"],"loss":"mse",
 "layers":[{"in":2,"out":1,"activation":"linear","weight":[[0.1]],"bias":[0.2]}]}`,
	`{"format":"nntrain-model/1","features":["x"],"targets":["y"],"loss":"mse",
 "layers":[{"in":1,"out":1,"activation":"linear","weight":[["a"]],"bias":[0.2]}]}`,
	`{"format":"nntrain-model/1","features":["x"],"targets":["y"],"loss":"mse","normalize":{"kind":"standard","offset":[0],"scale":[0]},
 "layers":[{"in":1,"out":1,"activation":"linear","weight":[[1e999]],"bias":[0.2]}]}`,
	`{"format":"nntrain-model/1","features":["x","y"],"targets":["t"],"classes":["a","b","c"],"loss":"bce",
 "layers":[{"in":2,"out":1,"activation":"softmax","weight":[[1,1]],"bias":[0]}]}`,
	`{"format":"nntrain-model/1","features":["x"],"targets":["y"],"classes":[],"loss":"cross_entropy",
 "layers":[{"in":1,"out":1,"activation":"softmax","weight":[[1]],"bias":[0]}]}`,
	// float32 models: rounded on reading, refused beyond float32's range
	`{"format":"nntrain-model/2","precision":"float32","features":["x"],"targets":["y"],"loss":"mse",
 "layers":[{"in":1,"out":1,"activation":"linear","weight":[[0.1]],"bias":[1e-46]}]}`,
	`{"format":"nntrain-model/2","precision":"float32","features":["x"],"targets":["y"],"loss":"mse",
 "layers":[{"in":1,"out":1,"activation":"linear","weight":[[1e39]],"bias":[0]}]}`,
	`{"format":"nntrain-model/2","precision":"float16","features":["x"],"targets":["y"],"loss":"mse",
 "layers":[{"in":1,"out":1,"activation":"linear","weight":[[1]],"bias":[0]}]}`,
	`[1,2,3]`,
	`null`,
	"x1,x2,y\n1,2,3\n",
	"\xef\xbb\xbf{\"format\":\"nntrain-model/1\"}",
	"",
}

// FuzzReadModel feeds arbitrary bytes to ReadModel. It must never panic;
// when it accepts the bytes, writing the model and reading it back must
// give the same model, parameters bit for bit.
func FuzzRead(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Read(b)
		if err != nil {
			if m != nil {
				t.Fatalf("got a model and the error %v", err)
			}
			if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") {
				t.Fatalf("error %q: want one non-empty line", msg)
			}
			return
		}
		checkModel(t, m)
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			t.Fatalf("Write of a model ReadModel accepted: %v", err)
		}
		m2, err := Read(buf.Bytes())
		if err != nil {
			t.Fatalf("ReadModel of Write's output: %v\n%s", err, buf.Bytes())
		}
		sameModel(t, m, m2)
		// A second round trip is byte-for-byte stable.
		var buf2 bytes.Buffer
		if err := m2.Write(&buf2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
			t.Fatalf("second write differs:\n%s\nwant\n%s", buf2.Bytes(), buf.Bytes())
		}
	})
}

// checkModel asserts what every caller of ReadModel relies on.
func checkModel(t *testing.T, m *Model) {
	t.Helper()
	n := m.Net
	if m.Precision == network.Float32 {
		for i, v := range n.Params {
			if float64(float32(v)) != v {
				t.Fatalf("float32 model: params[%d] = %v is not a float32 value", i, v)
			}
		}
	}
	if len(n.Layers) == 0 || len(m.Features) != n.Inputs() || len(m.Targets) == 0 {
		t.Fatalf("got %d layers, %d features for %d inputs, %d targets", len(n.Layers), len(m.Features), n.Inputs(), len(m.Targets))
	}
	for i, l := range n.Layers {
		if len(l.W) != l.In*l.Out || len(l.B) != l.Out {
			t.Fatalf("layers[%d]: got %d weights and %d biases for %d×%d", i, len(l.W), len(l.B), l.Out, l.In)
		}
		if i > 0 && l.In != n.Layers[i-1].Out {
			t.Fatalf("layers[%d].in %d after out %d", i, l.In, n.Layers[i-1].Out)
		}
		if l.Act == network.Softmax && i != len(n.Layers)-1 {
			t.Fatalf("softmax on hidden layer %d", i)
		}
	}
	for i, v := range n.Params {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("params[%d] = %v", i, v)
		}
	}
	nz := m.Normalize
	if len(nz.Offset) != len(m.Features) || len(nz.Scale) != len(m.Features) {
		t.Fatalf("normalize: got %d offsets, %d scales for %d features", len(nz.Offset), len(nz.Scale), len(m.Features))
	}
	for i, s := range nz.Scale {
		if s == 0 || math.IsNaN(s) || math.IsInf(s, 0) {
			t.Fatalf("normalize.scale[%d] = %v", i, s)
		}
	}
}

func sameModel(t *testing.T, a, b *Model) {
	t.Helper()
	if a.Precision != b.Precision {
		t.Fatalf("precision %v, want %v", b.Precision, a.Precision)
	}
	if len(a.Net.Params) != len(b.Net.Params) {
		t.Fatalf("got %d params, want %d", len(b.Net.Params), len(a.Net.Params))
	}
	for i := range a.Net.Params {
		if math.Float64bits(a.Net.Params[i]) != math.Float64bits(b.Net.Params[i]) {
			t.Fatalf("params[%d]: got %v, want %v (bits differ)", i, b.Net.Params[i], a.Net.Params[i])
		}
	}
	for i, l := range a.Net.Layers {
		l2 := b.Net.Layers[i]
		if l.In != l2.In || l.Out != l2.Out || l.Act != l2.Act {
			t.Fatalf("layers[%d]: got %d×%d %v, want %d×%d %v", i, l2.Out, l2.In, l2.Act, l.Out, l.In, l.Act)
		}
		if l.Act == network.LeakyReLU && math.Float64bits(l.Alpha) != math.Float64bits(l2.Alpha) {
			t.Fatalf("layers[%d].alpha: got %v, want %v", i, l2.Alpha, l.Alpha)
		}
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"features", b.Features, a.Features},
		{"targets", b.Targets, a.Targets},
		{"classes", b.Classes, a.Classes},
		{"loss", b.Loss, a.Loss},
		{"normalize.kind", b.Normalize.Kind, a.Normalize.Kind},
		{"normalize.offset", bitsOf(b.Normalize.Offset), bitsOf(a.Normalize.Offset)},
		{"normalize.scale", bitsOf(b.Normalize.Scale), bitsOf(a.Normalize.Scale)},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Fatalf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if a.Encoder == nil || b.Encoder == nil {
		t.Fatalf("encoders %v, %v; want both set", a.Encoder, b.Encoder)
	}
	ea, eb := *a.Encoder, *b.Encoder
	if len(ea.Columns) != len(eb.Columns) {
		t.Fatalf("columns: got %d, want %d", len(eb.Columns), len(ea.Columns))
	}
	for i := range ea.Columns {
		ca, cb := ea.Columns[i], eb.Columns[i]
		if math.Float64bits(ca.Fill) != math.Float64bits(cb.Fill) {
			t.Fatalf("columns[%d].fill: got %v, want %v (bits differ)", i, cb.Fill, ca.Fill)
		}
		ca.Fill, cb.Fill = 0, 0
		if !reflect.DeepEqual(ca, cb) {
			t.Fatalf("columns[%d]: got %+v, want %+v", i, cb, ca)
		}
	}
	if !slices.Equal(ea.Missing, eb.Missing) || ea.Delimiter != eb.Delimiter || ea.Decimal != eb.Decimal {
		t.Fatalf("format: got %q %q %q, want %q %q %q", eb.Missing, eb.Delimiter, eb.Decimal, ea.Missing, ea.Delimiter, ea.Decimal)
	}
	if len(a.ClassNames)+len(b.ClassNames) > 0 && !reflect.DeepEqual(a.ClassNames, b.ClassNames) {
		t.Fatalf("class_names: got %v, want %v", b.ClassNames, a.ClassNames)
	}
}

func bitsOf(v []float64) []uint64 {
	out := make([]uint64, len(v))
	for i, x := range v {
		out[i] = math.Float64bits(x)
	}
	return out
}
