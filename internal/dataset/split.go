package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Split draws a validation sample of round(frac·n) rows once with rng and
// returns the remaining (train) and drawn (val) row indexes, each sorted.
//
// When labels is not nil the sample is stratified: class k with c_k rows
// gives round(frac·c_k) of them. When those rounded shares do not add up to
// round(frac·n), classes are adjusted one row at a time, first those whose
// share was rounded furthest the other way, ties to the lower class index.
// Classes are drawn from in index order, each by a partial Fisher–Yates
// shuffle of its rows, so the result depends only on the inputs and rng.
//
// Split panics if frac is outside [0, 1], len(labels) ≠ n, or a label is negative.
func Split(n int, labels []int, frac float64, rng *rand.Rand) (train, val []int) {
	if !(frac >= 0 && frac <= 1) {
		panic(fmt.Sprintf("dataset: Split: frac %v outside [0, 1]", frac))
	}
	if labels != nil && len(labels) != n {
		panic(fmt.Sprintf("dataset: Split: %d labels for %d rows", len(labels), n))
	}
	nval := int(math.Round(frac * float64(n)))
	inVal := make([]bool, n)
	if labels == nil {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		for _, i := range draw(all, nval, rng) {
			inVal[i] = true
		}
	} else {
		var groups [][]int
		for i, l := range labels {
			if l < 0 {
				panic(fmt.Sprintf("dataset: Split: negative label %d at row %d", l, i))
			}
			for l >= len(groups) {
				groups = append(groups, nil)
			}
			groups[l] = append(groups[l], i)
		}
		quota := quotas(groups, frac, nval)
		for k, g := range groups {
			for _, i := range draw(g, quota[k], rng) {
				inVal[i] = true
			}
		}
	}
	train = make([]int, 0, n-nval)
	val = make([]int, 0, nval)
	for i, v := range inVal {
		if v {
			val = append(val, i)
		} else {
			train = append(train, i)
		}
	}
	return train, val
}

// quotas gives each class its rounded share frac·c_k, adjusted so that the
// shares sum to total.
func quotas(groups [][]int, frac float64, total int) []int {
	share := make([]float64, len(groups))
	quota := make([]int, len(groups))
	sum := 0
	for k, g := range groups {
		share[k] = frac * float64(len(g))
		quota[k] = int(math.Round(share[k]))
		sum += quota[k]
	}
	for ; sum < total; sum++ { // give a row to the class rounded down the most
		best := -1
		for k := range groups {
			if quota[k] < len(groups[k]) && (best < 0 || share[k]-float64(quota[k]) > share[best]-float64(quota[best])) {
				best = k
			}
		}
		quota[best]++
	}
	for ; sum > total; sum-- { // take a row from the class rounded up the most
		best := -1
		for k := range groups {
			if quota[k] > 0 && (best < 0 || share[k]-float64(quota[k]) < share[best]-float64(quota[best])) {
				best = k
			}
		}
		quota[best]--
	}
	return quota
}

// draw moves a uniform random sample of m elements of idx to its front
// (a partial Fisher–Yates shuffle) and returns it.
func draw(idx []int, m int, rng *rand.Rand) []int {
	for i := 0; i < m; i++ {
		j := i + rng.IntN(len(idx)-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
	return idx[:m]
}

// Shuffle puts idx in a uniformly random order (Fisher–Yates, drawing from rng).
func Shuffle(idx []int, rng *rand.Rand) {
	rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
}

// Gather copies rows idx of src (cols wide, row-major) into dst:
//
//	dst[i*cols : (i+1)*cols] = src[idx[i]*cols : (idx[i]+1)*cols]
//
// It allocates nothing and panics if dst is shorter than len(idx)*cols.
func Gather[T any](dst, src []T, cols int, idx []int) {
	if len(dst) < len(idx)*cols {
		panic(fmt.Sprintf("dataset: Gather: len(dst) = %d < %d rows × %d", len(dst), len(idx), cols))
	}
	for i, r := range idx {
		copy(dst[i*cols:(i+1)*cols], src[r*cols:(r+1)*cols])
	}
}
