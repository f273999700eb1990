package backprop

import (
	"context"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
)

// One training step (forward, cost, backward, update) at the MLP shapes of
// the benchmarks in bench/: reports samples/s and must not allocate.
func BenchmarkStep(b *testing.B) {
	b.Run("float64", benchmarkStep[float64])
	b.Run("float32", benchmarkStep[float32])
}

func benchmarkStep[T network.Float](b *testing.B) {
	for _, bc := range []struct {
		name  string
		sizes []int
		batch int
		opt   OptimizerKind
	}{
		{"digits-64-32-10-b32-sgd", []int{64, 32, 10}, 32, SGD},
		{"fashion-784-256-128-10-b128-sgd", []int{784, 256, 128, 10}, 128, SGD},
		{"fashion-784-256-128-10-b128-adam", []int{784, 256, 128, 10}, 128, Adam},
	} {
		for _, workers := range []int{1, runtime.NumCPU()} {
			b.Run(bc.name+"-w"+strconv.Itoa(workers), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				var layers []network.LayerSpec
				for i, u := range bc.sizes[1:] {
					act := network.ReLU
					if i == len(bc.sizes)-2 {
						act = network.Softmax
					}
					layers = append(layers, network.LayerSpec{Units: u, Activation: act})
				}
				net := network.NewOf[T](bc.sizes[0], layers)
				if err := net.Init(network.InitHe, 0, rng); err != nil {
					b.Fatal(err)
				}
				pool := network.NewPool(workers)
				defer pool.Close()
				m, in, out := bc.batch, bc.sizes[0], bc.sizes[len(bc.sizes)-1]
				x := make([]T, m*in)
				for i := range x {
					x[i] = T(rng.Float64())
				}
				y := make([]T, m*out)
				for r := 0; r < m; r++ {
					y[r*out+rng.IntN(out)] = 1
				}
				tr, err := newTrainer(net, pool, Config{Loss: CrossEntropy, Optim: OptimizerConfig{Kind: bc.opt, LR: 0.01, Momentum: 0.9}}, m)
				if err != nil {
					b.Fatal(err)
				}
				tr.Step(x, y, nil, m)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					tr.Step(x, y, nil, m)
				}
				b.ReportMetric(float64(b.N*m)/b.Elapsed().Seconds(), "samples/s")
			})
		}
	}
}

func TestStepDoesNotAllocate(t *testing.T) {
	t.Run("float64", stepDoesNotAllocate[float64])
	t.Run("float32", stepDoesNotAllocate[float32])
}

func stepDoesNotAllocate[T network.Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	net := network.NewOf[T](20, []network.LayerSpec{{Units: 16, Activation: network.Tanh, Dropout: 0.3}, {Units: 3, Activation: network.Softmax}})
	net.Init(network.InitXavier, 0, rng)
	drop := network.NewDropout(1, 5)
	pool := network.NewPool(2)
	defer pool.Close()
	m := 8
	x, y := make([]T, m*20), make([]T, m*3)
	for r := 0; r < m; r++ {
		y[r*3+r%3] = 1
	}
	for opt := SGD; opt <= RMSprop; opt++ {
		// with dropout and clipping, so that neither allocates either
		tr, err := newTrainer(net, pool, Config{Loss: CrossEntropy, Optim: OptimizerConfig{Kind: opt, LR: 0.01, Momentum: 0.9}, L2: 0.1,
			ClipNorm: 1e-3, Dropout: drop}, m)
		if err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(20, func() { tr.Step(x, y, nil, m) }); n != 0 {
			t.Errorf("%s: Step allocates %v times per batch, want 0", opt, n)
		}
		w := []float64{1, 2, 0.5, 0, 1, 3, 1, 1}
		if n := testing.AllocsPerRun(20, func() { tr.Step(x, y, w, m) }); n != 0 {
			t.Errorf("%s: Step with row weights allocates %v times per batch, want 0", opt, n)
		}
	}
}

// Fit's epochs allocate nothing either: with an epoch sink (as the command
// runs it), shuffling, row weights, validation and early stopping, a Fit call
// that runs 500 more epochs allocates as often as one that runs one more
// (the Result it returns), whatever the epoch count.
func TestFitEpochsDoNotAllocate(t *testing.T) {
	for _, p := range []network.Precision{network.Float64, network.Float32} {
		t.Run(p.String(), func(t *testing.T) { fitEpochsDoNotAllocate(t, p) })
	}
}

// addEpochs raises the epochs of tr's loop by more.
func addEpochs(tr *Trainer, more int) {
	switch e := tr.engine.(type) {
	case *trainer[float64]:
		e.cfg.Epochs += more
	case *trainer[float32]:
		e.cfg.Epochs += more
	}
}

func fitEpochsDoNotAllocate(t *testing.T, p network.Precision) {
	rng := rand.New(rand.NewPCG(3, 4))
	net := network.New(5, []network.LayerSpec{{Units: 7, Activation: network.ReLU, Dropout: 0.2}, {Units: 3, Activation: network.Softmax}})
	net.Init(network.InitHe, 0, rng)
	pool := network.NewPool(2)
	defer pool.Close()
	data := func(n int) *Data {
		d := &Data{X: make([]float64, n*5), Y: make([]float64, n*3), Rows: n, Labels: make([]int, n), W: make([]float64, n)}
		for i := range d.X {
			d.X[i] = rng.NormFloat64()
		}
		for r := range n {
			d.Labels[r] = rng.IntN(3)
			d.Y[r*3+d.Labels[r]] = 1
			d.W[r] = 0.5 + rng.Float64()
		}
		return d
	}
	cfg := Config{Loss: CrossEntropy, Optim: OptimizerConfig{Kind: Adam, LR: 1e-3}, Epochs: 1, BatchSize: 4, L2: 0.01, Shuffle: true,
		Dropout: network.NewDropout(5, 6), Precision: p}
	tr, err := NewFit(net, pool, cfg, data(21), data(9), rand.NewPCG(7, 8), EarlyStopping{Patience: 1 << 30, Monitor: ValAccuracy})
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	tr.SetEpochSink(func(Epoch) error { rows++; return nil })
	ctx := context.Background()
	fit := func(more int) func() {
		return func() {
			addEpochs(tr, more)
			if _, err := tr.Fit(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	fit(1)() // epochs 1 and 2: the best weights' copy is allocated here
	one := testing.AllocsPerRun(10, fit(1))
	// one call of many epochs, so that even a slice growing by doubling shows
	many := testing.AllocsPerRun(1, fit(500))
	if one > 1 || many != one {
		t.Errorf("Fit allocates %v times for one more epoch and %v for 500, want at most 1 (the Result) for both", one, many)
	}
	if want := 2 + 11*1 + 2*500; rows != want {
		t.Errorf("the sink saw %d rows, want %d", rows, want)
	}
}
