package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
	"github.com/nntrain/nntrain/internal/spec"
	"golang.org/x/sys/cpu"
)

// TestFailUnder: the gates pass and fail on figures of metrics.json, the
// files are written either way, and a failing gate says which and by how
// much.
func TestFailUnder(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinyValSpec, "train.csv": tinyCSV})
	// 12 rows, a quarter held out stratified by class: 9 train, 3 validation.
	for _, c := range []struct {
		name  string
		gates []string
		code  int
		want  []string
		lacks []string
	}{
		{"one gate met", []string{"train.rows=9"}, 0, nil, nil},
		{"met exactly and easily", []string{"train.rows=9", "validation.rows=3", "validation.accuracy=0", "train.per_class.a.support=3"}, 0, nil, nil},
		{"one gate missed", []string{"train.rows=10"}, 1, []string{"nntrain train: --fail-under: train.rows is 9, below 10", "files were written to run"}, nil},
		{"one of three missed", []string{"train.rows=9", "validation.accuracy=1.01", "validation.rows=2"}, 1,
			[]string{"validation.accuracy is ", "below 1.01"}, []string{"train.rows is", "validation.rows is"}},
		{"two missed", []string{"train.accuracy=1.5", "validation.rows=4"}, 1, []string{"train.accuracy is ", "below 1.5", "; validation.rows is 3, below 4"}, nil},
		{"unknown key path", []string{"validation.acc=0.9"}, 2, []string{"nntrain train: --fail-under validation.acc: ", `no key "acc"`}, nil},
		{"no test split", []string{"test.accuracy=0.9"}, 2, []string{"nntrain train: --fail-under test.accuracy: ", `no split "test"`, "train, validation"}, nil},
		{"regression key on classes", []string{"train.r2=0.9"}, 2, []string{"nntrain train: --fail-under train.r2: ", `no key "r2"`}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			os.RemoveAll(filepath.Join(dir, "run"))
			args := []string{"train", "-q", "-c", "spec.yaml"}
			for _, g := range c.gates {
				args = append(args, "--fail-under", g)
			}
			r := nntrainIn(t, dir, nil, args...)
			if r.code != c.code {
				t.Errorf("got exit %d, want %d\n%s", r.code, c.code, r.err)
			}
			for _, w := range c.want {
				if !strings.Contains(r.err, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.err)
				}
			}
			for _, w := range c.lacks {
				if strings.Contains(r.err, w) {
					t.Errorf("stderr has %q, a gate that was met:\n%s", w, r.err)
				}
			}
			if c.code == 0 && r.err != "" {
				t.Errorf("stderr: got %q, want nothing with -q", r.err)
			}
			noStackTrace(t, r.err)
			_, err := os.Stat(filepath.Join(dir, "run", "metrics.json"))
			if wrote := err == nil; wrote != (c.code != 2) {
				t.Errorf("metrics.json written: %v, want %v (a bad gate is found before training)", wrote, c.code != 2)
			}
		})
	}
}

