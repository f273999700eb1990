package main

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/metrics"
	"github.com/nntrain/nntrain/internal/run"
)

type evalOptions struct {
	model, data string
	json        bool
	format      formatFlags
}

func newEvalCmd(s *streams) *cobra.Command {
	o := &evalOptions{}
	c := &cobra.Command{
		Use:   "eval --model MODEL.json --data DATA.csv [--json]",
		Short: "Score a trained model on labelled CSV rows",
		Long: `Score a trained model on labelled rows: the loss (the model's loss, without l2),
and accuracy, macro precision/recall/F1, per-class figures and the confusion
matrix for classes, or mse, rmse, mae and r2 for regression.

The rows are read and prepared as predict reads them (the model's delimiter,
decimal mark and missing texts unless --delimiter or --decimal is given; its
imputation, encoding and normalisation); a missing target cell is an error.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runEval(c.Context(), s, o) },
	}
	c.Flags().StringVarP(&o.model, "model", "m", "", "the trained model.json")
	c.Flags().StringVarP(&o.data, "data", "d", "", "labelled CSV rows")
	c.Flags().BoolVar(&o.json, "json", false, "print one JSON object instead of a table")
	o.format.add(c)
	fileFlags(c, map[string][]string{"model": {"json"}, "data": {"csv", "gz"}})
	return c
}

func runEval(ctx context.Context, s *streams, o *evalOptions) error {
	if err := requireFlag("eval", "model", o.model); err != nil {
		return err
	}
	if err := requireFlag("eval", "data", o.data); err != nil {
		return err
	}
	for _, in := range []input{{"--model", o.model}, {"--data", o.data}} {
		if err := checkInput(in.path, in.flag); err != nil {
			return badInput(err)
		}
	}
	recoverModelDir(o.model, s.files)
	ro, err := o.format.options("eval", s)
	if err != nil {
		return err
	}
	m, r, unseen, err := run.Evaluate(o.model, o.data, ro)
	if err != nil {
		return badInput(err)
	}
	reportUnseen(s, "eval", unseen)
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted, err: errors.New("nntrain eval: interrupted")}
	}
	if o.json {
		return metrics.WriteReportJSON(s.out, r)
	}
	return metrics.Text(s.out, r, m.ClassNames)
}
