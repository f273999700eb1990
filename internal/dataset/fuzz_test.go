package dataset

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the reader. It must never panic; when it
// succeeds the shapes must agree and every value be finite; and the fast
// record path and the parallel parts must give exactly what the general,
// sequential reading gives.
func FuzzLoad(f *testing.F) {
	// The committed corpus in testdata/fuzz/FuzzLoad holds the main seeds;
	// these few keep the target runnable without it.
	f.Add([]byte("a,b,y\n1,2,3\n4,5,6\n"), "y", false, false)
	f.Add([]byte("a,y\n1,no\n2,yes\n"), "", true, true)
	f.Fuzz(func(t *testing.T, data []byte, target string, classify, binary bool) {
		if target == "" {
			// Use the last header column, so most inputs get past the config.
			if r, err := newReader("fuzz.csv", data); err == nil && r.header() == nil {
				target = r.names[len(r.names)-1]
			}
		}
		cfg := Config{Target: []string{target}, Classify: classify, Binary: binary}
		s, err := load("fuzz.csv", data, cfg)
		for _, opt := range []options{{slow: true}, {chunks: 3}, {slow: true, chunks: 2}} {
			other, otherErr := loadWith("fuzz.csv", data, cfg, opt)
			switch {
			case (err == nil) != (otherErr == nil):
				t.Fatalf("default error %v, %+v error %v", err, opt, otherErr)
			case err != nil && err.Error() != otherErr.Error():
				t.Fatalf("default error\n\t%v\n%+v error\n\t%v", err, opt, otherErr)
			case err == nil && !sameSet(s, other):
				t.Fatalf("default and %+v differ:\n%+v\n%+v", opt, s, other)
			}
		}
		sameAsFloat32(t, s, err, func(cfg Config) (*Set, error) { return load("fuzz.csv", data, cfg) }, cfg)
		if err != nil {
			return
		}
		checkSet(t, s)
	})
}

// sameAsFloat32 reads again with Config.Float32: it must give s (read
// without it, with error err) with its inputs rounded to float32 (see
// checkFloat32), or err, or an error for a number too large for float32.
func sameAsFloat32(t *testing.T, s *Set, err error, read func(Config) (*Set, error), cfg Config) {
	t.Helper()
	cfg.Float32 = true
	s32, err32 := read(cfg)
	switch {
	case err32 != nil && strings.Contains(err32.Error(), "too large for float32"):
	case (err == nil) != (err32 == nil) || (err != nil && err.Error() != err32.Error()):
		t.Fatalf("float64 read error %v, float32 read error %v", err, err32)
	case err == nil:
		checkFloat32(t, s, s32)
	}
}

// sameSet compares two sets, telling -0 from 0 and treating NaN as equal to
// itself (although a loaded set never holds one).
func sameSet(a, b *Set) bool {
	bits := func(x []float64) []uint64 {
		out := make([]uint64, len(x))
		for i, v := range x {
			out[i] = math.Float64bits(v)
		}
		return out
	}
	return reflect.DeepEqual(bits(a.X), bits(b.X)) && reflect.DeepEqual(bits(a.Y), bits(b.Y)) &&
		reflect.DeepEqual(a.Labels, b.Labels) && reflect.DeepEqual(a.Classes, b.Classes) &&
		reflect.DeepEqual(a.Features, b.Features) && reflect.DeepEqual(a.Targets, b.Targets) &&
		a.Rows == b.Rows && a.Binary == b.Binary && a.Path == b.Path
}

