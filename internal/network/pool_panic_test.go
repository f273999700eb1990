package network

import (
	"strings"
	"testing"
)

// A panic inside a worker reaches the caller's goroutine, where the
// command's recover turns it into a message instead of a stack trace.
func TestWorkerPanicReachesCaller(t *testing.T) {
	p := newPool(2, KernelGo, 0)
	defer p.Close()
	m, n, k := 64, 64, 64
	a, b := make([]float64, m*k), make([]float64, n*k)
	c := make([]float64, 10) // too short: the workers index past it
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("no panic reached the caller")
		}
		if !strings.Contains(strings.ToLower(toString(r)), "out of range") {
			t.Errorf("got panic %v, want the worker's out-of-range panic", r)
		}
		// The pool still works afterwards.
		c := make([]float64, m*n)
		p.MulABt(c, a, b, m, n, k)
	}()
	p.gemm(c, a, b, m, n, k, k, 1, 1, k) // bypasses MulABt's shape check
}

func toString(r any) string {
	if e, ok := r.(error); ok {
		return e.Error()
	}
	if s, ok := r.(string); ok {
		return s
	}
	return ""
}
