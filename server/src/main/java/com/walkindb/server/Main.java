package com.walkindb.server;

import com.walkindb.server.config.Config;
import com.walkindb.server.config.ConfigException;
import com.walkindb.server.config.EnvConfigReader;
import com.walkindb.server.config.Limits;
import com.walkindb.server.sandbox.Sandbox;
import com.walkindb.server.sandbox.SandboxException;
import com.walkindb.server.sandbox.SandboxStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts walkindb from the environment (docs/CONFIGURATION.md). Prints {@code walkindb listening on <url>} on
 * stdout once it accepts requests; SIGTERM / Ctrl-C stop it within {@link Limits#stopLimit()}: no new
 * calls, calls in flight finish (or, stuck past their deadline, are left uncommitted), then exit 0.
 *
 * <p>Before anything else the process confines itself ({@link Sandbox}, WALKINDB_SANDBOX); below
 * Landlock ABI 8 that re-executes the JVM once, so {@code main} runs twice in the same process.
 */
public final class Main {
    private static final String JETTY_REFS_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    private Main() {}

    /** What start-up prepared: the configuration, and the confinement the process now runs in. */
    public record Prepared(Config config, SandboxStatus sandbox) {}

    public static void main(String[] args) throws Exception {
        int exit = CommandLine.run(args, System.out, System.err);
        if (exit != CommandLine.START) {
            System.exit(exit);
            return;
        }
        Prepared prepared = prepare("walkindb");
        Config config = prepared.config();
        WalkinServer server;
        try {
            server = new WalkinServer(config, Clock.systemUTC(), prepared.sandbox());
        } catch (Exception | Error e) {
            String why = startFailure(e);
            if (why == null) {
                throw e; // a bug: its stack trace is wanted
            }
            System.err.println("walkindb: cannot start: " + why);
            System.exit(1);
            return;
        }
        try {
            server.start();
        } catch (java.io.UncheckedIOException e) {
            System.err.println("walkindb: " + e.getMessage()); // the admin listener's address
            server.close();
            System.exit(1);
            return;
        } catch (java.io.IOException e) {
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            System.err.println("walkindb: cannot listen on " + config.listen() + ": " + why);
            server.close();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, config.limits()), "walkindb-shutdown"));
        System.out.println("walkindb listening on " + server.baseUrl() + " (data in " + config.dataDir() + ")");
        if (server.adminUrl() != null) {
            System.out.println("walkindb admin listening on " + server.adminUrl() + " (GET /status; keep it private)");
        }
        System.out.flush();
        new CountDownLatch(1).await(); // until a signal runs the hook, which ends the process
    }

    /**
     * SIGTERM / Ctrl-C: a bounded stop (docs/DEPLOY.md). Calls in flight get their deadline and a
     * grace ({@link Limits#stopWait()}); one still in native code after that (SQLite does not
     * leave a native function early) is left behind, its transaction uncommitted, and the process
     * exits anyway: the JVM would otherwise wait for it. A watchdog halts the process if stopping
     * itself hangs ({@link Limits#stopLimit()}). Exit status 0 either way, as for any stop that was asked for.
     */
    private static void stop(WalkinServer server, Limits limits) {
        Logger log = LoggerFactory.getLogger(Main.class);
        Duration stopLimit = limits.stopLimit();
        log.info("stopping: no new calls; calls in flight get up to {} s", limits.stopWait().toSeconds());
        Thread.ofPlatform().daemon().name("walkindb-stop-watchdog").start(() -> {
            try {
                Thread.sleep(stopLimit);
            } catch (InterruptedException e) {
                return;
            }
            log.error("stopping took over {} s; exiting without finishing", stopLimit.toSeconds());
            Runtime.getRuntime().halt(0);
        });
        long left = server.stop();
        if (left > 0) {
            log.warn("stopped; {} call(s) still in native code after {} s left behind, their transactions uncommitted",
                    left, limits.stopWait().toSeconds());
        } else {
            log.info("stopped");
        }
        // Halt rather than return: the JVM would exit 143 after SIGTERM, and wait on nothing else.
        Runtime.getRuntime().halt(0);
    }

    /**
     * The one line for a start-up failure of the data directory (unreadable, or full and missing a
     * file it needs) or of the SQLite library (cannot be extracted): it names the path and the
     * system's reason. Null for anything else.
     */
    static String startFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof UnsatisfiedLinkError) {
                return t.getMessage();
            }
        }
        return null;
    }

    /**
     * The start of a walkindb process, before any server exists (also of the test suites' jailed
     * server): the JVM properties below, the configuration from the environment, then the
     * sandbox. Exits with status 2 on a bad configuration and 3 when the sandbox is required but
     * cannot be applied; {@code name} begins those messages.
     */
    public static Prepared prepare(String name) {
        // Native SQLite calls pin virtual threads' carriers; keep enough of them whatever the
        // command line (the launcher sets this too). Read once, when the first virtual thread starts.
        if (System.getProperty("jdk.virtualThreadScheduler.parallelism") == null) {
            System.setProperty("jdk.virtualThreadScheduler.parallelism", "8");
        }
        // Without it Jetty asks the platform MBean server whether oops are compressed (they are:
        // the heap is far below 32 GB), which loads JMX and JFR, ~260 classes and ~4 MB resident.
        if (System.getProperty(JETTY_REFS_PER_CACHE_LINE) == null) {
            System.setProperty(JETTY_REFS_PER_CACHE_LINE, "16");
        }
        Config config;
        try {
            config = EnvConfigReader.read(System.getenv());
        } catch (ConfigException e) {
            System.err.println(name + ": bad configuration: " + e.getMessage());
            System.exit(2);
            throw new AssertionError("unreachable");
        }
        try {
            return new Prepared(config, Sandbox.enter(config,
                    config.isolation().processes() ? Sandbox.Role.SUPERVISOR : Sandbox.Role.SERVER));
        } catch (SandboxException e) {
            System.err.println(name + ": refusing to start: " + e.getMessage());
            System.exit(3);
            throw new AssertionError("unreachable");
        }
    }
}
