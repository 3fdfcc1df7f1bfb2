package io.handoff.it.kexec;

import io.handoff.launcher.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of {@code handoff plan --crash} through the launcher, as a user runs it, with the bundle it wrote read
 * back from {@code manifest.json} and {@code segments/}.
 *
 * @param load the planned segments, entry and flags
 * @param bundle the bundle directory
 * @param commandLine the manifest's {@code commandLine}
 * @param registers the manifest's {@code registers}
 */
public record HandoffPlanRun(CapturedLoad load, Path bundle, String commandLine, Map<String, Long> registers) {
    /**
     * Plan a kdump load of the kernel for the profile with the plugins of {@code handoff.plugins}.
     *
     * @throws AssertionError when the launcher fails, with its output
     */
    public static HandoffPlanRun run(Path profile, Path kernel, Path initrd, String append, MemmapMode mode, Path out) {
        String[] args = {"plan", "--plugins", pluginsDir().toString(), "--platform", "x86_64",
            "--root", profile.toString(), "--kernel", kernel.toString(), "--initrd", initrd.toString(),
            "--append", append, "--crash", "--memmap", mode.handoffOption(), "--out", out.toString()};
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int rc = Main.run(args, new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        if (rc != 0) {
            throw new AssertionError("handoff " + String.join(" ", args) + " exited with " + rc + ":\n" + stderr
                    + stdout);
        }
        return read(out);
    }

    /**
     * Plan a load of the kernel for the profile on a named platform with the plugins of {@code handoff.plugins}.
     *
     * @param platform the {@code --platform} id
     * @param initrd the initrd, or null for none
     * @param append the {@code --append} text, or null to leave the option out
     * @param crash a kdump load ({@code --crash}) when true
     * @param extraArgs more {@code plan} options
     * @throws AssertionError when the launcher fails, with its output
     */
    public static HandoffPlanRun plan(String platform, Path profile, Path kernel, Path initrd, String append,
                                      boolean crash, List<String> extraArgs, Path out) {
        Outcome o = execute(platform, profile, kernel, initrd, append, crash, extraArgs, out);
        if (o.exitStatus() != 0) {
            throw new AssertionError("handoff " + String.join(" ", o.args()) + " exited with " + o.exitStatus() + ":\n"
                    + o.output());
        }
        return read(out);
    }

    /** The raw outcome of one {@code handoff plan}: arguments, exit status and what it printed. */
    public record Outcome(List<String> args, int exitStatus, String output) {
    }

    /** Run {@code handoff plan} like {@link #plan} and return the outcome without judging it. */
    public static Outcome execute(String platform, Path profile, Path kernel, Path initrd, String append,
                                  boolean crash, List<String> extraArgs, Path out) {
        List<String> args = new ArrayList<>(List.of("plan", "--plugins", pluginsDir().toString(), "--platform",
                platform, "--root", profile.toString(), "--kernel", kernel.toString()));
        if (initrd != null) {
            args.addAll(List.of("--initrd", initrd.toString()));
        }
        if (append != null) {
            args.addAll(List.of("--append", append));
        }
        if (crash) {
            args.add("--crash");
        }
        args.addAll(extraArgs);
        args.addAll(List.of("--out", out.toString()));
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int rc = Main.run(args.toArray(String[]::new), new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        return new Outcome(List.copyOf(args), rc, stderr + stdout.toString());
    }

    /** Read a bundle directory. */
    @SuppressWarnings("unchecked")
    public static HandoffPlanRun read(Path bundle) {
        try {
            Map<String, Object> m = (Map<String, Object>) MiniJson.parse(
                    Files.readString(bundle.resolve("manifest.json"), StandardCharsets.UTF_8));
            List<LoadedSegment> segments = new ArrayList<>();
            for (Object o : (List<Object>) m.get("segments")) {
                Map<String, Object> s = (Map<String, Object>) o;
                byte[] data = Files.readAllBytes(bundle.resolve((String) s.get("file")));
                long bufsz = hex(s.get("bufsz"));
                if (data.length != bufsz) {
                    throw new AssertionError(bundle + "/" + s.get("file") + ": " + data.length + " bytes, manifest says bufsz "
                            + bufsz);
                }
                segments.add(new LoadedSegment((String) s.get("role"), hex(s.get("mem")), hex(s.get("memsz")), bufsz,
                        data));
            }
            Map<String, Long> registers = new LinkedHashMap<>();
            ((Map<String, Object>) m.get("registers")).forEach((k, v) -> registers.put(k, hex(v)));
            CapturedLoad load = new CapturedLoad("handoff", hex(m.get("entry")), hex(m.get("kexecFlags")), segments);
            return new HandoffPlanRun(load, bundle, (String) m.get("commandLine"), registers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Return the plugin directory the build copied the platform jars into ({@code handoff.plugins}). */
    public static Path pluginsDir() {
        String dir = System.getProperty("handoff.plugins");
        if (dir == null) {
            throw new IllegalStateException("system property handoff.plugins is not set (run the tests through Maven)");
        }
        return Path.of(dir);
    }

    private static long hex(Object v) {
        String s = (String) v;
        if (s == null || !s.startsWith("0x")) {
            throw new IllegalArgumentException("not a 0x… address: " + v);
        }
        return Long.parseUnsignedLong(s.substring(2), 16);
    }
}
