//go:build !unix

package network

// cpuSeconds is not measured on this system; the CPU-time rate is skipped.
func cpuSeconds() float64 { return 0 }
