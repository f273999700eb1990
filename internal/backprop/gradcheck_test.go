package backprop

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
)

// Every hidden activation with every output/loss pairing the contract
// allows, with and without dropout on the hidden layers (its masks drawn
// once and held fixed while J is differenced).
func TestGradCheckAllPairings(t *testing.T) {
	hidden := []network.Activation{network.Linear, network.Sigmoid, network.Tanh, network.ReLU, network.LeakyReLU}
	outputs := []struct {
		act  network.Activation
		loss Loss
		k    int
	}{
		{network.Linear, MSE, 2},
		{network.Sigmoid, MSE, 2},
		{network.Tanh, MSE, 2},
		{network.ReLU, MSE, 2},
		{network.LeakyReLU, MSE, 2},
		{network.Sigmoid, BCE, 1},
		{network.Sigmoid, BCE, 3},
		{network.Softmax, CrossEntropy, 3},
	}
	for _, h := range hidden {
		for _, o := range outputs {
			for _, c := range []struct{ l2, dropout float64 }{{0, 0}, {0.3, 0}, {0, 0.4}, {0.3, 0.4}} {
				l2 := c.l2
				name := fmt.Sprintf("%v-%v-%v-l2=%g-dropout=%g", h, o.act, o.loss, l2, c.dropout)
				t.Run(name, func(t *testing.T) {
					rng := rand.New(rand.NewPCG(1, 2))
					net := network.New(4, []network.LayerSpec{
						{Units: 5, Activation: h, Alpha: 0.1, Dropout: c.dropout},
						{Units: 3, Activation: h, Alpha: 0.1, Dropout: c.dropout / 2},
						{Units: o.k, Activation: o.act, Alpha: 0.2},
					})
					var drop *network.Dropout
					if c.dropout > 0 {
						drop = network.NewDropout(5, 6)
					}
					for i := range net.Params {
						net.Params[i] = rng.NormFloat64() * 0.7
					}
					m := 6
					x := make([]float64, m*4)
					for i := range x {
						x[i] = rng.NormFloat64()
					}
					y := make([]float64, m*o.k)
					for r := 0; r < m; r++ {
						switch o.loss {
						case CrossEntropy:
							y[r*o.k+rng.IntN(o.k)] = 1
						case BCE:
							for j := 0; j < o.k; j++ {
								y[r*o.k+j] = float64(rng.IntN(2))
							}
						default:
							for j := 0; j < o.k; j++ {
								y[r*o.k+j] = rng.NormFloat64()
							}
						}
					}
					p := network.NewPool(1)
					defer p.Close()
					for _, c := range GradCheck(net, p, o.loss, l2, x, y, m, 1000, rng, drop) {
						t.Logf("layer %d: worst relative error %.3g at %s (backprop %.6g, numeric %.6g)", c.Layer, c.WorstRel, c.Worst, c.Backprop, c.Numeric)
						if c.WorstRel > 1e-5 {
							t.Errorf("layer %d: worst relative error %.3g at %s, want ≤ 1e-5", c.Layer, c.WorstRel, c.Worst)
						}
					}
				})
			}
		}
	}
}

// A wrong gradient must be caught: the check is not vacuous.
func TestGradCheckCatchesBug(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	net := network.New(2, []network.LayerSpec{{Units: 3, Activation: network.Tanh}, {Units: 1, Activation: network.Linear}})
	for i := range net.Params {
		net.Params[i] = rng.NormFloat64()
	}
	x := []float64{0.5, -1, 2, 0.3}
	y := []float64{1, -1}
	p := network.NewPool(1)
	defer p.Close()
	// Treat an mse net as if its loss were bce: backprop's dZ then
	// disagrees with the cost being differentiated.
	ws := net.NewWorkspace(2)
	Gradients(net, p, ws, MSE, 0, x, y, 2)
	good := append([]float64(nil), net.Grads...)
	net.Grads[0] += 0.1
	num := func(i int) float64 {
		w := net.Params[i]
		net.Params[i] = w + GradStep
		jp := Cost(net, p, ws, MSE, 0, x, y, 2)
		net.Params[i] = w - GradStep
		jm := Cost(net, p, ws, MSE, 0, x, y, 2)
		net.Params[i] = w
		return (jp - jm) / (2 * GradStep)
	}
	if d := good[0] - num(0); d > 1e-7 || d < -1e-7 {
		t.Fatalf("good gradient differs from numeric by %g", d)
	}
	if d := net.Grads[0] - num(0); d < 0.05 {
		t.Errorf("perturbed gradient differs by only %g", d)
	}
}
