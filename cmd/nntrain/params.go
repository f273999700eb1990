package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/run"
	"github.com/nntrain/nntrain/internal/spec"
)

type paramsOptions struct {
	config string
	sets   []string
	json   bool
}

func newParamsCmd(s *streams) *cobra.Command {
	o := &paramsOptions{}
	c := &cobra.Command{
		Use:   "params --config SPEC.yaml [--json]",
		Short: "Per-layer shapes and parameter counts of a spec's network",
		Long: `Print each layer's weight shape (out×in) and its weights, biases and
parameters (out·in + out), and the total, then the input columns with their
kinds. The input size is counted after encoding: one input per number
column and one per category of a category column (data.features when the
spec lists them, else the columns of the training CSV other than the
target, the weight and data.exclude). To know the categories, params reads
the whole training file and fits the encoder on the training rows, as train
does.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runParams(s, o) },
	}
	c.Flags().StringVarP(&o.config, "config", "c", "", "the spec (YAML)")
	c.Flags().StringArrayVar(&o.sets, "set", nil, "override a spec key, e.g. --set model.layers.0.units=16 (repeatable)")
	c.Flags().BoolVar(&o.json, "json", false, "print JSON")
	fileFlags(c, map[string][]string{"config": {"yaml", "yml"}})
	_ = c.RegisterFlagCompletionFunc("set", completeSet)
	return c
}

type paramsLayer struct {
	In      int   `json:"in"`
	Out     int   `json:"out"`
	Weights int64 `json:"weights"`
	Biases  int64 `json:"biases"`
	Params  int64 `json:"params"`
}

func runParams(s *streams, o *paramsOptions) error {
	if err := requireFlag("params", "config", o.config); err != nil {
		return err
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
	shapes, total, enc, err := run.Params(sp)
	if err != nil {
		return badInput(err)
	}
	var layers []paramsLayer
	for _, l := range shapes {
		layers = append(layers, paramsLayer{In: l.In, Out: l.Out, Weights: l.Weights, Biases: l.Biases, Params: l.Params})
	}
	if o.json {
		b, err := json.Marshal(struct {
			Layers []paramsLayer `json:"layers"`
			Total  *big.Int      `json:"total"` // exact: three layers of 2³¹−1 units pass 2⁶³
		}{layers, total})
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(s.out, string(b))
		return err
	}
	tw := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "layer\tactivation\tweight (out×in)\tweights\tbiases\tparams\t")
	for i, l := range layers {
		fmt.Fprintf(tw, "%d\t%s\t%d×%d\t%d\t%d\t%d\t\n", i+1, sp.Model.Layers[i].Activation, l.Out, l.In, l.Weights, l.Biases, l.Params)
	}
	fmt.Fprintf(tw, "total\t\t\t\t\t%s\t\n", total)
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeColumns(s.out, enc)
}

// writeColumns lists the source columns, their kinds and the inputs each
// makes; a run of more than three number columns (the pixels of an image)
// is one line.
func writeColumns(w io.Writer, enc *dataset.Encoder) error {
	fmt.Fprintf(w, "\n%d inputs from %d columns\n", len(enc.Inputs()), len(enc.Columns))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  column\tkind\tinputs")
	cols := enc.Columns
	for i := 0; i < len(cols); i++ {
		c := cols[i]
		if c.Kind == dataset.KindNumber {
			j := i
			for j+1 < len(cols) && cols[j+1].Kind == dataset.KindNumber {
				j++
			}
			if n := j - i + 1; n > 3 {
				fmt.Fprintf(tw, "  %s … %s (%d columns)\tnumber\t%d\n", c.Name, cols[j].Name, n, n)
				i = j
				continue
			}
			fmt.Fprintf(tw, "  %s\tnumber\t1\n", c.Name)
			continue
		}
		n := len(c.Categories)
		shown := make([]string, 0, min(n, 8))
		for _, cat := range c.Categories[:min(n, 8)] {
			if cat == "" {
				cat = `""`
			}
			shown = append(shown, cat)
		}
		more := ""
		if n > 8 {
			more = ", …"
		}
		fmt.Fprintf(tw, "  %s\tcategory\t%d (%s%s)\n", c.Name, n, strings.Join(shown, ", "), more)
	}
	return tw.Flush()
}
