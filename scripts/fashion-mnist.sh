#!/usr/bin/env bash
# Fetches Fashion-MNIST through Debian's dataset-fashion-mnist package and
# converts its IDX files to data/fashion-mnist/{train,test}.csv
# (header p0..p783,label; pixels and labels as integers 0..255).
# Idempotent: the package is installed only when missing and each CSV is
# written only when absent (pass --force to rewrite them).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src=/usr/share/datasets/fashion-mnist
dst=$root/data/fashion-mnist
force=0
[[ ${1:-} == --force ]] && force=1

if ! dpkg-query -W -f='${Status}' dataset-fashion-mnist 2>/dev/null | grep -q 'ok installed'; then
	sudo=
	[[ $(id -u) -ne 0 ]] && sudo=sudo
	# A fresh machine may have no package lists yet.
	if ! apt-cache show dataset-fashion-mnist >/dev/null 2>&1; then
		$sudo apt-get update
	fi
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y dataset-fashion-mnist
fi

# The package ships gzipped files; accept unpacked ones too.
pick() {
	local f
	for f in "$src/$1" "$src/$1.gz"; do
		[[ -f $f ]] && { echo "$f"; return; }
	done
	echo "fashion-mnist.sh: $src/$1(.gz) not found" >&2
	exit 1
}

mkdir -p "$dst"
cd "$root"
for split in train:train test:t10k; do
	name=${split%%:*} prefix=${split#*:}
	out=$dst/$name.csv
	if [[ -s $out && $force -eq 0 ]]; then
		echo "$out: already there"
		continue
	fi
	go run ./scripts/idx2csv \
		-images "$(pick "$prefix-images-idx3-ubyte")" \
		-labels "$(pick "$prefix-labels-idx1-ubyte")" \
		-out "$out"
	echo "$out: $(($(wc -l <"$out") - 1)) rows"
done
