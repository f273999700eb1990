package backprop

import (
	"fmt"
	"math"

	"github.com/nntrain/nntrain/internal/network"
)

// Loss is the cost function J of a batch.
type Loss int

const (
	MSE Loss = iota
	BCE
	CrossEntropy
)

var lossNames = [...]string{"mse", "bce", "cross_entropy"}

func (l Loss) String() string { return lossNames[l] }

// ParseLoss maps a spec name to its Loss.
func ParseLoss(s string) (Loss, error) {
	for i, n := range lossNames {
		if n == s {
			return Loss(i), nil
		}
	}
	return 0, fmt.Errorf("unknown loss %q (want mse, bce or cross_entropy)", s)
}

// Cost returns J for m rows of targets y given the output layer's z and
// a = g(z) (all m×k), without any l2 term:
//
//	mse:           J = 1/(2m) Σ_i Σ_k (y − a)²
//	bce:           J = 1/m Σ_i Σ_k [log(1+e^z) − y·z]        (= −[y log a + (1−y) log(1−a)], stable)
//	cross_entropy: J = −1/m Σ_i Σ_k y·log_softmax(z)          (a must be softmax(z))
func (l Loss) Cost(y, z, a []float64, m, k int) float64 {
	var s float64
	switch l {
	case MSE:
		for i, v := range a[:m*k] {
			d := v - y[i]
			s += d * d
		}
		return s / (2 * float64(m))
	case BCE:
		for i, v := range z[:m*k] {
			s += softplus(v) - y[i]*v
		}
	case CrossEntropy:
		// a is softmax(z), so at the row's largest z, a = 1/Σe^(z−max) ≥ 1/k
		// and log Σ e^z = max − log(a there): one log per row instead of k
		// exps, and as stable as the direct form.
		for r := 0; r < m; r++ {
			zr, yr, ar := z[r*k:r*k+k], y[r*k:r*k+k], a[r*k:r*k+k]
			top := 0
			for j, v := range zr {
				if v > zr[top] {
					top = j
				}
			}
			var lse float64
			if ar[top] > 0 {
				lse = zr[top] - math.Log(ar[top])
			} else {
				lse = logSumExp(zr)
			}
			for j, v := range zr {
				if yr[j] != 0 {
					s -= yr[j] * (v - lse)
				}
			}
		}
	}
	return s / float64(m)
}

// OutputDelta sets d, the dZ of the output layer (without the 1/m, which the
// layer's Backward applies), for a loss paired with the output activation g:
//
//	bce with sigmoid, cross_entropy with softmax:  dZ = A − Y
//	mse (and any other pairing):                   dZ = (A − Y) ⊙ g'(Z)
func (l Loss) OutputDelta(d, y, z, a []float64, g network.Activation, alpha float64) {
	for i, v := range a {
		d[i] = v - y[i]
	}
	switch {
	case l == BCE && g == network.Sigmoid, l == CrossEntropy && g == network.Softmax:
		return
	case l == MSE:
		network.ActivationBackward(g, d, z, a, alpha)
	case l == BCE:
		// dJ/da = (a − y)/(a(1 − a)), then times g'(z).
		for i, v := range a {
			d[i] /= v * (1 - v)
		}
		network.ActivationBackward(g, d, z, a, alpha)
	default:
		panic("backprop: cross_entropy needs a softmax output layer")
	}
}

func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

func logSumExp(z []float64) float64 {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = max(mx, v)
	}
	var s float64
	for _, v := range z {
		s += math.Exp(v - mx)
	}
	return mx + math.Log(s)
}

// Classifies says whether the loss reads a target as classes even when its
// values are integers (bce and cross_entropy); mse treats numbers as numbers.
func (l Loss) Classifies() bool { return l == BCE || l == CrossEntropy }

// OutputUnits is the one rule for the width of the output layer of a class
// target with k classes: bce with two classes is one sigmoid unit (its 1 is
// the second class), any other pairing one unit per class.
func (l Loss) OutputUnits(k int) int {
	if l == BCE && k == 2 {
		return 1
	}
	return k
}
