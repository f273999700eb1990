package dataset

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestPrepareFixture prepares the data of the PyTorch reference case with
// categories and missing values and compares the encoder with the one the
// case's init.json holds (made by the reference script from the contract):
// the same inputs in the same order, the same categories and fills.
func TestPrepareFixture(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "fixtures2", "tabular_onehot_mean_ce_sgd_batch10")
	b, err := os.ReadFile(filepath.Join(dir, "init.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Features []string `json:"features"`
		Classes  []string `json:"classes"`
		Encoder
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	p, err := Prepare(Plan{
		Train: filepath.Join(dir, "data.csv"),
		Config: Config{Target: []string{"outcome"}, Classify: true, Exclude: []string{"id"}, Categorical: []string{"grade"},
			Format: Format{Missing: DefaultMissing}},
		Normalize: NormNone,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Train.Features, want.Features) || !reflect.DeepEqual(p.Encoder.Inputs(), want.Features) {
		t.Errorf("got inputs %q, want %q", p.Train.Features, want.Features)
	}
	if !reflect.DeepEqual(p.Train.Classes, want.Classes) {
		t.Errorf("got classes %q, want %q", p.Train.Classes, want.Classes)
	}
	if !reflect.DeepEqual(p.Encoder.Columns, want.Columns) {
		t.Errorf("got columns\n%+v\nwant\n%+v", p.Encoder.Columns, want.Columns)
	}
}

func TestPrepareSplitsBeforeFitting(t *testing.T) {
	// 10 rows; the validation rows must not move the fill of a.
	data := "a,c,y\n1,p,0\n2,p,1\n3,q,0\n4,q,1\n5,p,0\n6,p,1\n7,q,0\n8,q,1\n9,p,0\n,p,1\n"
	path := filepath.Join(t.TempDir(), "d.csv")
	os.WriteFile(path, []byte(data), 0o644)
	p, err := Prepare(Plan{
		Train: path, Config: Config{Target: []string{"y"}, Classify: true, Format: Format{Missing: []string{""}}},
		Normalize: NormStandard, ValidationSplit: 0.3, Split: rand.New(rand.NewPCG(1, 2)),
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := LoadTable(path, Config{Target: []string{"y"}, Classify: true, Format: Format{Missing: []string{""}}})
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := Split(all.Rows, all.Labels, 0.3, rand.New(rand.NewPCG(1, 2)))
	sum, n := 0.0, 0
	for _, r := range tr {
		if v := all.X[r*2]; v == v {
			sum += v
			n++
		}
	}
	if got, want := p.Encoder.Columns[0].Fill, sum/float64(n); got != want {
		t.Errorf("fill of a = %v, want the mean of the training rows' values %v", got, want)
	}
	if p.Train.Rows != 7 || p.Val.Rows != 3 {
		t.Errorf("got %d training and %d validation rows", p.Train.Rows, p.Val.Rows)
	}
	if p.Norm.Offset[1] != 0 || p.Norm.Scale[1] != 1 || p.Norm.Offset[2] != 0 || p.Norm.Scale[2] != 1 {
		t.Errorf("one-hot inputs normalised: %+v", p.Norm)
	}
}
