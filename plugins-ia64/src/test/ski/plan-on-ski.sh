#!/usr/bin/env bash
# The Java planner's programs on the ia64 assembly image, on Ski, against the reference machine: plans a kdump
# and a kexec reboot for the bundled profile with the handoff launcher, runs each bundle on Ski
# (bundle-to-load.py, run-ski.sh) and compares purgatory's console lines with what `handoff simulate` prints for
# the same plan (the C runtime and the ia64 steps' C version on the reference machine); the same for a kdump
# whose kernel has a byte flipped after loading (--corrupt kernel:0x100).
#   plan-on-ski.sh HANDOFF PROFILE_DIR KERNEL PURGATORY_ELF [OUT]
# HANDOFF: the launcher (bin/handoff of a distribution whose plugins include plugins-ia64); PROFILE_DIR: the
# ia64-rx2660-8g profile; KERNEL: an ia64 vmlinux (the synthetic one reports on Ski); PURGATORY_ELF: the linked
# image (target/purgatory-ia64/purgatory.elf) of the ia64.bin in that plugin jar (its symbols, checked against the
# bundle). Exits 0 when every comparison passed; Ski as in ski-selftest.sh. Takes about 10 seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
handoff=${1:?usage: plan-on-ski.sh HANDOFF PROFILE_DIR KERNEL PURGATORY_ELF [OUT]}
profile=$(cd "${2:?}" && pwd)
kernel=$(cd "$(dirname "${3:?}")" && pwd)/$(basename "$3")
elf=${4:?}
bski=${HANDOFF_SKI:-$HOME/.cache/handoff/ski/bin/bski}
[ -x "$bski" ] || { echo "Ski not installed (set HANDOFF_SKI=/path/to/bski): did not run"; exit 0; }
export HANDOFF_SKI=$bski
out=${5:-}
if [ -z "$out" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
CROSS=${CROSS:-ia64-linux-gnu-}
"${CROSS}objcopy" -O binary "$elf" "$out/image.bin"
status=0

# case NAME PLAN_ARGS SIMULATE_ARGS CORRUPT_OFFSET
case_() {
  local name=$1 plan_args=$2 sim_args=$3 corrupt=$4 d=$out/$1
  rm -rf "$d"
  mkdir -p "$d"
  # shellcheck disable=SC2086
  "$handoff" plan --platform ia64 --root "$profile" --kernel "$kernel" --append "console=ttyS0,115200" \
    $plan_args --out "$d/bundle" > "$d/plan.txt" 2>&1
  # the bundle's image is the one the symbols come from (up to its parameter area)
  local param
  param=$(od -An -t u4 -j 12 -N 4 "$out/image.bin" | tr -d ' ')
  cmp -s -n "$param" "$out/image.bin" "$d/bundle/segments/$(ls "$d/bundle/segments" | grep purgatory)" \
    || { echo "ski: $name: the bundle's purgatory image is not $elf's" >&2; status=1; return; }
  python3 "$here/bundle-to-load.py" "$d/bundle" "$profile/proc/iomem" "$elf" "$d/load"
  if [ -n "$corrupt" ]; then
    local f=$d/load/00-kernel.bin
    printf "\\x$(printf %02x $(( $(od -An -t u1 -j "$corrupt" -N 1 "$f") ^ 0xff )))" \
      | dd of="$f" bs=1 seek=$((corrupt)) conv=notrunc status=none
  fi
  bash "$here/run-ski.sh" "$d/load" > "$d/end" || true
  # shellcheck disable=SC2086
  "$handoff" simulate --platform ia64 --root "$profile" --kernel "$kernel" --append "console=ttyS0,115200" \
    $sim_args > "$d/simulate.txt" 2>&1 || true
  sed -n '/^Serial console/,/^$/p' "$d/simulate.txt" | sed -n 's/^  \[[^]]*\] //p' > "$d/reference.txt"
  grep -v '^stub: ' "$d/load/console.txt" > "$d/ski.txt"
  if [ -s "$d/reference.txt" ] && cmp -s "$d/reference.txt" "$d/ski.txt"; then
    echo "ski: $name: purgatory's $(wc -l < "$d/ski.txt") console lines on Ski = the reference machine's ok ($(cat "$d/end" | sed 's/^ski: //'))"
  else
    echo "ski: $name: the console differs from the reference machine's FAILED" >&2
    diff "$d/reference.txt" "$d/ski.txt" >&2 || true
    status=1
  fi
}
case_ kdump "-p" "" ""
case_ reboot "" "--reboot" ""
case_ kdump-corrupt "-p" "--corrupt=kernel:0x100" 0x100
grep -q "kernel exited with status 0" "$out/kdump/end" && grep -q "^stub: SetVirtualAddressMap returned 0x0" "$out/kdump/load/console.txt" \
  && echo "ski: kdump: the synthetic vmlinux ran at the crash region and reported ok" \
  || { echo "ski: kdump: the kernel did not report" >&2; status=1; }
grep -q "halted at purgatory_halted" "$out/kdump-corrupt/end" \
  && echo "ski: kdump-corrupt: $(sed 's/^ski: //' "$out/kdump-corrupt/end") ok" \
  || { echo "ski: kdump-corrupt: did not halt" >&2; status=1; }
[ $status = 0 ] && echo "ski: plans all ok" || echo "ski: plans FAILED" >&2
exit $status
