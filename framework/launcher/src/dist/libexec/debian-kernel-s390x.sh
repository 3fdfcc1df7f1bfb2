#!/usr/bin/env bash
# Print the path of a Debian s390x kernel image (vmlinuz: the s390 "image" format with its parameter area at
# 0x10400), downloading the current linux-image-*-s390x package into a cache when it is not there yet.
# Used by the s390x plugin's tests, the architecture matrix and handoff simulate --platform s390x.
#   HANDOFF_CACHE (default ~/.cache/handoff) holds debian-kernel-s390x/<version>/{boot,lib}.
# Needs the s390x architecture in dpkg (dpkg --add-architecture s390x; it adds it itself when run as root).
set -euo pipefail
cache="${HANDOFF_CACHE:-$HOME/.cache/handoff}/debian-kernel-s390x"
existing=$(ls -d "$cache"/*/boot/vmlinuz-* 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$existing" ] && [ -z "${HANDOFF_REFRESH_KERNEL:-}" ]; then
  echo "$existing"; exit 0
fi
command -v apt-get >/dev/null || { echo "debian-kernel-s390x.sh: apt-get not found; pass --kernel" >&2; exit 3; }
if ! dpkg --print-foreign-architectures | grep -qx s390x; then
  [ "$(id -u)" = 0 ] || { echo "debian-kernel-s390x.sh: run 'dpkg --add-architecture s390x && apt-get update' as root first" >&2; exit 3; }
  dpkg --add-architecture s390x
  apt-get update -qq >&2
fi
if ! apt-cache show linux-image-s390x:s390x >/dev/null 2>&1; then apt-get update -qq >&2; fi
# linux-image-s390x is a meta package; its dependency names the versioned image package
pkg=$(apt-cache depends linux-image-s390x:s390x 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
pkg=${pkg%%:*}
[ -n "$pkg" ] || { echo "debian-kernel-s390x.sh: cannot resolve linux-image-s390x" >&2; exit 3; }
ver=${pkg#linux-image-}
mkdir -p "$cache/$ver" "$cache/.dl"
(cd "$cache/.dl" && apt-get download "$pkg:s390x" >/dev/null 2>&1) \
  || { echo "debian-kernel-s390x.sh: apt-get download $pkg:s390x failed" >&2; exit 3; }
dpkg-deb -x "$cache/.dl/${pkg}"_*.deb "$cache/$ver"
rm -rf "$cache/.dl"
ls "$cache/$ver"/boot/vmlinuz-* | head -1
