package backprop

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
)

// TestTraceBatchConsistent: for each loss, TraceBatch leaves the weights as
// they were, its dW and dB are Gradients' values, and its matrices fit
// together: dZ = dA ⊙ g'(Z) for elementwise layers (the dA of the output
// layer being outputGrad's), dA[l−1] = dZ[l]·W[l].
func TestTraceBatchConsistent(t *testing.T) {
	for _, c := range []struct {
		name string
		loss Loss
		out  network.Activation
	}{
		{"mse tanh", MSE, network.Tanh},
		{"mse sigmoid", MSE, network.Sigmoid},
		{"bce sigmoid", BCE, network.Sigmoid},
		{"cross_entropy softmax", CrossEntropy, network.Softmax},
	} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 8))
			net := network.New(3, []network.LayerSpec{{Units: 4, Activation: network.LeakyReLU, Alpha: 0.1}, {Units: 2, Activation: c.out}})
			if err := net.Init(network.InitXavier, 0, rng); err != nil {
				t.Fatal(err)
			}
			m := 5
			x, y := make([]float64, m*3), make([]float64, m*2)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			for r := 0; r < m; r++ {
				y[r*2+r%2] = 1 // one-hot, valid for every loss
			}
			pool := network.NewPool(1)
			defer pool.Close()
			params := slices.Clone(net.Params)
			tr := TraceBatch(net, pool, c.loss, 0.1, x, y, m)
			if !slices.Equal(params, net.Params) {
				t.Fatal("TraceBatch changed the weights")
			}
			Gradients(net, pool, net.NewWorkspace(m), c.loss, 0.1, x, y, nil, m)
			var got []float64
			for _, l := range tr.Layers {
				got = append(append(got, l.DW...), l.DB...)
			}
			assertNear(t, "dW and dB against Gradients", got, net.Grads, 0)
			if j := Cost(net, pool, net.NewWorkspace(m), c.loss, 0.1, x, y, nil, m); j != tr.Cost {
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
			if c.out == network.Softmax {
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
