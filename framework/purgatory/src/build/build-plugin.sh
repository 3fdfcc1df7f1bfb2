#!/usr/bin/env bash
# The one purgatory build of every platform plugin (plugin-parent's "purgatory" profile runs it):
#   build-plugin.sh image PLUGIN OUT  -> OUT/classes/purgatory/<IMAGE_NAME>.bin (OUT/purgatory-<IMAGE_NAME>/ has the
#                                        ELF and the generated linker script), checked by check-image.sh
#   build-plugin.sh host PLUGIN OUT   -> OUT/classes/native/linux-x86-64/libhandoff-purgatory-host-<IMAGE_NAME>.so:
#                                        the runtime, the host HAL (host/host.c) and the plugin's HOST_SOURCES, for
#                                        the reference machine
#   build-plugin.sh test PLUGIN OUT   -> builds and runs each PLUGIN/src/test/purgatory/test_*.c against the host
#                                        build, plain and with ASan/UBSan
# PLUGIN is the plugin's directory; its src/build/image.conf describes the platform (byte order, ELF machine,
# tool prefix, compiler flags, sources, linker-script values, entry bytes, image maximum). The runtime's
# sources are this SDK's ../main/c (the list in runtime.list), wherever the SDK was unpacked.
# Fails on any warning, on a runtime that needs libc, and on anything check-image.sh rejects.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runtime=$(cd "$here/../main/c" && pwd)
mode=${1:?usage: build-plugin.sh image|host|test PLUGIN OUT}
plugin=$(cd "${2:?usage: build-plugin.sh image|host|test PLUGIN OUT}" && pwd)
out=${3:?usage: build-plugin.sh image|host|test PLUGIN OUT}
conf=$plugin/src/build/image.conf
src=$plugin/src/main/purgatory
[ -f "$conf" ] || { echo "build-plugin.sh: $conf: no such file (every plugin with purgatory has one)" >&2; exit 2; }
# shellcheck source=/dev/null
. "$conf"
: "${IMAGE_NAME:?$conf sets no IMAGE_NAME}" "${BYTE_ORDER:?$conf sets no BYTE_ORDER}"
: "${TARGET_SOURCES:?$conf sets no TARGET_SOURCES}" "${HOST_SOURCES?$conf sets no HOST_SOURCES}"
mapfile -t runtime_sources < <(grep -v '^\s*#' "$runtime/runtime.list" | grep -v '^\s*$')
endian=()
[ "$BYTE_ORDER" = big ] && endian=(-DPURGATORY_TARGET_BIG_ENDIAN)
warn=(-std=c11 -Wall -Wextra -Werror)

# the cross compiler, installed with apt-get when missing and this runs as root (CROSS_PACKAGE in image.conf)
need_cross() {
  local cc=${CROSS-}gcc
  command -v "$cc" >/dev/null && return
  if [ -n "${CROSS_PACKAGE:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "build-plugin.sh: installing $CROSS_PACKAGE (for $cc)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$CROSS_PACKAGE" >&2 \
      || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
             --no-install-recommends "$CROSS_PACKAGE" >&2; }
  fi
  command -v "$cc" >/dev/null || { echo "build-plugin.sh: $cc not found${CROSS_PACKAGE:+: apt-get install $CROSS_PACKAGE}" >&2; exit 1; }
}

