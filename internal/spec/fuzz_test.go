package spec

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary spec bytes and one --set flag to Parse. It must
// never panic, and must return either an *Error that says where the
// problem is or a spec that satisfies every rule of the contract.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(base), "")
	f.Add([]byte(base), "train.epochs=abc")
	f.Add([]byte(base), "train.class_weight=balanced")
	f.Add([]byte(strings.Replace(base, "  batch_size: 8", "  batch_size: 8\n  class_weight: {a: 1, 10: 2.5}", 1)), "train.class_weight={b: -1}")
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		var sets []string
		if set != "" {
			sets = []string{set}
		}
		s, err := Parse("fuzz.yaml", data, sets, nil)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got error type %T (%v), want *Error", err, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "fuzz.yaml") && !strings.HasPrefix(msg, "--set ") {
				t.Fatalf("error %q names neither the file nor the flag", msg)
			}
			return
		}
		if err := checkValid(s); err != nil {
			t.Fatalf("Parse accepted an invalid spec: %v\n%+v", err, s)
		}
	})
}

// checkValid restates the contract's rules on a loaded Spec, independently
// of the code in build.
func checkValid(s *Spec) error {
	finite := func(xs ...float64) bool {
		for _, x := range xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return false
			}
		}
		return true
	}
	in := func(v string, set ...string) bool { return slices.Contains(set, v) }
	noDup := func(xs []string) bool {
		for i := range xs {
			if xs[i] == "" || slices.Contains(xs[:i], xs[i]) {
				return false
			}
		}
		return true
	}
	d, m, tr := s.Data, s.Model, s.Train
	switch {
	case strings.TrimSpace(s.Name) == "":
		return fmt.Errorf("empty name")
	case d.Train == "":
		return fmt.Errorf("no data.train")
	case len(d.Target) == 0 || !noDup(d.Target):
		return fmt.Errorf("bad target %q", d.Target)
	case d.Features != nil && (len(d.Features) == 0 || !noDup(d.Features)):
		return fmt.Errorf("bad features %q", d.Features)
	case !finite(d.ValidationSplit, m.InitScale, tr.LearningRate, tr.Momentum, tr.L2):
		return fmt.Errorf("a number is not finite")
	case d.ValidationSplit < 0 || d.ValidationSplit >= 1:
		return fmt.Errorf("validation_split %v", d.ValidationSplit)
	case !in(d.Normalize, "none", "standard", "minmax"):
		return fmt.Errorf("normalize %q", d.Normalize)
	case !in(m.Init, "normal", "xavier", "he", "zeros") || m.InitScale <= 0:
		return fmt.Errorf("init %q scale %v", m.Init, m.InitScale)
	case len(m.Layers) == 0:
		return fmt.Errorf("no layers")
	case !in(s.Loss, "mse", "bce", "cross_entropy"):
		return fmt.Errorf("loss %q", s.Loss)
	case !in(tr.Optimizer, Optimizers...):
		return fmt.Errorf("optimizer %q", tr.Optimizer)
	case tr.LearningRate <= 0 || tr.Momentum < 0 || tr.Momentum >= 1 || tr.L2 < 0:
		return fmt.Errorf("lr %v momentum %v l2 %v", tr.LearningRate, tr.Momentum, tr.L2)
	case tr.Epochs < 1 || tr.BatchSize < 0 || tr.Workers < 0 || tr.Workers > 256:
		return fmt.Errorf("epochs %d batch %d workers %d", tr.Epochs, tr.BatchSize, tr.Workers)
	case s.Output.Dir == "":
		return fmt.Errorf("no output dir")
	}
	if cw := tr.ClassWeight; cw != nil {
		if cw.Balanced == (len(cw.Classes) > 0) || len(cw.Classes) != len(cw.Weights) {
			return fmt.Errorf("class_weight %+v: balanced or a map, not both or neither", cw)
		}
		for _, c := range cw.Classes {
			if v, ok := cw.Weights[c]; !ok || !finite(v) || v < 0 {
				return fmt.Errorf("class_weight %q: %v", c, v)
			}
		}
	}
	for _, c := range d.Features {
		if slices.Contains(d.Target, c) {
			return fmt.Errorf("feature %q is a target", c)
		}
	}
	for k, v := range d.ClassNames {
		if _, ok := canonLabel(k); !ok || v == "" {
			return fmt.Errorf("class name %q: %q", k, v)
		}
	}
	for i, l := range m.Layers {
		last := i == len(m.Layers)-1
		switch {
		case l.Units < 1:
			return fmt.Errorf("layer %d: units %d", i, l.Units)
		case !in(l.Activation, "linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"):
			return fmt.Errorf("layer %d: activation %q", i, l.Activation)
		case l.Activation == "softmax" && (!last || l.Units < 2):
			return fmt.Errorf("layer %d: softmax", i)
		case l.Activation != "leaky_relu" && l.Alpha != 0, !finite(l.Alpha) || l.Alpha < 0:
			return fmt.Errorf("layer %d: alpha %v", i, l.Alpha)
		}
	}
	out := m.Layers[len(m.Layers)-1].Activation
	if (s.Loss == "cross_entropy") != (out == "softmax") || s.Loss == "bce" && out != "sigmoid" {
		return fmt.Errorf("loss %s with %s output", s.Loss, out)
	}
	if es := tr.EarlyStopping; es != nil && (es.Patience < 1 || es.MinDelta < 0 || !finite(es.MinDelta) || d.ValidationSplit == 0) {
		return fmt.Errorf("early stopping %+v", *es)
	}
	return nil
}
