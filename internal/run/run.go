// Package run is the job each command runs, as a library call a test can
// make without the binary: a spec is turned into data (load, split,
// normalise), a network (built, initialised or loaded from --init), a
// training run, scores, and the bytes of model.json, cost.csv and
// metrics.json. Writing files, progress and printing belong to the caller.
package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/metrics"
	"github.com/nntrain/nntrain/internal/model"
	"github.com/nntrain/nntrain/internal/network"
	"github.com/nntrain/nntrain/internal/spec"
)

// Independent random streams drawn from the spec's seed, so that changing
// one use (say, the validation split) does not move the others.
const (
	streamSplit   = 1
	streamInit    = 2
	streamShuffle = 3
	streamCheck   = 4
	streamDropout = 5
)

// NewSource is the seeded generator of one stream. A *rand.PCG, so that
// its state can be saved (backprop.State keeps the shuffle stream's).
func NewSource(seed int64, stream uint64) *rand.PCG {
	return rand.NewPCG(uint64(seed), stream*0x9e3779b97f4a7c15)
}

func newRand(seed int64, stream uint64) *rand.Rand { return rand.New(NewSource(seed, stream)) }

// NewDropout is the stream of the dropout masks, another of the seed's
// streams (seeded as NewSource).
func NewDropout(seed int64) *network.Dropout {
	stream := uint64(streamDropout)
	return network.NewDropout(uint64(seed), stream*0x9e3779b97f4a7c15)
}

// Job is a spec turned into data and a network ready to train.
type Job struct {
	Spec       *spec.Spec
	Train, Val *dataset.Set // Val is nil without a validation split
	Test       *dataset.Set // nil without data.test
	Norm       dataset.Norm
	Net        *network.Net
	Loss       backprop.Loss
	Config     backprop.Config // the spec's training settings, names parsed
	InitKind   network.Init    // model.init, parsed
	Encoder    *dataset.Encoder
	// ValUnseen and TestUnseen count rows with categories the training
	// rows did not have.
	ValUnseen, TestUnseen []dataset.Unseen
	// Weights holds the row weights of the loss for Train, Val and Test
	// (train.class_weight of each row's class times its data.weight); no
	// entry means unweighted.
	Weights map[*dataset.Set][]float64

	// MaskFill, for tests only, replaces the random draw of the dropout
	// masks (network.Dropout.Fill): a PyTorch fixture replays its own.
	MaskFill func(layer int, mask []float64)
}

// Options are the parts of a train run that are not in the spec.
type Options struct {
	Init string // a model.json whose weights replace the seeded initialisation
	// Callbacks watch the run (progress); early stopping from the spec is
	// added by Train.
	Callbacks []backprop.Callback
}

// Metric is the figure cost.csv shows besides the loss: "accuracy" for
// class targets (for several 0/1 targets, of rows with every label right,
// as metrics.json's), "r2" for regression.
func (j *Job) Metric() string {
	if j.Train.Classes != nil || j.Train.Binary {
		return "accuracy"
	}
	return "r2"
}

// DataConfig says how a loss reads its targets: cross_entropy and bce make
// classes of integer labels too, bce a single 0/1 column of two classes.
func DataConfig(loss backprop.Loss, targets, features []string) dataset.Config {
	return dataset.Config{Target: targets, Features: features, Classify: loss.Classifies(), Binary: loss == backprop.BCE}
}

