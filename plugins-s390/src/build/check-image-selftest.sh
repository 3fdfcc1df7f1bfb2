#!/usr/bin/env bash
# Proves that check-image.sh rejects what it must: run after build-image.sh OUT.
#   check-image-selftest.sh OUT
# 1. the same objects plus one absolute pointer in data -> relocations -> rejected;
# 2. the blob with a wrong magic (little-endian order), version, arch, parameter offset or image size -> rejected;
# 3. the real image -> accepted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
hal=$(cd "$here/../main/purgatory" && pwd)
out=${1:?usage: check-image-selftest.sh OUT}
CROSS=${CROSS:-s390x-linux-gnu-}
export CROSS
obj=$out/purgatory-s390x
elf=$obj/purgatory.elf
bin=$out/classes/purgatory/s390x.bin
work=$obj/selftest
rm -rf "$work"
mkdir -p "$work"
passed=0 failed=0

expect() { # expect accept|reject NAME ELF BIN
  local want=$1 name=$2 got
  if bash "$here/check-image.sh" "$3" "$4" > "$work/$name.log" 2>&1; then got=accept; else got=reject; fi
  if [ "$got" = "$want" ]; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name: check-image.sh did $got, want $want"; cat "$work/$name.log"
  fi
}

patch() { # patch NAME OFFSET HEXBYTES: a copy of the blob with bytes replaced
  cp "$bin" "$work/$1.bin"
  printf "$(echo "$3" | sed 's/\(..\)/\\x\1/g')" | dd of="$work/$1.bin" bs=1 seek="$2" conv=notrunc status=none
}

expect accept real-image "$elf" "$bin"

printf '.data\n.globl absolute_pointer\nabsolute_pointer: .quad purgatory_entry\n.section .note.GNU-stack,"",@progbits\n' \
  > "$work/absolute.S"
"${CROSS}gcc" -fPIE -c "$work/absolute.S" -o "$work/absolute.o"
mapfile -t objs < <(ls "$obj"/*.o)
"${CROSS}gcc" -nostdlib -static-pie -Wl,-T,"$hal/purgatory.lds" -Wl,--build-id=none -Wl,-z,noexecstack \
  -Wl,--no-warn-rwx-segments -o "$work/absolute.elf" "${objs[@]}" "$work/absolute.o"
"${CROSS}objcopy" -O binary "$work/absolute.elf" "$work/absolute.bin"
expect reject absolute-pointer-in-data "$work/absolute.elf" "$work/absolute.bin"

patch le-magic 0 484f5047;     expect reject little-endian-magic "$elf" "$work/le-magic.bin"
patch bad-version 4 0002;      expect reject bad-version "$elf" "$work/bad-version.bin"
patch bad-arch 28 0000003e;    expect reject bad-arch "$elf" "$work/bad-arch.bin"
patch odd-params 12 00000001;  expect reject misaligned-parameter-area "$elf" "$work/odd-params.bin"
patch huge-image 24 00010000;  expect reject image-above-56k "$elf" "$work/huge-image.bin"
patch reserved 40 01;          expect reject reserved-not-zero "$elf" "$work/reserved.bin"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
