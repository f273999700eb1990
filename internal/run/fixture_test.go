package run

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/fixture"
	"github.com/nntrain/nntrain/internal/network"
	"github.com/nntrain/nntrain/internal/spec"
)

// The PyTorch fixtures through the library: spec → data → network → Train
// (the fixtures have no validation split, so the run trains on every row).
func TestFixturesLibrary(t *testing.T) {
	for _, dir := range fixture.Dirs(t, "../..") {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			fixture.SkipUnsupported(t, dir)
			e := fixture.ReadExpected(t, dir)
			j, _, losses, lrs := trainFixture(t, dir)
			fixture.CompareNet(t, e, j.Net, losses)
			fixture.CompareLR(t, e, lrs)
			nw := &fixture.Worst{T: t, Tol: e.Tolerance, Name: "normalize"}
			for i := range e.Final.Normalize.Offset {
				nw.Add(j.Norm.Offset[i], e.Final.Normalize.Offset[i])
				nw.Add(j.Norm.Scale[i], e.Final.Normalize.Scale[i])
			}
			nw.Check()
		})
	}
}

// trainFixture trains a fixture case through the library, as the command
// does, with the case's dropout masks replayed, and returns the job, its
// result and each epoch's train_loss and learning rate.
func trainFixture(t *testing.T, dir string) (*Job, *Result, []float64, []float64) {
	t.Helper()
	sp, err := spec.Load(filepath.Join(dir, "spec.yaml"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	j, err := Load(sp)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Init(filepath.Join(dir, "init.json")); err != nil {
		t.Fatal(err)
	}
	fill, done := fixture.Masks(t, dir)
	j.MaskFill = fill // PyTorch's dropout masks instead of our draws
	res, err := j.Fit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if done != nil {
		done()
	}
	var losses, lrs []float64
	for _, ep := range res.History.Epochs {
		losses = append(losses, ep.TrainLoss)
		lrs = append(lrs, ep.LR)
	}
	return j, res, losses, lrs
}

// The sample-weight fixtures through the library, before the data.weight
// key exists: the weight column is read here and left out of the features,
// so the weighted loss and its gradient are checked against PyTorch now.
// Once data.weight is read by the spec and dataset, TestFixturesLibrary and
// the binary's fixture test cover these cases too.
func TestFixturesSampleWeightsLibrary(t *testing.T) {
	n := 0
	for _, dir := range fixture.Dirs(t, "../..") {
		col := fixture.WeightColumn(t, dir)
		if col == "" {
			continue
		}
		n++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			e := fixture.ReadExpected(t, dir)
			text, err := os.ReadFile(filepath.Join(dir, "spec.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			for _, line := range strings.Split(string(text), "\n") {
				if !strings.HasPrefix(line, "  weight: ") {
					kept = append(kept, line)
				}
			}
			sp, err := spec.Parse(filepath.Join(dir, "spec.yaml"), []byte(strings.Join(kept, "\n")), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			header, err := dataset.Header(sp.Data.Train)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range header {
				if h != col && !slices.Contains(sp.Data.Target, h) {
					sp.Data.Features = append(sp.Data.Features, h)
				}
			}
			j, err := Load(sp)
			if err != nil {
				t.Fatal(err)
			}
			if err := j.Init(filepath.Join(dir, "init.json")); err != nil {
				t.Fatal(err)
			}
			ws, err := dataset.LoadFeatures(sp.Data.Train, []string{col})
			if err != nil {
				t.Fatal(err)
			}
			w := ws.X
			if cw := j.Weights[j.Train]; cw != nil {
				for i := range w {
					w[i] *= cw[i]
				}
			}
			pool := network.NewPool(2)
			defer pool.Close()
			res, err := backprop.Train(context.Background(), j.Net, pool, j.Config, Data(j.Train, w), nil, NewSource(sp.Seed, streamShuffle))
			if err != nil {
				t.Fatal(err)
			}
			var losses []float64
			for _, ep := range res.Epochs {
				losses = append(losses, ep.TrainLoss)
			}
			fixture.CompareNet(t, e, j.Net, losses)
		})
	}
	if n < 4 {
		t.Errorf("found %d fixtures with a weight column, want at least 4", n)
	}
}