// checkSet checks the invariants of a successfully loaded Set.
func checkSet(t *testing.T, s *Set) {
	t.Helper()
	if s.Rows < 1 || len(s.Features) < 1 || len(s.Targets) < 1 {
		t.Fatalf("got %d rows, %d features, %d targets", s.Rows, len(s.Features), len(s.Targets))
	}
	if len(s.X) != s.Rows*len(s.Features) {
		t.Fatalf("got len(X) = %d, want %d rows × %d features", len(s.X), s.Rows, len(s.Features))
	}
	k := s.Outputs()
	if len(s.Y) != s.Rows*k {
		t.Fatalf("got len(Y) = %d, want %d rows × %d outputs", len(s.Y), s.Rows, k)
	}
	for i, v := range s.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("X[%d] = %v, want finite", i, v)
		}
	}
	for i, v := range s.Y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("Y[%d] = %v, want finite", i, v)
		}
	}
	if s.Classes == nil {
		if s.Labels != nil {
			t.Fatalf("got labels %v without classes", s.Labels)
		}
		return
	}
	if len(s.Labels) != s.Rows {
		t.Fatalf("got %d labels for %d rows", len(s.Labels), s.Rows)
	}
	seen := map[string]bool{}
	for _, c := range s.Classes {
		if seen[c] {
			t.Fatalf("class %q appears twice in %q", c, s.Classes)
		}
		seen[c] = true
	}
	if s.Binary && len(s.Classes) != 2 {
		t.Fatalf("binary set with classes %q", s.Classes)
	}
	for i, l := range s.Labels {
		if l < 0 || l >= len(s.Classes) {
			t.Fatalf("row %d: label %d outside %d classes", i, l, len(s.Classes))
		}
		row := s.Y[i*k : (i+1)*k]
		if s.Binary {
			if row[0] != float64(l) {
				t.Fatalf("row %d: got y %v for label %d", i, row[0], l)
			}
			continue
		}
		for j, v := range row {
			if want := map[bool]float64{true: 1, false: 0}[j == l]; v != want {
				t.Fatalf("row %d: got Y %v, want one-hot of %d", i, row, l)
			}
		}
	}
}

// FuzzLoadTable feeds arbitrary bytes and settings to the tabular reader
// and the encoder. Neither may panic; the fast path and the parallel parts
// must give exactly what the general, sequential reading gives; a raw set
// must hold a number or NaN per number cell and a valid level code or NaN
// per category cell; and when an encoder fits, applying it must give
// finite inputs, one-hot blocks with at most one 1, and the same result
// again for the same file read with the encoder's Config.
func FuzzLoadTable(f *testing.F) {
	// The committed corpus in testdata/fuzz/FuzzLoadTable holds the main
	// seeds; this one keeps the target runnable without it.
	f.Add([]byte("id,a,c,y\n1,2,p,x\n2,NA,q,y\n3,4,p,x\n4,5,q,y\n"), byte(0), false, true, "c", "id")
	f.Fuzz(func(t *testing.T, data []byte, delim byte, comma, defaultMissing bool, categorical, exclude string) {
		format := Format{Delimiter: delimiters[int(delim)%len(delimiters)]}
		if comma && format.Delimiter != ',' {
			format.Decimal = ','
		}
		if defaultMissing {
			format.Missing = DefaultMissing
		} else {
			format.Missing = []string{"?", "-1"} // a missing text that reads as a number
		}
		target := ""
		if r, err := newReader("fuzz.csv", data); err == nil {
			r.delim = format.Delimiter
			if r.header() == nil {
				target = r.names[len(r.names)-1]
			}
		}
		cfg := Config{Target: []string{target}, Format: format}
		if categorical != "" {
			cfg.Categorical = []string{categorical}
		}
		if exclude != "" && exclude != categorical {
			cfg.Exclude = []string{exclude}
		}
		s, err := loadTable("fuzz.csv", data, cfg)
		for _, opt := range []options{{slow: true}, {chunks: 3}, {slow: true, chunks: 2}} {
			other, otherErr := loadTableWith("fuzz.csv", data, cfg, opt)
			switch {
			case (err == nil) != (otherErr == nil):
				t.Fatalf("default error %v, %+v error %v", err, opt, otherErr)
			case err != nil && err.Error() != otherErr.Error():
				t.Fatalf("default error\n\t%v\n%+v error\n\t%v", err, opt, otherErr)
			case err == nil && !sameRaw(s, other):
				t.Fatalf("default and %+v differ:\n%+v\n%+v", opt, s, other)
			}
		}
		sameAsFloat32(t, s, err, func(cfg Config) (*Set, error) { return loadTable("fuzz.csv", data, cfg) }, cfg)
		if err != nil {
			return
		}
		checkRaw(t, s)
		enc, err := Fit(s, Impute{}, cfg.Categorical)
		if err != nil {
			return
		}
		if err := enc.Validate(); err != nil {
			t.Fatalf("fitted encoder does not validate: %v", err)
		}
		x, unseen, err := enc.Apply(s.Subset(allRows(s.Rows)))
		if err != nil {
			t.Fatalf("applying the encoder to its own rows: %v", err)
		}
		if unseen != nil {
			t.Fatalf("unseen categories in the training rows: %+v", unseen)
		}
		checkEncoded(t, enc, x)
		again, err := loadTable("fuzz.csv", data, enc.Config(Config{Target: cfg.Target, Classes: s.Classes}))
		if err != nil {
			t.Fatalf("reading again with the encoder's config: %v", err)
		}
		y, _, err := enc.Apply(again)
		if err != nil {
			t.Fatal(err)
		}
		if !sameFloats(x.X, y.X) {
			t.Fatalf("encoded twice, the inputs differ:\n%v\n%v", x.X, y.X)
		}
	})
}

