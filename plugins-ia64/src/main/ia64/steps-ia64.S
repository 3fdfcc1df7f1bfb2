/*
 * The ia64 architecture kinds 48..51 (/work/ia64-spec.md; kexec-tools' ia64_env_setup and patch_efi_memmap
 * without their bugs). PA(x) drops the region bits (x & 0x0fffffffffffffff) of every pointer read from
 * firmware structures. Each step takes the record's address and returns r8 = 0 / 1 (failed).
 */
	.include "macros.inc"

	.macro PA reg
	dep \reg = 0, \reg, 60, 4
	.endm

EFI_LOADER_DATA  = 2
EFI_CONVENTIONAL = 7
MAX_SEGMENTS     = 64
MAX_MAP          = 0x100000

	.text

/* ia64-boot-param (48): new, command_line, initrd_start, initrd_size */
	.global pg_step_boot_param
	.proc pg_step_boot_param
pg_step_boot_param:
	ENTER 1, 4, 3
	adds r14 = 16, in0
	adds r15 = CTX_OLDBP, r6
	;;
	ld8 loc2 = [r14]                /* new */
	ld8 loc3 = [r15]                /* r28 at entry */
	;;
	PA loc3
	;;
	cmp.eq p6, p0 = 0, loc3
(p6)	br.cond.dpnt .Lbp_none
	mov out0 = loc2
	mov out1 = loc3
	mov out2 = 4096
	CALL pg_memcpy
	adds r14 = 24, in0
	adds r15 = 32, in0
	adds r16 = 40, in0
	;;
	ld8 r14 = [r14]
	ld8 r15 = [r15]
	ld8 r16 = [r16]
	mov r17 = loc2                  /* command_line @0 */
	adds r18 = 48, loc2             /* orig_x @48, orig_y @50 */
	adds r19 = 50, loc2
	adds r20 = 64, loc2             /* initrd_start @64, initrd_size @72 */
	adds r21 = 72, loc2
	adds r22 = 80, loc2             /* vmcode_start @80, vmcode_size @88 (kexec-tools' copy) */
	adds r23 = 88, loc2
	;;
	st8 [r17] = r14
	st2 [r18] = r0
	st2 [r19] = r0
	st8 [r20] = r15
	st8 [r21] = r16
	st8 [r22] = r0
	;;
	st8 [r23] = r0
	SAY str_bp
	PUTHEX loc2
	PUTS str_from_r28
	PUTHEX loc3
	PUTC 10
	mov r8 = 0
	br.cond.sptk .Lbp_done
	;;
.Lbp_none:
	FAIL_SET str_no_bp, NUM_NONE, r0
	mov r8 = 1
	;;
.Lbp_done:
	LEAVE
	.endp pg_step_boot_param
	STR str_bp, "boot_param "
	STR str_from_r28, " from r28 "
	STR str_no_bp, "no boot_param in r28"

/* pg_mm_emit(src, phys, pages, type) -> r8: 0, or 1 when the buffer is full. Copies the whole source
 * descriptor (virt_addr, attribute, pad and any bytes past 40 kept), then sets type, phys_addr, num_pages. */
	.proc pg_mm_emit
pg_mm_emit:
	ENTER 4, 3, 3
	adds r14 = CTX_MM_USED, r6
	adds r15 = CTX_MM_DS, r6
	adds r16 = CTX_MM_CAP, r6
	;;
	ld8 r14 = [r14]
	ld8 r15 = [r15]
	ld8 r16 = [r16]
	;;
	add r17 = r14, r15              /* used after this one */
	mov r8 = 1
	;;
	cmp.ltu p6, p0 = r16, r17
(p6)	br.cond.dpnt .Lme_done
	adds r18 = CTX_MM_USED, r6
	adds r19 = CTX_MM_DST, r6
	;;
	st8 [r18] = r17
	ld8 loc2 = [r19]                /* the output descriptor */
	mov out2 = r15
	;;
	add r20 = loc2, r15
	mov out0 = loc2
	mov out1 = in0
	;;
	st8 [r19] = r20
	CALL pg_memcpy
	adds r14 = 8, loc2
	adds r15 = 24, loc2
	adds r16 = CTX_MM_OUT, r6
	;;
	st4 [loc2] = in3
	st8 [r14] = in1
	st8 [r15] = in2
	ld8 r17 = [r16]
	;;
	adds r17 = 1, r17
	;;
	st8 [r16] = r17
	mov r8 = 0
	;;
.Lme_done:
	LEAVE
	.endp pg_mm_emit

