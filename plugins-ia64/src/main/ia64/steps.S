/*
 * The generic step kinds this image implements (FORMAT.md section 3; the C original is runtime.c):
 * console (1), print (2), verify-digests (3), copy (4), swap (5), halt (17). Each takes the step record's
 * address and returns r8 = 0 (done) or 1 (failed, the reason set with pg_fail_set/pg_fail_add).
 * Memory is physical and read directly (purgatory runs in physical mode).
 */
	.include "macros.inc"

	.text

/* console (1): u64 uart port base (0 = none), u64 baud divisor */
	.global pg_step_console
	.proc pg_step_console
pg_step_console:
	ENTER 1, 4, 3
	adds r14 = 16, in0
	adds r15 = 24, in0
	;;
	ld8 loc2 = [r14]
	ld8 loc3 = [r15]
	movl r16 = 0xfff8
	;;
	cmp.ltu p6, p0 = r16, loc2
	;;
(p6)	br.cond.dpnt .Lsc_bad_port
	mov out0 = loc2
	mov out1 = loc3
	CALL pg_console_init
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lsc_bad_divisor
	SAY str_banner
	adds r14 = CTX_NSTEPS, r6
	;;
	ld8 r14 = [r14]
	;;
	PUTDEC r14
	PUTS str_budget
	adds r14 = CTX_BUDGET, r6
	;;
	ld8 r14 = [r14]
	;;
	PUTDEC r14
	PUTS str_us
	br.cond.sptk .Lsc_check_dead
	;;
.Lsc_bad_port:
	FAIL_SET str_bad_port, NUM_HEX, loc2
	mov r8 = 1
	br.cond.sptk .Lsc_done
	;;
.Lsc_bad_divisor:
	FAIL_SET str_bad_divisor, NUM_DEC, loc3
	mov r8 = 1
	br.cond.sptk .Lsc_done
	;;
.Lsc_check_dead:                        /* shared with print: a console that went silent fails the step */
	adds r14 = CTX_DEAD, r6
	mov r8 = 0
	;;
	ld8 r14 = [r14]
	;;
	cmp.eq p6, p0 = 0, r14
(p6)	br.cond.dptk .Lsc_done
	FAIL_SET str_timed_out, NUM_NONE, r0
	mov r8 = 1
	;;
.Lsc_done:
	LEAVE
	.endp pg_step_console
	STR str_banner, "handoff v1, "
	STR str_budget, " steps, budget "
	STR str_us, " us\n"
	STR str_bad_port, "bad uart port "
	STR str_bad_divisor, "bad baud divisor "
	STR str_timed_out, "console write timed out"

/* print (2): u64 n, then n bytes of text */
	.global pg_step_print
	.proc pg_step_print
pg_step_print:
	ENTER 1, 2, 3
	adds r14 = 16, in0
	adds out0 = 24, in0
	;;
	ld8 out1 = [r14]
	CALL pg_putn
	adds r14 = CTX_DEAD, r6
	mov r8 = 0
	;;
	ld8 r14 = [r14]
	;;
	cmp.eq p6, p0 = 0, r14
(p6)	br.cond.dptk .Lsp_done
	FAIL_SET str_timed_out, NUM_NONE, r0
	mov r8 = 1
	;;
.Lsp_done:
	LEAVE
	.endp pg_step_print

/* rtc (6): u64 index port, u64 data port: where the CMOS clock is; bounded waits use it from now on */
	.global pg_step_rtc
	.proc pg_step_rtc
pg_step_rtc:
	ENTER 1, 5, 3
	adds r14 = 16, in0
	adds r15 = 24, in0
	adds r16 = CTX_RTC_ON, r6
	;;
	ld8 loc2 = [r14]                /* index */
	ld8 loc3 = [r15]                /* data */
	st8 [r16] = r0
	movl r17 = 0xffff
	;;
	cmp.ltu p6, p0 = r17, loc2
	cmp.ltu p7, p0 = r17, loc3
	;;
(p6)	br.cond.dpnt .Lrt_bad_index
(p7)	br.cond.dpnt .Lrt_bad_data
	mov out0 = loc2
	mov out1 = 0x0b                 /* register B */
	CALL pg_outb
	mov out0 = loc3
	CALL pg_inb
	mov loc4 = r8
	tbit.nz p6, p0 = r8, 7          /* SET: the clock does not advance (or nothing answers: 0xff) */
