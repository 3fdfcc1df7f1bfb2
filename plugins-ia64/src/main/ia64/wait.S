/*
 * Bounded waits and the CMOS clock (FORMAT.md section 4; the C original is wait.c). Every loop that waits for
 * hardware ends at the first of: the iteration cap (counting the wait's port reads, clock reads included) and
 * its RTC deadlines (whole seconds since midnight, read every 1024 polls once an rtc step has run; a deadline
 * without a start takes it at its first look; elapsed time is taken modulo one day).
 */
	.include "macros.inc"

RTC_EVERY  = 1024
DAY_S      = 86400
DEADLINE_MAX_S = 43200

	.text

/* pg_udiv(a, b) -> r8 = a / b, r9 = a % b (shift and subtract: ia64 has no integer divide). Leaf, b != 0. */
	.global pg_udiv
	.proc pg_udiv
pg_udiv:
	mov r8 = 0
	mov r9 = 0
	mov r10 = 64
	;;
.Lud_bit:
	shr.u r14 = r32, 63
	shl r9 = r9, 1
	shl r32 = r32, 1
	shl r8 = r8, 1
	adds r10 = -1, r10
	;;
	or r9 = r9, r14
	;;
	cmp.geu p6, p0 = r9, r33
	;;
(p6)	sub r9 = r9, r33
(p6)	adds r8 = 1, r8
	cmp.ne p7, p0 = 0, r10
(p7)	br.cond.sptk .Lud_bit
	;;
	br.ret.sptk.many b0
	.endp pg_udiv

/* rtc_reg(reg) -> r8: index port <- reg, data port -> value */
	.proc rtc_reg
rtc_reg:
	ENTER 1, 2, 2
	adds r14 = CTX_RTC_INDEX, r6
	mov out1 = in0
	;;
	ld8 out0 = [r14]
	CALL pg_outb
	adds r14 = CTX_RTC_DATA, r6
	;;
	ld8 out0 = [r14]
	CALL pg_inb
	LEAVE
	.endp rtc_reg

/* pg_rtc_decode(raw, regb, limit) -> r8: the value (BCD unless register B says binary), -1 if out of range.
 * Leaf. */
	.global pg_rtc_decode
	.proc pg_rtc_decode
pg_rtc_decode:
	tbit.nz p6, p7 = r33, 2         /* binary */
	mov r8 = r32
	extr.u r14 = r32, 0, 4
	extr.u r15 = r32, 4, 4
	;;
(p7)	cmp.ltu.unc p8, p0 = 9, r14
(p7)	cmp.ltu.unc p9, p0 = 9, r15
	shladd r16 = r15, 2, r15        /* tens x 5 */
	;;
	shladd r16 = r16, 1, r14        /* tens x 10 + units */
	;;
(p7)	mov r8 = r16
	;;
	cmp.geu p10, p0 = r8, r34
	;;
(p8)	mov r8 = -1
	;;
(p9)	mov r8 = -1
	;;
(p10)	mov r8 = -1
	br.ret.sptk.many b0
	.endp pg_rtc_decode

/* pg_rtc_now() -> r8 = 0 and r9 = seconds since midnight, or r8 = 1 (no clock, update in progress,
 * a value out of range); r10 = the port reads made */
	.global pg_rtc_now
	.proc pg_rtc_now
pg_rtc_now:
	ENTER 0, 9, 3
	adds r14 = CTX_RTC_ON, r6
	mov loc8 = 0                    /* reads */
	;;
	ld8 r14 = [r14]
	;;
	cmp.eq p6, p0 = 0, r14
(p6)	br.cond.dpnt .Lrn_fail
	mov out0 = 0x0a                 /* register A: update in progress? (then look again later) */
	mov loc8 = 1
	CALL rtc_reg
	tbit.nz p6, p0 = r8, 7
(p6)	br.cond.dpnt .Lrn_fail
	mov out0 = 0
	mov loc8 = 4
	CALL rtc_reg
	mov loc2 = r8                   /* seconds */
	mov out0 = 2
	CALL rtc_reg
	mov loc3 = r8                   /* minutes */
	mov out0 = 4
	CALL rtc_reg
	mov loc4 = r8                   /* hours */
	adds r14 = CTX_RTC_REGB, r6
	;;
	ld8 loc5 = [r14]
	mov loc6 = 0                    /* pm */
	;;
	tbit.z p6, p0 = loc5, 1         /* 12-hour: bit 7 of the hours is PM */
	;;