/* ia64-efi-memmap (49): boot_param (new), buffer, capacity, table, count */
	.global pg_step_efi_memmap
	.proc pg_step_efi_memmap
pg_step_efi_memmap:
	ENTER 1, 22, 5
	adds r14 = 16, in0
	adds r15 = 24, in0
	adds r16 = 32, in0
	adds r17 = 40, in0
	adds r18 = 48, in0
	;;
	ld8 loc2 = [r14]                /* boot_param */
	ld8 loc3 = [r15]                /* buffer */
	ld8 loc4 = [r16]                /* capacity */
	ld8 loc5 = [r17]                /* table */
	ld8 loc6 = [r18]                /* count */
	;;
	adds r14 = 16, loc2
	adds r15 = 24, loc2
	adds r16 = 32, loc2
	;;
	ld8 loc7 = [r14]                /* efi_memmap */
	ld8 loc8 = [r15]                /* efi_memmap_size */
	ld8 loc9 = [r16]                /* efi_memdesc_size */
	;;
	PA loc7
	and r14 = 7, loc9
	cmp.gtu p6, p0 = 40, loc9
	movl r15 = 4096
	;;
	cmp.ltu p7, p0 = r15, loc9
	cmp.ne p8, p0 = 0, r14
	;;
(p6)	br.cond.dpnt .Lmm_bad_ds
(p7)	br.cond.dpnt .Lmm_bad_ds
(p8)	br.cond.dpnt .Lmm_bad_ds
	movl r14 = MAX_MAP
	;;
	cmp.ltu p6, p0 = r14, loc8
(p6)	br.cond.dpnt .Lmm_bad_size
	;;
	cmp.ltu p6, p0 = MAX_SEGMENTS, loc6
(p6)	br.cond.dpnt .Lmm_too_many
	/* the table: sorted, non-empty, 4 KiB aligned, not overlapping */
	mov r14 = loc5
	mov r15 = loc6
	mov r16 = 0                     /* previous end */
	;;
.Lmm_check:
	cmp.eq p6, p0 = 0, r15
(p6)	br.cond.dpnt .Lmm_checked
	ld8 r17 = [r14], 8
	;;
	ld8 r18 = [r14], 8
	adds r15 = -1, r15
	;;
	or r19 = r17, r18
	cmp.ltu p7, p0 = r17, r16
	cmp.leu p8, p0 = r18, r17
	;;
	extr.u r19 = r19, 0, 12
(p7)	br.cond.dpnt .Lmm_unsorted
(p8)	br.cond.dpnt .Lmm_unsorted
	;;
	cmp.ne p9, p0 = 0, r19
	mov r16 = r18
(p9)	br.cond.dpnt .Lmm_unsorted
	br.cond.sptk .Lmm_check
	;;
.Lmm_checked:
	adds r14 = CTX_MM_DST, r6
	adds r15 = CTX_MM_USED, r6
	adds r16 = CTX_MM_CAP, r6
	adds r17 = CTX_MM_DS, r6
	adds r18 = CTX_MM_OUT, r6
	;;
	st8 [r14] = loc3
	st8 [r15] = r0
	st8 [r16] = loc4
	st8 [r17] = loc9
	st8 [r18] = r0
	mov loc10 = 0                   /* offset of descriptor i */
	mov loc11 = 0                   /* i */
	;;
.Lmm_desc:
	add r14 = loc10, loc9
	;;
	cmp.ltu p6, p0 = loc8, r14      /* a trailing partial descriptor is ignored */
(p6)	br.cond.dpnt .Lmm_done
	add loc12 = loc7, loc10         /* d */
	;;
	adds r15 = 24, loc12
	adds r16 = 8, loc12
	;;
	ld8 r15 = [r15]                 /* num_pages */
	ld8 loc14 = [r16]               /* ms = phys_addr */
	ld4 loc13 = [loc12]             /* type */
	;;
	cmp.eq p6, p0 = 0, r15
(p6)	br.cond.dpnt .Lmm_next          /* dropped */
	shr.u r16 = r15, 52
	shl r17 = r15, 12
	;;
	cmp.ne p7, p0 = 0, r16
(p7)	br.cond.dpnt .Lmm_too_large
	add loc15 = loc14, r17          /* me */
	;;
	cmp.ltu p7, p0 = loc15, loc14   /* the end wraps the address space: too large as well */
(p7)	br.cond.dpnt .Lmm_too_large
	mov loc16 = loc14               /* cur */
	cmp.eq p8, p0 = EFI_LOADER_DATA, loc13
	mov loc17 = loc13               /* t */
	;;
