#!/usr/bin/env bash
# Builds the s390x purgatory image (FORMAT.md sections 1 and 8) with Debian's cross compiler
# s390x-linux-gnu-gcc; called by Maven (pom.xml).
#   build-image.sh OUT  -> OUT/classes/purgatory/s390x.bin (and OUT/purgatory-s390x/purgatory.elf)
# The portable runtime comes from framework/purgatory/src/main/c. When the cross compiler is missing it is
# installed with apt-get (gcc-s390x-linux-gnu) if this runs as root, else the build fails with one line.
# Fails on any warning, on a linked ELF with relocations or a dynamic section, on an image above 56 KiB
# (purgatory lives in [crash_base + 0x2000, crash_base + 0x10000)), and on anything
# framework/purgatory/src/build/check-image.sh rejects (with this platform's image.conf).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../.." && pwd)
hal=$module/src/main/purgatory
purgatory=$(cd "$module/../framework/purgatory/src" && pwd)
runtime=$purgatory/main/c
out=${1:?usage: build-image.sh OUT}
. "$here/image.conf"   # IMAGE_NAME, CROSS (s390x-linux-gnu- unless set)
obj=$out/purgatory-$IMAGE_NAME
CC=${CC:-${CROSS}gcc}

if ! command -v "$CC" >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "build-image.sh: installing gcc-s390x-linux-gnu (for $CC)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc-s390x-linux-gnu >&2 \
      || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
             --no-install-recommends gcc-s390x-linux-gnu >&2; }
  fi
  command -v "$CC" >/dev/null || { echo "build-image.sh: $CC not found: apt-get install gcc-s390x-linux-gnu" >&2; exit 1; }
fi

cflags=(-std=c11 -O2 -Wall -Wextra -Werror -march=z10 -m64
  -ffreestanding -fno-builtin -nostdlib -fno-stack-protector -fPIE
  # no floating point or vector registers: the kernel's are live in them
  -msoft-float
  # no calls to memcpy/memset synthesised from loops: there is no libc to provide them
  -fno-tree-loop-distribute-patterns
  # physical address 0 is ordinary memory between kernels (the lowcore)
  -fno-delete-null-pointer-checks
  -fno-asynchronous-unwind-tables -fno-unwind-tables
  -fvisibility=hidden -I"$runtime")

rm -rf "$obj"
mkdir -p "$obj" "$out/classes/purgatory"
objs=()
for f in "$runtime"/runtime.c "$runtime"/sha256.c "$runtime"/console.c "$runtime"/wait.c "$runtime"/lib.c \
         "$runtime"/kcs.c "$runtime"/lastwords.c "$runtime"/s390.c "$hal"/hal-s390x.c; do
  o=$obj/$(basename "${f%.c}").o
  "$CC" "${cflags[@]}" -DPURGATORY_TARGET_BIG_ENDIAN -c "$f" -o "$o"
  objs+=("$o")
done
"$CC" -march=z10 -m64 -fPIE -Wa,--fatal-warnings -c "$hal/entry.S" -o "$obj/entry.o"

elf=$obj/purgatory.elf
bin=$out/classes/purgatory/$IMAGE_NAME.bin
# -static-pie with -nostdlib: no dynamic linker, no libc; an absolute address in the image would appear as a
# R_390_RELATIVE entry in .rela.dyn, which check-image.sh rejects.
"$CC" -nostdlib -static-pie -Wl,-T,"$hal/purgatory.lds" -Wl,--build-id=none -Wl,-z,noexecstack \
  -Wl,--no-warn-rwx-segments -Wl,--fatal-warnings -o "$elf" "$obj/entry.o" "${objs[@]}"
"${CROSS}objcopy" -O binary "$elf" "$bin"

bash "$purgatory/build/check-image.sh" "$here/image.conf" "$elf" "$bin"
echo "build-image.sh: built $bin ($(stat -c %s "$bin") bytes)"
