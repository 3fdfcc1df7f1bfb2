#!/usr/bin/env python3
"""A handoff plan bundle (handoff plan --platform ia64 --root <the bundled ia64-rx2660-8g profile> --out BUNDLE)
as a run-ski.sh load: the plan's segments at their addresses, and the machine the plan was made for, as the
reference machine's firmware model (Ia64Firmware) builds it from the profile's /proc/iomem: one EFI descriptor per
top-level line (48-byte stride; System RAM holding the kernel LOADER_DATA, the one at 1 MiB BS_DATA, the others
CONVENTIONAL, all WB; Uncached RAM CONVENTIONAL with UC; the reserved ranges RT_DATA, RT_CODE, PAL_CODE in order,
the legacy one RESERVED; the I/O port space MMIO_PORT), the boot_param at "Boot parameter", the map at "EFI Memory
Map", the EFI system table, runtime services and SetVirtualAddressMap descriptor at the start of RT_DATA.

    bundle-to-load.py BUNDLE IOMEM PURGATORY_ELF OUTDIR [--bmc] [--note ADDR:IP:OFFSET]...

--bmc puts run-ski.sh's BMC model behind the KCS ports 0xca2/0xca3 (every answer cc 0) and gives the RTC a
BCD 24-hour clock (every register reads 0x02: 02:02:02); --note writes a crash_notes buffer at ADDR holding one CORE/NT_PRSTATUS note whose
descriptor has IP at OFFSET, and the closing empty note (what the kernel saved at the crash).

PURGATORY_ELF (the image's linked ELF) gives the offsets of purgatory_halted and pg_outb; the bundle's purgatory
segment must hold the same code. The console step's UART is traced (console-trace) since Ski cannot map it.
"""
import json
import os
import shutil
import struct
import subprocess
import sys

REGION7 = 0xe000000000000000
DESC_SIZE = 48


def firmware(iomem):
    tops, boot_param, efi_map, kernel = [], 0, 0, -1
    for line in iomem.splitlines():
        if " : " not in line:
            continue
        rng, name = line.split(" : ", 1)
        start, end = (int(x, 16) for x in rng.strip().split("-"))
        name = name.strip()
        if not line.startswith(" "):
            tops.append((start, end, name))
        elif name == "Boot parameter":
            boot_param = start
        elif name == "EFI Memory Map":
            efi_map = start
        elif name == "Kernel code":
            kernel = start
    descs, reserved, rt_data = [], 0, 0
    for start, end, name in tops:
        pages = (end + 1 - start) // 4096
        if name == "System RAM":
            t = 2 if start <= kernel <= end else 4 if start == 0x100000 else 7
            descs.append((t, start, 0, pages, 0xF))
        elif name == "Uncached RAM":
            descs.append((7, start, 0, pages, 0x1))
        else:
            t = 0 if start < 0x100000 else (6, 5, 13)[min(reserved, 2)]
            if start >= 0x100000:
                reserved += 1
            descs.append((t, start, 0 if t == 0 else REGION7 | start, pages, 0x1 if t == 0 else 0x8 | 1 << 63))
            if t == 6:
                rt_data = start
    descs.append((12, 0xffffc000000, REGION7 | 0xffffc000000, 0x4000, 0x1 | 1 << 63))
    descs.sort(key=lambda d: d[1])
    systab, runtime, fdesc = rt_data, rt_data + 0x100, rt_data + 0x200
    old_cmd = boot_param + 0x100
    bp = bytearray(4096)
    struct.pack_into("<QQQQQIHHHH", bp, 0, REGION7 | old_cmd, systab, efi_map, len(descs) * DESC_SIZE, DESC_SIZE,
                     1, 80, 25, 0, 24)
    struct.pack_into("<QQQ", bp, 56, 0x3fb20000, 0x7e00000, 0x180000)
    cmd = b"BOOT_IMAGE=scsi0:EFI\\debian\\vmlinuz root=/dev/sda2 ro console=ttyS0"
    bp[0x100:0x100 + len(cmd)] = cmd
    em = bytearray(len(descs) * DESC_SIZE)
    for i, (t, phys, virt, pages, attr) in enumerate(descs):
        struct.pack_into("<IIQQQQ", em, i * DESC_SIZE, t, 0, phys, virt, pages, attr)
    tables = bytearray(0x210)
    struct.pack_into("<QII", tables, 0, 0x5453595320494249, (2 << 16) | 10, 0x78)
    struct.pack_into("<Q", tables, 88, REGION7 | runtime)
    struct.pack_into("<QI", tables, 0x100, 0x56524553544e5552, (2 << 16) | 10)
    struct.pack_into("<Q", tables, 0x100 + 56, REGION7 | fdesc)
    struct.pack_into("<QQ", tables, 0x200, REGION7 | 0x3fb40200, REGION7 | 0x3fb38000)
    return boot_param, [(boot_param, bytes(bp)), (efi_map, bytes(em)), (systab, bytes(tables))]


def symbol(elf, name):
    nm = os.environ.get("CROSS", "ia64-linux-gnu-") + "nm"
    for line in subprocess.run([nm, elf], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    raise SystemExit(f"bundle-to-load.py: {elf} has no {name}")


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    bundle, iomem, elf, out = sys.argv[1:5]
    extra = sys.argv[5:]
    bmc = "--bmc" in extra
    notes = [extra[i + 1] for i, a in enumerate(extra) if a == "--note"]
    os.makedirs(out, exist_ok=True)
    m = json.load(open(os.path.join(bundle, "manifest.json")))
    lines = []
    purgatory = None
    for seg in m["segments"]:
        name = os.path.basename(seg["file"])
        shutil.copy(os.path.join(bundle, seg["file"]), os.path.join(out, name))
        lines.append(f"segment {seg['mem']} {name}")
        if seg["role"] == "purgatory":
            purgatory = int(seg["mem"], 16)
    if purgatory is None:
        raise SystemExit("bundle-to-load.py: the bundle has no purgatory segment")
    r28, blocks = firmware(open(iomem).read())
    for i, (addr, data) in enumerate(blocks):
        open(os.path.join(out, f"firmware-{i}.bin"), "wb").write(data)
        lines.append(f"segment {addr:#x} firmware-{i}.bin")
    for i, note in enumerate(notes):
        addr, ip, offset = (int(x, 0) for x in note.split(":"))
        desc = max(offset + 8, 0x3a8)
        buf = bytearray(12 + 8 + desc + 12)
        struct.pack_into("<III", buf, 0, 5, desc, 1)
        buf[12:17] = b"CORE\0"
        struct.pack_into("<Q", buf, 20 + offset, ip)
        open(os.path.join(out, f"notes-{i}.bin"), "wb").write(buf)
        lines.append(f"segment {addr:#x} notes-{i}.bin")
    if bmc:
        open(os.path.join(out, "bmc.bin"), "wb").write(bytes(0x2000))
        lines.append("segment 0x7e07000 bmc.bin")
        lines.append("bmc 0xca2 0xca3 0x7e07000")
        lines.append(f"inb {purgatory + symbol(elf, 'pg_inb'):#x}")
        lines.append("port 0x71 0x02")   # register B 0x02: BCD, 24 h, as the reference machine's clock
    lines.append(f"entry {m['entry']}")
    lines.append(f"halted {purgatory + symbol(elf, 'purgatory_halted'):#x}")
    lines.append(f"outb {purgatory + symbol(elf, 'pg_outb'):#x}")
    lines.append(f"r28 {r28:#x}")
    lines.append("console-trace 0x3f8")
    open(os.path.join(out, "load.txt"), "w").write("\n".join(lines) + "\n")


main()
