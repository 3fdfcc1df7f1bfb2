/*
 * Last words (FORMAT.md section 7; the C originals are kcs.c and lastwords.c): ipmi-request (7), one IPMI
 * request over the KCS system interface, and cpu-ip-records (8), each CPU's instruction pointer from its crash
 * notes to the console and as an OEM SEL record. Every KCS wait ends at the first of the attempt's deadline,
 * the last-words deadline and the iteration cap (wait.S); a status of 0xff means no device.
 * Attempt results (r8 of the internal functions): 0 ok, 1 retry, 2 fatal, 3 response too long.
 */
	.include "macros.inc"

KCS_OBF = 0x01
KCS_IBF = 0x02
KCS_IDLE = 0
KCS_READ = 1
KCS_WRITE = 2
KCS_GET_STATUS_ABORT = 0x60
KCS_WRITE_START = 0x61
KCS_WRITE_END = 0x62
KCS_READ_BYTE = 0x68
R_OK = 0
R_RETRY = 1
R_FATAL = 2
R_TOO_LONG = 3
MAX_RESPONSE = 40

	.text

/* kcs_poll(arg) -> r8: the status (kept in the context) is 0xff or has (status & mask) == want */
	.proc kcs_poll
kcs_poll:
	ENTER 1, 2, 1
	adds r14 = CTX_KCS_CMD, r6
	;;
	ld8 out0 = [r14]
	CALL pg_inb
	adds r14 = CTX_KCS_ST, r6
	adds r15 = CTX_KCS_MASK, r6
	adds r16 = CTX_KCS_WANT, r6
	;;
	st8 [r14] = r8
	ld8 r15 = [r15]
	ld8 r16 = [r16]
	mov r18 = 0xff
	;;
	cmp.eq p6, p0 = r18, r8
	;;
	and r17 = r8, r15
	mov r8 = 1
(p6)	br.cond.dpnt .Lkp_done
	;;
	cmp.eq p7, p8 = r17, r16
	;;
(p8)	mov r8 = 0
	;;
.Lkp_done:
	LEAVE
	.endp kcs_poll

/* wait_status(mask, want) -> r8 attempt result */
	.proc wait_status
wait_status:
	ENTER 2, 3, 5
	adds r14 = CTX_KCS_MASK, r6
	adds r15 = CTX_KCS_WANT, r6
	;;
	st8 [r14] = in0
	st8 [r15] = in1
	LA out0, kcs_poll
	mov out1 = 0
	adds out2 = CTX_ATTEMPT, r6
	adds out3 = CTX_LW, r6
	adds out4 = CTX_LW_POLLS, r6
	;;
	CALL pg_wait_until
	adds r14 = CTX_KCS_ST, r6
	cmp.ne p6, p0 = 0, r8
	;;
	ld8 r14 = [r14]
(p6)	br.cond.dpnt .Lws_ran_out
	;;
	mov r15 = 0xff
	;;
	cmp.eq p7, p0 = r15, r14
	mov r8 = R_OK
(p7)	br.cond.dpnt .Lws_no_device
	br.cond.sptk .Lws_done
	;;
.Lws_no_device:
	mov r14 = 0xff
	;;
	FAIL_SET str_no_device, NUM_HEX, r14
	mov r8 = R_FATAL
	br.cond.sptk .Lws_done
	;;
.Lws_ran_out:
	adds r14 = CTX_LW + D_EXPIRED, r6
	;;
	ld8 r14 = [r14]
	;;
	cmp.eq p6, p0 = 0, r14
(p6)	br.cond.dptk .Lws_timeout
	adds r15 = CTX_LW_SPENT, r6
	mov r16 = 1
	;;
	st8 [r15] = r16
	FAIL_SET str_lw_spent, NUM_NONE, r0
	mov r8 = R_FATAL
	br.cond.sptk .Lws_done
	;;
.Lws_timeout:
	cmp.eq p6, p7 = KCS_IBF, in0
	LA r14, str_timeout_ibf
	LA r15, str_timeout_obf
	;;
	mov out0 = r15
	;;
(p6)	mov out0 = r14
	mov out1 = NUM_NONE
	mov out2 = 0
	;;
	CALL pg_fail_set
	mov r8 = R_RETRY
	;;
.Lws_done:
	LEAVE
	.endp wait_status
	STR str_no_device, "no device, status "
	STR str_lw_spent, "last-words deadline spent"
	STR str_timeout_ibf, "timed out waiting for IBF=0"
	STR str_timeout_obf, "timed out waiting for OBF=1"

/* expect_state(state) -> r8: R_OK when the last status shows that state, else R_RETRY */
	.proc expect_state
