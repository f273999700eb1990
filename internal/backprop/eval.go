package backprop

import (
	"math"

	"github.com/nntrain/nntrain/internal/network"
)

// evalChunk is the number of rows run through the network at once when
// scoring a data set: big enough for the fast matmul, small enough to stay
// in cache.
const evalChunk = 256

// evaluator scores one data set chunk by chunk with buffers allocated once.
type evaluator struct {
	net *network.Net
	ws  *network.Workspace
	tm  Running
}

func newEvaluator(net *network.Net, d *Data) *evaluator {
	e := &evaluator{net: net, ws: net.NewWorkspace(max(1, min(d.Rows, evalChunk)))}
	e.tm.init(d.Labels != nil, net.Outputs())
	e.tm.Multi = d.MultiLabel
	return e
}

// run returns the loss (without l2) and the accuracy or r² of d. The loss
// is the mean over the rows, or with row weights Σ w ℓ / Σ w over them (0
// when every weight is 0). When outputs is not nil it receives the network's
// outputs (Rows×outputs).
func (e *evaluator) run(pool *network.Pool, loss Loss, d *Data, outputs []float64) (float64, float64) {
	if d.Rows == 0 {
		return math.NaN(), math.NaN()
	}
	in, out := e.net.Inputs(), e.net.Outputs()
	e.tm.reset()
	var sum, sumW float64
	for lo := 0; lo < d.Rows; lo += e.ws.Rows {
		m := min(e.ws.Rows, d.Rows-lo)
		x, y := d.X[lo*in:(lo+m)*in], d.Y[lo*out:(lo+m)*out]
		a := e.net.Forward(pool, e.ws, x, m)
		z := e.ws.Z[len(e.ws.Z)-1][:m*out]
		if d.W != nil {
			s, sw := loss.WeightedSums(y, z, a, d.W[lo:lo+m], m, out)
			sum += s
			sumW += sw
		} else {
			sum += float64(m) * loss.Cost(y, z, a, nil, m, out)
		}
		var labels []int
		if d.Labels != nil {
			labels = d.Labels[lo : lo+m]
		}
		e.tm.add(y, a, labels, m)
		if outputs != nil {
			copy(outputs[lo*out:], a)
		}
	}
	if d.W != nil {
		if sumW == 0 {
			return 0, e.tm.value()
		}
		return sum / sumW, e.tm.value()
	}
	return sum / float64(d.Rows), e.tm.value()
}

// Evaluate returns the loss of net on d (the spec's loss, no l2 term,
// weighted by d.W when it is set) and the network's outputs for every row
// (Rows×outputs).
func Evaluate(net *network.Net, pool *network.Pool, loss Loss, d *Data) (float64, []float64) {
	a := make([]float64, d.Rows*net.Outputs())
	j, _ := newEvaluator(net, d).run(pool, loss, d, a)
	return j, a
}

// Predict returns the outputs of net for rows rows of x.
func Predict(net *network.Net, pool *network.Pool, x []float64, rows int) []float64 {
	in, out := net.Inputs(), net.Outputs()
	res := make([]float64, rows*out)
	if rows == 0 {
		return res
	}
	ws := net.NewWorkspace(min(rows, evalChunk))
	for lo := 0; lo < rows; lo += ws.Rows {
		m := min(ws.Rows, rows-lo)
		copy(res[lo*out:], net.Forward(pool, ws, x[lo*in:(lo+m)*in], m))
	}
	return res
}
