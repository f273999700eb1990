package run

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/network"
	"github.com/nntrain/nntrain/internal/spec"
)

// writeFloat32Case writes train.csv, test.csv and spec.yaml to dir: rows
// training rows of nf number features (decimals that float32 does not
// hold, some missing), with a category column when cats is set, a
// two-class target, and a spec with a validation split, minmax or standard
// normalisation and the given precision.
func writeFloat32Case(t testing.TB, dir string, rows, nf int, cats bool, precision string) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	header := make([]string, 0, nf+2)
	for j := range nf {
		header = append(header, fmt.Sprintf("x%d", j))
	}
	if cats {
		header = append(header, "kind")
	}
	header = append(header, "y")
	for _, f := range []struct {
		name string
		rows int
	}{{"train.csv", rows}, {"test.csv", rows / 4}} {
		var b strings.Builder
		b.WriteString(strings.Join(header, ",") + "\n")
		for i := range f.rows {
			s := 0.0
			for j := range nf {
				v := rng.NormFloat64()
				s += v
				if i%17 == j%17 && j < 3 {
					b.WriteString(",") // missing: the mean fills it
					continue
				}
				fmt.Fprintf(&b, "%.7f,", v)
			}
			if cats {
				b.WriteString([]string{"a", "b", "c"}[i%3] + ",")
			}
			y := "no"
			if s > 0 {
				y = "yes"
			}
			b.WriteString(y + "\n")
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	yaml := fmt.Sprintf(`name: f32
seed: 9
data: {train: train.csv, test: test.csv, target: y, validation_split: 0.2, shuffle: true, normalize: standard}
model:
  layers:
    - {units: 8, activation: tanh}
    - {units: 2, activation: softmax}
loss: cross_entropy
train: {optimizer: adam, learning_rate: 0.01, epochs: 3, batch_size: 32, precision: %s, workers: 1}
output: {dir: run}
`, precision)
	path := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A float32 job holds its inputs in float32 only (train, validation and
// test sets, and what the trainer is given), with number columns only and
// with a category column; its model.json, applied by eval to the test file,
// scores exactly what the run's metrics.json says of the test split, so
// predict and eval read the inputs as the run did (rounded to float32 as
// read, then normalised).
func TestFloat32JobHoldsNoFloat64Inputs(t *testing.T) {
	for _, cats := range []bool{false, true} {
		t.Run(fmt.Sprintf("categories=%v", cats), func(t *testing.T) {
			dir := t.TempDir()
			sp, err := spec.Load(writeFloat32Case(t, dir, 400, 5, cats, "float32"), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			j, err := Load(sp)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range []*dataset.Set{j.Train, j.Val, j.Test} {
				if d.X != nil || len(d.X32) != d.Rows*len(d.Features) {
					t.Fatalf("%s: a float32 job's set holds a float64 X of %d values (X32 %d)", d.Path, len(d.X), len(d.X32))
				}
				if bd := j.Data(d); bd.X != nil || &bd.X32[0] != &d.X32[0] {
					t.Fatalf("%s: the trainer's data is not the set's X32", d.Path)
				}
			}
			if err := j.Init(""); err != nil {
				t.Fatal(err)
			}
			res, err := j.Fit(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			model := filepath.Join(dir, "model.json")
			if err := os.WriteFile(model, res.ModelJSON, 0o644); err != nil {
				t.Fatal(err)
			}
			m, rep, _, err := Evaluate(model, filepath.Join(dir, "test.csv"), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Precision != network.Float32 {
				t.Fatalf("model precision %v", m.Precision)
			}
			if want := res.Reports()["test"]; !reflect.DeepEqual(rep, want) {
				t.Errorf("eval on test.csv:\n%+v\nthe run's test split:\n%+v", rep, want)
			}
			p, err := Predict(model, filepath.Join(dir, "test.csv"), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Rows != j.Test.Rows || p.NonFiniteRows() != 0 {
				t.Errorf("predict: %d rows, %d non-finite; want %d finite", p.Rows, p.NonFiniteRows(), j.Test.Rows)
			}
		})
	}
}

// loadMemory loads the job of spec path and returns the bytes allocated
// while loading and the live heap with the job loaded.
func loadMemory(t testing.TB, path string) (alloc, live uint64) {
	t.Helper()
	sp, err := spec.Load(path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	j, err := Load(sp)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(j)
	return after.TotalAlloc - before.TotalAlloc, after.HeapAlloc - before.HeapAlloc
}

// A float32 job's data take about half the memory of a float64 job's: of
// the float64 input matrix (8 bytes a value), it saves at least 40% both in
// the bytes allocated while loading (a float64 copy made on the way, even
// one freed at once, would raise the peak and lose this) and in the live
// heap once loaded. 20000 rows × 50 inputs: 8 MB of float64 inputs.
func TestFloat32JobMemory(t *testing.T) {
	const rows, nf = 20000, 50
	x64 := float64(rows * nf * 8)
	for _, cats := range []bool{false, true} {
		t.Run(fmt.Sprintf("categories=%v", cats), func(t *testing.T) {
			dir := t.TempDir()
			var alloc, live [2]uint64
			for i, p := range []string{"float64", "float32"} {
				sub := filepath.Join(dir, p)
				os.Mkdir(sub, 0o755)
				alloc[i], live[i] = loadMemory(t, writeFloat32Case(t, sub, rows, nf, cats, p))
			}
			t.Logf("allocated while loading: float64 %.2f MB, float32 %.2f MB; live: float64 %.2f MB, float32 %.2f MB (float64 inputs %.2f MB)",
				float64(alloc[0])/1e6, float64(alloc[1])/1e6, float64(live[0])/1e6, float64(live[1])/1e6, x64/1e6)
			if saved := float64(alloc[0]) - float64(alloc[1]); saved < 0.4*x64 {
				t.Errorf("float32 loading allocates %.2f MB less than float64's %.2f MB, want at least %.2f MB less", saved/1e6, float64(alloc[0])/1e6, 0.4*x64/1e6)
			}
			if saved := float64(live[0]) - float64(live[1]); saved < 0.4*x64 {
				t.Errorf("a loaded float32 job holds %.2f MB less than float64's %.2f MB, want at least %.2f MB less", saved/1e6, float64(live[0])/1e6, 0.4*x64/1e6)
			}
		})
	}
}
