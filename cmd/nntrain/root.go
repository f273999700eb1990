package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/network"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Exit statuses of the contract.
const (
	exitOK          = 0
	exitCheckFailed = 1
	exitBadInput    = 2
	exitInternal    = 3 // a bug in nntrain (a panic), not the user's input
	exitInterrupted = 130
)

// exitError carries the exit status of a failure.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// streams are where a command writes; tests give buffers.
type streams struct {
	in       io.Reader // read for a data path "-"; nil means os.Stdin
	out, err io.Writer
	env      []string // os.Environ() style; NNTRAIN_* layer over the spec
	isTTY    bool     // stderr is a terminal
	files    *committer
	// corruptGrads is set only by tests, to check that gradcheck reports a
	// wrong gradient.
	corruptGrads func(grads []float64)
	// onBatch is set only by tests: a callback added to a training run, to
	// interrupt it at a chosen batch.
	onBatch interface {
		backprop.Callback
		backprop.BatchCallback
	}
	// syncCheckpoints is set only by tests: every due checkpoint is written
	// before training goes on (not skipped while a write is in flight).
	syncCheckpoints bool
}

// version is set with -ldflags "-X main.version=v1.2.3"; otherwise the
// module version from the build info is used.
var version = ""

func moduleVersion() string {
	if version != "" {
		return version
	}
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 && v == "(devel)" {
				v += " " + s.Value[:12]
			}
		}
	}
	return v
}

// run executes one command line and returns the exit status. It never lets a
// panic or a Go stack trace reach the user.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer, files *committer) (code int) {
	s := &streams{out: stdout, err: stderr, env: os.Environ(), isTTY: isTerminal(stderr), files: files}
	return runWith(ctx, args, s)
}

func runWith(ctx context.Context, args []string, s *streams) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(s.err, "nntrain: internal error: %v (please report this)\n", r)
			code = exitInternal
		}
	}()
	if s.files == nil {
		s.files = newCommitter()
	}
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		// The message starts with what is at fault: the file (and line,
		// or row and column), the override, or "nntrain CMD" for usage.
		fmt.Fprintln(s.err, ee.err)
		return ee.code
	}
	// Cobra's own errors (flag errors are exitErrors, SetFlagErrorFunc).
	fmt.Fprintf(s.err, "nntrain: %v\n", err)
	return exitBadInput
}

func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "nntrain",
		Short: "Train multilayer perceptrons from a YAML spec and CSV data",
		Long: `nntrain trains feed-forward neural networks (multilayer perceptrons) described by a
YAML spec on CSV data, with numbers identical to PyTorch's in float64.

  nntrain train --config configs/iris.yaml
  nntrain predict --model runs/iris/model.json --data data/iris.csv
  nntrain eval --model runs/iris/model.json --data data/iris.csv
  nntrain params --config configs/iris.yaml
  nntrain gradcheck --config configs/iris.yaml
  nntrain trace --config configs/lecture/342.yaml --init configs/lecture/342-init.json
  nntrain export --model runs/iris/model.json --format onnx --out iris.onnx

Exit status: 0 success; 1 a check failed (gradcheck, --fail-under,
--fail-over); 2 bad usage, spec or data; 3 an internal error (a bug in nntrain: please report
it); 130 interrupted.`,
		Version: moduleVersion(),
		// Runnable with its own Args check, so that a word naming no
		// command is an exitError here instead of cobra's untyped one.
		Args:                       unknownCommand,
		SuggestionsMinimumDistance: 2,
		RunE:                       func(c *cobra.Command, _ []string) error { return c.Help() },
		SilenceUsage:               true,
		SilenceErrors:              true,
	}
	root.SetOut(s.out)
	root.SetErr(s.err)
	// A kernel forced by NNTRAIN_KERNEL that cannot run here is the user's
	// error, said before any work rather than silently replaced.
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		for _, kv := range s.env {
			if name, v, _ := strings.Cut(kv, "="); name == network.KernelEnv {
				if _, err := network.ParseKernel(v); err != nil {
					return badInput(fmt.Errorf("nntrain: %w", err))
				}
			}
		}
		return nil
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: exitBadInput, err: fmt.Errorf("%s: %w (see '%s --help')", c.CommandPath(), err, c.CommandPath())}
	})
	root.AddCommand(newTrainCmd(s), newPredictCmd(s), newEvalCmd(s), newParamsCmd(s), newGradcheckCmd(s), newTraceCmd(s), newExportCmd(s))
	return root
}

// badInput marks err as a user's bad input (exit status 2).
func badInput(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: exitBadInput, err: err}
}

func isTerminal(w io.Writer) bool {
	// A character device is not enough: /dev/null is one too.
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// noArgs rejects positional arguments with exit status 2.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		hint := ""
		for _, h := range []struct{ ext, flag string }{{".yaml", "config"}, {".yml", "config"}, {".json", "model"}, {".csv", "data"}} {
			if strings.HasSuffix(strings.ToLower(args[0]), h.ext) && c.Flags().Lookup(h.flag) != nil {
				hint = fmt.Sprintf("; did you mean --%s %s?", h.flag, args[0])
				break
			}
		}
		return badInput(fmt.Errorf("%s: unexpected argument %q%s (options are flags, see '%s --help')", c.CommandPath(), args[0], hint, c.CommandPath()))
	}
	return nil
}

// requireFlag reports a missing required flag with exit status 2.
func requireFlag(cmd, flag, value string) error {
	if value == "" {
		return badInput(fmt.Errorf("nntrain %s: --%s is required (see 'nntrain %s --help')", cmd, flag, cmd))
	}
	return nil
}

// notEmpty rejects a flag given with an empty value (--out ""), which would
// otherwise mean the same as leaving it out: a script whose variable is
// unset should hear about it, not write somewhere else.
func notEmpty(c *cobra.Command, flag string) error {
	if f := c.Flags().Lookup(flag); f != nil && f.Changed && f.Value.String() == "" {
		return badInput(fmt.Errorf("%s: --%s is empty; give a path or leave the flag out", c.CommandPath(), flag))
	}
	return nil
}

// unknownCommand rejects a first word that names no command, with cobra's
// suggestions.
func unknownCommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("nntrain: unknown command %q for %q", args[0], c.CommandPath())
	if sug := c.SuggestionsFor(args[0]); len(sug) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(sug, "\n\t") + "\n"
	}
	return badInput(fmt.Errorf("%s\nRun 'nntrain --help' for usage.", msg))
}