(p6)	br.cond.dpnt .Lrt_not_running
	adds r14 = CTX_RTC_INDEX, r6
	adds r15 = CTX_RTC_DATA, r6
	adds r16 = CTX_RTC_REGB, r6
	adds r17 = CTX_RTC_ON, r6
	mov r18 = 1
	;;
	st8 [r14] = loc2
	st8 [r15] = loc3
	st8 [r16] = loc4
	st8 [r17] = r18
	SAY str_rtc_at
	PUTHEX loc2
	tbit.nz p6, p7 = loc4, 2
	LA r14, str_binary
	LA r15, str_bcd
	;;
	mov out0 = r15
	;;
(p6)	mov out0 = r14
	;;
	CALL pg_puts
	tbit.nz p6, p7 = loc4, 1
	LA r14, str_24h
	LA r15, str_12h
	;;
	mov out0 = r15
	;;
(p6)	mov out0 = r14
	;;
	CALL pg_puts
	mov r8 = 0
	br.cond.sptk .Lrt_done
	;;
.Lrt_bad_index:
	FAIL_SET str_bad_rtc_port, NUM_HEX, loc2
	mov r8 = 1
	br.cond.sptk .Lrt_done
	;;
.Lrt_bad_data:
	FAIL_SET str_bad_rtc_port, NUM_HEX, loc3
	mov r8 = 1
	br.cond.sptk .Lrt_done
	;;
.Lrt_not_running:
	FAIL_SET str_rtc_not_running, NUM_HEX, loc4
	mov r8 = 1
	;;
.Lrt_done:
	LEAVE
	.endp pg_step_rtc
	STR str_rtc_at, "rtc at "
	STR str_binary, ", binary"
	STR str_bcd, ", bcd"
	STR str_24h, ", 24h\n"
	STR str_12h, ", 12h\n"
	STR str_bad_rtc_port, "bad rtc port "
	STR str_rtc_not_running, "rtc not running, register B "

/* halt (17): u64 reason; never returns */
	.global pg_step_halt
	.proc pg_step_halt
pg_step_halt:
	alloc r15 = ar.pfs, 1, 0, 1, 0
	;;
	adds r14 = 16, in0
	;;
	ld8 out0 = [r14]
	;;
	br.call.sptk.many b0 = pg_halt  /* never returns */
	;;
	.endp pg_step_halt

/* pg_wraps(a, len) -> p-free result in r8: 1 when [a, a + len) wraps the address space (leaf) */
	.proc pg_wraps
pg_wraps:
	add r14 = r32, r33
	mov r8 = 0
	cmp.eq p6, p0 = 0, r33
	;;
	adds r14 = -1, r14
(p6)	br.ret.dpnt.many b0
	;;
	cmp.ltu p7, p0 = r14, r32
	;;
(p7)	mov r8 = 1
	br.ret.sptk.many b0
	.endp pg_wraps

/* copy (4) and swap (5): u64 a (src), u64 b (dst), u64 length; the ranges may not overlap */
	.global pg_step_copy, pg_step_swap
	.proc pg_step_copy
pg_step_copy:
	ENTER 1, 7, 3
	mov loc6 = 0
	br.cond.sptk .Lcp_start
	;;
pg_step_swap:
	ENTER 1, 7, 3
	mov loc6 = 1
	;;
.Lcp_start:
	adds r14 = 16, in0
	adds r15 = 24, in0
	adds r16 = 32, in0
	;;
	ld8 loc2 = [r14]                /* a */
	ld8 loc3 = [r15]                /* b */
	ld8 loc4 = [r16]                /* length */
	;;
	mov out0 = loc2
	mov out1 = loc4
	CALL pg_wraps
	mov loc5 = r8
	mov out0 = loc3
	mov out1 = loc4
	CALL pg_wraps
	or r8 = r8, loc5
	;;
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lcp_wraps
	;;
	cmp.eq p6, p0 = 0, loc4         /* overlap: len && (a < b ? b - a < len : a - b < len) */
	cmp.ltu p7, p8 = loc2, loc3
	sub r14 = loc3, loc2
	sub r15 = loc2, loc3
	;;
(p8)	mov r14 = r15
	;;
	cmp.ltu p9, p0 = r14, loc4
	;;
(p6)	cmp.ne p9, p0 = r0, r0
	;;
