#!/usr/bin/env bash
# Print the path of a Debian kernel image (vmlinuz) of one architecture, downloading the current
# linux-image-FLAVOUR package into a cache when it is not there yet. Used by handoff plan/simulate without
# --kernel (with the architecture and flavour the platform plugin names), the tests, the benchmarks and the QEMU runs.
#   debian-kernel.sh [ARCHITECTURE [FLAVOUR]]   ARCHITECTURE: a Debian one (default amd64); FLAVOUR: the
#                                               meta package's suffix (default: the architecture)
#   HANDOFF_CACHE (default ~/.cache/handoff) holds debian-kernel-ARCHITECTURE/<version>/boot (the vmlinuz: about
#   8 MB of the package's 400); HANDOFF_KERNEL_MODULES=1 keeps <version>/lib/modules too (the QEMU harness puts
#   some into its guests). amd64 keeps the directory name it always had, debian-kernel.
# A foreign architecture must be known to dpkg (dpkg --add-architecture ARCH; added here when run as root).
set -euo pipefail
arch=${1:-amd64}
flavour=${2:-$arch}
me=$(basename "$0")
case "$arch$flavour" in *[!a-z0-9-]*) echo "$me: bad architecture or flavour: $arch $flavour" >&2; exit 2;; esac
if [ "$arch" = amd64 ]; then dir=debian-kernel; else dir=debian-kernel-$arch; fi
cache="${HANDOFF_CACHE:-$HOME/.cache/handoff}/$dir"
modules=${HANDOFF_KERNEL_MODULES:-}
existing=$(ls -d "$cache"/*/boot/vmlinuz-* 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$existing" ] && [ -z "${HANDOFF_REFRESH_KERNEL:-}" ] \
    && { [ -z "$modules" ] || [ -d "${existing%/boot/*}/lib/modules" ]; }; then
  echo "$existing"; exit 0
fi
command -v apt-get >/dev/null || { echo "$me: apt-get not found; pass --kernel" >&2; exit 3; }
if [ "$(dpkg --print-architecture)" != "$arch" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  [ "$(id -u)" = 0 ] || { echo "$me: run 'dpkg --add-architecture $arch && apt-get update' as root first" >&2; exit 3; }
  echo "$me: adding dpkg architecture $arch (dpkg --add-architecture $arch; apt-get update) to download its kernel" >&2
  dpkg --add-architecture "$arch"
  apt-get update -qq >&2
fi
meta="linux-image-$flavour:$arch"
if ! apt-cache show "$meta" >/dev/null 2>&1; then apt-get update -qq >&2; fi
# linux-image-FLAVOUR is a meta package; its dependency names the versioned image package
pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
pkg=${pkg%%:*}
[ -n "$pkg" ] || { echo "$me: cannot resolve $meta" >&2; exit 3; }
ver=${pkg#linux-image-}
size=$(apt-cache show "$pkg:$arch" 2>/dev/null | awk '/^Size:/ {printf "%.0f MB", $2 / 1e6; exit}')
echo "$me: downloading $pkg ($arch, ${size:-size unknown}) into $cache/$ver, keeping $([ -n "$modules" ] \
  && echo 'boot/ and lib/modules/' || echo 'only boot/')" >&2
mkdir -p "$cache/$ver" "$cache/.dl"
(cd "$cache/.dl" && apt-get download "$pkg:$arch" >/dev/null 2>&1) \
  || { echo "$me: apt-get download $pkg:$arch failed" >&2; exit 3; }
rm -rf "$cache/.dl/x"
dpkg-deb -x "$cache/.dl/${pkg}"_*.deb "$cache/.dl/x"
mkdir -p "$cache/$ver/boot"
cp -p "$cache/.dl/x"/boot/vmlinuz-* "$cache/$ver/boot/"
if [ -n "$modules" ]; then
  rm -rf "$cache/$ver/lib" && mkdir -p "$cache/$ver/lib" && mv "$cache/.dl/x/lib/modules" "$cache/$ver/lib/"
fi
rm -rf "$cache/.dl"
ls "$cache/$ver"/boot/vmlinuz-* | head -1
