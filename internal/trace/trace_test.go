package trace

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/network"
)

func TestSummary(t *testing.T) {
	for _, c := range []struct {
		name           string
		v              []float64
		min, max, norm float64
	}{
		{"3-4-5", []float64{3, -4}, -4, 3, 5},
		{"zeros", []float64{0, 0, 0}, 0, 0, 0},
		{"infinity", []float64{1, math.Inf(1)}, 1, math.Inf(1), math.Inf(1)},
		{"NaN", []float64{1, math.NaN(), 2}, math.NaN(), math.NaN(), math.NaN()},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := matrix{v: c.v}.summary()
			same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
			if !same(s.min, c.min) || !same(s.max, c.max) || !same(s.norm, c.norm) {
				t.Errorf("got min %v max %v norm %v, want %v %v %v", s.min, s.max, s.norm, c.min, c.max, c.norm)
			}
		})
	}
}

// pass1 is a one-layer pass of one row whose dA holds the pole of bce's
// derivative (A = 1 exactly).
func pass1() *Pass {
	return &Pass{
		Spec: "s.yaml", Data: "d.csv", Weights: "w.json", Rows: []int{4},
		Features: []string{"x1", "x2"}, Outputs: []string{"y=1"}, Loss: backprop.BCE,
		Acts: []network.Activation{network.Sigmoid}, Alphas: []float64{0},
		X: []float64{1, 2}, Y: []float64{0},
		Trace: &backprop.Trace{M: 1, Cost: 40, DX: []float64{-0.0, 2}, Layers: []backprop.LayerTrace{{
			In: 2, Out: 1, W: []float64{20, 10}, B: []float64{0}, DW: []float64{1, 2}, DB: []float64{1},
			Z: []float64{40}, A: []float64{1}, DA: []float64{math.Inf(1)}, DZ: []float64{1},
		}}},
	}
}

// TestJSONLayout: the contract's keys in order, B and dB plain lists, the
// other matrices lists of rows, a non-finite value as null, −0 as 0.
func TestJSONLayout(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, pass1()); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	want := `{"cost":40,"dX":[[0,2]],"layers":[{"A":[[1]],"B":[0],"W":[[20,10]],"Z":[[40]],"dA":[[null]],"dB":[1],"dW":[[1,2]],"dZ":[[1]]}],"rows":[4]}`
	if g, _ := json.Marshal(got); string(g) != want {
		t.Errorf("got  %s\nwant %s", g, want)
	}
	order := []string{`"rows"`, `"cost"`, `"layers"`, `"W"`, `"B"`, `"Z"`, `"A"`, `"dA"`, `"dZ"`, `"dW"`, `"dB"`, `"dX"`}
	at := -1
	for _, k := range order {
		i := strings.Index(b.String(), k)
		if i < at {
			t.Errorf("key %s is out of the contract's order:\n%s", k, b.String())
		}
		at = i
	}
}

// TestTextSummarises: a matrix wider than textMaxCols is summarised, a
// narrow one printed.
func TestTextSummarises(t *testing.T) {
	p := pass1()
	var b strings.Builder
	if err := WriteText(&b, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "W[1]: n[1] × n[0] = 1 × 2") || !strings.Contains(b.String(), "[  20  10  ]") {
		t.Errorf("W[1] not printed in full:\n%s", b.String())
	}
	wide := make([]float64, textMaxCols+1)
	wide[3] = -2
	p.Features = make([]string, len(wide))
	p.X, p.DX = wide, wide
	p.Layers[0].In, p.Layers[0].W, p.Layers[0].DW = len(wide), wide, wide
	b.Reset()
	if err := WriteText(&b, p); err != nil {
		t.Fatal(err)
	}
	if want := "13 values, too many to print: min -2, max 0, norm ‖W[1]‖ = 2"; !strings.Contains(b.String(), want) {
		t.Errorf("no %q in:\n%s", want, b.String())
	}
}
