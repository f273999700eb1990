package dataset

import (
	"strconv"
	"strings"
)

// Error is a problem with a data file. Its message reads
//
//	path: line N, column "name": what is wrong
//
// with the line and column left out when they are not known. Line counts
// the lines of the file from 1 (the header is normally line 1).
type Error struct {
	Path   string
	Line   int    // 1-based line in the file; 0 when the problem has no line
	Column string // column name; "" when the problem has no column
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	switch {
	case e.Line > 0 && e.Column != "":
		b.WriteString(": line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(", column ")
		b.WriteString(strconv.Quote(e.Column))
	case e.Line > 0:
		b.WriteString(": line ")
		b.WriteString(strconv.Itoa(e.Line))
	case e.Column != "":
		b.WriteString(": column ")
		b.WriteString(strconv.Quote(e.Column))
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// quoteValue quotes a field value for an error message, shortening long ones
// so that a stray binary blob does not flood the terminal.
func quoteValue(b []byte) string {
	const max = 40
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "…"
	}
	return strconv.Quote(string(b))
}

// listNames joins names for an error message, keeping the first few of a
// long list (Fashion-MNIST has 785 columns).
func listNames(names []string) string {
	const max = 20
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:max], ", ") + ", … (" + strconv.Itoa(len(names)) + " in all)"
}
