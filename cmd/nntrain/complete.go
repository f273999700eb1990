package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/metrics"
	"github.com/nntrain/nntrain/internal/spec"
)

// Shell completion (cobra's `nntrain completion bash|zsh|fish|powershell`)
// offers files of the right kind for each file flag, spec keys for --set
// and metrics.json key paths for --fail-under.

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

// completeSet offers the spec's keys, each followed by "=".
func completeSet(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
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

// completeGate offers split.figure= paths of metrics.json.
func completeGate(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, s := range metrics.SplitNames {
		for _, f := range []string{"accuracy", "precision", "recall", "f1", "r2", "loss", "mse", "rmse", "mae", "rows"} {
			if p := s + "." + f + "="; strings.HasPrefix(p, toComplete) {
				out = append(out, p)
			}
		}
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}
