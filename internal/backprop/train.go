package backprop

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/nntrain/nntrain/internal/metrics"
	"github.com/nntrain/nntrain/internal/network"
)

// Data is a data set in memory, row-major: X is Rows×inputs, Y is
// Rows×outputs (one-hot for classes). Labels holds the class index of each
// row for class targets and is nil for regression. W holds each row's weight
// in the loss (finite, ≥ 0) and is nil when the rows are unweighted.
// MultiLabel marks several 0/1 targets (bce): its metric is the share of rows
// whose every output is on the right side of 0.5, not r².
//
// X32, when not nil, holds the inputs instead of X, as float32 values (a
// data set read for a float32 run): a float32 Trainer, Evaluate and
// PredictData use it as it is, without a float64 copy of the inputs.
type Data struct {
	X, Y       []float64
	X32        []float32
	Rows       int
	Labels     []int
	W          []float64
	MultiLabel bool
}

// Config is what the training loop needs from a spec.
type Config struct {
	Loss      Loss
	Optim     OptimizerConfig // Optim.LR is epoch 1's learning rate
	Epochs    int
	BatchSize int // 0: the whole training set in one batch
	L2        float64
	ClipNorm  float64 // clip the gradient's L2 norm to this (clip_grad_norm_); 0 off
	Shuffle   bool
	// Dropout draws the masks of the layers with dropout; it must be set
	// when the network has any. Its state is part of State.
	Dropout *network.Dropout
	// Precision is the element type the loop computes in; the network and
	// data handed to NewFit stay float64 (see Trainer).
	Precision network.Precision
}

// Epoch is one row of cost.csv. Metric is the accuracy for class targets
// and r² for regression; the Val fields are set only with validation data.
type Epoch struct {
	N                      int
	TrainLoss, ValLoss     float64
	TrainMetric, ValMetric float64
	LR                     float64 // the learning rate the epoch trained with
}

