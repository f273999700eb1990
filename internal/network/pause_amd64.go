//go:build amd64 && !purego

package network

// spinPause runs one PAUSE, the x86 spin-wait hint, in each turn of the
// pool's spin loop. A spinning goroutine then issues no instructions for a
// few tens of cycles (some 140 on Skylake and later Intel cores), which
// leaves the core's issue slots to its SMT sibling, often another worker of
// the same pool on a cloud machine whose vCPUs are hyperthreads, and spares
// the pipeline flush a tight load loop takes when the awaited store lands.
func spinPause()
