package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// span locates one field of the current record: data[start:end], or
// scratch[start:end] when the field was quoted with doubled quotes inside.
type span struct {
	start, end int
	unescaped  bool
}

// reader splits an in-memory CSV file into records. Fields are byte slices
// into the file (or into a reused scratch buffer), so reading allocates
// nothing per field.
//
// The dialect: a one-byte separator (comma unless set); LF or CRLF line
// ends (a file with CR alone, old Mac style, has them read as LF); spaces
// and tabs around fields are dropped (tabs not when they separate); a field
// may be quoted ("a,b" and "say ""hi""") and may then span lines; blank
// lines are skipped.
type reader struct {
	path    string
	data    []byte
	pos     int      // next unread byte
	line    int      // line number of data[pos]
	recLine int      // line on which the current record starts
	names   []string // header, once known, for naming columns in errors
	spans   []span
	scratch []byte
	slow    bool // never take the fast path (for tests)
	delim   byte // field separator: ',' ';' '\t' or '|'
	dec     byte // decimal mark of numbers: '.' or ','
}

// newReader checks that data is text and drops a UTF-8 byte order mark.
func newReader(path string, data []byte) (*reader, error) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, &Error{Path: path, Line: lineAt(data, i),
			Err: errors.New("binary data (NUL byte), not a CSV text file")}
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return nil, &Error{Path: path, Line: lineAt(data, i),
			Err: fmt.Errorf("invalid UTF-8 (byte 0x%02x), not a CSV text file", data[i])}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, '\n') < 0 && bytes.IndexByte(data, '\r') >= 0 {
		// CR line ends alone (old Mac style): read them as LF. The copy
		// leaves the caller's bytes alone.
		data = bytes.ReplaceAll(data, []byte{'\r'}, []byte{'\n'})
	}
	return &reader{path: path, data: data, line: 1, delim: ',', dec: '.'}, nil
}

