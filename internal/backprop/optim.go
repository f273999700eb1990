package backprop

import (
	"fmt"
	"math"

	"github.com/nntrain/nntrain/internal/network"
	"github.com/nntrain/nntrain/internal/vec"
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

// OptimizerOf updates flat parameters in T from their flat gradients. Each
// kind is one loop over the whole slice, with PyTorch's formula above it;
// in float32 its constants (lr, β, ε, …) are rounded to float32 once per
// step, as torch.optim's float32 kernels take them.
type OptimizerOf[T network.Float] struct {
	OptimizerConfig     // LR may be changed between steps (a schedule sets it per epoch)
	v, s            []T // OptimizerState's V and S, in T
	t               int

	// The update in flight: its slices and adam's constants of this step,
	// and the func value handed to Pool.Range, made once.
	w, g     []T
	adam     vec.AdamCoef[T]
	updateFn func(lo, hi int)
}

// Optimizer is the float64 optimizer.
type Optimizer = OptimizerOf[float64]

// NewOptimizer allocates the state for n float64 parameters.
func NewOptimizer(c OptimizerConfig, n int) (*Optimizer, error) { return newOptimizerOf[float64](c, n) }

func newOptimizerOf[T network.Float](c OptimizerConfig, n int) (*OptimizerOf[T], error) {
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
	o := &OptimizerOf[T]{OptimizerConfig: c}
	o.updateFn = o.update
	switch c.Kind {
	case SGD:
	case Momentum, Nesterov, RMSprop:
		o.v = make([]T, n)
	case Adam, AdamW:
		o.v = make([]T, n)
		o.s = make([]T, n)
	default:
		return nil, fmt.Errorf("unknown optimizer %v", c.Kind)
	}
	return o, nil
}

// Step applies one update of w from its gradient g.
func (o *OptimizerOf[T]) Step(w, g []T) { o.StepOn(nil, w, g) }

// StepOn is Step with the parameters split over the pool's workers (each
// parameter's update is independent, so the result is the same). A nil pool
// runs on the caller.
func (o *OptimizerOf[T]) StepOn(p *network.Pool, w, g []T) {
	o.t++
	if o.Kind == Adam || o.Kind == AdamW {
		t := float64(o.t)
		decay := 1.0
		if o.Kind == AdamW {
			decay = 1 - o.LR*o.WeightDecay
		}
		o.adam = vec.AdamCoef[T]{
			Decay: T(decay),
			B1:    T(o.Beta1), C1: T(1 - o.Beta1),
			B2: T(o.Beta2), C2: T(1 - o.Beta2),
			BC2Sqrt: T(math.Sqrt(1 - math.Pow(o.Beta2, t))),
			Eps:     T(o.Eps),
			Step:    T(o.LR / (1 - math.Pow(o.Beta1, t))),
		}
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
func (o *OptimizerOf[T]) update(lo, hi int) {
	w, g := o.w[lo:hi], o.g[lo:hi]
	lr := T(o.LR)
	switch o.Kind {
	case SGD:
		// w −= lr·g, four or eight at a time where the CPU can (vec)
		vec.SubScaled(w, g, lr)
	case Momentum:
		// v = μ·v + g; w −= lr·v   (PyTorch SGD with momentum, no dampening; v starts at 0)
		vec.Momentum(w, g, o.v[lo:hi], lr, T(o.Momentum), false)
	case Nesterov:
		// v = μ·v + g; w −= lr·(g + μ·v)   (PyTorch SGD(momentum=μ, nesterov=True))
		vec.Momentum(w, g, o.v[lo:hi], lr, T(o.Momentum), true)
	case Adam, AdamW:
		// PyTorch Adam (1.13, single tensor):
		//   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
		//   w −= (lr / (1−β1^t)) · (m / (√v / √(1−β2^t) + ε))   (addcdiv_)
		// AdamW first decays every parameter, biases included (decoupled):
		//   w = w·(1 − lr·λ)                      (param.mul_(1 − lr·weight_decay))
		// Adam's factor is 1, which leaves w exactly as it is.
		// The factors are those of this step (StepOn), each rounded to T.
		vec.Adam(w, g, o.v[lo:hi], o.s[lo:hi], &o.adam)
	case RMSprop:
		// PyTorch RMSprop (1.13, single tensor; momentum 0, not centered):
		//   s = α·s + (1−α)·g²;  w −= lr · g / (√s + ε)
		// rmsprop's square average lives in v; addcdiv_ is w + (−lr)·(g / avg)
		vec.RMSprop(w, g, o.v[lo:hi], lr, T(o.Alpha), T(1-o.Alpha), T(o.Eps))
	}
}

func (o *OptimizerOf[T]) state() OptimizerState {
	return OptimizerState{V: widen(o.v), S: widen(o.s), T: o.t}
}

func (o *OptimizerOf[T]) restore(s OptimizerState) error {
	if len(s.V) != len(o.v) || len(s.S) != len(o.s) || s.T < 0 {
		return fmt.Errorf("state's optimizer moments (%d, %d) do not fit %s on this network (%d, %d)", len(s.V), len(s.S), o.Kind, len(o.v), len(o.s))
	}
	narrow(o.v, s.V)
	narrow(o.s, s.S)
	o.t = s.T
	return nil
}

// widen returns a float64 copy of v (nil for nil): exact for float32.
func widen[T network.Float](v []T) []float64 { return network.Convert[float64](v) }

// narrow copies src into dst, rounding to T (exact for values a float32
// run wrote).
func narrow[T network.Float](dst []T, src []float64) {
	for i, v := range src[:len(dst)] {
		dst[i] = T(v)
	}
}

// ClipNorm scales g so that its L2 norm is at most maxNorm, as
// torch.nn.utils.clip_grad_norm_ over all the parameters:
//
//	n = ‖g‖₂;  c = maxNorm / (n + 1e-6);  g ·= c  when c < 1
//
// It returns n. The sum runs serially in a fixed order, so the result does
// not depend on the number of workers.
func ClipNorm[T network.Float](g []T, maxNorm float64) float64 {
	var sq float64
	for _, v := range g {
		sq += float64(v) * float64(v)
	}
	n := math.Sqrt(sq)
	if c := maxNorm / (n + 1e-6); c < 1 {
		ct := T(c)
		for i := range g {
			g[i] *= ct
		}
	}
	return n
}
