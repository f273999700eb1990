package metrics

import (
	"fmt"
	"math"
)

// Report holds the scores of one split. It is the JSON object of that split
// in metrics.json and the output of eval --json; keys that do not apply to
// the kind of target (classification or regression) are nil and left out,
// while an applicable key is written even when its value is 0.
//
// A non-finite value (a diverged loss, the metrics of an empty split) is
// written as JSON null and read back as NaN.
type Report struct {
	Rows int     `json:"rows"`
	Loss float64 `json:"loss"` // the spec's loss, l2 term excluded

	// Classification: macro averages over Classes (over Targets for a
	// multi-label report, whose Accuracy counts rows with every label right).
	Accuracy        *float64              `json:"accuracy,omitempty"`
	HammingAccuracy *float64              `json:"hamming_accuracy,omitempty"` // multi-label only
	Precision       *float64              `json:"precision,omitempty"`
	Recall          *float64              `json:"recall,omitempty"`
	F1              *float64              `json:"f1,omitempty"`
	PerClass        map[string]ClassStats `json:"per_class,omitempty"`
	PerTarget       map[string]ClassStats `json:"per_target,omitempty"` // multi-label only; Support = rows with the label on
	Confusion       [][]int               `json:"confusion,omitempty"`  // [true][predicted], in Classes order

	// Two-class targets: scores of the positive (second) class.
	RocAUC           *float64 `json:"roc_auc,omitempty"`
	AveragePrecision *float64 `json:"average_precision,omitempty"`

	// Regression.
	MSE  *float64 `json:"mse,omitempty"`
	RMSE *float64 `json:"rmse,omitempty"`
	MAE  *float64 `json:"mae,omitempty"`
	R2   *float64 `json:"r2,omitempty"`

	// Classes orders PerClass and Confusion, Targets orders PerTarget;
	// metrics.json keeps them as the order of the per_class and per_target
	// keys.
	Classes []string `json:"-"`
	Targets []string `json:"-"`
}

// ClassStats holds the one-class scores of a classification report.
type ClassStats struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"` // true rows of the class
}

// IsClassification reports whether r holds classification metrics.
func (r Report) IsClassification() bool { return r.Accuracy != nil }

// Classification scores class predictions. trueIdx and predIdx hold, for each
// of the rows, an index into classes. With tp, fp, fn counted per class c:
//
//	accuracy     = Σ_c tp_c / rows
//	precision_c  = tp_c / (tp_c + fp_c)    (0 when the class is never predicted)
//	recall_c     = tp_c / (tp_c + fn_c)    (0 when the class has no true rows)
//	f1_c         = 2·tp_c / (2·tp_c + fp_c + fn_c)   (0 when the denominator is 0)
//	precision, recall, f1 = the unweighted means of the per-class values over all classes
//
// which is scikit-learn's average="macro", zero_division=0 with
// labels=classes. With no rows the averages are NaN.
//
// Classification panics when the slices' lengths differ from rows or an index
// is outside classes.
func Classification(rows int, loss float64, trueIdx, predIdx []int, classes []string) Report {
	if len(trueIdx) != rows || len(predIdx) != rows {
		panic(fmt.Sprintf("metrics: Classification: %d rows, %d true labels, %d predictions", rows, len(trueIdx), len(predIdx)))
	}
	k := len(classes)
	// conf is k×k: conf[t][p] counts rows of true class t predicted as p.
	conf := make([][]int, k)
	for i := range conf {
		conf[i] = make([]int, k)
	}
	for i, t := range trueIdx {
		p := predIdx[i]
		if t < 0 || t >= k || p < 0 || p >= k {
			panic(fmt.Sprintf("metrics: Classification: row %d: class index true %d, predicted %d outside [0, %d)", i, t, p, k))
		}
		conf[t][p]++
	}
	// predicted[c] is the column sum of conf, support[c] its row sum.
	predicted := make([]int, k)
	correct := 0
	for t := range conf {
		for p, n := range conf[t] {
			predicted[p] += n
		}
		correct += conf[t][t]
	}
	per, meanP, meanR, meanF := macro(classes, func(c int) (tp, fp, fn int) {
		tp = conf[c][c]
		support := 0
		for _, n := range conf[c] {
			support += n
		}
		return tp, predicted[c] - tp, support - tp
	})
	acc := math.NaN()
	if rows > 0 {
		acc = float64(correct) / float64(rows)
	} else {
		meanP, meanR, meanF = math.NaN(), math.NaN(), math.NaN()
	}
	return Report{
		Rows:      rows,
		Loss:      loss,
		Accuracy:  ptr(acc),
		Precision: ptr(meanP),
		Recall:    ptr(meanR),
		F1:        ptr(meanF),
		PerClass:  per,
		Confusion: conf,
		Classes:   append([]string(nil), classes...),
	}
}

