package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// traceJSON is the contract's trace object.
type traceJSON struct {
	Rows   []int        `json:"rows"`
	Cost   float64      `json:"cost"`
	Layers []traceLayer `json:"layers"`
	DX     [][]float64  `json:"dX"`
}

type traceLayer struct {
	W  [][]float64 `json:"W"`
	B  []float64   `json:"B"`
	Z  [][]float64 `json:"Z"`
	A  [][]float64 `json:"A"`
	DA [][]float64 `json:"dA"`
	DZ [][]float64 `json:"dZ"`
	DW [][]float64 `json:"dW"`
	DB []float64   `json:"dB"`
}

func runTraceJSON(t *testing.T, args ...string) (traceJSON, string) {
	t.Helper()
	r := nntrain(t, nil, append([]string{"trace", "--format", "json"}, args...)...)
	if r.code != 0 || r.err != "" {
		t.Fatalf("trace %v: exit %d, stderr %q", args, r.code, r.err)
	}
	dec := json.NewDecoder(strings.NewReader(r.out))
	dec.DisallowUnknownFields()
	var tr traceJSON
	if err := dec.Decode(&tr); err != nil {
		t.Fatalf("trace %v: not the contract's JSON: %v\n%s", args, err, r.out)
	}
	return tr, r.out
}

// TestTraceLecture342 checks the lecture's backprop example as the binary
// prints it: the 3-4-2 net, ReLU then sigmoid, W1 = 1..12, B1 = 0, W2 = 0,
// B2 = 0, x = [1,2,3], mse against y = [0,0].
func TestTraceLecture342(t *testing.T) {
	tr, _ := runTraceJSON(t, "--config", "configs/lecture/342.yaml", "--init", "configs/lecture/342-init.json")
	if len(tr.Layers) != 2 {
		t.Fatalf("got %d layers, want 2", len(tr.Layers))
	}
	l1, l2 := tr.Layers[0], tr.Layers[1]
	row := []float64{1.75, 4, 6.25, 8.5}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"rows", tr.Rows, []int{0}},
		{"W1", l1.W, [][]float64{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}}},
		{"z1", l1.Z, [][]float64{{14, 32, 50, 68}}},
		{"a1", l1.A, [][]float64{{14, 32, 50, 68}}},
		{"z2", l2.Z, [][]float64{{0, 0}}},
		{"a2", l2.A, [][]float64{{0.5, 0.5}}},
		{"cost", tr.Cost, 0.25}, // 1/(2m) Σ (0.5 − 0)² · 2
		{"dA2", l2.DA, [][]float64{{0.5, 0.5}}},
		{"dZ2", l2.DZ, [][]float64{{0.125, 0.125}}},
		{"dW2", l2.DW, [][]float64{row, row}},
		{"dB2", l2.DB, []float64{0.125, 0.125}},
		{"dA1", l1.DA, [][]float64{{0, 0, 0, 0}}},
		{"dZ1", l1.DZ, [][]float64{{0, 0, 0, 0}}},
		{"dW1", l1.DW, [][]float64{{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}}},
		{"dB1", l1.DB, []float64{0, 0, 0, 0}},
		{"dX", tr.DX, [][]float64{{0, 0, 0}}},
	} {
		if g, w := fmt.Sprint(c.got), fmt.Sprint(c.want); g != w {
			t.Errorf("%s: got %s, want %s", c.name, g, w)
		}
	}
}

// TestTraceLinear43: the lecture's nn.Linear(4,3), W = 1..12, B = 1, on
// x = [1,1,1,1] gives Z = [11, 27, 43].
func TestTraceLinear43(t *testing.T) {
	tr, _ := runTraceJSON(t, "--config", "configs/lecture/linear43.yaml", "--init", "configs/lecture/linear43-init.json")
	if g := fmt.Sprint(tr.Layers[0].Z); g != "[[11 27 43]]" {
		t.Errorf("Z: got %s, want [[11 27 43]]", g)
	}
	// mse against 0: dZ = Z/m, dX = dZ·W = [11+135+387, ...].
	if g := fmt.Sprint(tr.DX); g != "[[533 614 695 776]]" {
		t.Errorf("dX: got %s, want [[533 614 695 776]]", g)
	}
}

