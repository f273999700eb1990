package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// trainFixture trains a committed fixture's spec into dir/out and returns
// the model path and the fixture's data path (both absolute).
func trainFixture(t *testing.T, dir, fixture, out string) (model, data string) {
	t.Helper()
	root := repoRoot(t)
	sp := filepath.Join(root, "testdata", "fixtures", fixture, "spec.yaml")
	model = filepath.Join(dir, out, "model.json")
	if r := nntrainIn(t, dir, nil, "train", "-q", "-c", sp, "--out", out); r.code != 0 {
		t.Fatalf("train %s: exit %d\n%s", fixture, r.code, r.err)
	}
	return model, filepath.Join(root, "testdata", "fixtures", fixture, "data.csv")
}

// readCSV parses predict's output.
func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("predict output (%v):\n%s", err, s)
	}
	return rows
}

// TestPredictThreshold: --threshold T gives the second class exactly to the
// rows whose p_<second class> is at least T, with the probabilities
// unchanged; the default is 0.5; other models and bad values are exit 2
// before anything is written.
func TestPredictThreshold(t *testing.T) {
	dir := t.TempDir()
	bin, binData := trainFixture(t, dir, "bce_no_yes_first_momentum_batch10", "bin")
	ce, ceData := trainFixture(t, dir, "ce_int_labels_sgd_batch12", "ce")
	ml, mlData := trainFixture(t, dir, "bce_multilabel_adam_batch10", "ml")
	reg, regData := trainFixture(t, dir, "mse_two_targets_sgd_batch10", "reg")

	base := nntrainIn(t, dir, nil, "predict", "-m", bin, "-d", binData)
	if base.code != 0 {
		t.Fatalf("predict: exit %d\n%s", base.code, base.err)
	}
	want := readCSV(t, base.out)
	if strings.Join(want[0], ",") != "answer,p_no,p_yes" {
		t.Fatalf("header %q", want[0])
	}
	for _, c := range []struct {
		threshold string
		changed   bool // some row's class differs from the 0.5 one
	}{{"0.5", false}, {"0.3", true}, {"0.7", true}, {"0", true}, {"1", true}, {"0.25e1", false}} {
		t.Run(c.threshold, func(t *testing.T) {
			r := nntrainIn(t, dir, nil, "predict", "-m", bin, "-d", binData, "--threshold", c.threshold)
			if c.threshold == "0.25e1" {
				// 2.5: out of [0, 1].
				if r.code != exitBadInput || r.out != "" || !strings.Contains(r.err, "nntrain predict: --threshold 2.5: want a number from 0 to 1") {
					t.Errorf("exit %d, stdout %q\n%s", r.code, r.out, r.err)
				}
				return
			}
			if r.code != 0 || r.err != "" {
				t.Fatalf("exit %d\n%s", r.code, r.err)
			}
			th, _ := strconv.ParseFloat(c.threshold, 64)
			got := readCSV(t, r.out)
			changed := false
			for i := 1; i < len(got); i++ {
				py, _ := strconv.ParseFloat(got[i][2], 64)
				wantClass := "no"
				if py >= th {
					wantClass = "yes"
				}
				if got[i][0] != wantClass || got[i][1] != want[i][1] || got[i][2] != want[i][2] {
					t.Errorf("row %d: %q, want class %s at p_yes %v and the probabilities of %q", i, got[i], wantClass, py, want[i])
				}
				changed = changed || got[i][0] != want[i][0]
			}
			if changed != c.changed {
				t.Errorf("a class differs from the default's: %v, want %v", changed, c.changed)
			}
		})
	}

	for _, c := range []struct {
		name, model, data, threshold string
		want                         []string
	}{
		{"softmax classes", ce, ceData, "0.3", []string{"nntrain predict: --threshold 0.3: ", ce, "one output unit", "has 3 classes (2, 7, 10) with a cross_entropy output"}},
		{"multi-label", ml, mlData, "0.5", []string{"nntrain predict: --threshold 0.5: ", "multi-label (3 sigmoid outputs: t1, t2, t3)"}},
		{"regression", reg, regData, "0.5", []string{"nntrain predict: --threshold 0.5: ", "regression (loss mse)"}},
		{"NaN", bin, binData, "NaN", []string{"nntrain predict: --threshold NaN: want a number from 0 to 1"}},
		{"negative", bin, binData, "-0.1", []string{"nntrain predict: --threshold -0.1: want a number from 0 to 1"}},
		{"infinite", bin, binData, "Inf", []string{"--threshold +Inf: want a number from 0 to 1"}},
		{"text", bin, binData, "half", []string{`invalid argument "half" for "--threshold"`}},
		{"before the data are read", ce, "absent.csv", "0.5", []string{"has 3 classes"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, "pred-"+c.name+".csv")
			r := nntrainIn(t, dir, nil, "predict", "-m", c.model, "-d", c.data, "--threshold", c.threshold, "--out", out)
			if r.code != exitBadInput || r.out != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", r.code, r.out, exitBadInput)
			}
			for _, w := range c.want {
				if !strings.Contains(r.err, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.err)
				}
			}
			if strings.Count(strings.TrimSuffix(r.err, "\n"), "\n") != 0 {
				t.Errorf("want one line:\n%s", r.err)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was written", out)
			}
			noStackTrace(t, r.err)
		})
	}
}

