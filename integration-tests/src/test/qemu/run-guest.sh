#!/bin/bash
# Boot the prepared guest (prepare.sh) under QEMU TCG for one scenario, bounded by a timeout.
#
# Usage: run-guest.sh WORKDIR SCENARIO NAME [TIMEOUT_S]
# Environment (written to WORKDIR/NAME.env, which the guest reads through the 9p host root):
#   HQ_HANDOFF      the handoff launcher to run in the guest (default: this build's distribution)
#   HQ_HANDOFF_OPTS extra options for 'handoff load'     HQ_KEXEC_OPTS extra options for kexec-tools
#   HQ_JAVA_OPTS    JVM options in the guest             HQ_INITRD     initrd for the next kernel (default: the guest's)
#   HQ_STOP_ON      a regular expression: QEMU is stopped as soon as a serial line matches it
#   HQ_FIRMWARE     bios (default) or ovmf: boot through UEFI (Debian's OVMF_CODE_4M.fd read-only as pflash 0, a
#                   fresh writable copy of OVMF_VARS_4M.fd as pflash 1, WORKDIR/NAME.vars; -kernel uses the EFI stub)
#   HQ_MACHINE      QEMU machine type (default pc)        HQ_MEM   guest memory in MiB (default 1024)
#   HQ_CRASHKERNEL  the crashkernel= value (default 256M)
#   HQ_BOOT         kernel (default: QEMU's -kernel/-initrd/-append, with -no-reboot) or esp (HQ_FIRMWARE=ovmf
#                   only): the first kernel boots from an EFI system partition on a writable virtio-blk disk,
#                   WORKDIR/NAME.esp (esp-image.sh; MBR, FAT), holding \vmlinuz, \initrd.gz and \startup.nsh, which
#                   OVMF's built-in UEFI Shell runs (it is the last Boot#### of a fresh variable store, after the
#                   disk, which has no \EFI\BOOT\BOOTX64.EFI): "fs0:" then "\vmlinuz initrd=\initrd.gz <command line>",
#                   the EFI stub loading the initrd from the ESP. Costs the shell's 5 s startup.nsh countdown.
#                   No -no-reboot and no NIC (OVMF would try PXE first): a warm reset reboots inside the same QEMU
#                   process, RAM and WORKDIR/NAME.vars kept, and firmware boots from the ESP again; the run
#                   ends when the guest powers off, HQ_STOP_ON matches or the timeout expires.
#   HQ_ESP_MIB      the size of the ESP disk (default 64 with HQ_BOOT=esp); set with the default boot, it attaches
#                   an empty ESP disk of that size (a data disk the guest mounts at /boot/efi, kept across a crash)
#   HQ_PATTERN_MIB  MiB the pattern scenarios fill with hq-pattern (default 256)
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
HQ_PATTERN_MIB='${HQ_PATTERN_MIB:-256}'
HQ_JAVA_OPTS='-Djna.tmpdir=/run/hq -Djava.io.tmpdir=/run/hq -XX:-UsePerfData -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto ${HQ_JAVA_OPTS:-}'
ENV
rm -rf "$work/$name".{log,ttyS1,qemu,pid,vars,esp,espdir}
firmware=()
case "${HQ_FIRMWARE:-bios}" in
  bios) ;;
  ovmf)
    code=/usr/share/OVMF/OVMF_CODE_4M.fd; vars=/usr/share/OVMF/OVMF_VARS_4M.fd
    [ -r "$code" ] && [ -r "$vars" ] || { echo "run-guest.sh: no OVMF (apt-get install ovmf)" >&2; exit 3; }
    cp "$vars" "$work/$name.vars"
    firmware=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$code"
              -drive "if=pflash,format=raw,unit=1,file=$work/$name.vars");;
  *) echo "run-guest.sh: HQ_FIRMWARE must be bios or ovmf" >&2; exit 2;;
esac
cmdline="console=ttyS0 crashkernel=${HQ_CRASHKERNEL:-256M} panic=-1 hq.scenario=$scenario hq.env=$work/$name.env ${HQ_APPEND:-}"
boot=(-kernel "$work/vmlinuz" -initrd "$work/initrd.cpio.gz" -append "$cmdline" -no-reboot)
esp_mib=${HQ_ESP_MIB:-}
case "${HQ_BOOT:-kernel}" in
  kernel) ;;
  esp)
    [ "${HQ_FIRMWARE:-bios}" = ovmf ] || { echo "run-guest.sh: HQ_BOOT=esp needs HQ_FIRMWARE=ovmf" >&2; exit 2; }
    esp_mib=${esp_mib:-64}
    mkdir -p "$work/$name.espdir"
    cp "$VMLINUZ" "$work/$name.espdir/vmlinuz"
    cp "$work/initrd.cpio.gz" "$work/$name.espdir/initrd.gz"
    # the shell maps the disk's FAT file system as fs0 (the only one); the stub reads initrd= from the same volume
    printf 'fs0:\r\n\\vmlinuz initrd=\\initrd.gz %s\r\n' "$cmdline" > "$work/$name.espdir/startup.nsh"
    boot=(-nic none);;
  *) echo "run-guest.sh: HQ_BOOT must be kernel or esp" >&2; exit 2;;
esac
if [ -n "$esp_mib" ]; then
  mkdir -p "$work/$name.espdir"
  sh "$here/esp-image.sh" "$work/$name.esp" "$esp_mib" "$work/$name.espdir" 2>>"$work/$name.qemu" || exit 3
  boot+=(-drive "if=none,id=esp,format=raw,file=$work/$name.esp" -device virtio-blk-pci,drive=esp)
fi
t0=$(date +%s.%N)
timeout --foreground "$tmo" qemu-system-x86_64 -machine "${HQ_MACHINE:-pc}" -accel tcg -cpu qemu64 -smp 2 \
  -m "${HQ_MEM:-1024}" "${firmware[@]}" "${boot[@]}" \
  -display none -monitor none -serial stdio -serial "file:$work/$name.ttyS1" \
  -device ipmi-bmc-sim,id=bmc0 -device isa-ipmi-kcs,bmc=bmc0 \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -pidfile "$work/$name.pid" </dev/null 2>"$work/$name.qemu" \
| perl -MTime::HiRes=time -ne 'BEGIN { $| = 1; ($t0, $stop, $pidfile) = @ARGV; @ARGV = (); }
    s/\r//g; s/\e\[[0-9;?=]*[A-Za-z]//g; printf "[%8.3f] %s", time - $t0, $_;
    if ($stop ne "" && /$stop/ && open(my $p, "<", $pidfile)) { my $pid = <$p>; chomp $pid; kill "TERM", $pid if $pid; }' \
    "$t0" "${HQ_STOP_ON:-}" "$work/$name.pid" > "$work/$name.log"
rc=${PIPESTATUS[0]}
echo "[qemu] exit $rc after $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$t0}") s" >> "$work/$name.log"
exit "$rc"
