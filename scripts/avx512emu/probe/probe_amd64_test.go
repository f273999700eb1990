package probe

import (
	"math"
	"testing"

	"golang.org/x/sys/cpu"
)

func TestFMA8(t *testing.T) {
	if !cpu.X86.HasAVX512F {
		t.Skip("this CPU (or its OS) does not report AVX512F")
	}
	var a, b, c, got [8]float64
	for i := range a {
		a[i], b[i], c[i] = float64(i)+0.5, 1.0/3, float64(-i)
	}
	fma8(&got, &a, &b, &c)
	for i := range got {
		want := math.FMA(a[i], b[i], c[i])
		t.Logf("lane %d: %v·%v + %v = %v", i, a[i], b[i], c[i], got[i])
		if math.Float64bits(got[i]) != math.Float64bits(want) {
			t.Errorf("lane %d: got %v, want %v", i, got[i], want)
		}
	}
}
