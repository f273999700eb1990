package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

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
	s := &streams{out: &o, err: &e, syncCheckpoints: true}
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

// A resume that cannot continue the same run is exit 2 naming the file or
// the first differing key, and changes nothing in the run folder.
func TestResumeRefused(t *testing.T) {
	spec := filepath.Join(repoRoot(t), "configs", "iris.yaml")
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	base := []string{"-c", spec, "--out", out, "--set", "train.epochs=20"}
	ctx, cancel := context.WithCancel(context.Background())
	if r := trainIn(t, ctx, &stopAt{epoch: 5, batch: 3, cancel: cancel}, base...); r.code != 130 {
		t.Fatalf("interrupted run: exit %d\n%s", r.code, r.err)
	}
	cancel()
	ckpt := checkpointPath(out)
	good, err := os.ReadFile(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	nl := bytes.IndexByte(good, '\n')
	flip := bytes.Clone(good)
	flip[nl+len(flip[nl:])/2] ^= 1
	for _, c := range []struct {
		name  string
		state []byte // written as the checkpoint first; nil: none
		sets  []string
		want  []string
	}{
		{"no checkpoint", nil, nil, []string{ckpt, "no checkpoint to resume from"}},
		{"truncated", good[:len(good)-7], nil, []string{ckpt, "damaged", "truncated"}},
		{"one bit flipped", flip, nil, []string{ckpt, "damaged", "checksum"}},
		{"cut in its first line", good[:nl/2], nil, []string{ckpt, "damaged"}},
		{"not a checkpoint", []byte("hello\n"), nil, []string{ckpt, "not an nntrain checkpoint"}},
		{"another version", append([]byte("nntrain-checkpoint/9"), good[len("nntrain-checkpoint/1"):]...), nil, []string{ckpt, "unsupported checkpoint version"}},
		{"another learning rate", good, []string{"train.learning_rate=0.05"}, []string{"train.learning_rate: is 0.05", ckpt, "started with 0.1"}},
		{"first differing key", good, []string{"train.l2=0.1", "model.layers.0.units=9"}, []string{"model.layers.0.units: is 9", "started with 8"}},
		{"early stopping added", good, []string{"train.early_stopping.patience=3"}, []string{"train.early_stopping.patience: is 3", "started with not set"}},
		{"fewer epochs than begun", good, []string{"train.epochs=4"}, []string{"train.epochs: is 4", "stopped within epoch 5", "not shrink below 5"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			os.RemoveAll(filepath.Join(out, checkpointDir))
			if c.state != nil {
				writeFiles(t, out, map[string]string{filepath.Join(checkpointDir, checkpointFile): string(c.state)})
			}
			args := append([]string{}, base...)
			for _, s := range c.sets {
				args = append(args, "--set", s)
			}
			r := trainIn(t, context.Background(), nil, append(args, "--resume")...)
			if r.code != 2 {
				t.Errorf("got exit %d, want 2\n%s", r.code, r.err)
			}
			for _, w := range c.want {
				if !strings.Contains(r.err, w) {
					t.Errorf("stderr %q lacks %q", r.err, w)
				}
			}
			if got, _ := os.ReadFile(ckpt); !bytes.Equal(got, c.state) {
				t.Error("the checkpoint was changed")
			}
			for _, f := range outputNames {
				if _, err := os.Stat(filepath.Join(out, f)); !os.IsNotExist(err) {
					t.Errorf("%s was written", f)
				}
			}
		})
	}
	// The same checkpoint resumes with more epochs and another worker count.
	writeFiles(t, out, map[string]string{filepath.Join(checkpointDir, checkpointFile): string(good)})
	if r := trainIn(t, context.Background(), nil, append(base, "--set", "train.epochs=25", "--set", "train.workers=2", "--resume")...); r.code != 0 {
		t.Errorf("more epochs, 2 workers: exit %d\n%s", r.code, r.err)
	}
}

// Through the binary: a run stopped by SIGINT during training, or killed
// with SIGKILL once a checkpoint exists, resumed with another worker count,
// ends with the uninterrupted run's bytes.
func TestResumeAfterSignal(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(repoRoot(t), "configs", "digits.yaml")
	sets := []string{"--set", "train.epochs=150", "--set", "train.early_stopping.patience=20", "--set", "train.optimizer=adam", "--set", "train.learning_rate=0.001"}
	want := filepath.Join(dir, "want")
	if r := nntrainIn(t, dir, nil, append([]string{"train", "-q", "-c", spec, "--out", want, "--set", "train.workers=1"}, sets...)...); r.code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s", r.code, r.err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			cmd, stderr, done := startLong(t, dir, append([]string{"train", "-c", spec, "--out", out, "--set", "train.workers=1"}, sets...)...)
			if sig == syscall.SIGKILL {
				// Wait for a checkpoint, then for training to go past it.
				deadline := time.Now().Add(time.Minute)
				for _, err := os.Stat(checkpointPath(out)); err != nil; _, err = os.Stat(checkpointPath(out)) {
					if time.Now().After(deadline) {
						cmd.Process.Kill()
						t.Fatal("no checkpoint within a minute")
					}
					time.Sleep(5 * time.Millisecond)
				}
				time.Sleep(30 * time.Millisecond)
			}
			cmd.Process.Signal(sig)
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute):
				cmd.Process.Kill()
				t.Fatalf("still running a minute after %v", sig)
			}
			time.Sleep(50 * time.Millisecond)
			wantCode := 130
			if sig == syscall.SIGKILL {
				wantCode = -1
			}
			if got := exitCode(err); got != wantCode {
				t.Fatalf("got exit %d, want %d (did the run end before the signal?)\n%s", got, wantCode, stderr)
			}
			if _, err := os.Stat(filepath.Join(out, "model.json")); !os.IsNotExist(err) {
				t.Fatalf("model.json exists after %v (%v)", sig, err)
			}
			r := nntrainIn(t, dir, nil, append([]string{"train", "-q", "-c", spec, "--out", out, "--resume", "--set", "train.workers=2"}, sets...)...)
			if r.code != 0 {
				t.Fatalf("resumed run: exit %d\n%s", r.code, r.err)
			}
			sameOutputs(t, out, want)
			if ents, _ := os.ReadDir(out); len(ents) != len(outputNames) {
				t.Errorf("the run folder holds %d entries, want the %d outputs only", len(ents), len(outputNames))
			}
		})
	}
}