// TrainConfig is what the training loop takes from a spec (its Dropout
// stream is set by Job.Trainer, one per run).
func TrainConfig(s *spec.Spec, loss backprop.Loss) (backprop.Config, error) {
	t := s.Train
	opt, err := backprop.ParseOptimizer(t.Optimizer)
	if err != nil {
		return backprop.Config{}, fmt.Errorf("%s: train.optimizer: %w", s.File, err)
	}
	prec := network.Float64
	if t.Precision != "" { // a Spec built in code may leave it empty
		if prec, err = network.ParsePrecision(t.Precision); err != nil {
			return backprop.Config{}, fmt.Errorf("%s: train.precision: %w", s.File, err)
		}
	}
	return backprop.Config{
		Precision: prec,
		Loss:      loss,
		Optim: backprop.OptimizerConfig{Kind: opt, LR: t.LearningRate, Momentum: t.Momentum,
			Beta1: t.Betas[0], Beta2: t.Betas[1], Eps: t.Eps, WeightDecay: t.WeightDecay, Alpha: t.Alpha},
		Epochs: t.Epochs, BatchSize: t.BatchSize, L2: t.L2, ClipNorm: t.ClipNorm, Shuffle: s.Data.Shuffle,
	}, nil
}

// Callbacks are the spec's own callbacks, before extra: the schedule first
// (it sets the next epoch's learning rate, which a checkpoint then holds),
// then early stopping.
func Callbacks(s *spec.Spec, extra ...backprop.Callback) ([]backprop.Callback, error) {
	var cbs []backprop.Callback
	if sc := s.Train.Schedule; sc != nil {
		k, err := backprop.ParseSchedule(sc.Kind)
		if err != nil {
			return nil, fmt.Errorf("%s: train.schedule.kind: %w", s.File, err)
		}
		cbs = append(cbs, backprop.Schedule{Base: s.Train.LearningRate, ScheduleConfig: backprop.ScheduleConfig{Kind: k,
			StepSize: sc.StepSize, Gamma: sc.Gamma, TMax: sc.TMax, EtaMin: sc.EtaMin,
			Factor: sc.Factor, Patience: sc.Patience, Threshold: sc.Threshold, MinLR: sc.MinLR}})
	}
	if es := s.Train.EarlyStopping; es != nil {
		mon, err := backprop.ParseMonitor(es.Monitor)
		if err != nil {
			return nil, fmt.Errorf("%s: train.early_stopping.monitor: %w", s.File, err)
		}
		cbs = append(cbs, backprop.EarlyStopping{Patience: es.Patience, MinDelta: es.MinDelta, Monitor: mon})
	}
	return append(cbs, extra...), nil
}

// Load reads the spec's data, splits and normalises it, and builds the
// network (weights zero; Init or InitFrom sets them).
func Load(s *spec.Spec) (*Job, error) {
	loss, err := backprop.ParseLoss(s.Loss)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	tc, err := TrainConfig(s, loss)
	if err != nil {
		return nil, err
	}
	initKind, err := network.ParseInit(s.Model.Init)
	if err != nil {
		return nil, fmt.Errorf("%s: model.init: %w", s.File, err)
	}
	normKind, err := dataset.ParseNormKind(s.Data.Normalize)
	if err != nil {
		return nil, fmt.Errorf("%s: data.normalize: %w", s.File, err)
	}
	plan, err := DataPlan(s, loss, normKind)
	if err != nil {
		return nil, err
	}
	plan.Check = func(all *dataset.Set) error { return checkOutputs(s, loss, all) }
	// A float32 run reads its inputs as float32 values (Set.X32): it never
	// holds them in float64 as well.
	plan.Config.Float32 = tc.Precision == network.Float32
	prep, err := dataset.Prepare(plan)
	if err != nil {
		return nil, SpecError(s, err)
	}
	j := &Job{Spec: s, Train: prep.Train, Val: prep.Val, Test: prep.Test, Norm: prep.Norm, Encoder: prep.Encoder,
		ValUnseen: prep.ValUnseen, TestUnseen: prep.TestUnseen, Loss: loss, Config: tc, InitKind: initKind}
	if err := j.fitWeights(); err != nil {
		return nil, err
	}
	nf := len(j.Train.Features)
	if err := checkSize(s, tc, nf, j.Train.Rows); err != nil {
		return nil, err
	}
	j.Net = network.New(nf, LayerSpecs(s))
	return j, nil
}

