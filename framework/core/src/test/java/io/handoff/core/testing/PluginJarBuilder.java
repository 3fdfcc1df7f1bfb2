package io.handoff.core.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Builds a real PF4J plugin jar on the fly, for tests: Java sources compiled against the test classpath,
 * a manifest descriptor, {@code META-INF/extensions.idx} and an optional {@code reference.conf}.
 *
 * <pre>{@code
 * Path jar = PluginJarBuilder.plugin("acme").version("1.0.0").provider("ACME")
 *         .source("com.acme.AcmePlatform", "package com.acme; ...")
 *         .extension("com.acme.AcmePlatform")
 *         .referenceConf("handoff.platforms.acme { greeting = hello }")
 *         .build(pluginsDir);
 * }</pre>
 *
 * <p>The index is written here rather than by PF4J's annotation processor (which is switched off), so
 * extensions need no {@code @Extension} annotation. Never put the built jars on the classpath: PF4J must
 * load them with its own class loader.
 */
public final class PluginJarBuilder {
    private final String id;
    private String version = "1.0.0";
    private String provider = "";
    private String requires = "*";
    private String pluginClass;
    private String fileName;
    private String referenceConf;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> extensions = new ArrayList<>();
    private final Map<String, byte[]> resources = new LinkedHashMap<>();

    private PluginJarBuilder(String id) {
        this.id = id;
    }

    /** Start a plugin with this {@code Plugin-Id}; the jar is named {@code <id>.jar} unless {@link #fileName} says otherwise. */
    public static PluginJarBuilder plugin(String id) {
        return new PluginJarBuilder(id);
    }

    /** Write a file that is not a zip at all under a {@code .jar} name, and return its path. */
    public static Path corruptJar(Path dir, String fileName) {
        Path jar = dir.resolve(fileName);
        try {
            Files.writeString(jar, "this is not a zip file\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /** Set {@code Plugin-Version} (default {@code 1.0.0}). */
    public PluginJarBuilder version(String value) {
        this.version = value;
        return this;
    }

    /** Set {@code Plugin-Provider} (default empty). */
    public PluginJarBuilder provider(String value) {
        this.provider = value;
        return this;
    }

    /** Set {@code Plugin-Requires} (default {@code *}). */
    public PluginJarBuilder requires(String value) {
        this.requires = value;
        return this;
    }

    /** Set {@code Plugin-Class} (default none: PF4J then uses a no-op plugin). */
    public PluginJarBuilder pluginClass(String className) {
        this.pluginClass = className;
        return this;
    }

    /** Name the jar file, to control the load order (PlatformRegistry loads by file name). */
    public PluginJarBuilder fileName(String value) {
        this.fileName = value;
        return this;
    }

    /** Add a Java compilation unit whose top-level class is {@code className}. */
    public PluginJarBuilder source(String className, String javaSource) {
        sources.put(className, javaSource);
        return this;
    }

    /** List a class in {@code META-INF/extensions.idx}. */
    public PluginJarBuilder extension(String className) {
        extensions.add(className);
        return this;
    }

    /** Ship this text as the plugin's {@code reference.conf}. */
    public PluginJarBuilder referenceConf(String hocon) {
        this.referenceConf = hocon;
        return this;
    }

    /** Add any other resource to the jar. */
    public PluginJarBuilder resource(String path, String text) {
        resources.put(path, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Add any other resource to the jar, as bytes; the name is written as given (tests of hostile names use it). */
    public PluginJarBuilder resource(String path, byte[] data) {
        resources.put(path, data.clone());
        return this;
    }

    /** Add every file of a directory tree to the jar under {@code prefix} (such as {@code profiles/NAME/}). */
    public PluginJarBuilder resources(String prefix, Path tree) {
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                resources.put(prefix + tree.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Compile the sources and write the jar into {@code dir}.
     *
     * @param dir the target directory (usually a {@code @TempDir} used as plugins directory)
     * @return the jar's path
     */
    public Path build(Path dir) {
        Path jar = dir.resolve(fileName != null ? fileName : id + ".jar");
        Path classes = null;
        try {
            classes = Files.createTempDirectory("plugin-" + id + "-classes");
            compile(classes);
            writeJar(jar, classes);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (classes != null) {
                deleteTree(classes);
            }
        }
    }

    private void compile(Path classes) throws IOException {
        if (sources.isEmpty()) {
            return;
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no system Java compiler: run the tests on a JDK");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> units = sources.entrySet().stream()
                .map(entry -> new Source(entry.getKey(), entry.getValue()))
                .collect(Collectors.toList());
        List<String> options = List.of(
                "-classpath", System.getProperty("java.class.path"),
                "-d", classes.toString(),
                "-proc:none", // PF4J's processor would write an extensions.idx of its own
                "--release", "17",
                "-nowarn");
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            boolean ok = compiler.getTask(null, files, diagnostics, options, null, units).call();
            if (!ok) {
                String errors = diagnostics.getDiagnostics().stream()
                        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                        .collect(Collectors.joining("\n"));
                throw new IllegalStateException("plugin " + id + " does not compile:\n" + errors);
            }
        }
    }

    private void writeJar(Path jar, Path classes) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Plugin-Id", id);
        main.putValue("Plugin-Version", version);
        main.putValue("Plugin-Provider", provider);
        main.putValue("Plugin-Requires", requires);
        if (pluginClass != null) {
            main.putValue("Plugin-Class", pluginClass);
        }
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest)) {
            List<Path> compiled;
            try (Stream<Path> walk = Files.walk(classes)) {
                compiled = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path path : compiled) {
                put(out, classes.relativize(path).toString().replace('\\', '/'), Files.readAllBytes(path));
            }
            if (!extensions.isEmpty()) {
                String index = extensions.stream().map(name -> name + "\n").collect(Collectors.joining());
                put(out, "META-INF/extensions.idx", index.getBytes(StandardCharsets.UTF_8));
            }
            if (referenceConf != null) {
                put(out, "reference.conf", referenceConf.getBytes(StandardCharsets.UTF_8));
            }
            for (Map.Entry<String, byte[]> resource : resources.entrySet()) {
                put(out, resource.getKey(), resource.getValue());
            }
        }
    }

    private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temporary directory: leaving it behind is harmless
        }
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
