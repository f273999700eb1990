package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/nntrain/nntrain/internal/metrics"
)

// TestCostPNG trains through the binary and checks cost.png: a PNG of
// 768×672 (8×7 inches at 96 dpi) on which both curves were drawn, in the
// train and validation colours.
func TestCostPNG(t *testing.T) {
	for _, c := range []struct {
		name, spec, epochs string
		val                bool
	}{
		{"validation", tinyValSpec, "40", true},
		{"train only", tinySpec, "40", false},
		{"one epoch", tinyValSpec, "1", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"spec.yaml": c.spec, "train.csv": tinyCSV})
			if r := nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml", "--set", "train.epochs="+c.epochs); r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.err)
			}
			b, err := os.ReadFile(filepath.Join(dir, "run", "cost.png"))
			if err != nil {
				t.Fatal(err)
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
			if err != nil || format != "png" {
				t.Fatalf("cost.png: got format %q, error %v; want a PNG", format, err)
			}
			if cfg.Width != 768 || cfg.Height != 672 {
				t.Errorf("cost.png is %d×%d, want 768×672", cfg.Width, cfg.Height)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			// A colour's two legend thumbnails and one epoch's points take
			// about 100 pixels; forty epochs of curves, several hundred more.
			least := 300
			if c.epochs == "1" {
				least = 1
			}
			train, val := countColor(img, trainColor), countColor(img, valColor)
			t.Logf("%d train pixels, %d validation pixels", train, val)
			if train < least {
				t.Errorf("got %d pixels of the train colour, want the train curves", train)
			}
			if c.val && val < least {
				t.Errorf("got %d pixels of the validation colour, want the validation curves", val)
			}
			if !c.val && val > 0 {
				t.Errorf("got %d pixels of the validation colour without validation data", val)
			}
		})
	}
}

func countColor(img image.Image, c color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, c.R) && near(g, c.G) && near(bl, c.B) {
				n++
			}
		}
	}
	return n
}

func near(v uint32, want uint8) bool {
	d := int(v>>8) - int(want)
	return d > -8 && d < 8
}

// TestPlotExtremeRanges draws cost.png for loss ranges at and past the
// ends of float64: each must give a PNG (in bounded time: logTicks once
// looped for ever when the padded limits overflowed to 0 or +Inf), and no
// ticker may return more than a few hundred ticks.
func TestPlotExtremeRanges(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct {
		name   string
		losses []float64
	}{
		{"zero", []float64{0, 0, 0}},
		{"zero to one", []float64{1, 0.5, 0}},
		{"+Inf", []float64{inf, inf}},
		{"finite then +Inf", []float64{1, inf, 2}},
		{"NaN", []float64{nan, nan}},
		{"denormal", []float64{1e-320, 1e-321, 5e-324}},
		{"denormal to 1e308", []float64{1e-320, 1e308, 5e-324}},
		{"1e308", []float64{1e308, 1.5e308, math.MaxFloat64}},
		{"-MaxFloat64 to MaxFloat64", []float64{-math.MaxFloat64, math.MaxFloat64}},
		{"equal", []float64{0.25, 0.25, 0.25}},
		{"equal and huge", []float64{1e300, 1e300}},
		{"one ulp apart", []float64{1e12, math.Nextafter(1e12, 2e12)}},
		{"negative", []float64{-5, -1e10}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cost := metrics.NewCostLog("epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy")
			for i, l := range c.losses {
				cost.Append(float64(i+1), l, l, 0.5, l)
			}
			var buf bytes.Buffer
			if err := plotCost(&buf, cost, costPlot{name: "x", loss: "mse", metric: "accuracy"}); err != nil {
				t.Fatalf("plotCost: %v", err)
			}
			if _, err := png.Decode(&buf); err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
		})
	}
	for _, r := range [][2]float64{{0, 1}, {1e-320, 1e308}, {5e-324, math.MaxFloat64}, {0, inf}, {nan, 1}, {1, nan}, {2, 1}, {1, 1}, {1e12, math.Nextafter(1e12, 2e12)}, {-inf, inf}} {
		if n := len(logTicks(r[0], r[1])); n > maxTicks {
			t.Errorf("logTicks(%g, %g): %d ticks, want at most %d", r[0], r[1], n, maxTicks)
		}
		if n := len(niceTicks(r[0], r[1], 6, false)); n > maxTicks {
			t.Errorf("niceTicks(%g, %g): %d ticks, want at most %d", r[0], r[1], n, maxTicks)
		}
	}
}

// TestPlotHugeLearningRate is the reproduction: learning_rate 1e300
// takes the loss from 1.1 to 7e297 in two epochs, a range whose padded log
// axis once overflowed and hung logTicks. The run must end with its files.
func TestPlotHugeLearningRate(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV})
	r := nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml", "--set", "train.learning_rate=1e300", "--set", "train.epochs=2")
	if r.code != 0 {
		t.Fatalf("exit %d, want 0\n%s", r.code, r.err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "run", "cost.png"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Errorf("cost.png: %v", err)
	}
}

// A run of many epochs is plotted from a bounded number of points that
// keep each stretch's lowest and highest value.
func TestPointsAreBounded(t *testing.T) {
	n := 1_000_003
	epochs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		epochs[i], ys[i] = float64(i+1), float64(i%1000)
	}
	ys[777_777] = -5 // a single dip must survive
	ys[10] = math.NaN()
	pts := points(epochs, ys)
	if len(pts) > maxPlotPoints {
		t.Errorf("got %d points, want at most %d", len(pts), maxPlotPoints)
	}
	found := false
	for i, p := range pts {
		found = found || p.Y == -5
		if i > 0 && p.X <= pts[i-1].X {
			t.Fatalf("points out of epoch order at %d", i)
		}
		if math.IsNaN(p.Y) {
			t.Fatal("a NaN point was kept")
		}
	}
	if !found {
		t.Error("the dip at epoch 777778 was lost")
	}
	if got := points(epochs[:100], ys[:100]); len(got) != 99 {
		t.Errorf("a short run: got %d points, want all 99 finite ones", len(got))
	}
}