// DataPlan translates the spec's data keys for dataset.Prepare (without its
// Check).
func DataPlan(s *spec.Spec, loss backprop.Loss, norm dataset.NormKind) (dataset.Plan, error) {
	var imp dataset.Impute
	var err error
	if imp.Number, err = dataset.ParseNumberImpute(s.Data.Impute.Number); err != nil {
		return dataset.Plan{}, s.Errorf("data.impute.number", "%v", err)
	}
	if imp.Category, err = dataset.ParseCategoryImpute(s.Data.Impute.Category); err != nil {
		return dataset.Plan{}, s.Errorf("data.impute.category", "%v", err)
	}
	cfg := DataConfig(loss, s.Data.Target, s.Data.Features)
	cfg.Exclude, cfg.Categorical, cfg.Weight = s.Data.Exclude, s.Data.Categorical, s.Data.Weight
	cfg.Format = dataset.Format{Delimiter: s.Data.Delimiter, Decimal: s.Data.Decimal, Missing: s.Data.Missing}
	return dataset.Plan{
		Train: s.Data.Train, Test: s.Data.Test, Config: cfg, Impute: imp, Normalize: norm,
		ValidationSplit: s.Data.ValidationSplit, Split: newRand(s.Seed, streamSplit),
		SplitErr: func(rows, train, val int) error {
			return s.Errorf("data.validation_split", "%g of the %d rows of %s leaves %d training and %d validation rows; both need at least one",
				s.Data.ValidationSplit, rows, dataset.DisplayPath(s.Data.Train), train, val)
		},
	}, nil
}

// SpecError points a data error about a setting (a column named in
// data.exclude that the file lacks, say) at where the spec sets it.
func SpecError(s *spec.Spec, err error) error {
	var de *dataset.Error
	if !errors.As(err, &de) || de.Key == "" {
		return err
	}
	key := "data." + de.Key
	if !slices.Contains(spec.Keys(), key) {
		return err
	}
	bare := *de
	bare.Key = ""
	return s.Errorf(key, "%v", &bare)
}

// checkSize refuses, before anything of its size is allocated, a network
// whose training would need more memory than the machine has: it blames the
// widest layer's units, or train.batch_size when the parameters alone fit.
func checkSize(s *spec.Spec, tc backprop.Config, inputs, rows int) error {
	slots := 2 // parameters and gradients
	switch tc.Optim.Kind {
	case backprop.Momentum, backprop.Nesterov, backprop.RMSprop:
		slots++ // velocity, or rmsprop's square average
	case backprop.Adam, backprop.AdamW:
		slots += 2 // first and second moments
	}
	if s.Train.EarlyStopping != nil {
		slots++ // the best epoch's weights
	}
	if bs := s.Train.BatchSize; bs > 0 && bs < rows {
		rows = bs
	}
	err := network.CheckSize(inputs, LayerSpecs(s), rows, slots, tc.Precision, network.MemoryLimit())
	var se *network.SizeError
	if errors.As(err, &se) {
		key := fmt.Sprintf("model.layers.%d.units", se.Layer)
		if se.Batch {
			key = "train.batch_size"
		}
		return s.Errorf(key, "%v", err)
	}
	return err
}

// LayerSpecs translates the spec's layers for network.New.
func LayerSpecs(s *spec.Spec) []network.LayerSpec {
	var ls []network.LayerSpec
	for _, l := range s.Model.Layers {
		act, err := network.ParseActivation(l.Activation)
		if err != nil {
			panic("run: spec passed validation with " + err.Error())
		}
		ls = append(ls, network.LayerSpec{Units: l.Units, Activation: act, Alpha: l.Alpha, Dropout: l.Dropout})
	}
	return ls
}

