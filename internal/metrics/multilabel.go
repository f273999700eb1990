package metrics

import (
	"fmt"
	"math"
)

// LabelThreshold is the output at or above which a label of a multi-label
// model is on.
const LabelThreshold = 0.5

// MultiLabel scores several 0/1 targets (bce with one sigmoid unit per
// target). y holds the true 0/1 values and prob the outputs, both rows×L
// row-major with L = len(targets); a label is predicted on when its output
// is ≥ LabelThreshold. With tp, fp, fn counted per target t:
//
//	accuracy          = rows whose every label is right / rows   (subset accuracy)
//	hamming_accuracy  = labels right / (rows·L)                  (1 − Hamming loss)
//	precision_t, recall_t, f1_t as in Classification, support_t = rows with t on
//	precision, recall, f1 = their unweighted means over the targets
//
// which is scikit-learn's accuracy_score, 1 − hamming_loss and
// precision_recall_fscore_support(average=None and "macro", zero_division=0)
// on the label indicator matrices. With no rows the averages are NaN.
//
// MultiLabel panics when the lengths do not match.
func MultiLabel(rows int, loss float64, y, prob []float64, targets []string) Report {
	L := len(targets)
	if L < 1 || len(y) != rows*L || len(prob) != rows*L {
		panic(fmt.Sprintf("metrics: MultiLabel: %d rows × %d targets, %d true values, %d outputs", rows, L, len(y), len(prob)))
	}
	tp, fp, fn := make([]int, L), make([]int, L), make([]int, L)
	exact, right := 0, 0
	for r := 0; r < rows; r++ {
		all := true
		for t := 0; t < L; t++ {
			truth := y[r*L+t] == 1
			pred := prob[r*L+t] >= LabelThreshold
			switch {
			case truth && pred:
				tp[t]++
			case pred:
				fp[t]++
			case truth:
				fn[t]++
			}
			if truth == pred {
				right++
			} else {
				all = false
			}
		}
		if all {
			exact++
		}
	}
	per, meanP, meanR, meanF := macro(targets, func(t int) (int, int, int) { return tp[t], fp[t], fn[t] })
	acc, ham := math.NaN(), math.NaN()
	if rows > 0 {
		acc = float64(exact) / float64(rows)
		ham = float64(right) / float64(rows*L)
	} else {
		meanP, meanR, meanF = math.NaN(), math.NaN(), math.NaN()
	}
	return Report{
		Rows:            rows,
		Loss:            loss,
		Accuracy:        ptr(acc),
		HammingAccuracy: ptr(ham),
		Precision:       ptr(meanP),
		Recall:          ptr(meanR),
		F1:              ptr(meanF),
		PerTarget:       per,
		Targets:         append([]string(nil), targets...),
	}
}
