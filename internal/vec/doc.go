// Package vec holds the elementwise loops of the training step that the
// products leave behind (every optimizer's update, ReLU and leaky ReLU with
// their gradients, the sigmoid and tanh gradients, the bias adds), in
// AVX2 assembly where the CPU has it and as Go loops elsewhere or with
// -tags purego. Both give the same bits: every value is computed by the same
// operations, each rounded as the Go loop rounds it (no fused multiply-add).
// The Go loops convert every product to T before it is added, which the
// language defines to round it: a compiler that fuses x*y + z (Go does on
// amd64 with GOAMD64=v3) may not fuse these, so a value gets the same bits
// whether it falls in the assembly's blocks or in the Go tail, wherever a
// worker's share of a Range begins.
//
// Go compiles these loops to one scalar value per instruction; the vector
// versions do four float64 or eight float32 at a time, which is what lets a
// loop over a layer's weights run at the speed of memory.
package vec

//go:generate go run gen_vec.go

import "unsafe"

// Float is the element type of a loop.
type Float interface{ float32 | float64 }

// Is32 reports whether T is float32; the compiler folds it per
// instantiation.
func Is32[T Float]() bool {
	var v T
	return unsafe.Sizeof(v) == 4
}

// As64 and As32 view a []T as the slice of its own element type, so that
// generic code can call a typed loop without copying or allocating. They are
// only called once Is32 has told which T is.
func As64[T Float](s []T) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

func As32[T Float](s []T) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}
