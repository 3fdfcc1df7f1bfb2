package io.handoff.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.handoff.api.Capabilities;
import io.handoff.api.spi.Contribution;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.spi.Platform;
import io.handoff.api.spi.PurgatoryStepContributor;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.core.config.HandoffConfig;
import io.handoff.core.testing.PluginJarBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pf4j.PluginClassLoader;

class PlatformRegistryTests {
    @TempDir
    Path plugins;

    @TempDir
    Path work;

    private PlatformRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private PlatformRegistry load() {
        return load(HandoffConfig.withoutFile(Map.of()), List.of());
    }

    private PlatformRegistry load(HandoffConfig config, List<Module> modules) {
        registry = PlatformRegistry.load(plugins, config, modules);
        return registry;
    }

    /** The source of a platform whose description is its {@code greeting} setting, injected by constructor. */
    static String platformSource(String pkg, String className, String id, String extra) {
        return "package " + pkg + ";\n"
                + "import io.handoff.api.spi.Platform;\n"
                + "import io.handoff.api.Settings;\n"
                + "import io.handoff.api.machine.SystemView;\n"
                + "import io.handoff.api.plan.PlanContext;\n"
                + "import io.handoff.api.plan.PlatformPlan;\n"
                + "import jakarta.inject.Inject;\n"
                + "import java.util.Set;\n"
                + "public final class " + className + " implements Platform {\n"
                + "    private final Settings settings;\n"
                + "    @Inject\n"
                + "    public " + className + "(Settings settings) { this.settings = settings; }\n"
                + "    @Override public String id() { return \"" + id + "\"; }\n"
                + "    @Override public boolean detect(SystemView view) { return view.exists(\"/proc/" + id + "\"); }\n"
                + "    @Override public PlatformPlan plan(PlanContext context) { throw new UnsupportedOperationException(); }\n"
                + "    @Override public String description() {\n"
                + "        return settings.has(\"greeting\") ? settings.getString(\"greeting\") : \"no greeting\";\n"
                + "    }\n"
                + extra
                + "}\n";
    }

    /** A plugin with one platform class {@code <pkg>.<Class>} of the given id. */
    static PluginJarBuilder platformPlugin(String pluginId, String pkg, String className, String id) {
        String fqcn = pkg + "." + className;
        return PluginJarBuilder.plugin(pluginId)
                .source(fqcn, platformSource(pkg, className, id, ""))
                .extension(fqcn);
    }

    /** The acme plugin of the examples: platform {@code acme} with {@code greeting = hello}. */
    static PluginJarBuilder acme() {
        return platformPlugin("acme", "com.acme", "AcmePlatform", "acme")
                .version("1.0.0")
                .provider("ACME")
                .referenceConf("handoff.platforms.acme { greeting = hello }");
    }

    static String stepsSource(String pkg, String className, String id) {
        return "package " + pkg + ";\n"
                + "import io.handoff.api.spi.Platform;\n"
                + "import io.handoff.api.spi.PurgatoryStepContributor;\n"
                + "import io.handoff.api.Settings;\n"
                + "import io.handoff.api.plan.PlanContext;\n"
                + "import io.handoff.api.plan.PurgatoryStep;\n"
                + "import jakarta.inject.Inject;\n"
                + "import java.util.List;\n"
                + "public final class " + className + " implements PurgatoryStepContributor {\n"
                + "    final Platform platform;\n"
                + "    private final Settings settings;\n"
                + "    @Inject\n"
                + "    public " + className + "(Platform platform, Settings settings) {\n"
                + "        this.platform = platform; this.settings = settings;\n"
                + "    }\n"
                + "    @Override public String id() { return \"" + id + "\"; }\n"
                + "    @Override public List<String> stepNames() {\n"
                + "        return List.of(settings.getString(\"greeting\"), platform.id());\n"
                + "    }\n"
                + "    @Override public List<PurgatoryStep> steps(PlanContext context) { return List.of(); }\n"
                + "}\n";
    }

