package trace

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// A matrix is drawn value by value in a node when it has at most this many
// columns and rows; a larger one shows its min, max and norm.
const (
	dotMaxCols = 6
	dotMaxRows = 6
)

// Node colours: data (X, Y), parameters (W, B), the layers' Z and A, the cost.
const (
	dataColor  = "#e5e7eb"
	paramColor = "#fef3c7"
	layerColor = "#dbeafe"
	costColor  = "#fee2e2"
)

// WriteDot writes the computation as a Graphviz graph: a node per X, W[l],
// B[l], Z[l], A[l], Y and J, each a table headed by its name, formula and
// shape, holding its values and below them its gradient ∂J/∂· (micrograd's
// data and grad), edges from each operand to what it computes. A matrix
// too large to draw is summarised.
func WriteDot(w io.Writer, p *Pass) error {
	var b strings.Builder
	L := len(p.Layers)
	b.WriteString("digraph trace {\n")
	fmt.Fprintf(&b, "  label=%q;\n", fmt.Sprintf("%s: %s of %s, m = %d; weights %s", p.Spec, rowList(p.Rows), p.Data, p.m(), p.Weights))
	b.WriteString("  labelloc=t;\n  rankdir=LR;\n  nodesep=0.3;\n  ranksep=0.5;\n")
	b.WriteString("  node [shape=plaintext, fontname=\"Helvetica\", fontsize=10];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=10];\n")

	dotNode(&b, "X", p.x(), "X = A[0]", dataColor, p.dx(), "dX = ∂J/∂X")
	for l := 1; l <= L; l++ {
		dotNode(&b, fmt.Sprintf("W%d", l), p.w(l), "", paramColor, p.dw(l), p.dwFormula(l))
		dotNode(&b, fmt.Sprintf("B%d", l), p.b(l), "", paramColor, p.db(l), dbFormula(l))
		dotNode(&b, fmt.Sprintf("Z%d", l), p.z(l), zFormula(l), layerColor, p.dz(l), p.dzFormula(l))
		da := daFormula(l)
		if l == L {
			da = p.daOutFormula()
		}
		dotNode(&b, fmt.Sprintf("A%d", l), p.a(l), aFormula(l, p.Acts[l-1]), layerColor, p.da(l), da)
	}
	dotNode(&b, "Y", p.y(), "Y", dataColor, matrix{}, "")
	fmt.Fprintf(&b, "  J [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\">"+
		"<TR><TD BGCOLOR=\"%s\"><B>J</B> = %s</TD></TR><TR><TD>%s</TD></TR>%s<TR><TD>∂J/∂J = 1</TD></TR></TABLE>>];\n",
		costColor, esc(num(p.Cost)), esc(p.costFormula()), p.dotRowW())

	prev := "X"
	for l := 1; l <= L; l++ {
		fmt.Fprintf(&b, "  %s -> Z%d;\n  W%d -> Z%d;\n  B%d -> Z%d;\n", prev, l, l, l, l, l)
		fmt.Fprintf(&b, "  Z%d -> A%d [label=%q];\n", l, l, p.Acts[l-1].String())
		prev = fmt.Sprintf("A%d", l)
	}
	fmt.Fprintf(&b, "  %s -> J [label=%q];\n  Y -> J;\n}\n", prev, p.Loss.String())
	_, err := io.WriteString(w, b.String())
	return err
}

// dotRowW is the J node's row of the row weights w, or "" unweighted.
func (p *Pass) dotRowW() string {
	if p.RowW == nil {
		return ""
	}
	w := p.rowW()
	if w.cols > dotMaxCols {
		st := w.summary()
		return fmt.Sprintf("<TR><TD>w: %d row weights, min %s, max %s, Σw = %s</TD></TR>",
			w.cols, esc(num(st.min)), esc(num(st.max)), esc(num(p.sumW())))
	}
	v := make([]string, w.cols)
	for i, x := range w.v {
		v[i] = num(x)
	}
	return fmt.Sprintf("<TR><TD>w = [%s], Σw = %s</TD></TR>", esc(strings.Join(v, ", ")), esc(num(p.sumW())))
}

// dotNode writes one node: a table headed by the name, formula and shape of
// mx, its values, then (when grad has values) the gradient's formula and values.
func dotNode(b *strings.Builder, id string, mx matrix, formula, color string, grad matrix, gradFormula string) {
	full := mx.cols <= dotMaxCols && mx.rows <= dotMaxRows
	span := 1
	if full {
		span = mx.cols
	}
	head := "<B>" + esc(mx.name) + "</B>"
	if formula != "" {
		head = strings.Replace(esc(formula), esc(mx.name), head, 1)
		if !strings.Contains(head, "<B>") {
			head = "<B>" + esc(mx.name) + "</B>: " + esc(formula)
		}
	}
	fmt.Fprintf(b, "  %s [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\">", id)
	fmt.Fprintf(b, "<TR><TD COLSPAN=\"%d\" BGCOLOR=\"%s\">%s<BR/>%s</TD></TR>", span, color, head, esc(mx.shape()))
	dotValues(b, mx, full)
	if grad.v != nil {
		fmt.Fprintf(b, "<TR><TD COLSPAN=\"%d\" BGCOLOR=\"%s\">%s</TD></TR>", span, color, esc(gradFormula))
		dotValues(b, grad, full)
	}
	b.WriteString("</TABLE>>];\n")
}

func dotValues(b *strings.Builder, mx matrix, full bool) {
	if !full {
		s := mx.summary()
		fmt.Fprintf(b, "<TR><TD>%d values: min %s, max %s, ‖%s‖ = %s</TD></TR>",
			len(mx.v), esc(num(s.min)), esc(num(s.max)), esc(mx.name), esc(num(s.norm)))
		return
	}
	for r := 0; r < mx.rows; r++ {
		b.WriteString("<TR>")
		for c := 0; c < mx.cols; c++ {
			fmt.Fprintf(b, "<TD ALIGN=\"RIGHT\">%s</TD>", esc(num(mx.at(r, c))))
		}
		b.WriteString("</TR>")
	}
}

func esc(s string) string { return html.EscapeString(s) }
