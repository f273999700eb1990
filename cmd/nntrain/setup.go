package main

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/dataset"
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

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream*0x9e3779b97f4a7c15))
}

// newDropout is the stream of the dropout masks, another of the seed's
// streams (the same PCG seeding as newRand).
func newDropout(seed int64) *network.Dropout {
	stream := uint64(streamDropout)
	return network.NewDropout(uint64(seed), stream*0x9e3779b97f4a7c15)
}

// job is a spec turned into data and a network ready to train.
type job struct {
	spec       *spec.Spec
	train, val *dataset.Set // val is nil without a validation split
	test       *dataset.Set // nil without data.test
	norm       dataset.Norm
	net        *network.Net
	loss       backprop.Loss
}

func datasetConfig(s *spec.Spec) dataset.Config {
	return dataConfig(s.Loss, s.Data.Target, s.Data.Features)
}

// dataConfig says how a loss reads its targets: cross_entropy and bce make
// classes of integer labels too, bce a single 0/1 column of two classes.
func dataConfig(loss string, targets, features []string) dataset.Config {
	return dataset.Config{
		Target:   targets,
		Features: features,
		Classify: loss == "cross_entropy" || loss == "bce",
		Binary:   loss == "bce",
	}
}

// trainConfig is what the training loop takes from a spec (which has
// validated every name, so parsing them cannot fail).
func trainConfig(s *spec.Spec, loss backprop.Loss) backprop.Config {
	t := s.Train
	kind, err := backprop.ParseOptimizer(t.Optimizer)
	must(err)
	cfg := backprop.Config{
		Loss: loss,
		Optim: backprop.OptimizerConfig{Kind: kind, LR: t.LearningRate, Momentum: t.Momentum,
			Beta1: t.Betas[0], Beta2: t.Betas[1], Eps: t.Eps, WeightDecay: t.WeightDecay, Alpha: t.Alpha},
		Epochs: t.Epochs, BatchSize: t.BatchSize, L2: t.L2, ClipNorm: t.ClipNorm, Shuffle: s.Data.Shuffle,
		Dropout: newDropout(s.Seed),
	}
	if sc := t.Schedule; sc != nil {
		k, err := backprop.ParseSchedule(sc.Kind)
		must(err)
		cfg.Schedule = backprop.ScheduleConfig{Kind: k, StepSize: sc.StepSize, Gamma: sc.Gamma, TMax: sc.TMax, EtaMin: sc.EtaMin,
			Factor: sc.Factor, Patience: sc.Patience, Threshold: sc.Threshold, MinLR: sc.MinLR}
	}
	if es := t.EarlyStopping; es != nil {
		cfg.Patience, cfg.MinDelta = es.Patience, es.MinDelta
		cfg.Monitor, err = backprop.ParseMonitor(es.Monitor)
		must(err)
	}
	return cfg
}

// must panics on a name that the spec's validation should have refused.
func must(err error) {
	if err != nil {
		panic("nntrain: spec passed validation with " + err.Error())
	}
}

