package backprop

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/network"
)

// StateVersion is written at the head of State.MarshalBinary's output; a
// reader refuses any other version.
const StateVersion = 1

var stateMagic = []byte("nntrain-state/")

// State is everything a Trainer needs to continue a run as if it had never
// stopped: restoring it into a fresh Trainer (same network shape, config
// and data) and calling Fit gives the same bits as the uninterrupted run.
//
// Epoch counts the finished epochs; Batch the batches of epoch Epoch+1
// already taken (0 at an epoch boundary). Within an epoch Perm is that
// epoch's row order and Sum, Running the train_loss and metric
// accumulators so far. Perm is kept across epochs too: each epoch shuffles
// the previous order, as the data set's Shuffle does.
type State struct {
	Params  []float64 // the network's flat parameters
	Opt     OptimizerState
	Epoch   int
	Batch   int
	Perm    []int
	Sum     float64 // Σ_b m_b·J_b over the batches of the current epoch
	Running Running
	RNG     []byte // the shuffle stream's PCG state (rand.PCG.MarshalBinary)
	Early   EarlyState
	Stopped bool    // a callback ended the run
	Epochs  []Epoch // the cost.csv rows so far; with an epoch sink only the last one

	LR      float64       // the learning rate of epoch Epoch+1 (a Schedule sets it after each epoch)
	Sched   ScheduleState // the schedule's counters
	Dropout []byte        // the dropout stream's PCG state; nil without dropout
}

// EarlyState is the early-stopping counter and the best weights seen.
type EarlyState struct {
	BestLoss  float64
	Wait      int
	BestEpoch int       // 0 while no epoch has been best
	Best      []float64 // the parameters after BestEpoch
}

// Callback watches or steers a run. OnEpochEnd is called after every epoch,
// once its cost row is in s.Epochs; returning true ends the run. s is the
// Trainer's live state: Params is the network's own slice, and Opt and RNG
// are filled only by Trainer.State.
type Callback interface {
	OnEpochEnd(s *State) (stop bool)
}

// BatchCallback is a Callback that also sees every batch's cost J.
type BatchCallback interface {
	OnBatchEnd(epoch, batch, batches int, loss float64)
}

// EarlyStopping stops a run when the monitored figure has not improved by
// more than MinDelta for Patience epochs, and remembers the best epoch's
// weights in State.Early (KeepBest puts them back, also when the run
// reaches its last epoch first). Without validation data it does nothing.
type EarlyStopping struct {
	Patience int
	MinDelta float64
	Monitor  Monitor // val_loss (lower is better), val_accuracy or val_r2 (higher)
}

// Monitor is the validation figure early stopping watches.
type Monitor int

const (
	ValLoss     Monitor = iota // lower is better
	ValAccuracy                // higher is better (class targets)
	ValR2                      // higher is better (regression)
)

var monitorNames = [...]string{"val_loss", "val_accuracy", "val_r2"}

func (m Monitor) String() string {
	if m < 0 || int(m) >= len(monitorNames) {
		return fmt.Sprintf("Monitor(%d)", int(m))
	}
	return monitorNames[m]
}

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

// OnEpochEnd updates s.Early from the last epoch's monitored figure
// (Early.BestLoss holds it, negated for val_accuracy and val_r2).
func (es EarlyStopping) OnEpochEnd(s *State) bool {
	e := s.Epochs[len(s.Epochs)-1]
	v := es.Monitor.value(e)
	if es.Patience <= 0 || math.IsNaN(v) {
		return false
	}
	if s.Early.BestEpoch == 0 || v < s.Early.BestLoss-es.MinDelta {
		// The Trainer keeps this epoch's weights once the callbacks are done.
		s.Early.BestLoss, s.Early.Wait, s.Early.BestEpoch = v, 0, e.N
		return false
	}
	s.Early.Wait++
	return s.Early.Wait >= es.Patience
}

// fitState is the epoch loop of a trainer on one training set.
type fitState[T network.Float] struct {
	train, val *dataOf[T]
	src        *rand.PCG
	rng        *rand.Rand
	cbs        []Callback
	bcbs       []BatchCallback
	bs         int
	xb, yb     []T
	in, out    int              // the network's inputs and outputs
	rows       []int            // the rows of the batch being gathered
	gatherFn   func(lo, hi int) // gatherRows, made once: Range allocates nothing
	wb         []float64        // only for weighted rows
	lb         []int
	ev         *evaluator[T]
	sink       func(Epoch) error
	st         State // Params, Opt, RNG, Dropout and Early.Best are filled only by trainer.State
	best       []T   // the weights after epoch bestAt, nil before
	bestAt     int
}

