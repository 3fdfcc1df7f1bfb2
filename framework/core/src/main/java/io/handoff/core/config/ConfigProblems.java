package io.handoff.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Validation of a merged configuration against a reference, and one-line descriptions of where values came from.
 *
 * <p>{@link Config#checkValid} is lenient on purpose (a reference string accepts any value, a string
 * accepts any type because it "could be converted"), so after it this class checks each reference leaf
 * strictly: a string default wants a string (or a number when the default is a size or a duration), a
 * number wants something {@code getNumber} accepts, a boolean something {@code getBoolean} accepts.
 */
final class ConfigProblems {
    private static final int MAX_RENDERED = 40;

    private ConfigProblems() {
    }

    /**
     * Check {@code merged} against {@code reference} below {@code path}; throw one CONFIGURATION failure listing all problems.
     */
    static void validate(Config merged, Config reference, String path) {
        // keyed by path so that checkValid and the strict pass never report one setting twice
        Map<String, String> problems = new LinkedHashMap<>();
        try {
            merged.checkValid(reference, path);
        } catch (ConfigException.ValidationFailed e) {
            for (ConfigException.ValidationProblem problem : e.problems()) {
                problems.putIfAbsent(problem.path(),
                        where(problem.origin()) + ": " + problem.path() + ": " + problem.problem());
            }
        }
        if (reference.hasPath(path)) {
            for (Map.Entry<String, ConfigValue> leaf : reference.getConfig(path).entrySet()) {
                String full = path + "." + leaf.getKey();
                if (problems.containsKey(full)) {
                    continue;
                }
                String expected = strict(merged, reference, full, leaf.getValue());
                if (expected != null) {
                    ConfigValue value = merged.getValue(full);
                    problems.put(full, where(value.origin()) + ": " + full + ": expected " + expected + " but got "
                            + render(value));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new HandoffException(FailureKind.CONFIGURATION, String.join("; ", problems.values()));
        }
    }

    /** Return what was expected when the value at {@code full} does not fit its reference leaf, else {@code null}. */
    private static String strict(Config merged, Config reference, String full, ConfigValue ref) {
        try {
            if (!merged.hasPath(full)) {
                return null; // absent or null: checkValid has its say, and null means "unset"
            }
            ConfigValueType actual = merged.getValue(full).valueType();
            switch (ref.valueType()) {
                case STRING:
                    return strictString(merged, reference, full, ref, actual);
                case NUMBER:
                    return parses(() -> merged.getNumber(full)) ? null : "a number (like the default " + ref.render() + ")";
                case BOOLEAN:
                    return parses(() -> merged.getBoolean(full)) ? null : "a boolean (true or false)";
                case LIST:
                    return actual == ConfigValueType.LIST ? null : "a list";
                default:
                    return null;
            }
        } catch (ConfigException e) {
            return null; // a parent that is not an object: checkValid reports it
        }
    }

    private static String strictString(Config merged, Config reference, String full, ConfigValue ref,
                                       ConfigValueType actual) {
        String example = ref.unwrapped().toString();
        boolean size = parses(() -> reference.getBytes(full));
        boolean duration = !size && parses(() -> reference.getDuration(full));
        if (size) {
            boolean fits = (actual == ConfigValueType.STRING || actual == ConfigValueType.NUMBER)
                    && parses(() -> merged.getBytes(full));
            return fits ? null : "a size in bytes (such as " + example + ")";
        }
        if (duration) {
            boolean fits = (actual == ConfigValueType.STRING || actual == ConfigValueType.NUMBER)
                    && parses(() -> merged.getDuration(full));
            return fits ? null : "a duration (such as " + example + ")";
        }
        return actual == ConfigValueType.STRING ? null : "a string (like the default \"" + example + "\")";
    }

    private static boolean parses(Runnable read) {
        try {
            read.run();
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    /** Return where a value was set: {@code file:line}, a resource or URL, or the origin's description. */
    static String where(ConfigOrigin origin) {
        if (origin == null) {
            return "(unknown origin)";
        }
        String line = origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "";
        if (origin.filename() != null) {
            return origin.filename() + line;
        }
        if (origin.url() != null) {
            return origin.url() + line;
        }
        return origin.description();
    }

    /** Return a short rendering such as {@code number 3} or {@code string "e820"}. */
    static String render(ConfigValue value) {
        String text = value.render(ConfigRenderOptions.concise());
        if (text.length() > MAX_RENDERED) {
            text = text.substring(0, MAX_RENDERED) + "...";
        }
        return value.valueType().name().toLowerCase(Locale.ROOT) + " " + text;
    }
}
