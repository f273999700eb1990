package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBoundaryPNG trains the lecture's 2-3-1 net on its circle data and
// checks boundary.png: 672×576, with large regions of both classes' tints
// and the training points in both classes' colours.
func TestBoundaryPNG(t *testing.T) {
	out := t.TempDir()
	r := nntrain(t, nil, "train", "--config", "configs/lecture/231.yaml", "--init", "configs/lecture/231-init.json", "--out", out, "--set", "train.epochs=1000")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if !strings.Contains(r.err, "files in "+out+": model.json cost.csv cost.png metrics.json boundary.png") {
		t.Errorf("the summary does not list boundary.png:\n%s", r.err)
	}
	b, err := os.ReadFile(filepath.Join(out, "boundary.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("boundary.png: %v", err)
	}
	if s := img.Bounds().Size(); s != (image.Point{672, 576}) {
		t.Errorf("boundary.png is %v, want 672×576", s)
	}
	counts := colourCounts(img)
	total := 672 * 576
	for k := 0; k < 2; k++ {
		region, point := counts[regionColor(k)], counts[classColor(k)]
		t.Logf("class %d: %d region pixels (%.0f%%), %d point pixels", k, region, 100*float64(region)/float64(total), point)
		// The inner disc and the ring around it each cover a good part of
		// the plane; 40 points of radius 3 pt are a few thousand pixels.
		if region < total/10 {
			t.Errorf("class %d: %d pixels of its region colour, want at least %d", k, region, total/10)
		}
		if point < 500 {
			t.Errorf("class %d: %d pixels of its point colour, want at least 500", k, point)
		}
	}
}

func colourCounts(img image.Image) map[color.RGBA]int {
	n := map[color.RGBA]int{}
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r, g, b, a := img.At(x, y).RGBA()
			n[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}]++
		}
	}
	return n
}

// TestBoundaryOnlyForTwoInputClasses: no boundary.png for regression or for
// more than two inputs.
func TestBoundaryOnlyForTwoInputClasses(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want bool
	}{
		{"two inputs, three classes", []string{"--config", "SPEC"}, true},
		{"regression on two inputs", []string{"--config", "configs/lecture/231.yaml", "--set", "loss=mse", "--set", "model.layers.1.activation=linear"}, false},
		{"four inputs", []string{"--config", "configs/iris.yaml", "--set", "train.epochs=2"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV})
			args := append([]string{"train", "-q", "--out", filepath.Join(dir, "out")}, c.args...)
			for i, a := range args {
				if a == "SPEC" {
					args[i] = filepath.Join(dir, "spec.yaml")
				}
			}
			if r := nntrain(t, nil, args...); r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			_, err := os.Stat(filepath.Join(dir, "out", "boundary.png"))
			if got := err == nil; got != c.want {
				t.Errorf("boundary.png written: %v, want %v (%v)", got, c.want, err)
			}
		})
	}
}

// TestBoundaryAllOrNothing: boundary.png is committed with the other files:
// when it cannot be written (a folder holds its name), none of the run's
// files changes.
func TestBoundaryAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV})
	if r := nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml"); r.code != 0 {
		t.Fatalf("first run: exit %d: %s", r.code, r.err)
	}
	before := snapshot(t, filepath.Join(dir, "run"))
	if before["boundary.png"] == nil {
		t.Fatal("the first run drew no boundary.png")
	}
	png := filepath.Join(dir, "run", "boundary.png")
	if err := os.Remove(png); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(png, 0o755); err != nil {
		t.Fatal(err)
	}
	r := nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml", "--set", "train.epochs=7")
	if r.code != 2 || !strings.Contains(r.err, "boundary.png: is a folder, cannot replace it with a file; nothing was written") {
		t.Fatalf("second run: exit %d, stderr %q", r.code, r.err)
	}
	before["boundary.png"] = nil // now the folder, checked to be there by name only
	sameFiles(t, filepath.Join(dir, "run"), before)
}
