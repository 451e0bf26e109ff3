package com.walkindb.server.abuse;

import com.walkindb.server.instance.InstanceStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A listing of a directory tree (relative path → size, modification time, kind), and the rules
 * of what an attack may change in the data directory: only {@code instances/<walk-in it used or
 * created>/} (with the files SQLite and the server put there), {@code logs/},
 * {@code secrets/} and {@code warmup/} (a spare SQL worker warms up there on a scratch database
 * of its own, whenever a case had a worker killed). Everything else — other walk-ins' databases, anything at the top, the canary
 * directory — must be exactly as before.
 */
record DiskSnapshot(Path root, Map<String, Entry> entries) {
    record Entry(long size, long modifiedNanos, boolean directory) {}

    static final Set<String> INSTANCE_FILES = Set.of("db.sqlite", "db.sqlite-wal", "db.sqlite-shm", "meta.json");
    static final Set<String> TOP_LEVEL = Set.of("instances", "logs", "secrets", "warmup", "spool");

    static DiskSnapshot take(Path root) {
        Map<String, Entry> out = new TreeMap<>();
        if (!Files.exists(root)) {
            return new DiskSnapshot(root, out);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(p -> {
                if (p.equals(root)) {
                    return;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    out.put(root.relativize(p).toString(), new Entry(a.size(),
                            a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.isDirectory()));
                } catch (NoSuchFileException gone) {
                    // deleted while walking (an idle connection closing its WAL): not there
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e;
            }
        }
        return new DiskSnapshot(root, out);
    }

    /** Problems with {@code after} as the data directory after a case that touched {@code touched}. */
    List<String> dataDirViolations(DiskSnapshot after, Set<UUID> touched) {
        List<String> problems = new ArrayList<>();
        Set<String> paths = new java.util.TreeSet<>(entries.keySet());
        paths.addAll(after.entries.keySet());
        for (String path : paths) {
            Entry was = entries.get(path);
            Entry now = after.entries.get(path);
            String[] parts = path.split("/");
            if (!TOP_LEVEL.contains(parts[0])) {
                if (!java.util.Objects.equals(was, now)) {
                    problems.add("outside the walk-in directories: " + path + " " + was + " -> " + now);
                }
                continue;
            }
            if (parts[0].equals("spool") && parts.length > 1 && now != null) {
                problems.add("an upload left in the spool: " + path);
                continue;
            }
            if (!parts[0].equals("instances") || parts.length == 1) {
                continue; // logs/, secrets/ and warmup/ may change; the instances/ directory's own mtime too
            }
            UUID id = InstanceStore.parseId(parts[1]);
            if (id == null) {
                if (!java.util.Objects.equals(was, now)) {
                    problems.add("not a walk-in directory: " + path + " " + was + " -> " + now);
                }
                continue;
            }
            if (parts.length == 2) {
                if (now != null && !now.directory()) {
                    problems.add("walk-in entry is not a directory: " + path);
                }
                continue;
            }
            if (parts.length > 3 || !INSTANCE_FILES.contains(parts[2]) || (now != null && now.directory())) {
                if (now != null && !now.equals(was)) {
                    problems.add("unexpected file inside a walk-in directory: " + path);
                }
                continue;
            }
            boolean created = !entries.containsKey("instances/" + parts[1]);
            if (touched.contains(id) || created) {
                continue;
            }
            // A walk-in the case never named: its database and metadata must not change. Its WAL
            // and shared-memory files come and go as idle connections close, but hold no data.
            String file = parts[2];
            if (file.equals("db.sqlite") || file.equals("meta.json")) {
                if (!java.util.Objects.equals(was, now)) {
                    problems.add("another walk-in's " + file + " changed: " + path + " " + was + " -> " + now);
                }
            } else if (file.equals("db.sqlite-wal") && now != null && now.size() > 0) {
                problems.add("another walk-in's WAL holds data: " + path + " " + now);
            }
        }
        return problems;
    }

    /** Problems with {@code after} as a directory that must not change at all. */
    List<String> unchangedViolations(DiskSnapshot after) {
        List<String> problems = new ArrayList<>();
        if (!entries.equals(after.entries)) {
            Set<String> paths = new java.util.TreeSet<>(entries.keySet());
            paths.addAll(after.entries.keySet());
            for (String p : paths) {
                if (!java.util.Objects.equals(entries.get(p), after.entries.get(p))) {
                    problems.add(root.resolve(p) + " " + entries.get(p) + " -> " + after.entries.get(p));
                }
            }
        }
        return problems;
    }

    /** Bytes of db.sqlite + -wal + -shm per walk-in directory, by directory name. */
    Map<String, Long> instanceBytes() {
        Map<String, Long> out = new TreeMap<>();
        for (var e : entries.entrySet()) {
            String[] parts = e.getKey().split("/");
            if (parts.length == 3 && parts[0].equals("instances") && parts[2].startsWith("db.sqlite")) {
                out.merge(parts[1], e.getValue().size(), Long::sum);
            }
        }
        return out;
    }
}
