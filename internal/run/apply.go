package run

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/big"
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

// Prediction is a model applied to the rows of a CSV file.
type Prediction struct {
	Model   *model.Model
	Outputs []float64 // Rows × outputs, the network's output activations
	Rows    int
	Keep    []string   // the kept columns, in order
	Kept    [][]string // Kept[k][row]: the text of column Keep[k]
	Unseen  []dataset.Unseen
	// Threshold is the output of a single sigmoid unit (bce, two classes)
	// at or above which a row gets the second class (predict --threshold).
	Threshold float64
}

// ReadOptions say how predict and eval read a data file for a model.
type ReadOptions struct {
	// Delimiter and Decimal, when not 0, replace the model's (--delimiter,
	// --decimal).
	Delimiter, Decimal byte
	Keep               []string  // columns copied before the predictions (predict --keep)
	Stdin              io.Reader // read for the path "-"; nil means os.Stdin
	// Threshold, when not nil, is predict's decision threshold (the
	// default is 0.5); it is for a bce model with one output unit only.
	Threshold *float64
}

// DefaultThreshold is the output of a sigmoid unit at or above which its
// label is on: the second class of a two-class bce model, or a label of a
// multi-label one.
const DefaultThreshold = metrics.LabelThreshold

// ThresholdError is a --threshold given for a model that has no single
// sigmoid output to apply it to.
type ThresholdError struct {
	Model string // the model.json path
	Why   string // what the model has instead
}

func (e *ThresholdError) Error() string {
	return fmt.Sprintf("%s: a decision threshold is for a bce model with one output unit (two classes), but this model %s", e.Model, e.Why)
}

// checkThreshold says why the model cannot take a decision threshold, or
// returns nil when it can.
func checkThreshold(path string, m *model.Model) error {
	switch {
	case m.IsClassifier() && m.Loss.OutputUnits(len(m.Classes)) == 1:
		return nil
	case m.IsClassifier():
		return &ThresholdError{path, fmt.Sprintf("has %d classes (%s) with a %s output: the class with the highest probability is predicted",
			len(m.Classes), strings.Join(m.Classes[:min(len(m.Classes), 5)], ", "), m.Loss)}
	case m.Loss == backprop.BCE:
		return &ThresholdError{path, fmt.Sprintf("is multi-label (%d sigmoid outputs: %s), each label on at %g",
			len(m.Targets), strings.Join(m.Targets, ", "), DefaultThreshold)}
	default:
		return &ThresholdError{path, fmt.Sprintf("is a regression (loss %s): its outputs are numbers, not classes", m.Loss)}
	}
}

// readFor reads the CSV at dataPath for model m as cfg says, in the model's
// format unless o overrides it, and encodes it as the training rows were.
func readFor(m *model.Model, dataPath string, cfg dataset.Config, o ReadOptions) (*dataset.Set, []dataset.Unseen, error) {
	cfg.Keep = o.Keep
	cfg.Stdin = o.Stdin
	// A float32 model reads its inputs as float32 values, as it trained.
	cfg.Float32 = m.Precision == network.Float32
	cfg = m.ReadConfig(cfg)
	if o.Delimiter != 0 {
		cfg.Format.Delimiter = o.Delimiter
	}
	if o.Decimal != 0 {
		cfg.Format.Decimal = o.Decimal
	}
	raw, err := dataset.LoadTable(dataPath, cfg)
	if err != nil {
		return nil, nil, err
	}
	return m.Encode(raw)
}

// Predict applies the model.json at modelPath to the CSV at dataPath: the
// model's source columns are read (other columns are ignored, unless kept),
// imputed, encoded and normalised as the training rows were.
func Predict(modelPath, dataPath string, o ReadOptions) (*Prediction, error) {
	m, err := model.ReadFile(modelPath)
	if err != nil {
		return nil, err
	}
	threshold := DefaultThreshold
	if o.Threshold != nil {
		// Refused before the data are read: nothing is predicted.
		if err := checkThreshold(modelPath, m); err != nil {
			return nil, err
		}
		threshold = *o.Threshold
	}
	d, unseen, err := readFor(m, dataPath, dataset.Config{}, o)
	if err != nil {
		return nil, err
	}
	pool := network.NewPool(1)
	defer pool.Close()
	return &Prediction{Model: m, Outputs: backprop.PredictData(m.Precision, m.Net, pool, Data(d, nil)), Rows: d.Rows,
		Keep: o.Keep, Kept: d.Kept, Unseen: unseen, Threshold: threshold}, nil
}

// NonFiniteRows counts the rows whose outputs hold a NaN or ±Inf (weights
// or inputs that overflow float64): they have no prediction.
func (p *Prediction) NonFiniteRows() int {
	k, n := p.Model.Net.Outputs(), 0
	for r := 0; r < p.Rows; r++ {
		if !finite(p.Outputs[r*k : r*k+k]) {
			n++
		}
	}
	return n
}

func finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// WriteCSV writes the predict output: for regression one column per target;
// for classes a column named after the target holding the predicted class,
// then p_<class> per class. A multi-label model (several 0/1 targets with
// bce) is read as one two-class problem per target: a column per target
// holding its 0/1 label (on at an output ≥ 0.5, as its metrics count it),
// then p_<target> per target, the probability that the label is on.
//
//	t1,t2,p_t1,p_t2
//	1,0,0.93,0.12
func (p *Prediction) WriteCSV(w io.Writer) error {
	m := p.Model
	cw := csv.NewWriter(w)
	k := m.Net.Outputs()
	header := slices.Clone(p.Keep)
	multi := !m.IsClassifier() && m.Loss == backprop.BCE
	switch {
	case multi:
		header = append(header, m.Targets...)
		for _, t := range m.Targets {
			header = append(header, "p_"+t)
		}
	case !m.IsClassifier():
		header = append(header, m.Targets...)
	default:
		header = append(header, m.Targets[0])
		for _, c := range m.Classes {
			header = append(header, "p_"+c)
		}
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	single := m.IsClassifier() && m.Loss.OutputUnits(len(m.Classes)) == 1
	// A float32 model's outputs are float32 values: their shortest float32
	// form is the number, without float64's tail of digits.
	bits := 64
	if m.Precision == network.Float32 {
		bits = 32
	}
	formatFloat := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, bits) }
	nk := len(p.Keep)
	full := make([]string, len(header))
	rec := full[nk:]
	for r := 0; r < p.Rows; r++ {
		for i, col := range p.Kept {
			full[i] = col[r]
		}
		out := p.Outputs[r*k : r*k+k]
		switch {
		case multi:
			for j, v := range out {
				rec[j] = "0"
				if v >= DefaultThreshold {
					rec[j] = "1"
				}
				if !finite(out) {
					rec[j] = "" // no label from a NaN output
				}
				rec[k+j] = formatFloat(v)
			}
		case !m.IsClassifier():
			for j, v := range out {
				rec[j] = formatFloat(v)
			}
		case single:
			// One sigmoid unit: p is the second class's probability.
			rec[0] = m.Classes[0]
			if out[0] >= p.Threshold {
				rec[0] = m.Classes[1]
			}
			rec[1], rec[2] = formatFloat(1-out[0]), formatFloat(out[0])
		default:
			rec[0] = m.Classes[backprop.PredictClass(out)]
			for j, v := range out {
				rec[1+j] = formatFloat(v)
			}
		}
		if m.IsClassifier() && !finite(out) {
			rec[0] = "" // an argmax over NaN is no prediction
		}
		if err := cw.Write(full); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing predictions: %w", err)
	}
	return nil
}

// Evaluate scores the model.json at modelPath on the labelled CSV at
// dataPath: its loss (no l2 term) and metrics. Outputs that are NaN or
// infinite are an error: they cannot be scored. The returned counts are the
// rows with categories the training rows did not have, per category column.
func Evaluate(modelPath, dataPath string, o ReadOptions) (*model.Model, metrics.Report, []dataset.Unseen, error) {
	m, err := model.ReadFile(modelPath)
	if err != nil {
		return nil, metrics.Report{}, nil, err
	}
	cfg := DataConfig(m.Loss, m.Targets, nil)
	cfg.Classes = m.Classes
	o.Keep = nil
	d, unseen, err := readFor(m, dataPath, cfg, o)
	if err != nil {
		return nil, metrics.Report{}, nil, err
	}
	pool := network.NewPool(1)
	defer pool.Close()
	// model.json does not carry train.class_weight, so eval's loss is the
	// unweighted mean.
	r := Report(m.Precision, m.Net, pool, m.Loss, Data(d, nil), d)
	if math.IsNaN(r.Loss) || math.IsInf(r.Loss, 0) {
		// NaN or infinite outputs: every score would be an artefact (an
		// argmax over NaN is the first class), so there is none.
		p := &Prediction{Model: m, Outputs: backprop.PredictData(m.Precision, m.Net, pool, Data(d, nil)), Rows: d.Rows}
		return nil, metrics.Report{}, nil, fmt.Errorf("%s: the outputs are NaN or infinite for %d of the %d rows of %s (the weights or the inputs overflow float64), so they cannot be scored",
			modelPath, p.NonFiniteRows(), d.Rows, dataset.DisplayPath(dataPath))
	}
	return m, r, unseen, nil
}

// GradCheckOptions size a gradient check.
type GradCheckOptions struct {
	Rows     int    // training rows in the batch (a seeded sample)
	PerLayer int    // parameters checked per layer at most
	Init     string // a model.json whose weights replace the seeded initialisation
	// All checks every parameter and reports each (Params), for networks
	// of at most MaxGradCheckAll parameters.
	All bool
	// Corrupt is for tests of the check itself: when set, it changes
	// backprop's gradients before they are compared.
	Corrupt func(grads []float64)
}

