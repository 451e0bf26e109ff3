package com.walkindb.server.worker;

import com.walkindb.server.config.Config;
import com.walkindb.server.config.SandboxSettings;
import com.walkindb.sqlite.Sqlite;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a worker JVM is started: the running JDK's {@code java}, the supervisor's class path, flags
 * sized for a process that only runs SQL, and the supervisor's environment with what the
 * worker must see differently.
 */
final class WorkerLaunch {
    /**
     * Smaller than the server's (scripts/jvm-flags): a worker holds connections and answers being
     * built, no sockets and no request state. Same collector and object layout, so the shared
     * class-data archive of the JDK maps the same pages in every JVM of the pool. Tiered
     * compilation stays on (the server turns it off): a spare's warm-up is compiled by C1 within
     * a few hundred calls, so it answers quickly the moment it takes over (docs/ARCHITECTURE.md).
     */
    private static final List<String> JVM_FLAGS = List.of(
            "-XX:+UseSerialGC",
            "-Xms4m",
            "-Xmx64m",
            "-XX:MaxNewSize=16m",
            "-XX:+UseCompactObjectHeaders",
            "-XX:ReservedCodeCacheSize=24m",
            "-XX:CompressedClassSpaceSize=48m",
            "-XX:MaxMetaspaceSize=64m",
            "-Xss512k",
            "-XX:-UsePerfData",
            "-XX:TrimNativeHeapInterval=5000",
            "-XX:+DisplayVMOutputToStderr", // standard output carries frames only
            "--enable-native-access=ALL-UNNAMED");

    /** Properties passed on to workers when the supervisor has them. */
    private static final List<String> PASSED_ON = List.of("walkindb.testHooks", "logback.configurationFile");

    private final Config config;
    private final WorkerSettings settings;

    WorkerLaunch(Config config, WorkerSettings settings) {
        this.config = config;
        this.settings = settings;
    }

    ProcessBuilder builder(boolean warmup) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.add("-Dwalkindb.sqlite.library=" + Sqlite.libraryPath());
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        for (String p : PASSED_ON) {
            String v = System.getProperty(p);
            if (v != null) {
                cmd.add("-D" + p + "=" + v);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(WorkerMain.class.getName());
        cmd.addAll(settings.withWarmup(warmup).toArgs());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        env.remove(SandboxSettings.JAILED_VARIABLE); // the worker builds its own jail
        env.put("WALKINDB_DATA_DIR", config.dataDir().toString());
        env.put("WALKINDB_ADDR", "127.0.0.1:0"); // binds nothing; the jail then allows no fixed port
        env.put("WALKINDB_ADMIN_ADDR", "off");
        env.put("WALKINDB_NODE_NAME", config.node().name()); // its log lines name the node as the server's do
        env.put("WALKINDB_SANDBOX", config.sandbox().mode().name().toLowerCase(java.util.Locale.ROOT));
        env.put("WALKINDB_SANDBOX_SIMULATE_NO_LANDLOCK", Boolean.toString(config.sandbox().simulateNoLandlock()));
        env.put("MALLOC_ARENA_MAX", env.getOrDefault("MALLOC_ARENA_MAX", "2"));
        return pb;
    }

    /** {@code warmup}: the worker runs {@link Warmup} before it says READY (a spare). */
    Process start(boolean warmup) throws IOException {
        return builder(warmup).start();
    }
}
