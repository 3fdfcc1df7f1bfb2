package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.spi.CrashAssist;
import io.handoff.core.bundle.BundleWriter;
import io.handoff.core.load.KexecSegments;
import io.handoff.core.load.KexecSyscalls;
import io.handoff.core.load.LoadLock;
import io.handoff.core.load.LoadMethod;
import io.handoff.core.load.Loader;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.system.DirectorySystemView;
import io.handoff.core.system.ProfileMachine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code handoff load}: plan for the running machine, then load the plan into its kernel.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Plan a handoff for this machine and load it into the running kernel: with --crash the",
            "capture kernel that boots on panic (kdump), else the kernel 'handoff exec' reboots into.",
            "A failed load leaves what was loaded before in place."})
final class LoadCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    PlanningOptions planning;

    @ArgGroup(exclusive = true)
    LoadMethodOptions method;

    @Option(names = "--bundle", paramLabel = "DIR", description = "Also write the plan as a bundle directory.")
    Path bundle;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", hidden = true,
            description = "Machine root (tests only): where the machine and the kexec status are read.")
    Path root;

    @Option(names = "--test-corrupt-segment", paramLabel = "ROLE", hidden = true,
            description = "Tests only: load the named segment with one byte inverted, so that purgatory's digest"
                    + " check fails and its fallback runs.")
    String corruptSegment;

    @Mixin
    PluginTrust trust;

    @Spec
    CommandSpec spec;

    @Mixin
    LastWordsCliOptions lastWords;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LoadMethod how = LoadMethodOptions.of(method);
        Loader.Result result;
        List<String> armed = List.of();
        trust.check(common.pluginsDir(), spec.commandLine().getErr());
        try (HandoffRuntime runtime = HandoffRuntime.start(common, lastWords.overrides())) {
            KexecSyscalls syscalls = runtime.syscalls();
            // before planning: to other users the kernel shows /proc/iomem without addresses
            Loader.requireRoot(syscalls, "load");
            try (LoadLock lock = runtime.loadLock()) {
                ProfileMachine machine = new ProfileMachine(new DirectorySystemView(root));
                planning.applyDefaults(runtime.loadSettings(), machine.view());
                planning.resolveFiles(common.notes(), root, () -> planning.choose(runtime, machine).platform());
                if (how == LoadMethod.FILE_LOAD) {
                    if (planning.assist != null) {
                        throw new HandoffException(FailureKind.USAGE, "--assist " + planning.assist + " needs "
                                + "kexec_load: its steps run in handoff's purgatory, which kexec_file_load does not use");
                    }
                    // the kernel plans for itself: handoff's plan would not be what runs
                    io.handoff.core.plugin.LoadedPlatform chosen = planning.choose(runtime, machine);
                    planning.requireKnownOptions(chosen);
                    io.handoff.api.plan.PlanRequest request = planning.request(machine);
                    Loader.Result loaded = new Loader(syscalls, root).fileLoad(request, List.of());
                    result = loaded;
                    record(runtime, dir -> LoadRecord.write(dir, chosen.platform().id(), request, request.commandLine(),
                            loaded.method().syscall(), "", ""));
                } else {
                    HandoffImage image = planning.plan(runtime, machine);
                    StartupProfile.mark("plan");
                    if (bundle != null) {
                        BundleWriter.write(image, machine, bundle);
                    }
                    // an assist installs what it needs first, staged; the load makes it current or undoes it
                    Optional<CrashAssist.Arming> arming = image.assist().map(plan -> runtime.assist(
                            planning.choose(runtime, machine), plan.assist()).arm(plan, new CrashAssist.ArmTarget(root,
                            planning.assistOptions, Optional.of(image.request()))));
                    try {
                        result = new Loader(syscalls, root).load(image, how, Optional.ofNullable(corruptSegment));
                    } catch (RuntimeException e) {
                        arming.ifPresent(CrashAssist.Arming::rollback);
                        throw e;
                    }
                    StartupProfile.mark("load");
                    arming.ifPresent(CrashAssist.Arming::commit);
                    Loader.Result loaded = result;
                    record(runtime, dir -> LoadRecord.write(dir, image, loaded.method().syscall()));
                    armed = arming.map(CrashAssist.Arming::describe).orElse(List.of());
                }
            }
        }
        print(out, result);
        armed.forEach(line -> out.println("assist: " + line));
        return 0;
    }

    /** Leave the record handoff status reads; the load stands even when it cannot be written (said on stderr). */
    private void record(HandoffRuntime runtime, RecordWrite write) {
        try {
            write.to(runtime.stateDir());
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("handoff: loaded, but the record for 'handoff status' could not be"
                    + " written to " + runtime.stateDir() + ": " + e.getMessage());
        }
    }

    /** Writes a {@link LoadRecord} into the state directory. */
    private interface RecordWrite {
        void to(java.nio.file.Path stateDir) throws java.io.IOException;
    }

    private void print(PrintWriter out, Loader.Result r) {
        String what = planning.crash ? "capture kernel (runs on panic)" : "kernel for 'handoff exec'";
        if (r.method() == LoadMethod.KEXEC_LOAD) {
            out.printf("loaded %s with kexec_load: entry 0x%x, flags 0x%x, %d segments%n", what, r.entry(), r.flags(),
                    r.segments().size());
            for (String s : KexecSegments.table(r.segments()).split("; ")) {
                out.println("  " + s);
            }
        } else {
            out.printf("loaded %s with kexec_file_load: flags 0x%x%n", what, r.flags());
        }
        r.notes().forEach(n -> out.println("note: " + n));
        if (corruptSegment != null) {
            out.println("note: TEST ONLY: segment '" + corruptSegment + "' was loaded with one byte inverted");
        }
    }
}
