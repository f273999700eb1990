package backprop

import (
	"fmt"
	"math"

	"github.com/nntrain/nntrain/internal/network"
)

// OptimizerKind is an update rule, each PyTorch's (torch.optim, 1.13,
// single-tensor path) with its defaults.
type OptimizerKind int

const (
	SGD      OptimizerKind = iota // torch.optim.SGD(lr)
	Momentum                      // SGD(lr, momentum=μ)
	Nesterov                      // SGD(lr, momentum=μ, nesterov=True)
	Adam                          // Adam(lr, betas, eps)
	AdamW                         // AdamW(lr, betas, eps, weight_decay)
	RMSprop                       // RMSprop(lr, alpha, eps), momentum 0, not centered
)

var optimizerNames = [...]string{"sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop"}

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
	return 0, fmt.Errorf("unknown optimizer %q (want sgd, momentum, nesterov, adam, adamw or rmsprop)", s)
}

// OptimizerConfig holds an update rule and its constants. A zero Beta1,
// Beta2, Eps or Alpha means PyTorch's default (0.9, 0.999, 1e-8, 0.99);
// WeightDecay is taken as given (the spec fills in AdamW's 0.01).
type OptimizerConfig struct {
	Kind         OptimizerKind
	LR           float64
	Momentum     float64 // μ of momentum and nesterov
	Beta1, Beta2 float64 // adam, adamw
	Eps          float64 // adam, adamw, rmsprop
	WeightDecay  float64 // adamw
	Alpha        float64 // rmsprop smoothing
}

// Defaults of PyTorch's optimizers.
const (
	DefaultBeta1       = 0.9
	DefaultBeta2       = 0.999
	DefaultEps         = 1e-8
	DefaultAlpha       = 0.99
	DefaultWeightDecay = 0.01 // AdamW's
)

// OptimizerState is an optimizer's moments and step count, part of State,
// in the flat layout of the parameters: V is the momentum buffer (momentum,
// nesterov), adam's and adamw's first moment or rmsprop's square average;
// S adam's and adamw's second moment; T the updates taken (one per batch).
type OptimizerState struct {
	V, S []float64
	T    int
}

// Optimizer updates the flat parameters from the flat gradients. Each kind
// is one loop over the whole slice, with PyTorch's formula above it.
type Optimizer struct {
	OptimizerConfig // LR may be changed between steps (a schedule sets it per epoch)
	st              OptimizerState

	// The update in flight: its slices and adam's constants of this step,
	// and the func value handed to Pool.Range, made once.
	w, g              []float64
	adamStep, bc2sqrt float64
	updateFn          func(lo, hi int)
}

// NewOptimizer allocates the state for n parameters.
func NewOptimizer(c OptimizerConfig, n int) (*Optimizer, error) {
	if c.Beta1 == 0 {
		c.Beta1 = DefaultBeta1
	}
	if c.Beta2 == 0 {
		c.Beta2 = DefaultBeta2
	}
	if c.Eps == 0 {
		c.Eps = DefaultEps
	}
	if c.Alpha == 0 {
		c.Alpha = DefaultAlpha
	}
	o := &Optimizer{OptimizerConfig: c}
	o.updateFn = o.update
	switch c.Kind {
	case SGD:
	case Momentum, Nesterov, RMSprop:
		o.st.V = make([]float64, n)
	case Adam, AdamW:
		o.st.V = make([]float64, n)
		o.st.S = make([]float64, n)
	default:
		return nil, fmt.Errorf("unknown optimizer %v", c.Kind)
	}
	return o, nil
}

// Step applies one update of w from its gradient g.
func (o *Optimizer) Step(w, g []float64) { o.StepOn(nil, w, g) }