// TestTraceFixtures compares every value of trace --format json with
// PyTorch's autograd (testdata/gen/make_trace_fixture.py), to 1e-12.
func TestTraceFixtures(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(repoRoot(t), "testdata", "trace", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no trace fixtures: %v", err)
	}
	const tol = 1e-12
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			var want map[string]any
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			var rows []string
			for _, r := range want["rows"].([]any) {
				rows = append(rows, fmt.Sprint(r))
			}
			rel := filepath.Join("testdata", "trace", name)
			_, out := runTraceJSON(t, "--config", filepath.Join(rel, "spec.yaml"), "--init", filepath.Join(rel, "init.json"), "--rows", strings.Join(rows, ","))
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			worst := map[string]float64{}
			compareJSON(t, "", got, want, tol, worst)
			for _, k := range sortedKeys(worst) {
				t.Logf("%-14s worst |Δ| %.3g", k, worst[k])
			}
		})
	}
}

// compareJSON walks got and want together; numbers must agree to
// tol·max(1, |want|), everything else exactly. worst collects the largest
// difference per tensor ("layers[1].dW").
func compareJSON(t *testing.T, path string, got, want any, tol float64, worst map[string]float64) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: got %v, want the keys of %v", path, keys(got), keys(want))
			return
		}
		for k := range w {
			p := k
			if path != "" {
				p = path + "." + k
			}
			compareJSON(t, p, g[k], w[k], tol, worst)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: got %d values, want %d", path, len(g), len(w))
			return
		}
		for i := range w {
			p := path
			if _, isMap := w[i].(map[string]any); isMap || path == "layers" {
				p = fmt.Sprintf("%s[%d]", path, i)
			}
			compareJSON(t, p, g[i], w[i], tol, worst)
		}
	case float64:
		g, ok := got.(float64)
		if !ok {
			t.Errorf("%s: got %v, want %v", path, got, w)
			return
		}
		d := math.Abs(g - w)
		worst[path] = math.Max(worst[path], d)
		if d > tol*math.Max(1, math.Abs(w)) {
			t.Errorf("%s: got %v, want %v (|Δ| %.3g)", path, g, w, d)
		}
	default:
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: got %v, want %v", path, got, want)
		}
	}
}

