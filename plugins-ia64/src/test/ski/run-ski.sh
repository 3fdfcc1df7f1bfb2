#!/usr/bin/env bash
# Runs a planned load on the HP Ski IA-64 simulator and reports what happened:
#   run-ski.sh LOAD_DIR [BSKI]
# LOAD_DIR/load.txt describes the load, one item a line:
#   segment ADDR FILE   a planned segment (the purgatory image with its program, kernel segments, ...) or a
#                       piece of the machine the old kernel leaves (old boot_param, EFI tables, old memory map)
#   entry ADDR          purgatory's entry; halted ADDR: its purgatory_halted (Ski stops there)
#   r28 VALUE           the old boot_param, as relocate_new_kernel passes it
#   uart-port PORT      (optional) the console step's UART port, mapped onto Ski's UART (below)
#   port PORT VALUE     what an I/O port reads (its byte in port space, below)
#   bmc DATA STATUS MEM, inb ADDR, outb ADDR   (optional) a BMC model behind those KCS ports (see below)
#   console-trace PORT  (optional, with outb ADDR) a UART at PORT that Ski cannot map: its LSR
#                       reads THR empty and the bytes written to PORT are taken from Ski at each pg_outb
# The segments become one ELF (ET_EXEC, a PT_LOAD per segment at its physical address, entry = purgatory's),
# linked with ${CROSS}ld from the files; bski runs it in system mode (physical addressing) with r28 set, a
# memory stack and a register stack outside every segment (what relocate_new_kernel provides), and a breakpoint
# at purgatory_halted. Output: LOAD_DIR/console.txt (the UART bytes and the SSC_PUTCHAR bytes of the synthetic
# vmlinux, in order) and LOAD_DIR/ski.txt (Ski's messages); the last line of stdout says how it ended:
#   ski: halted at purgatory_halted, reason 0x...     or     ski: kernel exited with status N
# Console: Ski has no 8250 in port space; its UART is MMIO at 0xff5e0000 with THR at +0 and an always-ready LSR
# at +5. ar.k0 = 0xff1e0000 puts port UART_PORT's THR, IER, FCR and LCR (port + 0..3) onto the UART's first
# four registers, and port + 4, + 5 (MCR, LSR) onto the next page (port space puts ports 4 apart on pages 4 KiB
# apart), where the harness puts an LSR byte that reads 0x60 (THR empty). Ski's UART model ignores DLAB, so
# the divisor's low byte lands in the stream once; the runner drops control bytes other than newline.
set -euo pipefail
dir=$(cd "${1:?usage: run-ski.sh LOAD_DIR [BSKI]}" && pwd)
bski=${2:-${HANDOFF_SKI:-$HOME/.cache/handoff/ski/bin/bski}}
CROSS=${CROSS:-ia64-linux-gnu-}
[ -x "$bski" ] || { echo "run-ski.sh: no Ski at $bski" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

entry= halted= r28=0 port= bmc_data= bmc_status= bmc_mem= inb= outb= trace=
ports=()
lds=$work/machine.lds
{
  echo 'OUTPUT_FORMAT("elf64-ia64-little")'
  echo 'OUTPUT_ARCH(ia64)'
  echo 'SECTIONS {'
} > "$lds"
n=0
add_segment() { # add_segment ADDR FILE
  local o=$work/seg$n.o
  (cd "$(dirname "$2")" && "${CROSS}objcopy" -I binary -O elf64-ia64-little -B ia64 \
     --rename-section .data=.seg$n,alloc,load,contents,code "$(basename "$2")" "$o")
  echo "  .seg$n $1 : AT($1) { $o(.seg$n) }" >> "$lds"
  n=$((n + 1))
}
while read -r what a b c; do
  case $what in
    segment) add_segment "$a" "$dir/$b" ;;
    entry) entry=$a ;;
    halted) halted=$a ;;
    r28) r28=$a ;;
    uart-port) port=$a ;;
    port) ports+=("$a $b") ;;
    bmc) bmc_data=$a bmc_status=$b bmc_mem=$c ;;
    inb) inb=$a ;;
    console-trace) trace=$a ;;
    outb) outb=$a ;;
    ''|'#'*|kernel-entry) ;;
    *) echo "run-ski.sh: load.txt: unknown item $what" >&2; exit 2 ;;
  esac