// checkOutputs matches the output layer to the data's targets or classes.
func checkOutputs(s *spec.Spec, loss backprop.Loss, d *dataset.Set) error {
	if d.Classes != nil && len(d.Classes) < 2 {
		return fmt.Errorf("%s: column %q: has only the class %q; a classifier needs at least 2 classes (a numeric target with loss mse is regression)",
			d.Path, d.Targets[0], d.Classes[0])
	}
	last := len(s.Model.Layers) - 1
	units := s.Model.Layers[last].Units
	want := d.Outputs()
	if units == want {
		return nil
	}
	key := fmt.Sprintf("model.layers.%d.units", last)
	if d.Classes != nil && d.TextLine > 0 && !loss.Classifies() {
		// A numeric target with a stray text cell became classes.
		return fmt.Errorf("%s: line %d, column %s: %s is not a number, so the target was read as %d classes, but loss %s needs numbers; fix the cell (or use cross_entropy for classes)",
			d.Path, d.TextLine, strconv.Quote(d.Targets[0]), strconv.Quote(d.TextValue), len(d.Classes), loss)
	}
	switch {
	case d.Classes != nil && loss.OutputUnits(len(d.Classes)) == 1:
		return s.Errorf(key, "the output layer has %d units but a bce target with 2 classes (%s, %s) needs 1 sigmoid unit",
			units, d.Classes[0], d.Classes[1])
	case d.Classes != nil:
		return s.Errorf(key, "the output layer has %d units but %s has %d classes in column %q (%s), one output unit each",
			units, d.Path, len(d.Classes), d.Targets[0], strings.Join(d.Classes[:min(len(d.Classes), 10)], ", "))
	default:
		return s.Errorf(key, "the output layer has %d units but %s has %d target columns (%s), one output unit each",
			units, d.Path, want, strings.Join(d.Targets, ", "))
	}
}

// fitWeights turns train.class_weight into the row weights of every split:
// balanced from the class counts of the training rows (after the split), a
// map by the class names of the data. The same class weights weigh the
// validation and test losses.
func (j *Job) fitWeights() error {
	s := j.Spec
	cw := s.Train.ClassWeight
	if cw == nil && s.Data.Weight == "" {
		return nil
	}
	key := "data.weight"
	var w []float64
	if cw != nil {
		key = "train.class_weight"
		classes := j.Train.Classes
		switch {
		case classes == nil && j.Train.Binary:
			return s.Errorf(key, "is for a class target, but the %d 0/1 columns of %s (%s) are multi-label targets",
				len(j.Train.Targets), j.Train.Path, strings.Join(j.Train.Targets, ", "))
		case classes == nil:
			return s.Errorf(key, "is for a class target, but column %q of %s is a number, so loss %s makes this regression",
				j.Train.Targets[0], j.Train.Path, s.Loss)
		}
		if cw.Balanced {
			w = backprop.BalancedClassWeights(j.Train.Labels, len(classes))
		} else {
			w = make([]float64, len(classes))
			for i := range w {
				w[i] = 1
			}
			for _, name := range cw.Classes {
				i := slices.Index(classes, name)
				if i < 0 {
					return s.Errorf(key+"."+name, "no class %q in column %q of %s (its classes: %s)",
						name, j.Train.Targets[0], j.Train.Path, strings.Join(classes[:min(len(classes), 20)], ", "))
				}
				w[i] = cw.Weights[name]
			}
		}
	}
	// Each row: its class's weight times its data.weight cell (the
	// dataset read that column; a split without it is unweighted by it).
	j.Weights = map[*dataset.Set][]float64{}
	for _, d := range []*dataset.Set{j.Train, j.Val, j.Test} {
		if d != nil {
			j.Weights[d] = backprop.RowWeights(d.Labels, w, d.Weights)
		}
	}
	var total float64
	for _, v := range j.Weights[j.Train] {
		total += v
	}
	if total == 0 {
		return s.Errorf(key, "gives every training row of %s weight 0, so there is nothing to learn from", j.Train.Path)
	}
	return nil
}

// Data converts a Set for the training loop; w holds the rows' weights in
// the loss, nil for unweighted rows.
func Data(d *dataset.Set, w []float64) *backprop.Data {
	if d == nil {
		return nil
	}
	return &backprop.Data{X: d.X, X32: d.X32, Y: d.Y, Rows: d.Rows, Labels: d.Labels, W: w, MultiLabel: d.Binary && d.Classes == nil}
}

