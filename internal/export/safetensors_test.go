package export

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// stTensor is one tensor read back from a safetensors file.
type stTensor struct {
	dtype string
	shape []int64
	data  []byte
}

// readSafetensors parses b by the format's rules (huggingface/safetensors,
// "Format" and its validation in safetensors/src/tensor.rs):
//   - 8 bytes: the header size N, little-endian u64; 8+N ≤ len(b)
//   - N bytes: UTF-8 JSON object, starting with '{', that may end in
//     trailing spaces (0x20) only; the tensors' start, 8+N, is 8-aligned
//   - every entry but "__metadata__" has dtype, shape and data_offsets
//     [begin, end] with begin ≤ end, end−begin = product(shape)·size(dtype)
//   - the offsets, sorted, are contiguous from 0 and end at the buffer's end
//     (no hole, no overlap, nothing after)
//   - "__metadata__", when present, maps strings to strings
func readSafetensors(b []byte) (map[string]stTensor, map[string]string, error) {
	if len(b) < 8 {
		return nil, nil, fmt.Errorf("%d bytes, shorter than the 8-byte header size", len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(b)-8) {
		return nil, nil, fmt.Errorf("header size %d runs past the file's %d bytes", n, len(b))
	}
	h := b[8 : 8+n]
	if (8+n)%8 != 0 {
		return nil, nil, fmt.Errorf("data starts at %d, not 8-byte aligned", 8+n)
	}
	if !utf8.Valid(h) || len(h) == 0 || h[0] != '{' {
		return nil, nil, fmt.Errorf("header is not UTF-8 JSON starting with '{'")
	}
	trimmed := bytes.TrimRight(h, " ")
	if trimmed[len(trimmed)-1] != '}' {
		return nil, nil, fmt.Errorf("header is padded with something other than spaces")
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	data := b[8+n:]
	var meta map[string]string
	tensors := map[string]stTensor{}
	type span struct {
		name       string
		begin, end uint64
	}
	var spans []span
	sizes := map[string]uint64{"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
	for name, v := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(v, &meta); err != nil {
				return nil, nil, fmt.Errorf("__metadata__ is not a string→string map: %w", err)
			}
			continue
		}
		var e struct {
			DType       string   `json:"dtype"`
			Shape       []uint64 `json:"shape"`
			DataOffsets []uint64 `json:"data_offsets"`
		}
		d := json.NewDecoder(bytes.NewReader(v))
		d.DisallowUnknownFields()
		if err := d.Decode(&e); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		size, ok := sizes[e.DType]
		if !ok || e.Shape == nil || len(e.DataOffsets) != 2 {
			return nil, nil, fmt.Errorf("%s: dtype %q, shape %v, data_offsets %v", name, e.DType, e.Shape, e.DataOffsets)
		}
		count := uint64(1)
		for _, s := range e.Shape {
			count *= s
		}
		begin, end := e.DataOffsets[0], e.DataOffsets[1]
		if begin > end || end-begin != count*size {
			return nil, nil, fmt.Errorf("%s: data_offsets %v hold %d bytes, shape %v of %s needs %d", name, e.DataOffsets, end-begin, e.Shape, e.DType, count*size)
		}
		spans = append(spans, span{name, begin, end})
		shape := make([]int64, len(e.Shape))
		for i, s := range e.Shape {
			shape[i] = int64(s)
		}
		tensors[name] = stTensor{dtype: e.DType, shape: shape}
	}
	sort.Slice(spans, func(i, j int) bool {
		return spans[i].begin < spans[j].begin || spans[i].begin == spans[j].begin && spans[i].end < spans[j].end
	})
	at := uint64(0)
	for _, s := range spans {
		if s.begin != at {
			return nil, nil, fmt.Errorf("%s starts at %d, want %d (tensors must be contiguous)", s.name, s.begin, at)
		}
		t := tensors[s.name]
		t.data = data[s.begin:s.end]
		tensors[s.name] = t
		at = s.end
	}
	if at != uint64(len(data)) {
		return nil, nil, fmt.Errorf("tensors end at %d, the data has %d bytes", at, len(data))
	}
	return tensors, meta, nil
}

func (t stTensor) floats() []float64 {
	var v []float64
	if t.dtype == "F64" {
		for i := 0; i < len(t.data); i += 8 {
			v = append(v, math.Float64frombits(binary.LittleEndian.Uint64(t.data[i:])))
		}
		return v
	}
	for i := 0; i < len(t.data); i += 4 {
		v = append(v, float64(math.Float32frombits(binary.LittleEndian.Uint32(t.data[i:]))))
	}
	return v
}

func TestSafetensorsRoundTrip(t *testing.T) {
	for _, c := range runtimeCases {
		for _, p := range []Precision{Float32, Float64} {
			t.Run(c.name+"/"+p.String(), func(t *testing.T) {
				m := c.build()
				b, err := EncodeSafetensors(m, p)
				if err != nil {
					t.Fatal(err)
				}
				ts, meta, err := readSafetensors(b)
				if err != nil {
					t.Fatal(err)
				}
				if meta["nntrain"] != string(m.Info) {
					t.Errorf("__metadata__.nntrain = %q, want %q", meta["nntrain"], m.Info)
				}
				if len(ts) != 2*len(m.Layers) {
					t.Errorf("%d tensors, want %d", len(ts), 2*len(m.Layers))
				}
				dtype := map[Precision]string{Float32: "F32", Float64: "F64"}[p]
				for i, l := range m.Layers {
					for _, x := range []struct {
						name  string
						shape []int64
						want  []float64
					}{{fmt.Sprintf("layers.%d.weight", i), []int64{int64(l.Out), int64(l.In)}, l.W}, {fmt.Sprintf("layers.%d.bias", i), []int64{int64(l.Out)}, l.B}} {
						got, ok := ts[x.name]
						if !ok {
							t.Fatalf("no tensor %s", x.name)
						}
						if got.dtype != dtype || !slices.Equal(got.shape, x.shape) {
							t.Errorf("%s: %s %v, want %s %v", x.name, got.dtype, got.shape, dtype, x.shape)
						}
						want := x.want
						if p == Float32 {
							want = nil
							for _, v := range x.want {
								want = append(want, float64(float32(v)))
							}
						}
						if !slices.Equal(got.floats(), want) {
							t.Errorf("%s: values differ from the model's", x.name)
						}
					}
				}
			})
		}
	}
}

// TestReadSafetensorsRejects makes sure the reader enforces each rule it
// claims, so that the round trip above can fail.
func TestReadSafetensorsRejects(t *testing.T) {
	good, err := EncodeSafetensors(runtimeCases[0].build(), Float32)
	if err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(good)
	header := string(good[8 : 8+n])
	with := func(h string, data []byte) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
		return append(append(b, h...), data...)
	}
	data := good[8+n:]
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"short", good[:5], "shorter"},
		{"size past end", with(header, nil)[:8+n-1], "runs past"},
		{"unaligned", with(strings.TrimRight(header, " ")+"   x", data), "aligned"},
		{"padding not spaces", with(strings.TrimRight(header, " ")+strings.Repeat("\t", len(header)-len(strings.TrimRight(header, " "))), data), "padded"},
		{"missing bytes", with(header, data[:len(data)-4]), "the data has"},
		{"extra bytes", with(header, append(slices.Clone(data), 0, 0, 0, 0)), "the data has"},
		{"wrong size", with(strings.Replace(header, `"shape":[6,13]`, `"shape":[6,14]`, 1), data), "needs"},
		{"hole", with(padded(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`), make([]byte, 8)), "starts at 4, want 0"},
		{"overlap", with(padded(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`), make([]byte, 4)), "want 4"},
		{"unknown dtype", with(padded(`{"a":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}`), make([]byte, 4)), "dtype"},
		{"metadata not strings", with(padded(`{"__metadata__":{"a":1}}`), nil), "string→string"},
		{"not an object", with(padded(`[1]     `), nil), "starting with '{'"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := readSafetensors(c.b)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one containing %q", err, c.want)
			}
		})
	}
}

