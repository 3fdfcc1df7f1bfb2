#!/usr/bin/env bash
# Checks a linked s390x purgatory image against FORMAT.md section 1 (big-endian fields):
#   check-image.sh ELF BIN
# - the ELF is an s390x (EM_S390) big-endian file with no relocation and no dynamic section;
# - the blob header: magic "HOPG" in big-endian order (47 50 4f 48), version 1, header_size 64, arch 22,
#   reserved bytes zero, entry inside the code and equal to the ELF entry, parameter area 8-aligned and
#   inside the blob and zero, image_size >= blob size, image_size <= 56 KiB (the [0x2000, 0x10000) window).
set -euo pipefail
elf=${1:?usage: check-image.sh ELF BIN}
bin=${2:?usage: check-image.sh ELF BIN}
READELF=${READELF:-${CROSS:-s390x-linux-gnu-}readelf}
command -v "$READELF" >/dev/null || READELF=readelf
fail() { echo "check-image.sh: $bin: $*" >&2; exit 1; }

"$READELF" -h "$elf" | grep -q "big endian" || fail "the ELF is not big-endian"
"$READELF" -h "$elf" | grep -q "IBM S/390" || fail "the ELF is not an s390 (EM_S390) file"
relocs=$("$READELF" -r -W "$elf")
case $relocs in
  *"There are no relocations in this file."*) ;;
  *) fail "the linked image has relocations (an absolute address in code or data?):"$'\n'"$relocs" ;;
esac
"$READELF" -S -W "$elf" | grep -qE '\] [^ ]+ +(REL|RELA|RELR|DYNAMIC) ' && fail "relocation or dynamic section present"
"$READELF" -d "$elf" | grep -q "There is no dynamic section" || fail "the image has a dynamic section"

size=$(stat -c %s "$bin")
u() { # u OFFSET WIDTH: big-endian unsigned field of the blob
  od -v -An -t "u$2" -j "$1" -N "$2" --endian=big "$bin" | tr -d ' '
}
[ "$size" -ge 64 ] || fail "shorter than its 64-byte header"
magic=$(od -v -An -t x1 -N 4 "$bin" | tr -d ' ')
[ "$magic" = "47504f48" ] || fail "magic is $magic, want 47 50 4f 48 (0x47504F48 big-endian)"
[ "$(u 4 2)" = 1 ] || fail "version $(u 4 2), want 1"
[ "$(u 6 2)" = 64 ] || fail "header_size $(u 6 2), want 64"
entry=$(u 8 4); param=$(u 12 4); psize=$(u 16 4); stack=$(u 20 4); image=$(u 24 4); arch=$(u 28 4)
[ "$arch" = 22 ] || fail "arch $arch, want 22 (EM_S390)"
[ "$(od -v -An -t x1 -j 32 -N 32 "$bin" | tr -d ' \n')" = "$(printf '0%.0s' {1..64})" ] || fail "reserved bytes not zero"
[ "$entry" -ge 64 ] && [ "$entry" -lt "$size" ] || fail "entry_offset $entry outside the code"
elf_entry=$("$READELF" -h "$elf" | awk '/Entry point/ {print $4}')
[ "$((elf_entry))" = "$entry" ] || fail "entry_offset $entry is not the ELF entry $elf_entry"
# tam (01 0b) then jo (a7 14): the entry tells the kernel's 64-bit calls from the reset entry of a normal kexec
[ "$(od -v -An -t x1 -j "$entry" -N 4 "$bin" | tr -d ' ')" = 010ba714 ] \
  || fail "entry does not start with tam; jo (the addressing-mode dispatch, FORMAT.md section 8)"
[ $((param % 8)) = 0 ] || fail "param_offset $param not 8-aligned"
[ "$psize" -ge 48 ] && [ $((param + psize)) -le "$size" ] || fail "parameter area $param+$psize not inside the blob"
[ "$stack" -ge 4096 ] || fail "stack_size $stack too small"
[ "$image" -ge "$size" ] || fail "image_size $image smaller than the blob ($size)"
[ "$image" -ge $((param + psize + stack)) ] || fail "image_size $image cannot hold parameters and stack"
[ "$image" -le 57344 ] || fail "image_size $image exceeds 56 KiB (the window [0x2000, 0x10000))"
[ "$(od -v -An -t x1 -j "$param" -N "$psize" "$bin" | tr -d ' \n' | tr -d 0)" = "" ] || fail "parameter area not zero"
echo "check-image.sh: $bin ok: $size bytes, entry $entry, parameters $param+$psize, stack $stack, image $image"
