package io.handoff.api.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a platform hands back after placing its segments through the {@link PlanContext}.
 *
 * @param entry the address the loaded image is entered at (today: the kernel's entry; once purgatory is
 *     linked, the framework moves this into purgatory's parameters)
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
