package probe

// fma8 sets dst[i] = a[i]·b[i] + c[i] for i < 8 with one 512-bit VFMADD231PD
// on zmm registers (probe_amd64.s).
//
//go:noescape
func fma8(dst, a, b, c *[8]float64)
