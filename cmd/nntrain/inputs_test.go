package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// An output that is one of the command's own inputs, by the same path,
// another spelling, a symlink or a hard link, is exit 2 and the input stays
// byte for byte.
func TestOutputIsNotAnInput(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"model.json": goodModel, "new.csv": "x1,x2\n1,2\n", "spec.yaml": tinySpec, "train.csv": tinyCSV})
	os.Symlink("new.csv", filepath.Join(dir, "link.csv"))
	os.Link(filepath.Join(dir, "model.json"), filepath.Join(dir, "hard.json"))
	p := func(n string) string { return filepath.Join(dir, n) }
	for _, c := range []struct {
		name  string
		args  []string
		input string
		want  string
	}{
		{"predict --out its --model", []string{"predict", "--model", p("model.json"), "--data", p("new.csv"), "--out", p("model.json")}, "model.json", "is the --model file"},
		{"predict --out its --data", []string{"predict", "--model", p("model.json"), "--data", p("new.csv"), "--out", p("new.csv")}, "new.csv", "is the --data file"},
		{"predict --out its --data spelt otherwise", []string{"predict", "--model", p("model.json"), "--data", p("new.csv"), "--out", dir + "/./sub/../new.csv"}, "new.csv", "is the --data file"},
		{"predict --out a symlink to its --data", []string{"predict", "--model", p("model.json"), "--data", p("new.csv"), "--out", p("link.csv")}, "new.csv", "is the --data file"},
		{"predict --out a hard link to its --model", []string{"predict", "--model", p("model.json"), "--data", p("new.csv"), "--out", p("hard.json")}, "model.json", "is the --model file"},
		{"train --out a file", []string{"train", "-c", p("spec.yaml"), "--out", p("train.csv")}, "train.csv", "is a file"},
		{"train into the data's folder as cost.csv", []string{"train", "-c", p("spec.yaml"), "--out", dir, "--set", "data.train=cost.csv"}, "cost.csv", "is the data.train file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			os.MkdirAll(p("sub"), 0o755)
			if c.input == "cost.csv" {
				writeFiles(t, dir, map[string]string{"cost.csv": tinyCSV})
			}
			before, _ := os.ReadFile(p(c.input))
			r := runIn(t, c.args...)
			if r.code != 2 || !strings.Contains(r.err, c.want) {
				t.Errorf("got exit %d, stderr %q; want 2 and %q", r.code, r.err, c.want)
			}
			if after, _ := os.ReadFile(p(c.input)); string(after) != string(before) {
				t.Errorf("%s was changed", c.input)
			}
		})
	}
}

// runIn runs a command in-process.
func runIn(t *testing.T, args ...string) result {
	t.Helper()
	var o, e strings.Builder
	code := runWith(context.Background(), args, &streams{out: &o, err: &e})
	return result{code, o.String(), e.String()}
}

// Devices and FIFOs as data, spec or model are refused at once (they would
// be read forever or block), and a FIFO as data.test does not hang.
func TestInputsMustBeRegularFiles(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"model.json": goodModel, "new.csv": "x1,x2\n1,2\n", "spec.yaml": tinySpec, "train.csv": tinyCSV})
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	p := func(n string) string { return filepath.Join(dir, n) }
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"train data /dev/zero", []string{"train", "-c", p("spec.yaml"), "--set", "data.train=/dev/zero"}, "/dev/zero: is a character device"},
		{"train spec /dev/urandom", []string{"train", "-c", "/dev/urandom"}, "/dev/urandom: is a character device"},
		{"train spec FIFO", []string{"train", "-c", fifo}, fifo + ": is a FIFO"},
		{"train data.test FIFO", []string{"train", "-c", p("spec.yaml"), "--set", "data.test=" + fifo}, fifo + ": is a FIFO, not a regular file (data.test in"},
		{"train --init FIFO", []string{"train", "-c", p("spec.yaml"), "--init", fifo}, "is a FIFO"},
		{"predict model /dev/zero", []string{"predict", "--model", "/dev/zero", "--data", p("new.csv")}, "/dev/zero: is a character device, not a regular file (--model)"},
		{"predict data FIFO", []string{"predict", "--model", p("model.json"), "--data", fifo}, "is a FIFO"},
		{"eval data /dev/zero", []string{"eval", "--model", p("model.json"), "--data", "/dev/zero"}, "/dev/zero: is a character device"},
		{"params spec FIFO", []string{"params", "-c", fifo}, "is a FIFO"},
		{"gradcheck data /dev/urandom", []string{"gradcheck", "-c", p("spec.yaml"), "--set", "data.train=/dev/urandom"}, "/dev/urandom: is a character device"},
	} {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan result, 1)
			go func() { done <- runIn(t, c.args...) }()
			select {
			case r := <-done:
				if r.code != 2 || !strings.Contains(r.err, c.want) {
					t.Errorf("got exit %d, stderr %q; want 2 and %q", r.code, r.err, c.want)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("still reading after 20 s")
			}
		})
	}
}
