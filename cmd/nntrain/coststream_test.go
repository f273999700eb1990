package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/metrics"
	"github.com/nntrain/nntrain/internal/run"
)

// heapWatch records the live heap (after a collection) every `every`
// epochs and at the epoch `at`.
type heapWatch struct {
	every int
	peak  uint64
	first uint64 // at the first sample
}

func (h *heapWatch) OnEpochEnd(s *backprop.State) bool {
	if s.Epoch%h.every == 0 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if h.first == 0 {
			h.first = m.HeapAlloc
		}
		h.peak = max(h.peak, m.HeapAlloc)
	}
	return false
}

func (h *heapWatch) OnBatchEnd(int, int, int, float64) {}

// A run's memory does not grow with its epochs: the cost rows are streamed
// to a file, and each checkpoint records how much of it is valid instead of
// holding the rows. 200,000 epochs of 12 rows keep a live heap within 1 MB
// of its size after 10,000 epochs (holding the rows, as before, grew it by
// 10 MB, 16 MB with checkpoints), with checkpoints (every epoch, as many as the disk allows)
// and without; cost.csv has every row.
func TestMemoryDoesNotGrowWithEpochs(t *testing.T) {
	if testing.Short() {
		t.Skip("200,000 epochs")
	}
	const epochs = 200000
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV})
	for _, every := range []string{"1", "0"} {
		t.Run("checkpoint_every="+every, func(t *testing.T) {
			out := filepath.Join(dir, "run"+every)
			h := &heapWatch{every: 10000}
			var o, e bytes.Buffer
			code := runWith(context.Background(), []string{"train", "-q", "-c", filepath.Join(dir, "spec.yaml"), "--out", out,
				"--set", "train.epochs=200000", "--set", "train.checkpoint_every=" + every}, &streams{out: &o, err: &e, onBatch: h})
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, e.String())
			}
			grew := int64(h.peak) - int64(h.first)
			t.Logf("live heap after 10,000 epochs %.2f MB, peak %.2f MB (grew %d bytes)", float64(h.first)/1e6, float64(h.peak)/1e6, grew)
			if grew > 1<<20 {
				t.Errorf("the live heap grew by %d bytes from epoch 10,000 to %d", grew, epochs)
			}
			b, err := os.ReadFile(filepath.Join(out, "cost.csv"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			if len(lines) != epochs+1 || lines[0] != "epoch,train_loss,train_accuracy" || !strings.HasPrefix(lines[epochs], "200000,") {
				t.Errorf("cost.csv has %d lines (want %d), the first %q, the last %q", len(lines), epochs+1, lines[0], lines[len(lines)-1])
			}
			ents, _ := os.ReadDir(out)
			for _, e := range ents {
				if n := e.Name(); n != "boundary.png" && !slices.Contains(outputNames, n) {
					t.Errorf("the run folder holds %s besides the outputs", n)
				}
			}
		})
	}
}

