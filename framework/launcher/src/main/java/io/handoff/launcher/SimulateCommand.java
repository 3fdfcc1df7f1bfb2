package io.handoff.launcher;

import io.handoff.api.BundledProfile;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.spi.Platform;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plugin.LoadedPlatform;
import io.handoff.core.system.DirectorySystemView;
import io.handoff.core.system.ProfileMachine;
import io.handoff.simulator.CmosRtc;
import io.handoff.simulator.Corruption;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.Trace;
import io.handoff.simulator.TraceReport;
import io.handoff.simulator.bmc.BmcFault;
import io.handoff.simulator.efi.EfiFault;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code handoff simulate}: plan a handoff and run its purgatory on the simulated reference machine.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Plan a handoff, then run it on the simulated reference machine: the segments are copied into",
            "simulated memory, the machine \"crashes\", and the real purgatory runtime (its host build) runs the",
            "step program against a simulated serial port, CMOS clock and BMC on virtual time. At the crash the",
            "simulator writes each CPU's NT_PRSTATUS note (its instruction pointer in the kernel text) where the",
            "profile says its crash_notes are. Prints the plan, each step with its outcome and virtual time, the console, what the",
            "BMC recorded, what the UEFI runtime services were called with (machines with UEFI firmware), and the",
            "jump into the new kernel or the fallback. Faults can be injected. Nothing",
            "touches the real machine."})
