package network

import "syscall"

// MemoryLimit is the machine's physical memory in bytes (sysinfo's total
// RAM), the most a run may plan to allocate: a run that needs more would be
// killed or would thrash in swap. 0 when it cannot be read.
func MemoryLimit() uint64 {
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err != nil {
		return 0
	}
	return uint64(si.Totalram) * uint64(si.Unit)
}
