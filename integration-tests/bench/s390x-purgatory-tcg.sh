#!/usr/bin/env bash
# Where the s390x purgatory's kdump time goes under QEMU's TCG (see s390x-purgatory-tcg.c): its digest pass over
# SEGMENT_MIB of segments and its swap of SWAP_MIB, built from the purgatory's own sources with the image's code
# flags (-O2 -march=z10 -msoft-float -fno-builtin) as a static s390x program, timed under qemu-s390x (user mode).
#
# Usage: integration-tests/bench/s390x-purgatory-tcg.sh [SEGMENT_MIB (7)] [SWAP_MIB (256)]
# Needs: gcc-s390x-linux-gnu, libc6-dev-s390x-cross, qemu-user-static (apt-get install -y ...).
set -euo pipefail
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$bench/../.." && pwd)
need=()
command -v s390x-linux-gnu-gcc >/dev/null || need+=(gcc-s390x-linux-gnu)
[ -d /usr/s390x-linux-gnu/include ] || need+=(libc6-dev-s390x-cross)
command -v qemu-s390x-static >/dev/null || need+=(qemu-user-static)
[ ${#need[@]} -eq 0 ] || { echo "$0: missing: apt-get install -y ${need[*]}" >&2; exit 3; }
work=$(mktemp -d "${TMPDIR:-/tmp}/s390x-tcg.XXXXXX")
trap 'rm -rf "$work"' EXIT
s390x-linux-gnu-gcc -O2 -march=z10 -m64 -msoft-float -fno-builtin -fno-tree-loop-distribute-patterns -static \
    -ffunction-sections -fdata-sections -Wl,--gc-sections \
    -I"$top/framework/purgatory/src/main/c" -I"$top/plugins-s390/src/main/purgatory" -o "$work/bench" \
    "$bench/s390x-purgatory-tcg.c" "$top/framework/purgatory/src/main/c/sha256.c" \
    "$top/framework/purgatory/src/main/c/lib.c" "$top/plugins-s390/src/main/purgatory/hal-s390x.c"
echo "qemu: $(qemu-s390x-static --version | head -1)"
qemu-s390x-static "$work/bench" "${1:-7}" "${2:-256}"
