package dataset

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFile writes content to a fresh data.csv and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadIris(t *testing.T) {
	s, err := Load("testdata/iris.csv", Config{Target: []string{"species"}, Classify: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Rows != 150 {
		t.Errorf("got %d rows, want 150", s.Rows)
	}
	wantFeatures := []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}
	if !slices.Equal(s.Features, wantFeatures) {
		t.Errorf("got features %q, want %q", s.Features, wantFeatures)
	}
	wantClasses := []string{"setosa", "versicolor", "virginica"}
	if !slices.Equal(s.Classes, wantClasses) {
		t.Errorf("got classes %q, want %q", s.Classes, wantClasses)
	}
	if s.Outputs() != 3 || len(s.X) != 150*4 || len(s.Y) != 150*3 || len(s.Labels) != 150 {
		t.Fatalf("got outputs %d, len X %d, Y %d, Labels %d; want 3, 600, 450, 150",
			s.Outputs(), len(s.X), len(s.Y), len(s.Labels))
	}
	// Line 2 of the file is "5.1,3.5,1.4,0.2,setosa"; the last line is
	// "5.9,3,5.1,1.8,virginica"; the file holds 50 rows of each class in order.
	if got, want := s.X[:4], []float64{5.1, 3.5, 1.4, 0.2}; !slices.Equal(got, want) {
		t.Errorf("got first row %v, want %v", got, want)
	}
	if got, want := s.X[149*4:], []float64{5.9, 3, 5.1, 1.8}; !slices.Equal(got, want) {
		t.Errorf("got last row %v, want %v", got, want)
	}
	for i, l := range s.Labels {
		if want := i / 50; l != want {
			t.Fatalf("row %d: got label %d, want %d", i, l, want)
		}
		for k := 0; k < 3; k++ {
			want := 0.0
			if k == l {
				want = 1
			}
			if s.Y[i*3+k] != want {
				t.Fatalf("row %d: got Y %v, want one-hot of %d", i, s.Y[i*3:i*3+3], l)
			}
		}
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		csv     string
		cfg     Config
		feats   []string
		targets []string
		classes []string
		x, y    []float64
		labels  []int
		binary  bool
	}{
		{
			name: "regression", csv: "a,b,y\n1,2,3\n4,5,6\n",
			cfg:   Config{Target: []string{"y"}},
			feats: []string{"a", "b"}, targets: []string{"y"},
			x: []float64{1, 2, 4, 5}, y: []float64{3, 6},
		},
		{
			name: "target in the middle, features keep file order", csv: "a,y,b\n1,2,3\n4,5,6\n",
			cfg:   Config{Target: []string{"y"}},
			feats: []string{"a", "b"}, targets: []string{"y"},
			x: []float64{1, 3, 4, 6}, y: []float64{2, 5},
		},
		{
			name: "given features keep their order and skip other columns", csv: "a,b,c,y\n1,2,x,3\n4,5,z,6\n",
			cfg:   Config{Target: []string{"y"}, Features: []string{"b", "a"}},
			feats: []string{"b", "a"}, targets: []string{"y"},
			x: []float64{2, 1, 5, 4}, y: []float64{3, 6},
		},
		{
			name: "several regression targets", csv: "y2,a,y1\n1,2,3\n4,5,6\n",
			cfg:   Config{Target: []string{"y1", "y2"}},
			feats: []string{"a"}, targets: []string{"y1", "y2"},
			x: []float64{2, 5}, y: []float64{3, 1, 6, 4},
		},
		{
			name: "number forms", csv: "a,b,c,d,y\n-0.5,+2,1e3,.25,0\n007,5.,-1.5E-1,2.5e+0,0\n",
			cfg:   Config{Target: []string{"y"}},
			feats: []string{"a", "b", "c", "d"}, targets: []string{"y"},
			x: []float64{-0.5, 2, 1000, 0.25, 7, 5, -0.15, 2.5}, y: []float64{0, 0},
		},
		{
			name: "integer classes sort numerically", csv: "a,y\n1,10\n2,2\n3,7\n4,2\n",
			cfg:   Config{Target: []string{"y"}, Classify: true},
			feats: []string{"a"}, targets: []string{"y"}, classes: []string{"2", "7", "10"},
			x: []float64{1, 2, 3, 4}, labels: []int{2, 0, 1, 0},
			y: []float64{0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0},
		},
		{
			name: "negative integer classes", csv: "a,y\n1,-1\n2,1\n3,0\n",
			cfg:   Config{Target: []string{"y"}, Classify: true},
			feats: []string{"a"}, targets: []string{"y"}, classes: []string{"-1", "0", "1"},
			x: []float64{1, 2, 3}, labels: []int{0, 2, 1},
			y: []float64{1, 0, 0, 0, 0, 1, 0, 1, 0},
		},
		{
			name: "string classes sort bytewise", csv: "a,color\n1,blue\n2,red\n3,green\n4,Red\n",
			cfg:   Config{Target: []string{"color"}, Classify: true},
			feats: []string{"a"}, targets: []string{"color"}, classes: []string{"Red", "blue", "green", "red"},
			x: []float64{1, 2, 3, 4}, labels: []int{1, 3, 2, 0},
			y: []float64{0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0},
		},
		{
			name: "mixed integer and text classes sort bytewise", csv: "a,y\n1,10\n2,9\n3,x\n",
			cfg:   Config{Target: []string{"y"}, Classify: true},
			feats: []string{"a"}, targets: []string{"y"}, classes: []string{"10", "9", "x"},
			x: []float64{1, 2, 3}, labels: []int{0, 1, 2},
			y: []float64{1, 0, 0, 0, 1, 0, 0, 0, 1},
		},
		{
			name: "text target without Classify is still a class target", csv: "a,y\n1,no\n2,yes\n",
			cfg:   Config{Target: []string{"y"}},
			feats: []string{"a"}, targets: []string{"y"}, classes: []string{"no", "yes"},
			x: []float64{1, 2}, labels: []int{0, 1}, y: []float64{1, 0, 0, 1},
		},
		{
			name: "text after numbers in the target switches to classes", csv: "a,y\n1,1\n2,2\n3,x\n",
			cfg:   Config{Target: []string{"y"}},
			feats: []string{"a"}, targets: []string{"y"}, classes: []string{"1", "2", "x"},
			x: []float64{1, 2, 3}, labels: []int{0, 1, 2}, y: []float64{1, 0, 0, 0, 1, 0, 0, 0, 1},
		},
		{
			name: "bce: one column, y = 1 for the second class", csv: "a,y\n1,yes\n2,no\n3,yes\n",
			cfg:   Config{Target: []string{"y"}, Classify: true, Binary: true},
			feats: []string{"a"}, targets: []string{"y"}, classes: []string{"no", "yes"}, binary: true,
			x: []float64{1, 2, 3}, labels: []int{1, 0, 1}, y: []float64{1, 0, 1},
		},
		{
			name: "bce with 0/1 integers", csv: "a,label\n1,1\n2,0\n",
			cfg:   Config{Target: []string{"label"}, Classify: true, Binary: true},
			feats: []string{"a"}, targets: []string{"label"}, classes: []string{"0", "1"}, binary: true,
			x: []float64{1, 2}, labels: []int{1, 0}, y: []float64{1, 0},
		},
		{
			name: "bce with several 0/1 targets used as is", csv: "a,t1,t2\n1,0,1\n2,1,1\n",
			cfg:   Config{Target: []string{"t1", "t2"}, Classify: true, Binary: true},
			feats: []string{"a"}, targets: []string{"t1", "t2"}, binary: true,
			x: []float64{1, 2}, y: []float64{0, 1, 1, 1},
		},
		{
			name: "fixed classes keep their order and may be absent from the data", csv: "a,y\n1,b\n2,b\n",
			cfg:   Config{Target: []string{"y"}, Classes: []string{"c", "b", "a"}},
			feats: []string{"a"}, targets: []string{"y"}, classes: []string{"c", "b", "a"},
			x: []float64{1, 2}, labels: []int{1, 1}, y: []float64{0, 1, 0, 0, 1, 0},
		},
		{
			name: "byte order mark and CRLF", csv: "\xef\xbb\xbfa,y\r\n1,p\r\n2,q\r\n",
			cfg:   Config{Target: []string{"y"}},
			feats: []string{"a"}, targets: []string{"y"}, classes: []string{"p", "q"},
			x: []float64{1, 2}, labels: []int{0, 1}, y: []float64{1, 0, 0, 1},
		},
		{
			name: "spaces and tabs around fields", csv: " a , y \n 1\t,  p \n\t2 , q\n",
			cfg:   Config{Target: []string{"y"}},
			feats: []string{"a"}, targets: []string{"y"}, classes: []string{"p", "q"},
			x: []float64{1, 2}, labels: []int{0, 1}, y: []float64{1, 0, 0, 1},
		},
		{
			name:  "quoted fields with commas, doubled quotes and line breaks",
			csv:   "\"a,1\",\"the \"\"y\"\"\"\n\"1\",\"x, y\"\n 2 , \"say \"\"hi\"\"\" \n3,\"two\nlines\"\n",
			cfg:   Config{Target: []string{`the "y"`}},
			feats: []string{"a,1"}, targets: []string{`the "y"`},
			classes: []string{"say \"hi\"", "two\nlines", "x, y"},
			x:       []float64{1, 2, 3}, labels: []int{2, 0, 1}, y: []float64{0, 0, 1, 1, 0, 0, 0, 1, 0},
		},
		{
			name: "blank lines are skipped, last line may lack its newline", csv: "\n\na,y\n1,2\n\n  \n3,4",
			cfg:   Config{Target: []string{"y"}},
			feats: []string{"a"}, targets: []string{"y"},
			x: []float64{1, 3}, y: []float64{2, 4},
		},
		{
			name: "one row without a newline", csv: "a,y\n1,2",
			cfg:   Config{Target: []string{"y"}},
			feats: []string{"a"}, targets: []string{"y"},
			x: []float64{1}, y: []float64{2},
		},
		{
			name: "blank trailing lines", csv: "a,y\n1,2\n3,4\n\n\r\n  \n",
			cfg:   Config{Target: []string{"y"}},
			feats: []string{"a"}, targets: []string{"y"},
			x: []float64{1, 3}, y: []float64{2, 4},
		},
		{
			name: "empty trailing field", csv: "a,b,y\n1,2,\n",
			cfg:   Config{Target: []string{"a"}, Features: []string{"b"}},
			feats: []string{"b"}, targets: []string{"a"},
			x: []float64{2}, y: []float64{1},
		},
		{
			name: "long and exotic numbers go through strconv", csv: "a,y\n3.14159265358979323846,1\n-12345678901234567890,2\n1e-400,3\n",
			cfg:   Config{Target: []string{"y"}},
			feats: []string{"a"}, targets: []string{"y"},
			x: []float64{3.14159265358979323846, -12345678901234567890, 0}, y: []float64{1, 2, 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.csv)
			s, err := Load(path, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if s.Path != path {
				t.Errorf("got path %q, want %q", s.Path, path)
			}
			if !slices.Equal(s.Features, tt.feats) {
				t.Errorf("got features %q, want %q", s.Features, tt.feats)
			}
			if !slices.Equal(s.Targets, tt.targets) {
				t.Errorf("got targets %q, want %q", s.Targets, tt.targets)
			}
			if !slices.Equal(s.Classes, tt.classes) || (s.Classes == nil) != (tt.classes == nil) {
				t.Errorf("got classes %q, want %q", s.Classes, tt.classes)
			}
			if s.Binary != tt.binary {
				t.Errorf("got Binary %v, want %v", s.Binary, tt.binary)
			}
			if !slices.Equal(s.X, tt.x) {
				t.Errorf("got X %v, want %v", s.X, tt.x)
			}
			if !slices.Equal(s.Y, tt.y) {
				t.Errorf("got Y %v, want %v", s.Y, tt.y)
			}
			if !slices.Equal(s.Labels, tt.labels) || (s.Labels == nil) != (tt.labels == nil) {
				t.Errorf("got labels %v, want %v", s.Labels, tt.labels)
			}
			if wantRows := len(tt.x) / len(tt.feats); s.Rows != wantRows {
				t.Errorf("got %d rows, want %d", s.Rows, wantRows)
			}
			if s.Rows*s.Outputs() != len(s.Y) {
				t.Errorf("got %d outputs × %d rows, but len(Y) = %d", s.Outputs(), s.Rows, len(s.Y))
			}
		})
	}
}

func TestLoadNegativeZero(t *testing.T) {
	s, err := Load(writeFile(t, "a,y\n-0,1\n-0.0,2\n"), Config{Target: []string{"y"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range s.X {
		if v != 0 || !math.Signbit(v) {
			t.Errorf("row %d: got %v (sign bit %v), want -0", i, v, math.Signbit(v))
		}
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		cfg  Config
		want string // the message after "path: "
	}{
		{"empty file", "", Config{Target: []string{"y"}}, "empty file (a header row is required)"},
		{"only blank lines and a byte order mark", "\xef\xbb\xbf\n \r\n\n", Config{Target: []string{"y"}}, "empty file (a header row is required)"},
		{"header without rows", "a,y\n\n", Config{Target: []string{"y"}}, "no data rows after the header"},
		{"duplicate header", "a,b,a\n1,2,3\n", Config{Target: []string{"b"}}, `line 1: duplicate column name "a" (fields 1 and 3)`},
		{"empty header name", "a,,y\n1,2,3\n", Config{Target: []string{"y"}}, "line 1: header field 2 is empty (every column needs a name)"},
		{"empty quoted header name", "a,\"\"\n1,2\n", Config{Target: []string{"a"}}, "line 1: header field 2 is empty (every column needs a name)"},
		{"too few fields", "a,b,y\n1,2,3\n4,5\n", Config{Target: []string{"y"}}, "line 3: expected 3 fields as in the header, found 2"},
		{"too many fields", "a,b,y\n1,2,3,4\n", Config{Target: []string{"y"}}, "line 2: expected 3 fields as in the header, found 4"},
		{"ragged row after a blank line", "a,y\n1,2\n\n3\n", Config{Target: []string{"y"}}, "line 4: expected 2 fields as in the header, found 1"},
		{"text feature", "a,b,y\n1,2,3\n4,abc,6\n", Config{Target: []string{"y"}}, `line 3, column "b": not a number: "abc"`},
		{"text feature after a quoted line break", "a,y\n1,\"x\ny\"\n2x,z\n", Config{Target: []string{"y"}}, `line 4, column "a": not a number: "2x"`},
		{"missing feature value", "a,b,y\n1,,3\n", Config{Target: []string{"y"}}, `line 2, column "b": missing value`},
		{"NaN feature", "a,y\n1,2\nNaN,3\n", Config{Target: []string{"y"}}, `line 3, column "a": not a finite number: "NaN"`},
		{"Inf feature", "a,y\n-inf,3\n", Config{Target: []string{"y"}}, `line 2, column "a": not a finite number: "-inf"`},
		{"overflowing feature", "a,y\n1e999,3\n", Config{Target: []string{"y"}}, `line 2, column "a": number out of range: "1e999"`},
		{"long value is cut short", "a,y\n" + strings.Repeat("x", 100) + ",3\n", Config{Target: []string{"y"}},
			`line 2, column "a": not a number: "` + strings.Repeat("x", 80) + `"…`},
		{"long value is cut at a character boundary", "a,y\n" + strings.Repeat("é", 50) + ",3\n", Config{Target: []string{"y"}},
			`line 2, column "a": not a number: "` + strings.Repeat("é", 40) + `"…`},
		{"Go hex float is text", "a,y\n0x1p4,3\n", Config{Target: []string{"y"}}, `line 2, column "a": not a number: "0x1p4"`},
		{"Go digit separators are text", "a,y\n1_000,3\n", Config{Target: []string{"y"}}, `line 2, column "a": not a number: "1_000"`},
		{"control characters in a value are escaped", "a,y\n\"1\n\x01\",3\n", Config{Target: []string{"y"}}, `line 2, column "a": not a number: "1\n\x01"`},
		{"a header name with a line break is escaped", "\"a\nb\",y\nx,3\n", Config{Target: []string{"y"}}, `line 3, column "a\nb": not a number: "x"`},
		{"long column names are cut short", strings.Repeat("c", 100) + ",y\nx,3\n", Config{Target: []string{"y"}},
			`line 2, column "` + strings.Repeat("c", 80) + `"…: not a number: "x"`},
		{"header separated by semicolons", "a;b;y\n1;2;3\n", Config{Target: []string{"y"}},
			`line 1: delimiter: the header holds no "," but holds ";": set the delimiter to ";" (data.delimiter in a spec, --delimiter for predict and eval)`},
		{"header separated by tabs", "a\tb\ty\n1\t2\t3\n", Config{Target: []string{"y"}},
			`line 1: delimiter: the header holds no "," but holds "\t": set the delimiter to "\t" (data.delimiter in a spec, --delimiter for predict and eval)`},
		{"header separated by commas read with semicolons", "a,b,y\n1,2,3\n", Config{Target: []string{"y"}, Format: Format{Delimiter: ';'}},
			`line 1: delimiter: the header holds no ";" but holds ",": set the delimiter to "," (data.delimiter in a spec, --delimiter for predict and eval)`},
		{"decimal comma with comma separator", "a,y\n1,2\n", Config{Target: []string{"y"}, Format: Format{Decimal: ','}},
			`decimal "," needs a delimiter other than "," (";" is usual with decimal commas)`},
		{"CR inside a header with LF line ends", "a,b\ry\n1,2\n", Config{Target: []string{"a"}},
			`line 1: header field 2 "b\ry" holds a carriage return: the file uses CR (old Mac) line ends, mixed with LF; convert them to LF`},
		{"overlong header", strings.Repeat("a", MaxHeaderBytes+10), Config{Target: []string{"y"}},
			"line 1: the header line is longer than 4 MiB; is this a CSV file with line ends?"},
		{"decimal point in a decimal-comma file is text", "a;y\n1.5;2\n", Config{Target: []string{"y"}, Format: Format{Delimiter: ';', Decimal: ','}},
			`line 2, column "a": not a number: "1.5"`},
		{"NUL byte", "a,y\n1,2\n3\x00,4\n", Config{Target: []string{"y"}}, "line 3: binary data (NUL byte), not a CSV text file"},
		{"invalid UTF-8", "a,y\n1,2\n3,\xff\xfe\n", Config{Target: []string{"y"}}, "line 3: invalid UTF-8 (byte 0xff), not a CSV text file"},
		{"missing target column", "a,b,y\n1,2,3\n", Config{Target: []string{"z"}}, `target column "z" not found; the columns are: a, b, y`},
		{"missing feature column", "a,b,y\n1,2,3\n", Config{Target: []string{"y"}, Features: []string{"a", "c"}}, `feature column "c" not found; the columns are: a, b, y`},
		{"feature is also the target", "a,b,y\n1,2,3\n", Config{Target: []string{"y"}, Features: []string{"a", "y"}}, `column "y" is both a feature and a target`},
		{"feature listed twice", "a,b,y\n1,2,3\n", Config{Target: []string{"y"}, Features: []string{"a", "a"}}, `feature column "a" is listed twice`},
		{"target listed twice", "a,b,y\n1,2,3\n", Config{Target: []string{"y", "y"}}, `target column "y" is listed twice`},
		{"no target", "a,b,y\n1,2,3\n", Config{}, "no target column given"},
		{"every column a target", "a,y\n1,2\n", Config{Target: []string{"a", "y"}}, "no feature columns (every column is a target)"},
		{"text in one of several regression targets", "a,y1,y2\n1,2,3\n4,5,x\n", Config{Target: []string{"y1", "y2"}},
			`line 3, column "y2": not a number: "x" (with several target columns every target must be numeric)`},
		{"NaN regression target", "a,y\n1,2\n3,nan\n", Config{Target: []string{"y"}}, `line 3, column "y": not a finite number: "nan"`},
		{"missing regression target", "a,y\n1,\n", Config{Target: []string{"y"}}, `line 2, column "y": missing value`},
		{"missing class label", "a,y\n1,p\n2, \n", Config{Target: []string{"y"}, Classify: true}, `line 3, column "y": missing class label`},
		{"label outside the fixed classes", "a,y\n1,a\n2,c\n", Config{Target: []string{"y"}, Classes: []string{"a", "b"}},
			`line 3, column "y": class "c" is not one of the known classes: a, b`},
		{"fixed classes with several targets", "a,y,z\n1,2,3\n", Config{Target: []string{"y", "z"}, Classes: []string{"a", "b"}},
			"a fixed class list needs one target column, got 2: y, z"},
		{"bce with 3 classes", "a,y\n1,c\n2,a\n3,b\n", Config{Target: []string{"y"}, Classify: true, Binary: true},
			`column "y": bce needs 2 classes, found 3: a, b, c`},
		{"bce with 1 class", "a,y\n1,0\n2,0\n", Config{Target: []string{"y"}, Classify: true, Binary: true},
			`column "y": bce needs 2 classes, found 1: 0`},
		{"bce with 3 fixed classes", "a,y\n1,a\n", Config{Target: []string{"y"}, Binary: true, Classes: []string{"a", "b", "c"}},
			`column "y": bce needs 2 classes, found 3: a, b, c`},
		{"bce with several targets not 0/1", "a,t1,t2\n1,0,1\n2,1,0.5\n", Config{Target: []string{"t1", "t2"}, Classify: true, Binary: true},
			`line 3, column "t2": bce with several target columns needs 0 or 1 in each, found "0.5"`},
		{"unclosed quote", "a,y\n1,\"abc\n2,3\n", Config{Target: []string{"y"}}, `line 2, column "y": quoted field is never closed`},
		{"text after a closing quote", "a,y\n\"1\"x,2\n", Config{Target: []string{"y"}}, `line 2, column "a": unexpected text after the closing quote`},
		{"quote inside an unquoted field", "a,y\n1,ab\"c\n", Config{Target: []string{"y"}},
			`line 2, column "y": quote (") inside an unquoted field; quote the whole field and double the quote`},
		{"quote error in the header", "a,b\"\n1,2\n", Config{Target: []string{"a"}},
			`line 1: field 2: quote (") inside an unquoted field; quote the whole field and double the quote`},
		{"extra field with a quote error", "a,y\n1,2,\"x\n", Config{Target: []string{"y"}}, `line 2: field 3: quoted field is never closed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.csv)
			s, err := Load(path, tt.cfg)
			if err == nil {
				t.Fatalf("got no error and %d rows, want %q", s.Rows, tt.want)
			}
			if got, want := err.Error(), path+": "+tt.want; got != want {
				t.Errorf("got error\n\t%s\nwant\n\t%s", got, want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Path != path {
				t.Errorf("got %T %v, want an *Error for %s", err, err, path)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.csv")
	_, err := Load(missing, Config{Target: []string{"y"}})
	if want := missing + ": cannot read: no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want an error that is fs.ErrNotExist", err)
	}
	_, err = Load(dir, Config{Target: []string{"y"}})
	if want := dir + ": is a directory, not a CSV file"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	_, err = LoadFeatures(missing, []string{"a"})
	if want := missing + ": cannot read: no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("LoadFeatures: got %v, want %s", err, want)
	}
}

func TestLoadFeatures(t *testing.T) {
	path := writeFile(t, "c,a,b\nx,1,2\ny,3,4\n")
	s, err := LoadFeatures(path, []string{"b", "a"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{2, 1, 4, 3}; !slices.Equal(s.X, want) {
		t.Errorf("got X %v, want %v", s.X, want)
	}
	if s.Rows != 2 || s.Outputs() != 0 || s.Y != nil || s.Labels != nil || s.Targets != nil {
		t.Errorf("got rows %d, outputs %d, Y %v, labels %v, targets %v; want 2 rows and no targets",
			s.Rows, s.Outputs(), s.Y, s.Labels, s.Targets)
	}

	// One column, no final newline: the row bound is exact.
	s, err = LoadFeatures(writeFile(t, "a\n1\n2"), []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, 2}; !slices.Equal(s.X, want) || s.Rows != 2 {
		t.Errorf("one column: got X %v, %d rows, want %v", s.X, s.Rows, want)
	}

	errs := []struct {
		name     string
		csv      string
		features []string
		want     string
	}{
		{"missing column", "a,b\n1,2\n", []string{"a", "z"}, `feature column "z" not found; the columns are: a, b`},
		{"no features", "a,b\n1,2\n", nil, "no feature columns given"},
		{"listed twice", "a,b\n1,2\n", []string{"b", "b"}, `feature column "b" is listed twice`},
		{"bad value", "a,b\n1,2\n3,?\n", []string{"a", "b"}, `line 3, column "b": not a number: "?"`},
		{"ragged", "a,b\n1,2\n3\n", []string{"a"}, "line 3: expected 2 fields as in the header, found 1"},
		{"header only", "a,b\n", []string{"a"}, "no data rows after the header"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.csv)
			_, err := LoadFeatures(path, tt.features)
			if want := path + ": " + tt.want; err == nil || err.Error() != want {
				t.Errorf("got error\n\t%v\nwant\n\t%s", err, want)
			}
		})
	}
}

func TestListNamesShortensLongLists(t *testing.T) {
	var names []string
	for i := range 785 {
		names = append(names, "p"+strings.Repeat("x", i%3))
	}
	got := listNames(names)
	if !strings.HasSuffix(got, ", … (785 in all)") || strings.Count(got, ",") != 20 {
		t.Errorf("got %q, want 20 names then \", … (785 in all)\"", got)
	}
}

func TestSubset(t *testing.T) {
	s, err := Load(writeFile(t, "a,b,y\n1,2,p\n3,4,q\n5,6,r\n"), Config{Target: []string{"y"}, Classify: true})
	if err != nil {
		t.Fatal(err)
	}
	sub := s.Subset([]int{2, 0})
	if want := []float64{5, 6, 1, 2}; !slices.Equal(sub.X, want) {
		t.Errorf("got X %v, want %v", sub.X, want)
	}
	if want := []float64{0, 0, 1, 1, 0, 0}; !slices.Equal(sub.Y, want) {
		t.Errorf("got Y %v, want %v", sub.Y, want)
	}
	if want := []int{2, 0}; !slices.Equal(sub.Labels, want) {
		t.Errorf("got labels %v, want %v", sub.Labels, want)
	}
	if sub.Rows != 2 || !slices.Equal(sub.Classes, s.Classes) || !slices.Equal(sub.Features, s.Features) {
		t.Errorf("got rows %d, classes %q, features %q", sub.Rows, sub.Classes, sub.Features)
	}
	sub.X[0] = 99
	if s.X[4] != 5 {
		t.Errorf("Subset shares X with its source")
	}
}
