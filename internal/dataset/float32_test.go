package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// checkFloat32 checks that s32, read with Config.Float32, is s64 (the same
// input read without it) with the inputs rounded to float32 as stored: in
// X32 with X nil, or for a raw set with category columns in X with its
// number columns rounded and its codes unchanged. Everything else is the
// same.
func checkFloat32(t *testing.T, s64, s32 *Set) {
	t.Helper()
	if !s32.Float32 || s64.Float32 || s64.X32 != nil {
		t.Fatalf("Float32 flags %v (float32 read), %v (float64 read); X32 of the float64 read %v", s32.Float32, s64.Float32, s64.X32 != nil)
	}
	cats := false
	for _, c := range s64.Columns {
		cats = cats || c.Kind == KindCategory
	}
	switch {
	case cats:
		if s32.X32 != nil || len(s32.X) != len(s64.X) {
			t.Fatalf("raw set with categories: got len(X) %d, X32 %v; want len(X) %d and no X32", len(s32.X), s32.X32 != nil, len(s64.X))
		}
		want := make([]float64, len(s64.X))
		for i, v := range s64.X {
			want[i] = v
			if s64.Columns[i%len(s64.Columns)].Kind == KindNumber {
				want[i] = float64(float32(v))
			}
		}
		if !sameFloats(s32.X, want) {
			t.Fatalf("got X %v, want %v", s32.X, want)
		}
	default:
		if s32.X != nil {
			t.Fatalf("a float32 set holds a float64 X of %d values", len(s32.X))
		}
		if len(s32.X32) != len(s64.X) {
			t.Fatalf("got len(X32) %d, want %d", len(s32.X32), len(s64.X))
		}
		for i, v := range s64.X {
			if w := float32(v); math.Float32bits(s32.X32[i]) != math.Float32bits(w) && !(w != w && s32.X32[i] != s32.X32[i]) {
				t.Fatalf("X32[%d] = %v, want float32(%v) = %v", i, s32.X32[i], v, w)
			}
		}
	}
	a, b := *s64, *s32
	a.X, a.X32, a.Float32, b.X, b.X32, b.Float32 = nil, nil, false, nil, nil, false
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("besides the inputs, the sets differ:\n%+v\n%+v", a, b)
	}
}

