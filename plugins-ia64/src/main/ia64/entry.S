/*
 * The entry point, the parameter-area validation and the step interpreter (FORMAT.md sections 2 to 4;
 * the C original is runtime.c). Entered as Linux's relocate_new_kernel leaves the CPU: physical mode,
 * interrupts off, r28 = the old boot_param. Purgatory never returns, so it takes its own stacks (the
 * image's stack area: register backing store at the bottom, memory stack at the top).
 */
	.include "macros.inc"

PARAM_MAGIC   = 0x50504F48
PARAM_HEADER  = 0x30
STEP_HEADER   = 16
HALT_NO_HANDOFF = 0xFF01
HALT_BAD_PROGRAM = 0xFF10

	.section .text.entry, "ax"
	.global purgatory_entry
	.proc purgatory_entry
purgatory_entry:
	mov r7 = r28                    /* the old boot_param, before anything else */
	mov r3 = ip                     /* this bundle is at base + 64: the first code after the header */
	;;                              /* (build-image.sh checks entry_offset == 64) */
	adds r4 = -64, r3
	;;
	adds r14 = 0x18, r4
	adds r15 = 0x14, r4
	;;
	ld4 r14 = [r14]                 /* image_size */
	ld4 r15 = [r15]                 /* stack_size */
	;;
	add r16 = r4, r14               /* end of the image = top of the stack area */
	;;
	sub r17 = r16, r15              /* bottom of the stack area: the register backing store */
	adds r12 = -16, r16             /* memory stack, 16 bytes of scratch above it */
	;;
	dep r12 = 0, r12, 0, 4
	cover                           /* drop the caller's register frames: nothing here returns */
	;;
	mov ar.rsc = 0                  /* enforced lazy, loadrs = 0 */
	;;
	loadrs                          /* invalidates the dirty registers (nothing is written) */
	;;
	mov ar.bspstore = r17
	;;
	mov ar.rsc = 3                  /* eager */
	;;
	alloc r14 = ar.pfs, 0, 0, 0, 0
	br.sptk.many pg_main
	;;
	.endp purgatory_entry

	.text

/* pg_main: never returns */
	.proc pg_main
pg_main:
	alloc loc0 = ar.pfs, 0, 8, 4, 0
	LA r6, pg_ctx
	mov r14 = CTX_SIZE / 8
	;;
	mov r15 = r6
	;;
.Lm_zero:
	st8 [r15] = r0, 8
	adds r14 = -1, r14
	;;
	cmp.ne p6, p0 = 0, r14
(p6)	br.cond.sptk .Lm_zero
	;;
	adds r14 = CTX_OLDBP, r6
	adds r15 = 0x0C, r4
	adds r16 = 0x10, r4
	;;
	st8 [r14] = r7
	ld4 r15 = [r15]                 /* param_offset */
	ld4 loc2 = [r16]                /* param_size */
	;;
	add r5 = r4, r15
	;;
	/* validation, in runtime.c's order: magic, version, lengths, then every record and operand */
	mov out0 = 1
	cmp.gtu p6, p0 = 4, loc2
(p6)	br.cond.dpnt .Lm_refused_3
	ld4 r14 = [r5]
	movl r15 = PARAM_MAGIC
	;;
	cmp.ne p6, p0 = r14, r15
(p6)	br.cond.dpnt .Lm_refused
	;;
	mov out0 = 2
	cmp.gtu p6, p0 = 6, loc2
(p6)	br.cond.dpnt .Lm_refused_3
	adds r14 = 4, r5
	;;
	ld2 r14 = [r14]
	;;
	cmp.ne p6, p0 = 1, r14
(p6)	br.cond.dpnt .Lm_refused
	;;
	cmp.gtu p6, p0 = PARAM_HEADER, loc2
(p6)	br.cond.dpnt .Lm_refused_3
	adds r14 = 0x14, r5
	;;
	ld4 loc3 = [r14]                /* total_length */
	;;
	cmp.gtu p6, p0 = PARAM_HEADER, loc3
	cmp.ltu p7, p0 = loc2, loc3
	;;
