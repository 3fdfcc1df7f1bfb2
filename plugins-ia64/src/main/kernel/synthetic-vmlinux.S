/*
 * The ia64 platform's synthetic vmlinux: not Linux, an ELF laid out as Linux's ia64 vmlinux (ET_EXEC,
 * 3 PT_LOADs text/percpu/data, 64 KiB aligned, text at virtual 0xa000000100000000 = physical 64 MiB, entry
 * at the physical address of its entry code), whose entry code reports what a kernel would see when purgatory
 * enters it: r28, the boot_param it points at, the EFI memory map it describes (decoded), the
 * SetVirtualAddressMap function descriptor's entry-IP word and the command line. It reports through the
 * HP Ski simulator's SSC calls (break 0x80001: r15 = 31 SSC_PUTCHAR with the byte in r32, 66 SSC_EXIT), so it
 * only runs on Ski; on hardware the break would trap. Entered in physical mode at its physical address, it
 * addresses its strings ip-relatively and needs no stack beyond the register stack it is given.
 */
	.macro LA dst, sym
	;;
.Lla\@:
	mov r2 = ip
	movl \dst = \sym - .Lla\@
	;;
	add \dst = \dst, r2
	.endm
	.macro CALL f
	br.call.sptk.many b0 = \f
	;;
	.endm
	.macro PUTS str
	LA out0, \str
	;;
	CALL k_puts
	.endm
	.macro PUTHEX reg
	mov out0 = \reg
	;;
	CALL k_puthex
	.endm
	.macro PUTC ch
	mov out0 = \ch
	;;
	CALL k_putc
	.endm
	.macro STR label, text
	.pushsection .rodata
\label:	.asciz "\text"
	.popsection
	.endm
	/* FIELD label, offset: "<label>0x<u64 at boot_param + offset>" */
	.macro FIELD str, off, size
	PUTS \str
	adds r14 = \off, loc3
	;;
	ld\size out0 = [r14]
	;;
	CALL k_puthex
	.endm

	.section .text.head, "ax"
	.global _start
	.proc _start
_start:
	mov r7 = r28                    /* what purgatory handed over */
	br.sptk.many k_report
	;;
	.endp _start

	.section .rodata
	.global linux_banner
linux_banner:
	.asciz "handoff synthetic ia64 vmlinux (not Linux)"

	.text
	.proc k_report
k_report:
	alloc loc0 = ar.pfs, 0, 12, 1, 0
	PUTS str_hello
	PUTS str_r28
	PUTHEX r7
	PUTC 10
	mov loc3 = r7
	;;
	dep loc3 = 0, loc3, 60, 4       /* physical */
	;;
	FIELD str_cmdline, 0, 8
	FIELD str_systab, 8, 8
	FIELD str_memmap, 16, 8
	FIELD str_mapsize, 24, 8
	FIELD str_descsize, 32, 8
	FIELD str_version, 40, 4
	PUTC 10
	FIELD str_cols, 44, 2
	FIELD str_rows, 46, 2
	FIELD str_orig_x, 48, 2
	FIELD str_orig_y, 50, 2
	FIELD str_fpswa, 56, 8
	PUTC 10
	FIELD str_initrd, 64, 8
	FIELD str_initrd_size, 72, 8
	FIELD str_vmcode, 80, 8
	FIELD str_vmcode_size, 88, 8
	PUTC 10
	/* the command line, at most 255 bytes */
	PUTS str_cmdtext
	ld8 loc4 = [loc3]
	mov loc5 = 255
	;;
	dep loc4 = 0, loc4, 60, 4
	;;
	cmp.eq p6, p0 = 0, loc4
(p6)	br.cond.dpnt .Lk_cmd_done
	;;
.Lk_cmd:
	ld1 out0 = [loc4], 1
	adds loc5 = -1, loc5
	;;
	cmp.eq p6, p0 = 0, out0
	cmp.eq p7, p0 = 0, loc5
