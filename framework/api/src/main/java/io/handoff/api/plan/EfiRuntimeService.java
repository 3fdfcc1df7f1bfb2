package io.handoff.api.plan;

/**
 * The UEFI runtime services by their offset in EFI_RUNTIME_SERVICES (64-bit: a 24-byte header, then one pointer each).
 *
 * @since 0.3
 */
public enum EfiRuntimeService {
    /** GetTime. */
    GET_TIME("GetTime", 0x18),
    /** SetTime. */
    SET_TIME("SetTime", 0x20),
    /** GetWakeupTime. */
    GET_WAKEUP_TIME("GetWakeupTime", 0x28),
    /** SetWakeupTime. */
    SET_WAKEUP_TIME("SetWakeupTime", 0x30),
    /** SetVirtualAddressMap. */
    SET_VIRTUAL_ADDRESS_MAP("SetVirtualAddressMap", 0x38),
    /** ConvertPointer. */
    CONVERT_POINTER("ConvertPointer", 0x40),
    /** GetVariable. */
    GET_VARIABLE("GetVariable", 0x48),
    /** GetNextVariableName. */
    GET_NEXT_VARIABLE_NAME("GetNextVariableName", 0x50),
    /** SetVariable. */
    SET_VARIABLE("SetVariable", 0x58),
    /** GetNextHighMonotonicCount. */
    GET_NEXT_HIGH_MONOTONIC_COUNT("GetNextHighMonotonicCount", 0x60),
    /** ResetSystem. */
    RESET_SYSTEM("ResetSystem", 0x68),
    /** UpdateCapsule. */
    UPDATE_CAPSULE("UpdateCapsule", 0x70),
    /** QueryCapsuleCapabilities. */
    QUERY_CAPSULE_CAPABILITIES("QueryCapsuleCapabilities", 0x78),
    /** QueryVariableInfo. */
    QUERY_VARIABLE_INFO("QueryVariableInfo", 0x80);

    /** The table's signature, "RUNTSERV" read as a little-endian u64. */
    public static final long SIGNATURE = 0x56524553544e5552L;

    private final String specName;
    private final int offset;

    EfiRuntimeService(String specName, int offset) {
        this.specName = specName;
        this.offset = offset;
    }

    /** Return the name the UEFI specification gives it, such as {@code SetVariable}. */
    public String specName() {
        return specName;
    }

    /** Return the byte offset of its pointer in the table. */
    public int offset() {
        return offset;
    }

    /** Return the service whose pointer is at this offset, or null. */
    public static EfiRuntimeService atOffset(long offset) {
        for (EfiRuntimeService s : values()) {
            if (s.offset == offset) {
                return s;
            }
        }
        return null;
    }
}