done < "$dir/load.txt"
: "${entry:?load.txt has no entry}" "${halted:?load.txt has no halted}"
# port space: port P is the byte at ar.k0 | ((P >> 2) << 12) | (P & 0xfff) (ar.k0 = 0xff1e0000); a port the load
# gives a value to is that byte in memory (reads return it, writes change it); the others read 0
[ -n "$port" ] && ports+=("$((port + 5)) 0x60")       # the UART's LSR: THR empty
[ -n "$trace" ] && ports+=("$((trace + 5)) 0x60")
k=0
for pv in "${ports[@]}"; do
  read -r p v <<<"$pv"
  printf "\\x$(printf %02x $((v)))" > "$work/port$k.bin"
  add_segment "$(printf '0x%x' $(( 0xff1e0000 | ((p >> 2) << 12) | (p & 0xfff) )))" "$work/port$k.bin"
  k=$((k + 1))
done
echo '  /DISCARD/ : { *(.note*) }' >> "$lds"
echo '}' >> "$lds"

"${CROSS}ld" -T "$lds" -e "$entry" --no-warn-rwx-segments -o "$work/machine.elf" 2>"$work/ld.log" \
  || { cat "$work/ld.log" >&2; exit 1; }

cat > "$work/ski.init" <<INIT
= r28 $r28
= k0 0xff1e0000
= sp 0x9e000
= bspst 0x90000
bs $halted
INIT
if [ -n "$bmc_data" ]; then
  # A BMC behind the KCS ports (bmc DATA STATUS MEM in load.txt), modelled by this Ski command script: Ski stops
  # at purgatory's pg_inb and pg_outb (inb/outb ADDR in load.txt); the script sets the byte the port read will
  # find and follows the host's writes (IPMI 2.0 section 9.15, BMC side):
  #   WRITE_START -> WRITE (status 0x80); WRITE_END -> the last byte; then READ|OBF (0x41) with the response
  #   [req0 | 4, req1, cc], each READ ack (0x68) moving to the next byte, IDLE after the last;
  #   GET_STATUS/ABORT -> WRITE, data 0 -> READ|OBF with status code 0, ack -> IDLE|OBF with a dummy, read -> IDLE.
  # Each WRITE_START takes the next word of the table at MEM + 0x100 (8 bytes apart: Ski reads only aligned
  # words): bits 0-7 cc, 0x100 a wrong header (req0 | 4 ^ 0x10), 0x200 an endless response (0x55 bytes),
  # 0x400 a 1-byte response, 0x800 ERROR state (0xc0) instead of WRITE. State words at MEM: +0 state (0 idle,
  # 1 write, 2 last byte, 3 read, 4 abort, 5 abort status, 6 abort dummy, 7 error), +8 bytes written, +0x10 req0,
  # +0x18 req1, +0x20 response index, +0x28 table index, +0x30 writes logged, +0x40 this transaction's word;
  # +0x1000 the log of every byte written to the command port and (outside READ) to the data port, 2 bytes each
  # (1 = command port, the byte), which the runner writes to LOAD_DIR/bmc.txt in hex, command bytes as cNN.
  sa=$(printf '0x%x' $(( 0xff1e0000 | ((bmc_status >> 2) << 12) | (bmc_status & 0xfff) )))
  da=$(printf '0x%x' $(( 0xff1e0000 | ((bmc_data >> 2) << 12) | (bmc_data & 0xfff) )))
  m=$bmc_mem
  h() { printf '0x%x' $(( m + $1 )); }
  st=$(h 0) nb=$(h 8) r0=$(h 0x10) r1=$(h 0x18) ri=$(h 0x20) tc=$(h 0x28) lp=$(h 0x30) cur=$(h 0x40)
  log=$(h 0x1000) logend=$(h 0x1fff)
  S="r32==$bmc_status" D="r32==$bmc_data"
  cat >> "$work/ski.init" <<INIT