(p6)	br.cond.dpnt .Lm_refused_3
(p7)	br.cond.dpnt .Lm_refused_3
	adds r14 = 6, r5
	adds r15 = 8, r5
	adds r16 = 0x0C, r5
	adds r17 = 0x10, r5
	;;
	ld2 loc4 = [r14]                /* main step_count */
	ld4 loc5 = [r15]                /* steps_offset */
	ld4 loc6 = [r16]                /* fallback_count */
	ld4 loc7 = [r17]                /* fallback_offset */
	;;
	mov out0 = loc3
	mov out1 = loc5
	mov out2 = loc4
	CALL pg_check_list
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lm_refused_3
	mov out0 = loc3
	mov out1 = loc7
	mov out2 = loc6
	CALL pg_check_list
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lm_refused_3
	adds r14 = CTX_NSTEPS, r6
	adds r15 = CTX_BUDGET, r6
	adds r16 = 0x18, r5
	adds r17 = 0x20, r5
	;;
	st8 [r14] = loc4
	ld8 r16 = [r16]
	ld8 r17 = [r17]
	adds r18 = CTX_CAP, r6
	;;
	st8 [r15] = r16
	st8 [r18] = r17
	mov out0 = loc5
	mov out1 = loc4
	mov out2 = 0
	CALL pg_run_list
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lm_fallback
	SAY str_ended
	;;
.Lm_fallback:
	mov out0 = loc7
	mov out1 = loc6
	mov out2 = 1
	CALL pg_run_list
	SAY str_fb_ended
	movl out0 = HALT_NO_HANDOFF
	;;
	CALL pg_halt                    /* never returns */
.Lm_refused_3:
	mov out0 = 3
	;;
.Lm_refused:                            /* halt 0xFF10 | -result, before any console exists */
	movl r14 = HALT_BAD_PROGRAM
	;;
	or out0 = out0, r14
	;;
	CALL pg_halt                    /* never returns */
	.endp pg_main
	STR str_ended, "program ended without a handoff; running fallback\n"
	STR str_fb_ended, "fallback ended without a handoff\n"

/* pg_halt(reason): prints the reason, waits for the UART, stops at purgatory_halted with r8 = reason */
	.global pg_halt
	.proc pg_halt
pg_halt:
	alloc loc0 = ar.pfs, 1, 2, 1, 0
	SAY str_halt
	PUTDEC in0
	PUTC 10
	CALL pg_console_flush
	mov r8 = in0
	;;
	.global purgatory_halted
purgatory_halted:                       /* a simulator harness stops here; r8 = the reason */
	hint @pause
	br.sptk.few purgatory_halted
	;;
	.endp pg_halt
	STR str_halt, "halt, reason "

/* pg_check_list(total, off, count) -> r8: 0, or 1 when a record or an operand runs past total_length */
	.proc pg_check_list
pg_check_list:
	ENTER 3, 5, 3
	mov r8 = 0
	;;
.Lcl_next:
	cmp.eq p6, p0 = 0, in2
(p6)	br.cond.dpnt .Lcl_done
	mov r8 = 1
	and r14 = 7, in1
	sub r15 = in0, in1              /* total - off */
	;;
	cmp.ne p6, p0 = 0, r14
	cmp.gtu p7, p0 = PARAM_HEADER, in1
	cmp.ltu p8, p0 = in0, in1
	;;
(p6)	br.cond.dpnt .Lcl_done
(p7)	br.cond.dpnt .Lcl_done
(p8)	br.cond.dpnt .Lcl_done
	cmp.gtu p6, p0 = STEP_HEADER, r15
(p6)	br.cond.dpnt .Lcl_done
	add loc2 = r5, in1              /* the record */
	;;
	adds r16 = 4, loc2
	ld2 out0 = [loc2]
	;;
	ld4 loc3 = [r16]                /* length */
	;;
	and r14 = 7, loc3
	cmp.gtu p6, p0 = STEP_HEADER, loc3
	cmp.ltu p7, p0 = r15, loc3
	;;
	cmp.ne p8, p0 = 0, r14
