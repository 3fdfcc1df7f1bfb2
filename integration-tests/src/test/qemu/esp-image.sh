#!/bin/sh
# Build a raw disk image holding one EFI system partition (FAT) with a directory's tree, without root.
#
# Usage: esp-image.sh OUT SIZE_MIB DIR
# The partition table is MBR, one primary partition of type 0xEF (EFI system partition) from 1 MiB to the end of
# the disk. MBR and not GPT because it is written here with printf alone (16 bytes of partition entry and the 0x55AA
# signature, no CRC32s, no backup header): sfdisk/sgdisk are not installed on the hosts (no fdisk package), and
# OVMF's PartitionDxe and the Linux kernel (CONFIG_MSDOS_PARTITION) both take type 0xEF as an ESP.
# The partition is formatted in place with mkfs.fat --offset (FAT32 from 64 MiB up, FAT16 below, as the FAT spec's
# cluster counts want) and filled with mtools (mcopy -i OUT@@OFFSET), so nothing is mounted and no root is needed.
set -eu
out=${1:?usage: esp-image.sh OUT SIZE_MIB DIR}
size=${2:?size in MiB}
dir=${3:?directory}
[ -d "$dir" ] || { echo "esp-image.sh: no directory $dir" >&2; exit 2; }
[ "$size" -ge 8 ] 2>/dev/null || { echo "esp-image.sh: SIZE_MIB must be a number >= 8" >&2; exit 2; }
for t in mkfs.fat mcopy mmd; do
  command -v $t >/dev/null 2>&1 || [ -x /sbin/$t ] || [ -x /usr/sbin/$t ] \
    || { echo "esp-image.sh: $t is missing (apt-get install dosfstools mtools)" >&2; exit 3; }
done
PATH=$PATH:/sbin:/usr/sbin
tmp=$out.tmp
rm -f "$tmp"
truncate -s "${size}M" "$tmp"
start=2048
sectors=$((size * 2048 - start))
le32() { # a number as 4 little-endian bytes, printf octal escapes
  printf "\\%03o\\%03o\\%03o\\%03o" $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255))
}
# partition entry 1 at byte 446: status 0, CHS first (0xfe,0xff,0xff = use LBA), type 0xEF, CHS last, LBA start, count
{ printf '\000\376\377\377\357\376\377\377'; printf "$(le32 $start)$(le32 $sectors)"; } \
  | dd of="$tmp" bs=1 seek=446 conv=notrunc status=none
printf '\125\252' | dd of="$tmp" bs=1 seek=510 conv=notrunc status=none
# a disk signature, so that Linux names the partition by PARTUUID too
printf 'HQES' | dd of="$tmp" bs=1 seek=440 conv=notrunc status=none
offset=$((start * 512))
fat=16; [ "$size" -ge 64 ] && fat=32
# --offset is in sectors; the block count (KiB) bounds the filesystem to the partition
mkfs.fat -F $fat -n HQESP --offset "$start" "$tmp" $((sectors / 2)) >/dev/null
export MTOOLS_SKIP_CHECK=1
img="$tmp@@$offset"
# directories first (mmd), then files (mcopy), so that every path exists
(cd "$dir" && find . -mindepth 1 -type d | sed 's@^\./@@' | sort) | while read -r d; do
  mmd -i "$img" "::/$d"
done
(cd "$dir" && find . -type f | sed 's@^\./@@' | sort) | while read -r f; do
  mcopy -i "$img" -o "$dir/$f" "::/$f"
done
mv "$tmp" "$out"
echo "esp-image.sh: $out: MBR, ESP (type 0xEF) at sector $start ($sectors sectors, FAT$fat), $(cd "$dir" && find . -type f | wc -l) files" >&2
