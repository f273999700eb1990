package backprop

import (
	"math"
	"testing"
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
			got := CrossEntropy.Cost(tc.y, tc.z, a, m, tc.k)
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
			if got := BCE.Cost(tc.y, tc.z, nil, m, tc.k); math.Abs(got-wantBCE) > 1e-12*math.Max(1, wantBCE) || math.IsInf(got, 0) {
				t.Errorf("bce: got %.17g, want %.17g", got, wantBCE)
			}
		})
	}
}
