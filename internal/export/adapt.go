package export

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/model"
)

// FromModel describes a model read by the model package: its source
// columns, their fills and the missing texts come from the model's encoder
// (for a format-1 model.json every feature is a number column without a
// fill: a missing cell stays NaN, where predict refuses it).
func FromModel(nm *model.Model) (*Model, error) {
	m := &Model{Targets: nm.Targets, Classes: nm.Classes,
		Offset: nm.Normalize.Offset, Scale: nm.Normalize.Scale}
	enc := nm.Encoder
	if enc == nil {
		enc = dataset.NumberEncoder(nm.Features)
	}
	m.Missing = enc.Missing
	for _, c := range enc.Columns {
		col := Column{Name: c.Name, Kind: Number, HasFill: c.HasFill, FillNumber: c.Fill}
		if c.Kind == dataset.KindCategory {
			col = Column{Name: c.Name, Kind: Category, Categories: c.Categories, HasFill: c.HasFill, FillCategory: c.FillText}
		}
		m.Columns = append(m.Columns, col)
	}
	for _, l := range nm.Net.Layers {
		m.Layers = append(m.Layers, Layer{In: l.In, Out: l.Out, W: l.W, B: l.B, Activation: l.Act, Alpha: l.Alpha})
	}
	switch {
	case len(nm.Classes) > 0:
		m.Output = Classes
	case nm.Loss == backprop.BCE:
		m.Output = MultiLabel
	default:
		m.Output = Regression
	}
	var buf bytes.Buffer
	if err := nm.Write(&buf); err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &obj); err != nil {
		return nil, fmt.Errorf("export: re-reading the model: %w", err)
	}
	delete(obj, "layers")
	info, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	m.Info = info
	return m, nil
}
