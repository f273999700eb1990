package metrics

import (
	"math"
	"reflect"
	"testing"
)

// near reports whether got and want agree to within tol, absolutely or
// relatively; NaN agrees with NaN.
func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func deref(p *float64) float64 {
	if p == nil {
		return math.Inf(-1) // marks a missing key in messages
	}
	return *p
}

func TestClassification(t *testing.T) {
	// Every expected figure below is worked out by hand from the confusion
	// matrix in the comment of its case.
	tests := []struct {
		name          string
		classes       []string
		true_, pred   []int
		acc, p, r, f1 float64
		per           map[string]ClassStats
		conf          [][]int
	}{
		{
			// a: tp 1, fp 0, fn 1; b: tp 2, fp 2, fn 0; c: never predicted.
			name:    "class never predicted",
			classes: []string{"a", "b", "c"},
			true_:   []int{0, 0, 1, 1, 2},
			pred:    []int{0, 1, 1, 1, 1},
			acc:     3.0 / 5, p: (1 + 0.5 + 0) / 3, r: (0.5 + 1 + 0) / 3, f1: (2.0/3 + 2.0/3 + 0) / 3,
			per: map[string]ClassStats{
				"a": {Precision: 1, Recall: 0.5, F1: 2.0 / 3, Support: 2},
				"b": {Precision: 0.5, Recall: 1, F1: 2.0 / 3, Support: 2},
				"c": {Precision: 0, Recall: 0, F1: 0, Support: 1},
			},
			conf: [][]int{{1, 1, 0}, {0, 2, 0}, {0, 1, 0}},
		},
		{
			// x: tp 2; y: tp 1, fn 1; z: no support, predicted once.
			name:    "class with no support",
			classes: []string{"x", "y", "z"},
			true_:   []int{0, 1, 0, 1},
			pred:    []int{0, 2, 0, 1},
			acc:     3.0 / 4, p: (1 + 1 + 0) / 3.0, r: (1 + 0.5 + 0) / 3, f1: (1 + 2.0/3 + 0) / 3,
			per: map[string]ClassStats{
				"x": {Precision: 1, Recall: 1, F1: 1, Support: 2},
				"y": {Precision: 1, Recall: 0.5, F1: 2.0 / 3, Support: 2},
				"z": {Precision: 0, Recall: 0, F1: 0, Support: 0},
			},
			conf: [][]int{{2, 0, 0}, {0, 1, 1}, {0, 0, 0}},
		},
		{
			name:    "all wrong",
			classes: []string{"no", "yes"},
			true_:   []int{0, 1, 1},
			pred:    []int{1, 0, 0},
			acc:     0, p: 0, r: 0, f1: 0,
			per: map[string]ClassStats{
				"no":  {Support: 1},
				"yes": {Support: 2},
			},
			conf: [][]int{{0, 1}, {2, 0}},
		},
		{
			name:    "no rows",
			classes: []string{"a", "b"},
			true_:   []int{},
			pred:    []int{},
			acc:     math.NaN(), p: math.NaN(), r: math.NaN(), f1: math.NaN(),
			per:  map[string]ClassStats{"a": {}, "b": {}},
			conf: [][]int{{0, 0}, {0, 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classification(len(tt.true_), 0.25, tt.true_, tt.pred, tt.classes)
			if got.Rows != len(tt.true_) || got.Loss != 0.25 {
				t.Errorf("rows, loss = %d, %v, want %d, 0.25", got.Rows, got.Loss, len(tt.true_))
			}
			for _, m := range []struct {
				key  string
				got  *float64
				want float64
			}{{"accuracy", got.Accuracy, tt.acc}, {"precision", got.Precision, tt.p}, {"recall", got.Recall, tt.r}, {"f1", got.F1, tt.f1}} {
				if m.got == nil || !near(*m.got, m.want, 1e-15) {
					t.Errorf("%s = %v, want %v", m.key, deref(m.got), m.want)
				}
			}
			if len(got.PerClass) != len(tt.per) {
				t.Errorf("per_class has %d classes, want %d", len(got.PerClass), len(tt.per))
			}
			for c, want := range tt.per {
				g := got.PerClass[c]
				if !near(g.Precision, want.Precision, 1e-15) || !near(g.Recall, want.Recall, 1e-15) ||
					!near(g.F1, want.F1, 1e-15) || g.Support != want.Support {
					t.Errorf("per_class[%s] = %+v, want %+v", c, g, want)
				}
			}
			if !reflect.DeepEqual(got.Confusion, tt.conf) {
				t.Errorf("confusion = %v, want %v", got.Confusion, tt.conf)
			}
			if !reflect.DeepEqual(got.Classes, tt.classes) {
				t.Errorf("classes = %v, want %v", got.Classes, tt.classes)
			}
			if got.MSE != nil || got.RMSE != nil || got.MAE != nil || got.R2 != nil {
				t.Errorf("regression metrics set on a classification report: %+v", got)
			}
		})
	}
}

func TestClassificationPanics(t *testing.T) {
	tests := []struct {
		name        string
		rows        int
		true_, pred []int
	}{
		{"rows differ", 3, []int{0, 1}, []int{0, 1}},
		{"lengths differ", 2, []int{0, 1}, []int{0}},
		{"true index out of range", 1, []int{2}, []int{0}},
		{"negative prediction", 1, []int{0}, []int{-1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Classification did not panic")
				}
			}()
			Classification(tt.rows, 0, tt.true_, tt.pred, []string{"a", "b"})
		})
	}
}

