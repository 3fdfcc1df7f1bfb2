/*
 * SHA-256 (FIPS 180-4) of a range of physical memory (the C original is sha256.c).
 * 32-bit words live zero-extended in 64-bit registers; additions are 64-bit and cut back with zxt4;
 * rotr32(x, n) = extr.u(mix4.r(x, x), n, 32): mix4.r puts x in both halves, so the field at n is the rotation.
 */
	.include "macros.inc"

	.text

/* ROTR dst, src, n (dst gets the rotation of the 64-bit doubled word in src) */

/* pg_sha_block(ptr): one 64-byte block at ptr (any alignment) into the state at CTX_SHA_H. Leaf. */
	.proc pg_sha_block
pg_sha_block:
	adds r3 = CTX_SHA_W, r6
	mov r9 = 16
	;;
	mov r10 = r3
	;;
.Lsb_load:                              /* W[0..15]: big-endian words */
	ld1 r14 = [r32], 1
	;;
	ld1 r15 = [r32], 1
	;;
	ld1 r16 = [r32], 1
	;;
	ld1 r17 = [r32], 1
	shl r14 = r14, 24
	shl r15 = r15, 16
	shl r16 = r16, 8
	;;
	or r14 = r14, r15
	or r16 = r16, r17
	adds r9 = -1, r9
	;;
	or r14 = r14, r16
	cmp.ne p6, p0 = 0, r9
	;;
	st4 [r10] = r14, 4
(p6)	br.cond.sptk .Lsb_load
	;;
	mov r9 = 48
	;;
.Lsb_sched:                             /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]; r10 = &W[t] */
	adds r14 = -8, r10
	adds r15 = -28, r10
	adds r16 = -60, r10
	adds r17 = -64, r10
	;;
	ld4 r14 = [r14]
	ld4 r15 = [r15]
	;;
	ld4 r16 = [r16]
	ld4 r17 = [r17]
	;;
	mix4.r r18 = r14, r14
	mix4.r r19 = r16, r16
	;;
	extr.u r20 = r18, 17, 32
	extr.u r21 = r18, 19, 32
	shr.u r22 = r14, 10
	extr.u r23 = r19, 7, 32
	extr.u r24 = r19, 18, 32
	shr.u r25 = r16, 3
	;;
	xor r20 = r20, r21
	xor r23 = r23, r24
	;;
	xor r20 = r20, r22              /* s1 */
	xor r23 = r23, r25              /* s0 */
	add r15 = r15, r17
	;;
	add r20 = r20, r23
	adds r9 = -1, r9
	;;
	add r20 = r20, r15
	cmp.ne p6, p0 = 0, r9
	;;
	st4 [r10] = r20, 4
(p6)	br.cond.sptk .Lsb_sched
	;;
	adds r8 = CTX_SHA_H, r6
	;;
	mov r11 = r8
	ld4 r16 = [r8], 4               /* a..h = r16..r23 */
	;;
	ld4 r17 = [r8], 4
	;;
	ld4 r18 = [r8], 4
	;;
	ld4 r19 = [r8], 4
	;;
	ld4 r20 = [r8], 4
	;;
	ld4 r21 = [r8], 4
	;;
	ld4 r22 = [r8], 4
	;;
	ld4 r23 = [r8], 4
	LA r3, sha_k
	adds r10 = CTX_SHA_W, r6
	mov r9 = 64
	;;
.Lsb_round:
	mix4.r r24 = r20, r20           /* e doubled */
	and r25 = r20, r21              /* e & f */
	andcm r26 = r22, r20            /* g & ~e */
	ld4 r27 = [r3], 4               /* K[t] */
	ld4 r28 = [r10], 4              /* W[t] */
	;;
	extr.u r29 = r24, 6, 32
	extr.u r30 = r24, 11, 32
	extr.u r31 = r24, 25, 32
	xor r25 = r25, r26              /* ch */
	add r27 = r27, r28
	;;
	xor r29 = r29, r30
	add r25 = r25, r23              /* ch + h */
	mix4.r r24 = r16, r16           /* a doubled */
	;;
	xor r29 = r29, r31              /* S1 */
	add r25 = r25, r27              /* ch + h + K + W */
	and r26 = r16, r17
	and r27 = r16, r18
	and r28 = r17, r18
	;;
	add r25 = r25, r29              /* T1 */
	extr.u r29 = r24, 2, 32
	extr.u r30 = r24, 13, 32
	extr.u r31 = r24, 22, 32
	xor r26 = r26, r27
	;;
	xor r29 = r29, r30
	xor r26 = r26, r28              /* maj */
	;;
	xor r29 = r29, r31              /* S0 */
	mov r23 = r22                   /* h = g, g = f, f = e, e = d + T1 */
	mov r22 = r21
	mov r21 = r20
	add r20 = r19, r25
	;;
	add r29 = r29, r26              /* T2 */
	mov r19 = r18                   /* d = c, c = b, b = a */
	mov r18 = r17
	mov r17 = r16
	zxt4 r20 = r20
	;;
	add r16 = r25, r29              /* a = T1 + T2 */
	adds r9 = -1, r9
	;;
	zxt4 r16 = r16
	cmp.ne p6, p0 = 0, r9
