// Package model owns model.json: it reads, validates and writes the file,
// and holds what a trained network needs to be applied to raw CSV rows —
// the feature and target names, the class list, the loss, and the
// preprocessing of the input columns (the dataset.Encoder's imputation and
// one-hot encoding, then the normalisation). It writes format 2 and reads
// formats 1 and 2.
package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/network"
)

// Format is the format tag of model.json files this package writes;
// FormatV1 files (no column preprocessing: every input a number, nothing
// missing) still load and predict as before.
const (
	Format   = "nntrain-model/2"
	FormatV1 = "nntrain-model/1"
)

// Normalize is the input map x → (x − Offset)/Scale stored with a model.
type Normalize = dataset.Norm

// normalizeJSON is Normalize as model.json spells it.
type normalizeJSON struct {
	Kind   string    `json:"kind"`
	Offset []float64 `json:"offset,omitempty"`
	Scale  []float64 `json:"scale,omitempty"`
}

// Model is a network with what is needed to apply it to CSV rows: the
// feature and target names, the classes, the input normalisation and the loss.
type Model struct {
	Features []string
	Targets  []string
	Classes  []string // nil for regression
	// ClassNames maps a class to the name shown for it (a spec's
	// data.class_names, for integer labels); it does not change any figure.
	ClassNames map[string]string
	Normalize  Normalize
	Loss       backprop.Loss
	Net        *network.Net
	// Encoder maps the source columns to the inputs (imputation, one-hot
	// encoding) and knows the file format; for a FormatV1 file it is
	// dataset.NumberEncoder(Features).
	Encoder *dataset.Encoder
	// Version is the format number of the file read (1 or 2); 0 for a
	// model that was not read from a file.
	Version int
	// Precision is what the network trained and runs in. A float32 model's
	// parameters are float32 values (held exactly in Net's float64s) and
	// model.json writes them in float32's shortest form, under
	// "precision": "float32"; a float64 model has no such key.
	Precision network.Precision
}

// ReadConfig is how to read a CSV file for the model: its source columns,
// their kinds fixed, in the model's format (delimiter, decimal mark,
// missing texts). cfg brings the rest (targets to score, columns to keep).
func (m *Model) ReadConfig(cfg dataset.Config) dataset.Config {
	return m.Encoder.Config(cfg)
}

// Encode applies the model's preprocessing to raw rows read with
// ReadConfig: imputation and one-hot encoding, then normalisation. It also
// counts, per category column, the rows with a category the training rows
// did not have (their block is all zeros).
func (m *Model) Encode(raw *dataset.Set) (*dataset.Set, []dataset.Unseen, error) {
	d, unseen, err := m.Encoder.Apply(raw)
	if err != nil {
		return nil, nil, err
	}
	m.Normalize.ApplySet(d)
	return d, unseen, nil
}

// IsClassifier says whether the model predicts classes (it has a class list).
func (m *Model) IsClassifier() bool { return m.Classes != nil }

type layerJSON struct {
	In         int         `json:"in"`
	Out        int         `json:"out"`
	Activation string      `json:"activation"`
	Alpha      *float64    `json:"alpha,omitempty"`
	Weight     [][]float64 `json:"weight"`
	Bias       []float64   `json:"bias"`
}

// layerOut is layerJSON as Write encodes it: Weight and Bias are [][]float64
// and []float64, or for a float32 model [][]float32 and []float32, which
// encoding/json writes in float32's shortest form.
type layerOut struct {
	In         int      `json:"in"`
	Out        int      `json:"out"`
	Activation string   `json:"activation"`
	Alpha      *float64 `json:"alpha,omitempty"`
	Weight     any      `json:"weight"`
	Bias       any      `json:"bias"`
}

type modelJSON struct {
	Format           string            `json:"format"`
	Precision        string            `json:"precision,omitempty"` // absent: float64
	Features         []string          `json:"features"`
	Targets          []string          `json:"targets"`
	Classes          []string          `json:"classes,omitempty"`
	ClassNames       map[string]string `json:"class_names,omitempty"`
	*dataset.Encoder                   // format 2: columns, missing, delimiter, decimal
	Normalize        *normalizeJSON    `json:"normalize"`
	Loss             string            `json:"loss"`
	Layers           []layerJSON       `json:"layers"`
}

