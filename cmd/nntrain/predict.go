package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/run"
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

func runPredict(ctx context.Context, s *streams, o *predictOptions) error {
	if err := requireFlag("predict", "model", o.model); err != nil {
		return err
	}
	if err := requireFlag("predict", "data", o.data); err != nil {
		return err
	}
	for _, in := range []input{{"--model", o.model}, {"--data", o.data}} {
		if err := checkInput(in.path, in.flag); err != nil {
			return badInput(err)
		}
	}
	recoverModelDir(o.model, s.files)
	if o.out != "" {
		if err := checkOutputNotInput("predict", "--out", o.out, input{"--model", o.model}, input{"--data", o.data}); err != nil {
			return badInput(err)
		}
	}
	p, err := run.Predict(o.model, o.data)
	if err != nil {
		return badInput(err)
	}
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
	return badInput(s.files.writeAll(filepath.Dir(o.out), []outFile{{filepath.Base(o.out), buf.Bytes()}}))
}
