#!/usr/bin/env bash
# Runs a Go package's tests on an emulated AVX-512 CPU, for machines whose own
# CPU has no AVX-512 (QEMU's TCG has none either): Bochs, emulating an Intel
# Skylake-X (AVX512F/CD/DQ/BW/VL), boots Debian's kernel from an ISO whose
# initramfs /init (scripts/avx512emu/init) runs the package's test binary and
# powers off. The serial console goes to a file; the test output is printed
# and the script exits with the test binary's status.
#
#	scripts/avx512-emu.sh PKG [-race] [-tags T] [TESTFLAGS...]
#	scripts/avx512-emu.sh ./internal/network -run 'Kernel|Dispatch' -v
#
# TESTFLAGS are go test's (-run, -v, -count, -short, -timeout, ...), passed to
# the binary as -test.*; -race and -tags go to the build. NNTRAIN_* variables
# of the caller's environment are passed to the tests. The tests run in a copy
# of the package folder holding its testdata/, below a copy of the
# repository's testdata/.
#
# Environment: AVX512EMU_TIMEOUT (seconds of host time, default 1800),
# AVX512EMU_CPU (Bochs cpu model, default corei7_skylake_x; Bochs 2.7's
# tigerlake hangs Debian's 6.1 kernel in its LSM setup), AVX512EMU_CPUS (default
# 1; more only if this Bochs was built with SMP), AVX512EMU_MEGS (guest
# memory, default 2048), AVX512EMU_WORK (work folder, default a fresh one in
# /tmp, kept with the serial log and bochs.log for reading after the run).
#
# Needs Debian's bochs, bochsbios, vgabios, isolinux, syslinux-common, xorriso
# and cpio (installed when missing) and a Debian kernel image, which is
# fetched once with `apt-get download` and unpacked into a cache folder, never
# installed on this machine.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
if [[ $# -lt 1 ]]; then
	echo "usage: $0 PKG [-race] [-tags T] [TESTFLAGS...]" >&2
	exit 2
fi
pkg=$1
shift

timeout_s=${AVX512EMU_TIMEOUT:-1800}
cpu_model=${AVX512EMU_CPU:-corei7_skylake_x}
ncpu=${AVX512EMU_CPUS:-1}
megs=${AVX512EMU_MEGS:-2048}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/nntrain-avx512-emu

# Split the flags: build flags for go test -c, the rest for the binary.
build=()
run=()
while [[ $# -gt 0 ]]; do
	case $1 in
	-race) build+=(-race) ;;
	-tags) build+=(-tags "$2"); shift ;;
	-tags=*) build+=("$1") ;;
	-test.*) run+=("$1") ;;
	-run | -skip | -count | -timeout | -bench | -benchtime | -cpu | -parallel | -list | -shuffle)
		run+=("-test.${1#-}=$2"); shift ;;
	-v | -short | -failfast | -benchmem) run+=("-test.${1#-}") ;;
	-*=*)
		name=${1%%=*}
		run+=("-test.${name#-}=${1#*=}") ;;
	*) run+=("$1") ;;
	esac
	shift
done