// modelOut is modelJSON as Write encodes it.
type modelOut struct {
	modelJSON
	Layers []layerOut `json:"layers"`
}

// Write encodes m as model.json. encoding/json writes each float64 in its
// shortest form that parses back to the same bits. It refuses non-finite
// parameters, so a diverged run never produces a model file.
func (m *Model) Write(w io.Writer) error {
	for _, v := range m.Net.Params {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.New("model has non-finite parameters")
		}
	}
	enc := m.Encoder
	if enc == nil {
		enc = dataset.NumberEncoder(m.Features)
	}
	f := modelOut{modelJSON: modelJSON{Format: Format, Features: m.Features, Targets: m.Targets, Classes: m.Classes, ClassNames: m.ClassNames,
		Encoder:   enc,
		Normalize: &normalizeJSON{Kind: m.Normalize.Kind.String(), Offset: m.Normalize.Offset, Scale: m.Normalize.Scale}, Loss: m.Loss.String()}}
	if m.Precision == network.Float32 {
		f.Precision = m.Precision.String()
	}
	for _, l := range m.Net.Layers {
		lj := layerOut{In: l.In, Out: l.Out, Activation: l.Act.String()}
		if l.Act == network.LeakyReLU {
			a := l.Alpha
			lj.Alpha = &a
		}
		if m.Precision == network.Float32 {
			lj.Weight, lj.Bias = rows(network.Convert[float32](l.W), l.In), network.Convert[float32](l.B)
		} else {
			lj.Weight, lj.Bias = rows(l.W, l.In), l.B
		}
		f.Layers = append(f.Layers, lj)
	}
	b, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// rows splits a row-major Out×in matrix into its rows.
func rows[T network.Float](w []T, in int) [][]T {
	r := make([][]T, 0, len(w)/in)
	for lo := 0; lo < len(w); lo += in {
		r = append(r, w[lo:lo+in])
	}
	return r
}