// padded pads a JSON header with spaces so that 8+len is a multiple of 8.
func padded(h string) string {
	return h + strings.Repeat(" ", (8-len(h)%8)%8)
}

// FuzzSafetensors: for any layer sizes and metadata text, the file obeys
// the header rules and gives back every weight.
func FuzzSafetensors(f *testing.F) {
	f.Add(uint8(3), uint8(2), uint8(1), `{"a":1}`, true)
	f.Add(uint8(1), uint8(1), uint8(0), "", false)
	f.Add(uint8(13), uint8(7), uint8(5), "\"\x00\\ é", true)
	f.Fuzz(func(t *testing.T, in, hidden, out uint8, info string, f64 bool) {
		if !utf8.ValidString(info) {
			return // Info is JSON that encoding/json wrote: UTF-8
		}
		sizes := []int{int(in%16) + 1, int(hidden%16) + 1}
		if out > 0 {
			sizes = append(sizes, int(out%8)+1)
		}
		m := &Model{Info: json.RawMessage(info)}
		for i := 1; i < len(sizes); i++ {
			l := Layer{In: sizes[i-1], Out: sizes[i]}
			for k := range l.In * l.Out {
				l.W = append(l.W, float64(k)*0.37-1)
			}
			for k := range l.Out {
				l.B = append(l.B, float64(k)*-0.5)
			}
			m.Layers = append(m.Layers, l)
		}
		if len(m.Layers) == 0 {
			return
		}
		for range sizes[0] {
			m.Columns = append(m.Columns, Column{Name: fmt.Sprint("x", len(m.Columns))})
			m.Offset, m.Scale = append(m.Offset, 0), append(m.Scale, 1)
		}
		last := m.Layers[len(m.Layers)-1]
		for range last.Out {
			m.Targets = append(m.Targets, fmt.Sprint("y", len(m.Targets)))
		}
		p := Float32
		if f64 {
			p = Float64
		}
		b, err := EncodeSafetensors(m, p)
		if err != nil {
			t.Fatal(err)
		}
		ts, meta, err := readSafetensors(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(info) > 0 && meta["nntrain"] != info {
			t.Errorf("metadata %q, want %q", meta["nntrain"], info)
		}
		for i, l := range m.Layers {
			w := ts[fmt.Sprintf("layers.%d.weight", i)].floats()
			if len(w) != len(l.W) {
				t.Fatalf("layers.%d.weight: %d values, want %d", i, len(w), len(l.W))
			}
		}
	})
}