// Data converts one of the job's sets for the training loop, with its row
// weights.
func (j *Job) Data(d *dataset.Set) *backprop.Data { return Data(d, j.Weights[d]) }

// Workers is the pool size of train.workers: 0 means one per CPU.
func Workers(n int) int {
	if n <= 0 {
		return runtime.NumCPU()
	}
	return n
}

// Init sets the weights: from the model.json at path when path is not
// empty, else the spec's seeded initialisation.
func (j *Job) Init(path string) error {
	if path != "" {
		return j.InitFrom(path)
	}
	if err := j.Net.Init(j.InitKind, j.Spec.Model.InitScale, newRand(j.Spec.Seed, streamInit)); err != nil {
		return fmt.Errorf("%s: model.init: %w", j.Spec.File, err)
	}
	return nil
}

// InitFrom copies the weights of a model.json into the job's network; every
// layer must match the spec in size and activation.
func (j *Job) InitFrom(path string) error {
	m, err := model.ReadFile(path)
	if err != nil {
		return err
	}
	if len(m.Net.Layers) != len(j.Net.Layers) {
		return fmt.Errorf("%s: has %d layers but %s describes %d", path, len(m.Net.Layers), j.Spec.File, len(j.Net.Layers))
	}
	for i, l := range m.Net.Layers {
		w := j.Net.Layers[i]
		if l.In != w.In || l.Out != w.Out {
			return fmt.Errorf("%s: layers[%d] is %d×%d (out×in) but the spec and data need %d×%d", path, i, l.Out, l.In, w.Out, w.In)
		}
		if l.Act != w.Act {
			return fmt.Errorf("%s: layers[%d].activation is %s but %s says %s", path, i, l.Act, j.Spec.File, w.Act)
		}
	}
	copy(j.Net.Params, m.Net.Params)
	return nil
}

// Model wraps the job's network with what predict and eval need.
func (j *Job) Model() *model.Model {
	return &model.Model{
		Features:   j.Train.Features,
		Targets:    j.Train.Targets,
		Classes:    j.Train.Classes,
		ClassNames: j.classNames(),
		Normalize:  j.Norm,
		Loss:       j.Loss,
		Net:        j.Net,
		Encoder:    j.Encoder,
		Precision:  j.Config.Precision,
	}
}

// classNames keeps the spec's data.class_names of the classes that exist.
func (j *Job) classNames() map[string]string {
	if len(j.Spec.Data.ClassNames) == 0 || j.Train.Classes == nil {
		return nil
	}
	names := map[string]string{}
	for _, c := range j.Train.Classes {
		if n, ok := j.Spec.Data.ClassNames[c]; ok {
			names[c] = n
		}
	}
	return names
}

// Result is a finished training run: its history, the scores of each split,
// and the bytes of the files it produces.
type Result struct {
	Job     *Job
	History *backprop.Result // on an error, the epochs done so far
	Splits  []metrics.Split  // train, then validation and test where they exist
	Cost    *metrics.CostLog
	// The run folder's files, ready to be written.
	ModelJSON, CostCSV, MetricsJSON []byte
}

// Train runs the whole job of `nntrain train` but writing: Load, Init
// (opts.Init or the seeded initialisation), then Job.Fit.
func Train(ctx context.Context, s *spec.Spec, opts Options) (*Result, error) {
	j, err := Load(s)
	if err != nil {
		return nil, err
	}
	if err := j.Init(opts.Init); err != nil {
		return nil, err
	}
	return j.Fit(ctx, opts.Callbacks...)
}

// Fit trains the job's network with the spec's early stopping and the extra
// callbacks, keeps the best weights, scores every split and encodes the
// output files: Trainer, Trainer.Fit and Finish in one call. Errors are
// backprop's (ErrInterrupted, *NonFiniteError) or a model that cannot be
// written; the Result's History holds the epochs done.
func (j *Job) Fit(ctx context.Context, extra ...backprop.Callback) (*Result, error) {
	pool := network.NewPool(Workers(j.Spec.Train.Workers))
	defer pool.Close()
	tr, err := j.Trainer(pool, extra...)
	if err != nil {
		return &Result{Job: j, History: &backprop.Result{}}, err
	}
	hist, err := tr.Fit(ctx)
	if err != nil {
		return &Result{Job: j, History: hist}, err
	}
	return j.Finish(pool, tr, hist)
}

