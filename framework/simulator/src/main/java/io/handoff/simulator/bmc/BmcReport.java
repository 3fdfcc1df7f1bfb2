package io.handoff.simulator.bmc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the simulated BMC recorded during a run: its System Event Log, its watchdog, the requests it answered,
 * and what it did on its own (a watchdog expiring, a machine reset).
 *
 * @param dataPort the KCS data register's port
 * @param statusPort the KCS command/status register's port
 * @param fault the injected fault
 * @param portAccesses how many times the CPU read or wrote its ports
 * @param sel the System Event Log, oldest first
 * @param watchdog the watchdog at the end of the run
 * @param exchanges the requests run and their responses, in order
 * @param events what the BMC did on its own, one line each
 * @param resets the virtual times the BMC reset the machine (a watchdog expiring with a hard reset)
 * @since 0.1
 */
public record BmcReport(int dataPort, int statusPort, BmcFault fault, long portAccesses, List<SelEntry> sel,
                        WatchdogState watchdog, List<KcsBmc.Exchange> exchanges, List<String> events,
                        List<Duration> resets) {
    /** Check and copy. */
    public BmcReport {
        Objects.requireNonNull(fault, "fault");
        sel = List.copyOf(sel);
        Objects.requireNonNull(watchdog, "watchdog");
        exchanges = List.copyOf(exchanges);
        events = List.copyOf(events);
        resets = List.copyOf(resets);
    }

    /** Tell whether the CPU ever touched the BMC's ports, or the BMC did anything by itself. */
    public boolean touched() {
        return portAccesses > 0 || !sel.isEmpty() || !events.isEmpty();
    }

    /** Return the handoff CPU records in the SEL, by CPU number. */
    public List<SelEntry.CpuIp> cpuIps() {
        return sel.stream().map(SelEntry::cpuIp).flatMap(Optional::stream)
                .sorted(Comparator.comparingInt(SelEntry.CpuIp::cpu)).toList();
    }

    /** Return the text the OEM text records carry, joined by sequence number. */
    public String text() {
        StringBuilder b = new StringBuilder();
        sel.stream().filter(e -> e.text().isPresent()).sorted(Comparator.comparingInt(SelEntry::sequence))
                .forEach(e -> b.append(e.text().get()));
        return b.toString();
    }

    /** Return the system events in the SEL. */
    public List<SelEntry.SystemEvent> systemEvents() {
        return sel.stream().map(SelEntry::systemEvent).flatMap(Optional::stream).toList();
    }

    /**
     * Return the report's lines: a heading ("The BMC (KCS at 0xca2/0xca3) recorded:"), then each SEL entry, the
     * joined panic text when there is one, the watchdog and the BMC's own events, indented by two spaces.
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        String where = String.format("KCS at %#x/%#x", dataPort, statusPort);
        if (fault == BmcFault.ABSENT) {
            out.add("The BMC (" + where + "): none answered (" + fault.description() + "); nothing was recorded.");
            return out;
        }
        out.add("The BMC (" + where + (fault == BmcFault.NONE ? "" : ", " + fault.description()) + ") recorded:");
        if (sel.isEmpty()) {
            out.add("  SEL: empty");
        }
        sel.forEach(e -> out.add("  " + e.describe()));
        String text = text();
        if (!text.isEmpty()) {
            out.add("  SEL text records joined: \"" + text + "\"");
        }
        out.add("  " + watchdog.describe());
        events.forEach(e -> out.add("  " + e));
        out.add(String.format("  (%d requests answered, %d port accesses)", exchanges.size(), portAccesses));
        return out;
    }
}
