package dataset

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// Header reads only the header row of a CSV file: the column names, with
// the same checks as Load (BOM, quotes, empty or duplicate names). It reads
// as little of the file as the header needs, so it is cheap on large files.
func Header(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &Error{Path: path, Err: fileErr(err)}
	}
	if fi.IsDir() {
		return nil, &Error{Path: path, Err: errors.New("is a directory, not a CSV file")}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Path: path, Err: fileErr(err)}
	}
	defer f.Close()
	var buf []byte
	chunk := make([]byte, 64<<10)
	for {
		n, err := f.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if end := headerEnd(buf); end >= 0 {
			buf = buf[:end]
			break
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

// Features returns the feature columns of a file with the given header: the
// columns that are not targets, in file order. A target that is not a
// column is an error naming the file.
func Features(path string, header, targets []string) ([]string, error) {
	for _, t := range targets {
		if !slices.Contains(header, t) {
			return nil, &Error{Path: path, Err: fmt.Errorf("no target column %q; the columns are %s", t, listNames(header))}
		}
	}
	var fs []string
	for _, h := range header {
		if !slices.Contains(targets, h) {
			fs = append(fs, h)
		}
	}
	if len(fs) == 0 {
		return nil, &Error{Path: path, Err: errors.New("no feature columns: every column is a target")}
	}
	return fs, nil
}
