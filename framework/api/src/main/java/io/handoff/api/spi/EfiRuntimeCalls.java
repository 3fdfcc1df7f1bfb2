package io.handoff.api.spi;

import io.handoff.api.machine.EfiMemoryDescriptor;
import io.handoff.api.plan.EfiRuntimeCall;
import io.handoff.api.plan.PurgatoryStep;
import java.util.List;
import java.util.Map;

/**
 * An architecture's way of calling UEFI runtime services from purgatory: page tables that map the firmware's runtime
 * regions at the virtual addresses the crashed kernel gave them, and one call in the firmware's calling convention.
 *
 * <p>A platform plugin offers it (x86_64: 4-level tables and the ms_abi call); a firmware plugin composes the calls
 * (which service, with what, in what order) and finds this contribution through
 * {@link io.handoff.api.plan.PlanContext#contributions}, so neither plugin compiles against the other.
 *
 * @since 0.3
 */
public interface EfiRuntimeCalls extends Contribution {
    /**
     * Return the size in bytes, a multiple of 4096, of the page tables for this runtime map.
     *
     * @param runtimeMap the regions to map at their virtual addresses
     * @param identityLimit the end of the range mapped one to one from address 0 (a multiple of 1 GiB)
     */
    long pageTablesSize(List<EfiMemoryDescriptor> runtimeMap, long identityLimit);

    /**
     * Return the page tables as they must lie in memory at {@code base}: {@code [0, identityLimit)} mapped one to
     * one, each runtime region at its virtual address (memory-mapped I/O uncached), the root table first.
     *
     * @param runtimeMap the regions to map at their virtual addresses
     * @param identityLimit the end of the range mapped one to one from address 0 (a multiple of 1 GiB)
     * @param base the physical address the tables are loaded at (page aligned)
     * @return exactly {@link #pageTablesSize} bytes
     */
    byte[] pageTables(List<EfiMemoryDescriptor> runtimeMap, long identityLimit, long base);

    /**
     * Return the platform options under which a plan's command line alone tells a capture kernel its memory (the
     * firmware boots it and builds its own memory map, so nothing else the plan passes reaches it); x86_64:
     * {@code memmap=cmdline}.
     */
    default Map<String, String> firmwareBootOptions() {
        return Map.of();
    }

    /**
     * Return the purgatory step that makes one runtime-service call through tables loaded at
     * {@link EfiRuntimeCall#pageTables()}.
     *
     * @param call the service, its arguments and what counts as success
     */
    PurgatoryStep call(EfiRuntimeCall call);
}
