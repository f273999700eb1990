package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeExample is one "$ command" of README.md's examples and the lines
// printed under it.
type readmeExample struct {
	cmd  string
	want []string
}

func readmeExamples(t *testing.T) (setup string, examples []readmeExample) {
	f, err := os.Open(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	inCode, cur := false, -1 // cur: the example whose output is being read
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "```"):
			inCode, cur = !inCode, -1
		case !inCode:
		case setup == "" && strings.HasPrefix(l, "go build "):
			setup = l
		case strings.HasPrefix(l, "$ "):
			examples = append(examples, readmeExample{cmd: strings.TrimPrefix(l, "$ ")})
			cur = len(examples) - 1
		case cur >= 0:
			examples[cur].want = append(examples[cur].want, l)
		}
	}
	out := examples
	for i := range out {
		for len(out[i].want) > 0 && out[i].want[len(out[i].want)-1] == "" {
			out[i].want = out[i].want[:len(out[i].want)-1]
		}
	}
	return setup, out
}

// TestReadmeExamples runs README.md as a new user would: its set-up command
// (which builds ./nntrain stamped with the commit, even with
// GOFLAGS=-buildvcs=false), then every "$ ./nntrain …" example as written,
// in order, from the repository root. Each must call ./nntrain (not an
// nntrain the set-up does not put on PATH), succeed, and print what the
// README shows, numbers to 1e-9 (train's lines, with timings and "...",
// excepted).
func TestReadmeExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and trains iris")
	}
	setup, examples := readmeExamples(t)
	if len(examples) < 5 {
		t.Fatalf("found %d examples in README.md", len(examples))
	}
	build, _, ok := strings.Cut(setup, " && ")
	if !ok || !strings.Contains(build, " -o nntrain ") {
		t.Fatalf("set-up command %q: want go build … -o nntrain … && …", setup)
	}
	// The repository as a new user has it: a copy of configs and data, the
	// binary built where the README builds it.
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	dir := t.TempDir()
	for _, d := range []string{"configs", "data"} {
		if out, err := exec.Command("cp", "-r", filepath.Join(root, d), dir).CombinedOutput(); err != nil {
			t.Fatalf("cp %s: %v\n%s", d, err, out)
		}
	}
	sh := exec.Command("sh", "-c", strings.Replace(build, "-o nntrain", "-o "+filepath.Join(dir, "nntrain"), 1))
	sh.Dir = root
	sh.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, out)
	}
	v, err := exec.Command(filepath.Join(dir, "nntrain"), "--version").Output()
	if err != nil || strings.Contains(string(v), "(devel)") {
		t.Errorf("--version after the README's build: %q, %v; want the commit", v, err)
	}
	timing := regexp.MustCompile(`samples/s|epochs in|^\.\.\.$`)
	for _, e := range examples {
		if !strings.HasPrefix(e.cmd, "./nntrain ") {
			t.Errorf("example %q does not call ./nntrain, which the set-up builds", e.cmd)
			continue
		}
		c := exec.Command("sh", "-c", e.cmd)
		c.Dir = dir
		out, err := c.CombinedOutput()
		if err != nil {
			t.Errorf("%s: %v\n%s", e.cmd, err, out)
			continue
		}
		var want, got []string
		for _, l := range e.want {
			if !timing.MatchString(l) {
				want = append(want, l)
			}
		}
		for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
			if !timing.MatchString(l) {
				got = append(got, l)
			}
		}
		if !equalNumbers([]byte(strings.Join(got, "\n")), []byte(strings.Join(want, "\n")), 1e-9) {
			t.Errorf("%s prints\n%s\nREADME.md shows\n%s", e.cmd, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
