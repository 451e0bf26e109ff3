package com.walkindb.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link TestServer}'s jailed backend: {@link JailedTestServerMain} in a child JVM on this test's
 * class path, confined by the production sandbox code with {@code WALKINDB_SANDBOX=require}.
 * Its stdout carries the start-up line and the answers to clock and sweeper commands; its stderr
 * (the server log) is copied to this JVM's stderr, prefixed, and its tail kept for failure
 * messages.
 */
final class JailedServerProcess {
    private static final String EOF = "\u0000eof";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int STDERR_TAIL = 64 * 1024;

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stderrPump;
    private final String baseUrl;
    private boolean closed;

    private JailedServerProcess(Process process) throws Exception {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String tag = "[jailed server " + process.pid() + "] ";
        pump(process.getInputStream(), stdout::add, () -> stdout.add(EOF));
        this.stderrPump = pump(process.getErrorStream(), line -> {
            System.err.println(tag + line);
            synchronized (stderr) {
                stderr.append(line).append('\n');
                if (stderr.length() > 2 * STDERR_TAIL) {
                    stderr.delete(0, stderr.length() - STDERR_TAIL);
                }
            }
        }, () -> { });
        String listening = awaitLine("listening ", START_TIMEOUT);
        if (listening == null) {
            String why = EOF.equals(stdout.peek()) ? "ended before it was listening"
                    : "was not listening after " + START_TIMEOUT.toSeconds() + " s (killed)";
            kill();
            throw new IllegalStateException("the jailed test server (pid " + process.pid() + ") " + why + " ("
                    + exitDescription() + "); its stderr:\n" + stderr());
        }
        this.baseUrl = listening.substring("listening ".length()).trim();
    }

    /**
     * Starts the child with exactly {@code env} on top of this JVM's environment minus every
     * {@code WALKINDB_*} variable, and waits for it to listen.
     */
    static JailedServerProcess start(Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(productionJvmFlags()); // the launcher's heap, GC and stack settings, so the suite tests them too
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), JailedTestServerMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("WALKINDB_"));
        pb.environment().put("MALLOC_ARENA_MAX", "2"); // as ./walkindb sets it
        pb.environment().putAll(env);
        return new JailedServerProcess(pb.start());
    }

    /** The flags of scripts/jvm-flags, which ./walkindb starts production with. */
    private static List<String> productionJvmFlags() throws IOException {
        Path file = Path.of(System.getProperty("user.dir")).resolve("../scripts/jvm-flags").normalize();
        if (!Files.isRegularFile(file)) {
            file = Path.of(System.getProperty("user.dir")).resolve("scripts/jvm-flags"); // run from the root
        }
        return Files.readAllLines(file).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    String baseUrl() {
        return baseUrl;
    }

    long pid() {
        return process.pid();
    }

    /** Sends one command line and returns the answer after the prefix; fails on "error ..." or no answer. */
    synchronized String command(String line) {
        if (!process.isAlive()) {
            throw new IllegalStateException("the jailed test server is gone (" + exitDescription() + "); its stderr:\n"
                    + stderr());
        }
        try {
            stdin.write(line + "\n");
            stdin.flush();
            String answer = awaitLine("", COMMAND_TIMEOUT);
            if (answer == null) {
                throw new IllegalStateException("no answer from the jailed test server to \"" + line + "\" ("
                        + exitDescription() + "); its stderr:\n" + stderr());
            }
            if (answer.startsWith("error ")) {
                throw new IllegalStateException("the jailed test server failed \"" + line + "\": " + answer);
            }
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the jailed test server (" + exitDescription() + "); its stderr:\n"
                    + stderr(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Closes the child's stdin (it closes the server and exits 0), waits up to 10 s, then kills it
     * by PID. Fails if it had died on its own before, or did not exit cleanly. Once only.
     */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean diedBefore = !process.isAlive();
        try {
            stdin.close();
        } catch (IOException alreadyGone) {
            // it is gone; the exit status below says how
        }
        boolean exited;
        try {
            exited = process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) {
            kill();
        }
        if (diedBefore || !exited || process.exitValue() != 0) {
            String what = diedBefore ? "died while the test was running"
                    : !exited ? "did not stop within " + STOP_TIMEOUT.toSeconds() + " s of end of input (killed)"
                    : "stopped with a failure";
            throw new IllegalStateException("the jailed test server (pid " + process.pid() + ") " + what + " ("
                    + exitDescription() + "); its stderr:\n" + stderr());
        }
    }

    private void kill() {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String exitDescription() {
        if (process.isAlive()) {
            return "still running";
        }
        int status = process.exitValue();
        return status > 128 ? "exit status " + status + ", signal " + (status - 128) : "exit status " + status;
    }

    /** The next stdout line of the protocol that starts with {@code what}, after the prefix; null at EOF or timeout. */
    private String awaitLine(String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = stdout.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                return null;
            }
            if (line.equals(EOF)) {
                stdout.add(EOF);
                return null;
            }
            if (line.startsWith(JailedTestServerMain.PREFIX)) {
                String rest = line.substring(JailedTestServerMain.PREFIX.length());
                if (rest.startsWith(what)) {
                    return rest;
                }
            }
            System.err.println("[jailed server " + process.pid() + " stdout] " + line);
        }
    }

    /** The tail of the child's stderr (all of it once the child has exited and the pump is done). */
    private String stderr() {
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
        }, "jailed-server-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
