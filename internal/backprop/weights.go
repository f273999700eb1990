package backprop

import "fmt"

// BalancedClassWeights returns scikit-learn's class_weight="balanced" for k
// classes from the class index of each training row:
//
//	w_c = n / (k · n_c)
//
// n_c counting rows, whatever their sample weights. A class with no training
// row gets 1 (it cannot enter the training loss; 1 keeps it neutral in a
// validation or test loss). It panics on a label outside [0, k).
func BalancedClassWeights(labels []int, k int) []float64 {
	count := make([]int, k)
	for i, l := range labels {
		if l < 0 || l >= k {
			panic(fmt.Sprintf("backprop: BalancedClassWeights: row %d has class %d outside [0, %d)", i, l, k))
		}
		count[l]++
	}
	w := make([]float64, k)
	for c, n := range count {
		w[c] = 1
		if n > 0 {
			w[c] = float64(len(labels)) / (float64(k) * float64(n))
		}
	}
	return w
}

// RowWeights returns each row's weight in the loss,
//
//	w_i = classWeight[labels[i]] · sample[i]
//
// a nil factor counting as 1; it returns nil (unweighted) when both are nil.
func RowWeights(labels []int, classWeight, sample []float64) []float64 {
	switch {
	case classWeight == nil && sample == nil:
		return nil
	case classWeight == nil:
		return append([]float64(nil), sample...)
	}
	w := make([]float64, len(labels))
	for i, l := range labels {
		w[i] = classWeight[l]
		if sample != nil {
			w[i] *= sample[i]
		}
	}
	return w
}
