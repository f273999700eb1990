package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/metrics"
)

func readCost(t *testing.T, path string) (header []string, rows [][]float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		var row []float64
		for _, c := range rec {
			v, err := strconv.ParseFloat(c, 64)
			if err != nil {
				t.Fatal(err)
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	return recs[0], rows
}

// A schedule adds cost.csv's lr column and cost.png's third panel.
func TestScheduleLRColumnAndPanel(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinyValSpec, "train.csv": tinyCSV})
	r := nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml", "--set", "train.epochs=12",
		"--set", "train.schedule={kind: step, step_size: 4, gamma: 0.5}")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.err)
	}
	header, rows := readCost(t, filepath.Join(dir, "run", "cost.csv"))
	if got, want := strings.Join(header, ","), "epoch,train_loss,val_loss,train_accuracy,val_accuracy,lr"; got != want {
		t.Fatalf("cost.csv header %s, want %s", got, want)
	}
	for _, row := range rows {
		if want := 0.1 * math.Pow(0.5, math.Floor((row[0]-1)/4)); row[5] != want {
			t.Errorf("epoch %v: lr %v, want %v", row[0], row[5], want)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "run", "cost.png"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width != 768 || cfg.Height != 1008 {
		t.Errorf("cost.png %d×%d (%v), want 768×1008: three panels", cfg.Width, cfg.Height, err)
	}
	// The epoch lines show the lr too.
	r = nntrainIn(t, dir, nil, "train", "-c", "spec.yaml", "--set", "train.epochs=5",
		"--set", "train.schedule={kind: step, step_size: 4, gamma: 0.5}")
	if lines := strings.Split(r.err, "\n"); r.code != 0 || len(lines) < 5 || !strings.Contains(lines[3], "  lr 0.1  ") || !strings.Contains(lines[4], "  lr 0.05  ") {
		t.Errorf("exit %d; epoch lines 4 and 5 should show lr 0.1 and 0.05:\n%s", r.code, r.err)
	}
	// Without a schedule: no lr column.
	r = nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml")
	if header, _ := readCost(t, filepath.Join(dir, "run", "cost.csv")); r.code != 0 || header[len(header)-1] == "lr" {
		t.Errorf("exit %d, header %v: want no lr column without a schedule", r.code, header)
	}
}

// metrics.json says which epoch the written weights come from, and they
// are that epoch's, also when the run ends at train.epochs.
func TestBestEpochInMetrics(t *testing.T) {
	for _, mon := range []string{"val_loss", "val_accuracy"} {
		t.Run(mon, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"spec.yaml": tinyValSpec, "train.csv": tinyCSV})
			r := nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml", "--set", "train.epochs=150", "--set", "model.layers.0.units=32",
				"--set", "train.optimizer=adam", "--set", "train.learning_rate=0.05",
				"--set", "train.early_stopping={patience: 1000, monitor: "+mon+"}")
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.err)
			}
			b, err := os.ReadFile(filepath.Join(dir, "run", "metrics.json"))
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Validation struct {
					BestEpoch int     `json:"best_epoch"`
					Loss      float64 `json:"loss"`
					Accuracy  float64 `json:"accuracy"`
				} `json:"validation"`
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			_, rows := readCost(t, filepath.Join(dir, "run", "cost.csv"))
			col := 2 // val_loss, lower is better
			sign := 1.0
			if mon == "val_accuracy" {
				col, sign = 4, -1
			}
			best, bestE := math.Inf(1), 0
			for _, row := range rows {
				if v := sign * row[col]; v < best {
					best, bestE = v, int(row[0])
				}
			}
			if m.Validation.BestEpoch != bestE || bestE == len(rows) {
				t.Fatalf("best_epoch %d, want %d (of %d epochs, not the last)", m.Validation.BestEpoch, bestE, len(rows))
			}
			if got, want := m.Validation.Loss, rows[bestE-1][2]; math.Abs(got-want) > 1e-12 {
				t.Errorf("metrics.json validation loss %v, want epoch %d's val_loss %v", got, bestE, want)
			}
			all, err := metrics.ReadJSON(bytes.NewReader(b))
			if err != nil || all["validation"].Rows == 0 {
				t.Errorf("metrics.ReadJSON: %v, %v", all, err)
			}
		})
	}
}

// A key that does not apply to the optimizer is exit 2 naming it; gradcheck
// holds dropout masks fixed and passes.
func TestOptionErrorsAndGradcheck(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV})
	r := nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml", "--set", "train.optimizer=adam", "--set", "train.momentum=0.5")
	if want := "--set train.momentum=0.5: train.momentum: the adam optimizer does not take momentum"; r.code != 2 || !strings.Contains(r.err, want) {
		t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "run")); !os.IsNotExist(err) {
		t.Errorf("a refused spec left a run folder (%v)", err)
	}
	r = nntrainIn(t, dir, nil, "gradcheck", "-c", "spec.yaml", "--set", "model.layers.0.dropout=0.5")
	if r.code != 0 || !strings.Contains(r.out, "ok") {
		t.Errorf("gradcheck with dropout: exit %d\n%s%s", r.code, r.out, r.err)
	}
}
