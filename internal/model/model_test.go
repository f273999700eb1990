package model

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/network"
)

// Models a reader must refuse with one clear line.
func TestReadRejects(t *testing.T) {
	layer := `"layers":[{"in":1,"out":2,"activation":"softmax","weight":[[1],[2]],"bias":[0,0]}]`
	for _, tc := range []struct {
		name, json, want string
	}{
		// predict indexed into an empty class list and panicked (issue 14).
		{"empty classes", `{"format":"nntrain-model/1","features":["x"],"targets":["y"],"classes":[],"loss":"cross_entropy",` + layer + `}`,
			`"classes" is an empty list`},
		{"one class", `{"format":"nntrain-model/1","features":["x"],"targets":["y"],"classes":["a"],"loss":"cross_entropy",` + layer + `}`,
			"at least 2 classes"},
		{"unknown loss", `{"format":"nntrain-model/1","features":["x"],"targets":["y"],"loss":"hinge",` + layer + `}`,
			`loss "hinge"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Read([]byte(tc.json))
			if err == nil || m != nil {
				t.Fatalf("got model %v, error %v; want an error", m, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want it to say %q", err, tc.want)
			}
		})
	}
}

// A format-1 file still predicts as before: its encoder reads every
// feature as a number, and Encode is the normalisation alone, bit for bit.
func TestFormat1EncodesAsBefore(t *testing.T) {
	m, err := Read([]byte(`{"format": "nntrain-model/1", "features": ["b", "a"], "targets": ["y"],
 "normalize": {"kind": "standard", "offset": [0.1, 0.2], "scale": [1.5, 3.0]}, "loss": "mse",
 "layers": [{"in": 2, "out": 1, "activation": "linear", "weight": [[1, 2]], "bias": [0]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != 1 || len(m.Encoder.Columns) != 2 || m.Encoder.Columns[0].Kind != dataset.KindNumber || m.Encoder.Missing != nil {
		t.Fatalf("format 1: version %d, encoder %+v", m.Version, m.Encoder)
	}
	path := filepath.Join(t.TempDir(), "d.csv")
	os.WriteFile(path, []byte("a,c,b\n1.25,x,-3\n0.7,y,1e-3\n"), 0o644)
	raw, err := dataset.LoadTable(path, m.ReadConfig(dataset.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	got, unseen, err := m.Encode(raw)
	if err != nil || unseen != nil {
		t.Fatal(err, unseen)
	}
	old, err := dataset.LoadFeatures(path, m.Features)
	if err != nil {
		t.Fatal(err)
	}
	m.Normalize.Apply(old.X)
	for i := range old.X {
		if math.Float64bits(got.X[i]) != math.Float64bits(old.X[i]) {
			t.Fatalf("X[%d] = %v, want %v as before", i, got.X[i], old.X[i])
		}
	}
	// An empty cell is still an error, as it was.
	os.WriteFile(path, []byte("a,b\n1,\n"), 0o644)
	if _, err := dataset.LoadTable(path, m.ReadConfig(dataset.Config{})); err == nil || !strings.Contains(err.Error(), `column "b": missing value`) {
		t.Errorf("empty cell: got %v", err)
	}
}

// A trained model with categories writes format 2 and reads back the same
// preprocessing; predicting raw rows then imputes and one-hot encodes them.
func TestFormat2RoundTrip(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "t.csv")
	os.WriteFile(train, []byte("sex;age;y\nmale;30;1\nfemale;NA;2\nmale;20,5;3\nfemale;40;4\n"), 0o644)
	cfg := dataset.Config{Target: []string{"y"}, Format: dataset.Format{Delimiter: ';', Decimal: ',', Missing: dataset.DefaultMissing}}
	p, err := dataset.Prepare(dataset.Plan{Train: train, Config: cfg, Normalize: dataset.NormStandard})
	if err != nil {
		t.Fatal(err)
	}
	net := network.New(len(p.Train.Features), []network.LayerSpec{{Units: 1, Activation: network.Linear}})
	for i := range net.Params {
		net.Params[i] = float64(i) + 0.5
	}
	m := &Model{Features: p.Train.Features, Targets: []string{"y"}, Normalize: p.Norm, Loss: backprop.MSE, Net: net, Encoder: p.Encoder}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"format": "nntrain-model/2"`, `"name": "sex"`, `"kind": "category"`, `"fill": "female"`, `"fill": 30.166666666666668`,
		`"delimiter": ";"`, `"decimal": ","`, `"sex=female"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("model.json lacks %s:\n%s", want, buf.String())
		}
	}
	back, err := Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if back.Version != 2 || !slices.Equal(back.Features, []string{"sex=female", "sex=male", "age"}) {
		t.Fatalf("read back: version %d, features %q", back.Version, back.Features)
	}
	later := filepath.Join(dir, "later.csv")
	os.WriteFile(later, []byte("age;sex\nNA;male\n10;other\n"), 0o644)
	raw, err := dataset.LoadTable(later, back.ReadConfig(dataset.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	d, unseen, err := back.Encode(raw)
	if err != nil {
		t.Fatal(err)
	}
	mean := (30 + 20.5 + 40) / 3.0
	sd := p.Norm.Scale[2]
	want := []float64{0, 1, (mean - p.Norm.Offset[2]) / sd, 0, 0, (10 - p.Norm.Offset[2]) / sd}
	if !slices.Equal(d.X, want) {
		t.Errorf("encoded %v, want %v", d.X, want)
	}
	if len(unseen) != 1 || unseen[0].Column != "sex" || unseen[0].Rows != 1 || unseen[0].Example != "other" {
		t.Errorf("unseen %+v", unseen)
	}
}

func TestReadRejectsFormat2(t *testing.T) {
	head := `{"format":"nntrain-model/2","targets":["y"],"loss":"mse","normalize":{"kind":"none"},` +
		`"layers":[{"in":2,"out":1,"activation":"linear","weight":[[1,2]],"bias":[0]}],`
	for _, tc := range []struct{ name, json, want string }{
		{"no columns", head + `"features":["a","b"]}`, `needs "columns"`},
		{"features are not the inputs", head + `"features":["a","b"],"columns":[{"name":"a","kind":"number"},{"name":"c","kind":"number"}]}`, "not the inputs that columns make"},
		{"fill outside the categories", head + `"features":["c=p","c=q"],"columns":[{"name":"c","kind":"category","categories":["p","q"],"fill":"r"}]}`, `fill "r" is not one of the categories`},
		{"unknown kind", head + `"features":["a","b"],"columns":[{"name":"a","kind":"text"},{"name":"b","kind":"number"}]}`, `kind must be "number" or "category"`},
		{"bad delimiter", head + `"features":["a","b"],"columns":[{"name":"a","kind":"number"},{"name":"b","kind":"number"}],"delimiter":":"}`, "delimiter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Read([]byte(tc.json))
			if err == nil || m != nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, %v; want an error saying %q", m, err, tc.want)
			}
		})
	}
}
