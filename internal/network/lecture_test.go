package network

import (
	"math"
	"testing"
)

func seq(n int, from float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = from + float64(i)
	}
	return s
}

func assertClose(t *testing.T, name string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values %v, want %d values %v", name, len(got), got, len(want), want)
	}
	worst := 0.0
	for i := range got {
		worst = math.Max(worst, math.Abs(got[i]-want[i]))
	}
	if worst > 1e-12 {
		t.Errorf("%s: got %v, want %v (worst difference %g)", name, got, want, worst)
	}
}

func TestParamCount231(t *testing.T) {
	n := New(2, []LayerSpec{{Units: 3, Activation: Tanh}, {Units: 1, Activation: Sigmoid}})
	if got := len(n.Params); got != 13 {
		t.Errorf("2-3-1 net: got %d parameters, want 13", got)
	}
}

// nn.Linear(4,3) with weights 1..12 (row-major) and bias 1 on [1,1,1,1].
func TestLinear43(t *testing.T) {
	n := New(4, []LayerSpec{{Units: 3, Activation: Linear}})
	copy(n.Layers[0].W, seq(12, 1))
	for i := range n.Layers[0].B {
		n.Layers[0].B[i] = 1
	}
	p := NewPool(1)
	defer p.Close()
	got := n.Forward(p, n.NewWorkspace(1), []float64{1, 1, 1, 1}, 1)
	assertClose(t, "z", got, []float64{11, 27, 43})
}

// The lecture's 3-4-2 net: ReLU then sigmoid, W1 = 1..12, B1 = 0, W2 = 0,
// B2 = 0, x = [1,2,3].
func TestLecture342(t *testing.T) {
	n := New(3, []LayerSpec{{Units: 4, Activation: ReLU}, {Units: 2, Activation: Sigmoid}})
	copy(n.Layers[0].W, seq(12, 1))
	p := NewPool(1)
	defer p.Close()
	ws := n.NewWorkspace(1)
	x := []float64{1, 2, 3}
	a2 := n.Forward(p, ws, x, 1)
	assertClose(t, "a1", ws.A[0], []float64{14, 32, 50, 68})
	assertClose(t, "a2", a2, []float64{0.5, 0.5})

	// Upstream gradient 0.5 on every element of a2.
	l2 := n.Layers[1]
	dz2 := ws.D[1]
	copy(dz2, []float64{0.5, 0.5})
	ActivationBackward(Sigmoid, dz2, ws.Z[1], ws.A[1], 0)
	assertClose(t, "dz2", dz2, []float64{0.125, 0.125})
	da1 := make([]float64, 4)
	l2.Backward(p, dz2, ws.A[0], da1, 1)
	assertClose(t, "dW2", l2.DW, []float64{1.75, 4, 6.25, 8.5, 1.75, 4, 6.25, 8.5})
	assertClose(t, "dB2", l2.DB, []float64{0.125, 0.125})
	assertClose(t, "da1", da1, []float64{0, 0, 0, 0})

	// Upstream gradient 0.5 on every element of a1.
	l1 := n.Layers[0]
	dz1 := []float64{0.5, 0.5, 0.5, 0.5}
	ActivationBackward(ReLU, dz1, ws.Z[0], ws.A[0], 0)
	dx := make([]float64, 3)
	l1.Backward(p, dz1, x, dx, 1)
	assertClose(t, "dx", dx, []float64{11, 13, 15})
	assertClose(t, "dW1", l1.DW, []float64{0.5, 1, 1.5, 0.5, 1, 1.5, 0.5, 1, 1.5, 0.5, 1, 1.5})
	assertClose(t, "dB1", l1.DB, []float64{0.5, 0.5, 0.5, 0.5})
}
