//go:build !amd64 || purego

package vec

// useAsm is false: without assembly every loop is vec.go's Go loop.
var useAsm = false

func subScaled64(w, g []float64, lr float64) int            { return 0 }
func subScaled32(w, g []float32, lr float32) int            { return 0 }
func relu64(a, z []float64) int                             { return 0 }
func relu32(a, z []float32) int                             { return 0 }
func reluGrad64(d, a []float64) int                         { return 0 }
func reluGrad32(d, a []float32) int                         { return 0 }
func add64(dst, src []float64) int                          { return 0 }
func add32(dst, src []float32) int                          { return 0 }
func adam64(w, g, m, v []float64, c *AdamCoef[float64]) int { return 0 }
func adam32(w, g, m, v []float32, c *AdamCoef[float32]) int { return 0 }
func momentum64(w, g, v []float64, lr, mu float64) int      { return 0 }
func momentum32(w, g, v []float32, lr, mu float32) int      { return 0 }
func nesterov64(w, g, v []float64, lr, mu float64) int      { return 0 }
func nesterov32(w, g, v []float32, lr, mu float32) int      { return 0 }
func rmsprop64(w, g, s []float64, k *[4]float64) int        { return 0 }
func rmsprop32(w, g, s []float32, k *[4]float32) int        { return 0 }
func leakyReLU64(a, z []float64, alpha float64) int         { return 0 }
func leakyReLU32(a, z []float32, alpha float32) int         { return 0 }
func leakyReLUGrad64(d, z []float64, alpha float64) int     { return 0 }
func leakyReLUGrad32(d, z []float32, alpha float32) int     { return 0 }
func sigmoidGrad64(d, a []float64, one float64) int         { return 0 }
func sigmoidGrad32(d, a []float32, one float32) int         { return 0 }
func tanhGrad64(d, a []float64, one float64) int            { return 0 }
func tanhGrad32(d, a []float32, one float32) int            { return 0 }
