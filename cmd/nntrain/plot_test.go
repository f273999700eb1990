package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
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
