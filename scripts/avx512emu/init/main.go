//go:build linux && amd64

// Command init is the /init of the initramfs that scripts/avx512-emu.sh boots
// in the Bochs emulator: it mounts the pseudo file systems, prints what the
// emulated CPU reports, runs /test.bin with the arguments listed in /args
// (one a line) and the environment in /env, prints the test binary's exit
// status between markers the script looks for, and powers the machine off.
// The binary runs in the folder named in /cwd (the package's copy).
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/cpu"
)

// The markers scripts/avx512-emu.sh cuts the serial log at.
const (
	beginMarker = "=== avx512-emu: test output begins ==="
	exitMarker  = "=== avx512-emu: exit status "
)

func main() {
	for _, m := range []struct{ src, dst, fs string }{
		{"devtmpfs", "/dev", "devtmpfs"},
		{"proc", "/proc", "proc"},
		{"sysfs", "/sys", "sysfs"},
		{"tmpfs", "/tmp", "tmpfs"},
	} {
		_ = os.MkdirAll(m.dst, 0o755)
		if err := syscall.Mount(m.src, m.dst, m.fs, 0, ""); err != nil {
			fmt.Fprintf(os.Stderr, "init: mount %s: %v\n", m.dst, err)
		}
	}
	// The kernel had no /dev/console to give us before devtmpfs was mounted.
	if con, err := os.OpenFile("/dev/console", os.O_RDWR, 0); err == nil {
		for fd := 0; fd <= 2; fd++ {
			_ = syscall.Dup2(int(con.Fd()), fd)
		}
	}
	code := run()
	fmt.Printf("\n%s%d ===\n", exitMarker, code)
	syscall.Sync()
	time.Sleep(100 * time.Millisecond)
	_ = syscall.Reboot(syscall.LINUX_REBOOT_CMD_POWER_OFF)
	select {}
}

func run() int {
	fmt.Printf("avx512-emu: cpu avx2=%v fma=%v avx512f=%v avx512dq=%v avx512bw=%v avx512vl=%v\n",
		cpu.X86.HasAVX2, cpu.X86.HasFMA, cpu.X86.HasAVX512F, cpu.X86.HasAVX512DQ,
		cpu.X86.HasAVX512BW, cpu.X86.HasAVX512VL)
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		n := strings.Count(string(b), "processor\t:")
		fmt.Printf("avx512-emu: %d cpu(s)\n", n)
	}
	args := lines("/args")
	cmd := exec.Command("/test.bin", args...)
	cmd.Dir = "/"
	if d := lines("/cwd"); len(d) == 1 {
		cmd.Dir = d[0]
	}
	cmd.Env = append([]string{"PATH=/", "HOME=/tmp", "TMPDIR=/tmp"}, lines("/env")...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, os.Stdout, os.Stderr
	fmt.Printf("avx512-emu: /test.bin %s\n", strings.Join(args, " "))
	fmt.Println(beginMarker)
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Printf("avx512-emu: %v\n", err)
		return 127
	}
	return 0
}

// lines reads a file of one item a line; a missing file is no items.
func lines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if l := s.Text(); l != "" {
			out = append(out, l)
		}
	}
	return out
}
