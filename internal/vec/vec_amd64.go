//go:build amd64 && !purego

package vec

import "golang.org/x/sys/cpu"

// useAsm says whether the AVX2 loops of vec_amd64.s (declared in
// vec_decl_amd64.go) run. NNTRAIN_KERNEL does not choose it: both paths give
// the same bits (vec_test.go checks every length and special value against a
// plain Go reference).
var useAsm = cpu.X86.HasAVX2
