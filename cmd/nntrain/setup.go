package main

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
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
)

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream*0x9e3779b97f4a7c15))
}

// job is a spec turned into data and a network ready to train.
type job struct {
	spec       *spec.Spec
	train, val *dataset.Set // val is nil without a validation split
	test       *dataset.Set // nil without data.test
	norm       dataset.Norm
	net        *network.Net
	loss       backprop.Loss
	// weights holds the row weights of the loss for train, val and test
	// (class_weight of each row's class); no entry means unweighted rows.
	weights map[*dataset.Set][]float64
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

// trainConfig is what the training loop takes from a spec.
func trainConfig(s *spec.Spec, loss backprop.Loss) backprop.Config {
	cfg := backprop.Config{
		Loss: loss, Optimizer: s.Train.Optimizer, LR: s.Train.LearningRate, Momentum: s.Train.Momentum,
		Epochs: s.Train.Epochs, BatchSize: s.Train.BatchSize, L2: s.Train.L2, Shuffle: s.Data.Shuffle,
	}
	if es := s.Train.EarlyStopping; es != nil {
		cfg.Patience, cfg.MinDelta = es.Patience, es.MinDelta
	}
	return cfg
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
	if err := j.fitWeights(); err != nil {
		return nil, err
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
		ls = append(ls, network.LayerSpec{Units: l.Units, Activation: act, Alpha: l.Alpha})
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

// fitWeights turns train.class_weight into the row weights of every split:
// balanced from the class counts of the training rows (after the split), a
// map by the class names of the data. The same class weights weigh the
// validation and test losses.
func (j *job) fitWeights() error {
	s := j.spec
	cw := s.Train.ClassWeight
	if cw == nil {
		return nil
	}
	const key = "train.class_weight"
	classes := j.train.Classes
	switch {
	case classes == nil && j.train.Binary:
		return s.Errorf(key, "is for a class target, but the %d 0/1 columns of %s (%s) are multi-label targets",
			len(j.train.Targets), j.train.Path, strings.Join(j.train.Targets, ", "))
	case classes == nil:
		return s.Errorf(key, "is for a class target, but column %q of %s is a number, so loss %s makes this regression",
			j.train.Targets[0], j.train.Path, s.Loss)
	}
	var w []float64
	if cw.Balanced {
		w = backprop.BalancedClassWeights(j.train.Labels, len(classes))
	} else {
		w = make([]float64, len(classes))
		for i := range w {
			w[i] = 1
		}
		for _, name := range cw.Classes {
			i := slices.Index(classes, name)
			if i < 0 {
				return s.Errorf(key+"."+name, "no class %q in column %q of %s (its classes: %s)",
					name, j.train.Targets[0], j.train.Path, strings.Join(classes[:min(len(classes), 20)], ", "))
			}
			w[i] = cw.Weights[name]
		}
	}
	j.weights = map[*dataset.Set][]float64{}
	for _, d := range []*dataset.Set{j.train, j.val, j.test} {
		if d != nil {
			j.weights[d] = backprop.RowWeights(d.Labels, w, nil)
		}
	}
	var total float64
	for _, v := range j.weights[j.train] {
		total += v
	}
	if total == 0 {
		return s.Errorf(key, "gives every training row of %s weight 0, so there is nothing to learn from", j.train.Path)
	}
	return nil
}

// data converts a Set for the training loop, with its row weights.
func (j *job) data(d *dataset.Set) *backprop.Data {
	if d == nil {
		return nil
	}
	return data(d, j.weights[d])
}

// data converts a Set for the training loop; w holds the rows' weights in
// the loss, nil for unweighted rows.
func data(d *dataset.Set, w []float64) *backprop.Data {
	if d == nil {
		return nil
	}
	return &backprop.Data{X: d.X, Y: d.Y, Rows: d.Rows, Labels: d.Labels, W: w, MultiLabel: d.Binary && d.Classes == nil}
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