expect_state:
	ENTER 1, 3, 3
	adds r14 = CTX_KCS_ST, r6
	;;
	ld8 r14 = [r14]
	;;
	extr.u loc2 = r14, 6, 2
	;;
	cmp.eq p6, p0 = loc2, in0
	mov r8 = R_OK
(p6)	br.cond.dptk .Les_done
	;;
	FAIL_SET str_state, NUM_DEC, loc2
	mov r8 = R_RETRY
	;;
.Les_done:
	LEAVE
	.endp expect_state
	STR str_state, "unexpected kcs state "

/* clear_obf(): reads the data register when the last status showed a byte in it */
	.proc clear_obf
clear_obf:
	ENTER 0, 2, 1
	adds r14 = CTX_KCS_ST, r6
	adds r15 = CTX_KCS_DATA, r6
	;;
	ld8 r14 = [r14]
	ld8 out0 = [r15]
	;;
	tbit.z p6, p0 = r14, 0
(p6)	br.cond.dptk .Lco_done
	CALL pg_inb
	;;
.Lco_done:
	LEAVE
	.endp clear_obf

/* the waits and the write handshake; each -> r8 attempt result */
	.proc wait_ibf_clear
wait_ibf_clear:
	ENTER 0, 2, 2
	mov out0 = KCS_IBF
	mov out1 = 0
	CALL wait_status
	LEAVE
	.endp wait_ibf_clear

	.proc wait_obf_set
wait_obf_set:
	ENTER 0, 2, 2
	mov out0 = KCS_OBF
	mov out1 = KCS_OBF
	CALL wait_status
	LEAVE
	.endp wait_obf_set

/* write_ready: wait IBF=0, state WRITE, clear OBF (the BMC took the last byte or control code) */
	.proc write_ready
write_ready:
	ENTER 0, 2, 1
	CALL wait_ibf_clear
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lwr_done
	mov out0 = KCS_WRITE
	CALL expect_state
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lwr_done
	CALL clear_obf
	mov r8 = R_OK
	;;
.Lwr_done:
	LEAVE
	.endp write_ready

/* kcs_out(which, value): which 0 = data port, 1 = command port */
	.proc kcs_out
kcs_out:
	ENTER 2, 2, 2
	cmp.eq p6, p7 = 0, in0
	adds r14 = CTX_KCS_DATA, r6
	adds r15 = CTX_KCS_CMD, r6
	;;
(p6)	ld8 out0 = [r14]
(p7)	ld8 out0 = [r15]
	mov out1 = in1
	CALL pg_outb
	LEAVE
	.endp kcs_out

/* transaction(req, n) -> r8 attempt result; the response in CTX_RESP, its length in CTX_RLEN */
	.proc transaction
transaction:
	ENTER 2, 5, 3
	adds r14 = CTX_RLEN, r6
	;;
	st8 [r14] = r0
	CALL wait_ibf_clear
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Ltr_done
	mov out0 = KCS_IDLE
	CALL expect_state
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Ltr_done
	CALL clear_obf
	mov out0 = 1
	mov out1 = KCS_WRITE_START
	CALL kcs_out
	mov loc2 = 0                    /* byte index */
	;;
.Ltr_byte:
	cmp.eq p6, p0 = loc2, in1
(p6)	br.cond.dpnt .Ltr_read
	CALL write_ready
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Ltr_done
	adds r14 = 1, loc2
	;;
	cmp.ne p7, p0 = r14, in1        /* the last byte goes after WRITE_END */
(p7)	br.cond.dptk .Ltr_send
	mov out0 = 1
	mov out1 = KCS_WRITE_END
	CALL kcs_out
	CALL write_ready
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Ltr_done
	;;
.Ltr_send:
	add r14 = in0, loc2
	mov out0 = 0
	;;
	ld1 out1 = [r14]
	adds loc2 = 1, loc2
	CALL kcs_out
	br.cond.sptk .Ltr_byte
	;;
.Ltr_read:
	CALL wait_ibf_clear
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Ltr_done
	adds r14 = CTX_KCS_ST, r6
	;;
	ld8 r14 = [r14]
	;;
	extr.u r14 = r14, 6, 2
	;;
	cmp.eq p7, p0 = KCS_IDLE, r14
(p7)	br.cond.dpnt .Ltr_idle
	mov out0 = KCS_READ
	CALL expect_state
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Ltr_done
	adds r14 = CTX_RLEN, r6
	;;
	ld8 loc3 = [r14]
	;;
	cmp.eq p7, p0 = MAX_RESPONSE, loc3