// TestVersion: --version prints the module version the binary was built
// with, or the one set at link time.
func TestVersion(t *testing.T) {
	out, err := exec.Command("go", "version", "-m", binary).Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*mod\s+github\.com/nntrain/nntrain\s+(\S+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no module line in go version -m:\n%s", out)
	}
	r := nntrain(t, nil, "--version")
	if want := "nntrain version " + string(m[1]); r.code != 0 || !strings.HasPrefix(r.out, want) {
		t.Errorf("got exit %d, %q; want %q", r.code, r.out, want)
	}

	bin := filepath.Join(t.TempDir(), "nntrain")
	if out, err := exec.Command("go", "build", "-ldflags", "-X main.version=v1.2.3-test", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	got, err := exec.Command(bin, "--version").Output()
	if err != nil || string(got) != "nntrain version v1.2.3-test\n" {
		t.Errorf("with -X main.version: got %q (%v), want %q", got, err, "nntrain version v1.2.3-test\n")
	}
}

// TestCompletion: cobra's completion scripts, and what the binary offers
// for each kind of flag (as the scripts ask it through __complete).
func TestCompletion(t *testing.T) {
	for k := range keyValues {
		if !slices.Contains(spec.Keys(), k) {
			t.Errorf("keyValues names %q, which is not a spec key", k)
		}
	}
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		r := nntrain(t, nil, "completion", sh)
		if r.code != 0 || !strings.Contains(r.out, "nntrain") || len(r.out) < 500 {
			t.Errorf("completion %s: exit %d, %d bytes", sh, r.code, len(r.out))
		}
	}
	for _, c := range []struct {
		args []string
		want []string // lines, the last one the directive
	}{
		{[]string{"train", "--config", ""}, []string{"yaml", "yml", ":8"}},
		{[]string{"train", "--init", ""}, []string{"json", ":8"}},
		{[]string{"train", "--out", ""}, []string{":16"}},
		{[]string{"predict", "--model", ""}, []string{"json", ":8"}},
		{[]string{"predict", "--data", ""}, []string{"csv", "gz", ":8"}},
		{[]string{"eval", "--data", ""}, []string{"csv", "gz", ":8"}},
		{[]string{"params", "--config", ""}, []string{"yaml", "yml", ":8"}},
		{[]string{"train", "--set", "train.ep"}, []string{"train.eps=", "train.epochs=", ":6"}},
		{[]string{"train", "--set", "model.layers.1.act"}, []string{"model.layers.1.activation=", ":6"}},
		{[]string{"train", "--fail-under", "validation.acc"}, []string{"validation.accuracy=", ":6"}},
		{[]string{"train", "--fail-over", "test.lo"}, []string{"test.loss=", ":6"}},
		{[]string{"train", "--fail-under", "test.ro"}, []string{"test.roc_auc=", "test.rows=", ":6"}},
		{[]string{"eval", "--fail-under", "acc"}, []string{"accuracy=", ":6"}},
		{[]string{"eval", "--fail-over", "r"}, []string{"recall=", "roc_auc=", "r2=", "rmse=", "rows=", ":6"}},
		// values of the enumerated keys
		{[]string{"train", "--set", "model.layers.1.activation="}, []string{"model.layers.1.activation=linear", "model.layers.1.activation=sigmoid",
			"model.layers.1.activation=tanh", "model.layers.1.activation=relu", "model.layers.1.activation=leaky_relu", "model.layers.1.activation=softmax", ":4"}},
		{[]string{"train", "--set", "model.layers.12.activation=le"}, []string{"model.layers.12.activation=leaky_relu", ":4"}},
		{[]string{"train", "--set", "loss=c"}, []string{"loss=cross_entropy", ":4"}},
		{[]string{"train", "--set", "train.schedule.kind="}, []string{"train.schedule.kind=step", "train.schedule.kind=exponential", "train.schedule.kind=cosine", "train.schedule.kind=plateau", ":4"}},
		{[]string{"train", "--set", "train.optimizer="}, []string{"train.optimizer=sgd", "train.optimizer=momentum", "train.optimizer=nesterov", "train.optimizer=adam", "train.optimizer=adamw", "train.optimizer=rmsprop", ":4"}},
		{[]string{"params", "--set", "model.init=x"}, []string{"model.init=xavier", ":4"}},
		{[]string{"gradcheck", "--set", "data.normalize=m"}, []string{"data.normalize=minmax", ":4"}},
		{[]string{"train", "--set", "data.shuffle="}, []string{"data.shuffle=true", "data.shuffle=false", ":4"}},
		{[]string{"train", "--set", "train.epochs="}, []string{":4"}},
	} {
		r := nntrain(t, nil, append([]string{"__complete"}, c.args...)...)
		if got := strings.Split(strings.TrimSpace(r.out), "\n"); r.code != 0 || strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("complete %q: got exit %d, %q; want %q", c.args, r.code, got, c.want)
		}
	}
}

