package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Small inputs the failure and bad-input tests build on: three classes
// that a tanh layer separates, and a regression target.
const (
	tinyCSV = `x1,x2,label
1,2,a
2,1,b
3,3,c
1.5,2.5,a
2.5,1.5,b
3.5,3.5,c
1.2,2.2,a
2.2,1.2,b
3.2,3.2,c
0.8,1.9,a
2.1,0.7,b
2.9,3.1,c
`
	tinySpec = `name: tiny
seed: 1
data:
  train: train.csv
  target: label
model:
  layers:
    - {units: 4, activation: tanh}
    - {units: 3, activation: softmax}
loss: cross_entropy
train:
  learning_rate: 0.1
  epochs: 5
output:
  dir: run
`
	regCSV = `x,y
1,10
2,20
3,30
4,40
5,50
6,60
7,70
8,80
`
	regSpec = `name: reg
seed: 1
data:
  train: reg.csv
  target: y
model:
  layers:
    - {units: 3, activation: linear}
    - {units: 1, activation: linear}
loss: mse
train:
  learning_rate: 0.001
  epochs: 5
output:
  dir: run
`
)

// snapshot reads the run's files: the four every run writes, and
// boundary.png where the run drew one (two inputs and classes).
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	for _, n := range append(outputNames, "boundary.png") {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if n == "boundary.png" && errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatalf("reading the first run's output: %v", err)
		}
		m[n] = b
	}
	return m
}

// sameFiles checks that dir holds exactly the files of before, byte for
// byte, and no temporary file was left behind.
func sameFiles(t *testing.T, dir string, before map[string][]byte) {
	t.Helper()
	for n, want := range before {
		if want == nil {
			continue // not a file to compare
		}
		got, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s changed: got %d bytes, want the first run's %d", n, len(got), len(want))
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if _, ok := before[e.Name()]; !ok {
			t.Errorf("the run folder holds %q, left by the failed run", e.Name())
		}
	}
}

func TestFailedRunKeepsEarlierOutputs(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"spec.yaml": tinySpec, "train.csv": tinyCSV, "reg.yaml": regSpec, "reg.csv": regCSV,
		"bad.csv": "x1,x2,label\n1,2,a\n3,oops,b\n",
		"other.json": `{"format": "nntrain-model/1", "features": ["x1", "x2"], "targets": ["label"], "loss": "mse",
 "layers": [{"in": 2, "out": 1, "activation": "linear", "weight": [[1, 2]], "bias": [0]}]}`,
	})
	run := filepath.Join(dir, "run")
	if r := nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml"); r.code != 0 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.err)
	}
	before := snapshot(t, run)
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad spec value", []string{"train", "-c", "spec.yaml", "--set", "train.epochs=0"}, 2, "train.epochs"},
		{"bad data row", []string{"train", "-c", "spec.yaml", "--set", "data.train=bad.csv"}, 2, "bad.csv"},
		{"init of another shape", []string{"train", "-c", "spec.yaml", "--init", "other.json"}, 2, "other.json"},
		{"loss becomes infinite", []string{"train", "-c", "reg.yaml", "--set", "train.learning_rate=1e6", "--set", "train.epochs=50"}, 2, "smaller learning rate"},
		{"unknown key in the environment", []string{"train", "-c", "spec.yaml"}, 2, "NNTRAIN_TRAIN_LEARNIG_RATE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var env []string
			if strings.HasPrefix(c.want, "NNTRAIN_") {
				env = []string{c.want + "=0.1"}
			}
			r := nntrainIn(t, dir, env, c.args...)
			if r.code != c.code || !strings.Contains(r.err, c.want) {
				t.Errorf("got exit %d, stderr %q; want exit %d and %q", r.code, r.err, c.code, c.want)
			}
			noStackTrace(t, r.err)
			sameFiles(t, run, before)
		})
	}

	t.Run("an output is a folder", func(t *testing.T) {
		d := t.TempDir()
		writeFiles(t, d, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV})
		if r := nntrainIn(t, d, nil, "train", "-q", "-c", "spec.yaml"); r.code != 0 {
			t.Fatalf("first run: exit %d\n%s", r.code, r.err)
		}
		out := filepath.Join(d, "run")
		before := snapshot(t, out)
		delete(before, "cost.png")
		if err := os.Remove(filepath.Join(out, "cost.png")); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(filepath.Join(out, "cost.png"), 0o755); err != nil {
			t.Fatal(err)
		}
		r := nntrainIn(t, d, nil, "train", "-q", "-c", "spec.yaml", "--set", "train.epochs=9")
		if want := filepath.Join("run", "cost.png") + ": is a folder"; r.code != 2 || !strings.Contains(r.err, want) {
			t.Errorf("got exit %d, stderr %q; want exit 2 and %q", r.code, r.err, want)
		}
		if fi, err := os.Stat(filepath.Join(out, "cost.png")); err != nil || !fi.IsDir() {
			t.Errorf("cost.png: the folder is gone (%v)", err)
		}
		before["cost.png"] = nil
		sameFiles(t, out, before)
	})

	t.Run("read-only run folder", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes into read-only folders")
		}
		if err := os.Chmod(run, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(run, 0o755)
		r := nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml", "--set", "train.epochs=9")
		if r.code != 2 || !strings.Contains(r.err, "run") || !strings.Contains(r.err, "permission denied") {
			t.Errorf("got exit %d, stderr %q; want exit 2 naming the folder and the permission", r.code, r.err)
		}
		sameFiles(t, run, before)
	})
}

