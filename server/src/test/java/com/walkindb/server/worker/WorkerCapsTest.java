package com.walkindb.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup v2 steps on a directory tree laid out as a delegated group looks (cgroupfs control
 * files are plain files to write here): this machine may have no v2 hierarchy to try them on.
 * The v1 groups and the memory bomb itself are tried for real in {@link WorkerIsolationTest}.
 */
class WorkerCapsTest {
    @TempDir
    Path root;

    @Test
    void aDelegatedGroupIsDividedIntoALeafForUsAndAGroupPerWorker() throws Exception {
        Path own = Files.createDirectories(root.resolve("system.slice/walkindb.service"));
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        Files.writeString(own.resolve("cgroup.controllers"), "memory pids\n");
        Files.writeString(own.resolve("cgroup.subtree_control"), "");

        WorkerCaps caps = WorkerCaps.CgroupV2.detect(root, List.of("0::/system.slice/walkindb.service"),
                256L << 20, 4242);
        assertThat(caps).isNotNull();
        assertThat(Files.readString(own.resolve("walkindb-supervisor/cgroup.procs")))
                .as("the supervisor moved out of the group it divides").isEqualTo("4242");
        assertThat(Files.readString(own.resolve("cgroup.subtree_control"))).isEqualTo("+memory +pids");

        assertThat(caps.apply(5151, "worker-1")).isEqualTo("cgroup v2 memory 256 MiB, pids 512");
        Path group = own.resolve("walkindb-worker-1");
        assertThat(Files.readString(group.resolve("memory.max"))).isEqualTo(Long.toString(256L << 20));
        assertThat(Files.readString(group.resolve("pids.max"))).isEqualTo("512");
        assertThat(Files.readString(group.resolve("cgroup.procs"))).isEqualTo("5151");
        assertThat(caps.describe()).contains("cgroup v2").contains("256 MiB");
    }

    @Test
    void aGroupWithoutTheMemoryControllerOrNotOursIsNotUsed() throws Exception {
        Path own = Files.createDirectories(root.resolve("user.slice"));
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        Files.writeString(own.resolve("cgroup.controllers"), "cpu pids\n");
        Files.writeString(own.resolve("cgroup.subtree_control"), "");
        assertThat(WorkerCaps.CgroupV2.detect(root, List.of("0::/user.slice"), 1L << 28, 1)).isNull();

        assertThat(WorkerCaps.CgroupV2.detect(root.resolve("nowhere"), List.of("0::/"), 1L << 28, 1))
                .as("no unified hierarchy mounted").isNull();
        assertThat(WorkerCaps.CgroupV2.detect(root, List.of("4:memory:/x"), 1L << 28, 1))
                .as("a v1-only process").isNull();
    }
}
