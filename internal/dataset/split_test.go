package dataset

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// checkPartition fails unless train and val are sorted, disjoint and cover 0…n−1.
func checkPartition(t *testing.T, n int, train, val []int) {
	t.Helper()
	if !slices.IsSorted(train) || !slices.IsSorted(val) {
		t.Fatalf("got unsorted lists: train %v, val %v", train, val)
	}
	all := slices.Sorted(slices.Values(append(slices.Clone(train), val...)))
	for i, v := range all {
		if v != i || len(all) != n {
			t.Fatalf("train %v and val %v are not a partition of 0…%d", train, val, n-1)
		}
	}
}

func TestSplitStratified(t *testing.T) {
	// wantVal[k] is derived by hand from the rule: round(frac·c_k) per class,
	// then adjust one row at a time towards round(frac·n).
	tests := []struct {
		name    string
		sizes   []int
		frac    float64
		wantVal []int
	}{
		// 0.2·50 = 10 each, total 30 = 0.2·150.
		{"iris", []int{50, 50, 50}, 0.2, []int{10, 10, 10}},
		// 2.5 rounds to 3 each (9), but round(7.5) = 8: take one from class 0
		// (all were rounded up by 0.5, ties to the lowest index).
		{"shares round up too far", []int{5, 5, 5}, 0.5, []int{2, 3, 3}},
		// 0.75 rounds to 1 each (4), round(0.25·12) = 3.
		{"shares round up, ties", []int{3, 3, 3, 3}, 0.25, []int{0, 1, 1, 1}},
		// 0.3·(7, 2, 1) = (2.1, 0.6, 0.3) → (2, 1, 0) = 3 = round(3.0).
		{"uneven classes", []int{7, 2, 1}, 0.3, []int{2, 1, 0}},
		// 0.4·(1, 1, 1, 1, 1) = 0.4 each → 0, but round(2) = 2: classes 0 and 1
		// (all rounded down by 0.4, ties to the lowest index).
		{"shares round down too far", []int{1, 1, 1, 1, 1}, 0.4, []int{1, 1, 0, 0, 0}},
		{"no validation", []int{4, 6}, 0, []int{0, 0}},
		{"all validation", []int{4, 6}, 1, []int{4, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var labels []int
			// Interleave the classes so that row order and class order differ.
			for left := true; left; {
				left = false
				for k, c := range tt.sizes {
					if n := countOf(labels, k); n < c {
						labels = append(labels, k)
						left = true
					}
				}
			}
			n := len(labels)
			train, val := Split(n, labels, tt.frac, newRand(7))
			checkPartition(t, n, train, val)
			got := make([]int, len(tt.sizes))
			for _, i := range val {
				got[labels[i]]++
			}
			if !slices.Equal(got, tt.wantVal) {
				t.Errorf("got validation rows per class %v, want %v", got, tt.wantVal)
			}
			if want := int(math.Round(tt.frac * float64(n))); len(val) != want {
				t.Errorf("got %d validation rows, want %d", len(val), want)
			}
		})
	}
}

func countOf(xs []int, v int) int {
	n := 0
	for _, x := range xs {
		if x == v {
			n++
		}
	}
	return n
}

func TestSplitDeterministic(t *testing.T) {
	labels := make([]int, 100)
	for i := range labels {
		labels[i] = i % 3
	}
	_, a := Split(100, labels, 0.3, newRand(1))
	_, b := Split(100, labels, 0.3, newRand(1))
	_, c := Split(100, labels, 0.3, newRand(2))
	if !slices.Equal(a, b) {
		t.Errorf("same seed: got %v and %v, want equal", a, b)
	}
	if slices.Equal(a, c) {
		t.Errorf("different seeds: got the same sample %v", a)
	}
}

func TestSplitUnstratified(t *testing.T) {
	tests := []struct {
		n       int
		frac    float64
		wantVal int
	}{
		{10, 0.3, 3}, {10, 0.25, 3}, {10, 0.24, 2}, {7, 0, 0}, {7, 1, 7}, {0, 0.5, 0},
	}
	for _, tt := range tests {
		train, val := Split(tt.n, nil, tt.frac, newRand(3))
		checkPartition(t, tt.n, train, val)
		if len(val) != tt.wantVal {
			t.Errorf("Split(%d, nil, %v): got %d validation rows, want %d", tt.n, tt.frac, len(val), tt.wantVal)
		}
	}
}