(p6)	br.cond.dpnt .Lcl_done
(p7)	br.cond.dpnt .Lcl_done
(p8)	br.cond.dpnt .Lcl_done
	mov out1 = loc2
	mov out2 = loc3
	CALL pg_operands_fit
	cmp.eq p6, p0 = 0, r8
	mov r8 = 1
(p6)	br.cond.dpnt .Lcl_done
	;;
	add in1 = in1, loc3
	adds in2 = -1, in2
	mov r8 = 0
	br.cond.sptk .Lcl_next
	;;
.Lcl_done:
	LEAVE
	.endp pg_check_list

/* pg_operands_fit(kind, step, len) -> r8: 1 when the kind's operands lie inside the record.
 * Kinds this image does not implement are unknown kinds: they fit here and fail when run. */
	.proc pg_operands_fit
pg_operands_fit:
	mov r8 = 1
	cmp.eq p6, p0 = 1, r32          /* console: 2 operands */
	cmp.eq p14, p0 = 6, r32         /* rtc: 2 */
	cmp.eq p7, p0 = 4, r32          /* copy: 3 */
	cmp.eq p8, p0 = 5, r32          /* swap: 3 */
	cmp.eq p9, p0 = 17, r32         /* halt: 1 */
	cmp.eq p15, p0 = 18, r32        /* reset: 1 (validated as runtime.c does, though this image runs it as unknown) */
	cmp.eq p10, p0 = 48, r32        /* ia64-boot-param: 4 */
	cmp.eq p11, p0 = 49, r32        /* ia64-efi-memmap: 5 */
	cmp.eq p12, p0 = 50, r32        /* ia64-svam-hook: 2 */
	cmp.eq p13, p0 = 51, r32        /* ia64-jump: 2 */
	mov r14 = STEP_HEADER
	;;
(p6)	mov r14 = STEP_HEADER + 16
	;;
(p14)	mov r14 = STEP_HEADER + 16
	;;
(p7)	mov r14 = STEP_HEADER + 24
	;;
(p8)	mov r14 = STEP_HEADER + 24
	;;
(p9)	mov r14 = STEP_HEADER + 8
	;;
(p15)	mov r14 = STEP_HEADER + 8
	;;
(p10)	mov r14 = STEP_HEADER + 32
	;;
(p11)	mov r14 = STEP_HEADER + 40
	;;
(p12)	mov r14 = STEP_HEADER + 16
	;;
(p13)	mov r14 = STEP_HEADER + 16
	;;
	cmp.eq p6, p0 = 2, r32
	cmp.eq p7, p0 = 3, r32
	cmp.eq p9, p0 = 7, r32
	cmp.eq p10, p0 = 8, r32
	;;
	cmp.ltu p8, p0 = r34, r14
	;;
(p8)	mov r8 = 0
(p6)	br.cond.dpnt .Lof_print
(p7)	br.cond.dpnt .Lof_verify
(p9)	br.cond.dpnt .Lof_ipmi
(p10)	br.cond.dpnt .Lof_cpu_ip
	br.ret.sptk.many b0
	;;
.Lof_ipmi:                              /* transport (40), u64 n, n bytes padded to 8, u64 l, l bytes */
	mov r8 = 0
	cmp.gtu p8, p0 = STEP_HEADER + 48, r34
(p8)	br.ret.dpnt.many b0
	adds r14 = STEP_HEADER + 40, r33
	adds r15 = -(STEP_HEADER + 48), r34   /* len - pos */
	;;
	ld8 r14 = [r14]                 /* n */
	;;
	cmp.ltu p8, p0 = r15, r14
(p8)	br.ret.dpnt.many b0
	adds r16 = 7, r14
	;;
	dep r16 = 0, r16, 0, 3          /* pad8(n) */
	;;
	sub r15 = r15, r16
	adds r17 = STEP_HEADER + 48, r16
	;;
	cmp.gtu p8, p0 = 8, r15
	add r17 = r33, r17
