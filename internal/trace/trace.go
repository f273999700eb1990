// Package trace shows one forward and backward pass of a network the way a
// lecture writes it: every matrix of backprop.TraceBatch with its shape in the
// lecture's notation (Z[1]: m × n[1] = 1 × 4) and the formula it came from,
// as text for a person, as JSON for a program (the contract's "trace"
// layout) and as a Graphviz graph of the computation.
//
// It renders what backprop computed and computes nothing of the network
// itself: the only arithmetic here is the min, max and norm of a matrix too
// large to print.
package trace

import (
	"fmt"
	"math"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/network"
)

// Pass is a traced batch with what is needed to name its parts.
type Pass struct {
	Spec     string   // the spec file
	Data     string   // the training data: the file, or which rows of it
	Weights  string   // where the weights came from, e.g. "configs/lecture/342-init.json"
	Rows     []int    // the traced rows, 0-based indices of the training rows
	Features []string // the input columns, n[0] of them
	Outputs  []string // what each output unit stands for, n[L] of them
	Loss     backprop.Loss
	L2       float64
	Acts     []network.Activation // per layer
	Alphas   []float64            // leaky_relu slopes, per layer
	Dropouts []float64            // dropout probabilities, per layer; the pass is without dropout
	X, Y     []float64            // the batch, m × n[0] and m × n[L], after encoding and normalisation
	// RowW holds the traced rows' weights in the loss, m of them, nil when
	// the loss is unweighted; RowWFrom says what made them (for a person).
	RowW     []float64
	RowWFrom string
	*backprop.Trace
}

// New traces the given rows of d (0-based; d already encoded and
// normalised) through net with backprop.TraceBatch, the loss and its l2
// term. w holds the weights of d's rows in the loss as training uses them
// (nil for the unweighted loss); the traced rows' weights go into the loss
// and into RowW. Spec, Data, Weights and RowWFrom are left for the caller
// to name. A row past the end of d is an error naming d's file.
func New(net *network.Net, pool *network.Pool, loss backprop.Loss, l2 float64, d *dataset.Set, w []float64, rows []int) (*Pass, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("trace: no rows")
	}
	for _, r := range rows {
		if r < 0 || r >= d.Rows {
			return nil, &RowError{Row: r, Rows: d.Rows, Path: d.Path}
		}
	}
	b := d.Subset(rows)
	// The pass runs in float64, also on a float32 set (its values widen
	// exactly), as gradcheck does.
	x := b.X64()
	var rw []float64
	if w != nil {
		rw = make([]float64, len(rows))
		for i, r := range rows {
			rw[i] = w[r]
		}
	}
	p := &Pass{
		Data: d.Path, Rows: rows, Features: d.Features, Outputs: unitNames(d), Loss: loss, L2: l2,
		X: x, Y: b.Y, RowW: rw,
		Trace: backprop.TraceBatch(net, pool, loss, l2, x, b.Y, rw, b.Rows),
	}
	for _, l := range net.Layers {
		p.Acts, p.Alphas = append(p.Acts, l.Act), append(p.Alphas, l.Alpha)
		p.Dropouts = append(p.Dropouts, l.Dropout)
	}
	return p, nil
}

// RowError is a traced row that the training rows do not have.
type RowError struct {
	Row, Rows int
	Path      string
}

func (e *RowError) Error() string {
	if e.Rows == 1 {
		return fmt.Sprintf("row %d is past the end: %s has 1 training row (row 0)", e.Row, e.Path)
	}
	return fmt.Sprintf("row %d is past the end: %s has %d training rows (0 to %d)", e.Row, e.Path, e.Rows, e.Rows-1)
}

// unitNames says what each output unit stands for: the class of its
// one-hot column, "target=class" for bce's single unit, else the target.
func unitNames(d *dataset.Set) []string {
	switch {
	case d.Classes != nil && d.Outputs() == 1:
		return []string{d.Targets[0] + "=" + d.Classes[1]}
	case d.Classes != nil:
		return d.Classes
	default:
		return d.Targets
	}
}

// matrix is a row-major view with its lecture name and shape.
type matrix struct {
	name       string // "Z[1]"
	rows, cols int
	rowDim     string // the shape in symbols: "m", "n[1]" or "" for a vector
	colDim     string
	v          []float64
}

func (mx matrix) at(r, c int) float64 { return mx.v[r*mx.cols+c] }

