package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/nntrain/nntrain/internal/model"
	"github.com/nntrain/nntrain/internal/network"
)

// The same spec and seed give the same bytes in model.json whatever the
// number of matmul workers: each output element of every product is summed
// by one worker in a fixed order.
func TestSameBytesWhateverWorkers(t *testing.T) {
	for _, cfg := range []struct {
		name string
		args []string
	}{
		// digits: 64-32-10, batches of 32 with a partial last one, shuffled.
		{"digits", []string{"--config", "configs/digits.yaml", "--set", "train.epochs=2"}},
		// wider layers so the products are large enough to be split.
		{"digits-wide", []string{"--config", "configs/digits.yaml", "--set", "train.epochs=1",
			"--set", "model.layers.0.units=300", "--set", "train.batch_size=200"}},
		// dropout masks, a schedule, adamw and clipping: still the same bytes.
		{"digits-options", []string{"--config", "configs/digits.yaml", "--set", "train.epochs=2",
			"--set", "model.layers.0.units=300", "--set", "model.layers.0.dropout=0.3", "--set", "train.optimizer=adamw",
			"--set", "train.schedule={kind: cosine, t_max: 3}", "--set", "train.clip_norm=0.5"}},
		// the same in float32 (issue 13: byte-identical in both precisions)
		{"digits-wide-float32", []string{"--config", "configs/digits.yaml", "--set", "train.epochs=1", "--set", "train.precision=float32",
			"--set", "model.layers.0.units=300", "--set", "train.batch_size=200"}},
		{"digits-options-float32", []string{"--config", "configs/digits.yaml", "--set", "train.epochs=2", "--set", "train.precision=float32",
			"--set", "model.layers.0.units=300", "--set", "model.layers.0.dropout=0.3", "--set", "train.optimizer=adamw",
			"--set", "train.schedule={kind: cosine, t_max: 3}", "--set", "train.clip_norm=0.5"}},
	} {
		t.Run(cfg.name, func(t *testing.T) {
			var first []byte
			for _, w := range []int{1, 2, 3} {
				out := t.TempDir()
				args := append([]string{"train", "--quiet", "--out", out, "--set", "train.workers=" + strconv.Itoa(w)}, cfg.args...)
				r := nntrain(t, nil, args...)
				if r.code != 0 {
					t.Fatalf("workers=%d: exit %d: %s", w, r.code, r.err)
				}
				b, err := os.ReadFile(filepath.Join(out, "model.json"))
				if err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = b
				} else if !bytes.Equal(b, first) {
					t.Errorf("workers=%d: model.json differs from workers=1", w)
				}
			}
		})
	}
}

// A float32 run computes in float32: every parameter it writes is a float32
// value, in float32's shortest form, and they are not the float64 run's
// weights rounded (which a float64 loop behind a float32 label would give).
func TestFloat32RunComputesInFloat32(t *testing.T) {
	args := []string{"--config", "configs/digits.yaml", "--set", "train.epochs=2"}
	read := func(prec string) *model.Model {
		out := t.TempDir()
		r := nntrain(t, nil, append([]string{"train", "--quiet", "--out", out, "--set", "train.precision=" + prec}, args...)...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", prec, r.code, r.err)
		}
		m, err := model.ReadFile(filepath.Join(out, "model.json"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m64, m32 := read("float64"), read("float32")
	if m32.Precision != network.Float32 || m64.Precision != network.Float64 {
		t.Fatalf("precisions read back %v and %v", m32.Precision, m64.Precision)
	}
	rounded := 0
	for i, v := range m32.Net.Params {
		if float64(float32(v)) != v {
			t.Fatalf("float32 parameter %d = %v is not a float32 value", i, v)
		}
		if v == float64(float32(m64.Net.Params[i])) {
			rounded++
		}
	}
	if rounded == len(m32.Net.Params) {
		t.Errorf("every float32 parameter is the float64 run's rounded: the loop did not run in float32")
	}
	var worst float64
	for i, v := range m32.Net.Params {
		worst = max(worst, math.Abs(v-m64.Net.Params[i])/max(1, math.Abs(m64.Net.Params[i])))
	}
	if worst > 1e-3 {
		t.Errorf("float32 and float64 runs differ by %.3g: more than float32 rounding", worst)
	}
	t.Logf("%d of %d float32 parameters equal the float64 run's rounded; worst relative gap %.3g", rounded, len(m32.Net.Params), worst)
}
