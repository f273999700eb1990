package export

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
)

// safetensorsEntry is one tensor's line of a safetensors header.
type safetensorsEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int64  `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// EncodeSafetensors writes the weights of m as a safetensors file
// (github.com/huggingface/safetensors, "Format"):
//
//	8 bytes   N, the header's length, unsigned little-endian
//	N bytes   JSON: {"__metadata__": {...}, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}
//	          padded with spaces so that 8+N is a multiple of 8
//	the data  every tensor little-endian, row-major, back to back; offsets
//	          are relative to the data's start and cover it exactly
//
// The tensors are layers.{l}.weight [out, in] and layers.{l}.bias [out],
// F32 or F64, laid out in the header's (sorted) key order. __metadata__
// holds {"nntrain": model.json without its layers, as JSON text}.
func EncodeSafetensors(m *Model, p Precision) ([]byte, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	dtype, size := "F32", int64(4)
	if p == Float64 {
		dtype, size = "F64", 8
	}
	type tensor struct {
		name  string
		shape []int64
		v     []float64
	}
	var ts []tensor
	for i, l := range m.Layers {
		ts = append(ts,
			tensor{fmt.Sprintf("layers.%d.weight", i), []int64{int64(l.Out), int64(l.In)}, l.W},
			tensor{fmt.Sprintf("layers.%d.bias", i), []int64{int64(l.Out)}, l.B})
	}
	// encoding/json writes map keys sorted; the data follows that order
	// so that the header reads in file order.
	sort.Slice(ts, func(a, b int) bool { return ts[a].name < ts[b].name })
	header := map[string]any{}
	if len(m.Info) > 0 {
		header["__metadata__"] = map[string]string{"nntrain": string(m.Info)}
	}
	var data []byte
	for _, t := range ts {
		begin := int64(len(data))
		data = p.appendLE(data, t.v)
		header[t.name] = safetensorsEntry{DType: dtype, Shape: t.shape, DataOffsets: [2]int64{begin, begin + size*int64(len(t.v))}}
	}
	h, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	if pad := (8 - len(h)%8) % 8; pad > 0 {
		h = append(h, bytes.Repeat([]byte{' '}, pad)...)
	}
	out := binary.LittleEndian.AppendUint64(make([]byte, 0, 8+len(h)+len(data)), uint64(len(h)))
	out = append(out, h...)
	return append(out, data...), nil
}