(p8)	mov loc17 = EFI_CONVENTIONAL
	mov loc18 = 0                   /* segment index */
	;;
.Lmm_seg:
	cmp.eq p6, p0 = loc18, loc6
(p6)	br.cond.dpnt .Lmm_rest
	shladd r14 = loc18, 4, loc5
	;;
	ld8 loc19 = [r14], 8            /* s.start */
	;;
	ld8 r15 = [r14]                 /* s.end */
	adds loc18 = 1, loc18
	;;
	mov r16 = loc19                 /* lo = max(start, cur), hi = min(end, me) */
	cmp.ltu p7, p0 = loc19, loc16
	mov loc21 = r15
	cmp.ltu p8, p0 = loc15, r15
	;;
(p7)	mov r16 = loc16
(p8)	mov loc21 = loc15
	;;
	mov loc20 = r16                 /* lo */
	cmp.leu p9, p0 = loc21, r16
(p9)	br.cond.dpnt .Lmm_seg
	;;
	cmp.eq p10, p0 = 7, loc17       /* a segment piece only in LOADER_*, BS_* or CONVENTIONAL memory */
	cmp.eq p11, p0 = 0, loc17
	cmp.ltu p12, p0 = 4, loc17
	;;
(p10)	br.cond.dptk .Lmm_type_ok
(p11)	br.cond.dpnt .Lmm_bad_type
(p12)	br.cond.dpnt .Lmm_bad_type
	;;
.Lmm_type_ok:
	cmp.geu p6, p0 = loc16, loc20
(p6)	br.cond.dptk .Lmm_piece
	mov out0 = loc12                /* the part before the segment keeps the type */
	mov out1 = loc16
	sub out2 = loc20, loc16
	mov out3 = loc17
	;;
	shr.u out2 = out2, 12
	CALL pg_mm_emit
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lmm_full
	;;
.Lmm_piece:
	mov out0 = loc12                /* the segment's piece: LOADER_DATA */
	mov out1 = loc20
	sub out2 = loc21, loc20
	mov out3 = EFI_LOADER_DATA
	;;
	shr.u out2 = out2, 12
	CALL pg_mm_emit
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lmm_full
	mov loc16 = loc21
	br.cond.sptk .Lmm_seg
	;;
.Lmm_rest:
	cmp.leu p6, p0 = loc15, loc16
(p6)	br.cond.dpnt .Lmm_next
	mov out0 = loc12                /* the rest of the descriptor */
	mov out1 = loc16
	sub out2 = loc15, loc16
	mov out3 = loc17
	;;
	shr.u out2 = out2, 12
	CALL pg_mm_emit
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lmm_full
	;;
.Lmm_next:
	add loc10 = loc10, loc9
	adds loc11 = 1, loc11
	br.cond.sptk .Lmm_desc
	;;
.Lmm_done:
	adds r14 = 16, loc2
	adds r15 = 24, loc2
	adds r16 = CTX_MM_USED, r6
	adds r17 = CTX_MM_OUT, r6
	;;
	ld8 r16 = [r16]
	ld8 loc13 = [r17]
	st8 [r14] = loc3
	;;
	st8 [r15] = r16
	SAY str_memmap
	PUTHEX loc7
	PUTC ' '
	PUTDEC loc11
	PUTS str_descs_to
	PUTHEX loc3
	PUTC ' '
	PUTDEC loc13
	PUTS str_descs
	mov r8 = 0
	br.cond.sptk .Lmm_ret
	;;
.Lmm_bad_ds:
	FAIL_SET str_bad_ds, NUM_DEC, loc9
	br.cond.sptk .Lmm_fail
	;;
.Lmm_bad_size:
	FAIL_SET str_bad_size, NUM_DEC, loc8
	FAIL_ADD str_bytes, NUM_NONE, r0
	br.cond.sptk .Lmm_fail
	;;
.Lmm_too_many:
	FAIL_SET str_too_many, NUM_NONE, r0
	br.cond.sptk .Lmm_fail
	;;
.Lmm_unsorted:
	FAIL_SET str_unsorted, NUM_NONE, r0
	br.cond.sptk .Lmm_fail
	;;
.Lmm_too_large:
	FAIL_SET str_desc, NUM_DEC, loc11
	FAIL_ADD str_too_large, NUM_NONE, r0
	br.cond.sptk .Lmm_fail
	;;
