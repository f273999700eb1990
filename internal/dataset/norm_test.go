package dataset

import (
	"math"
	"slices"
	"testing"
)

func TestFitNorm(t *testing.T) {
	// Columns: (1, 2, 3, 6) has mean 3 and squared deviations 4+1+0+9 = 14,
	// so the population std is √(14/4) = √3.5; min 1, max 6. The second
	// column is constant, so its scale falls back to 1.
	x := []float64{
		1, 10,
		2, 10,
		3, 10,
		6, 10,
	}
	tests := []struct {
		kind          NormKind
		offset, scale []float64
	}{
		{NormNone, []float64{0, 0}, []float64{1, 1}},
		{NormStandard, []float64{3, 10}, []float64{math.Sqrt(3.5), 1}},
		{NormMinMax, []float64{1, 10}, []float64{5, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			n := FitNorm(tt.kind, x, 4, 2)
			if n.Kind != tt.kind || !slices.Equal(n.Offset, tt.offset) || !slices.Equal(n.Scale, tt.scale) {
				t.Errorf("got %+v, want offset %v scale %v", n, tt.offset, tt.scale)
			}
		})
	}
}

func TestFitNormNoRows(t *testing.T) {
	n := FitNorm(NormStandard, nil, 0, 3)
	if !slices.Equal(n.Offset, []float64{0, 0, 0}) || !slices.Equal(n.Scale, []float64{1, 1, 1}) {
		t.Errorf("got %+v, want the identity", n)
	}
}

func TestFitNormStandardLargeMean(t *testing.T) {
	// 1e9 + (−1, 1): a one-pass Σx² − n·mean² would lose the spread of 1.
	n := FitNorm(NormStandard, []float64{1e9 - 1, 1e9 + 1}, 2, 1)
	if n.Offset[0] != 1e9 || n.Scale[0] != 1 {
		t.Errorf("got offset %v scale %v, want 1e9 and 1", n.Offset[0], n.Scale[0])
	}
}

func TestNormApply(t *testing.T) {
	n := Norm{Kind: NormStandard, Offset: []float64{1, -2}, Scale: []float64{2, 4}}
	x := []float64{3, 2, 1, -10}
	n.Apply(x)
	// (3−1)/2, (2+2)/4, (1−1)/2, (−10+2)/4
	if want := []float64{1, 1, 0, -2}; !slices.Equal(x, want) {
		t.Errorf("got %v, want %v", x, want)
	}
	// Fitted statistics map the training columns to mean 0, std 1.
	data := []float64{1, 2, 3, 6}
	FitNorm(NormStandard, data, 4, 1).Apply(data)
	mean, sq := 0.0, 0.0
	for _, v := range data {
		mean += v / 4
		sq += v * v / 4
	}
	if math.Abs(mean) > 1e-15 || math.Abs(sq-1) > 1e-15 {
		t.Errorf("after standard: got mean %v, mean square %v, want 0 and 1", mean, sq)
	}
	data = []float64{1, 2, 3, 6}
	FitNorm(NormMinMax, data, 4, 1).Apply(data)
	if want := []float64{0, 0.2, 0.4, 1}; !slices.Equal(data, want) {
		t.Errorf("after minmax: got %v, want %v", data, want)
	}
}

func TestNormApplyNoneWithoutStatistics(t *testing.T) {
	x := []float64{1, 2, 3}
	Norm{Kind: NormNone}.Apply(x)
	if want := []float64{1, 2, 3}; !slices.Equal(x, want) {
		t.Errorf("got %v, want %v", x, want)
	}
}

func TestNormPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"unknown kind", func() { FitNorm(NormKind(7), []float64{1}, 1, 1) }},
		{"short x", func() { FitNorm(NormNone, []float64{1}, 1, 2) }},
		{"ragged x", func() {
			Norm{Kind: NormNone, Offset: []float64{0, 0}, Scale: []float64{1, 1}}.Apply([]float64{1, 2, 3})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("got no panic, want one")
				}
			}()
			tt.f()
		})
	}
}
