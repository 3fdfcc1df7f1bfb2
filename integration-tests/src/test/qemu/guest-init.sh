#!/bin/busybox sh
# /init of the QEMU end-to-end guest, for the first kernel and for the kernel it hands off to.
#
# Kernel command line:
#   hq.notes=CPU:ADDRESS:SIZE,...   the first kernel's crash_notes (kdump-handoff), for the capture kernel
#   hq.scenario=kdump-kexec-tools | kdump-handoff | kdump-conf | corrupt-handoff | reboot-handoff | reboot-kexec-tools |
#               capture-profile | esp-boot | pattern-kdump | shell
#               esp-boot (run-guest.sh HQ_BOOT=esp): the first kernel, booted from the ESP, writes a file on it and
#               an EFI variable, fills HQ_PATTERN_MIB MiB with hq-pattern (frame list on the ESP), rewrites
#               startup.nsh for hq.stage=second and resets warm (reboot -f; the reset method is the kernel's reboot=,
#               e.g. reboot=efi,warm); the second boot reads both back
#               pattern-kdump (HQ_ESP_MIB: a data disk): kexec -p, hq-pattern fill, crash; the capture kernel
#               checks the pattern in /proc/vmcore (hq-pattern check)
#               efi-assist (HQ_BOOT=esp): handoff load --crash --assist efi-warm-reboot (the ESP bind-mounted at
#               /run/hq/esp in the host root), hq-pattern fill, crash; purgatory sets BootNext and resets warm, OVMF
#               starts the resume application, which starts the capture kernel from the ESP; it reports the
#               application's variables and checks the pattern in /proc/vmcore
#               efi-assist-nocrash (HQ_BOOT=esp): arms, sets BootNext to the resume entry by hand and resets warm;
#               the application refuses (no crash marker), the firmware goes on with BootOrder (startup.nsh,
#               rewritten for hq.stage=second), and the second kernel shows HandoffResumeStatus and handoff status
#               efi-assist-nvfull (HQ_BOOT=esp, efi_no_storage_paranoia): arms, fills the firmware's variable store
#               until it refuses even a 1-byte variable, crash: SetVariable(BootNext) fails in purgatory, which
#               jumps into the capture kernel in memory (classic kdump)
#   hq.efivar=VALUE  (UEFI guests) the value the first kernel wrote to the EFI variable HandoffTest-$efiguid, for
#               the kernel that boots next to read back
#   hq.env=PATH     a shell file on the host (seen through the 9p host root) with HQ_* settings (run-guest.sh)
#   hq.stage=capture | second   set by the loader's --append for the kernel that boots next
# Console lines for the host start with "HQ: "; data goes out on ttyS1 between BEGIN/END lines, base64.
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /host
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

