package network

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nntrain/nntrain/internal/vec"
)

// LayerSpec describes one dense layer to build.
type LayerSpec struct {
	Units      int
	Activation Activation
	Alpha      float64 // leaky_relu slope
	Dropout    float64 // probability of dropping each output while training, in [0, 1); 0 off
}

// DenseOf is one fully connected layer computing in T: Z = A_prev·Wᵀ + B,
// A = g(Z). W is Out×In (PyTorch's nn.Linear layout), B has Out entries. W,
// B, DW and DB are views into the network's flat Params and Grads.
type DenseOf[T Float] struct {
	In, Out int
	Act     Activation
	Alpha   float64
	Dropout float64 // inverted dropout on A while training (see Dropout); 0 off
	W, B    []T     // parameters
	DW, DB  []T     // their gradients

	// The elementwise work of the current batch, handed to Pool.Range
	// through func values made once in New, so a batch allocates nothing.
	cur                  struct{ z, a, d []T }
	biasActFn, actGradFn func(lo, hi int)
}

// elemGrain is the least number of values worth handing to another worker
// for elementwise work: below it, waking a worker costs more than it saves.
const elemGrain = 8192

// NetOf is a stack of dense layers computing in T whose parameters share one
// allocation.
type NetOf[T Float] struct {
	Layers []*DenseOf[T]
	Params []T // every layer's W then B, in layer order
	Grads  []T // same layout as Params
}

// Net, Dense and Workspace are the float64 network, the default and the one
// every exactness promise is about; Net32 is the float32 one.
type (
	Net       = NetOf[float64]
	Dense     = DenseOf[float64]
	Workspace = WorkspaceOf[float64]
	Net32     = NetOf[float32]
)

// New builds a float64 network with inputs features feeding the given
// layers. The parameters are zero; call Init or load them.
func New(inputs int, layers []LayerSpec) *Net { return NewOf[float64](inputs, layers) }

// NewOf is New for a network computing in T.
func NewOf[T Float](inputs int, layers []LayerSpec) *NetOf[T] {
	if inputs < 1 || len(layers) == 0 {
		panic(fmt.Sprintf("network: New(%d inputs, %d layers)", inputs, len(layers)))
	}
	for _, l := range layers {
		if !(l.Dropout >= 0 && l.Dropout < 1) {
			panic(fmt.Sprintf("network: dropout %v, want 0 <= p < 1", l.Dropout))
		}
	}
	if layers[len(layers)-1].Dropout != 0 {
		panic("network: dropout on the output layer")
	}
	_, count := Shapes(inputs, layers)
	if !count.IsInt64() || count.Int64() > math.MaxInt/8 {
		panic(fmt.Sprintf("network: New of %s parameters (CheckSize first)", count))
	}
	total := int(count.Int64())
	n := &NetOf[T]{Params: make([]T, total), Grads: make([]T, total)}
	off, in := 0, inputs
	for _, l := range layers {
		w, b := l.Units*in, l.Units
		d := &DenseOf[T]{
			In: in, Out: l.Units, Act: l.Activation, Alpha: l.Alpha, Dropout: l.Dropout,
			W: n.Params[off : off+w : off+w], B: n.Params[off+w : off+w+b : off+w+b],
			DW: n.Grads[off : off+w : off+w], DB: n.Grads[off+w : off+w+b : off+w+b],
		}
		d.biasActFn, d.actGradFn = d.biasActRows, d.actGradRows
		n.Layers = append(n.Layers, d)
		off += w + b
		in = l.Units
	}
	return n
}

// Inputs is the number of input features; Outputs the units of the last layer.
func (n *NetOf[T]) Inputs() int  { return n.Layers[0].In }
func (n *NetOf[T]) Outputs() int { return n.Layers[len(n.Layers)-1].Out }

// Specs returns the LayerSpec of every layer, as New was given them.
func (n *NetOf[T]) Specs() []LayerSpec {
	specs := make([]LayerSpec, len(n.Layers))
	for i, l := range n.Layers {
		specs[i] = LayerSpec{Units: l.Out, Activation: l.Act, Alpha: l.Alpha, Dropout: l.Dropout}
	}
	return specs
}

// WeightRanges returns the [start, end) offsets of every W inside Params:
// the entries an l2 penalty applies to (biases are not penalised).
func (n *NetOf[T]) WeightRanges() [][2]int {
	var r [][2]int
	off := 0
	for _, l := range n.Layers {
		r = append(r, [2]int{off, off + l.Out*l.In})
		off += l.Out*l.In + l.Out
	}
	return r
}

