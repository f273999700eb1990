package dataset

import (
	"errors"
	"io"
	"slices"
)

// Header reads only the header row of a comma-separated CSV file; see
// HeaderFormat.
func Header(path string) ([]string, error) { return HeaderFormat(path, Format{}) }

// HeaderFormat reads only the header row of a CSV file: the column names,
// with the same checks as Load (BOM, quotes, empty or duplicate names, a
// header that looks separated by another delimiter, MaxHeaderBytes). It
// reads as little of the file as the header needs (through gzip for gzip
// data), so it is cheap on large files. Standard input ("-") cannot be
// peeked at: reading it is an error.
func HeaderFormat(path string, format Format) ([]string, error) {
	if path == StdinPath {
		return nil, &Error{Path: stdinName, Err: errors.New("the header of stdin cannot be read ahead; give a file")}
	}
	f, err := format.resolve()
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	in, closeIn, err := openHeader(path)
	if err != nil {
		return nil, err
	}
	defer closeIn()
	var buf []byte
	chunk := make([]byte, 64<<10)
	scanned := 0 // bytes read without a whole first record
	for {
		n, err := in.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if end := headerEnd(buf); end >= 0 {
			buf = buf[:end]
			break
		}
		scanned = len(buf)
		if scanned > MaxHeaderBytes {
			break // header reports the overlong line
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &Error{Path: path, Err: fileErr(err)}
		}
	}
	r, err := newReader(path, buf)
	if err != nil {
		return nil, err
	}
	r.delim, r.dec = f.Delimiter, f.Decimal
	if err := r.header(); err != nil {
		return nil, err
	}
	return slices.Clone(r.names), nil
}

// headerEnd returns the length of b up to the newline that ends the first
// record, or −1 when b holds no whole first record yet. Blank lines before
// it are skipped, as Load skips them, and a newline inside quotes does not
// end it (doubled quotes toggle the state twice, so they cancel).
func headerEnd(b []byte) int {
	quoted, seen := false, false
	for i, c := range b {
		switch {
		case c == '"':
			quoted, seen = !quoted, true
		case c == '\n':
			if !quoted && seen {
				return i + 1
			}
		case !isSpace(c):
			seen = true
		}
	}
	return -1
}
