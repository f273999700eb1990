package dataset

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// writeBigCSV writes a Fashion-MNIST-shaped file: p0…p(cols-2) holding
// pixel values 0–255 and a label 0–9 in the last column.
func writeBigCSV(tb testing.TB, dir string, rows, cols int) (path string, size int64) {
	tb.Helper()
	path = filepath.Join(dir, "big.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for j := 0; j < cols-1; j++ {
		fmt.Fprintf(w, "p%d,", j)
	}
	w.WriteString("label\n")
	rng := rand.New(rand.NewPCG(1, 2))
	var buf []byte
	for i := 0; i < rows; i++ {
		buf = buf[:0]
		for j := 0; j < cols-1; j++ {
			v := 0
			if rng.IntN(2) == 0 { // about half the pixels are blank, as in the real images
				v = rng.IntN(256)
			}
			buf = strconv.AppendInt(buf, int64(v), 10)
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(rng.IntN(10)), 10)
		buf = append(buf, '\n')
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return path, fi.Size()
}

// BenchmarkLoad reads a 20000 × 785 integer file (≈ 40 MB) as a
// classification set, the shape of Fashion-MNIST.
func BenchmarkLoad(b *testing.B) {
	const rows, cols = 20000, 785
	path, size := writeBigCSV(b, b.TempDir(), rows, cols)
	cfg := Config{Target: []string{"label"}, Classify: true}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := Load(path, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if s.Rows != rows {
			b.Fatalf("got %d rows, want %d", s.Rows, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkParse reads the same file from memory on one goroutine: the
// cost of parsing alone, without the file read or the parallel parts.
func BenchmarkParse(b *testing.B) {
	const rows, cols = 20000, 785
	path, size := writeBigCSV(b, b.TempDir(), rows, cols)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{Target: []string{"label"}, Classify: true}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := loadWith(path, data, cfg, options{chunks: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*(cols-1))*float64(b.N)/b.Elapsed().Seconds(), "fields/s")
}

// BenchmarkParseTable is BenchmarkParse through the tabular reader that
// training uses (kinds inferred, missing texts checked, lines kept).
func BenchmarkParseTable(b *testing.B) {
	const rows, cols = 20000, 785
	path, size := writeBigCSV(b, b.TempDir(), rows, cols)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{Target: []string{"label"}, Classify: true, Format: Format{Missing: DefaultMissing}}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := loadTableWith(path, data, cfg, options{chunks: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*(cols-1))*float64(b.N)/b.Elapsed().Seconds(), "fields/s")
}
