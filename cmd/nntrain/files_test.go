package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestWriteAllRollsBack makes the k-th rename of a set fail and checks that
// the folder then holds exactly what it held before: the replaced files
// restored, the new ones removed, no temporary or backup file left.
func TestWriteAllRollsBack(t *testing.T) {
	files := []outFile{{"a.txt", []byte("new a")}, {"b.txt", []byte("new b")}, {"c.txt", []byte("new c")}}
	for fail := range len(files) {
		for _, existing := range [][]string{{"a.txt", "b.txt", "c.txt"}, {"b.txt"}, nil} {
			name := files[fail].name + " fails, existing " + strings.Join(existing, ",")
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				before := map[string]string{}
				for _, n := range existing {
					before[n] = "old " + n
					writeFiles(t, dir, map[string]string{n: before[n]})
				}
				calls := 0
				c := newCommitter()
				c.rename = func(from, to string) error {
					defer func() { calls++ }()
					// Call 0 is the journal's decision rename.
					if calls == fail+1 {
						return &os.LinkError{Op: "rename", Old: from, New: to, Err: errors.New("injected failure")}
					}
					return os.Rename(from, to)
				}
				err := c.writeAll(dir, files)
				if err == nil || !strings.Contains(err.Error(), "injected failure") || !strings.Contains(err.Error(), filepath.Join(dir, files[fail].name)) {
					t.Fatalf("got error %v, want the injected failure naming %s", err, files[fail].name)
				}
				ents, _ := os.ReadDir(dir)
				if len(ents) != len(before) {
					var names []string
					for _, e := range ents {
						names = append(names, e.Name())
					}
					t.Errorf("got files %v, want only %v", names, existing)
				}
				for n, want := range before {
					if got, err := os.ReadFile(filepath.Join(dir, n)); err != nil || string(got) != want {
						t.Errorf("%s: got %q (%v), want %q", n, got, err, want)
					}
				}
			})
		}
	}
}

func TestWriteAllReplaces(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "run")
	for _, content := range []string{"first", "second"} {
		if err := newCommitter().writeAll(dir, []outFile{{"a.txt", []byte(content)}, {"b.txt", []byte(content + " b")}}); err != nil {
			t.Fatal(err)
		}
		for n, want := range map[string]string{"a.txt": content, "b.txt": content + " b"} {
			if got, _ := os.ReadFile(filepath.Join(dir, n)); string(got) != want {
				t.Errorf("%s: got %q, want %q", n, got, want)
			}
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 2 {
			t.Errorf("got %d entries, want 2 (a temporary or backup file was left)", len(ents))
		}
	}
}

// TestWriteAllSurvivesACrash stops the commit for good (as SIGKILL would)
// before each of its renames, then runs recoverDir as the next command
// does: the folder then holds the complete old set (a crash before the
// decision) or the complete new set with the checkpoint gone (after it),
// and nothing else.
func TestWriteAllSurvivesACrash(t *testing.T) {
	files := []outFile{{"a.txt", []byte("new a")}, {"b.txt", []byte("new b")}, {"c.txt", []byte("new c")}}
	old := map[string]string{"a.txt": "old a", "b.txt": "old b", "c.txt": "old c", "checkpoint/state": "ck"}
	// Renames: the decision, one per file, the journal's retirement.
	for crash := range len(files) + 2 {
		t.Run(fmt.Sprintf("crash before rename %d", crash), func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, old)
			c := newCommitter()
			calls := 0
			c.rename = func(from, to string) error {
				if calls == crash {
					runtime.Goexit() // the process is gone: no undo runs
				}
				calls++
				return os.Rename(from, to)
			}
			done := make(chan bool)
			go func() {
				defer close(done)
				c.writeAll(dir, files, "checkpoint")
			}()
			<-done
			if err := recoverDir(dir, "a.txt", "b.txt", "c.txt"); err != nil {
				t.Fatal(err)
			}
			want := old
			if crash > 0 {
				want = map[string]string{"a.txt": "new a", "b.txt": "new b", "c.txt": "new c"}
			}
			got := map[string]string{}
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					b, _ := os.ReadFile(p)
					rel, _ := filepath.Rel(dir, p)
					got[rel] = string(b)
				}
				return nil
			})
			if !maps.Equal(got, want) {
				t.Errorf("after recovery the folder holds %v, want %v", got, want)
			}
			if ents, _ := os.ReadDir(dir); crash > 0 && len(ents) != 3 {
				t.Errorf("%d entries left, want 3", len(ents))
			}
		})
	}
}

