#!/bin/busybox sh
# /init of the qemu-system-s390x guest (prepare.sh), for the first kernel and the capture kernel.
#   hq.scenario=probe | kdump-kexec-tools | reboot-kexec-tools | java | shell
#   hq.stage=capture | second   set by the loader's --append for the kernel that boots next
# Console lines for the host start with "HQ: " (SCLP console, ttysclp0).
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

scenario=shell; stage=first
for a in $(cat /proc/cmdline); do
  case "$a" in
    hq.scenario=*) scenario=${a#hq.scenario=};;
    hq.stage=*) stage=${a#hq.stage=};;
  esac
done
say() { echo "HQ: $*"; }
up() { cut -d' ' -f1 /proc/uptime; }
finish() { say "END $1 at uptime $(up)"; sync; poweroff -f; sleep 5; }

if [ "$stage" = second ]; then
  say "SECOND KERNEL UP at uptime $(up)"
  say "cmdline: $(cat /proc/cmdline)"
  finish second
fi
if [ "$stage" = capture ] || [ -e /proc/vmcore ]; then
  say "CAPTURE KERNEL UP at uptime $(up)"
  say "cmdline: $(cat /proc/cmdline)"
  if [ -e /proc/vmcore ]; then
    say "vmcore size $(stat -c %s /proc/vmcore)"
    head -c 64 /proc/vmcore | hexdump -C | sed 's/^/HQ: vmcore: /'
  else
    say "no /proc/vmcore"
  fi
  finish capture
fi

say "FIRST KERNEL UP at uptime $(up), scenario $scenario, kernel $(uname -r) on $(uname -m)"
say "cmdline: $(cat /proc/cmdline)"
sed 's/^/HQ: iomem: /' /proc/iomem
say "kexec_crash_size=$(cat /sys/kernel/kexec_crash_size 2>&1) kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded 2>&1)"
for f in /sys/firmware/ipl/ipl_type /sys/firmware/dump/dump_type /sys/firmware/reipl/reipl_type; do
  say "$f: $(cat $f 2>&1)"
done
dmesg | grep -iE 'crash|kdump|kexec' | sed 's/^/HQ: dmesg: /'
[ "$scenario" = shell ] && exec setsid cttyhack sh

append_capture="console=ttysclp0 nr_cpus=1 hq.stage=capture hq.scenario=$scenario"
t0=$(up)
case "$scenario" in
  kdump-kexec-tools)
    kexec -p /boot/vmlinuz --initrd=/boot/initrd --append="$append_capture" 2>&1 | sed 's/^/HQ: kexec: /'
    say "LOADED kexec -p crash_loaded=$(cat /sys/kernel/kexec_crash_loaded) in $(awk "BEGIN{print $(up)-$t0}") s"
    [ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ] || finish error
    say "TRIGGERING CRASH at uptime $(up)"
    echo c > /proc/sysrq-trigger
    say "still alive after the crash?"; finish error;;
  reboot-kexec-tools)
    kexec -l /boot/vmlinuz --initrd=/boot/initrd --append="console=ttysclp0 hq.stage=second hq.scenario=$scenario" 2>&1 | sed 's/^/HQ: kexec: /'
    say "LOADED kexec -l loaded=$(cat /sys/kernel/kexec_loaded)"
    say "EXEC at uptime $(up)"
    kexec -e 2>&1 | sed 's/^/HQ: kexec: /'
    say "still alive after exec?"; finish error;;
  java)
    for m in $(cat /etc/hq-modules); do insmod "/lib/modules/$(uname -r)/kernel/$m" 2>&1 | sed 's/^/HQ: insmod: /'; done
    mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose sysroot /host \
      || { say "cannot mount the sysroot"; finish error; }
    mount -t proc proc /host/proc; mount -t sysfs sysfs /host/sys; mount -t devtmpfs devtmpfs /host/dev
    mount -t tmpfs tmpfs /host/tmp
    java=/usr/lib/jvm/java-17-openjdk-s390x/bin/java
    for opts in "-Xshare:auto -XX:-UsePerfData -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" "-Xint -XX:-UsePerfData -XX:+UseSerialGC"; do
      t0=$(up)
      chroot /host $java $opts -version 2>&1 | sed 's/^/HQ: java: /'
      say "java -version ($opts) took $(awk "BEGIN{print $(up)-$t0}") s"
    done
    finish java;;
  probe) finish probe;;
  *) say "unknown scenario $scenario"; finish error;;
esac
