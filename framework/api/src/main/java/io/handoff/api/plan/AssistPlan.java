package io.handoff.api.plan;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link io.handoff.api.spi.CrashAssist} decided at plan time: facts for plan.txt and the bytes its arming
 * installs (a firmware variable's contents, say), so that loading needs no second planning.
 *
 * @param assist the assist's id
 * @param facts name → value lines for plan.txt and {@code --json}, in order
 * @param artifacts name → bytes the arming uses
 * @since 0.3
 */
public record AssistPlan(String assist, Map<String, String> facts, Map<String, byte[]> artifacts) {
    public AssistPlan {
        Objects.requireNonNull(assist, "assist");
        facts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        Map<String, byte[]> copy = new LinkedHashMap<>();
        artifacts.forEach((k, v) -> copy.put(k, v.clone()));
        artifacts = java.util.Collections.unmodifiableMap(copy);
    }

    /** Return a copy of one artifact's bytes. */
    public byte[] artifact(String name) {
        byte[] b = artifacts.get(name);
        if (b == null) {
            throw new IllegalArgumentException("assist " + assist + " planned no artifact " + name);
        }
        return b.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AssistPlan p && assist.equals(p.assist) && facts.equals(p.facts)
                && artifacts.keySet().equals(p.artifacts.keySet())
                && artifacts.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), p.artifacts.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return Objects.hash(assist, facts, artifacts.keySet());
    }
}
