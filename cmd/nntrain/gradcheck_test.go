package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// gradcheck exits 0 on a correct backprop and 1, naming the layer, when one
// gradient is wrong.
func TestGradcheckExitsOneOnABrokenGradient(t *testing.T) {
	spec := filepath.Join(repoRoot(t), "configs", "iris.yaml")
	for _, tc := range []struct {
		name    string
		corrupt func([]float64)
		code    int
		want    string
	}{
		{"correct", nil, 0, "ok"},
		{"layer 2 bias wrong", func(g []float64) { g[len(g)-1] += 0.05 }, 1, "FAIL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o, e bytes.Buffer
			s := &streams{out: &o, err: &e, corruptGrads: tc.corrupt}
			code := runWith(context.Background(), []string{"gradcheck", "-c", spec}, s)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, o.String(), e.String())
			}
			if tc.code == 1 {
				lines := strings.Split(o.String(), "\n")
				if !strings.Contains(lines[2], "B[2]") || !strings.Contains(lines[2], "FAIL") {
					t.Errorf("layer 2's line %q: want FAIL at B[2]", lines[2])
				}
				if !strings.Contains(e.String(), "1 of 2 layers disagree") {
					t.Errorf("stderr %q: want '1 of 2 layers disagree'", e.String())
				}
			}
		})
	}
}

// A panic inside a command is exit 3 with one line, not 2 (bad input).
func TestInternalErrorExitsThree(t *testing.T) {
	var o, e bytes.Buffer
	s := &streams{out: &o, err: &e, corruptGrads: func([]float64) { panic("injected") }}
	code := runWith(context.Background(), []string{"gradcheck", "-c", filepath.Join(repoRoot(t), "configs", "iris.yaml")}, s)
	if code != exitInternal || !strings.Contains(e.String(), "internal error: injected") {
		t.Errorf("exit %d, stderr %q; want %d and the internal error", code, e.String(), exitInternal)
	}
	noStackTrace(t, e.String())
}
