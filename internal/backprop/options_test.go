package backprop

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
)

// Each schedule against the contract's closed form, to rounding: the
// schedules compute PyTorch's recursive form, whose rounding errors add up
// (cosine's drifts by about 1e-15 in 25 epochs, as PyTorch's does).
func TestScheduleClosedForms(t *testing.T) {
	const base = 0.4
	tests := []struct {
		cfg  ScheduleConfig
		want func(e int) float64 // lr of epoch e = 1, 2, ...
	}{
		{ScheduleConfig{Kind: StepLR, StepSize: 5, Gamma: 0.5}, func(e int) float64 { return base * math.Pow(0.5, float64((e-1)/5)) }},
		{ScheduleConfig{Kind: StepLR, StepSize: 3, Gamma: 0.3}, func(e int) float64 { return base * math.Pow(0.3, float64((e-1)/3)) }},
		{ScheduleConfig{Kind: ExponentialLR, Gamma: 0.9}, func(e int) float64 { return base * math.Pow(0.9, float64(e-1)) }},
		// CosineAnnealingLR's closed form, η + (base − η)(1 + cos(π(e−1)/T))/2: past T it rises again.
		{ScheduleConfig{Kind: CosineLR, TMax: 7, EtaMin: 0.01}, func(e int) float64 {
			return 0.01 + (base-0.01)*(1+math.Cos(math.Pi*float64(e-1)/7))/2
		}},
		{ScheduleConfig{Kind: CosineLR, TMax: 1}, func(e int) float64 { return base * (1 + math.Cos(math.Pi*float64(e-1))) / 2 }},
	}
	for _, tt := range tests {
		t.Run(tt.cfg.Kind.String(), func(t *testing.T) {
			s, st, lr := Schedule{tt.cfg, base}, ScheduleState{}, base
			for e := 1; e <= 40; e++ {
				if want := tt.want(e); math.Abs(lr-want) > 1e-13*want {
					t.Fatalf("epoch %d: lr %.17g, want %.17g", e, lr, want)
				}
				lr = s.Step(&st, lr, 0)
			}
		})
	}
}

// ReduceLROnPlateau: better means below best·(1 − threshold); more than
// patience epochs that are not reduce the lr, never below min_lr, and a
// reduction of no more than 1e-8 is skipped.
func TestSchedulePlateau(t *testing.T) {
	s, st, lr := Schedule{ScheduleConfig{Kind: PlateauLR, Factor: 0.5, Patience: 1, Threshold: 0.1, MinLR: 0.15}, 1}, ScheduleState{}, 1.0
	losses := []float64{1, 0.95, 0.95, 0.8, 0.75, 0.74, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}
	want := []float64{1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.15, 0.15, 0.15, 0.15}
	//  epoch 2: 0.95 ≥ 1·0.9, bad 1; epoch 3: bad 2 > 1 → 0.5; 0.8 < 0.9 best;
	//  0.75 ≥ 0.72 bad 1; 0.74 bad 2 → 0.25; 0.5 best; then 0.5 ×2 → 0.15 (min_lr); then no change.
	for e, l := range losses {
		if lr != want[e] {
			t.Errorf("epoch %d: lr %v, want %v", e+1, lr, want[e])
		}
		lr = s.Step(&st, lr, l)
	}
	if lr != want[len(losses)] {
		t.Errorf("after the last epoch: lr %v, want %v", lr, want[len(losses)])
	}
	tiny, tst := Schedule{ScheduleConfig{Kind: PlateauLR, Factor: 0.5, Patience: 0}, 1.5e-8}, ScheduleState{}
	if lr := tiny.Step(&tst, tiny.Step(&tst, 1.5e-8, 1), 1); lr != 1.5e-8 {
		t.Errorf("a reduction of 7.5e-9 (≤ eps 1e-8) was applied: lr %v", lr)
	}
}

// Train sets each epoch's lr from the schedule and reports it.
func TestTrainReportsScheduledLR(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	train := toyData(rng, 20)
	net := toyNet(rng)
	pool := network.NewPool(1)
	defer pool.Close()
	cfg := Config{Loss: MSE, Optim: OptimizerConfig{Kind: SGD, LR: 0.1}, Epochs: 7, BatchSize: 5}
	res, err := Train(context.Background(), net, pool, cfg, train, nil, nil, Schedule{ScheduleConfig{Kind: StepLR, StepSize: 2, Gamma: 0.5}, 0.1})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125}
	for i, e := range res.Epochs {
		if e.LR != want[i] {
			t.Errorf("epoch %d: lr %v, want %v", e.N, e.LR, want[i])
		}
	}
}

