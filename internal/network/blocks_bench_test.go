package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkMulBlocks compares the default cache blocks with the ones read
// from this machine's caches, on the fast kernel and one worker, so that a
// change of the block rule is judged by a side-by-side run:
//
//	go test -run '^$' -bench 'MulBlocks' -benchtime 200ms ./internal/network/
func BenchmarkMulBlocks(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9^0x9e3779b97f4a7c15))
	sets := []struct {
		name string
		blk  blocks
	}{{"default", defaultBlocks}, {"machine", machineBlocks(Best())}}
	b.Logf("machine blocks %+v, default %+v", machineBlocks(Best()), defaultBlocks)
	for _, s := range benchShapes {
		a, bb, c := randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), make([]float64, s.m*s.n)
		fast := products[s.prod].fast
		for _, set := range sets {
			pool := newPoolBlocks(1, Best(), serialFlops, set.blk)
			b.Run(fmt.Sprintf("%s/%s", s.name, set.name), func(b *testing.B) {
				best := time.Duration(math.MaxInt64)
				for b.Loop() {
					t0 := time.Now()
					fast(pool, c, a, bb, s.m, s.n, s.k)
					best = min(best, time.Since(t0))
				}
				reportBest(b, s.m, s.n, s.k, best)
			})
			pool.Close()
		}
	}
}
