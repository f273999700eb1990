package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/metrics"
)

// Gates are --fail-under KEY=MIN and --fail-over KEY=MAX of train and eval:
// a figure below MIN or above MAX fails the command as a check (exit 1)
// once its output is written; a key that does not resolve is bad usage
// (exit 2), found before any work. train's keys are metrics.json paths
// (validation.loss), eval's the keys of its JSON object (loss).

// gateFlags are the two flags' raw values.
type gateFlags struct {
	under, over []string
}

// add binds the flags to c; example is a key of that command.
func (f *gateFlags) add(c *cobra.Command, what, under, over string) {
	c.Flags().StringArrayVar(&f.under, "fail-under", nil, fmt.Sprintf("exit 1 when %s is below a bound, e.g. %s (repeatable)", what, under))
	c.Flags().StringArrayVar(&f.over, "fail-over", nil, fmt.Sprintf("exit 1 when %s is above a bound, e.g. %s (repeatable)", what, over))
}

// gate is one bound: key must be at least bound (--fail-under) or at most
// bound (--fail-over).
type gate struct {
	over  bool
	key   string
	bound float64
}

func (g gate) flag() string {
	if g.over {
		return "--fail-over"
	}
	return "--fail-under"
}

// parse reads the flags of command cmd (train, eval) into gates, the
// --fail-under ones first, each in the order given.
func (f *gateFlags) parse(cmd, underExample, overExample string) ([]gate, error) {
	var gs []gate
	for _, side := range []struct {
		over    bool
		args    []string
		example string
	}{{false, f.under, underExample}, {true, f.over, overExample}} {
		for _, a := range side.args {
			g := gate{over: side.over}
			k, v, ok := strings.Cut(a, "=")
			if !ok || k == "" {
				return nil, fmt.Errorf("nntrain %s: %s %q: want KEY=VALUE, e.g. %s", cmd, g.flag(), a, side.example)
			}
			b, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(b) {
				return nil, fmt.Errorf("nntrain %s: %s %q: %q is not a number", cmd, g.flag(), a, v)
			}
			g.key, g.bound = k, b
			gs = append(gs, g)
		}
	}
	return gs, nil
}

// lookup returns the figure at a key (metrics.Value, Report.Value).
type lookup func(key string) (float64, error)

// checkKeys resolves every gate's key on a report of no rows (its values
// NaN), so that a typo costs no run.
func checkKeys(cmd string, gs []gate, value lookup) error {
	for _, g := range gs {
		if _, err := value(g.key); err != nil && !errors.Is(err, metrics.ErrNaN) {
			return gateKeyError(cmd, g, err)
		}
	}
	return nil
}

func gateKeyError(cmd string, g gate, err error) error {
	var ke *metrics.KeyError
	if errors.As(err, &ke) {
		err = ke.Err
	}
	return fmt.Errorf("nntrain %s: %s %s: %w", cmd, g.flag(), g.key, err)
}

// missed returns the gates the figures miss, as one message grouped by flag
// ("--fail-under: train.rows is 9, below 10; --fail-over: ..."), or "" when
// all hold. An undefined figure (NaN: r2 of one row) misses its bound: the
// check fails, the input was not bad.
func missed(cmd string, gs []gate, value lookup) (string, error) {
	var under, over []string
	for _, g := range gs {
		v, err := value(g.key)
		var msg string
		switch {
		case errors.Is(err, metrics.ErrNaN) && g.over:
			msg = fmt.Sprintf("%s is undefined (n/a), so not at most %g", g.key, g.bound)
		case errors.Is(err, metrics.ErrNaN):
			msg = fmt.Sprintf("%s is undefined (n/a), so not at least %g", g.key, g.bound)
		case err != nil:
			return "", gateKeyError(cmd, g, err)
		case g.over && v > g.bound:
			msg = fmt.Sprintf("%s is %.6g, above %g", g.key, v, g.bound)
		case !g.over && v < g.bound:
			msg = fmt.Sprintf("%s is %.6g, below %g", g.key, v, g.bound)
		default:
			continue
		}
		if g.over {
			over = append(over, msg)
		} else {
			under = append(under, msg)
		}
	}
	var parts []string
	if len(under) > 0 {
		parts = append(parts, "--fail-under: "+strings.Join(under, "; "))
	}
	if len(over) > 0 {
		parts = append(parts, "--fail-over: "+strings.Join(over, "; "))
	}
	return strings.Join(parts, "; "), nil
}