// Init fills the weights from rng and sets the biases to zero:
//
//	normal: N(0,1)·scale                 (the lecture's small random init)
//	xavier: N(0,1)·sqrt(1/n[l-1])
//	he:     N(0,1)·sqrt(2/n[l-1])
//	zeros:  0
//
// Layers draw in order, each W row-major, so a seed fixes every bit.
func (n *NetOf[T]) Init(kind Init, scale float64, rng *rand.Rand) error {
	for _, l := range n.Layers {
		var s float64
		switch kind {
		case InitNormal:
			s = scale
		case InitXavier:
			s = math.Sqrt(1 / float64(l.In))
		case InitHe:
			s = math.Sqrt(2 / float64(l.In))
		case InitZeros:
			s = 0
		default:
			return fmt.Errorf("unknown init %v", kind)
		}
		for i := range l.W {
			if s == 0 {
				l.W[i] = 0
			} else {
				l.W[i] = T(rng.NormFloat64() * s)
			}
		}
		clear(l.B)
	}
	return nil
}

// WorkspaceOf holds the activations and gradients of a batch of up to Rows
// rows. It is allocated once and reused for every batch of that size or
// smaller, so training allocates nothing per batch.
type WorkspaceOf[T Float] struct {
	Rows int
	Z, A [][]T // per layer, Rows×Out; A[l] = g(Z[l])
	D    [][]T // per layer, Rows×Out: dZ of the layer during backward

	// For layers with dropout (nil for the others), Rows×Out: the mask of
	// the last training pass (0 or 1/(1−p)) and Out = A ⊙ Mask, which the
	// next layer read in that pass.
	Mask, Out [][]T
	masked    bool // the last Forward was a training pass that applied the masks
}

// NewWorkspace allocates buffers for batches of up to rows rows.
func (n *NetOf[T]) NewWorkspace(rows int) *WorkspaceOf[T] {
	ws := &WorkspaceOf[T]{Rows: rows}
	for _, l := range n.Layers {
		ws.Z = append(ws.Z, make([]T, rows*l.Out))
		ws.A = append(ws.A, make([]T, rows*l.Out))
		ws.D = append(ws.D, make([]T, rows*l.Out))
		var mask, out []T
		if l.Dropout > 0 {
			mask, out = make([]T, rows*l.Out), make([]T, rows*l.Out)
		}
		ws.Mask, ws.Out = append(ws.Mask, mask), append(ws.Out, out)
	}
	return ws
}

// Forward runs the batch x (m×Inputs, row-major) through every layer and
// returns the output activations (m×Outputs), a view into ws. The
// pre-activations of the last layer are ws.Z[last][:m*Outputs].
// Nothing is dropped: this is the pass of evaluation and prediction.
func (n *NetOf[T]) Forward(p *Pool, ws *WorkspaceOf[T], x []T, m int) []T {
	return n.ForwardTrain(p, ws, x, m, nil)
}

// ForwardTrain is Forward of a training batch: each layer with dropout
// passes A ⊙ mask on, the masks drawn from d (see Dropout). A nil d, or a
// network without dropout, is Forward.
func (n *NetOf[T]) ForwardTrain(p *Pool, ws *WorkspaceOf[T], x []T, m int, d *Dropout) []T {
	if m > ws.Rows || len(x) < m*n.Inputs() {
		panic(fmt.Sprintf("network: Forward of %d rows (%d values) with a workspace of %d rows", m, len(x), ws.Rows))
	}
	ws.masked = false
	in := x[:m*n.Inputs()]
	for i, l := range n.Layers {
		z, a := ws.Z[i][:m*l.Out], ws.A[i][:m*l.Out]
		l.Forward(p, z, a, in, m)
		in = a
		if d != nil && l.Dropout > 0 {
			out := ws.Out[i][:m*l.Out]
			drawMask(d, i, l.Dropout, ws.Mask[i][:m*l.Out], out, a)
			in = out
			ws.masked = true
		}
	}
	return in
}

// Forward sets z = in·Wᵀ + B and a = g(z) for m rows.
//
//	in is (m, In), z and a are (m, Out), W is (Out, In)
func (l *DenseOf[T]) Forward(p *Pool, z, a, in []T, m int) {
	MulABt(p, z, in, l.W, m, l.Out, l.In)
	l.cur.z, l.cur.a = z, a
	p.Range(m, elemGrain/l.Out+1, l.biasActFn)
	l.cur.z, l.cur.a = nil, nil
}

// biasActRows adds B to rows [lo, hi) of the current z and sets a = g(z).
func (l *DenseOf[T]) biasActRows(lo, hi int) {
	z, a := l.cur.z[lo*l.Out:hi*l.Out], l.cur.a[lo*l.Out:hi*l.Out]
	for r := 0; r < hi-lo; r++ {
		vec.Add(z[r*l.Out:r*l.Out+l.Out], l.B)
	}
	actForward(l.Act, a, z, l.Out, T(l.Alpha))
}