func TestRegression(t *testing.T) {
	// Expected figures worked out by hand.
	tests := []struct {
		name               string
		rows, cols         int
		y, yhat            []float64
		mse, rmse, mae, r2 float64
	}{
		{
			// residuals 0, 0, −2; ȳ = 2, SS_tot = 2, SS_res = 4.
			name: "one target", rows: 3, cols: 1,
			y: []float64{1, 2, 3}, yhat: []float64{1, 2, 5},
			mse: 4.0 / 3, rmse: math.Sqrt(4.0 / 3), mae: 2.0 / 3, r2: 1 - 4.0/2,
		},
		{
			name: "constant target predicted exactly", rows: 2, cols: 1,
			y: []float64{2, 2}, yhat: []float64{2, 2},
			mse: 0, rmse: 0, mae: 0, r2: 1,
		},
		{
			name: "constant target missed", rows: 2, cols: 1,
			y: []float64{2, 2}, yhat: []float64{2, 3},
			mse: 0.5, rmse: math.Sqrt(0.5), mae: 0.5, r2: 0,
		},
		{
			// column 0: ȳ = 1, SS_tot = 2, SS_res = 1 → 0.5; column 1
			// constant and exact → 1.
			name: "two targets, one constant", rows: 2, cols: 2,
			y: []float64{0, 5, 2, 5}, yhat: []float64{0, 5, 1, 5},
			mse: 1.0 / 4, rmse: 0.5, mae: 1.0 / 4, r2: (0.5 + 1) / 2,
		},
		{
			// r2 of a single row is undefined (scikit-learn's r2_score
			// returns nan and warns), whatever the prediction: not the
			// constant-column rule, which would call it 0.5 here.
			name: "one row", rows: 1, cols: 2,
			y: []float64{1, 2}, yhat: []float64{1, 4},
			mse: 2, rmse: math.Sqrt(2), mae: 1, r2: math.NaN(),
		},
		{
			name: "no rows", rows: 0, cols: 1,
			y: []float64{}, yhat: []float64{},
			mse: math.NaN(), rmse: math.NaN(), mae: math.NaN(), r2: math.NaN(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Regression(tt.rows, 0.5, tt.y, tt.yhat, tt.cols)
			if got.Rows != tt.rows || got.Loss != 0.5 {
				t.Errorf("rows, loss = %d, %v, want %d, 0.5", got.Rows, got.Loss, tt.rows)
			}
			for _, m := range []struct {
				key  string
				got  *float64
				want float64
			}{{"mse", got.MSE, tt.mse}, {"rmse", got.RMSE, tt.rmse}, {"mae", got.MAE, tt.mae}, {"r2", got.R2, tt.r2}} {
				if m.got == nil || !near(*m.got, m.want, 1e-15) {
					t.Errorf("%s = %v, want %v", m.key, deref(m.got), m.want)
				}
			}
			if got.IsClassification() || got.PerClass != nil || got.Confusion != nil {
				t.Errorf("classification metrics set on a regression report: %+v", got)
			}
		})
	}
}

func TestRegressionPanics(t *testing.T) {
	tests := []struct {
		name       string
		rows, cols int
		y, yhat    []float64
	}{
		{"no columns", 0, 0, nil, nil},
		{"short y", 2, 1, []float64{1}, []float64{1, 2}},
		{"short yhat", 1, 2, []float64{1, 2}, []float64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Regression did not panic")
				}
			}()
			Regression(tt.rows, 0, tt.y, tt.yhat, tt.cols)
		})
	}
}

// Scores that scikit-learn refuses or warns about: one class missing.
func TestBinaryScoresOneClass(t *testing.T) {
	for _, tt := range []struct {
		name       string
		positive   []bool
		auc, avgPr float64
	}{
		{"no positives", []bool{false, false}, math.NaN(), math.NaN()},
		{"no negatives", []bool{true, true}, math.NaN(), 1},
		{"no rows", nil, math.NaN(), math.NaN()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			score := make([]float64, len(tt.positive))
			for i := range score {
				score[i] = float64(i) / 4
			}
			if got := RocAUC(tt.positive, score); !near(got, tt.auc, 0) {
				t.Errorf("roc_auc = %v, want %v", got, tt.auc)
			}
			if got := AveragePrecision(tt.positive, score); !near(got, tt.avgPr, 0) {
				t.Errorf("average_precision = %v, want %v", got, tt.avgPr)
			}
		})
	}
}

func TestMultiLabelPanics(t *testing.T) {
	for _, tt := range []struct {
		name    string
		rows    int
		y, prob []float64
		targets []string
	}{
		{"no targets", 1, nil, nil, nil},
		{"short y", 2, []float64{1, 0, 1}, []float64{1, 0, 1, 0}, []string{"a", "b"}},
		{"short prob", 1, []float64{1, 0}, []float64{1}, []string{"a", "b"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Error("no panic")
				}
			}()
			MultiLabel(tt.rows, 0, tt.y, tt.prob, tt.targets)
		})
	}
}