final class SimulateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    LastWordsCliOptions lastWords;

    @Spec
    CommandSpec spec;

    @Option(names = "--platform", paramLabel = "ID", description = "Platform id (default: the one that detects the machine).")
    String platform;

    @Option(names = "--root", paramLabel = "DIR",
            description = {"Machine to plan for: a profile directory or the name of a bundled profile such as",
                "one 'handoff platforms' lists (default: the first profile the platform ships; without --platform, that of",
                "the only loaded platform, else of the platform this host runs; see 'handoff platforms')."})
    Path root;

    @Option(names = "--kernel", paramLabel = "FILE",
            description = {"The kernel image (default: the newest /boot/vmlinuz-* when this host runs the platform,",
                "else the platform's Debian kernel package, downloaded once into ~/.cache/handoff, else the newest",
                "vmlinux* or vmlinuz* in the profile's boot/)."})
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "The initrd to load with it.")
    Path initrd;

    @Option(names = "--append", paramLabel = "CMDLINE", defaultValue = "console=ttyS0",
            description = "The new kernel's command line (default: ${DEFAULT-VALUE}).")
    String append;

    @Option(names = "--reboot", description = "Simulate a kexec reboot instead of a kdump load and crash.")
    boolean reboot;

    @Option(names = "--corrupt", paramLabel = "SEGMENT:OFFSET",
            description = {"Flip one byte of a loaded segment before purgatory runs, e.g. kernel:0x1234;",
                "an offset past the segment's data lands in its zero tail. Where the crashed kernel probes purgatory",
                "before entering it, the byte flips after the probe, so purgatory's own check and fallback run;",
                "see --before-probe."})
    String corrupt;

    @Option(names = "--before-probe", description = {"Where the crashed kernel probes purgatory first: flip the",
        "--corrupt byte before the probe, which then refuses to start the capture kernel."})
    boolean beforeProbe;

    @Option(names = "--rtc", paramLabel = "FAULT",
            description = "Break the CMOS clock: stuck (update-in-progress never clears), frozen (time stands still), jumping.")
    String rtc;

    @Option(names = "--uart", paramLabel = "FAULT", description = "Break the serial port: stuck (the transmitter never empties).")
    String uart;

    @Option(names = "--bmc", paramLabel = "FAULT",
            description = {"Break the BMC behind the KCS interface at 0xCA2/0xCA3: absent, stuck-ibf (never clears IBF),",
                "error (every write ends in the ERROR state), slow (1 s per byte), garbage-cc, drops-bytes, wrong-header."})
    String bmc;

    @Option(names = "--efi", paramLabel = "SERVICE:FAULT",
            description = {"Break a UEFI runtime service of a machine whose profile has UEFI firmware (repeatable):",
                "SERVICE is set-variable, get-variable, reset-system, ... (the service's name in lower case with",
                "dashes); FAULT is fail (it does nothing and returns EFI_DEVICE_ERROR), return (reset-system returns",
                "EFI_SUCCESS instead of resetting) or hang (the call never returns: the run ends hung in the firmware",
                "once the program's budget is spent). E.g. --efi set-variable:fail."})
    List<String> efi = new ArrayList<>();

    @Option(names = "--hang", paramLabel = "SECONDS",
            description = {"After the jump, let the machine run on this long as if the new kernel hung (nothing",
                "touches a device): a BMC watchdog started by --watchdog start:N resets it when N runs out."})
    Integer hang;

    @Option(names = "--assist", paramLabel = "ID", description = {"Simulate a crash with this crash assist (efi-warm-reboot:",
        "SetVariable(BootNext) and a warm ResetSystem through the firmware model). Without --root, the first",
        "bundled profile the assist can run on."})
    String assist;

    @Option(names = "--json", description = "Print the plan and the run as JSON (schema handoff-simulate/1, in README) instead of the report.")
    boolean json;

    @Option(names = {"-O", "--platform-option"}, paramLabel = "KEY=VALUE", description = "A platform-specific option.")
    Map<String, String> platformOptions = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        Map<String, String> lastWordsOverrides = lastWords.overrides();
        ReferenceMachine.Options options = machineOptions();
        if (kernel != null) {
            InputFiles.requireReadable(kernel, "kernel");
        }
        if (initrd != null) {
            InputFiles.requireReadable(initrd, "initrd");
        }
        try (HandoffRuntime runtime = HandoffRuntime.start(common, lastWordsOverrides)) {
            if (root == null) {
                root = Path.of(assist == null ? defaultProfile(runtime.defaultPlatform(platform)).name()
                        : assistProfile(runtime, runtime.defaultPlatform(platform), assist).name());
            }
            root = Distribution.requireProfile(root, runtime.registry());
            ProfileMachine machine = new ProfileMachine(new DirectorySystemView(root));
            LoadedPlatform chosen = runtime.choose(platform, machine.view());
            if (kernel == null) {
                kernel = KernelLocator.forPlatform(chosen.platform(), root).find(common.notes());
                InputFiles.requireReadable(kernel, "kernel");
            }
            PlanRequest request = new PlanRequest(reboot ? PlanRequest.Mode.KEXEC : PlanRequest.Mode.KDUMP,
                    kernel.toAbsolutePath(), Optional.ofNullable(initrd).map(Path::toAbsolutePath), append,
                    platformOptions, Optional.ofNullable(assist));
            HandoffImage image = runtime.plan(chosen, machine, request);
            options = options.crashNotesFor(machine, request, chosen.platform()).efiFor(machine);
            Trace trace = ReferenceMachine.of(chosen.platform(), options).run(image);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("schema", "handoff-simulate/1");
                m.put("profile", root.toAbsolutePath().normalize().toString());
                m.put("kernel", kernel.toAbsolutePath().toString());
                m.put("initrd", initrd == null ? null : initrd.toAbsolutePath().toString());
                m.put("plan", TraceJson.plan(image));
                m.put("run", TraceJson.run(Optional.of(image), trace));
                m.put("simulated", TraceReport.NOT_HARDWARE);
                stdout.println(io.handoff.core.bundle.Json.write(m));
            } else {
                TraceReport.render(Optional.of(image), trace).forEach(stdout::println);
            }
        }
        return 0;
    }

    private ReferenceMachine.Options machineOptions() {
        ReferenceMachine.Options options = ReferenceMachine.Options.defaults();
        if (corrupt != null) {
            options = options.corrupt(Corruption.parse(corrupt)).corruptBeforeProbe(beforeProbe);
        }
        if (rtc != null) {
            options = options.rtc(switch (rtc.toLowerCase(Locale.ROOT)) {
                case "stuck" -> CmosRtc.Fault.UIP_STUCK;
                case "frozen" -> CmosRtc.Fault.FROZEN;
                case "jumping" -> CmosRtc.Fault.JUMPING;
                default -> throw new HandoffException(FailureKind.USAGE,
                        "--rtc " + rtc + ": expected stuck, frozen or jumping");
            });
        }
        if (bmc != null) {
            try {
                options = options.bmc(BmcFault.of(bmc));
            } catch (IllegalArgumentException e) {
                throw new HandoffException(FailureKind.USAGE, "--bmc " + e.getMessage(), e);
            }
        }
        if (hang != null) {
            if (hang < 0 || hang > 86_400) {
                throw new HandoffException(FailureKind.USAGE, "--hang " + hang + ": expected 0..86400 seconds");
            }
            options = options.hangAfterHandoff(Duration.ofSeconds(hang));
        }
        for (String fault : efi) {
            try {
                options = options.efi(EfiFault.parse(fault));
            } catch (IllegalArgumentException e) {
                throw new HandoffException(FailureKind.USAGE, "--efi " + e.getMessage(), e);
            }
        }
        if (uart != null) {
            if (!uart.equalsIgnoreCase("stuck")) {
                throw new HandoffException(FailureKind.USAGE, "--uart " + uart + ": expected stuck");
            }
            options = options.uartStuck(true);
        }
        return options;
    }

    /** Return the first bundled profile of the platform on which the crash assist can run. */
    static BundledProfile assistProfile(HandoffRuntime runtime, Platform platform, String id) {
        LoadedPlatform loaded = runtime.registry().require(platform.id());
        io.handoff.api.spi.CrashAssist assist = runtime.assist(loaded, id);
        List<String> why = new java.util.ArrayList<>();
        for (BundledProfile p : platform.bundledProfiles()) {
            Path dir = Distribution.resolveProfile(Path.of(p.name()), runtime.registry());
            Optional<String> reason = assist.unavailable(platform, loaded.contributions(),
                    Optional.of(new ProfileMachine(new DirectorySystemView(dir))));
            if (reason.isEmpty()) {
                return p;
            }
            why.add(p.name() + ": " + reason.get());
        }
        throw new HandoffException(FailureKind.NOT_AVAILABLE, "--assist " + id + ": no bundled profile of platform "
                + platform.id() + " can run it (" + String.join("; ", why) + "); pass --root DIR");
    }

    /** Return the platform's default bundled profile, or fail saying --root is needed. */
    static BundledProfile defaultProfile(Platform platform) {
        List<BundledProfile> profiles = platform.bundledProfiles();
        if (profiles.isEmpty()) {
            throw new HandoffException(FailureKind.USAGE, "platform " + platform.id()
                    + " ships no machine profile; pass --root DIR");
        }
        return profiles.get(0);
    }
}
