package main

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

var numberRE = regexp.MustCompile(`-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?`)

// equalNumbers reports whether a and b are the same text with numbers that
// agree to a relative tol: the layout is pinned exactly, while the last bits
// of a float may differ between the fast kernels of different CPUs.
func equalNumbers(a, b []byte, tol float64) bool {
	ta, tb := numberRE.Split(string(a), -1), numberRE.Split(string(b), -1)
	na, nb := numberRE.FindAllString(string(a), -1), numberRE.FindAllString(string(b), -1)
	if len(ta) != len(tb) || len(na) != len(nb) {
		return false
	}
	for i := range ta {
		if ta[i] != tb[i] {
			return false
		}
	}
	for i := range na {
		if na[i] == nb[i] {
			continue
		}
		x, err1 := strconv.ParseFloat(na[i], 64)
		y, err2 := strconv.ParseFloat(nb[i], 64)
		if err1 != nil || err2 != nil || math.Abs(x-y) > tol*math.Max(1, math.Abs(y)) {
			return false
		}
	}
	return true
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !equalNumbers(got, want, 1e-12) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGoldenParams(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"params-iris.txt", []string{"params", "--config", "configs/iris.yaml"}},
		{"params-iris.json", []string{"params", "--config", "configs/iris.yaml", "--json"}},
		{"params-digits.txt", []string{"params", "--config", "configs/digits.yaml"}},
		{"params-deep4.json", []string{"params", "--config", "testdata/fixtures/ce_deep4_adam_batch16/spec.yaml", "--json"}},
		{"params-wave-set.txt", []string{"params", "--config", "configs/wave.yaml", "--set", "model.layers.0.units=5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := nntrain(t, nil, tc.args...)
			if r.code != 0 || r.err != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.err)
			}
			golden(t, tc.name, []byte(r.out))
		})
	}
}

// cost.csv and predict output of a fixed run (a PyTorch fixture's spec and
// starting weights, so every number is pinned by the fixture test too).
func TestGoldenRunFiles(t *testing.T) {
	for _, fx := range []string{"ce_int_labels_sgd_batch12", "mse_two_targets_sgd_batch10", "bce_no_yes_first_momentum_batch10"} {
		t.Run(fx, func(t *testing.T) {
			dir := filepath.Join("testdata", "fixtures", fx)
			out := t.TempDir()
			r := nntrain(t, nil, "train", "--config", filepath.Join(dir, "spec.yaml"), "--init", filepath.Join(dir, "init.json"), "--out", out, "--quiet")
			if r.code != 0 {
				t.Fatalf("train: exit %d: %s", r.code, r.err)
			}
			cost, err := os.ReadFile(filepath.Join(out, "cost.csv"))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, fx+".cost.csv", cost)
			r = nntrain(t, nil, "predict", "--model", filepath.Join(out, "model.json"), "--data", filepath.Join(dir, "data.csv"))
			if r.code != 0 {
				t.Fatalf("predict: exit %d: %s", r.code, r.err)
			}
			golden(t, fx+".predict.csv", []byte(r.out))
			r = nntrain(t, nil, "eval", "--model", filepath.Join(out, "model.json"), "--data", filepath.Join(dir, "data.csv"))
			if r.code != 0 {
				t.Fatalf("eval: exit %d: %s", r.code, r.err)
			}
			golden(t, fx+".eval.txt", []byte(r.out))
			r = nntrain(t, nil, "eval", "--model", filepath.Join(out, "model.json"), "--data", filepath.Join(dir, "data.csv"), "--json")
			if r.code != 0 {
				t.Fatalf("eval --json: exit %d: %s", r.code, r.err)
			}
			golden(t, fx+".eval.json", []byte(r.out))
		})
	}
}

func TestEqualNumbers(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"x,1.5\n", "x,1.5\n", true},
		{"x,1.5000000000000002\n", "x,1.5\n", true},
		{"x,1.6\n", "x,1.5\n", false},
		{"y,1.5\n", "x,1.5\n", false},
		{"x,1.5,2\n", "x,1.5\n", false},
		{"p_2,p_10\n", "p_2,p_11\n", false},
	} {
		if got := equalNumbers([]byte(tc.a), []byte(tc.b), 1e-12); got != tc.want {
			t.Errorf("equalNumbers(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
