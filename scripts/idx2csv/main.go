// Command idx2csv converts a pair of IDX files (the MNIST / Fashion-MNIST
// format: an images file of unsigned bytes and a labels file) into one CSV
// with a header row p0..p{n-1},label and one row per image, integers 0..255.
// Gzipped inputs are recognised by their magic bytes, so the .gz files that
// Debian ships can be given as they are.
//
//	go run ./scripts/idx2csv -images train-images-idx3-ubyte.gz \
//	    -labels train-labels-idx1-ubyte.gz -out data/fashion-mnist/train.csv
//
// The output is written to a temporary file in the same folder and renamed,
// so an interrupted run never leaves a half-written CSV behind.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("idx2csv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	images := fs.String("images", "", "IDX file of images (`idx3-ubyte`, optionally gzipped)")
	labels := fs.String("labels", "", "IDX file of labels (`idx1-ubyte`, optionally gzipped)")
	out := fs.String("out", "", "CSV file to write")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *images == "" || *labels == "" || *out == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: idx2csv -images FILE -labels FILE -out FILE.csv")
		return 2
	}
	if err := convert(*images, *labels, *out); err != nil {
		fmt.Fprintln(stderr, "idx2csv:", err)
		return 1
	}
	return 0
}

// idx is one decoded IDX file: its dimensions and its unsigned-byte payload.
type idx struct {
	dims []int
	data []byte
}

// readIDX reads an IDX file of unsigned bytes (type code 0x08), gzipped or not.
func readIDX(path string) (*idx, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(raw) >= 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	x, err := parseIDX(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return x, nil
}

// parseIDX decodes the IDX layout: two zero bytes, a type byte, a byte
// giving the number of dimensions, one big-endian uint32 per dimension,
// then the payload in row-major order.
func parseIDX(raw []byte) (*idx, error) {
	if len(raw) < 4 {
		return nil, errors.New("too short for an IDX header")
	}
	if raw[0] != 0 || raw[1] != 0 {
		return nil, fmt.Errorf("not an IDX file: magic bytes % x", raw[:4])
	}
	if raw[2] != 0x08 {
		return nil, fmt.Errorf("type code 0x%02x: only unsigned bytes (0x08) are supported", raw[2])
	}
	nd := int(raw[3])
	if nd == 0 {
		return nil, errors.New("no dimensions")
	}
	head := 4 + 4*nd
	if len(raw) < head {
		return nil, fmt.Errorf("header of %d dimensions needs %d bytes, file has %d", nd, head, len(raw))
	}
	dims := make([]int, nd)
	size := 1
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(raw[4+4*i:]))
		size *= dims[i]
	}
	if got := len(raw) - head; got != size {
		return nil, fmt.Errorf("dimensions %v need %d data bytes, file has %d", dims, size, got)
	}
	return &idx{dims: dims, data: raw[head:]}, nil
}

func convert(imagesPath, labelsPath, outPath string) error {
	im, err := readIDX(imagesPath)
	if err != nil {
		return err
	}
	lb, err := readIDX(labelsPath)
	if err != nil {
		return err
	}
	if len(lb.dims) != 1 {
		return fmt.Errorf("%s: labels must have 1 dimension, got %v", labelsPath, lb.dims)
	}
	if im.dims[0] != lb.dims[0] {
		return fmt.Errorf("%s has %d images but %s has %d labels", imagesPath, im.dims[0], labelsPath, lb.dims[0])
	}
	tmp, err := os.CreateTemp(filepath.Dir(outPath), filepath.Base(outPath)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())              // no-op after the rename
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes 0600; a data file is for everyone
		tmp.Close()
		return err
	}
	if err := writeCSV(tmp, im, lb); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", outPath, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), outPath)
}

// writeCSV writes the header p0..p{n-1},label and one row per image,
// where n is the product of the image dimensions after the first.
func writeCSV(w io.Writer, im, lb *idx) error {
	rows := im.dims[0]
	n := 1
	for _, d := range im.dims[1:] {
		n *= d
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	line := make([]byte, 0, 4*n+16)
	for j := 0; j < n; j++ {
		line = append(line, 'p')
		line = strconv.AppendInt(line, int64(j), 10)
		line = append(line, ',')
	}
	line = append(line, "label\n"...)
	if _, err := bw.Write(line); err != nil {
		return err
	}
	for i := 0; i < rows; i++ {
		line = line[:0]
		for _, v := range im.data[i*n : (i+1)*n] {
			line = strconv.AppendUint(line, uint64(v), 10)
			line = append(line, ',')
		}
		line = strconv.AppendUint(line, uint64(lb.data[i]), 10)
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
