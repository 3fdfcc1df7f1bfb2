#!/bin/bash
# Run kexec-tools' `kexec -p -d` against a captured machine profile instead of this host, and keep what
# it would have loaded: OUTDIR/segments.txt (entry, flags, index mem memsz bufsz per segment),
# OUTDIR/segN.bin (each segment's buffer) and OUTDIR/kexec-d.txt (kexec's debug output on stderr).
#
# Usage: kexec-reference.sh PROFILE_DIR KERNEL INITRD APPEND OUTDIR [extra kexec args...]
#
# The LD_PRELOAD shim (../native/kexec_capture_shim.c) is built with gcc into OUTDIR/.shim when missing
# or older than its source. The CPU count is the number of cpuN directories of the profile; getrandom
# fails, as in an early-boot kernel without entropy (no RNG-seed setup_data segment).
# Environment: KEXEC (default: kexec on PATH), HANDOFF_SHIM_SO (use a prebuilt shim), KEXEC_LOAD (-p, the
# default: a crash kernel; -l: a kernel for kexec -e).
set -euo pipefail

if [ $# -lt 5 ]; then
    echo "usage: $0 PROFILE_DIR KERNEL INITRD APPEND OUTDIR [extra kexec args...]" >&2
    exit 2
fi
profile=$(cd "$1" && pwd)
kernel=$2
initrd=$3
append=$4
out=$5
shift 5

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_file="$here/../native/kexec_capture_shim.c"
kexec_bin=${KEXEC:-$(command -v kexec || echo /usr/sbin/kexec)}
[ -x "$kexec_bin" ] || { echo "$0: kexec not found (apt-get install kexec-tools)" >&2; exit 3; }
for f in "$kernel" "$initrd"; do
    [ -r "$f" ] || { echo "$0: cannot read $f" >&2; exit 3; }
done
[ -r "$profile/proc/iomem" ] || { echo "$0: $profile is not a machine profile (no proc/iomem)" >&2; exit 3; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
shim=${HANDOFF_SHIM_SO:-$out/.shim/kexec_capture_shim.so}
if [ -z "${HANDOFF_SHIM_SO:-}" ] && { [ ! -f "$shim" ] || [ "$source_file" -nt "$shim" ]; }; then
    mkdir -p "$(dirname "$shim")"
    gcc -shared -fPIC -O2 -Wall -Wextra -o "$shim" "$source_file" -ldl
fi

nproc=$(find "$profile/sys/devices/system/cpu" -maxdepth 1 -type d -name 'cpu[0-9]*' | wc -l)
rm -f "$out"/segments.txt "$out"/seg*.bin

set +e
# The extra arguments go before the kernel: kexec-tools 2.0.25 drops the --append text when an x86 option such
# as --pass-memmap-cmdline follows it (the capture kernel then gets only acpi_rsdp=, elfcorehdr= and memmap=).
HANDOFF_SHIM_ROOT="$profile" HANDOFF_SHIM_OUT="$out" HANDOFF_SHIM_NPROC="$nproc" HANDOFF_SHIM_GETRANDOM=fail \
LD_PRELOAD="$shim" "$kexec_bin" "${KEXEC_LOAD:--p}" -d "$@" "$kernel" --initrd="$initrd" --append="$append" 2>"$out/kexec-d.txt"
rc=$?
set -e
if [ $rc -ne 0 ] || [ ! -f "$out/segments.txt" ]; then
    echo "$0: kexec exited with $rc; its output is in $out/kexec-d.txt" >&2
    tail -n 5 "$out/kexec-d.txt" >&2
    exit 1
fi
cat "$out/segments.txt"
