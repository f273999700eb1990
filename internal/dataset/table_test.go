package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// rawTrain is a small raw file: an ID, a number column with a missing
// cell, text categories (one missing), integer categories listed as
// categorical, a weight column between them and a class target.
const rawTrain = `id,num,colour,w,grade,flag,y
1,1.5,red,1,10,yes,A
2,,green,0.5,2,NA,B
3,-2,blue,2,1,no,A
4,3.25,NA,1,10,yes,B
5,0.5,red,1,2,no,A
6,2,red,0,10,yes,B
`

// rawLater is a later file for the same encoder: an unseen colour, an
// unseen grade, missing cells in every column.
const rawLater = `y,flag,grade,colour,num,id,w
A,yes,3,purple,4,7,1
B,null,2,red,NaN,8,1
A,no,,green,1,9,1
B,maybe,1,purple,,10,1
`

var rawCfg = Config{Target: []string{"y"}, Classify: true, Exclude: []string{"id"}, Categorical: []string{"grade"},
	Weight: "w", Format: Format{Missing: DefaultMissing}}

// TestEncodeGolden fits an encoder on rawTrain and applies it to rawTrain
// and rawLater; the encoded inputs, the fills and the unseen counts are in
// testdata/golden/encode.txt (go test -run TestEncodeGolden -update).
func TestEncodeGolden(t *testing.T) {
	var out bytes.Buffer
	for _, imp := range []Impute{{}, {Number: ImputeMedian, Category: ImputeOwnCategory}, {Number: ImputeZero}} {
		fmt.Fprintf(&out, "== impute number %s, category %s\n", imp.Number, imp.Category)
		train, err := loadTable("train.csv", []byte(rawTrain), rawCfg)
		if err != nil {
			t.Fatal(err)
		}
		enc, err := Fit(train, imp, rawCfg.Categorical)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range enc.Columns {
			fmt.Fprintf(&out, "column %s %s categories %q fill %v %q has %v\n", c.Name, c.Kind, c.Categories, c.Fill, c.FillText, c.HasFill)
		}
		fmt.Fprintf(&out, "inputs %q\n", enc.Inputs())
		for _, f := range []struct{ name, data string }{{"train.csv", rawTrain}, {"later.csv", rawLater}} {
			cfg := enc.Config(Config{Target: []string{"y"}, Classes: train.Classes, Weight: "w"})
			raw, err := loadTable(f.name, []byte(f.data), cfg)
			if err != nil {
				t.Fatal(err)
			}
			x, unseen, err := enc.Apply(raw)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&out, "%s: %d rows, weights %v, lines %v, labels %v\n", f.name, x.Rows, x.Weights, x.Lines, x.Labels)
			writeMatrix(&out, x.X, len(x.Features))
			for _, u := range unseen {
				fmt.Fprintf(&out, "unseen: %s\n", u)
			}
		}
	}
	golden(t, "encode.txt", out.Bytes())
}

func writeMatrix(out *bytes.Buffer, x []float64, cols int) {
	for i := 0; i < len(x); i += cols {
		for j, v := range x[i : i+cols] {
			if j > 0 {
				out.WriteByte(' ')
			}
			out.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		out.WriteByte('\n')
	}
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (rerun with -update after checking):\ngot\n%s\nwant\n%s", path, got, want)
	}
}

