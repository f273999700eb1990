package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/run"
)

type predictOptions struct {
	model, data, out string
	keep             []string
	threshold        float64
	format           formatFlags
}

func newPredictCmd(s *streams) *cobra.Command {
	o := &predictOptions{}
	c := &cobra.Command{
		Use:   "predict --model MODEL.json --data DATA.csv [--out PRED.csv] [--keep COL]... [--threshold T]",
		Short: "Apply a trained model to CSV rows",
		Long: `Apply a trained model to the rows of a CSV file (which needs the model's
source columns; other columns are ignored) and write one prediction per row as
CSV: for regression one column per target; for classification a column named
after the target with the predicted class, then p_<class> per class; for a
multi-label model (several 0/1 targets with bce) a column per target with its
0/1 label (on at p ≥ 0.5), then p_<target> per target. --keep copies columns
of the file (an ID, say) before the predictions.

--threshold T (0 ≤ T ≤ 1, default 0.5) is for a bce model with one output
unit: a row gets the second class when its p_<second class> is at least T
(a lower T finds more of a rare positive class, with more false alarms).

The rows are read and prepared as the training rows were: the model's
delimiter, decimal mark and missing texts (unless --delimiter or --decimal is
given), its imputation, one-hot encoding and normalisation. A category the
training rows did not have gives all-zero inputs for its column, and one line
on stderr says how many rows had one. --data - reads stdin; a .gz file is
decompressed.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := notEmpty(c, "out"); err != nil {
				return err
			}
			var threshold *float64
			if c.Flags().Changed("threshold") {
				t := o.threshold
				if math.IsNaN(t) || t < 0 || t > 1 {
					return badInput(fmt.Errorf("nntrain predict: --threshold %v: want a number from 0 to 1", c.Flags().Lookup("threshold").Value))
				}
				threshold = &t
			}
			return runPredict(c.Context(), s, o, threshold)
		},
	}
	c.Flags().StringVarP(&o.model, "model", "m", "", "the trained model.json")
	c.Flags().StringVarP(&o.data, "data", "d", "", "CSV rows to predict")
	c.Flags().StringVarP(&o.out, "out", "o", "", "write to this file instead of stdout")
	c.Flags().StringArrayVar(&o.keep, "keep", nil, "copy this column of the data before the predictions (repeatable)")
	c.Flags().Float64Var(&o.threshold, "threshold", run.DefaultThreshold, "bce with one output unit: predict the second class when its probability is at least this")
	o.format.add(c)
	fileFlags(c, map[string][]string{"model": {"json"}, "data": {"csv", "gz"}, "out": {"csv"}})
	return c
}

func runPredict(ctx context.Context, s *streams, o *predictOptions, threshold *float64) error {
	ins, err := modelDataInputs("predict", s, o.model, o.data)
	if err != nil {
		return err
	}
	if o.out != "" {
		if err := checkOutputNotInput("predict", "--out", o.out, ins...); err != nil {
			return badInput(err)
		}
	}
	ro, err := o.format.options("predict", s)
	if err != nil {
		return err
	}
	ro.Keep = o.keep
	ro.Threshold = threshold
	p, err := run.Predict(o.model, o.data, ro)
	var te *run.ThresholdError
	if errors.As(err, &te) {
		return badInput(fmt.Errorf("nntrain predict: --threshold %g: %w", *threshold, err))
	}
	if err != nil {
		return badInput(err)
	}
	reportUnseen(s, "predict", p.Unseen)
	if n := p.NonFiniteRows(); n > 0 {
		fmt.Fprintf(s.err, "nntrain predict: warning: %s: the outputs are NaN or infinite for %d of the %d rows of %s (the weights or the inputs overflow float64); those rows get no class\n",
			o.model, n, p.Rows, o.data)
	}
	var buf bytes.Buffer
	if err := p.WriteCSV(&buf); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted, err: errors.New("nntrain predict: interrupted; nothing was written")}
	}
	if o.out == "" {
		_, err := s.out.Write(buf.Bytes())
		return err
	}
	return badInput(s.files.writeAll(filepath.Dir(o.out), []outFile{{name: filepath.Base(o.out), data: buf.Bytes()}}))
}

// formatFlags are --delimiter and --decimal of predict and eval.
type formatFlags struct {
	delimiter, decimal string
}

func (f *formatFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&f.delimiter, "delimiter", "", `field separator of the data: "," ";" "\t" (tab) or "|" (default: the model's)`)
	c.Flags().StringVar(&f.decimal, "decimal", "", `decimal mark of the data: "." or "," (default: the model's)`)
}

// options parses the flags into the reading options of run.
func (f *formatFlags) options(cmd string, s *streams) (run.ReadOptions, error) {
	o := run.ReadOptions{Stdin: s.in}
	var err error
	if f.delimiter != "" {
		if o.Delimiter, err = dataset.ParseDelimiter(f.delimiter); err != nil {
			return o, badInput(fmt.Errorf("nntrain %s: --delimiter %w", cmd, err))
		}
	}
	if f.decimal != "" {
		if o.Decimal, err = dataset.ParseDecimal(f.decimal); err != nil {
			return o, badInput(fmt.Errorf("nntrain %s: --decimal %w", cmd, err))
		}
	}
	return o, nil
}

// reportUnseen prints one stderr line per category column in which rows
// had a category the training rows did not have.
func reportUnseen(s *streams, cmd string, unseen []dataset.Unseen) {
	for _, u := range unseen {
		fmt.Fprintf(s.err, "nntrain %s: %s\n", cmd, u)
	}
}

// modelDataInputs checks the --model and --data of predict and eval (both
// given, each through checkInput) and finishes a commit that a crash
// interrupted in the model's folder. It returns the two as inputs, for
// checkOutputNotInput.
func modelDataInputs(cmd string, s *streams, model, data string) ([]input, error) {
	if err := requireFlag(cmd, "model", model); err != nil {
		return nil, err
	}
	if err := requireFlag(cmd, "data", data); err != nil {
		return nil, err
	}
	ins := []input{{"--model", model}, {"--data", data}}
	for _, in := range ins {
		if err := checkInput(in.path, in.flag); err != nil {
			return nil, badInput(err)
		}
	}
	recoverModelDir(model, s.files)
	return ins, nil
}
