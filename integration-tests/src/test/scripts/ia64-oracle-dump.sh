#!/bin/bash
# Run the ia64 oracle (kexec-tools 2.0.25's ia64 loader built for this host, through the capture shim) and
# print what it would load, decoded: every segment with its role, the ELF core header (kdump), the command
# line and the loaded_segments table the purgatory patches the EFI memory map with.
#
# Usage: ia64-oracle-dump.sh PROFILE KERNEL INITRD APPEND [--crash]
#   PROFILE  an ia64 machine profile (src/test/resources/ia64-profiles/NAME or a path)
#   INITRD   a file, or "-" for none;  APPEND  the --append text (always given: kexec -p crashes without)
#   --crash  kexec -p (the kdump load) instead of kexec -l
# The raw run stays in $TMPDIR/ia64-oracle-dump.XXXXXX (segments.txt, segN.bin, kexec-d.txt); its path is
# printed last.
set -euo pipefail

if [ $# -lt 4 ] || [ $# -gt 5 ] || { [ $# -eq 5 ] && [ "$5" != --crash ]; }; then
    echo "usage: $0 PROFILE KERNEL INITRD APPEND [--crash]" >&2
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
profile=$1
[ -d "$profile" ] || profile=$here/../resources/ia64-profiles/$1
[ -d "$profile" ] || { echo "$0: no profile $1" >&2; exit 2; }
mode=-l
[ $# -eq 5 ] && mode=-p
command -v python3 >/dev/null || { echo "$0: python3 is needed to decode the run" >&2; exit 3; }
out=$(mktemp -d "${TMPDIR:-/tmp}/ia64-oracle-dump.XXXXXX")
bash "$here/kexec-ia64-run.sh" "$mode" "$profile" "$2" "$3" "$4" "$out" >/dev/null

python3 - "$out" "$2" "$3" "$mode" "$profile" <<'EOF'
import os, struct, sys

out, kernel_path, initrd_path, mode, profile = sys.argv[1:6]
PAGE = 16384
lines = [l.split() for l in open(os.path.join(out, "segments.txt")) if l.strip() and not l.startswith("#")]
entry = int(lines[0][1], 16)
flags = int(lines[1][1], 16)
segs = []
for l in lines[3:]:
    i, mem, memsz, bufsz = int(l[0]), int(l[1], 16), int(l[2], 16), int(l[3], 16)
    data = open(os.path.join(out, "seg%d.bin" % i), "rb").read()
    segs.append({"index": i, "mem": mem, "memsz": memsz, "bufsz": bufsz, "data": data, "role": None})

kernel = open(kernel_path, "rb").read()
e_phoff, = struct.unpack_from("<Q", kernel, 0x20)
e_phentsize, e_phnum = struct.unpack_from("<HH", kernel, 0x36)
loads = []
for n in range(e_phnum):
    p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align = \
        struct.unpack_from("<IIQQQQQQ", kernel, e_phoff + n * e_phentsize)
    if p_type == 1:
        loads.append((p_offset, p_filesz, p_memsz, p_paddr, p_vaddr))
initrd = open(initrd_path, "rb").read() if initrd_path != "-" else None

# saved_efi_memmap_size: kexec-tools takes end + 1 - start of the "EFI Memory Map" line (the kernel prints
# end = start + size, so this is the map size + 1)
memmap_size = None
for l in open(os.path.join(profile, "proc/iomem")):
    if l.strip().endswith(": EFI Memory Map"):
        a, b = l.split(":")[0].strip().split("-")
        memmap_size = int(b, 16) + 1 - int(a, 16)

def command_line(d):
    """The text before the first NUL, when it is printable and the segment is ALIGN(len + 1, 16) bytes."""
    n = d.find(b"\0")
    ok = n > 0 and all(32 <= c < 127 for c in d[:n]) and len(d) == (n + 1 + 15) // 16 * 16
    return d[:n].decode() if ok else None

def loaded_segments(d):
    if len(d) == 0 or len(d) % 16:
        return False
    pairs = [struct.unpack_from("<QQ", d, i) for i in range(0, len(d), 16)]
    return all(a < b and a % 4096 == 0 for a, b in pairs) and all(pairs[i][1] <= pairs[i + 1][0] for i in range(len(pairs) - 1))

# Roles by content. boot_param (4096 bytes) and the EFI memory map buffer are xmalloc()ed and never cleared:
# their bytes are whatever the heap held, so they are told apart by size only. The bytes of the command line
# segment after its NUL are read past the end of its allocation: garbage too.
for s in segs:
    d = s["data"]
    if s["mem"] <= entry < s["mem"] + s["memsz"]:
        s["role"] = "purgatory"
    elif any(d == kernel[o:o + fs] for (o, fs, ms, pa, va) in loads):
        s["role"] = "kernel"
    elif d[:4] == b"\x7fELF" and struct.unpack_from("<H", d, 16)[0] == 4:
        s["role"] = "elfcorehdr"
    elif initrd is not None and d == initrd:
        s["role"] = "initrd"
    elif len(d) == 4096:
        s["role"] = "boot-param"
    elif memmap_size is not None and len(d) == memmap_size:
        s["role"] = "efi-memmap"
    elif command_line(d) is not None:
        s["role"] = "cmdline"
    elif loaded_segments(d):
        s["role"] = "loaded-segments"
for s in segs:
    s["role"] = s["role"] or "?"

print("kexec %s: entry %#x, flags %#x (KEXEC_ARCH_IA_64%s), %d segments" % (
    mode, entry, flags, " | KEXEC_ON_CRASH" if flags & 1 else "", len(segs)))
print("%-3s %-16s %-18s %-10s %-10s %s" % ("#", "role", "mem", "memsz", "bufsz", "16 KiB aligned"))
for s in segs:
    print("%-3d %-16s %#-18x %#-10x %#-10x %s" % (s["index"], s["role"], s["mem"], s["memsz"], s["bufsz"],
          "yes" if s["mem"] % PAGE == 0 and s["memsz"] % PAGE == 0 else "NO"))
print()
print("kernel PT_LOADs (file -> loaded):")
k = [s for s in segs if s["role"] == "kernel"]
for (o, fs, ms, pa, va), s in zip(loads, k):
    print("  paddr %#x vaddr %#x filesz %#x memsz %#x -> mem %#x (offset %+#x)" % (pa, va, fs, ms, s["mem"], s["mem"] - pa))
print()
for s in segs:
    if s["role"] == "cmdline":
        text = command_line(s["data"])
        print("command line (%d bytes + NUL, segment %#x bytes):" % (len(text), s["bufsz"]))
        print("  " + text)
        print()
    if s["role"] == "loaded-segments":
        d = s["data"]
        print("loaded_segments (%d entries of {u64 start, u64 end}):" % (len(d) // 16))
        for n in range(len(d) // 16):
            a, b = struct.unpack_from("<QQ", d, n * 16)
            print("  [%d] %#x-%#x (%#x bytes)" % (n, a, b, b - a))
        print()
    if s["role"] in ("boot-param", "efi-memmap"):
        print("%s: %#x bytes at %#x (uninitialised heap memory in kexec-tools; only the size counts)" % (
            s["role"], s["bufsz"], s["mem"]))
for s in segs:
    if s["role"] != "elfcorehdr":
        continue
    d = s["data"]
    print()
    ident = d[:16]
    (e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags, e_ehsize, e_phentsize, e_phnum,
     e_shentsize, e_shnum, e_shstrndx) = struct.unpack_from("<HHIQQQIHHHHHH", d, 16)
    print("ELF core header at %#x (%#x bytes):" % (s["mem"], s["bufsz"]))
    print("  e_ident %s" % ident.hex(" "))
    print("  e_type %d e_machine %d e_version %d e_entry %#x e_phoff %d e_shoff %d e_flags %#x" % (
        e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags))
    print("  e_ehsize %d e_phentsize %d e_phnum %d e_shentsize %d e_shnum %d e_shstrndx %d" % (
        e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx))
    print("  %-3s %-7s %-7s %-20s %-20s %-20s %-12s %-12s %s" % ("#", "type", "flags", "offset", "vaddr", "paddr",
          "filesz", "memsz", "align"))
    for n in range(e_phnum):
        p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align = \
            struct.unpack_from("<IIQQQQQQ", d, e_phoff + n * e_phentsize)
        print("  %-3d %-7s %#-7x %#-20x %#-20x %#-20x %#-12x %#-12x %d" % (n, {1: "LOAD", 4: "NOTE"}.get(p_type, p_type),
              p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align))
    used = e_phoff + e_phnum * e_phentsize
    print("  bytes %#x-%#x after the headers: %s" % (used, len(d), "all zero" if not any(d[used:]) else "NOT ZERO"))
    print("  (the notes themselves live in the crashed kernel's memory; the header holds only their PT_NOTEs)")
EOF
echo
echo "raw run: $out"
