package dataset

import (
	"bytes"
	"errors"
	"fmt"
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
// The dialect: comma separator; LF or CRLF line ends; spaces and tabs around
// fields are dropped; a field may be quoted ("a,b" and "say ""hi""") and may
// then span lines; blank lines are skipped.
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
	return &reader{path: path, data: data, line: 1}, nil
}

// lineAt returns the 1-based line number of data[i].
func lineAt(data []byte, i int) int {
	return 1 + bytes.Count(data[:i], []byte{'\n'})
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// next reads the next record into r.spans. It returns false at the end of
// the input.
func (r *reader) next() (bool, error) {
	data := r.data
	n := len(data)
	// Skip blank lines (including ones holding only spaces).
	for {
		i := r.pos
		for i < n && isSpace(data[i]) {
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
		for p < n && (data[p] == ' ' || data[p] == '\t') {
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
			for p < n && isSpace(data[p]) {
				p++
			}
			if p < n && data[p] != ',' && data[p] != '\n' {
				return false, r.fieldErr(r.line, len(r.spans)-1, "unexpected text after the closing quote")
			}
		} else {
			start := p
			for p < n {
				c := data[p]
				if c == ',' || c == '\n' {
					break
				}
				if c == '"' {
					return false, r.fieldErr(r.line, len(r.spans),
						`quote (") inside an unquoted field; quote the whole field and double the quote`)
				}
				p++
			}
			end := p
			for end > start && isSpace(data[end-1]) {
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
		p++ // the comma
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

// header reads the first record as the column names.
func (r *reader) header() error {
	ok, err := r.next()
	if err != nil {
		return err
	}
	if !ok {
		return &Error{Path: r.path, Err: errors.New("empty file (a header row is required)")}
	}
	names := make([]string, len(r.spans))
	seen := make(map[string]int, len(names))
	for i := range names {
		name := string(r.field(i))
		if name == "" {
			return &Error{Path: r.path, Line: r.recLine,
				Err: fmt.Errorf("header field %d is empty (every column needs a name)", i+1)}
		}
		if j, dup := seen[name]; dup {
			return &Error{Path: r.path, Line: r.recLine,
				Err: fmt.Errorf("duplicate column name %q (fields %d and %d)", name, j+1, i+1)}
		}
		seen[name] = i
		names[i] = name
	}
	r.names = names
	return nil
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
			q, ok := scanNumbers(data, p, xrow[rn.dst:rn.dst+rn.n])
			if !ok {
				return false
			}
			p = q
		} else {
			start := p
			for p < n {
				ch := data[p]
				if ch == ',' || ch == '\n' {
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
			if p >= n || data[p] != ',' {
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
