#!/bin/bash
# Boot the prepared guest (prepare.sh) under QEMU TCG for one scenario, bounded by a timeout.
#
# Usage: run-guest.sh WORKDIR SCENARIO NAME [TIMEOUT_S]
# Environment (written to WORKDIR/NAME.env, which the guest reads through the 9p host root):
#   HQ_HANDOFF      the handoff launcher to run in the guest (default: this build's distribution)
#   HQ_HANDOFF_OPTS extra options for 'handoff load'     HQ_KEXEC_OPTS extra options for kexec-tools
#   HQ_JAVA_OPTS    JVM options in the guest             HQ_INITRD     initrd for the next kernel (default: the guest's)
#   HQ_STOP_ON      a regular expression: QEMU is stopped as soon as a serial line matches it
# Output: WORKDIR/NAME.log (ttyS0, each line stamped with host seconds since QEMU started),
#         WORKDIR/NAME.ttyS1 (the data channel), WORKDIR/NAME.qemu (QEMU's stderr).
# Exit status: QEMU's (124 = timed out; QEMU exits 0 when HQ_STOP_ON stops it).
set -uo pipefail
work=$(cd "${1:?usage: run-guest.sh WORKDIR SCENARIO NAME [TIMEOUT_S]}" && pwd)
scenario=${2:?scenario}; name=${3:?name}; tmo=${4:-300}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
. "$work/kernel.env"
java_bin=$(readlink -f "$(command -v java)")
cat > "$work/$name.env" <<ENV
HQ_KERNEL='$VMLINUZ'
HQ_INITRD='${HQ_INITRD:-$work/initrd.cpio.gz}'
HQ_HANDOFF='${HQ_HANDOFF:-$repo/framework/launcher/target/handoff/bin/handoff}'
HQ_HANDOFF_OPTS='${HQ_HANDOFF_OPTS:-}'
HQ_KEXEC_OPTS='${HQ_KEXEC_OPTS:-}'
HQ_JAVA_OPTS='-Djna.tmpdir=/run/hq -Djava.io.tmpdir=/run/hq -XX:-UsePerfData -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto ${HQ_JAVA_OPTS:-}'
ENV
rm -f "$work/$name".{log,ttyS1,qemu,pid}
t0=$(date +%s.%N)
timeout --foreground "$tmo" qemu-system-x86_64 -accel tcg -cpu qemu64 -smp 2 -m 1024 \
  -kernel "$work/vmlinuz" -initrd "$work/initrd.cpio.gz" \
  -append "console=ttyS0 crashkernel=256M panic=-1 hq.scenario=$scenario hq.env=$work/$name.env ${HQ_APPEND:-}" \
  -display none -monitor none -serial stdio -serial "file:$work/$name.ttyS1" -no-reboot \
  -device ipmi-bmc-sim,id=bmc0 -device isa-ipmi-kcs,bmc=bmc0 \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -pidfile "$work/$name.pid" </dev/null 2>"$work/$name.qemu" \
| perl -MTime::HiRes=time -ne 'BEGIN { $| = 1; ($t0, $stop, $pidfile) = @ARGV; @ARGV = (); }
    s/\r//g; printf "[%8.3f] %s", time - $t0, $_;
    if ($stop ne "" && /$stop/ && open(my $p, "<", $pidfile)) { my $pid = <$p>; chomp $pid; kill "TERM", $pid if $pid; }' \
    "$t0" "${HQ_STOP_ON:-}" "$work/$name.pid" > "$work/$name.log"
rc=${PIPESTATUS[0]}
echo "[qemu] exit $rc after $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$t0}") s" >> "$work/$name.log"
exit "$rc"
