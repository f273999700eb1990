package main

import (
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/nntrain/nntrain/internal/metrics"
)

var (
	trainColor = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	valColor   = color.RGBA{R: 255, G: 127, B: 14, A: 255}
)

// plotCost draws cost.png: the losses per epoch on top and the accuracy
// (or r²) per epoch below, titled with the spec's name.
func plotCost(w io.Writer, name string, c *metrics.CostLog, metric string) error {
	top := plot.New()
	top.Title.Text = name + ": loss per epoch"
	top.X.Label.Text = "epoch"
	top.Y.Label.Text = "loss"
	bottom := plot.New()
	bottom.Title.Text = metric + " per epoch"
	bottom.X.Label.Text = "epoch"
	bottom.Y.Label.Text = metric
	epochs := c.Column("epoch")
	add := func(p *plot.Plot, col, label string, clr color.Color) error {
		ys := c.Column(col)
		if ys == nil {
			return nil
		}
		pts := make(plotter.XYs, 0, len(ys))
		for i, y := range ys {
			if !math.IsNaN(y) && !math.IsInf(y, 0) {
				pts = append(pts, plotter.XY{X: epochs[i], Y: y})
			}
		}
		if len(pts) == 0 {
			return nil
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		l.Color = clr
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(label, l)
		return nil
	}
	for _, s := range []struct {
		p          *plot.Plot
		col, label string
		clr        color.Color
	}{
		{top, "train_loss", "train", trainColor},
		{top, "val_loss", "validation", valColor},
		{bottom, "train_" + metric, "train", trainColor},
		{bottom, "val_" + metric, "validation", valColor},
	} {
		if err := add(s.p, s.col, s.label, s.clr); err != nil {
			return err
		}
	}
	for _, p := range []*plot.Plot{top, bottom} {
		p.Add(plotter.NewGrid())
		p.Legend.Top = true
		p.X.Min = math.Max(p.X.Min, 1)
	}
	img := vgimg.New(8*vg.Inch, 7*vg.Inch)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadX: vg.Millimeter * 2, PadY: vg.Millimeter * 4, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4}
	canvases := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, dc)
	top.Draw(canvases[0][0])
	bottom.Draw(canvases[1][0])
	_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return err
}
