package com.walkindb.server.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * {@link TestServer}'s jailed backend: {@link JailedTestServerMain} in a child JVM with the
 * launcher's flags, confined by the production sandbox code with {@code WALKINDB_SANDBOX=require}.
 * Its stdout carries the start-up line and the answers to clock and sweeper commands; its stderr
 * (the server log) is echoed to this JVM's stderr, prefixed, and its tail kept for failure messages.
 */
final class JailedServerProcess {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final ChildJvm child;
    private final String baseUrl;
    private boolean closed;

    private JailedServerProcess(ChildJvm child) throws Exception {
        this.child = child;
        String listening = awaitAnswer("listening ", START_TIMEOUT);
        if (listening == null) {
            String why = child.stdoutEnded() ? "ended before it was listening"
                    : "was not listening after " + START_TIMEOUT.toSeconds() + " s (killed)";
            child.close();
            throw failure(why);
        }
        this.baseUrl = listening.substring("listening ".length()).trim();
    }

    /**
     * Starts the child with {@code env} (on top of this JVM's environment minus every
     * {@code WALKINDB_*} variable) and waits for it to listen.
     */
    static JailedServerProcess start(Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>();
        all.put("MALLOC_ARENA_MAX", "2"); // as ./walkindb sets it
        all.putAll(env);
        // The launcher's heap, GC and stack settings, so the suites test them too.
        return new JailedServerProcess(ChildJvm.start(LauncherFlags.flags(), JailedTestServerMain.class.getName(),
                all, "[jailed server {pid}] "));
    }

    String baseUrl() {
        return baseUrl;
    }

    long pid() {
        return child.pid();
    }

    /** The first line of the child's log that matches {@code line}, waiting up to 30 s; null if none. */
    MatchResult awaitLog(Pattern line) throws InterruptedException {
        return child.awaitStderr(line, COMMAND_TIMEOUT);
    }

    /** The child's log so far (its last 64 KiB), for failure messages. */
    String log() {
        return child.stderr();
    }

    /** Sends one command line and returns the answer after the prefix; fails on "error ..." or no answer. */
    synchronized String command(String line) {
        if (!child.isAlive()) {
            throw failure("is gone");
        }
        try {
            child.send(line);
            String answer = awaitAnswer("", COMMAND_TIMEOUT);
            if (answer == null) {
                throw failure("did not answer \"" + line + "\"");
            }
            if (answer.startsWith("error ")) {
                throw new IllegalStateException("the jailed test server failed \"" + line + "\": " + answer);
            }
            return answer;
        } catch (IOException e) {
            throw failure("cannot be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Ends the child's input (it closes the server and exits 0), waits up to 10 s, then kills it
     * by PID. Fails if it had died on its own before, or did not exit cleanly. Once only.
     */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean diedBefore = !child.isAlive();
        child.endInput();
        boolean exited;
        try {
            exited = child.waitFor(STOP_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) {
            child.close();
        }
        if (diedBefore) {
            throw failure("died while the test was running");
        }
        if (!exited) {
            throw failure("did not stop within " + STOP_TIMEOUT.toSeconds() + " s of end of input (killed)");
        }
        if (!child.exitDescription().equals("exit status 0")) {
            throw failure("stopped with a failure");
        }
    }

    /** The next protocol line that starts with {@code what}, after the prefix; null at EOF or timeout. */
    private String awaitAnswer(String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = child.nextLine(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (line == null) {
                return null;
            }
            if (line.startsWith(JailedTestServerMain.PREFIX)) {
                String rest = line.substring(JailedTestServerMain.PREFIX.length());
                if (rest.startsWith(what)) {
                    return rest;
                }
            }
            System.err.println("[jailed server " + child.pid() + " stdout] " + line);
        }
    }

    private IllegalStateException failure(String what) {
        return failure(what, null);
    }

    private IllegalStateException failure(String what, Exception cause) {
        return new IllegalStateException("the jailed test server (pid " + child.pid() + ") " + what + " ("
                + child.exitDescription() + "); its stderr:\n" + child.stderr(), cause);
    }
}