// ReadFile reads and checks a model.json file; errors name the file.
func ReadFile(path string) (*Model, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %w", path, unwrapPathError(err))
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, want a model.json file", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %w", path, unwrapPathError(err))
	}
	m, err := Read(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Read decodes and checks model.json bytes. Unknown keys are ignored so
// that a newer file still loads; every shape is checked against in/out.
func Read(b []byte) (*Model, error) {
	// Editors on Windows may start a saved file with a byte order mark.
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	var f modelJSON
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, jsonError(b, err)
	}
	version := 0
	switch f.Format {
	case Format:
		version = 2
	case FormatV1:
		version = 1
	case "":
		return nil, fmt.Errorf("not an nntrain model: no \"format\": %q key", Format)
	default:
		return nil, fmt.Errorf("format %q is not supported (want %q or %q)", f.Format, Format, FormatV1)
	}
	if len(f.Layers) == 0 {
		return nil, errors.New("model has no layers")
	}
	prec := network.Float64
	if f.Precision != "" {
		p, err := network.ParsePrecision(f.Precision)
		if err != nil {
			return nil, fmt.Errorf("precision: %w", err)
		}
		prec = p
	}
	var specs []network.LayerSpec
	for i, l := range f.Layers {
		at := fmt.Sprintf("layers[%d]", i)
		act, err := network.ParseActivation(l.Activation)
		if err != nil {
			return nil, fmt.Errorf("%s.activation: %w", at, err)
		}
		if act == network.Softmax && i != len(f.Layers)-1 {
			return nil, fmt.Errorf("%s.activation: softmax is only allowed on the output layer", at)
		}
		if l.In < 1 || l.Out < 1 {
			return nil, fmt.Errorf("%s: in and out must be ≥ 1, got in %d, out %d", at, l.In, l.Out)
		}
		if i == 0 && len(f.Features) != 0 && len(f.Features) != l.In {
			return nil, fmt.Errorf("%s.in is %d but the model lists %d features", at, l.In, len(f.Features))
		}
		if i > 0 && l.In != f.Layers[i-1].Out {
			return nil, fmt.Errorf("%s.in is %d but layers[%d].out is %d", at, l.In, i-1, f.Layers[i-1].Out)
		}
		if len(l.Weight) != l.Out {
			return nil, fmt.Errorf("%s.weight has %d rows, want out = %d", at, len(l.Weight), l.Out)
		}
		for r, row := range l.Weight {
			if len(row) != l.In {
				return nil, fmt.Errorf("%s.weight[%d] has %d values, want in = %d", at, r, len(row), l.In)
			}
		}
		if len(l.Bias) != l.Out {
			return nil, fmt.Errorf("%s.bias has %d values, want out = %d", at, len(l.Bias), l.Out)
		}
		alpha := 0.01
		if l.Alpha != nil {
			alpha = *l.Alpha
		}
		if math.IsNaN(alpha) || math.IsInf(alpha, 0) {
			return nil, fmt.Errorf("%s.alpha is not finite", at)
		}
		specs = append(specs, network.LayerSpec{Units: l.Out, Activation: act, Alpha: alpha})
	}
	if len(f.Features) == 0 {
		return nil, errors.New("model lists no features")
	}
	if len(f.Targets) == 0 {
		return nil, errors.New("model lists no targets")
	}
	loss, err := backprop.ParseLoss(f.Loss)
	if err != nil {
		return nil, fmt.Errorf("loss %q is not one of mse, bce, cross_entropy", f.Loss)
	}
	if f.Classes != nil && len(f.Classes) == 0 {
		// An empty list would make a classifier of no classes (predict
		// indexed into it); leaving the key out means regression.
		return nil, errors.New(`"classes" is an empty list: a classifier needs at least 2 classes (a regression model has no "classes" key)`)
	}
	for _, names := range []struct {
		key  string
		list []string
	}{{"features", f.Features}, {"targets", f.Targets}, {"classes", f.Classes}} {
		seen := map[string]bool{}
		for _, n := range names.list {
			if n == "" && names.key == "features" {
				// A CSV column always has a name, so no file could be read for it.
				return nil, errors.New(`features: "" is not a column name`)
			}
			if seen[n] {
				return nil, fmt.Errorf("%s: %q is listed twice", names.key, n)
			}
			seen[n] = true
		}
	}
	// The loss must fit the output layer, as in a spec.
	switch outAct := specs[len(specs)-1].Activation; {
	case loss == backprop.CrossEntropy && outAct != network.Softmax:
		return nil, fmt.Errorf("loss cross_entropy needs a softmax output layer, but layers[%d].activation is %q", len(specs)-1, outAct)
	case outAct == network.Softmax && loss != backprop.CrossEntropy:
		return nil, fmt.Errorf("a softmax output layer needs loss cross_entropy, got %q", f.Loss)
	case loss == backprop.BCE && outAct != network.Sigmoid:
		return nil, fmt.Errorf("loss bce needs a sigmoid output layer, but layers[%d].activation is %q", len(specs)-1, outAct)
	}
	if len(f.Classes) > 0 && len(f.Targets) != 1 {
		return nil, fmt.Errorf("a model with classes has one target, got %d targets", len(f.Targets))
	}
	if loss == backprop.BCE && len(f.Classes) > 0 && len(f.Classes) != 2 {
		return nil, fmt.Errorf("loss bce takes 2 classes (or 0/1 targets), got %d classes", len(f.Classes))
	}
	if len(f.Classes) == 1 {
		return nil, fmt.Errorf("classes: a classifier needs at least 2 classes, got only %q", f.Classes[0])
	}
	out := f.Layers[len(f.Layers)-1].Out
	if len(f.Classes) > 0 {
		if out != loss.OutputUnits(len(f.Classes)) {
			return nil, fmt.Errorf("output layer has %d units but the model lists %d classes", out, len(f.Classes))
		}
	} else if out != len(f.Targets) {
		return nil, fmt.Errorf("output layer has %d units but the model lists %d targets", out, len(f.Targets))
	}
	net := network.New(f.Layers[0].In, specs)
	for i, l := range f.Layers {
		d := net.Layers[i]
		for r, row := range l.Weight {
			copy(d.W[r*d.In:], row)
		}
		copy(d.B, l.Bias)
	}
	if prec == network.Float32 {
		// A float32 model runs on its values rounded to float32 (exact for
		// the file nntrain wrote); one that does not fit float32 is refused.
		for i, v := range net.Params {
			r := float64(float32(v))
			if math.IsInf(r, 0) {
				l, at := paramAt(net, i)
				return nil, fmt.Errorf("layers[%d].%s is %v, beyond float32's range (precision float32)", l, at, v)
			}
			net.Params[i] = r
		}
	}
	// encoding/json rejects NaN and Inf literals, so every parameter is finite.
	wire := normalizeJSON{Kind: "none"}
	if f.Normalize != nil {
		wire = *f.Normalize
	}
	kind, err := dataset.ParseNormKind(wire.Kind)
	if err != nil {
		return nil, fmt.Errorf("normalize.kind %w", err)
	}
	nz := Normalize{Kind: kind, Offset: wire.Offset, Scale: wire.Scale}
	nf := len(f.Features)
	if kind == dataset.NormNone {
		if nz.Offset == nil {
			nz.Offset = make([]float64, nf)
		}
		if nz.Scale == nil {
			nz.Scale = make([]float64, nf)
			for i := range nz.Scale {
				nz.Scale[i] = 1
			}
		}
	}
	if len(nz.Offset) != nf || len(nz.Scale) != nf {
		return nil, fmt.Errorf("normalize has %d offsets and %d scales, want one per feature (%d)", len(nz.Offset), len(nz.Scale), nf)
	}
	for i, s := range nz.Scale {
		if s == 0 {
			return nil, fmt.Errorf("normalize.scale[%d] is 0", i)
		}
	}
	enc, err := readEncoder(version, f.Encoder, f.Features)
	if err != nil {
		return nil, err
	}
	return &Model{Features: f.Features, Targets: f.Targets, Classes: f.Classes, ClassNames: f.ClassNames, Normalize: nz, Loss: loss, Net: net,
		Encoder: enc, Version: version, Precision: prec}, nil
}

