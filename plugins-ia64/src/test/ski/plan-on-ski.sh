#!/usr/bin/env bash
# The Java planner's programs on the ia64 assembly image, on Ski, against the reference machine: plans a kdump
# and a kexec reboot for the bundled profile with the handoff launcher, runs each bundle on Ski
# (bundle-to-load.py, run-ski.sh) and compares purgatory's console lines with what `handoff simulate` prints for
# the same plan (the C runtime and the ia64 steps' C version on the reference machine); the same for a kdump
# whose kernel has a byte flipped after loading (--corrupt kernel:0x100), and a kdump with last words (panic event,
# CPU records, watchdog) against run-ski.sh's BMC model: the console lines, and the requests the BMC received
# against the plan's and the reference machine's SEL.
#   plan-on-ski.sh HANDOFF PROFILE_DIR KERNEL PURGATORY_ELF [OUT]
# HANDOFF: the launcher (bin/handoff of a distribution whose plugins include plugins-ia64); PROFILE_DIR: the
# ia64-rx2660-8g profile; KERNEL: an ia64 vmlinux (the synthetic one reports on Ski); PURGATORY_ELF: the linked
# image (target/purgatory-ia64/purgatory.elf) of the ia64.bin in that plugin jar (its symbols, checked against the
# bundle). Exits 0 when every comparison passed; Ski as in ski-selftest.sh. Takes about 15 seconds.
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

# case NAME PLAN_ARGS SIMULATE_ARGS CORRUPT_OFFSET [LASTWORDS]
case_() {
  local name=$1 plan_args=$2 sim_args=$3 corrupt=$4 lastwords=${5:-} d=$out/$1
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
  local extra=()
  if [ -n "$lastwords" ]; then
    # the BMC model, and the crash notes the reference machine writes at the crash (where and which ip: its
    # account of the crash; the ip offset: the plan's)
    # shellcheck disable=SC2086
    "$handoff" simulate --platform ia64 --root "$profile" --kernel "$kernel" --append "console=ttyS0,115200" \
      $sim_args > "$d/simulate.txt" 2>&1 || true
    local off note
    off=$(grep -o 'ip at NT_PRSTATUS desc + 0x[0-9a-f]*' "$d/plan.txt" | grep -o '0x[0-9a-f]*$')
    extra=(--bmc)
    for note in $(grep -o 'cpu [0-9]* ip 0x[0-9a-f]* at 0x[0-9a-f]*' "$d/simulate.txt" | awk '{print $6 ":" $4}'); do
      extra+=(--note "$note:$off")
    done
  fi
  python3 "$here/bundle-to-load.py" "$d/bundle" "$profile/proc/iomem" "$elf" "$d/load" "${extra[@]}"
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
case_ kdump-lastwords "-p --panic-event --cpu-ip=console,sel --watchdog=start:120" \
  "--panic-event --cpu-ip=console,sel --watchdog=start:120" "" lastwords
# what the BMC model received, as requests (61 bytes.. 62 last), against the plan's requests and the reference
# machine's SEL: the same requests in the same order
if n=$(python3 - "$out/kdump-lastwords/load/bmc.txt" "$out/kdump-lastwords/plan.txt" "$out/kdump-lastwords/simulate.txt" <<'PY'
import re, sys
log = open(sys.argv[1]).read().split()
reqs, cur = [], None
i = 0
while i < len(log):
    w = log[i]
    if w == "c61":
        cur = []
    elif w == "c62":
        cur.append(int(log[i + 1], 16))
        reqs.append(cur)
        i += 1
    else:
        cur.append(int(w, 16))
    i += 1
plan = open(sys.argv[2]).read()
planned = [[int(x, 16) for x in m.split()] for m in re.findall(r'": request ([0-9A-F ]+), kcs', plan)]
sim = open(sys.argv[3]).read()
cpus = [(int(c), int(ip, 16)) for c, ip in re.findall(r"handoff CPU record: cpu (\d+) ip (0x[0-9a-f]+)", sim)]
sel = [[0x28, 0x44, 0, 0, 0xf1, 0x20, c] + list(ip.to_bytes(8, "little")) + list(b"HOF") for c, ip in cpus]
answered = int(re.search(r"\((\d+) requests answered", sim).group(1))
# the plan's order: panic event and texts, then the CPU records, then the watchdog
want = planned[:-2] + sel + planned[-2:]
if reqs != want or len(reqs) != answered:
    print("ski:", [bytes(r).hex() for r in reqs], "\nwant:", [bytes(r).hex() for r in want], answered, file=sys.stderr)
    sys.exit(1)
print(len(reqs))
PY
); then echo "ski: kdump-lastwords: the BMC model received the plan's $n requests (and the reference machine's SEL records), in order ok"
else echo "ski: kdump-lastwords: the BMC's requests differ FAILED" >&2; status=1
fi
case_ reboot "" "--reboot" ""
case_ kdump-corrupt "-p" "--corrupt=kernel:0x100" 0x100
# the EFI memory map the new kernel got: the stub's decoded descriptors against the reference machine's list
for name in kdump reboot; do
  if n=$(python3 - "$out/$name/simulate.txt" "$out/$name/load/console.txt" <<'PY'
import re, sys
types = ["RESERVED", "LOADER_CODE", "LOADER_DATA", "BS_CODE", "BS_DATA", "RT_CODE", "RT_DATA", "CONVENTIONAL",
         "UNUSABLE", "ACPI_RECLAIM", "ACPI_NVS", "MMIO", "MMIO_PORT", "PAL_CODE", "PERSISTENT"]
def attrs(a):
    names = [n for i, n in enumerate(["UC", "WC", "WT", "WB"]) if a >> i & 1]
    return "|".join(names + (["RUNTIME"] if a >> 63 else []))
ref, on = [], False
for line in open(sys.argv[1]):
    if "EFI memory map for the new kernel" in line:
        on = True
        continue
    m = re.match(r"^    (\S+) +(0x[0-9a-f]+)-(0x[0-9a-f]+) (\S*)", line) if on else None
    if on and not m:
        break
    if m:
        ref.append((m.group(1), int(m.group(2), 16), int(m.group(3), 16), m.group(4)))
ski = []
for line in open(sys.argv[2]):
    m = re.match(r"^stub: md \S+ type (\S+) phys (\S+) pages (\S+) virt \S+ attr (\S+)", line)
    if m:
        t, phys, pages, a = (int(x, 16) for x in m.groups())
        ski.append((types[t], phys, phys + pages * 4096 - 1, attrs(a)))
if not ref or ref != ski:
    print("reference:", ref, "\nski:", ski, file=sys.stderr)
    sys.exit(1)
print(len(ski))
PY
  ); then echo "ski: $name: the new kernel's EFI memory map on Ski ($n descriptors) = the reference machine's ok"
  else echo "ski: $name: the EFI memory maps differ FAILED" >&2; status=1
  fi
done
grep -q "kernel exited with status 0" "$out/kdump/end" && grep -q "^stub: SetVirtualAddressMap returned 0x0" "$out/kdump/load/console.txt" \
  && echo "ski: kdump: the synthetic vmlinux ran at the crash region and reported ok" \
  || { echo "ski: kdump: the kernel did not report" >&2; status=1; }
grep -q "halted at purgatory_halted" "$out/kdump-corrupt/end" \
  && echo "ski: kdump-corrupt: $(sed 's/^ski: //' "$out/kdump-corrupt/end") ok" \
  || { echo "ski: kdump-corrupt: did not halt" >&2; status=1; }
[ $status = 0 ] && echo "ski: plans all ok" || echo "ski: plans FAILED" >&2
exit $status