bs $inb
bs $outb
run
top:
if ip==$halted goto done
if ip==$inb goto in
if ip==$outb goto out
goto done
in:
if $S&&*$st==0 =1 $sa 0x0
if $S&&(*$st==1||*$st==2||*$st==4) =1 $sa 0x80
if $S&&(*$st==3||*$st==5) =1 $sa 0x41
if $S&&*$st==6 =1 $sa 0x1
if $S&&*$st==7 =1 $sa 0xc0
if $D&&*$st==3&&*$ri==0 =1 $da ((*$r0|0x4)^((*$cur>>0x4)&0x10))&0xff
if $D&&*$st==3&&*$ri==1 =1 $da *$r1&0xff
if $D&&*$st==3&&*$ri==2 =1 $da *$cur&0xff
if $D&&*$st==3&&*$ri>=3 =1 $da 0x55
if $D&&(*$st==5||*$st==6) =1 $da 0x0
if $D&&*$st==6 =8 $st 0x0
cont
goto top
out:
${trace:+if r32==$trace eval r33}
if $S||($D&&*$st!=3) =1 $log+*$lp*0x2 r32==$bmc_status
if $S||($D&&*$st!=3) =1 $log+*$lp*0x2+0x1 r33
if $S||($D&&*$st!=3) =8 $lp *$lp+0x1
if $D&&*$st==3&&r33==0x68 =8 $ri *$ri+0x1
if $D&&*$st==3&&(((*$cur&0x400)&&*$ri==0x1)||(!(*$cur&0x600)&&*$ri==0x3)) =8 $st 0x0
if $D&&*$st==2&&*$nb==0x1 =8 $r1 r33
if $D&&*$st==2 =8 $ri 0x0
if $D&&*$st==2 =8 $st 0x3
if $D&&*$st==1&&*$nb==0x0 =8 $r0 r33
if $D&&*$st==1&&*$nb==0x1 =8 $r1 r33
if $D&&*$st==1 =8 $nb *$nb+0x1
if $D&&*$st==5&&r33==0x68 =8 $st 0x6
if $D&&*$st==4 =8 $st 0x5
if $S&&r33==0x60 =8 $st 0x4
if $S&&r33==0x61 =8 $nb 0x0
if $S&&r33==0x61 =8 $cur *($m+0x100+*$tc*0x8)
if $S&&r33==0x61 =8 $tc *$tc+0x1
if $S&&r33==0x61 =8 $st 0x1
if $S&&r33==0x61&&(*$cur&0x800) =8 $st 0x7
if $S&&r33==0x62 =8 $st 0x2
cont
goto top
done:
eval ip
eval r8
eval *$lp
dd $log $logend
quit
INIT
elif [ -n "$trace" ]; then
  # each write to the traced port is printed by Ski ("r33 = .."), in order; the runner turns them into bytes
  cat >> "$work/ski.init" <<INIT
bs $outb
run
top:
if ip==$halted goto done
if ip!=$outb goto done
if r32==$trace eval r33
cont
goto top
done:
eval ip
eval r8
quit
INIT
else
  printf 'run\neval ip\neval r8\nquit\n' >> "$work/ski.init"