scenario=shell; stage=first; envfile=; notes=; efivar=
for a in $(cat /proc/cmdline); do
  case "$a" in
    hq.scenario=*) scenario=${a#hq.scenario=};;
    hq.stage=*) stage=${a#hq.stage=};;
    hq.env=*) envfile=${a#hq.env=};;
    hq.notes=*) notes=${a#hq.notes=};;
    hq.efivar=*) efivar=${a#hq.efivar=};;
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
    n=${m##*/}; n=${n%.ko}
    [ -d "/sys/module/$(echo "$n" | tr - _)" ] && continue
    insmod "$md/$m" 2>&1 | sed 's/^/HQ: insmod: /'
  done
}
# The ESP disk (virtio-blk, run-guest.sh HQ_BOOT=esp or HQ_ESP_MIB), its first partition mounted read-write at
# /boot/efi. Returns 1 when there is no such disk (no virtio block function on the PCI bus).
esp_up() {
  grep -q ' /boot/efi ' /proc/mounts && return 0
  disk=
  for d in /sys/bus/pci/devices/*; do
    [ "$(cat $d/vendor)" = 0x1af4 ] || continue
    case "$(cat $d/device)" in 0x1001|0x1042) disk=$d;; esac
  done
  [ -n "$disk" ] || return 1
  modules "drivers/virtio/|virtio_blk|fs/fat/|fs/nls/"
  i=0; while [ ! -b /dev/vda1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
  [ -b /dev/vda1 ] || { say "ESP: a virtio disk but no /dev/vda1"; return 1; }
  mkdir -p /boot/efi
  mount -t vfat -o rw /dev/vda1 /boot/efi 2>/tmp/mount.err || { say "ESP: mount failed: $(cat /tmp/mount.err)"; return 1; }
  say "ESP: /dev/vda1 mounted at /boot/efi: $(grep ' /boot/efi ' /proc/mounts | cut -d' ' -f3,4)," \
      "$(df -k /boot/efi | tail -1 | tr -s ' ' | cut -d' ' -f2) KiB"
}
le64() { # N: 8 little-endian bytes
  i=0; while [ $i -lt 8 ]; do printf "\\$(printf %o $(($1 >> (8 * i) & 255)))"; i=$((i+1)); done
}
pattern_fill() { # FILE: hq-pattern fill HQ_PATTERN_MIB, in the background until the kernel goes; waits for "ready"
  hq-pattern fill "$HQ_PATTERN_MIB" "$1" > /tmp/pattern.out 2>&1 &
  i=0
  while ! grep -q 'hq-pattern: ready' /tmp/pattern.out && [ $i -lt 1200 ] && kill -0 $! 2>/dev/null; do
    sleep 0.1; i=$((i+1))
  done
  sed 's/^/HQ: /' /tmp/pattern.out
  # hq-pattern fsyncs the list; its directory entries are the file system's to write (vfat: sync)
  sync
  grep -q 'hq-pattern: ready' /tmp/pattern.out && say "pattern of $HQ_PATTERN_MIB MiB in place at uptime $(up)," \
    "frame list $(stat -c %s "$1") bytes"
}
# the pattern check's control: 16 frames at 1 MiB (the dump has them, never the pattern: they differ) and the first
# 16 of the crash kernel's region (no PT_LOAD covers them)
pattern_control() {
  cstart=$((0x$(grep -i 'crash kernel' /proc/iomem | tr -d ' ' | cut -d- -f1) >> 12))
  : > /boot/efi/hq/control.bin
  for f in $(seq 256 271) $(seq $cstart $((cstart + 15))); do le64 $f >> /boot/efi/hq/control.bin; done
  say "pattern control: frames 0x100-0x10f and $(printf '0x%x' $cstart)-$(printf '0x%x' $((cstart + 15)))," \
      "$(stat -c %s /boot/efi/hq/control.bin) bytes"
}
# binary fields of a file (busybox: hexdump reads, sh arithmetic is 64-bit)
u16() { hexdump -v -s "$2" -n 2 -e '1/2 "%u\n"' "$1"; }
u32() { hexdump -v -s "$2" -n 4 -e '1/4 "%u\n"' "$1"; }
u64() { set -- $(hexdump -v -s "$2" -n 8 -e '2/4 "%u " "\n"' "$1"); echo $(($1 + ($2 << 32))); }
sel_dump() { # NAME: every SEL record as "ID b0 .. b15" (Get SEL Entry, raw) to the console and the data channel
  what=$1; out=/tmp/sel-$1; : > "$out"; id=0; k=0
  while [ $id -ne 65535 ] && [ $k -lt 200 ]; do
    r=$(ipmitool raw 0x0a 0x43 0x00 0x00 $((id & 255)) $((id >> 8)) 0x00 0xff 2>/tmp/sel.err | tr -s ' \n' '  ')
    set -- $r
    if [ $# -ne 18 ]; then
      grep -q 'rsp=0xcb' /tmp/sel.err && [ $id -eq 0 ] || say "sel get $id failed: $r $(cat /tmp/sel.err)"
      break
    fi
    next=$((0x$2 << 8 | 0x$1)); shift 2
    echo "$id $*" >> "$out"; say "sel raw: $id $*"
    id=$next; k=$((k+1))
  done
  say "sel records: $(wc -l < "$out")"
  send "SEL-$what" "$out"
}
ipmi_up() {
  modules ipmi
  i=0; while [ ! -e /dev/ipmi0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
  [ -e /dev/ipmi0 ] && say "ipmi ready" || say "ipmi NOT ready"
}
# The vmcore's ELF header, program headers and PT_NOTE segment (the NT_PRSTATUS notes the capture kernel
# merged) as VMCORE-NOTES, and for each "CPU:ADDRESS:SIZE" of hq.notes (the first kernel's crash_notes) the
# old memory at that address, read through the vmcore's PT_LOADs, as CRASH-NOTES-CPU<n>
vmcore_notes() {
  phoff=$(u64 /tmp/vmcore-head 32); phnum=$(u16 /tmp/vmcore-head 56); i=0; end=0; : > /tmp/loads
  while [ $i -lt $phnum ]; do
    ph=$((phoff + i * 56))
    type=$(u32 /tmp/vmcore-head $ph); off=$(u64 /tmp/vmcore-head $((ph + 8)))
    paddr=$(u64 /tmp/vmcore-head $((ph + 24))); filesz=$(u64 /tmp/vmcore-head $((ph + 32)))
    [ $type = 4 ] && end=$((off + filesz)) && say "vmcore PT_NOTE offset $off size $filesz"
    [ $type = 1 ] && echo "$paddr $filesz $off" >> /tmp/loads
    i=$((i + 1))
  done
  [ $end -gt 0 ] && head -c $end /proc/vmcore > /tmp/vmcore-notes && send VMCORE-NOTES /tmp/vmcore-notes
  for n in $(echo "$notes" | tr ',' ' '); do
    cpu=${n%%:*}; a=${n#*:}; size=${a#*:}; a=$((${a%%:*}))
    while read -r paddr filesz off; do
      if [ $a -ge $paddr ] && [ $((a + size)) -le $((paddr + filesz)) ]; then
        dd if=/proc/vmcore of=/tmp/cn$cpu bs=4096 iflag=skip_bytes,count_bytes skip=$((off + a - paddr)) count=$size 2>/dev/null
        say "crash_notes of cpu $cpu read at vmcore offset $((off + a - paddr)): $(stat -c %s /tmp/cn$cpu) bytes"
        send CRASH-NOTES-CPU$cpu /tmp/cn$cpu
      fi
    done < /tmp/loads
  done
}
# EFI (UEFI guests only: nothing is printed or written on a BIOS guest)
efiguid=8f1e4a52-3c1d-4b5e-9a27-6d0c2b7e1f30
efivar_file=/sys/firmware/efi/efivars/HandoffTest-$efiguid
efivarfs_up() {
  modules efivarfs
  grep -q ' /sys/firmware/efi/efivars ' /proc/mounts || mount -t efivarfs efivarfs /sys/firmware/efi/efivars
}
efi_report() { # the EFI state of this kernel, and the variable of the kernel before it read back
  if [ ! -d /sys/firmware/efi ]; then
    [ -n "$efivar" ] && say "EFI: no /sys/firmware/efi (EFI NOT passed)"
    return
  fi
  say "EFI: /sys/firmware/efi present, fw_platform_size $(cat /sys/firmware/efi/fw_platform_size 2>/dev/null)," \
      "runtime-map entries $(ls /sys/firmware/efi/runtime-map 2>/dev/null | wc -l)"
  dmesg | grep -iE 'efi' | grep -iE 'virtual mode|runtime|unable|fail|error|setup_data|EFI v' | sed 's/^/HQ: efi dmesg: /' | head -20
  dmesg | grep -q 'Unable to switch EFI into virtual mode' && say "EFI: Unable to switch EFI into virtual mode"
  efivarfs_up
  n=$(ls /sys/firmware/efi/efivars 2>/dev/null | wc -l)
  say "EFI: efivars readable: $n variables"
  if [ -n "$efivar" ]; then
    if [ -r "$efivar_file" ]; then
      got=$(tail -c +5 "$efivar_file")
      attr=$(head -c 4 "$efivar_file" | hexdump -v -e '1/4 "%u"')
      [ "$got" = "$efivar" ] && say "EFI: variable read back: $got (attributes $attr)" \
        || say "EFI: variable MISMATCH: got '$got' want '$efivar'"
    else
      say "EFI: variable HandoffTest-$efiguid MISSING"
    fi
  fi
}
efi_write() { # first kernel of a UEFI guest: write the variable the next kernel reads back; sets $efivar
  [ -d /sys/firmware/efi ] || return 0
  efi_report
  efivar="handoff-$scenario-$(cut -d' ' -f1 /proc/uptime | tr . -)"
  { printf '\007\000\000\000'; printf '%s' "$efivar"; } > /tmp/efivar
  # one write(2) of attributes + data, as efivarfs requires
  cat /tmp/efivar > "$efivar_file" 2>/tmp/efivar.err || say "EFI: writing the variable failed: $(cat /tmp/efivar.err)"
  [ "$(tail -c +5 "$efivar_file" 2>/dev/null)" = "$efivar" ] && say "EFI: variable written: $efivar" \
    || { say "EFI: variable NOT written"; efivar=; }
}
# A machine profile (what handoff capture and kexec-tools read), as a tar on the data channel (PROFILE)
capture_profile() {
  p=/tmp/profile; rm -rf $p; mkdir -p $p/proc $p/sys/kernel/boot_params $p/sys/firmware
  cp /proc/iomem /proc/cmdline $p/proc/
  grep -E ' (_text|_stext|_etext|_edata|_end|startup_64)$' /proc/kallsyms > $p/proc/kallsyms
  head -c 65536 /proc/kcore > $p/proc/kcore
  for f in vmcoreinfo kexec_crash_size kexec_crash_loaded boot_params/version boot_params/data; do
    cat /sys/kernel/$f > $p/sys/kernel/$f
  done
  for d in /sys/devices/system/cpu/cpu[0-9]*; do
    [ -r $d/crash_notes ] || continue
    mkdir -p $p$d; cat $d/crash_notes > $p$d/crash_notes; cat $d/crash_notes_size > $p$d/crash_notes_size
  done
  for d in /sys/firmware/memmap/*; do
    mkdir -p $p$d; for f in start end type; do cat $d/$f > $p$d/$f; done
  done
  if [ -d /sys/firmware/efi ]; then
    e=/sys/firmware/efi; mkdir -p $p$e/runtime-map
    for f in systab fw_vendor runtime config_table fw_platform_size; do [ -r $e/$f ] && cat $e/$f > $p$e/$f; done
    # kexec-tools reads runtime-map in readdir order, which is kernfs hash order, not numeric: keep it (busybox
    # find lists a directory in readdir order, unsorted)
    find $e/runtime-map -mindepth 1 -maxdepth 1 | sed 's@.*/@@' > $p$e/runtime-map/ORDER
    for n in $(cat $p$e/runtime-map/ORDER); do
      mkdir -p $p$e/runtime-map/$n
      for f in type phys_addr virt_addr num_pages attribute; do cat $e/runtime-map/$n/$f > $p$e/runtime-map/$n/$f; done
    done
  fi
  { find /sys/firmware -maxdepth 2 | sort; } > $p/sys-firmware-listing.txt
  uname -r > $p/uname-r.txt
  say "profile: runtime-map order $(tr '\n' ' ' < $p/sys/firmware/efi/runtime-map/ORDER 2>/dev/null)"
  say "profile: crash kernel $(grep -i 'crash kernel' /proc/iomem | tr -s ' ')"
  (cd $p && tar cf /tmp/profile.tar .)
  say "profile: $(tar tf /tmp/profile.tar | wc -l) entries, $(stat -c %s /tmp/profile.tar) bytes"
  send PROFILE /tmp/profile.tar
}
# The host's root over 9p at /host (read-only; writable /run), with proc, sys and dev, and the settings file
host_up() {
  grep -q ' /host ' /proc/mounts && return 0
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
  # UEFI: handoff reads and writes EFI variables through the chroot's own efivarfs
  [ -d /host/sys/firmware/efi/efivars ] && modules efivarfs && mount -t efivarfs efivarfs /host/sys/firmware/efi/efivars
}
in_host() { chroot /host /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/run/hq TMPDIR=/run/hq "$@"; }
handoff() {
  in_host HANDOFF_JAVA_OPTS="$HQ_JAVA_OPTS" "$HQ_HANDOFF" "$@"
}
handoff_guid=3d1300c0-6df2-4c98-bd64-ac92e6d281fd
global_guid=8be4df61-93ca-11d2-aa0d-00e098032b8c
# EFI-assisted kdump, load time: the ESP (mounted at /boot/efi) bind-mounted into the host root for handoff
efi_arm() {
  esp_up || { say "ESP: no disk"; finish error; }
  mkdir -p /host/run/hq/esp && mount -o bind /boot/efi /host/run/hq/esp
  handoff load --crash --assist efi-warm-reboot --assist-option esp=/run/hq/esp --kernel "$HQ_KERNEL" \
      --initrd "$HQ_INITRD" --append "$append_capture" $HQ_HANDOFF_OPTS > /tmp/load.out 2>&1
  rc=$?
  sed 's/^/HQ: handoff: /' /tmp/load.out
  loaded "LOADED handoff load --crash --assist efi-warm-reboot rc=$rc"
  mkdir -p /boot/efi/hq
  (cd /boot/efi && find EFI -type f | sort | while read -r f; do say "ESP: $f $(stat -c %s "$f") bytes"; done)
  for v in Boot4846-$global_guid HandoffRecord-$handoff_guid; do
    [ -r /sys/firmware/efi/efivars/$v ] && say "EFI: $v: $(($(stat -c %s /sys/firmware/efi/efivars/$v) - 4)) bytes" \
      || say "EFI: $v MISSING"
  done
  [ "$rc" = 0 ] || finish error
}
# what the resume application left: HandoffResumeStatus and HandoffFirmwareUsed (u32 count, u32 0, then count x
# u64 start, u64 end exclusive, u32 type, u32 0), and the Boot#### the firmware booted
efi_resume_report() {
  [ -d /sys/firmware/efi ] || { say "EFI: no /sys/firmware/efi"; return; }
  efivarfs_up
  d=/sys/firmware/efi/efivars
  say "EFI: BootCurrent $(tail -c +5 $d/BootCurrent-$global_guid 2>/dev/null | hexdump -v -e '1/2 "%04x"')"
  [ -r $d/HandoffResumeStatus-$handoff_guid ] && say "EFI: HandoffResumeStatus: $(tail -c +5 $d/HandoffResumeStatus-$handoff_guid)" \
    || say "EFI: no HandoffResumeStatus"
  if [ -r $d/HandoffFirmwareUsed-$handoff_guid ]; then
    tail -c +5 $d/HandoffFirmwareUsed-$handoff_guid > /tmp/fwused
    n=$(u32 /tmp/fwused 0); i=0
    say "EFI: HandoffFirmwareUsed: $n ranges"
    while [ $i -lt $n ]; do
      o=$((8 + i * 24))
      say "EFI: firmware used $(printf 0x%x $(u64 /tmp/fwused $o))-$(printf 0x%x $(u64 /tmp/fwused $((o + 8)))) type $(u32 /tmp/fwused $((o + 16)))"
      i=$((i + 1))
    done
  fi
}
# fill the firmware's variable store: variables of shrinking sizes until even a 1-byte one with a 2-character name
# is refused, so that no room is left for BootNext (the kernel's own reserve is off: efi_no_storage_paranoia)
nv_fill() {
  k=0; total=0
  for size in 8192 4096 1024 256 64 16 4 1; do
    while :; do
      k=$((k + 1))
      [ $size -ge 64 ] && name=HqFill$k || name=F$k
      { printf '\007\000\000\000'; head -c $size /dev/zero | tr '\0' F; } > /tmp/fill
      cat /tmp/fill > /sys/firmware/efi/efivars/$name-$efiguid 2>/tmp/fill.err || break
      total=$((total + size))
    done
  done
  say "EFI: variable store full after $k variables ($total bytes of data): $(cat /tmp/fill.err)"
}
# ---------------------------------------------------------------- the capture kernel (kdump)
if [ -e /proc/vmcore ]; then
  say "CAPTURE KERNEL UP at uptime $(up)"
  say "cmdline: $(cat /proc/cmdline)"
  efi_report
  say "vmcore size $(stat -c %s /proc/vmcore)"
  head -c 64 /proc/vmcore | hexdump -C | sed 's/^/HQ: vmcore: /'
  magic=$(head -c 4 /proc/vmcore | hexdump -v -e '4/1 "%02x"')
  etype=$(head -c 18 /proc/vmcore | tail -c 2 | hexdump -v -e '2/1 "%02x"')
  [ "$magic" = 7f454c46 ] && [ "$etype" = 0400 ] && say "vmcore is ELF core" || say "vmcore is NOT an ELF core ($magic $etype)"
  head -c 65536 /proc/vmcore > /tmp/vmcore-head
  send VMCORE-HEAD /tmp/vmcore-head
  case "$scenario" in efi-assist*) efi_resume_report;; esac
  if [ "$scenario" = pattern-kdump ] || [ "$scenario" = efi-assist ]; then
    if esp_up && [ -f /boot/efi/hq/pfns.bin ]; then
      t0=$(up)
      hq-pattern check /proc/vmcore /boot/efi/hq/pfns.bin > /tmp/check.out 2>&1
      rc=$?
      sed 's/^/HQ: /' /tmp/check.out | head -250
      say "pattern check rc=$rc in $(awk "BEGIN{print $(up)-$t0}") s"
      hq-pattern check /proc/vmcore /boot/efi/hq/control.bin 2>&1 | sed 's/^/HQ: control: /'
    else
      say "pattern check: no frame list (ESP disk missing?)"
    fi
  fi
  t0=$(up)
  (makedumpfile -F -d 31 --message-level 22 /proc/vmcore 2>/tmp/mdf.err; echo $? > /tmp/mdf.rc) | wc -c > /tmp/mdf.size
  say "makedumpfile -d 31 rc=$(cat /tmp/mdf.rc) bytes=$(cat /tmp/mdf.size) in $(awk "BEGIN{print $(up)-$t0}") s"
  sed 's/^/HQ: makedumpfile: /' /tmp/mdf.err | tail -5
  vmcore_notes
  ipmi_up
  ipmitool sel list 2>&1 | sed 's/^/HQ: sel: /'
  if [ -n "$notes" ]; then # last words: the SEL's raw records, the BMC watchdog
    sel_dump AFTER
    for id in $(cut -d' ' -f1 /tmp/sel-AFTER); do ipmitool sel get $id 2>&1 | sed "s/^/HQ: sel get $id: /"; done
    ipmitool mc watchdog get 2>&1 | sed 's/^/HQ: watchdog: /'
    : > /tmp/wdt
    for k in 1 2; do # Get Watchdog Timer twice, a second apart: a running countdown goes down
      r=$(ipmitool raw 0x06 0x25 2>&1 | tr -s ' \n' '  '); say "watchdog raw $k at uptime $(up): $r"; echo "$r" >> /tmp/wdt
      [ $k = 1 ] && sleep 1
    done
    send WATCHDOG-RAW /tmp/wdt
  fi
  finish capture
