#!/bin/bash
# Boot the prepared s390x guest (prepare.sh) under qemu-system-s390x (TCG) for one scenario, bounded by a timeout.
#
# Usage: run-guest.sh WORKDIR SCENARIO NAME [TIMEOUT_S]
#   HQ_STOP_ON      a regular expression: QEMU is stopped as soon as a console line matches it
#   HQ_HANDOFF_OPTS extra options for 'handoff load'
#   HQ_APPEND       more of the first kernel's command line
# The guest mounts three 9p shares: the s390x JRE sysroot (its root for handoff), this build's distribution
# (framework/launcher/target/handoff, at /handoff) and WORKDIR/share (at /work: the next kernel, its initrd and
# NAME.env, the run's settings).
# Output: WORKDIR/NAME.log (the SCLP console, each line stamped with host seconds since QEMU started),
#         WORKDIR/NAME.qemu (QEMU's stderr). Exit status: QEMU's (124 = timed out; 0 when HQ_STOP_ON stopped it).
set -uo pipefail
work=$(cd "${1:?usage: run-guest.sh WORKDIR SCENARIO NAME [TIMEOUT_S]}" && pwd)
scenario=${2:?scenario}; name=${3:?name}; tmo=${4:-300}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../../../.." && pwd)
dist=$repo/framework/launcher/target/handoff
sysroot=$(dirname "$work")/qemu-s390x-sysroot
cat > "$work/share/$name.env" <<ENV
HQ_HANDOFF_OPTS='${HQ_HANDOFF_OPTS:-}'
ENV
shares=(-fsdev "local,id=sysroot,path=$sysroot,security_model=none,readonly=on,multidevs=remap"
  -device virtio-9p-ccw,fsdev=sysroot,mount_tag=sysroot
  -fsdev "local,id=work,path=$work/share,security_model=none,readonly=on,multidevs=remap"
  -device virtio-9p-ccw,fsdev=work,mount_tag=work)
if [ -x "$dist/bin/handoff" ]; then
  shares+=(-fsdev "local,id=dist,path=$dist,security_model=none,readonly=on,multidevs=remap"
    -device virtio-9p-ccw,fsdev=dist,mount_tag=dist)
fi
rm -f "$work/$name".{log,qemu,pid}
t0=$(date +%s.%N)
# -d guest_errors: QEMU reports a disabled wait PSW ("Guest crashed") on its stderr
timeout --foreground "$tmo" qemu-system-s390x -M s390-ccw-virtio -accel tcg -smp 1 -m 1024 \
  -kernel "$work/vmlinuz" -initrd "$work/initrd.cpio.gz" \
  -append "console=ttysclp0 crashkernel=256M panic=-1 hq.scenario=$scenario hq.env=/work/$name.env ${HQ_APPEND:-}" \
  "${shares[@]}" -d guest_errors \
  -display none -monitor ${HQ_MONITOR:-none} -serial stdio -no-reboot \
  -pidfile "$work/$name.pid" </dev/null 2>"$work/$name.qemu" \
| perl -MTime::HiRes=time -ne 'BEGIN { $| = 1; ($t0, $stop, $pidfile) = @ARGV; @ARGV = (); }
    s/\r//g; printf "[%8.3f] %s", time - $t0, $_;
    if ($stop ne "" && /$stop/ && open(my $p, "<", $pidfile)) { my $pid = <$p>; chomp $pid; kill "TERM", $pid if $pid; }' \
    "$t0" "${HQ_STOP_ON:-}" "$work/$name.pid" > "$work/$name.log"
rc=${PIPESTATUS[0]}
echo "[qemu] exit $rc after $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$t0}") s" >> "$work/$name.log"
exit "$rc"