fi
set +e
timeout "${SKI_TIMEOUT:-300}" "$bski" -noconsole -i "$work/ski.init" "$work/machine.elf" >"$work/stdout" 2>"$dir/ski.txt"
rc=$?
set -e
if [ -n "$trace" ]; then
  # the traced UART's bytes (Ski's "r33 = N" lines), then what Ski wrote itself (SSC_PUTCHAR)
  # (Ski's text is read with \r as a line end too; the value's low byte, as an octal escape for printf %b)
  { printf '%b' "$(tr '\r' '\n' < "$dir/ski.txt" | LC_ALL=C awk '
      /^r33 = [0-9a-f]+$/ {
        v = substr($0, 7)
        if (length(v) < 2) v = "0" v
        printf "\\0%03o", 16 * (index("0123456789abcdef", substr(v, length(v) - 1, 1)) - 1) \
                           + index("0123456789abcdef", substr(v, length(v), 1)) - 1
      }')"
    cat "$work/stdout"; } | tr -d '\000-\011\013-\037' > "$dir/console.txt"
else
  tr -d '\000-\011\013-\037' < "$work/stdout" > "$dir/console.txt"
fi
if [ -n "$bmc_data" ]; then
  # Ski's dd prints the log as little-endian 64-bit words: back to bytes, as many writes as "eval *LP" counted
  # (the last "Hex: N " line is the count; a line "ADDR W1 W2 ...", 16 hex digits each, with ADDR in the log's
  # 4 KiB gives 16 bytes; each write is 2 bytes: cNN when its first byte is not 0, else NN)
  tr '\r' '\n' < "$dir/ski.txt" | LC_ALL=C awk -v lo="$(printf '%016x' $((log)))" \
      -v hi="$(printf '%016x' $((log + 0x1000)))" '
    function hex16(s) { return length(s) == 16 && s ~ /^[0-9a-f]+$/ }
    /^Hex: [0-9a-f]+ / {
      c = substr($0, 6); c = substr(c, 1, index(c, " ") - 1)
      count = 0
      for (i = 1; i <= length(c); i++) count = count * 16 + index("0123456789abcdef", substr(c, i, 1)) - 1
    }
    hex16(substr($0, 1, 16)) && substr($0, 17, 1) == " " && hex16(substr($0, 18, 16)) &&
    substr($0, 34, 1) == " " && hex16(substr($0, 35, 16)) {
      a = substr($0, 1, 16)
      if (a "" >= lo "" && a "" < hi "") # (as strings: both 16 hex digits)
        for (w = 18; w <= 35; w += 17)
          for (i = 14; i >= 0; i -= 2) b[n++] = substr($0, w + i, 2)
    }
    END {
      if (2 * count > n) { print "run-ski.sh: the BMC log has " int(n / 2) " writes, Ski counted " count > "/dev/stderr"; exit 1 }
      line = ""
      for (i = 0; i < count; i++) line = line (i ? " " : "") (b[2 * i] != "00" ? "c" : "") b[2 * i + 1]
      print line
    }' > "$dir/bmc.txt"
fi
# how it ended: the kernel's SSC_EXIT ends Ski at once; otherwise the script printed ip and r8 where it stopped
stopped=$(sed -n 's/^ip = \([0-9a-fA-F]*\)$/\1/p' "$dir/ski.txt" | tail -n 1)
if grep -q "kernel exited with status" "$dir/ski.txt"; then
  echo "ski: $(grep -o 'kernel exited with status [0-9-]*' "$dir/ski.txt" | tail -n 1)"
elif [ -n "$stopped" ] && [ $((0x$stopped)) = $((halted)) ]; then
  reason=$(sed -n 's/^r8 = \([0-9a-fA-F]*\)$/\1/p' "$dir/ski.txt" | tail -n 1)
  echo "ski: halted at purgatory_halted, reason 0x$reason"
elif [ $rc = 124 ]; then
  echo "ski: timed out after ${SKI_TIMEOUT:-300} s"
  exit 1
else
  echo "ski: ended otherwise (bski status $rc): $(tail -n 3 "$dir/ski.txt" | tr '\n' ' ')"
  exit 1
fi
