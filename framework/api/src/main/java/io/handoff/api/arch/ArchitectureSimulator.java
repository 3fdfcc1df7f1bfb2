package io.handoff.api.arch;

import java.util.List;
import java.util.Optional;

/**
 * How a platform's architecture behaves on the reference machine: the platform's host library, its answers to
 * the architecture operations that library's HAL makes, and how a crashed kernel of that architecture enters
 * purgatory.
 *
 * <p>The framework's machine has memory, a port bus with a UART, a CMOS clock and a BMC; everything an
 * architecture adds (a jump with its registers, a PSW load, a firmware call) reaches Java as an
 * {@link ArchitectureCall} with the operation number the plugin's host HAL chose, and is answered here.
 *
 * @since 0.2
 */
public interface ArchitectureSimulator {
    /**
     * Return the class-path resource, inside the plugin's jar, of the host build of this platform's purgatory:
     * the runtime, the host HAL and the platform's architecture steps, such as
     * {@code native/linux-x86-64/libhandoff-purgatory-host-x86_64.so} (plugin-parent's purgatory profile builds it).
     */
    String hostLibrary();

    /**
     * Return a CPU of this architecture for one run of purgatory on the machine, before the run starts (it may
     * look at memory then, to check what purgatory changed once it handed off).
     *
     * @param machine the machine the run is on
     */
    Cpu start(SimulatedMachine machine);

    /**
     * Return how a crashed kernel checks the capture kernel before entering purgatory, when it does (s390's
     * checksum probe); empty (the default): the crashed kernel enters purgatory directly.
     */
    default Optional<KdumpProbe> kdumpProbe() {
        return Optional.empty();
    }

    /** One run's CPU: answers the architecture operations of the host library's HAL. */
    interface Cpu {
        /** A CPU without architecture operations: each answers {@code -1} and the step fails by its flags. */
        Cpu NONE = call -> ArchitectureAnswer.value(-1);

        /**
         * Answer one architecture operation of the host library.
         *
         * @param call the operation number, its arguments and data
         * @return the operation's result, and whether the CPU left purgatory
         */
        ArchitectureAnswer call(ArchitectureCall call);

        /**
         * Return events about the machine as the next kernel will find it, once purgatory handed off; none by
         * default.
         *
         * @param machine the machine after the run
         * @param stop how the CPU left purgatory through an architecture operation, if it did
         */
        default List<String> afterHandoff(SimulatedMachine machine, Optional<ArchitectureStop> stop) {
            return List.of();
        }
    }
}