// macro scores each of names from its counts — counts(i) gives the true
// positives, false positives and false negatives of names[i] — as in
// Classification, and returns the scores by name with their unweighted means
// (NaN when names is empty). Classification and MultiLabel share it so that
// both compute precision, recall and f1 by the one rule.
func macro(names []string, counts func(i int) (tp, fp, fn int)) (per map[string]ClassStats, precision, recall, f1 float64) {
	per = make(map[string]ClassStats, len(names))
	for i, name := range names {
		tp, fp, fn := counts(i)
		s := ClassStats{
			Precision: ratio(tp, tp+fp),
			Recall:    ratio(tp, tp+fn),
			F1:        ratio(2*tp, 2*tp+fp+fn),
			Support:   tp + fn,
		}
		per[name] = s
		precision += s.Precision
		recall += s.Recall
		f1 += s.F1
	}
	n := float64(len(names))
	return per, precision / n, recall / n, f1 / n
}

// ratio returns num/den, or 0 when den is 0 (scikit-learn's zero_division=0).
func ratio(num, den int) float64 {
	if den == 0 {
		return 0
	}
	return float64(num) / float64(den)
}

func ptr(v float64) *float64 { return &v }

// Regression scores real-valued predictions. y and yhat are rows×cols,
// row-major. Over all n = rows·cols outputs:
//
//	mse  = 1/n Σ (y − ŷ)²      (no 1/2: this is not the mse loss)
//	rmse = √mse
//	mae  = 1/n Σ |y − ŷ|
//	r2   = 1/cols Σ_j r2_j,  r2_j = 1 − SS_res_j / SS_tot_j
//
// where, for target column j, SS_res_j = Σ_i (y_ij − ŷ_ij)² and
// SS_tot_j = Σ_i (y_ij − ȳ_j)². A constant column (SS_tot_j = 0) has
// r2_j = 1 when it is predicted exactly (SS_res_j = 0) and 0 otherwise,
// as scikit-learn's r2_score with force_finite=True. With one row r2 is
// NaN (undefined, as scikit-learn's); with no rows every metric is NaN.
//
// Regression panics when len(y) or len(yhat) is not rows·cols or cols < 1.
func Regression(rows int, loss float64, y, yhat []float64, cols int) Report {
	if cols < 1 || len(y) != rows*cols || len(yhat) != rows*cols {
		panic(fmt.Sprintf("metrics: Regression: %d rows × %d columns, %d targets, %d predictions", rows, cols, len(y), len(yhat)))
	}
	r := Report{Rows: rows, Loss: loss}
	if rows == 0 {
		nan := math.NaN()
		r.MSE, r.RMSE, r.MAE, r.R2 = ptr(nan), ptr(nan), ptr(nan), ptr(nan)
		return r
	}
	var sq, abs float64
	for i, v := range y {
		d := v - yhat[i]
		sq += d * d
		abs += math.Abs(d)
	}
	n := float64(rows * cols)
	mse := sq / n
	var r2 float64
	for j := 0; j < cols; j++ {
		var mean float64
		for i := 0; i < rows; i++ {
			mean += y[i*cols+j]
		}
		mean /= float64(rows)
		var ssRes, ssTot float64
		for i := 0; i < rows; i++ {
			v := y[i*cols+j]
			d := v - yhat[i*cols+j]
			ssRes += d * d
			m := v - mean
			ssTot += m * m
		}
		r2 += R2Column(ssRes, ssTot)
	}
	r.MSE = ptr(mse)
	r.RMSE = ptr(math.Sqrt(mse))
	r.MAE = ptr(abs / n)
	r.R2 = ptr(r2 / float64(cols))
	if rows == 1 {
		// Undefined: one row has no variance to explain (scikit-learn's
		// r2_score returns nan). NaN is null in JSON and "n/a" in text.
		r.R2 = ptr(math.NaN())
	}
	return r
}

// R2Column is one output column's coefficient of determination, the one
// rule every r² of nntrain uses (metrics.json, cost.csv's running train_r2
// and val_r2):
//
//	r2 = 1 − SS_res / SS_tot
//
// A constant column (SS_tot ≤ 0) scores 1 when predicted exactly
// (SS_res = 0) and 0 otherwise, as scikit-learn's r2_score with
// force_finite=True.
func R2Column(ssRes, ssTot float64) float64 {
	switch {
	case ssTot > 0: // a running SS_tot of a constant column can round below 0
		return 1 - ssRes/ssTot
	case ssRes == 0:
		return 1
	}
	return 0
}

// Accuracy is the share of rows whose class was predicted right.
func Accuracy(correct, rows int) float64 { return float64(correct) / float64(rows) }