// shape is "m × n[1] = 1 × 4", or "n[1] = 4" for a vector.
func (mx matrix) shape() string {
	if mx.rowDim == "" {
		return fmt.Sprintf("%s = %d", mx.colDim, mx.cols)
	}
	return fmt.Sprintf("%s × %s = %d × %d", mx.rowDim, mx.colDim, mx.rows, mx.cols)
}

// stats is the summary of a matrix too large to print.
type stats struct{ min, max, norm float64 }

// summary returns the least and largest value and the Frobenius norm
// ‖M‖ = sqrt(Σ m²), NaN taken as it comes (a NaN makes all three NaN).
func (mx matrix) summary() stats {
	s := stats{min: math.Inf(1), max: math.Inf(-1)}
	var sq float64
	for _, v := range mx.v {
		if math.IsNaN(v) {
			return stats{math.NaN(), math.NaN(), math.NaN()}
		}
		s.min, s.max = math.Min(s.min, v), math.Max(s.max, v)
		sq += v * v
	}
	s.norm = math.Sqrt(sq)
	return s
}

func (p *Pass) m() int { return p.Trace.M }

func dim(l int) string { return fmt.Sprintf("n[%d]", l) }

// x and y are the batch; w, b, z, a, da, dz, dw, db the matrices of layer l
// (1-based, as in the lecture).
func (p *Pass) x() matrix {
	return matrix{"X", p.m(), len(p.Features), "m", dim(0), p.X}
}

func (p *Pass) y() matrix {
	return matrix{"Y", p.m(), len(p.Outputs), "m", dim(len(p.Layers)), p.Y}
}

// rowW is the row weights as a vector of m.
func (p *Pass) rowW() matrix {
	return matrix{"w", 1, p.m(), "", "m", p.RowW}
}

func (p *Pass) dx() matrix {
	return matrix{"dX", p.m(), len(p.Features), "m", dim(0), p.DX}
}

func (p *Pass) layer(l int) *backprop.LayerTrace { return &p.Layers[l-1] }

func (p *Pass) w(l int) matrix {
	t := p.layer(l)
	return matrix{fmt.Sprintf("W[%d]", l), t.Out, t.In, dim(l), dim(l - 1), t.W}
}

func (p *Pass) dw(l int) matrix {
	mx := p.w(l)
	mx.name, mx.v = "d"+mx.name, p.layer(l).DW
	return mx
}

func (p *Pass) b(l int) matrix {
	t := p.layer(l)
	return matrix{fmt.Sprintf("B[%d]", l), 1, t.Out, "", dim(l), t.B}
}

func (p *Pass) db(l int) matrix {
	mx := p.b(l)
	mx.name, mx.v = "d"+mx.name, p.layer(l).DB
	return mx
}

// batch is an m × n[l] matrix of layer l named name[l].
func (p *Pass) batch(name string, l int, v []float64) matrix {
	return matrix{fmt.Sprintf("%s[%d]", name, l), p.m(), p.layer(l).Out, "m", dim(l), v}
}

func (p *Pass) z(l int) matrix  { return p.batch("Z", l, p.layer(l).Z) }
func (p *Pass) a(l int) matrix  { return p.batch("A", l, p.layer(l).A) }
func (p *Pass) da(l int) matrix { return p.batch("dA", l, p.layer(l).DA) }
func (p *Pass) dz(l int) matrix { return p.batch("dZ", l, p.layer(l).DZ) }

// The formulas, in the lecture's notation. In the backward pass every d… is
// ∂J/∂… of the batch's mean cost, so the lecture's 1/m (dW = dZᵀ·A_prev/m)
// is already inside dZ.

func zFormula(l int) string {
	return fmt.Sprintf("Z[%d] = A[%d]·W[%d]ᵀ + B[%d]", l, l-1, l, l)
}

func aFormula(l int, g network.Activation) string {
	return fmt.Sprintf("A[%d] = %s(Z[%d])", l, g, l)
}

