package backprop

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
)

// as32 returns d with its inputs in X32 only, and d with its inputs rounded
// to float32 values but held in X.
func as32(d *Data) (x32, x64 *Data) {
	a, b := *d, *d
	a.X, a.X32 = nil, network.Convert[float32](d.X)
	b.X = network.Convert[float64](a.X32)
	return &a, &b
}

// TestFloat32DataInX32 runs the float32 paths on data whose inputs are in
// Data.X32 and on the same float32 values held in X: the trainer uses X32
// as it is (no copy), and training, Evaluate and PredictData give the same
// bits either way, as does a float64 Evaluate, which widens X32 exactly.
func TestFloat32DataInX32(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	tr32, tr64 := as32(toyData(rng, 30))
	va32, va64 := as32(toyData(rng, 12))
	if x := dataIn[float32](tr32).X; &x[0] != &tr32.X32[0] {
		t.Error("dataIn[float32] copied X32")
	}
	pool := network.NewPool(2)
	defer pool.Close()
	cfg := Config{Loss: MSE, Optim: OptimizerConfig{Kind: Adam, LR: 0.01}, Epochs: 5, BatchSize: 7, Shuffle: true, Precision: network.Float32}
	start := toyNet(rng)
	var nets [2]*network.Net
	var results [2]*Result
	for i, d := range [][2]*Data{{tr32, va32}, {tr64, va64}} {
		nets[i] = network.New(start.Inputs(), start.Specs())
		copy(nets[i].Params, start.Params)
		res, err := Train(context.Background(), nets[i], pool, cfg, d[0], d[1], rand.NewPCG(1, 2))
		if err != nil {
			t.Fatal(err)
		}
		results[i] = res
	}
	if !slices.Equal(nets[0].Params, nets[1].Params) {
		t.Error("float32 training on X32 and on the same values in X end with different weights")
	}
	if !reflect.DeepEqual(results[0].Epochs, results[1].Epochs) {
		t.Errorf("epochs differ:\n%+v\n%+v", results[0].Epochs, results[1].Epochs)
	}
	net := nets[0]
	for _, p := range []network.Precision{network.Float32, network.Float64} {
		j32, a32 := Evaluate(p, net, pool, MSE, va32)
		j64, a64 := Evaluate(p, net, pool, MSE, va64)
		if j32 != j64 || !slices.Equal(a32, a64) {
			t.Errorf("%v Evaluate: loss %v on X32, %v on X; outputs equal %v", p, j32, j64, slices.Equal(a32, a64))
		}
		if got, want := PredictData(p, net, pool, va32), Predict(p, net, pool, va64.X, va64.Rows); !slices.Equal(got, want) || !slices.Equal(got, a64) {
			t.Errorf("%v PredictData on X32: got %v, want %v", p, got, want)
		}
	}
}
