package network

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// blocks are the cache block sizes of the product (see matmul_gemm.go). They
// change how much of each operand is packed at a time, never the summation
// order, so any blocks give the same bits.
type blocks struct {
	kc int // depth of a packed panel: kc×nr of B stays in L1
	mc int // rows of packed A: mc×kc stays in L2
	nc int // columns of packed B: kc×nc stays in this core's share of L3
}

// defaultBlocks fit a 32 KiB L1, 512 KiB L2 and 2 MiB of L3 per core; they
// are used when the machine does not report its caches. mc and nc are
// multiples of every kernel's register tile (12 rows; 16 float64 and 32
// float32 columns).
var defaultBlocks = blocks{kc: 256, mc: 144, nc: 512}

// regTile is the register tile of a kernel as the blocks see it: the rows of
// A and the columns of B (in float64 elements; a float32 kernel of the same
// byte width has twice the columns) that one kernel call works on, and the
// multiple nc must be so that the float64 and the float32 column tiles both
// divide it.
type regTile struct{ m, n, ncMult int }

var (
	tileAVX2 = regTile{m: mr, n: nr, ncMult: nr}                           // 6×8 float64, 6×16 float32
	tileZ64  = regTile{m: tileZ * mr, n: tileZ * nr, ncMult: tileZ * nr32} // 12×16 float64, 12×32 float32
)

// cacheBlocks is cacheBlocksTile for the AVX2 and Go kernels' 6×8 tile.
func cacheBlocks(l1, l2, l3share int) blocks { return cacheBlocksTile(l1, l2, l3share, tileAVX2) }

// cacheBlocksTile derives the blocks for register tile t from cache sizes in
// bytes (0 = unknown), as BLIS's analytical model does: half of each level
// holds the operand that must stay there while the other streams through.
//
//	kc = L1/2 / (t.n·8)          the B micro-panels of one kernel call
//	mc = L2/2 / (kc·8)           the packed A block, a multiple of t.m
//	nc = L3share/2 / (kc·8)      the packed B block, a multiple of t.ncMult
//
// Each is clamped to a range that keeps the packing memory small and the
// loops long enough to amortise a tile's loads and stores.
func cacheBlocksTile(l1, l2, l3share int, t regTile) blocks {
	b := defaultBlocks
	if l1 > 0 {
		b.kc = clampMultiple(l1/2/(t.n*8), 64, 1024, 8)
	}
	if l2 > 0 {
		b.mc = clampMultiple(l2/2/(b.kc*8), 4*t.m, 510, t.m)
	}
	if l3share > 0 {
		b.nc = clampMultiple(l3share/2/(b.kc*8), 8*t.n, 4096, t.ncMult)
	}
	return b
}

func clampMultiple(v, lo, hi, mult int) int {
	v = min(max(v, lo), hi)
	return v / mult * mult
}

// machineCaches are this machine's data cache sizes, read once.
var machineCaches = sync.OnceValue(func() [3]int {
	l1, l2, l3 := readCaches("/sys/devices/system/cpu/cpu0/cache")
	return [3]int{l1, l2, l3}
})

// machineBlocks are the blocks of this machine's caches for kernel k's
// register tile.
func machineBlocks(k Kernel) blocks {
	c := machineCaches()
	if k == KernelAVX512 {
		return cacheBlocksTile(c[0], c[1], c[2], tileZ64)
	}
	return cacheBlocks(c[0], c[1], c[2])
}

// readCaches reads the data cache sizes of one core from Linux's sysfs
// (index*/level, type, size, shared_cpu_list); L3 is divided among the CPUs
// that share it. Anything unreadable is 0: the defaults stand.
func readCaches(dir string) (l1, l2, l3share int) {
	idx, _ := filepath.Glob(filepath.Join(dir, "index*"))
	for _, d := range idx {
		read := func(name string) string {
			b, err := os.ReadFile(filepath.Join(d, name))
			if err != nil {
				return ""
			}
			return strings.TrimSpace(string(b))
		}
		if t := read("type"); t != "Data" && t != "Unified" {
			continue
		}
		size := parseCacheSize(read("size"))
		switch read("level") {
		case "1":
			l1 = size
		case "2":
			l2 = size
		case "3":
			if n := countCPUs(read("shared_cpu_list")); n > 0 {
				l3share = size / n
			}
		}
	}
	return l1, l2, l3share
}

// parseCacheSize reads sysfs sizes such as "32K", "1024K" or "32M".
func parseCacheSize(s string) int {
	mult := 1
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > 1<<20 {
		return 0
	}
	return n * mult
}

// countCPUs counts the CPUs of a list such as "0-3,8,10-11".
func countCPUs(list string) int {
	n := 0
	for _, part := range strings.Split(list, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return 0
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return 0
			}
		}
		n += b - a + 1
	}
	return n
}