// With early stopping the best epoch's weights are kept also when the run
// reaches train.epochs before the patience runs out (keras#12511), for
// every monitor.
func TestBestWeightsKeptAtTheLastEpoch(t *testing.T) {
	for _, mon := range []Monitor{ValLoss, ValR2} {
		t.Run(mon.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			train, val := toyData(rng, 20), toyData(rng, 20)
			net := toyNet(rng)
			pool := network.NewPool(1)
			defer pool.Close()
			cfg := Config{Loss: MSE, Optim: OptimizerConfig{Kind: Adam, LR: 0.05}, Epochs: 300, BatchSize: 4, Shuffle: true}
			res, err := Train(context.Background(), net, pool, cfg, train, val, rand.NewPCG(1, 2), EarlyStopping{Patience: 1000, Monitor: mon})
			if err != nil {
				t.Fatal(err)
			}
			if res.StoppedEarly || len(res.Epochs) != cfg.Epochs {
				t.Fatalf("ran %d epochs, stopped early %v; want all %d", len(res.Epochs), res.StoppedEarly, cfg.Epochs)
			}
			best, bestE := math.Inf(1), 0
			for _, e := range res.Epochs {
				if v := mon.value(e); v < best {
					best, bestE = v, e.N
				}
			}
			if bestE == cfg.Epochs {
				t.Fatal("the last epoch is the best: the test proves nothing")
			}
			if res.BestEpoch != bestE {
				t.Errorf("BestEpoch %d, want %d", res.BestEpoch, bestE)
			}
			loss, _ := Evaluate(network.Float64, net, pool, MSE, val)
			if got := res.Epochs[bestE-1].ValLoss; math.Abs(loss-got) > 1e-12 {
				t.Errorf("the weights left have val_loss %g, want epoch %d's %g", loss, bestE, got)
			}
		})
	}
}

// val_accuracy is watched with higher is better.
func TestEarlyStoppingOnAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	mk := func(rows int) *Data {
		d := &Data{X: make([]float64, rows*2), Y: make([]float64, rows*2), Rows: rows, Labels: make([]int, rows)}
		for r := range rows {
			x1, x2 := rng.NormFloat64(), rng.NormFloat64()
			d.X[2*r], d.X[2*r+1] = x1, x2
			c := 0
			if x1+0.5*x2+0.8*rng.NormFloat64() > 0 {
				c = 1
			}
			d.Labels[r], d.Y[2*r+c] = c, 1
		}
		return d
	}
	train, val := mk(30), mk(30)
	net := network.New(2, []network.LayerSpec{{Units: 16, Activation: network.Tanh}, {Units: 2, Activation: network.Softmax}})
	net.Init(network.InitXavier, 0, rng)
	pool := network.NewPool(1)
	defer pool.Close()
	cfg := Config{Loss: CrossEntropy, Optim: OptimizerConfig{Kind: Adam, LR: 0.05}, Epochs: 500, BatchSize: 5, Shuffle: true}
	es := EarlyStopping{Patience: 15, Monitor: ValAccuracy}
	res, err := Train(context.Background(), net, pool, cfg, train, val, rand.NewPCG(3, 4), es)
	if err != nil {
		t.Fatal(err)
	}
	best, bestE := -1.0, 0
	for _, e := range res.Epochs {
		if e.ValMetric > best {
			best, bestE = e.ValMetric, e.N
		}
	}
	if !res.StoppedEarly || res.BestEpoch != bestE || len(res.Epochs) != bestE+es.Patience {
		t.Errorf("stopped early %v after %d epochs at best %d; want a stop %d epochs after the first best val_accuracy, epoch %d",
			res.StoppedEarly, len(res.Epochs), res.BestEpoch, es.Patience, bestE)
	}
}

// clip_grad_norm_: scaled to maxNorm/(n + 1e-6) when that is below 1, else untouched.
func TestClipNorm(t *testing.T) {
	g := []float64{3, 4}
	if n := ClipNorm(g, 10); n != 5 || g[0] != 3 || g[1] != 4 {
		t.Errorf("norm %v, g %v; want 5 and g untouched", n, g)
	}
	ClipNorm(g, 1)
	c := 1 / (5 + 1e-6)
	if g[0] != 3*c || g[1] != 4*c {
		t.Errorf("g %v, want %v", g, []float64{3 * c, 4 * c})
	}
}