(p8)	br.ret.dpnt.many b0
	;;
	ld8 r17 = [r17]                 /* l */
	adds r15 = -8, r15
	;;
	cmp.geu p9, p0 = r15, r17
	;;
(p9)	mov r8 = 1
	br.ret.sptk.many b0
	;;
.Lof_cpu_ip:                            /* transport (40), flags, ip offset, count C, C x 16 bytes */
	mov r8 = 0
	cmp.gtu p8, p0 = STEP_HEADER + 64, r34
(p8)	br.ret.dpnt.many b0
	adds r14 = STEP_HEADER + 56, r33
	adds r15 = -(STEP_HEADER + 64), r34
	;;
	ld8 r14 = [r14]
	shr.u r15 = r15, 4
	;;
	cmp.geu p9, p0 = r15, r14
	;;
(p9)	mov r8 = 1
	br.ret.sptk.many b0
	;;
.Lof_print:                             /* u64 n, then n bytes */
	mov r8 = 0
	cmp.gtu p8, p0 = STEP_HEADER + 8, r34
(p8)	br.ret.dpnt.many b0
	adds r14 = 16, r33
	adds r15 = -(STEP_HEADER + 8), r34
	;;
	ld8 r14 = [r14]
	;;
	cmp.geu p8, p0 = r15, r14
	;;
(p8)	mov r8 = 1
	br.ret.sptk.many b0
	;;
.Lof_verify:                            /* chunk, count, then count x {mem, bufsz, memsz, chunks, digests} */
	mov r8 = 0
	cmp.gtu p8, p0 = STEP_HEADER + 16, r34
(p8)	br.ret.dpnt.many b0
	adds r14 = 24, r33
	mov r15 = STEP_HEADER + 16      /* pos */
	;;
	ld8 r14 = [r14]                 /* segments */
	;;
.Lof_seg:
	cmp.eq p8, p0 = 0, r14
	sub r16 = r34, r15              /* len - pos */
	;;
(p8)	mov r8 = 1
(p8)	br.ret.dpnt.many b0
	cmp.gtu p9, p0 = 32, r16
(p9)	br.ret.dpnt.many b0
	add r17 = r33, r15
	adds r16 = -32, r16
	;;
	adds r17 = 24, r17
	shr.u r16 = r16, 5              /* digests that fit */
	;;
	ld8 r17 = [r17]                 /* chunks */
	;;
	cmp.ltu p9, p0 = r16, r17
	shl r18 = r17, 5
(p9)	br.ret.dpnt.many b0
	;;
	add r15 = r15, r18
	adds r14 = -1, r14
	;;
	adds r15 = 32, r15
	br.cond.sptk .Lof_seg
	;;
	.endp pg_operands_fit

/* pg_run_list(off, count, fallback) -> r8: 1 when a REQUIRED main step failed */
	.proc pg_run_list
pg_run_list:
	ENTER 3, 6, 3
	mov loc2 = 0                    /* index */
	;;
.Lrl_next:
	cmp.eq p6, p0 = loc2, in1
	mov r8 = 0
(p6)	br.cond.dpnt .Lrl_done
	add loc3 = r5, in0              /* the record */
	adds r14 = CTX_FAILN, r6
	;;
	st8 [r14] = r0
	ld2 loc4 = [loc3]               /* kind */
	mov out0 = loc3
	;;
	mov out1 = loc4
	CALL pg_run_step
	cmp.eq p6, p0 = 0, r8
(p6)	br.cond.dptk .Lrl_step_done
	cmp.ne p7, p0 = 0, in2
	LA r14, str_fb_step
	LA r15, str_step
	;;
	mov out0 = r15
	;;
