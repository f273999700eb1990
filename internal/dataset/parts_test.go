package dataset

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestLoadParts reads the same files in 1 to 6 parallel parts and checks
// that the result, or the first error, is what one sequential pass gives.
func TestLoadParts(t *testing.T) {
	var rows strings.Builder
	rows.WriteString("a,b,y\n")
	for i := range 40 {
		if i%7 == 3 {
			rows.WriteString("\n  \n") // blank lines shift rows between the parts
		}
		// Classes first appear late ("z" only near the end), so the parts
		// see them in different orders.
		label := []string{"q", "p"}[i%2]
		if i > 33 {
			label = "z"
		}
		fmt.Fprintf(&rows, "%d,%d.5,%s\n", i, -i, label)
	}
	// Row i is on line 2 + i + 2·#{j ≤ i : j mod 7 = 3}: row 3 on line 7,
	// row 20 on 28, row 34 (the first "z") on 46, row 38 on 52.
	good := rows.String()
	numeric := strings.NewReplacer(",q\n", ",1\n", ",p\n", ",2\n", ",z\n", ",3\n").Replace(good)
	tests := []struct {
		name string
		csv  string
		cfg  Config
		want string // error after "parts.csv: ", or "" for success
	}{
		{"classes", good, Config{Target: []string{"y"}, Classify: true}, ""},
		{"fixed classes", good, Config{Target: []string{"y"}, Classes: []string{"z", "q", "p"}}, ""},
		{"regression", numeric, Config{Target: []string{"y"}}, ""},
		{"text target found late", strings.Replace(numeric, ",3\n", ",x\n", 1), Config{Target: []string{"y"}}, ""},
		{"features only", good, Config{Target: []string{"a"}, Features: []string{"b"}}, ""},
		{"first of two errors", strings.Replace(strings.Replace(good, "3,-3.5", "3,?", 1), "30,-30.5", "30,!", 1),
			Config{Target: []string{"y"}}, `line 7, column "b": not a number: "?"`},
		{"ragged row late", strings.Replace(good, "38,-38.5,z", "38,z", 1),
			Config{Target: []string{"y"}}, "line 52: expected 3 fields as in the header, found 2"},
		{"feature error before a text target", strings.Replace(strings.Replace(numeric, "20,-20.5", "20,", 1), "39,-39.5,3", "39,-39.5,x", 1),
			Config{Target: []string{"y"}}, `line 28, column "b": missing value`},
		{"unknown class late", good, Config{Target: []string{"y"}, Classes: []string{"p", "q"}},
			`line 46, column "y": class "z" is not one of the known classes: p, q`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.csv)
			want, wantErr := loadWith("parts.csv", data, tt.cfg, options{slow: true, chunks: 1})
			if tt.want == "" && wantErr != nil {
				t.Fatal(wantErr)
			}
			if tt.want != "" && (wantErr == nil || wantErr.Error() != "parts.csv: "+tt.want) {
				t.Fatalf("sequential: got error %v, want %s", wantErr, tt.want)
			}
			for n := 1; n <= 6; n++ {
				for _, slow := range []bool{false, true} {
					got, err := loadWith("parts.csv", data, tt.cfg, options{slow: slow, chunks: n})
					switch {
					case wantErr != nil && (err == nil || err.Error() != wantErr.Error()):
						t.Errorf("%d parts, slow %v: got error %v, want %v", n, slow, err, wantErr)
					case wantErr == nil && err != nil:
						t.Errorf("%d parts, slow %v: got error %v", n, slow, err)
					case wantErr == nil && !sameSet(got, want):
						t.Errorf("%d parts, slow %v: got\n%+v\nwant\n%+v", n, slow, got, want)
					}
				}
			}
		})
	}
}

func TestSplitReaders(t *testing.T) {
	data := []byte("h\n1\n2\n\n3\n4\n5")
	r := &reader{path: "x", data: data, pos: 2, line: 2}
	for n := 1; n <= 8; n++ {
		parts := r.split(n)
		if len(parts) > n {
			t.Fatalf("split(%d): got %d parts", n, len(parts))
		}
		pos, line := 2, 2
		for i, p := range parts {
			if p.pos != pos || p.line != line {
				t.Fatalf("split(%d) part %d: got pos %d line %d, want %d %d", n, i, p.pos, p.line, pos, line)
			}
			if len(p.data) < len(data) && p.data[len(p.data)-1] != '\n' {
				t.Fatalf("split(%d) part %d ends mid-line: %q", n, i, p.data[p.pos:])
			}
			line += strings.Count(string(p.data[p.pos:]), "\n")
			pos = len(p.data)
		}
		if pos != len(data) {
			t.Fatalf("split(%d): parts end at %d, want %d", n, pos, len(data))
		}
	}
	quoted := &reader{path: "x", data: []byte("h\n\"1\n2\"\n3\n"), pos: 2, line: 2}
	if got := len(quoted.split(4)); got != 1 {
		t.Errorf("quoted file: got %d parts, want 1", got)
	}
}

func TestMakeRuns(t *testing.T) {
	tests := []struct {
		featPos []int
		want    []run
	}{
		// p0 p1 p2 label: one run of features, then the target.
		{[]int{0, 1, 2, -1}, []run{{0, 3, 0}, {3, 1, -1}}},
		// label first, then features in file order.
		{[]int{-1, 0, 1}, []run{{0, 1, -1}, {1, 2, 0}}},
		// features listed in reverse: every column its own run.
		{[]int{1, 0, -1}, []run{{0, 1, 1}, {1, 1, 0}, {2, 1, -1}}},
		// a skipped column splits a run; positions continue across it.
		{[]int{0, -1, 1, 2}, []run{{0, 1, 0}, {1, 1, -1}, {2, 2, 1}}},
		// two non-feature columns stay separate.
		{[]int{-1, -1, 0}, []run{{0, 1, -1}, {1, 1, -1}, {2, 1, 0}}},
	}
	for _, tt := range tests {
		if got := makeRuns(tt.featPos); !slices.Equal(got, tt.want) {
			t.Errorf("makeRuns(%v) = %v, want %v", tt.featPos, got, tt.want)
		}
	}
}
