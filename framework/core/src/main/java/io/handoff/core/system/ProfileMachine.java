package io.handoff.core.system;

import io.handoff.api.machine.CrashNote;
import io.handoff.api.machine.EfiFirmware;
import io.handoff.api.machine.FirmwareMemmapEntry;
import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.KcoreLoad;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.SystemView;
import io.handoff.api.machine.VmcoreInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link Machine} read through a {@link SystemView}, each file parsed on first use and then remembered.
 *
 * <p>Platforms read only what they need, so a file that is never asked for is never read. A parse that
 * fails is not remembered: the next call reads the file again and fails the same way. Thread safe.
 */
public final class ProfileMachine implements Machine {
    private final SystemView view;
    private final Memo<Iomem> iomem;
    private final Memo<List<FirmwareMemmapEntry>> firmwareMemmap;
    private final Memo<List<CrashNote>> crashNotes;
    private final Memo<Optional<VmcoreInfo>> vmcoreInfo;
    private final Memo<List<KcoreLoad>> kcoreLoads;
    private final Memo<Map<String, Long>> kernelSymbols;
    private final Memo<Optional<byte[]>> bootParams;
    private final Memo<String> commandLine;
    private final Memo<Optional<EfiFirmware>> efiFirmware;

    /**
     * Create a machine that reads through {@code view}.
     *
     * @param view the files, never {@code null}
     */
    public ProfileMachine(SystemView view) {
        this.view = Objects.requireNonNull(view, "view");
        this.iomem = new Memo<>(() -> IomemParser.read(view));
        this.firmwareMemmap = new Memo<>(() -> FirmwareMemmapReader.read(view));
        this.crashNotes = new Memo<>(() -> CrashNotesReader.read(view));
        this.vmcoreInfo = new Memo<>(() -> VmcoreInfoParser.read(view));
        this.kcoreLoads = new Memo<>(() -> KcoreParser.read(view));
        this.kernelSymbols = new Memo<>(() -> KallsymsParser.read(view));
        this.bootParams = new Memo<>(() -> BootFiles.bootParams(view));
        this.commandLine = new Memo<>(() -> BootFiles.commandLine(view));
        this.efiFirmware = new Memo<>(() -> EfiFirmwareReader.read(view));
    }

    /** Return a machine read from the directory {@code root} (a profile, or {@code /}). */
    public static ProfileMachine at(Path root) {
        return new ProfileMachine(new DirectorySystemView(root));
    }

    @Override
    public SystemView view() {
        return view;
    }

    @Override
    public Iomem iomem() {
        return iomem.get();
    }

    @Override
    public List<FirmwareMemmapEntry> firmwareMemmap() {
        return firmwareMemmap.get();
    }

    @Override
    public List<CrashNote> crashNotes() {
        return crashNotes.get();
    }

    @Override
    public Optional<VmcoreInfo> vmcoreInfo() {
        return vmcoreInfo.get();
    }

    @Override
    public List<KcoreLoad> kcoreLoads() {
        return kcoreLoads.get();
    }

    @Override
    public Map<String, Long> kernelSymbols() {
        return kernelSymbols.get();
    }

    @Override
    public Optional<byte[]> bootParams() {
        // A copy each time: callers may patch the zero page they are given.
        return bootParams.get().map(byte[]::clone);
    }

    @Override
    public String commandLine() {
        return commandLine.get();
    }

    @Override
    public Optional<EfiFirmware> efiFirmware() {
        return efiFirmware.get();
    }

    @Override
    public String toString() {
        return "ProfileMachine[" + view.root() + "]";
    }

    /** A value computed once on first successful use. */
    private static final class Memo<T> {
        private final Supplier<T> supplier;
        private volatile T value;

        Memo(Supplier<T> supplier) {
            this.supplier = supplier;
        }

        T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = Objects.requireNonNull(supplier.get());
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}
