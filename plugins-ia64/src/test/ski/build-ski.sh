#!/usr/bin/env bash
# Builds the HP Ski IA-64 simulator (bski) from a source tree into ~/.cache/handoff/ski:
#   build-ski.sh SKI_SOURCE_DIR [PREFIX]
# SKI_SOURCE_DIR is a Ski source tree (e.g. an export of github.com/trofi/ski); it is built in a scratch copy,
# never inside this repository, and nothing fetched is committed. PREFIX defaults to ~/.cache/handoff/ski; the
# simulator is then PREFIX/bin/bski (ski-selftest.sh looks there, or at $HANDOFF_SKI).
# Build dependencies (Debian): binutils-dev libelf-dev libiberty-dev libncurses-dev autoconf autoconf-archive
# automake flex bison gperf pkg-config libtool; installed with apt-get when missing and running as root.
# Takes about a minute.
set -euo pipefail
src=$(cd "${1:?usage: build-ski.sh SKI_SOURCE_DIR [PREFIX]}" && pwd)
prefix=${2:-$HOME/.cache/handoff/ski}
[ -f "$src/configure.ac" ] && [ -d "$src/src" ] || { echo "build-ski.sh: $src is not a Ski source tree" >&2; exit 2; }
case $src in "$(cd "$(dirname "$0")/../../../.." && pwd)"/*) echo "build-ski.sh: $src is inside the repository" >&2; exit 2 ;; esac

deps=(binutils-dev libelf-dev libiberty-dev libncurses-dev autoconf autoconf-archive automake flex bison gperf pkg-config libtool)
missing=()
for p in "${deps[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "build-ski.sh: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
      || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; }
  else
    echo "build-ski.sh: missing build dependencies: ${missing[*]} (apt-get install them)" >&2; exit 1
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/handoff-ski-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -a "$src/." "$work/"
cd "$work"
./autogen.sh >"$work/autogen.log" 2>&1 || { tail -n 30 "$work/autogen.log" >&2; exit 1; }
./configure --prefix="$prefix" >"$work/configure.log" 2>&1 || { tail -n 30 "$work/configure.log" >&2; exit 1; }
make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -n 40 "$work/make.log" >&2; exit 1; }
make install >"$work/install.log" 2>&1 || { tail -n 20 "$work/install.log" >&2; exit 1; }
[ -x "$prefix/bin/bski" ] || { echo "build-ski.sh: no $prefix/bin/bski after make install" >&2; exit 1; }
echo "build-ski.sh: built $prefix/bin/bski"
