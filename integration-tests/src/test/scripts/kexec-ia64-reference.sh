#!/bin/bash
# Print the path of a kexec binary whose loader is kexec-tools 2.0.25's ia64 one (kexec/arch/ia64), built for
# this x86_64 host, building it once when missing into
#   ${HANDOFF_CACHE:-~/.cache/handoff}/kexec-tools-ia64-2.0.25/
# (kexec = the binary; purgatory-stub.txt = the stub purgatory's size, which decides where the buffers placed
# below it go; build.log). It is the differential oracle for the ia64 plugin: run it only through the
# LD_PRELOAD capture shim (../native/kexec_capture_shim.c, see kexec-ia64-run.sh / Ia64KexecToolsRun) with
# HANDOFF_SHIM_MACHINE=ia64. Without the shim it refuses before loading anything: its arch table knows only
# "ia64", so on this host it stops at "Unsupported machine type".
#
# How (Debian bookworm's source package, which ships kexec/arch/ia64 and purgatory/arch/ia64 unchanged):
#  1. Download the .dsc, .orig.tar.xz and .debian.tar.xz from deb.debian.org's pool (security.debian.org's
#     pool as the fallback), check the .dsc against the sha256 pinned below and both tarballs against the
#     sha256 the .dsc lists.
#  2. Unpack, apply debian/patches/series in order (no Debian patch touches ia64).
#  3. configure --target=ia64-linux-gnu: configure.ac picks ARCH from the target cpu, so the kexec binary is
#     built from kexec/arch/ia64 while CC stays the host gcc (the ia64 C files use no ia64 builtins or
#     headers; only the purgatory needs an ia64 compiler). --without-xen keeps the host's libxenctrl out.
#     kexec-syscall.h takes __NR_kexec_load from the host's <sys/syscall.h> (246 on x86_64), so that is the
#     number the binary calls; the shim intercepts it.
#  4. Replace the purgatory: the ia64 purgatory is C (purgatory-ia64.c, sha256.c …) and this host has no ia64
#     C compiler. A stub written here (not kexec-tools' code) is assembled and `ld -r`-linked with
#     binutils-ia64-linux-gnu. It defines every symbol kexec-tools sets, with the sizes elf_rel_set_symbol
#     checks: the fourteen 8-byte words of purgatory/arch/ia64/entry.S (__kernel_entry … __noio, in .text as
#     there), sha256_regions (256 B), sha256_digest (32 B), skip_checks (4 B) in .data, purgatory_start
#     (the ELF entry) and __dummy_efi_function (16 B). purgatory_start loads __gp_value's address (one
#     R_IA64_IMM64 relocation, so kexec-tools' ia64 relocation code runs) and spins.
#     `make -o purgatory/purgatory.ro` then builds kexec around it without trying to compile the real one.
#
# Environment: HANDOFF_CACHE (cache root), HANDOFF_KEXEC_IA64_REBUILD=1 (rebuild even when present).
# Needs: curl, xz, gcc, make, patch, zlib and liblzma headers (zlib1g-dev, liblzma-dev), and
# binutils-ia64-linux-gnu (installed with apt-get when missing and running as root).
set -euo pipefail

version=2.0.25
debian_version=2.0.25-3+deb12u3
dsc_sha256=1c43e03290f9fff07987a1b3db563b188762ae85110795abecbc319e944c1ff2
pools=(http://deb.debian.org/debian/pool/main/k/kexec-tools
       http://security.debian.org/debian-security/pool/updates/main/k/kexec-tools)

cache=${HANDOFF_CACHE:-$HOME/.cache/handoff}/kexec-tools-ia64-$version
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self_sum=$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)

if [ -x "$cache/kexec" ] && [ -f "$cache/purgatory-stub.txt" ] && [ "${HANDOFF_KEXEC_IA64_REBUILD:-0}" != 1 ] \
        && [ "$(cat "$cache/.script-sha256" 2>/dev/null)" = "$self_sum" ]; then
    echo "$cache/kexec"
    exit 0
fi

