package com.walkindb.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jail's rules, computed from a made-up JVM layout (no kernel involved). */
class SandboxJailPlanTest {
    @TempDir Path dir;

    @Test
    void dataDirectoryIsTheOnlyWritablePlaceBesidesDevNull() throws Exception {
        Map<Path, JailPlan.PathRule> rules = rules(plan(false));
        JailPlan.PathRule data = rules.get(dir.resolve("data").toRealPath());
        assertThat(data.access()).isEqualTo(JailPlan.READ_WRITE);
        assertThat(data.access() & Landlock.FS_EXECUTE).isZero();
        assertThat(data.access() & (Landlock.FS_MAKE_SYM | Landlock.FS_MAKE_SOCK | Landlock.FS_MAKE_FIFO
                | Landlock.FS_MAKE_CHAR | Landlock.FS_MAKE_BLOCK)).isZero();
        assertThat(rules.values()).filteredOn(r -> (r.access() & Landlock.FS_WRITE_FILE) != 0)
                .extracting(JailPlan.PathRule::path)
                .containsExactlyInAnyOrder(dir.resolve("data").toRealPath(), Path.of("/dev/null"));
    }

    @Test
    void aSqlWorkerMayWriteOnlyTheWalkinsAndItsWarmUpScratch() throws Exception {
        Path data = dir.resolve("data");
        List<Path> writable = Sandbox.writable(Sandbox.Role.WORKER, data);
        for (Path p : writable) {
            Files.createDirectories(p);
        }
        Files.createDirectories(data.resolve("secrets"));
        JailPlan plan = JailPlan.of(new JailPlan.Inputs(Path.of(System.getProperty("java.home")),
                Path.of("/proc/self/exe").toRealPath(), List.of(), List.of(), null, writable, 0, -1, false, null));
        Map<Path, JailPlan.PathRule> rules = rules(plan);
        assertThat(rules.values()).filteredOn(r -> (r.access() & Landlock.FS_WRITE_FILE) != 0)
                .extracting(JailPlan.PathRule::path)
                .containsExactlyInAnyOrder(data.resolve("instances").toRealPath(), data.resolve("warmup").toRealPath(),
                        Path.of("/dev/null"));
        assertThat(rules).as("no rule for the data directory or its secrets")
                .doesNotContainKeys(data.toRealPath(), data.resolve("secrets").toRealPath());
    }

    @Test
    void onlyTheJvmBinaryAndItsLoaderMayBeExecuted() throws Exception {
        Path java = Path.of("/proc/self/exe").toRealPath();
        Path loader = JailPlan.interpreterOf(java);
        assertThat(loader).as("PT_INTERP of " + java).isNotNull();
        assertThat(loader.getFileName().toString()).startsWith("ld-");
        assertThat(plan(false).paths()).filteredOn(r -> (r.access() & Landlock.FS_EXECUTE) != 0)
                .extracting(JailPlan.PathRule::path)
                .containsExactlyInAnyOrder(java, loader.toRealPath());
    }

    @Test
    void filesGetFileRightsOnlyAndDuplicatesMerge() throws Exception {
        Map<Path, JailPlan.PathRule> rules = rules(plan(false));
        JailPlan.PathRule jar = rules.get(dir.resolve("server.jar").toRealPath());
        assertThat(jar.access()).isEqualTo(Landlock.FS_READ_FILE);
        JailPlan.PathRule classes = rules.get(dir.resolve("classes").toRealPath());
        assertThat(classes.access()).isEqualTo(JailPlan.READ);
        // The symlink to the jar and the jar are one rule; a missing entry is no rule.
        assertThat(plan(false).paths()).extracting(JailPlan.PathRule::path)
                .doesNotHaveDuplicates()
                .doesNotContain(dir.resolve("missing.jar"));
    }

    @Test
    void linksLeavingTheJdkAreFollowed() throws Exception {
        // Debian's OpenJDK: lib/jvm.cfg -> /etc/java-NN-openjdk/jvm-amd64.cfg, and so on.
        Path etc = Files.createDirectories(dir.resolve("etc-java"));
        Files.writeString(etc.resolve("jvm-amd64.cfg"), "-server KNOWN");
        Files.createDirectories(dir.resolve("jdk/lib"));
        Files.createSymbolicLink(dir.resolve("jdk/lib/jvm.cfg"), etc.resolve("jvm-amd64.cfg"));
        Files.createSymbolicLink(dir.resolve("jdk/lib/inside"), dir.resolve("jdk/bin"));
        Files.createSymbolicLink(dir.resolve("jdk/lib/dangling"), dir.resolve("nowhere"));
        assertThat(JailPlan.linkedFrom(dir.resolve("jdk"))).containsExactly(etc.resolve("jvm-amd64.cfg").toRealPath());
        assertThat(rules(plan(false)).get(etc.resolve("jvm-amd64.cfg").toRealPath()).access())
                .isEqualTo(Landlock.FS_READ_FILE);
    }

    @Test
    void procRulesKeepTheirDescriptorOpenAndNothingElseDoes() {
        for (JailPlan.PathRule r : plan(false).paths()) {
            assertThat(r.keepOpen()).as(r.path().toString()).isEqualTo(r.path().startsWith("/proc"));
        }
        assertThat(plan(false).paths()).extracting(JailPlan.PathRule::path)
                .contains(Path.of("/proc/" + ProcessHandle.current().pid()))
                .noneMatch(p -> p.equals(Path.of("/proc")) || p.equals(Path.of("/")) || p.equals(Path.of("/etc"))
                        || p.equals(Path.of("/tmp")) || p.equals(Path.of("/home")) || p.equals(Path.of("/root")));
    }

    @Test
    void nameResolutionFilesOnlyWhenListeningOnAName() {
        assertThat(plan(false).paths()).extracting(JailPlan.PathRule::path).doesNotContain(Path.of("/etc/hosts"));
        if (Files.exists(Path.of("/etc/hosts"))) {
            assertThat(plan(true).paths()).extracting(JailPlan.PathRule::path).contains(Path.of("/etc/hosts"));
        }
        assertThat(plan(true).bindPort()).isEqualTo(8080);
    }

    private JailPlan plan(boolean byName) {
        try {
            Files.createDirectories(dir.resolve("jdk/bin"));
            Files.createDirectories(dir.resolve("classes"));
            Files.createDirectories(dir.resolve("data"));
            if (!Files.exists(dir.resolve("server.jar"))) {
                Files.writeString(dir.resolve("server.jar"), "PK");
                Files.createSymbolicLink(dir.resolve("link.jar"), dir.resolve("server.jar"));
            }
            return JailPlan.of(new JailPlan.Inputs(dir.resolve("jdk"), Path.of("/proc/self/exe").toRealPath(),
                    List.of(dir.resolve("server.jar"), dir.resolve("link.jar"), dir.resolve("classes"),
                            dir.resolve("missing.jar")),
                    List.of(), null, dir.resolve("data"), 8080, byName));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<Path, JailPlan.PathRule> rules(JailPlan plan) {
        return plan.paths().stream().collect(Collectors.toMap(JailPlan.PathRule::path, Function.identity()));
    }
}