// gatherGrain is the least number of values worth copying on another
// worker when gathering a batch.
const gatherGrain = 16384

// gatherRows copies the inputs and targets of rows [lo, hi) of the batch
// f.rows into f.xb and f.yb.
func (f *fitState[T]) gatherRows(lo, hi int) {
	in, out, rows := f.in, f.out, f.rows[lo:hi]
	dataset.Gather(f.xb[lo*in:], f.train.X, in, rows)
	dataset.Gather(f.yb[lo*out:], f.train.Y, out, rows)
}

// syncBest takes the weights of the epoch just ended when early stopping
// has made it the best. It runs before State is taken and after the
// callbacks, so a checkpoint written by a callback holds them too.
func (t *trainer[T]) syncBest() {
	f := t.fit
	if e := f.st.Early.BestEpoch; e != 0 && e == f.st.Epoch && f.st.Batch == 0 && f.bestAt != e {
		f.best = append(f.best[:0], t.net.Params...)
		f.bestAt = e
	}
}

// dataOf is Data with its inputs and targets in T.
type dataOf[T network.Float] struct {
	X, Y       []T
	Rows       int
	Labels     []int
	W          []float64
	MultiLabel bool
}

// dataIn returns d in T: d's own slices where they are of T (X or X32,
// Y for float64), converted copies otherwise (Y, small, for float32). A nil
// d stays nil.
func dataIn[T network.Float](d *Data) *dataOf[T] {
	if d == nil {
		return nil
	}
	o := &dataOf[T]{X: inputsIn[T](d), Rows: d.Rows, Labels: d.Labels, W: d.W, MultiLabel: d.MultiLabel}
	if y, ok := any(d.Y).([]T); ok {
		o.Y = y
	} else {
		o.Y = network.Convert[T](d.Y)
	}
	return o
}

// inputsIn returns d's inputs in T: X32 or X itself when it is of T, else
// a copy rounded to (or, from X32, widened exactly to) T.
func inputsIn[T network.Float](d *Data) []T {
	if d.X32 != nil {
		if x, ok := any(d.X32).([]T); ok {
			return x
		}
		return network.Convert[T](d.X32)
	}
	if x, ok := any(d.X).([]T); ok {
		return x
	}
	return network.Convert[T](d.X)
}

// netIn returns net in T: net itself for float64, a float32 copy (weights
// rounded to nearest) for float32.
func netIn[T network.Float](net *network.Net) *network.NetOf[T] {
	if n, ok := any(net).(*network.NetOf[T]); ok {
		return n
	}
	n := network.NewOf[T](net.Inputs(), net.Specs())
	for i, v := range net.Params {
		n.Params[i] = T(v)
	}
	return n
}

// SetEpochSink makes Fit hand each epoch's cost row to fn as the row is
// made, before the callbacks see it, instead of keeping every row: State and
// Result then hold only the last row, so a run's memory does not grow with
// its epochs. An error from fn ends Fit with that error.
func (t *trainer[T]) SetEpochSink(fn func(Epoch) error) { t.fit.sink = fn }

// NewFit prepares a Trainer for Fit on train (and val, which may be nil):
// batches of cfg.BatchSize rows reshuffled every epoch from src when
// cfg.Shuffle is set, and the callbacks in order after each epoch. Every
// buffer is allocated here, so Fit allocates nothing per batch.
//
// With cfg.Precision float32 the loop runs on float32 copies of net and of
// the data's inputs and targets, and writes its weights back into net.
func NewFit(net *network.Net, pool *network.Pool, cfg Config, train, val *Data, src *rand.PCG, cbs ...Callback) (*Trainer, error) {
	switch cfg.Precision {
	case network.Float64:
		t, err := newFit(net, pool, cfg, dataIn[float64](train), dataIn[float64](val), src, cbs)
		if err != nil {
			return nil, err
		}
		return &Trainer{engine: t}, nil
	case network.Float32:
		t, err := newFit(netIn[float32](net), pool, cfg, dataIn[float32](train), dataIn[float32](val), src, cbs)
		if err != nil {
			return nil, err
		}
		t.out = net
		return &Trainer{engine: t}, nil
	}
	return nil, fmt.Errorf("backprop: unknown precision %v", cfg.Precision)
}

