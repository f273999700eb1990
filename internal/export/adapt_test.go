package export

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nntrain/nntrain/internal/model"
)

func TestFromModel(t *testing.T) {
	for _, c := range []struct {
		fixture string
		out     Output
	}{
		{"bce_no_yes_first_momentum_batch10", Classes},
		{"ce_int_labels_sgd_batch12", Classes},
		{"mse_two_targets_sgd_batch10", Regression},
	} {
		t.Run(c.fixture, func(t *testing.T) {
			nm, err := model.ReadFile(filepath.Join("..", "..", "testdata", "fixtures", c.fixture, "init.json"))
			if err != nil {
				t.Fatal(err)
			}
			m, err := FromModel(nm)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Check(); err != nil {
				t.Fatal(err)
			}
			if m.Output != c.out {
				t.Errorf("output %d, want %d", m.Output, c.out)
			}
			var names []string
			for _, col := range m.Columns {
				names = append(names, col.Name)
				if col.Kind != Number || col.HasFill {
					t.Errorf("column %s: kind %s, fill %v; a format-1 feature is a number without fill", col.Name, col.Kind, col.HasFill)
				}
			}
			if !slices.Equal(names, nm.Features) {
				t.Errorf("columns %v, want the features %v", names, nm.Features)
			}
			var info map[string]json.RawMessage
			if err := json.Unmarshal(m.Info, &info); err != nil {
				t.Fatal(err)
			}
			if _, ok := info["layers"]; ok {
				t.Error("Info holds the layers")
			}
			for _, k := range []string{"format", "features", "targets", "normalize", "loss"} {
				if _, ok := info[k]; !ok {
					t.Errorf("Info lacks %q", k)
				}
			}
			for i, l := range m.Layers {
				if !slices.Equal(l.W, nm.Net.Layers[i].W) || !slices.Equal(l.B, nm.Net.Layers[i].B) {
					t.Errorf("layers[%d] differ from the network's", i)
				}
			}
		})
	}
}

// TestFromModelFormat2: a format-2 model's columns, kinds, categories,
// fills and missing texts reach the description as model.json has them.
func TestFromModelFormat2(t *testing.T) {
	nm, err := model.ReadFile(filepath.Join("..", "..", "testdata", "fixtures2", "tabular_onehot_mean_ce_sgd_batch10", "init.json"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := FromModel(nm)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	want := []Column{
		{Name: "x1", Kind: Number, HasFill: true, FillNumber: 0.09707166666666667},
		{Name: "colour", Kind: Category, Categories: []string{"blue", "green", "red"}, HasFill: true, FillCategory: "blue"},
		{Name: "grade", Kind: Category, Categories: []string{"1", "2", "10"}, HasFill: true, FillCategory: "2"},
		{Name: "x2", Kind: Number, HasFill: true, FillNumber: -0.13267307692307692},
	}
	if len(m.Columns) != len(want) {
		t.Fatalf("%d columns, want %d", len(m.Columns), len(want))
	}
	for i, c := range m.Columns {
		w := want[i]
		if c.Name != w.Name || c.Kind != w.Kind || !slices.Equal(c.Categories, w.Categories) || c.HasFill != w.HasFill || c.FillNumber != w.FillNumber || c.FillCategory != w.FillCategory {
			t.Errorf("columns[%d] = %+v, want %+v", i, c, w)
		}
	}
	if !slices.Equal(m.Missing, nm.Encoder.Missing) || len(m.Missing) == 0 {
		t.Errorf("missing %q, want the model's %q", m.Missing, nm.Encoder.Missing)
	}
	if m.Inputs() != len(nm.Features) {
		t.Errorf("%d inputs, the model lists %d features", m.Inputs(), len(nm.Features))
	}
}
