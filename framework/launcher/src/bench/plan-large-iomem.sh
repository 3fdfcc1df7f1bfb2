#!/bin/bash
# Whole-process timing of `handoff plan --crash` on a profile whose /proc/iomem has LINES lines, against the bundled
# profile it was made from: the copy keeps every file of profiles/qemu-pc-x86_64-1g and appends System RAM / reserved
# lines above its last address until proc/iomem has LINES lines. Prints the median of RUNS runs of each and the ratio;
# exits 1 when the large profile takes 3 times as long or more.
#
# Usage: framework/launcher/src/bench/plan-large-iomem.sh [LINES (100000)] [RUNS (3)]
# Environment: HANDOFF_TEST_KERNEL (default: the newest kernel under ~/.cache/handoff/debian-kernel)
set -euo pipefail
lines=${1:-100000}
runs=${2:-3}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
handoff="$repo/handoff"
# the distribution's bundled profile, or one a plugin ships in src/main/profiles
profile="$repo/framework/launcher/src/dist/profiles/qemu-pc-x86_64-1g"
[ -d "$profile" ] || profile=$(ls -d "$repo"/plugins-*/src/main/profiles/qemu-pc-x86_64-1g 2>/dev/null | head -1)
[ -d "$profile" ] || { echo "$0: no bundled profile qemu-pc-x86_64-1g" >&2; exit 3; }
kernel=${HANDOFF_TEST_KERNEL:-$(ls -t "${HANDOFF_CACHE:-$HOME/.cache/handoff}"/debian-kernel/*/boot/vmlinuz-* 2>/dev/null | head -1)}
[ -r "$kernel" ] || { echo "$0: no kernel: set HANDOFF_TEST_KERNEL" >&2; exit 3; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$profile" "$work/large"
# top-level System RAM (1 MiB, with a reserved child) and Reserved (4 KiB) lines from 2 TiB up, as a fragmented firmware
# map prints them; addresses are kept as two 32-bit halves because mawk's printf truncates %x at 32 bits
awk -v want="$lines" -v have="$(wc -l < "$profile/proc/iomem")" '
function addr(lo) { return sprintf("%x%08x", hi, lo) }
BEGIN {
    hi = 512; lo = 0; n = have # 512 << 32 = 2 TiB
    while (n < want) {
        printf "%s-%s : System RAM\n", addr(lo), addr(lo + 1048575); n++
        if (n < want) { printf "  %s-%s : reserved\n", addr(lo + 4096), addr(lo + 8191); n++ }
        if (n < want) { printf "%s-%s : Reserved\n", addr(lo + 1048576), addr(lo + 1052671); n++ }
        lo += 2097152
        if (lo >= 4294967296) { lo -= 4294967296; hi++ }
    }
}' >> "$work/large/proc/iomem"
echo "profiles: bundled $(wc -l < "$profile/proc/iomem") iomem lines, large $(wc -l < "$work/large/proc/iomem") lines"

"$handoff" platforms >/dev/null # builds the distribution when the sources are newer
handoff="$repo/framework/launcher/target/handoff/bin/handoff" # then times the distribution itself, no staleness check

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
time_plan() { # ROOT OUT
    local start end
    start=$(date +%s%N)
    "$handoff" plan --root "$1" --kernel "$kernel" --crash --out "$2" >/dev/null
    end=$(date +%s%N)
    echo $(( (end - start) / 1000000 ))
}
for i in $(seq "$runs"); do time_plan "$profile" "$work/out-small" >> "$work/small.ms"; done
for i in $(seq "$runs"); do time_plan "$work/large" "$work/out-large" >> "$work/large.ms"; done
small=$(median < "$work/small.ms")
large=$(median < "$work/large.ms")
echo "bundled profile: $small ms (runs: $(tr '\n' ' ' < "$work/small.ms"))"
echo "$lines-line iomem: $large ms (runs: $(tr '\n' ' ' < "$work/large.ms"))"
grep -o '[0-9]* ranges aggregated into [0-9]* blocks' "$work/out-large/memory-map.svg" | head -1 || true
ratio=$(awk -v a="$large" -v b="$small" 'BEGIN { printf "%.2f", a / b }')
echo "ratio: $ratio (target: under 3)"
awk -v r="$ratio" 'BEGIN { exit !(r < 3) }'