// The reproduction: strace kills the process at one rename after
// another of a run that replaces an earlier run's files; the next command
// that touches the folder (eval of its model) leaves it with the four files
// of one run, nothing else.
func TestKilledCommitThroughStrace(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed")
	}
	dir := t.TempDir()
	spec := filepath.Join(repoRoot(t), "configs", "iris.yaml")
	data := filepath.Join(repoRoot(t), "data", "iris.csv")
	train := func(out string, seed int) []string {
		return []string{"train", "-q", "-c", spec, "--out", out, "--set", "train.epochs=5", "--set", "train.checkpoint_every=0", "--set", fmt.Sprintf("seed=%d", seed)}
	}
	refs := map[int]map[string][]byte{}
	for _, seed := range []int{1, 2} {
		out := filepath.Join(dir, fmt.Sprintf("ref%d", seed))
		if r := nntrainIn(t, dir, nil, train(out, seed)...); r.code != 0 {
			t.Fatalf("seed %d: exit %d\n%s", seed, r.code, r.err)
		}
		refs[seed] = snapshot(t, out)
	}
	seen := map[int]int{}
	// The decision, 4 files, the journal's retirement. (strace counts
	// per thread; without checkpoints these renames are all the main
	// goroutine's, usually on one thread.)
	for when := 1; when <= 6; when++ {
		out := filepath.Join(dir, fmt.Sprintf("run%d", when))
		for n, b := range refs[1] {
			writeFiles(t, out, map[string]string{n: string(b)})
		}
		args := append([]string{"-f", "-o", "/dev/null", "-e", "trace=rename,renameat,renameat2",
			"-e", fmt.Sprintf("inject=rename,renameat,renameat2:signal=KILL:when=%d", when), binary}, train(out, 2)...)
		exec.Command(strace, args...).Run()
		if r := nntrainIn(t, dir, nil, "eval", "--model", filepath.Join(out, "model.json"), "--data", data); r.code != 0 {
			t.Errorf("kill at rename %d: eval: exit %d\n%s", when, r.code, r.err)
		}
		got := map[string][]byte{}
		ents, _ := os.ReadDir(out)
		for _, e := range ents {
			b, _ := os.ReadFile(filepath.Join(out, e.Name()))
			got[e.Name()] = b
		}
		from := 0
		for seed, ref := range refs {
			if maps.EqualFunc(got, ref, bytes.Equal) {
				from = seed
			}
		}
		if from == 0 {
			var names []string
			for n := range got {
				names = append(names, n)
			}
			t.Errorf("kill at rename %d: the folder holds %v, not the files of one run", when, names)
		}
		seen[from]++
	}
	t.Logf("runs whose files remained: %v (seed 1 = the old run, 2 = the killed one)", seen)
	if seen[1] == 0 || seen[2] == 0 {
		t.Errorf("the kills did not land both before and after the decision: %v", seen)
	}
}

// The double Ctrl-C: strace sends SIGINT at every fsync, so the
// second interrupt comes while files are being written. No temporary file
// or journal is left, and the status goes with the message: 0 when the
// run's files were committed, 130 otherwise.
func TestDoubleInterruptDuringWrites(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed")
	}
	dir := t.TempDir()
	spec := filepath.Join(repoRoot(t), "configs", "digits.yaml")
	for i := range 6 {
		out := filepath.Join(dir, fmt.Sprintf("run%d", i))
		// Half without checkpoints: the first fsync is then the final commit's.
		cmd := exec.Command(strace, "-f", "-o", "/dev/null", "-e", "trace=fsync", "-e", "inject=fsync:signal=INT:when=1+",
			binary, "train", "-q", "-c", spec, "--out", out, "--set", "model.layers.0.units=300", "--set", "train.epochs=2",
			"--set", fmt.Sprintf("train.checkpoint_every=%d", i%2))
		var e bytes.Buffer
		cmd.Stderr = &e
		code := exitCode(cmd.Run())
		msg := e.String()
		switch {
		case strings.Contains(msg, "after the run's files had been written"):
			if code != 0 {
				t.Errorf("run %d: exit %d after saying the files were written, want 0", i, code)
			}
		case code != 130:
			t.Errorf("run %d: exit %d, want 130\n%s", i, code, msg)
		}
		filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err == nil && (strings.Contains(d.Name(), ".tmp-") || strings.HasPrefix(d.Name(), ".commit") || d.Name() == lockName) {
				t.Errorf("run %d: %s left behind (exit %d: %s)", i, p, code, strings.TrimSpace(msg))
			}
			return nil
		})
		t.Logf("run %d: exit %d: %s", i, code, lastLine(msg))
	}
}