die() { echo "$0: $*" >&2; exit 1; }
for tool in curl xz gcc make patch sha256sum; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
if ! command -v ia64-linux-gnu-as >/dev/null || ! command -v ia64-linux-gnu-ld >/dev/null; then
    [ "$(id -u)" = 0 ] || die "binutils-ia64-linux-gnu is not installed (apt-get install binutils-ia64-linux-gnu, as root)"
    echo "$0: installing binutils-ia64-linux-gnu" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q binutils-ia64-linux-gnu >&2 \
        || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q binutils-ia64-linux-gnu >&2; } \
        || die "cannot install binutils-ia64-linux-gnu"
fi

mkdir -p "$cache/download"
lock="$cache/.lock"
exec 9>"$lock"
flock 9

fetch() { # NAME: download into $cache/download unless already there
    local name=$1 pool
    [ -s "$cache/download/$name" ] && return 0
    for pool in "${pools[@]}"; do
        if curl -fsSL --retry 3 -o "$cache/download/$name.part" "$pool/$name"; then
            mv "$cache/download/$name.part" "$cache/download/$name"
            return 0
        fi
    done
    rm -f "$cache/download/$name.part"
    die "cannot download $name from ${pools[*]}"
}
check() { # NAME SHA256
    local have
    have=$(sha256sum "$cache/download/$1" | cut -d' ' -f1)
    if [ "$have" != "$2" ]; then
        rm -f "$cache/download/$1"
        die "$1: sha256 $have, expected $2 (deleted; run again)"
    fi
}

dsc=kexec-tools_$debian_version.dsc
fetch "$dsc"
check "$dsc" "$dsc_sha256"
# The Checksums-Sha256 section of the .dsc: " SHA256 SIZE NAME" lines up to the next field.
sums=$(awk '/^Checksums-Sha256:/ {on = 1; next} /^[^ ]/ {on = 0} on && NF == 3 {print $1, $3}' "$cache/download/$dsc")
[ -n "$sums" ] || die "$dsc lists no sha256 checksums"
while read -r sum name; do
    fetch "$name"
    check "$name" "$sum"
done <<<"$sums"
orig=$(awk '$2 ~ /\.orig\.tar\./ {print $2}' <<<"$sums")
debian=$(awk '$2 ~ /\.debian\.tar\./ {print $2}' <<<"$sums")
[ -n "$orig" ] && [ -n "$debian" ] || die "$dsc does not name an orig and a debian tarball"

build=$cache/build
rm -rf "$build"
mkdir -p "$build"
tar -xf "$cache/download/$orig" -C "$build"
src=$build/kexec-tools-$version
[ -d "$src" ] || die "$orig did not unpack into kexec-tools-$version"
tar -xf "$cache/download/$debian" -C "$src"
log=$cache/build.log
: >"$log"
while read -r p opts; do
    case "$p" in ''|'#'*) continue ;; esac
    # quilt applies with -p1 unless the series line says otherwise
    patch -d "$src" -p1 --forward --batch ${opts:-} <"$src/debian/patches/$p" >>"$log" 2>&1 \
        || die "Debian patch $p does not apply (see $log)"
done <"$src/debian/patches/series"

(cd "$src" && ./configure --target=ia64-linux-gnu --without-xen) >>"$log" 2>&1 || die "configure failed (see $log)"
grep -q '^ARCH[[:space:]]*=[[:space:]]*ia64$' "$src/Makefile" || die "configure did not select ARCH=ia64 (see $log)"

# The stub purgatory (our own; see 4. above).
stub=$build/purgatory-stub
mkdir -p "$stub"
cat >"$stub/stub.S" <<'EOF'
	// handoff's stand-in for kexec-tools' ia64 purgatory: the symbols kexec-tools sets, nothing that runs.
	.text
	.align 32
	.global __dummy_efi_function
	.type __dummy_efi_function,@function
	.size __dummy_efi_function,16
__dummy_efi_function:
	{ .mib; nop.m 0; mov r8=r0; br.ret.sptk.many b0 ;; }
	.global __dummy_efi_function_end
__dummy_efi_function_end:
	.align 32
	.global purgatory_start
	.type purgatory_start,@function
	.proc purgatory_start
purgatory_start:
	movl r2=__gp_value ;;
