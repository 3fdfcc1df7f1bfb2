package io.handoff.core.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzz targets for the machine-profile readers: each returns a value or throws a one-line {@link HandoffException}.
 *
 * <p>Without {@code JAZZER_FUZZ} these replay the corpora under {@code SystemParsersFuzzTestsInputs/}.
 */
class SystemParsersFuzzTests {
    @FuzzTest(maxDuration = "3m")
    void iomem(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        oneLineOrValue(() -> IomemParser.parse(text, "/proc/iomem"));
    }

    @FuzzTest(maxDuration = "3m")
    void vmcoreinfo(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        oneLineOrValue(() -> VmcoreInfoParser.parse(text, "/sys/kernel/vmcoreinfo"));
    }

    @FuzzTest(maxDuration = "3m")
    void kcore(byte[] data) {
        oneLineOrValue(() -> KcoreParser.parse(data, "/proc/kcore"));
    }

    /** The input is the files of cpu0, cpu1 …: crash_notes and crash_notes_size, separated by NUL bytes. */
    @FuzzTest(maxDuration = "3m")
    void crashNotes(byte[] data) {
        String[] parts = new String(data, StandardCharsets.ISO_8859_1).split("\0", -1);
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String dir = MachinePaths.cpuDir(i / 2);
            files.put(dir + (i % 2 == 0 ? "/crash_notes" : "/crash_notes_size"), parts[i]);
        }
        oneLineOrValue(() -> CrashNotesReader.read(new MapView(files)));
    }

    static void oneLineOrValue(Runnable parse) {
        try {
            parse.run();
        } catch (HandoffException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
        }
    }

    /** A machine whose files are held in a map, path to content. */
    private record MapView(Map<String, String> files) implements SystemView {
        @Override
        public Path root() {
            return Path.of("/fuzz");
        }

        @Override
        public Path resolve(String machinePath) {
            return Path.of("/fuzz" + machinePath);
        }

        @Override
        public boolean exists(String machinePath) {
            return machinePath.equals(MachinePaths.CPU_DIR) || files.containsKey(machinePath);
        }

        @Override
        public String readString(String machinePath) {
            return files.get(machinePath);
        }

        @Override
        public byte[] readBytes(String machinePath, int limit) {
            byte[] all = files.get(machinePath).getBytes(StandardCharsets.ISO_8859_1);
            return java.util.Arrays.copyOf(all, Math.min(limit, all.length));
        }

        @Override
        public List<String> list(String machineDir) {
            List<String> out = new ArrayList<>();
            for (String path : files.keySet()) {
                String rest = path.substring(MachinePaths.CPU_DIR.length() + 1);
                String cpu = rest.substring(0, rest.indexOf('/'));
                if (!out.contains(cpu)) {
                    out.add(cpu);
                }
            }
            return out;
        }
    }
}
