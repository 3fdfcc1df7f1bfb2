#!/usr/bin/env bash
# Records the distribution's class-data sharing archive (lib/handoff.jsa, lib/handoff.jsa.key) from one
# `handoff plan --crash` on the bundled x86_64 profile: the classes a plan loads (picocli, configuration, PF4J,
# Guice, the plugins, the planner) are then mapped from the archive instead of being read and verified at every
# start. Run by `mvn package` (framework/launcher) after the distribution is assembled; bin/handoff uses the
# archive only for the JVM and class path it was made with, and makes its own in the user's cache otherwise.
#
# The plan needs a kernel: HANDOFF_TEST_KERNEL when it is set (./run-tests sets it), else a synthetic bzImage
# header (protocol 2.15, relocatable, 64-bit), enough for the planner to run every phase.
# Usage: cds-archive.sh DIST
set -euo pipefail
dist=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/handoff-cds.XXXXXX")
trap 'rm -rf "$work"' EXIT

# put OFFSET SIZE VALUE: write VALUE little-endian into the synthetic image
put() {
    local off=$1 size=$2 val=$3 i bytes=
    for ((i = 0; i < size; i++)); do bytes+=$(printf '\\x%02x' $(((val >> (8 * i)) & 0xff))); done
    printf "$bytes" | dd of="$work/vmlinuz" bs=1 seek=$((off)) conv=notrunc status=none
}

kernel=${HANDOFF_TEST_KERNEL:-}
if [ -z "$kernel" ] || [ ! -r "$kernel" ]; then
    kernel=$work/vmlinuz
    head -c $(((39 + 1) * 512 + 4096)) /dev/zero > "$kernel"
    put 0x1f1 1 39            # setup_sects
    put 0x1f4 4 0x100         # syssize: 4 KiB of protected-mode code
    put 0x1fe 2 0xaa55        # boot_flag
    put 0x200 2 0x6aeb        # jump over the header
    put 0x202 4 0x53726448    # "HdrS"
    put 0x206 2 0x020f        # boot protocol 2.15
    put 0x211 1 0x01          # loadflags: LOADED_HIGH
    put 0x22c 4 0x7fffffff    # initrd_addr_max
    put 0x230 4 0x200000      # kernel_alignment
    put 0x234 2 0x1501        # relocatable_kernel, min_alignment
    put 0x236 2 0x7f          # xloadflags
    put 0x238 4 2047          # cmdline_size
    put 0x258 8 0x1000000     # pref_address
    put 0x260 4 0x3f98000     # init_size
    put 0x264 4 0x7c8db0      # handover_offset
fi
head -c $((1024 * 1024)) /dev/zero > "$work/initrd"
if HANDOFF_CDS=dump "$dist/bin/handoff" plan --platform x86_64 --root "$dist/profiles/qemu-pc-x86_64-1g" \
        --kernel "$kernel" --initrd "$work/initrd" --append console=ttyS0 --crash --out "$work/bundle" \
        > "$work/out" 2>&1 && [ -s "$dist/lib/handoff.jsa" ]; then
    echo "cds-archive: $dist/lib/handoff.jsa ($(($(stat -c %s "$dist/lib/handoff.jsa") / 1024)) KiB)"
else
    # the distribution works without it, only slower to start: say so, do not fail the build
    echo "cds-archive: WARNING: no class-data sharing archive recorded; handoff will start slower" >&2
    sed 's/^/cds-archive:   /' "$work/out" >&2
    rm -f "$dist/lib/handoff.jsa" "$dist/lib/handoff.jsa.key"
fi
