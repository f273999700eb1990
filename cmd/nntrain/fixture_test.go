package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/network"
	"github.com/nntrain/nntrain/internal/spec"
)

// expected.json of a PyTorch fixture.
type expected struct {
	Final struct {
		Normalize network.Normalize `json:"normalize"`
		Classes   []string          `json:"classes"`
		Features  []string          `json:"features"`
		Layers    []struct {
			Weight [][]float64 `json:"weight"`
			Bias   []float64   `json:"bias"`
		} `json:"layers"`
	} `json:"final"`
	TrainLoss []float64 `json:"train_loss"`
	Tolerance float64   `json:"tolerance"`
	LR        []float64 `json:"lr"` // with a schedule: the learning rate of each epoch
}

// masks.json of a fixture with dropout: every keep mask (0/1, m×units) in
// the order training draws them, for each batch one per dropout layer.
type fixtureMasks struct {
	Masks []struct {
		Layer int         `json:"layer"`
		Keep  [][]float64 `json:"keep"`
	} `json:"masks"`
}

// readMasks returns a Dropout.Fill that replays a fixture's masks.json, and
// a check that every mask was used; nil, nil when the case has no dropout.
func readMasks(t *testing.T, dir string) (func(int, []float64), func()) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "masks.json"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var fm fixtureMasks
	if err := json.Unmarshal(b, &fm); err != nil {
		t.Fatal(err)
	}
	next := 0
	fill := func(layer int, mask []float64) {
		if next >= len(fm.Masks) {
			t.Fatalf("mask %d asked for, masks.json has %d", next+1, len(fm.Masks))
		}
		mk := fm.Masks[next]
		next++
		if mk.Layer != layer {
			t.Fatalf("mask %d: layer %d asked for, masks.json has layer %d", next, layer, mk.Layer)
		}
		i := 0
		for _, row := range mk.Keep {
			for _, v := range row {
				mask[i] = v
				i++
			}
		}
		if i != len(mask) {
			t.Fatalf("mask %d: %d values asked for, masks.json has %d", next, len(mask), i)
		}
	}
	done := func() {
		if next != len(fm.Masks) {
			t.Errorf("used %d masks of masks.json's %d", next, len(fm.Masks))
		}
	}
	return fill, done
}

// compareLR checks a run's learning rate per epoch against expected.json's lr.
func compareLR(t *testing.T, e *expected, lrs []float64) {
	t.Helper()
	if e.LR == nil {
		return
	}
	if len(lrs) != len(e.LR) {
		t.Fatalf("got %d epochs of lr, want %d", len(lrs), len(e.LR))
	}
	w := &worst{t: t, tol: e.Tolerance, name: "lr"}
	for i, v := range e.LR {
		w.add(lrs[i], v)
	}
	w.check()
}

func fixtureDirs(t *testing.T) []string {
	dirs, err := filepath.Glob(filepath.Join(repoRoot(t), "testdata", "fixtures", "*", "expected.json"))
	if err != nil || len(dirs) < 3 {
		t.Fatalf("found %d fixtures (%v), want the three shared ones at least", len(dirs), err)
	}
	// The public cases of the additions, those this version can run.
	more, err := filepath.Glob(filepath.Join(repoRoot(t), "testdata", "fixtures2", "*", "expected.json"))
	if err != nil || len(more) < 1 {
		t.Fatalf("found %d fixtures2 cases (%v), want ce_step_schedule_sgd_batch10 at least", len(more), err)
	}
	dirs = append(dirs, more...)
	for i, d := range dirs {
		dirs[i] = filepath.Dir(d)
	}
	return dirs
}

func readExpected(t *testing.T, dir string) *expected {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return &e
}

// worst tracks the largest scaled difference |got − want| / max(1, |want|).
type worst struct {
	t    *testing.T
	tol  float64
	name string
	max  float64
}

func (w *worst) add(got, want float64) {
	d := math.Abs(got-want) / math.Max(1, math.Abs(want))
	if math.IsNaN(d) {
		d = math.Inf(1)
	}
	w.max = math.Max(w.max, d)
}