// actGradRows turns rows [lo, hi) of the current dA into dZ = dA ⊙ g'(Z).
func (l *DenseOf[T]) actGradRows(lo, hi int) {
	s, e := lo*l.Out, hi*l.Out
	actBackward(l.Act, l.cur.d[s:e], l.cur.z[s:e], l.cur.a[s:e], T(l.Alpha))
}

// ActivationGrad turns dA (m×Out) into dZ = dA ⊙ g'(Z) in place, given this
// layer's Z and A of the batch, splitting the rows over the pool.
func (l *DenseOf[T]) ActivationGrad(p *Pool, d, z, a []T, m int) {
	l.cur.d, l.cur.z, l.cur.a = d, z, a
	p.Range(m, elemGrain/l.Out+1, l.actGradFn)
	l.cur.d, l.cur.z, l.cur.a = nil, nil, nil
}

// Backward takes dz, the gradient of the batch's mean cost J with respect
// to this layer's Z (the lecture's dZ already divided by m), and sets
//
//	DW = dzᵀ·in        DB = Σ_rows dz
//
// and, when dIn is not nil, dIn = dz·W (the gradient passed down).
//
//	dz is (m, Out), in is (m, In), dIn is (m, In)
func (l *DenseOf[T]) Backward(p *Pool, dz, in, dIn []T, m int) {
	MulAtB(p, l.DW, dz, in, l.Out, l.In, m)
	clear(l.DB)
	for r := 0; r < m; r++ { // each DB[j] sums its column in row order
		vec.Add(l.DB, dz[r*l.Out:r*l.Out+l.Out])
	}
	if dIn != nil {
		MulAB(p, dIn, dz, l.W, m, l.In, l.Out)
	}
}

// Backward fills Grads from ws.D[last], the lecture's dZ[L] of the output
// layer (without the 1/m) for the m rows that Forward last ran on input x.
// Every lower dZ follows from dA_prev = dZ·W and dZ = dA ⊙ g'(Z), and
//
//	dW = dZᵀ·A_prev / m        dB = Σ_rows dZ / m
//
// The 1/m is applied once, to dZ[L] (m×out values), rather than to every
// dW: all that follows is linear in dZ, so the result is the same up to
// rounding, as in PyTorch's backward of a mean.
//
// After a ForwardTrain that dropped units, A_prev is the masked output the
// layer read, and the gradient passed down through a dropout layer is
// multiplied by its mask before g'(Z): ∂J/∂A = ∂J/∂A_out ⊙ mask.
func (n *NetOf[T]) Backward(p *Pool, ws *WorkspaceOf[T], x []T, m int) {
	last := len(n.Layers) - 1
	inv := 1 / T(m)
	d := ws.D[last][:m*n.Layers[last].Out]
	for i := range d {
		d[i] *= inv
	}
	for i := len(n.Layers) - 1; i >= 0; i-- {
		l := n.Layers[i]
		dz := ws.D[i][:m*l.Out]
		var in, dIn []T
		if i == 0 {
			in = x[:m*l.In]
		} else {
			in = ws.A[i-1][:m*l.In]
			if ws.masked && ws.Out[i-1] != nil {
				in = ws.Out[i-1][:m*l.In]
			}
			dIn = ws.D[i-1][:m*l.In]
		}
		l.Backward(p, dz, in, dIn, m)
		if i > 0 {
			below := n.Layers[i-1]
			if ws.masked && ws.Mask[i-1] != nil {
				for j, k := range ws.Mask[i-1][:m*l.In] {
					dIn[j] *= k
				}
			}
			below.ActivationGrad(p, dIn, ws.Z[i-1][:m*l.In], ws.A[i-1][:m*l.In], m)
		}
	}
}

// Init is a weight initialisation, parsed once from its spec name.
type Init int

const (
	InitNormal Init = iota // N(0,1)·scale
	InitXavier             // N(0,1)·√(1/n[l−1])
	InitHe                 // N(0,1)·√(2/n[l−1])
	InitZeros
)

var initNames = [...]string{"normal", "xavier", "he", "zeros"}

func (k Init) String() string {
	if k < 0 || int(k) >= len(initNames) {
		return fmt.Sprintf("Init(%d)", int(k))
	}
	return initNames[k]
}

// ParseInit maps a spec name to its Init.
func ParseInit(s string) (Init, error) {
	for i, n := range initNames {
		if n == s {
			return Init(i), nil
		}
	}
	return 0, fmt.Errorf("unknown init %q (want normal, xavier, he or zeros)", s)
}
