package io.handoff.lastwords;

import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import io.handoff.api.support.BytePayloads;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An {@code ipmi-request} step (FORMAT.md §7): one KCS transaction, its response checked, its completion code
 * printed with a short label.
 *
 * <p>Operands: the {@link KcsTransport} (data port, status port, wait_us, retries, deadline_us), then the
 * request and the label each as a byte payload ({@link BytePayloads}: a u64 length, then the bytes packed 8 per
 * u64 in the target's byte order).
 *
 * <p>Its worst case is not its own: all last-words steps share one deadline, whose bound {@link LastWordsSteps}
 * charges to the first of them ({@link KcsTransport#lastWordsBound()}).
 *
 * @param transport where the KCS interface is and how long to wait
 * @param request the request
 * @param label the short label printed by the runtime, ASCII, at most {@value #MAX_LABEL} bytes
 * @since 0.1
 */
public record IpmiRequestStep(KcsTransport transport, IpmiRequest request, String label) {
    /** The step kind. */
    public static final String KIND = "ipmi-request";
    /** The longest label. */
    public static final int MAX_LABEL = 64;

    /** Check the label. */
    public IpmiRequestStep {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(request, "request");
        if (label.isEmpty() || label.length() > MAX_LABEL || !StandardCharsets.US_ASCII.newEncoder().canEncode(label)) {
            throw new IllegalArgumentException("label must be 1.." + MAX_LABEL + " ASCII characters: '" + label + "'");
        }
    }

    /** Return the operands for a target of the given byte order. */
    public List<Long> operands(ByteOrder order) {
        List<Long> operands = new ArrayList<>(transport.operands());
        BytePayloads.append(operands, request.bytes(), order);
        BytePayloads.append(operands, label.getBytes(StandardCharsets.US_ASCII), order);
        return operands;
    }

    /**
     * Return the best-effort purgatory step.
     *
     * @param order the target's byte order
     * @param worstCase the bound charged to this step (the shared deadline's for the first, else zero)
     * @param description one line for plans and traces
     */
    public PurgatoryStep toStep(ByteOrder order, Duration worstCase, String description) {
        return new PurgatoryStep(KIND, FailurePolicy.BEST_EFFORT, worstCase, operands(order), description);
    }

    /**
     * Decode the operands of an {@code ipmi-request} step.
     *
     * @param operands the step's operands
     * @param order the target's byte order they were packed for
     * @return the step
     * @throws IllegalArgumentException for operands that are not such a step
     */
    public static IpmiRequestStep decode(List<Long> operands, ByteOrder order) {
        if (operands.size() < 7) {
            throw new IllegalArgumentException("ipmi-request: " + operands.size() + " operands, need at least 7");
        }
        KcsTransport transport = KcsTransport.decode(operands);
        byte[] wire = BytePayloads.read(operands, 5, order);
        if (wire.length < 2) {
            throw new IllegalArgumentException("ipmi-request: request of " + wire.length + " bytes");
        }
        byte[] data = Arrays.copyOfRange(wire, 2, wire.length);
        IpmiRequest request = new IpmiRequest((wire[0] & 0xFF) >> 2, wire[0] & 3, wire[1] & 0xFF, data);
        int labelAt = 6 + BytePayloads.words(wire.length);
        if (labelAt >= operands.size()) {
            throw new IllegalArgumentException("ipmi-request: no label after the request");
        }
        String label = new String(BytePayloads.read(operands, labelAt, order), StandardCharsets.US_ASCII);
        int end = labelAt + 1 + BytePayloads.words(label.length());
        if (end != operands.size()) {
            throw new IllegalArgumentException("ipmi-request: " + (operands.size() - end) + " operands after the label");
        }
        return new IpmiRequestStep(transport, request, label);
    }
}
