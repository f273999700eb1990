//go:build !linux

package network

// MemoryLimit is 0 (not known) where sysinfo is not available; CheckSize
// then checks only that sizes are representable.
func MemoryLimit() uint64 { return 0 }
