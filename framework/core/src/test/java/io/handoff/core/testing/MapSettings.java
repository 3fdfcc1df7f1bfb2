package io.handoff.core.testing;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings from a plain map, for tests that do not go through Typesafe Config.
 */
public record MapSettings(Map<String, String> values) implements Settings {
    /** Return empty settings. */
    public static MapSettings empty() {
        return new MapSettings(Map.of());
    }

    @Override
    public boolean has(String path) {
        return values.containsKey(path);
    }

    @Override
    public String getString(String path) {
        String v = values.get(path);
        if (v == null) {
            throw new HandoffException(FailureKind.CONFIGURATION, path + ": missing");
        }
        return v;
    }

    @Override
    public boolean getBoolean(String path) {
        return Boolean.parseBoolean(getString(path));
    }

    @Override
    public int getInt(String path) {
        return Integer.parseInt(getString(path));
    }

    @Override
    public long getBytes(String path) {
        return Long.decode(getString(path));
    }

    @Override
    public Duration getDuration(String path) {
        return Duration.parse(getString(path));
    }

    @Override
    public List<String> getStringList(String path) {
        return List.of(getString(path).split(","));
    }
}
