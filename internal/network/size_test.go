package network

import (
	"errors"
	"math"
	"math/big"
	"testing"
)

// TestCheckSize: sizes are checked with saturating arithmetic before any
// allocation, so 2e9 units or three layers of 2³¹−1 (whose count passes
// 2⁶³) give a *SizeError, not an out-of-memory crash or a makeslice panic.
func TestCheckSize(t *testing.T) {
	const gib = 1 << 30
	big3 := []LayerSpec{{Units: math.MaxInt32}, {Units: math.MaxInt32}, {Units: math.MaxInt32}}
	for _, c := range []struct {
		name   string
		inputs int
		layers []LayerSpec
		rows   int
		limit  uint64
		prec   Precision
		ok     bool
		layer  int
		batch  bool
	}{
		{"small", 4, []LayerSpec{{Units: 8}, {Units: 3}}, 150, 24 * gib, Float64, true, 0, false},
		{"small, no limit known", 4, []LayerSpec{{Units: 8}, {Units: 3}}, 150, 0, Float64, true, 0, false},
		{"2e9 units", 2, []LayerSpec{{Units: 2_000_000_000}, {Units: 3}}, 12, 24 * gib, Float64, false, 0, false},
		{"three layers of 2³¹−1", 4, big3, 12, 24 * gib, Float64, false, 0, false},
		{"three layers of 2³¹−1, no limit known", 4, big3, 12, 0, Float64, false, 0, false},
		{"a wide second layer", 4, []LayerSpec{{Units: 10}, {Units: 1 << 30}, {Units: 3}}, 12, 24 * gib, Float64, false, 1, false},
		{"activations of a huge batch", 4, []LayerSpec{{Units: 1000}, {Units: 3}}, math.MaxInt32, 24 * gib, Float64, false, 0, true},
		{"just under the limit", 1, []LayerSpec{{Units: 1}}, 1, 8 * (2*2 + 3), Float64, true, 0, false},
		{"just over the limit", 1, []LayerSpec{{Units: 1}}, 1, 8*(2*2+3) - 1, Float64, false, 0, true},
		// float32: 4 bytes a value, beside 16 a parameter for the float64
		// network's parameters and gradients.
		{"float32, just under the limit", 1, []LayerSpec{{Units: 1}}, 1, 16*2 + 4*(2*2+3), Float32, true, 0, false},
		{"float32, just over the limit", 1, []LayerSpec{{Units: 1}}, 1, 16*2 + 4*(2*2+3) - 1, Float32, false, 0, true},
		{"a batch that fits only in float32", 1, []LayerSpec{{Units: 1}}, 100, 2000, Float32, true, 0, false},
		{"the same batch in float64", 1, []LayerSpec{{Units: 1}}, 100, 2000, Float64, false, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckSize(c.inputs, c.layers, c.rows, 2, c.prec, c.limit)
			if c.ok {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			var se *SizeError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a *SizeError", err)
			}
			if se.Batch != c.batch {
				t.Errorf("Batch = %v, want %v", se.Batch, c.batch)
			}
			if se.Layer != c.layer {
				t.Errorf("blames layer %d, want %d", se.Layer, c.layer)
			}
			t.Log(err)
		})
	}
}

// TestShapesCountsExactly: the total is exact past 2⁶³ and nothing of the
// network's size is allocated.
func TestShapesCountsExactly(t *testing.T) {
	n := int64(math.MaxInt32)
	var shapes []Shape
	var total *big.Int
	allocs := testing.AllocsPerRun(1, func() {
		shapes, total = Shapes(4, []LayerSpec{{Units: int(n)}, {Units: int(n)}, {Units: int(n)}})
	})
	want := new(big.Int).SetInt64(4*n + n)
	nn := new(big.Int).Mul(big.NewInt(n), big.NewInt(n))
	want.Add(want, nn.Add(nn, big.NewInt(n)))
	want.Add(want, nn)
	if total.Cmp(want) != 0 {
		t.Errorf("total %s, want %s", total, want)
	}
	if len(shapes) != 3 || shapes[2].Params() != n*n+n {
		t.Errorf("shapes %v", shapes)
	}
	if allocs > 20 {
		t.Errorf("%v allocations", allocs)
	}
}
