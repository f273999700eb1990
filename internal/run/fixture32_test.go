package run

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/nntrain/nntrain/internal/fixture"
)

// The PyTorch float32 fixtures (testdata/fixtures32, `train.precision:
// float32`, testdata/gen/make_fixtures32.py) through the library, as
// TestFixturesLibrary runs the float64 ones: spec → data → network → Fit,
// dropout masks replayed. The weights are read back from the model.json
// bytes the run would write, which must say "precision": "float32", and
// are compared with PyTorch's at the case's tolerance (1e-5, CONTRACT.md
// "Precision"), as are train_loss, the lr of a schedule and the
// normalisation statistics.
func TestFixtures32(t *testing.T) {
	dirs := fixture.DirsOf(t, "../..", "fixtures32")
	if len(dirs) < 20 {
		t.Fatalf("found %d float32 fixtures in testdata/fixtures32, want at least 20", len(dirs))
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			e := fixture.ReadExpected(t, dir)
			if e.Final.Precision != "float32" || e.Tolerance != 1e-5 {
				t.Fatalf("expected.json: precision %q, tolerance %g; want a float32 case at 1e-5", e.Final.Precision, e.Tolerance)
			}
			j, res, losses, lrs := trainFixture(t, dir)
			got := fixture.ParseModel(t, res.ModelJSON)
			if got.Precision != "float32" {
				t.Errorf("model.json: precision %q, want \"float32\"", got.Precision)
			}
			fixture.CompareLayers(t, e, got.Layers, losses)
			fixture.CompareLR(t, e, lrs)
			if !slices.Equal(got.Features, e.Final.Features) || !slices.Equal(got.Classes, e.Final.Classes) {
				t.Errorf("model.json: features %q, classes %q; want %q, %q", got.Features, got.Classes, e.Final.Features, e.Final.Classes)
			}
			fixture.CompareEncoder(t, dir, e, j.Encoder)
			if len(got.Normalize.Offset) != len(e.Final.Normalize.Offset) || len(got.Normalize.Scale) != len(e.Final.Normalize.Scale) {
				t.Fatalf("model.json: normalize has %d offsets and %d scales, want %d", len(got.Normalize.Offset), len(got.Normalize.Scale), len(e.Final.Normalize.Offset))
			}
			nw := &fixture.Worst{T: t, Tol: e.Tolerance, Name: "normalize"}
			for i := range e.Final.Normalize.Offset {
				nw.Add(got.Normalize.Offset[i], e.Final.Normalize.Offset[i])
				nw.Add(got.Normalize.Scale[i], e.Final.Normalize.Scale[i])
			}
			nw.Check()
		})
	}
}
