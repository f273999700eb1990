package backprop

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/network"
)

// Data is a data set in memory, row-major: X is Rows×inputs, Y is
// Rows×outputs (one-hot for classes). Labels holds the class index of each
// row for class targets and is nil for regression.
type Data struct {
	X, Y   []float64
	Rows   int
	Labels []int
}

// Config is what the training loop needs from a spec.
type Config struct {
	Loss      Loss
	Optim     OptimizerConfig // Optim.LR is epoch 1's learning rate
	Epochs    int
	BatchSize int // 0: the whole training set in one batch
	L2        float64
	ClipNorm  float64        // clip the gradient's L2 norm to this (clip_grad_norm_); 0 off
	Schedule  ScheduleConfig // Kind NoSchedule: the same lr every epoch
	Shuffle   bool
	Patience  int     // early stopping; 0 turns it off
	MinDelta  float64 // the improvement that resets the patience
	Monitor   Monitor // what early stopping watches
	// Dropout draws the masks of the layers with dropout; it must be set
	// when the network has any.
	Dropout *network.Dropout
}

// Monitor is the validation figure early stopping watches.
type Monitor int

const (
	ValLoss     Monitor = iota // lower is better
	ValAccuracy                // higher is better (class targets)
	ValR2                      // higher is better (regression)
)

var monitorNames = [...]string{"val_loss", "val_accuracy", "val_r2"}

func (m Monitor) String() string { return monitorNames[m] }

// ParseMonitor maps a spec name to its Monitor.
func ParseMonitor(s string) (Monitor, error) {
	for i, n := range monitorNames {
		if n == s {
			return Monitor(i), nil
		}
	}
	return 0, fmt.Errorf("unknown monitor %q (want val_loss, val_accuracy or val_r2)", s)
}

// value is the monitored figure of an epoch, negated when higher is better,
// so that lower is always better.
func (m Monitor) value(e Epoch) float64 {
	if m == ValLoss {
		return e.ValLoss
	}
	return -e.ValMetric
}

// Epoch is one row of cost.csv. Metric is the accuracy for class targets
// and r² for regression; the Val fields are set only with validation data.
type Epoch struct {
	N                      int
	TrainLoss, ValLoss     float64
	TrainMetric, ValMetric float64
	LR                     float64 // the learning rate the epoch trained with
}

// Hooks lets the caller watch a run; either may be nil.
type Hooks struct {
	Batch func(epoch, batch, batches int, loss float64)
	Epoch func(e Epoch)
}

// Result is the history of a run.
type Result struct {
	Epochs       []Epoch
	StoppedEarly bool
	BestEpoch    int // with early stopping: the epoch whose weights were kept (and written)
}

// ErrInterrupted is returned when ctx is cancelled; the current batch has
// finished and the weights are consistent but the run is incomplete.
var ErrInterrupted = errors.New("training interrupted")

// NonFiniteError reports a loss that became NaN or infinite.
type NonFiniteError struct {
	Epoch, Batch int
	Loss         float64
	// BeforeUpdate is set when no update had been applied yet (the first
	// batch's cost): the learning rate cannot be the cause.
	BeforeUpdate bool
}

func (e *NonFiniteError) Error() string {
	return fmt.Sprintf("loss became %v at epoch %d, batch %d: training diverged; try a smaller learning rate", e.Loss, e.Epoch, e.Batch)
}

// Trainer takes gradient steps on a network. All its buffers are sized when
// it is made, so Step allocates nothing.
type Trainer struct {
	net     *network.Net
	pool    *network.Pool
	cfg     Config
	opt     *Optimizer
	drop    *network.Dropout
	ws      *network.Workspace
	weights [][2]int
}

// NewTrainer prepares steps on batches of up to maxRows rows.
func NewTrainer(net *network.Net, pool *network.Pool, cfg Config, maxRows int) (*Trainer, error) {
	opt, err := NewOptimizer(cfg.Optim, len(net.Params))
	if err != nil {
		return nil, err
	}
	if net.HasDropout() && cfg.Dropout == nil {
		return nil, errors.New("backprop: the network has dropout layers but Config.Dropout is nil")
	}
	return &Trainer{net: net, pool: pool, cfg: cfg, opt: opt, drop: cfg.Dropout, ws: net.NewWorkspace(maxRows), weights: net.WeightRanges()}, nil
}

