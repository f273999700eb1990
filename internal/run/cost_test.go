package run

import (
	"bytes"
	"fmt"
	"math"
	"testing"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/spec"
)

// CostHeader and AppendCostRow, which a run streams cost.csv with, write
// the bytes of CostLog's WriteCSV: with and without validation rows and a
// schedule, classes or regression, and NaN, ±Inf, -0, tiny and huge values.
func TestCostRowsStreamAsCostLog(t *testing.T) {
	vals := []float64{0.5, math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 5e-324, 1.7976931348623157e308, 1e21, 1e-7, 0.1 + 0.2}
	var epochs []backprop.Epoch
	for i := range 40 {
		v := func(k int) float64 { return vals[(i*7+k*3)%len(vals)] }
		epochs = append(epochs, backprop.Epoch{N: i + 1, TrainLoss: v(0), ValLoss: v(1), TrainMetric: v(2), ValMetric: v(3), LR: v(4)})
	}
	for _, hasVal := range []bool{false, true} {
		for _, hasLR := range []bool{false, true} {
			for _, classes := range []bool{false, true} {
				t.Run(fmt.Sprintf("val=%v/lr=%v/classes=%v", hasVal, hasLR, classes), func(t *testing.T) {
					j := &Job{Spec: &spec.Spec{}, Train: &dataset.Set{}}
					if classes {
						j.Train.Classes = []string{"a", "b"}
					}
					if hasVal {
						j.Val = &dataset.Set{}
					}
					if hasLR {
						j.Spec.Train.Schedule = &spec.Schedule{}
					}
					var want bytes.Buffer
					if err := CostLog(epochs, hasVal, j.Metric(), hasLR).WriteCSV(&want); err != nil {
						t.Fatal(err)
					}
					got := j.CostHeader()
					for _, e := range epochs {
						got = j.AppendCostRow(got, e)
					}
					if !bytes.Equal(got, want.Bytes()) {
						t.Errorf("streamed:\n%s\nCostLog:\n%s", got, want.Bytes())
					}
				})
			}
		}
	}
}