(p7)	br.cond.dpnt .Ltr_too_long
	CALL wait_obf_set
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Ltr_done
	adds r14 = CTX_KCS_DATA, r6
	;;
	ld8 out0 = [r14]
	CALL pg_inb
	adds r14 = CTX_RESP, r6
	adds r15 = CTX_RLEN, r6
	adds r16 = 1, loc3
	;;
	add r14 = r14, loc3
	st8 [r15] = r16
	;;
	st1 [r14] = r8
	mov out0 = 0
	mov out1 = KCS_READ_BYTE
	CALL kcs_out
	br.cond.sptk .Ltr_read
	;;
.Ltr_idle:
	CALL clear_obf                  /* the dummy byte, when the BMC has supplied it already */
	mov r8 = R_OK
	br.cond.sptk .Ltr_done
	;;
.Ltr_too_long:
	FAIL_SET str_too_long, NUM_NONE, r0
	mov r8 = R_TOO_LONG
	;;
.Ltr_done:
	LEAVE
	.endp transaction
	STR str_too_long, "response longer than 40 bytes"

/* abort_recovery() -> r8 attempt result: the error exit, back to IDLE */
	.proc abort_recovery
abort_recovery:
	ENTER 0, 2, 2
	CALL wait_ibf_clear
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lab_done
	CALL clear_obf
	mov out0 = 1
	mov out1 = KCS_GET_STATUS_ABORT
	CALL kcs_out
	CALL wait_ibf_clear
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lab_done
	CALL clear_obf
	mov out0 = 0
	mov out1 = 0
	CALL kcs_out
	CALL wait_ibf_clear
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lab_done
	mov out0 = KCS_READ
	CALL expect_state
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lab_done
	CALL wait_obf_set
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lab_done
	adds r14 = CTX_KCS_DATA, r6
	;;
	ld8 out0 = [r14]
	CALL pg_inb                     /* the interface's status code: the retry answers any of them */
	mov out0 = 0
	mov out1 = KCS_READ_BYTE
	CALL kcs_out
	CALL wait_ibf_clear
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lab_done
	mov out0 = KCS_IDLE
	CALL expect_state
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lab_done
	CALL wait_obf_set
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lab_done
	adds r14 = CTX_KCS_DATA, r6
	;;
	ld8 out0 = [r14]
	CALL pg_inb
	mov r8 = R_OK
	;;
.Lab_done:
	LEAVE
	.endp abort_recovery

/* transact(req, n) -> r8: 0, or 1 with the failure set; the retries after an abort each */
	.proc transact
transact:
	ENTER 2, 4, 2
	mov loc2 = 0                    /* attempt */
	adds r14 = CTX_KCS_ST, r6
	;;
	st8 [r14] = r0
	;;
.Lta_attempt:
	adds out0 = CTX_ATTEMPT, r6
	adds r14 = CTX_KCS_WAIT_US, r6
	;;
	ld8 out1 = [r14]
	CALL pg_deadline_start
	mov r8 = R_OK
	cmp.eq p6, p0 = 0, loc2
(p6)	br.cond.dptk .Lta_transaction
	CALL abort_recovery             /* part of this retry's attempt */
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lta_failed
	;;
.Lta_transaction:
	mov out0 = in0
	mov out1 = in1
	CALL transaction
	cmp.eq p6, p0 = R_OK, r8
	cmp.eq p7, p0 = R_TOO_LONG, r8
(p6)	br.cond.dptk .Lta_done
(p7)	br.cond.dpnt .Lta_too_long
	;;
.Lta_failed:
	cmp.eq p6, p0 = R_FATAL, r8
	adds r14 = CTX_KCS_RETRIES, r6
	;;
	ld8 r14 = [r14]
(p6)	br.cond.dpnt .Lta_fail
	;;
	cmp.geu p7, p0 = loc2, r14
	adds loc2 = 1, loc2
(p7)	br.cond.dpnt .Lta_fail
	br.cond.sptk .Lta_attempt
	;;
.Lta_too_long:                          /* leave the interface idle; a retry would read the same response */
	adds out0 = CTX_ATTEMPT, r6
	adds r14 = CTX_KCS_WAIT_US, r6
	;;
	ld8 out1 = [r14]
	CALL pg_deadline_start
	adds r14 = CTX_FAIL_MUTE, r6
	mov r15 = 1
	;;
	st8 [r14] = r15                 /* its failures are not the request's */
	CALL abort_recovery
	adds r14 = CTX_FAIL_MUTE, r6
	;;
	st8 [r14] = r0
	;;
