package com.walkindb.server.abuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Numbers the suite measures for its report (peak RSS, largest walk-in on disk, slowest answers
 * to CPU bombs), printed as {@code ABUSE-STATS} lines at the end of every class.
 */
final class Stats {
    private static final Map<String, Long> MAX = new ConcurrentSkipListMap<>();
    private static final Map<String, String> WHERE = new ConcurrentSkipListMap<>();

    private Stats() {}

    static void max(String key, long value, String where) {
        MAX.merge(key, value, Math::max);
        if (MAX.get(key) == value) {
            WHERE.put(key, where);
        }
    }

    /** Prints the numbers so far; {@code serverPid} is the process the class's server runs in. */
    static void print(String suite, long serverPid) {
        max("rss.hwm.bytes", procStatus(serverPid, "VmHWM"), suite);
        StringBuilder b = new StringBuilder("ABUSE-STATS after ").append(suite).append(" (server process ")
                .append(serverPid).append(serverPid == ProcessHandle.current().pid() ? ", this JVM" : ", a jailed child")
                .append("):");
        for (var e : MAX.entrySet()) {
            b.append("\n  ").append(e.getKey()).append(" = ").append(e.getValue())
                    .append("  (").append(WHERE.get(e.getKey())).append(')');
        }
        System.out.println(b);
    }

    static void line(String text) {
        System.out.println("ABUSE-CASE " + text);
    }

    /** A value in bytes from /proc/PID/status (VmRSS, VmHWM) of the process a server runs in, or -1. */
    static long procStatus(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