func newFit[T network.Float](net *network.NetOf[T], pool *network.Pool, cfg Config, train, val *dataOf[T], src *rand.PCG, cbs []Callback) (*trainer[T], error) {
	n := train.Rows
	if n == 0 {
		return nil, errors.New("backprop: no training rows")
	}
	bs := cfg.BatchSize
	if bs <= 0 || bs > n {
		bs = n
	}
	t, err := newTrainer(net, pool, cfg, bs)
	if err != nil {
		return nil, err
	}
	if src == nil {
		src = rand.NewPCG(0, 0)
	}
	in, out := net.Inputs(), net.Outputs()
	f := &fitState[T]{train: train, val: val, src: src, rng: rand.New(src), cbs: cbs, bs: bs,
		xb: make([]T, bs*in), yb: make([]T, bs*out), lb: make([]int, bs)}
	f.in, f.out, f.gatherFn = in, out, f.gatherRows
	if train.W != nil {
		f.wb = make([]float64, bs)
	}
	for _, c := range cbs {
		if b, ok := c.(BatchCallback); ok {
			f.bcbs = append(f.bcbs, b)
		}
	}
	if val != nil && val.Rows > 0 {
		f.ev = newEvaluator(net, val)
	}
	f.st.Perm = make([]int, n)
	for i := range f.st.Perm {
		f.st.Perm[i] = i
	}
	f.st.Running.init(train.Labels != nil, out)
	f.st.Running.Multi = train.MultiLabel
	f.st.Early.BestLoss = math.Inf(1)
	f.st.LR = cfg.Optim.LR
	t.fit = f
	return t, nil
}

// State returns a deep copy of the run's state, ready to be marshalled.
func (t *trainer[T]) State() *State {
	t.syncBest()
	f := t.fit
	s := f.st
	s.Params = widen(t.net.Params)
	s.Opt = t.opt.state()
	s.Perm = append([]int(nil), f.st.Perm...)
	s.Running.SY, s.Running.SYY, s.Running.SRes = clone(s.Running.SY), clone(s.Running.SYY), clone(s.Running.SRes)
	s.Early.Best = widen(f.best)
	s.Epochs = append([]Epoch(nil), s.Epochs...)
	b, err := f.src.MarshalBinary()
	if err != nil {
		panic("backprop: PCG.MarshalBinary: " + err.Error())
	}
	s.RNG = b
	if t.drop != nil {
		if s.Dropout, err = t.drop.MarshalBinary(); err != nil {
			panic("backprop: Dropout.MarshalBinary: " + err.Error())
		}
	}
	return &s
}

func clone(v []float64) []float64 {
	if v == nil {
		return nil
	}
	return append([]float64(nil), v...)
}