.Lmm_bad_type:
	FAIL_SET str_segment, NUM_HEX, loc19
	FAIL_ADD str_in_desc, NUM_DEC, loc11
	FAIL_ADD str_of_type, NUM_DEC, loc13
	br.cond.sptk .Lmm_fail
	;;
.Lmm_full:
	FAIL_SET str_buffer, NUM_DEC, loc4
	FAIL_ADD str_too_small, NUM_NONE, r0
	;;
.Lmm_fail:
	mov r8 = 1
	;;
.Lmm_ret:
	LEAVE
	.endp pg_step_efi_memmap
	STR str_memmap, "efi memmap "
	STR str_descs_to, " descriptors -> "
	STR str_descs, " descriptors\n"
	STR str_bad_ds, "efi memdesc size "
	STR str_bad_size, "efi memmap of "
	STR str_bytes, " bytes"
	STR str_too_many, "more than 64 loaded segments"
	STR str_unsorted, "loaded segments not sorted"
	STR str_desc, "efi descriptor "
	STR str_too_large, " too large"
	STR str_segment, "segment "
	STR str_in_desc, " in efi descriptor "
	STR str_of_type, " of type "
	STR str_buffer, "efi memmap buffer of "
	STR str_too_small, " bytes too small"

/* ia64-svam-hook (50): boot_param (new), stub */
	.global pg_step_svam_hook
	.proc pg_step_svam_hook
pg_step_svam_hook:
	ENTER 1, 7, 3
	adds r14 = 16, in0
	adds r15 = 24, in0
	;;
	ld8 loc2 = [r14]                /* boot_param */
	ld8 loc3 = [r15]                /* stub */
	;;
	adds r14 = 8, loc2
	;;
	ld8 loc4 = [r14]                /* efi_systab */
	;;
	PA loc4
	;;
	ld8 loc5 = [loc4]               /* signature */
	movl r15 = 0x5453595320494249   /* "IBI SYST" */
	;;
	cmp.ne p6, p0 = r15, loc5
(p6)	br.cond.dpnt .Lsv_bad
	mov out0 = loc3                 /* mov r8 = r0; br.ret.sptk.many b0 */
	LA out1, svam_stub
	mov out2 = 16
	;;
	CALL pg_memcpy
	adds r14 = 88, loc4
	;;
	ld8 r14 = [r14]                 /* systab->runtime */
	;;
	PA r14
	;;
	adds r14 = 56, r14
	;;
	ld8 loc6 = [r14]                /* runtime->set_virtual_address_map: a function descriptor */
	;;
	PA loc6
	;;
	st8 [loc6] = loc3               /* its entry-IP word; gp untouched */
	adds r15 = 15, loc3
	;;
	fc.i loc3                       /* the stub's bytes out of the i-cache (it may span two lines) */
	;;
	fc.i r15
	;;
	sync.i
	;;
	srlz.i
	;;
	SAY str_hook
	PUTHEX loc3
	PUTS str_hook_at
	PUTHEX loc6
	PUTC 10
	mov r8 = 0
	br.cond.sptk .Lsv_done
	;;
.Lsv_bad:
	FAIL_SET str_systab, NUM_HEX, loc4
	FAIL_ADD str_has_sig, NUM_HEX, loc5
	mov r8 = 1
	;;
.Lsv_done:
	LEAVE
	.endp pg_step_svam_hook
	STR str_hook, "SetVirtualAddressMap hook "
	STR str_hook_at, " at "
	STR str_systab, "efi system table "
	STR str_has_sig, " has signature "
	.section .rodata
	.align 16
svam_stub:
	data1 0x11, 0x40, 0x00, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00, 0x02, 0x00, 0x80, 0x08, 0x00, 0x84, 0x00
	.text

/* ia64-jump (51): entry, boot_param; terminal */
	.global pg_step_jump
	.proc pg_step_jump
pg_step_jump:
	ENTER 1, 4, 1
	adds r14 = 16, in0
	adds r15 = 24, in0
	;;
	ld8 loc2 = [r14]
	ld8 loc3 = [r15]
	SAY str_jump
	PUTHEX loc2
	PUTS str_r28
	PUTHEX loc3
	PUTC 10
	CALL pg_console_flush
	mov r28 = loc3                  /* as kexec-tools' purgatory enters the kernel */
	mov b6 = loc2
	mov ar.lc = r0
	;;
	mov ar.ec = r0
	;;
	cover
	;;
	invala
	;;
	br.call.sptk.many b0 = b6
	;;
.Lj_never:
	br.sptk.few .Lj_never
	;;
	.endp pg_step_jump
	STR str_jump, "jump to "
	STR str_r28, " r28="
