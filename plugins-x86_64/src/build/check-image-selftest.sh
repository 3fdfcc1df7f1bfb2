#!/usr/bin/env bash
# Proves that check-image.sh rejects what it must: run after build-image.sh OUT.
#   check-image-selftest.sh OUT
# 1. the same objects plus one absolute pointer in data -> relocations -> rejected;
# 2. the blob with a wrong magic, version, arch, parameter offset or image size -> rejected;
# 3. the real image -> accepted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
hal=$(cd "$here/../main/purgatory" && pwd)
out=${1:?usage: check-image-selftest.sh OUT}
obj=$out/purgatory-x86_64
elf=$obj/purgatory.elf
bin=$out/classes/purgatory/x86_64.bin
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
gcc -fPIE -c "$work/absolute.S" -o "$work/absolute.o"
mapfile -t objs < <(ls "$obj"/*.o)
gcc -nostdlib -static-pie -Wl,-T,"$hal/purgatory.lds" -Wl,--build-id=none -Wl,-z,noexecstack \
  -Wl,--no-warn-rwx-segments -o "$work/absolute.elf" "${objs[@]}" "$work/absolute.o"
objcopy -O binary "$work/absolute.elf" "$work/absolute.bin"
expect reject absolute-pointer-in-data "$work/absolute.elf" "$work/absolute.bin"

patch bad-magic 0 48505047;    expect reject bad-magic "$elf" "$work/bad-magic.bin"
patch bad-version 4 0200;      expect reject bad-version "$elf" "$work/bad-version.bin"
patch bad-arch 28 16000000;    expect reject bad-arch "$elf" "$work/bad-arch.bin"
patch odd-params 12 01000000;  expect reject misaligned-parameter-area "$elf" "$work/odd-params.bin"
patch huge-image 24 00d00000;  expect reject image-above-48k "$elf" "$work/huge-image.bin"
patch reserved 40 01;          expect reject reserved-not-zero "$elf" "$work/reserved.bin"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