// TestLoadFloat32 reads files with Config.Float32 every way (fast path or
// not, in 1 to 4 parts) and checks each against the float64 read.
func TestLoadFloat32(t *testing.T) {
	var wide strings.Builder
	wide.WriteString("a,b,c,y\n")
	for i := range 50 {
		// Values that float32 does not hold (0.1, 1/3, 1e-40 as a
		// denormal, 3.4e38 near the top of its range) and ones it does.
		fmt.Fprintf(&wide, "%d.1,%s,%g,%d\n", i, strconv.FormatFloat(1/float64(i+3), 'g', -1, 64), []float64{1e-40, 0.5, 3.4e38, -7}[i%4], i%3)
	}
	tests := []struct {
		name  string
		csv   string
		cfg   Config
		table bool
	}{
		{"numbers, class target", wide.String(), Config{Target: []string{"y"}, Classify: true}, false},
		{"numbers, regression", wide.String(), Config{Target: []string{"y"}}, false},
		{"table numbers", wide.String(), Config{Target: []string{"y"}, Classify: true}, true},
		{"table missing cells", "a,b,y\n0.1,NA,1\n,2.5,0\n1e30,0.3,1\n", Config{Target: []string{"y"}, Format: Format{Missing: DefaultMissing}}, true},
		{"table inferred text", "a,b,y\n0.1,1,1\n0.2,x,0\n0.3,2,1\n", Config{Target: []string{"y"}}, true},
		{"table categorical", rawTrain, rawCfg, true},
		{"table kept column", "a,b,y\n0.1,1,1\n0.2,2,0\n", Config{Target: []string{"y"}, Keep: []string{"a"}}, true},
		{"table features only", "a,b\n0.1,1\n0.2,2\n", Config{Features: []string{"b", "a"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := func(cfg Config, opt options) (*Set, error) {
				if tt.table {
					return loadTableWith("f.csv", []byte(tt.csv), cfg, opt)
				}
				return loadWith("f.csv", []byte(tt.csv), cfg, opt)
			}
			s64, err := read(tt.cfg, options{})
			if err != nil {
				t.Fatal(err)
			}
			cfg := tt.cfg
			cfg.Float32 = true
			for _, opt := range []options{{}, {slow: true}, {chunks: 3}, {slow: true, chunks: 4}} {
				s32, err := read(cfg, opt)
				if err != nil {
					t.Fatalf("%+v: %v", opt, err)
				}
				checkFloat32(t, s64, s32)
			}
		})
	}
}

// TestPrepareFloat32 prepares files with Config.Float32 (validation split,
// test file, imputation, normalisation) and checks that every set holds its
// inputs in X32 only, and that they are what the float64 path gives for the
// same file with its numbers rounded to float32 beforehand: statistics and
// fills computed in float64 from the stored float32 values, and each
// normalised input computed in float64 and rounded once. (With mean
// imputation only the fills are compared: a float32 set stores a filled
// cell as float32(fill), so its statistics differ from the float64 set's.)
func TestPrepareFloat32(t *testing.T) {
	// Columns a: steps of 0.1 (not float32 values), b: large with a small
	// spread, c: some cells missing, k (one case only): categories.
	rng := rand.New(rand.NewPCG(7, 8))
	type row struct{ a, b, c float64 }
	rows := make([]row, 60)
	for i := range rows {
		rows[i] = row{float64(i)*0.1 + 1/3.0, 1e7 + rng.Float64(), rng.NormFloat64()}
	}
	for _, cats := range []bool{false, true} {
		for _, norm := range []NormKind{NormStandard, NormMinMax} {
			for _, imp := range []NumberImpute{ImputeMean, ImputeZero} {
				t.Run(fmt.Sprintf("categories=%v/%s/%s", cats, norm, imp), func(t *testing.T) {
					dir := t.TempDir()
					header := "a,b,c,y\n"
					if cats {
						header = "a,b,c,k,y\n"
					}
					// train-true.csv and test-true.csv hold the numbers rounded to
					// float32 values (written exactly), the -false files as drawn.
					for _, round := range []bool{false, true} {
						num := func(v float64) string {
							if round {
								v = float64(float32(v))
							}
							return strconv.FormatFloat(v, 'g', -1, 64)
						}
						var train, test strings.Builder
						train.WriteString(header)
						test.WriteString(header)
						for i, r := range rows {
							b := &train
							if i >= 45 {
								b = &test
							}
							c := num(r.c)
							if i%5 == 2 {
								c = "NA"
							}
							fmt.Fprintf(b, "%s,%s,%s,", num(r.a), num(r.b), c)
							if cats {
								b.WriteString([]string{"p", "q", "r"}[i%3] + ",")
							}
							fmt.Fprintf(b, "%d\n", i%2)
						}
						for name, b := range map[string]*strings.Builder{"train": &train, "test": &test} {
							if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%v.csv", name, round)), []byte(b.String()), 0o644); err != nil {
								t.Fatal(err)
							}
						}
					}
					plan := func(round, f32 bool) Plan {
						return Plan{
							Train: filepath.Join(dir, fmt.Sprintf("train-%v.csv", round)), Test: filepath.Join(dir, fmt.Sprintf("test-%v.csv", round)),
							Config: Config{Target: []string{"y"}, Classify: true, Format: Format{Missing: DefaultMissing}, Float32: f32},
							Impute: Impute{Number: imp}, Normalize: norm, ValidationSplit: 0.2, Split: rand.New(rand.NewPCG(1, 2)),
						}
					}
					want, err := Prepare(plan(true, false))
					if err != nil {
						t.Fatal(err)
					}
					got, err := Prepare(plan(false, true))
					if err != nil {
						t.Fatal(err)
					}
					if imp == ImputeMean {
						for _, s := range []*Set{got.Train, got.Val, got.Test} {
							if s.X != nil || len(s.X32) != s.Rows*len(s.Features) {
								t.Fatalf("%s: holds a float64 X of %d values, X32 of %d", s.Path, len(s.X), len(s.X32))
							}
						}
						return
					}
					if !reflect.DeepEqual(got.Norm, want.Norm) {
						t.Errorf("got norm %+v\nwant %+v", got.Norm, want.Norm)
					}
					if !reflect.DeepEqual(got.Encoder.Columns, want.Encoder.Columns) {
						t.Errorf("got columns %+v\nwant %+v", got.Encoder.Columns, want.Encoder.Columns)
					}
					for _, s := range []struct {
						name     string
						got, raw *Set
					}{{"train", got.Train, want.Train}, {"validation", got.Val, want.Val}, {"test", got.Test, want.Test}} {
						g, w := s.got, s.raw
						if g.X != nil || !g.Float32 {
							t.Fatalf("%s: holds a float64 X of %d values (Float32 %v)", s.name, len(g.X), g.Float32)
						}
						if g.Rows != w.Rows || len(g.X32) != len(w.X) || !reflect.DeepEqual(g.Labels, w.Labels) || !reflect.DeepEqual(g.Lines, w.Lines) {
							t.Fatalf("%s: got %d rows, %d inputs, labels %v; want %d, %d, %v", s.name, g.Rows, len(g.X32), g.Labels, w.Rows, len(w.X), w.Labels)
						}
						for i, v := range w.X {
							if g.X32[i] != float32(v) {
								t.Fatalf("%s: X32[%d] = %v, want float32(%v)", s.name, i, g.X32[i], v)
							}
						}
					}
				})
			}
		}
	}
}

