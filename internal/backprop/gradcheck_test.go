package backprop

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
)

// Every hidden activation with every output/loss pairing the contract allows.
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
			// l2, weighted rows, dropout on the hidden layers (its masks drawn
			// once and held fixed while J is differenced)
			for _, c := range [][3]float64{{0, 0, 0}, {0.3, 0, 0}, {0, 1, 0}, {0.3, 1, 0}, {0, 0, 0.4}, {0.3, 1, 0.4}} {
				l2, weighted, dropout := c[0], c[1] == 1, c[2]
				name := fmt.Sprintf("%v-%v-%v-l2=%g", h, o.act, o.loss, l2)
				if weighted {
					name += "-weighted"
				}
				if dropout > 0 {
					name += fmt.Sprintf("-dropout=%g", dropout)
				}
				t.Run(name, func(t *testing.T) {
					rng := rand.New(rand.NewPCG(1, 2))
					net := network.New(4, []network.LayerSpec{
						{Units: 5, Activation: h, Alpha: 0.1, Dropout: dropout},
						{Units: 3, Activation: h, Alpha: 0.1, Dropout: dropout / 2},
						{Units: o.k, Activation: o.act, Alpha: 0.2},
					})
					var drop *network.Dropout
					if dropout > 0 {
						drop = network.NewDropout(5, 6)
					}
					// Dropout's 1/(1−p) raises J, and with it the rounding noise
					// of the differences (about 1e-16·J/h), which the check's
					// 1e-4 floor expects to stay near 1e-10: smaller weights
					// keep J near 1 there (at 0.7, one gradient of 2.5e-5 in
					// one case is off by 1.6e-5 relative at h = 1e-6 and by
					// 3.7e-7 at h = 1e-5: noise, not a wrong gradient).
					scale := 0.7
					if dropout > 0 {
						scale = 0.4
					}
					for i := range net.Params {
						net.Params[i] = rng.NormFloat64() * scale
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
					var w []float64
					if weighted {
						// Uneven weights, one of them 0 (the row counts for
						// nothing), as sample and class weights give.
						w = []float64{0.5, 3, 0, 1.25, 2, 0.1}
					}
					p := network.NewPool(1)
					defer p.Close()
					for _, c := range GradCheck(net, p, o.loss, l2, x, y, w, m, 1000, rng, drop) {
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

// A wrong gradient must be caught: GradCheck, handed backprop's gradients
// with one entry changed, must report that parameter, and only its layer.
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
	for _, tc := range []struct {
		name  string
		param int // index into the flat parameters
		layer int // 1-based
		at    string
	}{
		{"first weight", 0, 1, "W[0][0]"},
		{"a bias of layer 1", 7, 1, "B[1]"},
		{"a weight of layer 2", 10, 2, "W[0][1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clean := GradCheck(net, p, MSE, 0, x, y, nil, 2, 100, rng, nil)
			for _, c := range clean {
				if c.WorstRel > 1e-6 {
					t.Fatalf("layer %d fails without a bug: %.3g at %s", c.Layer, c.WorstRel, c.Worst)
				}
			}
			got := GradCheckWith(net, p, MSE, 0, x, y, nil, 2, 100, rng, nil, func(g []float64) { g[tc.param] += 0.1 })
			for _, c := range got {
				bad := c.WorstRel > 1e-5
				switch {
				case c.Layer == tc.layer && !bad:
					t.Errorf("layer %d: worst relative error %.3g, want the wrong gradient at %s reported", c.Layer, c.WorstRel, tc.at)
				case c.Layer == tc.layer && c.Worst != tc.at:
					t.Errorf("layer %d: worst at %s, want %s", c.Layer, c.Worst, tc.at)
				case c.Layer != tc.layer && bad:
					t.Errorf("layer %d reported (%.3g at %s) though only layer %d's gradient is wrong", c.Layer, c.WorstRel, c.Worst, tc.layer)
				}
			}
		})
	}
}