(p6)	extr.u loc6 = loc4, 7, 1
(p6)	extr.u loc4 = loc4, 0, 7
	mov out0 = loc2
	mov out1 = loc5
	mov out2 = 60
	CALL pg_rtc_decode
	mov loc2 = r8
	mov out0 = loc3
	mov out1 = loc5
	mov out2 = 60
	CALL pg_rtc_decode
	mov loc3 = r8
	tbit.nz p6, p7 = loc5, 1
	mov out0 = loc4
	mov out1 = loc5
	;;
(p6)	mov out2 = 24
(p7)	mov out2 = 13
	CALL pg_rtc_decode
	mov loc4 = r8
	cmp.eq p6, p0 = -1, loc2
	cmp.eq p7, p0 = -1, loc3
	cmp.eq p8, p0 = -1, r8
	;;
(p6)	br.cond.dpnt .Lrn_fail
(p7)	br.cond.dpnt .Lrn_fail
(p8)	br.cond.dpnt .Lrn_fail
	tbit.nz p6, p0 = loc5, 1
(p6)	br.cond.dpnt .Lrn_sum
	cmp.eq p7, p0 = 0, loc4         /* 12-hour clocks count 1..12 */
(p7)	br.cond.dpnt .Lrn_fail
	cmp.eq p8, p0 = 12, loc4
	;;
(p8)	mov loc4 = 0
	cmp.ne p9, p0 = 0, loc6
	;;
(p9)	adds loc4 = 12, loc4
	;;
.Lrn_sum:                               /* h x 3600 + m x 60 + s */
	shl r14 = loc4, 11
	shl r15 = loc4, 10
	shl r16 = loc4, 9
	shl r17 = loc4, 4
	shl r18 = loc3, 6
	shl r19 = loc3, 2
	;;
	add r14 = r14, r15
	add r16 = r16, r17
	sub r18 = r18, r19
	;;
	add r14 = r14, r16
	add r18 = r18, loc2
	;;
	add r9 = r14, r18
	mov r8 = 0
	mov r10 = loc8
	br.cond.sptk .Lrn_done
	;;
.Lrn_fail:
	mov r8 = 1
	mov r10 = loc8
	;;
.Lrn_done:
	LEAVE
	.endp pg_rtc_now

/* look(d1, d2, now) -> r8: 1 when a deadline passed (it is marked expired); one without a start takes now.
 * Leaf; d1 or d2 may be 0. */
	.proc look
look:
	mov r8 = 0
	mov r16 = r32
	mov r17 = 2
	;;
.Llk_next:
	cmp.eq p6, p0 = 0, r16
(p6)	br.cond.dpnt .Llk_skip
	adds r14 = D_STARTED, r16
	adds r15 = D_START, r16
	;;
	ld8 r18 = [r14]
	ld8 r19 = [r15]
	;;
	cmp.eq p7, p8 = 0, r18
	mov r20 = 1
	;;
(p7)	st8 [r15] = r34
(p7)	st8 [r14] = r20
(p7)	br.cond.dpnt .Llk_skip
	movl r21 = DAY_S
	;;
	add r22 = r34, r21              /* (now + day - start) % day, both below one day */
	adds r23 = D_SECONDS, r16
	;;
	sub r22 = r22, r19
	ld8 r23 = [r23]
	;;
	cmp.geu p9, p0 = r22, r21
	;;
(p9)	sub r22 = r22, r21
	;;
	cmp.geu p10, p0 = r22, r23
	adds r24 = D_EXPIRED, r16
	;;
(p10)	st8 [r24] = r20
(p10)	mov r8 = 1
	;;
.Llk_skip:
	adds r17 = -1, r17
	mov r16 = r33
	;;
	cmp.ne p6, p0 = 0, r17
(p6)	br.cond.sptk .Llk_next
	;;
	br.ret.sptk.many b0
	.endp look

/* pg_wait_until(poll, arg, d1, d2, polls) -> r8: 0 the poll said done, 1 the iteration cap, 2 a deadline.
 * poll(arg) -> r8 non-zero when done, one port read per call; polls points at the poll counter that decides
 * when to look at the clock (shared across the waits of the last words). */
	.global pg_wait_until
	.proc pg_wait_until
pg_wait_until:
	ENTER 5, 5, 3
	adds r14 = CTX_CAP, r6
	mov loc2 = 0                    /* spent */
	;;
	ld8 loc3 = [r14]
	;;
