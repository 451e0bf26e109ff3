package com.walkindb.server.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM child process on this test's class path (so it runs the code under test, not a packaged
 * jar), with its stdout lines queued for the test and its stderr collected. {@link #close()}
 * kills it by PID.
 */
final class ChildJvm implements AutoCloseable {
    private static final String EOF = "\u0000eof";
    private final Process process;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread stderrPump;

    private ChildJvm(Process process) {
        this.process = process;
        pump(process.getInputStream(), line -> stdout.add(line), () -> stdout.add(EOF));
        this.stderrPump = pump(process.getErrorStream(), line -> stderr.append(line).append('\n'), () -> { });
    }

    static ChildJvm start(String mainClass, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("WALKINDB_"));
        pb.environment().putAll(env);
        return new ChildJvm(pb.start());
    }

    /** The next stdout line, or null once the process has closed stdout or after 20 s. */
    String nextLine() throws InterruptedException {
        String line = stdout.poll(20, TimeUnit.SECONDS);
        if (line == null || line.equals(EOF)) {
            stdout.add(EOF);
            return null;
        }
        return line;
    }

    /** Reads stdout up to the first line starting with {@code prefix}; null if it never comes. */
    String awaitLine(String prefix) throws InterruptedException {
        for (String line = nextLine(); line != null; line = nextLine()) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    /** The exit status, waiting up to 20 s; -1 if it is still running. */
    int exitStatus() throws InterruptedException {
        return process.waitFor(20, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    long pid() {
        return process.pid();
    }

    /** What the process wrote to stderr so far (all of it once the process has exited). */
    String stderr() {
        if (!process.isAlive()) {
            try {
                stderrPump.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return stderr.toString();
    }

    @Override
    public void close() {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread pump(InputStream in, java.util.function.Consumer<String> sink, Runnable atEnd) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // The process is gone.
            } finally {
                atEnd.run();
            }
        }, "child-jvm-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