// TestEncodeByHand checks the numbers of the golden file by another route:
// each input worked out from the rules of the contract.
func TestEncodeByHand(t *testing.T) {
	train, err := loadTable("train.csv", []byte(rawTrain), rawCfg)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := Fit(train, Impute{}, rawCfg.Categorical)
	if err != nil {
		t.Fatal(err)
	}
	x, unseen, err := enc.Apply(train)
	if err != nil || unseen != nil {
		t.Fatal(err, unseen)
	}
	wantInputs := []string{"num", "colour=blue", "colour=green", "colour=red", "grade=1", "grade=2", "grade=10", "flag=no", "flag=yes"}
	if !slices.Equal(x.Features, wantInputs) {
		t.Fatalf("got inputs %q, want %q", x.Features, wantInputs)
	}
	mean := (1.5 - 2 + 3.25 + 0.5 + 2) / 5
	// colour: red 3 times → fill red; flag: yes 3, no 2 → fill yes.
	want := []float64{
		1.5, 0, 0, 1, 0, 0, 1, 0, 1,
		mean, 0, 1, 0, 0, 1, 0, 0, 1,
		-2, 1, 0, 0, 1, 0, 0, 1, 0,
		3.25, 0, 0, 1, 0, 0, 1, 0, 1,
		0.5, 0, 0, 1, 0, 1, 0, 1, 0,
		2, 0, 0, 1, 0, 0, 1, 0, 1,
	}
	if !slices.Equal(x.X, want) {
		t.Errorf("got\n%v\nwant\n%v", x.X, want)
	}
	if want := []float64{1, 0.5, 2, 1, 1, 0}; !slices.Equal(x.Weights, want) {
		t.Errorf("got weights %v, want %v", x.Weights, want)
	}
	if want := []int{2, 3, 4, 5, 6, 7}; !slices.Equal(x.Lines, want) {
		t.Errorf("got lines %v, want %v", x.Lines, want)
	}
	norm, err := enc.FitNorm(NormStandard, x)
	if err != nil {
		t.Fatal(err)
	}
	for j, in := range wantInputs {
		if in != "num" && (norm.Offset[j] != 0 || norm.Scale[j] != 1) {
			t.Errorf("%s: one-hot input normalised with offset %v scale %v", in, norm.Offset[j], norm.Scale[j])
		}
	}
	if norm.Offset[0] != mean {
		t.Errorf("num: offset %v, want the mean %v (the fill keeps it)", norm.Offset[0], mean)
	}
}

