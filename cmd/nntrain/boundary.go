package main

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/network"
)

// Size of boundary.png: 7×6 inches at vgimg's 96 dpi, 672×576 pixels.
const (
	boundaryWidth  = 7 * vg.Inch
	boundaryHeight = 6 * vg.Inch
	// boundaryGrid is the most cells per axis at which the network is
	// evaluated: as fine as the plot area's pixels, so no step shows. A
	// large network gets fewer, so that drawing costs at most about
	// boundaryWork multiply-adds (a fraction of a second), and never fewer
	// than boundaryMinGrid.
	boundaryGrid    = 600
	boundaryMinGrid = 120
	boundaryWork    = 1e9
	// boundaryPoints bounds the training points drawn; a larger set is
	// thinned to every k-th row.
	boundaryPoints = 5000
)

// classColors are matplotlib's tab10, the colours TensorFlow Playground's
// users know from most plots; the regions use them mixed with white.
var classColors = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255}, {148, 103, 189, 255},
	{140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255}, {188, 189, 34, 255}, {23, 190, 207, 255},
}

func classColor(k int) color.RGBA { return classColors[k%len(classColors)] }

// regionColor is class k's colour mixed 30:70 with white.
func regionColor(k int) color.RGBA {
	c := classColor(k)
	mix := func(v uint8) uint8 { return uint8(math.Round(0.3*float64(v) + 0.7*255)) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 255}
}

// wantsBoundary is whether a run on d draws boundary.png: a class target
// and exactly two inputs, so that the input plane is the whole input.
func wantsBoundary(d *dataset.Set) bool {
	return d.Classes != nil && len(d.Features) == 2
}

// boundaryPlot is what boundary.png shows: the trained net, the training
// rows d (normalised by norm) and the names shown for classes.
type boundaryPlot struct {
	name       string // the spec's name, in the title
	net        *network.Net
	norm       dataset.Norm
	d          *dataset.Set
	classNames map[string]string
}

// plotBoundary draws boundary.png: the input plane in the data's own units
// (before normalisation), each point coloured by the class the trained
// network predicts there, with the training rows on top in their true
// class's colour, as TensorFlow Playground shows a two-input problem.
func plotBoundary(w io.Writer, pool *network.Pool, bp boundaryPlot) error {
	d, net, norm := bp.d, bp.net, bp.norm
	dx := d.X64() // two inputs: a float32 set's copy is small
	raw := func(r, c int) float64 { return dx[r*2+c]*norm.Scale[c] + norm.Offset[c] }
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	for r := 0; r < d.Rows; r++ {
		for c := 0; c < 2; c++ {
			lo[c], hi[c] = math.Min(lo[c], raw(r, c)), math.Max(hi[c], raw(r, c))
		}
	}
	// Pad the points' range by 10% (1 around a single value).
	for c := 0; c < 2; c++ {
		pad := 0.1 * (hi[c] - lo[c])
		if pad == 0 {
			pad = 1
		}
		lo[c], hi[c] = lo[c]-pad, hi[c]+pad
	}

	// The class predicted at the centre of every cell, a chunk of rows of
	// the grid at a time.
	n := boundaryGridSize(net)
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	chunk := n * 8
	ws := net.NewWorkspace(chunk)
	x := make([]float64, chunk*2)
	k := net.Outputs()
	for start := 0; start < n*n; start += chunk {
		m := min(chunk, n*n-start)
		for i := 0; i < m; i++ {
			col, row := (start+i)%n, (start+i)/n // row 0 is the top of the image
			x[2*i] = lo[0] + (float64(col)+0.5)*(hi[0]-lo[0])/float64(n)
			x[2*i+1] = hi[1] - (float64(row)+0.5)*(hi[1]-lo[1])/float64(n)
		}
		norm.Apply(x[:2*m])
		a := net.Forward(pool, ws, x[:2*m], m)
		for i := 0; i < m; i++ {
			img.SetRGBA((start+i)%n, (start+i)/n, regionColor(backprop.PredictClass(a[i*k:i*k+k])))
		}
	}

	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: predicted class over the input plane", bp.name)
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text, p.Y.Label.Text = d.Features[0], d.Features[1]
	p.Add(plotter.NewImage(img, lo[0], lo[1], hi[0], hi[1]))
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo[0], hi[0], lo[1], hi[1]
	p.X.Padding, p.Y.Padding = 0, 0
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick { return niceTicks(min, max, 6, false) })
	}

	step := max(1, (d.Rows+boundaryPoints-1)/boundaryPoints)
	names := bp.classNames
	for c, class := range d.Classes {
		var pts plotter.XYs
		for r := 0; r < d.Rows; r += step {
			if d.Labels[r] == c {
				pts = append(pts, plotter.XY{X: raw(r, 0), Y: raw(r, 1)})
			}
		}
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: classColor(c), Radius: vg.Points(3), Shape: outlinedCircle{}}
		p.Add(sc)
		label := fmt.Sprintf("%s = %s", d.Targets[0], class)
		if nm, ok := names[class]; ok {
			label += " (" + nm + ")"
		}
		p.Legend.Add(label, sc)
	}
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = vg.Points(12)

	c := vgimg.New(boundaryWidth, boundaryHeight)
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	p.Draw(draw.Crop(dc, vg.Millimeter*2, -vg.Millimeter*2, vg.Millimeter*2, -vg.Millimeter*2))
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// boundaryGridSize is the number of cells per axis for net: boundaryGrid,
// or fewer when a forward pass of that many rows would cost more than
// boundaryWork multiply-adds.
func boundaryGridSize(net *network.Net) int {
	perRow := 0
	for _, l := range net.Layers {
		perRow += l.In * l.Out
	}
	n := int(math.Sqrt(boundaryWork / float64(perRow)))
	return max(boundaryMinGrid, min(boundaryGrid, n))
}

// outlinedCircle is a filled circle with a dark ring, so a point shows on a
// region of its own colour.
type outlinedCircle struct{}

func (outlinedCircle) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	draw.CircleGlyph{}.DrawGlyph(c, sty, pt)
	ring := sty
	ring.Color = color.RGBA{40, 40, 40, 255}
	draw.RingGlyph{}.DrawGlyph(c, ring, pt)
}
