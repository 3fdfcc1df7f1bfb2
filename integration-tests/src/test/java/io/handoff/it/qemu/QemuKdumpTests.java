package io.handoff.it.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.handoff.core.elf.Elf64;
import io.handoff.core.elf.ProgramHeader;
import io.handoff.lastwords.LastWordsSteps;
import io.handoff.lastwords.PlatformEvent;
import io.handoff.lastwords.SelRecord;
import io.handoff.lastwords.SelRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end under QEMU (TCG): the Debian kernel boots with {@code crashkernel=256M} and an IPMI BMC, runs this
 * build's {@code handoff} from the host root (9p, read-only) and hands off to a second kernel for real.
 *
 * <p>The kexec-tools baseline runs first: it proves the harness, so a handoff failure is handoff's. Each boot is
 * bounded; a failure prints the relevant part of the serial console. Runs on a developer machine when QEMU is
 * installed (skipped otherwise); under ./run-tests or CI it installs what is missing and must run. The test
 * methods run in order (the timing compares the two kdump runs), so they are not grouped in nested classes.
 * Tagged {@code qemu}: only the Maven profile {@code qemu} runs them ({@code ./run-tests} enables it).
 */
@Tag("qemu")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuKdumpTests {
    /** The last words of the handoff kdump run: everything purgatory can tell QEMU's BMC. */
    static final String LAST_WORDS = "--panic-event --cpu-ip console,sel --watchdog start:120";
    private static final int WATCHDOG_SECONDS = 120;
    private static final String STOP = "HQ: END|purgatory: halt|Kernel panic - not syncing: (Attempted|VFS)";
    private static final Map<String, GuestRun> RUNS = new ConcurrentHashMap<>();
    private static QemuGuest guest;

    @BeforeAll
    static void prepareTheGuest() throws IOException, InterruptedException {
        guest = QemuGuest.preparedX86_64();
    }

    @Test
    @Order(1)
    void kdumpWithDebianKexecToolsIsTheBaseline() throws Exception {
        GuestRun run = boot("kdump-kexec-tools", "kdump-kexec-tools", 300, Map.of());

        run.expect("HQ: LOADED kexec -p crash_loaded=1", "Kernel panic - not syncing: sysrq triggered crash",
                "HQ: CAPTURE KERNEL UP", "HQ: vmcore is ELF core", "HQ: makedumpfile -d 31 rc=0", "HQ: sel: ",
                "HQ: END capture");
    }

    @Test
    @Order(2)
    void kdumpWithHandoffLoadAndItsPurgatory() throws Exception {
        GuestRun run = boot("kdump-handoff", "kdump-handoff", 400, Map.of("HQ_HANDOFF_OPTS", LAST_WORDS));

        run.expect("HQ: handoff: loaded capture kernel (runs on panic) with kexec_load",
                "HQ: LOADED handoff load --crash rc=0", "Kernel panic - not syncing: sysrq triggered crash",
                "purgatory: handoff v1", "purgatory: digests ok", "purgatory: copied ", "purgatory: jump to ",
                "HQ: CAPTURE KERNEL UP", "HQ: vmcore is ELF core", "HQ: makedumpfile -d 31 rc=0", "HQ: sel: ",
                "HQ: END capture");
        // /proc/vmcore's memory is what the plan's ELF core header described
        List<String> planned = loads(run, "PLAN-ELFCOREHDR");
        List<String> dumped = loads(run, "VMCORE-HEAD");
        System.out.println("PT_LOAD in the plan's elfcorehdr / in /proc/vmcore (paddr vaddr memsz):");
        planned.forEach(l -> System.out.println("  plan   " + l));
        dumped.forEach(l -> System.out.println("  vmcore " + l));
        assertThat(dumped).as(run.excerpt()).isNotEmpty().isEqualTo(planned);
    }

    @Test
    @Order(3)
    void lastWordsArePrintedBetweenThePanicAndTheCaptureKernel() throws Exception {
        GuestRun run = run("kdump-handoff");
        PlannedLastWords plan = planned(run);
        Map<Integer, Optional<CoreNotes.Note>> cpus = crashNotes(run);
        List<String> between = run.linesBetween(Pattern.compile("Kernel panic - not syncing"),
                Pattern.compile("\\[ *0\\.000000\\] Linux version"));
        System.out.println("purgatory's lines between the panic and the capture kernel:");
        between.stream().filter(l -> l.startsWith("purgatory: ")).forEach(l -> System.out.println("  " + l));

        assertThat(plan.panicEvent()).as("the plan's Platform Event Message step").isTrue();
        assertThat(plan.textPieces()).as("the plan's panic text steps").isNotEmpty();
        assertThat(plan.cpuIpCpus()).as("CPUs of the plan's cpu-ip-records step vs the first kernel's crash_notes")
                .isEqualTo(cpus.size());
        List<String> expected = new ArrayList<>();
        expected.add("purgatory: ipmi panic event: cc 0x0");
        for (int i = 1; i <= plan.textPieces().size(); i++) {
            expected.add("purgatory: ipmi panic text " + i + "/" + plan.textPieces().size() + ": cc 0x0");
        }
        cpus.forEach((cpu, prstatus) -> {
            if (prstatus.isPresent()) {
                expected.add(String.format("purgatory: cpu %d ip 0x%x", cpu, prstatus.get().rip()));
                expected.add("purgatory: ipmi cpu " + cpu + " ip: cc 0x0");
            } else {
                expected.add("purgatory: cpu " + cpu + ": no NT_PRSTATUS");
            }
        });
        expected.add("purgatory: ipmi watchdog set " + WATCHDOG_SECONDS + " s: cc 0x0");
        expected.add("purgatory: ipmi watchdog start: cc 0x0");
        assertThat(between.stream().filter(l -> l.startsWith("purgatory: ipmi ") || l.startsWith("purgatory: cpu ")))
                .as(run.excerpt()).containsExactlyElementsOf(expected);
        assertThat(between).as(run.excerpt()).noneMatch(l -> l.startsWith("purgatory: ")
                && (l.contains("failed") || l.contains("skipped")));
    }

    @Test
    @Order(4)
    void theSelHoldsExactlyTheRecordsThePlanAnnounced() throws Exception {
        GuestRun run = run("kdump-handoff");
        PlannedLastWords plan = planned(run);
        Map<Integer, Optional<CoreNotes.Note>> cpus = crashNotes(run);
        SelDump before = SelDump.parse(block(run, "SEL-BEFORE"));
        SelDump after = SelDump.parse(block(run, "SEL-AFTER"));
        System.out.println("SEL after the handoff (" + before.entries().size() + " records before the crash):");
        after.entries().forEach(e -> System.out.println("  " + e + "  " + SelRecords.decode(e.bytes())));

        // the vmcore's NT_PRSTATUS notes are the crash_notes of the CPUs that have one, in CPU order
        List<CoreNotes.Note> vmcore = CoreNotes.ofCore(block(run, "VMCORE-NOTES"))
                .orElseThrow(() -> new AssertionError("VMCORE-NOTES holds no PT_NOTE\n" + run.excerpt()))
                .stream().filter(CoreNotes.Note::prstatus).toList();
        List<CoreNotes.Note> withNotes = cpus.values().stream().flatMap(Optional::stream).toList();
        assertThat(vmcore).as("NT_PRSTATUS in /proc/vmcore vs the crash_notes read from old memory")
                .hasSameSizeAs(withNotes);
        for (int i = 0; i < vmcore.size(); i++) {
            assertThat(vmcore.get(i).desc()).as("NT_PRSTATUS %d", i).isEqualTo(withNotes.get(i).desc());
        }
        // the records purgatory added, in the order it ran; the BMC assigns ids, and timestamps type 0x02
        List<String> expected = new ArrayList<>();
        String text = plan.text();
        byte[] event = new byte[16];
        event[2] = SelRecords.TYPE_SYSTEM_EVENT;
        byte[] message = PlatformEvent.panic(text).bytes();
        System.arraycopy(message, 2, event, 7, 1);          // generator id; [8] = channel 0, LUN 0
        System.arraycopy(message, 3, event, 9, 7);          // EvMRev .. event data 3
        expected.add(masked(event));
        SelRecords.textRecords(text).forEach(r -> expected.add(masked(r)));
        List<Long> rips = new ArrayList<>();
        cpus.forEach((cpu, prstatus) -> prstatus.ifPresent(n -> {
            expected.add(masked(SelRecords.cpuIpRecord(cpu, n.rip())));
            rips.add(n.rip());
        }));
        assertThat(after.entries().size()).as(run.excerpt()).isGreaterThanOrEqualTo(before.entries().size());
        List<SelDump.Entry> added = after.entries().subList(before.entries().size(), after.entries().size());
        assertThat(after.entries().subList(0, before.entries().size()).stream().map(e -> masked(e.bytes())))
                .as("the records from before the crash").containsExactlyElementsOf(
                        before.entries().stream().map(e -> masked(e.bytes())).toList());
        assertThat(added.stream().map(e -> masked(e.bytes())))
                .as("SEL records added between the panic and the capture kernel\n" + run.excerpt())
                .containsExactlyElementsOf(expected);

        List<SelRecord> decoded = added.stream().map(e -> SelRecords.decode(e.bytes())).toList();
        SelRecord.SystemEvent panic = (SelRecord.SystemEvent) decoded.get(0);
        assertThat(panic.generatorId()).isEqualTo(PlatformEvent.GENERATOR_ID).isEqualTo(0x43);
        assertThat(panic.sensorType()).isEqualTo(0x20);
        assertThat(panic.eventDirType()).isEqualTo(0x6F);
        assertThat(panic.data1()).isEqualTo(0xA1);
        assertThat(panic.evmRev()).isEqualTo(0x03);
        assertThat(new int[] {panic.sensorNumber(), panic.data2(), panic.data3()}).as("the text's first characters")
                .containsExactly(text.charAt(0), text.charAt(1), text.charAt(2));
        assertThat(panic.timestamp()).as("the BMC stamps system events").isPositive();
        assertThat(SelRecords.joinText(decoded)).isEqualTo(text)
                .startsWith(LastWordsSteps.DEFAULT_TEXT + ": console=ttyS0");
        assertThat(decoded.stream().filter(SelRecord.CpuIp.class::isInstance).map(r -> ((SelRecord.CpuIp) r).ip()))
                .as("rip of each CPU in the SEL vs in /proc/vmcore's NT_PRSTATUS")
                .containsExactlyElementsOf(vmcore.stream().map(CoreNotes.Note::rip).toList())
                .containsExactlyElementsOf(rips);
        for (SelDump.Entry e : added) {
            assertThat(SelRecords.decode(e.bytes()).recordId()).as("record id stored in %s", e).isEqualTo(e.id());
        }
    }

    @Test
    @Order(5)
    void theWatchdogRunsWithTheCountdownThePlanSet() throws Exception {
        GuestRun run = run("kdump-handoff");
        PlannedLastWords plan = planned(run);
        assertThat(plan.watchdogSeconds()).hasValue(WATCHDOG_SECONDS);
        assertThat(plan.watchdogAction()).isEqualTo("hard-reset");
        String[] reads = new String(block(run, "WATCHDOG-RAW"), StandardCharsets.US_ASCII).trim().split("\n");
        assertThat(reads).as(run.excerpt()).hasSize(2);
        int[] first = hex(reads[0]);
        int[] second = hex(reads[1]);
        System.out.println("Get Watchdog Timer in the capture kernel: " + reads[0].trim() + " / a second later: "
                + reads[1].trim());
        assertThat(first).as("Get Watchdog Timer response data\n" + run.excerpt()).hasSize(8);
        assertThat(first[0] & 0x07).as("timer use SMS/OS").isEqualTo(4);
        assertThat(first[1] & 0x07).as("timeout action hard reset").isEqualTo(1);
        assertThat(first[4] | first[5] << 8).as("initial countdown, 100 ms units").isEqualTo(WATCHDOG_SECONDS * 10);
        int present = first[6] | first[7] << 8;
        // QEMU's BMC reports 0 when the timer is stopped; running, it counts down from the purgatory's Reset
        assertThat(present).as("present countdown").isPositive().isLessThan(WATCHDOG_SECONDS * 10);
        assertThat(second[6] | second[7] << 8).as("present countdown a second later").isLessThan(present);
    }

    @Test
    @Order(6)
    void rebootWithHandoffLoadAndExec() throws Exception {
        GuestRun run = boot("reboot-handoff", "reboot-handoff", 300, Map.of());

        run.expect("HQ: handoff: loaded kernel for 'handoff exec' with kexec_load", "HQ: EXEC at",
                "kexec_core: Starting new kernel", "purgatory: digests ok", "purgatory: jump to ",
                "HQ: SECOND KERNEL UP", "hq.stage=second", "HQ: END second");
    }

    @Test
    @Order(7)
    void aCorruptedKernelSegmentStopsInPurgatorysFallback() throws Exception {
        GuestRun run = boot("corrupt-handoff", "corrupt-handoff", 300,
                Map.of("HQ_HANDOFF_OPTS", "--test-corrupt-segment kernel"));

        run.expect("TEST ONLY: segment 'kernel' was loaded with one byte inverted",
                "Kernel panic - not syncing: sysrq triggered crash", "purgatory: digest mismatch in segment ",
                "; running fallback", "purgatory: halt, reason ");
        assertThat(run.saw("HQ: CAPTURE KERNEL UP")).as(run.excerpt()).isFalse();
        assertThat(run.saw("purgatory: jump to")).as(run.excerpt()).isFalse();
    }

    @Test
    @Order(8)
    void panicToCaptureKernelIsTimedForBothLoaders() {
        GuestRun kexecTools = RUNS.get("kdump-kexec-tools");
        GuestRun handoff = RUNS.get("kdump-handoff");
        assumeTrue(kexecTools != null && handoff != null, "both kdump runs are needed");

        double kt = panicToKernel(kexecTools);
        double ho = panicToKernel(handoff);

        System.out.printf("panic -> capture kernel 'Linux version': kexec -p %.3f s, handoff with last words (%s)"
                + " %.3f s, ratio %.2f%n", kt, LAST_WORDS, ho, kt / ho);
        assertThat(kt).isPositive();
        assertThat(ho).isPositive();
    }

    @Test
    @Order(9)
    void kdumpFromHandoffConfAloneAsTheServiceRunsIt() throws Exception {
        GuestRun run = boot("kdump-conf", "kdump-conf", 400, Map.of());

        run.expect("HQ: conf: handoff.load {", "HQ: handoff: loaded capture kernel (runs on panic) with kexec_load",
                "HQ: LOADED handoff load --crash from handoff.conf alone rc=0", "HQ: status: crash kernel loaded: yes, plan ",
                "Kernel panic - not syncing: sysrq triggered crash", "purgatory: digests ok", "purgatory: jump to ",
                "HQ: CAPTURE KERNEL UP", "HQ: vmcore is ELF core", "HQ: makedumpfile -d 31 rc=0", "HQ: END capture");
    }

    private static GuestRun run(String name) {
        GuestRun run = RUNS.get(name);
        if (run == null) {
            fail("the guest run '" + name + "' did not happen");
        }
        return run;
    }

    private static byte[] block(GuestRun run, String name) throws IOException {
        return run.block(name).orElseThrow(() -> new AssertionError("no " + name + " on the data channel of '"
                + run.name() + "'\n" + run.excerpt()));
    }

    private static PlannedLastWords planned(GuestRun run) throws IOException {
        return PlannedLastWords.of(block(run, "PLAN-MANIFEST"));
    }

    /**
     * Return each CPU of the first kernel (its crash_notes, "HQ: crash_notes cpu N ADDRESS SIZE") with the first
     * NT_PRSTATUS of its buffer as the capture kernel read it from old memory, if there is one: which CPUs have
     * notes is decided by what the crashed kernel wrote, not assumed.
     */
    private static Map<Integer, Optional<CoreNotes.Note>> crashNotes(GuestRun run) throws IOException {
        Map<Integer, Optional<CoreNotes.Note>> cpus = new TreeMap<>();
        for (String line : run.linesStartingWith("HQ: crash_notes cpu ")) {
            int cpu = Integer.parseInt(line.split(" ")[3]);
            cpus.put(cpu, CoreNotes.walk(block(run, "CRASH-NOTES-CPU" + cpu)).stream()
                    .filter(CoreNotes.Note::prstatus).findFirst());
        }
        assertThat(cpus).as("the first kernel's crash_notes\n" + run.excerpt()).isNotEmpty();
        return cpus;
    }

    /** Hex of a SEL record with the record id as "xx xx" and a system event's timestamp as "tt tt tt tt". */
    private static String masked(byte[] record) {
        String[] hex = HexFormat.ofDelimiter(" ").formatHex(record).split(" ");
        hex[0] = "xx";
        hex[1] = "xx";
        if ((record[2] & 0xFF) < 0xE0) {
            for (int i = 3; i < 7; i++) {
                hex[i] = "tt";
            }
        }
        return String.join(" ", hex);
    }

    private static int[] hex(String line) {
        return Stream.of(line.trim().split("\\s+")).mapToInt(h -> Integer.parseInt(h, 16)).toArray();
    }

    private static double panicToKernel(GuestRun run) {
        OptionalDouble panic = run.timeOf(Pattern.compile("Kernel panic - not syncing"), 0);
        assertThat(panic).as(run.excerpt()).isPresent();
        OptionalDouble kernel = run.timeOf(Pattern.compile("\\[ *0\\.000000\\] Linux version"), panic.getAsDouble());
        assertThat(kernel).as(run.excerpt()).isPresent();
        return kernel.getAsDouble() - panic.getAsDouble();
    }

    private static GuestRun boot(String scenario, String name, int timeout, Map<String, String> env) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("HQ_STOP_ON", STOP);
        GuestRun run = guest.boot(scenario, name, timeout, all);
        RUNS.put(name, run);
        return run;
    }


    /** Return the PT_LOAD headers of an ELF block on the data channel as "paddr vaddr memsz" lines. */
    private static List<String> loads(GuestRun run, String block) throws IOException {
        byte[] bytes = run.block(block).orElseThrow(() -> new AssertionError("no " + block + " on the data channel of '"
                + run.name() + "'\n" + run.excerpt()));
        Elf64 elf = Elf64.parse(bytes).elf().orElseThrow(() -> new AssertionError(block + " is not ELF64: "
                + Elf64.parse(bytes).problem()));
        assertThat(elf.type()).as(block).isEqualTo(Elf64.ET_CORE);
        return elf.programHeaders().stream().filter(p -> p.type() == ProgramHeader.PT_LOAD)
                .map(p -> String.format("0x%x 0x%x 0x%x", p.paddr(), p.vaddr(), p.memsz())).toList();
    }
}
