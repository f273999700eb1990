package backprop

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
)

// stopAt cancels the run after batch `batch` of epoch `epoch`+1, so that
// the State is at Epoch = epoch, Batch = batch. With batch 0 the first part
// is a run of `epoch` epochs that completes, as a checkpoint taken at an
// epoch's end (and train.epochs growing on resume) sees it.
type stopAt struct {
	epoch, batch int
	cancel       func()
}

func (s stopAt) OnEpochEnd(*State) bool { return false }

func (s stopAt) OnBatchEnd(epoch, batch, _ int, _ float64) {
	if epoch == s.epoch+1 && batch == s.batch {
		s.cancel()
	}
}

// Stopping a run, marshalling its State, restoring it into a fresh Trainer
// on a fresh network and pool and finishing gives the same bits as the run
// left alone.
func TestStateRoundTripIsByteIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	plainTrain, plainVal := toyData(rng, 37), toyData(rng, 15)
	init := toyNet(rng).Params
	// The same rows with row weights (one of them 0), which the batches
	// gather along with the rows.
	wrng := rand.New(rand.NewPCG(13, 14))
	weightedTrain, weightedVal := *plainTrain, *plainVal
	for _, d := range []*Data{&weightedTrain, &weightedVal} {
		d.W = make([]float64, d.Rows)
		for i := range d.W {
			d.W[i] = 0.25 + 2*wrng.Float64()
		}
		d.W[3] = 0
	}
	var train, val *Data
	run := func(cfg Config, workers int, es Callback, stop *stopAt, from *State) (*Trainer, *Result, error) {
		net := network.New(2, []network.LayerSpec{{Units: 16, Activation: network.Tanh}, {Units: 1, Activation: network.Linear}})
		copy(net.Params, init)
		pool := network.NewPool(workers)
		t.Cleanup(pool.Close)
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		cbs := []Callback{es}
		if stop != nil {
			stop.cancel = cancel
			cbs = append(cbs, *stop)
		}
		tr, err := NewFit(net, pool, cfg, train, val, rand.NewPCG(3, 4), cbs...)
		if err != nil {
			t.Fatal(err)
		}
		if from != nil {
			if err := tr.Restore(from); err != nil {
				t.Fatal(err)
			}
		}
		res, err := tr.Fit(ctx)
		return tr, res, err
	}
	for _, weighted := range []bool{false, true} {
		for _, opt := range []OptimizerKind{SGD, Momentum, Nesterov, Adam, AdamW, RMSprop} {
			for _, shuffle := range []bool{false, true} {
				// 37 rows in batches of 5: 8 batches, the last one of 2 rows; batch
				// 8 is an epoch's end before its val_loss and callbacks.
				for _, stop := range []stopAt{{epoch: 0, batch: 8}, {epoch: 3, batch: 8}, {epoch: 2, batch: 3}, {epoch: 0, batch: 1}, {epoch: 4}} {
					name := fmt.Sprintf("%s/shuffle=%v/stop=%d.%d", opt, shuffle, stop.epoch, stop.batch)
					train, val = plainTrain, plainVal
					if weighted {
						name = "weighted/" + name
						train, val = &weightedTrain, &weightedVal
					}
					t.Run(name, func(t *testing.T) {
						cfg := Config{Loss: MSE, Optim: OptimizerConfig{Kind: opt, LR: 0.05, Momentum: 0.9}, Epochs: 30, BatchSize: 5, L2: 0.01, Shuffle: shuffle}
						es := EarlyStopping{Patience: 4, MinDelta: 1e-4}
						whole, wantRes, err := run(cfg, 1, es, nil, nil)
						if err != nil {
							t.Fatal(err)
						}
						whole.KeepBest()
						t.Logf("uninterrupted: %d epochs, best %d, stopped early %v", len(wantRes.Epochs), wantRes.BestEpoch, wantRes.StoppedEarly)
						firstCfg, wantErr := cfg, ErrInterrupted
						if stop.batch == 0 {
							firstCfg.Epochs, wantErr = stop.epoch, nil
						}
						first, _, err := run(firstCfg, 1, es, &stop, nil)
						if !errors.Is(err, wantErr) {
							t.Fatalf("first part: got %v, want %v", err, wantErr)
						}
						b, err := first.State().MarshalBinary()
						if err != nil {
							t.Fatal(err)
						}
						var st State
						if err := st.UnmarshalBinary(b); err != nil {
							t.Fatal(err)
						}
						if st.Epoch != stop.epoch || st.Batch != stop.batch {
							t.Fatalf("state at epoch %d batch %d, want %d, %d", st.Epoch, st.Batch, stop.epoch, stop.batch)
						}
						rest, gotRes, err := run(cfg, 2, es, nil, &st)
						if err != nil {
							t.Fatal(err)
						}
						rest.KeepBest()
						sameBits(t, "params", rest.engine.(*trainer[float64]).net.Params, whole.engine.(*trainer[float64]).net.Params)
						if len(gotRes.Epochs) != len(wantRes.Epochs) || gotRes.BestEpoch != wantRes.BestEpoch || gotRes.StoppedEarly != wantRes.StoppedEarly {
							t.Fatalf("resumed run: %d epochs, best %d, stopped %v; want %d, %d, %v",
								len(gotRes.Epochs), gotRes.BestEpoch, gotRes.StoppedEarly, len(wantRes.Epochs), wantRes.BestEpoch, wantRes.StoppedEarly)
						}
						for i, e := range gotRes.Epochs {
							w := wantRes.Epochs[i]
							sameBits(t, fmt.Sprintf("epoch %d", i+1), []float64{e.TrainLoss, e.ValLoss, e.TrainMetric, e.ValMetric},
								[]float64{w.TrainLoss, w.ValLoss, w.TrainMetric, w.ValMetric})
						}
						// The whole State, not just what Result shows.
						a, _ := rest.State().MarshalBinary()
						c, _ := whole.State().MarshalBinary()
						if string(a) != string(c) {
							t.Errorf("final states differ")
						}
					})
				}
			}
		}
	}
}