.Lspin:
	br.sptk.few .Lspin ;;
	.endp purgatory_start
	.align 8
	.irp name,__kernel_entry,__vmcode_base,__vmcode_size,__ramdisk_base,__ramdisk_size,__command_line,__command_line_len,__efi_memmap_base,__efi_memmap_size,__boot_param_base,__loaded_segments,__loaded_segments_num,__gp_value,__noio
	.global \name
	.type \name,@object
	.size \name,8
\name:
	data8 0
	.endr
	.data
	.align 8
	.global sha256_regions
	.type sha256_regions,@object
	.size sha256_regions,256
sha256_regions:
	.skip 256
	.global sha256_digest
	.type sha256_digest,@object
	.size sha256_digest,32
sha256_digest:
	.skip 32
	.global skip_checks
	.type skip_checks,@object
	.size skip_checks,4
skip_checks:
	.skip 4
EOF
ia64-linux-gnu-as -xexplicit -o "$stub/stub.o" "$stub/stub.S" >>"$log" 2>&1 || die "assembling the stub purgatory failed (see $log)"
ia64-linux-gnu-ld -r -e purgatory_start -o "$stub/purgatory.ro" "$stub/stub.o" >>"$log" 2>&1 \
    || die "linking the stub purgatory failed (see $log)"
for sym in __kernel_entry:8 __vmcode_base:8 __vmcode_size:8 __ramdisk_base:8 __ramdisk_size:8 __command_line:8 \
        __command_line_len:8 __efi_memmap_base:8 __efi_memmap_size:8 __boot_param_base:8 __loaded_segments:8 \
        __loaded_segments_num:8 __gp_value:8 __noio:8 sha256_regions:256 sha256_digest:32 skip_checks:4 \
        purgatory_start:- __dummy_efi_function:16; do
    ia64-linux-gnu-readelf -sW "$stub/purgatory.ro" | awk -v n="${sym%%:*}" -v s="${sym##*:}" \
        '$8 == n && $5 == "GLOBAL" && (s == "-" || $3 + 0 == s + 0) {found = 1} END {exit !found}' \
        || die "stub purgatory: ${sym%%:*} is not a global of ${sym##*:} bytes"
done
mkdir -p "$src/purgatory"
cp "$stub/purgatory.ro" "$src/purgatory/purgatory.ro"
(cd "$src" && make -j"$(nproc)" -o purgatory/purgatory.ro build/sbin/kexec) >>"$log" 2>&1 \
    || die "building kexec failed (see $log)"
grep -q 'elf-ia64' "$src/build/sbin/kexec" || die "the kexec built has no elf-ia64 loader"

# The stub's footprint as elf_rel_load computes it: bufsz = the SHF_ALLOC PROGBITS sections one after the
# other, each aligned to its own alignment; memsz adds the NOBITS ones; the alignment is the largest.
bufsz=0 bsssz=0 maxalign=1
while read -r _ name type _ _ size _ flags _ _ align; do
    case "$flags" in *A*) ;; *) continue ;; esac
    size=$((16#$size)) align=$((align < 1 ? 1 : align))
    [ "$align" -gt "$maxalign" ] && maxalign=$align
    if [ "$type" = NOBITS ]; then
        bsssz=$(( (bsssz + align - 1) / align * align + size ))
    else
        bufsz=$(( (bufsz + align - 1) / align * align + size ))
    fi
done < <(ia64-linux-gnu-readelf -SW "$stub/purgatory.ro" | sed -n 's/^ *\[ *\([0-9]*\)\]/[\1]/p' | grep -v '^\[0\]')
printf 'bufsz 0x%x\nbsssz 0x%x\nalign %d\n' "$bufsz" "$bsssz" "$maxalign" >"$cache/purgatory-stub.txt.new"
{
    cat "$cache/purgatory-stub.txt.new"
    echo "# kexec-tools rounds the segment to getpagesize() (16 KiB in the tests): memsz 0x4000, alignment 0x4000"
} >"$cache/purgatory-stub.txt"
rm -f "$cache/purgatory-stub.txt.new"
cp "$stub/purgatory.ro" "$cache/purgatory-stub.ro"
install -m 0755 "$src/build/sbin/kexec" "$cache/kexec.new"
mv "$cache/kexec.new" "$cache/kexec"
echo "$self_sum" >"$cache/.script-sha256"
rm -rf "$build"
echo "$cache/kexec"
