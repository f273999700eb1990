package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/metrics"
)

// On the 95/5 file of testdata/imbalanced, the plain mean loss leaves the
// rare class almost never predicted; class_weight: balanced must find most
// of it on the held-out test rows, end to end from the command line.
func TestClassWeightBalancedRaisesRareRecall(t *testing.T) {
	recall := map[string]float64{}
	for _, run := range []struct {
		name string
		args []string
	}{
		{"plain", nil},
		{"balanced", []string{"--set", "train.class_weight=balanced"}},
	} {
		out := t.TempDir()
		args := append([]string{"train", "--config", "testdata/imbalanced/spec.yaml", "--out", out, "--quiet"}, run.args...)
		if r := nntrain(t, nil, args...); r.code != 0 {
			t.Fatalf("%s: exit %d: %s", run.name, r.code, r.err)
		}
		f, err := os.Open(filepath.Join(out, "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		all, err := metrics.ReadJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		test := all["test"]
		recall[run.name] = test.PerClass["yes"].Recall
		b, _ := json.Marshal(map[string]any{"accuracy": test.Accuracy, "yes": test.PerClass["yes"], "roc_auc": test.RocAUC})
		t.Logf("%s: test %s", run.name, b)
	}
	if recall["plain"] > 0.3 {
		t.Errorf("plain run: test recall of yes %.3f; the file should leave it low (< 0.3) without weights", recall["plain"])
	}
	if recall["balanced"] < 0.5 || recall["balanced"] < 2*recall["plain"] {
		t.Errorf("class_weight balanced: test recall of yes %.3f, want ≥ 0.5 and at least twice the plain run's %.3f", recall["balanced"], recall["plain"])
	}
}

// A multi-label model (several 0/1 targets with bce) is scored as such by
// train and eval: subset accuracy as recomputed here from predict's outputs,
// Hamming accuracy, per_target.
func TestMultiLabelScores(t *testing.T) {
	dir := filepath.Join("testdata", "fixtures", "bce_multilabel_adam_batch10")
	out := t.TempDir()
	if r := nntrain(t, nil, "train", "--config", filepath.Join(dir, "spec.yaml"), "--init", filepath.Join(dir, "init.json"), "--out", out, "--quiet"); r.code != 0 {
		t.Fatalf("train: exit %d: %s", r.code, r.err)
	}
	model, data := filepath.Join(out, "model.json"), filepath.Join(dir, "data.csv")
	r := nntrain(t, nil, "eval", "--model", model, "--data", data, "--json")
	if r.code != 0 {
		t.Fatalf("eval: exit %d: %s", r.code, r.err)
	}
	var rep metrics.Report
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.HammingAccuracy == nil || rep.Accuracy == nil || len(rep.PerTarget) != 3 || rep.PerClass != nil || rep.R2 != nil {
		t.Fatalf("eval --json is not a multi-label report: %s", r.out)
	}
	p := nntrain(t, nil, "predict", "--model", model, "--data", data)
	if p.code != 0 {
		t.Fatalf("predict: exit %d: %s", p.code, p.err)
	}
	preds, err := csv.NewReader(strings.NewReader(p.out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(repoRoot(t), data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	truth, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// A 0/1 label per target, then p_<target> per target.
	if h := strings.Join(preds[0], ","); h != "t1,t2,t3,p_t1,p_t2,p_t3" {
		t.Fatalf("predict header %s", h)
	}
	exact, right := 0, 0
	for i, row := range preds[1:] {
		all := true
		for j, cell := range row[3:] {
			v, _ := strconv.ParseFloat(cell, 64)
			on := v >= 0.5
			if row[j] != map[bool]string{false: "0", true: "1"}[on] {
				t.Errorf("row %d: label %s is %q at p %v", i+1, preds[0][j], row[j], v)
			}
			if on == (truth[i+1][3+j] == "1") {
				right++
			} else {
				all = false
			}
		}
		if all {
			exact++
		}
	}
	n := len(preds) - 1
	if got, want := *rep.Accuracy, float64(exact)/float64(n); got != want {
		t.Errorf("accuracy %v, want %v (rows with every label right)", got, want)
	}
	if got, want := *rep.HammingAccuracy, float64(right)/float64(3*n); got != want {
		t.Errorf("hamming_accuracy %v, want %v", got, want)
	}
	b, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"hamming_accuracy"`) || !strings.Contains(string(b), `"per_target"`) {
		t.Errorf("metrics.json lacks the multi-label keys:\n%s", b)
	}
}
