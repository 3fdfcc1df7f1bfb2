/*
 * Port I/O and the 8250 UART console (FORMAT.md section 4; the C original is console.c).
 * Port I/O on ia64: the port's byte lives at ar.k0 | ((port >> 2) << 12) | (port & 0xfff) with bit 63 set
 * (uncached, physical), followed by mf.a (Linux's ia64 port space; kexec-tools' purgatory does the same).
 * Each wait for THR empty is bounded (wait.S): the iteration cap, and 2 s on the RTC once an rtc step has run.
 */
	.include "macros.inc"

UART_DEADLINE_S = 2

	.text

/* port address of in r32 -> r14 (leaf helper, r15-r17 scratch) */
	.macro PORT_ADDR
	mov r14 = ar.k0
	extr.u r15 = r32, 2, 14
	extr.u r16 = r32, 0, 12
	;;
	shl r15 = r15, 12
	or r14 = r14, r16
	movl r17 = 0x8000000000000000
	;;
	or r14 = r14, r15
	;;
	or r14 = r14, r17
	;;
	.endm

/* pg_outb(port, value) */
	.global pg_outb
	.proc pg_outb
pg_outb:
	PORT_ADDR
	st1 [r14] = r33
	;;
	mf.a
	br.ret.sptk.many b0
	.endp pg_outb

/* pg_inb(port) -> r8 */
	.global pg_inb
	.proc pg_inb
pg_inb:
	PORT_ADDR
	ld1 r8 = [r14]
	;;
	mf.a
	br.ret.sptk.many b0
	.endp pg_inb

/* pg_console_init(base, divisor) -> r8: 0, or 1 for a bad divisor (the UART untouched) */
	.global pg_console_init
	.proc pg_console_init
pg_console_init:
	ENTER 2, 3, 2
	st8 [r6] = r0                   /* uart = 0, dead = 0 */
	adds r14 = CTX_DEAD, r6
	mov r8 = 0
	;;
	st8 [r14] = r0
	cmp.eq p6, p0 = 0, in0
(p6)	br.cond.dpnt .Lci_done          /* base 0: no console */
	;;
	mov r8 = 1
	cmp.eq p6, p0 = 0, in1
	movl r15 = 0xffff
	;;
(p6)	br.cond.dpnt .Lci_done
	cmp.ltu p6, p0 = r15, in1
	;;
(p6)	br.cond.dpnt .Lci_done
	adds out0 = 1, in0              /* IER = 0 */
	mov out1 = 0
	CALL pg_outb
	adds out0 = 3, in0              /* LCR = DLAB */
	mov out1 = 0x80
	CALL pg_outb
	mov out0 = in0                  /* DLL */
	zxt1 out1 = in1
	CALL pg_outb
	adds out0 = 1, in0              /* DLM */
	extr.u out1 = in1, 8, 8
	CALL pg_outb
	adds out0 = 3, in0              /* LCR = 8N1 */
	mov out1 = 0x03
	CALL pg_outb
	adds out0 = 2, in0              /* FCR: FIFOs on and cleared */
	mov out1 = 0x07
	CALL pg_outb
	adds out0 = 4, in0              /* MCR = DTR | RTS */
	mov out1 = 0x03
	CALL pg_outb
	st8 [r6] = in0
	mov r8 = 0
	;;
.Lci_done:
	LEAVE
	.endp pg_console_init

/* thr_empty(arg) -> r8: the poll of a THR-empty wait (one read of LSR) */
	.proc thr_empty
thr_empty:
	ENTER 1, 2, 1
	ld8 out0 = [r6]
	;;
	adds out0 = 5, out0             /* LSR */
	CALL pg_inb
	extr.u r8 = r8, 5, 1            /* THRE */
	LEAVE
	.endp thr_empty

/* pg_wait_thre() -> r8: 0 when THR is empty, non-zero when the wait ran out (cap or its 2-second deadline) */
	.proc pg_wait_thre
pg_wait_thre:
	ENTER 0, 2, 3
	LA out0, thr_empty
	mov out1 = 0
	mov out2 = UART_DEADLINE_S
	;;
	CALL pg_wait
	LEAVE
	.endp pg_wait_thre

/* pg_putc(ch): one byte to the console, unless there is none or it went silent */
	.global pg_putc
	.proc pg_putc
pg_putc:
	ENTER 1, 2, 2
	ld8 r14 = [r6]
	adds r15 = CTX_DEAD, r6
	;;
	ld8 r15 = [r15]
	cmp.eq p6, p0 = 0, r14
	;;
(p6)	br.cond.dpnt .Lpc_done
	cmp.ne p6, p0 = 0, r15
(p6)	br.cond.dpnt .Lpc_done
	CALL pg_wait_thre
	cmp.ne p6, p0 = 0, r8
	adds r14 = CTX_DEAD, r6
	mov r15 = 1
	;;
(p6)	st8 [r14] = r15
(p6)	br.cond.dpnt .Lpc_done
	ld8 out0 = [r6]
	zxt1 out1 = in0
	CALL pg_outb
	;;