func TestDivergingLossStopsWithoutWriting(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"reg.yaml": regSpec, "reg.csv": regCSV})
	r := nntrainIn(t, dir, nil, "train", "-c", "reg.yaml", "--set", "train.learning_rate=1e6", "--set", "train.epochs=50", "--set", "train.batch_size=4")
	if r.code != 2 {
		t.Fatalf("got exit %d, want 2\n%s", r.code, r.err)
	}
	last := lastLine(r.err)
	if !regexp.MustCompile(`at epoch [1-9][0-9]*, batch [1-9]`).MatchString(last) {
		t.Errorf("message %q names no epoch and batch", last)
	}
	for _, want := range []string{"reg.yaml", "loss became", "smaller learning rate", "train.learning_rate is 1e+06", "nothing was written"} {
		if !strings.Contains(last, want) {
			t.Errorf("message %q lacks %q", last, want)
		}
	}
	noStackTrace(t, r.err)
	if r.out != "" {
		t.Errorf("stdout: got %q, want nothing", r.out)
	}
	if _, err := os.Stat(filepath.Join(dir, "run")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the run folder exists after a diverged run (%v)", err)
	}
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// startLong starts a training run in dir that lasts far longer than the
// test and returns once it has finished its first epoch.
func startLong(t *testing.T, dir string, args ...string) (*exec.Cmd, *bytes.Buffer, <-chan error) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	scanned := make(chan struct{})
	// done is sent once stderr is read to its end, so that a caller may
	// read the buffer after it without racing the reader.
	go func() { err := cmd.Wait(); pw.Close(); <-scanned; done <- err }()
	first := make(chan bool, 1)
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		seen := false
		for sc.Scan() {
			stderr.WriteString(sc.Text() + "\n")
			if !seen && strings.HasPrefix(sc.Text(), "epoch ") {
				seen = true
				first <- true
			}
		}
		close(first)
	}()
	select {
	case ok := <-first:
		if !ok {
			<-done
			time.Sleep(50 * time.Millisecond)
			t.Fatalf("the run ended before its first epoch:\n%s", stderr.String())
		}
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("no epoch line within 2 minutes:\n%s", stderr.String())
	}
	return cmd, &stderr, done
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestInterruptKeepsEarlierOutputs(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(repoRoot(t), "configs", "digits.yaml")
	run := filepath.Join(dir, "run")
	if r := nntrainIn(t, dir, nil, "train", "-q", "-c", spec, "--out", run, "--set", "train.epochs=2"); r.code != 0 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.err)
	}
	before := snapshot(t, run)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, stderr, done := startLong(t, dir, "train", "-c", spec, "--out", run,
				"--set", "train.epochs=100000", "--set", "train.early_stopping.patience=100000")
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute):
				cmd.Process.Kill()
				t.Fatalf("still running a minute after %v", sig)
			}
			time.Sleep(50 * time.Millisecond) // let the reader drain the pipe
			if got := exitCode(err); got != 130 {
				t.Errorf("got exit %d, want 130\n%s", got, stderr)
			}
			lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
			msg := lines[max(0, len(lines)-2)]
			for _, want := range []string{"interrupted after", "the current batch was finished", "the checkpoint is in " + filepath.Join(run, "checkpoint"), run + " are as they were"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if cmd := lastLine(stderr.String()); !strings.HasSuffix(cmd, "--resume") || !strings.Contains(cmd, " train --config "+spec) {
				t.Errorf("last line %q is not the command that resumes", cmd)
			}
			noStackTrace(t, stderr.String())
			before := maps.Clone(before)
			before["checkpoint"] = nil
			sameFiles(t, run, before)
			os.RemoveAll(filepath.Join(run, "checkpoint"))
		})
	}
}

