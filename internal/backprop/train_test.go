package backprop

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
)

// A small regression problem y = 2x₁ − x₂ with a train and validation set.
func toyData(rng *rand.Rand, rows int) *Data {
	d := &Data{X: make([]float64, rows*2), Y: make([]float64, rows), Rows: rows}
	for r := 0; r < rows; r++ {
		x1, x2 := rng.NormFloat64(), rng.NormFloat64()
		d.X[2*r], d.X[2*r+1] = x1, x2
		d.Y[r] = 2*x1 - x2 + 0.3*rng.NormFloat64()
	}
	return d
}

func toyNet(rng *rand.Rand) *network.Net {
	net := network.New(2, []network.LayerSpec{{Units: 16, Activation: network.Tanh}, {Units: 1, Activation: network.Linear}})
	net.Init(network.InitXavier, 0, rng)
	return net
}

func TestEarlyStoppingKeepsBestEpoch(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	train, val := toyData(rng, 20), toyData(rng, 20)
	net := toyNet(rng)
	pool := network.NewPool(1)
	defer pool.Close()
	cfg := Config{Loss: MSE, Optim: OptimizerConfig{Kind: Adam, LR: 0.05}, Epochs: 2000, BatchSize: 4, Shuffle: true}
	es := EarlyStopping{Patience: 10}
	res, err := Train(context.Background(), net, pool, cfg, train, val, rand.NewPCG(5, 7), es)
	if err != nil {
		t.Fatal(err)
	}
	if !res.StoppedEarly || len(res.Epochs) == cfg.Epochs {
		t.Fatalf("ran %d epochs, stopped early %v; want an early stop on an overfitting net", len(res.Epochs), res.StoppedEarly)
	}
	if got, want := len(res.Epochs), res.BestEpoch+es.Patience; got != want {
		t.Errorf("stopped after %d epochs, want best epoch %d + patience %d", got, res.BestEpoch, es.Patience)
	}
	best := math.Inf(1)
	for _, e := range res.Epochs {
		best = math.Min(best, e.ValLoss)
	}
	if got, _ := Evaluate(network.Float64, net, pool, MSE, val); math.Abs(got-best) > 1e-12 {
		t.Errorf("kept weights have val loss %g, want the best epoch's %g", got, best)
	}
}

func TestInterruptFinishesTheBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	train := toyData(rng, 40)
	net := toyNet(rng)
	pool := network.NewPool(1)
	defer pool.Close()
	ctx, cancel := context.WithCancel(context.Background())
	batches := 0
	hook := batchFunc(func(epoch, batch, n int, loss float64) {
		batches++
		if epoch == 2 && batch == 3 {
			cancel()
		}
	})
	res, err := Train(ctx, net, pool, Config{Loss: MSE, Optim: OptimizerConfig{Kind: SGD, LR: 0.01}, Epochs: 10, BatchSize: 8}, train, nil, nil, hook)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got error %v, want ErrInterrupted", err)
	}
	if batches != 8 || len(res.Epochs) != 1 {
		t.Errorf("ran %d batches and %d whole epochs, want 8 and 1", batches, len(res.Epochs))
	}
}

func TestDivergenceNamesEpochAndBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	train := toyData(rng, 40)
	for i := range train.Y {
		train.Y[i] *= 1e6
	}
	net := toyNet(rng)
	pool := network.NewPool(1)
	defer pool.Close()
	_, err := Train(context.Background(), net, pool, Config{Loss: MSE, Optim: OptimizerConfig{Kind: SGD, LR: 10}, Epochs: 100, BatchSize: 8}, train, nil, nil)
	var nf *NonFiniteError
	if !errors.As(err, &nf) {
		t.Fatalf("got %v, want a NonFiniteError", err)
	}
	if nf.Epoch < 1 || nf.Batch < 1 {
		t.Errorf("error names epoch %d batch %d", nf.Epoch, nf.Batch)
	}
	for _, p := range net.Params {
		if math.IsNaN(p) || math.IsInf(p, 0) {
			t.Fatalf("a parameter is %v after the run stopped; the failing batch must not update", p)
		}
	}
	t.Log(err)
}

// batchFunc is a BatchCallback made of a function.
type batchFunc func(epoch, batch, batches int, loss float64)

func (f batchFunc) OnBatchEnd(epoch, batch, batches int, loss float64) {
	f(epoch, batch, batches, loss)
}
func (batchFunc) OnEpochEnd(*State) bool { return false }
