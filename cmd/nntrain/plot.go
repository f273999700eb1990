package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

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
	keptColor  = color.RGBA{R: 90, G: 90, B: 90, A: 255}
)

// Size of cost.png: 8×7 inches at vgimg's 96 dpi, 768×672 pixels.
const (
	plotWidth  = 8 * vg.Inch
	plotHeight = 7 * vg.Inch
)

// costPlot is what cost.png shows.
type costPlot struct {
	name   string // the spec's name, in both titles
	loss   string // mse | bce | cross_entropy
	metric string // accuracy | r2
	kept   int    // with early stopping, the epoch whose weights were kept; else 0
}

// plotCost draws cost.png from cost.csv's columns: the train and validation
// loss per epoch on top (on a log scale when it falls over more than a
// decade, which is when a linear one hides everything after the first
// epochs) and the accuracy or r² per epoch below. Each legend goes in the
// corner its curves leave emptiest.
func plotCost(w io.Writer, c *metrics.CostLog, cp costPlot) error {
	epochs := c.Column("epoch")
	top := plot.New()
	top.Title.Text = fmt.Sprintf("%s: %s loss per epoch", cp.name, cp.loss)
	top.Y.Label.Text = cp.loss + " loss"
	bottom := plot.New()
	bottom.Title.Text = fmt.Sprintf("%s: %s per epoch", cp.name, cp.metric)
	bottom.Y.Label.Text = cp.metric

	type series struct {
		col, label string
		clr        color.Color
	}
	panels := []struct {
		p      *plot.Plot
		series []series
		log    bool
	}{
		{top, []series{{"train_loss", "train", trainColor}, {"val_loss", "validation", valColor}}, false},
		{bottom, []series{{"train_" + cp.metric, "train", trainColor}, {"val_" + cp.metric, "validation", valColor}}, false},
	}
	// A log scale for the loss when every value is positive and they span
	// more than a factor of 20.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range panels[0].series {
		for _, v := range finite(c.Column(s.col)) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	panels[0].log = lo > 0 && hi/lo > 20

	for i, pn := range panels {
		p := pn.p
		p.X.Label.Text = "epoch"
		p.Title.TextStyle.Font.Size = vg.Points(13)
		p.Add(plotter.NewGrid())
		var all plotter.XYs
		for _, s := range pn.series {
			pts := points(epochs, c.Column(s.col))
			if len(pts) == 0 {
				continue
			}
			l, err := plotter.NewLine(pts)
			if err != nil {
				return err
			}
			l.Color, l.Width = s.clr, vg.Points(1.5)
			p.Add(l)
			if len(pts) <= 30 {
				// Few epochs: mark each, or a single one would not show.
				sc, err := plotter.NewScatter(pts)
				if err != nil {
					return err
				}
				sc.GlyphStyle.Color, sc.GlyphStyle.Radius, sc.GlyphStyle.Shape = s.clr, vg.Points(2), draw.CircleGlyph{}
				p.Add(sc)
				p.Legend.Add(s.label, l, sc)
			} else {
				p.Legend.Add(s.label, l)
			}
			all = append(all, pts...)
		}
		if len(all) == 0 {
			continue
		}
		// Ranges: epochs from 1; values padded so no curve runs along
		// the frame.
		p.X.Min, p.X.Max = 1, math.Max(epochs[len(epochs)-1], 2)
		p.X.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick { return niceTicks(min, max, 6, true) })
		if pn.log {
			p.Y.Scale = plot.LogScale{}
			// Padded in log space: hi/lo may overflow (1e-320 to 1e308),
			// and the limits must stay positive and finite.
			llo, lhi := math.Log10(lo), math.Log10(hi)
			pad := 0.04 * (lhi - llo)
			p.Y.Min = math.Max(math.Pow(10, llo-pad), math.SmallestNonzeroFloat64)
			p.Y.Max = math.Min(math.Pow(10, lhi+pad), math.MaxFloat64)
			p.Y.Tick.Marker = plot.TickerFunc(logTicks)
			p.Y.Label.Text += " (log scale)"
		} else {
			p.Y.Min, p.Y.Max = padLinear(p.Y.Min, p.Y.Max)
			if i == 1 && cp.metric == "accuracy" {
				p.Y.Min, p.Y.Max = math.Max(p.Y.Min, 0), math.Min(p.Y.Max, 1.02)
			}
			p.Y.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick { return niceTicks(min, max, 6, false) })
		}
		if cp.kept > 0 && float64(cp.kept) < epochs[len(epochs)-1] {
			v, err := plotter.NewLine(plotter.XYs{{X: float64(cp.kept), Y: p.Y.Min}, {X: float64(cp.kept), Y: p.Y.Max}})
			if err != nil {
				return err
			}
			v.Color, v.Width, v.Dashes = keptColor, vg.Points(1), []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(v)
			if i == 0 {
				p.Legend.Add(fmt.Sprintf("kept (epoch %d)", cp.kept), v)
			}
		}
		placeLegend(p, all, pn.log)
	}

	grid := [][]*plot.Plot{{top}, {bottom}}
	height := plotHeight
	if lrs := c.Column("lr"); lrs != nil {
		p, err := lrPlot(cp.name, epochs, lrs)
		if err != nil {
			return err
		}
		grid = append(grid, []*plot.Plot{p})
		height += plotHeight / 2
	}
	img := vgimg.New(plotWidth, height)
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	tiles := draw.Tiles{Rows: len(grid), Cols: 1, PadX: vg.Millimeter * 2, PadY: vg.Millimeter * 6, PadTop: vg.Millimeter * 3,
		PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 5}
	canvases := plot.Align(grid, tiles, dc)
	for i, row := range grid {
		row[0].Draw(canvases[i][0])
	}
	_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return err
}

