package backprop

import (
	"fmt"
	"math"

	"github.com/nntrain/nntrain/internal/network"
)

// OptimizerKind is an update rule, parsed once from its spec name.
type OptimizerKind int

const (
	SGD OptimizerKind = iota
	Momentum
	Adam
)

var optimizerNames = [...]string{"sgd", "momentum", "adam"}

func (k OptimizerKind) String() string {
	if k < 0 || int(k) >= len(optimizerNames) {
		return fmt.Sprintf("OptimizerKind(%d)", int(k))
	}
	return optimizerNames[k]
}

// ParseOptimizer maps a spec name to its OptimizerKind.
func ParseOptimizer(s string) (OptimizerKind, error) {
	for i, n := range optimizerNames {
		if n == s {
			return OptimizerKind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown optimizer %q (want sgd, momentum or adam)", s)
}

// Optimizer updates the flat parameters from the flat gradients. Each kind
// is one loop over the whole slice, with the contract's formula above it.
type Optimizer struct {
	Kind     OptimizerKind
	LR       float64
	Momentum float64 // μ of momentum

	v, s []float64 // momentum velocity; adam first and second moments
	t    int       // adam steps taken (one per batch)

	// The update in flight: its slices and adam's constants of this step,
	// and the func value handed to Pool.Range, made once.
	w, g              []float64
	adamStep, bc2sqrt float64
	updateFn          func(lo, hi int)
}

// NewOptimizer allocates the state for n parameters.
func NewOptimizer(kind OptimizerKind, lr, momentum float64, n int) (*Optimizer, error) {
	o := &Optimizer{Kind: kind, LR: lr, Momentum: momentum}
	o.updateFn = o.update
	switch kind {
	case SGD:
	case Momentum:
		o.v = make([]float64, n)
	case Adam:
		o.v = make([]float64, n)
		o.s = make([]float64, n)
	default:
		return nil, fmt.Errorf("unknown optimizer %v", kind)
	}
	return o, nil
}

const (
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
)

// Step applies one update of w from its gradient g.
func (o *Optimizer) Step(w, g []float64) { o.StepOn(nil, w, g) }

// StepOn is Step with the parameters split over the pool's workers (each
// parameter's update is independent, so the result is the same). A nil pool
// runs on the caller.
func (o *Optimizer) StepOn(p *network.Pool, w, g []float64) {
	if o.Kind == Adam {
		o.t++
		o.adamStep = o.LR / (1 - math.Pow(adamBeta1, float64(o.t)))
		o.bc2sqrt = math.Sqrt(1 - math.Pow(adamBeta2, float64(o.t)))
	}
	o.w, o.g = w, g[:len(w)]
	if p == nil {
		o.update(0, len(w))
	} else {
		p.Range(len(w), 16384, o.updateFn)
	}
	o.w, o.g = nil, nil
}

// update applies the step to parameters [lo, hi).
func (o *Optimizer) update(lo, hi int) {
	w, g := o.w[lo:hi], o.g[lo:hi]
	switch o.Kind {
	case SGD:
		// w −= lr·g
		for i, gi := range g {
			w[i] -= o.LR * gi
		}
	case Momentum:
		// v = μ·v + g; w −= lr·v   (PyTorch SGD with momentum, no dampening; v starts at 0)
		v := o.v[lo:hi]
		for i, gi := range g {
			v[i] = o.Momentum*v[i] + gi
			w[i] -= o.LR * v[i]
		}
	case Adam:
		// PyTorch Adam (1.13, single tensor):
		//   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
		//   w −= (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
		m, v := o.v[lo:hi], o.s[lo:hi]
		step, bc2sqrt := o.adamStep, o.bc2sqrt
		for i, gi := range g {
			m[i] = adamBeta1*m[i] + (1-adamBeta1)*gi
			v[i] = adamBeta2*v[i] + (1-adamBeta2)*gi*gi
			w[i] -= step * m[i] / (math.Sqrt(v[i])/bc2sqrt + adamEps)
		}
	}
}

// OptimizerState is an optimizer's moments and step count, part of State.
// V is momentum's velocity or adam's first moment, S adam's second moment.
type OptimizerState struct {
	V, S []float64
	T    int
}

func (o *Optimizer) state() OptimizerState {
	return OptimizerState{V: clone(o.v), S: clone(o.s), T: o.t}
}

func (o *Optimizer) restore(s OptimizerState) error {
	if len(s.V) != len(o.v) || len(s.S) != len(o.s) || s.T < 0 {
		return fmt.Errorf("state's optimizer moments (%d, %d) do not fit %s on this network (%d, %d)", len(s.V), len(s.S), o.Kind, len(o.v), len(o.s))
	}
	copy(o.v, s.V)
	copy(o.s, s.S)
	o.t = s.T
	return nil
}