// TestPredictMultiLabel: a multi-label model's predictions are one 0/1
// column per target (on at p ≥ 0.5), then p_<target> per target; the labels
// agree with eval's hamming_accuracy on the same rows.
func TestPredictMultiLabel(t *testing.T) {
	dir := t.TempDir()
	ml, data := trainFixture(t, dir, "bce_multilabel_adam_batch10", "ml")
	r := nntrainIn(t, dir, nil, "predict", "-m", ml, "-d", data, "--keep", "t2")
	if r.code != 0 {
		t.Fatalf("predict: exit %d\n%s", r.code, r.err)
	}
	got := readCSV(t, r.out)
	if h := strings.Join(got[0], ","); h != "t2,t1,t2,t3,p_t1,p_t2,p_t3" {
		t.Fatalf("header %s, want t2 (kept), t1,t2,t3, p_t1,p_t2,p_t3", h)
	}
	truth := readCSV(t, mustRead(t, data)) // x1,x2,x3,t1,t2,t3
	right, ons := 0, 0
	for i := 1; i < len(got); i++ {
		for j := 0; j < 3; j++ {
			p, err := strconv.ParseFloat(got[i][4+j], 64)
			if err != nil || p < 0 || p > 1 {
				t.Fatalf("row %d: p_t%d %q", i, j+1, got[i][4+j])
			}
			label := "0"
			if p >= 0.5 {
				label, ons = "1", ons+1
			}
			if got[i][1+j] != label {
				t.Errorf("row %d: t%d is %q at p %v, want %s", i, j+1, got[i][1+j], p, label)
			}
			if got[i][1+j] == truth[i][3+j] {
				right++
			}
		}
		if got[i][0] != truth[i][4] {
			t.Errorf("row %d: kept t2 %q, want %q", i, got[i][0], truth[i][4])
		}
	}
	if ons == 0 || ons == 3*(len(got)-1) {
		t.Errorf("%d labels on of %d: want both kinds", ons, 3*(len(got)-1))
	}
	e := nntrainIn(t, dir, nil, "eval", "-m", ml, "-d", data, "--json")
	var rep struct {
		Hamming float64 `json:"hamming_accuracy"`
	}
	if err := json.Unmarshal([]byte(e.out), &rep); e.code != 0 || err != nil {
		t.Fatalf("eval: exit %d %v\n%s%s", e.code, err, e.out, e.err)
	}
	if h := float64(right) / float64(3*(len(got)-1)); h != rep.Hamming {
		t.Errorf("predict's labels are right for %v of the cells, eval's hamming_accuracy is %v", h, rep.Hamming)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPredictEvalFileForms: predict and eval read a .gz file and stdin
// (plain or gzip) as the plain file; a header that holds another delimiter
// than the model's is exit 2 naming the one to set, from a file or stdin.
func TestPredictEvalFileForms(t *testing.T) {
	dir := t.TempDir()
	model, data := trainFixture(t, dir, "bce_no_yes_first_momentum_batch10", "bin")
	plain := mustRead(t, data)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(plain))
	zw.Close()
	semi := strings.ReplaceAll(plain, ",", ";")
	writeFiles(t, dir, map[string]string{"d.csv.gz": gz.String(), "semi.csv": semi, "tab.tsv": strings.ReplaceAll(plain, ",", "\t")})

	stdin := func(input string, args ...string) result {
		t.Helper()
		cmd := exec.Command(binary, args...)
		cmd.Dir, cmd.Stdin = dir, strings.NewReader(input)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{code, o.String(), e.String()}
	}
	for _, cmd := range []string{"predict", "eval"} {
		t.Run(cmd, func(t *testing.T) {
			want := nntrainIn(t, dir, nil, cmd, "-m", model, "-d", data)
			if want.code != 0 || want.out == "" {
				t.Fatalf("exit %d\n%s", want.code, want.err)
			}
			for name, r := range map[string]result{
				".gz file":        nntrainIn(t, dir, nil, cmd, "-m", model, "-d", "d.csv.gz"),
				"stdin":           stdin(plain, cmd, "-m", model, "-d", "-"),
				"gzip on stdin":   stdin(gz.String(), cmd, "-m", model, "-d", "-"),
				"--delimiter ';'": nntrainIn(t, dir, nil, cmd, "-m", model, "-d", "semi.csv", "--delimiter", ";"),
			} {
				if r.code != 0 || r.out != want.out || r.err != "" {
					t.Errorf("%s: exit %d, output differs from the plain file's: %v\n%s", name, r.code, r.out != want.out, r.err)
				}
			}
			for name, c := range map[string]struct {
				r    result
				want string
			}{
				"semicolons": {nntrainIn(t, dir, nil, cmd, "-m", model, "-d", "semi.csv"),
					`semi.csv: line 1: delimiter: the header holds no "," but holds ";": set the delimiter to ";" (data.delimiter in a spec, --delimiter for predict and eval)`},
				"tabs":                {nntrainIn(t, dir, nil, cmd, "-m", model, "-d", "tab.tsv"), `tab.tsv: line 1: delimiter: the header holds no "," but holds "\t": set the delimiter to "\t"`},
				"semicolons on stdin": {stdin(semi, cmd, "-m", model, "-d", "-"), `stdin: line 1: delimiter: the header holds no "," but holds ";": set the delimiter to ";"`},
				"commas with --delimiter ';'": {nntrainIn(t, dir, nil, cmd, "-m", model, "-d", data, "--delimiter", ";"),
					`line 1: delimiter: the header holds no ";" but holds ",": set the delimiter to ","`},
			} {
				if c.r.code != exitBadInput || c.r.out != "" || !strings.Contains(c.r.err, c.want) || strings.Count(c.r.err, "\n") != 1 {
					t.Errorf("%s: exit %d, stdout %q, stderr\n%s\nwant exit 2 and one line holding\n%s", name, c.r.code, c.r.out, c.r.err, c.want)
				}
			}
		})
	}
}
