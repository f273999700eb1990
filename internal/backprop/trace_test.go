package backprop

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
)

// traceNet is TestTraceBatchConsistent's 3-4-2 network, seeded, with a
// batch of 5 rows whose targets are one-hot (valid for every loss).
func traceNet(t *testing.T, out network.Activation) (net *network.Net, x, y []float64, m int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	net = network.New(3, []network.LayerSpec{{Units: 4, Activation: network.LeakyReLU, Alpha: 0.1}, {Units: 2, Activation: out}})
	if err := net.Init(network.InitXavier, 0, rng); err != nil {
		t.Fatal(err)
	}
	m = 5
	x, y = make([]float64, m*3), make([]float64, m*2)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for r := 0; r < m; r++ {
		y[r*2+r%2] = 1
	}
	return net, x, y, m
}

var traceLosses = []struct {
	name string
	loss Loss
	out  network.Activation
}{
	{"mse tanh", MSE, network.Tanh},
	{"mse sigmoid", MSE, network.Sigmoid},
	{"bce sigmoid", BCE, network.Sigmoid},
	{"cross_entropy softmax", CrossEntropy, network.Softmax},
}

// TestTraceBatchConsistent: for each loss, unweighted and with row weights
// (as class_weight and data.weight make them, one row of weight 0),
// TraceBatch leaves the weights as they were, its cost is Cost's and its dW
// and dB are Gradients' values with the same weights, and its matrices fit
// together: dZ = dA ⊙ g'(Z) for elementwise layers (the dA of the output
// layer being outputGrad's), dA[l−1] = dZ[l]·W[l].
func TestTraceBatchConsistent(t *testing.T) {
	for _, c := range traceLosses {
		for _, w := range [][]float64{nil, {3, 1, 0.5, 0, 2}} {
			name := c.name
			if w != nil {
				name += " weighted"
			}
			t.Run(name, func(t *testing.T) { checkTraceConsistent(t, c.loss, c.out, w) })
		}
	}
}

func checkTraceConsistent(t *testing.T, loss Loss, out network.Activation, w []float64) {
	net, x, y, m := traceNet(t, out)
	pool := network.NewPool(1)
	defer pool.Close()
	params := slices.Clone(net.Params)
	tr := TraceBatch(net, pool, loss, 0.1, x, y, w, m)
	if !slices.Equal(params, net.Params) {
		t.Fatal("TraceBatch changed the weights")
	}
	Gradients(net, pool, net.NewWorkspace(m), loss, 0.1, x, y, w, m)
	var got []float64
	for _, l := range tr.Layers {
		got = append(append(got, l.DW...), l.DB...)
	}
	assertNear(t, "dW and dB against Gradients", got, net.Grads, 0)
	if j := Cost(net, pool, net.NewWorkspace(m), loss, 0.1, x, y, w, m); j != tr.Cost {
		t.Errorf("cost: got %v, Cost says %v", tr.Cost, j)
	}
	for i, l := range tr.Layers {
		if net.Layers[i].Act == network.Softmax {
			continue
		}
		dz := slices.Clone(l.DA)
		network.ActivationBackward(net.Layers[i].Act, dz, l.Z, l.A, net.Layers[i].Alpha)
		assertNear(t, "dZ = dA ⊙ g'(Z)", l.DZ, dz, 1e-15)
	}
	if out == network.Softmax {
		// Σ_k dA_k·∂a_k/∂z_j = a_j·(dA_j − Σ_k dA_k a_k).
		l := tr.Layers[1]
		for r := 0; r < m; r++ {
			da, a := l.DA[r*2:r*2+2], l.A[r*2:r*2+2]
			s := da[0]*a[0] + da[1]*a[1]
			want := []float64{a[0] * (da[0] - s), a[1] * (da[1] - s)}
			assertNear(t, "softmax dZ from dA", l.DZ[r*2:r*2+2], want, 1e-15)
		}
	}
	da0 := make([]float64, m*3)
	for r := 0; r < m; r++ {
		for k := 0; k < 3; k++ {
			for j := 0; j < 4; j++ {
				da0[r*3+k] += tr.Layers[0].DZ[r*4+j] * net.Layers[0].W[j*3+k]
			}
		}
	}
	assertNear(t, "dX = dZ[1]·W[1]", tr.DX, da0, 1e-15)
}

// TestTraceBatchWeighted: row weights move J off the unweighted cost (to
// Σ wᵢℓᵢ / Σ wᵢ of the unweighted trace's per-row terms) and scale row i of
// dA[L] and dZ[L] by wᵢ·m/Σw; weights all 1 give the unweighted pass, and
// weights all 0 leave only the l2 term and no gradient through the loss.
func TestTraceBatchWeighted(t *testing.T) {
	const l2 = 0.1
	for _, c := range traceLosses {
		t.Run(c.name, func(t *testing.T) {
			net, x, y, m := traceNet(t, c.out)
			pool := network.NewPool(1)
			defer pool.Close()
			plain := TraceBatch(net, pool, c.loss, l2, x, y, nil, m)
			w := []float64{3, 1, 0.5, 0, 2}
			var sw float64
			for _, v := range w {
				sw += v
			}
			tr := TraceBatch(net, pool, c.loss, l2, x, y, w, m)
			L := len(tr.Layers) - 1
			penalty := l2Penalty(net, net.WeightRanges(), l2, m)
			// ℓᵢ from the unweighted cost of row i alone (m = 1).
			var want float64
			for r := 0; r < m; r++ {
				one := Cost(net, pool, net.NewWorkspace(1), c.loss, 0, x[r*3:r*3+3], y[r*2:r*2+2], nil, 1)
				want += w[r] * one
			}
			want = want/sw + penalty
			if math.Abs(tr.Cost-want) > 1e-15 || tr.Cost == plain.Cost {
				t.Errorf("cost %v, want Σwℓ/Σw + l2 = %v (unweighted %v)", tr.Cost, want, plain.Cost)
			}
			for _, part := range []struct {
				name       string
				got, plain []float64
			}{{"dA[L]", tr.Layers[L].DA, plain.Layers[L].DA}, {"dZ[L]", tr.Layers[L].DZ, plain.Layers[L].DZ}} {
				scaled := slices.Clone(part.plain)
				for i := range scaled {
					scaled[i] *= w[i/2] * float64(m) / sw
				}
				assertNear(t, part.name+" = unweighted ⊙ wᵢm/Σw", part.got, scaled, 1e-15)
			}

			ones := TraceBatch(net, pool, c.loss, l2, x, y, []float64{1, 1, 1, 1, 1}, m)
			if math.Abs(ones.Cost-plain.Cost) > 1e-15 {
				t.Errorf("weights 1: cost %v, unweighted %v", ones.Cost, plain.Cost)
			}
			assertNear(t, "weights 1: dX", ones.DX, plain.DX, 1e-15)

			zero := TraceBatch(net, pool, c.loss, l2, x, y, make([]float64, m), m)
			if zero.Cost != penalty {
				t.Errorf("weights 0: cost %v, want the l2 term %v", zero.Cost, penalty)
			}
			assertNear(t, "weights 0: dA[L]", zero.Layers[L].DA, make([]float64, m*2), 0)
			assertNear(t, "weights 0: dX", zero.DX, make([]float64, m*3), 0)
		})
	}
}

func assertNear(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", name, len(got), len(want))
	}
	worst := 0.0
	for i := range got {
		worst = math.Max(worst, math.Abs(got[i]-want[i]))
	}
	if worst > tol {
		t.Errorf("%s: worst |Δ| %g > %g\ngot  %v\nwant %v", name, worst, tol, got, want)
	}
}
