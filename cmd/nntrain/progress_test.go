package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// tinyValSpec is tinySpec with a validation split, for the val_ columns.
var tinyValSpec = strings.Replace(tinySpec, "  target: label\n", "  target: label\n  validation_split: 0.25\n", 1)

// TestProgressWhenNotATerminal: stderr is a pipe, so one line per epoch and
// then the one-line summary; stdout stays empty.
func TestProgressWhenNotATerminal(t *testing.T) {
	for _, c := range []struct {
		name, spec string
		epochLine  *regexp.Regexp
	}{
		{"no validation", tinySpec, regexp.MustCompile(`^epoch (\d+)/5  train_loss [0-9.e+-]+  train_accuracy [01]\.\d{4}  [0-9.]+[kM]? samples/s  eta \S+$`)},
		{"validation", tinyValSpec, regexp.MustCompile(`^epoch (\d+)/5  train_loss [0-9.e+-]+  train_accuracy [01]\.\d{4}  val_loss [0-9.e+-]+  val_accuracy [01]\.\d{4}  [0-9.]+[kM]? samples/s  eta \S+$`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"spec.yaml": c.spec, "train.csv": tinyCSV})
			r := nntrainIn(t, dir, nil, "train", "-c", "spec.yaml")
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.err)
			}
			if r.out != "" {
				t.Errorf("stdout: got %q, want nothing", r.out)
			}
			lines := strings.Split(strings.TrimSuffix(r.err, "\n"), "\n")
			if len(lines) != 6 {
				t.Fatalf("got %d lines on stderr, want 5 epoch lines and a summary:\n%s", len(lines), r.err)
			}
			for i, l := range lines[:5] {
				m := c.epochLine.FindStringSubmatch(l)
				if m == nil || m[1] != fmt.Sprint(i+1) {
					t.Errorf("line %d: got %q, want epoch %d/5 matching %s", i+1, l, i+1, c.epochLine)
				}
			}
			sum := lines[5]
			// The epoch lines' train_loss is a mean over the epoch's
			// batches, each before its update; the summary scores the
			// final weights, and says so.
			for _, want := range []string{"tiny: 5 epochs in ", "; final weights: train loss ", " accuracy ", "; files in run: model.json cost.csv cost.png metrics.json"} {
				if !strings.Contains(sum, want) {
					t.Errorf("summary %q lacks %q", sum, want)
				}
			}
			if c.spec == tinyValSpec && !strings.Contains(sum, "; validation loss ") {
				t.Errorf("summary %q lacks the validation figures", sum)
			}
			if strings.ContainsAny(r.err, "\r\x1b") {
				t.Errorf("stderr has carriage returns or escape codes, meant for a terminal:\n%q", r.err)
			}
		})
	}
}

func TestQuietPrintsNothing(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinyValSpec, "train.csv": tinyCSV})
	r := nntrainIn(t, dir, nil, "train", "--quiet", "-c", "spec.yaml")
	if r.code != 0 || r.err != "" || r.out != "" {
		t.Errorf("got exit %d, stdout %q, stderr %q; want 0 and nothing printed", r.code, r.out, r.err)
	}
	if _, err := os.Stat(filepath.Join(dir, "run", "model.json")); err != nil {
		t.Errorf("quiet run wrote no model: %v", err)
	}
}

// TestJSONSummary: --json prints exactly one line of JSON on stdout, with or
// without --quiet, and its figures are those of metrics.json.
func TestJSONSummary(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		t.Run(fmt.Sprintf("quiet=%v", quiet), func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"spec.yaml": tinyValSpec, "train.csv": tinyCSV})
			args := []string{"train", "-c", "spec.yaml", "--json"}
			if quiet {
				args = append(args, "-q")
			}
			r := nntrainIn(t, dir, nil, args...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.err)
			}
			if strings.Count(r.out, "\n") != 1 || !strings.HasSuffix(r.out, "\n") {
				t.Fatalf("stdout: got %q, want one line", r.out)
			}
			var got struct {
				Name    string                     `json:"name"`
				Epochs  int                        `json:"epochs"`
				Seconds float64                    `json:"seconds"`
				Out     string                     `json:"out"`
				Metrics map[string]json.RawMessage `json:"metrics"`
			}
			if err := json.Unmarshal([]byte(r.out), &got); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, r.out)
			}
			if got.Name != "tiny" || got.Epochs != 5 || got.Out != "run" || got.Seconds <= 0 {
				t.Errorf("got name %q, epochs %d, out %q, seconds %v; want tiny, 5, run, > 0", got.Name, got.Epochs, got.Out, got.Seconds)
			}
			var file map[string]json.RawMessage
			b, err := os.ReadFile(filepath.Join(dir, "run", "metrics.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &file); err != nil {
				t.Fatal(err)
			}
			for _, split := range []string{"train", "validation"} {
				if !jsonEqual(t, got.Metrics[split], file[split]) {
					t.Errorf("metrics.%s: got %s, want metrics.json's %s", split, got.Metrics[split], file[split])
				}
			}
			if quiet && r.err != "" {
				t.Errorf("--quiet --json: stderr %q, want nothing", r.err)
			}
		})
	}
}

func jsonEqual(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

// TestProgressOnATerminal runs the binary under script(1), which gives it
// a pseudo-terminal: the bar is drawn in place (carriage returns, no
// per-epoch lines) and cleared before the summary.
func TestProgressOnATerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("no script(1) to make a pseudo-terminal")
	}
	dir := t.TempDir()
	spec := filepath.Join(repoRoot(t), "configs", "digits.yaml")
	cmdline := fmt.Sprintf("stty cols 150 2>/dev/null; %s train -c %s --out %s --set train.epochs=40 --set train.early_stopping.patience=100",
		binary, spec, filepath.Join(dir, "run"))
	cmd := exec.Command(script, "-qec", cmdline, "/dev/null")
	cmd.Dir = dir
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("script: %v\n%s", err, out)
	}
	s := string(out)
	t.Logf("%d bytes in %v; last redraw: %q", len(s), time.Since(start).Round(time.Millisecond), lastRedraw(s))
	bar := regexp.MustCompile(`digits  epoch \d+/40  (batch \d+/45  )?(loss \S+  )?(val \S+  )?(\S+ samples/s  )?(eta \S+ )? +\d+% \|[█░]+\|`)
	if !bar.MatchString(s) {
		t.Errorf("no progress bar matching %s in\n%q", bar, s)
	}
	if !strings.Contains(s, "\r") {
		t.Errorf("the bar is not redrawn in place (no carriage return)")
	}
	if strings.Contains(s, "train_loss") {
		t.Errorf("per-epoch lines on a terminal, want only the bar")
	}
	sum := lastLine(strings.ReplaceAll(strings.TrimRight(s, "\r\n"), "\r\n", "\n"))
	if i := strings.LastIndexByte(sum, '\r'); i >= 0 {
		sum = sum[i+1:]
	}
	if !strings.HasPrefix(sum, "digits: 40 epochs in ") || !strings.Contains(sum, "files in "+filepath.Join(dir, "run")) {
		t.Errorf("last line %q, want the summary", sum)
	}
}

func lastRedraw(s string) string {
	s = strings.TrimRight(s, "\r\n")
	parts := strings.Split(s, "\r")
	for i := len(parts) - 1; i >= 0; i-- {
		if strings.Contains(parts[i], "%") {
			return parts[i]
		}
	}
	return ""
}
