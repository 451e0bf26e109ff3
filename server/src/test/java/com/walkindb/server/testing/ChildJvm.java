package com.walkindb.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM child process on this test's class path (so it runs the code under test, not a packaged
 * jar), started with every {@code WALKINDB_*} variable of this JVM removed and the given ones
 * set. Its stdout lines are queued for the test; its stderr is kept (the last 64 KiB) and, with
 * a tag, echoed to this JVM's stderr. {@link #close()} kills it by PID.
 */
public final class ChildJvm implements AutoCloseable {
    /** The flags tests start a child with when they do not need production's. */
    public static final List<String> TEST_FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
            "-XX:-UsePerfData");
    private static final String EOF = "\u0000eof";
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(20);
    private static final Duration START_WAIT = Duration.ofSeconds(60);
    private static final int STDERR_TAIL = 64 * 1024;

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private boolean stderrEnded; // guarded by stderr
    private final Thread stderrPump;

    private ChildJvm(Process process, String echoTag) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pump(process.getInputStream(), stdout::add, () -> stdout.add(EOF));
        String tag = echoTag == null ? null : echoTag.replace("{pid}", Long.toString(process.pid()));
        this.stderrPump = pump(process.getErrorStream(), line -> {
            if (tag != null) {
                System.err.println(tag + line);
            }
            synchronized (stderr) {
                stderr.append(line).append('\n');
                if (stderr.length() > 2 * STDERR_TAIL) {
                    stderr.delete(0, stderr.length() - STDERR_TAIL);
                }
                stderr.notifyAll();
            }
        }, () -> {
            synchronized (stderr) {
                stderrEnded = true;
                stderr.notifyAll();
            }
        });
    }

    /** {@code mainClass} with {@link #TEST_FLAGS}, stderr kept but not echoed. */
    public static ChildJvm start(String mainClass, Map<String, String> env, String... args) throws IOException {
        return start(TEST_FLAGS, mainClass, env, null, args);
    }

    /**
     * {@code mainClass} with {@code jvmFlags}; {@code echoTag} (null: no echo) prefixes each stderr
     * line copied to this JVM's stderr, with {@code {pid}} replaced by the child's PID.
     */
    public static ChildJvm start(List<String> jvmFlags, String mainClass, Map<String, String> env, String echoTag,
                                 String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        if (Boolean.getBoolean("walkindb.testHooks")) {
            cmd.add("-Dwalkindb.testHooks=true"); // passed on to its SQL workers (worker.TestHooks)
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("WALKINDB_"));
        pb.environment().putAll(env);
        return new ChildJvm(pb.start(), echoTag);
    }

    /** The next stdout line, or null once the process has closed stdout or after {@code wait}. */
    public String nextLine(Duration wait) throws InterruptedException {
        String line = stdout.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        if (line == null || line.equals(EOF)) {
            if (line != null) {
                stdout.add(EOF);
            }
            return null;
        }
        return line;
    }

    /** The next stdout line, waiting up to 20 s. */
    public String nextLine() throws InterruptedException {
        return nextLine(DEFAULT_WAIT);
    }

    /**
     * Reads stdout up to the first line starting with {@code prefix}; null if it never comes
     * (the child closed stdout, or 60 s passed without a line: a server with worker processes
     * took over 30 s to start on a 2-core machine at load average 24).
     */
    public String awaitLine(String prefix) throws InterruptedException {
        for (String line = nextLine(START_WAIT); line != null; line = nextLine(START_WAIT)) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    /** True once the child has closed its stdout (and the queue holds nothing before that). */
    public boolean stdoutEnded() {
        return EOF.equals(stdout.peek());
    }

    /** Writes one line to the child's stdin. */
    public void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Closes the child's stdin (end of input for it). */
    public void endInput() {
        try {
            stdin.close();
        } catch (IOException alreadyGone) {
            // it is gone; its exit status says how
        }
    }

    /** Waits for the child to exit; false if it is still running after {@code wait}. */
    public boolean waitFor(Duration wait) throws InterruptedException {
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exit status, waiting up to 20 s; -1 if it is still running. */
    public int exitStatus() throws InterruptedException {
        return waitFor(DEFAULT_WAIT) ? process.exitValue() : -1;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** "still running", "exit status N" or "exit status N, signal S". */
    public String exitDescription() {
        if (process.isAlive()) {
            return "still running";
        }
        int status = process.exitValue();
        return status > 128 ? "exit status " + status + ", signal " + (status - 128) : "exit status " + status;
    }

    /** What the child wrote to stderr (its last 64 KiB; all of it once it has exited and been read). */
    public String stderr() {
        if (!process.isAlive()) {
            try {
                stderrPump.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (stderr) {
            return stderr.length() > STDERR_TAIL ? "...\n" + stderr.substring(stderr.length() - STDERR_TAIL)
                    : stderr.toString();
        }
    }

    /**
     * Waits until a line of stderr (within its last 64 KiB) matches {@code line}, and returns the
     * match; null if none came within {@code wait} or before the child closed stderr.
     */
    public MatchResult awaitStderr(Pattern line, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (stderr) {
            while (true) {
                Matcher m = line.matcher(stderr);
                if (m.find()) {
                    return m.toMatchResult(); // a copy: the buffer changes once the lock is gone
                }
                long left = deadline - System.nanoTime();
                if (stderrEnded || left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(stderr, left);
            }
        }
    }

    /**
     * Sends the child SIGTERM, as systemd does to stop a service; does not wait. Through its
     * process handle: {@code Process.destroy()} would also close our ends of its pipes, and what
     * the child logs while it stops would be lost.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Kills the child by PID and waits up to 10 s for it. */
    @Override
    public void close() {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread pump(InputStream in, Consumer<String> sink, Runnable atEnd) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // the process is gone
            } finally {
                atEnd.run();
            }
        }, "child-jvm-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
