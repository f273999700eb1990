// Package probe proves that an AVX-512 instruction runs: it is the first
// package scripts/avx512-emu.sh boots in the emulator, and on a CPU with
// AVX-512 its test runs natively too.
package probe
