package network

import (
	"fmt"
	"math"

	"github.com/nntrain/nntrain/internal/vec"
)

// Activation is the function g of a layer, A = g(Z). Each case is applied to
// a whole slice in one switch, never through a call per scalar.
type Activation int

const (
	Linear Activation = iota
	Sigmoid
	Tanh
	ReLU
	LeakyReLU
	Softmax
)

var activationNames = [...]string{"linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"}

// String returns the spec name of a.
func (a Activation) String() string {
	if a < 0 || int(a) >= len(activationNames) {
		return fmt.Sprintf("Activation(%d)", int(a))
	}
	return activationNames[a]
}

// ParseActivation maps a spec name to its Activation.
func ParseActivation(s string) (Activation, error) {
	for i, n := range activationNames {
		if n == s {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("unknown activation %q (want linear, sigmoid, tanh, relu, leaky_relu or softmax)", s)
}

// actForward sets a = g(z) for a batch of rows of width cols. alpha is the
// leaky_relu slope. Softmax works row by row, shifted by the row maximum.
func actForward[T Float](g Activation, a, z []T, cols int, alpha T) {
	switch g {
	case Linear:
		copy(a, z)
	case Sigmoid:
		for i, v := range z {
			a[i] = T(sigmoid(float64(v)))
		}
	case Tanh:
		for i, v := range z {
			a[i] = T(math.Tanh(float64(v)))
		}
	case ReLU:
		vec.ReLU(a, z) // by the bits, without a branch: see vec.ReLU
	case LeakyReLU:
		vec.LeakyReLU(a, z, alpha)
	case Softmax:
		for r := 0; r+cols <= len(z); r += cols {
			zr, ar := z[r:r+cols], a[r:r+cols]
			mx := T(math.Inf(-1))
			for _, v := range zr {
				if v > mx {
					mx = v
				}
			}
			var s T
			for i, v := range zr {
				e := T(math.Exp(float64(v - mx)))
				ar[i] = e
				s += e
			}
			for i := range ar {
				ar[i] /= s
			}
		}
	default:
		panic("network: unknown activation " + g.String())
	}
}

// actBackward turns dA into dZ = dA ⊙ g'(Z) in place, given Z and A = g(Z).
// Derivatives at 0 follow PyTorch: relu'(0) = 0, leaky_relu'(0) = alpha.
// Softmax has no elementwise derivative; the losses compute its dZ directly.
func actBackward[T Float](g Activation, d, z, a []T, alpha T) {
	switch g {
	case Linear:
	case Sigmoid:
		vec.SigmoidGrad(d, a) // d *= a·(1 − a)
	case Tanh:
		vec.TanhGrad(d, a) // d *= 1 − a·a
	case ReLU:
		vec.ReLUGrad(d, a)
	case LeakyReLU:
		vec.LeakyReLUGrad(d, z, alpha) // d *= alpha where z ≤ 0 (or NaN)
	default:
		panic("network: no elementwise derivative for " + g.String())
	}
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// ActivationBackward turns dA into dZ = dA ⊙ g'(Z) in place (see actBackward).
// Sigmoid, tanh and exp are evaluated in float64 and rounded to T.
func ActivationBackward[T Float](g Activation, d, z, a []T, alpha float64) {
	actBackward(g, d, z, a, T(alpha))
}
