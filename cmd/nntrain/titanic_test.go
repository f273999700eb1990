package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/model"
)

// TestTitanicSmoke: the bundled Titanic file (text columns, 263 NA ages,
// a name column) trains from configs/titanic.yaml alone (two epochs here,
// to stay fast); without its exclude the name column is refused as an ID;
// predict and eval read the raw file with the stored preprocessing.
func TestTitanicSmoke(t *testing.T) {
	dir := t.TempDir()
	root := repoRoot(t)
	run := filepath.Join(dir, "run")
	r := nntrain(t, nil, "train", "-q", "-c", "configs/titanic.yaml", "--set", "train.epochs=2", "--out", run)
	if r.code != 0 || r.err != "" {
		t.Fatalf("train: exit %d\n%s", r.code, r.err)
	}
	m, err := model.ReadFile(filepath.Join(run, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(m.Features, " "), "sex=female sex=male age passengerClass=1st passengerClass=2nd passengerClass=3rd"; got != want {
		t.Errorf("inputs %q, want %q", got, want)
	}
	if got := strings.Join(m.Classes, " "); got != "no yes" {
		t.Errorf("classes %q", got)
	}

	keep := nntrain(t, nil, "predict", "-m", filepath.Join(run, "model.json"), "-d", "data/titanic.csv", "--keep", "name", "--threshold", "0.3")
	lines := strings.Split(strings.TrimSuffix(keep.out, "\n"), "\n")
	if keep.code != 0 || len(lines) != 1310 || lines[0] != "name,survived,p_no,p_yes" || !strings.HasPrefix(lines[1], `"Allen, Miss. Elisabeth Walton",`) {
		t.Errorf("predict: exit %d, %d lines, header %q\n%s", keep.code, len(lines), lines[0], keep.err)
	}
	e := nntrain(t, nil, "eval", "-m", filepath.Join(run, "model.json"), "-d", "data/titanic.csv", "--json", "--fail-under", "rows=1309", "--fail-over", "rows=1309")
	if e.code != 0 || !strings.Contains(e.out, `"roc_auc":`) {
		t.Errorf("eval: exit %d\n%s%s", e.code, e.out, e.err)
	}

	// The same spec without data.exclude: the name column is an ID.
	spec, err := os.ReadFile(filepath.Join(root, "configs", "titanic.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	noExclude := strings.Replace(string(spec), "  exclude: [name]\n", "", 1)
	noExclude = strings.Replace(noExclude, "../data/titanic.csv", filepath.Join(root, "data", "titanic.csv"), 1)
	if noExclude == string(spec) {
		t.Fatal("configs/titanic.yaml has no exclude line to remove")
	}
	writeFiles(t, dir, map[string]string{"t.yaml": noExclude})
	r = nntrainIn(t, dir, nil, "train", "-q", "-c", "t.yaml", "--out", "bad")
	want := `titanic.csv: column "name": 1047 different texts in 1047 training rows: this looks like an ID, not a category; add the column to data.exclude`
	if r.code != exitBadInput || !strings.Contains(r.err, want) || strings.Count(r.err, "\n") != 1 {
		t.Errorf("without exclude: exit %d\n%s\nwant exit 2 and one line holding %s", r.code, r.err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad")); err == nil {
		t.Error("the refused run made its folder")
	}
	noStackTrace(t, r.err)
}
