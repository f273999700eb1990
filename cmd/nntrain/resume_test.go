package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/backprop"
)

// stopAt cancels a run after batch `batch` of epoch `epoch` (batch -1: the
// last batch of that epoch), and, when save is set, copies the checkpoint
// written at the end of epoch saveAt to save: what a SIGKILL after that
// checkpoint leaves behind.
type stopAt struct {
	epoch, batch int
	cancel       func()
	out, save    string
	saveAt       int
	saveErr      error
}

func (c *stopAt) OnEpochEnd(s *backprop.State) bool {
	if c.save != "" && s.Epoch == c.saveAt {
		b, err := os.ReadFile(checkpointPath(c.out))
		if err == nil {
			err = os.WriteFile(c.save, b, 0o644)
		}
		c.saveErr = err
	}
	return false
}

func (c *stopAt) OnBatchEnd(epoch, batch, batches int, _ float64) {
	b := c.batch
	if b < 0 {
		b = batches
	}
	if c.cancel != nil && epoch == c.epoch && batch == b {
		c.cancel()
	}
}

// trainIn runs `nntrain train` in-process with hook as a callback.
func trainIn(t *testing.T, ctx context.Context, hook *stopAt, args ...string) result {
	t.Helper()
	var o, e bytes.Buffer
	s := &streams{out: &o, err: &e}
	if hook != nil {
		s.onBatch = hook
	}
	code := runWith(ctx, append([]string{"train", "-q"}, args...), s)
	return result{code, o.String(), e.String()}
}

// sameOutputs compares model.json, cost.csv and metrics.json of two runs.
func sameOutputs(t *testing.T, got, want string) {
	t.Helper()
	for _, f := range []string{"model.json", "cost.csv", "metrics.json"} {
		a, err := os.ReadFile(filepath.Join(got, f))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		b, err := os.ReadFile(filepath.Join(want, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s of the resumed run differs from the uninterrupted run's", f)
		}
	}
	if _, err := os.Stat(filepath.Join(got, checkpointDir)); !os.IsNotExist(err) {
		t.Errorf("%s: got %v, want the checkpoint removed by the run's end", checkpointDir, err)
	}
}

// A run stopped after epoch 1, within an epoch, twice, or killed after a
// checkpoint, and resumed on 2 workers, ends with the bytes of the run left
// alone on 1: every optimizer, with and without shuffling, with early
// stopping.
func TestResumeGivesTheSameBytes(t *testing.T) {
	spec := filepath.Join(repoRoot(t), "configs", "iris.yaml")
	common := []string{"train.epochs=40", "train.early_stopping.patience=6", "train.batch_size=16"}
	stops := []struct {
		name  string
		stops [][2]int // epoch, batch of each interrupt
		kill  int      // >0: killed after the checkpoint of this epoch
	}{
		{name: "after-epoch-1", stops: [][2]int{{1, -1}}},
		{name: "mid-epoch", stops: [][2]int{{3, 2}}},
		{name: "twice", stops: [][2]int{{2, 1}, {6, -1}}},
		{name: "killed-after-checkpoint", kill: 4},
	}
	stoppedEarly := 0
	for _, opt := range []string{"sgd", "momentum", "adam"} {
		for _, shuffle := range []bool{true, false} {
			sets := append([]string{"train.optimizer=" + opt, fmt.Sprintf("data.shuffle=%v", shuffle)}, common...)
			if opt == "adam" {
				sets = append(sets, "train.learning_rate=0.01")
			}
			args := func(out string, workers int) []string {
				a := []string{"-c", spec, "--out", out, "--set", fmt.Sprintf("train.workers=%d", workers)}
				for _, s := range sets {
					a = append(a, "--set", s)
				}
				return a
			}
			dir := t.TempDir()
			want := filepath.Join(dir, "want")
			if r := trainIn(t, context.Background(), nil, args(want, 1)...); r.code != 0 {
				t.Fatalf("uninterrupted run: exit %d\n%s", r.code, r.err)
			}
			if b, _ := os.ReadFile(filepath.Join(want, "cost.csv")); bytes.Count(b, []byte("\n")) < 41 {
				stoppedEarly++
			}
			for _, st := range stops {
				t.Run(fmt.Sprintf("%s/shuffle=%v/%s", opt, shuffle, st.name), func(t *testing.T) {
					out := filepath.Join(t.TempDir(), "run")
					if st.kill > 0 {
						saved := filepath.Join(t.TempDir(), "state")
						hook := &stopAt{out: out, save: saved, saveAt: st.kill}
						if r := trainIn(t, context.Background(), hook, args(out, 1)...); r.code != 0 || hook.saveErr != nil {
							t.Fatalf("run: exit %d, saving the checkpoint: %v\n%s", r.code, hook.saveErr, r.err)
						}
						// What the kill leaves: the checkpoint, no outputs.
						os.RemoveAll(out)
						b, err := os.ReadFile(saved)
						if err != nil {
							t.Fatal(err)
						}
						writeFiles(t, out, map[string]string{filepath.Join(checkpointDir, checkpointFile): string(b)})
					}
					for i, at := range st.stops {
						ctx, cancel := context.WithCancel(context.Background())
						a := args(out, 1+i%2)
						if i > 0 {
							a = append(a, "--resume")
						}
						r := trainIn(t, ctx, &stopAt{epoch: at[0], batch: at[1], cancel: cancel}, a...)
						cancel()
						if r.code != 130 || !strings.Contains(r.err, "--resume") {
							t.Fatalf("stop %d at %v: exit %d, want 130 and the command that resumes\n%s", i+1, at, r.code, r.err)
						}
						for _, f := range outputNames {
							if _, err := os.Stat(filepath.Join(out, f)); !os.IsNotExist(err) {
								t.Errorf("after an interrupt %s exists (%v)", f, err)
							}
						}
					}
					if r := trainIn(t, context.Background(), nil, append(args(out, 2), "--resume")...); r.code != 0 {
						t.Fatalf("resumed run: exit %d\n%s", r.code, r.err)
					}
					sameOutputs(t, out, want)
				})
			}
		}
	}
	t.Logf("early stopping fired in %d of 6 configurations", stoppedEarly)
	if stoppedEarly == 0 {
		t.Error("early stopping never fired: the table does not test its state")
	}
}
