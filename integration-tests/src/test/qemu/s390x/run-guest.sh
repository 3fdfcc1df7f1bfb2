#!/bin/bash
# Boot the prepared s390x guest (prepare.sh) under qemu-system-s390x (TCG) for one scenario, bounded by a timeout.
#
# Usage: run-guest.sh WORKDIR SCENARIO NAME [TIMEOUT_S]
#   HQ_STOP_ON   a regular expression: QEMU is stopped as soon as a console line matches it
# Output: WORKDIR/NAME.log (the SCLP console, each line stamped with host seconds since QEMU started),
#         WORKDIR/NAME.qemu (QEMU's stderr). Exit status: QEMU's (124 = timed out; 0 when HQ_STOP_ON stopped it).
set -uo pipefail
work=$(cd "${1:?usage: run-guest.sh WORKDIR SCENARIO NAME [TIMEOUT_S]}" && pwd)
scenario=${2:?scenario}; name=${3:?name}; tmo=${4:-300}
rm -f "$work/$name".{log,qemu,pid}
t0=$(date +%s.%N)
timeout --foreground "$tmo" qemu-system-s390x -M s390-ccw-virtio -accel tcg -smp 1 -m 1024 \
  -kernel "$work/vmlinuz" -initrd "$work/initrd.cpio.gz" \
  -append "console=ttysclp0 crashkernel=256M panic=-1 hq.scenario=$scenario ${HQ_APPEND:-}" \
  -fsdev "local,id=sysroot,path=$work/sysroot,security_model=none,readonly=on,multidevs=remap" \
  -device virtio-9p-ccw,fsdev=sysroot,mount_tag=sysroot \
  -display none -monitor ${HQ_MONITOR:-none} -serial stdio -no-reboot \
  -pidfile "$work/$name.pid" </dev/null 2>"$work/$name.qemu" \
| perl -MTime::HiRes=time -ne 'BEGIN { $| = 1; ($t0, $stop, $pidfile) = @ARGV; @ARGV = (); }
    s/\r//g; printf "[%8.3f] %s", time - $t0, $_;
    if ($stop ne "" && /$stop/ && open(my $p, "<", $pidfile)) { my $pid = <$p>; chomp $pid; kill "TERM", $pid if $pid; }' \
    "$t0" "${HQ_STOP_ON:-}" "$work/$name.pid" > "$work/$name.log"
rc=${PIPESTATUS[0]}
echo "[qemu] exit $rc after $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$t0}") s" >> "$work/$name.log"
exit "$rc"