// Restore puts s, taken from a Trainer of the same network shape, optimizer
// and training rows, into t; Fit then continues where s was taken.
func (t *trainer[T]) Restore(s *State) error {
	f := t.fit
	switch {
	case len(s.Params) != len(t.net.Params):
		return fmt.Errorf("state has %d parameters, the network %d", len(s.Params), len(t.net.Params))
	case len(s.Perm) != len(f.st.Perm):
		return fmt.Errorf("state has %d training rows, the data %d", len(s.Perm), len(f.st.Perm))
	case len(s.Running.SY) != len(f.st.Running.SY) || s.Running.Class != f.st.Running.Class || s.Running.Multi != f.st.Running.Multi:
		return errors.New("state's running metric does not fit the data's targets")
	case s.Batch < 0 || s.Batch > (len(s.Perm)+f.bs-1)/f.bs:
		return fmt.Errorf("state is at batch %d of an epoch of %d", s.Batch, (len(s.Perm)+f.bs-1)/f.bs)
	case s.Early.Best != nil && len(s.Early.Best) != len(s.Params):
		return errors.New("state's best weights do not fit the network")
	case (s.Dropout != nil) != (t.drop != nil):
		return errors.New("state's dropout stream does not fit the network (dropout on one side only)")
	case !(s.LR >= 0) || math.IsInf(s.LR, 1):
		// 0 is a rate a schedule reaches: cosine at epoch t_max+1 with eta_min 0.
		return fmt.Errorf("state's learning rate %v is not a finite number ≥ 0", s.LR)
	}
	seen := make([]bool, len(s.Perm))
	for _, r := range s.Perm {
		if r < 0 || r >= len(seen) || seen[r] {
			return errors.New("state's row order is not a permutation of the training rows")
		}
		seen[r] = true
	}
	if err := t.opt.restore(s.Opt); err != nil {
		return err
	}
	if err := f.src.UnmarshalBinary(s.RNG); err != nil {
		return fmt.Errorf("state's random generator: %w", err)
	}
	if t.drop != nil {
		if err := t.drop.UnmarshalBinary(s.Dropout); err != nil {
			return fmt.Errorf("state's dropout stream: %w", err)
		}
	}
	narrow(t.net.Params, s.Params)
	run := f.st.Running
	copy(run.SY, s.Running.SY)
	copy(run.SYY, s.Running.SYY)
	copy(run.SRes, s.Running.SRes)
	run.Rows, run.Correct = s.Running.Rows, s.Running.Correct
	perm := f.st.Perm
	copy(perm, s.Perm)
	f.st = *s
	f.st.Params, f.st.Running, f.st.Perm = nil, run, perm
	f.st.Opt = OptimizerState{}
	f.st.RNG, f.st.Dropout = nil, nil
	f.st.Early.Best = nil
	f.best, f.bestAt = nil, 0
	if s.Early.Best != nil {
		f.bestAt = s.Early.BestEpoch
		f.best = make([]T, len(s.Early.Best))
		narrow(f.best, s.Early.Best)
	}
	f.st.Epochs = append([]Epoch(nil), s.Epochs...)
	if f.sink != nil && len(f.st.Epochs) > 1 {
		f.st.Epochs = f.st.Epochs[len(f.st.Epochs)-1:]
	}
	return nil
}

// Fit runs epochs until cfg.Epochs are done or a callback stops the run,
// continuing from the current State. The train_loss of an epoch is
// Σ_b m_b·J_b / Σ_b m_b over its batches, each J_b taken before that batch's
// update and including the l2 term. A batch whose loss is not finite stops
// the run before its update is applied. When ctx is cancelled Fit returns
// ErrInterrupted after the current batch; State then continues the run.
func (t *trainer[T]) Fit(ctx context.Context) (*Result, error) {
	defer t.writeBack()
	f := t.fit
	s := &f.st
	train := f.train
	in, out := t.net.Inputs(), t.net.Outputs()
	n, bs := train.Rows, f.bs
	batches := (n + bs - 1) / bs
	for s.Epoch < t.cfg.Epochs && !s.Stopped {
		// ctx is checked after each batch only: an interrupt always lets
		// one batch end, as the command's second-interrupt handling expects.
		epoch := s.Epoch + 1
		t.SetLR(s.LR)
		if s.Batch == 0 {
			if t.cfg.Shuffle {
				dataset.Shuffle(s.Perm, f.rng)
			}
			s.Sum = 0
			s.Running.reset()
		}
		for s.Batch < batches {
			b := s.Batch
			lo := b * bs
			m := min(bs, n-lo)
			var x, y []T
			var w []float64
			var labels []int
			if t.cfg.Shuffle {
				rows := s.Perm[lo : lo+m]
				// A shuffled batch's rows are scattered over the whole
				// set: the copy waits on memory, and two cores wait half
				// as long (Fashion-MNIST: some 4% of a step on one).
				f.rows = rows
				t.pool.Range(m, gatherGrain/(in+out)+1, f.gatherFn)
				f.rows = nil
				if train.Labels != nil {
					for r, src := range rows {
						f.lb[r] = train.Labels[src]
					}
				}
				if f.wb != nil {
					dataset.Gather(f.wb, train.W, 1, rows)
					w = f.wb[:m]
				}
				x, y, labels = f.xb[:m*in], f.yb[:m*out], f.lb[:m]
			} else {
				x, y = train.X[lo*in:(lo+m)*in], train.Y[lo*out:(lo+m)*out]
				if train.Labels != nil {
					labels = train.Labels[lo : lo+m]
				}
				if train.W != nil {
					w = train.W[lo : lo+m]
				}
			}
			j, a := t.Step(x, y, w, m)
			if !finite(j) {
				return f.result(), &NonFiniteError{Epoch: epoch, Batch: b + 1, Loss: j, BeforeUpdate: epoch == 1 && b == 0}
			}
			s.Sum += float64(m) * j
			runningAdd(&s.Running, y, a, labels, m)
			s.Batch++
			for _, c := range f.bcbs {
				c.OnBatchEnd(epoch, b+1, batches, j)
			}
			if ctx.Err() != nil {
				return f.result(), ErrInterrupted
			}
		}
		e := Epoch{N: epoch, TrainLoss: s.Sum / float64(n), TrainMetric: s.Running.value(), ValLoss: math.NaN(), ValMetric: math.NaN(), LR: s.LR}
		if f.ev != nil {
			e.ValLoss, e.ValMetric = f.ev.run(t.pool, t.cfg.Loss, f.val, nil)
			if !finite(e.ValLoss) {
				return f.result(), &NonFiniteError{Epoch: epoch, Batch: batches, Loss: e.ValLoss}
			}
		}
		if f.sink != nil {
			if err := f.sink(e); err != nil {
				return f.result(), err
			}
			s.Epochs = append(s.Epochs[:0], e)
		} else {
			s.Epochs = append(s.Epochs, e)
		}
		s.Epoch, s.Batch = epoch, 0
		for _, c := range f.cbs {
			if c.OnEpochEnd(s) {
				s.Stopped = true
			}
		}
		t.syncBest()
	}
	return f.result(), nil
}

