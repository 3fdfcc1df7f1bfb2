#!/usr/bin/env bash
# Checks a linked purgatory image against FORMAT.md section 1, for any platform:
#   check-image.sh CONF ELF BIN
# CONF is the platform's description (plugins-*/src/build/image.conf, sourced here): its byte order, ELF
# machine, first bytes at the entry, minimum stack and maximum image size. The checks:
# - the ELF is of that machine and byte order, with no relocation and no dynamic section (the Java side only
#   copies the blob);
# - the blob header: magic 0x47504F48 ("HOPG") in the target's byte order, version 1, header_size 64, arch =
#   the ELF machine, reserved bytes zero, entry inside the code, equal to the ELF entry and starting with the
#   expected bytes, parameter area 8-aligned, inside the blob and zero, stack_size >= the minimum,
#   image_size >= blob size and large enough for parameters and stack, image_size <= the maximum.
set -euo pipefail
conf=${1:?usage: check-image.sh CONF ELF BIN}
elf=${2:?usage: check-image.sh CONF ELF BIN}
bin=${3:?usage: check-image.sh CONF ELF BIN}
# shellcheck source=/dev/null
. "$conf"
fail() { echo "check-image.sh: $bin: $*" >&2; exit 1; }

case ${BYTE_ORDER:?$conf sets no BYTE_ORDER} in
  little) want_magic=484f5047; magic_note='("HOPG")' ;;
  big) want_magic=47504f48; magic_note='(0x47504F48 big-endian)' ;;
  *) echo "check-image.sh: $conf: BYTE_ORDER is $BYTE_ORDER, want little or big" >&2; exit 2 ;;
esac
: "${ELF_MACHINE:?}" "${ELF_MACHINE_NAME:?}" "${ELF_MACHINE_LABEL:?}" "${ELF_MACHINE_READELF:?}"
: "${ENTRY_BYTES:?}" "${ENTRY_WHAT:?}" "${STACK_MIN:?}" "${IMAGE_MAX:?}" "${IMAGE_MAX_WHY?}"

# the target's readelf (CROSS from CONF), else the host's: both read any ELF
READELF=${READELF:-${CROSS-}readelf}
command -v "$READELF" >/dev/null || READELF=readelf

"$READELF" -h "$elf" | grep -q "$BYTE_ORDER endian" || fail "the ELF is not $BYTE_ORDER-endian"
"$READELF" -h "$elf" | grep -q "$ELF_MACHINE_READELF" \
  || fail "the ELF is not an $ELF_MACHINE_LABEL ($ELF_MACHINE_NAME) file"
relocs=$("$READELF" -r -W "$elf")
case $relocs in
  *"There are no relocations in this file."*) ;;
  *) fail "the linked image has relocations (an absolute address in code or data?):"$'\n'"$relocs" ;;
esac
"$READELF" -S -W "$elf" | grep -qE '\] [^ ]+ +(REL|RELA|RELR|DYNAMIC) ' && fail "relocation or dynamic section present"
"$READELF" -d "$elf" | grep -q "There is no dynamic section" || fail "the image has a dynamic section"

size=$(stat -c %s "$bin")
u() { # u OFFSET WIDTH: unsigned field of the blob, in the target's byte order
  od -v -An -t "u$2" -j "$1" -N "$2" --endian="$BYTE_ORDER" "$bin" | tr -d ' '
}
[ "$size" -ge 64 ] || fail "shorter than its 64-byte header"
magic=$(od -v -An -t x1 -N 4 "$bin" | tr -d ' ')
[ "$magic" = "$want_magic" ] || fail "magic is $magic, want $(echo "$want_magic" | sed 's/../& /g; s/ $//') $magic_note"
[ "$(u 4 2)" = 1 ] || fail "version $(u 4 2), want 1"
[ "$(u 6 2)" = 64 ] || fail "header_size $(u 6 2), want 64"
entry=$(u 8 4); param=$(u 12 4); psize=$(u 16 4); stack=$(u 20 4); image=$(u 24 4); arch=$(u 28 4)
[ "$arch" = "$ELF_MACHINE" ] || fail "arch $arch, want $ELF_MACHINE ($ELF_MACHINE_NAME)"
[ "$(od -v -An -t x1 -j 32 -N 32 "$bin" | tr -d ' \n')" = "$(printf '0%.0s' {1..64})" ] || fail "reserved bytes not zero"
[ "$entry" -ge 64 ] && [ "$entry" -lt "$size" ] || fail "entry_offset $entry outside the code"
elf_entry=$("$READELF" -h "$elf" | awk '/Entry point/ {print $4}')
[ "$((elf_entry))" = "$entry" ] || fail "entry_offset $entry is not the ELF entry $elf_entry"
[ "$(od -v -An -t x1 -j "$entry" -N $((${#ENTRY_BYTES} / 2)) "$bin" | tr -d ' ')" = "$ENTRY_BYTES" ] \
  || fail "entry does not start with $ENTRY_WHAT"
[ $((param % 8)) = 0 ] || fail "param_offset $param not 8-aligned"
[ "$psize" -ge 48 ] && [ $((param + psize)) -le "$size" ] || fail "parameter area $param+$psize not inside the blob"
[ "$stack" -ge "$STACK_MIN" ] || fail "stack_size $stack too small"
[ "$image" -ge "$size" ] || fail "image_size $image smaller than the blob ($size)"
[ "$image" -ge $((param + psize + stack)) ] || fail "image_size $image cannot hold parameters and stack"
[ "$image" -le "$IMAGE_MAX" ] || fail "image_size $image exceeds $((IMAGE_MAX / 1024)) KiB$IMAGE_MAX_WHY"
[ "$(od -v -An -t x1 -j "$param" -N "$psize" "$bin" | tr -d ' \n' | tr -d 0)" = "" ] || fail "parameter area not zero"
echo "check-image.sh: $bin ok: $size bytes, entry $entry, parameters $param+$psize, stack $stack, image $image"
