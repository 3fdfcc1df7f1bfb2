#!/usr/bin/env bash
# The ia64 purgatory image on the HP Ski IA-64 simulator: builds the image (build-image.sh), the synthetic
# vmlinux (build-kernel.sh) and the loads (make-load.c with the framework's step encoder), runs each on Ski
# (run-ski.sh) and checks what purgatory printed and what the synthetic kernel saw. Exits 0 when every check
# passed, 1 otherwise; prints one "ski: ... ok" line per check.
#   ski-selftest.sh [OUT]          (OUT: a scratch directory, default a temporary one)
# Ski: $HANDOFF_SKI, else ~/.cache/handoff/ski/bin/bski (build-ski.sh builds it). Without Ski it prints
# "Ski not installed (set HANDOFF_SKI=/path/to/bski): did not run" and exits 0: the caller decides whether that
# is acceptable. Takes about 5 seconds (the longest run, good, hashes over 1 MB: about 80 million simulated instructions).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plugin=$(cd "$here/../../.." && pwd)
bski=${HANDOFF_SKI:-$HOME/.cache/handoff/ski/bin/bski}
if [ ! -x "$bski" ]; then
  echo "Ski not installed (set HANDOFF_SKI=/path/to/bski): did not run"
  exit 0
fi
export HANDOFF_SKI=$bski
CROSS=${CROSS:-ia64-linux-gnu-}
out=${1:-}
if [ -z "$out" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

# the SDK: unpacked by Maven into target/purgatory-sdk, else the framework's sources next to this plugin
sdk_c=$plugin/target/purgatory-sdk/main/c sdk_t=$plugin/target/purgatory-sdk/test/c
[ -f "$sdk_c/sha256.c" ] || sdk_c=$plugin/../framework/purgatory/src/main/c
[ -f "$sdk_t/program_encoder.h" ] || sdk_t=$plugin/../framework/purgatory/src/test/c

bash "$plugin/src/build/build-image.sh" "$plugin" "$out" >"$out/build-image.log" 2>&1 \
  || { cat "$out/build-image.log" >&2; exit 1; }
bash "$plugin/src/build/build-kernel.sh" "$out/vmlinux" >/dev/null
"${CC:-gcc}" -std=c11 -Wall -Wextra -Werror -O1 -I"$sdk_c" -I"$sdk_t" -o "$out/make-load" \
  "$here/make-load.c" "$sdk_c/sha256.c" "$sdk_c/lib.c"
image=$out/classes/purgatory/ia64.bin
halted=0x$("${CROSS}nm" "$out/purgatory-ia64/purgatory.elf" | awk '$3 == "purgatory_halted" {print $1}')

status=0
ok() { echo "ski: $* ok"; }
bad() { echo "ski: $* FAILED" >&2; status=1; }
# run SCENARIO: a load, its run; the end line in $out/SCENARIO/end
run() {
  rm -rf "${out:?}/$1"
  mkdir -p "$out/$1"
  "$out/make-load" "$1" "$image" "$halted" "$out/vmlinux" "$out/$1"
  bash "$here/run-ski.sh" "$out/$1" > "$out/$1/end" || true
}
# in_order FILE LINE...: every LINE is a line of FILE, in this order (else says which is missing, returns 1)
in_order() {
  local LC_ALL=C text want pos=0
  local -a lines
  text=$(cat "$1"; echo .) # (the dot keeps the text's last newlines; \r\n and \r end lines too)
  text=${text%.}
  text=${text//$'\r\n'/$'\n'}
  text=${text//$'\r'/$'\n'}
  mapfile -t lines <<<"$text" # (a text ending in a newline ends in an empty line)
  shift
  for want in "$@"; do
    while [ $pos -lt ${#lines[@]} ] && [ "${lines[pos]}" != "$want" ]; do pos=$((pos + 1)); done
    if [ $pos -ge ${#lines[@]} ]; then echo "missing (in order): $want" >&2; return 1; fi
    pos=$((pos + 1))
  done
}
# expect SCENARIO WHAT LINE...: every line is in the console output, in this order
expect() {
  local s=$1 what=$2
  shift 2
  if in_order "$out/$s/console.txt" "$@"
  then ok "$s: $what"; else bad "$s: $what"; sed 's/^/    /' "$out/$s/console.txt" >&2; fi
}
ended() { # ended SCENARIO LINE
  if [ "$(cat "$out/$1/end")" = "ski: $2" ]; then ok "$1: $2"; else bad "$1: ended '$(cat "$out/$1/end")', want 'ski: $2'"; fi
}

echo "ski: simulator $bski, image $(stat -c %s "$image") bytes"
sed -n 's/^check-image.sh: .* ok: /ski: check-image.sh: /p' "$out/build-image.log"

run good
ended good "kernel exited with status 0"
expect good "console lines of the handoff program" \
  "purgatory: handoff v1, 9 steps, budget 123456 us" \
  "purgatory: digests ok (3 segments, 4 chunks)" \
  "purgatory: digests ok (4 segments, 3 chunks)" \
  "purgatory: boot_param 0x7e00000 from r28 0x8000000" \
  "purgatory: efi memmap 0x8002000 7 descriptors -> 0x7e01000 9 descriptors" \
  "purgatory: SetVirtualAddressMap hook 0x7e02100 at 0x8001200" \
  "purgatory: rtc at 0x70, binary, 24h" \
  "purgatory: hello from the step program" \
  "purgatory: jump to 0x4000000 r28=0x7e00000"
expect good "SHA-256 of the FIPS 180-4 vectors (abc, 448-bit, a million 'a') and the kernel's chunks" \
  "purgatory: digests ok (3 segments, 4 chunks)" "purgatory: digests ok (4 segments, 3 chunks)"
expect good "stub kernel entered with r28 = the new boot_param" \
  "stub: handoff synthetic ia64 vmlinux entered" "stub: r28 0x7e00000"
expect good "new boot_param: command_line, efi_memmap (the patched copy), copied fields, orig_x/y, initrd, vmcode" \
  "stub: boot_param command_line 0x7e02000 efi_systab 0xe000000008001000 efi_memmap 0x7e01000 efi_memmap_size 0x1b0 efi_memdesc_size 0x30 efi_memdesc_version 0x1" \
  "stub: boot_param num_cols 0x50 num_rows 0x19 orig_x 0x0 orig_y 0x0 fpswa 0x8003800" \
  "stub: boot_param initrd_start 0x7d00000 initrd_size 0x1234 vmcode_start 0x0 vmcode_size 0x0" \
  'stub: command line "console=ttyS0 elfcorehdr=1024K max_addr=128M min_addr=64M"'
expect good "patched EFI map: LOADER_DATA at each segment's start, old LOADER_DATA now CONVENTIONAL, a segment across two descriptors in two pieces, no merge, 0-page descriptor dropped, 48-byte stride kept" \
  "stub: md 0x0 type 0x7 phys 0x0 pages 0xa0 virt 0xe000000000000000 attr 0xf extra 0x1111111100000000" \
  "stub: md 0x1 type 0x7 phys 0x100000 pages 0xeff virt 0xe000000000100000 attr 0xf extra 0x1111111100000001" \
  "stub: md 0x2 type 0x2 phys 0xfff000 pages 0x1 virt 0xe000000000100000 attr 0xf extra 0x1111111100000001" \
  "stub: md 0x3 type 0x2 phys 0x1000000 pages 0x1 virt 0xe000000001000000 attr 0xf extra 0x1111111100000002" \
  "stub: md 0x4 type 0x7 phys 0x1001000 pages 0x2fff virt 0xe000000001000000 attr 0xf extra 0x1111111100000002" \
  "stub: md 0x5 type 0x2 phys 0x4000000 pages 0x30 virt 0xe000000004000000 attr 0xf extra 0x1111111100000003" \
  "stub: md 0x6 type 0x7 phys 0x4030000 pages 0x3fd0 virt 0xe000000004000000 attr 0xf extra 0x1111111100000003" \
  "stub: md 0x7 type 0x6 phys 0x8000000 pages 0x100 virt 0xe000000008000000 attr 0x800000000000000f extra 0x1111111100000005" \
  "stub: md 0x8 type 0xb phys 0xff5e0000 pages 0x1 virt 0xe0000000ff5e0000 attr 0x8000000000000001 extra 0x1111111100000006"
if [ "$(grep -c '^stub: md ' "$out/good/console.txt")" = 9 ]; then ok "good: exactly 9 descriptors"; else bad "good: descriptor count"; fi
expect good "SetVirtualAddressMap descriptor's IP word = the stub, gp kept; calling it returns 0" \
  "stub: svam fdesc 0x8001200 ip 0x7e02100 gp 0x8001400" "stub: SetVirtualAddressMap returned 0x0" "stub: done"

run corrupt
ended corrupt "halted at purgatory_halted, reason 0xdead"
expect corrupt "kernel byte changed after hashing: digest mismatch, fallback, halt" \
  "purgatory: handoff v1, 9 steps, budget 123456 us" \
  "purgatory: digest mismatch in segment 0 (mem 0x4000000) chunk 1 at 0x4001000" \
  "purgatory: step 1 (verify-digests) failed: digest mismatch; running fallback" \
  "purgatory: fallback" \
  "purgatory: halt, reason 57005"
if grep -q '^stub:' "$out/corrupt/console.txt"; then bad "corrupt: the kernel was entered"; else ok "corrupt: the kernel was not entered"; fi

run noboot
ended noboot "halted at purgatory_halted, reason 0xdead"
expect noboot "r28 = 0: no boot_param" \
  "purgatory: step 3 (ia64-boot-param) failed: no boot_param in r28; running fallback" "purgatory: halt, reason 57005"

run badmagic
ended badmagic "halted at purgatory_halted, reason 0xff11"
if [ ! -s "$out/badmagic/console.txt" ]; then ok "badmagic: refused before any console (no output)"; else bad "badmagic: printed something"; fi

run deaduart
ended deaduart "halted at purgatory_halted, reason 0xdead"
if [ ! -s "$out/deaduart/console.txt" ]; then
  ok "deaduart: THR never empty: the wait ended at the iteration cap, the REQUIRED console step failed, fallback halt"
else
  bad "deaduart: printed something"
fi

run errors
ended errors "halted at purgatory_halted, reason 0xff01"
expect errors "failure lines of kinds 49, 50, unknown kinds, copy/swap, zero tail; program and fallback without a handoff" \
  "purgatory: handoff v1, 16 steps, budget 123456 us" \
  "purgatory: boot_param 0x7e00000 from r28 0x8000000" \
  "purgatory: step 2 (ia64-efi-memmap) failed: efi memmap buffer of 100 bytes too small; continuing" \
  "purgatory: step 3 (ia64-efi-memmap) failed: loaded segments not sorted; continuing" \
  "purgatory: step 4 (ia64-efi-memmap) failed: segment 0x8000000 in efi descriptor 5 of type 6; continuing" \
  "purgatory: step 5 (ia64-efi-memmap) failed: more than 64 loaded segments; continuing" \
  "purgatory: step 6 (ia64-efi-memmap) failed: efi memdesc size 36; continuing" \
  "purgatory: step 7 (ia64-efi-memmap) failed: efi memmap of 1048584 bytes; continuing" \
  "purgatory: step 8 (ia64-svam-hook) failed: efi system table 0x8003000 has signature 0x414d495f544f4f42; continuing" \
  "purgatory: step 9 (ia64-efi-memmap) failed: efi descriptor 0 too large; continuing" \
  "purgatory: step 10 (kind 99) failed: unknown step kind 99; continuing" \
  "purgatory: copied 16 bytes 0x7e02000 -> 0x7e04000" \
  "purgatory: step 12 (copy) failed: overlapping ranges; continuing" \
  "purgatory: swapped 8 bytes 0x7e04000 <-> 0x7e05000" \
  "purgatory: non-zero byte in zero tail of segment 0 at 0x7e02000" \
  "purgatory: step 14 (verify-digests) failed: non-zero zero tail; continuing" \
  "purgatory: step 15 (kind 18) failed: unknown step kind 18; continuing" \
  "purgatory: program ended without a handoff; running fallback" \
  "purgatory: fallback step 0 (kind 9) failed: unknown step kind 9; continuing" \
  "purgatory: fallback ended without a handoff" \
  "purgatory: halt, reason 65281"

run lastwords
ended lastwords "halted at purgatory_halted, reason 0x1a57"
expect lastwords "rtc, ipmi-request (no device, IBF stuck: RTC deadline, retries, abort; operand errors), cpu-ip-records (4 CPUs' notes, SEL without a device)" \
  "purgatory: rtc at 0x70, binary, 24h" \
  "purgatory: ipmi watchdog start: failed: no device, status 0xff" \
  "purgatory: step 2 (ipmi-request) failed: no device, status 0xff; continuing" \
  "purgatory: ipmi stuck: failed: timed out waiting for IBF=0" \
  "purgatory: step 3 (ipmi-request) failed: timed out waiting for IBF=0; continuing" \
  "purgatory: step 4 (ipmi-request) failed: bad kcs port 0x10000; continuing" \
  "purgatory: step 5 (ipmi-request) failed: too many retries 256; continuing" \
  "purgatory: step 6 (ipmi-request) failed: bad request length 1; continuing" \
  "purgatory: cpu 0 ip 0xa000000100001234" \
  "purgatory: ipmi cpu 0 ip: failed: no device, status 0xff" \
  "purgatory: cpu 1: no NT_PRSTATUS" \
  "purgatory: cpu 2 ip 0xa000000100005678" \
  "purgatory: ipmi cpu 2 ip: failed: no device, status 0xff" \
  "purgatory: cpu 3: no NT_PRSTATUS" \
  "purgatory: step 7 (cpu-ip-records) failed: sel write failed for cpu 0; continuing" \
  "purgatory: halt, reason 6743"

run lwspent
ended lwspent "halted at purgatory_halted, reason 0x1a57"
expect lwspent "a 0 s last-words deadline on a BCD 12-hour clock: spent in the first wait, the later kind 7/8 steps skipped" \
  "purgatory: rtc at 0x70, bcd, 12h" \
  "purgatory: ipmi stuck: failed: last-words deadline spent" \
  "purgatory: step 2 (ipmi-request) failed: last-words deadline spent; continuing" \
  "purgatory: ipmi watchdog start: skipped: last-words deadline spent" \
  "purgatory: step 3 (ipmi-request) failed: last-words deadline spent; continuing" \
  "purgatory: ipmi cpu-ip records: skipped: last-words deadline spent" \
  "purgatory: step 4 (cpu-ip-records) failed: last-words deadline spent; continuing" \
  "purgatory: halt, reason 6743"

# the KCS transaction answered: run-ski.sh's BMC model, driven by breakpoints at purgatory's pg_inb/pg_outb
run_bmc() {
  rm -rf "${out:?}/bmc"
  mkdir -p "$out/bmc"
  "$out/make-load" bmc "$image" "$halted" "$out/vmlinux" "$out/bmc"
  local sym
  for sym in inb outb; do
    echo "$sym 0x$(printf %x $((0x7f00000 + 0x$("${CROSS}nm" "$out/purgatory-ia64/purgatory.elf" | awk -v n="pg_$sym" '$3 == n {print $1}'))))"
  done >> "$out/bmc/load.txt"
  bash "$here/run-ski.sh" "$out/bmc" > "$out/bmc/end" || true
}
run_bmc
ended bmc "halted at purgatory_halted, reason 0x600d"
expect bmc "KCS transactions answered by a BMC model: cc 0, cc 0xc1 (a failed step), SEL records of 2 CPUs" \
  "purgatory: rtc at 0x70, binary, 24h" \
  "purgatory: ipmi watchdog start: cc 0x0" \
  "purgatory: ipmi panic event: cc 0xc1" \
  "purgatory: step 3 (ipmi-request) failed: completion code 0xc1; continuing" \
  "purgatory: cpu 0 ip 0xa000000100001234" \
  "purgatory: ipmi cpu 0 ip: cc 0x0" \
  "purgatory: cpu 1: no NT_PRSTATUS" \
  "purgatory: cpu 2 ip 0xa000000100005678" \
  "purgatory: ipmi cpu 2 ip: cc 0x0" \
  "purgatory: halt, reason 24589"
expect bmc "BMC answers: a wrong header, a 1-byte response, an endless one (then the abort), an ERROR state (abort, retry, cc 0)" \
  "purgatory: ipmi header: failed: wrong response header 0xc22" \
  "purgatory: step 5 (ipmi-request) failed: wrong response header 0xc22; continuing" \
  "purgatory: ipmi short: failed: short response, bytes 1" \
  "purgatory: step 6 (ipmi-request) failed: short response, bytes 1; continuing" \
  "purgatory: ipmi long: failed: response longer than 40 bytes" \
  "purgatory: step 7 (ipmi-request) failed: response longer than 40 bytes; continuing" \
  "purgatory: ipmi retry: cc 0x0" \
  "purgatory: halt, reason 24589"
# what the BMC received (cNN: written to the command port): WRITE_START (c61), the bytes, WRITE_END (c62) before
# the last; GET_STATUS/ABORT (c60), 00, READ (68) for an abort
want="c61 18 c62 22 c61 10 02 43 03 20 70 6f a1 61 c62 6e"                       # watchdog, platform event
want+=" c61 28 44 00 00 f1 20 00 34 12 00 00 01 00 00 a0 48 4f c62 46"           # SEL: 0xf1, cpu 0, ip, HOF
want+=" c61 28 44 00 00 f1 20 02 78 56 00 00 01 00 00 a0 48 4f c62 46"           # SEL: cpu 2
want+=" c61 18 c62 22 c61 18 c62 22 c61 18 c62 22 c60 00 68"                     # header, short, long + abort
want+=" c61 c60 00 68 c61 18 c62 22"                                             # ERROR at once, abort, retry
if [ "$(cat "$out/bmc/bmc.txt")" = "$want" ]; then
  ok "bmc: the bytes the BMC received (requests, SEL records with cpu and ip little-endian, aborts)"
else
  bad "bmc: the BMC received $(cat "$out/bmc/bmc.txt")"
fi

if [ $status = 0 ]; then echo "ski: all ok"; else echo "ski: FAILED" >&2; fi
exit $status
