package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/network"
	"github.com/nntrain/nntrain/internal/run"
	"github.com/nntrain/nntrain/internal/spec"
)

// BenchmarkCheckpointFashion writes the checkpoint of a Fashion-MNIST run
// (784-256-128-10 with adam and early stopping: weights, two moments and
// the best weights, 235,146 each; 54,000 row indices) as the run does:
// encode, write, fsync, rename. Divide by an epoch's time for the
// overhead.
func BenchmarkCheckpointFashion(b *testing.B) {
	sp, err := spec.Load("../../configs/fashion-mnist.yaml", nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	const params, rows = 784*256 + 256 + 256*128 + 128 + 128*10 + 10, 54000
	r := rand.New(rand.NewPCG(1, 2))
	vec := func() []float64 {
		v := make([]float64, params)
		for i := range v {
			v[i] = r.NormFloat64()
		}
		return v
	}
	st := &backprop.State{Params: vec(), Opt: backprop.OptimizerState{V: vec(), S: vec(), T: 4220}, Epoch: 10,
		Perm: r.Perm(rows), Early: backprop.EarlyState{Best: vec(), BestEpoch: 9}, RNG: make([]byte, 20)}
	for i := range 10 {
		st.Epochs = append(st.Epochs, backprop.Epoch{N: i + 1, TrainLoss: r.Float64(), ValLoss: r.Float64()})
	}
	j := &run.Job{Spec: sp}
	dir := filepath.Join(b.TempDir(), "run")
	c := newCommitter()
	b.ReportAllocs()
	var size int
	for b.Loop() {
		data, err := j.NewCheckpoint(st).MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
		if err := c.writeCheckpoint(dir, data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size)/1e6, "MB")
}

// BenchmarkTrainerStateFashion is the part of a checkpoint the training
// loop waits for: Trainer.State's copy of a Fashion-MNIST run (adam, early
// stopping, 54,000 training rows); the rest is written by a goroutine.
// It needs data/fashion-mnist (scripts/fashion-mnist.sh).
func BenchmarkTrainerStateFashion(b *testing.B) {
	sp, err := spec.Load("../../configs/fashion-mnist.yaml", []string{"train.epochs=1"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(sp.Data.Train); err != nil {
		b.Skip("no Fashion-MNIST data: run scripts/fashion-mnist.sh")
	}
	j, err := run.Load(sp)
	if err != nil {
		b.Fatal(err)
	}
	if err := j.Init(""); err != nil {
		b.Fatal(err)
	}
	pool := network.NewPool(2)
	defer pool.Close()
	tr, err := j.Trainer(pool)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tr.State()
	}
}
