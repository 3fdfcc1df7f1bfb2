#!/usr/bin/env bash
# Manual smoke of the resume application under QEMU (TCG) + OVMF, without root: smoke.sh EFI [KERNEL]
#  1. the app as \EFI\BOOT\BOOTX64.EFI on a FAT disk: it must print "refused: no record" and BDS must go on.
#  2. with KERNEL (a bzImage with the EFI stub): the EFI shell's startup.nsh writes a HandoffRecord, runs the app
#     without the crash marker (refused), writes the marker with mm, runs it again: it must start the kernel.
# Logs go to ${SMOKE_DIR:-/tmp/handoff-efi-smoke}; needs qemu-system-x86, ovmf, mtools, dosfstools, python3.
set -euo pipefail
efi=$(readlink -f "$1"); kernel=${2:+$(readlink -f "$2")}
dir=${SMOKE_DIR:-/tmp/handoff-efi-smoke}; mkdir -p "$dir"; cd "$dir"
ovmf=/usr/share/OVMF
qemu() {
  cp "$ovmf/OVMF_VARS_4M.fd" vars.fd
  timeout "$1" qemu-system-x86_64 -machine q35,accel=tcg -m 1024 \
    -drive if=pflash,format=raw,readonly=on,file="$ovmf/OVMF_CODE_4M.fd" -drive if=pflash,format=raw,file=vars.fd \
    -drive file=esp.img,format=raw,if=virtio -serial stdio -display none -net none -no-reboot </dev/null \
    | sed 's/\x1b\[[0-9;=]*[a-zA-Z]//g' > "$2" || true
}
rm -f esp.img; mkfs.fat -C esp.img 65536 >/dev/null
mmd -i esp.img ::/EFI ::/EFI/BOOT; mcopy -i esp.img "$efi" ::/EFI/BOOT/BOOTX64.EFI
qemu 60 norecord.log
grep -q "handoff-resume: refused: no record" norecord.log && grep -q "EFI Internal Shell" norecord.log \
  || { echo "smoke: no-record boot FAILED (see $dir/norecord.log)" >&2; exit 1; }
echo "smoke: no record: refused, BDS went on"
[ -n "$kernel" ] || exit 0

python3 - <<'PY'
import struct, hashlib
nonce = bytes(range(0xa1, 0xb1))
cmd = b"console=ttyS0 earlyprintk=serial,ttyS0,115200 panic=-1 elfcorehdr=0x30000000"
kernel = b"\\EFI\\handoff\\vmlinuz"
ranges = [(0x100000, 0x10000000), (0x20000000, 0x3f000000)]
al = lambda v: (v + 7) & ~7
c_off = 0x90; k_off = al(c_off + len(cmd)); r_off = al(k_off + len(kernel)); total = r_off + 16 * len(ranges)
b = bytearray(total)
struct.pack_into("<8sII", b, 0, b"HOFFREC1", 1, total)
# crash region 256-512 MiB; the "ELF core header" is the 16-byte marker itself, so its digest is known in advance
struct.pack_into("<QQQQ", b, 0x10, 0x10000000, 0x20000000, 0x30000000, 16)
b[0x30:0x50] = hashlib.sha256(nonce).digest()
struct.pack_into("<Q", b, 0x50, 0x30000000); b[0x58:0x68] = nonce
struct.pack_into("<H", b, 0x68, 0x11)
struct.pack_into("<IIIIIIII", b, 0x70, c_off, len(cmd), k_off, len(kernel), 0, 0, r_off, len(ranges))
b[c_off:c_off + len(cmd)] = cmd; b[k_off:k_off + len(kernel)] = kernel
for i, (s, e) in enumerate(ranges): struct.pack_into("<QQ", b, r_off + 16 * i, s, e)
lo, hi = struct.unpack("<QQ", nonce)
g = "3d1300c0-6df2-4c98-bd64-ac92e6d281fd"
nsh = f"""fs0:
setvar HandoffRecord -guid {g} -bs -rt -nv =H{b.hex()}
\\EFI\\handoff\\handoff-resume.efi
setvar HandoffResumeStatus -guid {g}
mm 0x30000000 0x{lo:x} -w 8 -MEM -n
mm 0x30000008 0x{hi:x} -w 8 -MEM -n
\\EFI\\handoff\\handoff-resume.efi
"""
open("startup.nsh", "w").write(nsh.replace("\n", "\r\n"))
PY
rm -f esp.img; mkfs.fat -C esp.img 65536 >/dev/null
mmd -i esp.img ::/EFI ::/EFI/handoff
mcopy -i esp.img "$efi" ::/EFI/handoff/handoff-resume.efi; mcopy -i esp.img "$kernel" ::/EFI/handoff/vmlinuz
mcopy -i esp.img startup.nsh ::/startup.nsh
qemu 300 resume.log
grep -q "handoff-resume: refused: no crash marker (not a crashed boot)" resume.log \
  && grep -q "handoff-resume: ok: " resume.log && grep -q "Command line: console=ttyS0" resume.log \
  || { echo "smoke: resume FAILED (see $dir/resume.log)" >&2; exit 1; }
grep "handoff-resume: \(refused\|claimed\|ok\|starting\)" resume.log
echo "smoke: resume: refused without the marker, then started the kernel with the record's command line"