// TestJSONOutputsOneLine: every --json output is one compact JSON object on
// one line (eval once printed an indented object over many lines, train
// and params one line each).
func TestJSONOutputsOneLine(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV, "reg.yaml": regSpec, "reg.csv": regCSV})
	for _, c := range []struct {
		name string
		args []string
	}{
		{"train", []string{"train", "-q", "-c", "spec.yaml", "--json"}},
		{"train regression", []string{"train", "-q", "-c", "reg.yaml", "--json", "--out", "regrun"}},
		{"eval classes", []string{"eval", "--model", "run/model.json", "--data", "train.csv", "--json"}},
		{"eval regression", []string{"eval", "--model", "regrun/model.json", "--data", "reg.csv", "--json"}},
		{"params", []string{"params", "-c", "spec.yaml", "--json"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := nntrainIn(t, dir, nil, c.args...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.err)
			}
			if n := strings.Count(r.out, "\n"); n != 1 || !strings.HasSuffix(r.out, "\n") {
				t.Errorf("got %d lines, want one line ending in a newline:\n%s", n, r.out)
			}
			if !json.Valid([]byte(r.out)) || !strings.HasPrefix(r.out, "{") {
				t.Errorf("not a JSON object: %s", r.out)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, []byte(r.out)); err == nil && compact.String() != strings.TrimSuffix(r.out, "\n") {
				t.Errorf("not compact:\n%s", r.out)
			}
		})
	}
}

// TestUndefinedR2: r2 of a single row is undefined, not 0: "n/a" in text,
// null in JSON, and a --fail-under bound on it fails as a check (exit 1,
// the files written) naming it undefined.
func TestUndefinedR2(t *testing.T) {
	dir := t.TempDir()
	one := strings.Replace(strings.Replace(regSpec, "reg.csv", "one.csv", 1), "units: 3, activation: linear}\n    - {", "", 1)
	writeFiles(t, dir, map[string]string{"one.yaml": one, "one.csv": "x,y\n1,2\n"})
	r := nntrainIn(t, dir, nil, "train", "-q", "-c", "one.yaml", "--out", "run", "--fail-under", "train.r2=0.5")
	if r.code != exitCheckFailed || !strings.Contains(r.err, "train.r2 is undefined (n/a)") {
		t.Errorf("train --fail-under train.r2: exit %d, want %d saying it is undefined\n%s", r.code, exitCheckFailed, r.err)
	}
	r = nntrainIn(t, dir, nil, "eval", "--model", "run/model.json", "--data", "one.csv")
	if r.code != 0 || !strings.Contains(r.out, "r2    n/a\n") {
		t.Errorf("eval: exit %d, want r2 n/a:\n%s%s", r.code, r.out, r.err)
	}
	r = nntrainIn(t, dir, nil, "eval", "--model", "run/model.json", "--data", "one.csv", "--json")
	if r.code != 0 || !strings.Contains(r.out, `"r2":null`) {
		t.Errorf("eval --json: exit %d, want r2 null:\n%s%s", r.code, r.out, r.err)
	}
	// An upper bound on it fails too, in train and eval.
	r = nntrainIn(t, dir, nil, "train", "-q", "-c", "one.yaml", "--out", "run", "--fail-over", "train.r2=0.5")
	if r.code != exitCheckFailed || !strings.Contains(r.err, "--fail-over: train.r2 is undefined (n/a), so not at most 0.5") {
		t.Errorf("train --fail-over train.r2: exit %d, want %d saying it is undefined\n%s", r.code, exitCheckFailed, r.err)
	}
	r = nntrainIn(t, dir, nil, "eval", "--model", "run/model.json", "--data", "one.csv", "--fail-under", "r2=0", "--fail-over", "mse=1e300")
	if r.code != exitCheckFailed || r.err != "nntrain eval: --fail-under: r2 is undefined (n/a), so not at least 0\n" || !strings.Contains(r.out, "r2    n/a") {
		t.Errorf("eval --fail-under r2: exit %d, want %d saying it is undefined\n%s%s", r.code, exitCheckFailed, r.out, r.err)
	}
}