.Lta_fail:
	mov r8 = 1
	br.cond.sptk .Lta_ret
	;;
.Lta_done:
	mov r8 = 0
	;;
.Lta_ret:
	LEAVE
	.endp transact

/* ipmi_line(label, len): "purgatory: ipmi <label>: " */
	.proc ipmi_line
ipmi_line:
	ENTER 2, 2, 2
	PUTS str_ipmi
	mov out0 = in0
	mov out1 = in1
	CALL pg_putn
	PUTS str_colon
	LEAVE
	.endp ipmi_line
	STR str_ipmi, "purgatory: ipmi "
	STR str_colon, ": "

/* pg_ipmi_request(req, n, label, label_len) -> r8: 0 (cc 0) or 1 (failure set); prints its line */
	.global pg_ipmi_request
	.proc pg_ipmi_request
pg_ipmi_request:
	ENTER 4, 5, 3
	adds r14 = CTX_LW_SPENT, r6
	;;
	ld8 r14 = [r14]
	;;
	cmp.ne p6, p0 = 0, r14
(p6)	br.cond.dpnt .Lir_skipped
	mov out0 = in0
	mov out1 = in1
	CALL transact
	mov loc2 = r8
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lir_line
	adds r14 = CTX_RLEN, r6
	adds r15 = CTX_RESP, r6
	;;
	ld8 loc3 = [r14]
	ld1 r16 = [r15], 1
	ld1 r17 = [in0], 1
	;;
	ld1 r18 = [r15], 1
	ld1 r19 = [in0], -1
	cmp.gtu p7, p0 = 2, loc3
(p7)	br.cond.dpnt .Lir_short
	;;
	or r17 = 0x04, r17              /* (NetFn | 1) << 2 | LUN: the request's first byte with bit 2 set */
	;;
	cmp.ne p8, p0 = r16, r17
	cmp.ne p9, p0 = r18, r19
	;;
(p8)	br.cond.dpnt .Lir_header
(p9)	br.cond.dpnt .Lir_header
	br.cond.sptk .Lir_line
	;;
.Lir_short:
	FAIL_SET str_short, NUM_DEC, loc3
	mov loc2 = 1
	br.cond.sptk .Lir_line
	;;
.Lir_header:
	shl r16 = r16, 8
	;;
	or loc4 = r16, r18
	;;
	FAIL_SET str_header, NUM_HEX, loc4
	mov loc2 = 1
	;;
.Lir_line:
	mov out0 = in2
	mov out1 = in3
	CALL ipmi_line
	cmp.eq p6, p0 = 0, loc2
(p6)	br.cond.dptk .Lir_cc
	PUTS str_failed
	CALL pg_put_fail
	PUTC 10
	mov r8 = 1
	br.cond.sptk .Lir_done
	;;
.Lir_cc:                                /* as Linux: only header and Cmd is the unspecified error 0xff */
	adds r14 = CTX_RLEN, r6
	adds r15 = CTX_RESP + 2, r6
	mov loc4 = 0xff
	;;
	ld8 r14 = [r14]
	;;
	cmp.leu p7, p0 = 3, r14
	;;
(p7)	ld1 loc4 = [r15]
	PUTS str_cc
	PUTHEX loc4
	PUTC 10
	cmp.eq p6, p0 = 0, loc4
	mov r8 = 0
(p6)	br.cond.dptk .Lir_done
	;;
	FAIL_SET str_completion, NUM_HEX, loc4
	mov r8 = 1
	br.cond.sptk .Lir_done
	;;
.Lir_skipped:
	mov out0 = in2
	mov out1 = in3
	CALL ipmi_line
	PUTS str_skipped
	FAIL_SET str_lw_spent, NUM_NONE, r0
	mov r8 = 1
	;;
.Lir_done:
	LEAVE
	.endp pg_ipmi_request
	STR str_failed, "failed: "
	STR str_cc, "cc "
	STR str_completion, "completion code "
	STR str_short, "short response, bytes "
	STR str_header, "wrong response header "
	STR str_skipped, "skipped: last-words deadline spent\n"

/* transport(step) -> r8: 0, or 1 (failure set) when the ports or retries are out of range; the KCS ports,
 * wait and retries into the context, r9 = the step's last-words deadline_us */
	.proc transport