fi

if [ "$stage" = second ]; then
  say "SECOND KERNEL UP at uptime $(up)"
  say "cmdline: $(cat /proc/cmdline)"
  efi_report
  if [ "$scenario" = esp-boot ]; then
    say "EFI: BootCurrent $(tail -c +5 /sys/firmware/efi/efivars/BootCurrent-8be4df61-93ca-11d2-aa0d-00e098032b8c 2>/dev/null | hexdump -v -e '1/2 "%04x"')"
    if esp_up; then
      [ -r /boot/efi/hq/first.txt ] && say "ESP: file read back: $(cat /boot/efi/hq/first.txt)" || say "ESP: file MISSING"
      say "ESP: frame list of the first kernel: $(stat -c %s /boot/efi/hq/pfns.bin 2>/dev/null) bytes"
    fi
  fi
  if [ "$scenario" = efi-assist-nocrash ]; then
    efi_resume_report
    host_up
    handoff status 2>&1 | sed 's/^/HQ: status: /'
  fi
  finish second
fi

# ---------------------------------------------------------------- the first kernel
say "FIRST KERNEL UP at uptime $(up), scenario $scenario"
say "cmdline: $(cat /proc/cmdline)"
grep -i "crash kernel" /proc/iomem | sed 's/^/HQ: iomem: /'
[ "$scenario" = shell ] && exec setsid cttyhack sh
if [ "$scenario" = capture-profile ]; then capture_profile; finish profile; fi

