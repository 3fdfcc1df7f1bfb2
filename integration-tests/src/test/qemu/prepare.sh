#!/bin/bash
# Prepare a QEMU end-to-end run of handoff: install what is missing (QEMU, busybox, ipmitool, makedumpfile,
# cpio, kmod, kexec-tools, ovmf, dosfstools, mtools, gcc), fetch the Debian kernel (framework/launcher/src/dist/libexec/debian-kernel.sh),
# run depmod on its modules and build the guest initramfs.
#
# Usage: prepare.sh WORKDIR
# Writes WORKDIR/vmlinuz (a link to the cached kernel), WORKDIR/initrd.cpio.gz (used by both the first
# and the capture kernel) and WORKDIR/kernel.env (KV=, KROOT=). The initramfs is rebuilt only when this
# directory's scripts or the kernel are newer than it.
set -euo pipefail
work=${1:?usage: prepare.sh WORKDIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -x /bin/busybox ] && /bin/busybox --list | grep -qx hexdump || need+=(busybox-static)
command -v ipmitool >/dev/null || need+=(ipmitool)
command -v makedumpfile >/dev/null || need+=(makedumpfile)
command -v cpio >/dev/null || need+=(cpio)
command -v depmod >/dev/null || [ -x /sbin/depmod ] || need+=(kmod)
command -v kexec >/dev/null || [ -x /usr/sbin/kexec ] || need+=(kexec-tools)
# UEFI scenarios (run-guest.sh HQ_FIRMWARE=ovmf) boot through OVMF from the Debian package, never a copy in the tree
[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] && [ -r /usr/share/OVMF/OVMF_VARS_4M.fd ] || need+=(ovmf)
# the ESP disk image of HQ_BOOT=esp (esp-image.sh) and the pattern tool (hq-pattern.c, linked static)
command -v mkfs.fat >/dev/null || [ -x /sbin/mkfs.fat ] || need+=(dosfstools)
command -v mcopy >/dev/null || need+=(mtools)
command -v gcc >/dev/null || need+=(gcc)
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || need+=(libc6-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "prepare.sh: installing ${need[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
# busybox-static is needed, not the dynamic busybox: the initramfs has no libc for it
file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' \
  || { echo "prepare.sh: /bin/busybox is not static (apt-get install busybox-static)" >&2; exit 3; }

vmlinuz=${HANDOFF_TEST_KERNEL:-$(HANDOFF_KERNEL_MODULES=1 bash "$repo/framework/launcher/src/dist/libexec/debian-kernel.sh")}
kroot=$(cd "$(dirname "$vmlinuz")/.." && pwd)
kv=$(basename "$vmlinuz"); kv=${kv#vmlinuz-}
[ -d "$kroot/lib/modules/$kv/kernel" ] || { echo "prepare.sh: no modules at $kroot/lib/modules/$kv" >&2; exit 3; }
[ -f "$kroot/lib/modules/$kv/modules.dep" ] || depmod -b "$kroot" "$kv"
ln -sf "$vmlinuz" "$work/vmlinuz"
printf 'KV=%s\nKROOT=%s\nVMLINUZ=%s\n' "$kv" "$kroot" "$vmlinuz" > "$work/kernel.env"

out=$work/initrd.cpio.gz
if [ -f "$out" ] && [ -z "$(find "$here" "$vmlinuz" -newer "$out" -print -quit)" ]; then
  echo "$out"; exit 0
fi

root=$work/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,mnt,host,etc,var/crash,boot/efi}
cp /bin/busybox "$root/bin/busybox"
install -m755 "$here/guest-init.sh" "$root/init"

# the memory pattern tool, static: it runs in the capture kernel's initramfs too
gcc -static -O2 -Wall -o "$root/usr/bin/hq-pattern" "$here/hq-pattern.c"

# a binary and the libraries ldd names (mawk: no \s in the patterns)
with_libs() {
  for b in "$@"; do
    install -D -m755 "$b" "$root$b"
    for l in $(ldd "$b" | awk '/=>/ {print $3} /^[ \t]*\/lib64/ {print $1}'); do
      [ -e "$root$l" ] || install -D -m755 "$(readlink -f "$l")" "$root$l"
    done
  done
}
with_libs "$(command -v ipmitool)" "$(command -v makedumpfile)"
# ipmitool looks up manufacturer names there; a short file is enough to silence its warning
mkdir -p "$root/usr/share/misc"
[ -f /usr/share/misc/enterprise-numbers.txt ] && head -n 2000 /usr/share/misc/enterprise-numbers.txt > "$root/usr/share/misc/enterprise-numbers.txt"

# modules in load order (the .ko are uncompressed: busybox insmod loads them)
md=lib/modules/$kv
grep -v '^#' "$here/modules.txt" > "$root/etc/hq-modules"
while read -r m; do
  [ -n "$m" ] && install -D -m644 "$kroot/$md/kernel/$m" "$root/$md/kernel/$m"
done < "$root/etc/hq-modules"
cp "$kroot/$md"/modules.{dep,order,builtin} "$root/$md/" 2>/dev/null || true

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
