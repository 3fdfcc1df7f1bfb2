#!/usr/bin/env bash
# Builds the ia64 platform's synthetic vmlinux (src/main/kernel: an ELF64 ET_EXEC EM_IA_64 laid out as Linux's
# ia64 vmlinux, whose entry code reports to the Ski simulator what purgatory handed over):
#   build-kernel.sh OUT_FILE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-kernel.sh OUT_FILE}
CROSS=${CROSS:-ia64-linux-gnu-}
src=$here/../main/kernel
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"${CROSS}as" -x --fatal-warnings -o "$tmp/vmlinux.o" "$src/synthetic-vmlinux.S"
"${CROSS}ld" -T "$src/synthetic-vmlinux.lds" --build-id=none --no-warn-rwx-segments -o "$out" "$tmp/vmlinux.o"
echo "build-kernel.sh: built $out"