// lrPlot is the third panel of a run with a schedule: cost.csv's lr column,
// the learning rate each epoch trained with, on a log scale when it falls
// by more than a factor of 20.
func lrPlot(name string, epochs, lrs []float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = name + ": learning rate per epoch"
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "learning rate"
	p.Add(plotter.NewGrid())
	pts := points(epochs, lrs)
	if len(pts) == 0 {
		return p, nil
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	l.Color, l.Width, l.StepStyle = trainColor, vg.Points(1.5), plotter.PostStep
	p.Add(l)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, pt := range pts {
		lo, hi = math.Min(lo, pt.Y), math.Max(hi, pt.Y)
	}
	p.X.Min, p.X.Max = 1, math.Max(epochs[len(epochs)-1], 2)
	p.X.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick { return niceTicks(min, max, 6, true) })
	if lo > 0 && hi/lo > 20 {
		p.Y.Scale = plot.LogScale{}
		p.Y.Min, p.Y.Max = lo/math.Pow(hi/lo, 0.04), hi*math.Pow(hi/lo, 0.04)
		p.Y.Tick.Marker = plot.TickerFunc(logTicks)
		p.Y.Label.Text += " (log scale)"
	} else {
		if hi-lo < 1e-12*hi {
			lo, hi = lo*0.9, hi*1.1
		}
		pad := 0.04 * (hi - lo)
		p.Y.Min, p.Y.Max = math.Max(0, lo-pad), hi+pad
		p.Y.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick { return niceTicks(min, max, 6, false) })
	}
	return p, nil
}

