package io.handoff.simulator.bmc;

/**
 * The ways the simulated BMC can misbehave (fault injection), each named as {@code --bmc} spells it.
 *
 * @since 0.1
 */
public enum BmcFault {
    /** A healthy BMC. */
    NONE("none", "a healthy BMC"),
    /** No BMC: both ports read 0xFF (a floating bus) and writes go nowhere. */
    ABSENT("absent", "absent (both KCS ports read 0xff)"),
    /** The BMC takes the first byte written and never clears IBF again: a hung controller. */
    NEVER_CLEARS_IBF("stuck-ibf", "hung: it never clears IBF after the first byte written to it"),
    /** Every write transfer puts the interface into the ERROR state; the abort recovery works, the retry fails again. */
    ERROR_STATE("error", "in trouble: every write transfer ends in the KCS ERROR state"),
    /** The BMC takes a whole second to consume each byte or control code. */
    SLOW("slow", "slow: it takes 1 s to consume each byte"),
    /** Every response carries a non-zero completion code and nothing is done. */
    GARBAGE_CC("garbage-cc", "confused: every response carries a garbage completion code"),
    /** Every second data byte of a request is lost before the BMC sees it. */
    DROPS_BYTES("drops-bytes", "lossy: every second request data byte is lost"),
    /** The BMC does the work but answers with the request's NetFn (no response bit) in the header. */
    WRONG_HEADER("wrong-header", "confused: its responses carry the request's NetFn, not NetFn + 1");

    private final String id;
    private final String description;

    BmcFault(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** Return the name the command line uses, such as {@code stuck-ibf}. */
    public String id() {
        return id;
    }

    /** Return what the fault looks like, for traces: "the BMC at 0xca2 is …". */
    public String description() {
        return description;
    }

    /**
     * Return the fault named {@code id}.
     *
     * @param id such as {@code garbage-cc}
     * @return the fault
     * @throws IllegalArgumentException listing the known names for anything else
     */
    public static BmcFault of(String id) {
        for (BmcFault f : values()) {
            if (f.id.equalsIgnoreCase(id.trim())) {
                return f;
            }
        }
        StringBuilder known = new StringBuilder();
        for (BmcFault f : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(f.id);
        }
        throw new IllegalArgumentException("'" + id + "' is not a BMC fault; expected one of " + known);
    }
}
