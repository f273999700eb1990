package main

import (
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/metrics"
	"github.com/nntrain/nntrain/internal/spec"
)

// Shell completion (cobra's `nntrain completion bash|zsh|fish|powershell`)
// offers files of the right kind for each file flag, spec keys and the
// values of enumerated keys for --set, and metrics.json key paths for
// --fail-under and --fail-over.

// fileFlags marks each flag that names a file with the extensions it takes.
func fileFlags(c *cobra.Command, exts map[string][]string) {
	for flag, e := range exts {
		if len(e) == 0 {
			_ = c.MarkFlagDirname(flag)
			continue
		}
		_ = c.MarkFlagFilename(flag, e...)
	}
}

// layerKeyRE matches a key of one layer: model.layers.3.activation.
var layerKeyRE = regexp.MustCompile(`^model\.layers\.[0-9]+\.`)

// keyValues are the values offered after "key=" for the enumerated keys,
// named with <i> for a layer index as spec.Keys names them.
var keyValues = map[string][]string{
	"model.layers.<i>.activation":  spec.Activations,
	"loss":                         spec.Losses,
	"train.optimizer":              spec.Optimizers,
	"model.init":                   spec.Inits,
	"data.normalize":               spec.Normalizers,
	"data.shuffle":                 {"true", "false"},
	"train.schedule.kind":          spec.Schedules,
	"train.early_stopping.monitor": spec.Monitors,
}

// completeSet offers the spec's keys, each followed by "=", and after
// "key=" the values of an enumerated key (activations, losses, optimizers,
// initialisations, normalisations, booleans).
func completeSet(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if key, val, ok := strings.Cut(toComplete, "="); ok {
		var out []string
		for _, v := range keyValues[layerKeyRE.ReplaceAllString(key, "model.layers.<i>.")] {
			if strings.HasPrefix(v, val) {
				out = append(out, key+"="+v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, k := range spec.Keys() {
		if strings.Contains(k, "<") {
			// model.layers.<i>.units: offer the first layers.
			for _, i := range []string{"0", "1", "2"} {
				if kk := strings.Replace(k, "<i>", i, 1); !strings.Contains(kk, "<") && strings.HasPrefix(kk, toComplete) {
					out = append(out, kk+"=")
				}
			}
			continue
		}
		if strings.HasPrefix(k, toComplete) {
			out = append(out, k+"=")
		}
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// gateFigures are the top-level figures of a report offered by completion.
var gateFigures = []string{"accuracy", "precision", "recall", "f1", "roc_auc", "average_precision", "hamming_accuracy", "r2", "loss", "mse", "rmse", "mae", "rows"}

// completeGate offers split.figure= paths of metrics.json (train's
// --fail-under and --fail-over).
func completeGate(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, s := range metrics.SplitNames {
		for _, f := range gateFigures {
			if p := s + "." + f + "="; strings.HasPrefix(p, toComplete) {
				out = append(out, p)
			}
		}
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// completeEvalGate offers figure= keys of eval's report.
func completeEvalGate(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, f := range gateFigures {
		if p := f + "="; strings.HasPrefix(p, toComplete) {
			out = append(out, p)
		}
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}
