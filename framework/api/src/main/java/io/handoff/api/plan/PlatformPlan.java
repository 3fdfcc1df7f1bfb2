package io.handoff.api.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a platform hands back after placing its segments through the {@link PlanContext}.
 *
 * @param entry the kernel's entry; when purgatory is linked, kexec enters purgatory instead and the
 *     platform's jump step (built from the same registers) enters the kernel here
 * @param registers the registers the kernel is entered with (x86_64: {@code rip}, {@code rsi} …), in order
 * @param commandLine the final command line the new kernel receives
 * @param facts name/value lines for {@code plan.txt} and {@code manifest.json} (boot protocol fields, etc.)
 * @param warnings things the user should know, one line each
 * @since 0.1
 */
public record PlatformPlan(long entry, Map<String, Long> registers, String commandLine, Map<String, String> facts,
                           List<String> warnings) {
    public PlatformPlan {
        registers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(registers));
        Objects.requireNonNull(commandLine, "commandLine");
        facts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        warnings = List.copyOf(warnings);
    }
}
