package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
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

// TestPoolHandsOffEveryJob runs products and Ranges back to back, a little
// apart, and far enough apart that the helpers park, on pools whose helpers
// spin and on pools whose helpers park at once: every job must end with the
// right answer, and none may hang on a lost wake-up (run with -race).
func TestPoolHandsOffEveryJob(t *testing.T) {
	for _, workers := range []int{2, 3, 5} {
		for _, spin := range []bool{true, false} {
			t.Run(fmt.Sprintf("workers=%d/spin=%v", workers, spin), func(t *testing.T) {
				p := newPoolSpin(workers, Best(), 0, machineBlocks(Best()), spin)
				done := make(chan struct{})
				go func() {
					defer close(done)
					handOff(t, p)
				}()
				select {
				case <-done:
					p.Close()
				case <-time.After(30 * time.Second):
					// Not closed: Close would wait for the hung job.
					t.Fatal("the jobs did not end: a wake-up was lost")
				}
			})
		}
	}
}

func handOff(t *testing.T, p *Pool) {
	r := rand.New(rand.NewPCG(5, 6))
	pauses := []time.Duration{0, 20 * time.Microsecond, 3 * spinFor}
	hits := make([]int32, 1000)
	var fill func(lo, hi int)
	fill = func(lo, hi int) {
		for i := lo; i < hi; i++ {
			hits[i]++
		}
	}
	for round := range 60 {
		time.Sleep(pauses[round%len(pauses)])
		if round%len(pauses) == 2 && p.spin {
			// By now every helper has parked: the next job must wake them.
			for deadline := time.Now().Add(10 * time.Second); p.parked.Load() != int32(p.workers-1); {
				if time.Now().After(deadline) {
					t.Errorf("round %d: %d of %d helpers parked after a pause of %v", round, p.parked.Load(), p.workers-1, 3*spinFor)
					break
				}
				time.Sleep(time.Millisecond)
			}
		}
		// Sizes from one task (a single tile) to many.
		m, n, k := 1+r.IntN(40), 1+r.IntN(70), 1+r.IntN(30)
		a, b := randSlice(r, m*k), randSlice(r, k*n)
		got, want := make([]float64, m*n), make([]float64, m*n)
		p.MulAB(got, a, b, m, n, k)
		mulABRef(want, a, b, m, n, k)
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12*(1+math.Abs(want[i])) {
				t.Fatalf("round %d: %dx%dx%d: C[%d] got %v, want %v", round, m, n, k, i, got[i], want[i])
			}
		}
		clear(hits)
		p.Range(len(hits), 1, fill)
		for i, h := range hits {
			if h != 1 {
				t.Fatalf("round %d: Range visited index %d %d times", round, i, h)
			}
		}
	}
}
