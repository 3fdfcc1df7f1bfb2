package io.handoff.launcher;

import io.handoff.core.bundle.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import io.handoff.core.load.KexecStatus;
import io.handoff.core.load.LoadMethod;
import io.handoff.core.load.Loader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code handoff status}: what the running kernel has loaded, and what a load would use.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show what the running kernel has loaded, its crash reservation, lockdown, and the syscall a load would use.")
final class StatusCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    CommonOptions common;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Machine root: / or a captured profile (default: ${DEFAULT-VALUE}).")
    Path root;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the status as JSON (schema handoff-status/1, in README).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        KexecStatus s = KexecStatus.read(root);
        LoadMethod would = Loader.wouldUse(s, true, LoadMethod.AUTO);
        boolean nothing = !s.supported() || s.loadDisabled().orElse(false) && s.lockedDown();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("schema", "handoff-status/1");
        Map<String, Object> kexec = new LinkedHashMap<>();
        kexec.put("supported", s.supported());
        kexec.put("lockdown", s.lockdown().orElse(null));
        kexec.put("loadDisabled", s.loadDisabled().orElse(null));
        kexec.put("loadWouldUse", nothing ? null : would.syscall());
        status.put("kexec", kexec);
        Map<String, java.util.List<String>> assists = new LinkedHashMap<>();
        Map<String, Object> lastWords = new LinkedHashMap<>();
        Optional<Map<String, String>> crashPlan = Optional.empty();
        Optional<Map<String, String>> execPlan = Optional.empty();
        String runtimeProblem = null;
        // what the crash assists installed, the last-words settings, and which plans handoff loaded
        try (HandoffRuntime runtime = HandoffRuntime.start(common)) {
            for (io.handoff.api.spi.CrashAssist assist : runtime.assists()) {
                assists.put(assist.id(), assist.status(new io.handoff.api.spi.CrashAssist.ArmTarget(root,
                        Map.of(), Optional.empty())));
            }
            runtime.lastWordsSettings().forEach(lastWords::put);
            crashPlan = LoadRecord.read(runtime.stateDir(), true);
            execPlan = LoadRecord.read(runtime.stateDir(), false);
        } catch (io.handoff.api.HandoffException e) {
            runtimeProblem = e.getMessage();
        }
        Map<String, Object> crash = new LinkedHashMap<>();
        crash.put("loaded", s.crashLoaded());
        crash.put("reservationBytes", s.crashSize());
        // a record without a loaded kernel is from a load the kernel no longer holds (unloaded by another tool)
        crash.put("plan", s.crashLoaded() ? crashPlan.orElse(null) : null);
        status.put("crash", crash);
        Map<String, Object> exec = new LinkedHashMap<>();
        exec.put("loaded", s.loaded());
        exec.put("plan", s.loaded() ? execPlan.orElse(null) : null);
        status.put("exec", exec);
        status.put("lastWords", runtimeProblem == null ? lastWords : null);
        status.put("assists", runtimeProblem == null ? assists : null);
        if (runtimeProblem != null) {
            status.put("problem", runtimeProblem);
        }
        if (json) {
            out.print(Json.write(status));
            return 0;
        }
        out.printf("kexec:               %s%n", s.supported() ? "supported" : "not supported by the running kernel ("
                + "/" + KexecStatus.KEXEC_LOADED + " is missing)");
        boolean known = runtimeProblem == null;
        out.printf("loaded for exec:     %s%n", s.loaded() ? "yes" + (known ? plan(execPlan) : "") : "no");
        out.printf("crash kernel loaded: %s%n", s.crashLoaded() ? "yes" + (known ? plan(crashPlan) : "") : "no");
        out.printf("crash reservation:   %s%n", s.crashSize() == 0 ? "none (add crashkernel= to the kernel command line)"
                : s.crashSize() + " bytes (" + (s.crashSize() >> 20) + " MiB)");
        out.printf("lockdown:            %s%n", s.lockdown().orElse("unknown (/" + KexecStatus.LOCKDOWN + " unreadable)"));
        out.printf("kexec_load_disabled: %s%n", s.loadDisabled().map(d -> d ? "1 (until reboot)" : "0").orElse("unknown"));
        out.printf("a load would use:    %s%n", !s.supported()
                ? "nothing: the running kernel has no kexec (/" + KexecStatus.KEXEC_LOADED + " is missing)"
                : s.loadDisabled().orElse(false) && s.lockedDown()
                ? "nothing: kexec_load is disabled and lockdown needs a signed kernel: kexec_file_load with a kernel"
                        + " signed by a key the running kernel trusts"
                : would == LoadMethod.KEXEC_LOAD
                ? "kexec_load, with handoff's purgatory"
                : "kexec_file_load, with the kernel's own purgatory (" + (s.lockedDown()
                        ? "lockdown refuses kexec_load" : "kexec_load is disabled") + "): pass --file-load or --auto");
        if (runtimeProblem != null) {
            out.printf("assists:             unknown (%s)%n", runtimeProblem);
            return 0;
        }
        out.printf("last words:          %s%n", lastWords.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(" ")));
        assists.forEach((id, lines) -> lines.forEach(line -> out.printf("assist %s: %s%n", id, line)));
        return 0;
    }

    /** Return ", plan DIGEST (kernel, method, since TIME)" for a recorded load, or say there is no record. */
    private static String plan(Optional<Map<String, String>> record) {
        return record.map(r -> (r.get("plan-digest").length() >= 16 ? ", plan " + r.get("plan-digest").substring(0, 16)
                : ", planned by the kernel") + " (" + r.get("kernel") + ", " + r.get("method") + ", since "
                + r.get("loaded-at") + ")").orElse(", not by handoff (no record)");
    }
}
