#!/bin/bash
# Time from panic to the capture kernel's first message, for Debian's kexec -p, for handoff load --crash, and
# for handoff load --crash with IPMI last words, in the same guest (same kernel, initrd, QEMU machine and BMC).
# Prints each run and the means.
#
# Usage: timing.sh WORKDIR [RUNS]      (prepare.sh first; RUNS guests per loader, default 1)
#        HQ_LAST_WORDS  the last-words options of the third loader (default: --panic-event --cpu-ip console,sel
#                       --watchdog start:120); empty leaves that loader out
# Or:    timing.sh --logs KEXEC_TOOLS_LOG HANDOFF_LOG [HANDOFF_LAST_WORDS_LOG]   to measure logs already written
#        by run-guest.sh
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
last_words=${HQ_LAST_WORDS-"--panic-event --cpu-ip console,sel --watchdog start:120"}

# seconds from the panic line to the first line of the next kernel ("Linux version" at 0.000000), and to
# the first line of anything after the panic's own report (handoff's purgatory prints there)
measure() { # LOG -> "panic_to_kernel panic_to_first_message"
  awk '
    /Kernel panic - not syncing/ && !p { p = substr($0, 2, 8) + 0; next }
    p && !first && !/^\[ *[0-9.]+\] \[ *[0-9]+\.[0-9]+\]/ && !/^\[ *[0-9.]+\] *$/ && !/Kernel Offset|Rebooting|---\[ end/ { first = substr($0, 2, 8) + 0 }
    p && /\[ *0\.000000\] Linux version/ { k = substr($0, 2, 8) + 0; if (!first) first = k; printf "%.3f %.3f\n", k - p, first - p; exit }
  ' "$1"
}
# seconds from purgatory's "digests ok" to its last last-words line (ipmi … / cpu N …), host stamps
last_words_span() { # LOG -> seconds, or "-" without last words
  awk '
    /purgatory: digests ok/ { d = substr($0, 2, 8) + 0 }
    /purgatory: (ipmi|cpu) / { l = substr($0, 2, 8) + 0 }
    END { if (d && l) printf "%.3f\n", l - d; else print "-" }
  ' "$1"
}

if [ "${1:-}" = --logs ]; then
  kts=("$2"); hos=("$3"); lws=("${4:-}")
else
  work=$(cd "${1:?usage: timing.sh WORKDIR [RUNS]}" && pwd); runs=${2:-1}
  kts=(); hos=(); lws=()
  stop='HQ: END|purgatory: halt'
  for i in $(seq 1 "$runs"); do
    HQ_STOP_ON="$stop" "$here/run-guest.sh" "$work" kdump-kexec-tools "timing-kexec-tools-$i" 300 >/dev/null
    HQ_STOP_ON="$stop" HQ_HANDOFF_OPTS= "$here/run-guest.sh" "$work" kdump-handoff "timing-handoff-$i" 400 >/dev/null
    kts+=("$work/timing-kexec-tools-$i.log"); hos+=("$work/timing-handoff-$i.log")
    if [ -n "$last_words" ]; then
      HQ_STOP_ON="$stop" HQ_HANDOFF_OPTS="$last_words" "$here/run-guest.sh" "$work" kdump-handoff \
        "timing-last-words-$i" 400 >/dev/null
      lws+=("$work/timing-last-words-$i.log")
    else
      lws+=("")
    fi
  done
fi
printf '%-4s %-30s %-30s %-30s %s\n' run "kexec -p: first msg / kernel" "handoff: first msg / kernel" \
  "+ last words: first / kernel" "last words took"
sum_kt=0; sum_ho=0; sum_lw=0; n=0; nlw=0
for i in "${!kts[@]}"; do
  read -r kt_kernel kt_first < <(measure "${kts[$i]}")
  read -r ho_kernel ho_first < <(measure "${hos[$i]}")
  [ -n "${kt_kernel:-}" ] && [ -n "${ho_kernel:-}" ] || { echo "timing.sh: no panic -> capture kernel in ${kts[$i]} or ${hos[$i]}" >&2; exit 1; }
  lw_col=-; span=-
  if [ -n "${lws[$i]}" ]; then
    read -r lw_kernel lw_first < <(measure "${lws[$i]}")
    [ -n "${lw_kernel:-}" ] || { echo "timing.sh: no panic -> capture kernel in ${lws[$i]}" >&2; exit 1; }
    lw_col="${lw_first} s / ${lw_kernel} s"; span="$(last_words_span "${lws[$i]}") s"
    sum_lw=$(awk "BEGIN{print $sum_lw+$lw_kernel}"); nlw=$((nlw+1))
  fi
  printf '%-4s %-30s %-30s %-30s %s\n' $((i+1)) "${kt_first} s / ${kt_kernel} s" "${ho_first} s / ${ho_kernel} s" \
    "$lw_col" "$span"
  sum_kt=$(awk "BEGIN{print $sum_kt+$kt_kernel}"); sum_ho=$(awk "BEGIN{print $sum_ho+$ho_kernel}"); n=$((n+1))
done
awk -v a="$sum_kt" -v b="$sum_ho" -v c="$sum_lw" -v n="$n" -v m="$nlw" 'BEGIN {
  printf "mean panic -> Linux version: kexec -p %.3f s, handoff %.3f s", a/n, b/n
  if (m) printf ", handoff with last words %.3f s", c/m
  printf "; ratio kexec-tools / handoff %.2f", a/b
  if (m) printf ", kexec-tools / handoff with last words %.2f", (a/n)/(c/m)
  printf "\n" }'