(p7)	mov out0 = r14
	;;
	CALL pg_say
	PUTDEC loc2
	mov out0 = loc4
	;;
	CALL pg_put_kind
	PUTS str_failed
	CALL pg_put_fail
	adds r14 = 2, loc3
	;;
	ld2 r14 = [r14]
	;;
	cmp.eq p7, p0 = 0, in2          /* a main step ... */
	;;
(p7)	tbit.nz p7, p0 = r14, 0         /* ... that is REQUIRED */
	;;
(p7)	br.cond.dpnt .Lrl_required
	PUTS str_continuing
	br.cond.sptk .Lrl_step_done
	;;
.Lrl_required:
	PUTS str_running_fb
	mov r8 = 1
	br.cond.sptk .Lrl_done
	;;
.Lrl_step_done:
	adds r14 = 4, loc3
	adds loc2 = 1, loc2
	;;
	ld4 r14 = [r14]
	;;
	add in0 = in0, r14
	br.cond.sptk .Lrl_next
	;;
.Lrl_done:
	LEAVE
	.endp pg_run_list
	STR str_step, "step "
	STR str_fb_step, "fallback step "
	STR str_failed, ") failed: "
	STR str_continuing, "; continuing\n"
	STR str_running_fb, "; running fallback\n"

/* pg_put_kind(kind): " (NAME" for a kind this image implements, NAME the id the framework declares (GenericStep,
 * Ia64Steps; steps-ia64.c's hal_arch_step_name says the same), else " (kind N" (FORMAT.md section 4). One
 * comparison and one string per kind, as pg_run_step: no table of addresses. */
	.proc pg_put_kind
pg_put_kind:
	ENTER 1, 3, 1
	.irp k, 1, 2, 3, 4, 5, 6, 7, 8, 17, 48, 49, 50, 51
	cmp.eq p6, p0 = \k, in0
(p6)	br.cond.dpnt .Lpk_kind_\k
	;;
	.endr
	PUTS str_kind
	PUTDEC in0
	br.cond.sptk .Lpk_done
	;;
	.macro PK_CASE k
.Lpk_kind_\k:
	LA loc2, str_kind_\k
	br.cond.sptk .Lpk_named
	;;
	.endm
	.irp k, 1, 2, 3, 4, 5, 6, 7, 8, 17, 48, 49, 50, 51
	PK_CASE \k
	.endr
.Lpk_named:
	PUTS str_open
	mov out0 = loc2
	;;
	CALL pg_puts
.Lpk_done:
	LEAVE
	.endp pg_put_kind
	STR str_kind, " (kind "
	STR str_open, " ("
	STR str_kind_1, "console"
	STR str_kind_2, "print"
	STR str_kind_3, "verify-digests"
	STR str_kind_4, "copy"
	STR str_kind_5, "swap"
	STR str_kind_6, "rtc"
	STR str_kind_7, "ipmi-request"
	STR str_kind_8, "cpu-ip-records"
	STR str_kind_17, "halt"
	STR str_kind_48, "ia64-boot-param"
	STR str_kind_49, "ia64-efi-memmap"
	STR str_kind_50, "ia64-svam-hook"
	STR str_kind_51, "ia64-jump"

/* pg_run_step(step, kind) -> r8: 0 done, 1 failed (reason in the context). Predicates do not survive a
 * call, so each kind has its own call site. */
	.proc pg_run_step
pg_run_step:
	ENTER 2, 2, 3
	mov out0 = in0
	;;
	.irp k, 1, 2, 3, 4, 5, 6, 7, 8, 17, 48, 49, 50, 51
	cmp.eq p6, p0 = \k, in1
(p6)	br.cond.dpnt .Lrs_kind_\k
	;;
	.endr
	FAIL_SET str_unknown, NUM_DEC, in1
	mov r8 = 1
	br.cond.sptk .Lrs_done
	;;
	.macro RS_CASE k, f
