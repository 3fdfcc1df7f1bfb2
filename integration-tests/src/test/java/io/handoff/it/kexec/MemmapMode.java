package io.handoff.it.kexec;

import java.util.List;

/** How the capture kernel learns its memory map, with the option each loader takes for it. */
public enum MemmapMode {
    /** The zero page's e820 table (kexec-tools' default since 2014). */
    E820("e820", List.of()),
    /** {@code memmap=exactmap memmap=…} on the command line ({@code kexec -p --pass-memmap-cmdline}). */
    CMDLINE("cmdline", List.of("--pass-memmap-cmdline"));

    private final String handoffOption;
    private final List<String> kexecArgs;

    MemmapMode(String handoffOption, List<String> kexecArgs) {
        this.handoffOption = handoffOption;
        this.kexecArgs = kexecArgs;
    }

    /** Return the value of {@code handoff plan --memmap}. */
    public String handoffOption() {
        return handoffOption;
    }

    /** Return the extra {@code kexec} arguments. */
    public List<String> kexecArgs() {
        return kexecArgs;
    }
}
