#!/bin/busybox sh
# /init of the qemu-system-s390x guest (prepare.sh), for the first kernel and the capture kernel.
#   hq.scenario=probe | kdump-kexec-tools | reboot-kexec-tools | java | reboot-handoff | kdump-handoff
#               | corrupt-handoff | capture-handoff | shell
#   hq.stage=capture | second   set by the loader's --append for the kernel that boots next
#   hq.env=/work/NAME.env       the run's settings (run-guest.sh), on the work share
# Console lines for the host start with "HQ: " (SCLP console, ttysclp0).
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp
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
    # the ELF program headers the capture kernel built: PT_NOTE and one PT_LOAD per old memory chunk
    phnum=$(head -c 58 /proc/vmcore | tail -c 2 | od -An -tx1 | tr -d ' \n')
    say "vmcore e_phnum 0x$phnum"
    # the first program header is PT_NOTE; the crashed CPU's NT_PRSTATUS in it is built by this kernel from the
    # old lowcore's save area (purgatory copied it into the crash region): its pr_reg starts with the PSW
    hex() { od -An -tx1 -j "$1" -N "$2" /proc/vmcore | tr -d ' \n'; }
    n=$((0x$(hex 72 8))); end=$((n + 0x$(hex 96 8))); k=0; psw=
    say "vmcore phdr 0 type 0x$(hex 64 4) notes $n..$end"
    while [ $n -lt $end ] && [ $k -lt 16 ]; do
      namesz=$((0x$(hex $n 4))); descsz=$((0x$(hex $((n + 4)) 4))); type=$((0x$(hex $((n + 8)) 4)))
      desc=$((n + 12 + (namesz + 3) / 4 * 4))
      say "vmcore note $k type $type name $(dd if=/proc/vmcore bs=1 skip=$((n + 12)) count=$((namesz - 1)) 2>/dev/null) size $descsz"
      [ $type = 1 ] && [ -z "$psw" ] && psw=1 && say "vmcore prstatus psw 0x$(hex $((desc + 112)) 8) 0x$(hex $((desc + 120)) 8)"
      # the first kernel's VMCOREINFO: found through the old lowcore's pointer (the copy in the crash region), read
      # from the first kernel's memory (below the crash size, that is through the swap)
      [ $type = 0 ] && dd if=/proc/vmcore bs=1 skip=$desc count=$descsz 2>/dev/null | grep -E '^(OSRELEASE|PAGESIZE)=' \
        | sed 's/^/HQ: vmcoreinfo: /'
      n=$((desc + (descsz + 3) / 4 * 4)); k=$((k + 1))
    done
    dmesg | grep -iE 'kdump|oldmem|crash' | sed 's/^/HQ: dmesg: /'
  else
    say "no /proc/vmcore"
  fi
  finish capture
fi

say "FIRST KERNEL UP at uptime $(up), scenario $scenario, kernel $(uname -r) on $(uname -m)"
say "cmdline: $(cat /proc/cmdline)"
sed 's/^/HQ: iomem: /' /proc/iomem
say "kexec_crash_size=$(cat /sys/kernel/kexec_crash_size 2>&1) kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded 2>&1)"
say "vmcoreinfo note at $(cat /sys/kernel/vmcoreinfo 2>&1)"
for f in /sys/firmware/ipl/ipl_type /sys/firmware/dump/dump_type /sys/firmware/reipl/reipl_type; do
  say "$f: $(cat $f 2>&1)"
done
dmesg | grep -iE 'crash|kdump|kexec' | sed 's/^/HQ: dmesg: /'
[ "$scenario" = shell ] && exec setsid cttyhack sh

