#!/usr/bin/env bash
# Planning is linear in /proc/iomem: whole-process `handoff plan --crash` on the bundled qemu-pc-x86_64-1g profile
# (its 28-line /proc/iomem) against a copy of it whose /proc/iomem has LINES lines (a large server's shape: above
# the profile's own ranges, alternating System RAM with a reserved child and top-level reserved ranges), ROUNDS
# alternating pairs, medians and the ratio; exits 1 at 3 times or more.
#
# Usage: integration-tests/bench/iomem-scaling.sh        (LINES=100000, ROUNDS=5)
set -euo pipefail
lines=${LINES:-100000}
rounds=${ROUNDS:-5}
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$bench/common.sh"

small=$dist/profiles/qemu-pc-x86_64-1g
big=$work/profile-big
cp -r "$small" "$big"
awk -v want="$lines" '
    { print; n++ }
    END {
        at = 2 ^ 40                       # 1 TiB: above every range of the profile
        while (n < want) {
            printf "%x-%x : System RAM\n", at, at + 1048575; n++
            if (n < want) { printf "  %x-%x : reserved\n", at + 4096, at + 8191; n++ }
            if (n < want) { printf "%x-%x : Reserved\n", at + 1048576, at + 1052671; n++ }
            at += 2097152
        }
    }' "$small/proc/iomem" > "$big/proc/iomem"
head -c $((1024 * 1024)) /dev/urandom > "$work/initrd"
plan() {
    rm -rf "$work/bundle"
    "$measure" "$handoff" plan --platform x86_64 --root "$1" --kernel "$kernel" --initrd "$work/initrd" \
        --append "console=ttyS0" --crash --out "$work/bundle"
}
for p in "$small" "$big"; do
    read -r _ _ rc < <(plan "$p")
    [ "$rc" = 0 ] || { echo "$0: plan on $p failed (exit $rc)" >&2; exit 1; }
done
: > "$work/s" ; : > "$work/b"
for ((i = 0; i < rounds; i++)); do
    plan "$small" >> "$work/s"
    plan "$big" >> "$work/b"
done
s=$(median 1 "$work/s"); b=$(median 1 "$work/b")
echo "machine: $(machine_line)"
printf '\n| /proc/iomem | median wall | peak RSS |\n|---|---|---|\n'
printf '| %s lines (bundled profile) | %s ms | %s MiB |\n' "$(wc -l < "$small/proc/iomem")" "$s" "$(mib_of "$(median 2 "$work/s")")"
printf '| %s lines | %s ms | %s MiB |\n' "$(wc -l < "$big/proc/iomem")" "$b" "$(mib_of "$(median 2 "$work/b")")"
printf 'ratio: %s (goal: at most 3)\n' "$(ratio "$b" "$s")"
awk -v r="$(ratio "$b" "$s")" 'BEGIN {exit !(r < 3)}' || { echo "$0: planning is not linear: ${b} ms against ${s} ms" >&2; exit 1; }
