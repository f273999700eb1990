package main

import (
	"fmt"
	"math"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/spec"
)

// progress shows a long run to a person: a bar on a terminal, one line per
// epoch otherwise, nothing with --quiet. It writes only to stderr.
type progress struct {
	s        *streams
	quiet    bool
	epochs   int
	rows     int
	metric   string
	bar      *progressbar.ProgressBar
	start    time.Time
	last     backprop.Epoch
	hasVal   bool
	lastDraw time.Time
}

func newProgress(s *streams, quiet bool, sp *spec.Spec, j *job, metric string) *progress {
	p := &progress{s: s, quiet: quiet, epochs: sp.Train.Epochs, rows: j.train.Rows, metric: metric, start: time.Now(), hasVal: j.val != nil}
	if !quiet && s.isTTY {
		p.bar = progressbar.NewOptions(sp.Train.Epochs,
			progressbar.OptionSetWriter(s.err),
			progressbar.OptionSetWidth(24),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionSetDescription(sp.Name),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

func (p *progress) samplesPerSec(epochsDone float64) float64 {
	el := time.Since(p.start).Seconds()
	if el <= 0 {
		return 0
	}
	return epochsDone * float64(p.rows) / el
}

func (p *progress) batch(epoch, batch, batches int, loss float64) {
	if p.bar == nil || time.Since(p.lastDraw) < 100*time.Millisecond {
		return
	}
	p.lastDraw = time.Now()
	done := float64(epoch-1) + float64(batch)/float64(batches)
	desc := fmt.Sprintf("epoch %d/%d batch %d/%d loss %.4g", epoch, p.epochs, batch, batches, loss)
	if p.hasVal && p.last.N > 0 {
		desc += fmt.Sprintf(" val %.4g", p.last.ValLoss)
	}
	desc += fmt.Sprintf(" %.0f samples/s", p.samplesPerSec(done))
	p.bar.Describe(desc)
}

func (p *progress) epoch(e backprop.Epoch) {
	p.last = e
	if p.quiet {
		return
	}
	if p.bar != nil {
		p.bar.Set(e.N)
		return
	}
	line := fmt.Sprintf("epoch %d/%d  train_loss %.6g  train_%s %s", e.N, p.epochs, e.TrainLoss, p.metric, fmtMetric(e.TrainMetric))
	if p.hasVal {
		line += fmt.Sprintf("  val_loss %.6g  val_%s %s", e.ValLoss, p.metric, fmtMetric(e.ValMetric))
	}
	line += fmt.Sprintf("  %.0f samples/s", p.samplesPerSec(float64(e.N)))
	fmt.Fprintln(p.s.err, line)
}

func fmtMetric(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.4f", v)
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
