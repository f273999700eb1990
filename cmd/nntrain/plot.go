package main

import (
	"bufio"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

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
	return drawCost(w, newCostSeries(c), cp)
}

// costSeries is what cost.png draws of cost.csv: each column's points
// (decimated as points does) and the last epoch; it is built from a
// CostLog or read from a cost.csv file row by row in bounded memory.
type costSeries struct {
	pts  map[string]plotter.XYs
	last float64 // the last epoch; 0 without rows
}

func newCostSeries(c *metrics.CostLog) *costSeries {
	cs := &costSeries{pts: map[string]plotter.XYs{}}
	epochs := c.Column("epoch")
	for _, col := range c.Columns[1:] {
		cs.pts[col] = points(epochs, c.Column(col))
	}
	if len(epochs) > 0 {
		cs.last = epochs[len(epochs)-1]
	}
	return cs
}

// readCostSeries reads a cost.csv of rows rows, as WriteCSV writes it,
// keeping only the points drawn.
func readCostSeries(path string, rows int) (*costSeries, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	if !sc.Scan() {
		return nil, fmt.Errorf("%s: no header", path)
	}
	cols := strings.Split(sc.Text(), ",")
	ds := make([]*decimator, len(cols))
	for i := range ds {
		ds[i] = newDecimator(rows)
	}
	cs := &costSeries{pts: map[string]plotter.XYs{}}
	i := 0
	for sc.Scan() {
		line := sc.Text()
		if i >= rows {
			return nil, fmt.Errorf("%s: more than %d rows", path, rows)
		}
		var x float64
		for j := 0; j < len(cols); j++ {
			field, rest, _ := strings.Cut(line, ",")
			line = rest
			v, err := strconv.ParseFloat(field, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: line %d, column %q: %w", path, i+2, cols[j], err)
			}
			if j == 0 {
				x = v
				continue
			}
			ds[j].add(i, x, v)
		}
		cs.last = x
		i++
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if i != rows {
		return nil, fmt.Errorf("%s: %d rows, want %d", path, i, rows)
	}
	for j, col := range cols[1:] {
		cs.pts[col] = ds[j+1].points()
	}
	return cs, nil
}

func drawCost(w io.Writer, c *costSeries, cp costPlot) error {
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
		// The points keep each stretch's lowest and highest finite value,
		// so their range is the column's.
		for _, pt := range c.pts[s.col] {
			lo, hi = math.Min(lo, pt.Y), math.Max(hi, pt.Y)
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
			pts := c.pts[s.col]
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
		p.X.Min, p.X.Max = 1, math.Max(c.last, 2)
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
		if cp.kept > 0 && float64(cp.kept) < c.last {
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
	if lrs, ok := c.pts["lr"]; ok {
		p, err := lrPlot(cp.name, lrs, c.last)
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
func lrPlot(name string, pts plotter.XYs, last float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = name + ": learning rate per epoch"
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "learning rate"
	p.Add(plotter.NewGrid())
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
	p.X.Min, p.X.Max = 1, math.Max(last, 2)
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
	d := newDecimator(len(ys))
	for i, y := range ys {
		d.add(i, epochs[i], y)
	}
	return d.points()
}

// decimator is points for values that arrive one by one: for n values it
// keeps every finite point up to maxPlotPoints, else the lowest and highest
// of each of maxPlotPoints/2 equal stretches, in bounded memory.
type decimator struct {
	n, buckets int
	pts        plotter.XYs
	b          int // the stretch being scanned
	lo, hi     plotter.XY
	ilo, ihi   int // -1: no finite point in the stretch yet
}

func newDecimator(n int) *decimator {
	d := &decimator{n: n, ilo: -1, ihi: -1}
	if n > maxPlotPoints {
		d.buckets = maxPlotPoints / 2
	}
	return d
}

// add takes the i-th value (i counts from 0 and rises by 1).
func (d *decimator) add(i int, x, y float64) {
	if d.buckets == 0 {
		if finiteY(y) {
			d.pts = append(d.pts, plotter.XY{X: x, Y: y})
		}
		return
	}
	for i >= (d.b+1)*d.n/d.buckets {
		d.flush()
		d.b++
	}
	if !finiteY(y) {
		return
	}
	if d.ilo < 0 || y < d.lo.Y {
		d.lo, d.ilo = plotter.XY{X: x, Y: y}, i
	}
	if d.ihi < 0 || y > d.hi.Y {
		d.hi, d.ihi = plotter.XY{X: x, Y: y}, i
	}
}

func (d *decimator) flush() {
	switch {
	case d.ilo < 0:
	case d.ilo == d.ihi:
		d.pts = append(d.pts, d.lo)
	case d.ilo < d.ihi:
		d.pts = append(d.pts, d.lo, d.hi)
	default:
		d.pts = append(d.pts, d.hi, d.lo)
	}
	d.ilo, d.ihi = -1, -1
}

// points ends the scan: the points to draw, in epoch order.
func (d *decimator) points() plotter.XYs {
	if d.buckets > 0 {
		for d.b < d.buckets {
			d.flush()
			d.b++
		}
	}
	return d.pts
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