// Step runs one batch of m rows: the forward pass (dropping units where
// layers have dropout), the cost J (l2 term included, before the update),
// backprop, clipping when set, and the optimizer's update. It
// returns J and the output activations (m×outputs, valid until the next
// Step). When J is not finite it stops before changing any weight.
func (t *Trainer) Step(x, y []float64, m int) (float64, []float64) {
	cfg := t.cfg
	j, a := forwardCost(t.net, t.pool, t.ws, t.drop, cfg.Loss, cfg.L2, t.weights, x, y, m)
	if !finite(j) {
		return j, a
	}
	backward(t.net, t.pool, t.ws, cfg.Loss, cfg.L2, t.weights, x, y, a, m)
	if cfg.ClipNorm > 0 {
		ClipNorm(t.net.Grads, cfg.ClipNorm) // after the l2 term, before the optimizer
	}
	t.opt.StepOn(t.pool, t.net.Params, t.net.Grads)
	return j, a
}

// SetLR sets the learning rate of the steps that follow.
func (t *Trainer) SetLR(lr float64) { t.opt.LR = lr }

// forwardCost runs the forward pass of m rows and returns the batch cost J,
// l2 term included, and the output activations (a view into ws). drop is
// nil for a pass without dropout.
func forwardCost(net *network.Net, pool *network.Pool, ws *network.Workspace, drop *network.Dropout, loss Loss, l2 float64, weights [][2]int, x, y []float64, m int) (float64, []float64) {
	out := net.Outputs()
	a := net.ForwardTrain(pool, ws, x, m, drop)
	z := ws.Z[len(ws.Z)-1][:m*out]
	return loss.Cost(y, z, a, m, out) + l2Penalty(net, weights, l2, m), a
}

// backward fills net.Grads with the gradient of forwardCost's J for the
// batch it last ran, a being its output activations.
func backward(net *network.Net, pool *network.Pool, ws *network.Workspace, loss Loss, l2 float64, weights [][2]int, x, y, a []float64, m int) {
	out := net.Outputs()
	last := net.Layers[len(net.Layers)-1]
	loss.OutputDelta(ws.D[len(ws.D)-1][:m*out], y, ws.Z[len(ws.Z)-1][:m*out], a, last.Act, last.Alpha)
	net.Backward(pool, ws, x, m)
	addL2Grad(net, weights, l2, m)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Train runs cfg.Epochs epochs of mini-batch gradient descent on net. The
// train_loss of an epoch is Σ_b m_b·J_b / Σ_b m_b over its batches, each J_b
// taken before that batch's update and including the l2 term. val may be nil.
// All buffers are allocated before the first batch. A batch whose loss is
// not finite stops the run before its update is applied.
func Train(ctx context.Context, net *network.Net, pool *network.Pool, cfg Config, train, val *Data, rng *rand.Rand, hooks Hooks) (*Result, error) {
	in, out := net.Inputs(), net.Outputs()
	n := train.Rows
	if n == 0 {
		return nil, errors.New("backprop: no training rows")
	}
	bs := cfg.BatchSize
	if bs <= 0 || bs > n {
		bs = n
	}
	tr, err := NewTrainer(net, pool, cfg, bs)
	if err != nil {
		return nil, err
	}
	xb, yb := make([]float64, bs*in), make([]float64, bs*out)
	lb := make([]int, bs)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	var ev *evaluator
	if val != nil && val.Rows > 0 {
		ev = newEvaluator(net, val)
	}
	var best []float64
	bestLoss, wait := math.Inf(1), 0 // the monitored value, lower is better
	var sched *Schedule
	if cfg.Schedule.Kind != NoSchedule {
		sched = NewSchedule(cfg.Schedule, cfg.Optim.LR)
	}
	lr := cfg.Optim.LR
	res := &Result{}
	batches := (n + bs - 1) / bs
	var tm trainMetric
	tm.init(train.Labels != nil, out)

	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		if sched != nil {
			lr = sched.LR()
			tr.SetLR(lr)
		}
		if cfg.Shuffle {
			dataset.Shuffle(idx, rng)
		}
		var sum float64
		tm.reset()
		for b := 0; b < batches; b++ {
			lo := b * bs
			m := min(bs, n-lo)
			var x, y []float64
			var labels []int
			if cfg.Shuffle {
				rows := idx[lo : lo+m]
				dataset.Gather(xb, train.X, in, rows)
				dataset.Gather(yb, train.Y, out, rows)
				if train.Labels != nil {
					for r, src := range rows {
						lb[r] = train.Labels[src]
					}
				}
				x, y, labels = xb[:m*in], yb[:m*out], lb[:m]
			} else {
				x, y = train.X[lo*in:(lo+m)*in], train.Y[lo*out:(lo+m)*out]
				if train.Labels != nil {
					labels = train.Labels[lo : lo+m]
				}
			}
			j, a := tr.Step(x, y, m)
			if !finite(j) {
				return res, &NonFiniteError{Epoch: epoch, Batch: b + 1, Loss: j, BeforeUpdate: epoch == 1 && b == 0}
			}
			sum += float64(m) * j
			tm.add(y, a, labels, m)
			if hooks.Batch != nil {
				hooks.Batch(epoch, b+1, batches, j)
			}
			if ctx.Err() != nil {
				return res, ErrInterrupted
			}
		}
		e := Epoch{N: epoch, TrainLoss: sum / float64(n), TrainMetric: tm.value(), ValLoss: math.NaN(), ValMetric: math.NaN(), LR: lr}
		if ev != nil {
			e.ValLoss, e.ValMetric = ev.run(pool, cfg.Loss, val, nil)
			if !finite(e.ValLoss) {
				return res, &NonFiniteError{Epoch: epoch, Batch: batches, Loss: e.ValLoss}
			}
		}
		res.Epochs = append(res.Epochs, e)
		if hooks.Epoch != nil {
			hooks.Epoch(e)
		}
		if sched != nil {
			watched := e.TrainLoss
			if ev != nil {
				watched = e.ValLoss
			}
			sched.Step(watched)
		}
		if cfg.Patience > 0 && ev != nil {
			if v := cfg.Monitor.value(e); v < bestLoss-cfg.MinDelta {
				bestLoss, wait, res.BestEpoch = v, 0, epoch
				best = append(best[:0], net.Params...)
			} else if wait++; wait >= cfg.Patience {
				res.StoppedEarly = true
				break
			}
		}
	}
	if best != nil {
		copy(net.Params, best)
	}
	return res, nil
}

