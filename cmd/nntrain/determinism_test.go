package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
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
