package io.handoff.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.handoff.core.config.HandoffConfig;
import io.handoff.core.plugin.PlatformRegistry;
import io.handoff.core.testing.Fixtures;
import io.handoff.it.kexec.Prerequisites;
import io.handoff.simulator.matrix.MachineCondition;
import io.handoff.testkit.PlatformScenarioSuite;
import io.handoff.testkit.PlatformTestKit;
import io.handoff.testkit.Scenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The architecture matrix: every platform the built plugin jars provide (loaded by PF4J from target/plugins)
 * through every PlatformTestKit scenario, on a healthy machine and on one whose RTC and UART are broken, each
 * reported as its own test. The budget is proven per run: the simulated time from crash to handoff stays under
 * the planner's worst case.
 */
class PlatformMatrixTests {
    /** The machine each platform is exercised on: the first profile it ships (its plugin says), by platform id. */
    private static final Map<String, String> PROFILES = new java.util.concurrent.ConcurrentHashMap<>();

    @TestFactory
    Stream<DynamicNode> everyPlatformThroughEveryScenario() throws Exception {
        List<String> ids;
        try (PlatformRegistry registry = PlatformRegistry.load(BuiltPlugins.dir(), HandoffConfig.withoutFile(Map.of()),
                List.of())) {
            ids = registry.platforms().stream().map(p -> p.id()).toList();
            registry.platforms().forEach(p -> p.platform().bundledProfiles().stream().findFirst()
                    .ifPresent(profile -> PROFILES.put(p.id(), profile.name())));
        }
        assertThat(ids).as("platforms in %s", BuiltPlugins.dir()).contains("x86_64", "s390x", "ia64");
        return ids.stream().map(id -> dynamicContainer(id, platform(id)));
    }

    private static Stream<DynamicNode> platform(String id) {
        // resolved in each test, so a platform whose kernel is missing skips its own tests only
        Supplier<Path> kernel = () -> switch (id) {
            case "s390x" -> Prerequisites.s390xKernel();
            // no IA-64 kernel can be downloaded: the plugin's synthetic vmlinux (Linux's layout, not Linux)
            case "ia64" -> Prerequisites.ia64Kernel(io.handoff.it.kexec.ReferenceInputs.work());
            default -> Prerequisites.kernel();
        };
        // the one scenario suite every platform's tests extend, here for whatever plugins were built
        return scenarios(() -> PlatformMatrixTests.kit(id, kernel));
    }

    /** Return the scenario suite's tests for one platform, as dynamic tests: also run by VendorPlatformTests. */
    static Stream<DynamicNode> scenarios(Supplier<PlatformTestKit> kit) {
        PlatformScenarioSuite suite = new PlatformScenarioSuite() {
            @Override
            protected PlatformTestKit kit() {
                return kit.get();
            }
        };
        // a container per machine condition, named as the condition says, with the scenarios it covers
        return Arrays.stream(MachineCondition.values()).map(condition -> dynamicContainer(condition.description(),
                Arrays.stream(Scenario.values()).filter(s -> condition.covers(s.definition()))
                        .map(s -> dynamicTest(s.name(), () -> suite.on(condition, s)))));
    }

    private static Path profile(String name) {
        // the distribution's profiles/NAME or a plugin's src/main/profiles/NAME, else a shared fixture
        return Fixtures.findBundledProfile(name).orElseGet(() -> Fixtures.profile(name));
    }

    // s390 kernels are whole pages with no zero tail of their own, and ia64's synthetic kernel is too small for the
    // corrupted-segment scenario's offset: an initrd (as every real kdump has) brings both
    private static Path initrd() {
        try {
            Path file = Files.createTempFile("handoff-matrix-initrd", ".img");
            file.toFile().deleteOnExit();
            Files.write(file, new byte[300 * 1024 + 5]);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PlatformTestKit kit(String id, Supplier<Path> kernel) {
        PlatformTestKit kit = kit0(id, kernel);
        return id.equals("s390x") || id.equals("ia64") ? kit.initrd(initrd()) : kit;
    }

    private static PlatformTestKit kit0(String id, Supplier<Path> kernel) {
        return PlatformTestKit.platform(id).pluginsDir(BuiltPlugins.dir())
                .profile(profile(PROFILES.getOrDefault(id, "qemu-pc-x86_64-1g")))
                .kernel(kernel.get()).commandLine("console=ttyS0");
    }
}
