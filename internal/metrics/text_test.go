package metrics

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/text")

// repeatIdx returns n copies of i.
func repeatIdx(i, n int) []int {
	out := make([]int, n)
	for k := range out {
		out[k] = i
	}
	return out
}

// fromConfusion expands a confusion matrix into true and predicted indices.
func fromConfusion(conf [][]int) (true_, pred []int) {
	for t, row := range conf {
		for p, n := range row {
			true_ = append(true_, repeatIdx(t, n)...)
			pred = append(pred, repeatIdx(p, n)...)
		}
	}
	return true_, pred
}

func textCases() []struct {
	name    string
	report  Report
	display map[string]string
} {
	type tc = struct {
		name    string
		report  Report
		display map[string]string
	}
	var cases []tc

	it, ip := fromConfusion([][]int{{50, 0, 0}, {0, 49, 1}, {0, 3, 47}})
	cases = append(cases, tc{"iris", Classification(150, 0.0523081, it, ip, []string{"setosa", "versicolor", "virginica"}), nil})

	// Fashion-MNIST-like: integer labels shown by name, counts up to 4 digits.
	rng := rand.New(rand.NewPCG(7, 7^0x9e3779b97f4a7c15))
	fashion := make([][]int, 10)
	for t := range fashion {
		fashion[t] = make([]int, 10)
		for k := 0; k < 1000; k++ {
			p := t
			if rng.Float64() < 0.15 {
				p = rng.IntN(10)
			}
			fashion[t][p]++
		}
	}
	ft, fp := fromConfusion(fashion)
	classes := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	names := map[string]string{"0": "T-shirt/top", "1": "Trouser", "2": "Pullover", "3": "Dress", "4": "Coat",
		"5": "Sandal", "6": "Shirt", "7": "Sneaker", "8": "Bag", "9": "Ankle boot"}
	cases = append(cases, tc{"fashion", Classification(len(ft), 0.412345678, ft, fp, classes), names})

	// Too many long names to fit: column labels shortened, row labels capped.
	var wide []string
	for i := range 14 {
		wide = append(wide, fmt.Sprintf("category number %02d of a long list", i))
	}
	wt, wp := []int{}, []int{}
	for i := range 14 {
		wt = append(wt, i, i, i)
		wp = append(wp, i, (i+1)%14, i)
	}
	cases = append(cases, tc{"wide", Classification(len(wt), 1.25, wt, wp, wide), nil})

	// Non-ASCII names align by runes; a class never predicted, one with no support.
	ut, up := fromConfusion([][]int{{3, 0, 1}, {2, 0, 0}, {0, 0, 0}})
	cases = append(cases, tc{"unicode", Classification(len(ut), 0.9, ut, up, []string{"café", "naïve", "Ωmega"}), nil})

	cases = append(cases, tc{"regression", Regression(4, 0.0123456, []float64{1, 10, 2, 20, 3, 30, 4, 40}, []float64{1.1, 11, 1.9, 19, 3.2, 33, 3.7, 41}, 2), nil})

	// Two classes: the positive class's roc_auc and average_precision.
	bt, bp := fromConfusion([][]int{{40, 5}, {3, 12}})
	bin := Classification(len(bt), 0.31, bt, bp, []string{"no", "yes"})
	score := make([]float64, len(bt))
	for i := range score {
		score[i] = 0.1 + 0.6*float64(bp[i]) + 0.2*float64(bt[i]) + 0.001*float64(i%7)
	}
	bin.AddBinaryScores(bt, score)
	cases = append(cases, tc{"binary", bin, nil})

	// Several 0/1 targets: subset and Hamming accuracy, a per-target table.
	cases = append(cases, tc{"multilabel", MultiLabel(3, 0.4, []float64{1, 0, 1, 0, 1, 1, 1, 0, 0},
		[]float64{0.9, 0.2, 0.4, 0.3, 0.8, 0.6, 0.5, 0.1, 0.7}, []string{"spam", "urgent", "has_attachment"}), nil})

	// A report read from a file that has a confusion matrix but no per_class.
	cases = append(cases, tc{"confusion only", Report{Rows: 3, Loss: 2, Accuracy: ptr(2.0 / 3), Confusion: [][]int{{1, 0}, {1, 1}}}, nil})
	return cases
}

func TestText(t *testing.T) {
	for _, tt := range textCases() {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Text(&b, tt.report, tt.display); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "text", strings.ReplaceAll(tt.name, " ", "_")+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("got\n%s\nwant (%s)\n%s", got, path, want)
			}
		})
	}
}

// TestTextLayout checks properties the golden files only show: every line of
// a table has the same width, the confusion matrix stays within textWidth
// when the shortened labels allow it, and the names are readable.
func TestTextLayout(t *testing.T) {
	for _, tt := range textCases() {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Text(&b, tt.report, tt.display); err != nil {
				t.Fatal(err)
			}
			blocks := strings.Split(strings.TrimRight(b.String(), "\n"), "\n\n")
			for _, block := range blocks[1:] { // the tables
				lines := strings.Split(block, "\n")
				if strings.HasPrefix(lines[0], "confusion") {
					lines = lines[1:]
				}
				w := utf8.RuneCountInString(lines[0])
				for _, l := range lines {
					if got := utf8.RuneCountInString(l); got != w {
						t.Errorf("line %q is %d runes wide, want %d like the table's header", l, got, w)
					}
					if w > textWidth {
						t.Errorf("line %q is %d runes wide, want at most %d", l, w, textWidth)
					}
				}
			}
			for _, name := range tt.display {
				if !strings.Contains(b.String(), name) {
					t.Errorf("output does not show class name %q", name)
				}
			}
		})
	}
}

// TestTextUndefined: an undefined figure (r2 of one row) reads "n/a", and
// JSON holds null, never a 0 that looks like a score.
func TestTextUndefined(t *testing.T) {
	r := Regression(1, 0.5, []float64{3}, []float64{3}, 1)
	var b strings.Builder
	if err := Text(&b, r, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "r2    n/a\n") {
		t.Errorf("text lacks %q:\n%s", "r2    n/a", b.String())
	}
	var j strings.Builder
	if err := WriteReportJSON(&j, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(j.String(), `"r2":null`) {
		t.Errorf("JSON lacks %q: %s", `"r2":null`, j.String())
	}
}