// GradCheckResult is a gradient check of every layer on Rows rows.
type GradCheckResult struct {
	Rows   int
	Layers []backprop.LayerCheck // without All
	Params []backprop.ParamCheck // with All: every parameter, in the order of the network's Params
}

// MaxGradCheckAll bounds GradCheckOptions.All: its answer is a listing to
// read, one line per parameter, and each costs two forward passes.
const MaxGradCheckAll = 1000

// TooManyParamsError is a check of every parameter asked of a network with
// more than MaxGradCheckAll.
type TooManyParamsError struct {
	Spec   string
	Params int
}

func (e *TooManyParamsError) Error() string {
	return fmt.Sprintf("the network of %s has %d parameters; a check of every parameter lists at most %d", e.Spec, e.Params, MaxGradCheckAll)
}

// GradCheck builds the spec's network with its seeded initialisation (or
// o.Init's weights) and compares backprop's gradients on a seeded sample of
// training rows with central differences.
func GradCheck(s *spec.Spec, o GradCheckOptions) (*GradCheckResult, error) {
	j, err := Load(s)
	if err != nil {
		return nil, err
	}
	if err := j.Init(o.Init); err != nil {
		return nil, err
	}
	if n := len(j.Net.Params); o.All && n > MaxGradCheckAll {
		return nil, &TooManyParamsError{Spec: s.File, Params: n}
	}
	rng := newRand(s.Seed, streamCheck)
	m := min(o.Rows, j.Train.Rows)
	idx := rng.Perm(j.Train.Rows)[:m]
	b := j.Train.Subset(idx)
	// The check differences in float64, also for a float32 spec (whose
	// sample's inputs, float32 values, widen exactly): central differences
	// in float32 would drown the comparison in rounding.
	x := b.X64()
	var w []float64 // the rows' weights in the loss, as training uses them
	if tw := j.Weights[j.Train]; tw != nil {
		w = make([]float64, m)
		for i, r := range idx {
			w[i] = tw[r]
		}
	}
	pool := network.NewPool(1)
	defer pool.Close()
	var drop *network.Dropout
	if j.Net.HasDropout() {
		// The masks of one training pass, held fixed while J is differenced.
		drop = NewDropout(s.Seed)
	}
	if o.All {
		return &GradCheckResult{Rows: m, Params: backprop.GradCheckAll(j.Net, pool, j.Loss, s.Train.L2, x, b.Y, w, m, drop, o.Corrupt)}, nil
	}
	checks := backprop.GradCheckWith(j.Net, pool, j.Loss, s.Train.L2, x, b.Y, w, m, o.PerLayer, rng, drop, o.Corrupt)
	return &GradCheckResult{Rows: m, Layers: checks}, nil
}

// LayerShape is one layer of Params' answer.
type LayerShape struct {
	In, Out                 int
	Weights, Biases, Params int64
	Activation              network.Activation
}

// Params returns the shapes of the network train would build from s, the
// total parameter count, exact at any size (it may pass 2⁶³), and the
// encoder of the input columns. The input size is counted after one-hot
// encoding, so Params reads the training file and fits the encoder on the
// training rows, as train does (the test file is not read); it allocates
// nothing of the network's size, so a network far too large to train still
// has its size printed.
func Params(s *spec.Spec) ([]LayerShape, *big.Int, *dataset.Encoder, error) {
	loss, err := backprop.ParseLoss(s.Loss)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", s.File, err)
	}
	plan, err := DataPlan(s, loss, dataset.NormNone)
	if err != nil {
		return nil, nil, nil, err
	}
	plan.Test = ""
	prep, err := dataset.Prepare(plan)
	if err != nil {
		return nil, nil, nil, SpecError(s, err)
	}
	specs := LayerSpecs(s)
	shapes, total := network.Shapes(len(prep.Train.Features), specs)
	var ls []LayerShape
	for i, l := range shapes {
		ls = append(ls, LayerShape{In: l.In, Out: l.Out, Weights: l.Weights(), Biases: int64(l.Out), Params: l.Params(), Activation: specs[i].Activation})
	}
	return ls, total, prep.Encoder, nil
}

// EvalKeys is a report of no rows with every key that Evaluate's report
// for the model.json at modelPath would have, its values NaN: eval checks
// its --fail-under and --fail-over keys on it before reading any data.
func EvalKeys(modelPath string) (metrics.Report, error) {
	m, err := model.ReadFile(modelPath)
	if err != nil {
		return metrics.Report{}, err
	}
	// The shape of the set Evaluate would read: its classes, or 0/1 targets
	// of bce (multi-label), or numbers.
	return EmptyReport(&dataset.Set{Targets: m.Targets, Classes: m.Classes, Binary: m.Loss == backprop.BCE}), nil
}