ipmi_up
ipmitool mc info 2>&1 | grep -E "IPMI Version|Device ID" | sed 's/^/HQ: mc: /'
ipmitool sel list 2>&1 | sed 's/^/HQ: sel before: /'

host_up
crash() {
  say "kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded) kexec_loaded=$(cat /sys/kernel/kexec_loaded)"
  say "TRIGGERING CRASH at uptime $(up)"
  echo c > /proc/sysrq-trigger
  say "still alive after the crash?"; finish error
}
loaded() { # WHAT
  say "$1 in $(awk "BEGIN{print $(up)-$t0}") s"
}

efi_write
append_capture="console=ttyS0 irqpoll nr_cpus=1 reset_devices hq.stage=capture hq.scenario=$scenario${efivar:+ hq.efivar=$efivar}"
append_second="console=ttyS0 hq.stage=second hq.scenario=$scenario${efivar:+ hq.efivar=$efivar}"
t0=$(up)
case "$scenario" in
  kdump-kexec-tools)
    in_host /usr/sbin/kexec -p $HQ_KEXEC_OPTS "$HQ_KERNEL" --initrd="$HQ_INITRD" --append="$append_capture" 2>&1 | sed 's/^/HQ: kexec: /'
    loaded "LOADED kexec -p crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
    crash;;
  kdump-handoff|corrupt-handoff)
    # last words: the first kernel's crash_notes, for the capture kernel (hq.notes), and the SEL before the crash
    for d in /sys/devices/system/cpu/cpu[0-9]*; do
      [ -r $d/crash_notes ] || continue
      n=${d##*/cpu}; a=$(cat $d/crash_notes); s=$(cat $d/crash_notes_size)
      say "crash_notes cpu $n 0x$a $s"; notes="$notes${notes:+,}$n:0x$a:$s"
    done
    [ -n "$notes" ] && append_capture="$append_capture hq.notes=$notes"
    sel_dump BEFORE
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
  kdump-conf)
    # the distribution's way: everything in /etc/handoff/handoff.conf, `handoff load --crash` with no options (as
    # handoff-kdump.service runs it); the read-only host /etc is copied and bind-mounted with the file added
    mkdir -p /run/etc && cp -a /host/etc/. /run/etc/ && mkdir -p /run/etc/handoff || finish error
    printf 'handoff.load {\n  kernel = "%s"\n  initrd = "%s"\n  command-line = "%s"\n}\n' \
        "$HQ_KERNEL" "$HQ_INITRD" "$append_capture" > /run/etc/handoff/handoff.conf
    mount -o bind /run/etc /host/etc || finish error
    sed 's/^/HQ: conf: /' /host/etc/handoff/handoff.conf
    handoff load --crash > /tmp/load.out 2>&1
    rc=$?
    sed 's/^/HQ: handoff: /' /tmp/load.out
    loaded "LOADED handoff load --crash from handoff.conf alone rc=$rc"
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
  esp-boot)
    esp_up || { say "ESP: no disk"; finish error; }
    mkdir -p /boot/efi/hq
    echo "written by the first kernel at uptime $(up)" > /boot/efi/hq/first.txt && sync \
      && say "ESP: file written: $(cat /boot/efi/hq/first.txt)" || say "ESP: writing the file failed"
    pattern_fill /boot/efi/hq/pfns.bin
    # the next boot: the same startup.nsh, with this kernel's command line and the second stage's arguments
    printf 'fs0:\r\n%s hq.stage=second%s\r\n' "$(cat /proc/cmdline)" "${efivar:+ hq.efivar=$efivar}" > /boot/efi/startup.nsh
    sync
    say "ESP: startup.nsh for the next boot: $(tail -n 1 /boot/efi/startup.nsh | tr -d '\r')"
    umount /boot/efi 2>/dev/null || mount -o remount,ro /boot/efi
    say "reboot: type $(cat /sys/kernel/reboot/type 2>/dev/null), mode $(cat /sys/kernel/reboot/mode 2>/dev/null)"
    say "RESETTING (reboot -f) at uptime $(up)"
    reboot -f
    sleep 5; say "still alive after reboot?"; finish error;;
  pattern-kdump)
    esp_up || { say "ESP: no disk (HQ_ESP_MIB)"; finish error; }
    mkdir -p /boot/efi/hq
    in_host /usr/sbin/kexec -p $HQ_KEXEC_OPTS "$HQ_KERNEL" --initrd="$HQ_INITRD" --append="$append_capture" 2>&1 | sed 's/^/HQ: kexec: /'
    loaded "LOADED kexec -p crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
    pattern_control
    pattern_fill /boot/efi/hq/pfns.bin
    grep -q 'hq-pattern: ready' /tmp/pattern.out || finish error
    crash;;
  efi-assist)
    efi_arm
    pattern_control
    pattern_fill /boot/efi/hq/pfns.bin
    grep -q 'hq-pattern: ready' /tmp/pattern.out || finish error
    crash;;
  efi-assist-nocrash)
    efi_arm
    # a warm reboot with BootNext naming the resume entry, and no crash: the marker after the ELF core header is
    # still zero
    { printf '\007\000\000\000\106\110'; } > /tmp/bootnext
    cat /tmp/bootnext > /sys/firmware/efi/efivars/BootNext-$global_guid 2>/tmp/bn.err \
      && say "EFI: BootNext set by hand to 4846" || say "EFI: setting BootNext failed: $(cat /tmp/bn.err)"
    printf 'fs0:\r\n%s hq.stage=second%s\r\n' "$(cat /proc/cmdline)" "${efivar:+ hq.efivar=$efivar}" > /boot/efi/startup.nsh
    sync
    umount /host/run/hq/esp 2>/dev/null; umount /boot/efi 2>/dev/null || mount -o remount,ro /boot/efi
    say "RESETTING (reboot -f) at uptime $(up)"
    reboot -f
    sleep 5; say "still alive after reboot?"; finish error;;
  efi-assist-nvfull)
    efi_arm
    nv_fill
    crash;;
  *)
    say "unknown scenario $scenario"; finish error;;
esac