    private static List<String> ids(List<? extends Contribution> contributions) {
        return contributions.stream().map(Contribution::id).toList();
    }

    private static List<String> platformIds(PlatformRegistry registry) {
        return registry.platforms().stream().map(LoadedPlatform::id).toList();
    }

    @Nested
    class Discovery {
        @Test
        void jarBuiltOnTheFlyIsDiscoveredWithItsMetadata() {
            Path jar = acme().build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).isEmpty();
            assertThat(registry.platforms()).singleElement().satisfies(loaded -> {
                assertThat(loaded.id()).isEqualTo("acme");
                assertThat(loaded.pluginId()).isEqualTo("acme");
                assertThat(loaded.version()).isEqualTo("1.0.0");
                assertThat(loaded.provider()).isEqualTo("ACME");
                assertThat(loaded.platform().description()).isEqualTo("hello");
            });
            assertThat(jar).hasFileName("acme.jar");
        }

        @Test
        void platformInstanceWorks() throws IOException {
            acme().build(plugins);
            Path machine = work.resolve("machine");
            Files.createDirectories(machine.resolve("proc"));
            Platform platform = load().require("acme").platform();

            assertThat(platform.detect(new DirectoryView(machine))).isFalse();
            Files.writeString(machine.resolve("proc/acme"), "1\n");
            assertThat(platform.detect(new DirectoryView(machine))).isTrue();
        }

        @Test
        void pluginClassesAreLoadedByPf4jNotByTheTestClassLoader() {
            acme().build(plugins);

            Platform platform = load().require("acme").platform();

            ClassLoader loader = platform.getClass().getClassLoader();
            assertThat(loader).isInstanceOf(PluginClassLoader.class)
                    .isNotSameAs(PlatformRegistryTests.class.getClassLoader());
            assertThatThrownBy(() -> Class.forName("com.acme.AcmePlatform"))
                    .isInstanceOf(ClassNotFoundException.class);
            // the SPI itself comes from the application, or the cast above would have failed
            assertThat(Platform.class.getClassLoader()).isSameAs(PlatformRegistryTests.class.getClassLoader());
        }

        @Test
        void contextClassLoaderIsThePluginsDuringCreation() {
            String extra = "    private final ClassLoader tccl = Thread.currentThread().getContextClassLoader();\n"
                    + "    @Override public Set<String> capabilities() {\n"
                    + "        return Set.of(tccl == getClass().getClassLoader() ? \"tccl-is-plugin\" : \"tccl-is-other\");\n"
                    + "    }\n";
            PluginJarBuilder.plugin("tccl")
                    .source("com.tccl.TcclPlatform", platformSource("com.tccl", "TcclPlatform", "tccl", extra))
                    .extension("com.tccl.TcclPlatform")
                    .build(plugins);

            assertThat(load().require("tccl").platform().capabilities()).containsExactly("tccl-is-plugin");
        }

        @Test
        void platformsAreSortedByIdAndFoundById() {
            platformPlugin("zeta", "com.zeta", "ZetaPlatform", "zeta").build(plugins);
            platformPlugin("alpha", "com.alpha", "AlphaPlatform", "alpha").build(plugins);

            PlatformRegistry registry = load();

            assertThat(platformIds(registry)).containsExactly("alpha", "zeta");
            assertThat(registry.find("zeta")).map(LoadedPlatform::pluginId).contains("zeta");
            assertThat(registry.find("nope")).isEmpty();
        }

        @Test
        void unknownIdIsAPlatformErrorListingTheKnownIds() {
            platformPlugin("zeta", "com.zeta", "ZetaPlatform", "zeta").build(plugins);
            platformPlugin("alpha", "com.alpha", "AlphaPlatform", "alpha").build(plugins);
            PlatformRegistry registry = load();

            assertThatThrownBy(() -> registry.require("nope"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.PLATFORM))
                    .hasMessage("unknown platform 'nope'; known platforms: alpha, zeta");
        }