// TestTrainWarnings: model.init zeros with a hidden layer never breaks the
// symmetry of its units (a warning, even with --quiet); a whole-set batch
// on a large file gives one update per epoch (a hint, not with --quiet).
func TestTrainWarnings(t *testing.T) {
	dir := t.TempDir()
	var big strings.Builder
	big.WriteString("x1,x2,label\n")
	for i := range bigBatchRows {
		fmt.Fprintf(&big, "%d,%d,%c\n", i%5, i%3, 'a'+byte(i%3))
	}
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV, "big.csv": big.String()})
	for _, c := range []struct {
		name      string
		args      []string
		want, not string
	}{
		{"zeros with a hidden layer", []string{"-q", "--set", "model.init=zeros"}, "warning: model.init is zeros", ""},
		{"zeros, no hidden layer", []string{"-q", "--set", "model.init=zeros", "--set", "model.layers=[{units: 3, activation: softmax}]"}, "", "warning"},
		{"he", []string{"-q", "--set", "model.init=he"}, "", "warning"},
		{"whole-set batch on a large file", []string{"--set", "data.train=big.csv", "--set", "train.epochs=1"}, "hint: train.batch_size is 0", ""},
		{"whole-set batch on a large file, quiet", []string{"-q", "--set", "data.train=big.csv", "--set", "train.epochs=1"}, "", "hint"},
		{"batch_size given", []string{"--set", "data.train=big.csv", "--set", "train.epochs=1", "--set", "train.batch_size=4096"}, "", "hint"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := nntrainIn(t, dir, nil, append([]string{"train", "-c", "spec.yaml"}, c.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.err)
			}
			if c.want != "" && strings.Count(r.err, c.want) != 1 {
				t.Errorf("stderr lacks one %q:\n%s", c.want, r.err)
			}
			if c.not != "" && strings.Contains(r.err, c.not) {
				t.Errorf("stderr has %q:\n%s", c.not, r.err)
			}
		})
	}
}

// TestKernelEnv: NNTRAIN_KERNEL forces a matrix kernel; the portable one
// trains to the same metrics as the default within rounding, and a kernel
// that cannot run here is exit 2 before any work, not a silent fallback.
func TestKernelEnv(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinyValSpec, "train.csv": tinyCSV})
	type kernelCase struct {
		value string
		code  int
		want  string
	}
	cases := []kernelCase{
		{"go", 0, ""},
		{"auto", 0, ""},
		{"avx9000", 2, `nntrain: NNTRAIN_KERNEL="avx9000": unknown kernel`},
	}
	// The assembly kernels: a run where the CPU has them, exit 2 naming the
	// kernel where it does not. The binary is built without -tags purego
	// (TestMain), so what it can run is what the CPU has, whatever the tags
	// of this test.
	avx2 := cpu.X86.HasAVX2 && cpu.X86.HasFMA
	for _, c := range []struct {
		k  network.Kernel
		ok bool
	}{{network.KernelAVX2, avx2}, {network.KernelAVX512, avx2 && cpu.X86.HasAVX512F}} {
		if k := c.k; c.ok {
			cases = append(cases, kernelCase{k.String(), 0, ""})
		} else {
			cases = append(cases, kernelCase{k.String(), 2, "nntrain: NNTRAIN_KERNEL=" + k.String() + ": this CPU or build has no"})
		}
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			os.RemoveAll(filepath.Join(dir, "run"))
			r := nntrainIn(t, dir, []string{"NNTRAIN_KERNEL=" + c.value}, "train", "-q", "--json", "-c", "spec.yaml")
			if r.code != c.code || !strings.Contains(r.err, c.want) {
				t.Errorf("got exit %d, stderr %q; want exit %d and %q", r.code, r.err, c.code, c.want)
			}
			if c.code == 0 {
				// --json names the kernel that ran: the forced one, or for
				// auto the fastest (AVX-512 or AVX2, whichever was timed
				// faster, where both run).
				var js struct{ Kernel string }
				if err := json.Unmarshal([]byte(r.out), &js); err != nil {
					t.Fatalf("--json output %q: %v", r.out, err)
				}
				want := []string{c.value}
				if c.value == "auto" {
					want = []string{"go"}
					if avx2 {
						want = []string{"avx2"}
					}
					if avx2 && cpu.X86.HasAVX512F {
						want = []string{"avx512", "avx2"}
					}
				}
				if !slices.Contains(want, js.Kernel) {
					t.Errorf("--json kernel %q, want one of %q", js.Kernel, want)
				}
			}
			_, err := os.Stat(filepath.Join(dir, "run", "model.json"))
			if wrote := err == nil; wrote != (c.code == 0) {
				t.Errorf("model.json written: %v, want %v", wrote, c.code == 0)
			}
			noStackTrace(t, r.err)
		})
	}
}