// costFormula is J of the batch; with row weights, the weighted mean of
// the rows' terms ℓᵢ (the contract's "Sample and class weights").
func (p *Pass) costFormula() string {
	L := len(p.Layers)
	var f, row string
	switch {
	case p.RowW != nil:
		f = "J = Σᵢ wᵢ ℓᵢ / Σᵢ wᵢ"
		switch p.Loss {
		case backprop.MSE:
			row = fmt.Sprintf("ℓᵢ = ½ Σ_k (A[%d] − Y)²", L)
		case backprop.BCE:
			row = fmt.Sprintf("ℓᵢ = −Σ_k [Y log A[%d] + (1 − Y) log(1 − A[%d])]", L, L)
		case backprop.CrossEntropy:
			row = fmt.Sprintf("ℓᵢ = −Σ_k Y log A[%d]", L)
		}
		row = ", where " + row + " of row i"
	case p.Loss == backprop.MSE:
		f = fmt.Sprintf("J = 1/(2m) Σ_i Σ_k (A[%d] − Y)²", L)
	case p.Loss == backprop.BCE:
		f = fmt.Sprintf("J = −1/m Σ_i Σ_k [Y log A[%d] + (1 − Y) log(1 − A[%d])]", L, L)
	case p.Loss == backprop.CrossEntropy:
		f = fmt.Sprintf("J = −1/m Σ_i Σ_k Y log A[%d]", L)
	}
	if p.L2 != 0 {
		f += fmt.Sprintf(" + λ/(2m) Σ_l ‖W[l]‖²  (λ = %g)", p.L2)
	}
	return f + row
}

// paired is whether backprop forms dZ[L] = (A[L] − Y)/m directly: the output
// activation's derivative cancels against the loss's.
func (p *Pass) paired() bool {
	g := p.Acts[len(p.Acts)-1]
	return p.Loss == backprop.BCE && g == network.Sigmoid || p.Loss == backprop.CrossEntropy && g == network.Softmax
}

// mean is the factor of row i's term in J: "/m" (" / m" spaced), or with
// row weights " · wᵢ/Σw".
func (p *Pass) mean(spaced bool) string {
	switch {
	case p.RowW != nil:
		return " · wᵢ/Σw"
	case spaced:
		return " / m"
	}
	return "/m"
}

func (p *Pass) daOutFormula() string {
	L := len(p.Layers)
	switch p.Loss {
	case backprop.MSE:
		return fmt.Sprintf("dA[%d] = ∂J/∂A[%d] = (A[%d] − Y)%s", L, L, L, p.mean(false))
	case backprop.BCE:
		return fmt.Sprintf("dA[%d] = ∂J/∂A[%d] = (A[%d] − Y) / (A[%d] ⊙ (1 − A[%d]))%s", L, L, L, L, L, p.mean(true))
	default:
		return fmt.Sprintf("dA[%d] = ∂J/∂A[%d] = −Y / A[%d]%s", L, L, L, p.mean(true))
	}
}

// dzFormula is how dZ[l] follows from dA[l] (or, for a paired output layer,
// from A and Y).
func (p *Pass) dzFormula(l int) string {
	L := len(p.Layers)
	g := p.Acts[l-1]
	if l == L && p.paired() {
		return fmt.Sprintf("dZ[%d] = (A[%d] − Y)%s  (%s with %s: g' cancels)", l, l, p.mean(false), g, p.Loss)
	}
	head := fmt.Sprintf("dZ[%d] = dA[%d] ⊙ %s'(Z[%d])", l, l, g, l)
	switch g {
	case network.Linear:
		return head + fmt.Sprintf(" = dA[%d]", l)
	case network.Sigmoid:
		return head + fmt.Sprintf(" = dA[%d] ⊙ A[%d] ⊙ (1 − A[%d])", l, l, l)
	case network.Tanh:
		return head + fmt.Sprintf(" = dA[%d] ⊙ (1 − A[%d]²)", l, l)
	case network.ReLU:
		return head + fmt.Sprintf(",  relu'(z) = 1 if z > 0 else 0")
	case network.LeakyReLU:
		return head + fmt.Sprintf(",  leaky_relu'(z) = 1 if z > 0 else %g", p.Alphas[l-1])
	}
	return head
}

func (p *Pass) dwFormula(l int) string {
	f := fmt.Sprintf("dW[%d] = dZ[%d]ᵀ·A[%d]", l, l, l-1)
	if p.L2 != 0 {
		f += fmt.Sprintf(" + (λ/m)·W[%d]", l)
	}
	return f
}

func dbFormula(l int) string {
	return fmt.Sprintf("dB[%d] = Σ_rows dZ[%d]", l, l)
}

func daFormula(l int) string {
	if l == 0 {
		return "dX = dA[0] = dZ[1]·W[1]"
	}
	return fmt.Sprintf("dA[%d] = dZ[%d]·W[%d]", l, l+1, l+1)
}
