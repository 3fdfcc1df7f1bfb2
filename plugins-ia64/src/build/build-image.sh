#!/usr/bin/env bash
# Builds the ia64 purgatory image from ia64 assembly (there is no ia64 C compiler; binutils only):
#   build-image.sh PLUGIN_DIR OUT [selftest]
# Assembles PLUGIN_DIR/src/main/ia64/$TARGET_ASM with ${CROSS}as (-x: every register/predicate dependency
# inside an instruction group is an error), links with ${CROSS}ld using the SDK's linker-script template
# (OUT/purgatory-sdk/build/purgatory.lds.in, unpacked by Maven; else the framework's copy next to this
# repository) to OUT/purgatory-ia64/purgatory.elf, writes OUT/classes/purgatory/ia64.bin with objcopy and runs
# the SDK's check-image.sh on it. The image must have its entry right after the 64-byte header (entry.S
# finds its base as ip - 64).
# selftest: check-image.sh must reject the image with a wrong magic, version, arch or a non-zero reserved byte,
# and the image linked at another base must be byte-for-byte the same (no absolute address anywhere).
set -euo pipefail
plugin=$(cd "${1:?usage: build-image.sh PLUGIN_DIR OUT [selftest]}" && pwd)
out=${2:?usage: build-image.sh PLUGIN_DIR OUT [selftest]}
mode=${3:-image}
conf=$plugin/src/build/image.conf
# shellcheck source=/dev/null
. "$conf"
src=$plugin/src/main/ia64
sdk=$out/purgatory-sdk/build
[ -f "$sdk/purgatory.lds.in" ] || sdk=$(cd "$plugin/../framework/purgatory/src/build" && pwd)

need_cross() {
  command -v "${CROSS}as" >/dev/null && return
  if [ -n "${CROSS_PACKAGE:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "build-image.sh: installing $CROSS_PACKAGE (for ${CROSS}as)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$CROSS_PACKAGE" >&2 \
      || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
             --no-install-recommends "$CROSS_PACKAGE" >&2; }
  fi
  command -v "${CROSS}as" >/dev/null || { echo "build-image.sh: ${CROSS}as not found: apt-get install $CROSS_PACKAGE" >&2; exit 1; }
}

# link OBJDIR ELF BASE: the linker script from the template, the image linked at BASE (0 for the real one)
link() {
  local obj=$1 elf=$2 base=$3
  sed -e "s|@LDS_OUTPUT_FORMAT@|${LDS_OUTPUT_FORMAT:?}|" -e "s|@LDS_OUTPUT_ARCH@|${LDS_OUTPUT_ARCH:?}|" \
      -e "s|@LDS_STACK_SIZE@|${LDS_STACK_SIZE:-16384}|" -e "s|@LDS_BSS_ALIGN@|${LDS_BSS_ALIGN:-16}|" \
      -e "s|@ELF_MACHINE@|${ELF_MACHINE:?}|" -e "s|@ELF_MACHINE_NAME@|${ELF_MACHINE_NAME:?}|" \
      -e "s|^\( *\)\. = 0;|\1. = $base;|" \
      "$sdk/purgatory.lds.in" > "$obj/purgatory-$base.lds"
  "${CROSS}ld" -T "$obj/purgatory-$base.lds" --build-id=none --no-warn-rwx-segments --fatal-warnings -o "$elf" "$obj"/*.o
}

image() {
  need_cross
  local obj=$out/purgatory-$IMAGE_NAME bin=$out/classes/purgatory/$IMAGE_NAME.bin f
  rm -rf "$obj"
  mkdir -p "$obj" "$out/classes/purgatory"
  # shellcheck disable=SC2206
  local asm=(${TARGET_ASM:?})
  for f in "${asm[@]}"; do
    "${CROSS}as" -x --fatal-warnings -I"$src" -o "$obj/$(basename "${f%.S}").o" "$src/$f"
  done
  link "$obj" "$obj/purgatory.elf" 0
  "${CROSS}objcopy" -O binary "$obj/purgatory.elf" "$bin"
  local entry
  entry=$(od -An -t u4 -j 8 -N 4 "$bin" | tr -d ' ')
  [ "$entry" = 64 ] || { echo "build-image.sh: entry_offset $entry, want 64 (entry.S computes its base as ip - 64)" >&2; exit 1; }
  bash "$sdk/check-image.sh" "$conf" "$obj/purgatory.elf" "$bin"
  echo "build-image.sh: built $bin ($(stat -c %s "$bin") bytes)"
}

selftest() {
  local obj=$out/purgatory-$IMAGE_NAME bin=$out/classes/purgatory/$IMAGE_NAME.bin t
  [ -f "$bin" ] || image
  t=$(mktemp -d)
  trap 'rm -rf "$t"' RETURN
  # patch OFFSET HEXBYTE NAME: check-image.sh must refuse the patched copy
  patch() {
    cp "$bin" "$t/bad.bin"
    printf "\\x$2" | dd of="$t/bad.bin" bs=1 seek="$1" conv=notrunc status=none
    if bash "$sdk/check-image.sh" "$conf" "$obj/purgatory.elf" "$t/bad.bin" >"$t/log" 2>&1; then
      echo "build-image.sh selftest: check-image.sh accepted an image with $3" >&2; exit 1
    fi
    echo "build-image.sh selftest: $3 rejected ($(tail -n 1 "$t/log" | sed 's/.*: //'))"
  }
  patch 0 00 "a wrong magic"
  patch 4 02 "version 2"
  patch 28 3e "arch 62"
  patch 40 01 "a non-zero reserved byte"
  # position independence: the same objects linked at another base give the same bytes
  link "$obj" "$t/moved.elf" 0x4000000
  "${CROSS}objcopy" -O binary "$t/moved.elf" "$t/moved.bin"
  cmp "$bin" "$t/moved.bin" || { echo "build-image.sh selftest: the image linked at 0x4000000 differs: an absolute address" >&2; exit 1; }
  echo "build-image.sh selftest: linked at 0 and at 0x4000000 the image is the same $(stat -c %s "$bin") bytes (position independent)"
  # and the check of an absolute address: a DIR64 word in .data would differ between the two links
  printf '\t.data\n\tdata8 purgatory_entry\n' > "$t/abs.S"
  mkdir -p "$t/obj"
  cp "$obj"/*.o "$t/obj/"
  "${CROSS}as" -o "$t/obj/zz-abs.o" "$t/abs.S"
  link "$t/obj" "$t/abs0.elf" 0
  link "$t/obj" "$t/abs1.elf" 0x4000000
  "${CROSS}objcopy" -O binary "$t/abs0.elf" "$t/abs0.bin"
  "${CROSS}objcopy" -O binary "$t/abs1.elf" "$t/abs1.bin"
  if cmp -s "$t/abs0.bin" "$t/abs1.bin"; then
    echo "build-image.sh selftest: an absolute pointer went unnoticed by the two-base comparison" >&2; exit 1
  fi
  echo "build-image.sh selftest: an image with an absolute pointer (data8 purgatory_entry) differs between the two links: detected"
  echo "build-image.sh selftest: ok"
}

case $mode in
  image) image ;;
  selftest) selftest ;;
  *) echo "usage: build-image.sh PLUGIN_DIR OUT [selftest]" >&2; exit 2 ;;
esac
