package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// specials are the values whose bits a loop could get wrong: both zeros,
// both infinities, NaNs with and without the sign bit, subnormals, the
// extremes.
var specials = []float64{
	0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1),
	math.NaN(), math.Float64frombits(0xfff8000000000001),
	5e-324, -5e-324, 2.2250738585072014e-308, -1e-310,
	math.MaxFloat64, -math.MaxFloat64, 1, -1,
}

var specials32 = []float32{
	0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
	float32(math.NaN()), math.Float32frombits(0xffc00001),
	1e-45, -1e-45, 1.1754944e-38, -1e-40,
	math.MaxFloat32, -math.MaxFloat32, 1, -1,
}

// values returns n values, a special every third place, the rest random of
// either sign, starting off in the slice so that loads are unaligned.
func values[T Float](r *rand.Rand, n, off int, sp []T) []T {
	s := make([]T, n+off)
	for i := range s {
		if i%3 == 0 {
			s[i] = sp[r.IntN(len(sp))]
		} else {
			s[i] = T(r.NormFloat64())
		}
	}
	return s[off:]
}

func lengths() []int {
	ls := []int{}
	for n := 0; n <= 70; n++ {
		ls = append(ls, n)
	}
	return append(ls, 127, 128, 129, 1000, 4099)
}

func bitsOf[T Float](v T) uint64 {
	if Is32[T]() {
		return uint64(math.Float32bits(float32(v)))
	}
	return math.Float64bits(float64(v))
}

// check runs the loop under test and the plain Go reference on copies of
// the same operands and wants the same bits at every index.
func check[T Float](t *testing.T, name string, sp []T, loop, ref func(x, y []T)) {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 7))
	for _, n := range lengths() {
		for off := range 3 {
			x, y := values(r, n, off, sp), values(r, n, 2-off, sp)
			gotX, wantX := append([]T(nil), x...), append([]T(nil), x...)
			loop(gotX, y)
			ref(wantX, y)
			for i := range gotX {
				if bitsOf(gotX[i]) != bitsOf(wantX[i]) {
					t.Fatalf("%s n=%d off=%d [%d]: got %v (%#x), want %v (%#x)", name, n, off, i,
						gotX[i], bitsOf(gotX[i]), wantX[i], bitsOf(wantX[i]))
				}
			}
		}
	}
}

func testAll[T Float](t *testing.T, sp []T) {
	lr := T(0.0375)
	check(t, "SubScaled", sp, func(w, g []T) { SubScaled(w, g, lr) }, func(w, g []T) {
		for i := range g {
			p := T(lr * g[i]) // the conversion rounds: no fused multiply-add
			w[i] = w[i] - p
		}
	})
	check(t, "Add", sp, func(dst, src []T) { Add(dst, src) }, func(dst, src []T) {
		for i := range src {
			dst[i] = dst[i] + src[i]
		}
	})
	alpha := T(0.01)
	check(t, "LeakyReLU", sp, func(a, z []T) { LeakyReLU(a, z, alpha) }, func(a, z []T) {
		for i, v := range z {
			if v > 0 {
				a[i] = v
			} else {
				a[i] = T(alpha * v)
			}
		}
	})
	check(t, "LeakyReLUGrad", sp, func(d, z []T) { LeakyReLUGrad(d, z, alpha) }, func(d, z []T) {
		for i, v := range z {
			if !(v > 0) {
				d[i] = T(d[i] * alpha)
			}
		}
	})
	check(t, "SigmoidGrad", sp, func(d, a []T) { SigmoidGrad(d, a) }, func(d, a []T) {
		for i, v := range a {
			d[i] = T(d[i] * T(v*T(1-v)))
		}
	})
	check(t, "TanhGrad", sp, func(d, a []T) { TanhGrad(d, a) }, func(d, a []T) {
		for i, v := range a {
			d[i] = T(d[i] * T(1-T(v*v)))
		}
	})
	check(t, "ReLU", sp, func(a, z []T) { ReLU(a, z) }, func(a, z []T) {
		for i, v := range z {
			if math.Signbit(float64(v)) {
				a[i] = 0
			} else {
				a[i] = v
			}
		}
	})
	check(t, "ReLUGrad", sp, func(d, z []T) {
		a := make([]T, len(z))
		ReLU(a, z)
		ReLUGrad(d, a)
	}, func(d, z []T) {
		for i, v := range z {
			if math.Signbit(float64(v)) || v == 0 {
				d[i] = 0
			}
		}
	})
}

// TestLoops checks every loop, on the assembly path where this CPU runs it
// and on the Go path, against a plain Go reference written apart from
// vec.go, bit for bit, at every length around the blocks.
func TestLoops(t *testing.T) {
	onEveryPath(t, func(t *testing.T) { testAll(t, specials) }, func(t *testing.T) { testAll(t, specials32) })
}

// onEveryPath runs a test's float64 and float32 halves on the Go path and,
// where this build and CPU have it, on the AVX2 path.
func onEveryPath(t *testing.T, f64, f32 func(t *testing.T)) {
	paths := []bool{false}
	if useAsm {
		paths = append(paths, true)
	} else {
		t.Log("no AVX2 path in this build or on this CPU: the Go loops only")
	}
	for _, asm := range paths {
		setAsm(t, asm)
		t.Run(map[bool]string{false: "go", true: "avx2"}[asm], func(t *testing.T) {
			t.Run("float64", f64)
			t.Run("float32", f32)
		})
	}
}