// StepOn is Step with the parameters split over the pool's workers (each
// parameter's update is independent, so the result is the same). A nil pool
// runs on the caller.
func (o *Optimizer) StepOn(p *network.Pool, w, g []float64) {
	o.st.T++
	if o.Kind == Adam || o.Kind == AdamW {
		t := float64(o.st.T)
		o.adamStep = o.LR / (1 - math.Pow(o.Beta1, t))
		o.bc2sqrt = math.Sqrt(1 - math.Pow(o.Beta2, t))
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
	lr := o.LR
	switch o.Kind {
	case SGD:
		// w −= lr·g
		for i, gi := range g {
			w[i] -= lr * gi
		}
	case Momentum:
		// v = μ·v + g; w −= lr·v   (PyTorch SGD with momentum, no dampening; v starts at 0)
		mu, v := o.Momentum, o.st.V[lo:hi]
		for i, gi := range g {
			v[i] = mu*v[i] + gi
			w[i] -= lr * v[i]
		}
	case Nesterov:
		// v = μ·v + g; w −= lr·(g + μ·v)   (PyTorch SGD(momentum=μ, nesterov=True))
		mu, v := o.Momentum, o.st.V[lo:hi]
		for i, gi := range g {
			v[i] = mu*v[i] + gi
			w[i] -= lr * (gi + mu*v[i])
		}
	case Adam, AdamW:
		// PyTorch Adam (1.13, single tensor):
		//   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
		//   w −= (lr / (1−β1^t)) · (m / (√v / √(1−β2^t) + ε))   (addcdiv_)
		// AdamW first decays every parameter, biases included (decoupled):
		//   w = w·(1 − lr·λ)                      (param.mul_(1 − lr·weight_decay))
		// Adam's factor is 1, which leaves w exactly as it is.
		m, v := o.st.V[lo:hi], o.st.S[lo:hi]
		b1, b2, eps := o.Beta1, o.Beta2, o.Eps
		step, bc2sqrt := o.adamStep, o.bc2sqrt
		decay := 1.0
		if o.Kind == AdamW {
			decay = 1 - lr*o.WeightDecay
		}
		for i, gi := range g {
			w[i] *= decay
			m[i] = b1*m[i] + (1-b1)*gi
			v[i] = b2*v[i] + (1-b2)*gi*gi
			w[i] -= step * (m[i] / (math.Sqrt(v[i])/bc2sqrt + eps))
		}
	case RMSprop:
		// PyTorch RMSprop (1.13, single tensor; momentum 0, not centered):
		//   s = α·s + (1−α)·g²;  w −= lr · g / (√s + ε)
		s := o.st.V[lo:hi]
		alpha, eps := o.Alpha, o.Eps
		for i, gi := range g {
			s[i] = alpha*s[i] + (1-alpha)*gi*gi
			w[i] -= lr * (gi / (math.Sqrt(s[i]) + eps)) // addcdiv_: w + (−lr)·(g / avg)
		}
	}
}

func (o *Optimizer) state() OptimizerState {
	return OptimizerState{V: clone(o.st.V), S: clone(o.st.S), T: o.st.T}
}

func (o *Optimizer) restore(s OptimizerState) error {
	if len(s.V) != len(o.st.V) || len(s.S) != len(o.st.S) || s.T < 0 {
		return fmt.Errorf("state's optimizer moments (%d, %d) do not fit %s on this network (%d, %d)", len(s.V), len(s.S), o.Kind, len(o.st.V), len(o.st.S))
	}
	copy(o.st.V, s.V)
	copy(o.st.S, s.S)
	o.st.T = s.T
	return nil
}

// ClipNorm scales g so that its L2 norm is at most maxNorm, as
// torch.nn.utils.clip_grad_norm_ over all the parameters:
//
//	n = ‖g‖₂;  c = maxNorm / (n + 1e-6);  g ·= c  when c < 1
//
// It returns n. The sum runs serially in a fixed order, so the result does
// not depend on the number of workers.
func ClipNorm(g []float64, maxNorm float64) float64 {
	var sq float64
	for _, v := range g {
		sq += v * v
	}
	n := math.Sqrt(sq)
	if c := maxNorm / (n + 1e-6); c < 1 {
		for i := range g {
			g[i] *= c
		}
	}
	return n
}
