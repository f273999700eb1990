package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/nntrain/nntrain/internal/fixture"
	"github.com/nntrain/nntrain/internal/model"
	"github.com/nntrain/nntrain/internal/network"
)

// The PyTorch fixtures through the real binary, as the contract checks them.
func TestFixturesCLI(t *testing.T) {
	root := repoRoot(t)
	sets := []struct {
		name string
		dirs []string
	}{
		{"float64", fixture.Dirs(t, root)},                 // to 1e-9
		{"float32", fixture.DirsOf(t, root, "fixtures32")}, // train.precision float32, to 1e-5
	}
	// Every kernel this machine runs (issue 13: the fixtures hold on each).
	for _, k := range network.Kernels() {
		for _, set := range sets {
			for _, dir := range set.dirs {
				t.Run(k.String()+"/"+set.name+"/"+filepath.Base(dir), func(t *testing.T) { fixtureCLI(t, dir, k) })
			}
		}
	}
}

func fixtureCLI(t *testing.T, dir string, k network.Kernel) {
	fixture.SkipUnsupported(t, dir)
	e := fixture.ReadExpected(t, dir)
	if fixture.HasMasks(dir) {
		t.Skip("dropout: the binary draws its own masks; run.TestFixturesLibrary replays the fixture's")
	}
	out := t.TempDir()
	r := nntrain(t, []string{network.KernelEnv + "=" + k.String()}, "train", "--config", filepath.Join(dir, "spec.yaml"), "--init", filepath.Join(dir, "init.json"), "--out", out, "--quiet")
	if r.code != 0 || r.out != "" || r.err != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and silence", r.code, r.out, r.err)
	}
	m, err := model.ReadFile(filepath.Join(out, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(out, "cost.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "epoch" || recs[0][1] != "train_loss" {
		t.Fatalf("cost.csv header %v, want epoch,train_loss,...", recs[0])
	}
	lrCol := slices.Index(recs[0], "lr")
	if (lrCol >= 0) != (e.LR != nil) {
		t.Errorf("cost.csv header %v: an lr column %v, want %v (a schedule is set)", recs[0], lrCol >= 0, e.LR != nil)
	}
	var losses, lrs []float64
	for i, rec := range recs[1:] {
		if rec[0] != strconv.Itoa(i+1) {
			t.Errorf("cost.csv row %d: epoch %s, want %d", i+1, rec[0], i+1)
		}
		v, err := strconv.ParseFloat(rec[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		losses = append(losses, v)
		if lrCol >= 0 {
			lr, err := strconv.ParseFloat(rec[lrCol], 64)
			if err != nil {
				t.Fatal(err)
			}
			lrs = append(lrs, lr)
		}
	}
	fixture.CompareNet(t, e, m.Net, losses)
	if want := e.Final.Precision; m.Precision.String() != want && !(want == "" && m.Precision == network.Float64) {
		t.Errorf("model.json precision %v, want %q", m.Precision, want)
	}
	if got, want := m.Features, e.Final.Features; !slices.Equal(got, want) {
		t.Errorf("features (the inputs after encoding) %q, want %q", got, want)
	}
	fixture.CompareLR(t, e, lrs)
	fixture.CompareEncoder(t, dir, e, m.Encoder)
	if got, want := m.Classes, e.Final.Classes; len(got) != len(want) {
		t.Errorf("classes %v, want %v", got, want)
	} else {
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("classes %v, want %v", got, want)
				break
			}
		}
	}
}
