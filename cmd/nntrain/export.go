package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/export"
	"github.com/nntrain/nntrain/internal/model"
)

type exportOptions struct {
	model, format, out, precision string
}

func newExportCmd(s *streams) *cobra.Command {
	o := &exportOptions{}
	c := &cobra.Command{
		Use:   "export --model MODEL.json --format onnx|safetensors --out FILE [--precision float32|float64]",
		Short: "Write a trained model as ONNX (preprocessing included) or safetensors",
		Long: `Write a trained model for other programs. onnx: a graph that takes one [N, 1]
tensor per source column, named as the column (float or double for numbers,
string for categories; a missing number as NaN, a missing category as the
model's first missing text), imputes, one-hot encodes and normalises them,
and gives y (regression) or label and probabilities (classes), as predict
does. safetensors: layers.{l}.weight and layers.{l}.bias, with the rest of
model.json as metadata. --format may be left out when --out ends in .onnx or
.safetensors.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runExport(s, o) },
	}
	c.Flags().StringVarP(&o.model, "model", "m", "", "the trained model.json")
	c.Flags().StringVarP(&o.format, "format", "f", "", "onnx or safetensors")
	c.Flags().StringVarP(&o.out, "out", "o", "", "the file to write")
	c.Flags().StringVar(&o.precision, "precision", "float32", "float32 or float64")
	fileFlags(c, map[string][]string{"model": {"json"}, "out": {"onnx", "safetensors"}})
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"onnx", "safetensors"}, cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("precision", cobra.FixedCompletions([]string{"float32", "float64"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

func runExport(s *streams, o *exportOptions) error {
	for _, f := range []struct{ name, v string }{{"model", o.model}, {"out", o.out}} {
		if err := requireFlag("export", f.name, f.v); err != nil {
			return err
		}
	}
	if o.format == "" {
		switch strings.ToLower(filepath.Ext(o.out)) {
		case ".onnx":
			o.format = "onnx"
		case ".safetensors":
			o.format = "safetensors"
		default:
			return requireFlag("export", "format", "")
		}
	}
	format, err := export.ParseFormat(o.format)
	if err != nil {
		return badInput(fmt.Errorf("nntrain export: --format: %w", err))
	}
	prec, err := export.ParsePrecision(o.precision)
	if err != nil {
		return badInput(fmt.Errorf("nntrain export: --precision: %w", err))
	}
	if sameFile(o.model, o.out) {
		return badInput(fmt.Errorf("%s: --out is the model file itself; nothing was written", o.out))
	}
	nm, err := model.ReadFile(o.model)
	if err != nil {
		return badInput(err)
	}
	m, err := export.FromModel(nm)
	if err != nil {
		return badInput(fmt.Errorf("%s: %w", o.model, err))
	}
	b, err := export.Encode(m, format, prec)
	if err != nil {
		return badInput(fmt.Errorf("%s: cannot export as %s: %w", o.model, format, err))
	}
	if err := s.files.writeAll(filepath.Dir(o.out), []outFile{{name: filepath.Base(o.out), data: b}}); err != nil {
		return badInput(err)
	}
	fmt.Fprintf(s.err, "wrote %s (%s, %s, %d bytes)\n", o.out, format, prec, len(b))
	return nil
}
