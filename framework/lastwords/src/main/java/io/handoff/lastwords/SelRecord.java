package io.handoff.lastwords;

import java.util.Arrays;
import java.util.Objects;

/**
 * A decoded 16-byte System Event Log record (see {@link SelRecords#decode}).
 *
 * @since 0.1
 */
public sealed interface SelRecord {
    /** Return the record id the BMC assigned (0 in an Add SEL Entry request). */
    int recordId();

    /** Return the record type ([2]). */
    int type();

    /**
     * An OEM non-timestamped text record (type 0xF0): one piece of a panic text.
     *
     * @param recordId the record id
     * @param slaveAddress the slave address of the writer ([3], 0x20 = BMC)
     * @param sequence the piece's number ([4], from 0)
     * @param text the piece ([5..15]), trailing NUL padding removed
     */
    record OemText(int recordId, int slaveAddress, int sequence, String text) implements SelRecord {
        @Override
        public int type() {
            return SelRecords.TYPE_TEXT;
        }
    }

    /**
     * A handoff CPU instruction pointer record (type 0xF1, FORMAT.md §7).
     *
     * @param recordId the record id
     * @param slaveAddress the slave address ([3])
     * @param cpu the CPU number ([4])
     * @param ip the instruction pointer ([5..12], little-endian)
     */
    record CpuIp(int recordId, int slaveAddress, int cpu, long ip) implements SelRecord {
        @Override
        public int type() {
            return SelRecords.TYPE_CPU_IP;
        }
    }

    /**
     * A standard system event record (type 0x02), as a BMC stores a Platform Event Message.
     *
     * @param recordId the record id
     * @param timestamp seconds since 1970 ([3..6])
     * @param generatorId the generator id ([7..8], LSB first: the generator byte, then channel and LUN)
     * @param evmRev the event message revision
     * @param sensorType the sensor type
     * @param sensorNumber the sensor number
     * @param eventDirType the event direction (bit 7) and type
     * @param data1 event data 1
     * @param data2 event data 2
     * @param data3 event data 3
     */
    record SystemEvent(int recordId, long timestamp, int generatorId, int evmRev, int sensorType, int sensorNumber,
                       int eventDirType, int data1, int data2, int data3) implements SelRecord {
        @Override
        public int type() {
            return SelRecords.TYPE_SYSTEM_EVENT;
        }
    }

    /**
     * Any other record type, kept as bytes.
     *
     * @param recordId the record id
     * @param type the record type
     * @param bytes the 16 bytes (copied)
     */
    record Other(int recordId, int type, byte[] bytes) implements SelRecord {
        /** Copy the bytes. */
        public Other {
            bytes = bytes.clone();
        }

        /** Return a copy of the bytes. */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Other r && r.recordId == recordId && r.type == type && Arrays.equals(r.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Objects.hash(recordId, type, Arrays.hashCode(bytes));
        }

        @Override
        public String toString() {
            return "Other[recordId=" + recordId + ", type=" + type + ", bytes=" + Bytes.hex(bytes) + "]";
        }
    }
}
