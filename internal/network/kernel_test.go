package network

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestKernelDispatch checks that every kernel this machine runs is reachable
// by name, that one it cannot run is an error naming it, that a Pool runs
// the one it was given, and the order of Best: the faster of AVX-512 and
// AVX2 where both run (TestFasterKernel), else AVX2+FMA, else Go.
func TestKernelDispatch(t *testing.T) {
	for _, k := range allKernels {
		got, err := ParseKernel(k.String())
		if !k.Available() {
			if err == nil || !strings.Contains(err.Error(), KernelEnv+"="+k.String()+": this CPU or build has no") {
				t.Errorf("ParseKernel(%q) on a machine without it: error %v, want one naming it", k, err)
			}
			t.Logf("kernel %s not available here (%v): its dispatch is tested where it runs", k, err)
			continue
		}
		if err != nil || got != k {
			t.Fatalf("ParseKernel(%q) = %v, %v; want %v", k, got, err, k)
		}
		p := NewPoolKernel(1, k)
		if p.Kernel() != k {
			t.Errorf("NewPoolKernel(%v).Kernel() = %v", k, p.Kernel())
		}
		p.Close()
	}
	for _, name := range []string{"", "auto", "AUTO"} {
		if got, err := ParseKernel(name); err != nil || got != Best() {
			t.Errorf("ParseKernel(%q) = %v, %v; want %v", name, got, err, Best())
		}
	}
	if _, err := ParseKernel("avx9000"); err == nil {
		t.Error("ParseKernel(avx9000): no error")
	}
	switch {
	case haveAVX512():
		if Best() != wideKernel() || (Best() != KernelAVX512 && Best() != KernelAVX2) {
			t.Errorf("Best() = %v on a CPU with AVX-512; the timed choice is %v", Best(), wideKernel())
		}
		t.Logf("Best() = %v, timed against the other on this CPU", Best())
	case haveAsm():
		if Best() != KernelAVX2 {
			t.Errorf("Best() = %v on a CPU with AVX2+FMA and no AVX-512", Best())
		}
	default:
		if Best() != KernelGo {
			t.Errorf("Best() = %v without assembly", Best())
		}
	}
	if ks := Kernels(); !slices.Contains(ks, Best()) {
		t.Errorf("Kernels() = %v: no Best() = %v", ks, Best())
	}
}

// TestFasterKernel checks the choice between AVX-512 and AVX2 on made-up
// times: the faster by the geometric mean of the two precisions, AVX-512 on
// a tie, and AVX2 timed before AVX-512.
func TestFasterKernel(t *testing.T) {
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	cases := []struct {
		name                  string
		avx2, avx2_32, z, z32 float64 // ms
		want                  Kernel
	}{
		{"two 512-bit units", 0.15, 0.08, 0.09, 0.045, KernelAVX512},
		{"zmm broadcasts cost an FMA slot", 0.15, 0.08, 0.22, 0.12, KernelAVX2},
		{"tie", 0.15, 0.08, 0.15, 0.08, KernelAVX512},
		{"float64 faster on AVX2, float32 much faster on AVX-512", 0.15, 0.08, 0.16, 0.05, KernelAVX512},
		{"float32 slightly faster on AVX-512, float64 much slower", 0.15, 0.08, 0.25, 0.079, KernelAVX2},
		// Summed times would pick AVX2 here, float64's weighing double.
		{"float32 twice as fast on AVX-512, float64 a third slower", 0.15, 0.08, 0.20, 0.04, KernelAVX512},
	}
	for _, c := range cases {
		var order []Kernel
		got := fasterKernel(func(k Kernel, f32 bool) time.Duration {
			order = append(order, k)
			switch {
			case k == KernelAVX2 && !f32:
				return ms(c.avx2)
			case k == KernelAVX2:
				return ms(c.avx2_32)
			case !f32:
				return ms(c.z)
			}
			return ms(c.z32)
		})
		if got != c.want {
			t.Errorf("%s: fasterKernel = %v, want %v", c.name, got, c.want)
		}
		if want := []Kernel{KernelAVX2, KernelAVX2, KernelAVX512, KernelAVX512}; !slices.Equal(order, want) {
			t.Errorf("%s: timed in the order %v, want %v", c.name, order, want)
		}
	}
}

