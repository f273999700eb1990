package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/model"
)

// tabularCSV is a raw export: semicolons, decimal commas, an ID, text and
// integer categories, NA and empty cells, a class target.
func tabularCSV(rows int, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	b.WriteString("id;sex;pclass;age;fare;survived\n")
	for i := range rows {
		sex := []string{"female", "male"}[rng.IntN(2)]
		pclass := 1 + rng.IntN(3)
		age := fmt.Sprintf("%d,%d", 1+rng.IntN(70), rng.IntN(10))
		if rng.IntN(6) == 0 {
			age = "NA"
		}
		fare := fmt.Sprintf("%d,%02d", 5+rng.IntN(100), rng.IntN(100))
		if rng.IntN(10) == 0 {
			fare = ""
		}
		survived := "no"
		if (sex == "female") != (rng.IntN(5) == 0) {
			survived = "yes"
		}
		fmt.Fprintf(&b, "P%04d;%s;%d;%s;%s;%s\n", i, sex, pclass, age, fare, survived)
	}
	return b.String()
}

const tabularSpec = `name: tabular
seed: 3
data:
  train: train.csv
  target: survived
  exclude: [id]
  categorical: [pclass]
  delimiter: ";"
  decimal: ","
  validation_split: 0.25
  normalize: standard
model:
  layers:
    - {units: 6, activation: tanh}
    - {units: 1, activation: sigmoid}
loss: bce
train:
  optimizer: adam
  learning_rate: 0.05
  epochs: 30
  batch_size: 16
output:
  dir: run
`

// TestTabularEndToEnd trains on a raw file with only spec keys, then
// predicts and evaluates raw rows with the stored preprocessing.
func TestTabularEndToEnd(t *testing.T) {
	dir := t.TempDir()
	later := "age;id;sex;pclass;fare;survived\n30;Q1;female;1;7,25;yes\nNA;Q2;male;4;;no\n41,5;Q3;other;2;8;no\n"
	writeFiles(t, dir, map[string]string{"spec.yaml": tabularSpec, "train.csv": tabularCSV(200, 1), "later.csv": later})
	r := nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml")
	if r.code != 0 || r.err != "" {
		t.Fatalf("train: exit %d\n%s", r.code, r.err)
	}
	// A test file with categories the training rows lack: train says so.
	r = nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml", "--set", "data.test=later.csv", "--out", "run2")
	if want := `nntrain train: later.csv: column "sex": 1 row has a category that the training rows did not have (the first: "other")`; r.code != 0 || !strings.HasPrefix(r.err, want) {
		t.Errorf("train with a test file: exit %d\n%s\nwant it to start %s", r.code, r.err, want)
	}
	m, err := model.ReadFile(filepath.Join(dir, "run", "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantInputs := []string{"sex=female", "sex=male", "pclass=1", "pclass=2", "pclass=3", "age", "fare"}
	if m.Version != 2 || strings.Join(m.Features, " ") != strings.Join(wantInputs, " ") {
		t.Fatalf("model: version %d, features %q; want 2 and %q", m.Version, m.Features, wantInputs)
	}
	for j, num := range m.Encoder.NumberInputs() {
		if !num && (m.Normalize.Offset[j] != 0 || m.Normalize.Scale[j] != 1) {
			t.Errorf("one-hot input %s normalised: offset %v scale %v", m.Features[j], m.Normalize.Offset[j], m.Normalize.Scale[j])
		}
	}

	r = nntrainIn(t, dir, nil, "predict", "-m", "run/model.json", "-d", "later.csv", "--keep", "id", "--keep", "age")
	if r.code != 0 {
		t.Fatalf("predict: exit %d\n%s", r.code, r.err)
	}
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if len(lines) != 4 || lines[0] != "id,age,survived,p_no,p_yes" || !strings.HasPrefix(lines[1], "Q1,30,") || !strings.HasPrefix(lines[2], "Q2,NA,") {
		t.Errorf("predict output:\n%s", r.out)
	}
	wantErr := `nntrain predict: column "sex": 1 row has a category that the training rows did not have (the first: "other"); their "sex" inputs are all 0
nntrain predict: column "pclass": 1 row has a category that the training rows did not have (the first: "4"); their "pclass" inputs are all 0
`
	if r.err != wantErr {
		t.Errorf("predict stderr:\n%s\nwant\n%s", r.err, wantErr)
	}

	// The same rows comma-separated with decimal points, by flags; and
	// gzipped on stdin.
	comma := strings.NewReplacer(",", ".", ";", ",").Replace(later)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(comma))
	zw.Close()
	writeFiles(t, dir, map[string]string{"comma.csv": comma})
	r2 := nntrainIn(t, dir, nil, "predict", "-m", "run/model.json", "-d", "comma.csv", "--delimiter", ",", "--decimal", ".", "--keep", "id", "--keep", "age")
	if r2.code != 0 || strings.ReplaceAll(r2.out, "41.5", "41,5") != strings.ReplaceAll(r.out, `"41,5"`, "41,5") {
		t.Errorf("--delimiter , --decimal .: exit %d\n%s\nwant the predictions of\n%s\n%s", r2.code, r2.out, r.out, r2.err)
	}
	cmd := exec.Command(binary, "predict", "-m", "run/model.json", "-d", "-", "--delimiter", ",", "--decimal", ".")
	cmd.Dir, cmd.Stdin = dir, &gz
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("predict from stdin: %v\n%s", err, e.String())
	}
	if got := strings.Split(o.String(), "\n")[1]; !strings.HasSuffix(lines[1], got) {
		t.Errorf("stdin: first prediction %q, want the end of %q", got, lines[1])
	}

	r = nntrainIn(t, dir, nil, "eval", "-m", "run/model.json", "-d", "later.csv", "--json")
	if r.code != 0 || !strings.Contains(r.out, `"rows":3`) || !strings.Contains(r.err, `column "sex": 1 row has`) {
		t.Errorf("eval: exit %d\n%s\n%s", r.code, r.out, r.err)
	}

	r = nntrainIn(t, dir, nil, "params", "-c", "spec.yaml")
	for _, want := range []string{"6×7", "7 inputs from 4 columns", "sex     category  2 (female, male)", "pclass  category  3 (1, 2, 3)", "age     number    1"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("params lacks %q:\n%s", want, r.out)
		}
	}
}

// TestTabularTrainFromStdin reads the training file from stdin.
func TestTabularTrainFromStdin(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tabularSpec})
	cmd := exec.Command(binary, "train", "-q", "-c", "spec.yaml", "--set", "data.train=-")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(tabularCSV(100, 2))
	var e bytes.Buffer
	cmd.Stderr = &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, e.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "run", "model.json")); err != nil {
		t.Error(err)
	}
}