transport:
	ENTER 1, 7, 3
	adds r14 = 16, in0
	adds r15 = 24, in0
	adds r16 = 32, in0
	adds r17 = 40, in0
	adds r18 = 48, in0
	;;
	ld8 loc2 = [r14]                /* data */
	ld8 loc3 = [r15]                /* status */
	ld8 loc4 = [r16]                /* wait_us */
	ld8 loc5 = [r17]                /* retries */
	ld8 r9 = [r18]                  /* deadline_us */
	movl r19 = 0xffff
	mov r20 = 255
	;;
	mov loc6 = r9
	cmp.ltu p6, p0 = r19, loc2
	cmp.ltu p7, p0 = r19, loc3
	cmp.ltu p8, p0 = r20, loc5
	;;
(p6)	br.cond.dpnt .Ltp_bad_data
(p7)	br.cond.dpnt .Ltp_bad_status
(p8)	br.cond.dpnt .Ltp_retries
	adds r14 = CTX_KCS_DATA, r6
	adds r15 = CTX_KCS_CMD, r6
	adds r16 = CTX_KCS_WAIT_US, r6
	adds r17 = CTX_KCS_RETRIES, r6
	;;
	st8 [r14] = loc2
	st8 [r15] = loc3
	st8 [r16] = loc4
	st8 [r17] = loc5
	mov r8 = 0
	mov r9 = loc6
	br.cond.sptk .Ltp_done
	;;
.Ltp_bad_data:
	FAIL_SET str_bad_port, NUM_HEX, loc2
	br.cond.sptk .Ltp_fail
	;;
.Ltp_bad_status:
	FAIL_SET str_bad_port, NUM_HEX, loc3
	br.cond.sptk .Ltp_fail
	;;
.Ltp_retries:
	FAIL_SET str_retries, NUM_DEC, loc5
	;;
.Ltp_fail:
	mov r8 = 1
	;;
.Ltp_done:
	LEAVE
	.endp transport
	STR str_bad_port, "bad kcs port "
	STR str_retries, "too many retries "

/* last_words_begin(deadline_us) -> r8: 0 go on, 1 the last-words deadline is spent. The first kind 7/8 step
 * starts the deadline; the later ones look at the clock once. */
	.proc last_words_begin
last_words_begin:
	ENTER 1, 2, 2
	adds r14 = CTX_LW_BEGUN, r6
	adds r15 = CTX_LW_SPENT, r6
	mov r16 = 1
	;;
	ld8 r17 = [r14]
	ld8 r18 = [r15]
	;;
	cmp.ne p6, p0 = 0, r17
(p6)	br.cond.dptk .Llw_later
	st8 [r14] = r16
	adds out0 = CTX_LW, r6
	mov out1 = in0
	CALL pg_deadline_start
	mov r8 = 0
	br.cond.sptk .Llw_done
	;;
.Llw_later:
	cmp.ne p7, p0 = 0, r18
	mov r8 = 1
(p7)	br.cond.dpnt .Llw_done
	;;
	adds out0 = CTX_LW, r6
	CALL pg_deadline_passed
	cmp.eq p6, p0 = 0, r8
	adds r14 = CTX_LW_SPENT, r6
	mov r15 = 1
	;;
(p6)	br.cond.dptk .Llw_done
	st8 [r14] = r15
	mov r8 = 1
	;;
.Llw_done:
	LEAVE
	.endp last_words_begin

/* ipmi-request (7): transport, u64 n, n request bytes padded to 8, u64 label length, label padded to 8 */
	.global pg_step_ipmi
	.proc pg_step_ipmi
pg_step_ipmi:
	ENTER 1, 7, 4
	mov out0 = in0
	CALL transport
	cmp.ne p6, p0 = 0, r8
	mov loc6 = r9
(p6)	br.cond.dpnt .Lsi_done
	adds r14 = 56, in0
	adds loc3 = 64, in0             /* request */
	;;
	ld8 loc2 = [r14]                /* n */
	;;
	adds r15 = 7, loc2
	;;
	dep r15 = 0, r15, 0, 3          /* pad8(n) */
	;;
	add r15 = loc3, r15
	;;
	ld8 loc4 = [r15], 8             /* label length */
	;;
	mov loc5 = r15                  /* label */
	cmp.gtu p6, p0 = 2, loc2
	cmp.ltu p7, p0 = 40, loc2
	;;
(p6)	br.cond.dpnt .Lsi_bad_n
(p7)	br.cond.dpnt .Lsi_bad_n
	cmp.eq p6, p0 = 0, loc4
	cmp.ltu p7, p0 = 64, loc4
	;;
(p6)	br.cond.dpnt .Lsi_bad_label
(p7)	br.cond.dpnt .Lsi_bad_label
	mov out0 = loc6
	CALL last_words_begin
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lsi_skipped
	mov out0 = loc3
	mov out1 = loc2
	mov out2 = loc5
	mov out3 = loc4
	CALL pg_ipmi_request
	br.cond.sptk .Lsi_done
	;;