(p6)	br.cond.dpnt .Lk_cmd_done
(p7)	br.cond.dpnt .Lk_cmd_done
	CALL k_putc
	br.cond.sptk .Lk_cmd
	;;
.Lk_cmd_done:
	PUTS str_quote_nl
	/* the memory map: every descriptor of efi_memmap_size / efi_memdesc_size */
	adds r14 = 16, loc3
	adds r15 = 24, loc3
	adds r16 = 32, loc3
	;;
	ld8 loc4 = [r14]                /* map */
	ld8 loc5 = [r15]                /* size */
	ld8 loc6 = [r16]                /* desc size */
	mov loc7 = 0                    /* index */
	;;
	dep loc4 = 0, loc4, 60, 4
	;;
	cmp.eq p6, p0 = 0, loc6
(p6)	br.cond.dpnt .Lk_map_done
	;;
.Lk_desc:
	cmp.ltu p6, p0 = loc5, loc6
(p6)	br.cond.dpnt .Lk_map_done
	PUTS str_md
	PUTHEX loc7
	PUTS str_type
	ld4 out0 = [loc4]
	;;
	CALL k_puthex
	PUTS str_phys
	adds r14 = 8, loc4
	;;
	ld8 out0 = [r14]
	;;
	CALL k_puthex
	PUTS str_pages
	adds r14 = 24, loc4
	;;
	ld8 out0 = [r14]
	;;
	CALL k_puthex
	PUTS str_virt
	adds r14 = 16, loc4
	;;
	ld8 out0 = [r14]
	;;
	CALL k_puthex
	PUTS str_attr
	adds r14 = 32, loc4
	;;
	ld8 out0 = [r14]
	;;
	CALL k_puthex
	PUTS str_extra                  /* the first u64 past the 40 bytes, when the stride has one */
	cmp.gtu p6, p0 = 48, loc6
	mov out0 = 0
	adds r14 = 40, loc4
	;;
(p6)	br.cond.dpnt .Lk_noextra
	ld8 out0 = [r14]
	;;
.Lk_noextra:
	CALL k_puthex
	PUTC 10
	add loc4 = loc4, loc6
	sub loc5 = loc5, loc6
	adds loc7 = 1, loc7
	br.cond.sptk .Lk_desc
	;;
.Lk_map_done:
	/* the SetVirtualAddressMap descriptor: systab -> runtime (@88) -> fdesc (@56) -> entry IP word */
	adds r14 = 8, loc3
	;;
	ld8 loc8 = [r14]
	;;
	dep loc8 = 0, loc8, 60, 4
	;;
	adds r14 = 88, loc8
	;;
	ld8 loc9 = [r14]
	;;
	dep loc9 = 0, loc9, 60, 4
	;;
	adds r14 = 56, loc9
	;;
	ld8 loc10 = [r14]
	;;
	dep loc10 = 0, loc10, 60, 4
	PUTS str_svam
	PUTHEX loc10
	PUTS str_svam_ip
	ld8 out0 = [loc10]
	;;
	CALL k_puthex
	PUTS str_svam_gp
	adds r14 = 8, loc10
	;;
	ld8 out0 = [r14]
	;;
	CALL k_puthex
	PUTC 10
	/* call SetVirtualAddressMap through its descriptor, as the kernel's efi_enter_virtual_mode does */
	ld8 r14 = [loc10], 8
	;;
	ld8 r1 = [loc10]
	mov b6 = r14
	mov r8 = -1
	;;
	br.call.sptk.many b0 = b6
	;;
	mov loc11 = r8
	PUTS str_svam_call
	PUTHEX loc11
	PUTC 10
	PUTS str_bye
	mov r15 = 66                    /* SSC_EXIT 0 */
	mov out0 = 0
	;;
	break.m 0x80001
	;;
.Lk_spin:
	br.sptk.few .Lk_spin
	;;
	.endp k_report

	.proc k_putc