// TestCalibrationTiming runs the calibration's timing on every kernel this
// machine runs, in both precisions, through one pool per kernel as calibrate
// does: a positive time, and a product that is right.
func TestCalibrationTiming(t *testing.T) {
	ops := newCalOperands()
	for _, k := range Kernels() {
		p := calPool(k)
		for _, f32 := range []bool{false, true} {
			d := ops.time(p, f32)
			if d <= 0 || d > time.Second {
				t.Errorf("calibration time on %v, float32 %v: %v", k, f32, d)
			}
			t.Logf("%v float32=%v: %v", k, f32, d)
		}
		want := make([]float64, calM*calN)
		mulABtRef(want, ops.a, ops.b, calM, calN, calK)
		for i := range want {
			if math.Abs(ops.c[i]-want[i]) > 1e-12*float64(calK) {
				t.Fatalf("%v: C[%d] = %v, want %v", k, i, ops.c[i], want[i])
			}
		}
		want32 := make([]float32, calM*calN)
		mulABtRef32(want32, ops.a32, ops.b32, calM, calN, calK)
		for i := range want32 {
			if math.Abs(float64(ops.c32[i]-want32[i])) > 1e-4 {
				t.Fatalf("%v: float32 C[%d] = %v, want %v", k, i, ops.c32[i], want32[i])
			}
		}
		p.Close()
	}
	for _, v := range ops.a {
		if v < -1 || v >= 1 || v == 0 {
			t.Fatalf("calOperand value %v outside [-1, 1) or zero", v)
		}
	}
}

// TestBlocksSameBits checks the summation-order promise across cache
// blocks: a product gives the same bits for tiny, default and this machine's
// blocks, so a model trained on one CPU is reproduced on another with the
// same kernel.
func TestBlocksSameBits(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11^0x9e3779b97f4a7c15))
	const m, n, k = 150, 530, 300
	a, b := randSlice(r, m*k), randSlice(r, k*n)
	for _, kern := range kernels() {
		for _, pr := range products {
			var want []float64
			for _, bs := range blockSets(kern) {
				p := newPoolBlocks(2, kern, 0, bs.blk)
				got := make([]float64, m*n)
				pr.fast(p, got, a, b, m, n, k)
				p.Close()
				if want == nil {
					want = got
					continue
				}
				for e := range got {
					if math.Float64bits(got[e]) != math.Float64bits(want[e]) {
						t.Fatalf("%s/%s blocks %s: C[%d][%d] = %v, want %v (tiny blocks)",
							kern.String(), pr.name, bs.name, e/n, e%n, got[e], want[e])
					}
				}
			}
		}
	}
}