.Lsi_bad_n:
	FAIL_SET str_bad_n, NUM_DEC, loc2
	mov r8 = 1
	br.cond.sptk .Lsi_done
	;;
.Lsi_bad_label:
	FAIL_SET str_bad_label, NUM_DEC, loc4
	mov r8 = 1
	br.cond.sptk .Lsi_done
	;;
.Lsi_skipped:
	mov out0 = loc5
	mov out1 = loc4
	CALL skipped
	;;
.Lsi_done:
	LEAVE
	.endp pg_step_ipmi
	STR str_bad_n, "bad request length "
	STR str_bad_label, "bad label length "

/* skipped(label, len) -> r8 = 1: the line and the failure of a step after the last-words deadline */
	.proc skipped
skipped:
	ENTER 2, 2, 3
	mov out0 = in0
	mov out1 = in1
	CALL ipmi_line
	PUTS str_skipped
	FAIL_SET str_lw_spent, NUM_NONE, r0
	mov r8 = 1
	LEAVE
	.endp skipped

/* pg_ld32u(addr), pg_ld64u(addr) -> r8: little-endian loads at any alignment (leaf) */
	.global pg_ld32u, pg_ld64u
	.proc pg_ld32u
pg_ld32u:
	mov r9 = 4
	br.cond.sptk .Lld_go
	;;
pg_ld64u:
	mov r9 = 8
	;;
.Lld_go:
	mov r8 = 0
	add r10 = r32, r9
	;;
.Lld_byte:
	adds r10 = -1, r10
	adds r9 = -1, r9
	shl r8 = r8, 8
	;;
	ld1 r11 = [r10]
	cmp.ne p6, p0 = 0, r9
	;;
	or r8 = r8, r11
(p6)	br.cond.sptk .Lld_byte
	;;
	br.ret.sptk.many b0
	.endp pg_ld32u

/* find_ip(addr, size, ip_offset) -> r8 = 1 and r9 = the ip of the first CORE/NT_PRSTATUS note, or r8 = 0.
 * Never reads past size (nor past 64 KiB); stops at the empty note that closes Linux's buffers. */
	.proc find_ip
find_ip:
	ENTER 3, 9, 1
	mov r8 = 0
	cmp.eq p6, p0 = 0, in1
	add r14 = in0, in1
	;;
	adds r14 = -1, r14
(p6)	br.cond.dpnt .Lfi_done
	;;
	cmp.ltu p7, p0 = r14, in0       /* wraps */
	movl r15 = 65536
	;;
(p7)	br.cond.dpnt .Lfi_done
	cmp.ltu p8, p0 = r15, in1
	;;
(p8)	mov in1 = r15
	mov loc2 = 0                    /* off */
	;;
.Lfi_note:
	sub r14 = in1, loc2
	mov r8 = 0
	;;
	cmp.gtu p6, p0 = 12, r14
(p6)	br.cond.dpnt .Lfi_done
	add out0 = in0, loc2
	;;
	CALL pg_ld32u
	mov loc3 = r8                   /* namesz */
	add out0 = in0, loc2
	;;
	adds out0 = 4, out0
	;;
	CALL pg_ld32u
	mov loc4 = r8                   /* descsz */
	add out0 = in0, loc2
	;;
	adds out0 = 8, out0
	;;
	CALL pg_ld32u
	mov loc5 = r8                   /* type */
	or r14 = loc3, loc4
	;;
	or r14 = r14, r8
	;;
	cmp.eq p6, p0 = 0, r14
	mov r8 = 0
(p6)	br.cond.dpnt .Lfi_done
	adds loc6 = 12, loc2            /* name */
	adds r15 = 3, loc3
	;;
	dep r15 = 0, r15, 0, 2
	;;
	add loc7 = loc6, r15            /* desc */
	;;
	cmp.ltu p7, p0 = in1, loc7
	sub r16 = in1, loc7
	;;
(p7)	br.cond.dpnt .Lfi_done
	cmp.ltu p8, p0 = r16, loc4
	;;
(p8)	br.cond.dpnt .Lfi_done
	cmp.ne p6, p0 = 1, loc5         /* NT_PRSTATUS */
(p6)	br.cond.dptk .Lfi_next
	cmp.eq p7, p0 = 4, loc3
	cmp.eq p8, p0 = 5, loc3
	;;
(p7)	br.cond.dptk .Lfi_name
(p8)	br.cond.dptk .Lfi_name
	br.cond.sptk .Lfi_next
	;;