func sameBits(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("%s[%d] = %v, want %v (bits differ)", what, i, got[i], want[i])
		}
	}
}

func TestStateUnmarshalRejectsDamage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	net := toyNet(rng)
	pool := network.NewPool(1)
	defer pool.Close()
	tr, err := NewFit(net, pool, Config{Loss: MSE, Optim: OptimizerConfig{Kind: Adam, LR: 0.01}, Epochs: 2, BatchSize: 4, Shuffle: true}, toyData(rng, 10), nil, rand.NewPCG(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Fit(context.Background()); err != nil {
		t.Fatal(err)
	}
	b, err := tr.State().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string][]byte{
		"empty":     nil,
		"truncated": b[:len(b)/2],
		"version":   append([]byte("nntrain-state/999\n"), b[len("nntrain-state/1\n"):]...),
		"other":     []byte("{}"),
	} {
		var s State
		if err := s.UnmarshalBinary(d); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A state of another network shape is refused by Restore.
	other := network.New(2, []network.LayerSpec{{Units: 3, Activation: network.Tanh}, {Units: 1, Activation: network.Linear}})
	tr2, _ := NewFit(other, pool, Config{Loss: MSE, Optim: OptimizerConfig{Kind: Adam, LR: 0.01}, Epochs: 2, BatchSize: 4}, toyData(rng, 10), nil, nil)
	if err := tr2.Restore(tr.State()); err == nil {
		t.Error("Restore of a state of another network: no error")
	}
}

// With an epoch sink, Fit hands over every row in order (the rows a run
// without one keeps, bit for bit, and with the same weights and early
// stop), and State and Result hold only the last row, also across a
// Restore of a state taken part way.
func TestEpochSinkKeepsOnlyTheLastRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	train, val := toyData(rng, 37), toyData(rng, 15)
	init := toyNet(rng).Params
	cfg := Config{Loss: MSE, Optim: OptimizerConfig{Kind: Adam, LR: 0.05}, Epochs: 40, BatchSize: 5, Shuffle: true}
	es := EarlyStopping{Patience: 6, MinDelta: 1e-4}
	fit := func(sink func(Epoch) error, stop *stopAt, from *State) (*Trainer, *Result, error) {
		net := network.New(2, []network.LayerSpec{{Units: 16, Activation: network.Tanh}, {Units: 1, Activation: network.Linear}})
		copy(net.Params, init)
		pool := network.NewPool(1)
		t.Cleanup(pool.Close)
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		cbs := []Callback{es}
		if stop != nil {
			stop.cancel = cancel
			cbs = append(cbs, *stop)
		}
		tr, err := NewFit(net, pool, cfg, train, val, rand.NewPCG(3, 4), cbs...)
		if err != nil {
			t.Fatal(err)
		}
		if sink != nil {
			tr.SetEpochSink(sink)
		}
		if from != nil {
			if err := tr.Restore(from); err != nil {
				t.Fatal(err)
			}
		}
		res, err := tr.Fit(ctx)
		return tr, res, err
	}
	whole, want, err := fit(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []Epoch
	sink := func(e Epoch) error { got = append(got, e); return nil }
	first, _, err := fit(sink, &stopAt{epoch: 7, batch: 3}, nil)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("first part: %v", err)
	}
	st := first.State()
	if len(st.Epochs) != 1 || st.Epochs[0].N != 7 || st.Epoch != 7 {
		t.Fatalf("state holds %d rows at epoch %d, want only row 7", len(st.Epochs), st.Epoch)
	}
	rest, res, err := fit(sink, nil, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Epochs) != 1 || !res.Streamed || res.Done != len(want.Epochs) || res.BestEpoch != want.BestEpoch || res.StoppedEarly != want.StoppedEarly {
		t.Fatalf("result: %d rows, streamed %v, done %d, best %d; want 1, true, %d, %d", len(res.Epochs), res.Streamed, res.Done, res.BestEpoch, len(want.Epochs), want.BestEpoch)
	}
	if len(got) != len(want.Epochs) {
		t.Fatalf("the sink got %d rows, want %d", len(got), len(want.Epochs))
	}
	for i := range got {
		g, w := got[i], want.Epochs[i]
		sameBits(t, fmt.Sprintf("row %d", i+1), []float64{float64(g.N), g.TrainLoss, g.TrainMetric, g.ValLoss, g.ValMetric, g.LR},
			[]float64{float64(w.N), w.TrainLoss, w.TrainMetric, w.ValLoss, w.ValMetric, w.LR})
	}
	rest.KeepBest()
	whole.KeepBest()
	sameBits(t, "params", rest.engine.(*trainer[float64]).net.Params, whole.engine.(*trainer[float64]).net.Params)
	if !want.StoppedEarly {
		t.Log("early stopping did not fire")
	}
	boom := errors.New("disk full")
	if _, _, err := fit(func(Epoch) error { return boom }, nil, nil); !errors.Is(err, boom) {
		t.Errorf("a failing sink: got %v, want its error", err)
	}
}
