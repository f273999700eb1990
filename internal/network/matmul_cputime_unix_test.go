//go:build unix

package network

import "syscall"

// cpuSeconds reports the user+system CPU time of the process so far. On a
// machine shared with other jobs, flops per CPU-second is a steadier measure
// of the kernels than flops per wall-second.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
