package io.handoff.platforms.s390x;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dump device the machine's firmware would re-IPL, read from {@code /sys/firmware/dump} (Linux's sysfs formats:
 * {@code device} "0.0.%04x", FCP {@code wwpn}/{@code lun} "0x%016llx", {@code bootprog}/{@code br_lba} "%lld").
 *
 * @since 0.1
 */
sealed interface DumpDevice {
    /** The directory Linux publishes the dump configuration in. */
    String DUMP_DIR = "/sys/firmware/dump";
    /** The dump type file: none, ccw, fcp, eckd or nvme. */
    String DUMP_TYPE = DUMP_DIR + "/dump_type";

    /** Return the diag 308 IPL parameter block that re-IPLs this device as a dump tool. */
    byte[] block();

    /** Return one line naming the device, for plans and traces. */
    String describe();

    /**
     * A channel-attached (ECKD/FBA DASD) dump device.
     *
     * @param ssid the subchannel set
     * @param devno the device number
     */
    record Ccw(int ssid, int devno) implements DumpDevice {
        @Override
        public byte[] block() {
            return IplParameterBlock.ccw(ssid, devno);
        }

        @Override
        public String describe() {
            return String.format("ccw device 0.%x.%04x", ssid, devno);
        }
    }

    /**
     * A SCSI dump disk behind an FCP channel.
     *
     * @param devno the FCP device number
     * @param wwpn the target port's worldwide port name
     * @param lun the logical unit
     * @param bootprog the boot program selector
     * @param brLba the boot record's logical block address
     */
    record Fcp(int devno, long wwpn, long lun, int bootprog, long brLba) implements DumpDevice {
        @Override
        public byte[] block() {
            return IplParameterBlock.fcp(devno, wwpn, lun, bootprog, brLba);
        }

        @Override
        public String describe() {
            return String.format("fcp device 0.0.%04x wwpn %#018x lun %#018x bootprog %d br_lba %d", devno, wwpn, lun,
                    bootprog, brLba);
        }
    }

    /** Why a machine has no dump device handoff can re-IPL. */
    enum Absence {
        /** {@code /sys/firmware/dump} does not exist (not s390, or a kernel without dump support). */
        NO_SYSFS,
        /** {@code dump_type} is {@code none}. */
        NONE,
        /** {@code dump_type} is eckd or nvme, which handoff does not re-IPL yet. */
        UNSUPPORTED_TYPE
    }

    /**
     * Read the configured dump device.
     *
     * @return the device, or empty with {@link #absence} saying why
     * @throws HandoffException MALFORMED_PROFILE naming the file when the dump type says ccw or fcp but a device
     *     file is missing or unreadable as Linux writes it
     */
    static Optional<DumpDevice> read(SystemView view) {
        if (!view.exists(DUMP_TYPE)) {
            return Optional.empty();
        }
        String type = view.readString(DUMP_TYPE).trim();
        return switch (type) {
            case "ccw" -> {
                int[] id = device(view, DUMP_DIR + "/ccw/device");
                yield Optional.of(new Ccw(id[0], id[1]));
            }
            case "fcp" -> {
                String dir = DUMP_DIR + "/fcp";
                int[] id = device(view, dir + "/device");
                if (id[0] != 0) {
                    throw malformed(dir + "/device", "\"0." + id[0] + "\"", "an FCP dump device must be in subchannel "
                            + "set 0 (the IPL parameter block has no set field)");
                }
                yield Optional.of(new Fcp(id[1], hex64(view, dir + "/wwpn"), hex64(view, dir + "/lun"),
                        (int) decimal(view, dir + "/bootprog", 0xFFFF_FFFFL), decimal(view, dir + "/br_lba",
                                Long.MAX_VALUE)));
            }
            default -> Optional.empty();
        };
    }

    /** Return why {@link #read} found no device (only meaningful when it returned empty). */
    static Absence absence(SystemView view) {
        if (!view.exists(DUMP_TYPE)) {
            return Absence.NO_SYSFS;
        }
        String type = view.readString(DUMP_TYPE).trim();
        if (type.equals("none") || type.isEmpty()) {
            return Absence.NONE;
        }
        if (type.equals("eckd") || type.equals("nvme")) {
            return Absence.UNSUPPORTED_TYPE;
        }
        throw malformed(DUMP_TYPE, "\"" + type + "\"", "expected none, ccw, fcp, eckd or nvme");
    }

    /** Parse "0.ssid.devno" (Linux writes "0.0.%04x"): {ssid, devno}. */
    private static int[] device(SystemView view, String path) {
        String text = required(view, path);
        Matcher m = Pattern.compile("0\\.([0-3])\\.([0-9a-fA-F]{4})").matcher(text);
        if (!m.matches()) {
            throw malformed(path, "\"" + text + "\"", "expected a device bus id 0.<ssid>.<devno> such as 0.0.5219");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2), 16)};
    }

    private static long hex64(SystemView view, String path) {
        String text = required(view, path);
        if (!text.matches("0x[0-9a-fA-F]{1,16}")) {
            throw malformed(path, "\"" + text + "\"", "expected 0x and up to 16 hexadecimal digits");
        }
        return new BigInteger(text.substring(2), 16).longValue();
    }

    private static long decimal(SystemView view, String path, long max) {
        String text = required(view, path);
        try {
            long v = Long.parseLong(text);
            if (v < 0 || v > max) {
                throw malformed(path, "\"" + text + "\"", "out of range 0.." + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw malformed(path, "\"" + text + "\"", "expected a decimal number");
        }
    }

    private static String required(SystemView view, String path) {
        if (!view.exists(path)) {
            throw new HandoffException(FailureKind.MALFORMED_PROFILE, path + ": missing, but " + DUMP_TYPE
                    + " names a dump device of this type");
        }
        return view.readString(path).trim();
    }

    private static HandoffException malformed(String path, String value, String problem) {
        return new HandoffException(FailureKind.MALFORMED_PROFILE, path + ": line 1: " + value + ": " + problem);
    }
}