func keys(v any) []string {
	m, _ := v.(map[string]any)
	return sortedKeys(m)
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

var traceGoldens = []struct {
	name string
	args []string
}{
	{"trace-342", []string{"--config", "configs/lecture/342.yaml", "--init", "configs/lecture/342-init.json"}},
	{"trace-231-rows01", []string{"--config", "configs/lecture/231.yaml", "--init", "configs/lecture/231-init.json", "--rows", "0,1"}},
	{"trace-linear43", []string{"--config", "configs/lecture/linear43.yaml", "--init", "configs/lecture/linear43-init.json"}},
	// Large matrices are summarised; the weights are the seeded initialisation.
	{"trace-digits", []string{"--config", "configs/digits.yaml", "--rows", "3"}},
}

// TestTraceGolden pins the text and dot output.
func TestTraceGolden(t *testing.T) {
	for _, g := range traceGoldens {
		for _, format := range []string{"text", "dot"} {
			name := g.name + "." + map[string]string{"text": "txt", "dot": "dot"}[format]
			t.Run(name, func(t *testing.T) {
				r := nntrain(t, nil, append([]string{"trace", "--format", format}, g.args...)...)
				if r.code != 0 || r.err != "" {
					t.Fatalf("exit %d, stderr %q", r.code, r.err)
				}
				golden(t, name, []byte(r.out))
			})
		}
	}
}

// TestTraceDotRenders: Graphviz's dot accepts every dot output and draws an
// SVG with a node per X, W[l], B[l], Z[l], A[l], Y and J.
func TestTraceDotRenders(t *testing.T) {
	dotBin, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not on PATH (apt-get install graphviz)")
	}
	for _, g := range traceGoldens {
		t.Run(g.name, func(t *testing.T) {
			r := nntrain(t, nil, append([]string{"trace", "--format", "dot"}, g.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			cmd := exec.Command(dotBin, "-Tsvg")
			cmd.Stdin = strings.NewReader(r.out)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Run(); err != nil || errb.Len() > 0 {
				t.Fatalf("dot -Tsvg: %v, stderr %q", err, errb.String())
			}
			svg := out.String()
			if !strings.HasPrefix(strings.TrimSpace(svg), "<?xml") || !strings.Contains(svg, "</svg>") {
				t.Fatalf("dot -Tsvg did not print an SVG:\n%.300s", svg)
			}
			if n := strings.Count(svg, `class="node"`); n < 7 {
				t.Errorf("the SVG has %d nodes, want X, Y, J and W, B, Z, A per layer", n)
			}
			for _, id := range []string{"<title>X</title>", "<title>W1</title>", "<title>B1</title>", "<title>Z1</title>", "<title>A1</title>", "<title>J</title>"} {
				if !strings.Contains(svg, id) {
					t.Errorf("the SVG has no node %s", id)
				}
			}
		})
	}
}

// TestTraceJSONNotSummarised: json holds every value even where text and
// dot summarise (digits' 32×64 W[1]).
func TestTraceJSONNotSummarised(t *testing.T) {
	tr, _ := runTraceJSON(t, "--config", "configs/digits.yaml", "--rows", "3,4")
	if len(tr.Layers[0].W) != 32 || len(tr.Layers[0].W[0]) != 64 || len(tr.DX) != 2 || len(tr.DX[0]) != 64 {
		t.Errorf("W[1] is %d×%d and dX %d×%d, want 32×64 and 2×64", len(tr.Layers[0].W), len(tr.Layers[0].W[0]), len(tr.DX), len(tr.DX[0]))
	}
	r := nntrain(t, nil, "trace", "--config", "configs/digits.yaml", "--rows", "3,4")
	if !strings.Contains(r.out, "W[1]: n[1] × n[0] = 32 × 64") || !strings.Contains(r.out, "2048 values, too many to print: min ") {
		t.Errorf("text does not summarise the 32×64 W[1]:\n%.2000s", r.out)
	}
}

// TestTraceChangesNothing: the same trace twice gives the same output, and
// the spec's run folder is not created.
func TestTraceChangesNothing(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV})
	a := nntrainIn(t, dir, nil, "trace", "-c", "spec.yaml", "--rows", "0-3", "--format", "json")
	b := nntrainIn(t, dir, nil, "trace", "-c", "spec.yaml", "--rows", "0-3", "--format", "json")
	if a.code != 0 || a.out != b.out {
		t.Fatalf("exit %d; two traces differ:\n%s\n%s", a.code, a.out, b.out)
	}
	if _, err := os.Stat(filepath.Join(dir, "run")); !os.IsNotExist(err) {
		t.Errorf("trace created the run folder (stat: %v)", err)
	}
}

func TestTraceBadInput(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV, "wrong.json": wrongShapeModel})
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no config", []string{"trace"}, "nntrain trace: --config is required"},
		{"bad format", []string{"trace", "-c", "spec.yaml", "--format", "svg"}, `nntrain trace: --format "svg": want text, json or dot`},
		{"row not a number", []string{"trace", "-c", "spec.yaml", "--rows", "0,x"}, `nntrain trace: --rows "0,x": "x" is not a row number`},
		{"negative row", []string{"trace", "-c", "spec.yaml", "--rows", "-1"}, `"-1" is not a row number`},
		{"backward range", []string{"trace", "-c", "spec.yaml", "--rows", "5-2"}, `"5-2" is not a range`},
		{"row past the end", []string{"trace", "-c", "spec.yaml", "--rows", "0,12"}, "row 12 is past the end: train.csv has 12 training rows (0 to 11)"},
		{"init of the wrong shape", []string{"trace", "-c", "spec.yaml", "--init", "wrong.json"}, "wrong.json: layers[0] is"},
		{"missing init", []string{"trace", "-c", "spec.yaml", "--init", "none.json"}, "none.json: cannot read"},
		{"unknown --set key", []string{"trace", "-c", "spec.yaml", "--set", "train.speed=2"}, "train.speed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := nntrainIn(t, dir, nil, c.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2", r.code)
			}
			if !strings.Contains(r.err, c.want) {
				t.Errorf("stderr %q lacks %q", r.err, c.want)
			}
			if r.out != "" {
				t.Errorf("stdout %q, want nothing", r.out)
			}
			noStackTrace(t, r.err)
		})
	}
}

