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
