#!/bin/bash
# Run kexec-tools 2.0.25's ia64 loader (built for this host by kexec-ia64-reference.sh) against an ia64
# machine profile, through the LD_PRELOAD capture shim, and keep what it would have loaded:
# OUTDIR/segments.txt (entry, flags, index mem memsz bufsz per segment), OUTDIR/segN.bin and
# OUTDIR/kexec-d.txt (kexec -d's output). Nothing is loaded: the shim answers kexec_load itself.
#
# Usage: kexec-ia64-run.sh MODE PROFILE_DIR KERNEL INITRD APPEND OUTDIR [extra kexec args...]
#   MODE    -l (kexec -l) or -p (kexec -p, the kdump load)
#   INITRD  a file, or "-" for no --initrd
#   APPEND  the --append text, or the single word --no-append to leave the option out (kexec -p then
#           crashes in kexec-tools: strcpy from a NULL command line)
# The shim reports uname machine ia64, a 16 KiB page size (HANDOFF_SHIM_PAGESIZE overrides) and as many CPUs
# as the profile has cpuN directories. Exit status: kexec's, or 1 when it exited 0 without a load.
# Environment: KEXEC_IA64 (a prebuilt binary), HANDOFF_SHIM_SO (a prebuilt shim).
set -euo pipefail

if [ $# -lt 6 ]; then
    echo "usage: $0 -l|-p PROFILE_DIR KERNEL INITRD APPEND OUTDIR [extra kexec args...]" >&2
    exit 2
fi
mode=$1
profile=$(cd "$2" && pwd)
kernel=$3
initrd=$4
append=$5
out=$6
shift 6
case "$mode" in -l|-p) ;; *) echo "$0: MODE must be -l or -p, not $mode" >&2; exit 2 ;; esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_file="$here/../native/kexec_capture_shim.c"
kexec_bin=${KEXEC_IA64:-$("$here/kexec-ia64-reference.sh")}
[ -x "$kexec_bin" ] || { echo "$0: $kexec_bin is not executable" >&2; exit 3; }
[ -r "$kernel" ] || { echo "$0: cannot read $kernel" >&2; exit 3; }
[ "$initrd" = - ] || [ -r "$initrd" ] || { echo "$0: cannot read $initrd" >&2; exit 3; }
[ -r "$profile/proc/iomem" ] || { echo "$0: $profile is not a machine profile (no proc/iomem)" >&2; exit 3; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
shim=${HANDOFF_SHIM_SO:-$out/.shim/kexec_capture_shim.so}
if [ -z "${HANDOFF_SHIM_SO:-}" ] && { [ ! -f "$shim" ] || [ "$source_file" -nt "$shim" ]; }; then
    mkdir -p "$(dirname "$shim")"
    gcc -shared -fPIC -O2 -Wall -Wextra -o "$shim" "$source_file" -ldl
fi

nproc=$(find "$profile/sys/devices/system/cpu" -maxdepth 1 -type d -name 'cpu[0-9]*' 2>/dev/null | wc -l)
rm -f "$out"/segments.txt "$out"/seg*.bin

args=(-d "$mode" "$@" "$kernel")
[ "$initrd" = - ] || args+=(--initrd="$initrd")
[ "$append" = --no-append ] || args+=(--append="$append")
set +e
HANDOFF_SHIM_ROOT="$profile" HANDOFF_SHIM_OUT="$out" HANDOFF_SHIM_NPROC="$nproc" \
HANDOFF_SHIM_MACHINE=ia64 HANDOFF_SHIM_PAGESIZE="${HANDOFF_SHIM_PAGESIZE:-16384}" \
LD_PRELOAD="$shim" "$kexec_bin" "${args[@]}" 2>"$out/kexec-d.txt"
rc=$?
set -e
if [ $rc -ne 0 ]; then
    echo "$0: kexec $mode exited with $rc; its output is in $out/kexec-d.txt" >&2
    tail -n 5 "$out/kexec-d.txt" >&2
    exit $rc
fi
if [ ! -f "$out/segments.txt" ]; then
    echo "$0: kexec $mode exited 0 without calling kexec_load; its output is in $out/kexec-d.txt" >&2
    exit 1
fi
cat "$out/segments.txt"