func TestFitImpute(t *testing.T) {
	const data = "a,c,y\n4,q,1\n,p,2\n1,,3\n10,p,4\n2,q,5\n"
	tests := []struct {
		imp      Impute
		fill     float64
		hasFill  bool
		cats     []string
		fillText string
	}{
		{Impute{}, (4 + 1 + 10 + 2) / 4.0, true, []string{"p", "q"}, "p"}, // p and q tie: the first in sorted order
		{Impute{Number: ImputeMedian}, (2 + 4) / 2.0, true, []string{"p", "q"}, "p"},
		{Impute{Number: ImputeZero, Category: ImputeOwnCategory}, 0, true, []string{"", "p", "q"}, ""},
	}
	for _, tt := range tests {
		s, err := loadTable("d.csv", []byte(data), Config{Target: []string{"y"}, Format: Format{Missing: []string{""}}})
		if err != nil {
			t.Fatal(err)
		}
		e, err := Fit(s, tt.imp, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, c := e.Columns[0], e.Columns[1]
		if a.Fill != tt.fill || a.HasFill != tt.hasFill || !slices.Equal(c.Categories, tt.cats) || c.FillText != tt.fillText {
			t.Errorf("%+v: got %+v, %+v", tt.imp, a, c)
		}
	}
	// Median of an odd count, and integer categories sorted numerically
	// with "" first.
	s, err := loadTable("d.csv", []byte("a,g,y\n3,10,1\n1,,1\n2,9,1\n,10,1\n"), Config{Target: []string{"y"}, Categorical: []string{"g"}, Format: Format{Missing: []string{""}}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := Fit(s, Impute{Number: ImputeMedian, Category: ImputeOwnCategory}, []string{"g"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Columns[0].Fill != 2 || !slices.Equal(e.Columns[1].Categories, []string{"", "9", "10"}) {
		t.Errorf("got %+v", e.Columns)
	}
	if got := e.Inputs(); !slices.Equal(got, []string{"a", "g=", "g=9", "g=10"}) {
		t.Errorf("got inputs %q", got)
	}
}

func TestApplyErrorsAndUnseen(t *testing.T) {
	train, err := loadTable("t.csv", []byte("a,c,y\n1,p,1\n2,q,2\n3,p,3\n4,q,4\n"), Config{Target: []string{"y"}, Format: Format{Missing: DefaultMissing}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := Fit(train, Impute{Number: ImputeNumberError, Category: ImputeCategoryError}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ data, want string }{
		{"a,c\n1,p\n,q\n", `later.csv: line 3, column "a": missing value, and data.impute.number is error`},
		{"a,c\n1,p\n\n2,NA\n", `later.csv: line 4, column "c": missing value, and data.impute.category is error`},
		{"a,c\n1,p\nx,q\n", `later.csv: line 3, column "a": not a number: "x"`},
	} {
		raw, err := loadTable("later.csv", []byte(tt.data), e.Config(Config{}))
		if err == nil {
			_, _, err = e.Apply(raw)
		}
		if err == nil || err.Error() != tt.want {
			t.Errorf("got %v, want %s", err, tt.want)
		}
	}
	raw, err := loadTable("later.csv", []byte("c,a\nz,1\np,2\nz,3\nw,4\n"), e.Config(Config{}))
	if err != nil {
		t.Fatal(err)
	}
	x, unseen, err := e.Apply(raw)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, 0, 0, 2, 1, 0, 3, 0, 0, 4, 0, 0}; !slices.Equal(x.X, want) {
		t.Errorf("got X %v, want %v", x.X, want)
	}
	if want := []Unseen{{Column: "c", Rows: 3, Example: "z"}}; !reflect.DeepEqual(unseen, want) {
		t.Errorf("got unseen %+v, want %+v", unseen, want)
	}
	if got, want := unseen[0].String(), `column "c": 3 rows have a category that the training rows did not have (the first: "z"); their "c" inputs are all 0`; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	u := Unseen{Column: "c", Rows: 1, Example: "z", Missing: 2}
	if got, want := u.String(), `column "c": 1 row has a category that the training rows did not have (the first: "z"); 2 rows have a missing cell, and the training rows had none to make a "" category; their "c" inputs are all 0`; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestLoadTableKinds(t *testing.T) {
	// b turns to text late (after rows the fast path read as numbers); c is
	// numbers listed as categorical; d has a missing text that is a number.
	data := "a,b,c,d,y\n1,2,3,-999,x\n2,3,3,4,y\n3,4x,7,5,x\n4,5,03,-999,y\n"
	s, err := loadTable("k.csv", []byte(data), Config{Target: []string{"y"}, Categorical: []string{"c"}, Format: Format{Missing: []string{"-999"}}})
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []SourceColumn{
		{Name: "a", Kind: KindNumber},
		{Name: "b", Kind: KindCategory, Levels: []string{"2", "3", "4x", "5"}},
		{Name: "c", Kind: KindCategory, Levels: []string{"3", "7", "03"}},
		{Name: "d", Kind: KindNumber},
	}
	if !reflect.DeepEqual(s.Columns, wantCols) {
		t.Errorf("got columns %+v\nwant %+v", s.Columns, wantCols)
	}
	nan := math.NaN()
	want := []float64{1, 0, 0, nan, 2, 1, 0, 4, 3, 2, 1, 5, 4, 3, 2, nan}
	if !sameFloats(s.X, want) {
		t.Errorf("got X %v, want %v", s.X, want)
	}
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func TestLoadTableFormats(t *testing.T) {
	semicolons := "a;c;y\n1,5;p q;2,25\n-0,5;\"x;y\";3\n"
	s, err := loadTable("s.csv", []byte(semicolons), Config{Target: []string{"y"}, Format: Format{Delimiter: ';', Decimal: ','}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1.5, 0, -0.5, 1}; !slices.Equal(s.X, want) || !slices.Equal(s.Y, []float64{2.25, 3}) {
		t.Errorf("semicolons: got X %v Y %v", s.X, s.Y)
	}
	tabs := "a\tc\ty\n1\t\t2\n2\tq\t3\n"
	s, err = loadTable("t.tsv", []byte(tabs), Config{Target: []string{"y"}, Format: Format{Delimiter: '\t', Missing: []string{""}}})
	if err != nil {
		t.Fatal(err)
	}
	if !sameFloats(s.X, []float64{1, math.NaN(), 2, 0}) {
		t.Errorf("tabs: got X %v", s.X)
	}
	pipes := "a|y\n1|2\n"
	if s, err = loadTable("p.csv", []byte(pipes), Config{Target: []string{"y"}, Format: Format{Delimiter: '|'}}); err != nil || s.X[0] != 1 {
		t.Errorf("pipes: %v %v", s, err)
	}
	cr := "a,y\r1,2\r3,4\r"
	if s, err = load("cr.csv", []byte(cr), Config{Target: []string{"y"}}); err != nil || !slices.Equal(s.X, []float64{1, 3}) {
		t.Errorf("CR line ends: %v %v", s, err)
	}
}

func TestReadAllSources(t *testing.T) {
	dir := t.TempDir()
	const csv = "a,y\n1,2\n3,4\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(csv))
	zw.Close()
	gzPath := filepath.Join(dir, "d.csv.gz")
	os.WriteFile(gzPath, gz.Bytes(), 0o644)
	for _, tt := range []struct {
		name, path string
		stdin      []byte
	}{
		{"gzip by name", gzPath, nil},
		{"stdin", "-", []byte(csv)},
		{"gzip on stdin", "-", gz.Bytes()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := LoadTable(tt.path, Config{Target: []string{"y"}, Stdin: bytes.NewReader(tt.stdin)})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.X, []float64{1, 3}) || !slices.Equal(s.Y, []float64{2, 4}) {
				t.Errorf("got X %v Y %v", s.X, s.Y)
			}
			if tt.path == "-" && s.Path != "stdin" {
				t.Errorf("got path %q, want stdin", s.Path)
			}
		})
	}
	if h, err := Header(gzPath); err != nil || !slices.Equal(h, []string{"a", "y"}) {
		t.Errorf("Header of a .gz file: %q, %v", h, err)
	}
	notGz := filepath.Join(dir, "plain.gz")
	os.WriteFile(notGz, []byte(csv), 0o644)
	broken := filepath.Join(dir, "broken.csv.gz")
	os.WriteFile(broken, gz.Bytes()[:len(gz.Bytes())-6], 0o644)
	for _, tt := range []struct{ path, want string }{
		{notGz, notGz + ": the name ends in .gz but the file is not gzip data"},
		{broken, broken + ": cannot decompress: unexpected EOF"},
		{"/dev/zero", "/dev/zero: is not a regular file (a device, FIFO or socket); give a CSV file, or - for stdin"},
	} {
		if _, err := Load(tt.path, Config{Target: []string{"y"}}); err == nil || err.Error() != tt.want {
			t.Errorf("got %v, want %s", err, tt.want)
		}
	}
	if _, err := Header("-"); err == nil || !strings.HasPrefix(err.Error(), "stdin: ") {
		t.Errorf("Header of stdin: got %v", err)
	}
}

func TestLoadTableErrors(t *testing.T) {
	ids := "id,a,y\n"
	for i := range 10 {
		ids += fmt.Sprintf("u%d,%d,%d\n", i, i%3, i%2)
	}
	tests := []struct {
		name string
		csv  string
		cfg  Config
		fit  bool   // the error comes from Fit
		want string // after "d.csv: "
	}{
		{"unknown excluded column", "a,y\n1,2\n", Config{Target: []string{"y"}, Exclude: []string{"z"}}, false, `exclude: no column "z"; the columns are: a, y`},
		{"unknown categorical column", "a,y\n1,2\n", Config{Target: []string{"y"}, Categorical: []string{"z"}}, false, `categorical: no column "z"; the columns are: a, y`},
		{"unknown weight column", "a,y\n1,2\n", Config{Target: []string{"y"}, Weight: "z"}, false, `weight: no column "z"; the columns are: a, y`},
		{"unknown feature", "a,y\n1,2\n", Config{Target: []string{"y"}, Features: []string{"z"}}, false, `features: no column "z"; the columns are: a, y`},
		{"unknown target", "a,y\n1,2\n", Config{Target: []string{"z"}}, false, `target: no column "z"; the columns are: a, y`},
		{"features and exclude overlap", "a,b,y\n1,2,3\n", Config{Target: []string{"y"}, Features: []string{"a"}, Exclude: []string{"a"}}, false, `exclude: "a" is in both features and exclude`},
		{"weight in features", "a,w,y\n1,2,3\n", Config{Target: []string{"y"}, Features: []string{"a", "w"}, Weight: "w"}, false, `weight: "w" is also in features: the weight column is never an input`},
		{"negative weight", "a,w,y\n1,2,3\n1,-1,3\n", Config{Target: []string{"y"}, Weight: "w"}, false, `line 3, column "w": weight: negative weight "-1" (weights must be finite and >= 0)`},
		{"NaN weight", "a,w,y\n1,nan,3\n", Config{Target: []string{"y"}, Weight: "w"}, false, `line 2, column "w": weight: not a finite number: "nan"`},
		{"NaN weight is a missing text", "a,w,y\n1,NaN,3\n", Config{Target: []string{"y"}, Weight: "w", Format: Format{Missing: DefaultMissing}}, false,
			`line 2, column "w": missing weight: "NaN" is a missing text (rows are never dropped: fill the cell or remove the row)`},
		{"text weight", "a,w,y\n1,heavy,3\n", Config{Target: []string{"y"}, Weight: "w"}, false, `line 2, column "w": weight: not a number: "heavy"`},
		{"empty weight", "a,w,y\n1,,3\n", Config{Target: []string{"y"}, Weight: "w"}, false, `line 2, column "w": missing weight (rows are never dropped: fill the cell or remove the row)`},
		{"missing class label", "a,y\n1,p\n2,NA\n", Config{Target: []string{"y"}, Classify: true, Format: Format{Missing: DefaultMissing}}, false,
			`line 3, column "y": missing class label: "NA" is a missing text (rows are never dropped: fill the cell or remove the row)`},
		{"missing numeric target", "a,y\n1,2\n2,\n", Config{Target: []string{"y"}, Format: Format{Missing: DefaultMissing}}, false,
			`line 3, column "y": missing target value (rows are never dropped: fill the cell or remove the row)`},
		{"inf in a number column", "a,y\n1,2\ninf,3\n", Config{Target: []string{"y"}}, false, `line 3, column "a": not a finite number: "inf"`},
		{"overflow in a number column", "a,y\n1e999,2\n", Config{Target: []string{"y"}}, false, `line 2, column "a": number out of range: "1e999"`},
		{"decimal comma with comma separator", "a,y\n1,2\n", Config{Target: []string{"y"}, Format: Format{Decimal: ','}}, false,
			`decimal "," needs a delimiter other than "," (";" is usual with decimal commas)`},
		{"an ID column", ids, Config{Target: []string{"y"}}, true,
			`column "id": 10 different texts in 10 training rows: this looks like an ID, not a category; add the column to data.exclude (or list it in data.categorical to one-hot encode it anyway)`},
		{"an all-missing column", "a,b,y\n1,NA,2\n2,,3\n", Config{Target: []string{"y"}, Format: Format{Missing: DefaultMissing}}, true,
			`column "b": every cell of the 2 training rows is missing; add the column to data.exclude`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := loadTable("d.csv", []byte(tt.csv), tt.cfg)
			if tt.fit {
				if err != nil {
					t.Fatal(err)
				}
				_, err = Fit(s, Impute{}, tt.cfg.Categorical)
			}
			if err == nil || err.Error() != "d.csv: "+tt.want {
				t.Errorf("got error\n\t%v\nwant\n\td.csv: %s", err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("got %T, want *Error", err)
			}
		})
	}
	// Listed in categorical, an ID-like column is accepted.
	s, err := loadTable("d.csv", []byte(ids), Config{Target: []string{"y"}, Categorical: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Fit(s, Impute{}, []string{"id"}); err != nil {
		t.Errorf("categorical ID: %v", err)
	}
}

func TestFitNormOverflow(t *testing.T) {
	s, err := loadTable("big.csv", []byte("a,b,y\n1e308,1,1\n1.5e308,2,2\n-1e308,3,3\n"), Config{Target: []string{"y"}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := Fit(s, Impute{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	x, _, err := e.Apply(s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.FitNorm(NormStandard, x)
	if want := `big.csv: column "a": normalize: the standard statistics of the column overflow float64`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v, want %s…", err, want)
	}
	if _, err := e.FitNorm(NormNone, x); err != nil {
		t.Errorf("none: %v", err)
	}
}

// TestEncoderJSON round-trips an encoder through JSON: the fills keep
// their bits, "fill" is left out under error, categories are texts.
func TestEncoderJSON(t *testing.T) {
	tenth := 0.1 // a variable: constant arithmetic would be exact
	e := &Encoder{
		Columns: []Column{
			{Name: "age", Kind: KindNumber, Fill: tenth + 2*tenth, HasFill: true},
			{Name: "sex", Kind: KindCategory, Categories: []string{"female", "male"}, FillText: "male", HasFill: true},
			{Name: "g", Kind: KindCategory, Categories: []string{"", "1", "10"}, FillText: "", HasFill: true},
			{Name: "z", Kind: KindNumber},
		},
		Missing: []string{"", "NA"}, Delimiter: ';', Decimal: ',',
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"columns":[{"name":"age","kind":"number","fill":0.30000000000000004},{"name":"sex","kind":"category","categories":["female","male"],"fill":"male"},` +
		`{"name":"g","kind":"category","categories":["","1","10"],"fill":""},{"name":"z","kind":"number"}],"missing":["","NA"],"delimiter":";","decimal":","}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	var back Encoder
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, e) {
		t.Errorf("round trip: got %+v\nwant %+v", back, *e)
	}
	if err := back.Validate(); err != nil {
		t.Error(err)
	}
	for _, bad := range []struct{ json, want string }{
		{`{"columns":[{"name":"a","kind":"text"}],"delimiter":",","decimal":"."}`, `kind must be "number" or "category"`},
		{`{"columns":[{"name":"a","kind":"number","fill":"x"}],"delimiter":",","decimal":"."}`, `fill of a number column must be a number`},
		{`{"columns":[{"name":"a","kind":"category","categories":["p"],"fill":"q"}],"delimiter":",","decimal":"."}`, `fill "q" is not one of the categories`},
		{`{"columns":[{"name":"a","kind":"category","categories":["p","p"]}],"delimiter":",","decimal":"."}`, `category "p" is listed twice`},
		{`{"columns":[{"name":"a","kind":"category","categories":[]}],"delimiter":",","decimal":"."}`, `needs at least one category`},
		{`{"columns":[{"name":"a","kind":"number"},{"name":"a","kind":"number"}],"delimiter":",","decimal":"."}`, `"a" is listed twice`},
		{`{"columns":[{"name":"a","kind":"number"}],"delimiter":",","decimal":","}`, `decimal ","`},
		{`{"columns":[{"name":"a","kind":"number"}],"delimiter":"::","decimal":"."}`, `must be one character`},
		{`{"columns":[],"delimiter":",","decimal":"."}`, `none listed`},
	} {
		var e Encoder
		err := json.Unmarshal([]byte(bad.json), &e)
		if err == nil {
			err = e.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: got %v, want %q", bad.json, err, bad.want)
		}
	}
}

func TestFsum(t *testing.T) {
	for _, tt := range []struct {
		x    []float64
		want float64
	}{
		{nil, 0},
		{[]float64{0.1, 0.2, 0.3}, 0.6},                  // naive: 0.6000000000000001
		{[]float64{1e100, 1, -1e100}, 1},                 // naive: 0
		{[]float64{1, 1e-16, 1e-16}, 1.0000000000000002}, // naive: 1
		{[]float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, 0.7000000000000001}, // Python's math.fsum; naive: 0.7
	} {
		got := fsum(tt.x)
		if got != tt.want {
			t.Errorf("fsum(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
	if got := fsum([]float64{1e308, 1e308, -1e308}); !math.IsInf(got, 0) && !math.IsNaN(got) {
		t.Errorf("fsum overflowing on the way = %v, want Inf or NaN", got)
	}
	if got := mean([]float64{1.5e308, 1.5e308}); got != 1.5e308 {
		t.Errorf("mean of two large values = %v", got)
	}
}

// TestLoadTableKeep keeps the texts of any column, numbers included, as
// written, for plain rows (the reader's fast path) and quoted ones.
func TestLoadTableKeep(t *testing.T) {
	data := "id,a,c,y\nr1,1.5,p,1\nr2,NA,q,2\n\"r,3\",007,p,3\n"
	for _, opt := range []options{{}, {slow: true}, {chunks: 2}} {
		s, err := loadTableWith("k.csv", []byte(data), Config{Target: []string{"y"}, Exclude: []string{"id"}, Keep: []string{"a", "id", "y"},
			Format: Format{Missing: DefaultMissing}}, opt)
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{{"1.5", "NA", "007"}, {"r1", "r2", "r,3"}, {"1", "2", "3"}}
		if !reflect.DeepEqual(s.Kept, want) {
			t.Errorf("%+v: kept %q, want %q", opt, s.Kept, want)
		}
	}
}

// fsum is the correctly rounded sum of x (fsummer over a slice).
func fsum(x []float64) float64 {
	var f fsummer
	for _, v := range x {
		f.add(v)
	}
	return f.sum()
}

// mean is fsummer's mean of x.
func mean(x []float64) float64 {
	var f fsummer
	for _, v := range x {
		f.add(v)
	}
	return fsumMean(&f, len(x), x, 1)
}