func (w *worst) check() {
	w.t.Helper()
	w.t.Logf("%-22s worst difference %.3g", w.name, w.max)
	if w.max > w.tol {
		w.t.Errorf("%s: worst difference %.3g, want ≤ %g", w.name, w.max, w.tol)
	}
}

func compareNet(t *testing.T, e *expected, net *network.Net, losses []float64) {
	t.Helper()
	if len(net.Layers) != len(e.Final.Layers) {
		t.Fatalf("got %d layers, want %d", len(net.Layers), len(e.Final.Layers))
	}
	for l, el := range e.Final.Layers {
		d := net.Layers[l]
		w := &worst{t: t, tol: e.Tolerance, name: "layers[" + strconv.Itoa(l) + "].weight"}
		for i, row := range el.Weight {
			for j, v := range row {
				w.add(d.W[i*d.In+j], v)
			}
		}
		w.check()
		b := &worst{t: t, tol: e.Tolerance, name: "layers[" + strconv.Itoa(l) + "].bias"}
		for i, v := range el.Bias {
			b.add(d.B[i], v)
		}
		b.check()
	}
	if len(losses) != len(e.TrainLoss) {
		t.Fatalf("got %d epochs of train_loss, want %d", len(losses), len(e.TrainLoss))
	}
	lw := &worst{t: t, tol: e.Tolerance, name: "train_loss"}
	for i, v := range e.TrainLoss {
		lw.add(losses[i], v)
	}
	lw.check()
}

// The PyTorch fixtures through the library: spec → data → network → Train.
func TestFixturesLibrary(t *testing.T) {
	for _, dir := range fixtureDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			e := readExpected(t, dir)
			sp, err := spec.Load(filepath.Join(dir, "spec.yaml"), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			j, err := loadJob(sp)
			if err != nil {
				t.Fatal(err)
			}
			if err := j.initFrom(filepath.Join(dir, "init.json")); err != nil {
				t.Fatal(err)
			}
			pool := network.NewPool(2)
			defer pool.Close()
			cfg := trainConfig(sp, j.loss)
			fill, done := readMasks(t, dir)
			cfg.Dropout.Fill = fill // PyTorch's masks instead of our draws
			res, err := backprop.Train(context.Background(), j.net, pool, cfg, data(j.train), nil, newRand(sp.Seed, streamShuffle), backprop.Hooks{})
			if err != nil {
				t.Fatal(err)
			}
			if done != nil {
				done()
			}
			var losses, lrs []float64
			for _, ep := range res.Epochs {
				losses = append(losses, ep.TrainLoss)
				lrs = append(lrs, ep.LR)
			}
			compareNet(t, e, j.net, losses)
			compareLR(t, e, lrs)
			nw := &worst{t: t, tol: e.Tolerance, name: "normalize"}
			for i := range e.Final.Normalize.Offset {
				nw.add(j.norm.Offset[i], e.Final.Normalize.Offset[i])
				nw.add(j.norm.Scale[i], e.Final.Normalize.Scale[i])
			}
			nw.check()
		})
	}
}

// The PyTorch fixtures through the real binary, as the contract checks them.
func TestFixturesCLI(t *testing.T) {
	for _, dir := range fixtureDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			e := readExpected(t, dir)
			if _, err := os.Stat(filepath.Join(dir, "masks.json")); err == nil {
				t.Skip("dropout: the binary draws its own masks; TestFixturesLibrary replays the fixture's")
			}
			out := t.TempDir()
			r := nntrain(t, nil, "train", "--config", filepath.Join(dir, "spec.yaml"), "--init", filepath.Join(dir, "init.json"), "--out", out, "--quiet")
			if r.code != 0 || r.out != "" || r.err != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and silence", r.code, r.out, r.err)
			}
			m, err := network.ReadModelFile(filepath.Join(out, "model.json"))
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
			compareNet(t, e, m.Net, losses)
			compareLR(t, e, lrs)
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
		})
	}
}
