package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A second run into a folder that a run holds is exit 2 naming the
// holder's pid, and changes nothing there.
func TestSecondRunIntoAHeldFolder(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(repoRoot(t), "configs", "digits.yaml")
	run := filepath.Join(dir, "run")
	cmd, stderr, done := startLong(t, dir, "train", "-c", spec, "--out", run,
		"--set", "train.epochs=100000", "--set", "train.early_stopping.patience=100000")
	r := nntrainIn(t, dir, nil, "train", "-q", "-c", spec, "--out", run, "--set", "train.epochs=1")
	want := fmt.Sprintf("%s: is in use by another nntrain run (pid %d)", run, cmd.Process.Pid)
	if r.code != 2 || !strings.Contains(r.err, want) {
		t.Errorf("second run: exit %d, stderr %q; want 2 and %q", r.code, r.err, want)
	}
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("still running a minute after SIGINT")
	}
	time.Sleep(50 * time.Millisecond)
	if !strings.Contains(stderr.String(), "--resume") {
		t.Errorf("the first run did not end with its checkpoint:\n%s", stderr)
	}
	for _, f := range outputNames {
		if _, err := os.Stat(filepath.Join(run, f)); !os.IsNotExist(err) {
			t.Errorf("%s exists: the second run wrote into the held folder", f)
		}
	}
	// Released: the folder is free again, and the lock file is gone.
	if r := nntrainIn(t, dir, nil, "train", "-q", "-c", spec, "--out", run, "--set", "train.epochs=1"); r.code != 0 {
		t.Errorf("a run after the holder's end: exit %d\n%s", r.code, r.err)
	}
	if _, err := os.Stat(filepath.Join(run, lockName)); !os.IsNotExist(err) {
		t.Errorf("%s left behind (%v)", lockName, err)
	}
}

// Five runs of different seeds started at once into one folder: each exits
// 0 or 2 (held), and the folder ends with the four files of one seed's run.
func TestConcurrentRunsLeaveOneRunsFiles(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(repoRoot(t), "configs", "iris.yaml")
	const n = 5
	refs := make([]map[string][]byte, n)
	for i := range n {
		out := filepath.Join(dir, fmt.Sprintf("ref%d", i))
		if r := nntrainIn(t, dir, nil, "train", "-q", "-c", spec, "--out", out, "--set", fmt.Sprintf("seed=%d", i), "--set", "train.epochs=20"); r.code != 0 {
			t.Fatalf("reference %d: exit %d\n%s", i, r.code, r.err)
		}
		refs[i] = snapshot(t, out)
	}
	shared := filepath.Join(dir, "shared")
	for trial := range 3 {
		var wg sync.WaitGroup
		codes := make([]int, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := exec.Command(binary, "train", "-q", "-c", spec, "--out", shared, "--set", fmt.Sprintf("seed=%d", i), "--set", "train.epochs=20")
				var e bytes.Buffer
				c.Stderr = &e
				codes[i] = exitCode(c.Run())
				if codes[i] != 0 && !(codes[i] == 2 && strings.Contains(e.String(), "is in use by another nntrain run")) {
					t.Errorf("trial %d run %d: exit %d\n%s", trial, i, codes[i], e.String())
				}
			}()
		}
		wg.Wait()
		got := snapshot(t, shared)
		from := -1
		for i, ref := range refs {
			if bytes.Equal(got["model.json"], ref["model.json"]) {
				from = i
			}
		}
		if from < 0 {
			t.Fatalf("trial %d: model.json is no run's (exits %v)", trial, codes)
		}
		for _, f := range outputNames {
			if !bytes.Equal(got[f], refs[from][f]) {
				t.Errorf("trial %d: model.json is seed %d's but %s is not", trial, from, f)
			}
		}
		t.Logf("trial %d: exits %v, files of seed %d", trial, codes, from)
	}
}
