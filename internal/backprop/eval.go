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
type evaluator[T network.Float] struct {
	net *network.NetOf[T]
	ws  *network.WorkspaceOf[T]
	tm  Running
}

func newEvaluator[T network.Float](net *network.NetOf[T], d *dataOf[T]) *evaluator[T] {
	e := &evaluator[T]{net: net, ws: net.NewWorkspace(max(1, min(d.Rows, evalChunk)))}
	e.tm.init(d.Labels != nil, net.Outputs())
	e.tm.Multi = d.MultiLabel
	return e
}

// run returns the loss (without l2) and the accuracy or r² of d. The loss
// is the mean over the rows, or with row weights Σ w ℓ / Σ w over them (0
// when every weight is 0). When outputs is not nil it receives the network's
// outputs (Rows×outputs).
func (e *evaluator[T]) run(pool *network.Pool, loss Loss, d *dataOf[T], outputs []T) (float64, float64) {
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
			s, sw := weightedSums(loss, y, z, a, d.W[lo:lo+m], m, out)
			sum += s
			sumW += sw
		} else {
			sum += float64(m) * lossCost(loss, y, z, a, nil, m, out)
		}
		var labels []int
		if d.Labels != nil {
			labels = d.Labels[lo : lo+m]
		}
		runningAdd(&e.tm, y, a, labels, m)
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
// (Rows×outputs), computed in precision p: a float32 model (whose float64
// weights are float32 values) runs in float32, as it trained, on d.X32 as it
// is or on d.X rounded to float32.
func Evaluate(p network.Precision, net *network.Net, pool *network.Pool, loss Loss, d *Data) (float64, []float64) {
	if p == network.Float32 {
		return evaluate(netIn[float32](net), pool, loss, dataIn[float32](d))
	}
	return evaluate(net, pool, loss, dataIn[float64](d))
}

func evaluate[T network.Float](net *network.NetOf[T], pool *network.Pool, loss Loss, d *dataOf[T]) (float64, []float64) {
	a := make([]T, d.Rows*net.Outputs())
	j, _ := newEvaluator(net, d).run(pool, loss, d, a)
	if r, ok := any(a).([]float64); ok {
		return j, r
	}
	return j, widen(a)
}

// Predict returns the outputs of net for rows rows of x, computed in
// precision p (see Evaluate).
func Predict(p network.Precision, net *network.Net, pool *network.Pool, x []float64, rows int) []float64 {
	return PredictData(p, net, pool, &Data{X: x[:rows*net.Inputs()], Rows: rows})
}

// PredictData returns the outputs of net for the rows of d's inputs (X, or
// X32 used as it is by a float32 net), computed in precision p (see
// Evaluate); d's targets are not read.
func PredictData(p network.Precision, net *network.Net, pool *network.Pool, d *Data) []float64 {
	if p == network.Float32 {
		return widen(predict(netIn[float32](net), pool, inputsIn[float32](d), d.Rows))
	}
	return predict(net, pool, inputsIn[float64](d), d.Rows)
}

func predict[T network.Float](net *network.NetOf[T], pool *network.Pool, x []T, rows int) []T {
	in, out := net.Inputs(), net.Outputs()
	res := make([]T, rows*out)
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