// TestCacheBlocks: the blocks of each register tile from a machine's cache
// sizes. On the AVX-512 tile kc comes from a 16-column B pair in half of
// L1, mc is a multiple of 12 rows and nc of 32 (float32) columns.
func TestCacheBlocks(t *testing.T) {
	tests := []struct {
		name       string
		tile       regTile
		l1, l2, l3 int
		want       blocks
	}{
		{"unknown", tileAVX2, 0, 0, 0, defaultBlocks},
		{"32K/512K/2M", tileAVX2, 32 << 10, 512 << 10, 2 << 20, blocks{kc: 256, mc: 126, nc: 512}},
		{"48K/2M/1.875M (Xeon)", tileAVX2, 48 << 10, 2 << 20, 1920 << 10, blocks{kc: 384, mc: 336, nc: 320}},
		{"huge caches clamp", tileAVX2, 1 << 30, 1 << 30, 1 << 30, blocks{kc: 1024, mc: 510, nc: 4096}},
		{"tiny caches clamp", tileAVX2, 1 << 10, 1 << 10, 1 << 10, blocks{kc: 64, mc: 24, nc: 64}},
		{"avx512/unknown", tileZ64, 0, 0, 0, defaultBlocks},
		{"avx512/32K/512K/2M", tileZ64, 32 << 10, 512 << 10, 2 << 20, blocks{kc: 128, mc: 252, nc: 1024}},
		{"avx512/48K/2M/1.875M (Xeon)", tileZ64, 48 << 10, 2 << 20, 1920 << 10, blocks{kc: 192, mc: 504, nc: 640}},
		{"avx512/32K/1M/1.375M (Skylake-SP)", tileZ64, 32 << 10, 1 << 20, 1408 << 10, blocks{kc: 128, mc: 504, nc: 704}},
		{"avx512/huge caches clamp", tileZ64, 1 << 30, 1 << 30, 1 << 30, blocks{kc: 1024, mc: 504, nc: 4096}},
		{"avx512/tiny caches clamp", tileZ64, 1 << 10, 1 << 10, 1 << 10, blocks{kc: 64, mc: 48, nc: 128}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cacheBlocksTile(tt.l1, tt.l2, tt.l3, tt.tile)
			if got != tt.want {
				t.Errorf("cacheBlocksTile(%d, %d, %d, %+v) = %+v, want %+v", tt.l1, tt.l2, tt.l3, tt.tile, got, tt.want)
			}
			if got.mc%tt.tile.m != 0 || got.nc%tt.tile.ncMult != 0 {
				t.Errorf("%+v: mc not a multiple of %d or nc of %d", got, tt.tile.m, tt.tile.ncMult)
			}
			if tt.tile == tileAVX2 && cacheBlocks(tt.l1, tt.l2, tt.l3) != got {
				t.Errorf("cacheBlocks(%d, %d, %d) = %+v, want %+v", tt.l1, tt.l2, tt.l3, cacheBlocks(tt.l1, tt.l2, tt.l3), got)
			}
		})
	}
}

// TestReadCaches reads a fake sysfs cache folder shaped like Linux's.
func TestReadCaches(t *testing.T) {
	dir := t.TempDir()
	write := func(idx, level, typ, size, shared string) {
		d := filepath.Join(dir, idx)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]string{"level": level, "type": typ, "size": size, "shared_cpu_list": shared} {
			if err := os.WriteFile(filepath.Join(d, name), []byte(v+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("index0", "1", "Data", "48K", "0")
	write("index1", "1", "Instruction", "32K", "0")
	write("index2", "2", "Unified", "2048K", "0")
	write("index3", "3", "Unified", "30M", "0-7,16-23")
	l1, l2, l3 := readCaches(dir)
	if l1 != 48<<10 || l2 != 2<<20 || l3 != 30<<20/16 {
		t.Errorf("readCaches = %d, %d, %d; want %d, %d, %d", l1, l2, l3, 48<<10, 2<<20, 30<<20/16)
	}
	if l1, l2, l3 := readCaches(filepath.Join(dir, "absent")); l1|l2|l3 != 0 {
		t.Errorf("readCaches(absent) = %d, %d, %d; want zeros", l1, l2, l3)
	}
	for s, want := range map[string]int{"32K": 32 << 10, "1M": 1 << 20, "512": 512, "x": 0, "-4K": 0, "": 0} {
		if got := parseCacheSize(s); got != want {
			t.Errorf("parseCacheSize(%q) = %d, want %d", s, got, want)
		}
	}
	for s, want := range map[string]int{"0": 1, "0-3": 4, "0-7,16-23": 16, "1,3,5": 3, "3-1": 0, "a": 0} {
		if got := countCPUs(s); got != want {
			t.Errorf("countCPUs(%q) = %d, want %d", s, got, want)
		}
	}
}
