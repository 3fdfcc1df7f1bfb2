#!/usr/bin/env bash
# Proves that check-image.sh rejects what it must, for any platform: run after build-plugin.sh image PLUGIN OUT.
#   check-image-selftest.sh CONF OUT
# CONF is the platform's description (plugins-*/src/build/image.conf, sourced here); the linker script is the
# one build-plugin.sh generated beside the ELF. The header fields are patched in the target's byte order.
# 1. the same objects plus one absolute pointer in data -> relocations -> rejected;
# 2. the blob with a wrong magic (a wrong byte, or the other byte order), version, arch, parameter offset,
#    image size or reserved byte -> rejected, each with its own message;
# 3. the real image -> accepted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
conf=${1:?usage: check-image-selftest.sh CONF OUT}
out=${2:?usage: check-image-selftest.sh CONF OUT}
# shellcheck source=/dev/null
. "$conf"
export CROSS
obj=$out/purgatory-${IMAGE_NAME:?$conf sets no IMAGE_NAME}
elf=$obj/purgatory.elf
bin=$out/classes/purgatory/$IMAGE_NAME.bin
work=$obj/selftest
rm -rf "$work"
mkdir -p "$work"
passed=0 failed=0

expect() { # expect accept|reject NAME ELF BIN [MESSAGE]: a rejection must also say MESSAGE
  local want=$1 name=$2 got
  if bash "$here/check-image.sh" "$conf" "$3" "$4" > "$work/$name.log" 2>&1; then got=accept; else got=reject; fi
  if [ "$got" = "$want" ] && { [ "$got" = accept ] || grep -qF -- "${5:-}" "$work/$name.log"; }; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name: check-image.sh did $got, want $want${5:+ saying \"$5\"}"
    cat "$work/$name.log"
  fi
}

field() { # field VALUE WIDTH [little|big]: the hex bytes of an unsigned field, in the target's byte order
  local hex i le=
  hex=$(printf '%0*x' $(($2 * 2)) "$1")
  [ "${3:-$BYTE_ORDER}" = big ] && { echo "$hex"; return; }
  for ((i = 0; i < ${#hex}; i += 2)); do le=${hex:i:2}$le; done
  echo "$le"
}

patch() { # patch NAME OFFSET HEXBYTES: a copy of the blob with bytes replaced
  cp "$bin" "$work/$1.bin"
  printf "$(echo "$3" | sed 's/\(..\)/\\x\1/g')" | dd of="$work/$1.bin" bs=1 seek="$2" conv=notrunc status=none
}

reject_patched() { # reject_patched NAME OFFSET HEXBYTES MESSAGE
  patch "$1" "$2" "$3"
  expect reject "$1" "$elf" "$work/$1.bin" "$4"
}

expect accept real-image "$elf" "$bin"

printf '.data\n.globl absolute_pointer\nabsolute_pointer: .quad purgatory_entry\n.section .note.GNU-stack,"",@progbits\n' \
  > "$work/absolute.S"
"${CROSS}gcc" -fPIE -c "$work/absolute.S" -o "$work/absolute.o"
mapfile -t objs < <(ls "$obj"/*.o)
"${CROSS}gcc" -nostdlib -static-pie -Wl,-T,"$obj/purgatory.lds" -Wl,--build-id=none -Wl,-z,noexecstack \
  -Wl,--no-warn-rwx-segments -o "$work/absolute.elf" "${objs[@]}" "$work/absolute.o"
"${CROSS}objcopy" -O binary "$work/absolute.elf" "$work/absolute.bin"
expect reject absolute-pointer-in-data "$work/absolute.elf" "$work/absolute.bin" "the linked image has relocations"

other_order=$([ "$BYTE_ORDER" = big ] && echo little || echo big)
# another platform's e_machine: s390's on x86_64, x86_64's on s390
wrong_arch=$([ "$ELF_MACHINE" = 22 ] && echo 62 || echo 22)
reject_patched bad-magic 0 "$(field 0x47505048 4)" "magic is $(field 0x47505048 4), want"
reject_patched "$other_order-endian-magic" 0 "$(field 0x47504F48 4 "$other_order")" \
  "magic is $(field 0x47504F48 4 "$other_order"), want"
reject_patched bad-version 4 "$(field 2 2)" "version 2, want 1"
reject_patched bad-arch 28 "$(field "$wrong_arch" 4)" "arch $wrong_arch, want $ELF_MACHINE ($ELF_MACHINE_NAME)"
reject_patched misaligned-parameter-area 12 "$(field 1 4)" "param_offset 1 not 8-aligned"
reject_patched "image-above-$((IMAGE_MAX / 1024))k" 24 "$(field $((IMAGE_MAX + 4096)) 4)" \
  "image_size $((IMAGE_MAX + 4096)) exceeds $((IMAGE_MAX / 1024)) KiB"
reject_patched reserved-not-zero 40 01 "reserved bytes not zero"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