append_capture="console=ttysclp0 nr_cpus=1 hq.stage=capture hq.scenario=$scenario"
append_second="console=ttysclp0 hq.stage=second hq.scenario=$scenario"
java=/usr/lib/jvm/java-17-openjdk-s390x/bin/java
# the s390x sysroot at /host (Debian's JRE; read-only), the distribution at /host/handoff, the work share at /host/work
host_up() {
  for m in $(cat /etc/hq-modules); do insmod "/lib/modules/$(uname -r)/kernel/$m" 2>&1 | sed 's/^/HQ: insmod: /'; done
  mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose sysroot /host \
    || { say "cannot mount the sysroot"; finish error; }
  mount -t proc proc /host/proc; mount -t sysfs sysfs /host/sys; mount -t devtmpfs devtmpfs /host/dev
  mount -t tmpfs tmpfs /host/tmp; mount -t tmpfs tmpfs /host/run
  mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000 work /host/work 2>/dev/null
  mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose dist /host/handoff 2>/dev/null
}
handoff() {
  chroot /host /bin/env -i PATH=/bin:/usr/bin JAVA=$java \
    HANDOFF_JAVA_OPTS="-Djna.tmpdir=/tmp -Djava.io.tmpdir=/tmp -XX:-UsePerfData -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto" \
    /handoff/bin/handoff "$@"
}
handoff_up() {
  host_up
  [ -x /host/handoff/bin/handoff ] || { say "no handoff distribution on the dist share"; finish error; }
  [ -n "$envfile" ] && [ -r "/host$envfile" ] || { say "no settings file /host$envfile"; finish error; }
  . "/host$envfile"
}
crash() {
  say "kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded) kexec_loaded=$(cat /sys/kernel/kexec_loaded)"
  say "TRIGGERING CRASH at uptime $(up)"
  echo c > /proc/sysrq-trigger
  say "still alive after the crash?"; finish error
}
t0=$(up)
case "$scenario" in
  kdump-kexec-tools)
    kexec -p /boot/vmlinuz --initrd=/boot/initrd --append="$append_capture" 2>&1 | sed 's/^/HQ: kexec: /'
    say "LOADED kexec -p crash_loaded=$(cat /sys/kernel/kexec_crash_loaded) in $(awk "BEGIN{print $(up)-$t0}") s"
    [ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ] || finish error
    crash;;
  reboot-kexec-tools)
    kexec -l /boot/vmlinuz --initrd=/boot/initrd --append="console=ttysclp0 hq.stage=second hq.scenario=$scenario" 2>&1 | sed 's/^/HQ: kexec: /'
    say "LOADED kexec -l loaded=$(cat /sys/kernel/kexec_loaded)"
    say "EXEC at uptime $(up)"
    kexec -e 2>&1 | sed 's/^/HQ: kexec: /'
    say "still alive after exec?"; finish error;;
  reboot-handoff)
    handoff_up
    t0=$(up)
    handoff load --kernel /work/boot/vmlinuz --initrd /work/boot/initrd --append "$append_second" $HQ_HANDOFF_OPTS \
      > /tmp/load.out 2>&1
    rc=$?
    sed 's/^/HQ: handoff: /' /tmp/load.out
    say "LOADED handoff load rc=$rc loaded=$(cat /sys/kernel/kexec_loaded) in $(awk "BEGIN{print $(up)-$t0}") s"
    [ "$rc" = 0 ] || finish error
    say "EXEC at uptime $(up)"
    handoff exec 2>&1 | sed 's/^/HQ: handoff: /'
    say "still alive after exec?"; finish error;;
  kdump-handoff|corrupt-handoff)
    handoff_up
    t0=$(up)
    handoff load --crash --kernel /work/boot/vmlinuz --initrd /work/boot/initrd --append "$append_capture" \
      $HQ_HANDOFF_OPTS > /tmp/load.out 2>&1
    rc=$?
    sed 's/^/HQ: handoff: /' /tmp/load.out
    say "LOADED handoff load --crash rc=$rc crash_loaded=$(cat /sys/kernel/kexec_crash_loaded) in $(awk "BEGIN{print $(up)-$t0}") s"
    handoff status 2>&1 | sed 's/^/HQ: status: /'
    [ "$rc" = 0 ] || finish error
    crash;;
  capture-handoff)
    # handoff capture of this real machine, then a kdump plan made from the captured profile alone
    handoff_up
    handoff capture /tmp/profile > /tmp/capture.out 2>&1
    rc=$?
    sed 's/^/HQ: capture: /' /tmp/capture.out
    (cd /host/tmp/profile && find . -type f | sort) | sed 's/^/HQ: profile file: /'
    handoff plan --root /tmp/profile --crash --kernel /work/boot/vmlinuz --initrd /work/boot/initrd \
      --append "$append_capture" --out /tmp/bundle > /tmp/plan.out 2>&1
    rc2=$?
    sed 's/^/HQ: plan: /' /tmp/plan.out
    say "CAPTURED rc=$rc PLANNED rc=$rc2"
    finish capture-handoff;;
  java)
    host_up
    for opts in "-Xshare:auto -XX:-UsePerfData -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" "-Xint -XX:-UsePerfData -XX:+UseSerialGC"; do
      t0=$(up)
      chroot /host $java $opts -version 2>&1 | sed 's/^/HQ: java: /'
      say "java -version ($opts) took $(awk "BEGIN{print $(up)-$t0}") s"
    done
    finish java;;
  probe) finish probe;;
  *) say "unknown scenario $scenario"; finish error;;
esac
