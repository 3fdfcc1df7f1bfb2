package io.handoff.api.arch;

import java.util.List;

/**
 * One architecture operation the host library's HAL forwards to Java ({@code pg_host_arch_call}).
 *
 * @param op the operation number, the plugin's own
 * @param args the u64 arguments
 * @param data the byte block passed with it (empty when none)
 * @since 0.2
 */
public record ArchitectureCall(int op, List<Long> args, byte[] data) {
    public ArchitectureCall {
        args = List.copyOf(args);
        data = data.clone();
    }

    /** Return argument {@code i}, or 0 when the call has fewer. */
    public long arg(int i) {
        return i < args.size() ? args.get(i) : 0;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
