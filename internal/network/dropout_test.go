package network

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func dropoutNet(p float64, rng *rand.Rand) *Net {
	n := New(6, []LayerSpec{{Units: 64, Activation: Tanh, Dropout: p}, {Units: 32, Activation: ReLU, Dropout: p / 2}, {Units: 3, Activation: Softmax}})
	for i := range n.Params {
		n.Params[i] = rng.NormFloat64() * 0.3
	}
	return n
}

// A training pass drops each output with probability p and scales the kept
// ones by 1/(1−p); the next layer reads A ⊙ mask; evaluation drops nothing.
func TestDropoutMasks(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const p = 0.25
	n := dropoutNet(p, rng)
	m := 300
	x := make([]float64, m*6)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	pool := NewPool(1)
	defer pool.Close()
	ws := n.NewWorkspace(m)
	evalOut := slices.Clone(n.Forward(pool, ws, x, m))
	if ws.masked {
		t.Fatal("Forward applied masks")
	}
	trainOut := slices.Clone(n.ForwardTrain(pool, ws, x, m, NewDropout(1, 2)))
	mask := ws.Mask[0][:m*64]
	dropped := 0
	for i, k := range mask {
		switch k {
		case 0:
			dropped++
		case 1 / (1 - p):
		default:
			t.Fatalf("mask value %v, want 0 or %v", k, 1/(1-p))
		}
		if got, want := ws.Out[0][i], ws.A[0][i]*k; got != want {
			t.Fatalf("Out[0][%d] = %v, want A·mask = %v", i, got, want)
		}
	}
	// 19200 draws: 3σ of the dropped fraction is about 0.0094.
	if frac := float64(dropped) / float64(len(mask)); math.Abs(frac-p) > 0.0094 {
		t.Errorf("dropped %.4f of the outputs, want %.2f ± 0.0094", frac, p)
	}
	if slices.Equal(evalOut, trainOut) {
		t.Error("a training pass with dropout gave the evaluation pass's outputs")
	}
	if again := n.Forward(pool, ws, x, m); !slices.Equal(again, evalOut) {
		t.Error("Forward after ForwardTrain differs from Forward before it")
	}
}

// The masks are drawn serially, so any worker count gives the same bits.
func TestDropoutWorkers(t *testing.T) {
	m := 400 // 400×64 values: the elementwise work splits over workers
	var outs [][]float64
	var grads [][]float64
	for _, w := range []int{1, 2, 5} {
		rng := rand.New(rand.NewPCG(3, 4))
		n := dropoutNet(0.3, rng)
		x := make([]float64, m*6)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		pool := NewPool(w)
		ws := n.NewWorkspace(m)
		drop := NewDropout(9, 10)
		var a []float64
		for range 3 {
			a = n.ForwardTrain(pool, ws, x, m, drop)
		}
		copy(ws.D[2][:m*3], a) // any dZ of the output will do
		n.Backward(pool, ws, x, m)
		pool.Close()
		outs, grads = append(outs, slices.Clone(a)), append(grads, slices.Clone(n.Grads))
	}
	for i := 1; i < len(outs); i++ {
		if !slices.Equal(outs[i], outs[0]) || !slices.Equal(grads[i], grads[0]) {
			t.Errorf("worker count %d: outputs or gradients differ from 1 worker's", []int{1, 2, 5}[i])
		}
	}
}

// A stream restored from MarshalBinary draws what the original would have.
func TestDropoutStateRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := dropoutNet(0.5, rng)
	m := 10
	x := make([]float64, m*6)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	pool := NewPool(1)
	defer pool.Close()
	ws := n.NewWorkspace(m)
	d := NewDropout(1, 2)
	n.ForwardTrain(pool, ws, x, m, d)
	state, err := d.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(n.ForwardTrain(pool, ws, x, m, d))
	r := NewDropout(99, 98)
	if err := r.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	if got := n.ForwardTrain(pool, ws, x, m, r); !slices.Equal(got, want) {
		t.Error("the restored stream drew other masks")
	}
	if got := n.ForwardTrain(pool, ws, x, m, NewDropout(1, 2)); slices.Equal(got, want) {
		t.Error("a fresh stream drew the second batch's masks: the test proves nothing")
	}
}

// Fill replaces the draw with given 0/1 masks; Hold reuses the last ones.
func TestDropoutFillAndHold(t *testing.T) {
	n := New(2, []LayerSpec{{Units: 3, Activation: Linear, Dropout: 0.5}, {Units: 1, Activation: Linear}})
	copy(n.Params, []float64{1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0})
	pool := NewPool(1)
	defer pool.Close()
	ws := n.NewWorkspace(1)
	d := NewDropout(1, 2)
	d.Fill = func(layer int, mask []float64) { copy(mask, []float64{1, 0, 1}) }
	// A = (x1, x2, x1+x2) = (1, 2, 3); kept ×2: (2, 0, 6); output 2+0+6.
	if got := n.ForwardTrain(pool, ws, []float64{1, 2}, 1, d); got[0] != 8 {
		t.Errorf("output %v, want 8", got[0])
	}
	d.Fill, d.Hold = nil, true
	if got := n.ForwardTrain(pool, ws, []float64{2, 1}, 1, d); got[0] != 2*2+2*3 {
		t.Errorf("held masks: output %v, want 10", got[0])
	}
	d.Hold = false
	d.Fill = func(layer int, mask []float64) { mask[0] = 0.5 }
	defer func() {
		if recover() == nil {
			t.Error("a mask value of 0.5 did not panic")
		}
	}()
	n.ForwardTrain(pool, ws, []float64{1, 2}, 1, d)
}
