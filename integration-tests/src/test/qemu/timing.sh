#!/bin/bash
# Time from panic to the capture kernel's first message, for Debian's kexec -p and for handoff load --crash,
# in the same guest (same kernel, initrd, QEMU machine). Prints both and the ratio.
#
# Usage: timing.sh WORKDIR [RUNS]      (prepare.sh first; RUNS guests per loader, default 1)
# Or:    timing.sh --logs KEXEC_TOOLS_LOG HANDOFF_LOG    to measure logs already written by run-guest.sh
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# seconds from the panic line to the first line of the next kernel ("Linux version" at 0.000000), and to
# the first line of anything after the panic's own report (handoff's purgatory prints there)
measure() { # LOG -> "panic_to_kernel panic_to_first_message"
  awk '
    /Kernel panic - not syncing/ && !p { p = substr($0, 2, 8) + 0; next }
    p && !first && !/^\[ *[0-9.]+\] \[ *[0-9]+\.[0-9]+\]/ && !/^\[ *[0-9.]+\] *$/ && !/Kernel Offset|Rebooting|---\[ end/ { first = substr($0, 2, 8) + 0 }
    p && /\[ *0\.000000\] Linux version/ { k = substr($0, 2, 8) + 0; if (!first) first = k; printf "%.3f %.3f\n", k - p, first - p; exit }
  ' "$1"
}

if [ "${1:-}" = --logs ]; then
  kts=("$2"); hos=("$3")
else
  work=$(cd "${1:?usage: timing.sh WORKDIR [RUNS]}" && pwd); runs=${2:-1}
  kts=(); hos=()
  for i in $(seq 1 "$runs"); do
    HQ_STOP_ON='HQ: END' "$here/run-guest.sh" "$work" kdump-kexec-tools "timing-kexec-tools-$i" 300 >/dev/null
    HQ_STOP_ON='HQ: END|purgatory: halt' "$here/run-guest.sh" "$work" kdump-handoff "timing-handoff-$i" 400 >/dev/null
    kts+=("$work/timing-kexec-tools-$i.log"); hos+=("$work/timing-handoff-$i.log")
  done
fi
printf '%-4s %-34s %-34s\n' run "kexec -p: first msg / Linux version" "handoff: first msg / Linux version"
sum_kt=0; sum_ho=0; n=0
for i in "${!kts[@]}"; do
  read -r kt_kernel kt_first < <(measure "${kts[$i]}")
  read -r ho_kernel ho_first < <(measure "${hos[$i]}")
  [ -n "${kt_kernel:-}" ] && [ -n "${ho_kernel:-}" ] || { echo "timing.sh: no panic -> capture kernel in ${kts[$i]} or ${hos[$i]}" >&2; exit 1; }
  printf '%-4s %-34s %-34s\n' $((i+1)) "${kt_first} s / ${kt_kernel} s" "${ho_first} s / ${ho_kernel} s"
  sum_kt=$(awk "BEGIN{print $sum_kt+$kt_kernel}"); sum_ho=$(awk "BEGIN{print $sum_ho+$ho_kernel}"); n=$((n+1))
done
awk -v a="$sum_kt" -v b="$sum_ho" -v n="$n" 'BEGIN { printf "mean panic -> Linux version: kexec -p %.3f s, handoff %.3f s; ratio kexec-tools / handoff %.2f\n", a/n, b/n, a/b }'
