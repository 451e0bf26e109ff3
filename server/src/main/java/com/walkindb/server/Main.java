package com.walkindb.server;

import com.walkindb.server.config.Config;
import com.walkindb.server.config.ConfigException;
import com.walkindb.server.config.DevProfile;
import com.walkindb.server.config.EnvConfigReader;
import com.walkindb.server.config.Limits;
import com.walkindb.server.sandbox.Sandbox;
import com.walkindb.server.sandbox.SandboxException;
import com.walkindb.server.sandbox.SandboxStatus;
import com.walkindb.server.startup.CannotListen;
import com.walkindb.server.startup.DataDirectory;
import com.walkindb.server.startup.ExitStatus;
import com.walkindb.server.startup.OsReason;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts walkindb from the environment (docs/CONFIGURATION.md). Prints {@code walkindb listening on <url> (version
 * ...; data in ...)} on stdout once it accepts requests; a start-up failure prints one line on stderr and exits
 * with the status of its class ({@link ExitStatus}); SIGTERM / Ctrl-C stop it within {@link Limits#stopLimit()}: no new
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
        Prepared prepared = prepare("walkindb", CommandLine.dev(args));
        Config config = prepared.config();
        WalkinServer server;
        try {
            server = new WalkinServer(config, Clock.systemUTC(), prepared.sandbox());
        } catch (Exception | Error e) {
            if (!aboutFiles(e)) {
                unexpected(e); // a bug: its stack trace is wanted
                return;
            }
            fail(ExitStatus.DATA_DIR, "walkindb: cannot use the data directory WALKINDB_DATA_DIR=" + config.dataDir()
                    + ": " + OsReason.of(e));
            return;
        }
        try {
            server.start();
        } catch (CannotListen e) {
            server.close();
            fail(ExitStatus.CANNOT_LISTEN, "walkindb: " + e.getMessage());
            return;
        } catch (Exception e) {
            server.close();
            unexpected(e);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, config.limits()), "walkindb-shutdown"));
        System.out.println("walkindb listening on " + server.baseUrl() + " (" + versionWord()
                + (config.dev() ? ", dev mode" : "") + "; data in " + config.dataDir() + ")");
        if (server.adminUrl() != null) {
            System.out.println("walkindb admin listening on " + server.adminUrl() + " (GET /status; keep it private)");
        }
        System.out.flush();
        new CountDownLatch(1).await(); // until a signal runs the hook, which ends the process
    }

    /**
     * Whether a failure of the server's construction is one of its files: the data directory
     * (unreadable, or full and missing a file it needs) or the SQLite library (cannot be extracted).
     */
    static boolean aboutFiles(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof UnsatisfiedLinkError) {
                return true;
            }
        }
        return false;
    }

    /** "version 0.2.0", or "development build" when run from classes rather than the jar. */
    static String versionWord() {
        String own = Main.class.getPackage().getImplementationVersion();
        return own == null ? "development build" : "version " + own;
    }

    /**
     * A failure nobody foresaw: its stack trace, then the line and status 1. Exits rather than
     * throws: threads already started (Jetty's, the SQL workers' readers) would keep the JVM up.
     */
    private static void unexpected(Throwable e) {
        e.printStackTrace();
        fail(ExitStatus.UNEXPECTED, "walkindb: cannot start, unexpectedly: " + e);
    }

    /** One line on stderr, then the exit status of its class (docs/CONFIGURATION.md, "Exit statuses"). */
    private static void fail(ExitStatus status, String line) {
        System.err.println(line);
        System.err.flush();
        System.exit(status.code());
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

    /** {@link #prepare(String, boolean)} without --dev (the test suites' jailed server). */
    public static Prepared prepare(String name) {
        return prepare(name, false);
    }

    /**
     * The start of a walkindb process, before any server exists (also of the test suites' jailed
     * server): the JVM properties below, the configuration from the environment ({@code dev}:
     * the --dev argument, as WALKINDB_PROFILE=dev), the data directory, then the sandbox. Each
     * failure prints one line beginning with {@code name} and exits with its {@link ExitStatus}.
     */
    public static Prepared prepare(String name, boolean dev) {
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
            config = EnvConfigReader.read(dev ? DevProfile.withDevFlag(System.getenv()) : System.getenv());
        } catch (ConfigException e) {
            fail(ExitStatus.CONFIG, name + ": bad configuration: " + e.getMessage());
            throw new AssertionError("unreachable");
        }
        try {
            DataDirectory.check(config.dataDir());
        } catch (java.io.IOException e) {
            fail(ExitStatus.DATA_DIR, name + ": cannot use the data directory WALKINDB_DATA_DIR=" + config.dataDir()
                    + ": " + OsReason.of(e));
        }
        SandboxStatus sandbox;
        try {
            sandbox = Sandbox.enter(config, config.isolation().processes() ? Sandbox.Role.SUPERVISOR : Sandbox.Role.SERVER);
        } catch (SandboxException e) {
            fail(ExitStatus.SANDBOX, name + ": refusing to start: " + e.getMessage());
            throw new AssertionError("unreachable");
        }
        if (config.dev()) { // after the sandbox: below Landlock ABI 8 only the re-executed JVM gets here
            LoggerFactory.getLogger(Main.class).warn("{}", DevProfile.banner(config));
        }
        if (config.node().edgeLimits()) {
            LoggerFactory.getLogger(Main.class).info("WALKINDB_RATE_LIMITS=edge: the per-client budgets are the "
                    + "proxy's (docs/DEPLOY.md, \"Scale-out\"); here {} requests/min, {} new walk-ins/min, {} live "
                    + "walk-ins, {} connections, {} MB/min of imports per client", config.requestsPerMinute(),
                    config.creationsPerMinute(), config.maxInstancesPerIp(), config.maxConnectionsPerIp(),
                    config.dataIo().importBudgetBytesPerMinute() >> 20);
        }
        return new Prepared(config, sandbox);
    }
}