.Lfi_name:                              /* "CORE", NUL-terminated when namesz is 5 */
	add r14 = in0, loc6
	mov r15 = 0
	;;
	ld1 r16 = [r14], 1
	;;
	ld1 r17 = [r14], 1
	;;
	ld1 r18 = [r14], 1
	;;
	ld1 r19 = [r14], 1
	cmp.eq p6, p0 = 5, loc3
	;;
(p6)	ld1 r15 = [r14]
	cmp.ne p7, p0 = 'C', r16
	cmp.ne p8, p0 = 'O', r17
	cmp.ne p9, p0 = 'R', r18
	cmp.ne p10, p0 = 'E', r19
	;;
	cmp.ne p11, p0 = 0, r15
(p7)	br.cond.dpnt .Lfi_next
(p8)	br.cond.dpnt .Lfi_next
(p9)	br.cond.dpnt .Lfi_next
(p10)	br.cond.dpnt .Lfi_next
(p11)	br.cond.dpnt .Lfi_next
	;;
	mov r8 = 0                      /* the first CORE/NT_PRSTATUS: it must hold ip_offset + 8 */
	cmp.ltu p6, p0 = loc4, in2
	sub r14 = loc4, in2
	;;
(p6)	br.cond.dpnt .Lfi_done
	cmp.gtu p7, p0 = 8, r14
	;;
(p7)	br.cond.dpnt .Lfi_done
	add out0 = in0, loc7
	;;
	add out0 = out0, in2
	;;
	CALL pg_ld64u
	mov r9 = r8
	mov r8 = 1
	br.cond.sptk .Lfi_done
	;;
.Lfi_next:
	adds r14 = 3, loc4
	;;
	dep r14 = 0, r14, 0, 2
	;;
	add loc2 = loc7, r14
	;;
	cmp.ltu p6, p0 = in1, loc2
	mov r8 = 0
(p6)	br.cond.dpnt .Lfi_done
	br.cond.sptk .Lfi_note
	;;
.Lfi_done:
	LEAVE
	.endp find_ip

/* cpu_label(cpu) -> r8: "cpu N ip" written at CTX_LABEL, its length */
	.proc cpu_label
cpu_label:
	ENTER 1, 6, 1
	adds loc2 = CTX_LABEL, r6
	mov r14 = 'c'
	mov r15 = 'p'
	mov r16 = 'u'
	mov r17 = ' '
	;;
	st1 [loc2] = r14, 1
	;;
	st1 [loc2] = r15, 1
	;;
	st1 [loc2] = r16, 1
	;;
	st1 [loc2] = r17, 1
	LA loc3, label_pow10
	mov loc4 = 20
	mov loc5 = 0                    /* a digit written */
	;;
.Lcl_power:
	ld8 r14 = [loc3], 8
	mov r15 = 0
	;;
.Lcl_sub:
	cmp.ltu p6, p0 = in0, r14
(p6)	br.cond.dptk .Lcl_digit
	sub in0 = in0, r14
	adds r15 = 1, r15
	br.cond.sptk .Lcl_sub
	;;
.Lcl_digit:
	adds loc4 = -1, loc4
	cmp.ne p7, p0 = 0, r15
	;;
	cmp.eq.or p7, p0 = 0, loc4
	cmp.ne.or p7, p0 = 0, loc5
	;;
(p7)	adds r15 = '0', r15
(p7)	mov loc5 = 1
	;;
(p7)	st1 [loc2] = r15, 1
	cmp.ne p6, p0 = 0, loc4
(p6)	br.cond.sptk .Lcl_power
	;;
	mov r14 = ' '
	mov r15 = 'i'
	mov r16 = 'p'
	;;
	st1 [loc2] = r14, 1
	;;
	st1 [loc2] = r15, 1
	;;
	st1 [loc2] = r16, 1
	adds r17 = CTX_LABEL, r6
	;;
	sub r8 = loc2, r17
	LEAVE
	.endp cpu_label
	.section .rodata
	.align 8
label_pow10:
	data8 10000000000000000000, 1000000000000000000, 100000000000000000, 10000000000000000
	data8 1000000000000000, 100000000000000, 10000000000000, 1000000000000, 100000000000
	data8 10000000000, 1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1
	.text

/* cpu-ip-records (8): transport, u64 flags (bit0 console, bit1 SEL), u64 ip offset, u64 cpu count C,
 * C x {u64 crash_notes address, u64 size} */
	.global pg_step_cpu_ip
	.proc pg_step_cpu_ip
pg_step_cpu_ip:
	ENTER 1, 12, 4
	mov out0 = in0
	CALL transport
	cmp.ne p6, p0 = 0, r8
	mov loc6 = r9