// Every row should land in the validation sample with probability frac.
func TestSplitUniform(t *testing.T) {
	const n, trials, frac = 10, 3000, 0.3
	counts := make([]int, n)
	rng := newRand(11)
	for range trials {
		_, val := Split(n, nil, frac, rng)
		for _, i := range val {
			counts[i]++
		}
	}
	mean, sd := trials*frac, math.Sqrt(trials*frac*(1-frac))
	for i, c := range counts {
		if math.Abs(float64(c)-mean) > 5*sd {
			t.Errorf("row %d: drawn %d times in %d trials, want %.0f ± %.0f", i, c, trials, mean, 5*sd)
		}
	}
}

func TestSplitPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"negative frac", func() { Split(3, nil, -0.1, newRand(1)) }},
		{"frac above 1", func() { Split(3, nil, 1.5, newRand(1)) }},
		{"NaN frac", func() { Split(3, nil, math.NaN(), newRand(1)) }},
		{"labels of another length", func() { Split(3, []int{0, 1}, 0.5, newRand(1)) }},
		{"negative label", func() { Split(2, []int{0, -1}, 0.5, newRand(1)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("got no panic, want one")
				}
			}()
			tt.f()
		})
	}
}

func TestShuffle(t *testing.T) {
	// Each of the 6 orders of 3 rows should come up about equally often.
	const trials = 6000
	counts := map[[3]int]int{}
	rng := newRand(5)
	for range trials {
		idx := []int{0, 1, 2}
		Shuffle(idx, rng)
		counts[[3]int(idx)]++
	}
	if len(counts) != 6 {
		t.Fatalf("got %d distinct orders, want 6: %v", len(counts), counts)
	}
	mean, sd := trials/6.0, math.Sqrt(trials*(1.0/6)*(5.0/6))
	for order, c := range counts {
		if math.Abs(float64(c)-mean) > 5*sd {
			t.Errorf("order %v: %d times, want %.0f ± %.0f", order, c, mean, 5*sd)
		}
	}
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7}
	a, b := slices.Clone(idx), slices.Clone(idx)
	Shuffle(a, newRand(9))
	Shuffle(b, newRand(9))
	if !slices.Equal(a, b) {
		t.Errorf("same seed: got %v and %v, want equal", a, b)
	}
}

func TestGather(t *testing.T) {
	src := []float64{
		0, 1,
		10, 11,
		20, 21,
	}
	dst := make([]float64, 6)
	Gather(dst, src, 2, []int{2, 0, 2})
	if want := []float64{20, 21, 0, 1, 20, 21}; !slices.Equal(dst, want) {
		t.Errorf("got %v, want %v", dst, want)
	}
	idx := []int{1, 0}
	if allocs := testing.AllocsPerRun(100, func() { Gather(dst, src, 2, idx) }); allocs != 0 {
		t.Errorf("got %v allocations, want 0", allocs)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("short dst: got no panic, want one")
		}
	}()
	Gather(dst[:3], src, 2, idx)
}

func TestPartitionMatchesSubset(t *testing.T) {
	s := &Set{Features: []string{"a", "b"}, Targets: []string{"y"}, Classes: []string{"p", "q"}, Rows: 6,
		X: []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, Y: []float64{1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1},
		Labels: []int{0, 1, 0, 1, 0, 1}}
	train, val := []int{0, 2, 3, 5}, []int{1, 4}
	wantT, wantV := s.Subset(train), s.Subset(val)
	gotT, gotV := s.Partition(train, val)
	for _, c := range []struct {
		name      string
		got, want *Set
	}{{"train", gotT, wantT}, {"validation", gotV, wantV}} {
		if !reflect.DeepEqual(c.got.X, c.want.X) || !reflect.DeepEqual(c.got.Y, c.want.Y) ||
			!reflect.DeepEqual(c.got.Labels, c.want.Labels) || c.got.Rows != c.want.Rows {
			t.Errorf("%s: got %+v, want %+v", c.name, c.got, c.want)
		}
	}
}
