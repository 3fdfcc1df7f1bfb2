#!/usr/bin/env bash
# Whole-process timing of `handoff plan --crash` against Debian's `kexec -p` (run under the LD_PRELOAD capture
# shim, so it plans against the same machine profile and loads nothing), on the same kernel, profile and command
# line, with a 1 MiB and a 64 MiB initrd of random data. Prints the median of N runs of each and the ratio.
#
# Usage: integration-tests/bench/plan-vs-kexec.sh [RUNS]        (default 10)
# Environment: HANDOFF_TEST_KERNEL (default: framework/launcher/src/dist/libexec/debian-kernel.sh),
#              PROFILE (default: ../shared/fixtures/profiles/qemu-pc-x86_64-1g), KEXEC (default: kexec on PATH).
# Uses hyperfine when installed (apt-get install -y hyperfine), a date +%s%N loop otherwise.
# What is timed differs in one way: handoff also writes the bundle (segments/*.bin, manifest.json, plan.txt,
# memory-map.svg), copying the initrd; kexec hands its buffers to the shim, which writes them out too.
set -euo pipefail

runs=${1:-10}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
kernel=${HANDOFF_TEST_KERNEL:-$(bash "$top/framework/launcher/src/dist/libexec/debian-kernel.sh")}
profile=${PROFILE:-$top/../shared/fixtures/profiles/qemu-pc-x86_64-1g}
profile=$(cd "$profile" && pwd)
kexec_bin=${KEXEC:-$(command -v kexec || echo /usr/sbin/kexec)}
append="console=ttyS0 irqpoll nr_cpus=1 reset_devices"
[ -x "$kexec_bin" ] || { echo "$0: kexec not found (apt-get install kexec-tools)" >&2; exit 3; }
command -v gcc >/dev/null || { echo "$0: gcc not found (apt-get install gcc)" >&2; exit 3; }

work=$(mktemp -d "${TMPDIR:-/tmp}/plan-vs-kexec.XXXXXX")
trap 'rm -rf "$work"' EXIT
gcc -shared -fPIC -O2 -Wall -o "$work/shim.so" "$top/integration-tests/src/test/native/kexec_capture_shim.c" -ldl
nproc=$(find "$profile/sys/devices/system/cpu" -maxdepth 1 -type d -name 'cpu[0-9]*' | wc -l)

# Build the distribution once (./handoff builds it when stale) so no run pays for Maven.
"$top/handoff" --version >/dev/null 2>&1 || "$top/handoff" --help >/dev/null

cat > "$work/kexec.sh" <<SCRIPT
#!/bin/bash
mkdir -p "$work/kexec-out"
HANDOFF_SHIM_ROOT="$profile" HANDOFF_SHIM_OUT="$work/kexec-out" HANDOFF_SHIM_NPROC=$nproc HANDOFF_SHIM_GETRANDOM=fail \\
LD_PRELOAD="$work/shim.so" "$kexec_bin" -p "$kernel" --initrd="\$1" --append="$append" >/dev/null 2>&1
SCRIPT
cat > "$work/handoff.sh" <<SCRIPT
#!/bin/bash
"$top/handoff" plan --platform x86_64 --root "$profile" --kernel "$kernel" --initrd "\$1" --append "$append" \\
    --crash --out "$work/bundle" >/dev/null 2>&1
SCRIPT
chmod +x "$work/kexec.sh" "$work/handoff.sh"

# median of N runs of a command, in milliseconds
median_ms() {
    local cmd=$1 i t0 t1
    if command -v hyperfine >/dev/null; then
        hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/h.json" "$cmd" >/dev/null 2>&1
        python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' \
            "$work/h.json"
        return
    fi
    $cmd >/dev/null 2>&1 || true   # warm-up
    : > "$work/times"
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s%N)
        $cmd
        t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000 )) >> "$work/times"
    done
    sort -n "$work/times" | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.1f\n", m/1000}'
}

echo "kernel:  $kernel"
echo "profile: $profile"
echo "runs:    $runs each ($(command -v hyperfine >/dev/null && echo hyperfine || echo 'date loop'))"
printf '\n%-8s %16s %16s %8s\n' initrd "handoff plan ms" "kexec -p ms" ratio
for mib in 1 64; do
    head -c $((mib * 1024 * 1024)) /dev/urandom > "$work/initrd-$mib"
    "$work/kexec.sh" "$work/initrd-$mib" || { echo "$0: kexec -p failed on the profile" >&2; exit 1; }
    "$work/handoff.sh" "$work/initrd-$mib" || { echo "$0: handoff plan failed" >&2; exit 1; }
    h=$(median_ms "$work/handoff.sh $work/initrd-$mib")
    k=$(median_ms "$work/kexec.sh $work/initrd-$mib")
    printf '%-8s %16s %16s %8s\n' "${mib} MiB" "$h" "$k" "$(awk -v h="$h" -v k="$k" 'BEGIN {printf "%.2f", h / k}')"
done
echo "(ratio = handoff / kexec-tools; above 1 means handoff is slower)"
