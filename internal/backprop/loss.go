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
//
// With row weights w (m of them, finite, ≥ 0) it is the weighted mean
//
//	J = Σ_i w_i ℓ_i / Σ_i w_i
//
// where ℓ_i is row i's term of the formula above times m (for mse
// ½ Σ_k (y − a)²); all weights 1 gives the same J up to rounding, and for
// cross_entropy this is PyTorch's CrossEntropyLoss(weight=…). A batch whose
// weights are all 0 has J = 0 (and, in OutputDelta, no gradient). A nil w
// is unweighted and takes the unweighted sums exactly.
//
// The sums are formed in float64 whatever T is (a float32 run's loss is its
// float32 outputs' loss, summed without float32's rounding).
func (l Loss) Cost(y, z, a, w []float64, m, k int) float64 { return lossCost(l, y, z, a, w, m, k) }

func lossCost[T network.Float](l Loss, y, z, a []T, w []float64, m, k int) float64 {
	if w == nil {
		return unweightedCost(l, y, z, a, m, k)
	}
	s, sw := weightedSums(l, y, z, a, w, m, k)
	if sw == 0 {
		return 0
	}
	return s / sw
}

// unweightedCost is Cost without weights.
func unweightedCost[T network.Float](l Loss, y, z, a []T, m, k int) float64 {
	var s float64
	switch l {
	case MSE:
		for i, v := range a[:m*k] {
			d := float64(v) - float64(y[i])
			s += d * d
		}
		return s / (2 * float64(m))
	case BCE:
		for i, v := range z[:m*k] {
			s += softplus(float64(v)) - float64(y[i])*float64(v)
		}
	case CrossEntropy:
		for r := 0; r < m; r++ {
			zr, yr := z[r*k:r*k+k], y[r*k:r*k+k]
			lse := rowLogSumExp(zr, a[r*k:r*k+k])
			for j, v := range zr {
				if yr[j] != 0 {
					s -= float64(yr[j]) * (float64(v) - lse)
				}
			}
		}
	}
	return s / float64(m)
}

// WeightedSums returns Σ_i w_i ℓ_i and Σ_i w_i over m rows, ℓ_i being row
// i's unweighted loss term (see Cost). Summed over the chunks of a data set
// they give its weighted loss, Σ w ℓ / Σ w.
func (l Loss) WeightedSums(y, z, a, w []float64, m, k int) (float64, float64) {
	return weightedSums(l, y, z, a, w, m, k)
}

func weightedSums[T network.Float](l Loss, y, z, a []T, w []float64, m, k int) (float64, float64) {
	var s, sw float64
	for r, wr := range w[:m] {
		yr, zr := y[r*k:r*k+k], z[r*k:r*k+k]
		var row float64
		switch l {
		case MSE:
			for j, v := range a[r*k : r*k+k] {
				d := float64(v) - float64(yr[j])
				row += d * d
			}
			row /= 2
		case BCE:
			for j, v := range zr {
				row += softplus(float64(v)) - float64(yr[j])*float64(v)
			}
		case CrossEntropy:
			lse := rowLogSumExp(zr, a[r*k:r*k+k])
			for j, v := range zr {
				if yr[j] != 0 {
					row -= float64(yr[j]) * (float64(v) - lse)
				}
			}
		}
		s += wr * row
		sw += wr
	}
	return s, sw
}

// rowLogSumExp returns log Σ_j e^(z_j) of one row whose softmax is a. At the
// row's largest z, a = 1/Σe^(z−max) ≥ 1/k, so log Σ e^z = max − log(a there):
// one log per row instead of k exps, and as stable as the direct form.
func rowLogSumExp[T network.Float](zr, ar []T) float64 {
	top := 0
	for j, v := range zr {
		if v > zr[top] {
			top = j
		}
	}
	if ar[top] > 0 {
		return float64(zr[top]) - math.Log(float64(ar[top]))
	}
	return logSumExp(zr)
}

// OutputDelta sets d, the dZ of the output layer (without the 1/m, which the
// layer's Backward applies), for a loss paired with the output activation g:
//
//	bce with sigmoid, cross_entropy with softmax:  dZ = A − Y
//	mse (and any other pairing):                   dZ = (A − Y) ⊙ g'(Z)
//
// With row weights w (see Cost), row i of dZ is also multiplied by
// w_i·m/Σw, so that after Backward's 1/m it carries w_i/Σw, the derivative
// of the weighted mean; a nil w leaves the unweighted dZ untouched.
func (l Loss) OutputDelta(d, y, z, a, w []float64, g network.Activation, alpha float64) {
	outputDelta(l, d, y, z, a, w, g, alpha)
}

func outputDelta[T network.Float](l Loss, d, y, z, a []T, w []float64, g network.Activation, alpha float64) {
	unweightedDelta(l, d, y, z, a, g, alpha)
	if w == nil {
		return
	}
	m := len(w)
	k := len(d) / m
	var sw float64
	for _, v := range w {
		sw += v
	}
	if sw == 0 {
		clear(d[:m*k])
		return
	}
	c := float64(m) / sw
	for r, v := range w {
		f := T(v * c)
		for j := range d[r*k : r*k+k] {
			d[r*k+j] *= f
		}
	}
}

func unweightedDelta[T network.Float](l Loss, d, y, z, a []T, g network.Activation, alpha float64) {
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

func logSumExp[T network.Float](z []T) float64 {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = max(mx, float64(v))
	}
	var s float64
	for _, v := range z {
		s += math.Exp(float64(v) - mx)
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