.Lpc_done:
	LEAVE
	.endp pg_putc

/* pg_console_flush(): waits (bounded) until the transmitter has taken every byte */
	.global pg_console_flush
	.proc pg_console_flush
pg_console_flush:
	ENTER 0, 2, 1
	ld8 r14 = [r6]
	adds r15 = CTX_DEAD, r6
	;;
	ld8 r15 = [r15]
	cmp.eq p6, p0 = 0, r14
	;;
(p6)	br.cond.dpnt .Lcf_done
	cmp.ne p6, p0 = 0, r15
(p6)	br.cond.dpnt .Lcf_done
	CALL pg_wait_thre
	cmp.ne p6, p0 = 0, r8
	adds r14 = CTX_DEAD, r6
	mov r15 = 1
	;;
(p6)	st8 [r14] = r15
	;;
.Lcf_done:
	LEAVE
	.endp pg_console_flush

/* pg_puts(str): a NUL-terminated string */
	.global pg_puts
	.proc pg_puts
pg_puts:
	ENTER 1, 3, 1
	mov loc2 = in0
	;;
.Lps_next:
	ld1 out0 = [loc2], 1
	;;
	cmp.eq p6, p0 = 0, out0
(p6)	br.cond.dpnt .Lps_done
	CALL pg_putc
	br.cond.sptk .Lps_next
	;;
.Lps_done:
	LEAVE
	.endp pg_puts

/* pg_putn(ptr, n): n bytes as they are */
	.global pg_putn
	.proc pg_putn
pg_putn:
	ENTER 2, 4, 1
	mov loc2 = in0
	mov loc3 = in1
	;;
.Lpn_next:
	cmp.eq p6, p0 = 0, loc3
(p6)	br.cond.dpnt .Lpn_done
	ld1 out0 = [loc2], 1
	adds loc3 = -1, loc3
	CALL pg_putc
	br.cond.sptk .Lpn_next
	;;
.Lpn_done:
	LEAVE
	.endp pg_putn

/* pg_say(str): "purgatory: " then the text */
	.global pg_say
	.proc pg_say
pg_say:
	ENTER 1, 2, 1
	PUTS str_prefix
	mov out0 = in0
	CALL pg_puts
	LEAVE
	.endp pg_say
	STR str_prefix, "purgatory: "

/* pg_puthex(v): 0x and lowercase hex digits without leading zeros */
	.global pg_puthex
	.proc pg_puthex
pg_puthex:
	ENTER 1, 4, 1
	PUTC '0'
	PUTC 'x'
	mov loc2 = 60                   /* shift of the digit looked at */
	mov loc3 = 0                    /* a digit printed */
	;;
.Lph_next:
	shr.u r14 = in0, loc2
	;;
	and r14 = 0xf, r14
	cmp.eq p7, p0 = 0, loc2
	;;
	cmp.ne.or p7, p0 = 0, r14       /* print: a non-zero digit, the last digit, or after the first */
	cmp.ne.or p7, p0 = 0, loc3
	;;
(p7)	mov loc3 = 1
(p7)	cmp.ltu.unc p8, p9 = 9, r14
	;;
(p8)	adds out0 = 'a' - 10, r14
(p9)	adds out0 = '0', r14
(p7)	br.call.sptk.many b0 = pg_putc
	;;
	cmp.eq p6, p0 = 0, loc2
	adds loc2 = -4, loc2
(p6)	br.cond.dpnt .Lph_done
	br.cond.sptk .Lph_next
	;;
.Lph_done:
	LEAVE
	.endp pg_puthex

/* pg_putdec(v): decimal, by repeated subtraction of the powers of ten (ia64 has no integer divide) */
	.global pg_putdec
	.proc pg_putdec
pg_putdec:
	ENTER 1, 5, 1
	LA loc2, pow10
	mov loc3 = 20                   /* powers left */
	mov loc4 = 0                    /* a digit printed */
	;;
.Lpd_next:
	ld8 r14 = [loc2], 8
	mov r15 = 0
	;;
	;;
.Lpd_sub:
	cmp.ltu p6, p0 = in0, r14
(p6)	br.cond.dptk .Lpd_digit
	sub in0 = in0, r14
	adds r15 = 1, r15
	br.cond.sptk .Lpd_sub
	;;
.Lpd_digit:
	adds loc3 = -1, loc3
	cmp.ne p7, p0 = 0, r15
	;;
	cmp.eq.or p7, p0 = 0, loc3      /* the units digit is always printed */
	cmp.ne.or p7, p0 = 0, loc4
	;;
(p7)	mov loc4 = 1
(p7)	adds out0 = '0', r15
(p7)	br.call.sptk.many b0 = pg_putc
	;;
	cmp.ne p6, p0 = 0, loc3
(p6)	br.cond.sptk .Lpd_next
	LEAVE
	.endp pg_putdec

	.section .rodata
	.align 8
pow10:
	data8 10000000000000000000, 1000000000000000000, 100000000000000000, 10000000000000000
	data8 1000000000000000, 100000000000000, 10000000000000, 1000000000000, 100000000000
	data8 10000000000, 1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1