// Epochs far shorter than a checkpoint's write: checkpoints are spaced so
// that training does not wait for the disk, nor re-encode its growing cost
// rows every epoch (20,000 epochs of 12 rows took 266 s with a synced
// checkpoint after each, 0.4 s without any), and a checkpoint is still
// left by an interrupt.
func TestShortEpochsDoNotWaitForCheckpoints(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV})
	start := time.Now()
	var o, e bytes.Buffer
	code := runWith(context.Background(), []string{"train", "-q", "-c", filepath.Join(dir, "spec.yaml"), "--set", "train.epochs=20000"}, &streams{out: &o, err: &e})
	took := time.Since(start)
	t.Logf("20,000 epochs with checkpoint_every 1: %v", took.Round(time.Millisecond))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, e.String())
	}
	if took > 60*time.Second {
		t.Errorf("took %v: the checkpoints hold training up", took)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := filepath.Join(dir, "stopped")
	e.Reset()
	code = runWith(ctx, []string{"train", "-q", "-c", filepath.Join(dir, "spec.yaml"), "--out", out, "--set", "train.epochs=20000"},
		&streams{out: &o, err: &e, onBatch: &stopAt{epoch: 15000, batch: -1, cancel: cancel}})
	cancel()
	if code != 130 {
		t.Fatalf("interrupted run: exit %d\n%s", code, e.String())
	}
	b, err := os.ReadFile(checkpointPath(out))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("nntrain-checkpoint/1 ")) {
		t.Errorf("the interrupt left no checkpoint")
	}
}
