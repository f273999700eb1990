package main

import (
	"testing"
	"time"

	"github.com/nntrain/nntrain/internal/backprop"
)

// The bar's text keeps its reading order whatever the run is called, and
// gives up batch, then val, then the rate as the terminal narrows.
func TestDescribeOrderAndWidth(t *testing.T) {
	start := time.Now()
	p := &progress{name: "eta-loss-batch", epochs: 10, rows: 100, hasVal: true,
		start: start, now: func() time.Time { return start.Add(time.Second) },
		samples: 50, last: backprop.Epoch{N: 1, ValLoss: 0.25}}
	for _, tc := range []struct {
		width int
		want  string
	}{
		{100, "eta-loss-batch  epoch 2/10  batch 3/5  loss 0.5  val 0.25  50 samples/s  eta 19s "},
		{95, "eta-loss-batch  epoch 2/10  batch 3/5  loss 0.5  val 0.25  eta 19s "},
		{80, "eta-loss-batch  epoch 2/10  batch 3/5  loss 0.5  eta 19s "},
		{70, "eta-loss-batch  epoch 2/10  loss 0.5  eta 19s "},
	} {
		p.width = tc.width
		if got := p.describe(2, 3, 5, 0.5); got != tc.want {
			t.Errorf("width %d:\n got %q\nwant %q", tc.width, got, tc.want)
		}
	}
}
