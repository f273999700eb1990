package main

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/run"
	"github.com/nntrain/nntrain/internal/spec"
)

type gradcheckOptions struct {
	config    string
	init      string
	all       bool
	sets      []string
	rows      int
	perLayer  int
	tolerance float64
}

func newGradcheckCmd(s *streams) *cobra.Command {
	o := &gradcheckOptions{}
	c := &cobra.Command{
		Use:   "gradcheck --config SPEC.yaml [--init MODEL.json] [--all]",
		Short: "Check backprop's gradients against finite differences",
		Long: `Build the spec's network with its initialisation, take a seeded sample of its
training rows, and compare every parameter's backprop gradient (or a seeded
sample of --per-layer of them in a large layer) with the central difference
(J(w+h) − J(w−h)) / 2h, h = 1e-6, l2 included. Prints the worst relative error
|g − n| / max(|g| + |n|, 1e-4) per layer; exits 1 when one exceeds --tolerance.

--init takes the weights of a model.json instead of the initialisation.
--all lists every parameter, W[l] row by row then B[l], with its backprop
and numeric value (networks of up to 1000 parameters).`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runGradcheck(s, o) },
	}
	f := c.Flags()
	f.StringVarP(&o.config, "config", "c", "", "the spec (YAML)")
	f.StringVar(&o.init, "init", "", "take the weights of this model.json instead of the spec's initialisation")
	f.BoolVar(&o.all, "all", false, "list every parameter's backprop and numeric gradient (small networks)")
	f.StringArrayVar(&o.sets, "set", nil, "override a spec key (repeatable)")
	f.IntVar(&o.rows, "rows", 16, "rows of the training data in the batch")
	f.IntVar(&o.perLayer, "per-layer", 200, "parameters checked per layer at most")
	f.Float64Var(&o.tolerance, "tolerance", 1e-5, "largest relative error accepted")
	fileFlags(c, map[string][]string{"config": {"yaml", "yml"}, "init": {"json"}})
	_ = c.RegisterFlagCompletionFunc("set", completeSet)
	return c
}

func runGradcheck(s *streams, o *gradcheckOptions) error {
	if err := requireFlag("gradcheck", "config", o.config); err != nil {
		return err
	}
	if o.rows < 1 || o.perLayer < 1 || !(o.tolerance > 0) {
		return badInput(fmt.Errorf("nntrain gradcheck: --rows and --per-layer must be ≥ 1 and --tolerance > 0"))
	}
	if err := checkInput(o.config, "--config"); err != nil {
		return badInput(err)
	}
	sp, err := spec.Load(o.config, o.sets, s.env)
	if err != nil {
		return badInput(err)
	}
	if err := checkSpecInputs(sp); err != nil {
		return badInput(err)
	}
	if sp.Train.Precision == "float32" {
		// Central differences with h = 1e-6 need float64: in float32 they
		// would measure rounding, not the gradient.
		fmt.Fprintln(s.err, "nntrain gradcheck: note: the check runs in float64; train.precision float32 applies to train, predict and eval")
	}
	gc, err := run.GradCheck(sp, run.GradCheckOptions{Rows: o.rows, PerLayer: o.perLayer, Init: o.init, All: o.all, Corrupt: s.corruptGrads})
	var tooMany *run.TooManyParamsError
	if errors.As(err, &tooMany) {
		return badInput(fmt.Errorf("nntrain gradcheck: --all: %w (without --all, gradcheck checks up to --per-layer of each layer)", err))
	}
	if err != nil {
		return badInput(err)
	}
	if o.all {
		return gradcheckAll(s, o, gc.Params, gc.Rows)
	}
	m, checks := gc.Rows, gc.Layers
	tw := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "layer\tchecked\tworst rel. error\tat\tbackprop\tnumeric\tresult\n")
	bad := 0
	for _, c := range checks {
		res := "ok"
		if c.WorstRel > o.tolerance {
			res, bad = "FAIL", bad+1
		}
		fmt.Fprintf(tw, "%d\t%d/%d\t%.3g\t%s\t%.6g\t%.6g\t%s\n", c.Layer, c.Checked, c.Total, c.WorstRel, c.Worst, c.Backprop, c.Numeric, res)
	}
	tw.Flush()
	fmt.Fprintf(s.out, "%d rows, h = %g, tolerance %g\n", m, backprop.GradStep, o.tolerance)
	if bad > 0 {
		return &exitError{code: exitCheckFailed, err: fmt.Errorf("nntrain gradcheck: %d of %d layers disagree with finite differences", bad, len(checks))}
	}
	return nil
}

// gradcheckAll prints one line per parameter and fails when any disagrees.
func gradcheckAll(s *streams, o *gradcheckOptions, checks []backprop.ParamCheck, m int) error {
	tw := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "layer\tparameter\tbackprop\tnumeric\trel. error\tresult\n")
	bad, worst := 0, 0.0
	for _, c := range checks {
		res := "ok"
		if c.Rel > o.tolerance {
			res, bad = "FAIL", bad+1
		}
		worst = max(worst, c.Rel)
		fmt.Fprintf(tw, "%d\t%s\t%.10g\t%.10g\t%.3g\t%s\n", c.Layer, c.Name, c.Backprop, c.Numeric, c.Rel, res)
	}
	tw.Flush()
	fmt.Fprintf(s.out, "%d parameters, worst rel. error %.3g; %d rows, h = %g, tolerance %g\n", len(checks), worst, m, backprop.GradStep, o.tolerance)
	if bad > 0 {
		return &exitError{code: exitCheckFailed, err: fmt.Errorf("nntrain gradcheck: %d of %d parameters disagree with finite differences", bad, len(checks))}
	}
	return nil
}
