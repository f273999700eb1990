package vec

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkLoops runs each loop on the 235,146 parameters of the
// 784-256-128-10 net (the updates) or on a 128×256 batch of activations
// (ReLU, its gradient, Add), on the Go path and the AVX2 path:
//
//	go test -run '^$' -bench Loops ./internal/vec/
func BenchmarkLoops(b *testing.B) {
	b.Run("float64", func(b *testing.B) { benchLoops[float64](b) })
	b.Run("float32", func(b *testing.B) { benchLoops[float32](b) })
}

func benchLoops[T Float](b *testing.B) {
	const params, acts = 235146, 128 * 256
	r := rand.New(rand.NewPCG(1, 1))
	vals := func(n int) []T {
		s := make([]T, n)
		for i := range s {
			s[i] = T(r.NormFloat64())
		}
		return s
	}
	w, g, m, v := vals(params), vals(params), vals(params), vals(params)
	for i := range v {
		v[i] *= v[i]
	}
	z, a, d := vals(acts), make([]T, acts), vals(acts)
	c := AdamCoef[T]{Decay: 1, B1: 0.9, C1: 0.1, B2: 0.999, C2: 0.001, BC2Sqrt: 0.5, Eps: 1e-8, Step: 1e-3}
	loops := []struct {
		name string
		n    int
		run  func()
	}{
		{"sgd", params, func() { SubScaled(w, g, 1e-9) }},
		{"momentum", params, func() { Momentum(w, g, m, 1e-9, 0.9, false) }},
		{"adam", params, func() { Adam(w, g, m, v, &c) }},
		{"rmsprop", params, func() { RMSprop(w, g, v, 1e-9, 0.99, 0.01, 1e-8) }},
		{"relu", acts, func() { ReLU(a, z) }},
		{"relugrad", acts, func() { ReLUGrad(d, a) }},
		{"add", acts, func() { Add(d, z) }},
		{"leakyrelu", acts, func() { LeakyReLU(a, z, 0.01) }},
		{"leakyrelugrad", acts, func() { LeakyReLUGrad(d, z, 1) }},
		{"sigmoidgrad", acts, func() { SigmoidGrad(d, a) }},
		{"tanhgrad", acts, func() { TanhGrad(d, a) }},
	}
	paths := []bool{false}
	if useAsm {
		paths = append(paths, true)
	}
	for _, l := range loops {
		for _, asm := range paths {
			b.Run(l.name+"/"+map[bool]string{false: "go", true: "avx2"}[asm], func(b *testing.B) {
				old := useAsm
				useAsm = asm
				defer func() { useAsm = old }()
				for b.Loop() {
					l.run()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(l.n), "ns/value")
			})
		}
	}
}
