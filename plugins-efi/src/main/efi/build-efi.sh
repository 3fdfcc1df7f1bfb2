#!/usr/bin/env bash
# Builds the resume EFI application with gnu-efi: build-efi.sh OUTDIR writes OUTDIR/handoff-resume.efi.
# Flags and link steps as gnu-efi 3.0.15's own Make.defaults/Make.rules (efi-facts B4); SHA-256 is the purgatory
# runtime's, compiled by path so the two sides of the digest check share one implementation.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: build-efi.sh OUTDIR" >&2
  exit 2
fi
out=$1
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
purgatory=$(cd "$here/../../../../framework/purgatory/src/main/c" && pwd)
efiinc=${GNU_EFI_INCLUDE:-/usr/include/efi}
efilib=${GNU_EFI_LIB:-/usr/lib}

missing=()
for f in "$efiinc/efi.h" "$efiinc/x86_64/efibind.h" "$efilib/crt0-efi-x86_64.o" "$efilib/elf_x86_64_efi.lds" \
         "$efilib/libefi.a" "$efilib/libgnuefi.a"; do
  [ -f "$f" ] || missing+=("$f")
done
if [ ${#missing[@]} -gt 0 ]; then
  # ./run-tests (HANDOFF_TESTS_STRICT=1) installs gnu-efi and must build the application; a plain build without it
  # still gives a working distribution, whose --assist efi-warm-reboot then refuses to arm and says why
  if [ "${HANDOFF_TESTS_STRICT:-0}" = 1 ]; then
    echo "build-efi.sh: gnu-efi is missing (install the Debian package gnu-efi): no ${missing[*]}" >&2
    exit 1
  fi
  echo "build-efi.sh: WARNING: gnu-efi is missing (no ${missing[*]}): the plugin is built without the resume" \
       "application, and 'handoff load --assist efi-warm-reboot' will refuse to arm (apt-get install gnu-efi)" >&2
  exit 0
fi
for tool in gcc ld objcopy; do
  command -v "$tool" >/dev/null || { echo "build-efi.sh: $tool is missing" >&2; exit 1; }
done

mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/handoff-efi.XXXXXX")
trap 'rm -rf "$work"' EXIT

cflags=(-O2 -std=gnu11 -Wall -Wextra -Werror -fpic -fshort-wchar -mno-red-zone -ffreestanding -fno-stack-protector
        -fno-strict-aliasing -fno-builtin -fno-stack-check -maccumulate-outgoing-args -mno-sse -mno-mmx
        -DGNU_EFI_USE_MS_ABI
        -I"$efiinc" -I"$efiinc/x86_64" -I"$efiinc/protocol" -I"$here" -I"$purgatory")
for src in "$here/handoff-resume.c" "$here/resume-logic.c" "$purgatory/sha256.c" "$purgatory/lib.c"; do
  gcc "${cflags[@]}" -c "$src" -o "$work/$(basename "$src" .c).o"
done
ld -nostdlib -znocombreloc -shared -Bsymbolic -T "$efilib/elf_x86_64_efi.lds" \
   "$efilib/crt0-efi-x86_64.o" "$work/handoff-resume.o" "$work/resume-logic.o" "$work/sha256.o" "$work/lib.o" \
   -o "$work/handoff-resume.so" -L"$efilib" -lefi -lgnuefi
# an unresolved symbol would only show at LoadImage time: refuse it here
if nm -u "$work/handoff-resume.so" | grep -q .; then
  echo "build-efi.sh: undefined symbols in handoff-resume.so:" >&2
  nm -u "$work/handoff-resume.so" >&2
  exit 1
fi
objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc \
        --target efi-app-x86_64 --subsystem=10 "$work/handoff-resume.so" "$out/handoff-resume.efi"
echo "build-efi.sh: $out/handoff-resume.efi ($(stat -c %s "$out/handoff-resume.efi") bytes)"
