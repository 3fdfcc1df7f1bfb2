#!/usr/bin/env bash
# Checks a linked purgatory image against FORMAT.md section 1:
#   check-image.sh ELF BIN
# - the ELF has no relocation section and no dynamic section (the Java side only copies the blob);
# - the blob header: magic "HOPG", version 1, header_size 64, arch 62, reserved bytes zero,
#   entry inside the code and equal to the ELF entry, parameter area 8-aligned and inside the blob,
#   image_size >= blob size, image_size <= 48 KiB (raised from 32 KiB when the KCS transport took it to 31.4 KiB).
set -euo pipefail
elf=${1:?usage: check-image.sh ELF BIN}
bin=${2:?usage: check-image.sh ELF BIN}
fail() { echo "check-image.sh: $bin: $*" >&2; exit 1; }

relocs=$(readelf -r -W "$elf")
case $relocs in
  *"There are no relocations in this file."*) ;;
  *) fail "the linked image has relocations (an absolute address in code or data?):"$'\n'"$relocs" ;;
esac
readelf -S -W "$elf" | grep -qE '\] [^ ]+ +(REL|RELA|RELR|DYNAMIC) ' && fail "relocation or dynamic section present"
readelf -d "$elf" | grep -q "There is no dynamic section" || fail "the image has a dynamic section"

size=$(stat -c %s "$bin")
u() { # u OFFSET WIDTH: little-endian unsigned field of the blob
  od -v -An -t "u$2" -j "$1" -N "$2" --endian=little "$bin" | tr -d ' '
}
[ "$size" -ge 64 ] || fail "shorter than its 64-byte header"
magic=$(od -v -An -t x1 -N 4 "$bin" | tr -d ' ')
[ "$magic" = "484f5047" ] || fail "magic is $magic, want 48 4f 50 47 (\"HOPG\")"
[ "$(u 4 2)" = 1 ] || fail "version $(u 4 2), want 1"
[ "$(u 6 2)" = 64 ] || fail "header_size $(u 6 2), want 64"
entry=$(u 8 4); param=$(u 12 4); psize=$(u 16 4); stack=$(u 20 4); image=$(u 24 4); arch=$(u 28 4)
[ "$arch" = 62 ] || fail "arch $arch, want 62 (EM_X86_64)"
[ "$(od -v -An -t x1 -j 32 -N 32 "$bin" | tr -d ' \n')" = "$(printf '0%.0s' {1..64})" ] || fail "reserved bytes not zero"
[ "$entry" -ge 64 ] && [ "$entry" -lt "$size" ] || fail "entry_offset $entry outside the code"
elf_entry=$(readelf -h "$elf" | awk '/Entry point/ {print $4}')
[ "$((elf_entry))" = "$entry" ] || fail "entry_offset $entry is not the ELF entry $elf_entry"
[ "$(od -v -An -t x1 -j "$entry" -N 1 "$bin" | tr -d ' ')" = fa ] || fail "entry does not start with cli"
[ $((param % 8)) = 0 ] || fail "param_offset $param not 8-aligned"
[ "$psize" -ge 48 ] && [ $((param + psize)) -le "$size" ] || fail "parameter area $param+$psize not inside the blob"
[ "$stack" -ge 2048 ] || fail "stack_size $stack too small"
[ "$image" -ge "$size" ] || fail "image_size $image smaller than the blob ($size)"
[ "$image" -ge $((param + psize + stack)) ] || fail "image_size $image cannot hold parameters and stack"
[ "$image" -le 49152 ] || fail "image_size $image exceeds 48 KiB"
[ "$(od -v -An -t x1 -j "$param" -N "$psize" "$bin" | tr -d ' \n' | tr -d 0)" = "" ] || fail "parameter area not zero"
echo "check-image.sh: $bin ok: $size bytes, entry $entry, parameters $param+$psize, stack $stack, image $image"
