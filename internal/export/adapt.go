package export

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/model"
)

// FromModel describes a model read by the model package. That is a
// format-1 model.json: every feature is a number column without a fill (a
// missing cell stays NaN, as predict refuses it), normalised per feature.
func FromModel(nm *model.Model) (*Model, error) {
	m := &Model{Targets: nm.Targets, Classes: nm.Classes,
		Offset: nm.Normalize.Offset, Scale: nm.Normalize.Scale}
	for _, f := range nm.Features {
		m.Columns = append(m.Columns, Column{Name: f, Kind: Number})
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
