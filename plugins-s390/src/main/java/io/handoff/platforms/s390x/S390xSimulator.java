package io.handoff.platforms.s390x;

import io.handoff.api.arch.ArchitectureAnswer;
import io.handoff.api.arch.ArchitectureCall;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureStop;
import io.handoff.api.arch.KdumpProbe;
import io.handoff.api.arch.SimulatedMachine;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The s390x CPU and firmware of the reference machine: the PSW loads, diag 308 calls and disabled waits of
 * src/main/purgatory/host/host-s390x.c, and the kdump entry through the kernel's checksum probe.
 *
 * <p>The firmware re-IPLs the dump tool of any IPL parameter block it can read ({@link IplParameterBlockView})
 * and refuses an unreadable one with rc 0x0102, as a machine without a valid configuration does.
 */
final class S390xSimulator implements ArchitectureSimulator {
    /** host-s390x.c's operation numbers (steps-s390x.h). */
    static final int OP_LOAD_PSW = 1;
    static final int OP_DIAG308 = 2;
    static final int OP_DISABLED_WAIT = 3;
    /** diag 308 subcodes and return codes (Linux arch/s390/include/asm/ipl.h). */
    static final long DIAG308_SET = 5;
    static final long DIAG308_LOAD_NORMAL_DUMP = 4;
    static final long DIAG308_RC_OK = 0x0001;
    static final long DIAG308_RC_NOCONFIG = 0x0102;
    /** Where an IPL and the capture kernel start: the s390 kernel image's load address. */
    static final long KERNEL_LOAD = 0x10000;
    /** The register names of a PSW load. */
    static final String PSW_MASK = "psw_mask";
    static final String PSW_ADDR = "psw_addr";

    @Override
    public String hostLibrary() {
        return "native/linux-x86-64/libhandoff-purgatory-host-s390x.so";
    }

    @Override
    public Optional<KdumpProbe> kdumpProbe() {
        return Optional.of(new KdumpProbe(
                "crash: the kernel checks the capture kernel before resetting the machine (kdump_csum_valid): it "
                        + "calls purgatory at %#x with r2 = 0",
                "r2 = ",
                "the kernel returns from machine_kexec(): no capture kernel; the panic goes on to its on_panic "
                        + "shutdown action (/sys/firmware/shutdown_actions/on_panic)",
                "the kernel resets the machine and enters purgatory at %#x with r2 = 1 (start_kdump)"));
    }

    @Override
    public Cpu start(SimulatedMachine machine) {
        // what the kdump swap must move: the capture kernel's first bytes and what low memory held
        long kernelAt = machine.crashRegion().map(r -> r.start() + KERNEL_LOAD).orElse(-1L);
        byte[] loaded = machine.crash() && kernelAt >= 0 ? machine.read(kernelAt, 16) : new byte[0];
        byte[] low = machine.crash() && kernelAt >= 0 ? machine.read(KERNEL_LOAD, 16) : new byte[0];
        return new Cpu() {
            private byte[] iplBlock;

            @Override
            public ArchitectureAnswer call(ArchitectureCall call) {
                return switch (call.op()) {
                    case OP_LOAD_PSW -> loadPsw(call.arg(0), call.arg(1));
                    case OP_DIAG308 -> diag308(call.arg(0), call.data());
                    case OP_DISABLED_WAIT -> ArchitectureAnswer.stop(ArchitectureStop.other(
                            S390xSteps.DISABLED_WAIT.code(), call.arg(0), new byte[0],
                            String.format("stopped in a disabled wait with code %#x", call.arg(0))),
                            String.format("the CPU loads the disabled-wait PSW 0x0002000180000000 %#018x and stops",
                                    call.arg(0)));
                    default -> ArchitectureAnswer.value(-1, "unknown s390x operation " + call.op());
                };
            }

            private ArchitectureAnswer diag308(long subcode, byte[] block) {
                if (subcode == DIAG308_SET) {
                    Optional<String> decoded = IplParameterBlockView.describe(block);
                    iplBlock = decoded.isPresent() ? block : null;
                    long rc = decoded.isPresent() ? DIAG308_RC_OK : DIAG308_RC_NOCONFIG;
                    return ArchitectureAnswer.value(rc, String.format(
                            "diag 308 subcode 5 (SET), %d-byte IPL parameter block: %s -> rc %#06x", block.length,
                            decoded.orElse("unreadable"), rc));
                }
                if (subcode == DIAG308_LOAD_NORMAL_DUMP && iplBlock != null) {
                    String device = IplParameterBlockView.describe(iplBlock).orElseThrow();
                    return ArchitectureAnswer.stop(ArchitectureStop.other(S390xSteps.DUMP_REIPL.code(), 0,
                                    iplBlock, "re-IPLed the dump tool (diag 308): " + device
                                    + " (the stand-alone dump tool writes the dump)"),
                            "diag 308 subcode 4 (LOAD_NORMAL_DUMP) -> rc 0x0001: the machine re-IPLs the dump tool");
                }
                return ArchitectureAnswer.value(DIAG308_RC_NOCONFIG, String.format(
                        "diag 308 subcode %d -> rc %#06x (no parameter block set)", subcode, DIAG308_RC_NOCONFIG));
            }

            @Override
            public List<String> afterHandoff(SimulatedMachine after, Optional<ArchitectureStop> stop) {
                if (loaded.length == 0 || stop.isEmpty() || !stop.get().jumped()) {
                    return List.of();
                }
                boolean swapped = Arrays.equals(after.read(KERNEL_LOAD, 16), loaded)
                        && Arrays.equals(after.read(kernelAt, 16), low);
                return List.of(String.format("after the run: %#x holds the capture kernel loaded at %#x, and %#x what "
                        + "low memory held: %s", KERNEL_LOAD, kernelAt, kernelAt, swapped ? "swapped" : "NOT swapped"));
            }
        };
    }

    private static ArchitectureAnswer loadPsw(long mask, long address) {
        Map<String, Long> psw = new LinkedHashMap<>();
        psw.put(PSW_MASK, mask);
        psw.put(PSW_ADDR, address);
        return ArchitectureAnswer.stop(ArchitectureStop.jump(S390xSteps.LOAD_PSW.code(), address, psw,
                        String.format("loaded the PSW %#018x %#x", mask, address)),
                String.format("lpswe: the CPU loads the PSW %#018x %#018x", mask, address));
    }
}