// wrongShapeModel has 5 hidden units where tinySpec has 4.
const wrongShapeModel = `{"format": "nntrain-model/1", "features": ["x1", "x2"], "targets": ["label"], "classes": ["a", "b", "c"],
 "normalize": {"kind": "none"}, "loss": "cross_entropy",
 "layers": [
  {"in": 2, "out": 5, "activation": "tanh", "weight": [[1, 0], [0, 1], [1, 1], [0, 0], [1, 0]], "bias": [0, 0, 0, 0, 0]},
  {"in": 5, "out": 3, "activation": "softmax", "weight": [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0]], "bias": [0, 0, 0]}]}
`

// TestREADMELectureOutput: the README's lecture section shows what the
// binary prints for these commands, byte for byte, so it cannot drift.
func TestREADMELectureOutput(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{
		"trace --config configs/lecture/342.yaml --init configs/lecture/342-init.json",
		"trace --config configs/lecture/342.yaml --init configs/lecture/342-init.json --format json",
		"params --config configs/lecture/231.yaml",
	} {
		t.Run(cmd, func(t *testing.T) {
			prompt := "$ ./nntrain " + cmd + "\n"
			i := strings.Index(string(readme), prompt)
			if i < 0 {
				t.Fatalf("README has no %q", prompt)
			}
			block := string(readme[i+len(prompt):])
			if end := strings.Index(block, "\n```"); end >= 0 {
				block = block[:end+1]
			}
			if next := strings.Index(block, "\n$ "); next >= 0 {
				block = block[:next+1]
				block = strings.TrimSuffix(block, "\n\n") + "\n"
			}
			r := nntrain(t, nil, strings.Fields(cmd)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			if r.out != block {
				t.Errorf("README shows\n%s\nthe binary prints\n%s", block, r.out)
			}
		})
	}
}

// TestTraceWeightedCost: with train.class_weight or data.weight the trace's
// J is the weighted loss training minimises, end to end: on all 12 rows in
// one batch it is epoch 1's train_loss of `train` (cost.csv: the cost of
// that batch at the initial weights), it differs from the unweighted J, and
// the text names the weighted formula and prints w; JSON keeps the
// contract's keys (runTraceJSON-style strict decoding).
func TestTraceWeightedCost(t *testing.T) {
	// tinyCSV with a column of sample weights, one of them 0.
	var weighted strings.Builder
	for i, line := range strings.Split(strings.TrimSpace(tinyCSV), "\n") {
		if i == 0 {
			fmt.Fprintf(&weighted, "%s,w\n", line)
		} else {
			fmt.Fprintf(&weighted, "%s,%g\n", line, []float64{1, 2, 0.5, 0, 1.5, 3}[(i-1)%6])
		}
	}
	one := strings.Replace(tinySpec, "  epochs: 5", "  epochs: 1\n  batch_size: 0", 1)
	one = strings.Replace(one, "  target: label", "  target: label\n  shuffle: false", 1)
	cases := []struct {
		name, spec string
		w          string // the w vector of rows 0-11 as the text prints it
	}{
		{"unweighted", one, ""},
		{"class_weight", strings.Replace(one, "  epochs: 1", "  epochs: 1\n  class_weight: {a: 3, c: 0.5}", 1),
			"[  3  1  0.5  3  1  0.5  3  1  0.5  3  1  0.5  ]"},
		{"balanced", strings.Replace(one, "  epochs: 1", "  epochs: 1\n  class_weight: balanced", 1),
			"[  1  1  1  1  1  1  1  1  1  1  1  1  ]"},
		{"sample weight", strings.Replace(strings.Replace(one, "train.csv", "weighted.csv", 1), "  shuffle: false", "  shuffle: false\n  weight: w", 1),
			"[  1  2  0.5  0  1.5  3  1  2  0.5  0  1.5  3  ]"},
		{"both", strings.Replace(strings.Replace(strings.Replace(one, "train.csv", "weighted.csv", 1), "  shuffle: false", "  shuffle: false\n  weight: w", 1),
			"  epochs: 1", "  epochs: 1\n  class_weight: {a: 3, c: 0.5}", 1),
			"[  3  2  0.25  0  1.5  1.5  3  2  0.25  0  1.5  1.5  ]"},
	}
	costs := map[string]float64{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"spec.yaml": c.spec, "train.csv": tinyCSV, "weighted.csv": weighted.String()})
			r := nntrainIn(t, dir, nil, "trace", "-c", "spec.yaml", "--rows", "0-11", "--format", "json")
			if r.code != 0 {
				t.Fatalf("trace: exit %d: %s", r.code, r.err)
			}
			dec := json.NewDecoder(strings.NewReader(r.out))
			dec.DisallowUnknownFields()
			var tr traceJSON
			if err := dec.Decode(&tr); err != nil {
				t.Fatalf("not the contract's JSON: %v\n%s", err, r.out)
			}
			if r := nntrainIn(t, dir, nil, "train", "-c", "spec.yaml", "--quiet"); r.code != 0 {
				t.Fatalf("train: exit %d: %s", r.code, r.err)
			}
			b, err := os.ReadFile(filepath.Join(dir, "run", "cost.csv"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(b), "\n")
			if len(lines) < 2 || !strings.HasPrefix(lines[0], "epoch,train_loss") {
				t.Fatalf("cost.csv:\n%s", b)
			}
			first, err := strconv.ParseFloat(strings.Split(lines[1], ",")[1], 64)
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(tr.Cost - first); d > 1e-14*math.Max(1, math.Abs(first)) {
				t.Errorf("trace's J %v, training's first batch cost %v (|Δ| %.3g)", tr.Cost, first, d)
			}
			costs[c.name] = tr.Cost
			t.Logf("J = %.17g (train_loss of epoch 1: %.17g)", tr.Cost, first)

			text := nntrainIn(t, dir, nil, "trace", "-c", "spec.yaml", "--rows", "0-11")
			has := strings.Contains(text.out, "J = Σᵢ wᵢ ℓᵢ / Σᵢ wᵢ")
			if c.w == "" {
				if has || strings.Contains(text.out, "row weights") {
					t.Errorf("the unweighted text names row weights:\n%s", text.out)
				}
				return
			}
			if !has || !strings.Contains(text.out, "w: m = 12") || !strings.Contains(text.out, c.w) {
				t.Errorf("the text lacks the weighted formula or w = %s:\n%s", c.w, text.out)
			}
		})
	}
	for _, name := range []string{"class_weight", "sample weight", "both"} {
		if math.Abs(costs[name]-costs["unweighted"]) < 1e-6 {
			t.Errorf("%s: J %v, the unweighted J is %v: the weights changed nothing", name, costs[name], costs["unweighted"])
		}
	}
}