// lineAt returns the 1-based line number of data[i].
func lineAt(data []byte, i int) int {
	return 1 + bytes.Count(data[:i], []byte{'\n'})
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// space reports whether c is padding around a field: a space, a CR, or a
// tab unless tabs separate the fields.
func (r *reader) space(c byte) bool {
	return c == ' ' || c == '\r' || (c == '\t' && r.delim != '\t')
}

// next reads the next record into r.spans. It returns false at the end of
// the input.
func (r *reader) next() (bool, error) {
	data := r.data
	n := len(data)
	// Skip blank lines (including ones holding only spaces).
	for {
		i := r.pos
		for i < n && r.space(data[i]) {
			i++
		}
		if i == n {
			r.pos = n
			return false, nil
		}
		if data[i] != '\n' {
			break
		}
		r.pos = i + 1
		r.line++
	}
	r.recLine = r.line
	r.spans = r.spans[:0]
	r.scratch = r.scratch[:0]
	p := r.pos
	for {
		for p < n && r.space(data[p]) && data[p] != '\r' {
			p++
		}
		if p < n && data[p] == '"' {
			fieldLine := r.line
			p++
			start, seg := p, p
			unescaped := false
			scratchStart := len(r.scratch)
			for {
				q := bytes.IndexByte(data[p:], '"')
				if q < 0 {
					return false, r.fieldErr(fieldLine, len(r.spans), "quoted field is never closed")
				}
				q += p
				r.line += bytes.Count(data[p:q], []byte{'\n'})
				if q+1 < n && data[q+1] == '"' { // "" stands for one quote
					unescaped = true
					r.scratch = append(r.scratch, data[seg:q+1]...)
					p = q + 2
					seg = p
					continue
				}
				if unescaped {
					r.scratch = append(r.scratch, data[seg:q]...)
					r.spans = append(r.spans, span{scratchStart, len(r.scratch), true})
				} else {
					r.spans = append(r.spans, span{start, q, false})
				}
				p = q + 1
				break
			}
			for p < n && r.space(data[p]) {
				p++
			}
			if p < n && data[p] != r.delim && data[p] != '\n' {
				return false, r.fieldErr(r.line, len(r.spans)-1, "unexpected text after the closing quote")
			}
		} else {
			start := p
			for p < n {
				c := data[p]
				if c == r.delim || c == '\n' {
					break
				}
				if c == '"' {
					return false, r.fieldErr(r.line, len(r.spans),
						`quote (") inside an unquoted field; quote the whole field and double the quote`)
				}
				p++
			}
			end := p
			for end > start && r.space(data[end-1]) {
				end--
			}
			r.spans = append(r.spans, span{start, end, false})
		}
		if p >= n {
			r.pos = n
			return true, nil
		}
		if data[p] == '\n' {
			r.pos = p + 1
			r.line++
			return true, nil
		}
		p++ // the separator
	}
}

// field returns field i of the current record.
func (r *reader) field(i int) []byte {
	s := r.spans[i]
	if s.unescaped {
		return r.scratch[s.start:s.end]
	}
	return r.data[s.start:s.end]
}

// fieldErr reports a problem with field i (0-based) of the current record.
func (r *reader) fieldErr(line, i int, msg string) error {
	if i < len(r.names) {
		return &Error{Path: r.path, Line: line, Column: r.names[i], Err: errors.New(msg)}
	}
	return &Error{Path: r.path, Line: line, Err: fmt.Errorf("field %d: %s", i+1, msg)}
}

// MaxHeaderBytes bounds the header line. A real header, even of a wide
// file (Fashion-MNIST: 4 KB), is far shorter; a "header" past it is a file
// that is not CSV (or has no line ends), and parsing it would cost
// gigabytes.
const MaxHeaderBytes = 4 << 20

// delimiters are the separators a file may use (data.delimiter).
var delimiters = []byte{',', ';', '\t', '|'}

// header reads the first record as the column names.
func (r *reader) header() error {
	window := r.data[r.pos:min(len(r.data), r.pos+MaxHeaderBytes+1)]
	if len(r.data)-r.pos > MaxHeaderBytes && headerEnd(window) < 0 {
		return &Error{Path: r.path, Line: r.line,
			Err: fmt.Errorf("the header line is longer than %d MiB; is this a CSV file with line ends?", MaxHeaderBytes>>20)}
	}
	ok, err := r.next()
	if err != nil {
		return err
	}
	if !ok {
		return &Error{Path: r.path, Err: errors.New("empty file (a header row is required)")}
	}
	if len(r.spans) == 1 {
		if err := r.otherDelimiter(); err != nil {
			return err
		}
	}
	names := make([]string, len(r.spans))
	seen := make(map[string]int, len(names))
	for i := range names {
		name := string(r.field(i))
		if name == "" {
			return &Error{Path: r.path, Line: r.recLine,
				Err: fmt.Errorf("header field %d is empty (every column needs a name)", i+1)}
		}
		if strings.IndexByte(name, '\r') >= 0 && !r.spans[i].quoted(r) {
			return &Error{Path: r.path, Line: r.recLine,
				Err: fmt.Errorf("header field %d %s holds a carriage return: the file uses CR (old Mac) line ends, mixed with LF; convert them to LF", i+1, quoteText(name))}
		}
		if j, dup := seen[name]; dup {
			return &Error{Path: r.path, Line: r.recLine,
				Err: fmt.Errorf("duplicate column name %s (fields %d and %d)", quoteText(name), j+1, i+1)}
		}
		seen[name] = i
		names[i] = name
	}
	r.names = names
	return nil
}

// quoted reports whether the field s of the current record was written in
// quotes (its text may then hold anything).
func (s span) quoted(r *reader) bool {
	return s.unescaped || (s.start > 0 && r.data[s.start-1] == '"')
}

// otherDelimiter fails when a header of one field holds another of the
// accepted separators: the file is most likely separated by that one.
func (r *reader) otherDelimiter() error {
	text := r.field(0)
	best, count := byte(0), 0
	for _, d := range delimiters {
		if d == r.delim {
			continue
		}
		if c := bytes.Count(text, []byte{d}); c > count {
			best, count = d, c
		}
	}
	if count == 0 {
		return nil
	}
	return &Error{Path: r.path, Line: r.recLine, Key: "delimiter",
		Err: fmt.Errorf("the header holds no %s but holds %s: set the delimiter to %s (data.delimiter in a spec, --delimiter for predict and eval)",
			strconv.Quote(string(r.delim)), strconv.Quote(string(best)), strconv.Quote(string(best)))}
}

// run is a stretch of columns that the fast path reads together: n
// feature columns from col on, stored at xrow[dst:dst+n], or (dst < 0) a
// single other column.
type run struct {
	col, n, dst int
}

// makeRuns groups the columns for fast; featPos[c] is the row position of
// column c, or -1 when c is not a feature.
func makeRuns(featPos []int) []run {
	var runs []run
	for c, fp := range featPos {
		if k := len(runs) - 1; fp >= 0 && k >= 0 && runs[k].dst >= 0 && runs[k].dst+runs[k].n == fp {
			runs[k].n++
			continue
		}
		runs = append(runs, run{col: c, n: 1, dst: fp})
	}
	return runs
}

// fast reads the record at r.pos when it is plain, which is nearly every
// record of a machine-written file: unquoted, unpadded fields; feature
// values in the form [-]ddd[.ddd] that scanNumbers accepts; exactly ncol
// fields. It stores the features in xrow and records the spans of the
// other fields (the targets). On anything else it returns false without
// moving r.pos, and the caller reads the record with next, which also
// produces the right error.
func (r *reader) fast(runs []run, ncol int, xrow []float64) bool {
	data := r.data
	n := len(data)
	p := r.pos
	if p >= n || data[p] == '\n' || data[p] == '\r' {
		return false
	}
	// Only the spans of non-feature fields are filled in: the caller reads
	// targets from them, and features are already parsed.
	if cap(r.spans) < ncol {
		r.spans = make([]span, ncol)
	}
	spans := r.spans[:ncol]
	for _, rn := range runs {
		last := rn.col+rn.n == ncol
		if rn.dst >= 0 {
			q, ok := scanNumbers(data, p, xrow[rn.dst:rn.dst+rn.n], r.delim, r.dec)
			if !ok {
				return false
			}
			p = q
		} else {
			start := p
			for p < n {
				ch := data[p]
				if ch == r.delim || ch == '\n' {
					break
				}
				if ch == '"' {
					return false
				}
				p++
			}
			end := p
			if last && end > start && data[end-1] == '\r' {
				end--
			}
			if end > start && (isSpace(data[start]) || isSpace(data[end-1])) {
				return false
			}
			spans[rn.col] = span{start, end, false}
		}
		if !last {
			if p >= n || data[p] != r.delim {
				return false
			}
			p++
			continue
		}
		if p < n && data[p] == '\r' {
			p++
		}
		if p < n {
			if data[p] != '\n' {
				return false
			}
			p++
		}
	}
	r.spans = spans
	r.recLine = r.line
	r.line++
	r.pos = p
	return true
}