// With train.checkpoint_every 0 an interrupt writes nothing at all.
func TestInterruptWithoutCheckpoints(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(repoRoot(t), "configs", "digits.yaml")
	run := filepath.Join(dir, "run")
	if r := nntrainIn(t, dir, nil, "train", "-q", "-c", spec, "--out", run, "--set", "train.epochs=2"); r.code != 0 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.err)
	}
	before := snapshot(t, run)
	cmd, stderr, done := startLong(t, dir, "train", "-c", spec, "--out", run, "--set", "train.checkpoint_every=0",
		"--set", "train.epochs=100000", "--set", "train.early_stopping.patience=100000")
	cmd.Process.Signal(syscall.SIGINT)
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("still running a minute after SIGINT")
	}
	time.Sleep(50 * time.Millisecond)
	if got := exitCode(err); got != 130 {
		t.Errorf("got exit %d, want 130\n%s", got, stderr)
	}
	if msg := lastLine(stderr.String()); !strings.Contains(msg, "nothing was written") {
		t.Errorf("message %q lacks %q", msg, "nothing was written")
	}
	sameFiles(t, run, before)
}

func TestSecondInterruptExitsAtOnce(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(repoRoot(t), "configs", "digits.yaml")
	run := filepath.Join(dir, "run")
	if r := nntrainIn(t, dir, nil, "train", "-q", "-c", spec, "--out", run, "--set", "train.epochs=1"); r.code != 0 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.err)
	}
	before := snapshot(t, run)
	// Whole-set batches through a wide layer: each takes a while, so the
	// second signal arrives while the first batch after the first is running.
	cmd, stderr, done := startLong(t, dir, "train", "-c", spec, "--out", run,
		"--set", "train.epochs=100000", "--set", "train.batch_size=0", "--set", "model.layers.0.units=3000",
		"--set", "train.workers=1", "--set", "train.early_stopping.patience=100000")
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(20 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("still running a minute after two interrupts")
	}
	time.Sleep(50 * time.Millisecond)
	t.Logf("exited %v after the first signal", time.Since(start).Round(time.Millisecond))
	if got := exitCode(err); got != 130 {
		t.Errorf("got exit %d, want 130\n%s", got, stderr)
	}
	// The epoch-1 checkpoint may or may not have been renamed into place
	// when the second signal came; the message says which.
	msg := lastLine(stderr.String())
	_, ckErr := os.Stat(filepath.Join(run, "checkpoint", "state"))
	switch {
	case ckErr == nil && !strings.Contains(msg, "interrupted again: stopped at once; the outputs were not changed; the last checkpoint, "+filepath.Join(run, "checkpoint", "state")+", is whole"):
		t.Errorf("got message %q, want the one for a second interrupt after a checkpoint", msg)
	case ckErr != nil && !strings.Contains(msg, "interrupted again: stopped at once; no file was written or changed"):
		t.Errorf("got message %q, want the one for a second interrupt", msg)
	}
	noStackTrace(t, stderr.String())
	before["checkpoint"] = nil
	sameFiles(t, run, before)
	if ents, _ := os.ReadDir(filepath.Join(run, "checkpoint")); len(ents) > 1 {
		t.Errorf("checkpoint/ holds %d entries, want only state", len(ents))
	}
}

func TestInterruptBeforeTraining(t *testing.T) {
	// An interrupt while the data loads: no epoch runs, nothing is written.
	var o, e bytes.Buffer
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV})
	ctx, cancel := contextCancelled()
	defer cancel()
	code := runWith(ctx, []string{"train", "-c", filepath.Join(dir, "spec.yaml")}, &streams{out: &o, err: &e})
	if code != 130 || !strings.Contains(e.String(), "interrupted after 0 epochs") {
		t.Errorf("got exit %d, stderr %q; want 130 and 'interrupted after 0 epochs'", code, e.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "run")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("run folder: got %v, want it not to exist", err)
	}
}

func contextCancelled() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx, cancel
}

func TestInterruptedPredictWritesNothing(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"model.json": goodModel, "new.csv": "x1,x2\n1,2\n"})
	ctx, cancel := contextCancelled()
	defer cancel()
	var o, e bytes.Buffer
	out := filepath.Join(dir, "pred.csv")
	code := runWith(ctx, []string{"predict", "--model", filepath.Join(dir, "model.json"), "--data", filepath.Join(dir, "new.csv"), "--out", out}, &streams{out: &o, err: &e})
	if code != 130 || !strings.Contains(e.String(), "interrupted; nothing was written") {
		t.Errorf("got exit %d, stderr %q; want 130 and 'interrupted; nothing was written'", code, e.String())
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pred.csv: got %v, want it not written", err)
	}
}