// KeepBest puts the best epoch's weights that early stopping remembered
// back into the network; without them it does nothing. Call it once a run
// is over (not before taking a State to continue from).
func (t *trainer[T]) KeepBest() {
	if b := t.fit.best; b != nil {
		copy(t.net.Params, b)
	}
	t.writeBack()
}

// writeBack copies a float32 run's weights into the float64 network it
// was made from (exactly); a float64 run trains that network itself.
func (t *trainer[T]) writeBack() {
	if t.out == nil {
		return
	}
	for i, v := range t.net.Params {
		t.out.Params[i] = float64(v)
	}
}

func (f *fitState[T]) result() *Result {
	return &Result{Epochs: f.st.Epochs, Done: f.st.Epoch, Streamed: f.sink != nil, StoppedEarly: f.st.Stopped, BestEpoch: f.st.Early.BestEpoch}
}

// Train is NewFit, Fit and KeepBest in one call, for a run that is not
// checkpointed.
func Train(ctx context.Context, net *network.Net, pool *network.Pool, cfg Config, train, val *Data, src *rand.PCG, cbs ...Callback) (*Result, error) {
	t, err := NewFit(net, pool, cfg, train, val, src, cbs...)
	if err != nil {
		return nil, err
	}
	res, err := t.Fit(ctx)
	if err == nil {
		t.KeepBest()
	}
	return res, err
}

// MarshalBinary encodes s as "nntrain-state/<version>\n" and a gob stream;
// gob writes every float64 as its bits, so NaN and -0 survive.
func (s *State) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s%d\n", stateMagic, StateVersion)
	if err := gob.NewEncoder(&b).Encode((*stateWire)(s)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// stateWire is State without its methods, so that gob encodes its fields
// instead of calling MarshalBinary again.
type stateWire State

// UnmarshalBinary decodes what MarshalBinary wrote; another version or
// damaged bytes are an error.
func (s *State) UnmarshalBinary(data []byte) error {
	head := fmt.Sprintf("%s%d\n", stateMagic, StateVersion)
	if !bytes.HasPrefix(data, []byte(head)) {
		if bytes.HasPrefix(data, stateMagic) {
			return fmt.Errorf("training state: unsupported version (want %d)", StateVersion)
		}
		return errors.New("training state: not an nntrain state")
	}
	var d stateWire
	if err := gob.NewDecoder(bytes.NewReader(data[len(head):])).Decode(&d); err != nil {
		return fmt.Errorf("training state: damaged: %w", err)
	}
	*s = State(d)
	return nil
}
