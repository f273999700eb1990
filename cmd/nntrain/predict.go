package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/network"
)

type predictOptions struct {
	model, data, out string
}

func newPredictCmd(s *streams) *cobra.Command {
	o := &predictOptions{}
	c := &cobra.Command{
		Use:   "predict --model MODEL.json --data DATA.csv [--out PRED.csv]",
		Short: "Apply a trained model to CSV rows",
		Long: `Apply a trained model to the rows of a CSV file (which needs the model's
feature columns; other columns are ignored) and write one prediction per row as
CSV: for regression one column per target; for classification a column named
after the target with the predicted class, then p_<class> per class.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := notEmpty(c, "out"); err != nil {
				return err
			}
			return runPredict(c.Context(), s, o)
		},
	}
	c.Flags().StringVarP(&o.model, "model", "m", "", "the trained model.json")
	c.Flags().StringVarP(&o.data, "data", "d", "", "CSV rows to predict")
	c.Flags().StringVarP(&o.out, "out", "o", "", "write to this file instead of stdout")
	fileFlags(c, map[string][]string{"model": {"json"}, "data": {"csv"}, "out": {"csv"}})
	return c
}

// loadModelData reads a model and the named CSV's feature columns,
// normalised as the model was trained.
func loadModelData(modelPath, dataPath string) (*network.Model, *dataset.Set, error) {
	m, err := network.ReadModelFile(modelPath)
	if err != nil {
		return nil, nil, err
	}
	d, err := dataset.LoadFeatures(dataPath, m.Features)
	if err != nil {
		return nil, nil, err
	}
	normalizeWith(m, d.X)
	return m, d, nil
}

// normalizeWith maps x as the model's training data was mapped.
func normalizeWith(m *network.Model, x []float64) {
	dataset.Norm{Kind: m.Normalize.Kind, Offset: m.Normalize.Offset, Scale: m.Normalize.Scale}.Apply(x)
}

func runPredict(ctx context.Context, s *streams, o *predictOptions) error {
	if err := requireFlag("predict", "model", o.model); err != nil {
		return err
	}
	if err := requireFlag("predict", "data", o.data); err != nil {
		return err
	}
	m, d, err := loadModelData(o.model, o.data)
	if err != nil {
		return badInput(err)
	}
	pool := network.NewPool(1)
	defer pool.Close()
	a := backprop.Predict(m.Net, pool, d.X, d.Rows)
	if n := nanRows(a, m.Net.Outputs()); n > 0 {
		fmt.Fprintf(s.err, "nntrain predict: warning: %s: the outputs are NaN or infinite for %d of the %d rows of %s (the weights or the inputs overflow float64); those rows get no class\n",
			o.model, n, d.Rows, o.data)
	}
	var buf bytes.Buffer
	if err := writePredictions(&buf, m, a, d.Rows); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted, err: errors.New("nntrain predict: interrupted; nothing was written")}
	}
	if o.out == "" {
		_, err := s.out.Write(buf.Bytes())
		return err
	}
	return badInput(writeAll(filepath.Dir(o.out), []outFile{{filepath.Base(o.out), buf.Bytes()}}))
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// writePredictions writes the predict CSV for rows outputs a.
func writePredictions(w io.Writer, m *network.Model, a []float64, rows int) error {
	cw := csv.NewWriter(w)
	k := m.Net.Outputs()
	var header []string
	if m.Classes == nil {
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
	rec := make([]string, len(header))
	for r := 0; r < rows; r++ {
		out := a[r*k : r*k+k]
		if m.Classes == nil {
			for j, v := range out {
				rec[j] = formatFloat(v)
			}
		} else {
			rec[0] = m.Classes[backprop.PredictClass(out)]
			if hasNaN(out) {
				rec[0] = "" // an argmax over NaN is no prediction
			}
			if k == 1 && len(m.Classes) == 2 {
				rec[1], rec[2] = formatFloat(1-out[0]), formatFloat(out[0])
			} else {
				for j, v := range out {
					rec[1+j] = formatFloat(v)
				}
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing predictions: %w", err)
	}
	return nil
}

// nanRows counts the rows of outputs a (k per row) holding a NaN or ±Inf.
func nanRows(a []float64, k int) int {
	n := 0
	for r := 0; r+k <= len(a); r += k {
		if hasNaN(a[r : r+k]) {
			n++
		}
	}
	return n
}

func hasNaN(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return true
		}
	}
	return false
}