(p6)	br.cond.dpnt .Lcp_done
	adds r14 = 56, in0
	adds r15 = 64, in0
	adds r16 = 72, in0
	;;
	ld8 loc2 = [r14]                /* flags */
	ld8 loc3 = [r15]                /* ip offset */
	ld8 loc4 = [r16]                /* cpus */
	mov out0 = loc6
	CALL last_words_begin
	cmp.ne p6, p0 = 0, r8
(p6)	br.cond.dpnt .Lcp_skipped
	mov loc5 = 0                    /* cpu */
	mov loc7 = 0                    /* a SEL write failed */
	mov loc8 = 0                    /* the first that failed */
	adds loc9 = 80, in0             /* the entry */
	;;
.Lcp_cpu:
	cmp.eq p6, p0 = loc5, loc4
(p6)	br.cond.dpnt .Lcp_all
	ld8 out0 = [loc9], 8
	;;
	ld8 out1 = [loc9], 8
	mov out2 = loc3
	CALL find_ip
	mov loc10 = r8                  /* found */
	mov loc11 = r9                  /* ip */
	tbit.z p6, p0 = loc2, 0
(p6)	br.cond.dpnt .Lcp_sel
	PUTS str_cpu
	PUTDEC loc5
	cmp.eq p7, p0 = 0, loc10
(p7)	br.cond.dpnt .Lcp_none
	PUTS str_cpu_ip
	PUTHEX loc11
	PUTC 10
	br.cond.sptk .Lcp_sel
	;;
.Lcp_none:
	PUTS str_no_prstatus
	;;
.Lcp_sel:
	mov r14 = 255
	;;
	cmp.eq p6, p0 = 0, loc10
	tbit.z p7, p0 = loc2, 1
	cmp.ltu p8, p0 = r14, loc5
	;;
(p6)	br.cond.dpnt .Lcp_next
(p7)	br.cond.dpnt .Lcp_next
(p8)	br.cond.dpnt .Lcp_next
	/* Add SEL Entry: an OEM non-timestamped record (the BMC assigns the record id) */
	adds r14 = CTX_REQ, r6
	mov r15 = 0x0a << 2
	mov r16 = 0x44
	mov r17 = 0xf1
	mov r18 = 0x20
	;;
	st1 [r14] = r15, 1
	;;
	st1 [r14] = r16, 1
	;;
	st1 [r14] = r0, 1
	;;
	st1 [r14] = r0, 1
	;;
	st1 [r14] = r17, 1
	;;
	st1 [r14] = r18, 1
	;;
	st1 [r14] = loc5, 1
	mov r15 = loc11
	mov r16 = 8
	;;
.Lcp_ip:
	st1 [r14] = r15, 1
	shr.u r15 = r15, 8
	adds r16 = -1, r16
	;;
	cmp.ne p6, p0 = 0, r16
(p6)	br.cond.sptk .Lcp_ip
	;;
	mov r15 = 'H'
	mov r16 = 'O'
	mov r17 = 'F'
	;;
	st1 [r14] = r15, 1
	;;
	st1 [r14] = r16, 1
	;;
	st1 [r14] = r17
	mov out0 = loc5
	CALL cpu_label
	adds out0 = CTX_REQ, r6
	mov out1 = 18
	adds out2 = CTX_LABEL, r6
	mov out3 = r8
	CALL pg_ipmi_request
	cmp.eq p6, p0 = 0, r8
(p6)	br.cond.dptk .Lcp_next
	cmp.ne p7, p0 = 0, loc7
(p7)	br.cond.dptk .Lcp_next
	mov loc7 = 1
	mov loc8 = loc5
	;;
.Lcp_next:
	adds loc5 = 1, loc5
	br.cond.sptk .Lcp_cpu
	;;
.Lcp_all:
	cmp.eq p6, p0 = 0, loc7
	mov r8 = 0
(p6)	br.cond.dptk .Lcp_done
	;;
	FAIL_SET str_sel_failed, NUM_DEC, loc8
	mov r8 = 1
	br.cond.sptk .Lcp_done
	;;
.Lcp_skipped:
	LA out0, str_records
	mov out1 = 14
	;;
	CALL skipped
	;;
.Lcp_done:
	LEAVE
	.endp pg_step_cpu_ip
	STR str_cpu, "purgatory: cpu "
	STR str_cpu_ip, " ip "
	STR str_no_prstatus, ": no NT_PRSTATUS\n"
	STR str_sel_failed, "sel write failed for cpu "
	STR str_records, "cpu-ip records"