func allRows(n int) []int {
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	return rows
}

func sameRaw(a, b *Set) bool {
	return sameFloats(a.X, b.X) && sameFloats(a.Y, b.Y) && reflect.DeepEqual(a.Labels, b.Labels) &&
		reflect.DeepEqual(a.Classes, b.Classes) && reflect.DeepEqual(a.Features, b.Features) &&
		reflect.DeepEqual(a.Columns, b.Columns) && reflect.DeepEqual(a.Lines, b.Lines) &&
		a.Rows == b.Rows && a.TextLine == b.TextLine
}

func checkRaw(t *testing.T, s *Set) {
	t.Helper()
	nf := len(s.Columns)
	if nf != len(s.Features) || len(s.X) != s.Rows*nf || len(s.Lines) != s.Rows {
		t.Fatalf("got %d columns, %d features, len(X) %d, %d lines for %d rows", nf, len(s.Features), len(s.X), len(s.Lines), s.Rows)
	}
	for i, v := range s.X {
		c := s.Columns[i%nf]
		switch {
		case math.IsNaN(v):
		case math.IsInf(v, 0):
			t.Fatalf("X[%d] = %v", i, v)
		case c.Kind == KindCategory && (v != math.Trunc(v) || v < 0 || int(v) >= len(c.Levels)):
			t.Fatalf("X[%d] = %v is not a level of %s (%d levels)", i, v, c.Name, len(c.Levels))
		}
	}
	for i := 1; i < len(s.Lines); i++ {
		if s.Lines[i] <= s.Lines[i-1] {
			t.Fatalf("lines %v do not increase", s.Lines)
		}
	}
}

func checkEncoded(t *testing.T, e *Encoder, s *Set) {
	t.Helper()
	width := len(e.Inputs())
	if len(s.Features) != width || len(s.X) != s.Rows*width {
		t.Fatalf("got %d features, len(X) %d for %d rows × %d inputs", len(s.Features), len(s.X), s.Rows, width)
	}
	for i := range s.Rows {
		row := s.X[i*width : (i+1)*width]
		at := 0
		for _, c := range e.Columns {
			if c.Kind == KindNumber {
				if v := row[at]; math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("row %d, %s = %v", i, c.Name, v)
				}
				at++
				continue
			}
			ones := 0
			for _, v := range row[at : at+len(c.Categories)] {
				if v == 1 {
					ones++
				} else if v != 0 {
					t.Fatalf("row %d, %s block %v", i, c.Name, row[at:at+len(c.Categories)])
				}
			}
			if ones != 1 {
				t.Fatalf("row %d, %s block %v: a training row has exactly one category", i, c.Name, row[at:at+len(c.Categories)])
			}
			at += len(c.Categories)
		}
	}
}
