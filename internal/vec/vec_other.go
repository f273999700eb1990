//go:build !amd64 || purego

package vec

// useAsm is false: without assembly every loop is vec.go's Go loop, and the
// stubs of vec_decl_other.go are never called.
var useAsm = false
