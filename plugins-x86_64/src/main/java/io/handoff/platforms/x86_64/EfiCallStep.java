package io.handoff.platforms.x86_64;

import io.handoff.api.arch.StepKindDeclaration;
import io.handoff.api.plan.EfiRuntimeCall;
import io.handoff.api.plan.EfiRuntimeService;
import io.handoff.api.support.BytePayloads;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code efi-call-x86_64} step kind (FORMAT.md §3, code 64): call one UEFI runtime service, whose pointer the
 * runtime reads from EFI_RUNTIME_SERVICES at run time, with the Microsoft x64 convention on purgatory's own page
 * tables.
 *
 * <p>Operands, each a u64: the page-table root, the runtime services table's physical address, the service's offset
 * in it, the returns flag (1: the call must return EFI_SUCCESS; 0: it must not return), the argument count (0-5),
 * the pointer mask (bit i: argument i is an offset into the data, passed as the address of those bytes), the five
 * arguments (unused ones 0), the data length, then the data packed 8 bytes per operand ({@link BytePayloads}). Each
 * {@link EfiRuntimeCall.Bytes} argument starts 8-byte aligned in the data.
 */
final class EfiCallStep implements StepKindDeclaration {
    /** The step kind's code. */
    static final int CODE = 64;
    /** The fixed operands, before the data words. */
    static final List<String> OPERANDS = List.of("root", "runtime_table", "service_offset", "returns", "argc",
            "pointer_mask", "arg0", "arg1", "arg2", "arg3", "arg4", "data_length");
    /** The index of the first argument operand. */
    static final int ARG0 = 6;
    /** The index of the data length operand. */
    static final int DATA_LENGTH = 11;
    /** The most data bytes a step carries (one page: what the reference machine's HAL passes at once). */
    static final int MAX_DATA = 4096;
    /**
     * The longest a runtime service is assumed to take: a variable write to flash (OVMF's pflash or a SPI part)
     * takes milliseconds; one second leaves room for a slow part's erase.
     */
    static final Duration WORST_CASE = Duration.ofSeconds(1);

    @Override
    public String id() {
        return "efi-call-x86_64";
    }

    @Override
    public int code() {
        return CODE;
    }

    @Override
    public List<String> operandNames() {
        return OPERANDS;
    }

    @Override
    public boolean variableOperands() {
        return true;
    }

    /** Not terminal: a call that must return goes on to the next step (ResetSystem's step simply never returns). */
    @Override
    public boolean terminal() {
        return false;
    }

    @Override
    public Optional<String> checkOperands(List<Long> ops) {
        if (ops.size() < OPERANDS.size()) {
            return Optional.of(String.format("takes at least %d operands, got %d", OPERANDS.size(), ops.size()));
        }
        long offset = ops.get(2);
        if (EfiRuntimeService.atOffset(offset) == null) {
            return Optional.of(String.format("no runtime service at offset %#x", offset));
        }
        if (ops.get(3) != 0 && ops.get(3) != 1) {
            return Optional.of("returns flag must be 0 or 1: " + ops.get(3));
        }
        long argc = ops.get(4);
        if (argc < 0 || argc > EfiRuntimeCall.MAX_ARGUMENTS) {
            return Optional.of("argument count must be 0-5: " + argc);
        }
        long mask = ops.get(5);
        if ((mask >>> argc) != 0) {
            return Optional.of(String.format("pointer mask %#x names arguments past the %d given", mask, argc));
        }
        long length = ops.get(DATA_LENGTH);
        if (length < 0 || length > MAX_DATA) {
            return Optional.of("data length must be 0-" + MAX_DATA + ": " + length);
        }
        if (ops.size() != OPERANDS.size() + BytePayloads.words((int) length)) {
            return Optional.of(String.format("%d data bytes take %d words, got %d", length,
                    BytePayloads.words((int) length), ops.size() - OPERANDS.size()));
        }
        for (int i = 0; i < argc; i++) {
            long off = ops.get(ARG0 + i);
            if ((mask >>> i & 1) != 0 && (off < 0 || off > length || off % 8 != 0)) {
                return Optional.of(String.format("pointer argument %d: offset %#x is not an aligned offset into the "
                        + "%d data bytes", i, off, length));
            }
        }
        return Optional.empty();
    }

