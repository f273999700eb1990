package dataset

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// StdinPath is the path that stands for standard input ("--data -").
const StdinPath = "-"

// stdinName is how messages name standard input.
const stdinName = "stdin"

// DisplayPath is how messages name the file at path: "stdin" for "-".
func DisplayPath(path string) string {
	if path == StdinPath {
		return stdinName
	}
	return path
}

// gzipMagic starts every gzip stream (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// ReadAll reads a data file whole: a regular file, or stdin for "-". A
// file whose name ends in .gz, or whose bytes start as gzip data, is
// decompressed (a data set is often shipped compressed, and a pipe has no
// name to go by). Anything else (a directory, a device such as /dev/zero,
// a FIFO) is refused rather than read forever. Errors are *Error values
// naming the file.
func ReadAll(path string, stdin io.Reader) ([]byte, error) {
	name := DisplayPath(path)
	var data []byte
	if path == StdinPath {
		if stdin == nil {
			stdin = os.Stdin
		}
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, &Error{Path: name, Err: fmt.Errorf("cannot read: %w", err)}
		}
		data = b
	} else {
		if err := checkRegular(path); err != nil {
			return nil, err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, &Error{Path: path, Err: fileErr(err)}
		}
		data = b
	}
	gz := strings.HasSuffix(strings.ToLower(path), ".gz")
	if !gz && !bytes.HasPrefix(data, gzipMagic) {
		return data, nil
	}
	if !bytes.HasPrefix(data, gzipMagic) {
		return nil, &Error{Path: name, Err: errors.New("the name ends in .gz but the file is not gzip data")}
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{Path: name, Err: fmt.Errorf("cannot decompress: %w", err)}
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, &Error{Path: name, Err: fmt.Errorf("cannot decompress: %w", err)}
	}
	return out, nil
}

// checkRegular refuses what is not a regular file.
func checkRegular(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return &Error{Path: path, Err: fileErr(err)}
	}
	switch {
	case fi.IsDir():
		return &Error{Path: path, Err: errors.New("is a directory, not a CSV file")}
	case !fi.Mode().IsRegular():
		return &Error{Path: path, Err: errors.New("is not a regular file (a device, FIFO or socket); give a CSV file, or - for stdin")}
	}
	return nil
}

// openHeader opens path for reading its first bytes, through gzip when the
// file is gzip data.
func openHeader(path string) (io.Reader, func() error, error) {
	if err := checkRegular(path); err != nil {
		return nil, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, &Error{Path: path, Err: fileErr(err)}
	}
	var magic [2]byte
	n, _ := io.ReadFull(f, magic[:])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, &Error{Path: path, Err: fileErr(err)}
	}
	gz := strings.HasSuffix(strings.ToLower(path), ".gz")
	isGzip := n == 2 && bytes.Equal(magic[:], gzipMagic)
	if gz && !isGzip {
		f.Close()
		return nil, nil, &Error{Path: path, Err: errors.New("the name ends in .gz but the file is not gzip data")}
	}
	if !isGzip {
		return f, f.Close, nil
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, &Error{Path: path, Err: fmt.Errorf("cannot decompress: %w", err)}
	}
	return zr, f.Close, nil
}