// Trainer is the job's training loop on pool, with the spec's callbacks
// (schedule, early stopping) and then extra, seeded from the spec (the
// shuffle and, with dropout, the masks' streams). A caller that
// checkpoints takes Trainer.State between or after Fit calls and continues
// a run with Trainer.Restore before Fit.
func (j *Job) Trainer(pool *network.Pool, extra ...backprop.Callback) (*backprop.Trainer, error) {
	cbs, err := Callbacks(j.Spec, extra...)
	if err != nil {
		return nil, err
	}
	cfg := j.Config
	if j.Net.HasDropout() {
		cfg.Dropout = NewDropout(j.Spec.Seed)
		cfg.Dropout.Fill = j.MaskFill
	}
	return backprop.NewFit(j.Net, pool, cfg, j.Data(j.Train), j.Data(j.Val), NewSource(j.Spec.Seed, streamShuffle), cbs...)
}

// Finish ends a completed run of tr: it puts back the best weights early
// stopping kept, scores every split and encodes model.json, cost.csv and
// metrics.json.
func (j *Job) Finish(pool *network.Pool, tr *backprop.Trainer, hist *backprop.Result) (*Result, error) {
	tr.KeepBest()
	res := &Result{Job: j, History: hist}
	res.Splits = []metrics.Split{{Name: "train", Report: Report(j.Config.Precision, j.Net, pool, j.Loss, j.Data(j.Train), j.Train)}}
	if j.Val != nil {
		res.Splits = append(res.Splits, metrics.Split{Name: "validation", Report: Report(j.Config.Precision, j.Net, pool, j.Loss, j.Data(j.Val), j.Val)})
	}
	if j.Test != nil {
		res.Splits = append(res.Splits, metrics.Split{Name: "test", Report: Report(j.Config.Precision, j.Net, pool, j.Loss, j.Data(j.Test), j.Test)})
	}
	var mb, cb, jb bytes.Buffer
	if err := j.Model().Write(&mb); err != nil {
		return res, fmt.Errorf("%s: %w; nothing was written", j.Spec.File, err)
	}
	if !hist.Streamed {
		// A streamed run's cost.csv is the stream itself (Job.CostHeader,
		// Job.AppendCostRow): Cost and CostCSV stay nil.
		res.Cost = CostLog(hist.Epochs, j.Val != nil, j.Metric(), j.Spec.Train.Schedule != nil)
		if err := res.Cost.WriteCSV(&cb); err != nil {
			return res, err
		}
		res.CostCSV = cb.Bytes()
	}
	best := 0 // with early stopping, the epoch whose weights model.json holds
	if j.Spec.Train.EarlyStopping != nil {
		best = hist.BestEpoch
	}
	if err := metrics.WriteRunJSON(&jb, res.Splits, best); err != nil {
		return res, err
	}
	res.ModelJSON, res.MetricsJSON = mb.Bytes(), jb.Bytes()
	return res, nil
}

// Reports maps each split's name to its report, as metrics.Value reads them.
func (r *Result) Reports() map[string]metrics.Report {
	all := map[string]metrics.Report{}
	for _, s := range r.Splits {
		all[s.Name] = s.Report
	}
	return all
}

// CostLog turns the epochs of a run into cost.csv: epoch, train_loss, then
// val_loss with a validation set, then the metric's train_ and val_ columns,
// then with a schedule lr, the learning rate the epoch trained with.
func CostLog(epochs []backprop.Epoch, hasVal bool, metric string, hasLR bool) *metrics.CostLog {
	c := metrics.NewCostLog(costColumns(hasVal, metric, hasLR)...)
	cols := c.Columns
	row := make([]float64, 0, len(cols))
	for _, e := range epochs {
		row = append(row[:0], float64(e.N), e.TrainLoss)
		if hasVal {
			row = append(row, e.ValLoss, e.TrainMetric, e.ValMetric)
		} else {
			row = append(row, e.TrainMetric)
		}
		if hasLR {
			row = append(row, e.LR)
		}
		c.Append(row...)
	}
	return c
}