// Result is the history of a run.
type Result struct {
	Epochs       []Epoch // every cost row; with an epoch sink (Trainer.SetEpochSink) only the last
	Done         int     // the epochs finished, len(Epochs) without a sink
	Streamed     bool    // the rows went to an epoch sink
	StoppedEarly bool
	BestEpoch    int // with early stopping: the epoch whose weights were kept
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

// Trainer takes gradient steps on a network, in the precision of
// Config.Precision: the float64 network it was made with, or for float32 a
// float32 copy of it, whose weights are written back into the float64
// network (exactly: every float32 is a float64) whenever Fit returns and
// by KeepBest. All its buffers are sized when it is made, so a step
// allocates nothing.
type Trainer struct {
	engine
}

// engine is the training loop in one precision: *trainer[float64] or
// *trainer[float32].
type engine interface {
	SetLR(lr float64)
	SetEpochSink(fn func(Epoch) error)
	State() *State
	Restore(s *State) error
	Fit(ctx context.Context) (*Result, error)
	KeepBest()
}

// trainer is the training loop computing in T. For float32, out is the
// float64 network the weights are written back to.
type trainer[T network.Float] struct {
	net     *network.NetOf[T]
	out     *network.Net
	pool    *network.Pool
	cfg     Config
	opt     *OptimizerOf[T]
	drop    *network.Dropout
	ws      *network.WorkspaceOf[T]
	weights [][2]int
	fit     *fitState[T] // set by NewFit
}

// NewTrainer prepares float64 steps on batches of up to maxRows rows.
func NewTrainer(net *network.Net, pool *network.Pool, cfg Config, maxRows int) (*Trainer, error) {
	t, err := newTrainer(net, pool, cfg, maxRows)
	if err != nil {
		return nil, err
	}
	return &Trainer{engine: t}, nil
}

func newTrainer[T network.Float](net *network.NetOf[T], pool *network.Pool, cfg Config, maxRows int) (*trainer[T], error) {
	opt, err := newOptimizerOf[T](cfg.Optim, len(net.Params))
	if err != nil {
		return nil, err
	}
	if net.HasDropout() && cfg.Dropout == nil {
		return nil, errors.New("backprop: the network has dropout layers but Config.Dropout is nil")
	}
	return &trainer[T]{net: net, pool: pool, cfg: cfg, opt: opt, drop: cfg.Dropout, ws: net.NewWorkspace(maxRows), weights: net.WeightRanges()}, nil
}

// Step runs one batch of m rows of a float64 Trainer (see trainer.Step).
func (t *Trainer) Step(x, y, w []float64, m int) (float64, []float64) {
	t64, ok := t.engine.(*trainer[float64])
	if !ok {
		panic("backprop: Step of a float32 Trainer")
	}
	return t64.Step(x, y, w, m)
}

// Step runs one batch of m rows: the forward pass (dropping units where
// layers have dropout), the cost J (l2 term included, before the update),
// backprop, clipping when set, and the optimizer's update. w holds the
// rows' weights, nil for unweighted rows. It returns J and the output
// activations (m×outputs, valid until the next Step). When J is not finite
// it stops before changing any weight.
func (t *trainer[T]) Step(x, y []T, w []float64, m int) (float64, []T) {
	cfg := t.cfg
	j, a := forwardCost(t.net, t.pool, t.ws, t.drop, cfg.Loss, cfg.L2, t.weights, x, y, w, m)
	if !finite(j) {
		return j, a
	}
	backward(t.net, t.pool, t.ws, cfg.Loss, cfg.L2, t.weights, x, y, w, a, m)
	if cfg.ClipNorm > 0 {
		ClipNorm(t.net.Grads, cfg.ClipNorm) // after the l2 term, before the optimizer
	}
	t.opt.StepOn(t.pool, t.net.Params, t.net.Grads)
	return j, a
}

// SetLR sets the learning rate of the steps that follow.
func (t *trainer[T]) SetLR(lr float64) { t.opt.LR = lr }

// forwardCost runs the forward pass of m rows and returns the batch cost J,
// l2 term included, and the output activations (a view into ws). w holds the
// rows' weights (nil: unweighted); the l2 term is not weighted. drop is nil
// for a pass without dropout.
func forwardCost[T network.Float](net *network.NetOf[T], pool *network.Pool, ws *network.WorkspaceOf[T], drop *network.Dropout, loss Loss, l2 float64, weights [][2]int, x, y []T, w []float64, m int) (float64, []T) {
	out := net.Outputs()
	a := net.ForwardTrain(pool, ws, x, m, drop)
	z := ws.Z[len(ws.Z)-1][:m*out]
	return lossCost(loss, y, z, a, w, m, out) + l2Penalty(net, weights, l2, m), a
}

// backward fills net.Grads with the gradient of forwardCost's J for the
// batch it last ran, a being its output activations.
func backward[T network.Float](net *network.NetOf[T], pool *network.Pool, ws *network.WorkspaceOf[T], loss Loss, l2 float64, weights [][2]int, x, y []T, w []float64, a []T, m int) {
	out := net.Outputs()
	last := net.Layers[len(net.Layers)-1]
	outputDelta(loss, ws.D[len(ws.D)-1][:m*out], y, ws.Z[len(ws.Z)-1][:m*out], a, w, last.Act, last.Alpha)
	net.Backward(pool, ws, x, m)
	addL2Grad(net, weights, l2, m)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Running accumulates the running accuracy (class targets; for multi-label
// targets, of whole rows) or r² (regression) of an epoch's batch forward
// passes. It is part of State, so its fields are exported.
type Running struct {
	Class, Multi  bool
	Rows, Correct int
	SY, SYY, SRes []float64 // per output: Σy, Σy², Σ(y − a)²
}

func (t *Running) init(class bool, out int) {
	t.Class = class
	if !class {
		t.SY, t.SYY, t.SRes = make([]float64, out), make([]float64, out), make([]float64, out)
	}
}

func (t *Running) reset() {
	t.Rows, t.Correct = 0, 0
	clear(t.SY)
	clear(t.SYY)
	clear(t.SRes)
}

func runningAdd[T network.Float](t *Running, y, a []T, labels []int, m int) {
	k := len(a) / m
	t.Rows += m
	if t.Multi {
		for r := 0; r < m; r++ {
			all := true
			for j, v := range a[r*k : r*k+k] {
				all = all && (v >= 0.5) == (y[r*k+j] == 1)
			}
			if all {
				t.Correct++
			}
		}
		return
	}
	if t.Class {
		for r := 0; r < m; r++ {
			if PredictClass(a[r*k:r*k+k]) == labels[r] {
				t.Correct++
			}
		}
		return
	}
	for i, v := range a {
		c := i % k
		yi := float64(y[i])
		d := yi - float64(v)
		t.SRes[c] += d * d
		t.SY[c] += yi
		t.SYY[c] += yi * yi
	}
}

func (t *Running) value() float64 {
	if t.Rows == 0 {
		return math.NaN()
	}
	if t.Class || t.Multi {
		return metrics.Accuracy(t.Correct, t.Rows)
	}
	return r2(t.SY, t.SYY, t.SRes, t.Rows)
}

// r2 averages metrics.R2Column over the output columns, SS_tot being
// Σy² − (Σy)²/n from the running sums (one pass over the batches). Of fewer
// than two rows it is undefined: NaN, as metrics.Regression's.
func r2(sy, syy, sres []float64, n int) float64 {
	if n < 2 {
		return math.NaN()
	}
	var s float64
	for c := range sy {
		s += metrics.R2Column(sres[c], syy[c]-sy[c]*sy[c]/float64(n))
	}
	return s / float64(len(sy))
}

// PredictClass returns the class index of one row of outputs: the argmax,
// or for a single sigmoid unit, 1 when a ≥ 0.5.
func PredictClass[T network.Float](a []T) int {
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
func l2Penalty[T network.Float](net *network.NetOf[T], weights [][2]int, l2 float64, m int) float64 {
	if l2 == 0 {
		return 0
	}
	var sq float64
	for _, r := range weights {
		for _, w := range net.Params[r[0]:r[1]] {
			sq += float64(w) * float64(w)
		}
	}
	return l2 / (2 * float64(m)) * sq
}

// addL2Grad adds the penalty's gradient, d/dW of λ/(2m)‖W‖² = (λ/m)·W.
func addL2Grad[T network.Float](net *network.NetOf[T], weights [][2]int, l2 float64, m int) {
	if l2 == 0 {
		return
	}
	c := T(l2 / float64(m))
	for _, r := range weights {
		g, w := net.Grads[r[0]:r[1]], net.Params[r[0]:r[1]]
		for i := range g {
			g[i] += c * w[i]
		}
	}
}
