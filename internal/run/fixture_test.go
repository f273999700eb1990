package run

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/nntrain/nntrain/internal/fixture"
	"github.com/nntrain/nntrain/internal/spec"
)

// The PyTorch fixtures through the library: spec → data → network → Train
// (the fixtures have no validation split, so the run trains on every row).
func TestFixturesLibrary(t *testing.T) {
	for _, dir := range fixture.Dirs(t, "../..") {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			e := fixture.ReadExpected(t, dir)
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
