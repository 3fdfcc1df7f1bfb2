#!/usr/bin/env bash
# Builds the x86_64 purgatory image (FORMAT.md section 1) with the system gcc; called by Maven (pom.xml).
#   build-image.sh OUT  -> OUT/classes/purgatory/x86_64.bin (and OUT/purgatory-x86_64/purgatory.elf)
# The portable runtime comes from framework/purgatory/src/main/c. Fails on any warning, on a linked ELF
# with relocations or a dynamic section, on an image above 48 KiB, and on anything
# framework/purgatory/src/build/check-image.sh rejects (with this platform's image.conf).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../.." && pwd)
hal=$module/src/main/purgatory
purgatory=$(cd "$module/../framework/purgatory/src" && pwd)
runtime=$purgatory/main/c
out=${1:?usage: build-image.sh OUT}
. "$here/image.conf"
obj=$out/purgatory-$IMAGE_NAME
CC=${CC:-${CROSS}gcc}

cflags=(-std=c11 -O2 -Wall -Wextra -Werror
  -ffreestanding -fno-builtin -nostdlib -fno-stack-protector -fPIE
  -mno-red-zone -mno-sse -mno-mmx -mno-sse2 -mno-avx -mcmodel=small
  # no calls to memcpy/memset synthesised from loops: there is no libc to provide them
  -fno-tree-loop-distribute-patterns
  # physical address 0 is ordinary memory between kernels
  -fno-delete-null-pointer-checks
  -fno-asynchronous-unwind-tables -fno-unwind-tables -fcf-protection=none
  -fvisibility=hidden -I"$runtime")

rm -rf "$obj"
mkdir -p "$obj" "$out/classes/purgatory"
objs=()
for f in "$runtime"/runtime.c "$runtime"/sha256.c "$runtime"/console.c "$runtime"/wait.c "$runtime"/lib.c \
         "$runtime"/kcs.c "$runtime"/lastwords.c "$runtime"/s390.c \
         "$hal"/hal-x86_64.c; do
  o=$obj/$(basename "${f%.c}").o
  "$CC" "${cflags[@]}" -c "$f" -o "$o"
  objs+=("$o")
done
"$CC" -fPIE -Wa,--fatal-warnings -c "$hal/entry.S" -o "$obj/entry.o"

elf=$obj/purgatory.elf
bin=$out/classes/purgatory/$IMAGE_NAME.bin
# -static-pie with -nostdlib: a position-independent executable with no dynamic linker and no libc;
# any absolute address in the image would appear as a R_X86_64_RELATIVE entry in .rela.dyn.
"$CC" -nostdlib -static-pie -Wl,-T,"$hal/purgatory.lds" -Wl,--build-id=none -Wl,-z,noexecstack \
  -Wl,--no-warn-rwx-segments -Wl,--fatal-warnings -o "$elf" "$obj/entry.o" "${objs[@]}"
"${CROSS}objcopy" -O binary "$elf" "$bin"

bash "$purgatory/build/check-image.sh" "$here/image.conf" "$elf" "$bin"
echo "build-image.sh: built $bin ($(stat -c %s "$bin") bytes)"
