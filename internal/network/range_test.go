package network

import "testing"

// Range covers [0, n) exactly once whatever the pool size and grain.
func TestRangeCoversOnce(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 7} {
		p := NewPool(workers)
		for _, n := range []int{0, 1, 5, 100, 1001} {
			for _, grain := range []int{1, 10, 1000} {
				hits := make([]int, n)
				p.Range(n, grain, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						hits[i]++
					}
				})
				for i, h := range hits {
					if h != 1 {
						t.Fatalf("workers %d, n %d, grain %d: index %d visited %d times", workers, n, grain, i, h)
					}
				}
			}
		}
		p.Close()
	}
}

type counter struct {
	data []float64
	fn   func(lo, hi int)
}

func (c *counter) add(lo, hi int) {
	for i := lo; i < hi; i++ {
		c.data[i]++
	}
}

func TestRangeDoesNotAllocate(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	c := &counter{data: make([]float64, 1<<16)}
	c.fn = c.add
	if n := testing.AllocsPerRun(50, func() { p.Range(len(c.data), 1024, c.fn) }); n != 0 {
		t.Errorf("Range allocates %v times per call, want 0", n)
	}
}
