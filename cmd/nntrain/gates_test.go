package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readMetrics reads a run's metrics.json as split → key → value (the
// top-level numbers only).
func readMetrics(t *testing.T, path string) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// g formats a bound so that it parses back to the same float64.
func g(v float64) string { return fmt.Sprint(v) }

// TestTrainFailOver: --fail-over gates train on metrics.json paths as
// --fail-under does, in the other direction, and both go together. The
// bounds are the figures of a first run (the same seed gives the same
// figures), met exactly and missed by a little.
func TestTrainFailOver(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinyValSpec, "train.csv": tinyCSV})
	if r := nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml", "--out", "first"); r.code != 0 {
		t.Fatalf("train: exit %d\n%s", r.code, r.err)
	}
	m := readMetrics(t, filepath.Join(dir, "first", "metrics.json"))
	vloss, tacc := m["validation"]["loss"].(float64), m["train"]["accuracy"].(float64)
	if vloss <= 0 {
		t.Fatalf("validation.loss %v: want > 0 for the bounds below", vloss)
	}
	for _, c := range []struct {
		name  string
		args  []string
		code  int
		want  []string
		lacks []string
	}{
		{"met exactly", []string{"--fail-over", "validation.loss=" + g(vloss)}, 0, nil, nil},
		{"met with room", []string{"--fail-over", "validation.loss=" + g(vloss*2), "--fail-over", "train.rows=9"}, 0, nil, nil},
		{"missed", []string{"--fail-over", "validation.loss=" + g(vloss*0.99)}, 1,
			[]string{"nntrain train: --fail-over: validation.loss is ", "above " + g(vloss*0.99), "files were written to run"}, []string{"--fail-under"}},
		{"one of two missed", []string{"--fail-over", "train.rows=9", "--fail-over", "validation.rows=2"}, 1,
			[]string{"--fail-over: validation.rows is 3, above 2"}, []string{"train.rows is"}},
		{"both directions missed", []string{"--fail-over", "validation.loss=" + g(vloss/2), "--fail-under", "train.accuracy=" + g(tacc+0.01)}, 1,
			[]string{"nntrain train: --fail-under: train.accuracy is ", "below " + g(tacc+0.01), "; --fail-over: validation.loss is ", "above " + g(vloss/2)}, nil},
		{"under met, over missed", []string{"--fail-under", "train.accuracy=" + g(tacc), "--fail-over", "train.rows=8"}, 1,
			[]string{"--fail-over: train.rows is 9, above 8"}, []string{"--fail-under:"}},
		{"unknown key", []string{"--fail-over", "validation.los=1"}, 2, []string{"nntrain train: --fail-over validation.los: ", `no key "los"`, "loss"}, nil},
		{"no such split", []string{"--fail-over", "test.loss=1"}, 2, []string{"nntrain train: --fail-over test.loss: ", `no split "test"`}, nil},
		{"regression key on classes", []string{"--fail-over", "train.rmse=1"}, 2, []string{"--fail-over train.rmse: ", `no key "rmse"`}, nil},
		{"not a number", []string{"--fail-over", "validation.loss=low"}, 2, []string{"nntrain train: --fail-over ", `"low" is not a number`}, nil},
		{"no =", []string{"--fail-over", "validation.loss"}, 2, []string{"nntrain train: --fail-over ", "want KEY=VALUE, e.g. validation.loss=0.3"}, nil},
		{"a good under beside a bad over key", []string{"--fail-under", "train.rows=1", "--fail-over", "train.nope=1"}, 2, []string{"--fail-over train.nope: "}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			os.RemoveAll(filepath.Join(dir, "run"))
			r := nntrainIn(t, dir, nil, append([]string{"train", "-q", "-c", "spec.yaml", "--out", "run"}, c.args...)...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d\n%s", r.code, c.code, r.err)
			}
			for _, w := range c.want {
				if !strings.Contains(r.err, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.err)
				}
			}
			for _, w := range c.lacks {
				if strings.Contains(r.err, w) {
					t.Errorf("stderr has %q:\n%s", w, r.err)
				}
			}
			if c.code == 0 && r.err != "" {
				t.Errorf("stderr %q, want nothing with -q", r.err)
			}
			if c.code == 2 && strings.Count(strings.TrimSuffix(r.err, "\n"), "\n") != 0 {
				t.Errorf("want one line on stderr:\n%s", r.err)
			}
			noStackTrace(t, r.err)
			_, err := os.Stat(filepath.Join(dir, "run", "metrics.json"))
			if wrote := err == nil; wrote != (c.code != 2) {
				t.Errorf("metrics.json written: %v, want %v (a bad gate is found before training)", wrote, c.code != 2)
			}
		})
	}
}