func costColumns(hasVal bool, metric string, hasLR bool) []string {
	cols := []string{"epoch", "train_loss", "val_loss", "train_" + metric, "val_" + metric}
	if !hasVal {
		cols = []string{"epoch", "train_loss", "train_" + metric}
	}
	if hasLR {
		cols = append(cols, "lr")
	}
	return cols
}

// CostHeader is the first line of the job's cost.csv, with its line end,
// as metrics.CostLog.WriteCSV writes it.
func (j *Job) CostHeader() []byte {
	var b bytes.Buffer
	metrics.NewCostLog(costColumns(j.Val != nil, j.Metric(), j.Spec.Train.Schedule != nil)...).WriteCSV(&b)
	return b.Bytes()
}

// AppendCostRow appends e's line of the job's cost.csv to b, byte for byte
// as CostLog and metrics.CostLog.WriteCSV write it (no field of a row ever
// needs quoting), so a run can stream cost.csv instead of keeping its rows.
func (j *Job) AppendCostRow(b []byte, e backprop.Epoch) []byte {
	b = strconv.AppendInt(b, int64(e.N), 10)
	vs := [5]float64{e.TrainLoss, e.ValLoss, e.TrainMetric, e.ValMetric, e.LR}
	idx := []int{0, 2}
	if j.Val != nil {
		idx = []int{0, 1, 2, 3}
	}
	for _, i := range idx {
		b = strconv.AppendFloat(append(b, ','), vs[i], 'g', -1, 64)
	}
	if j.Spec.Train.Schedule != nil {
		b = strconv.AppendFloat(append(b, ','), e.LR, 'g', -1, 64)
	}
	return append(b, '\n')
}

// Report scores a data set with the network: classes (with roc_auc and
// average_precision when there are two), several 0/1 targets of bce
// (multi-label), or regression. bd is d for the training loop (Data or
// Job.Data): the loss is weighted by its row weights when it has them; the
// other metrics never are. The network runs in precision p, the model's.
func Report(p network.Precision, net *network.Net, pool *network.Pool, loss backprop.Loss, bd *backprop.Data, d *dataset.Set) metrics.Report {
	j, a := backprop.Evaluate(p, net, pool, loss, bd)
	k := net.Outputs()
	switch {
	case d.Classes != nil:
		pred := make([]int, d.Rows)
		for r := range pred {
			pred[r] = backprop.PredictClass(a[r*k : r*k+k])
		}
		rep := metrics.Classification(d.Rows, j, d.Labels, pred, d.Classes)
		if len(d.Classes) == 2 {
			// The positive class's output: the sigmoid unit, or softmax's second.
			score := make([]float64, d.Rows)
			for r := range score {
				score[r] = a[r*k+k-1]
			}
			rep.AddBinaryScores(d.Labels, score)
		}
		return rep
	case d.Binary:
		return metrics.MultiLabel(d.Rows, j, d.Y, a, d.Targets)
	}
	return metrics.Regression(d.Rows, j, d.Y, a, k)
}

// EmptyReport is a report of no rows with every key that a real report of
// d would have, its values NaN (for checking metric key paths before a run).
func EmptyReport(d *dataset.Set) metrics.Report {
	switch {
	case d.Classes != nil:
		r := metrics.Classification(0, math.NaN(), nil, nil, d.Classes)
		if len(d.Classes) == 2 {
			r.AddBinaryScores(nil, nil)
		}
		return r
	case d.Binary:
		return metrics.MultiLabel(0, math.NaN(), nil, nil, d.Targets)
	}
	return metrics.Regression(0, math.NaN(), nil, nil, d.Outputs())
}
