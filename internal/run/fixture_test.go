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
			res, err := Train(context.Background(), sp, Options{Init: filepath.Join(dir, "init.json")})
			if err != nil {
				t.Fatal(err)
			}
			j := res.Job
			var losses []float64
			for _, ep := range res.History.Epochs {
				losses = append(losses, ep.TrainLoss)
			}
			fixture.CompareNet(t, e, j.Net, losses)
			nw := &fixture.Worst{T: t, Tol: e.Tolerance, Name: "normalize"}
			for i := range e.Final.Normalize.Offset {
				nw.Add(j.Norm.Offset[i], e.Final.Normalize.Offset[i])
				nw.Add(j.Norm.Scale[i], e.Final.Normalize.Scale[i])
			}
			nw.Check()
		})
	}
}