        @Test
        void emptyDirectoryGivesNoPlatforms() {
            PlatformRegistry registry = load();

            assertThat(registry.platforms()).isEmpty();
            assertThat(registry.problems()).isEmpty();
            assertThatThrownBy(() -> registry.require("x86_64"))
                    .hasMessage("unknown platform 'x86_64'; known platforms: none (no plugin in " + plugins
                            + " provides one)");
        }

        @Test
        void missingDirectoryIsUnreadable() {
            Path missing = work.resolve("no-plugins");

            assertThatThrownBy(() -> PlatformRegistry.load(missing, HandoffConfig.withoutFile(Map.of()), List.of()))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage(missing + ": plugins directory does not exist");
        }

        @Test
        void closeUnloadsThePlugins() {
            acme().build(plugins);
            PlatformRegistry registry = load();
            URLClassLoader loader = (URLClassLoader) registry.require("acme").platform().getClass().getClassLoader();

            registry.close();
            registry.close();

            assertThat(registry.platforms()).isEmpty();
            // a closed URLClassLoader finds nothing in its jar any more
            assertThat(loader.findResource("reference.conf")).isNull();
        }
    }

    @Nested
    class Configuration {
        @Test
        void settingsComeFromThePluginsReferenceConf() {
            acme().build(plugins);

            LoadedPlatform acme = load().require("acme");

            assertThat(acme.settings().getString("greeting")).isEqualTo("hello");
            assertThat(acme.platform().description()).isEqualTo("hello");
        }

        @Test
        void userFileOverridesTheReferenceAndCommandLineOverridesTheFile() throws IOException {
            acme().build(plugins);
            Path user = Files.writeString(work.resolve("handoff.conf"), "handoff.platforms.acme.greeting = bonjour\n");

            PlatformRegistry fromFile = load(HandoffConfig.load(user, Map.of()), List.of());
            String fileGreeting = fromFile.require("acme").platform().description();
            fromFile.close();
            PlatformRegistry fromCli = load(HandoffConfig.load(user, Map.of("handoff.platforms.acme.greeting", "hi")),
                    List.of());

            assertThat(fileGreeting).isEqualTo("bonjour");
            assertThat(fromCli.require("acme").settings().getString("greeting")).isEqualTo("hi");
            assertThat(fromCli.require("acme").platform().description()).isEqualTo("hi");
        }

        @Test
        void wrongTypeInUserFileRefusesThePlatformNamingFileAndPath() throws IOException {
            platformPlugin("handoff-x86_64", "io.handoff.platforms.x86_64", "X8664Platform", "x86_64")
                    .provider(PlatformRegistry.BUILT_IN_PROVIDER)
                    .referenceConf("handoff.platforms.x86_64 { memmap = e820 }")
                    .build(plugins);
            acme().build(plugins);
            Path user = Files.writeString(work.resolve("handoff.conf"), "handoff.platforms.x86_64.memmap = 3\n");

            PlatformRegistry registry = load(HandoffConfig.load(user, Map.of()), List.of());

            String expected = user + ":1: handoff.platforms.x86_64.memmap: expected a string (like the default"
                    + " \"e820\") but got number 3";
            assertThat(registry.problems()).singleElement().satisfies(problem -> {
                assertThat(problem.pluginId()).isEqualTo("handoff-x86_64");
                assertThat(problem.path()).hasFileName("handoff-x86_64.jar");
                assertThat(problem.message()).isEqualTo("plugin handoff-x86_64 (handoff-x86_64.jar): " + expected);
            });
            assertThatThrownBy(() -> registry.require("x86_64"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessageEndingWith(expected);
            assertThat(platformIds(registry)).containsExactly("acme");
        }

        @Test
        void sameKeysInTwoPluginsDoNotLeak() {
            platformPlugin("alpha", "com.alpha", "AlphaPlatform", "alpha")
                    .referenceConf("handoff.platforms.alpha { greeting = from-alpha }\nhandoff.core.page-size = 1")
                    .build(plugins);
            platformPlugin("beta", "com.beta", "BetaPlatform", "beta")
                    .referenceConf("handoff.platforms.beta { greeting = from-beta }")
                    .build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.require("alpha").platform().description()).isEqualTo("from-alpha");
            assertThat(registry.require("beta").platform().description()).isEqualTo("from-beta");
            // keys outside the plugin's namespace change nothing, not even the framework's defaults
            assertThat(registry.require("alpha").settings().has("page-size")).isFalse();
        }

        @Test
        void pluginDefaultingAnotherPlatformIsRefusedAndTheOtherKeepsItsValue() {
            platformPlugin("alpha", "com.alpha", "AlphaPlatform", "alpha")
                    .referenceConf("handoff.platforms.alpha { greeting = from-alpha }")
                    .build(plugins);
            platformPlugin("beta", "com.beta", "BetaPlatform", "beta")
                    .referenceConf("handoff.platforms.beta { greeting = from-beta }\n"
                            + "handoff.platforms.alpha { greeting = hijacked }")
                    .build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.require("alpha").platform().description()).isEqualTo("from-alpha");
            assertThat(registry.problems()).extracting(PluginProblem::message).containsExactly(
                    "plugin beta (beta.jar) ships defaults for several platforms (alpha, beta) in its reference.conf;"
                            + " a plugin configures only its own platform");
        }

        @Test
        void pluginWithoutReferenceConfSeesUserValuesOnly() {
            platformPlugin("bare", "com.bare", "BarePlatform", "bare").build(plugins);

            PlatformRegistry registry = load(
                    HandoffConfig.withoutFile(Map.of("handoff.platforms.bare.greeting", "set-by-user")), List.of());

            assertThat(registry.require("bare").settings().getString("greeting")).isEqualTo("set-by-user");
            // the framework's own reference.conf, visible through PF4J's parent delegation, is not the plugin's
            assertThat(registry.require("bare").settings().has("digest-chunk-size")).isFalse();
        }

        @Test
        void onlyTheReferenceConfOfThePluginsOwnJarIsRead() throws IOException {
            Path parentDir = Files.createDirectories(work.resolve("parent"));
            Path ownDir = Files.createDirectories(work.resolve("own"));
            Files.writeString(parentDir.resolve("reference.conf"), "handoff.platforms.intruder { x = 1 }");
            Files.writeString(ownDir.resolve("reference.conf"), "handoff.platforms.own { y = 2 }");
            try (URLClassLoader parent = new URLClassLoader(new URL[] {parentDir.toUri().toURL()}, null);
                 URLClassLoader plugin = new URLClassLoader(new URL[] {ownDir.toUri().toURL()}, parent)) {

                Config naive = ConfigFactory.parseResources(plugin, "reference.conf");
                Config own = PluginReference.read(plugin);

                assertThat(PluginReference.namespaces(naive)).containsExactly("intruder", "own");
                assertThat(PluginReference.namespaces(own)).containsExactly("own");
                assertThat(own.getInt("handoff.platforms.own.y")).isEqualTo(2);
            }
        }

        @Test
        void namespaceDifferentFromThePlatformIdIsRefused() {
            platformPlugin("acme", "com.acme", "AcmePlatform", "acme")
                    .referenceConf("handoff.platforms.acme-typo { greeting = hello }")
                    .build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.platforms()).isEmpty();
            assertThat(registry.problems()).extracting(PluginProblem::message).containsExactly(
                    "plugin acme (acme.jar) ships defaults for handoff.platforms.acme-typo but its platform id is 'acme'");
        }
    }

    @Nested
    class Ids {
        @ParameterizedTest
        @ValueSource(strings = {"x86_64", "s390x", "ia64", "efi"})
        void reservedIdClaimedByAnotherPackageIsRefusedAndOthersLoad(String id) {
            platformPlugin("evil", "com.evil", "EvilPlatform", id).provider(PlatformRegistry.BUILT_IN_PROVIDER)
                    .build(plugins);
            acme().build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).singleElement().satisfies(problem -> {
                assertThat(problem.pluginId()).isEqualTo("evil");
                assertThat(problem.message()).isEqualTo("plugin evil (evil.jar) claims reserved platform id '" + id
                        + "'; reserved ids belong to the built-in platforms");
            });
            assertThat(registry.find(id)).isEmpty();
            assertThat(platformIds(registry)).containsExactly("acme");
        }

        @Test
        void reservedIdInTheRightPackageFromAnotherProviderIsRefused() {
            platformPlugin("sneaky", "io.handoff.platforms.efi", "EfiPlatform", "efi").provider("Sneaky Inc.")
                    .build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.platforms()).isEmpty();
            assertThat(registry.problems()).extracting(PluginProblem::message).containsExactly(
                    "plugin sneaky (sneaky.jar) claims reserved platform id 'efi'; reserved ids belong to the built-in"
                            + " platforms");
        }

        @Test
        void builtInPlatformMayUseItsReservedId() {
            platformPlugin("handoff-s390x", "io.handoff.platforms.s390x", "S390xPlatform", "s390x")
                    .provider(PlatformRegistry.BUILT_IN_PROVIDER)
                    .build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).isEmpty();
            assertThat(registry.require("s390x").pluginId()).isEqualTo("handoff-s390x");
        }

        @Test
        void duplicateIdKeepsTheFirstJarByNameAndRefusesTheSecond() {
            platformPlugin("b", "com.b", "DupPlatform", "dup").build(plugins);
            platformPlugin("a", "com.a", "DupPlatform", "dup").build(plugins);
            acme().build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.require("dup").pluginId()).isEqualTo("a");
            assertThat(registry.problems()).singleElement().satisfies(problem -> {
                assertThat(problem.pluginId()).isEqualTo("b");
                assertThat(problem.message()).isEqualTo("platform id 'dup' is provided by both plugin a (a.jar) and"
                        + " plugin b (b.jar); plugin b is refused (the first jar by file name wins)");
            });
            assertThat(platformIds(registry)).containsExactly("acme", "dup");
        }

        @Test
        void invalidIdIsRefused() {
            platformPlugin("shouty", "com.shouty", "ShoutyPlatform", "Shouty Platform").build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).extracting(PluginProblem::message).containsExactly(
                    "plugin shouty (shouty.jar) provides a platform with the invalid id 'Shouty Platform'"
                            + " (lower-case letters, digits, '_' and '-')");
        }
    }

    @Nested
    class StepCodes {
        /** A plugin whose platform declares one architecture kind, {@code id}, with code {@code code} in a range. */
        PluginJarBuilder declaring(String pluginId, String id, int first, int last, int code) {
            String pkg = "com." + pluginId;
            String extra = "    @Override public io.handoff.api.arch.ArchitectureSteps architectureSteps() {\n"
                    + "        return new io.handoff.api.arch.ArchitectureSteps(java.util.List.of(\n"
                    + "            new io.handoff.api.arch.StepCodeRange(" + first + ", " + last + ")),\n"
                    + "            java.util.List.of(new io.handoff.api.arch.SimpleStepKind(\"" + id + "-step\", " + code
                    + ", java.util.List.of(\"a\"), true, java.time.Duration.ZERO, \"purgatory: " + id + "\")));\n"
                    + "    }\n";
            return PluginJarBuilder.plugin(pluginId).source(pkg + ".P", platformSource(pkg, "P", id, extra))
                    .extension(pkg + ".P");
        }

        @Test
        void aRangeInVendorSpaceLoadsAndItsKindsAreThePlatforms() {
            declaring("vendor", "vendor", 0x100, 0x10F, 0x101).build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).isEmpty();
            assertThat(registry.require("vendor").platform().architectureSteps().byCode(0x101))
                    .hasValueSatisfying(k -> assertThat(k.id()).isEqualTo("vendor-step"));
        }

        @Test
        void aRangeMeetingTheFrameworksOwnCodesIsRefused() {
            declaring("greedy", "greedy", 8, 9, 9).build(plugins);
            acme().build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).extracting(PluginProblem::message).containsExactly(
                    "plugin greedy (greedy.jar): step codes 8..9 meet the framework's own codes 1..15");
            assertThat(platformIds(registry)).containsExactly("acme");
        }

        @Test
        void aRangeMeetingAnotherPlatformsIsRefusedAndTheFirstJarKeepsIt() {
            declaring("a", "first", 0x100, 0x10F, 0x100).build(plugins);
            declaring("b", "second", 0x108, 0x110, 0x110).build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).extracting(PluginProblem::message).containsExactly(
                    "plugin b (b.jar): step codes 264..272 meet platform first's codes 256..271");
            assertThat(platformIds(registry)).containsExactly("first");
        }

        @Test
        void aKindOutsideItsOwnRangeIsRefused() {
            declaring("sloppy", "sloppy", 0x100, 0x10F, 0x200).build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).singleElement().satisfies(p -> assertThat(p.message())
                    .startsWith("plugin sloppy (sloppy.jar): its architecture step kinds are invalid:")
                    .contains("code 512 is outside the platform's ranges [256..271]"));
        }
    }

    @Nested
    class Injection {
        private PluginJarBuilder acmeWithSteps() {
            String extra = "    @Override public Set<String> capabilities() { return Set.of(\"port-io\"); }\n";
            return PluginJarBuilder.plugin("acme")
                    .source("com.acme.AcmePlatform", platformSource("com.acme", "AcmePlatform", "acme", extra))
                    .source("com.acme.AcmeSteps", stepsSource("com.acme", "AcmeSteps", "acme-steps"))
                    .extension("com.acme.AcmePlatform")
                    .extension("com.acme.AcmeSteps")
                    .referenceConf("handoff.platforms.acme { greeting = hello }");
        }

        @Test
        void pluginContributionsAreInjectedSingletonsOfTheChild() throws ReflectiveOperationException {
            acmeWithSteps().build(plugins);

            LoadedPlatform acme = load().require("acme");

            List<PurgatoryStepContributor> steps = acme.contributions(PurgatoryStepContributor.class);
            assertThat(ids(steps)).containsExactly("acme-steps");
            assertThat(steps.get(0).stepNames()).containsExactly("hello", "acme");
            Field platform = steps.get(0).getClass().getDeclaredField("platform");
            platform.setAccessible(true);
            assertThat(platform.get(steps.get(0))).isSameAs(acme.platform());
        }

        @Test
        void sharedContributionsAreOfferedWhereTheyApply() {
            acmeWithSteps().build(plugins);
            platformPlugin("zeta", "com.zeta", "ZetaPlatform", "zeta").build(plugins);
            Module shared = new AbstractModule() {
                @Override
                protected void configure() {
                    Multibinder<Contribution> contributions = Multibinder.newSetBinder(binder(), Contribution.class);
                    contributions.addBinding().to(PortIoSteps.class);
                    contributions.addBinding().to(Audit.class);
                }
            };

            PlatformRegistry registry = load(HandoffConfig.withoutFile(Map.of()), List.of(shared));

            LoadedPlatform acme = registry.require("acme");
            LoadedPlatform zeta = registry.require("zeta");
            assertThat(ids(acme.contributions())).containsExactly("acme-steps", "audit", "last-words");
            assertThat(ids(acme.contributions(PurgatoryStepContributor.class))).containsExactly("acme-steps", "last-words");
            assertThat(ids(zeta.contributions())).containsExactly("audit");
            assertThat(zeta.contributions(PurgatoryStepContributor.class)).isEmpty();
            // one shared instance for all platforms (bound in the root)
            assertThat(acme.contributions(Audit.class)).isEqualTo(zeta.contributions(Audit.class));
        }

        @Test
        void noSharedModuleMeansNoSharedContributions() {
            acmeWithSteps().build(plugins);

            assertThat(ids(load().require("acme").contributions())).containsExactly("acme-steps");
        }
    }

    @Nested
    class Failures {
        @Test
        void corruptJarIsReportedAndOthersWork() {
            Path broken = PluginJarBuilder.corruptJar(plugins, "broken.jar");
            acme().build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).singleElement().satisfies(problem -> {
                assertThat(problem.pluginId()).isEqualTo("broken");
                assertThat(problem.path()).isEqualTo(broken);
                assertThat(problem.message()).startsWith("plugin broken.jar cannot be loaded: ")
                        .doesNotContain("\n");
            });
            assertThat(platformIds(registry)).containsExactly("acme");
        }

        @Test
        void extensionThrowingInItsConstructorIsReportedAndOthersWork() {
            String source = "package com.boom;\n"
                    + "public final class BoomPlatform implements io.handoff.api.spi.Platform {\n"
                    + "    public BoomPlatform() { throw new IllegalStateException(\"boom: no hardware\"); }\n"
                    + "    @Override public String id() { return \"boom\"; }\n"
                    + "    @Override public boolean detect(io.handoff.api.machine.SystemView view) { return false; }\n"
                    + "    @Override public io.handoff.api.plan.PlatformPlan plan(io.handoff.api.plan.PlanContext c) {\n"
                    + "        throw new UnsupportedOperationException();\n"
                    + "    }\n"
                    + "}\n";
            PluginJarBuilder.plugin("boom")
                    .source("com.boom.BoomPlatform", source)
                    .extension("com.boom.BoomPlatform")
                    .build(plugins);
            acme().build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).extracting(PluginProblem::message).containsExactly(
                    "plugin boom (boom.jar): extension com.boom.BoomPlatform cannot be created:"
                            + " IllegalStateException: boom: no hardware");
            assertThat(platformIds(registry)).containsExactly("acme");
        }

        @Test
        void extensionClassThatCannotBeLoadedIsReported() {
            platformPlugin("ghost", "com.ghost", "GhostPlatform", "ghost").extension("com.ghost.Missing")
                    .build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).extracting(PluginProblem::message).containsExactly(
                    "plugin ghost (ghost.jar): extension class com.ghost.Missing cannot be loaded:"
                            + " ClassNotFoundException: com.ghost.Missing");
            assertThat(registry.platforms()).isEmpty();
        }

        @Test
        void missingPluginClassIsReported() {
            platformPlugin("nostart", "com.nostart", "NostartPlatform", "nostart")
                    .pluginClass("com.nostart.NoSuchPlugin")
                    .build(plugins);
            acme().build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).singleElement().satisfies(problem ->
                    assertThat(problem.message()).startsWith("plugin nostart (nostart.jar) cannot be started: ")
                            .contains("com.nostart.NoSuchPlugin"));
            assertThat(platformIds(registry)).containsExactly("acme");
        }

        @Test
        void invalidReferenceConfIsReported() {
            platformPlugin("badconf", "com.badconf", "BadconfPlatform", "badconf")
                    .referenceConf("handoff.platforms.badconf {\n  greeting = = hello\n}\n")
                    .build(plugins);
            acme().build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).singleElement().satisfies(problem ->
                    assertThat(problem.message()).startsWith("plugin badconf (badconf.jar): jar:file:")
                            .contains("badconf.jar!/reference.conf: 2:"));
            assertThat(platformIds(registry)).containsExactly("acme");
        }

        @Test
        void pluginWithContributionsButNoPlatformIsAFirmwarePluginOfferedToThePlatformsItAppliesTo() {
            PluginJarBuilder.plugin("lonely")
                    .source("com.lonely.LonelySteps", "package com.lonely;\n"
                            + "public final class LonelySteps implements io.handoff.api.spi.Contribution {\n"
                            + "    @Override public String id() { return \"lonely\"; }\n"
                            + "    @Override public boolean appliesTo(io.handoff.api.spi.Platform p) {\n"
                            + "        return p.id().equals(\"acme\");\n"
                            + "    }\n"
                            + "}\n")
                    .extension("com.lonely.LonelySteps")
                    .build(plugins);
            acme().build(plugins);
            platformPlugin("zeta", "com.zeta", "ZetaPlatform", "zeta").build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).isEmpty();
            assertThat(registry.firmwarePlugins()).containsOnlyKeys("lonely");
            // offered to acme, loaded after the firmware plugin by jar name order, not to zeta
            assertThat(ids(registry.require("acme").contributions())).contains("lonely");
            assertThat(ids(registry.require("zeta").contributions())).doesNotContain("lonely");
        }

        @Test
        void pluginWithNeitherPlatformNorContributionIsReported() {
            PluginJarBuilder.plugin("empty")
                    .source("com.empty.Nothing", "package com.empty;\n"
                            + "public final class Nothing implements org.pf4j.ExtensionPoint {\n"
                            + "}\n")
                    .extension("com.empty.Nothing")
                    .build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).extracting(PluginProblem::message)
                    .containsExactly("plugin empty (empty.jar) provides no platform and no contribution");
        }
        @Test
        void pluginWithTwoPlatformsIsReported() {
            PluginJarBuilder.plugin("twins")
                    .source("com.twins.One", platformSource("com.twins", "One", "one", ""))
                    .source("com.twins.Two", platformSource("com.twins", "Two", "two", ""))
                    .extension("com.twins.One")
                    .extension("com.twins.Two")
                    .build(plugins);

            PlatformRegistry registry = load();

            assertThat(registry.problems()).extracting(PluginProblem::message).containsExactly(
                    "plugin twins (twins.jar) provides several platforms (com.twins.One, com.twins.Two);"
                            + " a plugin provides exactly one");
        }
    }

    /** A shared contribution for platforms with port I/O, like the last-words module. */
    public static final class PortIoSteps implements PurgatoryStepContributor {
        @Override
        public String id() {
            return "last-words";
        }

        @Override
        public boolean appliesTo(Platform platform) {
            return platform.capabilities().contains(Capabilities.PORT_IO);
        }

        @Override
        public List<String> stepNames() {
            return List.of("ipmi-request");
        }

        @Override
        public List<PurgatoryStep> steps(PlanContext context) {
            return List.of();
        }
    }

    /** A shared contribution that applies everywhere. */
    public static final class Audit implements Contribution {
        @Override
        public String id() {
            return "audit";
        }
    }

    /** A minimal {@link SystemView} over a directory, enough for {@code detect}. */
    record DirectoryView(Path root) implements SystemView {
        @Override
        public Path resolve(String machinePath) {
            return root.resolve(machinePath.substring(1));
        }

        @Override
        public boolean exists(String machinePath) {
            return Files.exists(resolve(machinePath));
        }

        @Override
        public String readString(String machinePath) {
            try {
                return Files.readString(resolve(machinePath), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public byte[] readBytes(String machinePath, int limit) {
            byte[] all = readString(machinePath).getBytes(StandardCharsets.UTF_8);
            return Arrays.copyOf(all, Math.min(limit, all.length));
        }

        @Override
        public List<String> list(String machineDir) {
            try (Stream<Path> entries = Files.list(resolve(machineDir))) {
                return entries.map(p -> p.getFileName().toString()).sorted().toList();
            } catch (IOException e) {
                return List.of();
            }
        }
    }
}
