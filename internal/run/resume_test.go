package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/network"
	"github.com/nntrain/nntrain/internal/spec"
)

// cancelAt cancels a run after batch `batch` of epoch `epoch`.
type cancelAt struct {
	epoch, batch int
	cancel       func()
}

func (c cancelAt) OnEpochEnd(*backprop.State) bool { return false }
func (c cancelAt) OnBatchEnd(epoch, batch, _ int, _ float64) {
	if epoch == c.epoch && batch == c.batch {
		c.cancel()
	}
}

// A job stopped part way, its State marshalled and restored into a freshly
// loaded job with another worker count, finishes with the same bytes of
// model.json, cost.csv and metrics.json as the run left alone: what a
// checkpoint file and --resume need from the library.
func TestResumedJobWritesTheSameBytes(t *testing.T) {
	for _, sets := range [][]string{
		{"train.optimizer=adam", "train.learning_rate=0.01", "train.epochs=40", "train.early_stopping.patience=5"},
		{"train.optimizer=momentum", "train.epochs=30", "data.shuffle=false"},
		{"train.epochs=30", "train.l2=0.01"},
		// The training options: each piece of state they add (the schedule's
		// lr and counters, dropout's stream, adamw's moments) must survive.
		{"train.epochs=30", "train.schedule={kind: step, step_size: 4, gamma: 0.5}"},
		{"train.epochs=30", "train.learning_rate=0.05", "train.schedule={kind: plateau, patience: 1, factor: 0.5, threshold: 0.05}"},
		{"train.epochs=30", "model.layers.0.dropout=0.4"},
		{"train.optimizer=adamw", "train.learning_rate=0.01", "train.epochs=30", "train.weight_decay=0.05"},
		{"train.optimizer=adamw", "train.learning_rate=0.01", "train.epochs=30", "model.layers.0.dropout=0.3", "train.clip_norm=0.5",
			"train.schedule={kind: cosine, t_max: 7}", "train.early_stopping={patience: 15, monitor: val_accuracy}"},
		{"train.optimizer=rmsprop", "train.learning_rate=0.005", "train.epochs=30", "model.layers.0.dropout=0.2"},
		{"train.optimizer=nesterov", "train.epochs=30", "train.schedule={kind: exponential, gamma: 0.9}"},
		// float32: the state's float64 slices hold the float32 values exactly.
		{"train.precision=float32", "train.optimizer=adam", "train.learning_rate=0.01", "train.epochs=40", "train.early_stopping.patience=5"},
		{"train.precision=float32", "train.optimizer=rmsprop", "train.learning_rate=0.005", "train.epochs=30", "model.layers.0.dropout=0.2",
			"train.schedule={kind: cosine, t_max: 7}"},
	} {
		for _, stop := range []cancelAt{{epoch: 1, batch: 8}, {epoch: 7, batch: 3}, {epoch: 8, batch: 2}, {epoch: 21, batch: 5}} {
			t.Run(fmt.Sprintf("%v/stop=%d.%d", sets, stop.epoch, stop.batch), func(t *testing.T) {
				load := func(workers int) *Job {
					sp, err := spec.Load("../../configs/iris.yaml", append([]string{fmt.Sprintf("train.workers=%d", workers)}, sets...), nil)
					if err != nil {
						t.Fatal(err)
					}
					j, err := Load(sp)
					if err != nil {
						t.Fatal(err)
					}
					if err := j.Init(""); err != nil {
						t.Fatal(err)
					}
					return j
				}
				want, err := load(1).Fit(context.Background())
				if err != nil {
					t.Fatal(err)
				}

				pool1 := network.NewPool(1)
				defer pool1.Close()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				stop.cancel = cancel
				tr, err := load(1).Trainer(pool1, stop)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := tr.Fit(ctx); !errors.Is(err, backprop.ErrInterrupted) {
					t.Fatalf("first part: %v, want ErrInterrupted", err)
				}
				b, err := tr.State().MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}

				var st backprop.State
				if err := st.UnmarshalBinary(b); err != nil {
					t.Fatal(err)
				}
				j2 := load(2)
				pool2 := network.NewPool(2)
				defer pool2.Close()
				tr2, err := j2.Trainer(pool2)
				if err != nil {
					t.Fatal(err)
				}
				if err := tr2.Restore(&st); err != nil {
					t.Fatal(err)
				}
				hist, err := tr2.Fit(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				got, err := j2.Finish(pool2, tr2, hist)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range []struct {
					name      string
					got, want []byte
				}{{"model.json", got.ModelJSON, want.ModelJSON}, {"cost.csv", got.CostCSV, want.CostCSV}, {"metrics.json", got.MetricsJSON, want.MetricsJSON}} {
					if !bytes.Equal(f.got, f.want) {
						t.Errorf("%s differs from the uninterrupted run's", f.name)
					}
				}
			})
		}
	}
}
