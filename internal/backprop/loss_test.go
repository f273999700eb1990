package backprop

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
)

// The losses against their textbook forms, including values where the
// naive forms overflow.
func TestCostAgainstDirectForms(t *testing.T) {
	for _, tc := range []struct {
		name string
		z, y []float64
		k    int
	}{
		{"small", []float64{0.1, -0.4, 0.3, 1, 2, -3}, []float64{0, 0, 1, 1, 0, 0}, 3},
		{"large", []float64{800, -800, 20, 1e3, 1e3 + 1, 1e3 - 2}, []float64{0, 1, 0, 0, 0, 1}, 3},
		{"tied", []float64{5, 5, 5}, []float64{0, 1, 0}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := len(tc.z) / tc.k
			a := make([]float64, len(tc.z))
			for i := range a {
				a[i] = math.NaN()
			}
			for r := 0; r < m; r++ {
				zr := tc.z[r*tc.k : r*tc.k+tc.k]
				lse := logSumExp(zr)
				for j := range zr {
					a[r*tc.k+j] = math.Exp(zr[j] - lse)
				}
			}
			var want float64
			for r := 0; r < m; r++ {
				zr := tc.z[r*tc.k : r*tc.k+tc.k]
				lse := logSumExp(zr)
				for j, v := range zr {
					want -= tc.y[r*tc.k+j] * (v - lse)
				}
			}
			want /= float64(m)
			got := CrossEntropy.Cost(tc.y, tc.z, a, nil, m, tc.k)
			if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("cross_entropy: got %.17g, want %.17g", got, want)
			}
			var wantBCE float64
			for i, z := range tc.z {
				// log(1+e^z) − y z, with log1p(e^z) written out for moderate z
				sp := math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
				wantBCE += sp - tc.y[i]*z
			}
			wantBCE /= float64(m)
			if got := BCE.Cost(tc.y, tc.z, nil, nil, m, tc.k); math.Abs(got-wantBCE) > 1e-12*math.Max(1, wantBCE) || math.IsInf(got, 0) {
				t.Errorf("bce: got %.17g, want %.17g", got, wantBCE)
			}
		})
	}
}

// The weighted losses against their definition, J = Σ w_i ℓ_i / Σ w_i with
// ℓ_i row i's unweighted term times m; weights all 1 agree with the
// unweighted J, and a nil w is the unweighted J exactly.
func TestWeightedCost(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m, k := 7, 3
	z, y, ybits, yreg := make([]float64, m*k), make([]float64, m*k), make([]float64, m*k), make([]float64, m*k)
	for i := range z {
		z[i] = 3 * rng.NormFloat64()
		ybits[i] = float64(rng.IntN(2))
		yreg[i] = rng.NormFloat64()
	}
	for r := 0; r < m; r++ {
		y[r*k+rng.IntN(k)] = 1
	}
	soft := make([]float64, m*k)
	for r := 0; r < m; r++ {
		lse := logSumExp(z[r*k : r*k+k])
		for j := 0; j < k; j++ {
			soft[r*k+j] = math.Exp(z[r*k+j] - lse)
		}
	}
	w := []float64{0.5, 2, 0, 1, 3.5, 0.25, 1}
	ones := []float64{1, 1, 1, 1, 1, 1, 1}
	for _, tc := range []struct {
		loss Loss
		y, a []float64
		row  func(r int) float64 // ℓ_r
	}{
		{MSE, yreg, z, func(r int) float64 {
			var s float64
			for j := 0; j < k; j++ {
				d := z[r*k+j] - yreg[r*k+j]
				s += d * d / 2
			}
			return s
		}},
		{BCE, ybits, nil, func(r int) float64 {
			var s float64
			for j := 0; j < k; j++ {
				a := 1 / (1 + math.Exp(-z[r*k+j]))
				yy := ybits[r*k+j]
				s -= yy*math.Log(a) + (1-yy)*math.Log(1-a)
			}
			return s
		}},
		{CrossEntropy, y, soft, func(r int) float64 {
			var s float64
			for j := 0; j < k; j++ {
				s -= y[r*k+j] * math.Log(soft[r*k+j])
			}
			return s
		}},
	} {
		t.Run(tc.loss.String(), func(t *testing.T) {
			var num, den float64
			for r := 0; r < m; r++ {
				num += w[r] * tc.row(r)
				den += w[r]
			}
			want := num / den
			if got := tc.loss.Cost(tc.y, z, tc.a, w, m, k); math.Abs(got-want) > 1e-12*math.Max(1, want) {
				t.Errorf("weighted: got %.17g, want %.17g", got, want)
			}
			plain := tc.loss.Cost(tc.y, z, tc.a, nil, m, k)
			if got := tc.loss.Cost(tc.y, z, tc.a, ones, m, k); math.Abs(got-plain) > 1e-14*math.Max(1, plain) {
				t.Errorf("weights all 1: got %.17g, unweighted %.17g", got, plain)
			}
			if got := tc.loss.Cost(tc.y, z, tc.a, make([]float64, m), m, k); got != 0 {
				t.Errorf("weights all 0: got %g, want 0", got)
			}
		})
	}
}

