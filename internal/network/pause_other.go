//go:build !amd64 || purego

package network

// spinPause is the spin-wait hint of pause_amd64.go; without assembly the
// spin loop only looks at its atomic.
func spinPause() {}