(p9)	br.cond.dpnt .Lcp_overlap
	mov r14 = loc2
	mov r15 = loc3
	mov r16 = loc4
	cmp.ne p7, p0 = 0, loc6
	;;
.Lcp_byte:
	cmp.eq p6, p0 = 0, r16
(p6)	br.cond.dpnt .Lcp_said
	ld1 r17 = [r14]
	ld1 r18 = [r15]
	adds r16 = -1, r16
	;;
	st1 [r15] = r17, 1
(p7)	st1 [r14] = r18
	;;
	adds r14 = 1, r14
	br.cond.sptk .Lcp_byte
	;;
.Lcp_said:
	cmp.ne p7, p8 = 0, loc6
	LA r14, str_swapped
	LA r15, str_copied
	;;
	mov out0 = r15
	;;
(p7)	mov out0 = r14
	;;
	CALL pg_say
	PUTDEC loc4
	PUTS str_bytes
	PUTHEX loc2
	LA r14, str_swap_arrow
	LA r15, str_copy_arrow
	cmp.ne p7, p0 = 0, loc6
	;;
	mov out0 = r15
	;;
(p7)	mov out0 = r14
	;;
	CALL pg_puts
	PUTHEX loc3
	PUTC 10
	mov r8 = 0
	br.cond.sptk .Lcp_done
	;;
.Lcp_wraps:
	FAIL_SET str_wraps, NUM_NONE, r0
	mov r8 = 1
	br.cond.sptk .Lcp_done
	;;
.Lcp_overlap:
	FAIL_SET str_overlap, NUM_NONE, r0
	mov r8 = 1
	;;
.Lcp_done:
	LEAVE
	.endp pg_step_copy
	STR str_copied, "copied "
	STR str_swapped, "swapped "
	STR str_bytes, " bytes "
	STR str_copy_arrow, " -> "
	STR str_swap_arrow, " <-> "
	STR str_wraps, "range wraps the address space"
	STR str_overlap, "overlapping ranges"

/* verify-digests (3): u64 chunk_size, u64 segment_count, then per segment u64 mem, bufsz, memsz,
 * chunk_count and chunk_count x 32-byte SHA-256 digests; chunk k covers [mem + k*chunk, min(bufsz, (k+1)*chunk));
 * the tail [mem + bufsz, mem + memsz) must be zero */
	.global pg_step_verify
	.proc pg_step_verify
pg_step_verify:
	ENTER 1, 14, 3
	adds r14 = 16, in0
	adds r15 = 24, in0
	adds loc2 = 32, in0             /* p: the segment record */
	;;
	ld8 loc3 = [r14]                /* chunk size */
	ld8 loc4 = [r15]                /* segments */
	mov loc5 = 0                    /* segment index */
	mov loc6 = 0                    /* chunks in all */
	;;
	cmp.eq p6, p0 = 0, loc3
(p6)	br.cond.dpnt .Lv_chunk0
	;;
.Lv_seg:
	cmp.eq p6, p0 = loc5, loc4
(p6)	br.cond.dpnt .Lv_ok
	mov r14 = loc2
	;;
	ld8 loc7 = [r14], 8             /* mem */
	;;
	ld8 loc8 = [r14], 8             /* bufsz */
	;;
	ld8 loc9 = [r14], 8             /* memsz */
	;;
	ld8 loc10 = [r14], 8            /* chunk count */
	;;
	mov loc11 = r14                 /* the digests */
	cmp.ltu p6, p0 = loc9, loc8
	mov out0 = loc7
	mov out1 = loc9
	;;
(p6)	br.cond.dpnt .Lv_sizes
	CALL pg_wraps
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lv_sizes
	/* chunks expected = ceil(bufsz / chunk): count chunk-size steps (no divide instruction) */
	mov r14 = 0                     /* start of chunk */
	mov r15 = 0                     /* chunks */
	;;
.Lv_count:
	cmp.leu p6, p0 = loc8, r14
(p6)	br.cond.dpnt .Lv_counted
	adds r15 = 1, r15
	add r16 = r14, loc3
	;;
	cmp.ltu p7, p0 = r16, r14       /* the next start would wrap: this was the last chunk */
(p7)	br.cond.dpnt .Lv_counted
	mov r14 = r16
	cmp.ltu p8, p0 = loc10, r15     /* more than the record lists: wrong already */
(p8)	br.cond.dpnt .Lv_counted
	br.cond.sptk .Lv_count
	;;