(p6)	br.cond.sptk .Lsb_round
	;;
	mov r8 = r11                    /* H[i] += a..h */
	mov r9 = 8
	;;
.Lsb_add:
	ld4 r14 = [r8]
	;;
	add r14 = r14, r16
	mov r16 = r17
	mov r17 = r18
	mov r18 = r19
	mov r19 = r20
	mov r20 = r21
	mov r21 = r22
	mov r22 = r23
	adds r9 = -1, r9
	;;
	st4 [r8] = r14, 4
	cmp.ne p6, p0 = 0, r9
(p6)	br.cond.sptk .Lsb_add
	;;
	br.ret.sptk.many b0
	.endp pg_sha_block

/* pg_sha256(addr, len, out): out (32 bytes) = SHA-256 of [addr, addr + len) */
	.global pg_sha256
	.proc pg_sha256
pg_sha256:
	ENTER 3, 6, 1
	LA r14, sha_h0                  /* the initial state */
	adds r15 = CTX_SHA_H, r6
	mov r16 = 8
	;;
.Lsh_init:
	ld4 r17 = [r14], 4
	adds r16 = -1, r16
	;;
	st4 [r15] = r17, 4
	cmp.ne p6, p0 = 0, r16
(p6)	br.cond.sptk .Lsh_init
	;;
	mov loc2 = in0                  /* the next byte */
	and loc4 = 63, in1              /* bytes left after the whole blocks */
	shr.u loc3 = in1, 6             /* whole blocks */
	;;
.Lsh_block:
	cmp.eq p6, p0 = 0, loc3
(p6)	br.cond.dpnt .Lsh_tail
	mov out0 = loc2
	adds loc2 = 64, loc2
	adds loc3 = -1, loc3
	CALL pg_sha_block
	br.cond.sptk .Lsh_block
	;;
.Lsh_tail:                              /* the rest, 0x80, zeros, the bit length: one or two blocks */
	adds r14 = CTX_SHA_BLK, r6
	mov r15 = 128
	;;
	mov r16 = r14
	;;
.Lsh_zero:
	st1 [r16] = r0, 1
	adds r15 = -1, r15
	;;
	cmp.ne p6, p0 = 0, r15
(p6)	br.cond.sptk .Lsh_zero
	;;
	mov r16 = r14
	mov r15 = loc4
	;;
.Lsh_copy:
	cmp.eq p6, p0 = 0, r15
(p6)	br.cond.dpnt .Lsh_pad
	ld1 r17 = [loc2], 1
	adds r15 = -1, r15
	;;
	st1 [r16] = r17, 1
	br.cond.sptk .Lsh_copy
	;;
.Lsh_pad:
	mov r17 = 0x80
	cmp.leu p7, p8 = 56, loc4       /* no room for the length: two blocks */
	shl r18 = in1, 3                /* bits */
	;;
	st1 [r16] = r17
(p7)	adds r19 = 127, r14             /* last byte of the length */
(p8)	adds r19 = 63, r14
(p7)	mov loc5 = 2
(p8)	mov loc5 = 1
	mov r15 = 8
	;;
.Lsh_len:
	st1 [r19] = r18, -1
	shr.u r18 = r18, 8
	adds r15 = -1, r15
	;;
	cmp.ne p6, p0 = 0, r15
(p6)	br.cond.sptk .Lsh_len
	;;
	adds out0 = CTX_SHA_BLK, r6
	CALL pg_sha_block
	cmp.eq p6, p0 = 1, loc5
(p6)	br.cond.dptk .Lsh_out
	adds out0 = CTX_SHA_BLK + 64, r6
	CALL pg_sha_block
	;;
.Lsh_out:                               /* the state, big-endian */
	adds r14 = CTX_SHA_H, r6
	mov r15 = in2
	mov r16 = 8
	;;
.Lsh_word:
	ld4 r17 = [r14], 4
	;;
	extr.u r18 = r17, 24, 8
	extr.u r19 = r17, 16, 8
	extr.u r20 = r17, 8, 8
	;;
	st1 [r15] = r18, 1
	;;
	st1 [r15] = r19, 1
	;;
	st1 [r15] = r20, 1
	;;
	st1 [r15] = r17, 1
	adds r16 = -1, r16
	;;
	cmp.ne p6, p0 = 0, r16
(p6)	br.cond.sptk .Lsh_word
	;;
	LEAVE
	.endp pg_sha256

	.section .rodata
	.align 4
sha_h0:
	data4 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
sha_k:
	data4 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5
	data4 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174
	data4 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da
	data4 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967
	data4 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85
	data4 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070
	data4 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3
	data4 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
