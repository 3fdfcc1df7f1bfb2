#!/bin/bash
# (Re)capture the UEFI machine profiles of integration-tests/src/test/resources/uefi-profiles: boot the Debian
# kernel through OVMF (Debian package ovmf) under QEMU TCG with run-guest.sh, scenario capture-profile
# (guest-init.sh copies what a kexec loader reads, as root, and sends it as a tar on the data channel), and
# unpack each into its profile directory.
#
# Usage: capture-uefi-profiles.sh [WORKDIR [DEST]]   (defaults: integration-tests/target/qemu, the resources dir)
# Profiles: NAME MACHINE MEMORY_MIB CRASHKERNEL
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${1:-$here/../../../target/qemu}
dest=${2:-$here/../resources/uefi-profiles}
mkdir -p "$work" "$dest"
work=$(cd "$work" && pwd); dest=$(cd "$dest" && pwd)
"$here/prepare.sh" "$work" >/dev/null
while read -r name machine mem ck; do
  [ -z "$name" ] && continue
  echo "capturing $name ($machine, $mem MiB, crashkernel=$ck)" >&2
  HQ_FIRMWARE=ovmf HQ_MACHINE=$machine HQ_MEM=$mem HQ_CRASHKERNEL=$ck \
    "$here/run-guest.sh" "$work" capture-profile "profile-$name" 300 || true
  grep -E 'HQ: (profile|EFI)' "$work/profile-$name.log" >&2 || true
  tmp=$(mktemp -d)
  sed -n '/^-----BEGIN PROFILE-----$/,/^-----END PROFILE-----$/p' "$work/profile-$name.ttyS1" | sed '1d;$d' \
    | base64 -d > "$tmp/profile.tar"
  [ -s "$tmp/profile.tar" ] || { echo "no profile from $name (see $work/profile-$name.log)" >&2; exit 1; }
  rm -rf "${dest:?}/$name"; mkdir -p "$dest/$name"
  tar xf "$tmp/profile.tar" -C "$dest/$name" --no-same-owner
  chmod -R u+rwX,go+rX "$dest/$name"
  rm -rf "$tmp"
  echo "$dest/$name" >&2
done <<'PROFILES'
qemu-q35-ovmf-x86_64-2g q35 2048 256M
qemu-pc-ovmf-x86_64-1g pc 1024 192M
PROFILES