// trainMetric accumulates the running accuracy (class targets) or r²
// (regression) of an epoch's batch forward passes.
type trainMetric struct {
	class         bool
	rows, correct int
	sy, syy, sres []float64
}

func (t *trainMetric) init(class bool, out int) {
	t.class = class
	if !class {
		t.sy, t.syy, t.sres = make([]float64, out), make([]float64, out), make([]float64, out)
	}
}

func (t *trainMetric) reset() {
	t.rows, t.correct = 0, 0
	clear(t.sy)
	clear(t.syy)
	clear(t.sres)
}

func (t *trainMetric) add(y, a []float64, labels []int, m int) {
	k := len(a) / m
	t.rows += m
	if t.class {
		for r := 0; r < m; r++ {
			if PredictClass(a[r*k:r*k+k]) == labels[r] {
				t.correct++
			}
		}
		return
	}
	for i, v := range a {
		c := i % k
		d := y[i] - v
		t.sres[c] += d * d
		t.sy[c] += y[i]
		t.syy[c] += y[i] * y[i]
	}
}

func (t *trainMetric) value() float64 {
	if t.rows == 0 {
		return math.NaN()
	}
	if t.class {
		return float64(t.correct) / float64(t.rows)
	}
	return r2(t.sy, t.syy, t.sres, t.rows)
}

// r2 averages 1 − SS_res/SS_tot over the output columns (1 when both are 0,
// 0 when only SS_tot is).
func r2(sy, syy, sres []float64, n int) float64 {
	var s float64
	for c := range sy {
		tot := syy[c] - sy[c]*sy[c]/float64(n)
		switch {
		case tot > 0:
			s += 1 - sres[c]/tot
		case sres[c] == 0:
			s += 1
		}
	}
	return s / float64(len(sy))
}

// PredictClass returns the class index of one row of outputs: the argmax,
// or for a single sigmoid unit, 1 when a ≥ 0.5.
func PredictClass(a []float64) int {
	if len(a) == 1 {
		if a[0] >= 0.5 {
			return 1
		}
		return 0
	}
	best := 0
	for j, v := range a {
		if v > a[best] {
			best = j
		}
	}
	return best
}

// l2Penalty is λ/(2m) Σ_l ‖W[l]‖² over the weight ranges (biases excluded).
func l2Penalty(net *network.Net, weights [][2]int, l2 float64, m int) float64 {
	if l2 == 0 {
		return 0
	}
	var sq float64
	for _, r := range weights {
		for _, w := range net.Params[r[0]:r[1]] {
			sq += w * w
		}
	}
	return l2 / (2 * float64(m)) * sq
}

// addL2Grad adds the penalty's gradient, d/dW of λ/(2m)‖W‖² = (λ/m)·W.
func addL2Grad(net *network.Net, weights [][2]int, l2 float64, m int) {
	if l2 == 0 {
		return
	}
	c := l2 / float64(m)
	for _, r := range weights {
		g, w := net.Grads[r[0]:r[1]], net.Params[r[0]:r[1]]
		for i := range g {
			g[i] += c * w[i]
		}
	}
}
