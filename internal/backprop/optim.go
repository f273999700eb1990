package backprop

import (
	"fmt"
	"math"
)

// Optimizer updates the flat parameters from the flat gradients. Each kind
// is one loop over the whole slice, with the contract's formula above it.
type Optimizer struct {
	Kind     string // sgd | momentum | adam
	LR       float64
	Momentum float64 // μ of momentum

	v, s []float64 // momentum velocity; adam first and second moments
	t    int       // adam steps taken (one per batch)
}

// NewOptimizer allocates the state for n parameters.
func NewOptimizer(kind string, lr, momentum float64, n int) (*Optimizer, error) {
	o := &Optimizer{Kind: kind, LR: lr, Momentum: momentum}
	switch kind {
	case "sgd":
	case "momentum":
		o.v = make([]float64, n)
	case "adam":
		o.v = make([]float64, n)
		o.s = make([]float64, n)
	default:
		return nil, fmt.Errorf("unknown optimizer %q (want sgd, momentum or adam)", kind)
	}
	return o, nil
}

const (
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
)

// Step applies one update of w from its gradient g.
func (o *Optimizer) Step(w, g []float64) {
	g = g[:len(w)]
	switch o.Kind {
	case "sgd":
		// w −= lr·g
		for i, gi := range g {
			w[i] -= o.LR * gi
		}
	case "momentum":
		// v = μ·v + g; w −= lr·v   (PyTorch SGD with momentum, no dampening; v starts at 0)
		v := o.v[:len(w)]
		for i, gi := range g {
			v[i] = o.Momentum*v[i] + gi
			w[i] -= o.LR * v[i]
		}
	case "adam":
		// PyTorch Adam (1.13, single tensor):
		//   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
		//   w −= (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
		o.t++
		bc1 := 1 - math.Pow(adamBeta1, float64(o.t))
		bc2sqrt := math.Sqrt(1 - math.Pow(adamBeta2, float64(o.t)))
		step := o.LR / bc1
		m, v := o.v[:len(w)], o.s[:len(w)]
		for i, gi := range g {
			m[i] = adamBeta1*m[i] + (1-adamBeta1)*gi
			v[i] = adamBeta2*v[i] + (1-adamBeta2)*gi*gi
			w[i] -= step * m[i] / (math.Sqrt(v[i])/bc2sqrt + adamEps)
		}
	}
}