    @Override
    public Duration worstCase(List<Long> operands) {
        return WORST_CASE;
    }

    /** {@code SetVariable(&data[0x0], &data[0x18], 0x7, 0x2, &data[0x28]) on tables at 0x..., must return EFI_SUCCESS}. */
    @Override
    public String summary(List<Long> ops) {
        if (checkOperands(ops).isPresent()) {
            return StepKindDeclaration.super.summary(ops);
        }
        EfiRuntimeService service = EfiRuntimeService.atOffset(ops.get(2));
        StringBuilder b = new StringBuilder(service.specName()).append('(');
        for (int i = 0; i < ops.get(4); i++) {
            long v = ops.get(ARG0 + i);
            b.append(i == 0 ? "" : ", ").append((ops.get(5) >>> i & 1) != 0 ? String.format("&data[%#x]", v)
                    : String.format("%#x", v));
        }
        return b.append(String.format(") via RT %#x on tables at %#x, %s, %d data bytes", ops.get(1), ops.get(0),
                ops.get(3) == 1 ? "must return EFI_SUCCESS" : "must not return", ops.get(DATA_LENGTH))).toString();
    }

    /** The line the step prints before the call: {@code purgatory: EFI call SetVariable at 0x...}. */
    @Override
    public String consoleMarker() {
        return "purgatory: EFI call ";
    }

    /** Return the operands of a call (x86_64 is little-endian). */
    static List<Long> operands(EfiRuntimeCall call) {
        List<EfiRuntimeCall.Argument> args = call.arguments();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        long[] values = new long[EfiRuntimeCall.MAX_ARGUMENTS];
        long mask = 0;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof EfiRuntimeCall.Bytes bytes) {
                while (data.size() % 8 != 0) {
                    data.write(0);
                }
                values[i] = data.size();
                mask |= 1L << i;
                data.writeBytes(bytes.bytes());
            } else {
                values[i] = ((EfiRuntimeCall.Value) args.get(i)).value();
            }
        }
        byte[] bytes = data.toByteArray();
        if (bytes.length > MAX_DATA) {
            throw new IllegalArgumentException(String.format("EFI %s: %d argument bytes, at most %d fit a step",
                    call.service().specName(), bytes.length, MAX_DATA));
        }
        List<Long> ops = new ArrayList<>(List.of(call.pageTables(), call.runtimeTable(),
                (long) call.service().offset(), call.returns() ? 1L : 0L, (long) args.size(), mask));
        for (long v : values) {
            ops.add(v);
        }
        ops.addAll(BytePayloads.payload(bytes, ByteOrder.LITTLE_ENDIAN));
        return ops;
    }

    /**
     * Return the call a step's operands encode (the policy and description are not in the operands: the ones given).
     *
     * @throws IllegalArgumentException when the operands are not a valid {@code efi-call-x86_64} step
     */
    static EfiRuntimeCall decode(List<Long> ops, io.handoff.api.plan.PurgatoryStep.FailurePolicy policy,
                                 String description) {
        new EfiCallStep().checkOperands(ops).ifPresent(p -> {
            throw new IllegalArgumentException("efi-call-x86_64: " + p);
        });
        byte[] data = BytePayloads.read(ops, DATA_LENGTH, ByteOrder.LITTLE_ENDIAN);
        long mask = ops.get(5);
        int argc = Math.toIntExact(ops.get(4));
        List<EfiRuntimeCall.Argument> args = new ArrayList<>();
        for (int i = 0; i < argc; i++) {
            long v = ops.get(ARG0 + i);
            if ((mask >>> i & 1) != 0) {
                // the bytes run to the next pointer argument's offset (alignment padding included), or to the end
                long end = data.length;
                for (int j = 0; j < argc; j++) {
                    long o = ops.get(ARG0 + j);
                    if ((mask >>> j & 1) != 0 && o > v && o < end) {
                        end = o;
                    }
                }
                args.add(new EfiRuntimeCall.Bytes(Arrays.copyOfRange(data, (int) v, (int) end)));
            } else {
                args.add(new EfiRuntimeCall.Value(v));
            }
        }
        return new EfiRuntimeCall(ops.get(0), ops.get(1), EfiRuntimeService.atOffset(ops.get(2)), args,
                ops.get(3) == 1, policy, description);
    }
}
