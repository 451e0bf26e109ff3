package com.walkindb.server.testing;

import com.walkindb.server.Main;
import com.walkindb.server.WalkinServer;
import com.walkindb.server.time.Ticker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Test-only process entry point: the server of {@link TestServer}'s jailed mode. It starts through
 * {@link Main#prepare}, as {@code Main} does (properties, configuration, sandbox; below Landlock
 * ABI 8 {@code main} therefore runs twice in the same process, so nothing is printed before the
 * jail is entered), but serves on a {@link TestClock} the test can move.
 *
 * <p>Once it accepts requests it prints {@code JAILED-TEST-SERVER listening <baseUrl>} on stdout,
 * then answers one line per command read from stdin:
 * <ul>
 *   <li>{@code advance <millis>}: moves the clock forward; answers {@code JAILED-TEST-SERVER ok};</li>
 *   <li>{@code sweep}: one sweeper pass now; answers {@code JAILED-TEST-SERVER swept <n>};</li>
 *   <li>{@code inflight}: answers {@code JAILED-TEST-SERVER inflight <n>}, the calls in flight now;</li>
 *   <li>{@code admin}: answers {@code JAILED-TEST-SERVER admin <url>}, the admin listener's (or null);</li>
 *   <li>{@code insql}: answers {@code JAILED-TEST-SERVER insql <n>}, the calls running in SQLite now;</li>
 *   <li>{@code disk <usable> <total>}: the disk guard sees a volume with these figures (bytes);
 *       {@code disk real}: the data volume again; answers {@code JAILED-TEST-SERVER ok};</li>
 *   <li>end of stdin: closes the server and exits 0.</li>
 * </ul>
 * A command that fails answers {@code JAILED-TEST-SERVER error <why>}.
 */
public final class JailedTestServerMain {
    static final String PREFIX = "JAILED-TEST-SERVER ";

    private JailedTestServerMain() {}

    public static void main(String[] args) throws Exception {
        Main.Prepared prepared = Main.prepare("jailed test server");
        TestClock clock = new TestClock();
        WalkinServer server = new WalkinServer(prepared.config(), clock, Ticker.SYSTEM, prepared.sandbox()); // as TestServer
        try {
            server.start();
        } catch (Exception e) {
            System.err.println("jailed test server: cannot start: " + e);
            server.close();
            System.exit(1);
            return;
        }
        PrintStream out = System.out;
        out.println(PREFIX + "listening " + server.baseUrl());
        out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(PREFIX + answer(line.trim(), clock, server));
                out.flush();
            }
        } finally {
            server.close();
        }
        System.exit(0);
    }

    private static String answer(String command, TestClock clock, WalkinServer server) {
        try {
            if (command.startsWith("advance ")) {
                clock.advance(Duration.ofMillis(Long.parseLong(command.substring("advance ".length()))));
                return "ok";
            }
            if (command.equals("sweep")) {
                return "swept " + server.sweeper().sweep();
            }
            if (command.equals("inflight")) {
                return "inflight " + server.callsInFlight();
            }
            if (command.equals("admin")) {
                return "admin " + server.adminUrl();
            }
            if (command.equals("insql")) {
                return "insql " + server.callsInSql();
            }
            if (command.startsWith("disk ")) {
                TestServer.simulateDisk(server, command.substring("disk ".length()));
                return "ok";
            }
            return "error unknown command: " + command;
        } catch (Exception e) {
            return "error " + String.valueOf(e).replaceAll("\\s+", " ");
        }
    }
}
