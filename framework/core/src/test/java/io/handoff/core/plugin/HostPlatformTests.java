package io.handoff.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.SyscallNumbers;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.spi.Platform;
import io.handoff.core.testing.MapSettings;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HostPlatformTests {
    static final SyscallNumbers NUMBERS = new SyscallNumbers(104, 294, 142);

    @Nested
    class Finding {
        @Test
        void theHostsPlatformIsTheOneClaimingItsOsArch() {
            List<LoadedPlatform> loaded = List.of(loaded("big", 22, Set.of("s390x"), Optional.of(NUMBERS)),
                    loaded("little", 62, Set.of("amd64", "x86_64"), Optional.of(NUMBERS)));

            assertThat(HostPlatform.find(loaded, "amd64").platform().id()).isEqualTo("little");
            assertThat(HostPlatform.find(loaded, "s390x").platform().id()).isEqualTo("big");
        }

        @Test
        void noClaimantIsNotAvailableAndNamesWhatIsLoaded() {
            List<LoadedPlatform> loaded = List.of(loaded("big", 22, Set.of("s390x"), Optional.of(NUMBERS)),
                    loaded("sim", 50, Set.of(), Optional.empty()));

            assertThatThrownBy(() -> HostPlatform.find(loaded, "aarch64"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.NOT_AVAILABLE))
                    .hasMessage("no loaded platform runs natively on this host (aarch64; loaded: big, sim): install"
                            + " its plugin");
        }

        @Test
        void twoClaimantsAreAPlatformConflict() {
            List<LoadedPlatform> loaded = List.of(loaded("a", 62, Set.of("amd64"), Optional.of(NUMBERS)),
                    loaded("b", 62, Set.of("amd64"), Optional.of(NUMBERS)));

            assertThatThrownBy(() -> HostPlatform.find(loaded, "amd64"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.PLATFORM))
                    .hasMessage("several loaded platforms run natively on amd64: a, b");
        }
    }

    @Nested
    class WhatTheKernelIsTold {
        @Test
        void theSyscallNumbersAndArchBitsAreThePlatforms() {
            HostPlatform host = HostPlatform.find(List.of(loaded("big", 22, Set.of("s390x"), Optional.of(NUMBERS))),
                    "s390x");

            assertThat(host.syscallNumbers()).isEqualTo(NUMBERS);
            assertThat(host.kexecArch()).isEqualTo(22 << 16);
        }

        @Test
        void aNativePlatformWithoutSyscallNumbersCannotLoad() {
            HostPlatform host = HostPlatform.find(List.of(loaded("mute", 62, Set.of("amd64"), Optional.empty())),
                    "amd64");

            assertThatThrownBy(host::syscallNumbers).isInstanceOfSatisfying(HandoffException.class,
                    e -> assertThat(e.kind()).isEqualTo(FailureKind.NOT_AVAILABLE))
                    .hasMessage("platform mute runs on amd64 but declares no kexec syscall numbers");
        }
    }

    private static LoadedPlatform loaded(String id, int elfMachine, Set<String> hosts, Optional<SyscallNumbers> numbers) {
        Platform platform = new Platform() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public boolean detect(SystemView view) {
                return false;
            }

            @Override
            public PlatformPlan plan(PlanContext context) {
                throw new UnsupportedOperationException("not planned here");
            }

            @Override
            public int elfMachine() {
                return elfMachine;
            }

            @Override
            public Set<String> hostArchitectures() {
                return hosts;
            }

            @Override
            public Optional<SyscallNumbers> syscallNumbers() {
                return numbers;
            }
        };
        return new LoadedPlatform(platform, id, "1.0", "", MapSettings.empty(), List.of());
    }
}
