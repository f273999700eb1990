package backprop

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nntrain/nntrain/internal/network"
)

// LayerCheck is the outcome of a gradient check on one layer.
type LayerCheck struct {
	Layer    int     // 1-based
	Checked  int     // parameters compared
	Total    int     // parameters in the layer
	WorstRel float64 // largest relative error
	Worst    string  // which parameter, e.g. "W[2][0]" or "B[1]"
	Backprop float64 // its backprop gradient
	Numeric  float64 // its central-difference estimate
}

// GradStep is the step h of the central differences (J(w+h) − J(w−h)) / 2h.
const GradStep = 1e-6

// Cost returns the batch cost J of m rows with the l2 term, as training sees
// it; w holds the rows' weights, nil for unweighted rows.
func Cost(net *network.Net, pool *network.Pool, ws *network.Workspace, loss Loss, l2 float64, x, y, w []float64, m int) float64 {
	j, _ := forwardCost(net, pool, ws, nil, loss, l2, net.WeightRanges(), x, y, w, m)
	return j
}

// Gradients fills net.Grads with backprop's gradient of Cost.
func Gradients(net *network.Net, pool *network.Pool, ws *network.Workspace, loss Loss, l2 float64, x, y, w []float64, m int) {
	weights := net.WeightRanges()
	_, a := forwardCost(net, pool, ws, nil, loss, l2, weights, x, y, w, m)
	backward(net, pool, ws, loss, l2, weights, x, y, w, a, m)
}

// GradCheck compares backprop's gradients on a batch (rows weighted by w,
// nil for unweighted) with central
// differences, for every parameter of each layer or, when a layer has more
// than perLayer, a sample of perLayer drawn with rng. The relative error of
// one parameter is |g − n| / max(|g| + |n|, 1e-4): the floor keeps
// the rounding error of the differences (about 1e-10·J) from counting on
// gradients that are almost 0.
//
// With drop set (a network with dropout), the first pass draws the masks
// from it and every later pass holds them fixed, so J is a smooth function
// of the weights and the check covers dropout's backward pass.
func GradCheck(net *network.Net, pool *network.Pool, loss Loss, l2 float64, x, y, w []float64, m, perLayer int, rng *rand.Rand, drop *network.Dropout) []LayerCheck {
	return GradCheckWith(net, pool, loss, l2, x, y, w, m, perLayer, rng, drop, nil)
}

// GradCheckWith is GradCheck with a hook for tests of the check itself:
// corrupt, when not nil, changes backprop's gradients before they are
// compared, so that a test can assert a wrong gradient is reported.
func GradCheckWith(net *network.Net, pool *network.Pool, loss Loss, l2 float64, x, y, w []float64, m, perLayer int, rng *rand.Rand, drop *network.Dropout, corrupt func(grads []float64)) []LayerCheck {
	c := newChecker(net, pool, loss, l2, x, y, w, m, drop, corrupt)
	defer c.release()
	var res []LayerCheck
	off := 0
	for li, l := range net.Layers {
		size := l.Out*l.In + l.Out
		idx := make([]int, size)
		for i := range idx {
			idx[i] = i
		}
		if size > perLayer {
			rng.Shuffle(size, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
			idx = idx[:perLayer]
		}
		lc := LayerCheck{Layer: li + 1, Checked: len(idx), Total: size, WorstRel: -1}
		for _, i := range idx {
			pc := c.param(li, off, i)
			if pc.Rel > lc.WorstRel {
				lc.WorstRel, lc.Backprop, lc.Numeric, lc.Worst = pc.Rel, pc.Backprop, pc.Numeric, pc.Name
			}
		}
		res = append(res, lc)
		off += size
	}
	copy(net.Grads, c.grads)
	return res
}

// ParamCheck is the gradient check of one parameter.
type ParamCheck struct {
	Layer    int    // 1-based
	Name     string // "W[2][0]" (row = output unit, column = input) or "B[1]", within the layer
	Backprop float64
	Numeric  float64
	Rel      float64 // |g − n| / max(|g| + |n|, 1e-4); +Inf when either is NaN
}

// GradCheckAll compares every parameter's backprop gradient with its central
// difference, in the order of net.Params (each layer's W row by row, then B),
// as GradCheck does for a sample, dropout masks held fixed likewise.
// corrupt is GradCheckWith's test hook.
func GradCheckAll(net *network.Net, pool *network.Pool, loss Loss, l2 float64, x, y, w []float64, m int, drop *network.Dropout, corrupt func(grads []float64)) []ParamCheck {
	c := newChecker(net, pool, loss, l2, x, y, w, m, drop, corrupt)
	defer c.release()
	var res []ParamCheck
	off := 0
	for li, l := range net.Layers {
		size := l.Out*l.In + l.Out
		for i := 0; i < size; i++ {
			res = append(res, c.param(li, off, i))
		}
		off += size
	}
	copy(net.Grads, c.grads)
	return res
}

// checker holds a batch and backprop's gradient of it.
type checker struct {
	net     *network.Net
	pool    *network.Pool
	ws      *network.Workspace
	loss    Loss
	l2      float64
	weights [][2]int
	x, y    []float64
	w       []float64 // row weights of the loss; nil = unweighted
	m       int
	grads   []float64
	drop    *network.Dropout // nil without dropout; its masks are held after the first pass
	hold    bool             // drop.Hold before the check
}

func newChecker(net *network.Net, pool *network.Pool, loss Loss, l2 float64, x, y, w []float64, m int, drop *network.Dropout, corrupt func(grads []float64)) *checker {
	c := &checker{net: net, pool: pool, ws: net.NewWorkspace(m), loss: loss, l2: l2, weights: net.WeightRanges(), x: x, y: y, w: w, m: m, drop: drop}
	_, a := forwardCost(net, pool, c.ws, drop, loss, l2, c.weights, x, y, w, m)
	backward(net, pool, c.ws, loss, l2, c.weights, x, y, w, a, m)
	c.grads = append([]float64(nil), net.Grads...)
	if corrupt != nil {
		corrupt(c.grads)
	}
	if drop != nil {
		c.hold, drop.Hold = drop.Hold, true
	}
	return c
}

// release gives the dropout stream back its own Hold setting.
func (c *checker) release() {
	if c.drop != nil {
		c.drop.Hold = c.hold
	}
}

// param checks parameter i of layer li, whose parameters start at off.
func (c *checker) param(li, off, i int) ParamCheck {
	p := off + i
	w := c.net.Params[p]
	c.net.Params[p] = w + GradStep
	jp, _ := forwardCost(c.net, c.pool, c.ws, c.drop, c.loss, c.l2, c.weights, c.x, c.y, c.w, c.m)
	c.net.Params[p] = w - GradStep
	jm, _ := forwardCost(c.net, c.pool, c.ws, c.drop, c.loss, c.l2, c.weights, c.x, c.y, c.w, c.m)
	c.net.Params[p] = w
	num := (jp - jm) / (2 * GradStep)
	g := c.grads[p]
	rel := math.Abs(g-num) / math.Max(math.Abs(g)+math.Abs(num), 1e-4)
	if math.IsNaN(rel) {
		rel = math.Inf(1)
	}
	l := c.net.Layers[li]
	name := fmt.Sprintf("B[%d]", i-l.Out*l.In)
	if i < l.Out*l.In {
		name = fmt.Sprintf("W[%d][%d]", i/l.In, i%l.In)
	}
	return ParamCheck{Layer: li + 1, Name: name, Backprop: g, Numeric: num, Rel: rel}
}
