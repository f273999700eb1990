package main

import (
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/run"
	"github.com/nntrain/nntrain/internal/spec"
)

// progress shows a long run to a person, on stderr only: on a terminal a
// bar redrawn in place (epoch, batch, train and validation loss, samples/s,
// elapsed and remaining time); otherwise one line per epoch, which reads
// well in a CI log; nothing with --quiet.
type progress struct {
	s       *streams
	quiet   bool
	name    string
	epochs  int
	rows    int
	metric  string
	hasVal  bool
	hasLR   bool // a schedule is set: epoch lines show the lr
	bar     *progressbar.ProgressBar
	start   time.Time
	last    backprop.Epoch
	drawn   time.Time        // when the bar was last redrawn
	samples int64            // rows trained on so far
	width   int              // of the terminal
	now     func() time.Time // the clock; nil is time.Now (tests fix it)
}

// elapsed is the time since the run started, by p's clock.
func (p *progress) elapsed() time.Duration {
	if p.now != nil {
		return p.now().Sub(p.start)
	}
	return time.Since(p.start)
}

// redraw is how often the bar changes at most; faster is flicker.
const redraw = 150 * time.Millisecond

func newProgress(s *streams, quiet bool, sp *spec.Spec, j *run.Job, metric string) *progress {
	p := &progress{s: s, quiet: quiet, name: sp.Name, epochs: sp.Train.Epochs, rows: j.Train.Rows, metric: metric,
		start: time.Now(), hasVal: j.Val != nil, hasLR: sp.Train.Schedule != nil}
	if !quiet && s.isTTY {
		p.width = 80
		if f, ok := s.err.(*os.File); ok {
			if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
				p.width = w
			}
		}
		// The bar counts samples so that it moves within long epochs. The
		// text before it carries the figures; the bar comes last, where
		// the library shortens it to fit a narrow terminal.
		p.bar = progressbar.NewOptions64(int64(sp.Train.Epochs)*int64(j.Train.Rows),
			progressbar.OptionSetWriter(s.err),
			progressbar.OptionSetWidth(20),
			progressbar.OptionSetDescription(p.describe(0, 0, 0, math.NaN())),
			progressbar.OptionThrottle(0), // batch() throttles
			progressbar.OptionSetElapsedTime(false),
			progressbar.OptionSetPredictTime(false), // describe() has a steadier estimate
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetRenderBlankState(true),
			progressbar.OptionSetTheme(progressbar.Theme{Saucer: "█", SaucerPadding: "░", BarStart: "|", BarEnd: "|"}),
		)
	}
	return p
}

// describe is the text before the bar, as much of
//
//	iris  epoch 37/200  batch 6/8  loss 0.1234  val 0.1301  41.2k samples/s  eta 3s
//
// as fits the terminal with room left for the bar: a line that wraps
// cannot be redrawn in place.
func (p *progress) describe(epoch, batch, batches int, loss float64) string {
	// The parts in reading order; drop 0 is always shown, and the others
	// are added in the order 1, 2, 3 while they fit.
	type part struct {
		text string
		drop int
	}
	parts := []part{{text: fmt.Sprintf("%s  epoch %d/%d", p.name, max(epoch, 1), p.epochs)}}
	if batches > 1 {
		parts = append(parts, part{fmt.Sprintf("batch %d/%d", batch, batches), 1})
	}
	if !math.IsNaN(loss) {
		parts = append(parts, part{fmt.Sprintf("loss %.4g", loss), 0})
	}
	if p.hasVal && p.last.N > 0 {
		parts = append(parts, part{fmt.Sprintf("val %.4g", p.last.ValLoss), 2})
	}
	if el := p.elapsed(); p.samples > 0 && el > 0 {
		rate := float64(p.samples) / el.Seconds()
		left := float64(int64(p.epochs)*int64(p.rows)-p.samples) / rate
		parts = append(parts, part{fmtRate(rate) + " samples/s", 3},
			part{"eta " + fmtDuration(time.Duration(left*float64(time.Second))), 0})
	}
	// room: the width less the percentage and a bar of 10 at least.
	room := p.width - len(" 100% |") - 10 - len("|")
	used := 0
	for _, pt := range parts {
		if pt.drop == 0 {
			used += len([]rune(pt.text)) + 2
		}
	}
	shown := 0 // parts up to this drop level are shown
	for level := 1; level <= 3; level++ {
		extra := 0
		for _, pt := range parts {
			if pt.drop == level {
				extra += len([]rune(pt.text)) + 2
			}
		}
		if used+extra > room {
			break
		}
		used, shown = used+extra, level
	}
	var texts []string
	for _, pt := range parts {
		if pt.drop <= shown {
			texts = append(texts, pt.text)
		}
	}
	return strings.Join(texts, "  ") + " "
}

// OnBatchEnd makes progress a backprop.BatchCallback.
func (p *progress) OnBatchEnd(epoch, batch, batches int, loss float64) {
	p.batch(epoch, batch, batches, loss)
}

// OnEpochEnd makes progress a backprop.Callback; it never stops a run.
func (p *progress) OnEpochEnd(s *backprop.State) bool {
	p.epoch(s.Epochs[len(s.Epochs)-1])
	return false
}

func (p *progress) batch(epoch, batch, batches int, loss float64) {
	if p.bar == nil {
		return
	}
	// Rows done: whole epochs plus this epoch's batches (the last batch
	// of an epoch may be short, so count it as the rest).
	done := int64(epoch-1) * int64(p.rows)
	if batch == batches {
		done += int64(p.rows)
	} else {
		done += int64(batch) * int64((p.rows+batches-1)/batches)
	}
	p.samples = done
	if time.Since(p.drawn) < redraw {
		return
	}
	p.drawn = time.Now()
	p.bar.Describe(p.describe(epoch, batch, batches, loss))
	p.bar.Set64(done)
}

func (p *progress) epoch(e backprop.Epoch) {
	p.last = e
	if p.quiet || p.bar != nil {
		return
	}
	el := p.elapsed()
	line := fmt.Sprintf("epoch %d/%d  train_loss %.6g  train_%s %s", e.N, p.epochs, e.TrainLoss, p.metric, fmtMetric(e.TrainMetric))
	if p.hasVal {
		line += fmt.Sprintf("  val_loss %.6g  val_%s %s", e.ValLoss, p.metric, fmtMetric(e.ValMetric))
	}
	if p.hasLR {
		line += fmt.Sprintf("  lr %.4g", e.LR)
	}
	line += fmt.Sprintf("  %s samples/s  eta %s", fmtRate(float64(e.N)*float64(p.rows)/el.Seconds()),
		fmtDuration(time.Duration(float64(el)/float64(e.N)*float64(p.epochs-e.N))))
	fmt.Fprintln(p.s.err, line)
}

func fmtMetric(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.4f", v)
}

// fmtRate writes a rate with three significant digits at most and a
// thousands suffix: 512, 41.2k, 1.31M.
func fmtRate(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "-"
	case v >= 1e6:
		return fmt.Sprintf("%.3gM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.3gk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

// fmtDuration rounds a duration to what a person reads: 850ms, 12s, 3m20s,
// 2h05m.
func fmtDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "-"
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	case d < time.Hour:
		return d.Round(time.Second).String()
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// finish removes the bar, leaving the line clean for the summary or for an
// error message.
func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Clear()
		p.bar.Exit()
	}
}