.Lwu_poll:
	mov b6 = in0
	mov out0 = in1
	;;
	br.call.sptk.many b0 = b6
	;;
	cmp.ne p6, p0 = 0, r8
	mov r8 = 0
(p6)	br.cond.dptk .Lwu_done
	;;
	ld8 r14 = [in4]
	adds loc2 = 1, loc2
	;;
	adds r14 = 1, r14
	cmp.geu p7, p0 = loc2, loc3
	mov r8 = 1
	;;
	st8 [in4] = r14
(p7)	br.cond.dpnt .Lwu_done
	adds r15 = CTX_RTC_ON, r6
	extr.u r16 = r14, 0, 10         /* every RTC_EVERY polls */
	;;
	ld8 r15 = [r15]
	cmp.ne p8, p0 = 0, r16
	;;
(p8)	br.cond.dptk .Lwu_poll
	cmp.eq p9, p0 = 0, r15
(p9)	br.cond.dptk .Lwu_poll
	CALL pg_rtc_now
	add loc2 = loc2, r10            /* the clock's port reads count */
	cmp.ne p6, p0 = 0, r8
	mov out0 = in2
	mov out1 = in3
	mov out2 = r9
	;;
(p6)	br.cond.dpnt .Lwu_cap
	CALL look
	cmp.ne p7, p0 = 0, r8
	mov r8 = 2
(p7)	br.cond.dpnt .Lwu_done
	;;
.Lwu_cap:
	cmp.geu p7, p0 = loc2, loc3
	mov r8 = 1
(p7)	br.cond.dpnt .Lwu_done
	br.cond.sptk .Lwu_poll
	;;
.Lwu_done:
	LEAVE
	.endp pg_wait_until

/* pg_wait(poll, arg, seconds) -> r8 as pg_wait_until, with one deadline of its own that starts at the wait's
 * first look at the clock (a ready device never reads it) */
	.global pg_wait
	.proc pg_wait
pg_wait:
	ENTER 3, 2, 5
	adds r14 = CTX_WAITD + D_START, r6
	adds r15 = CTX_WAITD + D_SECONDS, r6
	adds r16 = CTX_WAITD + D_STARTED, r6
	adds r17 = CTX_WAITD + D_EXPIRED, r6
	adds r18 = CTX_WAIT_POLLS, r6
	;;
	st8 [r14] = r0
	st8 [r15] = in2
	st8 [r16] = r0
	st8 [r17] = r0
	st8 [r18] = r0
	mov out0 = in0
	mov out1 = in1
	adds out2 = CTX_WAITD, r6
	mov out3 = 0
	mov out4 = r18
	CALL pg_wait_until
	LEAVE
	.endp pg_wait

/* pg_deadline_start(d, us): whole seconds, at most 12 h; started now when the clock can be read */
	.global pg_deadline_start
	.proc pg_deadline_start
pg_deadline_start:
	ENTER 2, 3, 2
	mov out0 = in1
	movl out1 = 1000000
	;;
	CALL pg_udiv
	movl r14 = DEADLINE_MAX_S
	adds r15 = D_SECONDS, in0
	adds r16 = D_STARTED, in0
	adds r17 = D_EXPIRED, in0
	;;
	cmp.ltu p6, p0 = r14, r8
	;;
(p6)	mov r8 = r14
	st8 [r16] = r0
	st8 [r17] = r0
	;;
	st8 [r15] = r8
	CALL pg_rtc_now
	cmp.eq p6, p0 = 0, r8
	adds r14 = D_START, in0
	adds r15 = D_STARTED, in0
	mov r16 = 1
	;;
(p6)	st8 [r14] = r9
(p6)	st8 [r15] = r16
	LEAVE
	.endp pg_deadline_start

/* pg_deadline_passed(d) -> r8: one look at the clock; 1 when the deadline has passed */
	.global pg_deadline_passed
	.proc pg_deadline_passed
pg_deadline_passed:
	ENTER 1, 2, 3
	CALL pg_rtc_now
	cmp.ne p6, p0 = 0, r8
	mov out0 = in0
	mov out1 = 0
	mov out2 = r9
	mov r8 = 0
(p6)	br.cond.dpnt .Ldp_done
	CALL look
	;;
.Ldp_done:
	LEAVE
	.endp pg_deadline_passed
