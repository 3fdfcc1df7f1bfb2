#!/usr/bin/env bash
# Builds and tests the portable purgatory runtime with the system gcc; called by Maven (pom.xml).
#   build.sh host OUT   -> OUT/classes/native/linux-x86-64/libhandoff-purgatory-host{,-be}.so
#   build.sh test OUT   -> builds and runs the C unit tests (LE and BE target, plain and ASan/UBSan)
# Fails on any warning, on a runtime object that needs anything but the HAL (no libc in the runtime),
# and on a shared library that exports more than purgatory_host_run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../main/c
tests=$here/../test/c
mode=${1:?usage: build.sh host|test OUT}
out=${2:?usage: build.sh host|test OUT}
CC=${CC:-gcc}

runtime=(runtime.c sha256.c console.c wait.c lib.c kcs.c lastwords.c s390.c)
warn=(-std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-prototypes)
# The runtime is freestanding: the same flags as on the target (plus what a host library needs).
freestanding=(-ffreestanding -fno-builtin -nostdlib -fno-stack-protector -fno-tree-loop-distribute-patterns)

# compile_runtime DIR EXTRA...: runtime objects into DIR, then check what they need from outside.
compile_runtime() {
  local dir=$1; shift
  rm -rf "$dir"
  mkdir -p "$dir"
  local f objs=()
  for f in "${runtime[@]}"; do
    "$CC" "${warn[@]}" "${freestanding[@]}" "$@" -I"$src" -c "$src/$f" -o "$dir/${f%.c}.o"
    objs+=("$dir/${f%.c}.o")
  done
  # Only the HAL (and, under sanitizers, their runtime) may stay undefined: no libc.
  ld -r -o "$dir/runtime.ro" "${objs[@]}"
  local undefined
  undefined=$(nm -u "$dir/runtime.ro" | awk '{print $NF}' | sort -u \
    | grep -v -E '^(hal_(inb|outb|read|write|jump_x86_64|halt|reset)|__(asan|ubsan|sanitizer)_[A-Za-z0-9_]*|_GLOBAL_OFFSET_TABLE_)$' \
    | tr '\n' ' ' || true)
  if [ -n "$undefined" ]; then
    echo "build.sh: the runtime must not use libc, but it needs: $undefined" >&2
    exit 1
  fi
}

host_lib() { # host_lib NAME EXTRA...
  local name=$1; shift
  local obj=$out/purgatory-obj/$name
  local dest=$out/classes/native/linux-x86-64
  mkdir -p "$dest"
  compile_runtime "$obj" -O2 -fPIC -fvisibility=hidden "$@"
  "$CC" "${warn[@]}" -O2 -fPIC -fvisibility=hidden "$@" -I"$src" -c "$src/host/host.c" -o "$obj/host.o"
  "$CC" -shared -fPIC -Wl,-z,defs -Wl,-z,noexecstack -Wl,-soname,"$name.so" -o "$dest/$name.so" "$obj"/*.o
  local exported
  exported=$(nm -D --defined-only "$dest/$name.so" | awk '$2 == "T" {print $3}' | sort -u | tr '\n' ' ')
  if [ "$exported" != "purgatory_host_probe purgatory_host_run " ]; then
    echo "build.sh: $name.so must export only purgatory_host_run and purgatory_host_probe, it exports: $exported" >&2
    exit 1
  fi
  echo "build.sh: built $dest/$name.so"
}

test_bin() { # test_bin NAME EXTRA...
  local name=$1; shift
  local obj=$out/purgatory-obj/$name
  compile_runtime "$obj" -g -O1 "$@"
  "$CC" "${warn[@]}" -g -O1 "$@" -I"$src" -c "$src/host/host.c" -o "$obj/host.o"
  "$CC" "${warn[@]}" -g -O1 "$@" -I"$src" -c "$tests/test_purgatory.c" -o "$obj/test_purgatory.o"
  "$CC" "$@" -o "$out/purgatory-tests/$name" "$obj"/*.o
  # the s390 step kinds and the probe mode: their own test program, on the same runtime objects
  "$CC" "${warn[@]}" -g -O1 "$@" -I"$src" -c "$tests/test_s390.c" -o "$obj/test_s390.t"
  "$CC" "$@" -o "$out/purgatory-tests/$name-s390" "$obj/test_s390.t" $(ls "$obj"/*.o | grep -v test_purgatory.o)
}

case $mode in
  host)
    host_lib libhandoff-purgatory-host
    host_lib libhandoff-purgatory-host-be -DPURGATORY_TARGET_BIG_ENDIAN
    ;;
  test)
    mkdir -p "$out/purgatory-tests"
    san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    test_bin test-le
    test_bin test-be -DPURGATORY_TARGET_BIG_ENDIAN
    test_bin test-le-asan "${san[@]}"
    test_bin test-be-asan -DPURGATORY_TARGET_BIG_ENDIAN "${san[@]}"
    status=0
    for t in test-le test-be test-le-asan test-be-asan test-le-s390 test-be-s390 test-le-asan-s390 \
             test-be-asan-s390; do
      echo "== $t"
      "$out/purgatory-tests/$t" > "$out/purgatory-tests/$t.log" 2>&1 || status=1
      grep -E '^(FAIL|    )' "$out/purgatory-tests/$t.log" || true
      tail -n 1 "$out/purgatory-tests/$t.log"
    done
    exit $status
    ;;
  *) echo "usage: build.sh host|test OUT" >&2; exit 2 ;;
esac
