package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/run"
	"github.com/nntrain/nntrain/internal/spec"
	"github.com/nntrain/nntrain/internal/trace"
)

type traceOptions struct {
	config string
	init   string
	rows   string
	format string
	sets   []string
}

func newTraceCmd(s *streams) *cobra.Command {
	o := &traceOptions{}
	c := &cobra.Command{
		Use:   "trace --config SPEC.yaml [--init MODEL.json] [--rows 0,1,...] [--format text|json|dot]",
		Short: "Show one forward and backward pass: every Z, A, dZ, dW, dB with its shape",
		Long: `Run one forward and backward pass on chosen training rows (after encoding and
normalisation; default row 0) with the initial weights (--init, else the
spec's seeded initialisation), and print every matrix the lecture names:
X, W[l], B[l], Z[l], A[l], the cost J, dA[l], dZ[l], dW[l], dB[l] and dX,
each with its shape (Z[1]: m × n[1] = 1 × 4) and the formula it came from.
With train.class_weight or data.weight, J is the weighted loss training uses,
Σ wᵢℓᵢ / Σ wᵢ, and the text prints the rows' weights w. Dropout is not
applied: the pass is the unmasked network's. Nothing is trained or written.

Rows are 0-based indices of the training rows: the data rows of data.train in
file order, or with a validation split the rows left for training. A list
may hold ranges: --rows 0,2,5-7.

  --format text  for a person; a matrix too large to print shows its min, max and norm
  --format json  {"rows", "cost", "layers": [{"W", "B", "Z", "A", "dA", "dZ", "dW", "dB"}], "dX"}
  --format dot   a Graphviz graph of the computation: nntrain trace ... --format dot | dot -Tsvg > trace.svg`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runTrace(s, o) },
	}
	f := c.Flags()
	f.StringVarP(&o.config, "config", "c", "", "the spec (YAML)")
	f.StringVar(&o.init, "init", "", "take the weights of this model.json instead of the seeded initialisation")
	f.StringVar(&o.rows, "rows", "0", "training rows to trace, e.g. 0,1,5-7")
	f.StringVar(&o.format, "format", "text", "text, json or dot")
	f.StringArrayVar(&o.sets, "set", nil, "override a spec key by its dotted path (repeatable)")
	fileFlags(c, map[string][]string{"config": {"yaml", "yml"}, "init": {"json"}})
	_ = c.RegisterFlagCompletionFunc("set", completeSet)
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "dot"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

func runTrace(s *streams, o *traceOptions) error {
	if err := requireFlag("trace", "config", o.config); err != nil {
		return err
	}
	var write func(io.Writer, *trace.Pass) error
	switch o.format {
	case "text":
		write = trace.WriteText
	case "json":
		write = trace.WriteJSON
	case "dot":
		write = trace.WriteDot
	default:
		return badInput(fmt.Errorf("nntrain trace: --format %q: want text, json or dot", o.format))
	}
	rows, err := parseRows(o.rows)
	if err != nil {
		return badInput(err)
	}
	sp, err := spec.Load(o.config, o.sets, s.env)
	if err != nil {
		return badInput(err)
	}
	if sp.Train.Precision == "float32" {
		fmt.Fprintln(s.err, "nntrain trace: note: the trace is computed in float64; train.precision float32 applies to train, predict and eval")
	}
	p, err := run.Trace(sp, run.TraceOptions{Init: o.init, Rows: rows})
	var rowErr *trace.RowError
	if errors.As(err, &rowErr) {
		return badInput(fmt.Errorf("nntrain trace: --rows: %w", err))
	}
	if err != nil {
		return badInput(err)
	}
	// Rendered whole before printing, so a failure prints nothing.
	var out strings.Builder
	if err := write(&out, p); err != nil {
		return err
	}
	_, err = io.WriteString(s.out, out.String())
	return err
}

// parseRows reads --rows: 0-based indices and ranges a-b, comma-separated.
func parseRows(arg string) ([]int, error) {
	bad := func(part, why string) error {
		return fmt.Errorf("nntrain trace: --rows %q: %q %s (want 0-based row numbers and ranges, e.g. 0,2,5-7)", arg, part, why)
	}
	var rows []int
	for _, part := range strings.Split(arg, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a < 0 {
			return nil, bad(part, "is not a row number")
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, bad(part, "is not a range from a row to a later one")
			}
		}
		if b-a >= maxTraceRows || len(rows)+b-a+1 > maxTraceRows {
			return nil, bad(part, fmt.Sprintf("makes more than %d rows", maxTraceRows))
		}
		for r := a; r <= b; r++ {
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// maxTraceRows bounds a trace's batch: it is for looking at, and every
// matrix of the pass is copied out.
const maxTraceRows = 10000