need=()
for p in bochs bochsbios vgabios isolinux syslinux-common xorriso cpio; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
if [[ ${#need[@]} -gt 0 ]]; then
	sudo=
	[[ $(id -u) -ne 0 ]] && sudo=sudo
	apt-cache show bochs >/dev/null 2>&1 || $sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2
fi

# A Debian kernel, unpacked from its package (not installed).
vmlinuz=$(ls "$cache"/boot/vmlinuz-* 2>/dev/null | head -1 || true)
if [[ -z $vmlinuz ]]; then
	mkdir -p "$cache"
	apt-cache show linux-image-amd64 >/dev/null 2>&1 || apt-get update -qq
	kpkg=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
	(cd "$cache" && apt-get download "$kpkg" >&2)
	dpkg-deb --fsys-tarfile "$cache/${kpkg}"_*.deb | tar -x -C "$cache" --wildcards './boot/vmlinuz-*'
	rm -f "$cache/${kpkg}"_*.deb
	vmlinuz=$(ls "$cache"/boot/vmlinuz-* | head -1)
fi

work=${AVX512EMU_WORK:-$(mktemp -d /tmp/avx512-emu.XXXXXX)}
mkdir -p "$work"
rm -rf "$work/iso" "$work/rootfs"
mkdir -p "$work/iso/isolinux" "$work/rootfs/src"
rootfs=$work/rootfs

# The test binary and /init, both static.
pkgdir=$(cd "$root" && go list -f '{{.Dir}}' "$pkg")
# -race needs cgo: that binary is linked dynamically and its shared
# libraries (ldd) go into the initramfs beside it.
cgo=0
[[ " ${build[*]-} " == *" -race "* ]] && cgo=1
(cd "$root" && CGO_ENABLED=$cgo go test -c "${build[@]}" -o "$rootfs/test.bin" "$pkg")
if [[ ! -f $rootfs/test.bin ]]; then
	echo "avx512-emu: $pkg has no test files" >&2
	exit 1
fi
(cd "$root" && CGO_ENABLED=0 go build -o "$rootfs/init" ./scripts/avx512emu/init)
if ldd "$rootfs/test.bin" >/dev/null 2>&1; then
	for lib in $(ldd "$rootfs/test.bin" | grep -o '/[^ ]*'); do
		mkdir -p "$rootfs$(dirname "$lib")"
		cp -L "$lib" "$rootfs$lib"
	done
fi
# The tests run in /src/<package path>, beside copies of the package's and
# the repository's testdata, so that paths such as ../../testdata/fixtures
# resolve as in the work tree.
rel=${pkgdir#"$root"}
rel=${rel#/}
mkdir -p "$rootfs/src/$rel"
[[ -d $pkgdir/testdata ]] && cp -r "$pkgdir/testdata" "$rootfs/src/$rel/"
[[ -d $root/testdata && $pkgdir != "$root" ]] && cp -r "$root/testdata" "$rootfs/src/"
echo "/src/$rel" >"$rootfs/cwd"
printf '%s\n' "${run[@]}" >"$rootfs/args"
env | grep '^NNTRAIN_' >"$rootfs/env" || true
(cd "$rootfs" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/iso/initrd.gz"
cp "$vmlinuz" "$work/iso/vmlinuz"

cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$work/iso/isolinux/"
cat >"$work/iso/isolinux/isolinux.cfg" <<EOF
SERIAL 0 115200
DEFAULT test
PROMPT 0
TIMEOUT 0
LABEL test
	KERNEL /vmlinuz
	INITRD /initrd.gz
	APPEND console=ttyS0,115200 loglevel=4 clearcpuid=pku,xsaves,xsavec mitigations=off nokaslr panic=-1
EOF
# clearcpuid: Bochs 2.7 reports PKRU in XCR0 with a 0-byte CPUID 0xD leaf and
# the standard, not the compacted, size for XSAVES/XSAVEC; Linux then finds its
# xstate sizes inconsistent and turns XSAVE off, and AVX with it. Without PKU
# and compaction the standard layout checks out (0xe7: x87, SSE, AVX, the
# three AVX-512 components) and the kernel enables AVX-512 for user space.
xorriso -as mkisofs -quiet -o "$work/test.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table "$work/iso" 2>/dev/null

serial=$work/serial.txt
rm -f "$serial"
cat >"$work/bochsrc" <<EOF
megs: $megs
cpu: model=$cpu_model, count=$ncpu, ips=200000000, reset_on_triple_fault=0, ignore_bad_msrs=1
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
display_library: term
ata0-master: type=cdrom, path="$work/test.iso", status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev="$serial"
clock: sync=none, time0=local
log: $work/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
EOF

echo "avx512-emu: $pkg on Bochs $cpu_model ($ncpu cpu, ${megs} MiB), work folder $work" >&2
# Debian's Bochs has no 'nogui' display and is built with its debugger, which
# stops before the first instruction: the debugger's command file says
# continue, and the 'term' display, given a terminal by script(1), draws the
# (unused) VGA screen with curses on a pseudo-terminal of its own, which must
# be read or Bochs blocks once its buffer is full ("Bochs connected to
# screen /dev/pts/N"). The guest powers off when its test binary ends.
printf 'c\n' >"$work/debugger.rc"
: >"$work/bochs.out"
start=$(date +%s)
timeout --kill-after=10 "$timeout_s" script -qfec \
	"TERM=xterm bochs -q -f '$work/bochsrc' -rc '$work/debugger.rc'" "$work/bochs.out" >/dev/null 2>&1 </dev/null &
bochs_pid=$!
screen=
for _ in $(seq 300); do
	screen=$(grep -a -o 'connected to screen "[^"]*"' "$work/bochs.out" | head -1 | sed 's/.*"\(.*\)"/\1/' || true)
	[[ -n $screen ]] && break
	kill -0 "$bochs_pid" 2>/dev/null || break
	sleep 0.2
done
drain_pid=
if [[ -n $screen ]]; then
	cat "$screen" >/dev/null 2>&1 &
	drain_pid=$!
fi
set +e
wait "$bochs_pid"
brc=$?
set -e
if [[ -n $drain_pid ]]; then
	kill "$drain_pid" 2>/dev/null || true # it ends by itself when the screen closes
fi
echo "avx512-emu: bochs exited with $brc after $(($(date +%s) - start))s of host time" >&2

if [[ ! -f $serial ]]; then
	echo "avx512-emu: no serial output; see $work/bochs.out and $work/bochs.log" >&2
	exit 1
fi
tr -d '\r' <"$serial" | sed '/^=== avx512-emu: test output begins ===$/q' | grep '^avx512-emu:' >&2 || true
tr -d '\r' <"$serial" | sed -n '/^=== avx512-emu: test output begins ===$/,/^=== avx512-emu: exit status /p' | sed '1d;$d'
status=$(tr -d '\r' <"$serial" | sed -n 's/^=== avx512-emu: exit status \([0-9]*\) ===$/\1/p' | tail -1)
if [[ -z $status ]]; then
	echo "avx512-emu: the test binary did not finish (timeout ${timeout_s}s?); last serial lines:" >&2
	tr -d '\r' <"$serial" | tail -20 >&2
	exit 1
fi
echo "avx512-emu: test exit status $status" >&2
exit "$status"
