#!/usr/bin/env bash
# Print the path of an s390x kernel that can do kdump, building it once into a cache when it is not there yet:
# Debian's linux-source-6.1 (apt-get download, the source Debian's own s390x kernel is built from), the s390
# defconfig plus kdump-kernel.config, cross-compiled with Debian's gcc-s390x-linux-gnu (about 10 minutes on
# 2 cores). Debian's binary s390x kernel has no CONFIG_CRASH_DUMP, so the QEMU kdump runs need this one.
#   HANDOFF_CACHE (default ~/.cache/handoff) holds kernel-s390x-kdump/<version>/boot/{vmlinuz,config}-<version>.
# The build tree is removed afterwards; concurrent callers wait for one build (flock).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache="${HANDOFF_CACHE:-$HOME/.cache/handoff}/kernel-s390x-kdump"
fragment=$here/kdump-kernel.config
# the fragment's digest names the build: a changed fragment builds a new kernel
tag=$(sha256sum "$fragment" | cut -c1-12)
found() { ls -d "$cache/$tag"/boot/vmlinuz-* 2>/dev/null | head -1; }
[ -n "$(found)" ] && { found; exit 0; }

mkdir -p "$cache"
exec 9> "$cache/.lock"
flock 9
[ -n "$(found)" ] && { found; exit 0; }

need=()
command -v s390x-linux-gnu-gcc >/dev/null || need+=(gcc-s390x-linux-gnu)
for tp in make:make flex:flex bison:bison bc:bc xz:xz-utils; do command -v ${tp%%:*} >/dev/null || need+=(${tp#*:}); done
[ -e /usr/include/libelf.h ] || need+=(libelf-dev)
# certs/extract-cert links the host's libcrypto (CONFIG_SYSTEM_TRUSTED_KEYRING is in the defconfig)
[ -e /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "kdump-kernel.sh: needs ${need[*]} (apt-get install as root)" >&2; exit 3; }
  echo "kdump-kernel.sh: installing ${need[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

build=$cache/build
rm -rf "$build"; mkdir -p "$build"
trap 'rm -rf "$build"' EXIT
(cd "$build" && apt-get download linux-source-6.1 >&2 2>/dev/null) \
  || { echo "kdump-kernel.sh: apt-get download linux-source-6.1 failed" >&2; exit 3; }
dpkg-deb --fsys-tarfile "$build"/linux-source-6.1_*.deb | tar -x -C "$build" ./usr/src/linux-source-6.1.tar.xz
tar -xJf "$build/usr/src/linux-source-6.1.tar.xz" -C "$build"
src=$build/linux-source-6.1
mk() { make -C "$src" ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- "$@"; }
echo "kdump-kernel.sh: building an s390x kernel with CONFIG_CRASH_DUMP=y in $build (about 10 minutes)" >&2
mk defconfig >&2
# without modules Kconfig would build every "=m" of the defconfig in (test suites like rcutorture included,
# which then run at every boot): drop them, keep the "=y" and the fragment
sed -i -E 's/^(CONFIG_[A-Za-z0-9_]+)=m$/# \1 is not set/' "$src/.config"
(cd "$src" && scripts/kconfig/merge_config.sh -m .config "$fragment") >&2
mk olddefconfig >&2
for want in CONFIG_CRASH_DUMP=y CONFIG_PROC_VMCORE=y CONFIG_9P_FS=y CONFIG_NET_9P_VIRTIO=y CONFIG_DEVTMPFS=y; do
  grep -qx "$want" "$src/.config" || { echo "kdump-kernel.sh: the configuration lost $want" >&2; exit 3; }
done
! grep -qE '^CONFIG_(RCU_TORTURE_TEST|LKDTM|TEST_[A-Z0-9_]+)=y' "$src/.config" \
  || { echo "kdump-kernel.sh: a kernel self-test is built in" >&2; exit 3; }
mk -j"$(nproc)" bzImage > "$cache/build.log" 2>&1 || { tail -30 "$cache/build.log" >&2; exit 3; }
kv=$(mk -s kernelrelease)
mkdir -p "$cache/$tag.tmp/boot"
cp "$src/arch/s390/boot/bzImage" "$cache/$tag.tmp/boot/vmlinuz-$kv"
cp "$src/.config" "$cache/$tag.tmp/boot/config-$kv"
rm -rf "$cache/$tag"; mv "$cache/$tag.tmp" "$cache/$tag"
found