// loadJob reads the spec's data, splits and normalises it, and builds the
// network (weights zero; the caller initialises or loads them).
func loadJob(s *spec.Spec) (*job, error) {
	loss, err := backprop.ParseLoss(s.Loss)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	if s.Data.Test != "" {
		// Fail fast on a missing or headerless test file, before the
		// training file (which may be large) is read.
		if _, err := dataset.Header(s.Data.Test); err != nil {
			return nil, err
		}
	}
	all, err := dataset.Load(s.Data.Train, datasetConfig(s))
	if err != nil {
		return nil, err
	}
	// The CSV's bytes are garbage now. Collect them before anything else is
	// allocated, so the test set and the run reuse that memory instead of
	// growing the heap to twice the live data (peak memory of a
	// Fashion-MNIST run: 640 → about 500 MiB).
	runtime.GC()
	if err := checkOutputs(s, all); err != nil {
		return nil, err
	}
	j := &job{spec: s, train: all, loss: loss}
	if s.Data.ValidationSplit > 0 {
		tr, va := dataset.Split(all.Rows, all.Labels, s.Data.ValidationSplit, newRand(s.Seed, streamSplit))
		if len(tr) == 0 || len(va) == 0 {
			return nil, s.Errorf("data.validation_split", "%g of the %d rows of %s leaves %d training and %d validation rows; both need at least one",
				s.Data.ValidationSplit, all.Rows, all.Path, len(tr), len(va))
		}
		j.train, j.val = all.Partition(tr, va)
	}
	if s.Data.Test != "" {
		cfg := datasetConfig(s)
		cfg.Features = j.train.Features
		cfg.Classes = j.train.Classes
		if j.test, err = dataset.Load(s.Data.Test, cfg); err != nil {
			return nil, err
		}
	}
	nf := len(j.train.Features)
	j.norm = dataset.FitNorm(s.Data.Normalize, j.train.X, j.train.Rows, nf)
	for _, d := range []*dataset.Set{j.train, j.val, j.test} {
		if d != nil {
			j.norm.Apply(d.X)
		}
	}
	j.net = network.New(nf, layerSpecs(s))
	return j, nil
}

func layerSpecs(s *spec.Spec) []network.LayerSpec {
	var ls []network.LayerSpec
	for _, l := range s.Model.Layers {
		act, err := network.ParseActivation(l.Activation)
		if err != nil {
			panic("nntrain: spec passed validation with " + err.Error())
		}
		ls = append(ls, network.LayerSpec{Units: l.Units, Activation: act, Alpha: l.Alpha, Dropout: l.Dropout})
	}
	return ls
}

// checkOutputs matches the output layer to the data's targets or classes.
func checkOutputs(s *spec.Spec, d *dataset.Set) error {
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
	switch {
	case d.Classes != nil && d.Binary:
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

// data converts a Set for the training loop.
func data(d *dataset.Set) *backprop.Data {
	if d == nil {
		return nil
	}
	return &backprop.Data{X: d.X, Y: d.Y, Rows: d.Rows, Labels: d.Labels}
}

func workers(n int) int {
	if n <= 0 {
		return runtime.NumCPU()
	}
	return n
}

// model wraps the trained network with what predict and eval need.
func (j *job) model() *network.Model {
	return &network.Model{
		Features:   j.train.Features,
		Targets:    j.train.Targets,
		Classes:    j.train.Classes,
		ClassNames: j.classNames(),
		Normalize:  network.Normalize{Kind: j.norm.Kind, Offset: j.norm.Offset, Scale: j.norm.Scale},
		Loss:       j.spec.Loss,
		Net:        j.net,
	}
}

// initFrom copies the weights of a model.json into the job's network; every
// layer must match the spec in size and activation.
func (j *job) initFrom(path string) error {
	m, err := network.ReadModelFile(path)
	if err != nil {
		return err
	}
	if len(m.Net.Layers) != len(j.net.Layers) {
		return fmt.Errorf("%s: has %d layers but %s describes %d", path, len(m.Net.Layers), j.spec.File, len(j.net.Layers))
	}
	for i, l := range m.Net.Layers {
		w := j.net.Layers[i]
		if l.In != w.In || l.Out != w.Out {
			return fmt.Errorf("%s: layers[%d] is %d×%d (out×in) but the spec and data need %d×%d", path, i, l.Out, l.In, w.Out, w.In)
		}
		if l.Act != w.Act {
			return fmt.Errorf("%s: layers[%d].activation is %s but %s says %s", path, i, l.Act, j.spec.File, w.Act)
		}
	}
	copy(j.net.Params, m.Net.Params)
	return nil
}

// classNames keeps the spec's data.class_names of the classes that exist.
func (j *job) classNames() map[string]string {
	if len(j.spec.Data.ClassNames) == 0 || j.train.Classes == nil {
		return nil
	}
	names := map[string]string{}
	for _, c := range j.train.Classes {
		if n, ok := j.spec.Data.ClassNames[c]; ok {
			names[c] = n
		}
	}
	return names
}
