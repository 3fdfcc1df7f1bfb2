package io.handoff.launcher;

import io.handoff.core.system.DirectorySystemView;
import io.handoff.core.system.ProfileCapture;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code handoff capture DIR}: write this machine's profile, exactly the files the planner reads.
 */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = {"Write the machine's profile to DIR: exactly the files the planner reads",
            "(/proc/iomem, crash notes, vmcoreinfo, kcore headers …) and those each loaded platform names",
            "(see 'handoff platforms'), for --root, tests and bug reports."})
final class CaptureCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Directory to write the profile to.")
    Path target;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", description = "Machine to capture (default: ${DEFAULT-VALUE}).")
    Path root;

    @Option(names = "--json", description = "Print what was captured as JSON (schema handoff-capture/1, in README).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> platformFiles;
        try (HandoffRuntime runtime = HandoffRuntime.start(common)) {
            platformFiles = runtime.captureFiles();
        }
        List<String> written = ProfileCapture.capture(new DirectorySystemView(root), target, platformFiles);
        if (json) {
            out.println(io.handoff.core.bundle.Json.write(TraceJson.ordered("schema", "handoff-capture/1",
                    "root", root.toAbsolutePath().normalize().toString(),
                    "profile", target.toAbsolutePath().normalize().toString(), "files", written)));
            return 0;
        }
        out.printf("captured %d files from %s into %s%n", written.size(), root, target.toAbsolutePath().normalize());
        written.forEach(f -> out.printf("  %s%n", f));
        return 0;
    }
}
