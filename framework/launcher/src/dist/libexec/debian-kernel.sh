#!/usr/bin/env bash
# Print the path of a Debian amd64 kernel image (vmlinuz), downloading the current linux-image-*-amd64
# package into a cache when it is not there yet. Used by the tests, the benchmarks and the QEMU runs.
#   HANDOFF_CACHE (default ~/.cache/handoff) holds debian-kernel/<version>/{boot,lib}.
set -euo pipefail
cache="${HANDOFF_CACHE:-$HOME/.cache/handoff}/debian-kernel"
existing=$(ls -d "$cache"/*/boot/vmlinuz-* 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$existing" ] && [ -z "${HANDOFF_REFRESH_KERNEL:-}" ]; then
  echo "$existing"; exit 0
fi
command -v apt-get >/dev/null || { echo "debian-kernel.sh: apt-get not found; pass --kernel" >&2; exit 3; }
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then apt-get update -qq >&2; fi
# linux-image-amd64 is a meta package; its dependency names the versioned image package
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$pkg" ] || { echo "debian-kernel.sh: cannot resolve linux-image-amd64" >&2; exit 3; }
ver=${pkg#linux-image-}
mkdir -p "$cache/$ver" "$cache/.dl"
(cd "$cache/.dl" && apt-get download "$pkg" >/dev/null 2>&1) || { echo "debian-kernel.sh: apt-get download $pkg failed" >&2; exit 3; }
dpkg-deb -x "$cache/.dl/${pkg}"_*.deb "$cache/$ver"
rm -rf "$cache/.dl"
ls "$cache/$ver"/boot/vmlinuz-* | head -1
