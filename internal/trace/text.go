package trace

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// A matrix is printed in full in the text when it has at most this many
// columns and rows; a larger one is summarised by its min, max and norm.
const (
	textMaxCols = 12
	textMaxRows = 20
)

// WriteText writes the pass for a person: a header saying what was traced,
// then the forward pass, the cost and the backward pass, each matrix with
// its shape in the lecture's notation and the formula it came from.
func WriteText(w io.Writer, p *Pass) error {
	var b strings.Builder
	L := len(p.Layers)
	fmt.Fprintf(&b, "trace of %s: %s of %s, m = %d\n", p.Spec, rowList(p.Rows), p.Data, p.m())
	fmt.Fprintf(&b, "weights: %s\n", p.Weights)
	fmt.Fprintf(&b, "network: n[0] = %d inputs", len(p.Features))
	for l := 1; l <= L; l++ {
		fmt.Fprintf(&b, ", n[%d] = %d %s", l, p.layer(l).Out, p.Acts[l-1])
	}
	fmt.Fprintf(&b, "; loss %s", p.Loss)
	if p.L2 != 0 {
		fmt.Fprintf(&b, ", l2 λ = %g", p.L2)
	}
	b.WriteByte('\n')
	if d := p.dropoutNote(); d != "" {
		b.WriteString(d + "\n")
	}
	if p.RowW != nil {
		fmt.Fprintf(&b, "row weights: %s\n", p.RowWFrom)
	}
	b.WriteByte('\n')

	fmt.Fprintf(&b, "Forward pass: A[0] = X; for l = 1 … %d, Z[l] = A[l−1]·W[l]ᵀ + B[l] and A[l] = g(Z[l])\n\n", L)
	block(&b, p.x(), "X = A[0]", columns(p.Features))
	for l := 1; l <= L; l++ {
		block(&b, p.w(l), "", "row j: the weights into unit j of layer "+strconv.Itoa(l))
		block(&b, p.b(l), "", "")
		block(&b, p.z(l), zFormula(l), "")
		block(&b, p.a(l), aFormula(l, p.Acts[l-1]), "")
	}
	block(&b, p.y(), "", columns(p.Outputs))
	if p.RowW != nil {
		block(&b, p.rowW(), "", "wᵢ is row i's weight in the loss, Σw = "+num(p.sumW()))
	}
	fmt.Fprintf(&b, "Cost: %s\n  J = %s\n\n", p.costFormula(), num(p.Cost))

	if p.RowW != nil {
		b.WriteString("Backward pass: every d… is ∂J/∂… of the batch's weighted mean cost J, so row i\n" +
			"carries wᵢ/Σw where the lecture's dW = dZᵀ·A[l−1]/m has 1/m, already inside dZ\n\n")
	} else {
		b.WriteString("Backward pass: every d… is ∂J/∂… of the batch's mean cost J, so the 1/m of\n" +
			"the lecture's dW = dZᵀ·A[l−1]/m is already inside dZ\n\n")
	}
	block(&b, p.da(L), p.daOutFormula(), "")
	for l := L; l >= 1; l-- {
		if l < L {
			block(&b, p.da(l), daFormula(l), "")
		}
		block(&b, p.dz(l), p.dzFormula(l), "")
		block(&b, p.dw(l), p.dwFormula(l), "")
		block(&b, p.db(l), dbFormula(l), "")
	}
	block(&b, p.dx(), daFormula(0), "")
	_, err := io.WriteString(w, strings.TrimSuffix(b.String(), "\n"))
	return err
}

// dropoutNote is the line saying that the spec's dropout is not in the
// pass, or "" when no layer has dropout.
func (p *Pass) dropoutNote() string {
	var on []string
	for l, d := range p.Dropouts {
		if d > 0 {
			on = append(on, fmt.Sprintf("p = %g after layer %d", d, l+1))
		}
	}
	if on == nil {
		return ""
	}
	return "dropout is off in this trace: the spec's dropout (" + strings.Join(on, ", ") +
		") masks units only in training's passes, and this pass has no masks"
}

// sumW is Σ wᵢ of the traced rows.
func (p *Pass) sumW() float64 {
	var s float64
	for _, v := range p.RowW {
		s += v
	}
	return s
}

// columns names the columns of X or Y: all of them, or the first and last
// of a matrix too wide to print.
func columns(names []string) string {
	if len(names) > textMaxCols {
		return fmt.Sprintf("columns %s … %s", names[0], names[len(names)-1])
	}
	return "columns " + strings.Join(names, ", ")
}

// rowList is "row 0" or "rows 0, 1, 5".
func rowList(rows []int) string {
	s := make([]string, len(rows))
	for i, r := range rows {
		s[i] = strconv.Itoa(r)
	}
	if len(rows) == 1 {
		return "row " + s[0]
	}
	return "rows " + strings.Join(s, ", ")
}

// block writes
//
//	Z[1]: m × n[1] = 1 × 4    Z[1] = A[0]·W[1]ᵀ + B[1]
//	  [ 14  32  50  68 ]
//
// with formula (which may start with the name, as "X = A[0]") and a note.
func block(b *strings.Builder, mx matrix, formula, note string) {
	fmt.Fprintf(b, "%s: %s", mx.name, mx.shape())
	if formula != "" {
		fmt.Fprintf(b, "    %s", formula)
	}
	if note != "" {
		fmt.Fprintf(b, "    (%s)", note)
	}
	b.WriteByte('\n')
	if mx.cols > textMaxCols || mx.rows > textMaxRows {
		s := mx.summary()
		fmt.Fprintf(b, "  %d values, too many to print: min %s, max %s, norm ‖%s‖ = %s\n\n",
			len(mx.v), num(s.min), num(s.max), mx.name, num(s.norm))
		return
	}
	cells := make([]string, len(mx.v))
	width := make([]int, mx.cols)
	for i, v := range mx.v {
		cells[i] = num(v)
		width[i%mx.cols] = max(width[i%mx.cols], len(cells[i]))
	}
	for r := 0; r < mx.rows; r++ {
		b.WriteString("  [")
		for c := 0; c < mx.cols; c++ {
			fmt.Fprintf(b, "  %*s", width[c], cells[r*mx.cols+c])
		}
		b.WriteString("  ]\n")
	}
	b.WriteByte('\n')
}

// num formats a value for a person: six significant digits, and −0 as 0.
func num(v float64) string {
	if v == 0 {
		v = 0
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}