// TestSubsetPartitionFloat32 moves and copies X32 rows as X's.
func TestSubsetPartitionFloat32(t *testing.T) {
	s := &Set{Features: []string{"a", "b"}, Rows: 4, X32: []float32{0, 1, 10, 11, 20, 21, 30, 31}, Float32: true,
		Y: []float64{0, 1, 2, 3}, Targets: []string{"y"}}
	sub := s.Subset([]int{3, 1})
	if sub.X != nil || !sub.Float32 || !reflect.DeepEqual(sub.X32, []float32{30, 31, 10, 11}) {
		t.Errorf("Subset: got X %v, X32 %v, Float32 %v", sub.X, sub.X32, sub.Float32)
	}
	tr, va := s.Partition([]int{0, 2}, []int{1, 3})
	if tr.X != nil || !reflect.DeepEqual(tr.X32, []float32{0, 1, 20, 21}) || !reflect.DeepEqual(tr.Y, []float64{0, 2}) {
		t.Errorf("Partition train: got X %v, X32 %v, Y %v", tr.X, tr.X32, tr.Y)
	}
	if va.X != nil || !reflect.DeepEqual(va.X32, []float32{10, 11, 30, 31}) {
		t.Errorf("Partition validation: got X %v, X32 %v", va.X, va.X32)
	}
	if &tr.X32[0] != &s.X32[0] {
		t.Error("Partition copied the training rows' X32 instead of moving them in place")
	}
}

// TestLoadFloat32Overflow: a number that float32 cannot hold is an error
// naming its line and column when the inputs are float32, none when they
// are float64 or when the column turns out to hold categories.
func TestLoadFloat32Overflow(t *testing.T) {
	const msg = "is too large for float32, in which a float32 run reads its inputs (at most ±3.4028234663852886e+38)"
	tests := []struct {
		name  string
		csv   string
		cfg   Config
		table bool
		want  string // after "o.csv: "; "" for no error
	}{
		{"number file", "a,b,y\n1,2,0\n3,-1e39,1\n", Config{Target: []string{"y"}}, false, `line 3, column "b": -1e+39 ` + msg},
		{"table", "a,b,y\n1,2,0\n4e38,2,1\n", Config{Target: []string{"y"}}, true, `line 3, column "a": 4e+38 ` + msg},
		{"table fixed kinds", "a,y\n5e38,0\n", Config{Target: []string{"y"}, Features: []string{"a"}, Kinds: []Kind{KindNumber}}, true, `line 2, column "a": 5e+38 ` + msg},
		{"table with categories", "a,k,y\n1,p,0\n2,q,1\n1e300,p,0\n", Config{Target: []string{"y"}}, true, `line 4, column "a": 1e+300 ` + msg},
		{"text later: a category", "a,b,y\n1e39,1,0\nx,2,1\n", Config{Target: []string{"y"}}, true, ""},
		{"largest float32", "a,y\n3.4028235e38,0\n", Config{Target: []string{"y"}}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f32 := range []bool{false, true} {
				cfg := tt.cfg
				cfg.Float32 = f32
				for _, opt := range []options{{}, {slow: true}} {
					var err error
					if tt.table {
						_, err = loadTableWith("o.csv", []byte(tt.csv), cfg, opt)
					} else {
						_, err = loadWith("o.csv", []byte(tt.csv), cfg, opt)
					}
					switch {
					case !f32 || tt.want == "":
						if err != nil {
							t.Errorf("float32 %v, %+v: %v", f32, opt, err)
						}
					case err == nil || err.Error() != "o.csv: "+tt.want:
						t.Errorf("float32 %v, %+v: got error %v, want %s", f32, opt, err, tt.want)
					}
				}
			}
		})
	}
}