// paramAt names flat parameter i of net: its layer and "weight[r][c]" or
// "bias[r]".
func paramAt(net *network.Net, i int) (int, string) {
	for l, d := range net.Layers {
		if i < len(d.W) {
			return l, fmt.Sprintf("weight[%d][%d]", i/d.In, i%d.In)
		}
		i -= len(d.W)
		if i < len(d.B) {
			return l, fmt.Sprintf("bias[%d]", i)
		}
		i -= len(d.B)
	}
	return -1, "?"
}

// readEncoder checks the preprocessing of a format 2 file against its
// features, or makes the all-number one of a format 1 file (which has none:
// keys of format 2 in it are ignored, as unknown keys are).
func readEncoder(version int, enc *dataset.Encoder, features []string) (*dataset.Encoder, error) {
	if version == 1 {
		return dataset.NumberEncoder(features), nil
	}
	if enc == nil || enc.Columns == nil {
		return nil, fmt.Errorf("format %q needs \"columns\" (the source columns and their preprocessing)", Format)
	}
	if enc.Delimiter == 0 {
		enc.Delimiter = ','
	}
	if enc.Decimal == 0 {
		enc.Decimal = '.'
	}
	if err := enc.Validate(); err != nil {
		return nil, err
	}
	if in := enc.Inputs(); !slices.Equal(in, features) {
		return nil, fmt.Errorf("features (%d) are not the inputs that columns make (%d: %s)", len(features), len(in), strings.Join(in[:min(len(in), 10)], ", "))
	}
	return enc, nil
}

// jsonError adds the line and column of a JSON syntax or type error.
func jsonError(b []byte, err error) error {
	var off int64 = -1
	what := "invalid JSON: "
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		// Valid JSON holding a value of the wrong kind.
		off, what = te.Offset, ""
		err = fmt.Errorf("expected %s, got %s", jsonKind(te.Type), jsonValue(te.Type, te.Value))
		if te.Field != "" {
			err = fmt.Errorf("%s: %w", te.Field, err)
		}
	}
	if off < 0 {
		return fmt.Errorf("%s%w", what, err)
	}
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(b[:off], '\n')
	return fmt.Errorf("line %d, column %d: %s%w", line, col, what, err)
}

// jsonKind names a Go type the way a JSON file's author thinks of it.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.Bool:
		return "true or false"
	}
	return t.String()
}

// jsonValue names what encoding/json found where it wanted a t.
func jsonValue(t reflect.Type, v string) string {
	switch v {
	case "string", "bool", "array", "object", "null":
		return "a JSON " + v
	case "number":
		return "a number"
	}
	if n, ok := strings.CutPrefix(v, "number "); ok {
		if k := t.Kind(); k == reflect.Float32 || k == reflect.Float64 {
			return n + ", too large for a float64"
		}
		return n
	}
	return v
}
