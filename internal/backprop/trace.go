package backprop

import (
	"fmt"

	"github.com/nntrain/nntrain/internal/network"
)

// LayerTrace holds copies of one layer's matrices from one forward and
// backward pass, row-major, each a true partial derivative of the batch
// cost J (so every d… already carries the 1/m of the mean):
//
//	W, DW are (Out, In)     B, DB are (Out)
//	Z, A, DA, DZ are (m, Out)
//
// DA is ∂J/∂A of this layer and DZ is ∂J/∂Z.
type LayerTrace struct {
	In, Out      int
	W, B, DW, DB []float64
	Z, A, DA, DZ []float64
}

// Trace is what one forward and backward pass on m rows computed: the cost J
// (l2 term included, as training sees it), every layer's matrices and
// DX = ∂J/∂X, (m, Inputs).
type Trace struct {
	M      int
	Cost   float64
	Layers []LayerTrace
	DX     []float64
}

// TraceBatch runs the forward pass, the cost and backprop of training (the
// same code as Step, without the optimizer's update) on the m rows x, y and
// copies out what they computed. The network's parameters are not changed;
// its Grads are left holding the gradient of the batch.
//
// Backprop turns each dA into dZ in place and never forms ∂J/∂A[L] of the
// output layer (bce with sigmoid and cross_entropy with softmax go straight
// to dZ[L] = (A − Y)/m), so two of the copied values are computed here:
//
//	dA[L]   = ∂J/∂A[L] of the loss (outputGrad)
//	dA[l−1] = dZ[l]·W[l]  for l = L … 1, dA[0] being dX
//
// the second with the product backprop itself uses for that step.
//
// w holds the rows' weights in the loss (m of them, see Loss.Cost), nil for
// the unweighted loss: J is then the weighted mean Σ wᵢℓᵢ / Σ wᵢ that
// training minimises, and dA[L], dZ[L] and everything below carry wᵢ/Σw
// where the unweighted pass has 1/m. The pass is without dropout (no masks).
func TraceBatch(net *network.Net, pool *network.Pool, loss Loss, l2 float64, x, y, w []float64, m int) *Trace {
	ws := net.NewWorkspace(m)
	weights := net.WeightRanges()
	j, a := forwardCost(net, pool, ws, nil, loss, l2, weights, x, y, w, m)
	backward(net, pool, ws, loss, l2, weights, x, y, w, a, m)

	t := &Trace{M: m, Cost: j}
	for i, l := range net.Layers {
		n := m * l.Out
		t.Layers = append(t.Layers, LayerTrace{
			In: l.In, Out: l.Out,
			W: clone(l.W), B: clone(l.B), DW: clone(l.DW), DB: clone(l.DB),
			Z: clone(ws.Z[i][:n]), A: clone(ws.A[i][:n]), DZ: clone(ws.D[i][:n]),
			DA: make([]float64, n),
		})
	}
	last := len(t.Layers) - 1
	loss.outputGrad(t.Layers[last].DA, y[:m*net.Outputs()], t.Layers[last].A, w, m)
	for i := last; i >= 0; i-- {
		l := net.Layers[i]
		dst := make([]float64, m*l.In)
		pool.MulAB(dst, t.Layers[i].DZ, l.W, m, l.In, l.Out)
		if i == 0 {
			t.DX = dst
		} else {
			t.Layers[i-1].DA = dst
		}
	}
	return t
}

// outputGrad sets d = ∂J/∂A of the output layer's A for targets y, m rows,
// the weight of row i in the mean being cᵢ = 1/m (w nil) or wᵢ/Σw:
//
//	mse:           (A − Y)·cᵢ
//	bce:           (A − Y) / (A(1 − A))·cᵢ
//	cross_entropy: −Y / A·cᵢ
//
// Weights that are all 0 give d = 0, as OutputDelta's dZ. At an A where the
// loss's derivative has a pole (bce's A of exactly 0 or 1, cross_entropy's A
// of 0 with Y ≠ 0) the value is ±Inf or NaN, as PyTorch's autograd gives for
// the loss written in A.
func (l Loss) outputGrad(d, y, a, w []float64, m int) {
	k := len(a) / m
	inv := 1 / float64(m)
	var sw float64
	for _, v := range w {
		sw += v
	}
	for i, v := range a {
		c := inv
		if w != nil {
			if sw == 0 {
				d[i] = 0
				continue
			}
			c = w[i/k] / sw
		}
		switch l {
		case MSE:
			d[i] = (v - y[i]) * c
		case BCE:
			d[i] = (v - y[i]) / (v * (1 - v)) * c
		case CrossEntropy:
			if y[i] == 0 {
				d[i] = 0
			} else {
				d[i] = -y[i] / v * c
			}
		default:
			panic(fmt.Sprintf("backprop: outputGrad of loss %d", int(l)))
		}
	}
}
