#!/bin/bash
# Prepare a qemu-system-s390x run (Debian's qemu-system-misc, TCG): install what is missing, fetch the s390x
# kernel and build an s390x initramfs from Debian's s390x packages (busybox-static, kexec-tools and libc6,
# downloaded with apt-get download and extracted with dpkg-deb: no s390x binary runs on the host).
#   HQ_VMLINUZ   the kernel (default: HANDOFF_TEST_KERNEL_S390X, else Debian's, framework/launcher/src/dist/
#                libexec/debian-kernel-s390x.sh; kdump-kernel.sh builds one that can do kdump)
#
# Usage: prepare.sh WORKDIR
# Writes WORKDIR/vmlinuz (a link to the kernel), WORKDIR/initrd.cpio.gz (with /boot/vmlinuz and /boot/initrd, the
# next kernel's files for kexec-tools), WORKDIR/share (the same two files and the runs' settings, shared with the
# guest over 9p for handoff), WORKDIR/kernel.env and WORKDIR/kernel.config. The s390x JRE sysroot the guest mounts
# over 9p is shared by every work directory beside WORKDIR (qemu-s390x-sysroot).
set -euo pipefail
work=${1:?usage: prepare.sh WORKDIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../../../.." && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)

need=()
command -v qemu-system-s390x >/dev/null || need+=(qemu-system-misc)
command -v cpio >/dev/null || need+=(cpio)
if [ ${#need[@]} -gt 0 ]; then
  echo "prepare.sh: installing ${need[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

vmlinuz=${HQ_VMLINUZ:-${HANDOFF_TEST_KERNEL_S390X:-$(HANDOFF_KERNEL_MODULES=1 bash "$repo/framework/launcher/src/dist/libexec/debian-kernel-s390x.sh")}}
kroot=$(cd "$(dirname "$vmlinuz")/.." && pwd)
kv=$(basename "$vmlinuz"); kv=${kv#vmlinuz-}
ln -sf "$vmlinuz" "$work/vmlinuz"
printf 'KV=%s\nKROOT=%s\nVMLINUZ=%s\n' "$kv" "$kroot" "$vmlinuz" > "$work/kernel.env"
# the kernel's own build configuration decides whether kdump can work at all
grep -E '^(# )?CONFIG_(CRASH_DUMP|9P_FS)[ =]' "$kroot/boot/config-$kv" > "$work/kernel.config" || true
# the shared files: the next kernel and its initrd, which handoff loads from inside the guest
mkdir -p "$work/share/boot"
cmp -s "$vmlinuz" "$work/share/boot/vmlinuz" || cp -L "$vmlinuz" "$work/share/boot/vmlinuz"

out=$work/initrd.cpio.gz
sysroot=$(dirname "$work")/qemu-s390x-sysroot
if [ -f "$out" ] && [ -z "$(find "$here" "$vmlinuz" -newer "$out" -print -quit)" ] && [ -f "$sysroot/.done" ]; then
  echo "$out"; exit 0
fi

debs=$work/debs
if [ ! -f "$debs/.done" ]; then
  rm -rf "$debs"; mkdir -p "$debs"
  (cd "$debs" && apt-get download busybox-static:s390x kexec-tools:s390x libc6:s390x >&2) \
    || { echo "prepare.sh: apt-get download of the s390x packages failed (dpkg --add-architecture s390x && apt-get update)" >&2; exit 3; }
  touch "$debs/.done"
fi
# the sysroot the guest mounts over 9p (tag sysroot): Debian's s390x JRE and the libraries libjvm needs
if [ ! -f "$sysroot/.done" ]; then
  rm -rf "$work/jdebs" "$sysroot"; mkdir -p "$work/jdebs" "$sysroot"
  (cd "$work/jdebs" && apt-get download openjdk-17-jre-headless:s390x libstdc++6:s390x libgcc-s1:s390x zlib1g:s390x \
      libc6:s390x busybox-static:s390x >&2) || { echo "prepare.sh: apt-get download of the s390x JRE failed" >&2; exit 3; }
  for d in "$work/jdebs"/*.deb; do dpkg-deb -x "$d" "$sysroot"; done
  mkdir -p "$sysroot"/{proc,sys,dev,tmp,run,handoff,work}
  # the launcher (bin/handoff) is a POSIX sh script: busybox is its shell and tools
  for a in sh env readlink dirname cat; do ln -sf busybox "$sysroot/bin/$a"; done
  rm -rf "$work/jdebs"; touch "$sysroot/.done"
fi

root=$work/initramfs
rm -rf "$root" "$work/extract"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,mnt,host,etc} "$work/extract"
for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$work/extract"; done
cp "$work/extract/bin/busybox" "$root/bin/busybox"
install -D -m755 "$work/extract/sbin/kexec" "$root/sbin/kexec"
# kexec needs only libc (and the loader); the usrmerge layout of bookworm keeps them in /lib
mkdir -p "$root/lib/s390x-linux-gnu"
for l in ld64.so.1 libc.so.6; do
  f=$(find "$work/extract" -name "$l" | head -1)
  cp -L "$f" "$root/lib/s390x-linux-gnu/$l"
done
ln -sf s390x-linux-gnu/ld64.so.1 "$root/lib/ld64.so.1"
install -m755 "$here/guest-init.sh" "$root/init"
# the 9p modules, in load order, for the shares (virtio-ccw and virtio are built in); none when 9p is built in
: > "$root/etc/hq-modules"
if ! grep -qx 'CONFIG_9P_FS=y' "$work/kernel.config"; then
  kmods="fs/netfs/netfs.ko fs/fscache/fscache.ko net/9p/9pnet.ko net/9p/9pnet_virtio.ko fs/9p/9p.ko"
  echo "$kmods" | tr ' ' '\n' > "$root/etc/hq-modules"
  for m in $kmods; do install -D -m644 "$kroot/lib/modules/$kv/kernel/$m" "$root/lib/modules/$kv/kernel/$m"; done
fi
# the capture kernel boots the same initramfs without /boot; the first kernel's copy carries both files
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/capture-initrd.cpio.gz"
cp "$work/capture-initrd.cpio.gz" "$work/share/boot/initrd"
mkdir -p "$root/boot"
cp -L "$vmlinuz" "$root/boot/vmlinuz"
cp "$work/capture-initrd.cpio.gz" "$root/boot/initrd"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
