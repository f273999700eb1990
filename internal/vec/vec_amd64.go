//go:build amd64 && !purego

package vec

import "golang.org/x/sys/cpu"

// useAsm says whether the AVX2 loops run. NNTRAIN_KERNEL does not choose
// it: both paths give the same bits (vec_test.go checks every length and
// special value against a plain Go reference).
var useAsm = cpu.X86.HasAVX2

// Each loop does the leading multiple of its block (16 float64 or 32
// float32, four ymm registers) and returns how many values it did; the Go
// loop of vec.go does the rest.

//go:noescape
func subScaled64(w, g []float64, lr float64) int

//go:noescape
func subScaled32(w, g []float32, lr float32) int

//go:noescape
func relu64(a, z []float64) int

//go:noescape
func relu32(a, z []float32) int

//go:noescape
func reluGrad64(d, a []float64) int

//go:noescape
func reluGrad32(d, a []float32) int

//go:noescape
func add64(dst, src []float64) int

//go:noescape
func add32(dst, src []float32) int

//go:noescape
func adam64(w, g, m, v []float64, c *AdamCoef[float64]) int

//go:noescape
func adam32(w, g, m, v []float32, c *AdamCoef[float32]) int

//go:noescape
func momentum64(w, g, v []float64, lr, mu float64) int

//go:noescape
func momentum32(w, g, v []float32, lr, mu float32) int

//go:noescape
func nesterov64(w, g, v []float64, lr, mu float64) int

//go:noescape
func nesterov32(w, g, v []float32, lr, mu float32) int

// rmsprop's k holds lr, α, 1 − α and ε.
//
//go:noescape
func rmsprop64(w, g, s []float64, k *[4]float64) int

//go:noescape
func rmsprop32(w, g, s []float32, k *[4]float32) int

//go:noescape
func leakyReLU64(a, z []float64, alpha float64) int

//go:noescape
func leakyReLU32(a, z []float32, alpha float32) int

//go:noescape
func leakyReLUGrad64(d, z []float64, alpha float64) int

//go:noescape
func leakyReLUGrad32(d, z []float32, alpha float32) int

//go:noescape
func sigmoidGrad64(d, a []float64, one float64) int

//go:noescape
func sigmoidGrad32(d, a []float32, one float32) int

//go:noescape
func tanhGrad64(d, a []float64, one float64) int

//go:noescape
func tanhGrad32(d, a []float32, one float32) int
