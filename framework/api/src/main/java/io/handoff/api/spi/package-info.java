/**
 * The SPIs platform vendors implement, and how each of the four built-in platforms uses them.
 *
 * <p>A vendor implements {@link io.handoff.api.spi.Platform} in a PF4J plugin (this module, pf4j, guice and
 * slf4j are {@code provided}), ships defaults in {@code reference.conf} under {@code handoff.platforms.<id>},
 * and optionally adds contributions. Everything is discovered at run time; the framework binds each
 * plugin's extensions in a child injector of its own and offers framework-module contributions to all.
 *
 * <h2>{@link io.handoff.api.spi.Platform}: detection, image formats, planning</h2>
 * <ul>
 *   <li><b>x86_64</b>: detects {@code /sys/kernel/boot_params/data}; accepts bzImage (setup header
 *     "HdrS" at 0x202, protocol &ge; 2.12, {@code xloadflags} 64-bit entry and above 4G); places the
 *     kernel top-down at {@code kernel_alignment} above max(1 MiB, {@code pref_address}) with memsz
 *     {@code init_size}, the initrd page aligned above 16 MiB, the zero page (4096 bytes) and command line;
 *     entry registers rip = kernel + 0x200, rsi = zero page. Kdump adds the 640 KiB backup segment and the
 *     ELF core header (1 KiB aligned) and appends {@code elfcorehdr=NK}.</li>
 *   <li><b>s390x</b>: big-endian; the image's parameter area at 0x10400..0x10480 (initrd start/size,
 *     oldmem base/size, command line at 0x10480, its maximum at 0x10430); segments at fixed offsets from
 *     the crash base ({@link io.handoff.api.plan.PlanContext#placeAt}), ramdisk above 8 MiB, purgatory in
 *     [crash base + 0x2000, + 0x10000); no elfcorehdr is passed, the s390 kdump kernel builds its own.</li>
 *   <li><b>ia64</b>: ELF vmlinux whose PT_LOADs are moved into the crash region; a 4 KiB
 *     {@code boot_param} handed over in r28; appends {@code max_addr=NM min_addr=NM} and
 *     {@code elfcorehdr=NK}; headers aligned to 4 KiB.</li>
 *   <li><b>efi</b>: an x86_64 machine booted by UEFI; same image format, adds the EFI runtime map
 *     (40-byte descriptors) and {@code SETUP_EFI} data instead of {@code acpi_rsdp=}.</li>
 * </ul>
 *
 * <h2>{@link io.handoff.api.LayoutConstraints}: segment layout</h2>
 * Page size, the 16-segment limit of {@code kexec_load}, the highest address. All four platforms use 4 KiB
 * pages and 16 segments; the planner enforces them, the platform chooses each segment's
 * {@link io.handoff.api.plan.Placement} (alignment, bounds, direction).
 *
 * <h2>{@link io.handoff.api.spi.MemoryMapPassing}: the capture kernel's memory map</h2>
 * <ul>
 *   <li><b>x86_64</b>: {@code e820} (default since kexec-tools 2014: up to 128 entries at 0x2D0, count at
 *     0x1E8, the rest in a {@code SETUP_E820_EXT} setup_data node) and {@code cmdline}
 *     ({@code memmap=exactmap} with {@code K@} RAM, {@code K#} ACPI/NVS, {@code K$} reserved, {@code K!}
 *     PRAM; RAM under 100 KiB skipped; 1 KiB granularity; refused past the command line limit).</li>
 *   <li><b>efi</b>: {@code efi-memmap}: the runtime map placed as a segment, pointed to from the zero
 *     page's {@code efi_info} (0x1C0).</li>
 *   <li><b>s390x</b>: {@code oldmem}: OLDMEM_BASE/OLDMEM_SIZE at 0x10418/0x10420 of the parameter area.</li>
 *   <li><b>ia64</b> (to come): {@code efi-memmap}, the EFI memory map patched for the capture kernel, plus
 *     {@code max_addr=}/{@code min_addr=} on the command line.</li>
 * </ul>
 *
 * <h2>{@link io.handoff.api.spi.DumpFallback}: when purgatory finds corruption</h2>
 * The fallback steps of a plan are those of the first fallback, by priority then id, whose {@code steps}
 * are present on the machine; they run when a REQUIRED step fails.
 * <ul>
 *   <li><b>s390x</b>: dump re-IPL (diag 308 with the CCW device or FCP wwpn/lun/bootprog/br_lba read
 *     from {@code /sys/firmware/dump}), then a disabled-wait PSW whose code says why.</li>
 *   <li><b>x86_64</b>: {@code x86_64-halt} (priority 100, always available): print why on the serial
 *     console, then halt with reason 1 (kexec-tools loops forever, silently).</li>
 *   <li><b>ia64</b> (to come): halt; <b>efi</b> (to come): a warm reset through the firmware.</li>
 * </ul>
 *
 * <h2>Purgatory images: {@link io.handoff.api.spi.Platform#purgatoryImage()}</h2>
 * A platform ships its purgatory as a flat blob ({@code framework/purgatory/FORMAT.md}: a 64-byte "HOPG"
 * header, version 1, entry and parameter-area offsets) and returns its bytes from
 * {@code purgatoryImage()}; x86_64 reads the resource {@code /purgatory/x86_64.bin} its build produces.
 * The framework checks the header (and that {@code arch} is the platform's {@code elfMachine()}), places a
 * copy as the {@code purgatory} segment where the platform calls
 * {@link io.handoff.api.plan.PlanContext#placePurgatory} (else after {@code plan} returns: page aligned,
 * at or above 0x3000, top-down, kexec-tools' rule), hashes every other segment, writes the step program
 * into the parameter area and enters the image at {@code base + entry_offset}; the platform's
 * {@link io.handoff.api.plan.PlatformPlan#entry()} and registers become the program's jump. A platform
 * without an image (the default) gets plans without purgatory, which say so and cannot be loaded.
 *
 * <h2>{@link io.handoff.api.spi.PurgatoryStepContributor}: purgatory steps</h2>
 * {@link io.handoff.api.plan.PurgatoryStep#kind()} is one of {@code console} (uart port, divisor),
 * {@code print} (no operands: the text printed is the step's description), {@code copy} (src, dst, length),
 * {@code swap} (a, b, length), {@code rtc} (index port, data port), {@code jump-x86_64} (17 registers: rax
 * rbx rcx rdx rsi rdi rsp rbp r8–r15 rip), {@code halt} (reason) and {@code reset} (method); operands are
 * u64s the framework writes in the target's byte order; anything else fails the plan. {@code verify-digests}
 * is the framework's own REQUIRED step, built from the plan's digests: contributors must not add it. The
 * main program is each contributor's leading {@code console}/{@code rtc}/{@code print} steps, then the
 * digest check, then the contributors' other steps, then the one step that never returns ({@code jump-*},
 * {@code halt}, {@code reset}), which must be last. Each step's {@code worstCase} is honest (timeouts ×
 * retries): the planner refuses a program, fallback included, whose bounds add up to more than
 * {@code handoff.purgatory.budget} (10 s by default; the digest check is bounded at
 * {@code handoff.purgatory.digest-rate}, 50 MiB/s).
 * <ul>
 *   <li><b>x86_64</b>: console on COM1 (0x3f8, 115200 baud) and a banner, (the digest check), copy the
 *     640 KiB backup region for kdump, 64-bit jump with rsi = zero page and rip = kernel + 0x200.</li>
 *   <li><b>s390x</b>: verify digests (the r2 = 0 probe), swap the crash region with low memory, load the
 *     kdump PSW (0x0000000180000000 0x10010).</li>
 *   <li><b>ia64</b>: verify digests, patch the EFI memory map, jump with r28 = boot_param.</li>
 *   <li>The shared last-words module adds IPMI steps (watchdog, panic event, CPU instruction pointers) to
 *     every platform declaring {@link io.handoff.api.Capabilities#PORT_IO}: x86_64, efi and ia64, never
 *     s390x, which has no port I/O and no KCS.</li>
 * </ul>
 *
 * @since 0.1
 */
package io.handoff.api.spi;