.Lrs_kind_\k:
	CALL \f
	br.cond.sptk .Lrs_done
	;;
	.endm
	RS_CASE 1, pg_step_console
	RS_CASE 2, pg_step_print
	RS_CASE 3, pg_step_verify
	RS_CASE 4, pg_step_copy
	RS_CASE 5, pg_step_swap
	RS_CASE 6, pg_step_rtc
	RS_CASE 7, pg_step_ipmi
	RS_CASE 8, pg_step_cpu_ip
	RS_CASE 17, pg_step_halt
	RS_CASE 48, pg_step_boot_param
	RS_CASE 49, pg_step_efi_memmap
	RS_CASE 50, pg_step_svam_hook
	RS_CASE 51, pg_step_jump
.Lrs_done:
	LEAVE
	.endp pg_run_step
	STR str_unknown, "unknown step kind "

/* pg_fail_set(text, kind, number): the failure reason is this one part; pg_fail_add appends a part */
	.global pg_fail_set, pg_fail_add
	.proc pg_fail_set
pg_fail_set:
	adds r14 = CTX_FAIL_MUTE, r6
	adds r15 = CTX_FAILN, r6
	;;
	ld8 r14 = [r14]
	;;
	cmp.ne p6, p0 = 0, r14
(p6)	br.ret.dpnt.many b0
	st8 [r15] = r0
	;;
pg_fail_add:
	adds r14 = CTX_FAIL_MUTE, r6
	;;
	ld8 r14 = [r14]
	;;
	cmp.ne p6, p0 = 0, r14
(p6)	br.ret.dpnt.many b0
	adds r14 = CTX_FAILN, r6
	;;
	ld8 r15 = [r14]
	;;
	shladd r16 = r15, 1, r15        /* 3 x parts */
	adds r15 = 1, r15
	;;
	shladd r16 = r16, 3, r6         /* + 8 x 3 x parts */
	st8 [r14] = r15
	;;
	adds r16 = CTX_FAIL, r16
	;;
	st8 [r16] = r32, 8
	;;
	st8 [r16] = r33, 8
	;;
	st8 [r16] = r34
	br.ret.sptk.many b0
	.endp pg_fail_set

/* pg_put_fail(): prints the failure reason's parts */
	.global pg_put_fail
	.proc pg_put_fail
pg_put_fail:
	ENTER 0, 5, 1
	adds r14 = CTX_FAILN, r6
	adds loc3 = CTX_FAIL, r6
	;;
	ld8 loc2 = [r14]
	;;
.Lpf_next:
	cmp.eq p6, p0 = 0, loc2
(p6)	br.cond.dpnt .Lpf_done
	ld8 out0 = [loc3], 8
	;;
	ld8 loc4 = [loc3], 8
	CALL pg_puts
	ld8 out0 = [loc3], 8
	cmp.eq p6, p0 = NUM_DEC, loc4
	cmp.eq p7, p0 = NUM_HEX, loc4
	;;
(p6)	br.cond.dpnt .Lpf_dec                  /* predicates do not survive a call: separate call sites */
(p7)	br.cond.dpnt .Lpf_hex
	br.cond.sptk .Lpf_part_done
	;;
.Lpf_dec:
	CALL pg_putdec
	br.cond.sptk .Lpf_part_done
	;;
.Lpf_hex:
	CALL pg_puthex
	;;
.Lpf_part_done:
	adds loc2 = -1, loc2
	br.cond.sptk .Lpf_next
	;;
.Lpf_done:
	LEAVE
	.endp pg_put_fail

/* pg_memcpy(dst, src, n): bytes, ascending (leaf) */
	.global pg_memcpy
	.proc pg_memcpy
pg_memcpy:
	cmp.eq p6, p0 = 0, r34
(p6)	br.ret.dpnt.many b0
	;;
.Lmc_next:
	ld1 r14 = [r33], 1
	adds r34 = -1, r34
	;;
	st1 [r32] = r14, 1
	cmp.ne p6, p0 = 0, r34
(p6)	br.cond.sptk .Lmc_next
	;;
	br.ret.sptk.many b0
	.endp pg_memcpy

	.bss
	.align 16
pg_ctx:
	.skip CTX_SIZE
