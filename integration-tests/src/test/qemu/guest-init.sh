#!/bin/busybox sh
# /init of the QEMU end-to-end guest, for the first kernel and for the kernel it hands off to.
#
# Kernel command line:
#   hq.scenario=kdump-kexec-tools | kdump-handoff | corrupt-handoff | reboot-handoff | reboot-kexec-tools | shell
#   hq.env=PATH     a shell file on the host (seen through the 9p host root) with HQ_* settings (run-guest.sh)
#   hq.stage=capture | second   set by the loader's --append for the kernel that boots next
# Console lines for the host start with "HQ: "; data goes out on ttyS1 between BEGIN/END lines, base64.
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /host
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

scenario=shell; stage=first; envfile=
for a in $(cat /proc/cmdline); do
  case "$a" in
    hq.scenario=*) scenario=${a#hq.scenario=};;
    hq.stage=*) stage=${a#hq.stage=};;
    hq.env=*) envfile=${a#hq.env=};;
  esac
done
kv=$(uname -r)
md=/lib/modules/$kv/kernel

say() { echo "HQ: $*"; }
up() { cut -d' ' -f1 /proc/uptime; }
finish() { say "END $1 at uptime $(up)"; sync; poweroff -f; sleep 5; }
# data channel: the second serial port, raw
stty -F /dev/ttyS1 raw -echo 2>/dev/null
send() { # NAME FILE
  { echo "-----BEGIN $1-----"; base64 < "$2"; echo "-----END $1-----"; } > /dev/ttyS1
}
modules() { # PATTERN: insmod the modules of /etc/hq-modules (prepare.sh: modules.txt, in load order) matching it
  for m in $(grep -E "$1" /etc/hq-modules); do
    insmod "$md/$m" 2>&1 | sed 's/^/HQ: insmod: /'
  done
}
ipmi_up() {
  modules ipmi
  i=0; while [ ! -e /dev/ipmi0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
  [ -e /dev/ipmi0 ] && say "ipmi ready" || say "ipmi NOT ready"
}
# ---------------------------------------------------------------- the capture kernel (kdump)
if [ -e /proc/vmcore ]; then
  say "CAPTURE KERNEL UP at uptime $(up)"
  say "cmdline: $(cat /proc/cmdline)"
  say "vmcore size $(stat -c %s /proc/vmcore)"
  head -c 64 /proc/vmcore | hexdump -C | sed 's/^/HQ: vmcore: /'
  magic=$(head -c 4 /proc/vmcore | hexdump -v -e '4/1 "%02x"')
  etype=$(head -c 18 /proc/vmcore | tail -c 2 | hexdump -v -e '2/1 "%02x"')
  [ "$magic" = 7f454c46 ] && [ "$etype" = 0400 ] && say "vmcore is ELF core" || say "vmcore is NOT an ELF core ($magic $etype)"
  head -c 65536 /proc/vmcore > /tmp/vmcore-head
  send VMCORE-HEAD /tmp/vmcore-head
  t0=$(up)
  (makedumpfile -F -d 31 --message-level 22 /proc/vmcore 2>/tmp/mdf.err; echo $? > /tmp/mdf.rc) | wc -c > /tmp/mdf.size
  say "makedumpfile -d 31 rc=$(cat /tmp/mdf.rc) bytes=$(cat /tmp/mdf.size) in $(awk "BEGIN{print $(up)-$t0}") s"
  sed 's/^/HQ: makedumpfile: /' /tmp/mdf.err | tail -5
  ipmi_up
  ipmitool sel list 2>&1 | sed 's/^/HQ: sel: /'
  finish capture
fi

if [ "$stage" = second ]; then
  say "SECOND KERNEL UP at uptime $(up)"
  say "cmdline: $(cat /proc/cmdline)"
  finish second
fi

# ---------------------------------------------------------------- the first kernel
say "FIRST KERNEL UP at uptime $(up), scenario $scenario"
grep -i "crash kernel" /proc/iomem | sed 's/^/HQ: iomem: /'
[ "$scenario" = shell ] && exec setsid cttyhack sh

ipmi_up
ipmitool mc info 2>&1 | grep -E "IPMI Version|Device ID" | sed 's/^/HQ: mc: /'
ipmitool sel list 2>&1 | sed 's/^/HQ: sel before: /'

modules "virtio|9p|netfs|fscache"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /host \
  || { say "cannot mount the host root"; finish error; }
mount -t proc proc /host/proc; mount -t sysfs sysfs /host/sys; mount -t devtmpfs devtmpfs /host/dev
# the host root is read-only; the chroot gets a writable /run (not /tmp: the checkout may live under the host's /tmp)
mount -t tmpfs tmpfs /host/run && mkdir -p /host/run/hq
mount -t securityfs securityfs /host/sys/kernel/security 2>/dev/null
[ -n "$envfile" ] && [ -r "/host$envfile" ] || { say "no settings file /host$envfile"; finish error; }
. "/host$envfile"
say "settings: kernel $HQ_KERNEL initrd $HQ_INITRD"
in_host() { chroot /host /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/run/hq TMPDIR=/run/hq "$@"; }
handoff() {
  in_host HANDOFF_JAVA_OPTS="$HQ_JAVA_OPTS" "$HQ_HANDOFF" "$@"
}
crash() {
  say "kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded) kexec_loaded=$(cat /sys/kernel/kexec_loaded)"
  say "TRIGGERING CRASH at uptime $(up)"
  echo c > /proc/sysrq-trigger
  say "still alive after the crash?"; finish error
}
loaded() { # WHAT
  say "$1 in $(awk "BEGIN{print $(up)-$t0}") s"
}

append_capture="console=ttyS0 irqpoll nr_cpus=1 reset_devices hq.stage=capture hq.scenario=$scenario"
append_second="console=ttyS0 hq.stage=second hq.scenario=$scenario"
t0=$(up)
case "$scenario" in
  kdump-kexec-tools)
    in_host /usr/sbin/kexec -p $HQ_KEXEC_OPTS "$HQ_KERNEL" --initrd="$HQ_INITRD" --append="$append_capture" 2>&1 | sed 's/^/HQ: kexec: /'
    loaded "LOADED kexec -p crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
    crash;;
  kdump-handoff|corrupt-handoff)
    handoff load --crash --kernel "$HQ_KERNEL" --initrd "$HQ_INITRD" --append "$append_capture" \
        --bundle /run/hq/bundle $HQ_HANDOFF_OPTS > /tmp/load.out 2>&1
    rc=$?
    sed 's/^/HQ: handoff: /' /tmp/load.out
    loaded "LOADED handoff load --crash rc=$rc"
    for f in /host/run/hq/bundle/segments/*elfcorehdr*.bin; do [ -f "$f" ] && send PLAN-ELFCOREHDR "$f"; done
    [ -f /host/run/hq/bundle/manifest.json ] && send PLAN-MANIFEST /host/run/hq/bundle/manifest.json
    handoff status 2>&1 | sed 's/^/HQ: status: /'
    [ "$rc" = 0 ] || finish error
    crash;;
  reboot-handoff)
    handoff load --kernel "$HQ_KERNEL" --initrd "$HQ_INITRD" --append "$append_second" $HQ_HANDOFF_OPTS > /tmp/load.out 2>&1
    rc=$?
    sed 's/^/HQ: handoff: /' /tmp/load.out
    loaded "LOADED handoff load rc=$rc"
    [ "$rc" = 0 ] || finish error
    say "EXEC at uptime $(up)"
    handoff exec 2>&1 | sed 's/^/HQ: handoff: /'
    say "still alive after exec?"; finish error;;
  reboot-kexec-tools)
    in_host /usr/sbin/kexec -l "$HQ_KERNEL" --initrd="$HQ_INITRD" --append="$append_second" 2>&1 | sed 's/^/HQ: kexec: /'
    loaded "LOADED kexec -l loaded=$(cat /sys/kernel/kexec_loaded)"
    say "EXEC at uptime $(up)"
    in_host /usr/sbin/kexec -e 2>&1 | sed 's/^/HQ: kexec: /'
    say "still alive after exec?"; finish error;;
  *)
    say "unknown scenario $scenario"; finish error;;
esac
