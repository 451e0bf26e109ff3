package com.walkindb.server.abuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Looks at the host around the server: files an attack may have created, the server process's open files. */
final class HostChecks {
    private HostChecks() {}

    /** Every file whose name contains {@code marker} where the server could have written one. */
    static List<String> markerFiles(String marker, Path canary, Path dataDir) {
        List<String> found = new ArrayList<>();
        for (Path p : List.of(Path.of("/tmp"), Path.of(System.getProperty("java.io.tmpdir")), Path.of("/"),
                Path.of(System.getProperty("user.home")))) {
            found.addAll(find(p, 1, marker));
        }
        found.addAll(find(Path.of(System.getProperty("user.dir")), 2, marker));
        found.addAll(find(canary, 8, marker));
        found.addAll(find(dataDir, 8, marker));
        return found;
    }

    private static List<String> find(Path root, int depth, String marker) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.find(root, depth, (p, a) -> p.getFileName() != null
                && p.getFileName().toString().contains(marker))) {
            return s.map(Path::toString).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of(); // unreadable corners of / are not ours to judge
        }
    }

    /**
     * Targets of the open file descriptors of process {@code pid}: the process a server runs in
     * (this test JVM, or the jailed child of {@code -Dwalkindb.test.jailed=true}).
     */
    static List<String> openFiles(long pid) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path p : s.toList()) {
                try {
                    out.add(Files.readSymbolicLink(p).toString());
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** An open descriptor on a temporary file on disk: SQLite spilling temp data (must stay in memory). */
    static boolean isTempSpill(String target) {
        return target.contains("etilqs") || (target.contains("(deleted)") && target.contains("/tmp/"));
    }
}