.Lv_counted:
	cmp.ne p6, p0 = r15, loc10
(p6)	br.cond.dpnt .Lv_count_bad
	mov loc12 = 0                   /* chunk index */
	mov loc13 = 0                   /* chunk start offset */
	;;
.Lv_chunk:
	cmp.eq p6, p0 = loc12, loc10
(p6)	br.cond.dpnt .Lv_tail
	sub r14 = loc8, loc13           /* bufsz - start */
	add out0 = loc7, loc13
	;;
	mov out1 = loc3
	cmp.ltu p7, p0 = r14, loc3
	;;
(p7)	mov out1 = r14
	adds out2 = CTX_DIGEST, r6
	CALL pg_sha256
	adds r14 = CTX_DIGEST, r6
	mov r15 = loc11
	mov r16 = 32
	;;
.Lv_cmp:
	ld1 r17 = [r14], 1
	ld1 r18 = [r15], 1
	adds r16 = -1, r16
	;;
	cmp.ne p6, p0 = r17, r18
	cmp.eq p7, p0 = 0, r16
(p6)	br.cond.dpnt .Lv_mismatch
(p7)	br.cond.dpnt .Lv_chunk_ok
	br.cond.sptk .Lv_cmp
	;;
.Lv_chunk_ok:
	adds loc11 = 32, loc11
	adds loc12 = 1, loc12
	add loc13 = loc13, loc3
	br.cond.sptk .Lv_chunk
	;;
.Lv_tail:                               /* [mem + bufsz, mem + memsz) must be zero */
	add r14 = loc7, loc8
	sub r15 = loc9, loc8
	;;
.Lv_tail_byte:
	cmp.eq p6, p0 = 0, r15
(p6)	br.cond.dpnt .Lv_seg_done
	ld1 r16 = [r14]
	adds r15 = -1, r15
	;;
	cmp.ne p7, p0 = 0, r16
(p7)	br.cond.dpnt .Lv_nonzero
	adds r14 = 1, r14
	br.cond.sptk .Lv_tail_byte
	;;
.Lv_seg_done:
	add loc6 = loc6, loc10
	adds loc5 = 1, loc5
	mov loc2 = loc11
	br.cond.sptk .Lv_seg
	;;
.Lv_ok:
	SAY str_digests_ok
	PUTDEC loc4
	PUTS str_segments
	PUTDEC loc6
	PUTS str_chunks
	mov r8 = 0
	br.cond.sptk .Lv_done
	;;
.Lv_mismatch:
	SAY str_mismatch
	PUTDEC loc5
	PUTS str_mem
	PUTHEX loc7
	PUTS str_chunk
	PUTDEC loc12
	PUTS str_at
	add r14 = loc7, loc13
	;;
	PUTHEX r14
	PUTC 10
	FAIL_SET str_digest_mismatch, NUM_NONE, r0
	mov r8 = 1
	br.cond.sptk .Lv_done
	;;
.Lv_nonzero:
	mov loc12 = r14
	SAY str_nonzero
	PUTDEC loc5
	PUTS str_at
	PUTHEX loc12
	PUTC 10
	FAIL_SET str_nonzero_tail, NUM_NONE, r0
	mov r8 = 1
	br.cond.sptk .Lv_done
	;;
.Lv_chunk0:
	FAIL_SET str_chunk0, NUM_NONE, r0
	mov r8 = 1
	br.cond.sptk .Lv_done
	;;
.Lv_sizes:
	FAIL_SET str_bad_sizes, NUM_DEC, loc5
	mov r8 = 1
	br.cond.sptk .Lv_done
	;;
.Lv_count_bad:
	FAIL_SET str_wrong_count, NUM_DEC, loc5
	mov r8 = 1
	;;
.Lv_done:
	LEAVE
	.endp pg_step_verify
	STR str_digests_ok, "digests ok ("
	STR str_segments, " segments, "
	STR str_chunks, " chunks)\n"
	STR str_mismatch, "digest mismatch in segment "
	STR str_mem, " (mem "
	STR str_chunk, ") chunk "
	STR str_at, " at "
	STR str_nonzero, "non-zero byte in zero tail of segment "
	STR str_digest_mismatch, "digest mismatch"
	STR str_nonzero_tail, "non-zero zero tail"
	STR str_chunk0, "chunk size 0"
	STR str_bad_sizes, "bad sizes in segment "
	STR str_wrong_count, "wrong chunk count in segment "
