package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// makeIDX builds an unsigned-byte IDX file with the given dimensions and payload.
func makeIDX(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gz(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestConvert(t *testing.T) {
	// Two 2x2 images, pixels written out by hand, labels 7 and 0.
	images := makeIDX([]int{2, 2, 2}, []byte{0, 255, 3, 10, 1, 2, 200, 0})
	labels := makeIDX([]int{2}, []byte{7, 0})
	want := "p0,p1,p2,p3,label\n0,255,3,10,7\n1,2,200,0,0\n"
	for _, tc := range []struct {
		name string
		zip  bool
	}{{"plain", false}, {"gzipped", true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			im, lb := images, labels
			if tc.zip {
				im, lb = gz(t, im), gz(t, lb)
			}
			write(t, filepath.Join(dir, "im"), im)
			write(t, filepath.Join(dir, "lb"), lb)
			out := filepath.Join(dir, "out.csv")
			if err := convert(filepath.Join(dir, "im"), filepath.Join(dir, "lb"), out); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want {
				t.Errorf("got %q, want %q", got, want)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "*.tmp*")); len(left) != 0 {
				t.Errorf("got temporary files %v left behind, want none", left)
			}
		})
	}
}

func TestConvertErrors(t *testing.T) {
	good := makeIDX([]int{2, 1, 1}, []byte{1, 2})
	for _, tc := range []struct {
		name           string
		images, labels []byte
		want           string
	}{
		{"short", []byte{0, 0}, makeIDX([]int{2}, []byte{0, 1}), "too short"},
		{"magic", []byte{1, 2, 3, 4}, makeIDX([]int{2}, []byte{0, 1}), "not an IDX file"},
		{"float type", []byte{0, 0, 0x0d, 1, 0, 0, 0, 0}, makeIDX([]int{2}, []byte{0, 1}), "type code 0x0d"},
		{"truncated payload", makeIDX([]int{2, 2, 2}, []byte{1, 2, 3}), makeIDX([]int{2}, []byte{0, 1}), "need 8 data bytes, file has 3"},
		{"count mismatch", good, makeIDX([]int{3}, []byte{0, 1, 2}), "has 2 images but"},
		{"labels 2-d", good, makeIDX([]int{2, 1}, []byte{0, 1}), "labels must have 1 dimension"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "im"), tc.images)
			write(t, filepath.Join(dir, "lb"), tc.labels)
			err := convert(filepath.Join(dir, "im"), filepath.Join(dir, "lb"), filepath.Join(dir, "out.csv"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "out.csv")); err == nil {
				t.Errorf("got out.csv written after an error, want none")
			}
		})
	}
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