// The cost rows file of a checkpoint: shorter than the state says, changed
// within the part the state counts, or missing, it is a damaged checkpoint
// (exit 2 naming it, nothing written); rows past the count are cut off and
// the resumed run's files are the uninterrupted run's.
func TestCheckpointCostRows(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV})
	spec := filepath.Join(dir, "spec.yaml")
	want := filepath.Join(dir, "want")
	if r := trainIn(t, context.Background(), nil, "-c", spec, "--out", want, "--set", "train.epochs=30"); r.code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s", r.code, r.err)
	}
	out := filepath.Join(dir, "run")
	base := []string{"-c", spec, "--out", out, "--set", "train.epochs=30"}
	ctx, cancel := context.WithCancel(context.Background())
	if r := trainIn(t, ctx, &stopAt{epoch: 12, batch: -1, cancel: cancel}, base...); r.code != 130 {
		t.Fatalf("interrupted run: exit %d\n%s", r.code, r.err)
	}
	cancel()
	rowsPath := filepath.Join(out, checkpointDir, costFile)
	good, err := os.ReadFile(rowsPath)
	if err != nil {
		t.Fatal(err)
	}
	// Stopped after the last batch of epoch 12, before its end: 11 rows.
	if n := bytes.Count(good, []byte("\n")); n != 12 {
		t.Fatalf("%s has %d lines after 11 epochs, want 12", costFile, n)
	}
	flip := bytes.Clone(good)
	flip[len(flip)/2] ^= 1
	for _, c := range []struct {
		name string
		rows []byte // nil: no file
		want string
	}{
		{"truncated", good[:len(good)-3], "truncated"},
		{"a byte changed", flip, "checksum"},
		{"missing", nil, "missing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			os.Remove(rowsPath)
			if c.rows != nil {
				writeFiles(t, out, map[string]string{filepath.Join(checkpointDir, costFile): string(c.rows)})
			}
			r := trainIn(t, context.Background(), nil, append(base, "--resume")...)
			if r.code != 2 || !strings.Contains(r.err, rowsPath) || !strings.Contains(r.err, c.want) || !strings.Contains(r.err, "damaged") {
				t.Errorf("got exit %d, want 2 naming %s, damaged, %q:\n%s", r.code, rowsPath, c.want, r.err)
			}
			for _, f := range outputNames {
				if _, err := os.Stat(filepath.Join(out, f)); !os.IsNotExist(err) {
					t.Errorf("%s was written", f)
				}
			}
		})
	}
	// Rows written after the checkpoint (a kill before the next one) go.
	extra := append(bytes.Clone(good), "12,0.5,0.25\n13,0.5,0.25\n"...)
	writeFiles(t, out, map[string]string{filepath.Join(checkpointDir, costFile): string(extra)})
	if r := trainIn(t, context.Background(), nil, append(base, "--resume")...); r.code != 0 {
		t.Fatalf("resumed run: exit %d\n%s", r.code, r.err)
	}
	sameOutputs(t, out, want)
}

// A checkpoint of an earlier nntrain holds every cost row in its state and
// has no cost rows file: it resumes, to the uninterrupted run's bytes.
func TestResumeFromCheckpointWithRowsInState(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV})
	spec := filepath.Join(dir, "spec.yaml")
	want := filepath.Join(dir, "want")
	if r := trainIn(t, context.Background(), nil, "-c", spec, "--out", want, "--set", "train.epochs=30"); r.code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s", r.code, r.err)
	}
	out := filepath.Join(dir, "run")
	base := []string{"-c", spec, "--out", out, "--set", "train.epochs=30"}
	ctx, cancel := context.WithCancel(context.Background())
	if r := trainIn(t, ctx, &stopAt{epoch: 9, batch: 1, cancel: cancel}, base...); r.code != 130 {
		t.Fatalf("interrupted run: exit %d\n%s", r.code, r.err)
	}
	cancel()
	ck, _, err := readCheckpoint(out)
	if err != nil {
		t.Fatal(err)
	}
	rowsPath := filepath.Join(out, checkpointDir, costFile)
	f, err := os.Open(rowsPath)
	if err != nil {
		t.Fatal(err)
	}
	log, err := metrics.ReadCostCSV(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	last := ck.State.Epochs[len(ck.State.Epochs)-1]
	ck.State.Epochs = nil
	for _, r := range log.Rows {
		ck.State.Epochs = append(ck.State.Epochs, backprop.Epoch{N: int(r[0]), TrainLoss: r[1], TrainMetric: r[2], ValLoss: math.NaN(), ValMetric: math.NaN(), LR: last.LR})
	}
	if len(ck.State.Epochs) != ck.State.Epoch {
		t.Fatalf("%d rows for %d epochs", len(ck.State.Epochs), ck.State.Epoch)
	}
	ck.Cost = run.CostFile{}
	b, err := ck.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(rowsPath)
	writeFiles(t, out, map[string]string{filepath.Join(checkpointDir, checkpointFile): string(b)})
	if r := trainIn(t, context.Background(), nil, append(base, "--resume")...); r.code != 0 {
		t.Fatalf("resumed run: exit %d\n%s", r.code, r.err)
	}
	sameOutputs(t, out, want)
}