image() {
  need_cross
  local cc=${CROSS-}gcc obj=$out/purgatory-$IMAGE_NAME
  rm -rf "$obj"
  mkdir -p "$obj" "$out/classes/purgatory"
  # shellcheck disable=SC2206
  local cflags=("${warn[@]}" -O2 -ffreestanding -fno-builtin -nostdlib -fno-stack-protector -fPIE
    # no calls to memcpy/memset synthesised from loops: there is no libc to provide them
    -fno-tree-loop-distribute-patterns
    # physical address 0 is ordinary memory between kernels
    -fno-delete-null-pointer-checks
    -fno-asynchronous-unwind-tables -fno-unwind-tables -fvisibility=hidden
    ${TARGET_CFLAGS:-} "${endian[@]}" -I"$runtime" -I"$src")
  local f o objs=()
  # shellcheck disable=SC2206
  local asm=(${TARGET_ASM:-entry.S})
  for f in "${asm[@]}"; do
    o=$obj/$(basename "${f%.S}").o
    # shellcheck disable=SC2086
    "$cc" ${TARGET_ASFLAGS:-} -fPIE -Wa,--fatal-warnings -c "$src/$f" -o "$o"
    objs+=("$o")
  done
  # shellcheck disable=SC2206
  local own=(${TARGET_SOURCES})
  for f in "${runtime_sources[@]/#/$runtime/}" "${own[@]/#/$src/}"; do
    o=$obj/$(basename "${f%.c}").o
    "$cc" "${cflags[@]}" -c "$f" -o "$o"
    objs+=("$o")
  done
  sed -e "s|@LDS_OUTPUT_FORMAT@|${LDS_OUTPUT_FORMAT:?$conf sets no LDS_OUTPUT_FORMAT}|" \
      -e "s|@LDS_OUTPUT_ARCH@|${LDS_OUTPUT_ARCH:?$conf sets no LDS_OUTPUT_ARCH}|" \
      -e "s|@LDS_STACK_SIZE@|${LDS_STACK_SIZE:-4096}|" -e "s|@LDS_BSS_ALIGN@|${LDS_BSS_ALIGN:-16}|" \
      -e "s|@ELF_MACHINE@|${ELF_MACHINE:?}|" -e "s|@ELF_MACHINE_NAME@|${ELF_MACHINE_NAME:?}|" \
      "$here/purgatory.lds.in" > "$obj/purgatory.lds"
  local elf=$obj/purgatory.elf bin=$out/classes/purgatory/$IMAGE_NAME.bin
  # -static-pie with -nostdlib: a position-independent executable with no dynamic linker and no libc; any
  # absolute address in the image would appear as a relative relocation in .rela.dyn, which check-image.sh rejects
  # shellcheck disable=SC2086
  "$cc" ${TARGET_LDFLAGS:-} -nostdlib -static-pie -Wl,-T,"$obj/purgatory.lds" -Wl,--build-id=none \
    -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,--fatal-warnings -o "$elf" "${objs[@]}"
  "${CROSS-}objcopy" -O binary "$elf" "$bin"
  bash "$here/check-image.sh" "$conf" "$elf" "$bin"
  echo "build-plugin.sh: built $bin ($(stat -c %s "$bin") bytes)"
}

# compile_host DIR EXTRA...: the runtime, host.c and the plugin's HOST_SOURCES for the host into DIR
compile_host() {
  local dir=$1; shift
  rm -rf "$dir"
  mkdir -p "$dir"
  local f
  # shellcheck disable=SC2206
  local own=(${HOST_SOURCES})
  for f in "${runtime_sources[@]/#/$runtime/}" "$runtime/host/host.c" "${own[@]/#/$src/}"; do
    "${CC:-gcc}" "${warn[@]}" "${endian[@]}" "$@" -I"$runtime" -I"$src" -c "$f" -o "$dir/$(basename "${f%.c}").o"
  done
}

host() {
  local name=libhandoff-purgatory-host-$IMAGE_NAME obj=$out/purgatory-host-$IMAGE_NAME
  local dest=$out/classes/native/linux-x86-64
  mkdir -p "$dest"
  compile_host "$obj" -O2 -fPIC -fvisibility=hidden
  "${CC:-gcc}" -shared -fPIC -Wl,-z,defs -Wl,-z,noexecstack -Wl,-soname,"$name.so" -o "$dest/$name.so" "$obj"/*.o
  local exported
  exported=$(nm -D --defined-only "$dest/$name.so" | awk '$2 == "T" {print $3}' | sort -u | tr '\n' ' ')
  if [ "$exported" != "purgatory_host_probe purgatory_host_run " ]; then
    echo "build-plugin.sh: $name.so must export only purgatory_host_run and purgatory_host_probe, it exports: $exported" >&2
    exit 1
  fi
  echo "build-plugin.sh: built $dest/$name.so"
}

tests() {
  local dir=$plugin/src/test/purgatory t status=0
  [ -d "$dir" ] || { echo "build-plugin.sh: no $dir: no C tests"; return 0; }
  local san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  mkdir -p "$out/purgatory-tests"
  for variant in plain asan; do
    local extra=(-g -O1) obj=$out/purgatory-obj/test-$IMAGE_NAME-$variant
    [ $variant = asan ] && extra+=("${san[@]}")
    compile_host "$obj" "${extra[@]}"
    for t in "$dir"/test_*.c; do
      local name=$IMAGE_NAME-$(basename "${t%.c}")-$variant
      "${CC:-gcc}" "${warn[@]}" "${endian[@]}" "${extra[@]}" -I"$runtime" -I"$runtime/../../test/c" -I"$src" \
        -c "$t" -o "$obj/$(basename "${t%.c}").t"
      "${CC:-gcc}" "${extra[@]}" -o "$out/purgatory-tests/$name" "$obj/$(basename "${t%.c}").t" "$obj"/*.o
      echo "== $name"
      "$out/purgatory-tests/$name" > "$out/purgatory-tests/$name.log" 2>&1 || status=1
      grep -E '^(FAIL|    )' "$out/purgatory-tests/$name.log" || true
      tail -n 1 "$out/purgatory-tests/$name.log"
    done
  done
  return $status
}

case $mode in
  image) image ;;
  host) host ;;
  test) tests ;;
  *) echo "usage: build-plugin.sh image|host|test PLUGIN OUT" >&2; exit 2 ;;
esac