// TestEvalGates: eval takes --fail-under and --fail-over on the keys of its
// JSON object; the report is printed either way, then exit 1 when a bound
// is missed; a key the model's report would not have is exit 2 before the
// data are read (the data path below does not exist for those cases).
func TestEvalGates(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV, "reg.yaml": regSpec,
		"reg.csv": "x,y\n1,2\n2,4.1\n3,5.9\n4,8.2\n5,9.8\n"})
	for _, spec := range []string{"spec.yaml", "reg.yaml"} {
		if r := nntrainIn(t, dir, nil, "train", "-q", "-c", spec, "--out", strings.TrimSuffix(spec, ".yaml")); r.code != 0 {
			t.Fatalf("train %s: exit %d\n%s", spec, r.code, r.err)
		}
	}
	r := nntrainIn(t, dir, nil, "eval", "-m", "spec/model.json", "-d", "train.csv", "--json")
	var rep map[string]any
	if err := json.Unmarshal([]byte(r.out), &rep); r.code != 0 || err != nil {
		t.Fatalf("eval --json: exit %d, %v\n%s%s", r.code, err, r.out, r.err)
	}
	loss, acc := rep["loss"].(float64), rep["accuracy"].(float64)
	pc := rep["per_class"].(map[string]any)["b"].(map[string]any)["recall"].(float64)
	if acc >= 1 || loss <= 0 {
		t.Fatalf("accuracy %v, loss %v: want < 1 and > 0 for the bounds below", acc, loss)
	}
	for _, c := range []struct {
		name   string
		model  string
		data   string
		args   []string
		code   int
		want   []string
		report bool // the report is on stdout
	}{
		{"both met exactly", "spec", "train.csv", []string{"--fail-under", "accuracy=" + g(acc), "--fail-over", "loss=" + g(loss)}, 0, nil, true},
		{"under missed", "spec", "train.csv", []string{"--fail-under", "accuracy=" + g(acc+0.01)}, 1,
			[]string{"nntrain eval: --fail-under: accuracy is ", "below " + g(acc+0.01)}, true},
		{"over missed", "spec", "train.csv", []string{"--fail-over", "loss=" + g(loss*0.99), "--fail-under", "rows=12"}, 1,
			[]string{"nntrain eval: --fail-over: loss is ", "above " + g(loss*0.99)}, true},
		{"per-class and confusion keys", "spec", "train.csv", []string{"--fail-under", "per_class.b.recall=" + g(pc), "--fail-over", "confusion.a.c=0", "--fail-over", "rows=11"}, 1,
			[]string{"nntrain eval: --fail-over: rows is 12, above 11"}, true},
		{"regression", "reg", "reg.csv", []string{"--fail-over", "rmse=1e9", "--fail-under", "rows=6"}, 1, []string{"--fail-under: rows is 5, below 6"}, true},
		{"unknown key", "spec", "absent.csv", []string{"--fail-under", "acuracy=0.5"}, 2,
			[]string{"nntrain eval: --fail-under acuracy: ", `no key "acuracy"`, "accuracy"}, false},
		{"a train path", "spec", "absent.csv", []string{"--fail-over", "validation.loss=0.5"}, 2,
			[]string{"nntrain eval: --fail-over validation.loss: ", `no key "validation.loss"`}, false},
		{"regression key on classes", "spec", "absent.csv", []string{"--fail-over", "rmse=0.5"}, 2, []string{`--fail-over rmse: no key "rmse"`}, false},
		{"class key on regression", "reg", "absent.csv", []string{"--fail-under", "accuracy=0.5"}, 2, []string{`--fail-under accuracy: no key "accuracy"`, "r2"}, false},
		{"roc_auc needs two classes", "spec", "absent.csv", []string{"--fail-under", "roc_auc=0.5"}, 2, []string{`no key "roc_auc"`}, false},
		{"no such class", "spec", "absent.csv", []string{"--fail-under", "per_class.z.f1=0.5"}, 2, []string{`no class "z" (have: a, b, c)`}, false},
		{"not a number", "spec", "absent.csv", []string{"--fail-over", "loss=x"}, 2, []string{"nntrain eval: --fail-over ", `"x" is not a number`}, false},
		{"no =", "spec", "absent.csv", []string{"--fail-under", "accuracy"}, 2, []string{"want KEY=VALUE, e.g. accuracy=0.9"}, false},
		{"no model", "nomodel", "train.csv", []string{"--fail-under", "accuracy=0.5"}, 2, []string{"nomodel/model.json"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, js := range []bool{false, true} {
				args := append([]string{"eval", "-m", c.model + "/model.json", "-d", c.data}, c.args...)
				if js {
					args = append(args, "--json")
				}
				r := nntrainIn(t, dir, nil, args...)
				if r.code != c.code {
					t.Errorf("json %v: exit %d, want %d\n%s", js, r.code, c.code, r.err)
				}
				for _, w := range c.want {
					if !strings.Contains(r.err, w) {
						t.Errorf("json %v: stderr lacks %q:\n%s", js, w, r.err)
					}
				}
				if c.code != 0 && strings.Count(strings.TrimSuffix(r.err, "\n"), "\n") != 0 {
					t.Errorf("want one line on stderr:\n%s", r.err)
				}
				if c.code == 0 && r.err != "" {
					t.Errorf("stderr %q, want nothing", r.err)
				}
				if got := r.out != ""; got != c.report {
					t.Errorf("json %v: report printed %v, want %v:\n%s", js, got, c.report, r.out)
				}
				if js && c.report && !strings.HasPrefix(r.out, `{"rows":`) {
					t.Errorf("stdout is not the report:\n%s", r.out)
				}
				noStackTrace(t, r.err)
			}
		})
	}
}
