package run

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"

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
}

// ReadOptions say how predict and eval read a data file for a model.
type ReadOptions struct {
	// Delimiter and Decimal, when not 0, replace the model's (--delimiter,
	// --decimal).
	Delimiter, Decimal byte
	Keep               []string  // columns copied before the predictions (predict --keep)
	Stdin              io.Reader // read for the path "-"; nil means os.Stdin
}

// readFor reads the CSV at dataPath for model m as cfg says, in the model's
// format unless o overrides it, and encodes it as the training rows were.
func readFor(m *model.Model, dataPath string, cfg dataset.Config, o ReadOptions) (*dataset.Set, []dataset.Unseen, error) {
	cfg.Keep = o.Keep
	cfg.Stdin = o.Stdin
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
	d, unseen, err := readFor(m, dataPath, dataset.Config{}, o)
	if err != nil {
		return nil, err
	}
	pool := network.NewPool(1)
	defer pool.Close()
	return &Prediction{Model: m, Outputs: backprop.Predict(m.Net, pool, d.X, d.Rows), Rows: d.Rows,
		Keep: o.Keep, Kept: d.Kept, Unseen: unseen}, nil
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// WriteCSV writes the predict output: for regression one column per target;
// for classes a column named after the target holding the predicted class,
// then p_<class> per class.
func (p *Prediction) WriteCSV(w io.Writer) error {
	m := p.Model
	cw := csv.NewWriter(w)
	k := m.Net.Outputs()
	header := slices.Clone(p.Keep)
	if !m.IsClassifier() {
		header = append(header, m.Targets...)
	} else {
		header = append(header, m.Targets[0])
		for _, c := range m.Classes {
			header = append(header, "p_"+c)
		}
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	single := m.IsClassifier() && m.Loss.OutputUnits(len(m.Classes)) == 1
	nk := len(p.Keep)
	full := make([]string, len(header))
	rec := full[nk:]
	for r := 0; r < p.Rows; r++ {
		for i, col := range p.Kept {
			full[i] = col[r]
		}
		out := p.Outputs[r*k : r*k+k]
		switch {
		case !m.IsClassifier():
			for j, v := range out {
				rec[j] = formatFloat(v)
			}
		case single:
			// One sigmoid unit: p is the second class's probability.
			rec[0] = m.Classes[backprop.PredictClass(out)]
			rec[1], rec[2] = formatFloat(1-out[0]), formatFloat(out[0])
		default:
			rec[0] = m.Classes[backprop.PredictClass(out)]
			for j, v := range out {
				rec[1+j] = formatFloat(v)
			}
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
// dataPath: its loss (no l2 term) and metrics.
//
// The returned counts are the rows with categories the training rows did
// not have, per category column.
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
	return m, Report(m.Net, pool, m.Loss, d), unseen, nil
}

// GradCheckOptions size a gradient check.
type GradCheckOptions struct {
	Rows     int // training rows in the batch (a seeded sample)
	PerLayer int // parameters checked per layer at most
	// Corrupt is for tests of the check itself: when set, it changes
	// backprop's gradients before they are compared.
	Corrupt func(grads []float64)
}

// GradCheckResult is a gradient check of every layer on Rows rows.
type GradCheckResult struct {
	Rows   int
	Layers []backprop.LayerCheck
}

// GradCheck builds the spec's network with its seeded initialisation and
// compares backprop's gradients on a seeded sample of training rows with
// central differences.
func GradCheck(s *spec.Spec, o GradCheckOptions) (*GradCheckResult, error) {
	j, err := Load(s)
	if err != nil {
		return nil, err
	}
	if err := j.Init(""); err != nil {
		return nil, err
	}
	rng := newRand(s.Seed, streamCheck)
	m := min(o.Rows, j.Train.Rows)
	b := j.Train.Subset(rng.Perm(j.Train.Rows)[:m])
	pool := network.NewPool(1)
	defer pool.Close()
	checks := backprop.GradCheckWith(j.Net, pool, j.Loss, s.Train.L2, b.X, b.Y, m, o.PerLayer, rng, o.Corrupt)
	return &GradCheckResult{Rows: m, Layers: checks}, nil
}

// LayerShape is one layer of Params' answer.
type LayerShape struct {
	In, Out, Weights, Biases, Params int
	Activation                       network.Activation
}

// Params returns the shapes of the network train would build from s, the
// total parameter count, and the encoder of the input columns. The input
// size is counted after one-hot encoding, so Params reads the training file
// and fits the encoder on the training rows, as train does (the test file
// is not read).
func Params(s *spec.Spec) ([]LayerShape, int, *dataset.Encoder, error) {
	loss, err := backprop.ParseLoss(s.Loss)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%s: %w", s.File, err)
	}
	plan, err := DataPlan(s, loss, dataset.NormNone)
	if err != nil {
		return nil, 0, nil, err
	}
	plan.Test = ""
	prep, err := dataset.Prepare(plan)
	if err != nil {
		return nil, 0, nil, SpecError(s, err)
	}
	net := network.New(len(prep.Train.Features), LayerSpecs(s))
	var ls []LayerShape
	for _, l := range net.Layers {
		ls = append(ls, LayerShape{In: l.In, Out: l.Out, Weights: len(l.W), Biases: len(l.B), Params: len(l.W) + len(l.B), Activation: l.Act})
	}
	return ls, len(net.Params), prep.Encoder, nil
}