k_putc:                                 /* r32: the byte (SSC_PUTCHAR) */
	mov r15 = 31
	;;
	break.m 0x80001
	;;
	br.ret.sptk.many b0
	.endp k_putc

	.proc k_puts
k_puts:
	alloc loc0 = ar.pfs, 1, 3, 1, 0
	mov loc1 = b0
	mov loc2 = in0
	;;
.Lks_next:
	ld1 out0 = [loc2], 1
	;;
	cmp.eq p6, p0 = 0, out0
(p6)	br.cond.dpnt .Lks_done
	CALL k_putc
	br.cond.sptk .Lks_next
	;;
.Lks_done:
	mov ar.pfs = loc0
	mov b0 = loc1
	;;
	br.ret.sptk.many b0
	.endp k_puts

	.proc k_puthex
k_puthex:                               /* 0x and hex digits without leading zeros */
	alloc loc0 = ar.pfs, 1, 4, 1, 0
	mov loc1 = b0
	mov loc2 = 60
	mov loc3 = 0
	;;
	PUTC '0'
	PUTC 'x'
	;;
.Lkh_next:
	shr.u r14 = in0, loc2
	;;
	and r14 = 0xf, r14
	cmp.eq p7, p0 = 0, loc2
	;;
	cmp.ne.or p7, p0 = 0, r14
	cmp.ne.or p7, p0 = 0, loc3
	;;
(p7)	mov loc3 = 1
(p7)	cmp.ltu.unc p8, p9 = 9, r14
	;;
(p8)	adds out0 = 'a' - 10, r14
(p9)	adds out0 = '0', r14
(p7)	br.call.sptk.many b0 = k_putc
	;;
	cmp.eq p6, p0 = 0, loc2
	adds loc2 = -4, loc2
(p6)	br.cond.dpnt .Lkh_done
	br.cond.sptk .Lkh_next
	;;
.Lkh_done:
	mov ar.pfs = loc0
	mov b0 = loc1
	;;
	br.ret.sptk.many b0
	.endp k_puthex

	STR str_hello, "stub: handoff synthetic ia64 vmlinux entered\n"
	STR str_r28, "stub: r28 "
	STR str_cmdline, "stub: boot_param command_line "
	STR str_systab, " efi_systab "
	STR str_memmap, " efi_memmap "
	STR str_mapsize, " efi_memmap_size "
	STR str_descsize, " efi_memdesc_size "
	STR str_version, " efi_memdesc_version "
	STR str_cols, "stub: boot_param num_cols "
	STR str_rows, " num_rows "
	STR str_orig_x, " orig_x "
	STR str_orig_y, " orig_y "
	STR str_fpswa, " fpswa "
	STR str_initrd, "stub: boot_param initrd_start "
	STR str_initrd_size, " initrd_size "
	STR str_vmcode, " vmcode_start "
	STR str_vmcode_size, " vmcode_size "
	STR str_cmdtext, "stub: command line \""
	STR str_quote_nl, "\"\n"
	STR str_md, "stub: md "
	STR str_type, " type "
	STR str_phys, " phys "
	STR str_pages, " pages "
	STR str_virt, " virt "
	STR str_attr, " attr "
	STR str_extra, " extra "
	STR str_svam, "stub: svam fdesc "
	STR str_svam_ip, " ip "
	STR str_svam_gp, " gp "
	STR str_svam_call, "stub: SetVirtualAddressMap returned "
	STR str_bye, "stub: done\n"

	/* the other two PT_LOADs of a Linux vmlinux: per-CPU data and data (with a bss tail) */
	.section .data..percpu, "aw"
	.global __per_cpu_start
__per_cpu_start:
	data8 0x70657263707500          /* "percpu" */
	.skip 56

	.data
	.global handoff_synthetic_data
handoff_synthetic_data:
	.ascii "handoff synthetic data segment\0\0"
	.skip 224

	.bss
	.skip 0x2000