// setAsm sets the path for the rest of the test, and puts back the CPU's
// own when the test ends.
func setAsm(t *testing.T, on bool) {
	old := useAsm
	useAsm = on
	t.Cleanup(func() { useAsm = old })
}

// TestAdam checks Adam's loop on both paths against the update written out
// one rounded operation at a time, for Adam (Decay 1) and AdamW, at every
// length around the blocks, with special values in every operand (a
// negative v too, whose root is NaN on both paths).
func TestAdam(t *testing.T) {
	onEveryPath(t, func(t *testing.T) { testAdam(t, specials) }, func(t *testing.T) { testAdam(t, specials32) })
}

func testAdam[T Float](t *testing.T, sp []T) {
	r := rand.New(rand.NewPCG(8, 8))
	for _, decay := range []T{1, T(1 - 0.001*0.01)} {
		c := AdamCoef[T]{Decay: decay, B1: 0.9, C1: T(1 - 0.9), B2: 0.999, C2: T(1 - 0.999),
			BC2Sqrt: T(math.Sqrt(1 - math.Pow(0.999, 3))), Eps: 1e-8, Step: T(0.001 / (1 - math.Pow(0.9, 3)))}
		for _, n := range lengths() {
			w, g, m, v := values(r, n, 1, sp), values(r, n, 0, sp), values(r, n, 2, sp), values(r, n, 1, sp)
			for i := range v {
				if i%5 != 0 { // mostly the non-negative v of a real run
					v[i] = T(math.Abs(float64(v[i])))
				}
			}
			ww, wm, wv := append([]T(nil), w...), append([]T(nil), m...), append([]T(nil), v...)
			for i, gi := range g {
				ww[i] = T(ww[i] * c.Decay)
				wm[i] = T(T(c.B1*wm[i]) + T(c.C1*gi))
				wv[i] = T(T(c.B2*wv[i]) + T(T(c.C2*gi)*gi))
				s := T(math.Sqrt(float64(wv[i])))
				q := T(wm[i] / T(T(s/c.BC2Sqrt)+c.Eps))
				ww[i] = T(ww[i] - T(c.Step*q))
			}
			Adam(w, g, m, v, &c)
			for _, o := range []struct {
				name      string
				got, want []T
			}{{"w", w, ww}, {"m", m, wm}, {"v", v, wv}} {
				for i := range o.got {
					if bitsOf(o.got[i]) != bitsOf(o.want[i]) {
						t.Fatalf("decay %v n=%d %s[%d]: got %v (%#x), want %v (%#x)", decay, n, o.name, i,
							o.got[i], bitsOf(o.got[i]), o.want[i], bitsOf(o.want[i]))
					}
				}
			}
		}
	}
}

// TestMomentumRMSprop checks the momentum, nesterov and rmsprop loops on
// both paths against their updates written out one rounded operation at a
// time, at every length around the blocks, with special values everywhere.
func TestMomentumRMSprop(t *testing.T) {
	onEveryPath(t, func(t *testing.T) { testMomentumRMSprop(t, specials) }, func(t *testing.T) { testMomentumRMSprop(t, specials32) })
}

func testMomentumRMSprop[T Float](t *testing.T, sp []T) {
	r := rand.New(rand.NewPCG(9, 9))
	lr, mu, alpha, eps := T(0.05), T(0.9), T(0.99), T(1e-8)
	c := T(1 - 0.99)
	kinds := []struct {
		name string
		loop func(w, g, v []T)
		ref  func(w, g, v []T)
	}{
		{"momentum", func(w, g, v []T) { Momentum(w, g, v, lr, mu, false) }, func(w, g, v []T) {
			for i, gi := range g {
				v[i] = T(T(mu*v[i]) + gi)
				w[i] = T(w[i] - T(lr*v[i]))
			}
		}},
		{"nesterov", func(w, g, v []T) { Momentum(w, g, v, lr, mu, true) }, func(w, g, v []T) {
			for i, gi := range g {
				v[i] = T(T(mu*v[i]) + gi)
				w[i] = T(w[i] - T(lr*T(gi+T(mu*v[i]))))
			}
		}},
		{"rmsprop", func(w, g, s []T) { RMSprop(w, g, s, lr, alpha, c, eps) }, func(w, g, s []T) {
			for i, gi := range g {
				s[i] = T(T(alpha*s[i]) + T(T(c*gi)*gi))
				w[i] = T(w[i] - T(lr*T(gi/T(T(math.Sqrt(float64(s[i])))+eps))))
			}
		}},
	}
	for _, k := range kinds {
		for _, n := range lengths() {
			w, g, v := values(r, n, 1, sp), values(r, n, 0, sp), values(r, n, 2, sp)
			ww, wv := append([]T(nil), w...), append([]T(nil), v...)
			k.ref(ww, g, wv)
			k.loop(w, g, v)
			for _, o := range []struct {
				name      string
				got, want []T
			}{{"w", w, ww}, {"v", v, wv}} {
				for i := range o.got {
					if bitsOf(o.got[i]) != bitsOf(o.want[i]) {
						t.Fatalf("%s n=%d %s[%d]: got %v (%#x), want %v (%#x)", k.name, n, o.name, i,
							o.got[i], bitsOf(o.got[i]), o.want[i], bitsOf(o.want[i]))
					}
				}
			}
		}
	}
}