// TestTraceDropoutNote: a spec with dropout is traced without it (the pass
// of eval, not a masked training pass), and the text says so in one line;
// the numbers are those of the same spec without dropout.
func TestTraceDropoutNote(t *testing.T) {
	dir := t.TempDir()
	drop := strings.Replace(tinySpec, "{units: 4, activation: tanh}", "{units: 4, activation: tanh, dropout: 0.3}", 1)
	writeFiles(t, dir, map[string]string{"drop.yaml": drop, "spec.yaml": tinySpec, "train.csv": tinyCSV})
	with := nntrainIn(t, dir, nil, "trace", "-c", "drop.yaml", "--rows", "0-3")
	without := nntrainIn(t, dir, nil, "trace", "-c", "spec.yaml", "--rows", "0-3")
	if with.code != 0 || without.code != 0 {
		t.Fatalf("exit %d, %d: %s %s", with.code, without.code, with.err, without.err)
	}
	note := "dropout is off in this trace: the spec's dropout (p = 0.3 after layer 1) masks units only in training's passes, and this pass has no masks\n"
	if !strings.Contains(with.out, note) {
		t.Errorf("no dropout note in:\n%.600s", with.out)
	}
	if strings.Contains(without.out, "dropout") {
		t.Errorf("a spec without dropout gets a dropout note:\n%.600s", without.out)
	}
	if got := strings.Replace(strings.Replace(with.out, note, "", 1), "drop.yaml", "spec.yaml", 1); got != without.out {
		t.Errorf("with dropout the pass differs from the pass without:\n%s\n---\n%s", with.out, without.out)
	}
}
