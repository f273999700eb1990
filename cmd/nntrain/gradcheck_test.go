package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
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

var paramLine = regexp.MustCompile(`(?m)^(\d+)\s+([WB]\[[0-9\]\[]+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(ok|FAIL)$`)

// TestGradcheckAll lists every parameter of the lecture's 3-4-2 net with the
// --init weights: 26 lines, dW2's rows the lecture's [1.75, 4, 6.25, 8.5].
func TestGradcheckAll(t *testing.T) {
	r := nntrain(t, nil, "gradcheck", "--config", "configs/lecture/342.yaml", "--init", "configs/lecture/342-init.json", "--all")
	if r.code != 0 || r.err != "" {
		t.Fatalf("exit %d, stderr %q\n%s", r.code, r.err, r.out)
	}
	lines := paramLine.FindAllStringSubmatch(r.out, -1)
	if len(lines) != 4*3+4+2*4+2 {
		t.Fatalf("got %d parameter lines, want 26:\n%s", len(lines), r.out)
	}
	var dW2 []string
	for _, l := range lines {
		if l[1] == "2" && strings.HasPrefix(l[2], "W[0]") {
			dW2 = append(dW2, l[3])
		}
	}
	if got := strings.Join(dW2, " "); got != "1.75 4 6.25 8.5" {
		t.Errorf("backprop of W[2] row 0: got %s, want 1.75 4 6.25 8.5", got)
	}
	if !strings.Contains(r.out, "26 parameters, worst rel. error ") {
		t.Errorf("no summary line:\n%s", r.out)
	}
}

// TestGradcheckAllFails: a relu unit at exactly Z = 0 has relu'(0) = 0 in
// backprop but a central difference of half the slope, so --all reports
// FAIL on its weights and exits 1.
func TestGradcheckAllFails(t *testing.T) {
	dir := t.TempDir()
	kink := `{"format": "nntrain-model/1", "features": ["x1", "x2", "x3"], "targets": ["y1", "y2"],
 "normalize": {"kind": "none"}, "loss": "mse",
 "layers": [
  {"in": 3, "out": 4, "activation": "relu", "weight": [[0, 0, 0], [4, 5, 6], [7, 8, 9], [10, 11, 12]], "bias": [0, 0, 0, 0]},
  {"in": 4, "out": 2, "activation": "sigmoid", "weight": [[1, 0, 0, 0], [1, 0, 0, 0]], "bias": [0, 0]}]}
`
	writeFiles(t, dir, map[string]string{"kink.json": kink})
	spec, _ := filepath.Abs(filepath.Join(repoRoot(t), "configs", "lecture", "342.yaml"))
	r := nntrainIn(t, dir, nil, "gradcheck", "--config", spec, "--init", "kink.json", "--all")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.out, r.err)
	}
	var failed []string
	for _, l := range paramLine.FindAllStringSubmatch(r.out, -1) {
		if l[6] == "FAIL" {
			failed = append(failed, l[1]+":"+l[2])
		}
	}
	// Z[1] unit 0 is 0: its three weights and its bias.
	if got := strings.Join(failed, " "); got != "1:W[0][0] 1:W[0][1] 1:W[0][2] 1:B[0]" {
		t.Errorf("FAIL on %s, want the weights and bias of relu unit 0 of layer 1\n%s", got, r.out)
	}
	if !strings.Contains(r.err, "nntrain gradcheck: 4 of 26 parameters disagree with finite differences") {
		t.Errorf("stderr %q", r.err)
	}
}

func TestGradcheckAllTooLarge(t *testing.T) {
	r := nntrain(t, nil, "gradcheck", "--config", "configs/digits.yaml", "--all")
	if r.code != 2 || r.out != "" {
		t.Fatalf("exit %d, stdout %q; want 2 and nothing", r.code, r.out)
	}
	if want := "nntrain gradcheck: --all: the network of configs/digits.yaml has 2410 parameters; a check of every parameter lists at most 1000"; !strings.Contains(r.err, want) {
		t.Errorf("stderr %q lacks %q", r.err, want)
	}
	noStackTrace(t, r.err)
}

// TestGradcheckInit: --init replaces the initialisation (the worst entry of
// layer 2 is one of the lecture's gradients) and a model of the wrong shape
// is exit 2.
func TestGradcheckInit(t *testing.T) {
	r := nntrain(t, nil, "gradcheck", "--config", "configs/lecture/342.yaml", "--init", "configs/lecture/342-init.json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if !regexp.MustCompile(`(?m)^2\s+10/10\s+\S+\s+W\[\d\]\[\d\]\s+(1\.75|4|6\.25|8\.5)\s`).MatchString(r.out) {
		t.Errorf("layer 2's worst is not one of the lecture's dW2 values:\n%s", r.out)
	}
	r = nntrain(t, nil, "gradcheck", "--config", "configs/lecture/342.yaml", "--init", "configs/lecture/231-init.json")
	if r.code != 2 || !strings.Contains(r.err, "configs/lecture/231-init.json: layers[0] is 3×2 (out×in) but the spec and data need 4×3") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
	noStackTrace(t, r.err)
}