// Weights reach dZ as w_i·m/Σw (Backward then divides by m), and a batch of
// weight 0 has no gradient.
func TestWeightedOutputDelta(t *testing.T) {
	y := []float64{1, 0, 0, 1, 1, 0}
	z := []float64{0.2, -0.1, 0.7, 0.3, -1, 2}
	a := make([]float64, len(z))
	for i, v := range z {
		a[i] = 1 / (1 + math.Exp(-v))
	}
	w := []float64{2, 0, 1}
	plain, got := make([]float64, 6), make([]float64, 6)
	BCE.OutputDelta(plain, y, z, a, nil, network.Sigmoid, 0)
	BCE.OutputDelta(got, y, z, a, w, network.Sigmoid, 0)
	for i := range got {
		want := plain[i] * w[i/2] * 3 / 3
		if math.Abs(got[i]-want) > 1e-15 {
			t.Errorf("dZ[%d] = %g, want %g", i, got[i], want)
		}
	}
	BCE.OutputDelta(got, y, z, a, []float64{0, 0, 0}, network.Sigmoid, 0)
	for i, v := range got {
		if v != 0 {
			t.Errorf("weights 0: dZ[%d] = %g, want 0", i, v)
		}
	}
}

// A split's weighted loss spans chunks: Σ w ℓ / Σ w over all its rows, not
// a mean of chunk means.
func TestEvaluateWeighted(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	net := network.New(2, []network.LayerSpec{{Units: 3, Activation: network.Tanh}, {Units: 2, Activation: network.Softmax}})
	net.Init(network.InitXavier, 0, rng)
	n := evalChunk*2 + 37
	d := &Data{X: make([]float64, n*2), Y: make([]float64, n*2), Rows: n, Labels: make([]int, n), W: make([]float64, n)}
	for r := 0; r < n; r++ {
		d.X[2*r], d.X[2*r+1] = rng.NormFloat64(), rng.NormFloat64()
		d.Labels[r] = rng.IntN(2)
		d.Y[2*r+d.Labels[r]] = 1
		d.W[r] = float64(1 + 9*(r/evalChunk)) // chunks weigh 1, 10, 19
	}
	p := network.NewPool(1)
	defer p.Close()
	got, a := Evaluate(network.Float64, net, p, CrossEntropy, d)
	var num, den float64
	for r := 0; r < n; r++ {
		num -= d.W[r] * math.Log(a[2*r+d.Labels[r]])
		den += d.W[r]
	}
	if want := num / den; math.Abs(got-want) > 1e-12 {
		t.Errorf("weighted loss %.17g, want %.17g", got, want)
	}
}