func finite(vs []float64) []float64 {
	var out []float64
	for _, v := range vs {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	return out
}

// maxPlotPoints bounds the points of one line: far more than the plot's
// width in pixels, so the picture is the same, but a run of millions of
// epochs is drawn in bounded time and memory (the plotting library keeps
// about 5 KB per point while drawing).
const maxPlotPoints = 4000

// points pairs epochs with a column, leaving out what is not finite (no
// validation figure, say). Past maxPlotPoints the epochs are cut into
// maxPlotPoints/2 runs of equal length, each drawn by its lowest and its
// highest point in epoch order, so every peak and trough stays.
func points(epochs, ys []float64) plotter.XYs {
	var pts plotter.XYs
	n := len(ys)
	if n <= maxPlotPoints {
		for i, y := range ys {
			if finiteY(y) {
				pts = append(pts, plotter.XY{X: epochs[i], Y: y})
			}
		}
		return pts
	}
	buckets := maxPlotPoints / 2
	for b := range buckets {
		lo, hi := b*n/buckets, (b+1)*n/buckets
		imin, imax := -1, -1
		for i := lo; i < hi; i++ {
			if !finiteY(ys[i]) {
				continue
			}
			if imin < 0 || ys[i] < ys[imin] {
				imin = i
			}
			if imax < 0 || ys[i] > ys[imax] {
				imax = i
			}
		}
		switch {
		case imin < 0:
		case imin == imax:
			pts = append(pts, plotter.XY{X: epochs[imin], Y: ys[imin]})
		default:
			first, second := min(imin, imax), max(imin, imax)
			pts = append(pts, plotter.XY{X: epochs[first], Y: ys[first]}, plotter.XY{X: epochs[second], Y: ys[second]})
		}
	}
	return pts
}

func finiteY(y float64) bool { return !math.IsNaN(y) && !math.IsInf(y, 0) }

// placeLegend puts the legend in the corner of the plot that holds the
// fewest points: a box of a third of the width and a quarter of the height,
// with ties going to top right, bottom right, top left, bottom left.
func placeLegend(p *plot.Plot, pts plotter.XYs, logY bool) {
	norm := func(v, lo, hi float64, log bool) float64 {
		if log {
			v, lo, hi = math.Log(v), math.Log(lo), math.Log(hi)
		}
		return (v - lo) / (hi - lo)
	}
	best, bestN := 0, math.MaxInt
	corners := []struct{ top, left bool }{{true, false}, {false, false}, {true, true}, {false, true}}
	for i, c := range corners {
		n := 0
		for _, pt := range pts {
			x, y := norm(pt.X, p.X.Min, p.X.Max, false), norm(pt.Y, p.Y.Min, p.Y.Max, logY)
			inX := (c.left && x < 0.34) || (!c.left && x > 0.66)
			inY := (c.top && y > 0.75) || (!c.top && y < 0.25)
			if inX && inY {
				n++
			}
		}
		if n < bestN {
			best, bestN = i, n
		}
	}
	p.Legend.Top, p.Legend.Left = corners[best].top, corners[best].left
	p.Legend.XOffs, p.Legend.YOffs = -vg.Millimeter*2, -vg.Millimeter*2
	if p.Legend.Left {
		p.Legend.XOffs = vg.Millimeter * 2
	}
	if !p.Legend.Top {
		p.Legend.YOffs = vg.Millimeter * 2
	}
	p.Legend.ThumbnailWidth = vg.Points(24)
}

// niceTicks labels about n round values (1, 2 or 5 × 10^k apart) between
// min and max, with an unlabelled tick between each; integer keeps the
// steps whole, for epochs.
//
// Whatever the limits (equal, a few ulps apart, ±MaxFloat64, NaN), it
// returns at most maxTicks ticks.
func niceTicks(min, max float64, n int, integer bool) []plot.Tick {
	raw := max/float64(n) - min/float64(n) // halves first: max − min may overflow
	if !(max > min) || math.IsInf(raw, 0) || !(raw > 0) {
		return []plot.Tick{{Value: min, Label: strconv.FormatFloat(min, 'g', 4, 64)}}
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if integer && step < 1 {
		step = 1
	}
	prec := max0(-int(math.Floor(math.Log10(step))))
	var ticks []plot.Tick
	// Counted, not stepped by k++: past 2⁵³ k+1 == k (limits a few ulps
	// apart), and a float loop would never end.
	k0 := math.Ceil(min / step)
	for i := 0; i < maxTicks/2 && (k0+float64(i))*step <= max+step*1e-9; i++ {
		v := (k0 + float64(i)) * step
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', prec, 64)})
		if mid := v + step/2; mid <= max && (!integer || step >= 2) {
			ticks = append(ticks, plot.Tick{Value: mid})
		}
	}
	if first := math.Ceil(min/step)*step - step/2; first >= min && (!integer || step >= 2) {
		ticks = append(ticks, plot.Tick{Value: first})
	}
	return ticks
}

func max0(v int) int {
	if v < 0 {
		return 0
	}
	return v
}

// padLinear widens the limits of a linear axis by 4% on each side, and a
// range of one value (or a few ulps) to a visible band, with every step
// safe from overflow: the result is finite for any finite min ≤ max.
func padLinear(min, max float64) (float64, float64) {
	half := max/2 - min/2
	scale := math.Max(1, math.Max(math.Abs(min), math.Abs(max)))
	if half < 1e-9*scale {
		w := math.Max(0.5, 1e-3*scale)
		return math.Max(min-w, -math.MaxFloat64), math.Min(max+w, math.MaxFloat64)
	}
	pad := 0.08 * half
	return math.Max(min-pad, -math.MaxFloat64), math.Min(max+pad, math.MaxFloat64)
}

// maxTicks bounds the ticks of an axis, whatever its limits.
const maxTicks = 200

// logTicks labels 1, 2 and 5 × 10^k when the range covers under three
// decades, and only the powers of ten beyond; the other integers × 10^k
// get unlabelled ticks. Over more than 30 decades (1e-320 to 1e308) only
// every s-th power of ten gets a tick, so there are at most maxTicks.
// Limits that are not a positive range (0, NaN, +Inf, min ≥ max) give a
// single tick or none.
func logTicks(min, max float64) []plot.Tick {
	if !(min > 0) || math.IsInf(min, 0) {
		return nil
	}
	if !(max > min) || math.IsInf(max, 0) {
		return []plot.Tick{{Value: min, Label: strconv.FormatFloat(min, 'g', 4, 64)}}
	}
	lo, hi := math.Floor(math.Log10(min)), math.Ceil(math.Log10(max))
	decades := hi - lo
	if decades > 30 {
		stride := math.Ceil(decades / 20)
		var ticks []plot.Tick
		for e := math.Ceil(lo/stride) * stride; e <= hi && len(ticks) < maxTicks; e += stride {
			if v := math.Pow(10, e); v >= min && v <= max {
				ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
			}
		}
		return ticks
	}
	labelled := map[int]bool{1: true, 2: true, 5: true}
	if math.Log10(max/min) >= 3 {
		labelled = map[int]bool{1: true}
	}
	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		base := math.Pow(10, e)
		for i := 1; i < 10; i++ {
			v := float64(i) * base
			if v < min || v > max {
				continue
			}
			t := plot.Tick{Value: v}
			if labelled[i] {
				t.Label = strconv.FormatFloat(v, 'g', -1, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}
