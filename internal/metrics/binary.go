package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// AddBinaryScores sets roc_auc and average_precision of a two-class report
// from the score of the positive class (the second class, index 1) for each
// row; trueIdx holds each row's true class index (0 or 1). Both are NaN when
// the rows lack one of the two classes. It panics when r does not have two
// classes or the lengths differ from r.Rows.
func (r *Report) AddBinaryScores(trueIdx []int, score []float64) {
	if len(r.Classes) != 2 || len(trueIdx) != r.Rows || len(score) != r.Rows {
		panic(fmt.Sprintf("metrics: AddBinaryScores: %d classes, %d rows, %d labels, %d scores", len(r.Classes), r.Rows, len(trueIdx), len(score)))
	}
	pos := make([]bool, len(trueIdx))
	for i, t := range trueIdx {
		pos[i] = t == 1
	}
	r.RocAUC = ptr(RocAUC(pos, score))
	r.AveragePrecision = ptr(AveragePrecision(pos, score))
}

// curve holds the cumulative true and false positives at each distinct
// score, from the highest score down: a row is predicted positive at
// threshold t when its score is ≥ t, so tied scores enter together.
type curve struct {
	tp, fp []int64 // tp[i], fp[i]: positives, negatives with score ≥ the i-th distinct score
}

func rocPoints(positive []bool, score []float64) curve {
	if len(positive) != len(score) {
		panic(fmt.Sprintf("metrics: %d labels but %d scores", len(positive), len(score)))
	}
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(score[b], score[a]) })
	var c curve
	var tp, fp int64
	for k, i := range idx {
		if positive[i] {
			tp++
		} else {
			fp++
		}
		if k+1 == len(idx) || score[idx[k+1]] != score[i] {
			c.tp = append(c.tp, tp)
			c.fp = append(c.fp, fp)
		}
	}
	return c
}

// RocAUC is the area under the ROC curve of scores for the positive rows,
// scikit-learn's roc_auc_score: the trapezoids between the points
// (fpr, tpr) of each distinct score, from (0, 0), so a tie between a
// positive and a negative row counts one half:
//
//	auc = Σ_i (fp_i − fp_{i−1})·(tp_i + tp_{i−1}) / (2·P·N)
//
// counted in integers and divided once. NaN when P or N is 0.
func RocAUC(positive []bool, score []float64) float64 {
	c := rocPoints(positive, score)
	if len(c.tp) == 0 {
		return math.NaN()
	}
	p, n := c.tp[len(c.tp)-1], c.fp[len(c.fp)-1]
	if p == 0 || n == 0 {
		return math.NaN()
	}
	var area, tp0, fp0 int64 // twice the area in units of 1/(P·N)
	for i := range c.tp {
		area += (c.fp[i] - fp0) * (c.tp[i] + tp0)
		tp0, fp0 = c.tp[i], c.fp[i]
	}
	return float64(area) / (2 * float64(p) * float64(n))
}

// AveragePrecision is scikit-learn's average_precision_score: the mean of
// the precisions at each distinct score, weighted by the recall gained
// there (no interpolation):
//
//	AP = Σ_i (R_i − R_{i−1})·P_i,   P_i = tp_i/(tp_i + fp_i),  R_i = tp_i/P
//
// NaN when there is no positive row.
func AveragePrecision(positive []bool, score []float64) float64 {
	c := rocPoints(positive, score)
	if len(c.tp) == 0 || c.tp[len(c.tp)-1] == 0 {
		return math.NaN()
	}
	p := float64(c.tp[len(c.tp)-1])
	var ap, r0 float64
	for i := range c.tp {
		r := float64(c.tp[i]) / p
		ap += (r - r0) * (float64(c.tp[i]) / float64(c.tp[i]+c.fp[i]))
		r0 = r
	}
	return ap
}
