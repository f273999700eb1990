package dataset

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error is a problem with a data file. Its message reads
//
//	path: line N, column "name": what is wrong
//
// with the line and column left out when they are not known. Line counts
// the lines of the file from 1 (the header is normally line 1). Key, when
// set, names the setting the problem is about ("exclude", "weight", ...:
// the data.* spec key without its prefix), so that a caller can point at
// where the setting came from; the message then reads "path: key: ...".
type Error struct {
	Path   string
	Line   int    // 1-based line in the file; 0 when the problem has no line
	Column string // column name; "" when the problem has no column
	Key    string // the setting at fault, or ""
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
		b.WriteString(quoteText(e.Column))
	case e.Line > 0:
		b.WriteString(": line ")
		b.WriteString(strconv.Itoa(e.Line))
	case e.Column != "":
		b.WriteString(": column ")
		b.WriteString(quoteText(e.Column))
	}
	if e.Key != "" {
		b.WriteString(": ")
		b.WriteString(e.Key)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// maxQuoted is how many bytes of a field or name a message quotes: a stray
// binary blob or a 2 GB "header" must not flood the terminal.
const maxQuoted = 80

// quoteValue quotes a field value for an error message, escaping control
// characters (the message stays on one line) and shortening long ones.
func quoteValue(b []byte) string {
	if len(b) > maxQuoted {
		n := maxQuoted
		for n > 0 && !utf8.RuneStart(b[n]) {
			n--
		}
		return strconv.Quote(string(b[:n])) + "…"
	}
	return strconv.Quote(string(b))
}

// quoteText is quoteValue for a string.
func quoteText(s string) string {
	if len(s) > maxQuoted {
		return quoteValue([]byte(s[:maxQuoted+1]))
	}
	return strconv.Quote(s)
}

// showName writes a column or class name for a list in a message: as it
// is when it is short, printable text, else quoted like quoteText.
func showName(s string) string {
	if len(s) <= maxQuoted && s != "" && strconv.Quote(s) == `"`+s+`"` && !strings.Contains(s, ",") && strings.TrimSpace(s) == s {
		return s
	}
	return quoteText(s)
}

// listNames joins names for an error message, keeping the first few of a
// long list (Fashion-MNIST has 785 columns).
func listNames(names []string) string {
	const max = 20
	shown := make([]string, 0, min(len(names), max))
	for _, n := range names[:min(len(names), max)] {
		shown = append(shown, showName(n))
	}
	s := strings.Join(shown, ", ")
	if len(names) > max {
		s += ", … (" + strconv.Itoa(len(names)) + " in all)"
	}
	return s
}
