package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// WriteJSON writes the contract's trace object,
//
//	{"rows": [...], "cost": J, "layers": [{"W", "B", "Z", "A", "dA", "dZ", "dW", "dB"}, ...], "dX": [...]}
//
// with every matrix a list of rows (Z, A, dA, dZ and dX m × n, W and dW
// n[l] × n[l−1]) and B and dB plain lists, as model.json's "bias". Nothing
// is summarised. Each number is written in the shortest form that reads back
// to the same float64; a value that is not finite (a pole of the loss's
// derivative) is written as null. One key per line, one matrix per line.
func WriteJSON(w io.Writer, p *Pass) error {
	var b bytes.Buffer
	b.WriteString("{\n \"rows\": [")
	for i, r := range p.Rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(r))
	}
	b.WriteString("],\n \"cost\": ")
	jsonNum(&b, p.Cost)
	b.WriteString(",\n \"layers\": [\n")
	for l := 1; l <= len(p.Layers); l++ {
		b.WriteString("  {\n")
		for i, mx := range []matrix{p.w(l), p.b(l), p.z(l), p.a(l), p.da(l), p.dz(l), p.dw(l), p.db(l)} {
			fmt.Fprintf(&b, "   %q: ", mx.name[:indexBracket(mx.name)])
			jsonMatrix(&b, mx)
			if i < 7 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString("  }")
		if l < len(p.Layers) {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(" ],\n \"dX\": ")
	jsonMatrix(&b, p.dx())
	b.WriteString("\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// indexBracket is the position of the "[" in a name such as "dW[12]".
func indexBracket(name string) int {
	for i := range name {
		if name[i] == '[' {
			return i
		}
	}
	return len(name)
}

// jsonMatrix writes a vector (B, dB) as a list and anything else as a list
// of rows.
func jsonMatrix(b *bytes.Buffer, mx matrix) {
	vector := mx.rowDim == ""
	if !vector {
		b.WriteByte('[')
	}
	for r := 0; r < mx.rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('[')
		for c := 0; c < mx.cols; c++ {
			if c > 0 {
				b.WriteString(", ")
			}
			jsonNum(b, mx.at(r, c))
		}
		b.WriteByte(']')
	}
	if !vector {
		b.WriteByte(']')
	}
}

// jsonNum writes v as encoding/json would (shortest round-trip form), −0 as
// 0 and a non-finite value as null.
func jsonNum(b *bytes.Buffer, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		b.WriteString("null")
		return
	}
	if v == 0 {
		v = 0
	}
	enc, _ := json.Marshal(v)
	b.Write(enc)
}
