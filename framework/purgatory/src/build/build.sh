#!/usr/bin/env bash
# Builds and tests the portable purgatory runtime with the system gcc; called by Maven (pom.xml).
#   build.sh host OUT   -> OUT/classes/native/linux-x86-64/libhandoff-purgatory-host{,-be}.so: the runtime with no
#                          architecture (every architecture kind fails as unknown); platforms build their own
#                          with build-plugin.sh
#                          (and OUT/test-classes/.../libhandoff-purgatory-host-testarch{,-be}.so on the test
#                          architecture, for the framework's Java tests)
#   build.sh test OUT   -> builds and runs the C unit tests (LE and BE target, plain and ASan/UBSan) on the test
#                          architecture (src/test/c/test_arch.c)
#   build.sh fuzz OUT N -> builds the mutation fuzzer (src/test/c/fuzz_purgatory.c: the step interpreter and the KCS
#                          state machine) with ASan/UBSan, LE and BE target, and runs N iterations of each, fixed seed
# Fails on any warning, on a runtime object that needs anything but the HAL (no libc in the runtime),
# and on a shared library that exports more than purgatory_host_run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../main/c
tests=$here/../test/c
mode=${1:?usage: build.sh host|test OUT}
out=${2:?usage: build.sh host|test OUT}
CC=${CC:-gcc}

mapfile -t runtime < <(grep -v '^\s*#' "$src/runtime.list" | grep -v '^\s*$')
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
    | grep -v -E '^(hal_(inb|outb|read|write|halt|reset|arch_operands_fit|arch_step|arch_step_name)|__(asan|ubsan|sanitizer)_[A-Za-z0-9_]*|_GLOBAL_OFFSET_TABLE_)$' \
    | tr '\n' ' ' || true)
  if [ -n "$undefined" ]; then
    echo "build.sh: the runtime must not use libc, but it needs: $undefined" >&2
    exit 1
  fi
}

host_lib() { # host_lib NAME CLASSES ARCH_SOURCE EXTRA...
  local name=$1 classes=$2 arch=$3; shift 3
  local obj=$out/purgatory-obj/$name
  local dest=$out/$classes/native/linux-x86-64
  mkdir -p "$dest"
  compile_runtime "$obj" -O2 -fPIC -fvisibility=hidden "$@"
  "$CC" "${warn[@]}" -O2 -fPIC -fvisibility=hidden "$@" -I"$src" -c "$src/host/host.c" -o "$obj/host.o"
  "$CC" "${warn[@]}" -O2 -fPIC -fvisibility=hidden "$@" -I"$src" -I"$tests" -c "$arch" -o "$obj/arch.o"
  "$CC" -shared -fPIC -Wl,-z,defs -Wl,-z,noexecstack -Wl,-soname,"$name.so" -o "$dest/$name.so" "$obj"/*.o
  local exported
  exported=$(nm -D --defined-only "$dest/$name.so" | awk '$2 == "T" {print $3}' | sort -u | tr '\n' ' ')
  if [ "$exported" != "purgatory_host_probe purgatory_host_run " ]; then
    echo "build.sh: $name.so must export only purgatory_host_run and purgatory_host_probe, it exports: $exported" >&2
    exit 1
  fi
  echo "build.sh: built $dest/$name.so"
}

test_bin() { # test_bin NAME EXTRA...  (MAIN, default test_purgatory.c, is the source with main())
  local name=$1; shift
  local obj=$out/purgatory-obj/$name
  compile_runtime "$obj" -g -O1 "$@"
  "$CC" "${warn[@]}" -g -O1 "$@" -I"$src" -c "$src/host/host.c" -o "$obj/host.o"
  "$CC" "${warn[@]}" -g -O1 "$@" -I"$src" -c "$tests/test_arch.c" -o "$obj/test_arch.o"
  "$CC" "${warn[@]}" -g -O1 "$@" -I"$src" -c "$tests/${MAIN:-test_purgatory.c}" -o "$obj/main.o"
  "$CC" "$@" -o "$out/purgatory-tests/$name" "$obj"/*.o
}

case $mode in
  host)
    host_lib libhandoff-purgatory-host classes "$src/host/no_arch.c"
    host_lib libhandoff-purgatory-host-be classes "$src/host/no_arch.c" -DPURGATORY_TARGET_BIG_ENDIAN
    # for the framework's own Java tests (framework-purgatory's test jar): the runtime on the test architecture
    host_lib libhandoff-purgatory-host-testarch test-classes "$tests/test_arch.c"
    host_lib libhandoff-purgatory-host-testarch-be test-classes "$tests/test_arch.c" -DPURGATORY_TARGET_BIG_ENDIAN
    ;;
  test)
    mkdir -p "$out/purgatory-tests"
    san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    test_bin test-le
    test_bin test-be -DPURGATORY_TARGET_BIG_ENDIAN
    test_bin test-le-asan "${san[@]}"
    test_bin test-be-asan -DPURGATORY_TARGET_BIG_ENDIAN "${san[@]}"
    status=0
    for t in test-le test-be test-le-asan test-be-asan; do
      echo "== $t"
      "$out/purgatory-tests/$t" > "$out/purgatory-tests/$t.log" 2>&1 || status=1
      grep -E '^(FAIL|    )' "$out/purgatory-tests/$t.log" || true
      tail -n 1 "$out/purgatory-tests/$t.log"
    done
    exit $status
    ;;
  fuzz)
    iterations=${3:?usage: build.sh fuzz OUT ITERATIONS}
    mkdir -p "$out/purgatory-tests"
    san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    MAIN=fuzz_purgatory.c test_bin fuzz-le-asan "${san[@]}"
    MAIN=fuzz_purgatory.c test_bin fuzz-be-asan -DPURGATORY_TARGET_BIG_ENDIAN "${san[@]}"
    status=0
    for t in fuzz-le-asan fuzz-be-asan; do
      echo "== $t ($iterations iterations)"
      (cd "$out/purgatory-tests" && "./$t" "$iterations" > "$t.log" 2>&1) || status=1
      grep -E '^(FAIL|interp|kcs)|ERROR|runtime error' "$out/purgatory-tests/$t.log" | head -20 || true
      tail -n 1 "$out/purgatory-tests/$t.log"
    done
    exit $status
    ;;
  *) echo "usage: build.sh host|test|fuzz OUT [ITERATIONS]" >&2; exit 2 ;;
esac
