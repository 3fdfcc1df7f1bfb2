#!/usr/bin/env bash
# Whole-process comparison of handoff with Debian's kexec-tools on the same kernel, machine profile and command
# line, at 1, 64 and 160 MiB initrds: wall time and peak RSS of
#   handoff plan --crash   (writes a bundle, loads nothing)
#   handoff load --crash   (kexec_load intercepted by the LD_PRELOAD capture shim, which writes the segments out)
#   kexec -p               (under the same shim, which also serves it the profile's /proc and /sys)
# run as PAIRS alternating rounds (handoff plan, kexec, handoff load, ...); medians are printed, with the ratios
# handoff / kexec-tools (below 1: handoff is faster or smaller).
#
# Usage: integration-tests/bench/loader-vs-kexec.sh            (PAIRS=5, SIZES="1 64 160")
# Environment: HANDOFF_TEST_KERNEL (default: the Debian kernel debian-kernel.sh downloads), KEXEC (default: kexec
#              on PATH), HANDOFF (default: the checkout's distribution, built when stale).
# Needs root for `handoff load` (it checks the effective uid before planning, as a real load must).
set -euo pipefail

pairs=${PAIRS:-5}
sizes=${SIZES:-1 64 160}
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$bench/common.sh"

profile=$dist/profiles/qemu-pc-x86_64-1g
append="console=ttyS0 irqpoll nr_cpus=1 reset_devices"
nproc=$(find "$profile/sys/devices/system/cpu" -maxdepth 1 -type d -name 'cpu[0-9]*' | wc -l)
kexec_bin=${KEXEC:-$(command -v kexec || echo /usr/sbin/kexec)}
[ -x "$kexec_bin" ] || { echo "$0: kexec not found (apt-get install kexec-tools)" >&2; exit 3; }
gcc -shared -fPIC -O2 -Wall -o "$work/shim.so" "$top/integration-tests/src/test/native/kexec_capture_shim.c" -ldl

run_kexec() {
    rm -rf "$work/kexec-out" && mkdir -p "$work/kexec-out"
    HANDOFF_SHIM_ROOT="$profile" HANDOFF_SHIM_OUT="$work/kexec-out" HANDOFF_SHIM_NPROC=$nproc \
        HANDOFF_SHIM_GETRANDOM=fail LD_PRELOAD="$work/shim.so" \
        "$measure" "$kexec_bin" -p "$kernel" --initrd="$1" --append="$append"
}
run_plan() {
    rm -rf "$work/bundle"
    "$measure" "$handoff" plan --platform x86_64 --root "$profile" --kernel "$kernel" --initrd "$1" \
        --append "$append" --crash --out "$work/bundle"
}
run_load() {
    rm -rf "$work/load-out" && mkdir -p "$work/load-out"
    HANDOFF_SHIM_OUT="$work/load-out" LD_PRELOAD="$work/shim.so" \
        "$measure" "$handoff" load --platform x86_64 --root "$profile" --kernel "$kernel" --initrd "$1" \
        --append "$append" --crash
}

echo "machine: $(machine_line)"
echo "kernel:  $kernel ($(stat -c %s "$kernel") bytes)"
echo "profile: $profile"
echo "rounds:  $pairs alternating (handoff plan, kexec -p, handoff load), medians"
printf '\n| initrd | handoff plan | handoff load | kexec -p | plan/kexec | load/kexec | RSS plan | RSS load | RSS kexec | RSS plan/kexec | RSS load/kexec |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
for mib in $sizes; do
    head -c $((mib * 1024 * 1024)) /dev/urandom > "$work/initrd"
    # one unmeasured round: page cache warm for every contender, CDS archive present
    for f in run_plan run_kexec run_load; do
        read -r _ _ rc < <($f "$work/initrd")
        [ "$rc" = 0 ] || { echo "$0: $f failed (exit $rc); rerun it with MEASURE_VERBOSE=1" >&2; exit 1; }
    done
    : > "$work/plan" ; : > "$work/kexec" ; : > "$work/load"
    for ((i = 0; i < pairs; i++)); do
        run_plan "$work/initrd" >> "$work/plan"
        run_kexec "$work/initrd" >> "$work/kexec"
        run_load "$work/initrd" >> "$work/load"
    done
    p=$(median 1 "$work/plan"); k=$(median 1 "$work/kexec"); l=$(median 1 "$work/load")
    pr=$(median 2 "$work/plan"); kr=$(median 2 "$work/kexec"); lr=$(median 2 "$work/load")
    printf '| %s MiB | %s ms | %s ms | %s ms | %s | %s | %s MiB | %s MiB | %s MiB | %s | %s |\n' "$mib" "$p" "$l" "$k" \
        "$(ratio "$p" "$k")" "$(ratio "$l" "$k")" "$(mib_of "$pr")" "$(mib_of "$lr")" "$(mib_of "$kr")" \
        "$(ratio "$pr" "$kr")" "$(ratio "$lr" "$kr")"
done
