package network

import (
	"sync"
	"testing"
)

func TestNewPoolWorkers(t *testing.T) {
	tests := []struct{ in, want int }{{-3, 1}, {0, 1}, {1, 1}, {2, 2}, {7, 7}}
	for _, tt := range tests {
		p := NewPool(tt.in)
		if got := p.Workers(); got != tt.want {
			t.Errorf("NewPool(%d).Workers(): got %d, want %d", tt.in, got, tt.want)
		}
		p.Close()
		p.Close() // a second Close is harmless
	}
}

func TestPoolUseAfterClosePanics(t *testing.T) {
	p := NewPool(2)
	p.Close()
	defer func() {
		if recover() == nil {
			t.Errorf("got no panic, want one for a product after Close")
		}
	}()
	p.MulAB(make([]float64, 1), []float64{1}, []float64{1}, 1, 1, 1)
}

// TestPoolConcurrentCalls checks that products issued from several
// goroutines at once are serialised and each gets its own right answer
// (run with -race).
func TestPoolConcurrentCalls(t *testing.T) {
	p := newPool(3, Best(), 0)
	defer p.Close()
	const m, n, k = 20, 30, 40
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := make([]float64, m*k)
			b := make([]float64, k*n)
			for i := range a {
				a[i] = float64(g + 1)
			}
			for i := range b {
				b[i] = 1
			}
			c := make([]float64, m*n)
			for range 10 {
				p.MulAB(c, a, b, m, n, k)
				for i, v := range c {
					if want := float64((g + 1) * k); v != want {
						t.Errorf("goroutine %d: C[%d] got %v, want %v", g, i, v, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
