package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/metrics"
	"github.com/nntrain/nntrain/internal/run"
)

type evalOptions struct {
	model, data string
	json        bool
	format      formatFlags
	gates       gateFlags
}

// The examples of eval's gate flags.
const (
	evalUnderExample = "accuracy=0.9"
	evalOverExample  = "loss=0.3"
)

func newEvalCmd(s *streams) *cobra.Command {
	o := &evalOptions{}
	c := &cobra.Command{
		Use:   "eval --model MODEL.json --data DATA.csv [--json] [--fail-under KEY=MIN]... [--fail-over KEY=MAX]...",
		Short: "Score a trained model on labelled CSV rows",
		Long: `Score a trained model on labelled rows: the loss (the model's loss, without l2),
and accuracy, macro precision/recall/F1, per-class figures and the confusion
matrix for classes, or mse, rmse, mae and r2 for regression.

The rows are read and prepared as predict reads them (the model's delimiter,
decimal mark and missing texts unless --delimiter or --decimal is given; its
imputation, encoding and normalisation); a missing target cell is an error.

--fail-under KEY=MIN and --fail-over KEY=MAX gate on the figures by the keys
of the --json object (accuracy=0.9, loss=0.3, per_class.yes.recall=0.5,
confusion.no.yes=10): the report is printed, then the exit status is 1 when
a bound is missed. A key this model's report would not have is an error
before the data are read.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runEval(c.Context(), s, o) },
	}
	c.Flags().StringVarP(&o.model, "model", "m", "", "the trained model.json")
	c.Flags().StringVarP(&o.data, "data", "d", "", "labelled CSV rows")
	c.Flags().BoolVar(&o.json, "json", false, "print one JSON object instead of a table")
	o.format.add(c)
	o.gates.add(c, "a figure of the report", evalUnderExample, evalOverExample)
	_ = c.RegisterFlagCompletionFunc("fail-under", completeEvalGate)
	_ = c.RegisterFlagCompletionFunc("fail-over", completeEvalGate)
	fileFlags(c, map[string][]string{"model": {"json"}, "data": {"csv", "gz"}})
	return c
}

func runEval(ctx context.Context, s *streams, o *evalOptions) error {
	if _, err := modelDataInputs("eval", s, o.model, o.data); err != nil {
		return err
	}
	gates, err := o.gates.parse("eval", evalUnderExample, evalOverExample)
	if err != nil {
		return badInput(err)
	}
	ro, err := o.format.options("eval", s)
	if err != nil {
		return err
	}
	if len(gates) > 0 {
		keys, err := run.EvalKeys(o.model)
		if err != nil {
			return badInput(err)
		}
		if err := checkKeys("eval", gates, keys.Value); err != nil {
			return badInput(err)
		}
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
		err = metrics.WriteReportJSON(s.out, r)
	} else {
		err = metrics.Text(s.out, r, m.ClassNames)
	}
	if err != nil {
		return err
	}
	msg, err := missed("eval", gates, r.Value)
	if err != nil {
		return badInput(err)
	}
	if msg != "" {
		return &exitError{code: exitCheckFailed, err: fmt.Errorf("nntrain eval: %s", msg)}
	}
	return nil
}
